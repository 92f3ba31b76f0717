#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# cagesh-log: each filter and view on records made by the real formatter
# (tests/log-gen, audit_format), hostile values shown visible, cut values
# marked, every --json line valid JSON, lines that are not records
# counted (and named with -v), several files, stdin and gzip, and follow
# with a file appended to, written in two halves, rotated and truncated.
# No root needed.  (Speed: bench/log-speed.sh, not here.)
. "${top_srcdir:-.}/tests/lib.sh"

: "${top_builddir:=$top_srcdir}"
L=${CAGESH_LOG:-$top_builddir/cagesh-log}
gen=$top_builddir/tests/log-gen
[ -x "$L" ] && [ -x "$gen" ] || skip_all "no $L or $gen (make check builds them)"
have_py=0
command -v python3 >/dev/null && have_py=1

fx=$scratch/fx.jsonl
"$gen" fixture > "$fx" || { echo "Bail out! log-gen"; exit 1; }
out=$scratch/out
err=$scratch/err

cl() {	# cl ARGS...: cagesh-log, output in $out and $err, status in $rc
	"$L" "$@" > "$out" 2> "$err"
	rc=$?
}
rows() {	# rows of a list, header left out
	tail -n +2 "$out" | wc -l
}
is() {	# is GOT WANT DESCRIPTION
	[ "$1" = "$2" ]
	ok $? "$3" || diag "got: $1" "want: $2"
}
has() {	# has FIXED-STRING DESCRIPTION: a line of $out holds it
	grep -qF -- "$1" "$out"
	ok $? "$2" || { diag "no: $1"; sed 's/^/  /' "$out" | head -40 | diag_in; }
}
diag_in() { sed 's/^/# /'; }
json_ok() {	# json_ok FILE DESCRIPTION: every line is one JSON object
	[ $have_py = 1 ] || return 0
	python3 -c '
import json, sys
from check import check
n = 0
for l in open(sys.argv[1], "rb"):
    check(isinstance(json.loads(l), dict), l)
    n += 1
check(n > 0)
' "$1"
	ok $? "$2"
}
visible() {	# visible FILE DESCRIPTION: no control byte but newline, no C1
	! LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1" &&
	    ! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"
	ok $? "$2"
}

# --- usage
cl --help
ok $(test $rc -eq 0 && grep -q 'session ID' "$out" && grep -q summary "$out" &&
    grep -q follow "$out"; echo $?) "--help: exit 0, every view named"
cl --version
is "$rc $(cut -d' ' -f1 "$out")" "0 cagesh-log" "--version"
for bad in "nosuchview" "--verdict maybe" "--event login" "--since yesterdayish" \
    "--until 2026-02-30" "-n x" "session" "session a b"; do
	# shellcheck disable=SC2086
	cl -f "$fx" $bad
	is "$rc" 2 "usage error exits 2: $bad"
done

# --- list
cl -f "$fx"
is "$rc $(rows)" "0 7" "list: one row per line (command records), exit 0"
head -1 "$out" | grep -q '^TIME  *USER  *SESSION  *VERDICT  *STATUS  *DURATION  *WHAT$'
ok $? "list: a header of aligned columns"
has "2026-03-01 10:00:02  deploy      aaaa1111  allow    1       2.135s    git pull origin main >out.txt && RAILS_ENV=production /usr/bin/bundle exec rake db:migrate" \
    "list: time, user, short session, verdict, status, duration, line"
has 'echo \x1b[31mred \xc2\x9b2J \xff \\x41 '"'two words'"' 2>&1' \
    "list: ESC, C1, a byte not UTF-8 and a backslash shown visible and distinct"
visible "$out" "list: no raw control or C1 byte reaches the terminal"
has "2026-03-01 11:00:03  alice       bbbb2222  partial  126     0.012s    ls; cat /etc/shadow" \
    "list: a partial line"
has "bob         aaaa1112  deny     -       0.000s    sudo -i" \
    "list: a denied line has no status"

