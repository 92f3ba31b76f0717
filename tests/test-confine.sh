#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 13, "Nothing the user writes ever runs": real setuid sessions of
# a hostile caged user, with only what the profile allows, against the
# kernel layers the caged shell puts on itself after the drop (README
# CONFINEMENT): Landlock (execute only beneath exec, write only beneath
# write, TCP only to the connect ports, no bind), the seccomp filter (no
# setuid/setgid bits, no personality, ptrace, io_uring, keyctl,
# userfaultfd), the profile's limits, the session's processes ending
# with it, and the wall-clock limit.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

umask 022
# perl warns of a locale the cage lacks
unset LANG LANGUAGE LC_ALL
# a core limit the session must lower to 0 (pam_limits lowers only the
# soft one; a root without CAP_SYS_RESOURCE, as in some containers,
# cannot raise the hard one again after the root side's own limits)
ulimit -c unlimited 2>/dev/null || ulimit -S -c "$(ulimit -H -c)"
session_test_setup cgc cgd timeout pgrep perl setarch tar nohup

listener=
kill_bin_procs() {	# every process of $bin, by pid: a monitor is root
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ] &&
		    kill -KILL "${p#/proc/}" 2>/dev/null
	done
}
confine_cleanup() {
	[ -n "$listener" ] && kill -KILL "$listener" 2>/dev/null
	kill_bin_procs
	session_test_cleanup
}
trap confine_cleanup EXIT

# The cage: merged /usr (/bin a root-owned link to usr/bin), the programs
# the profile allows with their libraries, /bin/sh for #! scripts, proc;
# /data is the user's own but no write place of the profile.
cage=$work/cage
home=$cage/home/$u
mkdir -p "$cage"/{usr/bin,etc,tmp,proc,data} "$home"
ln -s usr/bin "$cage/bin"
chmod 1777 "$cage/tmp"
chown "$u:$u" "$home" "$cage/data"
cage_programs "$cage" $(for p in cat cp chmod mkdir touch id tar sleep nohup \
    setarch perl true sh; do type -P $p; done) || exit 1
mkdir -p "$cage/dev"
mknod -m 666 "$cage/dev/null" c 1 3 || exit 1	# perl -e reads it
mount -t proc proc "$cage/proc" || skip_all "cannot mount /proc in the cage"

