#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time commands side by side: every round runs each command once, in a
rotating order, BATCH times over; the figure of a command is the median
of all its runs, its ratio the median over rounds of (its round median /
the baseline's round median).  Each run is posix_spawn + wait4 with
stdin, stdout and stderr on /dev/null.  Every run must exit 0.  (No
peak RSS here: a process spawned by python inherits python's in its
ru_maxrss; bench/rss.py measures memory.)

usage: timeit.py [--rounds R] [--batch B] [--baseline NAME] [--json OUT]
                 SPEC.json
SPEC.json: [{"name": "...", "argv": ["/abs/path", ...], "vs": NAME}, ...]
("vs", optional: the command this one's ratio is taken against; default
the baseline; "vs2", optional: a second one, ratio2 in the results, as
for a build against the one before it).  --nofile N sets the soft fd limit the commands inherit.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time


def spawn(argv, fds):
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, fds[0], 0),
        (os.POSIX_SPAWN_DUP2, fds[1], 1),
        (os.POSIX_SPAWN_DUP2, fds[2], 2)])
    _, status, _ = os.wait4(pid, 0)
    t1 = time.perf_counter_ns()
    return (t1 - t0) / 1e6, os.waitstatus_to_exitcode(status)


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--baseline")
    ap.add_argument("--json")
    ap.add_argument("--nofile", type=int)
    ap.add_argument("spec")
    a = ap.parse_args()
    if a.nofile:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (a.nofile, hard))
    spec = json.load(open(a.spec))
    names = [c["name"] for c in spec]
    base = a.baseline or names[0]

    # Each command once, output shown: it must work before it is timed.
    for c in spec:
        r = subprocess.run(c["argv"], stdin=subprocess.DEVNULL,
                           capture_output=True)
        if r.returncode != 0:
            sys.exit("timeit: %s exits %d: %s" % (
                c["name"], r.returncode,
                (r.stderr or r.stdout).decode(errors="replace")[:500]))

    null_r = os.open("/dev/null", os.O_RDONLY)
    null_w = os.open("/dev/null", os.O_WRONLY)
    fds = (null_r, null_w, null_w)
    samples = {n: [] for n in names}
    rounds = []
    for r in range(a.rounds):
        per = {n: [] for n in names}
        for b in range(a.batch):
            k = (r * a.batch + b) % len(spec)
            for c in spec[k:] + spec[:k]:
                ms, st = spawn(c["argv"], fds)
                if st != 0:
                    sys.exit("timeit: %s exited %d (round %d)" % (
                        c["name"], st, r))
                per[c["name"]].append(ms)
        rounds.append({n: statistics.median(v) for n, v in per.items()})
        for n in names:
            samples[n] += per[n]

    res = {"rounds": a.rounds, "batch": a.batch, "baseline": base,
           "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
           "commands": {}}
    for c in spec:
        n = c["name"]
        vs = c.get("vs", base)
        ratios = [rd[n] / rd[vs] for rd in rounds]
        res["commands"][n] = {
            "argv": c["argv"],
            "median_ms": statistics.median(samples[n]),
            "p25_ms": q(samples[n], 0.25),
            "p75_ms": q(samples[n], 0.75),
            "min_ms": min(samples[n]),
            "runs": len(samples[n]),
            "vs": vs,
            "ratio": statistics.median(ratios),
            "ratio_p25": q(ratios, 0.25),
            "ratio_p75": q(ratios, 0.75),
        }
        if "vs2" in c:
            r2 = [rd[n] / rd[c["vs2"]] for rd in rounds]
            res["commands"][n].update({
                "vs2": c["vs2"], "ratio2": statistics.median(r2),
                "ratio2_p25": q(r2, 0.25), "ratio2_p75": q(r2, 0.75)})
    print("fd limit %d, %d rounds x %d runs" % (res["nofile"], a.rounds,
                                                 a.batch))
    print("%-26s %9s %9s %9s %7s %s" % (
        "command", "median", "p25", "p75", "ratio", "vs"))
    for n in names:
        c = res["commands"][n]
        print("%-26s %7.3fms %7.3fms %7.3fms %7.2f %s%s" % (
            n, c["median_ms"], c["p25_ms"], c["p75_ms"], c["ratio"],
            c["vs"], "; %.3f x %s (p25-p75 %.3f-%.3f)" % (
                c["ratio2"], c["vs2"], c["ratio2_p25"], c["ratio2_p75"])
            if "vs2" in c else ""))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
