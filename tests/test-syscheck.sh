#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# No false all-clear, as root: --check-config of the installed config
# makes the checks a session makes (the config's owner and mode, the
# PAM service file, the audit log and its directory, syslog), and a
# session refused for one of them says which rule failed.  Skips
# without root.
. "${top_srcdir:-.}/tests/lib.sh"

session_test_setup cgy cgz chage

cage=$work/cage
mkdir -p "$cage"/{usr/bin,etc,tmp,home/"$u"}
chmod 1777 "$cage/tmp"
chown "$u:$u" "$cage/home/$u"
log=$work/log/audit.jsonl
write_conf() {	# write_conf LOGFILE [SYSLOG]
	cat > "$conf_path" <<CONF
log = { syslog = ${2:-false}; file = "$1"; on_failure = "deny"; };
profiles = { t = { path = [ "/usr/bin" ]; commands = { }; }; };
users = (
  { user = "$u"; cage = "$cage"; home = "/home/$u"; profile = "t"; }
);
CONF
	chown root:root "$conf_path"
	chmod 644 "$conf_path"
}
write_conf "$log"
check() {	# check [ARGS]: --check-config of the installed config; $out, $st
	out=$("$bin" --check-config "$@" 2>&1)
	st=$?
}
session() {	# session: pwd as the user; $out, $st
	out=$(as_user "$bin" -c pwd 2>&1)
	st=$?
}
last_refusal() {	# the reason of the last record, if a refusal
	tail -n 1 "$log" | python3 -c 'import json, sys
r = json.loads(sys.stdin.read())
print(r["reason"] if r["event"] == "session_refused" else "")'
}

check
[ $st = 0 ] && [ -z "$out" ]
ok $? "--check-config: the installed config, sound, passes silently" ||
    diag "exit $st: $out"
session
[ $st = 0 ] && [ "$out" = "/home/$u" ]
ok $? "and a session runs" || diag "exit $st: $out"

# --- the config's owner and mode: what a session refuses, so does the check
chmod 664 "$conf_path"
check
[ $st = 1 ] && printf '%s\n' "$out" |
    grep -q "^$conf_path is group-writable: chmod go-w $conf_path"
ok $? "a group-writable installed config fails the check, says the fix" ||
    diag "exit $st: $out"
check "$conf_path"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "is group-writable"
ok $? "also when it is named (--check-config $conf_path)"
session
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "^cagesh: $conf_path is group-writable"
ok $? "and the session is refused, saying the same"
chmod 644 "$conf_path"
chown "$u" "$conf_path"
check
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "is owned by uid $uid, not root"
ok $? "an installed config owned by the user fails the check"
chown root "$conf_path"
mv "$conf_path" "$work/real.conf"
ln -s "$work/real.conf" "$conf_path"
check
st1=$st out1=$out
session
rm -f "$conf_path"
mv "$work/real.conf" "$conf_path"
[ $st1 = 1 ] && printf '%s\n' "$out1" | grep -q "is a symbolic link"
ok $? "a symlinked installed config fails the check" || diag "$out1"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "^cagesh: .* is a symbolic link"
ok $? "and the session says it is a symbolic link" || diag "$out"

# --- the audit log and its directory
chmod 770 "$work/log"
check
st1=$st out1=$out
session
chmod 700 "$work/log"
[ $st1 = 1 ] && printf '%s\n' "$out1" |
    grep -q "log.file: $work/log is group-writable: chmod 700 $work/log"
ok $? "a group-writable log directory fails the check, says the fix" ||
    diag "$out1"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "^cagesh: the audit log cannot be written: the audit log's directory is group-writable"
ok $? "and the session names the rule" || diag "$out"
printf '%s\n' "$out" | grep -q "$work/log"
[ $? = 1 ]
ok $? "but not the path (the config's) to the caged user"

chmod 620 "$log"
check
st1=$st out1=$out
session
chmod 600 "$log"
[ $st1 = 1 ] && printf '%s\n' "$out1" |
    grep -q "log.file: $log is group-writable: chmod 600 $log"