# --- filters
cl -f "$fx" --user alice
is "$rc $(rows) $(tail -n +2 "$out" | grep -vc ' alice ')" "0 4 0" "--user: that user's lines only"
cl -f "$fx" --user nobody
is "$rc $(wc -c < "$out")" "1 0" "--user with no match: nothing shown, exit 1"
cl -f "$fx" --session aaaa111
is "$(rows)" 2 "--session: a prefix selects every session it starts"
cl -f "$fx" --session bbbb2222000000000000000000000002
is "$(rows)" 4 "--session: the whole id"
cl -f "$fx" --since "2026-03-02 09:30" --until 2026-03-02T09:30:00.303Z
is "$(rows)" 1 "--since \"YYYY-MM-DD HH:MM\" --until RFC 3339: both inclusive"
cl -f "$fx" --since "2026-03-02 09:30" --until 2026-03-02T09:30:00.302Z
is "$rc" 1 "--until: a millisecond before the record excludes it"
cl -f "$fx" --since 2026-03-02T10:30:00+01:00 --until "2026-03-02 09:31"
is "$(rows)" 1 "--since with a zone offset"
cl -f "$fx" --verdict deny
is "$(rows)" 2 "--verdict deny: lines of which nothing ran"
cl -f "$fx" --verdict partial
is "$(rows)" 1 "--verdict partial"
cl -f "$fx" --verdict deny --event exec
is "$(rows)" 1 "--verdict deny --event exec: a command denied at run time"
has "cat /etc/shadow  [reason: cat: /etc/shadow: outside the allowed paths]" \
    "--event exec: argv and reason"
cl -f "$fx" --event session_refused
is "$(rows)" 1 "--event session_refused"
has "mallory     dddd4444  -        -       -         reason: mallory: no user entry in /etc/cagesh.conf" \
    "a refusal and its reason"
cl -f "$fx" --event session_end
has "reason: killed by signal 9; 2 processes left, killed" "session_end: signal and killed"
has "reason: lost: the session's root process went away" "session_end: lost"
has "reason: session time limit" "session_end: time limit"
for c in "git 1" "git-upload-pack 1" "bundle 1" "/usr/bin/bundle 1" \
    "/bin/bundle 0" "rm 1" "echo 3" "RAILS_ENV=production 0"; do
	cl -f "$fx" --command ${c% *}
	is "$(rows)" "${c#* }" "--command ${c% *}: ${c#* } lines (argv[0] after NAME=value words, basename)"
done
cl -f "$fx" --from 192.0.2.10
is "$(rows)" 1 "--from ADDR matches \"ADDR PORT\""
cl -f "$fx" --from "192.0.2.10 50022"
is "$(rows)" 1 "--from \"ADDR PORT\""
cl -f "$fx" --from 192.0.2.1
is "$rc" 1 "--from: an address is not a prefix"
cl -f "$fx" --from local
is "$(rows)" 1 "--from local"
cl -f "$fx" --user deploy --from local --command git-upload-pack --since 2026-03-02
is "$(rows)" 1 "filters combine"
cl -f "$fx" --user deploy --verdict deny
is "$rc" 1 "filters combine: none"

# relative times, on records made now
now_rec() {	# now_rec AGE LINE: a command record AGE ago
	printf '{"time":"%s","event":"command","session":"ffff0000000000000000000000000009","user":"zed","uid":1009,"from":"local","mode":"command","line_no":1,"cwd":"/","line":"%s","commands":[],"verdict":"allow","status":0,"duration_ms":1}\n' \
	    "$(date -u -d "-$1" +%Y-%m-%dT%H:%M:%S.000Z)" "$2"
}
{ now_rec "3 hours" old; now_rec "10 minutes" new; } > "$scratch/now.jsonl"
cl -f "$scratch/now.jsonl" --since 1h
is "$(rows) $(tail -1 "$out" | awk '{print $NF}')" "1 new" "--since 1h"
cl -f "$scratch/now.jsonl" --since 1d
is "$(rows)" 2 "--since 1d"
cl -f "$scratch/now.jsonl" --until 2h
is "$(rows) $(tail -1 "$out" | awk '{print $NF}')" "1 old" "--until 2h"
# (a record of this very second: "10 minutes ago" is yesterday just
# after midnight)
now_rec "0 seconds" fresh >> "$scratch/now.jsonl"
cl -f "$scratch/now.jsonl" --since today --until now
ok $(test "$(rows)" -ge 1; echo $?) "--since today --until now"

