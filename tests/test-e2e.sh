#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end, as root: a real sshd on 127.0.0.1, a caged user whose login
# shell is the setuid cagesh, a cage built by cagesh-jail from the shipped
# capistrano profile, Debian's Capistrano deploying a small app with the
# git and the svn strategies, plain git/scp/sftp/rsync clients, and a
# forced command for a user whose shell is bash.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -z "${CAGESH_SKIP_ROOT:-}" ] || skip_all "CAGESH_SKIP_ROOT is set"
for t in /usr/sbin/sshd ssh-keygen cap git svn svnadmin rsync python3 \
    useradd chroot sftp scp; do
	command -v $t >/dev/null || skip_all "needs $t"
done
: "${CAGESH_JAIL:=$top_builddir/cagesh-jail}"
[ -x "$CAGESH_JAIL" ] || skip_all "no cagesh-jail at $CAGESH_JAIL"
. "$top_srcdir/tests/e2e-setup.sh"
e2e_conf_path || skip_all "cannot tell the config path"
root_test_lock
[ -e "$conf_path" ] && skip_all "$conf_path exists; not touching it"
e2e_begin cagesh-e2e || exit 1
u=cge$$		# caged, login shell cagesh
ub=cgb$$	# login shell bash; a second key is a forced command
e2e_install || exit 1
e2e_user "$u" cagesh || exit 1
e2e_user "$ub" /bin/bash || exit 1
# Its forced command runs bash first, in the passwd home: root's, or
# the session is refused (see the layout check below).
chown root:root "$work/home-$ub"
# The shipped config: its capistrano profile, our users, cage and log.
e2e_conf "$u:/var/www/app:true" "$ub:/var/www/ub:false" || exit 1
out=$("$CAGESH" --check-config "$conf_path" 2>&1)
ok $? "the test config (shipped profile) is valid" || diag "$out"

# --- the cage, by cagesh-jail
t0=$(date +%s.%N)
out=$("$CAGESH_JAIL" --config "$conf_path" init --cage "$cage" 2>&1)
st=$?
t1=$(date +%s.%N)
ok $st "cagesh-jail init builds the cage" || diag "$out"
diag "cagesh-jail init: $(python3 -c "print(round($t1 - $t0, 2))") s"
# Admin steps the README describes: the repositories the deploy reads,
# git's safe.directory for them, and a second deploy_to for svn.
printf '[safe]\n\tdirectory = *\n' > "$cage/etc/gitconfig"
mkdir -p "$cage/srv" "$cage/var/www/app-svn"
chown "$u:$u" "$cage/var/www/app-svn"

src=$work/src
e2e_app_src || exit 1
git clone -q --bare "$src" "$cage/srv/repo.git"
git init -q --bare -b main "$cage/var/www/app/push.git"
svnadmin create "$cage/srv/svnrepo"
svn import -q -m init "$src" "file://$cage/srv/svnrepo/trunk"
chown -R "$u:$u" "$cage/srv/repo.git" "$cage/srv/svnrepo" \
    "$cage/var/www/app/push.git"

# --- sshd on 127.0.0.1
e2e_key key && e2e_key forced || exit 1
e2e_authorize "$u" key
e2e_authorize "$ub" key
e2e_authorize "$ub" forced "restrict,command=\"$bin\""
e2e_sshd
ok $? "sshd listens on 127.0.0.1:$port"

sshu() { ssh $sshopts -p "$port" -i "$work/ssh/key" "$u@127.0.0.1" "$@"; }

out=$(sshu 'pwd' 2>&1)
[ "$out" = /var/www/app ]
ok $? "ssh host pwd: caged, in the home" || diag "$out"
# sshd's ExposeAuthInfo: the session_start record names the key
fp=$(ssh-keygen -lf "$work/ssh/key.pub" | cut -d' ' -f2)
python3 - "$log" "$fp" <<'PY'
import sys
from check import check
starts = [r for r in map(__import__("json").loads, open(sys.argv[1]))
          if r.get("event") == "session_start"]
check(starts and starts[-1].get("auth") == "publickey ssh-ed25519 " + sys.argv[2],
      "auth %r" % (starts[-1].get("auth") if starts else None))
PY
ok $? "its session_start record names the key that logged in ($fp)"

# --- Capistrano
capu() { PLANT_MARKER=1 cap_env "$u" git /srv/repo.git /var/www/app "$work/ssh/key" cap production "$@"; }

n_before=$(grep -c 'Starting session: command' "$work/ssh/sshd.log")
: > "$log"
capu deploy:check > "$work/cap1.log" 2>&1
ok $? "cap production deploy:check" || diag "$(tail -20 "$work/cap1.log")"

