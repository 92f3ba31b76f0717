#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Admin actions without root: --explain says what an action line runs
# and as whom, or why it is denied; --check-config validates actions
# (their words, operands, argv, user, timeout, and the program on the
# host).  The runs themselves: tests/test-action-run.sh.
. "${top_srcdir:-.}/tests/lib.sh"

# root can never be caged: as root, the entry (and --explain) is nobody's
cu=$me
[ "$(id -u)" = 0 ] && cu=nobody
conf() {	# conf FILE ACTION...: a config with these actions
	local f=$1
	shift
	{
		cat <<CONF
log = { syslog = false; };
profiles = { t = {
  path = [ "/usr/bin", "/bin" ];
  commands = { ls = { }; sudo = { any_options = true; }; };
  actions = (
CONF
		local first=1 a
		for a; do
			[ $first = 1 ] || echo ","
			first=0
			printf '%s\n' "$a"
		done
		cat <<CONF
  );
}; };
users = ( { user = "$cu"; cage = "/srv/cage"; home = "/home/x"; profile = "t"; } );
CONF
	} > "$f"
}

# the program: /bin/true is root's and safe on every host we run on
good='{ name = "restart"; description = "restart puma";
    match = [ "sudo systemctl restart $1", "sudo /bin/systemctl restart $1" ];
    operands = [ "app_puma_production(\\.service)?" ];
    run = [ "/bin/true", "restart", "$1" ]; user = "root"; }'
cfg=$scratch/good.conf
conf "$cfg" "$good" '{ name = "self"; match = [ "loginctl enable-linger $1" ];
    operands = [ "[a-z]+" ]; run = [ "/bin/true", "$1" ]; user = "$user"; timeout = 5; }'
out=$("$CAGESH" --check-config "$cfg" 2>&1)
ok $? "a config with actions passes --check-config" || diag "$out"

explain() {	# explain LINE: sets st, out
	out=$("$CAGESH" --config "$cfg" --explain "$cu" "$1" 2>&1)
	st=$?
}
explain 'sudo systemctl restart app_puma_production'
[ $st = 0 ] && case $out in "allow: "*"-- action restart: runs /bin/true restart app_puma_production as root, outside the cage"*) true ;; *) false ;; esac
ok $? "--explain: exit 0, 'action restart: runs ... as root'" || diag "$st $out"
explain 'cd /var/www && ( /usr/bin/env sudo /bin/systemctl restart app_puma_production.service )'
[ $st = 0 ] && case $out in *"action restart: runs /bin/true restart app_puma_production.service"*) true ;; *) false ;; esac
ok $? "--explain: the second form, behind /usr/bin/env, in a subshell" || diag "$st $out"
explain 'loginctl enable-linger deploy'
[ $st = 0 ] && case $out in *"as the session's user"*) true ;; *) false ;; esac
ok $? "--explain: user \$user runs as the session's user" || diag "$st $out"
explain 'sudo ls'
[ $st = 0 ] && case $out in *"sudo (/"*) true ;; *) false ;; esac
ok $? "a line not shaped like an action is judged by the rules" || diag "$st $out"

deny() {	# deny DESCRIPTION LINE REASON
	explain "$2"
	[ $st = 1 ] && case $out in *"$3"*) true ;; *) false ;; esac
	ok $? "--explain denies $1" || diag "$st $out"
}
deny "an operand the pattern refuses" 'sudo systemctl restart nginx' \
    "operand 'nginx' does not match"
deny "an extra word" 'sudo systemctl restart app_puma_production x' \
    "takes exactly 4 words"
deny "an option before the operand" 'sudo systemctl restart --now app_puma_production' \
    "takes exactly 4 words"
deny "an operand starting with -" 'loginctl enable-linger -x' "starts with '-'"
deny "a dynamic operand" 'sudo systemctl restart $X' 'must be a literal word'
deny "a NAME=value" 'RAILS_ENV=x sudo systemctl restart app_puma_production' \
    'takes no NAME=value'
deny "'; id' after it" 'sudo systemctl restart app_puma_production; id' \
    'id: not an allowed command'

# --- the fixed operand checks, whatever the pattern says
loose=$scratch/loose.conf
conf "$loose" '{ name = "any"; match = [ "do-it $1" ]; operands = [ ".*" ];
    run = [ "/bin/true", "$1" ]; user = "root"; }'
for w in '../etc' '/var/www/../x' "'a b'" "'a*'" "'a?'" "'[a]'" "'a;b'" \
    "'a\\b'" "'a
