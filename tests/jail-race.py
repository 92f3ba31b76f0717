#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The hostile user racing cagesh-jail, for tests/test-jail.sh.  Run as
# the caged user; stops after SECONDS or at SIGTERM (swap then puts
# every DIR back).
#
#   jail-race.py steal SECONDS DIR INTO CANARY
#	every name in DIR that looks like a temporary name of cagesh-jail
#	is moved into INTO, and a hard link to CANARY (a file outside the
#	cage the user may write) is put in its place: a root that chowns
#	or renames by that name then acts on CANARY.
#   jail-race.py swap SECONDS DIR TARGET [DIR TARGET]...
#	each DIR (a directory of the user's) and a symlink to its TARGET
#	trade places (renameat2 RENAME_EXCHANGE: one is always there), over
#	and over; at the end each DIR is the directory again.
import ctypes
import os
import signal
import sys
import time

AT_FDCWD = -100
RENAME_EXCHANGE = 2
libc = ctypes.CDLL(None, use_errno=True)
stop = False


def on_term(sig, frame):
    global stop
    stop = True


def running(end):
    return not stop and time.monotonic() < end


def exchange(fd, a, b):
    return libc.renameat2(fd, a, fd, b, RENAME_EXCHANGE) == 0


def steal(secs, d, into, canary):
    end = time.monotonic() + secs
    n = 0
    while running(end):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            if "cagesh-jail" not in name:
                continue
            try:
                os.rename(os.path.join(d, name),
                          os.path.join(into, "stolen.%d" % n))
                n += 1
                os.link(canary, os.path.join(d, name))
            except OSError:
                pass


def swap(secs, pairs):
    end = time.monotonic() + secs
    dirs = []
    # From the parent's fd: a long path must not slow the racer down.
    for d, target in zip(pairs[0::2], pairs[1::2]):
        os.symlink(target, d + ".l")
        name = os.path.basename(d).encode()
        dirs.append((os.open(os.path.dirname(d), os.O_RDONLY), name,
                     name + b".l"))
    while running(end):
        for fd, a, b in dirs:
            exchange(fd, a, b)
    for fd, a, b in dirs:
        if os.path.islink(os.path.join(b"/proc/self/fd/%d" % fd, a)):
            exchange(fd, a, b)
        os.unlink(b, dir_fd=fd)


def main():
    signal.signal(signal.SIGTERM, on_term)
    secs = float(sys.argv[2])
    if sys.argv[1] == "steal":
        steal(secs, sys.argv[3], sys.argv[4], sys.argv[5])
    elif sys.argv[1] == "swap":
        swap(secs, sys.argv[3:])
    else:
        sys.exit(2)


main()
