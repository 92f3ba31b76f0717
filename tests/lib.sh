# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the shell tests: TAP output and the test environment.
# Sourced; expects $top_srcdir and $CAGESH from the Makefile (or the
# current directory when run by hand).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CAGESH:=$top_srcdir/cagesh}"
if [ -n "${CAGESH_SHARED:-}" ]; then
	SHARED=$CAGESH_SHARED
	SHARED_REQUIRED=1
else
	SHARED=$top_srcdir/../shared
	SHARED_REQUIRED=0
fi

# The tests' Python imports tests/check.py: check(), an assert that
# python3 -O and PYTHONOPTIMIZE do not switch off.
PYTHONPATH=$(cd "$top_srcdir/tests" && pwd)${PYTHONPATH:+:$PYTHONPATH}
export PYTHONPATH
# And an assert written later still runs.
unset PYTHONOPTIMIZE

tap_n=0
tap_failed=0

ok() {	# ok STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
	[ "$1" -eq 0 ]
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ] && [ "$tap_n" -gt 0 ]
}

# A scratch directory removed on exit.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cagesh-test.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

me=$(id -un)

# The shipped config with its users replaced by the current user, so
# that --explain and --check-config work without root or a deploy account.
shipped_conf_for_me() {
	sed -e "s/user = \"deploy\";/user = \"$me\";/" \
	    -e "s/group = \"gitusers\";/user = \"cagesh-test-none-$$\";/" \
	    "$top_srcdir/etc/cagesh.conf" > "$scratch/cagesh.conf"
	echo "$scratch/cagesh.conf"
}

# Root tests share the compiled-in config path and /etc/pam.d/cagesh:
# one at a time, even under make -j.
root_test_lock() {
	exec 9>/run/cagesh-tests.lock || exit 1
	flock 9
}

# need_shared PATH: sets $file to PATH under ../shared; when it is
# missing, skips the test, or fails it if CAGESH_SHARED asked for it.
need_shared() {
	file=$SHARED/$1
	[ -r "$file" ] && return 0
	if [ "$SHARED_REQUIRED" = 1 ]; then
		echo "not ok 1 - $file is missing"
		echo "1..1"
		exit 1
	fi
	skip_all "no $file"
}

# cage_programs CAGE PATH...: copies each program to CAGE/usr/bin under
# its own name, with the shared libraries ldd lists for it.
cage_programs() {
	local cage=$1 src lib
	shift
	mkdir -p "$cage/usr/bin"
	for src in "$@"; do
		cp "$src" "$cage/usr/bin/$(basename "$src")" || return 1
		for lib in $(ldd "$src" | grep -o '/[^ ]*'); do
			mkdir -p "$cage$(dirname "$lib")"
			cp -n "$lib" "$cage$lib" || return 1
		done
	done
}