# The worker: a long-running program inside the cage, as the user.
cp /usr/bin/sleep "$cage/usr/bin/test-worker"
chroot --userspec="$u:$u" "$cage" /usr/bin/test-worker 600 &
wpid=$!
e2e_track_pid "$wpid"
echo "$wpid" > "$cage/var/www/app/shared/tmp/pids/unicorn.pid"
chown "$u:$u" "$cage/var/www/app/shared/tmp/pids/unicorn.pid"

t0=$(date +%s.%N)
capu deploy > "$work/cap2.log" 2>&1
ok $? "cap production deploy" || diag "$(tail -30 "$work/cap2.log")"
t1=$(date +%s.%N)
t_cage=$(python3 -c "print(round($t1 - $t0, 2))")
# The worker must be gone (signalled) by now; do not wait forever.
for i in $(seq 1 50); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
wst=$?
ok $(test $wst = 140; echo $?) "the worker got SIGUSR2 from the restart task ($wst)"
rm -f "$cage/var/www/app/shared/tmp/pids/unicorn.pid" "$cage/usr/bin/test-worker"

sleep 1	# release timestamps are to the second
capu deploy > "$work/cap3.log" 2>&1
ok $? "cap production deploy (again)" || diag "$(tail -30 "$work/cap3.log")"
python3 - "$cage" <<'PY'
import os, sys
from check import check
cage = sys.argv[1]
app = "/var/www/app"
cur = os.readlink(cage + app + "/current")
check(cur.startswith(app + "/releases/"), cur)
rel = cage + cur
check(os.path.isfile(rel + "/index.html"), rel)
check(os.path.isfile(rel + "/REVISION"), rel)
check(os.path.isfile(rel + "/tmp/restart.txt"), rel)
for f in ("config/database.yml", "config/master.key"):
    t = os.readlink(rel + "/" + f)
    check(t == app + "/shared/" + f and os.path.isfile(cage + t), (f, t))
for d in ("log", "tmp/pids", "public/system"):
    t = os.readlink(rel + "/" + d)
    check(t == app + "/shared/" + d and os.path.isdir(cage + t), (d, t))
check(len(os.listdir(cage + app + "/releases")) == 2)
PY
ok $? "releases, current, linked files and dirs resolve inside the cage"

capu deploy:rollback > "$work/cap4.log" 2>&1
ok $? "cap production deploy:rollback" || diag "$(tail -30 "$work/cap4.log")"
capu deploy:cleanup > "$work/cap5.log" 2>&1
ok $? "cap production deploy:cleanup" || diag "$(tail -30 "$work/cap5.log")"

n_after=$(grep -c 'Starting session: command' "$work/ssh/sshd.log")
python3 - "$log" $((n_after - n_before)) <<'PY'
import json, sys
from check import check
recs = [json.loads(l) for l in open(sys.argv[1])]
cmds = [r for r in recs if r["event"] == "command"]
bad = [r for r in cmds if r["verdict"] != "allow" or r.get("status", 1) not in (0, 1)]
check(len(cmds) == int(sys.argv[2]), (len(cmds), sys.argv[2]))
check(all(r["verdict"] == "allow" for r in cmds), [r["line"] for r in cmds if r["verdict"] != "allow"])
check(not any("git-ssh" in c["argv"][0] for r in cmds for c in r["commands"] if c["argv"]), "git-ssh run")
PY
ok $? "one allowed command record per command Capistrano sent ($((n_after - n_before)))"
ls "$cage"/tmp/git-ssh-*.sh >/dev/null 2>&1 &&
    grep -q git-ssh-ran "$cage"/tmp/git-ssh-*.sh &&
    [ ! -e "$cage/tmp/git-ssh-ran" ]
ok $? "Capistrano's uploaded git-ssh script (planted to leave a marker) never ran"

capu evil > "$work/cap6.log" 2>&1
st=$?
[ $st != 0 ] && grep -q 'cagesh: denied: bash' "$work/cap6.log"
ok $? "a task sending bash -c id fails with cagesh's reason" ||
    diag "$(tail -10 "$work/cap6.log")"
python3 - "$log" <<'PY'
import json, sys
from check import check
last = [r for r in map(json.loads, open(sys.argv[1])) if r["event"] == "command"][-1]
check(last["verdict"] == "deny", last)
check(any(c["verdict"] == "deny" and "bash" in c["argv"] for c in last["commands"]), last)
PY
ok $? "and leaves a deny record"

# svn strategy
svnrun() { cap_env "$u" svn file:///srv/svnrepo/trunk /var/www/app-svn \
    "$work/ssh/key" cap production "$@"; }
svnrun deploy:check > "$work/svn1.log" 2>&1
ok $? "svn: cap production deploy:check" || diag "$(tail -20 "$work/svn1.log")"
svnrun deploy > "$work/svn2.log" 2>&1
ok $? "svn: cap production deploy" || diag "$(tail -30 "$work/svn2.log")"
cur=$(readlink "$cage/var/www/app-svn/current")
ok $(test -f "$cage$cur/index.html" && test -f "$cage$cur/REVISION"; echo $?) \
    "svn: the release is in place ($cur)"
