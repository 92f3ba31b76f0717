#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench: the figures of BENCHMARKS.md, as root, in one run.
# Every figure is a median over repeated runs taken side by side with
# its comparison, as one unprivileged user.  Sets up what a real host
# has (tests/e2e-setup.sh: the setuid cagesh, its config at the
# compiled-in path, /etc/pam.d/cagesh, a cage by cagesh-jail, the
# audit log file and syslog as shipped, sshd on 127.0.0.1), plus a
# jailkit jail for the same user, and undoes all of it on exit.
#
# Environment: BENCH_QUICK=1 (fewer repetitions: about 2 minutes, the
# full run about 6), BENCH_ONLY="1 perf 2 3 4 5 6" (what to run; perf
# only when installed), BENCH_OUT (the results directory, default
# $top_builddir/bench-results: JSON, profiles, traces and table.md),
# BENCH_OLD (another cagesh build, of the same configure: installed
# setuid beside the new one and timed in item 1 in the same rounds, the
# new one's ratio to it given as well; both use the new pam/cagesh).
set -u
: "${top_srcdir:?run by make bench}" "${top_builddir:?run by make bench}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e-setup.sh"

PY=/usr/bin/python3	# the system's: the benchmark user runs it
B=$top_srcdir/bench
: "${CAGESH_JAIL:=$top_builddir/cagesh-jail}"
cagesh_bench=$top_builddir/bench/cagesh-bench
bench_lang=$top_builddir/bench/bench-lang
pam_cost=$top_builddir/bench/pam-cost
quick=${BENCH_QUICK:-0}
only=${BENCH_ONLY:-1 perf 2 3 4 5 6}
out=${BENCH_OUT:-$top_builddir/bench-results}

pick() { if [ "$quick" = 1 ]; then echo "$2"; else echo "$1"; fi; }
want() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }
step() { printf '\n=== %s\n' "$*"; }
die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: sudo make bench"
for t in setpriv prlimit useradd userdel mknod /usr/sbin/sshd ssh-keygen ssh \
    cap git bash dash jk_chrootsh jk_lsh jk_init jk_cp valgrind \
    callgrind_annotate strace /usr/bin/time python3 "$PY"; do
	command -v "$t" >/dev/null ||
	    die "needs $t (BENCHMARKS.md says what to apt-get install)"
done
for f in "$CAGESH" "$CAGESH_JAIL" "$cagesh_bench" "$bench_lang" "$pam_cost"; do
	[ -x "$f" ] || die "no $f (make bench builds it)"
done
sessions=$SHARED/capistrano/sessions.txt
[ -r "$sessions" ] || die "no $sessions (set CAGESH_SHARED)"
e2e_conf_path || die "cannot tell the config path from $CAGESH --version"
root_test_lock
if [ -e "$conf_path" ]; then
	die "$conf_path exists: make bench installs its own config at the
compiled-in path and will not touch an existing one.  Run it on a test
machine, or configure with another --sysconfdir."
fi

