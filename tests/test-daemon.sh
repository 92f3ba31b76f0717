#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The daemon rule: a command whose rule says daemon = true may leave
# processes that outlive the session (a server's --daemon); every other
# process of a session ends with it.  Real setuid sessions in a cage
# cagesh-jail builds from the shipped capistrano profile, with two test
# rules over the same program (tests/daemonize: fork, the parent exits,
# the child sleeps): one marked daemon, one not.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$top_builddir/tests/daemonize" ] || skip_all "no tests/daemonize"
. "$top_srcdir/tests/e2e-setup.sh"
caged_test_begin cagesh-daemon python3 setpriv useradd timeout ldd
caged_test_user cgd$$
out=$("$CAGESH_JAIL" --config "$conf_path" init --cage "$cage" 2>&1)
ok $? "cagesh-jail init builds the cage" || diag "$out"
cp "$top_builddir/tests/daemonize" "$cage/usr/bin/daemonize" &&
    cp "$top_builddir/tests/daemonize" "$cage/usr/bin/nodaemon" || exit 1
python3 - "$conf_path" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("  capistrano = {")
j = s.index("    commands = {", i) + len("    commands = {\n")
s = s[:j] + ('      daemonize = { description = "a server that daemonizes";\n'
             '        daemon = true; operands = [ "/tmp/[a-z0-9.]+", "[0-9]+" ]; };\n'
             '      nodaemon = { operands = [ "/tmp/[a-z0-9.]+", "[0-9]+" ]; };\n') + s[j:]
open(p, "w").write(s)
PY
"$bin" --check-config "$conf_path" >/dev/null 2>&1
ok $? "a rule with daemon = true passes --check-config"

run() {	# run LINE: a session as the user; sets out, st
	(cd / && timeout 60 setpriv --reuid="$u" --regid="$gid" \
	    --init-groups "$bin" -c "$1" > "$work/out" 2>&1 </dev/null)
	st=$?
	out=$(cat "$work/out")
}
pid_of() {	# pid_of FILE: the pid the program wrote, once it is there
	local i
	for i in $(seq 50); do
		[ -s "$cage/tmp/$1" ] && { cat "$cage/tmp/$1"; return 0; }
		sleep 0.1
	done
	return 1
}

run "daemonize /tmp/d.pid 120"
ok $((st != 0)) "the session with a daemon rule's command ends (exit $st)" ||
    diag "$out"
dpid=$(pid_of d.pid) && e2e_track_pid "$dpid"
[ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null
ok $? "what the daemon rule's command left runs on after the session" ||
    diag "pid '$dpid'; $out"
grep -q '^0::.*/cagesh-daemon-' "/proc/$dpid/cgroup" 2>/dev/null
ok $? "in a cgroup of its own beside the session's" ||
    diag "$(cat "/proc/$dpid/cgroup" 2>&1)"
[ "$(stat -c %u "/proc/$dpid" 2>/dev/null)" = "$(id -u "$u")" ] &&
    grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$dpid/status" &&
    grep -q '^Seccomp:[[:space:]]*2' "/proc/$dpid/status"
ok $? "still the user's, with no_new_privs and the seccomp filter"
[ "$(readlink "/proc/$dpid/root")" = "$cage" ]
ok $? "and still in the cage"

run "nodaemon /tmp/n.pid 120"
npid=$(pid_of n.pid) && e2e_track_pid "$npid"
sleep 0.3
[ -n "$npid" ] && ! kill -0 "$npid" 2>/dev/null
ok $? "the same program under a rule without daemon: gone with the session" ||
    diag "pid '$npid' $(cat "/proc/$npid/cgroup" 2>&1)"
# A line's own words cannot make a command a daemon: nohup, setsid,
# disown are not rules, & is not one.
run "nodaemon /tmp/m.pid 120 &"
mpid=$(pid_of m.pid) && e2e_track_pid "$mpid"
sleep 0.3
[ -n "$mpid" ] && ! kill -0 "$mpid" 2>/dev/null
ok $? "nor in the background (&)" || diag "pid '$mpid'"

# The daemon ends here, and its cgroup with it: the host as it was.
dcg=$(sed -n 's/^0:://p' "/proc/$dpid/cgroup" 2>/dev/null)
[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
for i in $(seq 50); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
case $dcg in
*/cagesh-daemon-*) rmdir "$mnt$dcg" 2>/dev/null ;;
esac
[ -z "$dcg" ] || [ ! -d "$mnt$dcg" ]
ok $? "the daemon's cgroup is gone once it has ended" || diag "$mnt$dcg"
done_testing
