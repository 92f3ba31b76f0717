#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian package, as root on Debian (tests/suite's last step; alone:
# bash tests/deb.sh): builds it from a clean git clone of this checkout
# (its HEAD: only what is committed), fails on a lintian error, installs
# it, checks what it installed (modes, owners, conffiles, an edited
# conffile kept on a reinstall), runs ./demo.sh --installed against it,
# then removes the demo, purges the package and checks that the host is
# as it was.  Takes the root tests' lock: the package owns the paths
# they use (/etc/cagesh.conf, /etc/pam.d/cagesh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

fail() { echo "tests/deb.sh: $*" >&2; exit 1; }
say() { printf -- '--- %s\n' "$*"; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs the package)"
for t in dpkg-buildpackage lintian git logrotate; do
	command -v $t >/dev/null ||
		fail "needs $t (apt-get install debhelper dpkg-dev fakeroot lintian git logrotate)"
done
git -C "$top" rev-parse --verify -q HEAD >/dev/null ||
	fail "$top is not a git checkout (the package is built from a clone)"
exec 9>/run/cagesh-tests.lock
flock 9

# What must be there neither before nor after.
traces() {
	find /etc /usr /var /srv /run -xdev \( -name '*cagesh*' -o \
	    -name 'cagedemo' \) ! -path /run/cagesh-tests.lock \
	    ! -path '/var/lib/cagesh-test*' ! -path '/var/lib/cagesh-e2e*' \
	    ! -path '/var/lib/cagesh-jail-test*' ! -path '/var/lib/dpkg/*' \
	    ! -path '/var/cache/*' 2>/dev/null | sort
	getent passwd cagedemo || true
	getent group cagedemo || true
	ss -ltn 2>/dev/null | grep -w '127.0.0.1:2222' || true
}
if dpkg-query -W -f='${Status}\n' cagesh 2>/dev/null | grep -q installed; then
	fail "the cagesh package is installed already: not touching it"
fi
for f in /etc/cagesh.conf /etc/pam.d/cagesh /var/log/cagesh; do
	[ ! -e $f ] || fail "$f exists: the package would take it over"
done
before=$(traces)

tmp=$(mktemp -d /tmp/cagesh-deb.XXXXXX)
installed=0
cleanup() {
	if [ $installed = 1 ]; then
		(cd "$tmp/cagesh" && ./demo.sh --remove) >/dev/null 2>&1 || true
		dpkg --purge cagesh >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

say "dpkg-buildpackage -us -uc -b (clean clone of $(git -C "$top" rev-parse --short HEAD))"
git clone -q "$top" "$tmp/cagesh"
start=$SECONDS
if ! (cd "$tmp/cagesh" && DEB_BUILD_OPTIONS=nocheck \
    dpkg-buildpackage -us -uc -b) > "$tmp/build.log" 2>&1; then
	tail -n 60 "$tmp/build.log"
	fail "dpkg-buildpackage failed"
fi
echo "built in $((SECONDS - start)) s:" $(cd "$tmp" && ls *.deb)
deb=$(ls "$tmp"/cagesh_*.deb | head -n 1)

say "lintian"
# the lintian warning about root is lintian's, on stderr: not the package's
lintian --fail-on error -I --pedantic --show-overrides "$tmp"/cagesh_*.changes 2>&1 |
    grep -v 'running with root privileges' || true
lintian --fail-on error "$tmp"/cagesh_*.changes >/dev/null 2>&1 ||
	fail "lintian reports errors"

say "dpkg -i"
installed=1
dpkg -i "$deb" > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }

n=0
check() {	# check WHAT COMMAND...
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		bad=1
	fi
}
bad=0
mode_is() {	# mode_is PATH OCTAL OWNER:GROUP TYPE
	[ "$(stat -c '%a %U:%G %F' "$1" 2>&1)" = "$2 $3 $4" ] ||
		{ echo "  $1: $(stat -c '%a %U:%G %F' "$1" 2>&1), not $2 $3 $4"; return 1; }
}
check "/usr/sbin/cagesh 4755 root" mode_is /usr/sbin/cagesh 4755 root:root "regular file"
check "/usr/sbin/cagesh-jail 755" mode_is /usr/sbin/cagesh-jail 755 root:root "regular file"
check "/usr/sbin/cagesh-log 755" mode_is /usr/sbin/cagesh-log 755 root:root "regular file"
check "/etc/cagesh.conf 644 root" mode_is /etc/cagesh.conf 644 root:root "regular file"
check "/etc/pam.d/cagesh 644 root" mode_is /etc/pam.d/cagesh 644 root:root "regular file"
check "/var/log/cagesh 700 root" mode_is /var/log/cagesh 700 root:root directory
check "/etc/logrotate.d/cagesh 644 root" mode_is /etc/logrotate.d/cagesh 644 root:root "regular file"
for p in man5/cagesh.conf.5 man8/cagesh.8 man8/cagesh-jail.8 man8/cagesh-log.8; do
	check "man page $p" test -f /usr/share/man/$p.gz
