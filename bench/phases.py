#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a cagesh session's time goes: run bench/cagesh-bench (cagesh
with the marks of include/bench.h) RUNS times, alternating with the
plain cagesh so that the marks' own cost shows as a ratio, and cut each
session into phases on one CLOCK_MONOTONIC timeline: the spawn and the
reap are taken here, every other point is a mark of the parent or of
the caged child.

usage: phases.py --bench BIN --plain BIN [--runs N] [--nofile N]
                 [--json OUT] LINE
"""
import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time

# (phase, from mark, to mark, group); the marks in session order.
PHASES = [
    ("exec of cagesh, ld.so, libc start", "spawn", "main", "exec"),
    ("fds closed (closefrom to the fd limit), env, id", "main", "begin",
     "closefrom"),
    ("user lookup (getpwuid, getgrouplist)", "begin", "identify", "config"),
    ("config: open, fstat, libconfig, regcomp", "identify", "config",
     "config"),
    ("audit log open", "config", "log_open", "log"),
    ("fork of the monitor", "log_open", "monitor", "exec"),
    ("PAM: acct_mgmt, setcred, open_session", "monitor", "pam_open", "pam"),
    ("go to the monitor, its socketpair and fork", "pam_open", "fork",
     "cage"),
    ("child closes fds (to the fd limit)", "fork", "child", "closefrom"),
    ("cage walk, chroot", "child", "cage", "cage"),
    ("privilege drop and checks", "cage", "priv", "cage"),
    ("session_start record (round trip)", "priv", "started", "log"),
    ("parse and judge the line", "started", "judge", "exec"),
    ("run the line (exec record, builtin or fork+exec+wait)", "judge",
     "exec", "exec"),
    ("command and session_end records, exits, waitpid", "exec", "run",
     "log"),
    ("PAM: close_session, setcred, end", "run", "end", "pam"),
    ("exit and reap", "end", "reap", "exec"),
]

GROUPS = ["exec", "closefrom", "config", "pam", "cage", "log"]


def run(argv, out_fd, err_fd, null_r):
    t0 = time.monotonic_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, null_r, 0),
        (os.POSIX_SPAWN_DUP2, out_fd, 1),
        (os.POSIX_SPAWN_DUP2, err_fd, 2)])
    _, status, _ = os.wait4(pid, 0)
    t1 = time.monotonic_ns()
    return t0, t1, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--plain", required=True)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--json")
    ap.add_argument("--nofile", type=int)
    ap.add_argument("line")
    a = ap.parse_args()
    if a.nofile:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (a.nofile, hard))

    null_r = os.open("/dev/null", os.O_RDONLY)
    null_w = os.open("/dev/null", os.O_WRONLY)
    plain_ms, bench_ms, ratios, runs = [], [], [], []
    with tempfile.TemporaryFile() as f:
        for i in range(a.runs):
            t0, t1, st = run([a.plain, "-c", a.line], null_w, null_w,
                                null_r)
            if st != 0:
                sys.exit("phases: cagesh exited %d" % st)
            plain_ms.append((t1 - t0) / 1e6)
            f.seek(0)
            f.truncate()
            t0, t1, st = run([a.bench, "-c", a.line], null_w,
                                       f.fileno(), null_r)
            if st != 0:
                f.seek(0)
                sys.exit("phases: cagesh-bench exited %d: %s" % (
                    st, f.read().decode(errors="replace")[:500]))
            bench_ms.append((t1 - t0) / 1e6)
            ratios.append(bench_ms[-1] / plain_ms[-1])
            f.seek(0)
            marks = {"spawn": (0, t0), "reap": (0, t1)}
            for ln in f.read().decode(errors="replace").splitlines():
                w = ln.split()
                if len(w) == 5 and w[0] == "cagesh-bench":
                    s, ns = w[3].split(".")
                    marks[w[1]] = (int(w[2]), int(s) * 10**9 + int(ns))
            runs.append(marks)

    per = {p[0]: [] for p in PHASES}
    totals = []
    for marks in runs:
        if any(m not in marks for p in PHASES for m in p[1:3]):
            continue
        for name, m0, m1, _ in PHASES:
            per[name].append((marks[m1][1] - marks[m0][1]) / 1e6)
        totals.append((marks["reap"][1] - marks["spawn"][1]) / 1e6)
    if not totals:
        sys.exit("phases: no run had every mark")

    total = statistics.median(totals)
    res = {"line": a.line, "runs": len(totals),
           "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
           "total_ms": total,
           "plain_median_ms": statistics.median(plain_ms),
           "bench_median_ms": statistics.median(bench_ms),
           "marks_overhead_ratio": statistics.median(ratios),
           "phases": [], "groups": {}}
    for name, m0, m1, g in PHASES:
        med = statistics.median(per[name])
        res["phases"].append({"phase": name, "from": m0, "to": m1,
                              "group": g, "median_ms": med})
    for g in GROUPS:
        # The sum of the phases' medians: the group's share of a run.
        res["groups"][g] = sum(p["median_ms"] for p in res["phases"]
                               if p["group"] == g)
    print("line %r, %d runs, fd limit %d: median %.3f ms (plain cagesh "
          "%.3f ms; marks cost x%.3f)" % (
              a.line, len(totals), res["nofile"], total,
              res["plain_median_ms"], res["marks_overhead_ratio"]))
    for p in res["phases"]:
        print("  %-50s %8.3f ms %5.1f%%" % (
            p["phase"], p["median_ms"], 100 * p["median_ms"] / total))
    print("  groups: " + ", ".join("%s %.3f ms" % (g, res["groups"][g])
                                   for g in GROUPS))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
