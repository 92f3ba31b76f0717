#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Capture the lines that Capistrano 3 with the usual Rails plugins sends
# to a login shell (tests/rails/README says how and why).  As root:
#
#	tests/rails/capture.sh [SCENARIO...]	(default: every scenario)
#
# Each scenario is a real `cap production TASK` run, per task in
# scenarios/NAME/conf, of Debian's capistrano (3.17.2), or of it with
# the 3.20.0 core lib first on RUBYLIB, with the plugins' own lib/ dirs
# (taken from git mirrors at the commits below) on RUBYLIB, against
# sshd on 127.0.0.1 whose user "deploy" has logsh as its login shell.
# It writes corpus/NAME.lines, and cap's output in caplogs/NAME.log.
#
# Everything runs in a private mount namespace: /etc /home /opt /srv
# /tmp /usr /var are overlays there, so the user, its home, deploy_to,
# /srv/repo.git, the stand-ins (standin/) in /usr/local/bin, /bin and
# the rbenv roots exist only for this run; nothing outside the work dir
# (/run/cagesh-corpus.*, removed at the end) changes on the host.
#
# MIRROR: a directory of bare git repositories named OWNER+NAME/repo
# (what the `fetch` tool gives under /work/.mirror; `git clone --bare
# https://github.com/OWNER/NAME MIRROR/OWNER+NAME/repo` makes the same).
set -u
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
here=$(cd "$(dirname "$0")" && pwd)
mirror=${MIRROR:-/work/.mirror}
out=${CORPUS_OUT:-$here/corpus}
caplogs=${CORPUS_CAPLOGS:-$here/caplogs}
uid=64123	# the throwaway user's uid, checked unused below

die() { echo "capture.sh: $*" >&2; exit 1; }

# name		repository			tag	commit
sources="
cap-3.20.0	capistrano/capistrano		v3.20.0	f9e932c5976cc0c58d363c99108484d7fe843244
bundler		capistrano/bundler		v2.1.1	0a5b9dda84b53985743aa12210c6c62465f1f98d
rails		capistrano/rails		v1.7.0	8814aefd6ea974a12911fb83248e70a46b631d82
passenger	capistrano/passenger		v0.2.1	a3b6a038ffa321dc2d391dfeb33f99cb668229a7
puma5		seuros/capistrano-puma		v5.2.0	f9801f6762d152c5d9da18ce726c7561cc4f9a8b
puma6		seuros/capistrano-puma		v6.2.0	73aebc9c82cda11b2719ce7fa0822010082f4678
puma7		seuros/capistrano-puma		v7.1.0	cf0f3fe18f5a339dafe98af0789987ddac374b83
rbenv		capistrano/rbenv		v2.2.0	1fdb93a6dd4a4ab3fb786c995055cf6949daf7a4
sidekiq2	seuros/capistrano-sidekiq	v2.3.1	8c979187c642f13c4ab6fa5fc6d6db2c42c0fb7c
sidekiq3	seuros/capistrano-sidekiq	v3.0.0	d73ad3c66ab60e549e0533fc3397f5e4bfb45eaf
"

[ "$(id -u)" = 0 ] || die "run as root (it makes a user and an sshd in a mount namespace)"
for t in unshare mount /usr/sbin/sshd ssh-keygen ssh-agent ssh-add cap git \
    python3 useradd groupadd; do
	command -v $t >/dev/null || die "needs $t"
done

if [ "${CORPUS_IN_NS:-}" != 1 ]; then
	CORPUS_IN_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

scenarios=$*
[ -n "$scenarios" ] || scenarios=$(cd "$here/scenarios" && ls)
for s in $scenarios; do
	[ -f "$here/scenarios/$s/conf" ] || die "no scenario $s (scenarios/$s/conf)"
done
getent passwd $uid >/dev/null && die "uid $uid is taken; change uid= in $0"
getent passwd deploy >/dev/null && die "a user deploy exists; this needs the name"
[ -z "$(ps -o pid= -u $uid)" ] && [ -z "$(ps -o pid= -U $uid)" ] ||
    die "processes run as uid $uid"

