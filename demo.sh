#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo: build and install cagesh, make a cage and a deploy user,
# start sshd on 127.0.0.1:2222, run a real Capistrano deploy into the
# cage, print the audit log and how to ssh in.  Run as root on a fresh
# Debian 12 machine (or with sudo):
#   ./demo.sh              build and install cagesh in /usr/local, then the demo
#   ./demo.sh --installed  the demo with the installed package (/usr/sbin/cagesh)
#   ./demo.sh --remove     undo everything the demo made
# Every step that fails stops the demo with its output; what the demo
# made is listed in $state/made, so that --remove undoes only that.
set -euo pipefail
cd "$(dirname "$0")"
top=$(pwd)

user=cagedemo
cage=/srv/cages/demo
state=/var/lib/cagesh-demo
logdir=/var/log/cagesh-demo
port=2222
conf=/etc/cagesh.conf
pam=/etc/pam.d/cagesh
marker='# cagesh demo: written by demo.sh'

die() { echo "demo.sh: $*" >&2; exit 1; }
say() { printf '== %s\n' "$*"; }
trap 'echo "demo.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

mode=build
case ${1:-} in
"") ;;
--installed) mode=installed ;;
--remove) mode=remove ;;
-h|--help)
	sed -n '3,11s/^# \{0,1\}//p' "$0"
	exit 0 ;;
