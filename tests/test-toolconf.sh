#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 13, layer 3, "The tools' own config cannot name programs": real
# setuid sessions of a hostile caged user in a cage cagesh-jail builds
# from the shipped capistrano profile.  With only what the profile allows
# (echo redirections, ln -s, mkdir, files as scp -t leaves them), the
# user writes config that git, svn and ssh read, and runs the allowed
# line that would make the tool start a program of that config's
# choosing; the marker that program would leave never appears, while the
# line itself still does its work.  Each vector names what closes it
# (README, TOOLS' CONFIG).  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

. "$top_srcdir/tests/e2e-setup.sh"
caged_test_begin cagesh-toolconf git svn svnadmin ssh python3 setpriv \
    useradd script timeout ldd
caged_test_user cgk$$
out=$("$CAGESH_JAIL" --config "$conf_path" init --cage "$cage" 2>&1)
ok $? "cagesh-jail init builds the cage from the shipped profile" ||
    diag "$out"
H=$cage$home

# What the deploy reads: the repository, a second one for alternates, an
# svn repository; all the user's, as the README's recipe has it.
e2e_app_src || exit 1
src=$work/src
git clone -q --bare "$src" "$cage/srv/repo.git"
git clone -q --bare "$src" "$cage/srv/alt.git"
svnadmin create "$cage/srv/svnrepo"
chown -R "$u:$u" "$cage/srv/repo.git" "$cage/srv/alt.git" "$cage/srv/svnrepo"
# ssh is not in the shipped cage yet (deploy keys for git over ssh will
# bring it): put it there, as that will.
cage_programs "$cage" "$(command -v ssh)" || exit 1

# run LINE: one session as the user; sets $out (stdout and stderr), $st
run() {
	(cd / && timeout 60 setpriv --reuid="$u" --regid="$gid" \
	    --init-groups "$bin" -c "$1" > "$work/out" 2>&1 </dev/null)
	st=$?
	out=$(tr -d '\000' < "$work/out")
}
# run_tty LINE: the same with stdout and stderr on a terminal
run_tty() {
	local cmd
	cmd=$(printf 'timeout 60 setpriv --reuid=%q --regid=%q %s %q -c %q' \
	    "$u" "$gid" --init-groups "$bin" "$1")
	(cd / && script -qec "$cmd" /dev/null > "$work/out" 2>&1 </dev/null)
	st=$?
	out=$(tr -d '\000\r' < "$work/out")
}
why() {
	diag "$@" "line exit $st, output:" "$out" \
	    "in the cage's /tmp: $(ls "$cage/tmp" | tr '\n' ' ')"
}
# upload PATH: stdin becomes PATH in the cage, the user's, as scp -t
# leaves an upload; append PATH: stdin added to the user's file PATH
upload() {
	cat > "$cage$1" && chown "$u:$u" "$cage$1"
}
append() {
	cat >> "$cage$1"
}
# new_commit: the source moves on, so that a fetch has something to do
new_commit() {
	echo "$RANDOM" >> "$src/index.html"
	git -C "$src" -c user.name=t -c user.email=t@t commit -qam next &&
	chown -R root:root "$cage/srv/repo.git" &&
	git -C "$src" push -q "$cage/srv/repo.git" main &&
	chown -R "$u:$u" "$cage/srv/repo.git"
}
head_of() {	# head_of REPO: its main, as root reads it
	git -c safe.directory='*' -C "$1" rev-parse main 2>/dev/null
}
fetched() {	# fetched REPO: its main is the source's
	[ "$(head_of "$1")" = "$(head_of "$src")" ]
}
marker() {	# marker NAME: no such file in the cage's /tmp
	[ ! -e "$cage/tmp/$1" ]
}
mirror() {	# mirror NAME: Capistrano's mirror, made by the user
	run "git clone --mirror /srv/repo.git $home/$1"
	[ $st = 0 ] || why "git clone --mirror into $home/$1"
}

# --- the line still works: Capistrano's git commands, svn, git's server
run "git ls-remote /srv/repo.git HEAD"
[ $st = 0 ] && printf '%s\n' "$out" | grep -q "$(head_of "$src")"
ok $? "git ls-remote of the repository works" || why "ls-remote"
mirror repo
new_commit
run "cd $home/repo && git remote set-url origin /srv/repo.git &&
    git remote update --prune"
[ $st = 0 ] && fetched "$H/repo"
ok $? "git remote update --prune in the mirror fetches" || why "update"
run "cd $home/repo && mkdir -p $home/rel &&
    git archive main | tar -x -f - -C $home/rel"