done
check "man cagesh-log finds the page" sh -c 'man -w cagesh-log >/dev/null'
check "example config in /usr/share/doc/cagesh/examples" \
    cmp -s /usr/share/doc/cagesh/examples/cagesh.conf "$tmp/cagesh/etc/cagesh.conf"
conffiles=$(dpkg-query -W -f='${Conffiles}\n' cagesh | awk 'NF { print $1 }' | sort)
check "conffiles: /etc/cagesh.conf /etc/pam.d/cagesh /etc/logrotate.d/cagesh" \
    test "$(echo $conffiles)" = "/etc/cagesh.conf /etc/logrotate.d/cagesh /etc/pam.d/cagesh"
check "readline linked as a shared library" \
    sh -c 'ldd /usr/sbin/cagesh | grep -q libreadline'
# The shipped config's example entries name the user deploy and the
# group gitusers: nothing else may be wrong with it.
cc=$(/usr/sbin/cagesh --check-config 2>&1 |
    grep -v -e "no such user 'deploy'" -e "no such group 'gitusers'" || true)
check "cagesh --check-config: only the example accounts are missing" \
    test -z "$cc"
[ -z "$cc" ] || echo "$cc" | sed 's/^/  /'
check "cagesh-log --version" sh -c '/usr/sbin/cagesh-log --version | grep -q "^cagesh-log "'
check "logrotate -d accepts /etc/logrotate.d/cagesh" \
    sh -c 'logrotate -d /etc/logrotate.d/cagesh >/dev/null 2>&1'

# An edited conffile survives a reinstall (dpkg keeps the admin's when
# the shipped one did not change).
for f in /etc/pam.d/cagesh /etc/cagesh.conf; do
	echo '# edited by tests/deb.sh' >> $f
done
dpkg -i "$deb" > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i (again) failed"; }
for f in /etc/pam.d/cagesh /etc/cagesh.conf; do
	check "an edited $f is kept by a reinstall" \
	    grep -qx '# edited by tests/deb.sh' $f
	sed -i '/^# edited by tests\/deb.sh$/d' $f
done
check "and they are the package's again once the edit is undone" \
    sh -c "cmp -s /etc/pam.d/cagesh '$tmp/cagesh/pam/cagesh' &&
    cmp -s /etc/cagesh.conf '$tmp/cagesh/etc/cagesh.conf'"

say "./demo.sh --installed"
start=$SECONDS
if (cd "$tmp/cagesh" && ./demo.sh --installed) > "$tmp/demo.log" 2>&1; then
	echo "ok $((n += 1)) - the demo ran with the package ($((SECONDS - start)) s)"
else
	sed 's/^/  | /' "$tmp/demo.log"
	echo "not ok $((n += 1)) - ./demo.sh --installed"
	bad=1
fi
cat "$tmp/demo.log"
# the hints work unattended: ssh asks nothing and warns of nothing
cfg=$(sed -n "s/^  ssh -F \([^ ]*\) demo .*/\1/p" "$tmp/demo.log" | head -n 1)
if [ -n "$cfg" ]; then
	out=$(ssh -F "$cfg" -o BatchMode=yes demo 'ls -d /var/www/app/releases' 2>&1) || true
	check "the demo's ssh hint works unattended, silently" \
	    test "$out" = /var/www/app/releases
	[ "$out" = /var/www/app/releases ] || echo "  got: $out"
else
	check "the demo prints an ssh hint" false
fi
check "the session was logged" \
    sh -c '/usr/sbin/cagesh-log -f /var/log/cagesh-demo/audit.jsonl --command ls >/dev/null'
(cd "$tmp/cagesh" && ./demo.sh --remove) > "$tmp/remove.log" 2>&1 ||
	{ cat "$tmp/remove.log"; fail "./demo.sh --remove failed"; }
check "demo.sh --remove gives the package's /etc/cagesh.conf back" \
    cmp -s /etc/cagesh.conf "$tmp/cagesh/etc/cagesh.conf"

say "dpkg --purge"
dpkg --purge cagesh > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg --purge failed"; }
installed=0
after=$(traces)
check "the host is as it was (no file, user or sshd left)" test "$before" = "$after"
[ "$before" = "$after" ] || diff <(echo "$before") <(echo "$after") || true

[ $bad = 0 ] || fail "some checks failed"
echo "package: ok ($n checks)"
