# SPDX-License-Identifier: GPL-3.0-or-later
#
# auditlog.py: the root tests' strict reader of the JSON-lines audit
# log.  records(path, since) fails (with the offending line) unless
# every line after the first since lines (the earlier checks') is one
# JSON object of at most RECORD_MAX bytes (the environment's; default
# the largest cap) with the fields every record has, and the file ends
# with a newline.
import json, os, sys
from check import check
RECORD_MAX = int(os.environ.get("RECORD_MAX", 16 * 1024 * 1024))
COMMON = ("time", "event", "session", "user", "uid", "from", "mode")

def records(path, since=0):
    data = open(path, "rb").read()
    check(data == b"" or data.endswith(b"\n"),
        "the log does not end with a newline: %r" % data[-200:])
    out = []
    for n, raw in enumerate(data.split(b"\n")[:-1], 1):
        if n <= since:
            continue
        try:
            r = json.loads(raw.decode("utf-8"))
        except ValueError as e:
            raise AssertionError("line %d: %s: %r" % (n, e, raw[:300]))
        check(isinstance(r, dict), (n, r))
        check(len(raw) + 1 <= RECORD_MAX,
            "line %d is %d bytes: %s" % (n, len(raw) + 1, show(r)))
        for k in COMMON:
            check(k in r, "line %d has no %s: %s" % (n, k, show(r)))
        out.append(r)
    return out

def short(v):	# long strings shown by their start and length
    if isinstance(v, str) and len(v) > 80:
        return v[:40] + "...(%d chars)" % len(v)
    if isinstance(v, list):
        return [short(x) for x in v]
    if isinstance(v, dict):
        return {k: short(x) for k, x in v.items()}
    return v

def show(r):
    return json.dumps(short(r), ensure_ascii=False)

def show_all(recs):
    return "\n" + "\n".join(show(r) for r in recs)

def pointer(rec, path):	# RFC 6901
    v = rec
    for p in path.split("/")[1:]:
        p = p.replace("~1", "/").replace("~0", "~")
        v = v[int(p)] if isinstance(v, list) else v[p]
    return v

def execs(recs, argv0=None):
    return [r for r in recs if r["event"] == "exec" and
            (argv0 is None or r["argv"][:1] == [argv0])]

def one(recs, what):
    check(len(recs) == 1, "%d %s:%s" % (len(recs), what, show_all(recs)))
    return recs[0]

sys.excepthook = lambda t, v, tb: print("%s: %s" % (t.__name__, v))
