#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The privileged side of a session, as root: the monitor (the root
# parent of the caged shell) and the audit file it writes.  A caged user
# cannot signal, stop or limit the monitor; every simple command has an
# exec record written before it starts; every record is whole, bounded
# by log.record_max, and keeps distinct bytes distinct.  Skips without
# root.  (200 concurrent sessions: see test-session.sh.)
. "${top_srcdir:-.}/tests/lib.sh"

session_test_setup cgm cgn timeout pgrep df dd sha256sum

limits_file=/etc/security/limits.d/cagesh-test-$$.conf
kill_bin_procs() {	# every process of $bin, by pid: a monitor is root
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ] &&
		    kill -KILL "${p#/proc/}" 2>/dev/null
	done
}
monitor_cleanup() {
	rm -f "$limits_file"
	kill_bin_procs
	session_test_cleanup
}
trap monitor_cleanup EXIT

# The cage: the programs the profile allows, and their libraries.
cage=$work/cage
home=$cage/home/$u
mkdir -p "$cage"/{usr/bin,tmp,proc} "$home"
chmod 1777 "$cage/tmp"
chown "$u:$u" "$home"
cage_programs "$cage" $(for p in cat ls touch sleep id; do command -v $p; done) \
    /bin/kill || exit 1

log=$work/log/audit.jsonl
record_max=8192
write_conf() {	# write_conf [HOME]: the config, with the user's home HOME
	cat > "$conf_path" <<CONF
log = { syslog = false; file = "$log"; on_failure = "deny";
        record_max = $record_max; };
profiles = {
  t = {
    path = [ "/usr/bin" ];
    env = [ "RAILS_ENV", "X" ];
    commands = {
      cat = { any_options = true; };
      ls = { any_options = true; };
      touch = { };
      sleep = { operands = [ "[0-9.]+" ]; };
      kill = { any_options = true; };
      id = { any_options = true; };
    };
  };
};
users = (
  { user = "$u"; cage = "$cage"; home = "${1:-/home/$u}"; profile = "t"; }
);
CONF
	chmod 644 "$conf_path"
}
write_conf


# pycheck DESCRIPTION [ARG...] <<PY: one TAP check, the python on stdin
# run with sys.argv = [-, LOG, ARG...]; its complaint becomes the diag.
pycheck() {
	local desc=$1 out
	shift
	out=$(RECORD_MAX=$record_max PYTHONPATH=$top_srcdir/tests python3 - "$log" "$@" 2>&1)
	ok $? "$desc" || diag "$out"
}

