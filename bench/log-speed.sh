#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench-log: how fast cagesh-log reads a large audit log.  Writes N
# records (default 1,000,000, about 360 MB) made by the real formatter
# (tests/log-gen bulk) to a file under $TMPDIR, reads it once to warm
# the page cache, then times each view (the median of REPS runs, output
# to /dev/null) and prints seconds, records/s, MB/s and peak memory.
# No root needed; nothing is asserted (timings are not tests).
#
# Environment: LOG_RECORDS (N), LOG_REPS (default 3), TMPDIR.
set -u
: "${CAGESH_LOG:?run by make bench-log}" "${LOG_GEN:?run by make bench-log}"
n=${LOG_RECORDS:-1000000}
reps=${LOG_REPS:-3}
file=$(mktemp "${TMPDIR:-/tmp}/cagesh-log-bench.XXXXXX") || exit 1
trap 'rm -f "$file" "$file.t"' EXIT

"$LOG_GEN" bulk "$n" > "$file" || { echo "log-gen failed" >&2; exit 1; }
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null
id=$(sed -n '100p' "$file" | sed 's/.*"session":"\([0-9a-f]*\)".*/\1/')
printf 'cagesh-log: %s records, %s bytes (%s MB), median of %s runs\n' \
    "$n" "$bytes" $((bytes / 1000000)) "$reps"
printf '%-28s %8s %10s %7s %8s\n' view seconds records/s MB/s "peak KB"

have_time=0
[ -x /usr/bin/time ] && have_time=1
one() {	# one ARGS...: "seconds peak-KB" of one run
	local t0 t1 kb=-
	t0=$(date +%s%N)
	if [ $have_time = 1 ]; then
		/usr/bin/time -f %M -o "$file.t" "$CAGESH_LOG" -f "$file" "$@" \
		    > /dev/null 2>&1
		kb=$(tail -1 "$file.t")
	else
		"$CAGESH_LOG" -f "$file" "$@" > /dev/null 2>&1
	fi
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) $kb"
}
view() {	# view NAME ARGS...
	local name=$1 r ms kb
	shift
	r=$(for i in $(seq "$reps"); do one "$@"; done | sort -n |
	    sed -n "$(( (reps + 1) / 2 ))p")
	ms=${r% *}
	kb=${r#* }
	[ "$ms" -gt 0 ] || ms=1
	printf '%-28s %8s %10s %7s %8s\n' "$name" \
	    "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))" \
	    $((n * 1000 / ms)) $((bytes / 1000 / ms)) "$kb"
}
view "list" list
view "list --json" --json list
view "list --user deploy07" --user deploy07
view "list --event exec" --event exec
view "summary" summary
view "summary --json" --json summary
view "session ID" session "$id"
