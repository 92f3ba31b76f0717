#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tables of BENCHMARKS.md from the results of bench/run.sh.

usage: report.py RESULTS-DIR
"""
import glob
import json
import os
import re
import statistics
import sys

d = sys.argv[1]


def load(name):
    p = os.path.join(d, name)
    return json.load(open(p)) if os.path.exists(p) else None


def met(ok):
    return "met" if ok else "**missed**"


out = []
p = out.append

item1 = sorted(glob.glob(os.path.join(d, "item1-nofile*.json")),
               key=lambda f: -int(re.search(r"nofile(\d+)", f).group(1)))
for f in item1:
    r = json.load(open(f))
    c = r["commands"]
    p("### 1. One session, `SHELL -c LINE` as the same user "
      "(fd limit %d; %d rounds x %d runs, interleaved)" % (
          r["nofile"], r["rounds"], r["batch"]))
    p("")
    p("| command | median | p25-p75 | ratio (median of rounds) | target |")
    p("|---|---:|---:|---:|---|")
    for n, v in c.items():
        tgt = ""
        if n == "cagesh true":
            tgt = "<= 1.3x bash: %s" % met(v["ratio"] <= 1.3)
        if "vs2" in v:
            tgt = (tgt + "; " if tgt else "") + "%.3fx %s" % (
                v["ratio2"], v["vs2"])
        p("| %s: `%s` | %.2f ms | %.2f-%.2f | %.2fx %s | %s |" % (
            n.split()[0], " ".join(
                os.path.basename(v["argv"][0]) if i == 0 else
                ("'%s'" % a if " " in a else a)
                for i, a in enumerate(v["argv"])),
            v["median_ms"], v["p25_ms"], v["p75_ms"], v["ratio"],
            v["vs"], tgt))
    p("")

for f in sorted(glob.glob(os.path.join(d, "phases-*.json")),
                key=lambda f: (-json.load(open(f))["nofile"], f)):
    r = json.load(open(f))
    p("### Phases of `cagesh -c '%s'` (fd limit %d, %d runs; marks cost "
      "x%.3f)" % (r["line"], r["nofile"], r["runs"],
                  r["marks_overhead_ratio"]))
    p("")
    p("| phase | median | share |")
    p("|---|---:|---:|")
    for ph in r["phases"]:
        p("| %s | %.3f ms | %.0f%% |" % (ph["phase"], ph["median_ms"],
                                       100 * ph["median_ms"] / r["total_ms"]))
    p("| **whole session (median)** | **%.3f ms** | |" % r["total_ms"])
    p("")
    p("By concern: " + ", ".join(
        "%s %.2f ms (%.0f%%)" % (g, v, 100 * v / r["total_ms"])
        for g, v in sorted(r["groups"].items(), key=lambda x: -x[1])))
    p("")

pam = [(v, load("pam-%s.json" % v)) for v in
       ("shipped", "commonauth", "nolimits", "unix", "permit", "auth")]
pam = [(v, r) for v, r in pam if r or v != "commonauth"]
if all(r for _, r in pam):
    label = {"shipped": "pam/cagesh as shipped (auth pam_unix, "
             "common-account, common-session-noninteractive, pam_limits)",
             "commonauth": "the same with `auth include common-auth` "
             "(the stack before 2026-12-02)",
             "nolimits": "the same without pam_limits",
             "unix": "pam_unix only (account, session)",
             "permit": "pam_permit only (account, session)",
             "auth": "pam/cagesh plus `auth required pam_permit.so` "
             "(setcred no longer runs other's auth stack)"}
    p("### PAM stacks in /etc/pam.d/cagesh (fd limit 1024, `true`, %d runs "
      "each)" % pam[0][1]["runs"])
    p("")
    p("| stack | PAM open + close | whole session |")
    p("|---|---:|---:|")
    for v, r in pam:
        p("| %s | %.3f ms | %.3f ms |" % (label[v], r["groups"]["pam"],
                                         r["total_ms"]))
    p("")
pc = load("pam-cost.json")
if pc:
    p("PAM alone (bench/pam-cost, one process per run, median of %d): "
      "pam/cagesh read from /etc/pam.d %.3f ms (pam_start %.3f); the same "
      "file read with pam_start_confdir() from a directory whose `other` "
      "is minimal %.3f ms (pam_start %.3f)." % (
          pc["default"]["runs"], pc["default"]["total_ms"],
          pc["default"]["start_ms"], pc["confdir"]["total_ms"],
          pc["confdir"]["start_ms"]))
    p("")

t = load("item2-time.json")
cg = load("item2-callgrind.json")
if t:
    p("### 2. The language: sessions.txt parsed and judged in one process")
    p("")
    internal = {}
    txt = os.path.join(d, "item2-internal.txt")
    if os.path.exists(txt):
        for ln in open(txt):
            kv = dict(w.split("=", 1) for w in ln.split())
            internal.setdefault(kv["mode"], []).append(kv)
    c = t["commands"]
    base = c["bash -n (parse)"]
    nl = cg["lines"] if cg else None
    p("| measure | figure | comparison | target |")
    p("|---|---:|---|---|")
    if "lang" in internal:
        lps = statistics.median(float(k["lines_per_sec"])
                                for k in internal["lang"])
        p("| parse + judge, lines/s (bench-lang's clock, median of %d) "
          "| %.0f | | >= 100,000: %s |" % (len(internal["lang"]), lps,
                                          met(lps >= 100000)))
    if "parse" in internal:
        lps = statistics.median(float(k["lines_per_sec"])
                                for k in internal["parse"])
        p("| parse only, lines/s | %.0f | | |" % lps)
    reps = int(c["cagesh parse+judge"]["argv"][c["cagesh parse+judge"]
                                               ["argv"].index("-n") + 1])
    for n in ("cagesh parse+judge", "cagesh parse", "dash -n (parse)"):
        p("| `%s`, whole process, %d x the lines | %.1f ms | %.2fx `bash -n` "
          "(%.1f ms) on the same lines | |" % (
              n, reps, c[n]["median_ms"], c[n]["ratio"], base["median_ms"]))
    if cg:
        p("| instructions per line, parse + judge (callgrind) | %.0f | "
          "parse alone %.0f | |" % (cg["ir_per_line_lang"],
                                    cg["ir_per_line_parse"]))
        p("| instructions per config load (callgrind) | %.0f | | |" %
          cg["ir_per_conf_load"])
    for mode, label, who in (
            ("conf", "shipped config load, every pattern compiled",
             "--check-config"),
            ("defer", "the same, patterns compiled on first use",
             "a session without the compiled config"),
            ("cached", "the compiled config (confcache.h) read back",
             "a session")):
        if mode in internal:
            us = statistics.median(float(k["us_per_load"])
                                   for k in internal[mode])
            p("| %s, per load | %.0f us | what %s pays | |" % (label, us,
                                                             who))
    p("")

for f in sorted(glob.glob(os.path.join(d, "item3-nofile*.json")),
                key=lambda f: -json.load(open(f))["nofile"]):
    r = json.load(open(f))
    p("### 3. A whole Capistrano deploy over ssh (fd limit %d; %d deploys "
      "each, interleaved)" % (r["nofile"], r["deploys"]))
    p("")
    p("| login shell | median | ssh commands | ratio (median of pairs) "
      "| target |")
    p("|---|---:|---:|---:|---|")
    p("| cagesh | %.2f s | %d | %.3f | <= 1.05: %s |" % (
        r["cagesh_s"], r["ssh_commands"], r["ratio"],
        met(r["ratio"] <= 1.05)))
    p("| /bin/bash | %.2f s | %d | 1 | |" % (r["bash_s"],
                                            r["ssh_commands_bash"]))
    p("")

for lim in sorted({int(re.search(r"-n(\d+)r", f).group(1)) for f in
                   glob.glob(os.path.join(d, "load-cagesh-n*.json"))},
                  reverse=True):
    loads = sorted(glob.glob(os.path.join(d, "load-cagesh-n%dr*.json" % lim)))
    lc = [json.load(open(f)) for f in loads]
    lb = [json.load(open(f.replace("cagesh", "bash"))) for f in loads]
    au = [json.load(open(os.path.join(d, "audit-%s.json" % x["tag"])))
          for x in lc]
    wc = statistics.median(x["wall_s"] for x in lc)
    wb = statistics.median(x["wall_s"] for x in lb)
    ratios = [a["wall_s"] / b["wall_s"] for a, b in zip(lc, lb)]
    p("### 4. Load: %d concurrent sessions x %d lines (fd limit %d; %d "
      "runs, interleaved with bash)" % (lc[0]["sessions"],
                                        lc[0]["commands"], lim, len(lc)))
    p("")
    p("| shell | wall | lines/s | latency p50 / p99 | failed |")
    p("|---|---:|---:|---:|---:|")
    for name, xs, w in (("cagesh", lc, wc), ("bash", lb, wb)):
        p("| %s | %.2f s | %.0f | %.1f / %.1f ms | %d |" % (
            name, w, statistics.median(x["lines_per_s"] for x in xs),
            statistics.median(x["latency_p50_ms"] for x in xs),
            statistics.median(x["latency_p99_ms"] for x in xs),
            sum(x["failed"] for x in xs)))
    p("")
    tot = {k: sum(a[k] for a in au) for k in (
        "expected", "found", "missing", "duplicated", "torn", "interleaved",
        "incomplete_sessions", "log_lines")}
    p("Wall time ratio cagesh/bash (median of runs): %.2fx.  Audit log, "
      "all %d runs together: %d command records expected, %d found (%d "
      "missing, %d duplicated); %d lines, %d torn, %d interleaved; %d "
      "sessions without their start or end (target 0 torn and 0 "
      "interleaved: %s)." % (
          statistics.median(ratios), len(au), tot["expected"], tot["found"],
          tot["missing"], tot["duplicated"], tot["log_lines"], tot["torn"],
          tot["interleaved"], tot["incomplete_sessions"],
          met(tot["torn"] == 0 and tot["interleaved"] == 0 and
              tot["missing"] == 0 and tot["duplicated"] == 0)))
    p("")

r = load("item5.json")
if r:
    p("### 5. Building the cage for the capistrano commands (median of %d)"
      % r["reps"])
    p("")
    p("| tool | time | files | bytes | git runs in it |")
    p("|---|---:|---:|---:|---|")
    for t in ("cagesh-jail", "jk_cp", "jk_init"):
        x = r[t]
        p("| %s | %.2f s | %d | %.1f MB | %s |" % (
            t, x["seconds"], x["files"], x["bytes"] / 1e6, x["git_runs"]))
    p("")
    p("jk_init sections: %s; jk_cp for %s and the cage_files." % (
        r["sections"], r["jk_cp_for"]))
    p("")

r = load("item6.json")
if r:
    c = r["commands"]
    p("### 6. Peak resident memory (GNU time's %%M, median of %d runs)"
      % r["runs"])
    p("")
    p("| process | line `true` | line `cd /tmp && [ -d /tmp ] && echo ok` "
      "| target |")
    p("|---|---:|---:|---|")
    bt, bb = c["bash true"]["tree_kb"], c["bash builtins"]["tree_kb"]
    for k, label in (("child_kb", "cagesh: the caged child (the shell)"),
                     ("monitor_kb", "cagesh: the monitor (root, the records)"),
                     ("parent_kb", "cagesh: the privileged parent (PAM)")):
        if k not in c["cagesh-bench true"]:
            continue
        a, b = c["cagesh-bench true"][k], c["cagesh-bench builtins"][k]
        p("| %s | %d kB | %d kB | <= bash: %s |" % (
            label, a, b, met(a <= bt and b <= bb)))
    for n, label in (("cagesh", "cagesh, whole tree"), ("bash", "bash"),
                     ("dash", "dash")):
        p("| %s | %d kB | %d kB | |" % (label, c[n + " true"]["tree_kb"],
                                        c[n + " builtins"]["tree_kb"]))
    p("| jailkit (jk_chrootsh, then jk_lsh, then true) | %d kB | | |" %
      c["jailkit true"]["tree_kb"])
    p("| floor: `/bin/true` under time | %d kB | | |" %
      c["floor: /bin/true"]["tree_kb"])
    p("")

m = os.path.join(d, "machine.txt")
if os.path.exists(m):
    p("Machine: " + "; ".join(l.strip() for l in open(m)))
print("\n".join(out))
