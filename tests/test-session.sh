#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Real sessions, as root: a throwaway user, a cage built here, the
# installed-setuid binary, the system PAM stack with the shipped
# pam/cagesh, and the audit log.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

session_test_setup cgt cgu chage

# The cage: a few programs and their libraries.
cage=$work/cage
mkdir -p "$cage"/{bin,usr/bin,etc,tmp,proc,home/"$u"}
chmod 1777 "$cage/tmp"
chown "$u:$u" "$cage/home/$u"
cage_programs "$cage" $(for p in cat ls touch sleep id mkdir printenv; do
    command -v $p; done) || exit 1
mount -t proc proc "$cage/proc" || skip_all "cannot mount /proc in the cage"

log=$work/log/audit.jsonl
write_conf() {	# write_conf CAGE
	cat > "$conf_path" <<CONF
log = { syslog = true; file = "$log"; on_failure = "deny"; };
profiles = {
  t = {
    path = [ "/usr/bin" ];
    env = [ "RAILS_ENV" ];
    setenv = { FIXED = "yes"; };
    commands = {
      cat = { any_options = true; };
      ls = { any_options = true; };
      touch = { };
      sleep = { operands = [ "[0-9.]+" ]; };
      id = { any_options = true; };
      mkdir = { options = [ "-p" ]; };
      printenv = { operands = []; };
    };
  };
};
users = (
  { user = "$u"; cage = "$1"; home = "/home/$u"; profile = "t"; }
);
CONF
	chmod 644 "$conf_path"
}
write_conf "$cage"

records() {	# records EVENT: how many records of that event in the log
	python3 - "$log" "$1" <<'PY'
import json, sys
from check import check
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    for k in ("time", "event", "session", "user", "uid", "from", "mode"):
        check(k in r, (k, r))
    if r["event"] == sys.argv[2]:
        n += 1
print(n)
PY
}

# --- allowed lines run inside the cage, as the user
out=$(as_user "$bin" -c 'pwd' 2>&1)
st=$?
[ $st = 0 ] && [ "$out" = "/home/$u" ]
ok $? "pwd runs in the cage home"
[ $st = 0 ] || diag "exit $st: $out"

as_user "$bin" -c 'touch made-here' >/dev/null 2>&1
[ -f "$cage/home/$u/made-here" ] &&
    [ "$(stat -c %u "$cage/home/$u/made-here")" = "$uid" ]
ok $? "a file written lands under the cage, owned by the user"

status=$(as_user "$bin" -c 'cat /proc/self/status' 2>&1)
printf '%s\n' "$status" | grep -q "^Uid:	$uid	$uid	$uid	$uid$"
ok $? "the command runs with the user's uid (real, effective, saved, fs)"
printf '%s\n' "$status" | grep -q "^Gid:	$gid	$gid	$gid	$gid$"
ok $? "and the user's gid"
printf '%s\n' "$status" | grep -q "^Groups:	$gid *$"
ok $? "and only the user's groups"
printf '%s\n' "$status" | grep -q '^NoNewPrivs:	1$'
ok $? "NoNewPrivs: 1"
printf '%s\n' "$status" | grep -q '^CapEff:	0000000000000000$'
ok $? "CapEff: 0"
printf '%s\n' "$status" | grep -q '^CapBnd:	0000000000000000$'
ok $? "CapBnd: 0"

fds=$(as_user "$bin" -c 'ls /proc/self/fd' 2>&1 | tr '\n' ' ')
# ls holds one more fd of its own: the directory it lists.
[ "$fds" = "0 1 2 3 " ]
ok $? "a command gets only fds 0-2 (ls adds its own 3): $fds"

# The caller of a setuid program picks its fd limit: an fd it leaves
# open above the limit it then sets (here the host's /, which would let a
# caged program fchdir out of the cage) must not reach the cage either.
fds=$(python3 - "$u" "$bin" <<'PY' 2>&1 | tr '\n' ' '
import os, resource, sys
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
high = min(hard, 1 << 20) - 1
os.dup2(os.open("/", os.O_RDONLY), high, inheritable=True)
resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
os.execvp("setpriv", ["setpriv", "--reuid=" + sys.argv[1],
          "--regid=" + sys.argv[1], "--init-groups", sys.argv[2], "-c",
          "ls /proc/self/fd"])
PY
)
[ "$fds" = "0 1 2 3 " ]
ok $? "an fd the caller left above its fd limit is closed too: $fds"

out=$(as_user "$bin" -c 'id -u > /home/'"$u"'/idfile; cat idfile' 2>&1)
[ "$out" = "$uid" ]
ok $? "redirections and ; work in a session"

