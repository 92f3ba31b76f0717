#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Rails corpus (tests/rails/corpus/*.lines, real plugin lines; README
# there) through cagesh --explain with the shipped etc/cagesh.conf: the
# core-* scenarios under the capistrano profile, every other one under
# rails.  Every line must be allowed, or match an entry of
# tests/rails/expected-denials (an admin action, or a denial with its
# reason).  Then again with the config's commented-out example actions
# put into the rails profile: every action line must run as an action.
# One TAP line per scenario and per entry; the numbers as diagnostics.  No root: the config's users become the current user,
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

# not exec: the EXIT trap of lib.sh removes $scratch
python3 - "$CAGESH" "$scratch" "$me" "$base" \
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

# A config with `actions` (not commented out) means the shipped profiles
# have actions: action lines must then be allowed as actions.
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

# The commented-out example actions of the config, put into the rails
# profile: then every action line must run as an action.
def with_actions(path):
    t = open(path, encoding="utf-8").read()
    a = t.find("    # actions = (")
    r = t.find("  rails = {")
    if a == -1 or r == -1 or t.find("    commands = {", r) == -1:
        return None
    block = []
    for l in t[a:].splitlines():
        if not l.startswith("    #"):
            break
        block.append(re.sub(r"^    # ?", "    ", l))
    c = t.find("    commands = {", r)
    out = os.path.join(scratch, "rails-actions.conf")
    open(out, "w", encoding="utf-8").write(t[:c] + "\n".join(block) +
                                           "\n" + t[c:])
    return out

seen = {}
def explain(conf, line):
    k = (conf, line)
    if k not in seen:
        p = subprocess.run([cagesh, "--config", conf, "--explain", user,
                            "--", line], capture_output=True, text=True,
                           errors="surrogateescape")
        seen[k] = (p.returncode, p.stdout + p.stderr)
    return seen[k]

def run(label, confs, actions):
    totals = {}
    for f in files:
        name = os.path.basename(f)[:-len(".lines")]
        profile = "capistrano" if name.startswith("core-") else "rails"
        if profile not in confs:
            continue
        allowed = action = denied = 0
        bad = []
        for line in lines_of(f):
            rc, out = explain(confs[profile], line)
            m = [e for e in exp if e["re"].fullmatch(line)]
            if len(m) > 1:
                bad.append("%d entries match: %s" % (len(m), line))
                continue
            e = m[0] if m else None
            if e is not None and e["kind"] == "action" and actions:
                if rc == 0 and " -- action " in out:
                    e["used"] += 1
                    action += 1
                else:
                    bad.append("not an action (expected-denials:%d): %s"
                               "\n  %s" % (e["at"], line, out.strip()))
                continue
            if rc == 0:
                allowed += 1
                continue
            if e is None:
                bad.append("denied, in no entry: %s\n  %s" % (line,
                           out.strip().replace("\n", "\n  ")))
                continue
            e["used"] += 1
            if e["why"] not in out:
                bad.append("denied without '%s' (expected-denials:%d): %s"
                           "\n  %s" % (e["why"], e["at"], line, out.strip()))
            elif e["kind"] == "action":
                action += 1
            else:
                denied += 1
        t = totals.setdefault(profile, [0, 0, 0, 0])
        for k, v in enumerate((allowed + action + denied + len(bad),
                               allowed, action, denied)):
            t[k] += v
        tap(not bad, "%s, %s (%s): %d lines, %d allowed, %d actions, %d "
            "denied as expected" % (label, name, profile, allowed + action +
                                    denied + len(bad), allowed, action,
                                    denied), bad)
    for e in exp:
        tap(e["used"] > 0, "%s: expected-denials:%d (%s) matches a line"
            % (label, e["at"], e["kind"]))
        e["used"] = 0
    for p, t in sorted(totals.items()):
        print("# %s, %s: %d lines, %d allowed, %d actions, %d denied" %
              ((label, p) + tuple(t)))

run("shipped", {"capistrano": os.path.join(scratch, "capistrano.conf"),
                "rails": os.path.join(scratch, "rails.conf")}, actions)
ac = with_actions(os.path.join(scratch, "rails.conf"))
if ac is None:
    print("ok %d - # SKIP the config has no commented-out example actions"
          % (n + 1))
    n += 1
elif not actions:
    run("example actions", {"rails": ac}, True)
print("1..%d" % n)
sys.exit(1 if failed or n == 0 else 0)
PY