# --- a session as a timeline
cl -f "$fx" session bbbb
is "$rc" 0 "session: exit 0"
head -1 "$out" | grep -qF 'session bbbb2222000000000000000000000002: user alice (uid 1002), from 198.51.100.7 40000, mode interactive'
ok $? "session: the whole id, user, uid, from, mode"
has "  2026-03-01 11:00:00.000  start                                  from 198.51.100.7 40000, mode interactive  [warning: landlock: not supported by this kernel]" \
    "session: the start, with its warning"
has "! 2026-03-01 11:00:00.999  line 1      deny             0.001s    rm -rf / ; echo hi  (cwd /home/alice)" \
    "session: a denied line, marked, at the time it started"
has "! 2026-03-01 11:00:01.000    command   deny                       rm -rf /  [reason: rm: no rule for this program]" \
    "session: a line denied when judged shows each command, the denied one marked"
has "  2026-03-01 11:00:03.001    exec 2    allow    0       0.009s    ls  [rule: ls (/etc/cagesh.conf:30)]" \
    "session: an exec with its status and duration from the line's record"
has "! 2026-03-01 11:00:03.011    exec 3    deny                       cat /etc/shadow  [reason: cat: /etc/shadow: outside the allowed paths]" \
    "session: a command denied at run time, marked"
has 'exec 1    allow    0       0.000s    echo \x1b[31mred \xc2\x9b2J \xff \\x41 "two words" 2>&1  [rule: builtin echo]' \
    "session: argv words visible, quoted when they hold a space, and redirections"
sha=$(head -c 10000 /dev/zero | tr '\0' A | sha256sum | cut -c1-8)
has "AAAA…[cut: 10000 bytes, sha256 $sha]  [rule: builtin echo]" \
    "session: a cut value marked with its length and hash"
has "! 2026-03-01 11:00:04.513  end                  137               reason: killed by signal 9; 2 processes left, killed" \
    "session: the end, its status and reason"
visible "$out" "session: no raw control or C1 byte"
n=$(awk 'NR > 2' "$out" | grep -c .)
is "$n" 12 "session: one row per record (and per judged command)"
line=$(grep -n ' line 3 ' "$out" | cut -d: -f1)
exec2=$(grep -n ' exec 2 ' "$out" | cut -d: -f1)
ok $(test "$line" -lt "$exec2"; echo $?) "session: a line comes before the commands it ran"
cl -f "$fx" session aaaa1111
has "exec 2    allow    1       2.000s    RAILS_ENV=production /usr/bin/bundle exec rake db:migrate  [rule: bundle exec (/etc/cagesh.conf:20)]" \
    "session: the second command's status"
has "git pull origin main 1>out.txt" "session: a redirection with its fd"
has "end                  1                 normal end" "session: a normal end"
cl -f "$fx" session aaaa111
ok $(test $rc -eq 2 && grep -q 'aaaa111 also matches aaaa1112000000000000000000000005' "$err"; echo $?) \
    "session: an ambiguous prefix is said, exit 2"
cl -f "$fx" session 0123
ok $(test $rc -eq 1 && grep -q 'no session 0123' "$err"; echo $?) "session: no such session, exit 1"
cl -f "$fx" --verdict deny session bbbb
is "$(awk 'NR > 2' "$out" | grep -c '^!')" 3 "session with a filter: its denials only"