ok $? "a group-writable log fails the check: chmod 600" || diag "$out1"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "the audit log is group-writable"
ok $? "and the session says the log is group-writable" || diag "$out"

mv "$log" "$work/elsewhere.jsonl"
ln -s "$work/elsewhere.jsonl" "$log"
check
st1=$st out1=$out
session
rm -f "$log"
mv "$work/elsewhere.jsonl" "$log"
[ $st1 = 1 ] && printf '%s\n' "$out1" | grep -q "log.file: $log is a symbolic link"
ok $? "a symlinked log fails the check" || diag "$out1"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "the audit log is a symbolic link"
ok $? "and the session says the log is a symbolic link" || diag "$out"

ln "$log" "$work/second-name"
check
rm -f "$work/second-name"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "has 2 hard links"
ok $? "a log with a second name fails the check" || diag "$out"

write_conf "$work/nolog/audit.jsonl"
check
write_conf "$log"
[ $st = 1 ] && printf '%s\n' "$out" |
    grep -q "$work/nolog does not exist: mkdir -m 700 $work/nolog"
ok $? "a missing log directory fails the check: mkdir -m 700" || diag "$out"

mv "$log" "$work/kept.jsonl"
check
mv "$work/kept.jsonl" "$log"
[ $st = 0 ]
ok $? "a log not yet made (the first session makes it) passes" || diag "$out"

out=$(as_user "$bin" --check-config 2>&1)
st=$?
[ $st = 0 ] && printf '%s\n' "$out" | grep -q "warning: log.file $log not checked: uid $uid cannot look"
ok $? "as a user: the log it cannot see is a warning, not a pass in silence" ||
    diag "exit $st: $out"

# --- syslog: on, with nothing listening on /dev/log, is a warning
write_conf "$log" true
check
write_conf "$log"
if [ -S /dev/log ]; then
	[ $st = 0 ] && ! printf '%s\n' "$out" | grep -q "nothing listens"
	ok $? "syslog = true with /dev/log: no warning" || diag "$out"
else
	[ $st = 0 ] && printf '%s\n' "$out" |
	    grep -q "warning: log.syslog is true but nothing listens on /dev/log"
	ok $? "syslog = true and no /dev/log: a warning (exit 0)" || diag "$out"
fi

# --- the PAM service file: without it PAM would run "other"
if [ "$pam_made" = 1 ] && [ ! -e /usr/lib/pam.d/cagesh ]; then
	rm -f /etc/pam.d/cagesh
	check
	st1=$st out1=$out
	session
	cp "$top_srcdir/pam/cagesh" /etc/pam.d/cagesh
	[ $st1 = 1 ] && printf '%s\n' "$out1" |
	    grep -q "PAM service file /etc/pam.d/cagesh is missing.*make install"
	ok $? "no PAM service file fails the check, says what installs it" ||
	    diag "$out1"
	[ $st = 1 ] && printf '%s\n' "$out" |
	    grep -q "^cagesh: the PAM service file /etc/pam.d/cagesh is missing"
	ok $? "and the session is refused, saying so" || diag "exit $st: $out"
	last_refusal | grep -q "PAM service file"
	ok $? "with a session_refused record" || diag "$(tail -n 1 "$log")"
else
	ok 0 "# SKIP /etc/pam.d/cagesh was there before: not removing it"
	ok 0 "# SKIP"
	ok 0 "# SKIP"
fi

# --- PAM's account verdicts, named
chage -E 0 "$u"
session
chage -E -1 "$u"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "^cagesh: PAM refuses $u: account expired"
ok $? "an expired account says 'account expired'" || diag "exit $st: $out"
last_refusal | grep -q "account expired"
ok $? "and so does its session_refused record" || diag "$(tail -n 1 "$log")"
chage -d 0 "$u"
session
chage -d "$(date +%Y-%m-%d)" "$u"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "PAM refuses $u: password expired"
ok $? "a password that must be changed says 'password expired'" ||
    diag "exit $st: $out"
session
[ $st = 0 ]
ok $? "and with both lifted the session runs again" || diag "exit $st: $out"

done_testing
