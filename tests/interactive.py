# SPDX-License-Identifier: GPL-3.0-or-later
"""The steps of tests/test-interactive.sh: real interactive sessions of
the setuid cagesh on a pseudo-terminal.  Prints "ok - ..." and
"not ok - ..." lines (the shell script numbers them) and notes.  Every
run makes the same number of checks, whatever fails: the shell script
counts them (CHECKS there) and an exception is a failure too."""
import json
import os
import pwd
import re
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptydrive import Pty, Timeout  # noqa: E402

BIN = os.environ["CAGESH_BIN"]
LOG = os.environ["CAGESH_LOG"]
CONF = os.environ["CAGESH_CONF"]
CAGE = os.environ["CAGESH_CAGE"]
U = os.environ["CAGESH_USER"]
U2 = os.environ["CAGESH_USER2"]
UID = pwd.getpwnam(U).pw_uid
HOME = "/home/" + U
HIST = CAGE + HOME + "/.cagesh_history"
PROMPT = r"%s@[^:\s]+:~\$ " % U
# readline turns bracketed paste off (ESC [?2004l) after the line is typed
BP = r"(?:\x1b\[\?2004l\r?)?"


def out(text):
    """A whole line of output, after the echo of what was typed."""
    return r"\r\n" + BP + text + r"\r\n"


def say(good, what, note=None):
    print(("ok - " if good else "not ok - ") + what)
    if not good and note:
        for line in str(note).splitlines()[-15:]:
            print(line)
    sys.stdout.flush()
    return good


def write_conf(idle=900):
    with open(CONF, "w") as f:
        f.write("""
log = { syslog = true; file = "%(log)s"; on_failure = "deny"; };
shell = { prompt = "%%u@%%h:%%w%%$ "; idle_timeout = %(idle)d;
          history_size = 5; history_file = ".cagesh_history"; };
profiles = {
  t = {
    path = [ "/usr/bin" ];
    commands = {
      cat = { any_options = true; description = "print files"; };
      ls = { any_options = true; };
      sleep = { operands = [ "[0-9.]+" ]; description = "wait a while"; };
      id = { options = [ "-u", "-n" ]; };
      tiocsti = { operands = [ ".*" ]; };
      git = { subcommands = { clone = { }; status = { }; }; };
    };
  };
};
users = (
  { user = "%(u)s"; cage = "%(cage)s"; home = "/home/%(u)s"; profile = "t";
    interactive = true; },
  { user = "%(u2)s"; cage = "%(cage)s"; home = "/home/%(u2)s";
    profile = "t"; }
);
""" % {"log": LOG, "idle": idle, "u": U, "u2": U2, "cage": CAGE})
    os.chmod(CONF, 0o644)


def argv(user):
    pw = pwd.getpwnam(user)
    return ["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid,
            "--init-groups", BIN]


def login(user=U, term="xterm"):
    return Pty(argv(user), env={"TERM": term, "PATH": "/usr/bin:/bin",
                                "LANG": "C.UTF-8"})


def records():
    out = []
    with open(LOG) as f:
        for line in f:
            out.append(json.loads(line))
    return out


def session_records(pid_hint=None):
    """The records of the last session in the log."""
    recs = records()
    last = recs[-1]["session"]
    return [r for r in recs if r["session"] == last]


def step(p, what, send, pattern, timeout=5.0):
    """Types send, waits for pattern; one check."""
    try:
        if send is not None:
            p.send(send)
        m = p.expect(pattern, timeout)
        say(True, what)
        return m
    except Timeout:
        say(False, what, "waited for %r; got:\n%s" % (pattern, p.output()))
        return None


def status(p, timeout=5.0):
    """The exit status, or None when the session does not end in time."""
    try:
        return p.wait(timeout)
    except Timeout:
        return None


def prompt(p, what=None):
    return step(p, what or "a new prompt", None, PROMPT)


write_conf()

# --- the first session: prompt, lines, completion, ^C, help, history
p = login()
step(p, "a banner names the cage home and help", None,
     r"caged in %s\.  'help' lists" % HOME)
step(p, "the prompt shows user, host and the cwd (~ for the home)", None,
     PROMPT)
step(p, "a line runs in the cage home", "pwd\r", out(HOME))
prompt(p)
step(p, "after cd the prompt shows the new directory", "cd /tmp\r",
     r"%s@[^:\s]+:/tmp\$ " % U)
p.send("cd\r")
prompt(p)

step(p, "Tab completes an allowed command (sle -> sleep)", "sle\t",
     r"sleep ")