mkdir -p "$out" || die "cannot make $out"
rm -f "$out"/*.json "$out"/*.txt
t_start=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the fixture
step "setup: users, setuid cagesh, config, PAM, cage, jailkit jail"
e2e_begin cagesh-bench || die "mktemp"
e2e_install || die "install"
cp "$cagesh_bench" "$work/sbin/cagesh-bench" &&
    chown root:root "$work/sbin/cagesh-bench" &&
    chmod 4755 "$work/sbin/cagesh-bench" || die "install cagesh-bench"
old=
if [ -n "${BENCH_OLD:-}" ]; then
	old=$work/sbin/cagesh-old
	cp "$BENCH_OLD" "$old" && chown root:root "$old" && chmod 4755 "$old" ||
	    die "install $BENCH_OLD"
fi
u=cbu$$		# caged; also the jailkit user
ub=cbb$$	# login shell /bin/bash, for the deploy comparison
jk=$work/jk
# The passwd home carries jailkit's <jail>/./<home>; cagesh uses the
# config's home, so one user serves both.
e2e_user "$u" cagesh "$jk/./home/$u" || die "useradd $u"
e2e_user "$ub" /bin/bash || die "useradd $ub"
uid=$(id -u "$u"); gid=$(id -g "$u")
e2e_conf "$u:/var/www/app:false" || die "config"
"$CAGESH" --check-config "$conf_path" || die "the config is not valid"
"$CAGESH_JAIL" --config "$conf_path" init --cage "$cage" \
    > "$work/jail-init.log" 2>&1 || { cat "$work/jail-init.log"; die "cagesh-jail init"; }
printf '[safe]\n\tdirectory = *\n' > "$cage/etc/gitconfig"

# jailkit: jk_init's jk_lsh section (jk_lsh, uidbasics, logbasics), the
# two programs with jk_cp, /dev/null, the user in the jail's passwd and
# group with jk_lsh as shell, and jk_lsh.ini allowing those programs.
sed -e '/^need_logsocket/d' -e '/^need_proc/d' /etc/jailkit/jk_init.ini \
    > "$work/jk_init.ini"
jk_init -c "$work/jk_init.ini" -j "$jk" jk_lsh > "$work/jk.log" 2>&1 &&
    jk_cp -j "$jk" /usr/bin/true /usr/bin/cat >> "$work/jk.log" 2>&1 ||
    { cat "$work/jk.log"; die "jailkit jail"; }
mkdir -p "$jk/dev" && { [ -e "$jk/dev/null" ] || mknod -m 666 "$jk/dev/null" c 1 3; }
echo "$u:x:$uid:$gid::/home/$u:/usr/sbin/jk_lsh" >> "$jk/etc/passwd"
echo "$u:x:$gid:" >> "$jk/etc/group"
cat > "$jk/etc/jailkit/jk_lsh.ini" <<INI
[$u]
paths = /usr/bin
executables = /usr/bin/true, /usr/bin/cat
allow_word_expansion = 0
INI

uout=$work/uout		# where the benchmark user writes its results
mkdir -p "$uout" && chown "$u:$u" "$uout"
as_user() {	# as_user CMD...: the benchmark user, a minimal environment
	(cd / && setpriv --reuid="$u" --regid="$gid" --init-groups \
	    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@")
}
collect() { cp "$uout/$1" "$out/$1" || die "no $1"; }

# Both shells really do what is measured.
v=$(as_user "$bin" -c 'cat /etc/passwd' 2>&1)
[ "$v" = "$(cat "$cage/etc/passwd")" ] || die "cagesh does not run cat in the cage: $v"
v=$(as_user /usr/sbin/jk_chrootsh -c 'cat /etc/passwd' 2>&1)
[ "$v" = "$(cat "$jk/etc/passwd")" ] || die "jk_chrootsh does not run cat in the jail: $v"
as_user /usr/sbin/jk_chrootsh -c true || die "jk_chrootsh -c true fails"
as_user /usr/sbin/jk_chrootsh -c 'ls /' >/dev/null 2>&1 && die "jk_lsh allows ls"
as_user "$bin" -c 'bash -c id' >/dev/null 2>&1; [ $? = 126 ] || die "cagesh allows bash"
grep -q '"line":"cat /etc/passwd"' "$log" || die "no audit record in $log"
echo "cagesh and jk_chrootsh+jk_lsh each run cat in their cage and refuse the rest"

# --- 1: the cost of one session
item1() {	# item1 NOFILE: timeit as the user, with that fd limit
	$PY - "$uout/spec.json" "$bin" "$old" <<'PY'
import json, sys
bin, old = sys.argv[2], sys.argv[3]
c = []
for line, tag, floor in (("true", "true", ["/bin/true"]),
                         ("cat /dev/null", "cat", ["/bin/cat", "/dev/null"])):
    vs = "bash %s" % tag
    c += [{"name": "floor %s" % tag, "argv": floor, "vs": vs},
          {"name": "bash %s" % tag, "argv": ["/bin/bash", "-c", line], "vs": vs},
          {"name": "dash %s" % tag, "argv": ["/bin/dash", "-c", line], "vs": vs},
          {"name": "cagesh %s" % tag, "argv": [bin, "-c", line], "vs": vs},
          {"name": "jailkit %s" % tag,
           "argv": ["/usr/sbin/jk_chrootsh", "-c", line], "vs": vs}]
    if old:
        c[-2]["vs2"] = "cagesh-old %s" % tag
        c.append({"name": "cagesh-old %s" % tag, "argv": [old, "-c", line],
                  "vs": vs})
json.dump(c, open(sys.argv[1], "w"))
PY
	chown "$u" "$uout/spec.json"
	as_user "$PY" "$B/timeit.py" --nofile "$1" \
	    --rounds "$(pick 30 8)" --batch "$(pick 10 5)" \
	    --json "$uout/item1-nofile$1.json" "$uout/spec.json" ||
	    die "item 1 (fd limit $1)"
	collect "item1-nofile$1.json"
}
nofile=$(ulimit -Sn)
if want 1; then
	step "1. one session: cagesh vs bash, dash, jailkit (fd limit $nofile)"
	item1 "$nofile"
	if [ "$nofile" != 1024 ]; then
		step "1. the same with the fd limit at 1024 (a systemd service's default)"
		item1 1024
	fi
	step "1. phases of a cagesh session (bench/cagesh-bench: cagesh with marks)"
	for lim in $nofile 1024; do
		for line in true 'cat /dev/null'; do
			tag=${line%% *}
			as_user "$PY" "$B/phases.py" --nofile "$lim" \
			    --runs "$(pick 300 60)" --plain "$bin" \
			    --bench "$work/sbin/cagesh-bench" \
			    --json "$uout/phases-$tag-nofile$lim.json" "$line" ||
			    die "phases"
			collect "phases-$tag-nofile$lim.json"
		done
		[ "$lim" = 1024 ] && break
	done
	if [ $e2e_pam_made = 1 ]; then
		# /etc/pam.d/cagesh is ours for the run: try smaller stacks to
		# see what each part of the shipped one costs.
		step "1. PAM: the shipped stack against smaller ones (fd limit 1024)"
		grep -v pam_limits "$top_srcdir/pam/cagesh" > "$work/pam-nolimits"
		printf 'account required pam_unix.so\nsession required pam_unix.so\n' \
		    > "$work/pam-unix"
		printf 'account required pam_permit.so\nsession required pam_permit.so\n' \
		    > "$work/pam-permit"
		{ cat "$top_srcdir/pam/cagesh"; echo 'auth required pam_permit.so'; } \
		    > "$work/pam-auth"
		# the stack before: setcred ran common-auth's
		sed 's/^auth .*/auth include common-auth/' "$top_srcdir/pam/cagesh" \
		    > "$work/pam-commonauth"
		for v in shipped commonauth nolimits unix permit auth; do
			if [ $v = shipped ]; then cp "$top_srcdir/pam/cagesh" /etc/pam.d/cagesh
			else cp "$work/pam-$v" /etc/pam.d/cagesh; fi
			as_user "$PY" "$B/phases.py" --nofile 1024 \
			    --runs "$(pick 150 40)" --plain "$bin" \
			    --bench "$work/sbin/cagesh-bench" \
			    --json "$uout/pam-$v.json" true >/dev/null || die "pam $v"
			collect "pam-$v.json"
			$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%-9s PAM %.3f ms, session %.3f ms" % (sys.argv[2], r["groups"]["pam"], r["total_ms"]))' "$out/pam-$v.json" $v
		done
		cp "$top_srcdir/pam/cagesh" /etc/pam.d/cagesh
		# Linux-PAM also loads /etc/pam.d/other: the shipped stack read
		# from /etc/pam.d against the same stack read from a directory
		# whose "other" is minimal (pam_start_confdir), PAM alone.
		mkdir -p "$work/pam.d"
		cp "$top_srcdir/pam/cagesh" "$work/pam.d/cagesh"
		printf '%s required pam_permit.so\n' auth > "$work/pam.d/other"
		printf '%s required pam_deny.so\n' account password session \
		    >> "$work/pam.d/other"
		for i in $(seq 1 "$(pick 60 15)"); do
			echo "default $("$pam_cost" "$u")"
			echo "confdir $("$pam_cost" "$u" "$work/pam.d")"
		done > "$work/pam-cost.txt"
		$PY - "$work/pam-cost.txt" "$out/pam-cost.json" <<'PY'
