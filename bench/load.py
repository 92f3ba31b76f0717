#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Load (BENCHMARKS.md, item 4): SESSIONS concurrent sessions, each
running COMMANDS lines one after the other, as a deploy does: one new
shell process per line, `SHELL -c "echo TAG-i-j"`.  Prints the wall
time and the throughput; every line must exit 0.

usage: load.py [--sessions N] [--commands M] [--json OUT] TAG SHELL
"""
import argparse
import json
import os
import sys
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=200)
    ap.add_argument("--commands", type=int, default=20)
    ap.add_argument("--json")
    ap.add_argument("tag")
    ap.add_argument("shell")
    a = ap.parse_args()

    null_r = os.open("/dev/null", os.O_RDONLY)
    null_w = os.open("/dev/null", os.O_WRONLY)
    fa = [(os.POSIX_SPAWN_DUP2, null_r, 0), (os.POSIX_SPAWN_DUP2, null_w, 1),
          (os.POSIX_SPAWN_DUP2, null_w, 2)]
    failed = []
    lat = []
    go = threading.Event()

    def session(i):
        go.wait()
        for j in range(a.commands):
            argv = [a.shell, "-c", "echo %s-%d-%d" % (a.tag, i, j)]
            t0 = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=fa)
            _, st, _ = os.wait4(pid, 0)
            lat.append(time.perf_counter() - t0)
            if os.waitstatus_to_exitcode(st) != 0:
                failed.append((i, j, os.waitstatus_to_exitcode(st)))

    threads = [threading.Thread(target=session, args=(i,))
               for i in range(a.sessions)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    n = a.sessions * a.commands
    lat.sort()
    res = {"tag": a.tag, "shell": a.shell, "sessions": a.sessions,
           "commands": a.commands, "wall_s": wall,
           "lines_per_s": n / wall, "failed": len(failed),
           "latency_p50_ms": 1000 * lat[len(lat) // 2],
           "latency_p99_ms": 1000 * lat[min(len(lat) - 1,
                                            int(0.99 * len(lat)))]}
    print("%s: %d sessions x %d lines in %.2f s: %.0f lines/s, "
          "latency p50 %.1f ms p99 %.1f ms, %d failed" % (
              a.shell, a.sessions, a.commands, wall, res["lines_per_s"],
              res["latency_p50_ms"], res["latency_p99_ms"], len(failed)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
