#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The compiled config (src/confcache.c) in real setuid sessions: the
# first session writes it (root's, 0600), the next ones read it, and it
# never gives another answer than the file.  A change to the file that
# keeps its size and time stamps is seen at once; a cache that is not
# root's alone (owner, mode, a second link, a symlink, a directory
# others may write), or damaged, or for other bytes, is not used; many
# sessions writing it at once leave one sound cache; a full disk or no
# cache directory costs only speed.  A forged cache is
# written by tests/cc-forge: the rules of a config that allows whoami,
# claiming the digest of one that does not.  Skips without root.
. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$top_builddir/tests/cc-forge" ] || skip_all "no tests/cc-forge"
[ -n "${CAGESH_CACHEDIR:-}" ] || skip_all "CAGESH_CACHEDIR is not set"
. "$top_srcdir/tests/e2e-setup.sh"
caged_test_begin cagesh-cc python3 setpriv useradd timeout
caged_test_user ccu$$
dir=$CAGESH_CACHEDIR
cache=$dir/conf.cache

# Two configs of the same size: A has a rule for whoami, B has the
# same bytes but for the rule's name (whoamX, no such program).
python3 - "$conf_path" "$work/A.conf" "$work/B.conf" <<'PY'
import sys
src, a, b = sys.argv[1:4]
s = open(src).read()
i = s.index("  capistrano = {")
j = s.index("    commands = {", i) + len("    commands = {\n")
rule = '      %s = { operands = []; };\n'
open(a, "w").write(s[:j] + rule % "whoami" + s[j:])
open(b, "w").write(s[:j] + rule % "whoamX" + s[j:])
PY
[ "$(stat -c %s "$work/A.conf")" = "$(stat -c %s "$work/B.conf")" ] ||
    { echo "Bail out! the two configs differ in size"; exit 1; }
cp "$work/A.conf" "$conf_path" && chmod 644 "$conf_path"
out=$("$CAGESH_JAIL" --config "$conf_path" init --cage "$cage" 2>&1)
ok $? "cagesh-jail init builds the cage" || diag "$out"

run() {	# run LINE: a session as the user; sets out, st
	(cd / && timeout 60 setpriv --reuid="$u" --regid="$gid" \
	    --init-groups "$bin" -c "$1" > "$work/out" 2>&1 </dev/null)
	st=$?
	out=$(cat "$work/out")
}
# the config as A or B, with the same size and time stamps as before
put() {	# put A|B
	cp "$work/$1.conf" "$conf_path" &&
	    touch -d '2026-01-01 00:00:00' "$conf_path"
}
allowed() {	# allowed WHY: whoami ran
	run whoami
	[ $st = 0 ] && [ "$out" = "$u" ]
	ok $? "$1" || diag "exit $st: $out"
}
denied() {	# denied WHY: whoami was refused
	run whoami
	[ $st = 126 ]
	ok $? "$1" || diag "exit $st: $out"
}

rm -f "$cache" "$dir/conf.cache.new"
put A
allowed "whoami runs under config A (no cache yet)"
[ -f "$cache" ] && [ "$(stat -c '%u %a %h' "$cache")" = "0 600 1" ]
ok $? "the session wrote the compiled config: root's, 0600, one link" ||
    diag "$(ls -l "$dir" 2>&1)"
[ ! -e "$dir/conf.cache.new" ]
ok $? "and left no temporary file"
ino=$(stat -c %i "$cache")
allowed "whoami runs again (from the cache)"
[ "$(stat -c %i "$cache")" = "$ino" ]
ok $? "the second session read the cache and did not write it again"
run bash
[ $st = 126 ]
ok $? "what the file denies, the cache denies (bash: exit $st)"

# The same size, the same mtime: only the bytes differ.
put B
denied "config B (same size and mtime as A) is used at once: whoami denied"
[ "$(stat -c %i "$cache")" != "$ino" ]
ok $? "and the cache was made again, from B"
put A
allowed "back to A: whoami runs"