import json, statistics, sys
r = {}
for l in open(sys.argv[1]):
    w = l.split()
    if len(w) != 3:
        sys.exit("pam-cost failed: %r" % l)
    r.setdefault(w[0], []).append((float(w[1]), float(w[2])))
out = {k: {"runs": len(v), "start_ms": statistics.median(a for a, _ in v),
           "rest_ms": statistics.median(b for _, b in v),
           "total_ms": statistics.median(a + b for a, b in v)}
       for k, v in r.items()}
for k, v in out.items():
    print("pam-cost %-8s pam_start %.3f ms, the rest %.3f ms, total %.3f ms"
          % (k, v["start_ms"], v["rest_ms"], v["total_ms"]))
json.dump(out, open(sys.argv[2], "w"), indent=1)
PY
	fi
	step "1. system calls of one session (strace -f -c, as the user)"
	strace -f -c -U name,calls,errors,time-percent -S calls \
	    -o "$out/strace-cagesh-true.txt" -u "$u" "$bin" -c true
	strace -f -c -U name,calls,errors,time-percent -S calls \
	    -o "$out/strace-bash-true.txt" -u "$u" /bin/bash -c true
	strace -f -c -U name,calls,errors,time-percent -S calls \
	    -o "$out/strace-jailkit-true.txt" -u "$u" /usr/sbin/jk_chrootsh -c true
	head -14 "$out/strace-cagesh-true.txt"
	# A timeline (ptrace slows every call: read it for order and counts)
	prlimit --nofile=1024 strace -f -tt -T -o "$out/strace-timeline-cagesh-true.txt" \
	    -u "$u" "$bin" -c true
