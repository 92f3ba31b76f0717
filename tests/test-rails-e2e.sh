#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end, as root (issue 15): a real Capistrano deploy with the
# Rails plugins loaded unmodified (capistrano-bundler, -rails, -passenger
# with touch restart, capistrano3-puma 6 and capistrano-sidekiq 3 with
# :system units, capistrano-rbenv with rbenv_custom_path /opt/rbenv),
# their lib/ from git mirrors at the release tags of tests/rails/README,
# over a real sshd on 127.0.0.1, into a cage built by cagesh-jail from
# the shipped rails profile.  In the cage, stand-in bundle, rake, puma,
# passenger and rbenv (tests/rails-standin, a compiled program: the
# cage's /bin/sh is cagesh-sh); on the host, stand-in systemctl and
# passenger-config record what the monitor ran for the profile's
# actions.  The test config is the shipped one with only the actions'
# run programs moved to those stand-ins (the host's own /bin/systemctl
# is never touched) and our user, cage and log.  Skips without root or
# without the mirrors (MIRROR, default /work/.mirror).
. "${top_srcdir:-.}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root"
[ -z "${CAGESH_SKIP_ROOT:-}" ] || skip_all "CAGESH_SKIP_ROOT is set"
for t in /usr/sbin/sshd ssh-keygen cap git python3 useradd; do
	command -v $t >/dev/null || skip_all "needs $t"
done
: "${CAGESH_JAIL:=$top_builddir/cagesh-jail}"
[ -x "$CAGESH_JAIL" ] || skip_all "no cagesh-jail at $CAGESH_JAIL"
standin_bin=$top_builddir/tests/rails-standin
[ -x "$standin_bin" ] || skip_all "no $standin_bin (make check builds it)"
mirror=${MIRROR:-/work/.mirror}
# name	repository		tag	commit (tests/rails/README)
sources="
bundler	capistrano/bundler	v2.1.1	0a5b9dda84b53985743aa12210c6c62465f1f98d
rails	capistrano/rails	v1.7.0	8814aefd6ea974a12911fb83248e70a46b631d82
passenger	capistrano/passenger	v0.2.1	a3b6a038ffa321dc2d391dfeb33f99cb668229a7
puma6	seuros/capistrano-puma	v6.2.0	73aebc9c82cda11b2719ce7fa0822010082f4678
rbenv	capistrano/rbenv	v2.2.0	1fdb93a6dd4a4ab3fb786c995055cf6949daf7a4
sidekiq3	seuros/capistrano-sidekiq	v3.0.0	d73ad3c66ab60e549e0533fc3397f5e4bfb45eaf
"
while read -r name repo tag commit; do
	[ -n "$name" ] || continue
	g=$mirror/${repo%%/*}+${repo#*/}/repo
	c=$(git --git-dir="$g" rev-parse -q --verify "refs/tags/$tag^{commit}" 2>/dev/null)
	[ "$c" = "$commit" ] || skip_all "no mirror of $repo $tag at $g"
done <<EOF
$sources
EOF
. "$top_srcdir/tests/e2e-setup.sh"
bail_out() { echo "Bail out! $*"; exit 1; }
e2e_conf_path || skip_all "cannot tell the config path"
root_test_lock
[ -e "$conf_path" ] && skip_all "$conf_path exists; not touching it"
e2e_begin cagesh-rails-e2e || exit 1
u=cgr$$
e2e_install || exit 1
e2e_user "$u" cagesh || exit 1

# --- the plugins' lib/, unmodified
rubylib=
while read -r name repo tag commit; do
	[ -n "$name" ] || continue
	g=$mirror/${repo%%/*}+${repo#*/}/repo
	mkdir -p "$work/src/$name" &&
	    git --git-dir="$g" archive "$commit" lib | tar -x -C "$work/src/$name" ||
	    bail_out "cannot extract $repo $tag"
	rubylib=${rubylib:+$rubylib:}$work/src/$name/lib
done <<EOF
$sources
EOF

# --- the host's stand-ins for the actions' programs, root's; each run
# appends "uid ARG..." to $rec/NAME and its environment to $rec/NAME.env
host=$work/host
rec=$work/rec
mkdir -p "$host" "$rec"
chmod 777 "$rec"	# an action may run as the user
for p in systemctl loginctl passenger-config systemd-cgls; do
	cat > "$host/$p" <<SH
#!/bin/sh
echo "\$(id -u) \$*" >> "$rec/$p"
{ echo "--- \$*"; env; } >> "$rec/$p.env"
case "\$*" in
*status*) echo "* unit.service - stand-in"; echo "     Active: active (running)" ;;
restart-app*) echo "Restarting \$2 (production)" ;;
esac
exit 0
SH
	chmod 755 "$host/$p"