p.send("0\r")
prompt(p)
step(p, "Tab completes a builtin (hist -> history)", "hist\t", r"history ")
p.send("\x15")          # ^U: the line is empty again
step(p, "Tab completes a file name in the cage (cat dep -> deploy-notes.txt)",
     "cat dep\t", r"deploy-notes\.txt ")
step(p, "and the completed line runs", "\r", out("notes"))
prompt(p)
step(p, "Tab completes a subcommand (git cl -> git clone)", "git cl\t",
     r"clone ")
step(p, "^C at the prompt drops the typed line and gives a new prompt",
     "\x03", PROMPT)
step(p, "the next line starts empty", "pwd\r", out(HOME))
prompt(p)

step(p, "a denied line prints why", "bash -c id\r",
     r"cagesh: denied: bash: not an allowed command")
prompt(p, "and the session goes on to a new prompt")
step(p, "the next line runs", "id -u\r", out(str(UID)))
prompt(p)

step(p, "help lists the allowed commands with their descriptions",
     "help\r", r"cat +print files")
step(p, "and the builtins", None, r"Builtins: cd pwd .*help history")
prompt(p)
step(p, "help CMD tells its argument rules", "help sleep\r",
     r"Operands: each must match one of \[0-9\.\]\+")
prompt(p)

t0 = time.monotonic()
p.send("sleep 30; echo after-sleep\r")
time.sleep(0.7)
step(p, "^C interrupts a running sleep, not the shell", "\x03", PROMPT)
say(time.monotonic() - t0 < 5, "within a few seconds (%.1f s)"
    % (time.monotonic() - t0))
say("after-sleep" not in p.buf.decode(errors="replace").split("sleep 30;")[-1]
    .replace("echo after-sleep", ""),
    "and the rest of the line does not run")
step(p, "the shell still runs lines", "pwd\r", out(HOME))
prompt(p)

p.send("sleep 1\r")
time.sleep(0.3)
step(p, "^Z does not stop a job (no job control): the line ends", "\x1a",
     PROMPT, timeout=5)
p.send("sleep 1\r")
time.sleep(0.3)
r = subprocess.run(["pgrep", "-u", U, "-x", "sleep"], capture_output=True)
pids = r.stdout.split()
say(len(pids) == 1, "(the running sleep is found: %s)" % pids)
for pid in pids:
    os.kill(int(pid), signal.SIGSTOP)
step(p, "a job stopped anyway (SIGSTOP) is continued: the line ends",
     None, PROMPT, timeout=5)

m = step(p, "a command's /proc/self/stat", "cat /proc/self/stat\r",
         r"\r\n" + BP + r"(\d+) \(cat\) \S (\d+) (\d+) (\d+) (\d+) (-?\d+)")
if m:
    pid, ppid, pgrp, sid, tty, tpgid = map(int, m.groups())
    say(pgrp == pid and tpgid == pgrp,
        "a command runs in a process group of its own that holds the "
        "terminal", "pid %d pgrp %d tpgid %d" % (pid, pgrp, tpgid))
else:
    say(False, "a command runs in a process group of its own that holds "
        "the terminal", "no /proc/self/stat line")
prompt(p)
step(p, "the shell has the terminal back afterwards", "pwd\r",
     out(HOME))
prompt(p)

step(p, "a program's TIOCSTI is refused", "tiocsti 'id -un'\r",
     r"0 of 6 bytes injected: Operation not permitted")
prompt(p)
p.send("\r")
prompt(p)
time.sleep(0.3)
say(not any(r.get("line") == "id -un" for r in records()),
    "nothing injected reached the shell's input")

step(p, "history lists the last lines (history_size 5)", "history\r",
     r"\d+  tiocsti 'id -un'\r\n\s*\d+  history\r\n")
prompt(p)
p.send("exit 7\r")
st = status(p)
say(st == 7, "exit 7 ends the session with status 7", "status %s" % st)
p.kill()

recs = session_records()
ev = [r["event"] for r in recs]
say(ev[0] == "session_start" and ev[-1] == "session_end" and
    recs[-1].get("status") == 7, "session_start ... session_end (status 7)",
    ev)
cmds = [r for r in recs if r["event"] == "command"]
say(all(r["mode"] == "interactive" for r in recs) and
    any(r["line"] == "bash -c id" and r["verdict"] == "deny" for r in cmds)
    and any(r["line"] == "pwd" and r["verdict"] == "allow" and
            r["status"] == 0 for r in cmds),
    "every line has a command record (mode interactive), the denied "
    "one too", [r.get("line") for r in cmds])