work=$(mktemp -d /run/cagesh-corpus.XXXXXX) || die "mktemp failed"
chmod 755 "$work"
agent_pid=
cleanup() {
	local p d
	[ -f "$work/ssh/sshd.pid" ] && kill "$(cat "$work/ssh/sshd.pid")" 2>/dev/null
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	for p in $(ps -o pid= -u $uid -U $uid); do kill "$p" 2>/dev/null; done
	sleep 0.2
	for d in etc home opt srv tmp usr var; do umount -l "/$d" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

# --- the plugins' lib/ at the pinned commits
mkdir -p "$work/src"
while read -r name repo tag commit; do
	[ -n "$name" ] || continue
	g=$mirror/${repo%%/*}+${repo#*/}/repo
	[ -d "$g" ] || die "no mirror of $repo at $g (fetch github:$repo)"
	c=$(git --git-dir="$g" rev-parse -q --verify "refs/tags/$tag^{commit}") ||
	    die "$repo has no tag $tag"
	[ "$c" = "$commit" ] || die "$repo $tag is $c, expected $commit"
	mkdir -p "$work/src/$name"
	git --git-dir="$g" archive "$commit" lib | tar -x -C "$work/src/$name" ||
	    die "cannot extract $repo $tag"
done <<EOF
$sources
EOF

# --- the namespace's overlays (upper layers in $work)
for d in etc home opt srv tmp usr var; do
	mkdir -p "$work/ovl/$d/up" "$work/ovl/$d/wk"
	# The merged root takes its mode from the upper dir (/tmp: 1777).
	chmod --reference="/$d" "$work/ovl/$d/up" &&
	    chown --reference="/$d" "$work/ovl/$d/up" || die "cannot set up /$d"
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$work/ovl/$d/up,workdir=$work/ovl/$d/wk" "/$d" ||
	    die "cannot overlay /$d"
done

# --- the server side: user, login shell, stand-ins, rbenv roots, repo
mkdir -p "$work/bin" "$work/log" "$work/ssh" "$work/ak" /run/sshd
sed "s|@LOG@|$work/log|" "$here/logsh" > "$work/bin/logsh"
chmod 755 "$work/bin/logsh"
# The lock files are the host's (other root jobs may be adding users).
for i in 1 2 3 4 5 6 7 8 9 10; do
	getent group deploy >/dev/null || groupadd -g $uid deploy 2>/dev/null
	getent passwd deploy >/dev/null || useradd -u $uid -g $uid -M -K UID_MAX=$uid \
	    -d /home/deploy -s "$work/bin/logsh" deploy 2>/dev/null
	getent passwd deploy >/dev/null && break
	sleep 1
done
getent passwd deploy >/dev/null || die "cannot make the user deploy"
usermod -p '*' deploy	# sshd (UsePAM no) refuses a '!' account
chown deploy: "$work/log"
for f in "$here"/standin/*; do
	install -m 755 "$f" /usr/local/bin/
done
install -m 755 "$here/standin/sidekiq" /usr/local/bin/sidekiqctl
# Plugins name /bin/systemctl itself (puma 6+, sidekiq 3).
install -m 755 "$here/standin/systemctl" /usr/bin/systemctl
install -m 755 "$here/standin/loginctl" /usr/bin/loginctl
for r in /usr/local/rbenv /opt/rbenv; do
	mkdir -p $r/bin $r/versions/3.2.2/bin
	install -m 755 "$here/standin/rbenv" $r/bin/rbenv
done
# The stand-in sudo runs as deploy: let its mv into the unit dir work.
mkdir -p /etc/systemd/system && chown deploy: /etc/systemd/system

git init -q -b main "$work/appsrc"
(
	cd "$work/appsrc" || exit 1
	mkdir -p config/environments db/migrate app/assets/config public bin
	printf 'source "https://rubygems.org"\ngem "rails", "~> 7.1"\ngem "puma"\ngem "sidekiq"\n' > Gemfile
	printf 'GEM\n  remote: https://rubygems.org/\n  specs:\n\nBUNDLED WITH\n   2.4.22\n' > Gemfile.lock
	printf 'require_relative "config/application"\nRails.application.load_tasks\n' > Rakefile
	printf 'require_relative "config/environment"\nrun Rails.application\n' > config.ru
	printf 'module App; class Application < Rails::Application; end; end\n' > config/application.rb
	printf 'Rails.application.configure { }\n' > config/environments/production.rb
	printf ':concurrency: 5\n:queues:\n  - default\n' > config/sidekiq.yml
	printf 'class CreateThings < ActiveRecord::Migration[7.1]\n  def change; create_table :things; end\nend\n' \
	    > db/migrate/20240101000000_create_things.rb
	printf '//= link_tree ../images\n' > app/assets/config/manifest.js
	printf '<h1>404</h1>\n' > public/404.html
	git add -A && git -c user.name=t -c user.email=t@t commit -qm init
) || die "cannot make the app repository"
mkdir -p /srv && git clone -q --bare "$work/appsrc" /srv/repo.git &&
    chown -R deploy: /srv/repo.git || die "cannot make /srv/repo.git"

# --- sshd on 127.0.0.1, the client's key in an agent (forward_agent)
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/key" || die "ssh-keygen"
cp "$work/ssh/key.pub" "$work/ak/deploy" && chmod 644 "$work/ak/deploy"
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/host" || die "ssh-keygen"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/ssh/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/ssh/host
PidFile $work/ssh/sshd.pid
AuthorizedKeysFile $work/ak/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
PermitRootLogin no
AllowAgentForwarding yes
MaxSessions 100
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
/usr/sbin/sshd -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log" || die "sshd"
for i in $(seq 1 50); do [ -s "$work/ssh/sshd.pid" ] && break; sleep 0.1; done
[ -s "$work/ssh/sshd.pid" ] || die "sshd did not start"
eval "$(ssh-agent -s -a "$work/ssh/agent")" > /dev/null || die "ssh-agent"
ssh-add -q "$work/ssh/key" 2>/dev/null || die "ssh-add"

sshkit=$(gem list -q '^sshkit$' | sed 's/.*(\(.*\))/\1/')
netssh=$(gem list -q '^net-ssh$' | sed 's/.*(\(.*\))/\1/')
airbrussh=$(gem list -q '^airbrussh$' | sed 's/.*(\(.*\))/\1/')
ruby=$(ruby -e 'print RUBY_VERSION')
sshd_v=$(ssh -V 2>&1 | sed 's/,.*//')

reset_server() {
	local p
	for p in $(ps -o pid= -u $uid -U $uid); do
		kill "$p" 2>/dev/null
	done
	rm -rf /var/www/app /home/deploy /tmp/git-ssh-* /etc/systemd/system/*.service \
	    /etc/systemd/system/*.socket
	mkdir -p /var/www/app /home/deploy/.rbenv/bin /home/deploy/.rbenv/versions/3.2.2/bin
	install -m 755 "$here/standin/rbenv" /home/deploy/.rbenv/bin/rbenv
	chown -R deploy: /var/www/app /home/deploy
	find "$work/log" -mindepth 1 -delete
}

mkdir -p "$out" "$caplogs"
for s in $scenarios; do
	DESC= CORE= LIBS= TASKS=
	. "$here/scenarios/$s/conf"
	rubylib=
	[ "$CORE" = debian ] || rubylib=$work/src/cap-$CORE/lib
	for l in $LIBS; do
		[ -d "$work/src/$l/lib" ] || die "$s: unknown lib $l"
		rubylib=${rubylib:+$rubylib:}$work/src/$l/lib
	done
	rm -rf "$work/app" && cp -r "$here/app" "$work/app" &&
	    mkdir -p "$work/app/scenario" &&
	    cp "$here/scenarios/$s/Capfile.rb" "$here/scenarios/$s/deploy.rb" "$work/app/scenario/" ||
	    die "cannot set up $s"
	reset_server
	core=$(cd "$work/app" && RUBYLIB=$rubylib ruby -e 'require "capistrano/version"; print Capistrano::VERSION')
	caplog=$caplogs/$s.log
	: > "$caplog"
	results=
	for t in $TASKS; do
		echo "=== cap production $t" >> "$caplog"
		(cd "$work/app" && env USER=alice RUBYLIB="$rubylib" KEY="$work/ssh/key" \
		    PORT="$port" KNOWN="$work/ssh/known" cap production "$t") \
		    >> "$caplog" 2>&1
		st=$?
		echo "=== exit $st" >> "$caplog"
		results="$results $t=$st"
		sleep 1	# release names are to the second
	done
	echo "$s:$results"
	python3 - "$work/log" "$out/$s.lines" "$here/scenarios/$s" "$s" \
	    "$core" "$LIBS" "$TASKS" "$results" "$DESC" \
	    "ruby $ruby, sshkit $sshkit, net-ssh $netssh, airbrussh $airbrussh, sshd $sshd_v" \
	    "$sources" <<'PY' || die "$s: cannot write the corpus"
import json, os, sys
logdir, dst, sdir, name, core, libs, tasks, results, desc, env, sources = sys.argv[1:]
src = {}
for l in sources.strip().splitlines():
    n, repo, tag, commit = l.split()
    src[n] = (repo, tag, commit)
files = sorted(os.listdir(logdir), key=lambda f: (int(f.split(".")[0]), f))
others = [f for f in files if f.endswith(".other")]
seen, order, sent = set(), [], 0
for f in files:
    if not f.endswith(".line"):
        continue
    line = open(os.path.join(logdir, f), "rb").read().decode("utf-8", "surrogateescape")
    sent += 1
    if line not in seen:
        seen.add(line)
        order.append(line)
def enc(line):
    # Exact, one a line; a line with a newline, or that would read as
    # a comment or as an encoded line, is stored as % + its JSON.
    if "\n" in line or "\r" in line or line.startswith(("#", "%")) or line == "":
        return "%" + json.dumps(line)
    return line
h = ["# cagesh corpus: lines Capistrano sent to the login shell (tests/rails/README)",
     "# scenario: %s: %s" % (name, desc),
     "# capistrano %s%s" % (core, " (Debian package)" if core == "3.17.2" else
        " (lib of %s %s %s on RUBYLIB)" % src["cap-" + core])]
for l in libs.split():
    h.append("# plugin %s: %s %s %s" % ((l,) + src[l]))
h += ["# " + env,
      "# tasks, in order (cap production TASK: exit status):%s" % results,
      "# lines sent: %d, distinct: %d (below, first-seen order)%s" % (sent, len(order),
        ", other argv: %d" % len(others) if others else ""),
      "# Capfile: tests/rails/app/Capfile, then scenarios/%s/Capfile.rb:" % name]
h += ["#   " + l for l in open(os.path.join(sdir, "Capfile.rb")).read().splitlines()]
h += ["# deploy.rb: tests/rails/app/config/deploy.rb, then scenarios/%s/deploy.rb:" % name]
h += ["#   " + l for l in open(os.path.join(sdir, "deploy.rb")).read().splitlines()]
with open(dst, "w") as o:
    o.write("\n".join(h) + "\n")
    for l in order:
        o.write(enc(l) + "\n")
PY
done