# session_test_setup P1 P2 TOOL...: the ground of the root session tests.
# Skips unless root (and not CAGESH_SKIP_ROOT), takes the lock, needs
# the tools, and makes: $conf_path (not yet written; it must not exist),
# two users $u=P1$$ and $u2=P2$$ with no password ($uid, $gid are $u's),
# /etc/pam.d/cagesh when it is missing, a root-owned $work with the
# setuid copy $bin and the log directory $work/log.  All of it, and any
# process of the users, goes on exit.
session_test_setup() {
	local p1=$1 p2=$2 t
	shift 2
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -z "${CAGESH_SKIP_ROOT:-}" ] || skip_all "CAGESH_SKIP_ROOT is set"
	root_test_lock
	for t in useradd userdel setpriv python3 ldd mount "$@"; do
		command -v "$t" >/dev/null || skip_all "needs $t"
	done
	conf_path=$("$CAGESH" --version | sed -n 's/.*(config \(.*\))$/\1/p')
	[ -n "$conf_path" ] || skip_all "cannot tell the config path"
	[ -e "$conf_path" ] && skip_all "$conf_path exists; not touching it"

	work=$(mktemp -d /var/lib/cagesh-test.XXXXXX) || exit 1
	chmod 755 "$work"
	u=$p1$$
	u2=$p2$$
	pam_made=0
	trap session_test_cleanup EXIT
	useradd -M -U -d /home/"$u" -s /bin/false "$u" || exit 1
	useradd -M -U -d /home/"$u2" -s /bin/false "$u2" || exit 1
	usermod -p '*' "$u"
	usermod -p '*' "$u2"
	uid=$(id -u "$u")
	gid=$(id -g "$u")
	mkdir -p "$(dirname "$conf_path")"
	if [ ! -e /etc/pam.d/cagesh ]; then
		cp "$top_srcdir/pam/cagesh" /etc/pam.d/cagesh && pam_made=1
	fi
	# The setuid binary, in a root-owned directory.
	mkdir -p "$work/sbin" "$work/log"
	chmod 700 "$work/log"
	bin=$work/sbin/cagesh
	cp "$CAGESH" "$bin" && chown root:root "$bin" && chmod 4755 "$bin"
}

as_user() {	# as_user CMD...: run as the caged user $u
	setpriv --reuid="$u" --regid="$gid" --init-groups "$@"
}

log_mark() {	# how many whole lines the audit log $log has now
	if [ -e "$log" ]; then wc -l < "$log"; else echo 0; fi
}

session_test_cleanup() {
	pkill -KILL -u "$u" 2>/dev/null
	pkill -KILL -u "$u2" 2>/dev/null
	umount "$work/cage/proc" 2>/dev/null
	mountpoint -q "$work/log" && umount "$work/log"
	rm -f "$conf_path"
	[ "$pam_made" = 1 ] && rm -f /etc/pam.d/cagesh
	userdel "$u" 2>/dev/null
	userdel "$u2" 2>/dev/null
	rm -rf "$work" "$scratch"
}

# setuid_caller PREFIX: for the root part of a test that also runs
# unprivileged.  Makes a setuid-root copy $sbin of $CAGESH in a root-owned
# directory $swork (mode 755: put the files the caller reads there) and a
# throwaway user $su=PREFIX$$ (no password) to run it as: as_caller CMD...
# Without root (or with CAGESH_SKIP_ROOT, or without useradd or setpriv)
# it returns 1 and sets $why.  All of it goes on exit.
setuid_caller() {
	local t
	why=
	[ "$(id -u)" = 0 ] || why="needs root"
	[ -z "${CAGESH_SKIP_ROOT:-}" ] || why="CAGESH_SKIP_ROOT is set"
	for t in useradd userdel setpriv; do
		[ -n "$why" ] || command -v "$t" >/dev/null || why="needs $t"
	done
	[ -z "$why" ] || return 1
	root_test_lock
	swork=$(mktemp -d /var/lib/cagesh-test.XXXXXX) || exit 1
	chmod 755 "$swork"
	su=$1$$
	trap setuid_caller_cleanup EXIT
	useradd -M -U -d /nonexistent -s /bin/false "$su" || exit 1
	sgid=$(id -g "$su")
	sbin=$swork/cagesh
	cp "$CAGESH" "$sbin" && chown root:root "$sbin" && chmod 4755 "$sbin" ||
	    exit 1
}

as_caller() {	# as_caller CMD...: run as the throwaway user $su
	setpriv --reuid="$su" --regid="$sgid" --init-groups "$@"
}

setuid_caller_cleanup() {
	pkill -KILL -u "$su" 2>/dev/null
	userdel "$su" 2>/dev/null
	rm -rf "$swork" "$scratch"
}

# nosuid DIR: whether DIR is on a file system that ignores setuid bits
# (a setuid test there could not fail).
nosuid() {
	findmnt -n -o OPTIONS -T "$1" | tr , '\n' | grep -qx nosuid
}