fi

# --- where the CPU goes in a whole session, sampled system-wide
if want perf && command -v perf >/dev/null; then
	step "perf: CPU samples of $(pick 400 100) sessions (fd limit 1024), by library and symbol"
	perf record -q -a -g -F 4999 -o "$work/perf.data" -- \
	    setpriv --reuid="$u" --regid="$gid" --init-groups \
	    prlimit --nofile=1024 /bin/bash -c \
	    "cd /; for i in \$(seq $(pick 400 100)); do $bin -c true; done" \
	    >/dev/null 2>&1 || echo "bench: perf record failed" >&2
	perf report -i "$work/perf.data" --comm cagesh --no-children \
	    --sort dso,sym --stdio -g none --percentage relative 2>/dev/null |
	    grep -v '^#' | grep . > "$work/perf-sym.txt"
	head -40 "$work/perf-sym.txt" > "$out/perf-cagesh-sym.txt"
	# By library: the sum of its symbols' shares.
	awk '{ sub(/%/, "", $1); s[$2] += $1 } END { for (d in s) printf "%6.2f%%  %s\n", s[d], d }' \
	    "$work/perf-sym.txt" | sort -rn | head -20 > "$out/perf-cagesh-dso.txt"
	cat "$out/perf-cagesh-dso.txt"
fi

# --- 6: peak resident memory
if want 6; then
	step "6. peak RSS: cagesh (parent, caged child) vs bash, dash, jailkit"
	$PY - "$uout/spec-rss.json" "$bin" "$work/sbin/cagesh-bench" <<'PY'
import json, sys
out, bin, bb = sys.argv[1:]
c = [{"name": "floor: /bin/true", "argv": ["/bin/true"]}]
for tag, line in (("true", "true"),
                  ("builtins", "cd /tmp && [ -d /tmp ] && echo ok")):
    c += [{"name": "bash %s" % tag, "argv": ["/bin/bash", "-c", line]},
          {"name": "dash %s" % tag, "argv": ["/bin/dash", "-c", line]},
          {"name": "cagesh %s" % tag, "argv": [bin, "-c", line]},
          {"name": "cagesh-bench %s" % tag, "argv": [bb, "-c", line],
           "marks": True}]