*)	die "unknown argument '$1' (--installed, --remove or nothing)" ;;
esac
[ $# -le 1 ] || die "one argument at most (--installed, --remove)"
[ "$(id -u)" = 0 ] || die "run as root (sudo ./demo.sh where sudo is installed)"
# how to run this again, for the hints: as it was run
again=./demo.sh
[ -n "${SUDO_USER:-}" ] && again="sudo ./demo.sh"

# run WHAT CMD...: runs CMD quietly; when it fails, shows its output and
# stops the demo with WHAT.
run() {
	local what=$1 out
	shift
	out=$(mktemp) || die "mktemp failed"
	if ! "$@" >"$out" 2>&1; then
		echo "demo.sh: $what failed: $*" >&2
		tail -n 40 "$out" | sed 's/^/  | /' >&2
		echo "demo.sh: (the last 40 lines; whole output: $out)" >&2
		exit 1
	fi
	rm -f "$out"
}

made() { grep -qx "$1" $state/made 2>/dev/null; }
mark() { made "$1" || echo "$1" >> $state/made; }

remove() {
	if [ -f $state/sshd.pid ]; then
		kill "$(cat $state/sshd.pid)" 2>/dev/null || true
	fi
	pkill -u $user 2>/dev/null || true
	if id $user >/dev/null 2>&1; then
		userdel $user 2>/dev/null || true
	fi
	if [ -f $state/cagesh.conf.orig ]; then
		cp $state/cagesh.conf.orig $conf	# the package's, as it was
		chmod 644 $conf
		echo "restored $conf"
	elif grep -qx "$marker" $conf 2>/dev/null; then
		rm -f $conf
		echo "removed $conf"
	fi
	if made install && [ -f _demo/Makefile ]; then
		make -s -C _demo uninstall >/dev/null 2>&1 ||
			echo "demo.sh: make uninstall failed in _demo" >&2
		# make uninstall leaves the directories it made
		rmdir /usr/local/share/doc/cagesh/examples/pam.d \
		    /usr/local/share/doc/cagesh/examples \
		    /usr/local/share/doc/cagesh 2>/dev/null || true
		echo "uninstalled cagesh from /usr/local"
	elif [ -f _demo/Makefile ]; then
		echo "cagesh stays in /usr/local (it was there before the demo)"
	fi
	if made pam && [ -f $pam ] && cmp -s pam/cagesh $pam; then
		rm -f $pam
		echo "removed $pam"
	fi
	if made logdir && [ -d /var/log/cagesh ]; then
		rm -rf /var/log/cagesh
		echo "removed /var/log/cagesh"
	fi
	rm -rf $cage $state $logdir _demo
	rmdir /srv/cages 2>/dev/null || true
	echo "demo removed"
}

if [ $mode = remove ]; then
	remove
	exit 0
fi

if [ $mode = installed ]; then
	bin=/usr/sbin/cagesh
	jail=/usr/sbin/cagesh-jail
	[ -u $bin ] || die "$bin is not installed setuid root (dpkg -i cagesh_*.deb first)"
	[ -x $jail ] || die "$jail is not installed"
else
	bin=/usr/local/sbin/cagesh
	jail=/usr/local/sbin/cagesh-jail
fi

# The config.  The build's install writes none; the package's is a
# conffile, which the demo takes over only while it is unedited, and
# gives back on --remove.
src=etc/cagesh.conf
if [ -e $conf ] && ! grep -qx "$marker" $conf; then
	if [ $mode = build ]; then
		die "$conf exists and is not the demo's; not touching it (./demo.sh --installed uses the package's)"
	fi
	sum=$(dpkg-query -W -f='${Conffiles}\n' cagesh 2>/dev/null |
	    awk -v f=$conf '$1 == f { print $2 }')
	[ -n "$sum" ] && [ "$(md5sum < $conf | cut -d' ' -f1)" = "$sum" ] ||
		die "$conf is not the package's as shipped (edited?); not touching it"
fi

# sshd reads the user's authorized keys (under $state) as the user
mkdir -p $state
chmod 755 $state
touch $state/made
if [ $mode = installed ]; then
	if [ ! -f $state/cagesh.conf.orig ]; then
		[ -e $conf ] || die "$conf is missing: is the cagesh package installed?"
		grep -qx "$marker" $conf &&
			die "$conf is a demo's from a build: ./demo.sh --remove first"
		cp $conf $state/cagesh.conf.orig
	fi
	src=$state/cagesh.conf.orig
fi

say "dependencies"
pkgs="python3 openssh-server openssh-client capistrano git rsync"
[ $mode = build ] && pkgs="build-essential autoconf automake pkg-config
	libconfig-dev libpam0g-dev libreadline-dev zlib1g-dev $pkgs"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "   apt-get install$missing"
	export DEBIAN_FRONTEND=noninteractive
	run "apt-get update" apt-get update -qq
	# shellcheck disable=SC2086
	run "apt-get install" apt-get install -y -qq --no-install-recommends \
		$missing
else
	echo "   all installed"
fi

if [ $mode = build ]; then
	say "building and installing cagesh (setuid root) in /usr/local"
	[ -e $pam ] || mark pam			# make install writes it
	[ -e /var/log/cagesh ] || mark logdir	# and this
	run "./autogen.sh" ./autogen.sh
	mkdir -p _demo
	cd _demo
	run "configure" ../configure -q --prefix=/usr/local --sysconfdir=/etc \
		--localstatedir=/var
	run "make" make -s -j2
	# --remove uninstalls it, unless a cagesh was there before
	[ -e $bin ] || mark install
	run "make install" make -s install
	cd "$top"
else
	say "the installed package: $(dpkg-query -W -f='${Package} ${Version}' cagesh 2>/dev/null || echo '(not a package)')"
fi
ls -l $bin

say "the deploy user, the config, the cage"
mkdir -p $state/home $logdir
chmod 700 $logdir
id $user >/dev/null 2>&1 ||
	run "useradd" useradd -M -U -d $state/home -s $bin $user
usermod -s $bin -p '*' $user
chown $user:$user $state/home
python3 - $src $conf.demo $user $cage "$marker" $logdir <<'PY'
import re, sys
src, dst, user, cage, marker, logdir = sys.argv[1:]
s = open(src).read()
s = re.sub(r'file = "[^"]*";', 'file = "%s/audit.jsonl";' % logdir, s, count=1)
s = s[:s.index("users = (")] + """users = (
  { user = "%s"; cage = "%s"; home = "/var/www/app";
    profile = "capistrano"; interactive = true; }
);
""" % (user, cage)
open(dst, "w").write(marker + "\n" + s)
PY
chmod 644 $conf.demo
mv $conf.demo $conf
run "cagesh --check-config $conf" $bin --check-config $conf
rm -f $state/jail.log
if ! $jail init --cage $cage > $state/jail.log 2>&1; then
	tail -n 40 $state/jail.log | sed 's/^/  | /' >&2
	die "cagesh-jail init --cage $cage failed (whole output: $state/jail.log)"
fi
# "cagesh-jail: CAGE: added PATH", one line per file: counted, not
# shown; any other line (a warning) is shown
awk -v c="$cage:" -v list=$state/jail.log '
	$1 == "cagesh-jail:" && $2 == c && NF == 4 && $3 ~ /^[a-z]+$/ {
		n[$3]++; next }
	$1 == "cagesh-jail:" && $2 == c && NF == 4 && $4 == "changes" { next }
	{ print "   " $0 }
	END {
		printf "   cagesh-jail init --cage %s:", substr(c, 1, length(c) - 1)
		for (k in n) { printf "%s %d %s", s, n[k], k; s = "," }
		printf " (the list: %s)\n", list
	}' $state/jail.log
printf '[safe]\n\tdirectory = *\n' > $cage/etc/gitconfig
rm -rf $cage/srv/repo.git $state/src
git init -q -b main $state/src
echo '<h1>deployed by Capistrano through cagesh</h1>' > $state/src/index.html
git -C $state/src add -A
git -C $state/src -c user.name=demo -c user.email=demo@localhost commit -qm demo
mkdir -p $cage/srv
git clone -q --bare $state/src $cage/srv/repo.git
chown -R $user:$user $cage/srv/repo.git

say "sshd on 127.0.0.1:$port"
mkdir -p /run/sshd $state/ssh
[ -f $state/ssh/host ] || ssh-keygen -q -t ed25519 -N '' -f $state/ssh/host
[ -f $state/ssh/key ] || ssh-keygen -q -t ed25519 -N '' -f $state/ssh/key
# the host key this demo made, so that ssh needs no question and warns
# of nothing, run after run
known=$state/ssh/known_hosts
echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 $state/ssh/host.pub)" > $known
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
if [ -f $state/sshd.pid ] && kill "$(cat $state/sshd.pid)" 2>/dev/null; then
	sleep 0.5
