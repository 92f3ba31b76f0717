#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Audit completeness after a load run (BENCHMARKS.md, item 4): every
line of the log must be exactly one JSON object (a torn line does not
parse; an interleaved one holds more than one object or a stray byte),
and every line the load sent must have exactly one command record, in a
session with its session_start and session_end.

usage: audit-check.py [--json OUT] LOG TAG SESSIONS COMMANDS
"""
import argparse
import collections
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("log")
    ap.add_argument("tag")
    ap.add_argument("sessions", type=int)
    ap.add_argument("commands", type=int)
    a = ap.parse_args()

    data = open(a.log, "rb").read()
    lines = data.split(b"\n")
    unterminated = 1 if lines and lines[-1] != b"" else 0
    if lines and lines[-1] == b"":
        lines.pop()
    torn = interleaved = 0
    dec = json.JSONDecoder()
    recs = []
    for ln in lines:
        s = ln.decode("utf-8", errors="replace")
        try:
            obj, end = dec.raw_decode(s)
        except ValueError:
            torn += 1
            continue
        if s[end:].strip() or not isinstance(obj, dict):
            interleaved += 1
            continue
        recs.append(obj)

    events = collections.defaultdict(lambda: collections.Counter())
    seen = collections.Counter()
    bad_status = 0
    for r in recs:
        events[r.get("session")][r.get("event")] += 1
        if r.get("event") == "command" and r.get("line", "").startswith(
                "echo %s-" % a.tag):
            seen[r["line"]] += 1
            if r.get("verdict") != "allow" or r.get("status") != 0:
                bad_status += 1
    want = ["echo %s-%d-%d" % (a.tag, i, j)
            for i in range(a.sessions) for j in range(a.commands)]
    missing = sum(1 for w in want if seen[w] == 0)
    dup = sum(c - 1 for c in seen.values() if c > 1)
    incomplete = sum(1 for s, ev in events.items()
                     if ev["command"] and (ev["session_start"] != 1 or
                                           ev["session_end"] != 1))
    res = {"log_lines": len(lines), "expected": len(want),
           "found": sum(seen.values()), "missing": missing,
           "duplicated": dup, "torn": torn + unterminated,
           "interleaved": interleaved, "incomplete_sessions": incomplete,
           "not_allowed_or_failed": bad_status,
           "sessions_started": sum(ev["session_start"]
                                   for ev in events.values()),
           "sessions_ended": sum(ev["session_end"]
                                 for ev in events.values())}
    print("audit: %(expected)d command records expected, %(found)d found "
          "(%(missing)d missing, %(duplicated)d duplicated); %(log_lines)d "
          "lines: %(torn)d torn, %(interleaved)d interleaved; "
          "%(incomplete_sessions)d sessions without start or end" % res)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    ok = (missing == 0 and dup == 0 and torn + unterminated == 0 and
          interleaved == 0 and incomplete == 0 and bad_status == 0)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
