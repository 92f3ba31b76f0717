#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo: build and install cagesh, make a cage and a deploy user,
# start sshd on 127.0.0.1:2222, run a real Capistrano deploy into the
# cage, print the audit log and how to ssh in.  Run as root on a fresh
# Debian 12 machine:  sudo ./demo.sh        (undo: sudo ./demo.sh --remove)
set -euo pipefail
cd "$(dirname "$0")"
top=$(pwd)
[ "$(id -u)" = 0 ] || { echo "demo.sh: run as root" >&2; exit 1; }

user=cagedemo
cage=/srv/cages/demo
state=/var/lib/cagesh-demo
port=2222
conf=/etc/cagesh.conf

if [ "${1:-}" = --remove ]; then
	[ -f $state/sshd.pid ] && kill "$(cat $state/sshd.pid)" 2>/dev/null || true
	pkill -u $user 2>/dev/null || true
	userdel $user 2>/dev/null || true
	grep -q 'cagesh demo' $conf 2>/dev/null && rm -f $conf
	rm -rf $cage $state /var/log/cagesh-demo
	echo "demo removed (cagesh stays installed in /usr/local/sbin)"
	exit 0
fi
if [ -e $conf ] && ! grep -q 'cagesh demo' $conf; then
	echo "demo.sh: $conf exists and is not the demo's; not touching it" >&2
	exit 1
fi

echo "== installing build and demo dependencies"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends build-essential autoconf \
	automake pkg-config libconfig-dev libpam0g-dev libreadline-dev \
	python3 openssh-server openssh-client capistrano git rsync >/dev/null

echo "== building and installing cagesh (setuid root) and cagesh-jail"
./autogen.sh >/dev/null 2>&1
mkdir -p _demo && cd _demo
../configure -q --prefix=/usr/local --sysconfdir=/etc --localstatedir=/var
make -s -j2 >/dev/null
make -s install >/dev/null
cd "$top"
ls -l /usr/local/sbin/cagesh

echo "== the deploy user, the config, the cage"
mkdir -p $state/home /var/log/cagesh-demo
chmod 700 /var/log/cagesh-demo
id $user >/dev/null 2>&1 ||
	useradd -M -U -d $state/home -s /usr/local/sbin/cagesh $user
usermod -p '*' $user
chown $user:$user $state/home
python3 - etc/cagesh.conf $conf $user $cage <<'PY'
import re, sys
src, dst, user, cage = sys.argv[1:]
s = open(src).read()
s = re.sub(r'file = "[^"]*";', 'file = "/var/log/cagesh-demo/audit.jsonl";', s, count=1)
s = s[:s.index("users = (")] + """users = (
  { user = "%s"; cage = "%s"; home = "/var/www/app";
    profile = "capistrano"; interactive = true; }
);
""" % (user, cage)
open(dst, "w").write("# cagesh demo: written by demo.sh\n" + s)
PY
chmod 644 $conf
/usr/local/sbin/cagesh --check-config $conf
/usr/local/sbin/cagesh-jail init --cage $cage
printf '[safe]\n\tdirectory = *\n' > $cage/etc/gitconfig
rm -rf $cage/srv/repo.git $state/src
git init -q -b main $state/src
echo '<h1>deployed by Capistrano through cagesh</h1>' > $state/src/index.html
git -C $state/src add -A
git -C $state/src -c user.name=demo -c user.email=demo@localhost commit -qm demo
mkdir -p $cage/srv
git clone -q --bare $state/src $cage/srv/repo.git
chown -R $user:$user $cage/srv/repo.git

echo "== sshd on 127.0.0.1:$port"
mkdir -p /run/sshd $state/ssh
[ -f $state/ssh/host ] || ssh-keygen -q -t ed25519 -N '' -f $state/ssh/host
[ -f $state/ssh/key ] || ssh-keygen -q -t ed25519 -N '' -f $state/ssh/key
mkdir -p $state/ak && cp $state/ssh/key.pub $state/ak/$user && chmod 644 $state/ak/$user
cat > $state/sshd_config <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $state/ssh/host
PidFile $state/sshd.pid
AuthorizedKeysFile $state/ak/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
[ -f $state/sshd.pid ] && kill "$(cat $state/sshd.pid)" 2>/dev/null && sleep 0.5
/usr/sbin/sshd -f $state/sshd_config

echo "== cap production deploy:check deploy (git strategy, into the cage)"
rm -rf $state/app && cp -r tests/e2e $state/app
cd $state/app
export DEPLOY_USER=$user SCM=git REPO=/srv/repo.git DEPLOY_TO=/var/www/app \
	KEY=$state/ssh/key PORT=$port KNOWN=$state/ssh/known
cap production deploy:check
time cap production deploy
echo
echo "== the deploy, seen from the host: Capistrano's links are absolute"
echo "   (they resolve inside the cage); cagesh-jail relink makes them relative"
/usr/local/sbin/cagesh-jail relink $cage/var/www/app
ls -l $cage/var/www/app $cage/var/www/app/current/
echo
echo "== the audit log (/var/log/cagesh-demo/audit.jsonl), last 5 records"
tail -n 5 /var/log/cagesh-demo/audit.jsonl
echo
echo "== try it yourself"
echo "  ssh -p $port -i $state/ssh/key $user@127.0.0.1 'ls -l /var/www/app/releases'"
echo "  ssh -p $port -i $state/ssh/key $user@127.0.0.1 'bash -c id'     # denied"
echo "  ssh -t -p $port -i $state/ssh/key $user@127.0.0.1                 # a prompt: try help"
echo "  cagesh --explain $user 'git -c core.sshCommand=x fetch'       # why"
echo "  sudo ./demo.sh --remove                                       # undo"