fi
run "sshd" /usr/sbin/sshd -f $state/sshd_config
# ssh -F $state/ssh/config demo: the demo's host, key and known host
cat > $state/ssh/config <<CONF
Host demo
	HostName 127.0.0.1
	Port $port
	User $user
	IdentityFile $state/ssh/key
	IdentitiesOnly yes
	UserKnownHostsFile $known
	StrictHostKeyChecking yes
CONF
ssh="ssh -F $state/ssh/config"
got=$($ssh -o BatchMode=yes demo 'echo ok' 2>&1) || true
[ "$got" = ok ] ||
	die "$ssh demo 'echo ok' did not answer ok: $(echo "$got" | tail -n 3)"
echo "   $ssh demo 'echo ok': ok"

say "cap production deploy:check deploy (git strategy, into the cage)"
rm -rf $state/app && cp -r tests/e2e $state/app
cd $state/app
export DEPLOY_USER=$user SCM=git REPO=/srv/repo.git DEPLOY_TO=/var/www/app \
	KEY=$state/ssh/key PORT=$port KNOWN=$known
run "cap production deploy:check" cap production deploy:check
start=$(date +%s%N)
if ! cap production deploy > $state/deploy.log 2>&1; then
	tail -n 40 $state/deploy.log | sed 's/^/  | /' >&2
	die "cap production deploy failed (whole output: $state/deploy.log)"
fi
echo "   deployed in $(( ($(date +%s%N) - start) / 1000000 )) ms" \
    "($(wc -l < $state/deploy.log) lines of Capistrano output: $state/deploy.log)"
cd "$top"
echo
say "the deploy, seen from the host: Capistrano's links are absolute"
echo "   (they resolve inside the cage); cagesh-jail relink makes them relative"
run "cagesh-jail relink" $jail relink $cage/var/www/app
ls -l $cage/var/www/app $cage/var/www/app/current/
echo
say "the audit log ($logdir/audit.jsonl) through cagesh-log, last 8 lines"
$(dirname $bin)/cagesh-log -f $logdir/audit.jsonl | tail -n 8 | cut -c 1-150
echo "   the last record as written:"
tail -n 1 $logdir/audit.jsonl
echo
say "try it yourself"
sudo=
[ -n "${SUDO_USER:-}" ] && sudo="sudo "	# the key is root's
echo "  ${sudo}$ssh demo 'ls -l /var/www/app/releases'"
echo "  ${sudo}$ssh demo 'bash -c id'                   # denied"
echo "  ${sudo}$ssh -t demo                             # a prompt: try help"
echo "  ${sudo}$bin --explain $user 'git -c core.sshCommand=x fetch'   # why"
echo "  ${sudo}$(dirname $bin)/cagesh-log -f $logdir/audit.jsonl summary"
echo "  $again --remove                       # undo"