# --- summary
cl -f "$fx" summary
is "$rc" 0 "summary: exit 0"
has "Records:            23" "summary: records"
has "Sessions started:   4" "summary: sessions started"
has "Sessions refused:   1" "summary: refused"
has "Lines:              7 (allow 4, deny 2, partial 1)" "summary: lines by verdict"
has "Exec commands:      7 (allow 6, deny 1)" "summary: exec commands"
has "1         the shell killed by a signal" "summary: ends, killed by a signal"
has "1         lost (protocol broken, or root process gone)" "summary: ends, lost"
has "1         by the session time limit" "summary: ends, time limit"
has "2         with processes left and killed (3 processes)" "summary: processes killed"
has "  2         0         2         0         3         deploy" "summary: per user"
has "  1         cat: /etc/shadow: outside the allowed paths" "summary: denials by reason"
has "  2         0         echo" "summary: top commands"
has "  1         mallory: no user entry in /etc/cagesh.conf" "summary: refusals by reason"
cl -f "$fx" -n 2 summary
has "Top commands (exec records, by program name), top 2 of 6" "summary -n: top N, and of how many"
cl -f "$fx" --user alice summary
has "Lines:              4 (allow 2, deny 1, partial 1)" "summary with a filter"
cl -f "$fx" --json summary
json_ok "$out" "summary --json: one valid JSON object per row"
if [ $have_py = 1 ]; then
	python3 -c '
import json, sys
from check import check
rows = [json.loads(l) for l in open(sys.argv[1])]
t = rows[0]
check(t["summary"] == "totals" and t["records"] == 23 and t["lines"] == 7, t)
check(t["sessions_started"] == 4 and t["ended_lost"] == 1, t)
check(t["first"] == "2026-03-01T10:00:00.000Z", t)
u = {r["user"]: r for r in rows if r["summary"] == "user"}
check(u["alice"]["lines"] == 4 and u["alice"]["denied_lines"] == 2, u)
c = {r["command"]: r for r in rows if r["summary"] == "command"}
check(c["echo"]["count"] == 2 and c["cat"]["denied"] == 1, c)
' "$out"
	ok $? "summary --json: the counts"
fi

# --- --json: the records as they were read
for v in "" "--event exec" "session bbbb" "--user alice --verdict partial"; do
	# shellcheck disable=SC2086
	cl -f "$fx" --json $v
	json_ok "$out" "--json $v: valid JSON, one object a line"
	ok $(grep -vxFf "$fx" "$out" | grep -c . | grep -qx 0; echo $?) \
	    "--json $v: each line is a record of the log, byte for byte"
	visible "$out" "--json $v: no raw control or C1 byte"
done
cl -f "$fx" --json session bbbb
is "$(wc -l < "$out")" "$(grep -c '"session":"bbbb2222' "$fx")" \
    "session --json: every record of the session"