done

# --- the config: the shipped one, its rails profile for our user, the
# actions' run programs (only those) moved to the stand-ins
e2e_conf_made=1
python3 - "$top_srcdir/etc/cagesh.conf" "$conf_path" "$cage" "$log" "$u" \
    "$host" <<'PY' || bail_out "cannot write $conf_path"
import re, sys
src, dst, cage, log, user, host = sys.argv[1:]
s = open(src).read()
s = re.sub(r'file = "[^"]*";', 'file = "%s";' % log, s, count=1)
n = 0
def swap(m):
    global n
    n += 1
    return 'run = [ "%s/%s"' % (host, m.group(1).rsplit("/", 1)[1])
s = re.sub(r'run = \[ "(/bin/systemctl|/bin/loginctl|'
           r'/usr/bin/passenger-config|/usr/bin/systemd-cgls)"', swap, s)
assert n >= 10, n
s = s[:s.index("users = (")] + (
    'users = (\n  { user = "%s"; cage = "%s"; home = "/var/www/app";\n'
    '    profile = "rails"; interactive = false; }\n);\n' % (user, cage))
open(dst, "w").write(s)
PY
chmod 644 "$conf_path"
diff "$top_srcdir/etc/cagesh.conf" "$conf_path" | grep '^>' |
    grep -v "run = \[ \"$host/\|file = \"$log\"\|user = \"$u\"\|profile = \"rails\"\|^> );\|^> users = (" |
    grep -q . && bail_out "the test config changed more than the run paths"
out=$("$CAGESH" --check-config "$conf_path" 2>&1)
ok $? "the test config (shipped rails profile, actions' run paths swapped) is valid" ||
    diag "$out"

# --- the cage, by cagesh-jail.  The stand-ins must be on the host for
# init to copy them (with their libraries): they are, in a private mount
# namespace only, where /usr/local/bin and /opt are this test's
# directories (as /usr/local/bin/bundle ... and /opt/rbenv/bin/rbenv).
for p in bundle rake puma pumactl passenger sidekiq; do
	install -D -m 755 "$standin_bin" "$work/hostns/bin/$p"
done
install -D -m 755 "$standin_bin" "$work/hostns/opt/rbenv/bin/rbenv"
command -v unshare >/dev/null || bail_out "needs unshare"
injail() {	# injail ARG...: cagesh-jail, with the stand-ins on the host
	unshare --mount --propagation private sh -c \
	    'mount --bind "$1/bin" /usr/local/bin && mount --bind "$1/opt" /opt &&
	    shift && exec "$@"' sh "$work/hostns" "$CAGESH_JAIL" "$@"
}
out=$(injail --config "$conf_path" init --cage "$cage" 2>&1)
ok $? "cagesh-jail init builds the cage" || diag "$out"
# No command of the rails profile brings a real shell (Debian's which is
# a sh script: which is a builtin): the cage's /bin/sh is cagesh-sh.
! printf '%s\n' "$out" | grep -q "is a shell script" &&
    cmp -s "$cage/usr/bin/sh" "$top_builddir/cagesh-sh"
ok $? "the rails cage's /bin/sh is cagesh-sh, not a shell" ||
    diag "$(printf '%s\n' "$out" | grep warning)"
# What else the admin installs: the ruby version dir rbenv:validate
# looks for.  Only the one rbenv, /opt/rbenv's: with a second one first
# in the path (/usr/local/rbenv/bin) the line's /opt/rbenv/bin/rbenv is
# not the file the path finds, and is denied.
mkdir -p "$cage/opt/rbenv/versions/3.2.2/bin"
out=$(injail --config "$conf_path" check --cage "$cage" 2>&1)
ok $? "cagesh-jail check: every command the profile allows is in the cage" ||
    diag "$out"
printf '[safe]\n\tdirectory = *\n' > "$cage/etc/gitconfig"
git init -q -b main "$work/src/app"
(
	cd "$work/src/app" || exit 1
	mkdir -p config/environments db/migrate app/assets/config public
	printf 'source "https://rubygems.org"\ngem "rails"\n' > Gemfile
	printf 'GEM\n  specs:\n\nBUNDLED WITH\n   2.4.22\n' > Gemfile.lock
	printf 'Rails.application.load_tasks\n' > Rakefile
	printf 'run Rails.application\n' > config.ru
	printf ':concurrency: 5\n' > config/sidekiq.yml
	printf 'class CreateThings; end\n' > db/migrate/20240101000000_create_things.rb
	printf '//= link_tree ../images\n' > app/assets/config/manifest.js
	git add -A && git -c user.name=t -c user.email=t@t commit -qm init
) || bail_out "cannot make the app"
git clone -q --bare "$work/src/app" "$cage/srv/repo.git"
chown -R "$u:$u" "$cage/srv/repo.git"
mkdir -p "$cage/var/www/app/shared/config"
: > "$cage/var/www/app/shared/config/database.yml"
: > "$cage/var/www/app/shared/config/master.key"
chown -R "$u:$u" "$cage/var/www/app"