log=$work/log/audit.jsonl
# write_conf: the test profile.  Set before the call:
#   session  limits.session (default 30)
#   tcp      extra confine keys, e.g. "connect = [ 4242 ];"
#   exec     more exec directories, e.g. ', "/data"'
#   write    more write places, e.g. ', "~/up"'
#   defaults 1: no confine and no limits group (the built-in defaults)
write_conf() {
	local confine limits
	confine="confine = { landlock = \"require\";
      exec = [ \"/usr\", \"/bin\", \"/lib\", \"/lib64\" ${exec:-} ];
      write = [ \"~\", \"/tmp\" ${write:-} ]; signal = \"user\"; ${tcp:-} };"
	limits="limits = { nproc = 77; nofile = 333; cpu = 55; fsize = \"7M\";
      session = ${session:-30}; };"
	if [ "${defaults:-0}" = 1 ]; then
		confine=
		limits=
	fi
	cat > "$conf_path" <<CONF
log = { syslog = false; file = "$log"; on_failure = "deny"; };
profiles = {
  t = {
    path = [ "/home/$u/bin", "/usr/bin" ];
    $confine
    $limits
    commands = {
      cat = { any_options = true; };
      cp = { any_options = true; };
      chmod = { any_options = true; };
      mkdir = { any_options = true; };
      touch = { any_options = true; };
      id = { any_options = true; };
      tar = { any_options = true; };
      sleep = { operands = [ "[0-9.]+" ]; };
      nohup = { operands = [ "sleep", "[0-9]+" ]; };
      setarch = { any_options = true; };
      perl = { any_options = true; };
    };
  };
};
users = (
  { user = "$u"; cage = "$cage"; home = "/home/$u"; profile = "t"; }
);
CONF
	chmod 644 "$conf_path"
}
write_conf

# run LINE: one session as the user, bounded; sets $out (stdout and
# stderr), $st (exit status) and $mark (the log's lines before it).
run() {
	mark=$(log_mark)
	out=$(timeout 20 setpriv --reuid="$u" --regid="$gid" --init-groups \
	    "$bin" -c "$1" 2>&1 </dev/null)
	st=$?
}


records_since() {	# records_since MARK: the audit records written since
	PYTHONPATH=$top_srcdir/tests python3 - "$log" "$1" <<'PY' 2>&1
from auditlog import *
print(show_all(records(sys.argv[1], int(sys.argv[2]))).strip("\n"))
PY
}

# why DESC: the diag of the last run's check
why() {
	diag "$1" "line exit $st, output:" "$out" "audit records:" \
	    "$(records_since "$mark")"
}

# pycheck DESCRIPTION [ARG...] <<PY: one TAP check, the python on stdin
# run with sys.argv = [-, LOG, ARG...]; its complaint becomes the diag.
pycheck() {
	local desc=$1 o
	shift
	o=$(PYTHONPATH=$top_srcdir/tests python3 - "$log" "$@" 2>&1)
	ok $? "$desc" || diag "$o"
}

running() {	# running PID: neither gone nor a zombie
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# live_user_procs: the user's processes not yet dead, "PID NAME;" each
# (a killed process whose parent is gone is a zombie until pid 1 reaps
# it: dead, and not counted)
live_user_procs() {
	local p
	for p in $(pgrep -u "$u"); do
		running "$p" &&
		    printf '%s %s;' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"
	done
}

kill_user_procs() {	# every process left of the user, by pid
	local p
	for p in $(pgrep -u "$u"); do
		kill -KILL "$p" 2>/dev/null
	done
}

mode_of() {	# mode_of FILE: octal mode, or "none"
	stat -c %a "$1" 2>/dev/null || echo none
}

no_special_bits() {	# no_special_bits FILE: absent, or without s bits
	[ ! -e "$1" ] || [ -z "$(find "$1" -perm /6000)" ]
}

# --- 1. an uploaded program never runs
run 'id -u'
[ $st = 0 ] && [ "$out" = "$uid" ]
ok $? "id (from /usr/bin, the profile's path) runs: $out" ||
    why "id -u"

run 'mkdir -p bin; cp /usr/bin/id bin/id; chmod 755 bin/id'
[ $st = 0 ] && [ "$(stat -c '%u %a' "$home/bin/id" 2>&1)" = "$uid 755" ]
ok $? "the user copies /usr/bin/id to ~/bin/id, mode 755" || why upload
run 'id -u'
[ $st = 126 ] && [ "$out" != "$uid" ] &&
    printf '%s\n' "$out" | grep -q "/home/$u/bin/id: Permission denied"
ok $? "id now names the user's ~/bin/id (first in path): EACCES, exit 126" ||
    why "id -u, ~/bin/id uploaded"

run 'echo "#!/bin/sh" > bin/id; echo "exit 7" >> bin/id; chmod 755 bin/id'
[ $st = 0 ] || why "writing a #! script to ~/bin/id"
run 'id -u'
[ $st = 126 ] &&
    printf '%s\n' "$out" | grep -q "/home/$u/bin/id: Permission denied"
ok $? "a #!/bin/sh script the user wrote, as id: EACCES, 126 (7: it ran)" ||
    why "id -u, ~/bin/id a script"
rm -rf "$home/bin"

# --- 2. no setuid or setgid bits
rm -f "$home/f"
run 'touch f; chmod 4755 f'
[ $st != 0 ] && printf '%s\n' "$out" | grep -q 'Operation not permitted' &&
    [ "$(mode_of "$home/f")" = 644 ]
ok $? "chmod 4755 f: EPERM, f stays $(mode_of "$home/f")" || why "chmod 4755"
run 'chmod g+s f'
[ $st != 0 ] && printf '%s\n' "$out" | grep -q 'Operation not permitted' &&
    [ "$(mode_of "$home/f")" = 644 ]
ok $? "chmod g+s f: EPERM, f stays $(mode_of "$home/f")" || why "chmod g+s"

# a setuid file of the user's (made by root): cp -p would keep the bit
echo x > "$home/suidsrc"
chown "$u:$u" "$home/suidsrc"
chmod 4755 "$home/suidsrc"
run 'cp -p suidsrc suidcopy'
[ -e "$home/suidcopy" ] && no_special_bits "$home/suidcopy"
ok $? "cp -p of a setuid file: no s bit on the copy ($(mode_of "$home/suidcopy"))" ||
    why "cp -p"

# an archive holding a setuid and a setgid file: tar -x -p restores modes
mkdir -p "$scratch/tarsrc"
echo x > "$scratch/tarsrc/suid"
echo x > "$scratch/tarsrc/sgid"
chmod 4755 "$scratch/tarsrc/suid"
chmod 2755 "$scratch/tarsrc/sgid"
tar -C "$scratch/tarsrc" -cf "$home/s.tar" suid sgid
chown "$u:$u" "$home/s.tar"
run 'mkdir -p out; tar -x -p -f s.tar -C out'
modes=$(cd "$home/out" 2>/dev/null && stat -c '%n %a' * | tr '\n' ' ')
no_special_bits "$home/out" && [ -d "$home/out" ]
ok $? "tar -x -p of setuid and setgid files: no s bit ($modes)" ||
    why "tar -x -p"

# --- 3. writes only beneath the write places
rm -f "$cage/data/x" "$home/y" "$cage/tmp/z"
run 'touch /data/x'
[ $st != 0 ] && [ ! -e "$cage/data/x" ] &&
    printf '%s\n' "$out" | grep -q 'Permission denied'
ok $? "touch /data/x (the user's own directory, no write place): EACCES" ||
    why "touch /data/x"
run 'touch ~/y /tmp/z'
[ $st = 0 ] && [ -e "$home/y" ] && [ -e "$cage/tmp/z" ]
ok $? "touch ~/y /tmp/z (write places) works" || why "touch ~/y /tmp/z"

# --- 4. the profile's limits
run 'cat /proc/self/limits'
lim() {	# lim NAME: "soft hard" of that line of $out
	printf '%s\n' "$out" | sed -n "s/^$1  *\([^ ]*\)  *\([^ ]*\) .*/\1 \2/p"
}
for want in 'Max processes:77' 'Max open files:333' 'Max cpu time:55' \
    'Max file size:7340032' 'Max core file size:0'; do
	name=${want%%:*}
	v=${want#*:}
	[ $st = 0 ] && [ "$(lim "$name")" = "$v $v" ]
	ok $? "$name: $v (soft and hard; got $(lim "$name"))" ||
	    why "cat /proc/self/limits"
done

# --- 5. TCP: connect only to the listed port, bind none
cat > "$scratch/listen.py" <<'PY'
import select, socket, sys, time
out = open(sys.argv[1], "w", buffering=1)
socks = {}
for name in ("A", "B"):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    socks[s] = name
free = socket.socket()
free.bind(("127.0.0.1", 0))
c = free.getsockname()[1]
free.close()
ports = {n: s.getsockname()[1] for s, n in socks.items()}
open(sys.argv[2], "w").write("%d %d %d\n" % (ports["A"], ports["B"], c))
end = time.monotonic() + 40
while time.monotonic() < end:
    r, _, _ = select.select(list(socks), [], [], 1)
    for s in r:
        conn, _ = s.accept()
        out.write(socks[s] + "\n")
        conn.close()
PY
python3 "$scratch/listen.py" "$scratch/seen" "$scratch/ports" &
listener=$!
for i in $(seq 1 50); do
	[ -s "$scratch/ports" ] && break
	sleep 0.1
done
read -r port_a port_b port_c < "$scratch/ports"
tcp="connect = [ $port_a ];" write_conf
perl_connect='socket(S, 2, 1, 0) or die "socket: $!\n";
connect(S, pack("S n C4 x8", 2, PORT, 127, 0, 0, 1)) or die "connect: $!\n";
print "connected\n";'
run "perl -e '${perl_connect//PORT/$port_b}'"
[ $st != 0 ] && printf '%s\n' "$out" | grep -q '^connect: Permission denied'
ok $? "a TCP connect to 127.0.0.1:$port_b (not listed): EACCES" ||
    why "perl connect to $port_b"
run "perl -e '${perl_connect//PORT/$port_a}'"
[ $st = 0 ] && [ "$out" = connected ]
ok $? "a TCP connect to 127.0.0.1:$port_a (connect = [ $port_a ]) works" ||
    why "perl connect to $port_a"
run "perl -e 'socket(S, 2, 1, 0) or die \"socket: \$!\n\";
bind(S, pack(\"S n C4 x8\", 2, $port_c, 127, 0, 0, 1)) or die \"bind: \$!\n\";
print \"bound\n\";'"
[ $st != 0 ] && printf '%s\n' "$out" | grep -q '^bind: Permission denied'
ok $? "a TCP bind of 127.0.0.1:$port_c (no bind list): EACCES" ||
    why "perl bind $port_c"
sleep 0.2
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
listener=
seen=$(sort "$scratch/seen" | tr '\n' ' ')
[ "$seen" = "A " ]
ok $? "the listener saw one connection on $port_a, none on $port_b ($seen)"
write_conf

# --- 6. seccomp: calls the session never needs
run 'setarch -R true'
[ $st != 0 ] && printf '%s\n' "$out" | grep -q 'Operation not permitted'
ok $? "setarch -R (personality ADDR_NO_RANDOMIZE): EPERM" || why "setarch -R"
if [ "$(uname -m)" = x86_64 ]; then
	# io_uring_setup 425, keyctl 250, userfaultfd 323 (user mode only),
	# ptrace 101 (PTRACE_TRACEME) last: each succeeds for a plain user.
	run "perl -e 'my \$p = \"\\0\" x 120;
for my \$c ([\"io_uring_setup\", 425, 1, \$p], [\"keyctl\", 250, 0, -4, 1],
    [\"userfaultfd\", 323, 1], [\"ptrace\", 101, 0, 0, 0, 0]) {
	my (\$n, \$nr, @a) = @\$c;
	my \$r = syscall(\$nr, @a);
	print \"\$n: \", (\$r == -1 ? \$! + 0 : \"ok\"), \"\n\";
}'"
	[ $st = 0 ] && [ "$(printf '%s\n' "$out" | tr '\n' ' ')" = \
	    "io_uring_setup: 1 keyctl: 1 userfaultfd: 1 ptrace: 1 " ]
	ok $? "io_uring_setup, keyctl, userfaultfd, ptrace(TRACEME): EPERM each" ||
	    why "perl syscall"
else
	echo "ok $((tap_n += 1)) # SKIP the syscall numbers are x86_64's"
fi

# --- 7. a hung-up session ends, and every process of it
# sleep 30 gets the SIGHUP the shell forwards; nohup's sleep ignores it,
# so only the end of the session (its cgroup killed) ends that one.
mark=$(log_mark)
# setpriv itself in the background (no subshell): $! is the session's
# root process once setpriv has exec'd cagesh
setpriv --reuid="$u" --regid="$gid" --init-groups "$bin" \
    -c 'sleep 30 & nohup sleep 31' >"$scratch/hup.out" 2>&1 </dev/null &
spid=$!
for i in $(seq 1 50); do
	[ "$(pgrep -u "$u" -x sleep | wc -l)" = 2 ] && break
	sleep 0.1
done
before=$(live_user_procs)
t0=$(date +%s%N)
kill -HUP "$spid"
ended=1
for i in $(seq 1 100); do
	running "$spid" || { ended=0; break; }
	sleep 0.1
done
secs=$(( ($(date +%s%N) - t0) / 1000000 ))
left=$(live_user_procs)
[ $ended = 0 ] || kill -KILL "$spid" 2>/dev/null
wait "$spid"
st=$?
[ $ended = 0 ]
ok $? "SIGHUP to the session's root process ($spid): it ends in ${secs} ms" ||
    diag "before: $before" "still running after 10 s"
[ -z "$left" ]
ok $? "and no process of the user is left (before: $before)" ||
    diag "left: $left" "$(cat "$scratch/hup.out")"
pycheck "and session_end has reason \"signal\"" "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
ids = {r["session"] for r in recs if r["event"] == "exec" and
       r["argv"] == ["nohup", "sleep", "31"]}
check(len(ids) == 1, "no one session ran nohup sleep 31:" + show_all(recs))
recs = [r for r in recs if r["session"] in ids]
ends = [r for r in recs if r["event"] == "session_end"]
check(len(ends) == 1, "%d session_end:%s" % (len(ends), show_all(recs)))
check(ends[0].get("reason") == "signal", show_all(recs))
PY
kill_user_procs

# --- 8. the wall-clock limit
session=2 write_conf
mark=$(log_mark)
t0=$(date +%s%N)
setpriv --reuid="$u" --regid="$gid" --init-groups "$bin" -c 'sleep 20' \
    >"$scratch/limit.out" 2>&1 </dev/null &
spid=$!
ended=1
for i in $(seq 1 90); do
	running "$spid" || { ended=0; break; }
	sleep 0.1
done
secs=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $ended = 0 ] || kill -KILL "$spid" 2>/dev/null
wait "$spid"
st=$?
[ $ended = 0 ] && [ "$secs" -ge 1900 ]
ok $? "limits.session = 2: 'sleep 20' ends after ${secs} ms (2 s, at most 9)" ||
    diag "exit $st" "$(cat "$scratch/limit.out")"
pycheck "and session_end has reason \"session time limit\"" "$mark" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
ids = {r["session"] for r in recs if r["event"] == "exec" and
       r["argv"] == ["sleep", "20"]}
check(len(ids) == 1, "no one session ran sleep 20:" + show_all(recs))
recs = [r for r in recs if r["session"] in ids]
ends = [r for r in recs if r["event"] == "session_end"]
check(len(ends) == 1, "%d session_end:%s" % (len(ends), show_all(recs)))
check(ends[0].get("reason") == "session time limit", show_all(recs))
PY
kill_user_procs
write_conf

# --- 9. a session that cannot be confined as its profile says does not
# start (landlock = "warn" against "require" needs a kernel without
# Landlock, ABI 7 here: tests/test-landlock.c covers both)
# refused FILE WHY: exit 1, FILE not made, session_refused says WHY
refused() {
	local file=$1 what=$2
	[ $st = 1 ] && [ ! -e "$file" ] &&
	    printf '%s\n' "$out" |
	    grep -q '^cagesh: the session cannot be confined' &&
	    PYTHONPATH=$top_srcdir/tests python3 - "$log" "$mark" "$what" <<'PY'
from auditlog import *
recs = records(sys.argv[1], int(sys.argv[2]))
check([r["event"] for r in recs] == ["session_refused"], show_all(recs))
check(sys.argv[3] in recs[0].get("reason", ""), show_all(recs))
PY
}
rm -f "$home/r1" "$home/r2"
exec=', "/data"' write_conf
run 'touch r1'
refused "$home/r1" "exec directory /data is owned by uid $uid"
ok $? "exec = [ ..., \"/data\" ], a directory the user owns: no session" ||
    why "touch r1, /data an exec directory"
ln -s / "$home/up"
chown -h "$u:$u" "$home/up"
write=', "~/up"' write_conf
run 'touch r2'
refused "$home/r2" "a symlink on the way is not root's"
ok $? "write = [ ..., \"~/up\" ], ~/up -> / the user's link: no session" ||
    why "touch r2, ~/up -> / a write place"
rm -f "$home/up"
write_conf

# --- 10. the defaults: the shipped config checks, a profile without
# confine and limits groups is confined with the built-in values
sed -e "s/user = \"deploy\";/user = \"$u\";/" \
    -e "s/group = \"gitusers\";/group = \"$u2\";/" \
    "$top_srcdir/etc/cagesh.conf" > "$scratch/shipped.conf"
o=$("$CAGESH" --check-config "$scratch/shipped.conf" 2>&1)
ok $? "--check-config of etc/cagesh.conf (its accounts made real) passes" ||
    diag "$o"
defaults=1 write_conf
run 'cat /proc/self/limits'
got=
for name in 'Max processes' 'Max open files' 'Max cpu time' 'Max file size' \
    'Max core file size'; do
	got="$got$(lim "$name" | cut -d' ' -f1) "
done
[ $st = 0 ] && [ "$got" = "1024 4096 3600 17179869184 0 " ]
ok $? "no limits group: nproc nofile cpu fsize core 1024 4096 3600 16G 0 ($got)" ||
    why "cat /proc/self/limits, defaults"
rm -f "$cage/data/x"
run 'touch /data/x'
[ $st != 0 ] && [ ! -e "$cage/data/x" ] &&
    printf '%s\n' "$out" | grep -q 'Permission denied'
ok $? "no confine group: touch /data/x is refused (write: ~ /tmp /var/tmp)" ||
    why "touch /data/x, defaults"
defaults=0 write_conf

done_testing
