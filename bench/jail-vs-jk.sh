#!/bin/bash
# cagesh-jail init against jailkit's jk_cp on the same command set: the
# time, files and bytes of each cage.  Run as root by hand; CI does not.
# Installs nothing: jailkit comes from Debian (apt-get install jailkit).
#
# usage: bench/jail-vs-jk.sh [CAGESH-JAIL]   (default: ./cagesh-jail)
set -u

J=${1:-./cagesh-jail}
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
[ -x "$J" ] || { echo "bench: no $J" >&2; exit 1; }
if ! command -v jk_cp >/dev/null; then
	echo "bench: jk_cp not found (apt-get install jailkit)" >&2
	exit 1
fi

# The capistrano profile's commands as they are on a Debian host, plus
# the same extra files the shipped cage_files names.
cmds="mkdir chmod ln mv rm touch ls cat readlink kill tar git svn svnversion
    scp rsync git-upload-pack git-receive-pack git-upload-archive"
files="/usr/lib/git-core /usr/share/git-core/templates /etc/ssl/certs
    /usr/share/zoneinfo/Etc/UTC"

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
cf=
for f in $files; do
	[ -e "$f" ] && cf="$cf${cf:+, }\"$f\""
done
cat > "$work/bench.conf" <<CONF
profiles = { p = { path = [ "/usr/bin", "/bin" ]; cage_files = [ $cf ];
  commands = { $conf_cmds }; }; };
users = ( { user = "$u"; cage = "$work/cagesh"; home = "/home/$u"; profile = "p"; } );
CONF

now() { date +%s.%N; }
measure() {	# measure NAME DIR START END
	printf '%-12s %8.3f s %7d files %12d bytes\n' "$1" \
	    "$(awk -v a="$3" -v b="$4" 'BEGIN { print b - a }')" \
	    "$(find "$2" \( -type f -o -type l -o -type c \) | wc -l)" \
	    "$(du -sb "$2" | cut -f1)"
}

t0=$(now)
"$J" --config "$work/bench.conf" init --user "$u" >/dev/null || exit 1
t1=$(now)
measure cagesh-jail "$work/cagesh" "$t0" "$t1"

mkdir -m 755 "$work/jk"
t0=$(now)
# jk_cp copies each binary with the libraries ldd reports (setuid bits
# dropped by default; no -k: hard links to host files are not wanted),
# the extra files and directories likewise.
jk_cp -j "$work/jk" $paths $files >/dev/null 2>&1
t1=$(now)
# git opens /dev/null; jk_cp makes no devices (jk_init's sections do).
mkdir -p "$work/jk/dev" && mknod -m 666 "$work/jk/dev/null" c 1 3
measure jailkit "$work/jk" "$t0" "$t1"

chroot "$work/cagesh" /usr/bin/git --version >/dev/null 2>&1 &&
    echo "cagesh-jail cage: git runs" || echo "cagesh-jail cage: git FAILS"
chroot "$work/jk" /usr/bin/git --version >/dev/null 2>&1 &&
    echo "jailkit cage: git runs" || echo "jailkit cage: git FAILS"
"$J" --config "$work/bench.conf" check --user "$u" >/dev/null &&
    echo "cagesh-jail check on its cage: clean"
