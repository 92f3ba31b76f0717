#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Peak resident memory (BENCHMARKS.md, item 6), as GNU time's %M: the
largest ru_maxrss of the command's process tree.  Each run is spawned
by /usr/bin/time, not by this script: ru_maxrss carries over the memory
of whatever process forked and exec'ed the command, and time is small
where python is not.  The floor (/bin/true under time) shows what is
left of that.  For cagesh-bench (cagesh with the marks of
include/bench.h) the marks give the privileged parent's, the
monitor's and the caged child's own ru_maxrss: the monitor's and the
child's are their own since fork; the parent's includes the floor.  The commands are interleaved; medians over RUNS.

usage: rss.py [--runs N] [--json OUT] NAME=SPEC.json
SPEC.json: [{"name": "...", "argv": [...], "marks": false}, ...]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json")
    ap.add_argument("spec")
    a = ap.parse_args()
    spec = json.load(open(a.spec))
    res = {c["name"]: {"argv": c["argv"], "tree": [], "parent": [],
                       "child": [], "monitor": []} for c in spec}
    with tempfile.NamedTemporaryFile() as tf:
        for r in range(a.runs):
            for c in spec[r % len(spec):] + spec[:r % len(spec)]:
                p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o",
                                    tf.name] + c["argv"],
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
                tree = int(open(tf.name).read().split()[-1])
                x = res[c["name"]]
                x["tree"].append(tree)
                if c.get("marks"):
                    m = {}
                    for ln in p.stderr.decode(errors="replace").splitlines():
                        w = ln.split()
                        if len(w) == 5 and w[0] == "cagesh-bench":
                            m[w[1]] = int(w[4])
                    if "end" not in m or "judge" not in m:
                        sys.exit("rss: %s: no marks: %s" % (
                            c["name"], p.stderr[:300]))
                    x["parent"].append(m["end"])
                    x["child"].append(m.get("exec", m["judge"]))
                    if "monitor_end" in m:
                        x["monitor"].append(m["monitor_end"])
    out = {}
    print("peak RSS, kB (median of %d runs)" % a.runs)
    for n, x in res.items():
        out[n] = {"argv": x["argv"], "tree_kb": statistics.median(x["tree"])}
        if x["parent"]:
            out[n]["parent_kb"] = statistics.median(x["parent"])
            out[n]["child_kb"] = statistics.median(x["child"])
        if x["monitor"]:
            out[n]["monitor_kb"] = statistics.median(x["monitor"])
        print("  %-34s tree %6d%s" % (n, out[n]["tree_kb"], (
            "  parent %d  caged child %d" % (out[n]["parent_kb"],
                                             out[n]["child_kb"])
            if x["parent"] else "")))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"runs": a.runs, "commands": out}, f, indent=1)


if __name__ == "__main__":
    main()
