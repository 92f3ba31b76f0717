#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every escape in ../shared/attacks/public.txt is denied, with a reason,
# by the shipped capistrano profile.
. "${top_srcdir:-.}/tests/lib.sh"

need_shared attacks/public.txt
conf=$(shipped_conf_for_me)

n=0
while IFS= read -r line || [ -n "$line" ]; do
	n=$((n + 1))
	case $line in
	''|'#'*) continue ;;
	esac
	out=$("$CAGESH" --config "$conf" --explain "$me" -- "$line" 2>&1)
	st=$?
	printable=$(printf '%s' "$line" | tr -c '[:print:]' '?')
	# Exit 1, at least one deny line, and every deny line has a reason.
	if [ $st -eq 1 ] && printf '%s\n' "$out" | grep -q '^deny: ' &&
	    ! printf '%s\n' "$out" | grep '^deny: ' | grep -qv ' -- .'; then
		ok 0 "line $n denied: $printable"
	else
		ok 1 "line $n denied: $printable"
		diag "exit $st" "$out"
	fi
done < "$file"
done_testing
