#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cagesh-jail init against jailkit on the same commands (BENCHMARKS.md,
# item 5): the time (median of REPS fresh builds, the tools interleaved),
# files and bytes of each cage, and whether git runs in it.  Three cages:
#   cagesh-jail  cagesh-jail init from a config naming the commands and
#                the shipped profile's cage_files;
#   jk_cp        jailkit's jk_cp on exactly those paths (+ /dev/null);
#   jk_init      jailkit's sections: uidbasics basicshell git scp sftp
#                rsync, and jk_cp for what no section has (readlink,
#                kill, svn, svnversion, the cage_files).  The sections
#                bring more than the commands (bash, perl, editors...):
#                that is how jk_init is used.
# jk_init runs with a copy of /etc/jailkit/jk_init.ini without its
# need_logsocket and need_proc lines, which would append to
# /etc/jailkit/jk_socketd.ini and /etc/fstab.
# Run as root; make bench runs it.  Installs nothing (apt-get install
# jailkit).  Leaves nothing: its user and directories go on exit.
#
# usage: bench/jail-vs-jk.sh [-n REPS] [-o JSON] [CAGESH-JAIL]
set -u

reps=3
json=
while getopts n:o: opt; do
	case $opt in
	n) reps=$OPTARG ;;
	o) json=$OPTARG ;;
	*) echo "usage: $0 [-n REPS] [-o JSON] [CAGESH-JAIL]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
J=${1:-./cagesh-jail}
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
[ -x "$J" ] || { echo "bench: no $J" >&2; exit 1; }
for t in jk_cp jk_init; do
	command -v $t >/dev/null ||
	    { echo "bench: $t not found (apt-get install jailkit)" >&2; exit 1; }
done

# The capistrano profile's commands as they are on a Debian host, plus
# the same extra files the shipped cage_files names.
cmds="mkdir chmod ln mv rm touch ls cat readlink kill tar git svn svnversion
    scp rsync git-upload-pack git-receive-pack git-upload-archive"
files="/usr/lib/git-core /usr/share/git-core/templates /etc/ssl/certs
    /usr/share/zoneinfo/Etc/UTC /bin/sh /bin/gzip"
sections="uidbasics basicshell git scp sftp rsync"
no_section="readlink kill svn svnversion"

work=$(mktemp -d /var/lib/cagesh-jail-bench.XXXXXX) || exit 1
chmod 755 "$work"
u=cjb$$
trap 'userdel "$u" 2>/dev/null; rm -rf "$work"' EXIT
useradd -M -U -d /nonexistent -s /bin/false "$u" || exit 1

paths=
conf_cmds=
for c in $cmds; do
	p=$(PATH=/usr/bin:/bin command -v "$c") || continue
	paths="$paths $p"
	conf_cmds="$conf_cmds $c = { };"
done
if [ -x /usr/lib/openssh/sftp-server ]; then
	paths="$paths /usr/lib/openssh/sftp-server"
	conf_cmds="$conf_cmds sftp-server = { path = \"/usr/lib/openssh/sftp-server\"; };"
fi
extra=
cf=
for f in $files; do
	[ -e "$f" ] || continue
	extra="$extra $f"
	cf="$cf${cf:+, }\"$f\""
done
jkextra=$extra
for c in $no_section; do
	p=$(PATH=/usr/bin:/bin command -v "$c") && jkextra="$jkextra $p"
done
cat > "$work/bench.conf" <<CONF
profiles = { p = { path = [ "/usr/bin", "/bin" ]; cage_files = [ $cf ];
  commands = { $conf_cmds }; }; };
users = ( { user = "$u"; cage = "$work/cagesh-jail"; home = "/home/$u"; profile = "p"; } );
CONF
sed -e '/^need_logsocket/d' -e '/^need_proc/d' /etc/jailkit/jk_init.ini \
    > "$work/jk_init.ini"

build() {	# build TOOL DIR: make the cage, print the seconds it took
	local t0 t1
	rm -rf "$2"
	t0=$(date +%s.%N)
	case $1 in
	cagesh-jail)
		"$J" --config "$work/bench.conf" init --user "$u" \
		    >"$work/$1.log" 2>&1 ;;
	jk_cp)
		# jk_cp copies each binary with the libraries ldd reports
		# (setuid bits dropped; no -k: no hard links to host files).
		mkdir -m 755 "$2" && jk_cp -j "$2" $paths $extra \
		    >"$work/$1.log" 2>&1
		# git opens /dev/null; jk_cp makes no devices.
		mkdir -p "$2/dev" && mknod -m 666 "$2/dev/null" c 1 3 ;;
	jk_init)
		jk_init -c "$work/jk_init.ini" -j "$2" $sections \
		    >"$work/$1.log" 2>&1 &&
		    jk_cp -j "$2" $jkextra >>"$work/$1.log" 2>&1 ;;
	esac || { echo "bench: $1 failed:" >&2; tail -5 "$work/$1.log" >&2; exit 1; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

tools="cagesh-jail jk_cp jk_init"
: > "$work/times"
for i in $(seq 1 "$reps"); do
	# Interleaved, the first tool changing each time.
	k=$(( (i - 1) % 3 ))
	order=$(echo $tools $tools | cut -d' ' -f$((k + 1))-$((k + 3)))
	for t in $order; do
		s=$(build "$t" "$work/$t") || exit 1
		echo "$t $s" >> "$work/times"
	done
done

results=
for t in $tools; do
	d=$work/$t
	med=$(awk -v t="$t" '$1 == t { print $2 }' "$work/times" | sort -n |
	    awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	nfiles=$(find "$d" \( -type f -o -type l -o -type c \) | wc -l)
	bytes=$(du -sb "$d" | cut -f1)
	chroot "$d" /usr/bin/git --version >/dev/null 2>&1 && git=yes || git=no
	printf '%-12s %8.3f s (median of %d) %7d files %12d bytes  git runs: %s\n' \
	    "$t" "$med" "$reps" "$nfiles" "$bytes" "$git"
	results="$results${results:+,}\"$t\": {\"seconds\": $med, \"files\": $nfiles, \"bytes\": $bytes, \"git_runs\": \"$git\"}"
done
"$J" --config "$work/bench.conf" check --user "$u" >/dev/null &&
    echo "cagesh-jail check on its cage: clean"
[ -n "$json" ] && printf '{"reps": %d, "sections": "%s", "jk_cp_for": "%s", %s}\n' \
    "$reps" "$sections" "$no_section" "$results" > "$json"
exit 0