# --- the deploying app: Capfile and deploy.rb as a Rails app has them
mkdir -p "$work/app/config/deploy"
cat > "$work/app/Capfile" <<'RB'
require "capistrano/setup"
require "capistrano/deploy"
require "capistrano/scm/git"
install_plugin Capistrano::SCM::Git
require "capistrano/rbenv"
require "capistrano/bundler"
require "capistrano/rails"
require "capistrano/passenger"
require "capistrano/puma"
install_plugin Capistrano::Puma
install_plugin Capistrano::Puma::Systemd
require "capistrano/sidekiq"
install_plugin Capistrano::Sidekiq
install_plugin Capistrano::Sidekiq::Systemd
RB
cat > "$work/app/config/deploy.rb" <<'RB'
lock "~> 3.17"
set :application, "app"
set :user, ENV.fetch("DEPLOY_USER")
set :repo_url, "/srv/repo.git"
set :deploy_to, "/var/www/app"
set :branch, "main"
set :keep_releases, 3
set :format, :pretty
set :log_level, :debug
append :linked_files, "config/database.yml", "config/master.key"
append :linked_dirs, "log", "tmp/pids", "tmp/cache", "tmp/sockets",
  "public/system", "vendor/bundle", "storage"
set :rbenv_type, :system
set :rbenv_custom_path, "/opt/rbenv"
set :rbenv_ruby, "3.2.2"
set :default_env, { path: "/opt/ruby/bin:$PATH" }
set :passenger_restart_with_touch, ENV["TOUCH"] != "0"
set :puma_systemctl_user, :system
set :service_unit_user, :system
set :systemctl_user, false
set :sidekiq_systemctl_user, :system
set :ssh_options, {
  keys: [ENV.fetch("KEY")], keys_only: true, auth_methods: %w[publickey],
  port: ENV.fetch("PORT").to_i, user_known_hosts_file: ENV.fetch("KNOWN"),
  verify_host_key: :never,
}
RB
cat > "$work/app/config/deploy/production.rb" <<'RB'
server "127.0.0.1", user: ENV.fetch("DEPLOY_USER"), roles: %w[app web db worker]
RB

# --- sshd on 127.0.0.1
e2e_key key || exit 1
e2e_authorize "$u" key
e2e_sshd
ok $? "sshd listens on 127.0.0.1:$port"

capr() {	# capr LOG TASK [VAR=value...]
	local l=$1 t=$2
	shift 2
	(cd "$work/app" && env USER=alice RUBYLIB="$rubylib" DEPLOY_USER="$u" \
	    KEY="$work/ssh/key" PORT="$port" KNOWN="$work/ssh/known" "$@" \
	    cap production "$t") > "$work/$l" 2>&1
}
# the denials and the action failures cap saw, for a failing step
capdiag() {
	diag "$(grep -E 'cagesh|denied|exit status|Exception|ERROR' "$work/$1" | head -20)"
	diag "$(tail -15 "$work/$1")"
}