c.append({"name": "jailkit true",
          "argv": ["/usr/sbin/jk_chrootsh", "-c", "true"]})
json.dump(c, open(out, "w"))
PY
	chown "$u" "$uout/spec-rss.json"
	as_user "$PY" "$B/rss.py" --runs "$(pick 30 8)" --json "$uout/item6.json" \
	    "$uout/spec-rss.json" || die "item 6"
	collect item6.json
fi

# --- 2: the language alone
if want 2; then
	step "2. parse + judge every line of sessions.txt in one process"
	nlines=$(grep -cv -e '^$' -e '^#' "$sessions")
	n=$(pick 200 50)
	# The same lines, n times over, for bash -n and dash -n (parse only).
	for i in $(seq 1 "$n"); do grep -v -e '^$' -e '^#' "$sessions"; done \
	    > "$uout/lines.sh"
	cp "$sessions" "$uout/sessions.txt"
	cp "$top_srcdir/etc/cagesh.conf" "$uout/cagesh.conf"
	chown -R "$u" "$uout"
	$PY - "$uout/spec-lang.json" "$bench_lang" "$n" "$uout" <<'PY'
import json, sys
out, lang, n, d = sys.argv[1:]
common = ["-n", n, "-c", d + "/cagesh.conf"]
json.dump([
    {"name": "bash -n (parse)", "argv": ["/bin/bash", "-n", d + "/lines.sh"]},
    {"name": "dash -n (parse)", "argv": ["/bin/dash", "-n", d + "/lines.sh"]},
    {"name": "cagesh parse", "argv": [lang, "-m", "parse"] + common + [d + "/sessions.txt"]},
    {"name": "cagesh parse+judge", "argv": [lang, "-m", "lang"] + common + [d + "/sessions.txt"]},
    {"name": "cagesh config load", "argv": [lang, "-m", "conf"] + common},
], open(out, "w"))
PY
	chown "$u" "$uout/spec-lang.json"
	as_user "$PY" "$B/timeit.py" --rounds "$(pick 7 3)" --batch 1 \
	    --baseline "bash -n (parse)" --json "$uout/item2-time.json" \
	    "$uout/spec-lang.json" || die "item 2"
	collect item2-time.json
	# bench-lang's own clock, without process start and config load
	for i in $(seq 1 "$(pick 5 3)"); do
		as_user "$bench_lang" -n "$n" -c "$uout/cagesh.conf" "$uout/sessions.txt"
		as_user "$bench_lang" -m parse -n "$n" -c "$uout/cagesh.conf" "$uout/sessions.txt"
		as_user "$bench_lang" -m conf -n "$(pick 500 100)" -c "$uout/cagesh.conf"
		as_user "$bench_lang" -m defer -n "$(pick 500 100)" -c "$uout/cagesh.conf"
		# the compiled config as a session reads it: root's directory
		mkdir -p -m 700 "$work/confcache" &&
		    "$bench_lang" -m cached -d "$work/confcache" \
		    -n "$(pick 500 100)" -c "$uout/cagesh.conf"
	done > "$out/item2-internal.txt" || die "bench-lang"
	cat "$out/item2-internal.txt"
	step "2. instructions (callgrind)"
	cg() {	# cg NAME TOGGLE ARGS...: Ir of the toggled function
		local name=$1 fn=$2
		shift 2
		as_user valgrind --tool=callgrind --collect-atstart=no \
		    --toggle-collect="$fn" \
		    --callgrind-out-file="$uout/callgrind.$name.out" \
		    "$bench_lang" "$@" -c "$uout/cagesh.conf" >/dev/null 2>&1 ||
		    die "callgrind $name"
		cp "$uout/callgrind.$name.out" "$out/"
		callgrind_annotate --inclusive=yes "$out/callgrind.$name.out" \
		    2>/dev/null | sed -n '/^Ir/,$p' | head -50 \
		    > "$out/callgrind.$name.inclusive.txt"
		callgrind_annotate "$out/callgrind.$name.out" 2>/dev/null |
		    sed -n '/^Ir/,$p' | head -40 > "$out/callgrind.$name.self.txt"
	}
	cg lang bench_lines -m lang -n 3 "$uout/sessions.txt"
	cg parse bench_lines -m parse -n 3 "$uout/sessions.txt"
	cg conf bench_confs -m conf -n 3
	$PY - "$out" "$nlines" <<'PY'