# --- lines that are not records
H='"time":"2026-03-04T10:00:00.000Z","event":"command","session":"eeee5555000000000000000000000006","user":"eve","uid":1005,"from":"local","mode":"command"'
rec() {	# rec LINE [EXTRA]: a command record whose line is LINE (JSON text)
	printf '{%s,"line_no":1,"cwd":"/","line":"%s","commands":[],"verdict":"allow","status":0,"duration_ms":5%s}\n' "$H" "$1" "$2"
}
bad=$scratch/bad.jsonl
{
	rec "first good"
	echo "garbage"
	echo
	rec "bool" ',"x":true'
	rec "frac" ',"x":1.5'
	rec "raw $(printf '\033')"
	rec "raw $(printf '\302\233')"
	rec "raw $(printf '\377')"
	rec 'lone \ud800'
	rec "dup" ',"user":"root"'
	rec "deep" ',"x":[[[[[[[[[]]]]]]]]]'
	rec "type" ',"line_no":"1"' | sed 's/"line_no":1,//'
	rec "missing" | sed 's/"uid":1005,//'
	rec "nowhere" ',"escaped":["/nowhere"]'
	rec 'bad \\q escape' ',"escaped":["/line"]'
	rec "sha" ',"cut":[{"path":"/line","length":100,"sha256":"xyz"}]'
	rec "short" ',"cut":[{"path":"/line","length":2,"sha256":"'"$(printf %064d 0)"'"}]'
	head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' x; echo
	rec 'smile \ud83d\ude00 \u001b'
	rec 'was escaped \\xff \\\\x41' ',"escaped":["/line"]'
	rec "last good"
	{ printf '{"x":['; yes 0, | head -n 2100000 | tr -d '\n'; echo '0]}'; }
	rec "torn" | head -c 150
} > "$bad"
cl -v -f "$bad"
is "$rc $(rows)" "0 4" "the records among lines that are not, read"
grep -q "^cagesh-log: 19 lines could not be read (first: $bad:2: not a JSON object)\$" "$err"
ok $? "unreadable lines counted on stderr, the first named" || diag "$(cat "$err")"
for w in "2: not a JSON object" "3: an empty line" \
    "4: true and false are not in a record" "5: a number that is not an integer" \
    "6: a raw control byte in a string" "7: a raw C1 control in a string" \
    "8: a string is not UTF-8" "9: a lone high surrogate" "10: a key twice in an object" \
    "11: nested too deep" "12: a field of the wrong type" \
    "13: a field every record has is missing" "14: an \"escaped\" entry that does not fit" \
    "15: an \"escaped\" entry that does not fit" "16: a \"cut\" entry that does not fit" \
    "17: a \"cut\" entry that does not fit" "18: longer than any record" \
    "22: more values than any record has" "23: a string is not closed"; do
	grep -qF "cagesh-log: $bad:$w" "$err"
	ok $? "-v: line $w"
done
has 'smile 😀 \x1b' "a surrogate pair decoded; an escaped control shown visible"
has 'was escaped \xff \\x41' "an \"escaped\" value decoded to its bytes, then shown visible"
visible "$out" "no raw control byte from lines that are not records"
cl -f "$bad" --json
json_ok "$out" "--json: only whole records, valid JSON"
cl -f "$bad" summary
has "Unreadable lines:   19" "summary: the unreadable count"

# --- several files, stdin, gzip
head -12 "$fx" > "$scratch/part1"
tail -n +13 "$fx" > "$scratch/part2"
cl -f "$fx"
cp "$out" "$scratch/whole.out"
cl -f "$scratch/part1" -f "$scratch/part2"
cmp -s "$out" "$scratch/whole.out"
ok $? "-f twice: the files read in turn, as one log"
"$L" -f - < "$fx" > "$out" 2> "$err"
cmp -s "$out" "$scratch/whole.out"
ok $? "-f -: stdin"
cl -f "$scratch/nonexistent"
ok $(test $rc -eq 2 && grep -q 'nonexistent: No such file' "$err"; echo $?) \
    "a file that cannot be opened: said, exit 2"
cl -f "$scratch"
is "$rc" 2 "a directory: exit 2"
if command -v gzip >/dev/null; then
	gzip -c "$scratch/part1" > "$scratch/part1.gz"
	if "$L" --help | grep -q 'gzip files are decompressed'; then
		cl -f "$scratch/part1.gz" -f "$scratch/part2"
		cmp -s "$out" "$scratch/whole.out"
		ok $? "a gzip file is read as the file it holds"
		head -c 300 "$scratch/part1.gz" > "$scratch/cut.gz"
		cl -f "$scratch/cut.gz"
		is "$rc" 2 "a gzip file cut short: an error, exit 2"
	else
		cl -f "$scratch/part1.gz"
		ok $(test $rc -eq 2 && grep -q 'without zlib' "$err"; echo $?) \
		    "built without zlib: a gzip file is refused, saying so"
	fi
fi

# --- follow, bounded: each wait at most 5 s, the process killed by pid
f=$scratch/follow.jsonl
fout=$scratch/follow.out
ferr=$scratch/follow.err
wait_for() {	# wait_for PATTERN: in $fout within 5 s
	local i
	for i in $(seq 50); do
		grep -qF -- "$1" "$fout" && return 0
		sleep 0.1
	done
	return 1
}
head -3 "$fx" > "$f"
"$L" -f "$f" follow > "$fout" 2> "$ferr" &
fpid=$!
( sleep 60; kill -KILL $fpid 2>/dev/null ) &
guard=$!
sleep 1
sed -n 4,5p "$fx" >> "$f"
wait_for "normal end"
ok $? "follow: a record appended is shown"
ok $(grep -c "rake db:migrate" "$fout" | grep -qx 1; echo $?) \
    "follow: records there before it started are not shown"
