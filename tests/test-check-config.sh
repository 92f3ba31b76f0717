#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# cagesh --check-config: FILE:LINE messages, every problem, exit status.
. "${top_srcdir:-.}/tests/lib.sh"

# The shipped config with accounts every Debian system has: nobody (not
# root, which can never be caged) and the daemon group (nobody is not in it).
conf=$scratch/accounts.conf
sed -e 's/user = "deploy";/user = "nobody";/' \
    -e 's/group = "gitusers";/group = "daemon";/' \
    "$top_srcdir/etc/cagesh.conf" > "$conf"
out=$("$CAGESH" --check-config "$conf" 2>&1)
ok $? "the shipped config is valid (accounts: nobody, group daemon)"
[ -z "$out" ] || diag "$out"

out=$("$CAGESH" --config "$conf" --check-config 2>&1)
ok $? "--config FILE --check-config works too"

sed -e 's/user = "nobody";/user = "root";/' "$conf" > "$scratch/root.conf"
out=$("$CAGESH" --check-config "$scratch/root.conf" 2>&1)
[ $? -eq 1 ] && printf '%s\n' "$out" | grep -q "root cannot be caged"
ok $? "root can never be caged"

# The shipped config names accounts this machine may not have: each is
# reported, with its line.
if ! id deploy >/dev/null 2>&1; then
	out=$("$CAGESH" --check-config "$top_srcdir/etc/cagesh.conf" 2>&1)
	st=$?
	line=$(grep -n 'user = "deploy"' "$top_srcdir/etc/cagesh.conf" | cut -d: -f1)
	[ $st -eq 1 ] && printf '%s\n' "$out" |
	    grep -qx "$top_srcdir/etc/cagesh.conf:$line: no such user 'deploy'"
	ok $? "a missing account is reported with FILE:LINE"
	[ $st -eq 1 ] || diag "$out"
fi

cat > "$scratch/bad.conf" <<'CONF'
profiles = {
  p = {
    path = [ "/bin" ];
    colour = "red";
    commands = {
      git = { options = [ "-" ]; };
    };
  };
};
users = (
  { user = "nobody-xyz"; cage = "relative"; home = "/h"; profile = "nope"; }
);
CONF
out=$("$CAGESH" --check-config "$scratch/bad.conf" 2>&1)
st=$?
ok $(test $st -eq 1; echo $?) "a bad config exits 1"
n=$(printf '%s\n' "$out" | grep -c "^$scratch/bad.conf:[0-9][0-9]*: ")
ok $(test "$n" -ge 4; echo $?) "every problem is reported as FILE:LINE (got $n)"
printf '%s\n' "$out" | grep -q "^$scratch/bad.conf:4: .*colour"
ok $? "unknown key reported at its line"
printf '%s\n' "$out" | grep -q "^$scratch/bad.conf:11: .*nope"
ok $? "missing profile reported at its line"
[ $st -eq 1 ] && [ "$n" -ge 4 ] || diag "$out"

printf 'profiles = { p = { path = [ "/bin" ] ; };\nusers = ( );\n' > "$scratch/syntax.conf"
out=$("$CAGESH" --check-config "$scratch/syntax.conf" 2>&1)
st=$?
[ $st -eq 1 ] && printf '%s\n' "$out" | grep -q "^$scratch/syntax.conf:[0-9]*: "
ok $? "a libconfig syntax error is reported with its line"

out=$("$CAGESH" --check-config "$scratch/does-not-exist.conf" 2>&1)
st=$?
[ $st -eq 1 ] && printf '%s\n' "$out" | grep -q "does-not-exist.conf"
ok $? "a missing file is an error naming the file"

printf '@include "/tmp/x.conf"\n' > "$scratch/inc.conf"
out=$("$CAGESH" --check-config "$scratch/inc.conf" 2>&1)
st=$?
[ $st -eq 1 ] && printf '%s\n' "$out" | grep -q "inc.conf:1: .*@include"
ok $? "@include is refused"

"$CAGESH" --check-config a b >/dev/null 2>&1
ok $(test $? -eq 2; echo $?) "extra arguments are a usage error"

# The file is read with the caller's own privileges, not the setuid
# binary's: a setuid-root copy run by a throwaway user is refused a
# root-only config, for --check-config and for --explain, and reads the
# same config when it may (so a refusal is the drop, not a broken run).
if setuid_caller cgc; then
	ok $(nosuid "$swork"; test $? -ne 0; echo $?) \
	    "the setuid copy is on a file system that honours setuid"
	sed -e "s/user = \"nobody\";/user = \"$su\";/" "$conf" > "$swork/open.conf"
	chmod 644 "$swork/open.conf"
	cp "$swork/open.conf" "$swork/private.conf"
	chmod 600 "$swork/private.conf"

	out=$(as_caller "$sbin" --check-config "$swork/open.conf" 2>&1)
	ok $? "setuid, as $su: --check-config reads a config it may read" ||
	    diag "$out"
	out=$(as_caller "$sbin" --check-config "$swork/private.conf" 2>&1)
	st=$?
	[ $st -eq 1 ] && printf '%s\n' "$out" | grep -qi "permission denied"
	ok $? "setuid, as $su: --check-config cannot read a root-only file" ||
	    diag "exit $st" "$out"

	out=$(as_caller "$sbin" --config "$swork/open.conf" --explain "$su" \
	    'git ls-remote /srv/repo.git HEAD' 2>&1)
	ok $? "setuid, as $su: --explain with a config it may read" ||
	    diag "$out"
	out=$(as_caller "$sbin" --config "$swork/private.conf" --explain "$su" \
	    'git ls-remote /srv/repo.git HEAD' 2>&1)
	st=$?
	[ $st -eq 1 ] && printf '%s\n' "$out" | grep -qi "permission denied"
	ok $? "setuid, as $su: --explain cannot read a root-only file" ||
	    diag "exit $st" "$out"
else
	diag "setuid checks skipped: $why"
fi
done_testing