b'" "''" '-x' "'a\$b'" "'a\`b'" "'a\"b'"; do
	o=$("$CAGESH" --config "$loose" --explain "$cu" "do-it $w" 2>&1)
	[ $? = 1 ] && case $o in *"action any: operand"*) true ;; *) false ;; esac
	ok $? "operand pattern .* still refuses $w" || diag "$o"
done
o=$("$CAGESH" --config "$loose" --explain "$cu" "do-it /var/www/app_1.2@x:y+z,=%" 2>&1)
ok $? "and allows letters, digits and ._-@:+,=%/" || diag "$o"

# --- --check-config: each problem named
bad() {	# bad DESCRIPTION ACTION MESSAGE
	local f=$scratch/bad.conf o
	conf "$f" "$2"
	o=$("$CAGESH" --check-config "$f" 2>&1)
	[ $? = 1 ] && case $o in *"$3"*) true ;; *) false ;; esac
	ok $? "--check-config refuses $1" || diag "$o"
}
bad "an operand the argv does not have" '{ name = "a"; match = [ "x $1" ];
    operands = [ "y" ]; run = [ "/bin/true", "$2" ]; user = "root"; }' \
    "'\$2' is not an operand of the action"
bad "a form without every operand" '{ name = "a"; match = [ "x" ];
    operands = [ "y" ]; run = [ "/bin/true", "$1" ]; user = "root"; }' \
    "does not name every operand"
bad "a form naming a missing operand" '{ name = "a"; match = [ "x $1" ];
    run = [ "/bin/true" ]; user = "root"; }' "names an operand the action does not list"
bad "a form that starts with an operand" '{ name = "a"; match = [ "$1 x" ];
    operands = [ "y" ]; run = [ "/bin/true" ]; user = "root"; }' "must start with a literal word"
bad "a pattern that does not compile" '{ name = "a"; match = [ "x $1" ];
    operands = [ "(" ]; run = [ "/bin/true", "$1" ]; user = "root"; }' "operands"
bad "a relative program" '{ name = "a"; match = [ "x" ];
    run = [ "true" ]; user = "root"; }' "must be an absolute path"
conf "$scratch/m.conf" '{ name = "a"; match = [ "x" ];
    run = [ "/nonexistent/prog" ]; user = "root"; }'
o=$("$CAGESH" --check-config "$scratch/m.conf" 2>&1)
ok $? "a program missing on this host passes (the action fails when asked)" || diag "$o"
bad "a user that does not exist" '{ name = "a"; match = [ "x" ];
    run = [ "/bin/true" ]; user = "nosuchuser-cagesh"; }' "nosuchuser-cagesh: no such user"
bad "a timeout of 0" '{ name = "a"; match = [ "x" ];
    run = [ "/bin/true" ]; user = "root"; timeout = 0; }' "is not 1 to 3600 seconds"
bad "a timeout of 3601" '{ name = "a"; match = [ "x" ];
    run = [ "/bin/true" ]; user = "root"; timeout = 3601; }' "is not 1 to 3600 seconds"
bad "a missing user" '{ name = "a"; match = [ "x" ]; run = [ "/bin/true" ]; }' \
    "'user' is missing"
bad "an unknown key" '{ name = "a"; match = [ "x" ]; run = [ "/bin/true" ];
    user = "root"; env = [ "A" ]; }' "unknown key 'env'"
bad "two actions of one name" '{ name = "a"; match = [ "x" ]; run = [ "/bin/true" ];
    user = "root"; }, { name = "a"; match = [ "y" ]; run = [ "/bin/true" ]; user = "root"; }' \
    "action 'a' is defined twice"

# The program on the host: owned by root and not group/other-writable,
# nor any directory on the way to it, symlinks followed.  A root-owned
# place to try it in: only as root (and /tmp, sticky and writable by
# all, is refused as it should be).
printf '#!/bin/sh\n' > "$scratch/prog"
chmod 755 "$scratch/prog"
bad "a program in /tmp" "{ name = \"a\"; match = [ \"x\" ];
    run = [ \"$scratch/prog\" ]; user = \"root\"; }" "/tmp is writable by group or others"
if [ "$(id -u)" = 0 ]; then
	place=$(mktemp -d /var/lib/cagesh-actions.XXXXXX) || exit 1
	trap 'rm -rf "$scratch" "$place"' EXIT
	chmod 755 "$place"
	mkdir -m 755 "$place/bin"
	prog=$place/bin/restarter
	printf '#!/bin/sh\n' > "$prog"
	chmod 755 "$prog"
	conf "$scratch/p.conf" "{ name = \"a\"; match = [ \"x\" ];
	    run = [ \"$prog\" ]; user = \"root\"; }"
	o=$("$CAGESH" --check-config "$scratch/p.conf" 2>&1)
	ok $? "a root-owned program in root-owned directories passes" || diag "$o"
	chown nobody "$prog"
	bad "a program not owned by root" "{ name = \"a\"; match = [ \"x\" ];
	    run = [ \"$prog\" ]; user = \"root\"; }" "$prog is not owned by root"
	chown root "$prog"
	chmod 775 "$prog"
	bad "a group-writable program" "{ name = \"a\"; match = [ \"x\" ];
	    run = [ \"$prog\" ]; user = \"root\"; }" "$prog is writable by group or others"
	chmod 755 "$prog"
	chmod 777 "$place/bin"
	bad "a program in a directory others can write" "{ name = \"a\"; match = [ \"x\" ];
	    run = [ \"$prog\" ]; user = \"root\"; }" "$place/bin is writable by group or others"
	chmod 755 "$place/bin"
	mkdir -m 1777 "$place/pub"
	ln -s "$prog" "$place/pub/link"
	ln -s pub/link "$place/safe-link"
	bad "a symlink in a directory others can write" "{ name = \"a\"; match = [ \"x\" ];
	    run = [ \"$place/safe-link\" ]; user = \"root\"; }" "$place/pub is writable by group or others"
	ln -s bin/restarter "$place/ok-link"
	conf "$scratch/p.conf" "{ name = \"a\"; match = [ \"x\" ];
	    run = [ \"$place/ok-link\" ]; user = \"root\"; }"
	o=$("$CAGESH" --check-config "$scratch/p.conf" 2>&1)
	ok $? "a root-owned symlink to it, in root-owned directories, passes" || diag "$o"
fi

done_testing