sl = [r for r in cmds if r["line"].startswith("sleep 30")]
say(len(sl) == 1 and sl[0]["status"] == 130,
    "the interrupted line's record has status 130",
    sl[0] if sl else "none")

try:
    st = os.lstat(HIST)
    lines = open(HIST).read().splitlines()
    say(stat.S_ISREG(st.st_mode) and st.st_uid == UID and
        stat.S_IMODE(st.st_mode) == 0o600,
        "the history file is the user's, mode 0600",
        "uid %d mode %o" % (st.st_uid, st.st_mode))
    say(lines[-1] == "exit 7" and "pwd" in lines,
        "it holds the lines typed", lines)
except OSError as e:
    say(False, "the history file is the user's, mode 0600", e)
    say(False, "it holds the lines typed", e)
    lines = []

# --- the second session: history comes back, trimmed; ^D ends it
p = login()
prompt(p)
m = step(p, "a new session has the last session's history", "history\r",
         r"history\r\n" + BP + r"((?:\s*\d+  [^\r\n]*\r\n)+)")
prompt(p)
hist = m.group(1).decode() if m else ""
say(re.search(r"\d+  exit 7\r\n\s*\d+  history\r\n$", hist) and
    len(hist.splitlines()) == 5, "history_size 5: the last five lines", hist)
p.send("\x04")
st = status(p)
say(st == 0, "^D ends the session (status of the last line)",
    "status %s" % st)
p.kill()
lines = open(HIST).read().splitlines()
say(len(lines) <= 5 + 1, "the file was trimmed at login (%d lines)"
    % len(lines), lines)
say(session_records()[-1]["event"] == "session_end", "^D: session_end")

# --- the idle timeout
write_conf(idle=2)
p = login()
prompt(p)
t0 = time.monotonic()
step(p, "no input for idle_timeout seconds ends the session", None,
     r"no input for 2 seconds: session ended", timeout=8)
st = status(p)
took = time.monotonic() - t0
say(st is not None and 1.5 <= took < 6, "after about 2 s (%.1f s)" % took)
p.kill()
last = session_records()[-1]
say(last["event"] == "session_end" and last.get("reason") ==
    "idle timeout", "session_end with reason \"idle timeout\"", last)
write_conf()

# --- the terminal goes away (ssh client gone) while a command runs
p = login()
prompt(p)
p.send("sleep 60\r")
time.sleep(0.7)
p.close()
st = status(p)
say(st is not None, "a hangup ends the session (status %s)" % st)
time.sleep(0.3)
left = subprocess.run(["pgrep", "-u", U, "sleep"], capture_output=True)
say(left.returncode == 1, "and the running command with it",
    left.stdout.decode())
last = session_records()[-1]
say(last["event"] == "session_end" and last.get("reason") == "signal",
    "session_end with reason \"signal\"", last)

# --- a history file that is not a regular file of the user's
os.unlink(HIST)
os.symlink("/etc/victim", HIST)
with open(CAGE + "/etc/victim", "w") as f:
    f.write("root's\n")
p = login()
step(p, "a symlinked history file is not used", None,
     r"history file %s: .*; history is kept in memory only" %
     re.escape(HOME + "/.cagesh_history"))
prompt(p)
p.send("pwd\r")
prompt(p)
p.send("exit\r")
p.wait(5)
p.kill()
say(open(CAGE + "/etc/victim").read() == "root's\n" and
    os.path.islink(HIST), "its target is untouched")
os.unlink(HIST)
os.mkfifo(HIST)
os.chown(HIST, UID, -1)
p = login()
step(p, "a FIFO as history file does not block the login", None, PROMPT)
p.send("exit\r")
p.wait(5)
p.kill()
os.unlink(HIST)

# --- the audit log fills up during a session (on_failure = deny)
p = login()
prompt(p)
p.send("pwd\r")
prompt(p)
filler = os.path.join(os.path.dirname(LOG), "filler")
sv = os.statvfs(os.path.dirname(LOG))
with open(filler, "wb") as f:
    f.write(b"\0" * (sv.f_bfree * sv.f_frsize - 512 * 1024))
step(p, "with the audit log full, a line does not run", "cat deploy-notes.txt\r",
     r"cagesh: the audit log cannot be written: the line does not run")
say("notes" not in p.buf.decode(errors="replace").split("deploy-notes.txt")[-1],
    "(its command did not run)")
prompt(p)
os.unlink(filler)
step(p, "once there is room again, lines run", "id -u\r", out(str(UID)))
prompt(p)
p.send("exit\r")
p.wait(5)
p.kill()

