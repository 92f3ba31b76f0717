#!/bin/sh
# Every line real deploy clients sent (../shared/capistrano/sessions.txt)
# is allowed by the shipped capistrano profile.
. "${top_srcdir:-.}/tests/lib.sh"

file=$SHARED/capistrano/sessions.txt
if [ ! -r "$file" ]; then
	if [ "$SHARED_REQUIRED" = 1 ]; then
		echo "not ok 1 - $file is missing"
		echo "1..1"
		exit 1
	fi
	skip_all "no $file"
fi
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