sleep 1
svnrun deploy > "$work/svn3.log" 2>&1
ok $? "svn: cap production deploy (again)" || diag "$(tail -30 "$work/svn3.log")"
svnrun deploy:rollback > "$work/svn4.log" 2>&1
ok $? "svn: cap production deploy:rollback" || {
	diag "$(grep -iE 'error|denied|cagesh|status [1-9]' "$work/svn4.log" | head -20)"
	diag "$(tail -20 "$work/ssh/sshd.log")"
}
[ "$(readlink "$cage/var/www/app-svn/current")" = "$cur" ]
ok $? "svn: rollback puts the first release back"
svnrun deploy:cleanup > "$work/svn5.log" 2>&1
ok $? "svn: cap production deploy:cleanup" || diag "$(tail -30 "$work/svn5.log")"

# The same deploy with /bin/bash as the login shell, on the same sshd.
mkdir -p "$work/bash-app" && chown "$ub:$ub" "$work/bash-app"
git clone -q --bare "$src" "$work/bash-repo.git"
chown -R "$ub:$ub" "$work/bash-repo.git"
cap_env "$ub" git "$work/bash-repo.git" "$work/bash-app" "$work/ssh/key" \
    cap production deploy:check > "$work/capb1.log" 2>&1
t0=$(date +%s.%N)
cap_env "$ub" git "$work/bash-repo.git" "$work/bash-app" "$work/ssh/key" \
    cap production deploy > "$work/capb2.log" 2>&1
st=$?
t1=$(date +%s.%N)
t_bash=$(python3 -c "print(round($t1 - $t0, 2))")
ok $st "the same deploy with /bin/bash as login shell" ||
    diag "$(tail -20 "$work/capb2.log")"
diag "deploy wall time: cagesh ${t_cage}s, /bin/bash ${t_bash}s"

kill -0 "$(cat "$work/ssh/sshd.pid")" 2>/dev/null
ok $? "sshd is still running" || diag "$(tail -20 "$work/ssh/sshd.log")"

# --- plain clients
export GIT_SSH_COMMAND="ssh $sshopts -i $work/ssh/key"
git clone -q "ssh://$u@127.0.0.1:$port/srv/repo.git" "$work/clone" 2>"$work/git.err"
ok $(test -f "$work/clone/index.html"; echo $?) "git clone over ssh (git-upload-pack in the cage)" ||
    diag "$(cat "$work/git.err")"
git -C "$work/clone" push -q "ssh://$u@127.0.0.1:$port/var/www/app/push.git" main 2>"$work/git.err"
ok $? "git push over ssh (git-receive-pack)" || diag "$(cat "$work/git.err")"
out=$(git ls-remote "ssh://$u@127.0.0.1:$port/var/www/app/push.git" 2>&1)
printf '%s\n' "$out" | grep -q 'refs/heads/main'
ok $? "git ls-remote over ssh"
unset GIT_SSH_COMMAND

printf 'legacy\n' > "$work/up.txt"
scp -q -O $sshopts -P "$port" -i "$work/ssh/key" "$work/up.txt" "$u@127.0.0.1:/tmp/scp-legacy.txt"
ok $(cmp -s "$work/up.txt" "$cage/tmp/scp-legacy.txt"; echo $?) "scp -O upload lands in the cage"
scp -q -O $sshopts -P "$port" -i "$work/ssh/key" "$u@127.0.0.1:/tmp/scp-legacy.txt" "$work/down.txt"
ok $(cmp -s "$work/up.txt" "$work/down.txt"; echo $?) "scp -O download"
printf 'put %s /tmp/sftp.txt\nget /tmp/sftp.txt %s\n' "$work/up.txt" "$work/sftp-down.txt" > "$work/batch"
sftp -q $sshopts -P "$port" -i "$work/ssh/key" -b "$work/batch" "$u@127.0.0.1" >/dev/null 2>&1
cmp -s "$work/up.txt" "$cage/tmp/sftp.txt" && cmp -s "$work/up.txt" "$work/sftp-down.txt"
ok $? "sftp batch put and get (sftp-server in the cage)"
mkdir -p "$work/rs" && printf 'r\n' > "$work/rs/a" && printf 's\n' > "$work/rs/b"
rsync -a -e "ssh $sshopts -p $port -i $work/ssh/key" "$work/rs/" "$u@127.0.0.1:/tmp/rsync-dst/" 2>"$work/rs.err"
ok $(cmp -s "$work/rs/b" "$cage/tmp/rsync-dst/b"; echo $?) "rsync push" || diag "$(cat "$work/rs.err")"
rsync -a -e "ssh $sshopts -p $port -i $work/ssh/key" "$u@127.0.0.1:/tmp/rsync-dst/" "$work/rs-back/" 2>"$work/rs.err"
ok $(cmp -s "$work/rs/a" "$work/rs-back/a"; echo $?) "rsync pull" || diag "$(cat "$work/rs.err")"
out=$(sshu 'bash -c id' 2>&1)
st=$?
[ $st = 126 ] && printf '%s\n' "$out" | grep -q '^cagesh: denied'
ok $? "ssh host 'bash -c id' is refused (126)"
out=$(sshu 'rsync -e "sh -c id" /etc/hostname h:/x' 2>&1)
[ $? = 126 ]
ok $? "rsync in client mode is refused"

