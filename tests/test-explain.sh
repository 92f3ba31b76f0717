#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# cagesh --explain: one line per simple command, verdicts, rules,
# reasons, --json, exit status, and who may ask.
. "${top_srcdir:-.}/tests/lib.sh"

conf=$(shipped_conf_for_me)
x() { "$CAGESH" --config "$conf" --explain "$me" -- "$@"; }

out=$(x 'cd /var/www/app && ( export GIT_SSH="/tmp/x.sh" ; /usr/bin/env git ls-remote /srv/repo.git HEAD )')
ok $? "a Capistrano git line is allowed"
ok $(test "$(printf '%s\n' "$out" | wc -l)" -eq 3; echo $?) \
    "one line per simple command (cd, export, git)"
printf '%s\n' "$out" | grep -q '^allow: cd /var/www/app -- builtin cd$'
ok $? "builtin named as the rule"
printf '%s\n' "$out" | grep -q "^allow: /usr/bin/env git ls-remote /srv/repo.git HEAD -- git ls-remote ($conf:[0-9]*)"
ok $? "program rule named with FILE:LINE"
[ $? -eq 0 ] || diag "$out"

out=$(x 'echo ok && bash -c id')
ok $(test $? -eq 1; echo $?) "a line with one denied command exits 1"
printf '%s\n' "$out" | grep -q '^allow: echo ok -- builtin echo$'
ok $? "the allowed part is shown as allowed"
printf '%s\n' "$out" | grep -q '^deny: bash -c id -- .*bash'
ok $? "the denied part is shown with a reason"

out=$(x 'echo "unterminated')
ok $(test $? -eq 1; echo $?) "a syntax error exits 1"
printf '%s\n' "$out" | grep -q '^deny: (line) -- '
ok $? "a syntax error is one deny line"

out=$("$CAGESH" --config "$conf" --json --explain "$me" 'git ls-remote /srv/repo.git HEAD; bash')
ok $(test $? -eq 1; echo $?) "--json: exit status"
if command -v python3 >/dev/null; then
	printf '%s' "$out" | python3 -c '
import json, sys
from check import check
d = json.loads(sys.stdin.read())
check(d["verdict"] == "deny", d)
check([c["verdict"] for c in d["commands"]] == ["allow", "deny"], d)
check(d["commands"][0]["argv"] == ["git", "ls-remote", "/srv/repo.git", "HEAD"], d)
check("rule" in d["commands"][0] and "reason" in d["commands"][1], d)
'
	ok $? "--json is well-formed with argv, verdict, rule and reason"
fi

out=$("$CAGESH" --config "$conf" --json --explain "$me" "$(printf 'echo "a\\tb"\t"c\\"d"')")
if command -v python3 >/dev/null; then
	printf '%s' "$out" | python3 -c 'import json,sys; json.loads(sys.stdin.read())'
	ok $? "--json escapes quotes, backslashes and tabs"
fi

out=$("$CAGESH" --config "$conf" --explain "$me" 'echo a' 2>&1)
ok $? "-- is optional"

out=$("$CAGESH" --config "$conf" --explain cagesh-no-such-user-$$ 'echo a' 2>&1)
st=$?
[ $st -eq 1 ] && printf '%s\n' "$out" | grep -q '^cagesh: '
ok $? "a user with no entry: exit 1 and a cagesh: message"

# A user may explain only for itself: checked as the current user when
# that is not root, else as a throwaway user running a setuid-root copy.
if [ "$(id -u)" != 0 ]; then
	out=$("$CAGESH" --config "$conf" --explain root 'echo a' 2>&1)
	st=$?
	[ $st -eq 1 ] && printf '%s\n' "$out" | grep -q 'only root or'
	ok $? "a user may explain only for itself"
elif setuid_caller cgx; then
	sed "s/user = \"$me\";/user = \"$su\";/" "$conf" > "$swork/c.conf"
	chmod 644 "$swork/c.conf"
	out=$(as_caller "$sbin" --config "$swork/c.conf" --explain "$su" \
	    'echo a' 2>&1)
	ok $? "setuid, as $su: a user may explain for itself" || diag "$out"
	out=$(as_caller "$sbin" --config "$swork/c.conf" --explain root \
	    'echo a' 2>&1)
	st=$?
	[ $st -eq 1 ] && printf '%s\n' "$out" | grep -q 'only root or'
	ok $? "setuid, as $su: a user may explain only for itself" ||
	    diag "exit $st" "$out"
else
	diag "not checked that a user may explain only for itself: $why"
fi

out=$(x '')
ok $? "an empty line is allowed and runs nothing"

"$CAGESH" --config "$conf" --explain "$me" >/dev/null 2>&1
ok $(test $? -eq 2; echo $?) "missing LINE is a usage error"
done_testing
