#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Admin actions in real setuid sessions, as root: the caged shell asks,
# the monitor matches again and runs the admin's argv on the host as the
# action's user, with a built environment, stdin on /dev/null, a
# timeout, its output relayed and its status the command's; records
# before and after.  Stand-in systemctl and passenger-config on the host
# record what they got.  A line shaped like an action but not matching
# it runs nothing.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

session_test_setup act actb pgrep

cage=$work/cage
home=$cage/home/$u
mkdir -p "$cage"/{usr/bin,tmp,dev} "$home"
chmod 1777 "$cage/tmp"
chown "$u:$u" "$home"
cage_programs "$cage" "$(command -v cat)" || exit 1

# The stand-ins, root's on the host; what each got goes to $rec.
host=$work/host
rec=$work/rec
mkdir -p "$host" "$rec"
chmod 777 "$rec"
standin() {	# standin NAME: records uid, argv, cwd, env and stdin
	cat > "$host/$1" <<SH
#!/bin/sh
{
	echo "uid=\$(id -u)"
	echo "argc=\$#"
	for a; do echo "arg=\$a"; done
	echo "cwd=\$(pwd)"
	echo "stdin=\$(readlink /proc/self/fd/0)"
	env | sed 's/^/env=/'
} > "$rec/$1.out"
echo "stand-in stdout: \$*"
echo "stand-in stderr" >&2
exit 3
SH
	chmod 755 "$host/$1"
}
standin systemctl
standin passenger-config
cat > "$host/slow" <<SH
#!/bin/sh
echo started
sleep 300 &
echo \$! > "$rec/slow.bg"
sleep 301
echo never
SH
cat > "$host/loud" <<'SH'
#!/bin/sh
exec head -c 3000000 /dev/zero
SH
chmod 755 "$host/slow" "$host/loud"

log=$work/log/audit.jsonl
cat > "$conf_path" <<CONF
log = { syslog = false; file = "$log"; on_failure = "deny"; };
profiles = {
  t = {
    path = [ "/usr/bin" ];
    env = [ "RAILS_ENV" ];
    commands = { cat = { any_options = true; }; };
    actions = (
      { name = "puma-restart";
        description = "restart the app server";
        match = [ "sudo systemctl restart \$1",
                  "sudo /bin/systemctl restart \$1" ];
        operands = [ "app_puma_production(\\\\.service)?" ];
        run = [ "$host/systemctl", "restart", "\$1" ];
        user = "root"; },
      { name = "puma-user-restart";
        match = [ "/bin/systemctl --user restart \$1" ];
        operands = [ "app_[a-z_]+" ];
        run = [ "$host/systemctl", "--user", "restart", "\$1" ];
        user = "\$user"; },
      { name = "app-restart";
        match = [ "passenger-config restart-app \$1 --ignore-app-not-running" ];
        operands = [ "/var/www/.*" ];
        run = [ "$host/passenger-config", "restart-app", "\$1",
                "--ignore-app-not-running" ];
        user = "$u2"; },
      { name = "slow"; match = [ "slow-thing" ]; run = [ "$host/slow" ];
        user = "root"; timeout = 1; },
      { name = "loud"; match = [ "loud-thing" ]; run = [ "$host/loud" ];
        user = "root"; }
    );
  };
};
users = ( { user = "$u"; cage = "$cage"; home = "/home/$u"; profile = "t"; } );
CONF
chmod 644 "$conf_path"

"$bin" --check-config "$conf_path" >"$scratch/cc" 2>&1
ok $? "the test config passes --check-config" || diag "$(cat "$scratch/cc")"