# A forged cache: A's rules, B's digest.  Only the checks on the file
# keep it out; root's own 0600 file is trusted (root wrote it).
put B
forge() {
	"$top_builddir/tests/cc-forge" "$work/A.conf" "$conf_path" \
	    "$conf_path" "$work/forged" || exit 1
	rm -f "$cache"
	cp "$work/forged" "$cache" && chmod 600 "$cache"
}
forge
chown "$u" "$cache"
denied "a cache owned by the user is not used (B's verdict: denied)"
forge
chmod 644 "$cache"
denied "a cache others may read (0644) is not used"
forge
chown 0:"$gid" "$cache"
chmod 660 "$cache"
denied "a cache its group may write is not used"
forge
ln "$cache" "$work/second-link"
denied "a cache with a second link is not used"
rm -f "$work/second-link"
forge
mv "$cache" "$work/forged-target"
ln -s "$work/forged-target" "$cache"
denied "a symlink in the cache's place is not followed"
rm -f "$cache" "$work/forged-target"
forge
chmod 775 "$dir"
denied "a cache in a directory others may write is not used"
cmp -s "$cache" "$work/forged"
ok $? "and nothing is written there"
chmod 755 "$dir"
forge
allowed "the same forged file, root's 0600 in root's directory: used (only root can put it there)"
put B
rm -f "$cache"

# Damaged caches: garbage, cut short, a byte changed.
head -c 5000 /dev/urandom > "$work/random"
cp "$work/random" "$cache" && chmod 600 "$cache"
denied "a cache of random bytes is not used"
[ -s "$cache" ] && ! cmp -s "$cache" "$work/random"
ok $? "and a sound one took its place"
cp "$work/forged" "$cache" && truncate -s -10 "$cache"
denied "a forged cache cut short is not used"
cp "$work/forged" "$cache"
printf 'x' | dd of="$cache" bs=1 seek=2000 conv=notrunc 2>/dev/null
denied "a forged cache with a byte changed is not used (its checksum)"

# Many sessions at once after an edit: each writes the cache (one of
# them last); all run, and what stays is one sound cache and no
# temporary file.
put A
rm -f "$cache"
pids=
for i in $(seq 1 16); do
	(cd / && timeout 60 setpriv --reuid="$u" --regid="$gid" \
	    --init-groups "$bin" -c whoami > "$work/par.$i" 2>&1 </dev/null
	    echo $? >> "$work/par.$i") &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
bad=0
for i in $(seq 1 16); do
	[ "$(cat "$work/par.$i")" = "$(printf '%s\n0' "$u")" ] || bad=$((bad + 1))
done
[ $bad = 0 ]
ok $? "16 sessions at once after an edit all run ($bad did not)" ||
    diag "$(cat "$work/par.1")"
[ -f "$cache" ] && [ ! -e "$dir/conf.cache.new" ] &&
    [ "$(stat -c '%u %a %h' "$cache")" = "0 600 1" ]
ok $? "and leave one cache, root's 0600, and no temporary file" ||
    diag "$(ls -la "$dir")"
ino=$(stat -c %i "$cache")
allowed "the next session reads it"
[ "$(stat -c %i "$cache")" = "$ino" ]
ok $? "without writing it again (it is sound)"

# No room: a session runs, and leaves nothing half-written.
if mount -t tmpfs -o size=4k,mode=755 cagesh-test "$dir" 2>/dev/null; then
	allowed_b() { run "true"; [ $st = 0 ]; }
	allowed_b
	ok $? "on a full cache directory the session still runs" ||
	    diag "exit $st: $out"
	[ -z "$(ls -A "$dir")" ]
	ok $? "and leaves no file there" || diag "$(ls -la "$dir")"
	umount "$dir"
else
	ok 0 "# SKIP cannot mount a tmpfs on $dir"
	ok 0 "# SKIP cannot mount a tmpfs on $dir"
fi

# No cache directory: nothing is made.
mv "$dir" "$dir.away"
run "true"
[ $st = 0 ] && [ ! -e "$dir" ]
ok $? "without the cache directory the session runs and makes none" ||
    diag "exit $st: $out"
mv "$dir.away" "$dir"

done_testing
