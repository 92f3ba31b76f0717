/*
 * The seccomp filter against terminal input injection, on a real
 * pseudo-terminal that is the test process's controlling terminal.
 * Needs no root.  The filter cannot be removed, so each check runs in a
 * child that reports back through a pipe.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "filter.h"
#include "tap.h"

static int report = -1;

static void
say(int good, const char *what)
{
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "%d %s\n", good, what);
	(void)write(report, line, (size_t)n);
}

/* good: 1 passed, 0 failed, 2 only worth a note */

/* In a new session, a pty slave opened without O_NOCTTY becomes ours. */
static int
own_terminal(void)
{
	int m, s;

	if (setsid() == -1)
		return -1;
	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1 || grantpt(m) == -1 ||
	    unlockpt(m) == -1)
		return -1;
	if ((s = open(ptsname(m), O_RDWR)) == -1)
		return -1;
	return s;
}

static int
inject(int fd, unsigned long req)
{
	char c = 'x';

	return (int)syscall(SYS_ioctl, fd, req, &c);
}

#if defined(__x86_64__)
/* ioctl through the 32-bit entry (int 0x80, i386 number 54) */
static long
inject32(int fd)
{
	char *c;
	long r;

	c = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (c == MAP_FAILED)
		return -ENOMEM;
	*c = 'y';
	__asm__ volatile ("int $0x80" : "=a"(r) : "a"(54), "b"(fd),
	    "c"(TIOCSTI), "d"(c) : "memory");
	munmap(c, 4096);
	return r;
}
#endif

static void __attribute__((noreturn))
child(void)
{
	struct winsize ws;
	struct termios t;
	char why[256];
	int tty, r;
#if defined(__x86_64__)
	long r32;
#endif

	if ((tty = own_terminal()) == -1) {
		say(0, "a pseudo-terminal of our own");
		_exit(1);
	}
#if defined(__x86_64__)
	r32 = inject32(tty);
#endif
	r = inject(tty, TIOCSTI);
	say(2, r == 0 ? "control: TIOCSTI works here without the filter" :
	    "control: TIOCSTI is refused here even without the filter");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    filter_tty_inject(why, sizeof(why)) == -1) {
		say(0, "the filter installs");
		_exit(1);
	}
	say(1, "the filter installs (no_new_privs, no root)");
	errno = 0;
	r = inject(tty, TIOCSTI);
	say(r == -1 && errno == EPERM, "TIOCSTI is refused with EPERM");
	errno = 0;
	r = inject(tty, (unsigned long)TIOCSTI | (1UL << 32));
	say(r == -1 && errno == EPERM,
	    "TIOCSTI with high bits set in the request is refused too");
	errno = 0;
	r = inject(tty, TIOCLINUX);
	say(r == -1 && errno == EPERM, "TIOCLINUX is refused");
#if defined(__x86_64__)
	if (r32 == 0)
		say(inject32(tty) == -EPERM, "TIOCSTI through the 32-bit "
		    "system call entry is refused");
	else
		say(2, "no 32-bit system call entry here: not checked");
#endif
	say(ioctl(tty, TIOCGWINSZ, &ws) == 0, "other ioctls work (TIOCGWINSZ)");
	say(tcgetattr(tty, &t) == 0 && tcsetattr(tty, TCSANOW, &t) == 0,
	    "tcgetattr and tcsetattr work");
	say(close(dup(tty)) == 0, "other system calls work");
	_exit(0);
}

int
main(void)
{
	char buf[4096], *line, *nl;
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	int fd[2], st;

	if (pipe(fd) == -1)
		return 1;
	if ((pid = fork()) == 0) {
		close(fd[0]);
		report = fd[1];
		child();
	}
	close(fd[1]);
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if (line[0] == '2')
			tap_diag("%s", line + 2);
		else
			ok(line[0] == '1', "%s", line + 2);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the filtered child ended well");
	return tap_done();
}
