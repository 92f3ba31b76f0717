#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The manual pages: clean under mandoc -Tlint and groff, every key the
# loader knows documented in cagesh.conf(5), every option of the programs
# in their page, and every example of cagesh.conf(5) checked by cagesh.
. "${top_srcdir:-.}/tests/lib.sh"

man=$top_srcdir/man
pages="cagesh.8 cagesh.conf.5 cagesh-jail.8 cagesh-log.8"

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $*"
}

# Whether an Xr target is installed, and how current the machine's
# mandoc.db is, depend on the machine, not on the pages.
if command -v mandoc >/dev/null 2>&1; then
	for p in $pages; do
		out=$(cd "$man" && mandoc -Tlint "$p" 2>&1 |
		    grep -v -e 'referenced manual not found' -e 'mandoc\.db')
		ok $(test -z "$out"; echo $?) "mandoc -Tlint $p"
		[ -z "$out" ] || diag "$out"
	done
else
	skip "mandoc -Tlint: no mandoc (apt-get install mandoc)"
fi
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	for p in $pages; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 \
		    -l "$man/$p" 2>&1 >/dev/null)
		ok $(test -z "$out"; echo $?) "man --warnings -l $p"
		[ -z "$out" ] || diag "$out"
	done
else
	skip "man --warnings: no man or groff (apt-get install man-db)"
fi

# The keys: every string of a key table of src/conf.c
# (static const struct key x_keys[] = { { "name", KT_..., 0 }, ... };).
keys=$(awk '/^static const struct key [a-z_]+\[\] = \{/ { t = 1; next }
	t && /^\};/ { t = 0 }
	t && match($0, /\{ "[^"]+"/) { print substr($0, RSTART + 3, RLENGTH - 4) }' \
	"$top_srcdir/src/conf.c" | sort -u)
n=$(printf '%s\n' "$keys" | grep -c .)
ok $(test "$n" -ge 40; echo $?) "src/conf.c has key tables ($n keys)"
# A key is documented where a list item names it: .It Ic key
documented=$(sed -n 's/^\.It Ic \([a-z_]*\).*/\1/p' "$man/cagesh.conf.5" |
    sort -u)
missing=$(printf '%s\n' "$keys" | while read -r k; do
	printf '%s\n' "$documented" | grep -qx "$k" || echo "$k"
done)
ok $(test -z "$missing"; echo $?) "cagesh.conf.5 documents every key"
[ -z "$missing" ] || diag "undocumented keys:" $missing
unknown=$(printf '%s\n' "$documented" | while read -r k; do
	printf '%s\n' "$keys" | grep -qx "$k" || echo "$k"
done)
ok $(test -z "$unknown"; echo $?) "cagesh.conf.5 documents no key the loader refuses"
[ -z "$unknown" ] || diag "not keys of src/conf.c:" $unknown

# The options: cagesh's from src/main.c and session.c, cagesh-jail's
# from its getopt_long table and its commands.
opts=$(cat "$top_srcdir/src/main.c" "$top_srcdir/src/session.c" |
    sed -n 's/.*strcmp(argv\[[a-z0-9]*\], "-\(-*[a-z-]*\)").*/\1/p' |
    grep -vx -- - | sort -u)
missing=$(for o in $opts; do
	grep -q "^\.It Fl $o\( \|$\)" "$man/cagesh.8" || echo "-$o"
done)
ok $(test -z "$missing" && test -n "$opts"; echo $?) \
    "cagesh.8 documents every option of cagesh"
[ -z "$missing" ] || diag "undocumented:" $missing
jopts=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",.*_argument.*/\1/p' \
    "$top_srcdir/src/jail/main.c")
jcmds=$(sed -n 's/.*strcmp(cmd, "\([a-z]*\)").*/\1/p' \
    "$top_srcdir/src/jail/main.c" | sort -u)
missing=$(for o in $jopts; do
	grep -q "^\.It Fl -$o\( \|$\)" "$man/cagesh-jail.8" || echo "--$o"
done; for c in $jcmds; do
	grep -q "^\.It Cm $c\( \|$\)" "$man/cagesh-jail.8" || echo "$c"
done)
ok $(test -z "$missing" && test -n "$jopts" && test -n "$jcmds"; echo $?) \
    "cagesh-jail.8 documents every option and command"
[ -z "$missing" ] || diag "undocumented:" $missing
# cagesh-log's long options (its getopt_long table) and views: each
# named by an item, ".It Fl f Ar file , Fl -file Ar file" or ".It Cm list".
lopts=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",.*_argument.*/\1/p' \
    "$top_srcdir/src/log/main.c")
lviews=$(sed -n 's/.*strcmp(view, "\([a-z]*\)").*/\1/p' \
    "$top_srcdir/src/log/main.c" | sort -u)
missing=$(for o in $lopts; do
	grep -q "^\.It .*Fl -$o\( \|$\)" "$man/cagesh-log.8" || echo "--$o"
done; for v in $lviews; do
	grep -q "^\.It Cm $v\( \|$\)" "$man/cagesh-log.8" || echo "$v"
done)
ok $(test -z "$missing" && test -n "$lopts" && test -n "$lviews"; echo $?) \
    "cagesh-log.8 documents every option and view"
[ -z "$missing" ] || diag "undocumented:" $missing

# The examples.  Each literal display of cagesh.conf.5 follows a comment
# that says what it is: .\" test: file NAME | top | profile | commands | run
ex=$scratch/examples
mkdir "$ex"
awk -v dir="$ex" '
	/^\.\\" test: / { kind = substr($0, 11); next }
	/^\.Bd -literal/ {
		n++
		if (kind == "") { print "untagged " NR > (dir "/errors"); next }
		f = sprintf("%s/%02d %d %s", dir, n, NR, kind)
		kind = ""; inb = 1; next
	}
	/^\.Ed/ { if (inb) close(f); inb = 0; next }
	inb { print > f }
' "$man/cagesh.conf.5"
ok $(test ! -e "$ex/errors"; echo $?) "every display of cagesh.conf.5 says how it is tested"
[ -e "$ex/errors" ] && diag "$(cat "$ex/errors")"

# roff to text: \& is nothing, \e a backslash
unroff() {
	sed -e 's/\\&//g' -e 's/\\e/\\/g' "$1"
}

# Accounts every Debian system has, for --check-config: nobody (not
# root, which is never caged) and the group daemon.
accounts() {
	sed -e 's/user = "[^"]*";/user = "nobody";/' \
	    -e 's/group = "[^"]*";/group = "daemon";/'
}

wrap() {	# wrap KIND FILE: the fragment in a minimal file
	users='users = ( { user = "nobody"; cage = "/srv/cages/app";
	    home = "/var/www/app"; profile = "p"; } );'
	case $1 in
	top)
		unroff "$2"
		printf 'profiles = { p = { path = [ "/usr/bin" ]; }; };\n%s\n' \
		    "$users" ;;
	profile)
		printf 'profiles = { p = {\n'
		grep -q '^path = \[' "$2" || printf 'path = [ "/usr/bin" ];\n'
		unroff "$2"
		printf '}; };\n%s\n' "$users" ;;
	commands)
		printf 'profiles = { p = { path = [ "/usr/bin" ];\n'
		printf 'commands = {\n'
		unroff "$2"
		printf '}; }; };\n%s\n' "$users" ;;
	esac
}

