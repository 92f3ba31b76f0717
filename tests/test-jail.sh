#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cagesh-jail as root: a throwaway user, a cage for the shipped
# capistrano profile's commands under /var/lib, planted faults for check,
# update after a host file changes, relink of Capistrano's links, and a
# full disk.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

: "${CAGESH_JAIL:=$top_srcdir/cagesh-jail}"
[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -z "${CAGESH_SKIP_ROOT:-}" ] || skip_all "CAGESH_SKIP_ROOT is set"
for t in useradd userdel chroot; do
	command -v $t >/dev/null || skip_all "needs $t"
done
[ -x "$CAGESH_JAIL" ] || skip_all "no $CAGESH_JAIL"

# Everything the test makes, undone on exit.
work=$(mktemp -d /var/lib/cagesh-jail-test.XXXXXX) || exit 1
chmod 755 "$work"
u=cjt$$
small_mounted=0
mnt_mounted=0
hmnt_mounted=0
cleanup() {
	[ $small_mounted = 1 ] && umount "$work/small"
	[ $hmnt_mounted = 1 ] && umount "$work/hcage/var/www/h"
	[ $mnt_mounted = 1 ] && umount "$work/srv/cage/var/www/app/mnt"
	userdel "$u" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
useradd -M -U -d /nonexistent -s /bin/false "$u" || exit 1

J=$CAGESH_JAIL

okrc() {	# okrc WANT GOT DESCRIPTION
	[ "$2" = "$1" ]
	ok $? "$3"
}
cage=$work/srv/cage
shipped=$top_srcdir/etc/cagesh.conf
out=$work/out
err=$work/err

# The shipped capistrano profile's commands: those the host has (a
# minimal host lacks svn or rsync), each by the path the profile gives.
cmds=
missing=
for c in $(awk '/^  capistrano = \{/{p=1} /^  git-only/{p=0}
    p && /^      [a-z][a-z0-9-]* = \{/{print $1}' "$shipped"); do
	rpath=$(awk -v c="$c" '/^  capistrano = \{/{p=1} /^  git-only/{p=0}
	    p && $1 == c && /= \{/{r=1; next} r && /^      [a-z]/{r=0}
	    r && /^        path = /{gsub(/[";]/, "", $3); print $3; exit}' \
	    "$shipped")
	if [ -n "$rpath" ]; then
		[ -x "$rpath" ] || { missing="$missing $c"; continue; }
		cmds="$cmds      $c = { path = \"$rpath\"; };
"
	elif PATH=/usr/local/bin:/usr/bin:/bin command -v "$c" >/dev/null; then
		cmds="$cmds      $c = { };
"
	else
		missing="$missing $c"
	fi
done
[ -n "$missing" ] && diag "not on this host, left out:$missing"
cage_files=$(awk '/^  capistrano = \{/{p=1} /^  git-only/{p=0} p' "$shipped" |
    sed -n '/^    cage_files = \[/,/\];/p' |
    sed 's/^ *cage_files = \[//; s/\];.*//' | tr -d '\n')

# A "host library" the test controls, copied in through cage_files.
mkdir -p "$work/hostlib"
echo one > "$work/hostlib/libfake.so.1"
echo gone-soon > "$work/hostlib/libold.so.1"

write_conf() {	# write_conf FILE CAGE COMMANDS
	cat > "$1" <<CONF
profiles = {
  capistrano = {
    path = [ "/usr/local/bin", "/usr/bin", "/bin" ];
    cage_files = [ $cage_files, "$work/hostlib" ];
    commands = {
$3    };
  };
};
users = (
  { user = "$u"; cage = "$2"; home = "/var/www/app"; profile = "capistrano"; }
);
CONF
}
conf=$work/jail.conf
write_conf "$conf" "$cage" "$cmds"

# --- bad input ---------------------------------------------------------
# The config names host files root copies in: only root may change it.
# Each refused config names a cage that init would otherwise make.
write_conf "$work/trust.conf" "$work/tcage" "$cmds"
chmod 664 "$work/trust.conf"
"$J" --config "$work/trust.conf" init --user "$u" >"$out" 2>"$err"
okrc 1 $? "init: a group-writable config is refused"
grep -q "^cagesh-jail: $work/trust.conf is group-writable: chmod go-w" "$err"
ok $? "init: says the config is group-writable and how to fix it" ||
    diag "$(cat "$err")"
chmod 646 "$work/trust.conf"
"$J" --config "$work/trust.conf" check --user "$u" >"$out" 2>"$err"
okrc 1 $? "check: a world-writable config is refused"
grep -q "trust.conf is world-writable" "$err"
ok $? "check: says so"
chmod 644 "$work/trust.conf"
chown "$u" "$work/trust.conf"
"$J" --config "$work/trust.conf" init --user "$u" >"$out" 2>"$err"
okrc 1 $? "init: a config not owned by root is refused"
grep -q "trust.conf is owned by uid $(id -u "$u"), not root: chown root" "$err"
ok $? "init: says who owns it and how to fix it"
chown root "$work/trust.conf"
ln -s "$work/trust.conf" "$work/trust-link.conf"
"$J" --config "$work/trust-link.conf" update --user "$u" >"$out" 2>"$err"
okrc 1 $? "update: a symlinked config is refused"
grep -q "trust-link.conf is a symbolic link" "$err"
ok $? "update: says it is a symbolic link"
mkfifo "$work/trust.fifo"
"$J" --config "$work/trust.fifo" init --user "$u" >"$out" 2>"$err"
okrc 1 $? "init: a config that is not a regular file (a FIFO) is refused"
grep -q "trust.fifo is not a regular file" "$err"
ok $? "init: says it is not a regular file"
[ ! -e "$work/tcage" ]
ok $? "nothing made from a config root does not alone control"
"$J" --config "$work/trust.conf" init --user "$u" >"$out" 2>"$err" &&
    "$J" --config "$work/trust.conf" check --user "$u" >"$out" 2>"$err"
ok $? "the same config, root's and 0644, is used" || diag "$(cat "$err")"
rm -rf "$work/tcage" "$work/trust.conf" "$work/trust-link.conf" \
    "$work/trust.fifo"

"$J" --config "$conf" init --user nosuchuser$$ >"$out" 2>"$err"
okrc 1 $? "init: unknown user fails"
grep -q "unknown user nosuchuser$$" "$err"
ok $? "init: unknown user named"

write_conf "$work/missing.conf" "$work/mcage" "$cmds      no-such-cmd-$$ = { };
"
"$J" --config "$work/missing.conf" init --user "$u" >"$out" 2>"$err"
okrc 1 $? "init: a command missing on the host fails"
grep -q "no-such-cmd-$$" "$err"
ok $? "init: the missing command is named"
[ ! -e "$work/mcage" ]
ok $? "init: nothing made when a command is missing"

# The shipped profile as it is: every command must exist on the host.
sed '/^users = (/,$d' "$shipped" > "$work/shipped.conf"
printf 'users = ( { user = "%s"; cage = "%s"; home = "/h";
  profile = "capistrano"; } );\n' "$u" "$work/scage" >> "$work/shipped.conf"
"$J" --config "$work/shipped.conf" init --user "$u" >"$out" 2>"$err"
rc=$?
if [ -n "$missing" ]; then
	set -- $missing
	okrc 1 $rc "init: shipped profile fails on a host without $1"
	grep -q "command $1: not found" "$err"
	ok $? "init: shipped profile: '$1' named"
else
	ok $rc "init: shipped profile on this host"
	"$J" --config "$work/shipped.conf" check --user "$u" >"$out" 2>&1
	ok $? "check: shipped profile's cage passes"
fi
rm -rf "$work/scage"

mkdir -m 775 "$work/unsafe"
write_conf "$work/unsafe.conf" "$work/unsafe/cage" "$cmds"
"$J" --config "$work/unsafe.conf" init --user "$u" >"$out" 2>"$err"
okrc 1 $? "init: group-writable cage parent refused"
grep -q "unsafe cage: $work/unsafe: writable by group" "$err"
ok $? "init: the unsafe component is named"
[ ! -e "$work/unsafe/cage" ]
ok $? "init: nothing made under an unsafe component"

if command -v setpriv >/dev/null; then
	setpriv --reuid="$u" --regid="$u" --clear-groups \
	    "$J" --config "$conf" check --user "$u" >"$out" 2>"$err"
	okrc 1 $? "not root: refused"
	grep -q "must be run as root" "$err"
	ok $? "not root: says why"
fi

# --- init --------------------------------------------------------------
"$J" --config "$conf" init --user "$u" >"$out" 2>"$err"
ok $? "init succeeds" || diag "$(cat "$err")"
grep -q "changes$" "$out"
ok $? "init reports its changes"
chroot "$cage" /usr/bin/git --version >"$out" 2>&1 &&
    grep -q "^git version" "$out"
ok $? "chroot CAGE /usr/bin/git --version"
chroot "$cage" /bin/tar --version >"$out" 2>&1 && grep -q "GNU tar" "$out"
ok $? "chroot CAGE /bin/tar --version"
chroot "$cage" /usr/bin/git init -q /tmp/r >"$out" 2>&1
ok $? "chroot CAGE git init (helpers and templates in the cage)"
m=$(stat -c %a "$cage/tmp")
okrc 1777 "$m" "/tmp is 1777"
[ "$(stat -c %U:%a "$cage/var/www/app")" = "$u:750" ]
ok $? "home owned by the user, 0750"
[ "$(stat -c %t:%T:%a "$cage/dev/null")" = "$(stat -c %t:%T /dev/null):666" ]
ok $? "/dev/null: the host's numbers, 0666"
grep -q "^$u:x:.*:/bin/false\$" "$cage/etc/passwd" &&
    [ "$(wc -l < "$cage/etc/passwd")" = 2 ]
ok $? "/etc/passwd: root and the caged user only"
[ "$(stat -c %a:%U "$cage/.cagesh-jail/manifest")" = "600:root" ] &&
    [ "$(stat -c %a "$cage/.cagesh-jail")" = 700 ]
ok $? "manifest root 0600 in a 0700 dir"
[ -z "$(find "$cage" -perm /6000)" ]
ok $? "no setuid or setgid file copied"
[ -z "$(find "$cage" -name '.cagesh-jail.*')" ]
ok $? "no temp file left"
if [ -L /lib64 ]; then
	t=$(readlink "$cage/lib64")
	[ -n "$t" ] && [ "${t#/}" = "$t" ]
else
	true
fi
ok $? "host directory links recreated relative"

"$J" --config "$conf" check --user "$u" >"$out" 2>&1
ok $? "check passes on the fresh cage" || diag "$(cat "$out")"
"$J" --config "$conf" check --json --cage "$cage" >"$out" 2>&1
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
from check import check
check(d["cage"] == sys.argv[2])
check(all(f["severity"] == "warning" for f in d["findings"]))' "$out" "$cage"
	ok $? "check --json: one object, no error"
fi
"$J" --config "$conf" update --user "$u" >"$out" 2>&1
grep -q ": 0 changes$" "$out"
ok $? "update right after init: 0 changes"

# --- check catches planted faults; update repairs what it owns ----------
fault() {	# fault DESCRIPTION PATTERN
	"$J" --config "$conf" check --cage "$cage" >"$out" 2>&1
	rc=$?
	okrc 1 $rc "check fails: $1"
	grep -q -- "$2" "$out"
	ok $? "check names it: $1" || diag "$(cat "$out")"
}
clean() {	# clean DESCRIPTION
	"$J" --config "$conf" check --cage "$cage" >"$out" 2>&1
	ok $? "check passes again: $1" || diag "$(cat "$out")"
}

chmod u+s "$cage/usr/bin/tar"
fault "setuid file" "/usr/bin/tar: setuid or setgid"
"$J" --config "$conf" update --cage "$cage" >"$out" 2>&1
grep -q "updated /usr/bin/tar" "$out"
ok $? "update resets the copy's mode"
clean "after update"

chmod g+w "$work/srv"
fault "group-writable cage component" "$work/srv: writable by group"
chmod g-w "$work/srv"
clean "component fixed"

lib=$(awk -F'\t' '$1 == "f" && $7 ~ /libz\.so|libpcre2-8\.so/ {
    print $7; exit }' "$cage/.cagesh-jail/manifest")
[ -n "$lib" ]
ok $? "a library in the manifest ($lib)"
printf 'x' >> "$cage$lib"
fault "stale library" "$lib: differs from the host"
"$J" --config "$conf" update --cage "$cage" >"$out" 2>&1
grep -q "updated $lib" "$out"
ok $? "update recopies the stale library"
clean "library restored"

base=${lib##*/}
base=${base%%.so*}.so
rm -f "$cage$lib"
fault "missing dependency" "needs $base[.0-9]*, not found in the cage"
"$J" --config "$conf" update --cage "$cage" >/dev/null 2>&1
clean "dependency restored"

mknod "$cage/dev/sda" b 8 0
mknod "$cage/dev/mem" c 1 1
fault "block device" "/dev/sda: device node 8:0 not allowed"
fault "char device not allowed" "/dev/mem: device node 1:1 not allowed"
rm -f "$cage/dev/sda" "$cage/dev/mem"
mv "$cage/dev/zero" "$work/zero.saved"
mknod -m 666 "$cage/dev/zero" c 1 3
fault "device with the wrong numbers" "/dev/zero: device node 1:3"
rm -f "$cage/dev/zero"
mv "$work/zero.saved" "$cage/dev/zero"

mkdir -m 777 "$cage/var/open"
chmod 777 "$cage/var/open"
fault "0777 directory" "/var/open: world-writable directory without the sticky"
rmdir "$cage/var/open"
clean "all faults removed"

# --- update follows the host ------------------------------------------
echo two > "$work/hostlib/libfake.so.1"
"$J" --config "$conf" update --user "$u" >"$out" 2>&1
grep -q "updated $work/hostlib/libfake.so.1" "$out"
ok $? "update picks up a changed host file"
[ "$(cat "$cage$work/hostlib/libfake.so.1")" = two ]
ok $? "the cage copy has the new content"
"$J" --config "$conf" update --user "$u" >"$out" 2>&1
grep -q ": 0 changes$" "$out"
ok $? "second update: 0 changes"

echo "deployed code" > "$cage/var/www/app/REVISION"
echo "mine" > "$cage/usr/bin/not-ours"
rm -f "$work/hostlib/libold.so.1"
write_conf "$conf" "$cage" "$(printf '%s' "$cmds" | grep -v '^      cat = ')
"
"$J" --config "$conf" update --user "$u" >"$out" 2>&1
grep -q "removed /usr/bin/cat$" "$out" && [ ! -e "$cage/usr/bin/cat" ]
ok $? "update removes a command no longer in the profile"
grep -q "removed $work/hostlib/libold.so.1" "$out" &&
    [ ! -e "$cage$work/hostlib/libold.so.1" ]
ok $? "update removes a copy whose host file is gone"
[ -f "$cage/var/www/app/REVISION" ] && [ -f "$cage/usr/bin/not-ours" ]
ok $? "update leaves files outside the manifest alone"
"$J" --config "$conf" update --user "$u" >"$out" 2>&1
grep -q ": 0 changes$" "$out"
ok $? "then 0 changes"

# --- relink ------------------------------------------------------------
app=$cage/var/www/app
mkdir -p "$app/releases/20260101" "$app/shared/log"
ln -s /var/www/app/releases/20260101 "$app/current"
ln -s "$app/shared/log" "$app/releases/20260101/log"
chown -h "$u" "$app/current"
ln -s /no/such/place "$app/elsewhere"
# A directory link the user planted must not lead the walk out of the cage.
mkdir -p "$work/outside"
ln -s /var/www/app/releases/20260101 "$work/outside/abs"
ln -s "$work/outside" "$app/evil"
"$J" relink --dry-run "$app" >"$out" 2>&1
ok $? "relink --dry-run"
want="$app/current: /var/www/app/releases/20260101 -> releases/20260101"
grep -qxF "$want" "$out"
ok $? "dry run lists current" || diag "$(cat "$out")"
grep -q "log: $app/shared/log -> ../../shared/log\$" "$out"
ok $? "dry run lists a host-path link"
[ "$(readlink "$app/current")" = /var/www/app/releases/20260101 ]
ok $? "dry run changes nothing"
"$J" relink "$app" >"$out" 2>&1
ok $? "relink"
[ "$(readlink "$app/current")" = releases/20260101 ] &&
    [ "$(readlink "$app/releases/20260101/log")" = ../../shared/log ]
ok $? "links are relative"
[ "$(stat -c %U "$app/current")" = "$u" ]
ok $? "a relinked link keeps its owner"
[ "$(readlink "$work/outside/abs")" = /var/www/app/releases/20260101 ]
ok $? "a planted directory link is not followed out of the cage"
[ "$(readlink "$app/elsewhere")" = /no/such/place ]
ok $? "a link to outside the cage is left alone"
[ "$(readlink -f "$app/current/log")" = "$app/shared/log" ]
ok $? "resolves outside the cage"
[ "$(chroot "$cage" /usr/bin/readlink -f /var/www/app/current/log)" = \
    /var/www/app/shared/log ]
ok $? "resolves inside the cage"
"$J" relink "$work/hostlib" >"$out" 2>&1
okrc 1 $? "relink outside a cage fails"

# --- the caged user's tree is hostile ------------------------------------
# The home is the caged user's: it plants links and names there and races
# root's tools.  A process of the user's on the host has the same power
# over the tree as one inside the chroot, so the racers run there.
mkdir -p "$work/hostonly"
echo key > "$work/hostonly/secret"
up=$(printf '../%.0s' $(seq 1 40))
# probe_make: a fresh probe dir of the user's.  probe_run TAG: that,
# relinked; what relink said, its exit status and the link afterwards
# go to $work/probe.TAG.
probe_make() {
	rm -rf "$app/probe"
	mkdir "$app/probe"
	ln -s "$up" "$app/probe/esc"
	ln -s "/var/www/app/probe/esc$work/hostonly/secret" "$app/probe/probe"
	chown -hR "$u:$u" "$app/probe"
}
probe_run() {
	probe_make
	"$J" relink "$app/probe" >"$work/probe.$1" 2>&1
	echo "rc=$?" >> "$work/probe.$1"
	readlink "$app/probe/probe" >> "$work/probe.$1"
}
probe_run there
mv "$work/hostonly/secret" "$work/hostonly/secret.away"
probe_run gone
mv "$work/hostonly/secret.away" "$work/hostonly/secret"
cmp -s "$work/probe.there" "$work/probe.gone"
ok $? "relink: the same answer whether a host file exists or not" ||
    diag "$(cat "$work/probe.there" "$work/probe.gone")"
grep -q "not in the cage, left alone" "$work/probe.gone" &&
    grep -qx "rc=0" "$work/probe.gone" &&
    grep -qx "/var/www/app/probe/esc$work/hostonly/secret" "$work/probe.gone"
ok $? "relink: a link through esc to a host file is left alone"
ln -s /var/www/app/probe/esc/etc/passwd "$app/probe/incage"
chown -h "$u:$u" "$app/probe/incage"
"$J" relink "$app/probe" >"$out" 2>&1 &&
    [ "$(readlink "$app/probe/incage")" = esc/etc/passwd ]
ok $? "relink: esc resolves as in the chroot (to the cage's /)" ||
    diag "$(cat "$out")"
if command -v strace >/dev/null; then
	probe_make
	strace -f -qq -s 8192 -e trace=%file -o "$work/strace" \
	    "$J" relink "$app/probe" >/dev/null 2>&1
	! grep -F "\"$app/probe/esc" "$work/strace" >/dev/null
	ok $? "relink: nothing looked up on the host through the user's link" ||
	    diag "$(grep -F "\"$app/probe/esc" "$work/strace" | head -3)"
	for c in check update; do
		strace -f -qq -s 8192 -e trace=%file -o "$work/strace" \
		    "$J" --config "$conf" $c --cage "$cage" >/dev/null 2>&1
		! grep -F "\"$cage/" "$work/strace" >/dev/null
		ok $? "$c: no path in the cage looked up on the host" ||
		    diag "$(grep -F "\"$cage/" "$work/strace" | head -3)"
	done
	strace -f -qq -o /dev/null -e inject=openat2:error=ENOSYS \
	    "$J" relink "$app/probe" >"$out" 2>"$err"
	okrc 1 $? "relink: fails closed on a kernel without openat2"
	grep -q "openat2" "$err"
	ok $? "relink: says openat2 is missing" || diag "$(cat "$out" "$err")"
	strace -f -qq -o /dev/null -e inject=openat2:error=ENOSYS \
	    "$J" --config "$conf" check --cage "$cage" >"$out" 2>"$err"
	okrc 1 $? "check: fails closed on a kernel without openat2"
	grep -q "openat2" "$out" "$err"
	ok $? "check: says openat2 is missing" || diag "$(cat "$out" "$err")"
else
	diag "no strace: the host lookups and openat2 cases not run"
fi
rm -rf "$app/probe"

# A setuid file deeper than PATH_MAX: the walk has no length limit.
python3 - "$app" "$(id -u "$u")" "$(id -g "$u")" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
name = "deep"
for i in range(26):
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.fchown(nfd, int(sys.argv[2]), int(sys.argv[3]))
    os.close(fd)
    fd = nfd
    name = "d" * 200
f = os.open("deep-suid", os.O_WRONLY | os.O_CREAT, 0o755, dir_fd=fd)
os.fchown(f, int(sys.argv[2]), int(sys.argv[3]))
os.fchmod(f, 0o4755)
PY
"$J" --config "$conf" check --cage "$cage" >"$out" 2>&1
okrc 1 $? "check fails: a setuid file deeper than PATH_MAX"
grep -q "/deep/d\{200\}/.*/deep-suid: setuid or setgid file" "$out"
ok $? "check names it" || diag "$(cut -c1-300 "$out")"
rm -rf "$app/deep"
clean "deep tree removed"

# Names that would drive the admin's terminal are shown escaped.
mkdir "$app/names"
for n in $'\e]0;pwned\a' $'\e[2J' $'\x9b' $'c1-\xc2\x9b' 'back\slash'; do
	: > "$app/names/$n"
	chown "$u:$u" "$app/names/$n"
	chmod 4755 "$app/names/$n"
	ln -s /var/www/app/releases/20260101 "$app/names/l$n"
	chown -h "$u:$u" "$app/names/l$n"
done
chown "$u:$u" "$app/names"
visible() {	# visible FILE WHAT PREFIX: no raw control byte, names escaped
	python3 - "$1" "$3" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
p = sys.argv[2].encode()
bad = [c for c in b"\x1b\x07\x9b" if bytes([c]) in b]
want = [p + w for w in [rb"\x1b]0;pwned\x07", rb"\x1b[2J", rb"\x9b",
        rb"c1-\xc2\x9b", rb"back\\slash"]]
miss = [w for w in want if w not in b]
if bad or miss:
    print("raw bytes %r, missing %r" % (bad, miss))
    sys.exit(1)
PY
	ok $? "$2: names escaped, no raw ESC, BEL or C1 byte"
}
"$J" --config "$conf" check --cage "$cage" >"$out" 2>&1
okrc 1 $? "check fails: setuid files with hostile names"
visible "$out" check names/
"$J" --config "$conf" check --json --cage "$cage" >"$out" 2>&1
python3 - "$out" <<'PY'
import json, sys
from check import check
d = json.load(open(sys.argv[1], encoding="utf-8"))
paths = {f["path"] for f in d["findings"]}
for n in ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b", "c1-\x9b", "back\\slash"]:
    check("/var/www/app/names/" + n in paths, n)
PY
ok $? "check --json: valid JSON that carries every name"
"$J" relink "$app/names" >"$out" 2>&1
visible "$out" relink names/l
rm -rf "$app/names"
clean "hostile names removed"

# A passwd home inside the cage, the user's to write, and a login shell
# other than cagesh: sshd would run that shell's rc files there.
usermod -d "$app" "$u"
"$J" --config "$conf" check --cage "$cage" >"$out" 2>&1
ok $? "check: a passwd home in the cage is no error"
grep -q "warning: /var/www/app: passwd home of $u" "$out"
ok $? "check warns about the passwd home in the cage" || diag "$(cat "$out")"
usermod -s /usr/sbin/cagesh "$u" 2>/dev/null
"$J" --config "$conf" check --cage "$cage" >"$out" 2>&1
! grep -q "passwd home" "$out"
ok $? "check: no warning when the login shell is cagesh" || diag "$(cat "$out")"
usermod -d /nonexistent -s /bin/false "$u"

# A filesystem mounted in the cage is not walked, and check says so.
mkdir "$app/mnt"
if mount -t tmpfs -o size=64k tmpfs "$app/mnt" 2>/dev/null; then
	mnt_mounted=1
	"$J" --config "$conf" check --cage "$cage" >"$out" 2>&1
	ok $? "check: a mount point in the cage is no error"
	grep -q "warning: /var/www/app/mnt: a mount point" "$out"
	ok $? "check: a mount point not walked is said" || diag "$(cat "$out")"
	umount "$app/mnt" && mnt_mounted=0
else
	diag "cannot mount a tmpfs: mount point case not run"
fi
rmdir "$app/mnt"

# Racers in the cage while root's tools run.
if command -v setpriv >/dev/null && [ -x /usr/bin/python3 ]; then
	cp "$top_srcdir/tests/jail-race.py" "$work/race.py"
	chmod 755 "$work/race.py"
	race="setpriv --reuid=$u --regid=$u --clear-groups /usr/bin/python3
	    $work/race.py"
	# Outside the cage, root's, and writable by the user: a hard link
	# to it is allowed even with protected_hardlinks.
	canary=$work/canary
	echo canary > "$canary"
	chmod 666 "$canary"
	rootowned() {
		find "$cage" -user root ! -samefile "$canary" -printf '%P\n' |
		    sort
	}
	# Many links: many windows for the racer.
	mkdir "$app/race"
	python3 -c 'import os, sys
for i in range(3000):
    p = "%s/l%d" % (sys.argv[1], i)
    os.symlink("/var/www/app/releases/20260101", p)
    os.lchown(p, int(sys.argv[2]), int(sys.argv[3]))' \
	    "$app/race" "$(id -u "$u")" "$(id -g "$u")"
	chown "$u:$u" "$app/race"
	rootowned > "$work/root.before"
	$race steal 120 "$app/race" "$cage/tmp" "$canary" &
	racer=$!
	sleep 1
	"$J" relink "$app/race" >"$out" 2>&1
	rc=$?
	kill "$racer"
	wait "$racer"
	diag "relink under a race: exit $rc, $(ls "$cage/tmp" |
	    grep -c stolen) names stolen"
	rootowned > "$work/root.after"
	cmp -s "$work/root.before" "$work/root.after"
	ok $? "relink under a race: no root-owned file or link appeared" ||
	    diag "$(diff "$work/root.before" "$work/root.after" | head -5)"
	[ "$(stat -c %U "$canary")" = root ]
	ok $? "relink under a race: nothing outside the cage chowned"
	rm -rf "$app/race" "$cage"/tmp/stolen.*
	chown root:root "$canary"

	rootowned > "$work/root.before"
	# The user's directories hold names of the host's setuid programs:
	# a walk that looks a name up again after the user swapped its
	# directory for a link finds the host's file.
	mkdir -p "$app/sw1" "$app/sw2/usr/bin"
	for n in $(find /usr/bin -perm /6000 -printf '%f\n') passwd su; do
		: > "$app/sw1/$n"
		: > "$app/sw2/usr/bin/$n"
	done
	chown -R "$u:$u" "$app/sw1" "$app/sw2"
	$race swap 600 "$app/sw1" /usr/bin "$app/sw2" / &
	racer=$!
	sleep 1
	leak=0
	for i in $(seq 1 40); do
		timeout 60 "$J" --config "$conf" check --cage "$cage" \
		    >"$out" 2>&1
		rc=$?
		if [ $rc = 124 ] ||
		    grep -q "/var/www/app/sw[12][.l]*/.*setuid" "$out"; then
			leak=1
			diag "check run $i: exit $rc"
			diag "$(grep "/var/www/app/sw" "$out" | head -3)"
			break
		fi
	done
	ok $leak "check under a race: never walks or reports the host"
	$race steal 600 "$app" "$cage/tmp" "$canary" &
	racer2=$!
	"$J" --config "$conf" update --cage "$cage" >"$out" 2>&1
	ok $? "update under a race" || diag "$(cat "$out")"
	kill "$racer" "$racer2"
	wait "$racer" "$racer2"
	rootowned > "$work/root.after"
	cmp -s "$work/root.before" "$work/root.after"
	ok $? "check and update under a race: no root-owned file appeared" ||
	    diag "$(diff "$work/root.before" "$work/root.after" | head -5)"
	[ "$(stat -c %U "$canary")" = root ]
	ok $? "check and update under a race: nothing outside chowned"
	rm -rf "$app/sw1" "$app/sw2" "$cage"/tmp/stolen.*
	clean "racers gone"
else
	diag "no setpriv or /usr/bin/python3: the race cases not run"
fi

# --- the command line: --help, --version, -q; README agrees -----------
"$J" --help >"$out" 2>"$err"
okrc 0 $? "--help exits 0"
head -n 1 "$out" | grep -q "^usage: cagesh-jail " && grep -q -- "-q, --quiet" "$out" &&
    [ ! -s "$err" ]
ok $? "--help prints the usage on stdout"
"$J" --version >"$out" 2>&1
okrc 0 $? "--version exits 0"
grep -q "^cagesh-jail [0-9][0-9.]* (config /" "$out"
ok $? "--version names the version and the config path" || diag "$(cat "$out")"
"$J" --no-such-option >"$out" 2>"$err"
okrc 2 $? "an unknown option exits 2"
grep -q "^usage: cagesh-jail" "$err"
ok $? "with the usage on stderr"
"$J" --help | sed -n 's/^\(usage:\)\{0,1\} *\(cagesh-jail .*\)/\2/p' \
    >"$work/usage.txt"
sed -n '/^CAGES: cagesh-jail/,/^$/p' "$top_srcdir/README" |
    sed -n 's/^  \(cagesh-jail .*\)/\1/p' >"$work/readme.txt"
diff "$work/usage.txt" "$work/readme.txt" >"$out"
ok $? "README's cagesh-jail lines are its usage" || diag "$(cat "$out")"

# --- the home's owner and mode are settings update keeps ----------------
hcage=$work/hcage
write_hconf() {	# write_hconf FILE HOME_SETTINGS
	cat > "$1" <<CONF
profiles = { h = { path = [ "/usr/bin" ];
  commands = { cat = { path = "$(command -v cat)"; }; }; }; };
users = (
  { user = "$u"; cage = "$hcage"; home = "/var/www/h"; profile = "h"; $2 }
);
CONF
}
write_hconf "$work/h.conf" 'home_mode = "02755"; home_group = "daemon";'
"$CAGESH" --check-config "$work/h.conf" >"$out" 2>&1
ok $? "--check-config: home_mode and home_group are valid" || diag "$(cat "$out")"
"$J" -q --config "$work/h.conf" init --user "$u" >"$out" 2>"$err"
ok $? "init -q with home_mode and home_group" || diag "$(cat "$err")"
[ "$(wc -l < "$out")" = 1 ] && grep -q "^cagesh-jail: $hcage: [0-9]* changes$" "$out" &&
    [ ! -s "$err" ]
ok $? "-q: only the summary line" || diag "$(cat "$out" "$err")"
[ "$(stat -c %a:%U:%G "$hcage/var/www/h")" = "2755:$u:daemon" ]
ok $? "the home is made as the entry says (2755, $u:daemon)" ||
    diag "$(stat -c %a:%U:%G "$hcage/var/www/h")"
chmod 0700 "$hcage/var/www/h"
chgrp "$u" "$hcage/var/www/h"
"$J" --config "$work/h.conf" update --user "$u" >"$out" 2>&1
grep -q "updated /var/www/h$" "$out" &&
    [ "$(stat -c %a:%U:%G "$hcage/var/www/h")" = "2755:$u:daemon" ]
ok $? "update puts the setting back, not 0750" ||
    diag "$(cat "$out")" "$(stat -c %a:%U:%G "$hcage/var/www/h")"
"$J" --config "$work/h.conf" update --user "$u" >"$out" 2>&1
grep -q ": 0 changes$" "$out"
ok $? "and then leaves it alone (0 changes)"
write_hconf "$work/h.conf" 'home_owner = "root"; home_mode = "0755";'
"$J" --config "$work/h.conf" update --user "$u" >"$out" 2>&1 &&
    [ "$(stat -c %a:%U:%G "$hcage/var/www/h")" = "755:root:$u" ]
ok $? "home_owner = root: a home the user cannot write" ||
    diag "$(cat "$out")" "$(stat -c %a:%U:%G "$hcage/var/www/h")"
write_hconf "$work/h.conf" ''
"$J" --config "$work/h.conf" update --user "$u" >"$out" 2>&1 &&
    [ "$(stat -c %a:%U:%G "$hcage/var/www/h")" = "750:$u:$u" ]
ok $? "no setting: the user's, 0750"
for bad in 'home_mode = "0758";:not an octal mode' \
    'home_mode = "755x";:not an octal mode' \
    'home_mode = "4755";:only the permission bits and setgid' \
    'home_mode = "0777";:lets others write the home' \
    'home_owner = "nosuch'$$'";:home_owner: no such user' \
    'home_group = "nosuch'$$'";:home_group: no such group' \
    'home_owner = "-x";:not a user or group name'; do
	write_hconf "$work/bad.conf" "${bad%%:*}"
	"$CAGESH" --check-config "$work/bad.conf" >"$out" 2>&1
	st=$?
	[ $st = 1 ] && grep -q "bad.conf:[0-9]*: .*${bad#*:}" "$out"
	ok $? "--check-config refuses ${bad%%:*}" || diag "$(cat "$out")"
done
"$J" --config "$work/bad.conf" update --user "$u" >"$out" 2>"$err"
okrc 1 $? "cagesh-jail refuses it too"

# --- check: the nosuid warning says how to fix it ----------------------
"$J" --config "$work/h.conf" check --user "$u" >"$out" 2>&1
grep -q "^cagesh-jail: $hcage: warning: /tmp: writable place not on a nosuid mount (it is on /[^)]*): make it a nosuid bind mount, with the /etc/fstab line '$hcage/tmp $hcage/tmp none bind,nosuid 0 0' and then mount $hcage/tmp$" "$out"
ok $? "check: the nosuid warning gives the fstab line" || diag "$(cat "$out")"
grep -q "^cagesh-jail: $hcage: checked: 0 errors, [1-9][0-9]* warnings$" "$out"
ok $? "check ends with a summary line" || diag "$(cat "$out")"
"$J" -q --config "$work/h.conf" check --user "$u" >"$out" 2>&1
okrc 0 $? "check -q passes"
[ "$(wc -l < "$out")" = 1 ] && grep -q "checked: 0 errors" "$out"
ok $? "check -q: no warning, only the summary" || diag "$(cat "$out")"
if mount -t tmpfs -o size=1m,mode=750 tmpfs "$hcage/var/www/h" 2>/dev/null; then
	hmnt_mounted=1
	chown "$u:$u" "$hcage/var/www/h"
	"$J" --config "$work/h.conf" check --user "$u" >"$out" 2>&1
	grep -q "warning: /var/www/h: writable place not on a nosuid mount: mount -o remount,nosuid $hcage/var/www/h, and add nosuid" "$out"
	ok $? "check: a home that is its own mount: mount -o remount,nosuid" ||
	    diag "$(cat "$out")"
	mount -o remount,nosuid "$hcage/var/www/h"
	"$J" --config "$work/h.conf" check --user "$u" >"$out" 2>&1
	! grep -q "/var/www/h: writable place" "$out"
	ok $? "and after the remount, no warning for it"
	umount "$hcage/var/www/h" && hmnt_mounted=0
else
	diag "cannot mount a tmpfs: the remount hint not checked"
fi
rm -rf "$hcage"

# --- a command that is a script: its #! interpreter comes along, and
# check says when an allowed command cannot run in the cage
mkdir -p "$work/hostbin"
printf '#!/usr/bin/env perl\nprint "greet ran\\n";\n' > "$work/hostbin/greet"
chmod 755 "$work/hostbin/greet"
scage=$work/scage
write_conf "$work/s.conf" "$scage" "$cmds      greet = { path = \"$work/hostbin/greet\"; };
"
"$J" --config "$work/s.conf" init --user "$u" >"$out" 2>"$err"
okrc 0 $? "init: a profile command that is a #!/usr/bin/env perl script" ||
    diag "$(cat "$err")"
[ -x "$scage/usr/bin/perl" ] && [ -x "$scage/usr/bin/env" ]
ok $? "init copies its interpreter and the program env names"
[ "$(chroot "$scage" "$work/hostbin/greet" 2>/dev/null)" = "greet ran" ]
ok $? "the script runs in the cage"
"$J" --config "$work/s.conf" check --user "$u" >"$out" 2>&1
okrc 0 $? "check passes with the interpreter there" || diag "$(cat "$out")"
rm -f "$scage/usr/bin/perl"
"$J" --config "$work/s.conf" check --user "$u" >"$out" 2>&1
okrc 1 $? "check fails: a command's interpreter missing"
grep -q "greet: its #!/usr/bin/env perl is not in the cage" "$out"
ok $? "check names the command and its interpreter" || diag "$(cat "$out")"
"$J" --config "$work/s.conf" update --user "$u" >"$out" 2>&1
"$J" --config "$work/s.conf" check --user "$u" >"$out" 2>&1
okrc 0 $? "update puts it back" || diag "$(cat "$out")"
# the profile gains a command after init: the cage lacks it until update
write_conf "$work/s.conf" "$scage" "$cmds      greet = { path = \"$work/hostbin/greet\"; };
      tr = { };
"
"$J" --config "$work/s.conf" check --user "$u" >"$out" 2>&1
okrc 1 $? "check fails: an allowed command not in the cage"
grep -q "tr: allowed by profile 'capistrano' but not in the cage" "$out"
ok $? "check names it and says to update" || diag "$(cat "$out")"
"$J" --config "$work/s.conf" update --user "$u" >"$out" 2>&1
"$J" --config "$work/s.conf" check --user "$u" >"$out" 2>&1
okrc 0 $? "after update, check passes" || diag "$(cat "$out")"
# a shell script brings a real shell: said, since config the user can
# write could then hand it commands (the cage's sh is cagesh-sh otherwise)
[ "$(head -c 9 "$scage/bin/sh" 2>/dev/null)" != '#!/bin/sh' ] &&
    cmp -s "$scage/usr/bin/sh" "$top_builddir/cagesh-sh"
ok $? "a profile without shell scripts gets cagesh-sh as /bin/sh"
printf '#!/bin/sh\necho hi\n' > "$work/hostbin/shscript"
chmod 755 "$work/hostbin/shscript"
write_conf "$work/s.conf" "$scage" "$cmds      shs = { path = \"$work/hostbin/shscript\"; };
"
"$J" --config "$work/s.conf" update --user "$u" >"$out" 2>"$err"
grep -q "warning: command shs is a shell script" "$err"
ok $? "a shell-script command: update warns that the cage gets a real shell" ||
    diag "$(cat "$err")"
rm -rf "$scage"

# --- a full disk -------------------------------------------------------
mkdir -m 755 "$work/small"
if mount -t tmpfs -o size=2m,mode=755 tmpfs "$work/small" 2>/dev/null; then
	small_mounted=1
	write_conf "$work/small.conf" "$work/small/cage" "$cmds"
	"$J" --config "$work/small.conf" init --user "$u" >"$out" 2>"$err"
	okrc 1 $? "init on a full disk fails"
	grep -q "No space left on device" "$err"
	ok $? "and says the disk is full" || diag "$(cat "$err")"
	[ -z "$(find "$work/small" -name '.cagesh-jail.*' ! -name manifest)" ]
	ok $? "no temp file left on a full disk"
	bad=0
	while IFS= read -r f; do
		cmp -s "$f" "${f#"$work/small/cage"}" || bad=1
	done < <(find "$work/small/cage/usr" -type f)
	ok $bad "every file in place is whole"
else
	diag "cannot mount a tmpfs: full-disk case not run"
fi

done_testing