[ $st = 0 ] && [ -f "$H/rel/index.html" ]
ok $? "git archive | tar -x makes a release" || why "archive"
run "svn info --non-interactive file:///srv/svnrepo"
[ $st = 0 ] && printf '%s\n' "$out" | grep -q '^Revision: 0'
ok $? "svn info of the svn repository works" || why "svn info"
run "git-upload-pack --advertise-refs '~/repo'"
[ $st = 0 ] && printf '%s\n' "$out" | grep -q 'refs/heads/main'
ok $? "git-upload-pack '~/repo': ~ is the entry's home" || why "upload-pack"

# --- git: protocols (ext:: runs its URL through the shell)
rm -f "$cage/tmp/tc-ext1"
run "echo '[protocol \"ext\"]' > ~/.gitconfig;
    echo 'allow = always' >> ~/.gitconfig"
[ $st = 0 ] || why "writing ~/.gitconfig"
run "git ls-remote 'ext::sh -c touch% /tmp/tc-ext1'"
marker tc-ext1 && printf '%s\n' "$out" | grep -q "transport 'ext' not allowed"
ok $? "~/.gitconfig protocol.ext.allow: ext:: is still refused" || why "ext"
rm -f "$H/.gitconfig"

mirror r-ext
rm -f "$cage/tmp/tc-ext2"
append "$home/r-ext/config" <<'EOF'
[protocol "ext"]
	allow = always
[remote "x"]
	vcs = ext
	url = sh -c touch% /tmp/tc-ext2
EOF
run "cd $home/r-ext && git fetch x"
marker tc-ext2 && printf '%s\n' "$out" | grep -q "transport 'ext' not allowed"
ok $? "the repository's protocol.ext.allow and remote.x.vcs = ext: refused" ||
    why "ext2"

# --- git: protected config from ~/.gitconfig (upload-pack's hook)
mirror r-poh
rm -f "$cage/tmp/tc-poh"
upload "$home/.gitconfig" <<'EOF'
[uploadpack]
	packObjectsHook = "touch /tmp/tc-poh #"
EOF
new_commit
run "cd $home/r-poh && git remote update --prune"
marker tc-poh && [ $st = 0 ] && fetched "$H/r-poh"
ok $? "~/.gitconfig uploadpack.packObjectsHook: not run by the fetch" ||
    why "packObjectsHook"