import json, re, sys
d, nl = sys.argv[1], int(sys.argv[2])
def ir(name):
    for ln in open("%s/callgrind.%s.out" % (d, name)):
        if ln.startswith("totals:") or ln.startswith("summary:"):
            return int(ln.split()[1])
r = {"lines": nl, "reps": 3,
     "ir_per_line_lang": ir("lang") / (3 * nl),
     "ir_per_line_parse": ir("parse") / (3 * nl),
     "ir_per_conf_load": ir("conf") / 3}
print("instructions: %.0f per line parsed and judged (%.0f parse), "
      "%.0f per config load" % (r["ir_per_line_lang"],
      r["ir_per_line_parse"], r["ir_per_conf_load"]))
json.dump(r, open(d + "/item2-callgrind.json", "w"), indent=1)
PY
	sed -n 10,30p "$out/callgrind.lang.inclusive.txt"
fi

# --- 4: load
load() {	# load NOFILE: the runs at that fd limit, cagesh and bash in turn
	local r ns=200 nc=20 tag
	for r in $(seq 1 "$(pick 3 1)"); do
		tag=n$1r$r
		: > "$log"
		as_user prlimit --nofile="$1" "$PY" "$B/load.py" --sessions $ns \
		    --commands $nc --json "$uout/load-cagesh-$tag.json" "$tag" \
		    "$bin" || echo "bench: load run $tag had failed lines" >&2
		collect "load-cagesh-$tag.json"
		$PY "$B/audit-check.py" --json "$out/audit-$tag.json" "$log" \
		    "$tag" $ns $nc || echo "bench: audit check $tag FAILED" >&2
		as_user prlimit --nofile="$1" "$PY" "$B/load.py" --sessions $ns \
		    --commands $nc --json "$uout/load-bash-$tag.json" "$tag" \
		    /bin/bash || echo "bench: bash load run $tag had failed lines" >&2
		collect "load-bash-$tag.json"
	done
	: > "$log"
}
if want 4; then
	for lim in $nofile 1024; do
		step "4. load: 200 concurrent sessions x 20 lines, cagesh vs bash (fd limit $lim)"
		load "$lim"
		[ "$lim" = 1024 ] && break
	done
fi

