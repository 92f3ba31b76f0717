#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Rails corpus (tests/rails/corpus/*.lines, real plugin lines; README
# there) through cagesh --explain with the shipped etc/cagesh.conf: the
# core-* scenarios under the capistrano profile, every other one under
# rails.  Every line must be allowed, or match an entry of
# tests/rails/expected-denials (an admin action, or a denial with its
# reason).  One TAP line per scenario and per entry; the numbers as
# diagnostics.  No root: the config's users become the current user,
# whose cage path does not exist (programs named by path are matched
# by the profile's path alone).
. "${top_srcdir:-.}/tests/lib.sh"

base=${CASES_CONF:-$top_srcdir/etc/cagesh.conf}
[ -r "$base" ] || { echo "not ok 1 - cannot read $base"; echo "1..1"; exit 1; }
command -v python3 >/dev/null || skip_all "no python3"

for p in capistrano rails; do
	awk -v me="$me" -v p="$p" '
	!found && /^users[ \t]*=[ \t]*\(/ {
		print
		printf("  { user = \"%s\"; cage = \"/nonexistent/cagesh-corpus\";" \
		    " home = \"/home/deploy\"; profile = \"%s\"; }\n);\n", me, p)
		found = skip = 1
		next
	}
	skip { next }
	{ print }
	END { exit !found }' "$base" > "$scratch/$p.conf" ||
	    { echo "not ok 1 - no 'users = (' in $base"; echo "1..1"; exit 1; }
done

exec python3 - "$CAGESH" "$scratch" "$me" "$base" \
    "$top_srcdir/tests/rails/expected-denials" \
    "$top_srcdir"/tests/rails/corpus/*.lines <<'PY'
import json, os, re, subprocess, sys

cagesh, scratch, user, base, expfile = sys.argv[1:6]
files = sys.argv[6:]
n = failed = 0

def tap(good, desc, diags=()):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if good else "not ", n, desc))
    if not good:
        failed += 1
    for d in diags:
        for l in str(d).splitlines():
            print("# " + l)

def lines_of(path):
    for l in open(path, encoding="utf-8", errors="surrogateescape"):
        l = l.rstrip("\n")
        if l.startswith("#"):
            continue
        yield json.loads(l[1:]) if l.startswith("%") else l

# A config with `actions` somewhere means they exist: action lines must
# then be allowed.
actions = re.search(r"^\s*actions\s*=", open(base).read(), re.M) is not None

exp = []
for i, l in enumerate(open(expfile, encoding="utf-8"), 1):
    l = l.rstrip("\n")
    if not l or l.startswith("#"):
        continue
    f = l.split("\t")
    if len(f) != 3 or f[0] not in ("action", "deny"):
        tap(False, "expected-denials:%d: not KIND<TAB>ERE<TAB>WHY" % i)
        continue
    try:
        exp.append({"at": i, "kind": f[0], "re": re.compile(f[1]),
                    "why": f[2], "used": 0})
    except re.error as e:
        tap(False, "expected-denials:%d: %s" % (i, e))

seen = {}
def explain(profile, line):
    k = (profile, line)
    if k not in seen:
        p = subprocess.run([cagesh, "--config",
                            os.path.join(scratch, profile + ".conf"),
                            "--explain", user, "--", line],
                           capture_output=True, text=True,
                           errors="surrogateescape")
        seen[k] = (p.returncode, p.stdout + p.stderr)
    return seen[k]

totals = {}
for f in files:
    name = os.path.basename(f)[:-len(".lines")]
    profile = "capistrano" if name.startswith("core-") else "rails"
    allowed = action = denied = 0
    bad = []
    for line in lines_of(f):
        rc, out = explain(profile, line)
        m = [e for e in exp if e["re"].fullmatch(line)]
        if rc == 0:
            allowed += 1
            continue
        if len(m) != 1:
            bad.append("%s entries match: %s\n  %s" % (len(m), line,
                       out.strip().replace("\n", "\n  ")))
            continue
        e = m[0]
        e["used"] += 1
        if e["kind"] == "action" and actions:
            bad.append("an action line is not allowed (expected-denials:"
                       "%d): %s\n  %s" % (e["at"], line, out.strip()))
        elif e["why"] not in out:
            bad.append("denied without '%s' (expected-denials:%d): %s\n  %s"
                       % (e["why"], e["at"], line, out.strip()))
        elif e["kind"] == "action":
            action += 1
        else:
            denied += 1
    t = totals.setdefault(profile, [0, 0, 0, 0])
    for k, v in enumerate((allowed + action + denied + len(bad), allowed,
                           action, denied)):
        t[k] += v
    tap(not bad, "%s (%s): %d lines, %d allowed, %d actions, %d denied as "
        "expected" % (name, profile, allowed + action + denied + len(bad),
                      allowed, action, denied), bad)
for e in exp:
    tap(e["used"] > 0 or (e["kind"] == "action" and actions),
        "expected-denials:%d (%s) matches a denied line" % (e["at"],
                                                           e["kind"]))
for p, t in sorted(totals.items()):
    print("# %s: %d lines, %d allowed, %d actions, %d denied" % ((p,) + tuple(t)))
print("1..%d" % n)
sys.exit(1 if failed or n == 0 else 0)
PY