run() {	# run LINE: as $u in a session; sets st, out, err
	rm -f "$rec"/*.out
	as_user env LEAKED=1 "$bin" -c "$1" >"$scratch/out" 2>"$scratch/err"
	st=$?
	out=$(cat "$scratch/out")
	err=$(cat "$scratch/err")
}
got() {	# got NAME: what stand-in NAME recorded
	cat "$rec/$1.out" 2>/dev/null
}

# pycheck DESCRIPTION [ARG...] <<PY: one TAP check on the log
pycheck() {
	local desc=$1 o
	shift
	o=$(PYTHONPATH=$top_srcdir/tests python3 - "$log" "$@" 2>&1)
	ok $? "$desc" || diag "$o"
}

# --- an action runs: the admin's argv, as root, built env, no stdin
mark=$(log_mark)
run 'export RAILS_ENV=production; sudo systemctl restart app_puma_production'
[ $st = 3 ]
ok $? "the action's status is the line's (3)" || diag "st=$st $out $err"
[ "$out" = "stand-in stdout: restart app_puma_production" ]
ok $? "its stdout reaches the session's stdout" || diag "$out"
case $err in *"stand-in stderr"*) true ;; *) false ;; esac
ok $? "its stderr reaches the session's stderr" || diag "$err"
g=$(got systemctl)
[ "$(printf '%s\n' "$g" | grep -v '^env=')" = "uid=0
argc=2
arg=restart
arg=app_puma_production
cwd=/
stdin=/dev/null" ]
ok $? "it ran with exactly the fixed argv and the operand, as root, in /, stdin /dev/null" ||
    diag "$g"
envs=$(printf '%s\n' "$g" | sed -n 's/^env=\([^=]*\)=.*/\1/p' | sort | tr '\n' ' ')
[ "$envs" = "HOME LANG LOGNAME PATH PWD SHELL USER " ] &&
    printf '%s\n' "$g" | grep -qx 'env=HOME=/root' &&
    printf '%s\n' "$g" | grep -qx 'env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
ok $? "its environment is the built one: nothing of the session's or the line's" ||
    diag "$envs" "$g"
pycheck "records: exec (the line's words), action (argv, run_as) before, action_end (status)" \
    "$mark" "$host" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
ev = [r["event"] for r in recs]
check("action" in ev and "action_end" in ev, ev)
a = [r for r in recs if r["event"] == "action"][0]
e = [r for r in recs if r["event"] == "action_end"][0]
check(ev.index("action") < ev.index("action_end"), ev)
check(a["action"] == "puma-restart" and a["run_as"] == "root", show(a))
check(a["argv"] == [sys.argv[3] + "/systemctl", "restart",
    "app_puma_production"], show(a))
check(e["action"] == "puma-restart" and e["status"] == 3 and
    isinstance(e["duration_ms"], int) and e["cmd_no"] == a["cmd_no"], show(e))
x = [r for r in recs if r["event"] == "exec" and r["argv"][:1] == ["sudo"]]
check(len(x) == 1 and x[0]["rule"].startswith("action puma-restart"), show(x))
c = [r for r in recs if r["event"] == "command"][0]
check(c["status"] == 3 and c["verdict"] == "allow", show(c))
PY

# --- the other form, behind /usr/bin/env, with the optional suffix
run '/usr/bin/env sudo /bin/systemctl restart app_puma_production.service'
[ $st = 3 ] && got systemctl | grep -qx 'arg=app_puma_production.service'
ok $? "the second form, behind /usr/bin/env, runs the same action" || diag "$st $err"

# --- redirections and pipes: the session's fds 1 and 2 are what it gets
run 'sudo systemctl restart app_puma_production > out.txt 2>&1; cat out.txt'
case $out in *"stand-in stdout"*"stand-in stderr"*) true ;; *) false ;; esac
ok $? "> out.txt 2>&1: the output lands in the cage's file" || diag "$out" "$err"
run 'sudo systemctl restart app_puma_production | cat -n'
case $out in *"1"*"stand-in stdout"*) true ;; *) false ;; esac
ok $? "| cat -n: the output goes through the pipe" || diag "$out" "$err"

# --- the session's own user, with its service manager's environment
run '/bin/systemctl --user restart app_puma_production'
g=$(got systemctl)
printf '%s\n' "$g" | grep -qx "uid=$uid" &&
    printf '%s\n' "$g" | grep -qx "env=XDG_RUNTIME_DIR=/run/user/$uid" &&
    printf '%s\n' "$g" | grep -qx "env=DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$uid/bus" &&
    printf '%s\n' "$g" | grep -qx "env=HOME=/home/$u"
