#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The policy cases of tests/policy-cases/*.cases, each judged by
# cagesh --explain against etc/cagesh.conf: one TAP line per case.  No
# root: the config's users are replaced by the current user.
#
# A .cases file, as OpenBSD's doas keeps its regress patterns:
#	# a comment (a line starting with #); blank lines are skipped
#	profile NAME		the profile of the cases that follow
#	allow<TAB>LINE		LINE, as a client sends it, is allowed
#	deny<TAB>LINE		LINE is denied, each denied part with a reason
# LINE is everything after the first tab, tabs and all (empty: the empty
# line).  Anything else is a failed case naming FILE:LINE.
#
#	tests/test-cases.sh [FILE.cases...]	(default: all of them)
#	CASES_CONF=/etc/cagesh.conf tests/test-cases.sh mine.cases
# runs other cases, or against another config (its profiles, with the
# users replaced as here).
. "${top_srcdir:-.}/tests/lib.sh"

base=${CASES_CONF:-$top_srcdir/etc/cagesh.conf}
[ -r "$base" ] || { echo "not ok 1 - cannot read $base"; echo "1..1"; exit 1; }

# conf_for PROFILE: $base with the caller as its first user entry, on
# PROFILE; every other entry's user or group becomes a name no account
# has, so that only the first one matches.
conf_for() {
	awk -v me="$me" -v p="$1" -v none="cagesh-case-none-$$-" '
	!found && /^users[ \t]*=[ \t]*\(/ {
		print
		printf("  { user = \"%s\"; cage = \"/srv/cages/cases\";" \
		    " home = \"/home/cagesh-cases\"; profile = \"%s\"; },\n", me, p)
		found = inusers = 1
		next
	}
	inusers && /^\)/ { inusers = 0 }
	inusers {
		out = ""
		while (match($0, /(user|group)[ \t]*=[ \t]*"[^"]*"/)) {
			n++
			out = out substr($0, 1, RSTART - 1) "user = \"" none n "\""
			$0 = substr($0, RSTART + RLENGTH)
		}
		$0 = out $0
	}
	{ print }
	END { exit !found }' "$base" > "$scratch/$1.conf"
}

# shown LINE: printable, and no TAP directive (a # is escaped)
shown() {
	printf '%s' "$1" | tr -c '[:print:]' '?' | sed 's/#/\\#/g'
}

tab=$(printf '\t')
if [ $# -eq 0 ]; then
	set -- "$top_srcdir"/tests/policy-cases/*.cases
fi
for f in "$@"; do
	name=${f##*/}
	n=0
	profile=
	while IFS= read -r l || [ -n "$l" ]; do
		n=$((n + 1))
		case $l in
		''|'#'*)
			continue ;;
		"profile "*)
			profile=${l#profile }
			case $profile in
			''|*[!A-Za-z0-9_-]*)
				ok 1 "$name:$n: not a profile name: $(shown "$profile")"
				profile=
				continue ;;
			esac
			if ! conf_for "$profile"; then
				ok 1 "$name:$n: no 'users = (' in $base"
				profile=
			fi
			continue ;;
		allow"$tab"*|deny"$tab"*)
			want=${l%%"$tab"*}
			line=${l#*"$tab"} ;;
		*)
			ok 1 "$name:$n: not a case: $(shown "$l")"
			diag "a case is allow<TAB>LINE or deny<TAB>LINE;" \
			    "profile NAME sets the profile"
			continue ;;
		esac
		if [ -z "$profile" ]; then
			ok 1 "$name:$n: no profile line before this case"
			continue
		fi
		out=$("$CAGESH" --config "$scratch/$profile.conf" --explain "$me" \
		    -- "$line" 2>&1)
		st=$?
		case $want:$st in
		allow:0)
			good=0 ;;
		deny:1)
			# a deny: line for some part, and a reason on each
			printf '%s\n' "$out" | grep -q '^deny: ' &&
			    ! printf '%s\n' "$out" | grep '^deny: ' |
			    grep -qv ' -- .'
			good=$? ;;
		*)
			good=1 ;;
		esac
		ok $good "$name:$n: $want ($profile): $(shown "$line")" ||
		    diag "exit $st" "$out"
	done < "$f"
done
done_testing
