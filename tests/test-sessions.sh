#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every line real deploy clients sent (../shared/capistrano/sessions.txt)
# is allowed by the shipped capistrano profile.
. "${top_srcdir:-.}/tests/lib.sh"

need_shared capistrano/sessions.txt
conf=$(shipped_conf_for_me)

n=0
while IFS= read -r line || [ -n "$line" ]; do
	n=$((n + 1))
	case $line in
	''|'#'*) continue ;;
	esac
	out=$("$CAGESH" --config "$conf" --explain "$me" -- "$line" 2>&1)
	st=$?
	ok $st "line $n allowed: $line"
	[ $st -eq 0 ] || diag "$out"
done < "$file"
done_testing
