# SPDX-License-Identifier: GPL-3.0-or-later
# The fixture of real sessions, shared by tests/test-e2e.sh and bench/:
# the setuid cagesh installed in a root-owned directory, the config at
# the compiled-in path (the shipped capistrano profile, our users, our
# cage and audit log), /etc/pam.d/cagesh from pam/cagesh when there is
# none, throwaway users, and sshd on 127.0.0.1.  e2e_cleanup undoes
# all of it.  Sourced after tests/lib.sh, as root; nothing here but
# the caged_test_* exit: each function returns non-zero and the caller
# decides (skip, fail).
#
#	caged_test_begin PREFIX TOOL...	the ground of a root test of
#					caged sessions: skips unless root
#					(and not CAGESH_SKIP_ROOT) with
#					each TOOL and cagesh-jail, takes
#					the lock, e2e_begin PREFIX; exits
#	caged_test_user NAME		e2e_install, and NAME a forced-command
#					account (/bin/sh, root-owned passwd
#					home) caged at $home=/var/www/app;
#					sets u gid home; exits
#	e2e_conf_path			sets conf_path (cagesh --version)
#	e2e_begin PREFIX		work dir /var/lib/PREFIX.XXXXXX; sets
#					work cage bin log; cleanup on EXIT
#	e2e_install			setuid copy, PAM file, log dir,
#					the compiled config's dir (e2e_cache)
#	e2e_user NAME SHELL [HOME]	a user (SHELL "cagesh": the copy);
#					HOME on the host, default
#					$work/home-NAME, made and owned
#	e2e_conf NAME:HOME:INTERACTIVE...  the config, one entry per user,
#					all in $cage
#	e2e_sshd			sshd with keys from $work/ak/USER;
#					sets port, sshopts
#	e2e_key NAME			a key pair $work/ssh/NAME(.pub)
#	e2e_authorize USER KEY [OPTIONS]  KEY may log in as USER
#	e2e_track_pid PID		killed (by pid) on cleanup
#	e2e_app_src			the deployed app, a git repository
#					$work/src with one commit
#	cap_env USER SCM REPO DEPLOY_TO KEY CMD...  Capistrano in $work/app

e2e_users=
e2e_pids=
e2e_pam_made=0
e2e_conf_made=0
e2e_cache_made=
e2e_cache_saved=

e2e_conf_path() {
	conf_path=$("$CAGESH" --version | sed -n 's/.*(config \(.*\))$/\1/p')
	[ -n "$conf_path" ]
}

# The one function here that exits: a test cannot go on without its
# ground.  umask 022, so that what the test makes in the cage is
# readable there as the shipped layout has it.
caged_test_begin() {	# caged_test_begin PREFIX TOOL...
	local prefix=$1 t
	shift
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -z "${CAGESH_SKIP_ROOT:-}" ] || skip_all "CAGESH_SKIP_ROOT is set"
	for t in "$@"; do
		command -v "$t" >/dev/null || skip_all "needs $t"
	done
	: "${CAGESH_JAIL:=$top_builddir/cagesh-jail}"
	[ -x "$CAGESH_JAIL" ] || skip_all "no cagesh-jail at $CAGESH_JAIL"
	e2e_conf_path || skip_all "cannot tell the config path"
	root_test_lock
	[ -e "$conf_path" ] && skip_all "$conf_path exists; not touching it"
	umask 022
	e2e_begin "$prefix" || exit 1
}

# The account as useradd makes a forced-command one: SHELL is /bin/sh
# (which ssh runs ProxyCommand with), its passwd home root's.
caged_test_user() {	# caged_test_user NAME
	u=$1
	e2e_install || exit 1
	e2e_user "$u" /bin/sh || exit 1
	chown root:root "$work/home-$u"
	gid=$(id -g "$u")
	home=/var/www/app
	e2e_conf "$u:$home:false" || exit 1
}

e2e_begin() {	# e2e_begin PREFIX
	work=$(mktemp -d "/var/lib/$1.XXXXXX") || return 1
	chmod 755 "$work"
	cage=$work/cage
	bin=$work/sbin/cagesh
	log=$work/log/audit.jsonl
	trap e2e_cleanup EXIT
}

e2e_track_pid() {
	e2e_pids="$e2e_pids $1"
}

# Processes are ended by pid: sshd's, the ones the caller tracked, then
# whatever still runs as one of our throwaway users.
e2e_cleanup() {
	local p u
	[ -f "$work/ssh/sshd.pid" ] && kill "$(cat "$work/ssh/sshd.pid")" 2>/dev/null
	for p in $e2e_pids; do kill "$p" 2>/dev/null; done
	for u in $e2e_users; do
		for p in $(ps -o pid= -u "$u" -U "$u" 2>/dev/null); do
			kill "$p" 2>/dev/null
		done
	done
	[ -n "$e2e_users$e2e_pids" ] && sleep 0.2
	[ $e2e_conf_made = 1 ] && rm -f "$conf_path"
	[ $e2e_pam_made = 1 ] && rm -f /etc/pam.d/cagesh
	e2e_cache_undo
	# what their uncaged sessions left in the host's tmp dirs (the bash
	# user's Capistrano uploads /tmp/git-ssh-*.sh)
	for u in $e2e_users; do
		id "$u" >/dev/null 2>&1 &&
		    find /tmp /var/tmp -xdev -mindepth 1 -maxdepth 1 -user "$u" \
		    -exec rm -rf {} + 2>/dev/null
		userdel "$u" 2>/dev/null
	done
	rm -rf "$work" "$scratch"
}

