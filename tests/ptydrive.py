# SPDX-License-Identifier: GPL-3.0-or-later
"""A small expect-like driver for programs on a pseudo-terminal.

Pty(argv) starts argv as the session leader of a new session whose
controlling terminal is the pty, as sshd does for `ssh -t`.  send()
types, expect() waits for a regular expression in what the program
printed since the last match, close() hangs the terminal up.
"""
import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time


class Timeout(Exception):
    pass


class Pty:
    def __init__(self, argv, env=None, rows=24, cols=80):
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execvpe(argv[0], argv, env if env is not None else {})
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.buf = b""
        self.pos = 0
        self.status = None
        fcntl.ioctl(fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))

    def send(self, s):
        if isinstance(s, str):
            s = s.encode()
        os.write(self.fd, s)

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            data = b""
        if not data:
            raise EOFError
        self.buf += data
        return True

    def expect(self, pattern, timeout=5.0):
        """The match of pattern in the output after the last match."""
        rx = re.compile(pattern.encode() if isinstance(pattern, str)
                        else pattern)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = end - time.monotonic()
            if left <= 0:
                raise Timeout(pattern)
            try:
                self._read(left)
            except EOFError:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                raise Timeout(pattern + " (EOF)")

    def output(self):
        """Everything printed since the last match."""
        return self.buf[self.pos:].decode(errors="replace")

    def wait(self, timeout=5.0):
        """The exit status (or -signal), reading what is left meanwhile."""
        end = time.monotonic() + timeout
        while self.status is None:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = (os.WEXITSTATUS(st) if os.WIFEXITED(st)
                               else -os.WTERMSIG(st))
                break
            if time.monotonic() > end:
                raise Timeout("exit")
            if self.fd < 0:
                time.sleep(0.02)
                continue
            try:
                if not self._read(0.05):
                    time.sleep(0.01)
            except (EOFError, OSError):
                time.sleep(0.02)
        return self.status

    def close(self):
        """Hangs the terminal up (as sshd does when the client goes)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                self.wait(2)
            except (OSError, Timeout):
                pass
        self.close()