# --- 3: a whole Capistrano deploy, cagesh vs /bin/bash as login shell
if want 3; then
	step "3. Capistrano deploy over ssh: cagesh vs /bin/bash login shell"
	src=$work/src
	e2e_app_src || die "the app repository"
	mkdir -p "$cage/srv"
	git clone -q --bare "$src" "$cage/srv/repo.git"
	chown -R "$u:$u" "$cage/srv/repo.git"
	git clone -q --bare "$src" "$work/bash-repo.git"
	mkdir -p "$work/bash-app"
	chown -R "$ub:$ub" "$work/bash-repo.git" "$work/bash-app"
	e2e_sshd || die "sshd"
	e2e_key key && e2e_authorize "$u" key && e2e_authorize "$ub" key ||
	    die "ssh keys"
	capc() { cap_env "$u" git /srv/repo.git /var/www/app "$work/ssh/key" \
	    cap production "$@"; }
	capb() { cap_env "$ub" git "$work/bash-repo.git" "$work/bash-app" \
	    "$work/ssh/key" cap production "$@"; }
	deploy() {	# deploy cagesh|bash: one timed deploy, appended to times
		local t0 t1 n0 n1 st
		n0=$(grep -c 'Starting session: command' "$work/ssh/sshd.log")
		t0=$(date +%s.%N)
		if [ "$1" = cagesh ]; then capc deploy; else capb deploy; fi \
		    > "$work/cap-$1.log" 2>&1
		st=$?
		t1=$(date +%s.%N)
		n1=$(grep -c 'Starting session: command' "$work/ssh/sshd.log")
		[ $st = 0 ] || { tail -20 "$work/cap-$1.log"; die "cap deploy ($1)"; }
		echo "$1 $t0 $t1 $((n1 - n0))" >> "$work/deploys"
		sleep 1		# release names are to the second
	}
	sshd_limit() {	# sshd_limit N: sshd again, its sessions with fd limit N
		local pid i
		pid=$(cat "$work/ssh/sshd.pid") && kill "$pid"
		for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		rm -f "$work/ssh/sshd.pid"
		prlimit --nofile="$1" /usr/sbin/sshd -f "$work/ssh/sshd_config" \
		    -E "$work/ssh/sshd.log" || die "sshd"
		for i in $(seq 1 50); do [ -s "$work/ssh/sshd.pid" ] && break; sleep 0.1; done
	}
	capc deploy:check > "$work/cap-check.log" 2>&1 &&
	    capb deploy:check >> "$work/cap-check.log" 2>&1 ||
	    { tail -20 "$work/cap-check.log"; die "cap deploy:check"; }
	deploy cagesh; deploy bash	# warm-up, not counted
	for lim in $nofile 1024; do
		[ "$lim" = "$nofile" ] || { step "3. the same, sshd with fd limit $lim"; sshd_limit "$lim"; }
		: > "$work/deploys"
		for r in $(seq 1 "$(pick 5 2)"); do
			if [ $((r % 2)) = 1 ]; then deploy cagesh; deploy bash
			else deploy bash; deploy cagesh; fi
		done
		$PY - "$work/deploys" "$out/item3-nofile$lim.json" "$lim" <<'PY'
import json, statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
t = {"cagesh": [], "bash": []}
n = {"cagesh": [], "bash": []}
for who, a, b, k in rows:
    t[who].append(float(b) - float(a))
    n[who].append(int(k))
pairs = [c / b for c, b in zip(t["cagesh"], t["bash"])]
r = {"nofile": int(sys.argv[3]), "deploys": len(t["cagesh"]),
     "cagesh_s": statistics.median(t["cagesh"]),
     "bash_s": statistics.median(t["bash"]),
     "ratio": statistics.median(pairs),
     "ratio_of_medians": statistics.median(t["cagesh"]) / statistics.median(t["bash"]),
     "ssh_commands": statistics.median(n["cagesh"]),
     "ssh_commands_bash": statistics.median(n["bash"]),
     "all_cagesh_s": t["cagesh"], "all_bash_s": t["bash"]}
print("deploy (fd limit %d): cagesh %.2f s, bash %.2f s (median of %d each), "
      "ratio %.3f; %d ssh commands per deploy" % (
          r["nofile"], r["cagesh_s"], r["bash_s"], r["deploys"], r["ratio"],
          r["ssh_commands"]))
json.dump(r, open(sys.argv[2], "w"), indent=1)
PY
		[ "$lim" = 1024 ] && break
	done
fi

# --- 5: cagesh-jail init vs jk_init
if want 5; then
	step "5. cagesh-jail init vs jailkit (jk_cp, jk_init)"
	"$B/jail-vs-jk.sh" -n "$(pick 3 1)" -o "$out/item5.json" \
	    "$CAGESH_JAIL" || die "item 5"
fi

step "machine"
{
	echo "nproc: $(nproc)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "kernel: $(uname -r)"
	echo "debian: $(cat /etc/debian_version)"
	echo "fd limit (soft): $nofile"
	echo "syslog socket /dev/log: $([ -S /dev/log ] && echo present || echo absent)"
	echo "load average at the start: $load0, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "quick: $quick"
	echo "seconds: $(( $(date +%s) - t_start ))"
} | tee "$out/machine.txt"

step "report"
$PY "$B/report.py" "$out" | tee "$out/table.md"
echo
echo "results in $out"