# The compiled config's directory (CAGESH_CACHEDIR, as make install
# makes it: root's, 755; the file in it is 0600), so that these
# sessions run as on a host.
# Made if missing (and removed, from the first directory made), else
# its conf.cache is put back as it was.
e2e_cache() {
	local d
	[ -n "${CAGESH_CACHEDIR:-}" ] || return 0
	if [ -d "$CAGESH_CACHEDIR" ]; then
		[ -n "$e2e_cache_saved" ] && return 0
		e2e_cache_saved=$work/conf.cache.saved
		if [ -e "$CAGESH_CACHEDIR/conf.cache" ]; then
			cp -p "$CAGESH_CACHEDIR/conf.cache" "$e2e_cache_saved"
		else
			: > "$work/conf.cache.none"
		fi
		return 0
	fi
	d=$CAGESH_CACHEDIR
	while [ ! -e "$(dirname "$d")" ]; do d=$(dirname "$d"); done
	mkdir -p "$CAGESH_CACHEDIR" && chmod 755 "$CAGESH_CACHEDIR" || return 1
	e2e_cache_made=$d
}

e2e_cache_undo() {
	if [ -n "$e2e_cache_made" ]; then
		rm -rf "$e2e_cache_made"
	elif [ -n "$e2e_cache_saved" ]; then
		rm -f "$CAGESH_CACHEDIR/conf.cache.new"
		if [ -e "$work/conf.cache.none" ]; then
			rm -f "$CAGESH_CACHEDIR/conf.cache"
		else
			cp -p "$e2e_cache_saved" "$CAGESH_CACHEDIR/conf.cache"
		fi
	fi
}

e2e_install() {
	mkdir -p "$work/sbin" "$work/log" "$work/ssh" "$work/ak" /run/sshd || return 1
	e2e_cache || return 1
	chmod 700 "$work/log"
	cp "$CAGESH" "$bin" && chown root:root "$bin" && chmod 4755 "$bin" || return 1
	if [ ! -e /etc/pam.d/cagesh ]; then
		cp "$top_srcdir/pam/cagesh" /etc/pam.d/cagesh || return 1
		e2e_pam_made=1
	fi
}

e2e_user() {	# e2e_user NAME SHELL [HOME]
	local name=$1 shell=$2 home=${3:-$work/home-$1}
	[ "$shell" = cagesh ] && shell=$bin
	mkdir -p "$home" || return 1
	useradd -M -U -d "$home" -s "$shell" "$name" || return 1
	e2e_users="$e2e_users $name"
	chown "$name:$name" "$home"
	# sshd (UsePAM no) refuses a locked ('!') account even by key.
	usermod -p '*' "$name"
}

# The shipped config: its limits, log and profiles, with our log file
# and one entry per NAME:HOME:INTERACTIVE, every one caged in $cage.
e2e_conf() {
	mkdir -p "$(dirname "$conf_path")" || return 1
	[ -e "$conf_path" ] || e2e_conf_made=1
	python3 - "$top_srcdir/etc/cagesh.conf" "$conf_path" "$cage" "$log" \
	    "$@" <<'PY' || return 1
import re, sys
src, dst, cage, log = sys.argv[1:5]
s = open(src).read()
s = re.sub(r'file = "[^"]*";', 'file = "%s";' % log, s, count=1)
ents = []
for e in sys.argv[5:]:
    user, home, inter = e.split(":")
    ents.append('  { user = "%s"; cage = "%s"; home = "%s";\n'
                '    profile = "capistrano"; interactive = %s; }'
                % (user, cage, home, inter))
s = s[:s.index("users = (")] + "users = (\n" + ",\n".join(ents) + "\n);\n"
open(dst, "w").write(s)
PY
	chmod 644 "$conf_path"
}

e2e_key() {	# e2e_key NAME
	ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/$1"
}

e2e_authorize() {	# e2e_authorize USER KEY [OPTIONS]
	{ [ -n "${3:-}" ] && printf '%s ' "$3"
	  cat "$work/ssh/$2.pub"; } >> "$work/ak/$1" || return 1
	chmod 644 "$work/ak/$1"
}

e2e_sshd() {
	local i
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])') || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/host" || return 1
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
StrictModes yes
MaxSessions 100
MaxStartups 100:30:200
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
ExposeAuthInfo yes
CONF
	/usr/sbin/sshd -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log" || return 1
	for i in $(seq 1 50); do [ -s "$work/ssh/sshd.pid" ] && break; sleep 0.1; done
	sshopts="-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=$work/ssh/known -o LogLevel=ERROR"
	test -s "$work/ssh/sshd.pid"
}

e2e_app_src() {
	git init -q -b main "$work/src" &&
	printf 'hello\n' > "$work/src/index.html" &&
	mkdir -p "$work/src/config" &&
	printf 'app\n' > "$work/src/config/app.txt" &&
	git -C "$work/src" add -A &&
	git -C "$work/src" -c user.name=t -c user.email=t@t commit -qm init
}

cap_env() {	# cap_env USER SCM REPO DEPLOY_TO KEY CMD...
	local user=$1 scm=$2 repo=$3 to=$4 key=$5
	shift 5
	[ -d "$work/app" ] || cp -r "$top_srcdir/tests/e2e" "$work/app" || return 1
	(cd "$work/app" && env DEPLOY_USER="$user" SCM="$scm" REPO="$repo" \
	    DEPLOY_TO="$to" KEY="$key" PORT="$port" KNOWN="$work/ssh/known" \
	    "$@")
}