# --- the environment is built, not inherited
envout=$(env -i FOO=bar LD_PRELOAD=/tmp/x.so PATH=/tmp HOME=/tmp LANG=C.UTF-8 \
    TERM='xterm;rm' SSH_CONNECTION='10.0.0.1 4242 10.0.0.2 22' \
    /usr/bin/setpriv --reuid="$u" --regid="$gid" --init-groups \
    "$bin" -c 'RAILS_ENV=production printenv' 2>/dev/null | cut -d= -f1 | sort | tr '\n' ' ')
[ "$envout" = "FIXED HOME LANG LOGNAME PATH PWD RAILS_ENV SHELL SSH_CONNECTION USER " ]
ok $? "a command's environment: only what cagesh built ($envout)"
out=$(env -i PATH=/tmp HOME=/tmp /usr/bin/setpriv --reuid="$u" --regid="$gid" \
    --init-groups "$bin" -c 'printenv' 2>&1)
printf '%s\n' "$out" | grep -qx 'PATH=/usr/bin' &&
    printf '%s\n' "$out" | grep -qx "HOME=/home/$u" &&
    printf '%s\n' "$out" | grep -qx 'FIXED=yes'
ok $? "PATH and HOME are the profile's and the entry's, setenv applied"

out=$(as_user "$bin" -c pwd <&- 2>&1)
[ "$out" = "/home/$u" ]
ok $? "a session with stdin closed still runs (fds 0-2 made sane)"

# --- forced-command use
out=$(SSH_ORIGINAL_COMMAND=pwd as_user "$bin" -c "$bin" 2>&1)
[ "$out" = "/home/$u" ]
ok $? "forced command: -c /path/to/cagesh runs SSH_ORIGINAL_COMMAND"
out=$(SSH_ORIGINAL_COMMAND=pwd as_user bash -c "exec -a -cagesh $bin" 2>&1)
[ "$out" = "/home/$u" ]
ok $? "forced command with cagesh as the login shell (argv0 -cagesh)"
out=$(as_user bash -c "exec -a -cagesh $bin" 2>&1 </dev/null)
st=$?
[ $st = 1 ] && printf '%s\n' "$out" | grep -q '^cagesh: no interactive login'
ok $? "a login without a command is refused when interactive = false"

# --- denied lines run nothing
rm -f "$cage/home/$u/marker"
out=$(as_user "$bin" -c 'touch marker; bash -c id' 2>&1)
st=$?
[ $st = 126 ] && [ ! -e "$cage/home/$u/marker" ]
ok $? "a denied line exits 126 and runs nothing (no marker)"
printf '%s\n' "$out" | grep -q '^cagesh: denied: '
ok $? "and says why on stderr"
python3 - "$log" <<'PY'
import json, sys
from check import check
last = [r for r in map(json.loads, open(sys.argv[1]))
        if r["event"] == "command"][-1]
check(last["verdict"] == "deny", last)
check(last["line"] == "touch marker; bash -c id", last)
check("status" not in last, last)
check(any(c["verdict"] == "deny" and "reason" in c for c in last["commands"]), last)
PY
ok $? "and leaves a deny record" ||
    diag "$(grep '"event":"command"' "$log" | tail -n 1)"

# exit, a signal or a failing program end a line; none of them is a denial
for line in 'exit 3' 'false; exit 3' '(exit 3); exit $?'; do
	as_user "$bin" -c "$line" >/dev/null 2>&1
	st=$?
	python3 - "$log" "$line" <<'PY'
import json, sys
from check import check
last = [r for r in map(json.loads, open(sys.argv[1]))
        if r["event"] == "command"][-1]
check(last["line"] == sys.argv[2] and last["verdict"] == "allow" and
    last["status"] == 3, last)
PY
	ok $(( $? || st != 3 )) "'$line' exits 3 with an allow record"
done

out=$(as_user "$bin" -c 'echo "unterminated' 2>&1)
[ $? = 2 ]
ok $? "a syntax error exits 2"

# --- refused sessions
n0=$(records session_refused)
out=$("$bin" -c pwd 2>&1)
[ $? = 1 ] && printf '%s\n' "$out" | grep -q '^cagesh: root cannot'
ok $? "root is refused"

out=$(setpriv --reuid="$u2" --regid="$u2" --init-groups "$bin" -c pwd 2>&1)
[ $? = 1 ] && printf '%s\n' "$out" | grep -q "^cagesh: user $u2 has no entry"
ok $? "a user without an entry is refused"

chmod 664 "$conf_path"
out=$(as_user "$bin" -c pwd 2>&1)
[ $? = 1 ] && printf '%s\n' "$out" | grep -q 'not writable by group'
ok $? "a group-writable config refuses the session"
chmod 644 "$conf_path"