# --- names the user controls reach the terminal escaped (vis.h)
GID = pwd.getpwnam(U).pw_gid
UHOME = (CAGE + HOME).encode()
# ESC, a raw C1 CSI (0x9b) and the same as UTF-8 (U+009B)
EVIL = b"zzE\x1b[2J\x9b1m\xc2\x9b2m"
SHOWN = r"zzE\\x1b\[2J\\x9b1m\\xc2\\x9b2m"
EVILF = b"zzF\x1b[2J\x9b"
SHOWNF = r"zzF\\x1b\[2J\\x9b"
for name, mk in ((EVIL, os.mkdir), (b"zzP", os.mkdir),
                 (EVILF, lambda n: open(n, "wb").close())):
    mk(os.path.join(UHOME, name))
    os.chown(os.path.join(UHOME, name), UID, GID)


def raw(b):
    """What must never reach the terminal from a name."""
    return b"\x9b" in b or b"\x1b[2J" in b


def clean(p, mark, what):
    chunk = p.buf[mark:]
    say(not raw(chunk), what, "got: %r" % chunk[-400:])


p = login()
prompt(p)
mark = len(p.buf)
step(p, "a directory named with ESC and C1: the prompt shows it escaped",
     b"cd zzE*\r", r"%s@[^:\s]+:~/%s\$ " % (U, SHOWN))
clean(p, mark, "(no ESC [2J, no 0x9b byte reaches the terminal)")
p.send("cd\r")
prompt(p)
mark = len(p.buf)
step(p, "Tab Tab lists such a name escaped", "cd zz\t\t", SHOWN)
clean(p, mark, "(the listing has no raw ESC [2J or 0x9b)")
p.send("\x15")          # ^U: the line is empty again
rounds = 0
for i in range(5):
    # ^C while the shell still draws the listing: the line is dropped,
    # a prompt comes back and the next line runs.  (Typing in the same
    # burst as the ^C races the signal in any shell: not checked.)
    p.send("cd zz\t\t")
    try:
        p.expect(r"zzP", 5)
        p.send("\x03")
        # the listing redraws the prompt too: give the ^C its time, and
        # type on an empty line (^U) as a person would after it
        time.sleep(0.5)
        p.expect(PROMPT, 5)
        p.send("\x15echo round-%d\r" % i)
        p.expect(out("round-%d" % i), 5)
        rounds += 1
    except Timeout:
        pass
    p.send("\x15")
say(rounds == 5, "^C while a listing is drawn: the line is dropped, the next runs "
    "(%d of 5)" % rounds, p.output())
mark = len(p.buf)
step(p, "Tab does not complete a name with control bytes into the line",
     "cd zzE\t", r"cd zzE")
time.sleep(0.3)
step(p, "(the line stays what was typed)", "\r",
     r"cagesh: cd: zzE: No such file or directory")
clean(p, mark, "(nothing raw reached the terminal)")
prompt(p)
mark = len(p.buf)
step(p, "cd to a file named with ESC and C1: the message is escaped",
     "cd zzF*\r", r"cagesh: cd: %s: Not a directory" % SHOWNF)
clean(p, mark, "(no raw control bytes in it)")
prompt(p)
mark = len(p.buf)
step(p, "a word with ESC and C1 denied at run time: the denial is escaped",
     "sleep zzE*\r", r"cagesh: denied: sleep: [^\r\n]*%s" % SHOWN)
clean(p, mark, "(no raw control bytes in it)")
prompt(p)
p.send("exit\r")
p.wait(5)
p.kill()


def dash_c(line):
    r = subprocess.run(argv(U) + ["-c", line], stdin=subprocess.DEVNULL,
                       capture_output=True, env={"TERM": "xterm"},
                       timeout=10)
    return r.returncode, r.stderr


for what, line, want in (
        ("cd to a file named with ESC and C1", b"cd zzF*",
         r"cagesh: cd: %s: Not a directory" % SHOWNF),
        ("cd to a missing name with C1 bytes", b"cd zzN\x9b\xc2\x9b",
         r"cagesh: cd: zzN\\x9b\\xc2\\x9b: No such file or directory"),
        ("a word denied at run time", b"sleep zzE*",
         r"cagesh: denied: sleep: [^\n]*%s" % SHOWN),
        ("a command denied when judged", b"ba\x9bsh -c id",
         r"cagesh: denied: ba\\x9bsh: not an allowed command"),
        ("a redirection from a missing name", b"cat < zzN\xc2\x9b",
         r"cagesh: zzN\\xc2\\x9b: No such file or directory")):
    st, err = dash_c(line)
    say(st != 0 and re.search(want.encode(), err) and not raw(err),
        "-c: %s: the message is escaped" % what, "status %d, %r" % (st, err))
