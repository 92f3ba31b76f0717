#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 15, git over ssh from the cage with the agent sshd forwarded:
# real setuid sessions in a cage cagesh-jail builds from the shipped
# capistrano profile, a second sshd on 127.0.0.1 serving a repository,
# and the deploy user's own ssh-agent on the host holding the only key
# that remote accepts (as sshd's forwarding would give it).  The ssh in
# the cage reaches it through the monitor's relay; a profile without
# ssh_agent, a process of the user outside the session, and requests
# other than signing get nothing.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

. "$top_srcdir/tests/e2e-setup.sh"
caged_test_begin cagesh-agent git ssh ssh-agent ssh-add ssh-keygen \
    ssh-keyscan /usr/sbin/sshd python3 setpriv useradd timeout
caged_test_user cga$$
g=cgr$$
e2e_user "$g" /bin/sh || exit 1
grep -q 'ssh_agent = true;' "$conf_path"
ok $? "the shipped capistrano profile forwards the agent (ssh_agent = true)"
out=$("$CAGESH_JAIL" --config "$conf_path" init --cage "$cage" 2>&1)
ok $? "cagesh-jail init builds the cage" || diag "$out"
[ -x "$cage/usr/bin/ssh" ]
ok $? "ssh is in the cage" || diag "$(ls -l "$cage/usr/bin" | head)"

# The remote: a repository served by a second sshd, to $g, by key only.
e2e_app_src || exit 1
git clone -q --bare "$work/src" "$work/home-$g/app.git"
chown -R "$g:$g" "$work/home-$g/app.git"
mkdir -p "$work/ssh" "$work/ak"
e2e_key deploy || exit 1
e2e_authorize "$g" deploy || exit 1
e2e_sshd || exit 1
e2e_track_pid "$(cat "$work/ssh/sshd.pid")"
ok 0 "sshd for the remote listens on 127.0.0.1:$port"
# The remote's host key, where the line cannot change it: the programs'
# home (program_home, root's), whose .ssh the cage's passwd names.
ph=$cage/etc/cagesh/home
mkdir -p "$ph/.ssh" && chmod 755 "$ph/.ssh"
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$work/ssh/host.pub")" \
    > "$ph/.ssh/known_hosts"
chmod 644 "$ph/.ssh/known_hosts"

# The user's agent on the host, as sshd's forwarding leaves it: a socket
# of the user's in a directory of the user's.
mkdir -m 700 "$work/agent" && chown "$u:$u" "$work/agent"
agent=$work/agent/sock
setpriv --reuid="$u" --regid="$gid" --init-groups \
    ssh-agent -a "$agent" > "$work/agent.env" 2>&1
apid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' "$work/agent.env")
[ -n "$apid" ] && e2e_track_pid "$apid"
cp "$work/ssh/deploy" "$work/agent/key" && chown "$u:$u" "$work/agent/key"
SSH_AUTH_SOCK=$agent setpriv --reuid="$u" --regid="$gid" --init-groups \
    ssh-add -q "$work/agent/key" 2>/dev/null
SSH_AUTH_SOCK=$agent setpriv --reuid="$u" --regid="$gid" --init-groups \
    ssh-add -l >/dev/null 2>&1
ok $? "the user's agent on the host holds the deploy key" ||
    diag "$(cat "$work/agent.env")"
rm -f "$work/agent/key"

url="ssh://$g@127.0.0.1:$port$work/home-$g/app.git"
run() {	# run LINE [SOCK]: a session as the user; sets out, st
	(cd / && SSH_AUTH_SOCK=${2-$agent} timeout 60 setpriv --reuid="$u" \
	    --regid="$gid" --init-groups "$bin" -c "$1" > "$work/out" 2>&1 \
	    </dev/null)
	st=$?
	out=$(cat "$work/out")
}
head=$(git -C "$work/src" rev-parse main)

run "git ls-remote $url"
[ $st = 0 ] && printf '%s\n' "$out" | grep -q "^$head"
ok $? "git ls-remote over ssh from the cage signs with the forwarded agent" ||
    diag "exit $st: $out"
run "git clone --mirror $url $home/repo"
[ $st = 0 ] && [ "$(git -c safe.directory='*' -C "$cage$home/repo" \
    rev-parse main 2>/dev/null)" = "$head" ]
ok $? "git clone --mirror over ssh (Capistrano's first step)" ||
    diag "exit $st: $out"
ls "$cage/tmp" | grep -q '^cagesh-agent-'
ok $((! $?)) "the relay's socket is gone when the session has ended" ||
    diag "$(ls -la "$cage/tmp")"

run "git ls-remote $url" ""
[ $st != 0 ] && printf '%s\n' "$out" | grep -qi 'permission denied'
ok $? "without a forwarded agent: no key, no access" || diag "exit $st: $out"

# While a session runs, its socket serves its own processes only: the
# same user, from outside the session, is turned away.
# The session reads the fifo (it opens when the test does, below): it
# runs until the test closes its end.
mkfifo "$work/fifo" && chown "$u:$u" "$work/fifo"
(cd / && SSH_AUTH_SOCK=$agent exec setpriv --reuid="$u" --regid="$gid" \
    --init-groups "$bin" -c "cat" < "$work/fifo" > /dev/null 2>&1) &
spid=$!
e2e_track_pid "$spid"
exec 7> "$work/fifo"
for i in $(seq 50); do
	s=$(ls "$cage/tmp" | grep '^cagesh-agent-' | head -n 1)
	[ -n "$s" ] && break
	sleep 0.1
done
[ -n "$s" ]
ok $? "a running session has its relay socket in the cage's /tmp" ||
    diag "$(ls -la "$cage/tmp")"
[ "$(stat -c %U "$cage/tmp/$s")" = root ]
ok $? "the socket is root's (the user cannot remove or replace it)"
out=$(SSH_AUTH_SOCK=$cage/tmp/$s timeout 10 setpriv --reuid="$u" \
    --regid="$gid" --init-groups ssh-add -l 2>&1)
st=$?
[ $st != 0 ] && ! printf '%s\n' "$out" | grep -q ED25519
ok $? "the same user outside the session gets nothing from it" ||
    diag "exit $st: $out"
out=$(SSH_AUTH_SOCK=$cage/tmp/$s timeout 10 ssh-add -l 2>&1)
[ $? != 0 ] && ! printf '%s\n' "$out" | grep -q ED25519
ok $? "nor does root" || diag "$out"
exec 7>&-
wait "$spid"

# A profile without ssh_agent: no relay, no SSH_AUTH_SOCK in the cage.
sed -i 's/ssh_agent = true;/ssh_agent = false;/' "$conf_path"
run "git ls-remote $url"
[ $st != 0 ] && printf '%s\n' "$out" | grep -qi 'permission denied'
ok $? "with ssh_agent = false the forwarded agent is not reachable" ||
    diag "exit $st: $out"
sed -i 's/ssh_agent = false;/ssh_agent = true;/' "$conf_path"

done_testing