chown "$u" "$cage"
out=$(as_user "$bin" -c 'touch bad1' 2>&1)
st=$?
chown root "$cage"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q 'cage cannot be entered' &&
    tail -n 1 "$log" | grep -q '"reason":"[^"]*not owned by root' &&
    [ ! -e "$cage/home/$u/bad1" ]
ok $? "a user-owned cage component refuses the session (why: in the log)"

ln -s "$cage" "$work/link"
write_conf "$work/link"
out=$(as_user "$bin" -c 'touch bad2' 2>&1)
st=$?
write_conf "$cage"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q 'cage cannot be entered' &&
    tail -n 1 "$log" | grep -q '"reason":"[^"]*symlink' &&
    [ ! -e "$cage/home/$u/bad2" ]
ok $? "a symlinked cage component refuses the session (why: in the log)"

chage -E 0 "$u"
out=$(as_user "$bin" -c 'touch bad3' 2>&1)
st=$?
chage -E -1 "$u"
[ $st = 1 ] && printf '%s\n' "$out" | grep -q "account expired" &&
    [ ! -e "$cage/home/$u/bad3" ]
ok $? "an expired account is refused by PAM"
[ $st = 1 ] || diag "$out"

n1=$(records session_refused)
[ $((n1 - n0)) -ge 4 ]
ok $? "refusals are in the audit log ($((n1 - n0)))"

# --- the audit log: identity, escaping, a log that cannot be written
evil=$(printf 'echo "x\\" \\"user\\":\\"root"\necho y')
out=$(SSH_CONNECTION='127.0.0.1 50022 127.0.0.1 22' as_user "$bin" -c "$evil" 2>&1)
python3 - "$log" "$u" "$evil" <<'PY'
import json, sys
from check import check
lines = open(sys.argv[1]).read().split("\n")
last = [json.loads(l) for l in lines if l][-2]
check(last["event"] == "command", last)
check(last["user"] == sys.argv[2] and last["from"] == "127.0.0.1 50022", last)
check(last["line"] == sys.argv[3] and "\n" in last["line"], last)
PY
ok $? "records carry from, keep user bytes inside their field, one line each"

rm -f "$cage/home/$u/full"
mount -t tmpfs -o size=256k tmpfs "$work/log" && chmod 700 "$work/log" &&
    touch "$log" && chmod 600 "$log"
out=$(as_user "$bin" -c 'touch full' 2>&1)
st=$?
umount "$work/log"
[ $st = 1 ] && [ ! -e "$cage/home/$u/full" ] &&
    printf '%s\n' "$out" | grep -q '^cagesh: .*audit'
ok $? "on_failure = deny: no room for the log, nothing runs"
[ $st = 1 ] || diag "exit $st: $out"

# --- signals: the command gets them, the session ends and is logged
: > "$log"
setpriv --reuid="$u" --regid="$gid" --init-groups "$bin" -c 'sleep 30' \
    >/dev/null 2>&1 &
spid=$!
for i in $(seq 1 50); do
	pgrep -u "$u" -x sleep >/dev/null && break
	sleep 0.1
done
t0=$(date +%s)
kill -TERM $spid
wait $spid
st=$?
t1=$(date +%s)
[ $st = 143 ] && [ $((t1 - t0)) -lt 5 ]
ok $? "SIGTERM ends the session and its command (exit $st)"
sleep 0.2
! pgrep -u "$u" >/dev/null
ok $? "no process of the user is left behind"
[ "$(records session_end)" = 1 ]
ok $? "the session end is logged"

# --- 200 concurrent sessions: one whole record each
: > "$log"
pids=
for i in $(seq 1 200); do
	as_user "$bin" -c "echo line-$i" >/dev/null 2>&1 &
	pids="$pids $!"
done
wait $pids
python3 - "$log" <<'PY'
import json, sys
from check import check
seen = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"] == "command":
        seen[r["line"]] = seen.get(r["line"], 0) + 1
check(len(seen) == 200 and set(seen.values()) == {1}, (len(seen), seen))
PY
ok $? "200 concurrent sessions: 200 whole command records, one per line"
python3 - "$log" <<'PY'
import json, sys
from check import check
n = {}
echoes = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    n[r["event"]] = n.get(r["event"], 0) + 1
    if r["event"] == "exec":
        echoes.add(tuple(r["argv"]))
want = {"session_start": 200, "exec": 200, "command": 200, "session_end": 200}
check(n == want, n)
check(echoes == {("echo", "line-%d" % i) for i in range(1, 201)}, len(echoes))
PY
ok $? "and 200 session_start, exec (one per echo), session_end records"
done_testing