proc_exe_is_bin() {	# proc_exe_is_bin PID
	[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$bin" ]
}

running() {	# running PID: neither gone nor a zombie
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

ppid_of() {
	awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

monitor_of() {	# monitor_of PID: the nearest cagesh above PID with real uid 0
	local p
	p=$(ppid_of "$1")
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		if proc_exe_is_bin "$p" &&
		    [ "$(awk '/^Uid:/ { print $2 }' "/proc/$p/status")" = 0 ]; then
			echo "$p"
			return
		fi
		p=$(ppid_of "$p")
	done
}

# --- the first session creates the log: root:root 0600, whatever the umask
rm -f "$log"
out=$(as_user bash -c 'umask 000; exec "$0" -c true' "$bin" 2>&1)
st=$?
[ $st = 0 ] && [ "$(stat -c '%U:%G %a' "$log" 2>&1)" = "root:root 600" ] &&
    [ "$(stat -c '%U:%G %a' "$work/log")" = "root:root 700" ]
ok $? "the log a session creates is root:root 0600, its directory root 0700" ||
    diag "exit $st: $out" "$(ls -ld "$work/log" "$log" 2>&1)"

# --- a redirection is recorded with its target after expansion
echo out.txt > "$home/name"
mark=$(log_mark)
as_user "$bin" -c 'echo x > $(cat name)' >/dev/null 2>&1
pycheck "the exec record of 'echo x > \$(cat name)' has the expanded target" \
    "$mark" "/home/$u" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
r = one(execs(recs, "echo"), "exec records of echo")
check(r["argv"] == ["echo", "x"], show(r))
check(r["redirs"] == [{"fd": 1, "op": ">", "target": "out.txt"}], show(r))
check(r["verdict"] == "allow" and "rule" in r, show(r))
check(r["line_no"] == 1 and r["cwd"] == sys.argv[3], show(r))
check(isinstance(r["cmd_no"], int) and r["cmd_no"] >= 1, show(r))
PY

# --- a line denied half way is "partial", one denied before it ran "deny"
rm -f "$home/p1"
mark=$(log_mark)
as_user "$bin" -c 'touch ./p1; sleep $(echo abc)' >/dev/null 2>&1
pycheck "'touch ./p1; sleep \$(echo abc)': the line's verdict is partial" \
    "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
c = one([r for r in recs if r["event"] == "command"], "command records")
check(c["verdict"] == "partial", show(c))
check([x["verdict"] for x in c["commands"]][:1] == ["allow"], show(c))
PY
[ -e "$home/p1" ]
ok $? "and its first command ran (p1 exists)"
pycheck "and sleep abc, denied at run time, has an exec record with a reason" \
    "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
r = one(execs(recs, "sleep"), "exec records of sleep")
check(r["argv"] == ["sleep", "abc"], show(r))
check(r["verdict"] == "deny" and r.get("reason"), show(r))
PY
mark=$(log_mark)
as_user "$bin" -c 'rm -rf /' >/dev/null 2>&1
pycheck "'rm -rf /': the line's verdict is deny" "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
c = one([r for r in recs if r["event"] == "command"], "command records")
check(c["verdict"] == "deny" and c["line"] == "rm -rf /", show(c))
check([r for r in recs if r["event"] == "session_end"], show_all(recs))
PY

# --- distinct bytes give distinct records
mark=$(log_mark)
as_user "$bin" -c "$(printf 'echo \351')" >/dev/null 2>&1
as_user "$bin" -c "$(printf 'echo \303\251')" >/dev/null 2>&1
as_user "$bin" -c 'echo '\''\xe9'\' >/dev/null 2>&1
as_user "$bin" -c "$(printf 'echo \\\\\351')" >/dev/null 2>&1
pycheck "argv byte E9, the UTF-8 é, the text \\xe9, \\ and E9: distinct records" \
    "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
e = execs(recs, "echo")
check(len(e) == 4, "%d exec records of echo:%s" % (len(e), show_all(e)))
raw, utf8, text, bsraw = e
check(bsraw["argv"][1].lower() == "\\\\\\xe9", show(bsraw))
check("/argv/1" in bsraw.get("escaped", []), show(bsraw))
check(raw["argv"][1].lower() == "\\xe9", show(raw))
check("/argv/1" in raw.get("escaped", []), show(raw))
check(utf8["argv"][1] == "\u00e9" and "escaped" not in utf8, show(utf8))
check(text["argv"][1] == "\\xe9", show(text))
check("/argv/1" not in text.get("escaped", []), show(text))
# the text \xe9 is written as is: only "escaped" tells it from the byte
PY

# --- kill -s KILL 0 from the line: the shell dies, the monitor records it
mark=$(log_mark)
timeout 15 setpriv --reuid="$u" --regid="$gid" --init-groups \
    "$bin" -c 'touch ./x; kill -s KILL 0' >/dev/null 2>&1
st=$?
pycheck "'touch ./x; kill -s KILL 0': exec of touch, session_end with signal 9" \
    "$mark" "$st" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
check(sys.argv[3] != "124", "the session hung (timeout)")
t = one(execs(recs, "touch"), "exec records of touch")
check(t["argv"] == ["touch", "./x"], show(t))
e = one([r for r in recs if r["event"] == "session_end"], "session_end records")
check(e["session"] == t["session"], show_all(recs))
check(e.get("signal") == 9 and e.get("status") == 137, show(e))
check(e.get("reason") == "killed by signal 9", show(e))
PY
pycheck "and the monitor wrote the line's command record, with a reason" \
    "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
c = one([r for r in recs if r["event"] == "command"], "command records")
check(c["line"] == "touch ./x; kill -s KILL 0" and c.get("reason"), show(c))
PY

# --- a running session: its monitor, and its exec record up front
mark=$(log_mark)
as_user "$bin" -c 'sleep 5' >/dev/null 2>&1 &
spid=$!
sleep_pid=
for i in $(seq 1 30); do
	sleep_pid=$(pgrep -u "$u" -x sleep) && break
	sleep 0.1
done
# The monitor: the caged shell's parent, the nearest root cagesh above sleep.
mon=$(monitor_of "$sleep_pid")
[ -n "$sleep_pid" ] && proc_exe_is_bin "$mon" ||
    diag "no session running sleep 5 (sleep $sleep_pid, monitor $mon)"

cat > "$scratch/sleep5.py" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
sys.exit(0 if [r for r in execs(recs) if r["argv"] == ["sleep", "5"]] else 1)
PY
seen=1
deadline=$(( $(date +%s%N) + 3000000000 ))
while [ "$(date +%s%N)" -lt $deadline ]; do
	why=$(RECORD_MAX=$record_max PYTHONPATH=$top_srcdir/tests python3 "$scratch/sleep5.py" "$log" "$mark" 2>&1) &&
	    { seen=0; break; }
	sleep 0.1
done
[ $seen = 0 ] || diag "$why"
[ -n "$sleep_pid" ] && kill -0 "$sleep_pid" 2>/dev/null || diag "sleep $sleep_pid is not running"
[ $seen = 0 ] && [ -n "$sleep_pid" ] && kill -0 "$sleep_pid" 2>/dev/null
ok $? "the exec record of 'sleep 5' is in the log while sleep runs" ||
    diag "$(tail -n 3 "$log" 2>&1 | cut -c 1-300)"

status=$(cat "/proc/$mon/status" 2>&1)
printf '%s\n' "$status" | grep -q '^Uid:	0	0	0	0$' &&
    printf '%s\n' "$status" | grep -q '^Gid:	0	0	0	0$'
ok $? "the monitor (pid $mon) has uid and gid 0: real, effective, saved" ||
    diag "$(printf '%s\n' "$status" | grep -E '^(Name|Uid|Gid):')"

out=$(as_user kill -0 "$mon" 2>&1)
st=$?
[ $st != 0 ] && printf '%s\n' "$out" | grep -q 'Operation not permitted'
ok $? "the user cannot signal the monitor (EPERM)" || diag "exit $st: $out"

out=$(as_user "$bin" -c "kill -s KILL $mon" 2>&1)
st=$?
[ $st != 0 ] && proc_exe_is_bin "$mon"
ok $? "nor can a second session of the user kill it" || diag "exit $st: $out"

wait $spid
st=$?
pycheck "and the first session still ends normally, its records whole" \
    "$mark" "$st" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
check(sys.argv[3] == "0", "sleep 5 session exit %s" % sys.argv[3])
x = one([r for r in execs(recs) if r["argv"] == ["sleep", "5"]], "sleep 5 records")
mine = [r for r in recs if r["session"] == x["session"]]
check([r["event"] for r in mine] ==
    ["session_start", "exec", "command", "session_end"], show_all(mine))
check(mine[2]["verdict"] == "allow" and mine[2]["status"] == 0, show(mine[2]))
check(mine[3]["status"] == 0 and "reason" not in mine[3], show(mine[3]))
PY

# --- kill -s STOP 0 from the line stops nothing for good
mark=$(log_mark)
timeout 15 setpriv --reuid="$u" --regid="$gid" --init-groups \
    "$bin" -c 'kill -s STOP 0' >/dev/null 2>&1 &
tpid=$!
hung=1
for i in $(seq 1 100); do
	running "$tpid" || { hung=0; break; }
	sleep 0.1
done
# Looked at before anything is killed: a hung session is still there.
stopped=
for p in /proc/[0-9]*; do
	proc_exe_is_bin "${p#/proc/}" || continue
	state=$(sed 's/.*) //' "$p/stat" 2>/dev/null | cut -d' ' -f1)
	[ "$state" = T ] && stopped="$stopped ${p#/proc/}"
done
[ $hung = 0 ] || { kill_bin_procs; pkill -KILL -u "$u"; }
wait $tpid
st=$?
pycheck "'kill -s STOP 0': the session ends within 10 s, recorded, nothing left stopped" \
    "$mark" "$st" "$hung" "$stopped" <<'PY'
from auditlog import *
check(sys.argv[4] == "0", "still running after 10 s")
check(sys.argv[5] == "", "cagesh processes stopped:" + sys.argv[5])
recs = records(sys.argv[1], int(sys.argv[2]))
one([r for r in recs if r["event"] == "session_end"], "session_end records")
PY

# --- amplification: 4 x 1 MB of argv, records of at most record_max
head -c 1000000 /dev/zero | tr '\0' A > "$home/big"
mark=$(log_mark)
out=$(as_user "$bin" -c 'X=$(cat big); echo "$X" "$X" "$X" "$X"' 2>&1 >/dev/null)
st=$?
pycheck "X=\$(cat big); echo \"\$X\" x4: every record whole and within $record_max bytes" \
    "$mark" "$st" "$out" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
check(sys.argv[3] == "0", "exit %s: %s" % (sys.argv[3], sys.argv[4]))
check([r["event"] for r in recs if r["event"] != "exec"] ==
    ["session_start", "command", "session_end"], show_all(recs))
PY
pycheck "and echo's exec record says what was cut: length and sha256 of each value" \
    "$mark" "$home/big" <<'PY'
from auditlog import *
import hashlib
recs = records(sys.argv[1], int(sys.argv[2]))
full = open(sys.argv[3], "rb").read()
r = one(execs(recs, "echo"), "exec records of echo")
check(len(r["argv"]) == 5, show(r))
cut = {c["path"]: c for c in r.get("cut", [])}
check(sorted(cut) == ["/argv/%d" % i for i in range(1, 5)], show(r))
for path, c in cut.items():
    check(c["length"] == len(full), show(c))
    check(c["sha256"] == hashlib.sha256(full).hexdigest(), show(c))
    v = pointer(r, path)
    check(len(v) < len(full) and full.startswith(v.encode()), show(r))
PY

# --- PAM's limits are the caged side's, not the monitor's
grep -q pam_limits /etc/pam.d/cagesh || diag "/etc/pam.d/cagesh has no pam_limits"
printf '%s hard fsize 1\n%s soft fsize 1\n' "$u" "$u" > "$limits_file"
mark=$(log_mark)
as_user "$bin" -c 'sleep 1' >/dev/null 2>&1 &
spid=$!
sleep_pid=
for i in $(seq 1 30); do
	sleep_pid=$(pgrep -u "$u" -x sleep) && break
	sleep 0.1
done
mon=$(monitor_of "$sleep_pid")
[ -n "$sleep_pid" ] || diag "no session running sleep 1"
mlim=$(grep '^Max file size' "/proc/$mon/limits" 2>&1)
slim=$(grep '^Max file size' "/proc/$sleep_pid/limits" 2>&1)
wait $spid
printf '%s\n' "$mlim" | grep -q 'unlimited *unlimited' &&
    printf '%s\n' "$slim" | grep -q '1024 *1024'
ok $? "fsize 1 from limits.d: the caged command has it, the monitor does not" ||
    diag "monitor $mon: $mlim" "sleep $sleep_pid: $slim"
w3000=$(head -c 3000 /dev/zero | tr '\0' w)
as_user "$bin" -c "echo $w3000" >/dev/null 2>&1
as_user "$bin" -c 'true' >/dev/null 2>&1
st=$?
rm -f "$limits_file"
pycheck "and records over 1 KiB are still written whole, a next session works" \
    "$mark" "$st" "$w3000" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
check(sys.argv[3] == "0", "the next session: exit %s" % sys.argv[3])
x = one([r for r in execs(recs) if r["argv"] == ["echo", sys.argv[4]]], "echo records")
ends = [r for r in recs if r["event"] == "session_end"]
check(len(ends) == 3 and x["session"] in [e["session"] for e in ends], show_all(recs))
PY

# --- a caller's lowered hard file-size limit cannot reach the monitor
out=$(as_user bash -c 'ulimit -f 64 || exit 9; exec "$0" -c "touch ./fsz"' "$bin" 2>&1)
st=$?
[ $st = 1 ] && printf '%s\n' "$out" | grep -q 'file size limit is too low' &&
    [ ! -e "$home/fsz" ]
ok $? "a caller's hard fsize limit the root side cannot lift refuses the session" ||
    diag "exit $st: $out"

# --- a refused session tells the user little, the log the rest
write_conf relative-secret-value
mark=$(log_mark)
out=$(as_user "$bin" -c 'true' 2>&1 >/dev/null)
st=$?
write_conf
[ $st = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
    [ "${out#cagesh: }" != "$out" ] && [ ${#out} -lt 200 ] &&
    ! printf '%s' "$out" | grep -q relative-secret-value
ok $? "a bad config: exit 1, one short cagesh: line without the config's values" ||
    diag "exit $st:" "$out"
pycheck "and the log has its session_refused record" "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
one([r for r in recs if r["event"] == "session_refused"], "session_refused records")
PY

# --- the session's processes end with it: its cgroup is killed
mark=$(log_mark)
as_user "$bin" -c 'sleep 37 & kill -s KILL $$' >/dev/null 2>&1
left=$(pgrep -u "$u" -f 'sleep 37' | tr '\n' ' ')
[ -z "$left" ]
ok $? "a process the shell left behind is gone when the session ends" ||
    diag "still running: $left"
pycheck "and session_end says how many it killed" "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
end = one([r for r in recs if r["event"] == "session_end"], "session_end")
check(end.get("killed", 0) >= 1 and end.get("signal") == 9, show(end))
PY
ls -d /sys/fs/cgroup/unified/cagesh-* /sys/fs/cgroup/cagesh-* 2>/dev/null | grep -q . &&
    diag "cgroups left: $(ls -d /sys/fs/cgroup/unified/cagesh-* /sys/fs/cgroup/cagesh-* 2>/dev/null)"
ls -d /sys/fs/cgroup/unified/cagesh-* /sys/fs/cgroup/cagesh-* >/dev/null 2>&1
ok $(( ! $? )) "and its cgroup is removed"

# --- all of the above: every line of the log one record within record_max
pycheck "every line of the log is one record of at most $record_max bytes" <<'PY'
from auditlog import *
records(sys.argv[1])
PY

# --- a nearly full log file system: no torn record, no unlogged command
mount -t tmpfs -o size=2m tmpfs "$work/log" && chmod 700 "$work/log" ||
    exit 1
avail=$(df -B1 --output=avail "$work/log" | tail -n 1)
dd if=/dev/zero of="$work/log/fill" bs=4096 count=$(( (avail - 40960) / 4096 )) \
    2>/dev/null
w6000=$(head -c 6000 /dev/zero | tr '\0' a)
n=0
while [ $n -lt 30 ]; do
	n=$((n + 1))
	as_user "$bin" -c "echo $w6000" >/dev/null 2>&1 || break
done
# Now full to the last block: an exec record of over one block cannot fit.
dd if=/dev/zero of="$work/log/fill2" bs=4096 2>/dev/null
touch_line="touch ./marker$(for i in $(seq 10 34); do
	printf ' ./%.200d' "$i"; done)"
rm -f "$home/marker"
as_user "$bin" -c "$touch_line" >/dev/null 2>&1
[ -e "$home/marker" ] && ran_full=1 || ran_full=0
pycheck "a full log: session $n is refused, every line is a whole record" \
    "$n" <<'PY'
from auditlog import *
check(int(sys.argv[2]) < 30, "30 sessions ran")
check(records(sys.argv[1]), "the log is empty")
PY
rm -f "$work/log/fill" "$work/log/fill2"
mark=$(log_mark)
as_user "$bin" -c "$touch_line" >/dev/null 2>&1
st=$?
pycheck "with room again, a session runs and logs whole records" "$mark" "$st" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
check(sys.argv[3] == "0", "exit %s" % sys.argv[3])
check([r["event"] for r in recs] ==
    ["session_start", "exec", "command", "session_end"], show_all(recs))
check(len({r["session"] for r in recs}) == 1, show_all(recs))
PY
[ $ran_full = 0 ] && [ -e "$home/marker" ]
ok $? "on_failure = deny: touch ./marker ran only once its exec record had room" ||
    diag "ran with the log full: $ran_full"
umount "$work/log"

done_testing