cagesh() { "$CAGESH" "$@"; }

run_transcript() {	# run_transcript FILE: $ command, then its output
	unroff "$1" | awk '/\\$/ { printf "%s", substr($0, 1, length($0) - 1); next }
		{ print }' > "$1.joined"
	i=0
	while IFS= read -r l; do
		case $l in
		'$ '*)
			i=$((i + 1))
			printf '%s\n' "${l#\$ }" > "$1.cmd.$i"
			: > "$1.want.$i" ;;
		*)
			printf '%s\n' "$l" >> "$1.want.$i" ;;
		esac
	done < "$1.joined"
	k=1
	while [ $k -le $i ]; do
		cmd=$(cat "$1.cmd.$k")
		# --explain USER: root may explain for anyone; anyone else
		# only for themselves, so the entry becomes theirs.
		u=$(printf '%s\n' "$cmd" | sed -n 's/.*--explain \([a-z0-9_-]*\) .*/\1/p')
		case $cmd in
		*--check-config*)
			where=$curdir/accounts ;;
		*)
			where=$curdir/self
			if [ -n "$u" ] && [ "$(id -u)" != 0 ]; then
				sed -i "s/user = \"$u\";/user = \"$me\";/" \
				    "$where/$curname"
				cmd=$(printf '%s\n' "$cmd" |
				    sed "s/--explain $u /--explain $me /")
			fi ;;
		esac
		got=$(cd "$where" && eval "$cmd" 2>&1)
		want=$(cat "$1.want.$k")
		ok $(test "$got" = "$want"; echo $?) \
		    "$at: \$ $(tr -s ' ' < "$1.cmd.$k" | cut -c 1-64)"
		if [ "$got" != "$want" ]; then
			diag "expected:" "$want" "got:" "$got"
		fi
		k=$((k + 1))
	done
}

curdir=
nfile=0
for b in "$ex"/[0-9]*; do
	case $b in *.joined|*.cmd.*|*.want.*) continue ;; esac
	set -- $(basename "$b")
	at="cagesh.conf.5:$2"
	kind=$3
	case $kind in
	file)
		nfile=$((nfile + 1))
		curname=$4
		curdir=$ex/file$nfile
		mkdir -p "$curdir/accounts" "$curdir/self"
		unroff "$b" | accounts > "$curdir/accounts/$curname"
		unroff "$b" > "$curdir/self/$curname"
		out=$("$CAGESH" --check-config "$curdir/accounts/$curname" 2>&1)
		ok $? "$at: example file $curname passes --check-config"
		[ -z "$out" ] || diag "$out" ;;
	top|profile|commands)
		wrap "$kind" "$b" > "$b.conf"
		out=$("$CAGESH" --check-config "$b.conf" 2>&1)
		ok $? "$at: example ($kind) passes --check-config"
		[ -z "$out" ] || diag "$out" "$(cat -n "$b.conf")" ;;
	run)
		if [ -z "$curdir" ]; then
			ok 1 "$at: no file example before it"
			continue
		fi
		run_transcript "$b" ;;
	*)
		ok 1 "$at: unknown kind '$kind'" ;;
	esac
done
ok $(test "$nfile" -ge 2; echo $?) "cagesh.conf.5 has whole example files ($nfile)"

done_testing