: > "$log"
capr cap1.log deploy:check
ok $? "cap production deploy:check (plugins loaded)" || capdiag cap1.log
rm -f "$rec"/*
capr cap2.log deploy
ok $? "cap production deploy" || capdiag cap2.log
cur=$(readlink "$cage/var/www/app/current")
rel=$cage$cur

python3 - "$log" <<'PY'
import json, sys
from check import check
recs = [json.loads(l) for l in open(sys.argv[1])]
cmds = [r for r in recs if r["event"] == "command"]
bad = [r["line"] for r in cmds if r["verdict"] != "allow"]
check(cmds and not bad, bad)
print("# deploy:check and deploy: %d command records, all allowed" % len(cmds))
PY
ok $? "every line the plugins sent was allowed (audit log)" ||
    diag "$(grep '"verdict":"deny"' "$log" | head -3)"

# bundler, rails, rbenv: through /opt/rbenv/bin/rbenv exec bundle ...
[ -f "$rel/.bundle/standin-installed" ] &&
    grep -q '"argv":\["/opt/rbenv/bin/rbenv","exec","bundle","install"' "$log"
ok $? "bundle install ran in the release, through rbenv_custom_path's rbenv exec" ||
    diag "$(grep -o '"argv":\[[^]]*rbenv[^]]*\]' "$log" | sort -u | head)"
# public/assets is a linked dir: shared/public/assets
ls "$cage"/var/www/app/shared/public/assets/.sprockets-manifest-*.json >/dev/null 2>&1
ok $? "rake assets:precompile ran under bundle exec (its manifest is in shared/public/assets)" ||
    diag "$(grep -o '"line":"[^"]*assets:precompile[^"]*"' "$log" | head -3)"
# passenger, touch restart
[ -f "$rel/tmp/restart.txt" ] && [ ! -s "$rec/passenger-config" ]
ok $? "passenger touch restart: tmp/restart.txt in the release, no restart-app" ||
    diag "$(cat "$rec/passenger-config" 2>/dev/null)"
# puma via its action, as root, the profile's fixed argv
grep -qx '0 restart app_puma_production' "$rec/systemctl"
ok $? "puma: the monitor ran systemctl restart app_puma_production as root (action app-service)" ||
    diag "$(cat "$rec/systemctl" 2>/dev/null)"
grep -Eqx '0 (restart|start) app_sidekiq_production(\.service)?' "$rec/systemctl"
ok $? "sidekiq: the monitor ran systemctl (re)start app_sidekiq_production as root" ||
    diag "$(cat "$rec/systemctl" 2>/dev/null)"
python3 - "$log" "$host" <<'PY'
import json, sys
from check import check
host = sys.argv[2]
recs = [json.loads(l) for l in open(sys.argv[1])]
acts = [r for r in recs if r["event"] == "action"]
ends = [r for r in recs if r["event"] == "action_end"]
check(acts and len(acts) == len(ends), (len(acts), len(ends)))
check(all(r["argv"][0].startswith(host + "/") for r in acts), acts)
check(all(r["status"] == 0 for r in ends), ends)
names = {r["action"] for r in acts}
check({"app-service"} <= names, names)
for r in acts:
    check(r["run_as"] == "root" or r["action"].endswith("status"), r)
PY
ok $? "action records: each ran a stand-in (no line's program), status 0" ||
    diag "$(grep '"event":"action' "$log" | head -5)"
diag "the deploy's actions: $(python3 -c '
import json, sys
print(", ".join("%s %s" % (r["action"], " ".join(r["argv"][1:]))
    for r in map(json.loads, open(sys.argv[1])) if r["event"] == "action"))
' "$log")"
# Nothing of the line's environment reaches an action's.
! grep -Eq '^(RBENV_|GIT_ASKPASS|GIT_SSH|RAILS_ENV|SSH_)' "$rec/systemctl.env"
ok $? "the actions' environment has nothing of the line's (RBENV_*, GIT_*, SSH_*)" ||
    diag "$(grep -E '^(RBENV_|GIT_|RAILS_ENV|SSH_)' "$rec/systemctl.env" | sort -u)"

# passenger-config restart-app, through its action
rm -f "$rec"/*
capr cap3.log passenger:restart TOUCH=0
ok $? "cap production passenger:restart (without touch)" || capdiag cap3.log
[ "$(cat "$rec/passenger-config" 2>/dev/null)" = \
    "0 restart-app /var/www/app --ignore-app-not-running" ]
ok $? "passenger: the monitor ran passenger-config restart-app /var/www/app as root" ||
    diag "$(cat "$rec/passenger-config" 2>/dev/null)"

# sidekiq's quiet, through its action
rm -f "$rec"/*
capr cap4.log sidekiq:quiet
ok $? "cap production sidekiq:quiet" || capdiag cap4.log
grep -Eqx '0 kill -s TSTP app_sidekiq_production(\.service)?' "$rec/systemctl"
ok $? "sidekiq quiet: the monitor ran systemctl kill -s TSTP as root" ||
    diag "$(cat "$rec/systemctl" 2>/dev/null)"

# A line of an action's shape with an operand its pattern refuses:
# denied, and nothing runs.
rm -f "$rec"/*
out=$(ssh $sshopts -p "$port" -i "$work/ssh/key" "$u@127.0.0.1" \
    '/usr/bin/env sudo /bin/systemctl restart sshd' 2>&1)
st=$?
[ $st = 126 ] && [ ! -e "$rec/systemctl" ] &&
    printf '%s\n' "$out" | grep -q 'cagesh: denied'
ok $? "sudo systemctl restart sshd (not the app's unit) is denied, nothing ran" ||
    diag "exit $st: $out" "$(cat "$rec/systemctl" 2>/dev/null)"

kill -0 "$(cat "$work/ssh/sshd.pid")" 2>/dev/null
ok $? "sshd is still running"

done_testing