# git's server side, as sshd starts it for a client's git clone
# host:~/repo: its HOME is the entry's home (~/repo is found there),
# and still it reads no ~/.gitconfig.
cat > "$work/ssh-as-user" <<EOF
#!/bin/sh
shift \$((\$# - 1))
exec timeout 60 setpriv --reuid=$u --regid=$gid --init-groups $bin -c "\$1"
EOF
chmod 755 "$work/ssh-as-user"
rm -f "$cage/tmp/tc-poh"
out=$(cd "$work" && GIT_SSH_COMMAND="$work/ssh-as-user" GIT_SSH_VARIANT=simple \
    git clone -q "ssh://h/~/repo" "$work/poh-clone" 2>&1)
st=$?
marker tc-poh && [ $st = 0 ] && [ -f "$work/poh-clone/index.html" ]
ok $? "git-upload-pack '~/repo' (entry_home) reads no ~/.gitconfig either" ||
    why "packObjectsHook, server side"
rm -f "$H/.gitconfig"

# --- git: hooks.  A user's script would not run (Landlock), but a hook
# may be a link to /bin/sh, which then reads a file the user wrote.
mirror r-hook
rm -f "$cage/tmp/tc-hook"
run "cd $home/r-hook && ln -s /bin/sh hooks/reference-transaction &&
    echo 'touch /tmp/tc-hook' > prepared"
[ $st = 0 ] || why "planting the hook"
new_commit
run "cd $home/r-hook && git remote update --prune"
marker tc-hook && [ $st = 0 ] && fetched "$H/r-hook"
ok $? "a hook linked to /bin/sh in the mirror: not run by the fetch" ||
    why "hook"
# the pins are the profile's: a line's own value is dropped
new_commit
run "cd $home/r-hook && GIT_CONFIG_COUNT=0 git remote update --prune"
marker tc-hook && [ $st = 0 ] && fetched "$H/r-hook"
ok $? "and GIT_CONFIG_COUNT=0 on the line does not undo it" || why "count"

# --- git: core.fsmonitor of a work tree
run "git clone -q /srv/repo.git $home/wt"
rm -f "$cage/tmp/tc-fsm"
run "cd $home/wt && echo '[core]' >> .git/config &&
    echo 'fsmonitor = touch /tmp/tc-fsm' >> .git/config"
new_commit
run "cd $home/wt && git fetch --prune"
marker tc-fsm && [ $st = 0 ]
ok $? "core.fsmonitor of a work tree: not run by git fetch" || why "fsmonitor"

# --- git: core.alternateRefsCommand, with alternates the user wrote
mirror r-alt
rm -f "$cage/tmp/tc-alt"
run "cd $home/r-alt && echo /srv/alt.git/objects > objects/info/alternates &&
    echo '[core]' >> config &&
    echo 'alternateRefsCommand = touch /tmp/tc-alt' >> config"
new_commit
run "cd $home/r-alt && git remote update --prune"
marker tc-alt && [ $st = 0 ] && fetched "$H/r-alt"
ok $? "core.alternateRefsCommand: not run by the fetch" || why "alternates"

# --- git: what the repository's config hands the shell.  For a remote on
# a local path git runs sh -c "UPLOADPACK 'PATH'", and no later setting
# can pin remote.<name>.uploadpack (git keeps the first value) for every
# name; filter drivers with a shell character run through sh too.  The
# cage's /bin/sh is cagesh-sh: it runs git's transports and nothing else.
cmp -s "$cage/bin/sh" "$top_builddir/cagesh-sh"
ok $? "the cage's /bin/sh is cagesh-sh, not a shell" ||
    diag "$(ls -l "$cage/bin/sh" "$cage/usr/bin/sh" 2>&1)"
upload "$home/tc-up.sh" <<'EOF2'
touch /tmp/tc-up
EOF2
cp "$(command -v touch)" "$H/tc-prog" && chown "$u:$u" "$H/tc-prog" &&
    chmod 755 "$H/tc-prog"
mirror r-up
rm -f "$cage/tmp/tc-up"
append "$home/r-up/config" <<EOF2
[remote "origin"]
	uploadpack = sh $home/tc-up.sh
[remote "other"]
	url = /srv/repo.git
	uploadpack = sh -c 'touch /tmp/tc-up' -
	fetch = +refs/heads/*:refs/other/*
[remote "third"]
	url = /srv/repo.git
	uploadpack = $home/tc-prog /tmp/tc-up
EOF2
new_commit
run "cd $home/r-up && git remote update --prune"
marker tc-up && printf '%s\n' "$out" | grep -q "sh: refused"
ok $? "remote.<name>.uploadpack in the mirror: no script, no program, any remote" ||
    why "uploadpack"
# The usual remote still fetches: cagesh-sh runs git's own transport.
git config -f "$H/r-up/config" --unset-all remote.origin.uploadpack
run "cd $home/r-up && git fetch origin"
[ $st = 0 ] && fetched "$H/r-up"
ok $? "the same mirror without the planted value fetches" || why "fetch after"

mirror r-filt
rm -f "$cage/tmp/tc-up" "$cage/tmp/tc-filt"
run "cd $home/r-filt && echo '* filter=x' > info/attributes &&
    echo '[filter \"x\"]' >> config &&
    echo 'smudge = sh $home/tc-up.sh' >> config &&
    echo '[filter \"y\"]' >> config && echo 'smudge = sh' >> config"
[ $st = 0 ] || why "planting the filter"
run "cd $home/r-filt && mkdir -p $home/rel-f &&
    git archive main | tar -x -f - -C $home/rel-f"
marker tc-up
ok $? "a filter driver of the mirror: git archive runs no script" ||
    why "filter"
run "cd $home/r-filt && echo '* filter=y' > info/attributes &&
    rm -rf $home/rel-f && mkdir -p $home/rel-f &&
    git archive main | tar -x -f - -C $home/rel-f"
marker tc-up
ok $? "a filter driver that is sh alone (reads the file as its script): refused" ||
    why "filter sh"

# --- git: the ssh command and the git:// proxy
mirror r-ssh
rm -f "$cage/tmp/tc-sshcmd"
printf '[core]\n\tsshCommand = touch /tmp/tc-sshcmd\n' |
    append "$home/r-ssh/config"
run "cd $home/r-ssh && git ls-remote ssh://tc-nohost/x"
marker tc-sshcmd && printf '%s\n' "$out" | grep -q tc-nohost
ok $? "core.sshCommand: git runs ssh, not the config's command" ||
    why "sshCommand"

mirror r-proxy
printf '[core]\n\tgitProxy = /usr/bin/touch\n' | append "$home/r-proxy/config"
run "cd $home/r-proxy && git ls-remote git://tc-proxied/x"
[ ! -e "$H/r-proxy/tc-proxied" ] && printf '%s\n' "$out" | grep -q tc-proxied
ok $? "core.gitProxy: git:// connects itself, runs no proxy" ||
    why "gitProxy" "in $home/r-proxy: $(ls "$H/r-proxy" | tr '\n' ' ')"

# --- git: credentials, for a server that asks (HTTP 401)
cat > "$work/401.py" <<'PY'
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="t"')
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$work/401.py" > "$work/401.port" &
e2e_track_pid $!
for i in $(seq 1 50); do [ -s "$work/401.port" ] && break; sleep 0.1; done
port=$(cat "$work/401.port")
url=http://127.0.0.1:$port
mirror r-cred
rm -f "$cage/tmp/tc-cred"
append "$home/r-cred/config" <<EOF
[credential "$url"]
	helper = "!touch /tmp/tc-cred"
EOF
run "cd $home/r-cred && git ls-remote $url/x"
marker tc-cred && printf '%s\n' "$out" | grep -q 'could not read Username'
ok $? "credential.<url>.helper: no helper runs" || why "credential"

mirror r-askpass
printf '[core]\n\taskPass = /usr/bin/touch\n' |
    append "$home/r-askpass/config"
# the prompt "Username for 'http://...': " is the name askpass gets
run "mkdir -p \"$home/r-askpass/Username for 'http:\""
run "cd $home/r-askpass && GIT_ASKPASS=/bin/echo git ls-remote $url/x"
[ -z "$(ls -A "$H/r-askpass/Username for 'http:")" ] &&
    printf '%s\n' "$out" | grep -q 'could not read Username'
ok $? "core.askPass (and the line's GIT_ASKPASS): no askpass runs" ||
    why "askPass" "made by askpass: $(ls "$H/r-askpass/Username for 'http:")"

# --- git: the pager, on a terminal
mirror r-pager
rm -f "$cage/tmp/tc-pager"
append "$home/r-pager/config" <<'EOF'
[pager]
	rev-list = "touch /tmp/tc-pager; cat"
[core]
	pager = "touch /tmp/tc-pager; cat"
EOF
run_tty "cd $home/r-pager && git rev-list --max-count=1 main"
marker tc-pager && printf '%s\n' "$out" | grep -q "$(head_of "$H/r-pager")"
ok $? "pager.rev-list and core.pager on a terminal: no pager runs" ||
    why "pager"

# --- svn: tunnels of ~/.subversion/config
rm -f "$cage/tmp/tc-svn"
run "mkdir -p ~/.subversion"
upload "$home/.subversion/config" <<'EOF'
[tunnels]
evil = /bin/sh -c 'touch /tmp/tc-svn'
EOF
run "svn info --non-interactive svn+evil://tc/x"
marker tc-svn && printf '%s\n' "$out" | grep -q "evil"
ok $? "~/.subversion/config [tunnels]: svn+evil:// runs nothing" || why "svn"
rm -rf "$H/.subversion"

# --- ssh (git over ssh): ~/.ssh/config
rm -f "$cage/tmp/tc-ssh"
run "mkdir -p ~/.ssh"
upload "$home/.ssh/config" <<'EOF'
Host *
	ProxyCommand touch /tmp/tc-ssh
EOF
run "git ls-remote ssh://tc-nohost/x"
marker tc-ssh && printf '%s\n' "$out" | grep -q tc-nohost
ok $? "~/.ssh/config ProxyCommand: ssh from git reads the admin's config" ||
    why "ssh"
rm -rf "$H/.ssh"

# --- the programs' home is checked when a session starts
ph=$cage/etc/cagesh/home
[ -d "$ph" ] && [ "$(stat -c %u:%a "$ph")" = 0:755 ]
ok $? "cagesh-jail made the programs' home, root's, 0755" ||
    diag "$(ls -ld "$ph" 2>&1)"
grep -q "^$u:x:[0-9]*:[0-9]*:[^:]*:/etc/cagesh/home:/bin/false\$" \
    "$cage/etc/passwd"
ok $? "the cage's passwd gives it as the user's home (ssh reads that)" ||
    diag "$(cat "$cage/etc/passwd")"
refused() {	# refused WHAT: the last session did not start, for WHAT
	[ $st = 1 ] && printf '%s\n' "$out" | grep -q '^cagesh: ' &&
	    tail -n 1 "$log" | grep -q "\"session_refused\".*$1"
}
chown "$u" "$ph"
run "pwd"
refused "program_home /etc/cagesh/home: not owned by root"
ok $? "a programs' home the user owns: no session" ||
    why "user-owned" "$(tail -n 1 "$log")"
chown root "$ph"
chmod 775 "$ph"
run "pwd"
refused "program_home /etc/cagesh/home: writable by group or others"
ok $? "a programs' home group-writable: no session" ||
    why "group-writable" "$(tail -n 1 "$log")"
chmod 755 "$ph"
mv "$ph" "$ph.x"
ln -s home.x "$ph"
run "pwd"
refused "program_home /etc/cagesh/home: not a directory"
ok $? "a programs' home that is a symlink: no session" ||
    why "symlink" "$(tail -n 1 "$log")"
rm "$ph"
run "pwd"
refused "program_home /etc/cagesh/home: No such file"
ok $? "no programs' home: no session" || why "missing" "$(tail -n 1 "$log")"
mv "$ph.x" "$ph"
run "pwd"
[ $st = 0 ] && [ "$out" = "$home" ]
ok $? "and with it back, sessions start again" || why "back"

# --- tar -cz (Capistrano's rollback archive) gives cagesh-sh "gzip"
run "cd $home && tar -c -z -f $home/rel.tar.gz rel && tar -t -z -f rel.tar.gz"
[ $st = 0 ] && printf '%s\n' "$out" | grep -q 'rel/index.html'
ok $? "tar -c -z and tar -t -z work with cagesh-sh as /bin/sh" || why "tar -z"

# --- what reaches the client's terminal: a name with U+011B (c4 9b) is
# a letter in UTF-8, a letter and CSI on an 8-bit terminal
name=$(printf 'x\304\233[2Jy')
LANG=C.UTF-8 run "cd /nonexistent-$name"
printf '%s' "$out" | grep -q "$(printf 'x\304\233')"
ok $? "LANG UTF-8: the letter is shown as it is" || why "utf-8"
LANG= run "cd /nonexistent-$name"
printf '%s' "$out" | grep -qF 'x\xc4\x9b[2Jy' &&
    ! printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\233')"
ok $? "no UTF-8 locale: every byte >= 0x80 is shown as \\xHH" || why "8-bit"

# --- tar, scp and rsync: options that name a program are the policy's
for line in 'tar -x --to-command=sh -f a.tar' 'tar -x -I sh -f a.tar' \
    'tar -x --use-compress-program=sh -f a.tar' 'tar xIf sh a.tar' \
    'tar -x -F sh -f a.tar' 'tar -x --info-script=sh -f a.tar' \
    'tar -x --new-volume-script=sh -f a.tar' 'tar -x --rsh-command=sh -f h:a' \
    'tar -x --checkpoint=1 --checkpoint-action=exec=sh -f a.tar' \
    'scp -S /bin/sh -t /tmp' 'scp -o ProxyCommand=sh -t /tmp' \
    'rsync -e sh . h:/tmp' 'rsync --server -e sh . /tmp' \
    'rsync --server --rsh=sh . /tmp' 'rsync --server --rsync-path=sh . /tmp' \
    'svn info --config-dir /tmp file:///srv/svnrepo' \
    'svn info --config-option config:tunnels:x=sh file:///srv/svnrepo' \
    'git -c core.pager=sh ls-remote /srv/repo.git' \
    'git ls-remote --upload-pack=sh /srv/repo.git' \
    'git clone -u sh /srv/repo.git /tmp/x' \
    'git clone --template=/tmp/t /srv/repo.git /tmp/x' \
    'git --exec-path=/tmp ls-remote /srv/repo.git' \
    'GIT_SSH_COMMAND=sh git ls-remote /srv/repo.git' \
    'HOME=/tmp svn info file:///srv/svnrepo'; do
	o=$("$CAGESH" --config "$conf_path" --explain "$u" -- "$line" 2>&1)
	[ $? = 1 ] && printf '%s\n' "$o" | grep -q '^deny: '
	ok $? "denied: $line" || diag "$o"
done
# a line's value for a pinned name is dropped, not refused (Capistrano
# exports GIT_ASKPASS and GIT_SSH for every git command)
line='( export GIT_ASKPASS="/bin/echo" GIT_SSH="/tmp/git-ssh.sh" ;'
line="$line /usr/bin/env git ls-remote /srv/repo.git HEAD )"
o=$("$CAGESH" --config "$conf_path" --explain "$u" -- "$line" 2>&1)
ok $? "Capistrano's export GIT_ASKPASS GIT_SSH is allowed, values dropped" ||
    diag "$o"

done_testing