half=$(sed -n 6p "$fx")
printf '%s' "${half:0:80}" >> "$f"
sleep 0.5
printf '%s\n' "${half:80}" >> "$f"
wait_for "landlock: not supported"
ok $? "follow: a record written in two halves is shown once whole"
mv "$f" "$f.1"
sed -n 7p "$fx" > "$f"
wait_for "rm -rf / ; echo hi"
ok $? "follow: after a rotation, the new file is followed"
sed -n 8,9p "$fx" >> "$f.1"
wait_for "two words"
ok $? "follow: the rotated file is read on (sessions still write to it)"
: > "$f"
sleep 0.5
sed -n 20p "$fx" >> "$f"
wait_for "mallory"
ok $? "follow: a truncated file is read again from its start"
rm "$f"
mkdir "$f"
sleep 1
rmdir "$f"
sed -n 21p "$fx" > "$f"
wait_for "bob"
ok $? "follow: a path that is for a while not a file, then a new file"
is "$(grep -c 'Is a directory' "$ferr")" 1 "follow: what cannot be read is said once"
grep -q "a new file; following it" "$ferr" && grep -q "truncated" "$ferr"
ok $? "follow: the rotation and the truncation said on stderr"
kill -INT $fpid
for i in $(seq 50); do kill -0 $fpid 2>/dev/null || break; sleep 0.1; done
wait $fpid
frc=$?
kill $guard 2>/dev/null
is "$frc" 0 "follow: SIGINT ends it, exit 0"
head -1 "$fout" | grep -q '^TIME  *USER  *SESSION  *EVENT  *VERDICT'
ok $? "follow: rows of every kind, with an EVENT column"
is "$(tail -n +2 "$fout" | wc -l)" 8 "follow: each record once"
ok $(grep -q "could not be read" "$ferr"; test $? -ne 0; echo $?) \
    "follow: no half record counted as unreadable"
visible "$fout" "follow: no raw control or C1 byte"

head -3 "$fx" > "$f"
"$L" -f "$f" --json --event exec follow > "$fout" 2> "$ferr" &
fpid=$!
sleep 1
cat "$fx" >> "$f"
wait_for '"cmd_no":4'
kill -TERM $fpid
wait $fpid
is "$?" 0 "follow --json --event exec: SIGTERM ends it, exit 0"
is "$(wc -l < "$fout")" 7 "follow --json --event exec: the exec records appended"
json_ok "$fout" "follow --json: valid JSON"

half=$(sed -n 4p "$fx")
{ head -3 "$fx"; printf '%s' "${half:0:100}"; } > "$f"
"$L" -f "$f" follow > "$fout" 2> "$ferr" &
fpid=$!
sleep 1
{ printf '%s\n' "${half:100}"; sed -n 5p "$fx"; } >> "$f"
wait_for "normal end"
kill -INT $fpid
wait $fpid
is "$?:$(tail -n +2 "$fout" | wc -l):$(grep -c 'could not be read' "$ferr")" \
    "0:1:0" "follow: a record half-written when it started is not shown, nor counted"

# --- it lends no privilege
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    ! findmnt -no OPTIONS -T "$scratch" 2>/dev/null | grep -q nosuid; then
	cp "$L" "$scratch/suid-log"
	chmod 4755 "$scratch/suid-log"
	chmod 755 "$scratch"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$scratch/suid-log" -f "$fx" > "$out" 2> "$err"
	ok $(test $? -eq 2 && grep -q 'must not be setuid' "$err" &&
	    test ! -s "$out"; echo $?) "setuid: refuses to run, reads nothing"
	chmod 700 "$scratch"
fi

done_testing