ok $? "user = \"\$user\": runs as the session's user, XDG_RUNTIME_DIR and the bus set" ||
    diag "$g"

# --- a service user
run 'passenger-config restart-app /var/www/app --ignore-app-not-running'
got passenger-config | grep -qx "uid=$(id -u "$u2")"
ok $? "user = \"$u2\": runs as that user" || diag "$(got passenger-config)" "$err"

# --- shaped like an action but not matching: denied, nothing runs
denied() {	# denied DESCRIPTION LINE
	local mark
	mark=$(log_mark)
	run "$2"
	[ $st = 126 ] && [ ! -e "$rec/systemctl.out" ] &&
	    [ ! -e "$rec/passenger-config.out" ] &&
	    ! tail -n +$((mark + 1)) "$log" | grep -q '"event":"action'
	ok $? "$1: denied (126), nothing ran, no action record" ||
	    diag "st=$st" "$err" "$(got systemctl)"
}
denied "an operand the pattern refuses" 'sudo systemctl restart nginx'
denied "a valid action and '; id'" 'sudo systemctl restart app_puma_production; id'
denied "an extra operand" 'sudo systemctl restart app_puma_production app_x'
denied "an option before the operand" 'sudo systemctl restart --now app_puma_production'
denied "an option as the operand" '/bin/systemctl --user restart --app_x'
denied "a pattern that matches '../'" \
    'passenger-config restart-app /var/www/../../etc --ignore-app-not-running'
denied "a newline in the operand" "sudo systemctl restart 'app_puma_production
'"
denied "a glob as the operand" 'sudo systemctl restart app_puma_prod*'
denied "a quoted '*' in the operand" "/bin/systemctl --user restart 'app_*'"
denied "an operand from a variable" 'sudo systemctl restart $HOME'
denied "a NAME=value before the action" 'RAILS_ENV=x sudo systemctl restart app_puma_production'
denied "a command substitution as the operand" 'sudo systemctl restart $(cat /etc/hostname)'

# --- the timeout kills it, and what it left in its process group
run 'slow-thing'
bg=$(cat "$rec/slow.bg" 2>/dev/null)
[ $st = 124 ] && [ "$out" = started ] &&
    case $err in *"killed after its timeout"*) true ;; *) false ;; esac &&
    [ -n "$bg" ] && ! kill -0 "$bg" 2>/dev/null
ok $? "timeout = 1: killed with its background child, status 124" ||
    diag "st=$st bg=$bg out=$out" "$err"
tail -n 3 "$log" | grep '"event":"action_end"' | grep -q '"status":124'
ok $? "the action_end record has status 124 and the reason" || diag "$(tail -n 3 "$log")"

# --- the output relayed is bounded
run 'loud-thing | cat'
[ "${#out}" -le 1048576 ] && [ "$(wc -c < "$scratch/out")" = 1048576 ] &&
    case $err in *"bytes of its output were not shown"*) true ;; *) false ;; esac
ok $? "3 MB of output: 1 MiB relayed, the rest dropped and said so" ||
    diag "$(wc -c < "$scratch/out") $err"

# --- help lists the actions
run 'help'
case $out in *"Admin actions"*"puma-restart: restart the app server"*"sudo systemctl restart \$1"*"runs: $host/systemctl restart \$1 as root"*) true ;;
*) false ;; esac
ok $? "help lists each action, its forms and what it runs" || diag "$out"

# --- the program is checked again when it runs: group-writable, no run
chmod g+w "$host/systemctl"
run 'sudo systemctl restart app_puma_production'
chmod g-w "$host/systemctl"
[ $st = 126 ] && [ ! -e "$rec/systemctl.out" ] &&
    case $err in *"writable by group or others"*) true ;; *) false ;; esac
ok $? "a program made group-writable after the check does not run" ||
    diag "st=$st $err"

done_testing