# --- an interactive login: ssh -t, the prompt, a line, a denied line, exit
: > "$log"
out=$(printf 'pwd\nbash\nexit 3\n' | timeout 30 ssh -tt $sshopts -p "$port" \
    -i "$work/ssh/key" "$u@127.0.0.1" 2>&1)
st=$?
# without the carriage returns and the terminal's escape sequences
printf '%s\n' "$out" | tr -d '\r' |
    sed 's/\x1b\[[?0-9;]*[a-zA-Z]//g' > "$work/tty.out"
[ $st = 3 ] && grep -q "^$u@[^:]*:~\\$ " "$work/tty.out" &&
    grep -q '^/var/www/app$' "$work/tty.out" &&
    grep -q '^cagesh: denied: bash' "$work/tty.out"
ok $? "ssh -t: a prompt, a line runs, a denied one is refused, exit 3" ||
    diag "exit $st" "$(cat -v "$work/tty.out" | tail -20)"
python3 - "$log" <<'PY'
import json, sys
from check import check
recs = [json.loads(l) for l in open(sys.argv[1])]
check({r["mode"] for r in recs} == {"interactive"}, recs)
lines = [(r["line"], r["verdict"]) for r in recs if r["event"] == "command"]
check(lines == [("pwd", "allow"), ("bash", "deny"), ("exit 3", "allow")], lines)
check(recs[-1]["event"] == "session_end" and recs[-1]["status"] == 3, recs[-1])
PY
ok $? "and its audit records (mode interactive, one per line, session_end 3)" ||
    diag "$(cat "$log")"

# --- forced command for a bash user
sshf() { ssh $sshopts -p "$port" -i "$work/ssh/forced" "$ub@127.0.0.1" "$@"; }
out=$(sshf 'git-upload-pack /srv/repo.git' </dev/null 2>&1)
printf '%s\n' "$out" | grep -q 'refs/heads/main'
ok $? "forced command: git-upload-pack runs caged" || diag "$out"
out=$(sshf 'pwd' 2>&1)
[ "$out" = /var/www/ub ]
ok $? "forced command: the bash user is in the cage" || diag "$out"
out=$(sshf bash 2>&1)
[ $? = 126 ]
ok $? "forced command: ssh host bash is refused"
out=$(ssh -T $sshopts -p "$port" -i "$work/ssh/forced" "$ub@127.0.0.1" </dev/null 2>&1)
st=$?
[ $st = 1 ] && printf '%s\n' "$out" | grep -q 'no interactive login'
ok $? "forced command: a login without a command is refused (interactive = false)"
out=$(ssh $sshopts -p "$port" -i "$work/ssh/key" "$ub@127.0.0.1" 'echo $0' 2>&1)
[ "$out" = bash ]
ok $? "the same user's other key still gets bash (no command=)"

# bash reads ~/.bashrc from the passwd home before it runs cagesh: with
# a home the user can write, that runs the user's code outside the cage.
chown "$ub:$ub" "$work/home-$ub"
echo 'touch /tmp/cagesh-e2e-bashrc-ran' > "$work/home-$ub/.bashrc"
chown "$ub:$ub" "$work/home-$ub/.bashrc"
rm -f /tmp/cagesh-e2e-bashrc-ran
out=$(sshf 'pwd' 2>&1)
st=$?
[ $st = 1 ] && printf '%s\n' "$out" | grep -q 'login shell runs files the user can write' &&
    tail -n 1 "$log" | grep -q '"event":"session_refused".*can write its passwd home'
ok $? "forced command with a user-writable passwd home is refused" ||
    diag "exit $st: $out" "$(tail -n 1 "$log")"
out=$("$CAGESH" --check-config "$conf_path" 2>&1)
[ $? = 1 ] && printf '%s\n' "$out" | grep -q "can write its passwd home"
ok $? "and --check-config reports that layout" || diag "$out"
rm -f "$work/home-$ub/.bashrc" /tmp/cagesh-e2e-bashrc-ran
chown root:root "$work/home-$ub"

done_testing
