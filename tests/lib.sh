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