os.rmdir(os.path.join(UHOME, EVIL))
os.rmdir(os.path.join(UHOME, b"zzP"))
os.unlink(os.path.join(UHOME, EVILF))

# --- terminfo comes from the cage's root-owned directories, not ~/.terminfo
src = subprocess.run(["infocmp", "-1", "xterm"], capture_output=True,
                     text=True).stdout
src = re.sub(r"(?m)^\t(clear|el|cuu1|bel|cup|ed)=.*,$", r"\t\1=PWNED-\1,",
             src)
evil = re.sub(r"(?m)^xterm\|[^\n]*,$", "cagesh-evil|planted,", src, count=1)
tdir = CAGE + HOME + "/.terminfo"
for text in (src, evil):
    with open(CAGE + "/tmp/planted.src", "w") as f:
        f.write(text)
    r = subprocess.run(["tic", "-o", tdir, CAGE + "/tmp/planted.src"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
os.unlink(CAGE + "/tmp/planted.src")
subprocess.run(["chown", "-R", "%d:%d" % (UID, GID), tdir])
say(os.path.exists(tdir + "/x/xterm") and
    os.path.exists(tdir + "/c/cagesh-evil"),
    "(a planted ~/.terminfo/x/xterm and c/cagesh-evil)")
for term in ("xterm", "cagesh-evil"):
    p = login(term=term)
    prompt(p, "TERM=%s with a planted ~/.terminfo: a prompt" % term)
    p.send("\x0c")
    prompt(p)
    step(p, "(a completion listing)", "cat /\t\t", r"proc/")
    step(p, "(a line runs)", "\x15pwd\r", out(HOME))
    prompt(p)
    p.send("exit\r")
    p.wait(5)
    p.kill()
    say(b"PWNED" not in p.buf, "TERM=%s: nothing of ~/.terminfo reaches "
        "the terminal (^L, completion, redisplay)" % term,
        p.buf[-400:])
subprocess.run(["rm", "-rf", tdir])

# --- ^\ ends the running job, like ^C, not the session
p = login()
prompt(p)
t0 = time.monotonic()
p.send("sleep 5; echo after-sleep\r")
time.sleep(0.7)
step(p, "^\\ during a running sleep gives the prompt back", "\x1c", PROMPT)
say(time.monotonic() - t0 < 4, "within a few seconds (%.1f s)"
    % (time.monotonic() - t0))
say(b"after-sleep" not in p.buf.split(b"echo after-sleep")[-1],
    "and the rest of the line does not run")
step(p, "the session goes on: the next line runs", "id -u\r",
     out(str(UID)))
prompt(p)
p.send("\x1c")
time.sleep(0.3)
step(p, "^\\ at the prompt does nothing: the next line runs", "pwd\r",
     out(HOME))
prompt(p)
p.send("exit 3\r")
st = status(p)
say(st == 3, "the session ends normally later (exit 3)", "status %s" % st)
p.kill()
recs = session_records()
sl = [r for r in recs if r["event"] == "command" and
      r["line"].startswith("sleep 5")]
say(len(sl) == 1 and sl[0]["status"] == 131,
    "the line ^\\ ended has status 131", sl)
say(recs[-1]["event"] == "session_end" and recs[-1].get("status") == 3 and
    "reason" not in recs[-1], "session_end: status 3, no reason", recs[-1])

# --- refusals
p = Pty(argv(U2), env={"TERM": "xterm"})
step(p, "interactive = false: a login is refused with a clear message",
     None, r"cagesh: no interactive login for %s" % U2)
st = status(p)
say(st == 1, "with status 1", "status %s" % st)
p.kill()
last = records()[-1]
say(last["event"] == "session_refused" and last["user"] == U2,
    "and a session_refused record", last)

r = subprocess.run(argv(U), stdin=subprocess.DEVNULL, capture_output=True,
                   env={"TERM": "xterm"}, timeout=10)
say(r.returncode == 1 and b"needs a terminal" in r.stderr,
    "a login without a terminal is refused", r.stderr.decode())
last = records()[-1]
say(last["event"] == "session_refused", "with a session_refused record")

with open(LOG) as f:
    body = f.read()
bad = 0
for line in body.splitlines():
    try:
        json.loads(line)
    except ValueError:
        bad += 1
say(body.endswith("\n") and bad == 0, "every audit line is whole JSON")
