/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rlimits_apply: each limit is set, read back and felt (EMFILE, EFBIG,
 * EAGAIN, ENOMEM, SIGXCPU); limits are never raised; core files are
 * off.  Each case runs in a child, since limits cannot be raised again.
 * Needs no root; as root, the nproc case drops to nobody first, since
 * RLIMIT_NPROC does not hold for root.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rlimits.h"
#include "tap.h"

static int report = -1;
static char dir[] = "/tmp/test-rlimits.XXXXXX";

static void
say(int good, const char *what)
{
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "%d %s\n", good, what);
	(void)write(report, line, (size_t)n);
}

static struct rlimits
none(void)
{
	struct rlimits l;

	l.nproc = l.nofile = l.cpu = l.fsize = l.as = RLIMITS_UNLIMITED;
	l.session = 0;
	return l;
}

static int
hard(int res, rlim_t *max, rlim_t *cur)
{
	struct rlimit r;

	if (getrlimit(res, &r) == -1)
		return -1;
	*max = r.rlim_max;
	*cur = r.rlim_cur;
	return 0;
}

static void
apply_or_die(const struct rlimits *l)
{
	char why[256];

	if (rlimits_apply(l, why, sizeof(why)) == -1) {
		say(0, why);
		_exit(1);
	}
}

static void
case_values(void)
{
	struct rlimits l = none();
	rlim_t max, cur;

	l.nproc = 500;
	l.nofile = 100;
	l.cpu = 50;
	l.fsize = 1 << 20;
	l.as = 3ULL << 30;
	apply_or_die(&l);
	say(hard(RLIMIT_NPROC, &max, &cur) == 0 && max == 500 && cur <= 500,
	    "RLIMIT_NPROC set");
	say(hard(RLIMIT_NOFILE, &max, &cur) == 0 && max == 100 && cur <= 100,
	    "RLIMIT_NOFILE set");
	say(hard(RLIMIT_CPU, &max, &cur) == 0 && max == 50 && cur == 50,
	    "RLIMIT_CPU set");
	say(hard(RLIMIT_FSIZE, &max, &cur) == 0 && max == 1 << 20 &&
	    cur == 1 << 20, "RLIMIT_FSIZE set");
	say(hard(RLIMIT_AS, &max, &cur) == 0 && max == 3ULL << 30,
	    "RLIMIT_AS set");
	say(hard(RLIMIT_CORE, &max, &cur) == 0 && max == 0 && cur == 0,
	    "RLIMIT_CORE is 0");
}

static void
case_nofile(void)
{
	struct rlimits l = none();
	int fd, n = 0;

	l.nofile = 64;
	apply_or_die(&l);
	while ((fd = open("/dev/null", O_RDONLY)) != -1)
		n++;
	say(errno == EMFILE && n < 64, "nofile 64: EMFILE before 64 files");
}

static void
case_fsize(void)
{
	struct rlimits l = none();
	char path[64], buf[4096];
	ssize_t n = 0, w;
	int fd;

	memset(buf, 'x', sizeof(buf));
	l.fsize = 1 << 20;
	apply_or_die(&l);
	signal(SIGXFSZ, SIG_IGN);
	snprintf(path, sizeof(path), "%s/big", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		say(0, "open a file");
		return;
	}
	while ((w = write(fd, buf, sizeof(buf))) > 0)
		n += w;
	say(w == -1 && errno == EFBIG && n == 1 << 20,
	    "fsize 1M: EFBIG at 1 MiB");
	close(fd);
	unlink(path);
}

static void
case_as(void)
{
	struct rlimits l = none();
	void *p;

	l.as = 256ULL << 20;
	apply_or_die(&l);
	p = mmap(NULL, 512ULL << 20, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say(p == MAP_FAILED && errno == ENOMEM, "as 256M: no 512M mapping");
}

static void
case_nproc(void)
{
	struct rlimits l = none();
	pid_t pid;

	if (getuid() == 0 && (setgid(65534) == -1 || setuid(65534) == -1)) {
		say(0, "drop to nobody for RLIMIT_NPROC");
		return;
	}
	l.nproc = 1;
	apply_or_die(&l);
	pid = fork();
	if (pid == 0)
		_exit(0);
	say(pid == -1 && errno == EAGAIN, "nproc 1: fork fails with EAGAIN");
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void
case_cpu(void)
{
	struct rlimits l = none();
	volatile unsigned long spin = 0;
	pid_t pid;
	int st;

	l.cpu = 1;
	if ((pid = fork()) == 0) {
		apply_or_die(&l);
		for (;;)
			spin++;
	}
	say(pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	    (WTERMSIG(st) == SIGXCPU || WTERMSIG(st) == SIGKILL),
	    "cpu 1: a spinning process is stopped by SIGXCPU");
}

/* An inherited lower limit stays; the profile cannot raise it. */
static void
case_never_raise(void)
{
	struct rlimits l = none();
	struct rlimit r = { 40, 80 };
	rlim_t max, cur;

	if (setrlimit(RLIMIT_NOFILE, &r) == -1) {
		say(0, "setrlimit NOFILE 40/80");
		return;
	}
	l.nofile = 4096;
	apply_or_die(&l);
	say(hard(RLIMIT_NOFILE, &max, &cur) == 0 && max == 80 && cur == 40,
	    "an inherited lower limit is kept (hard 80, soft 40)");
	l.nofile = 64;
	apply_or_die(&l);
	say(hard(RLIMIT_NOFILE, &max, &cur) == 0 && max == 64 && cur == 40,
	    "a lower hard limit, the soft one kept below it");
	l.nofile = RLIMITS_UNLIMITED;
	apply_or_die(&l);
	say(hard(RLIMIT_NOFILE, &max, &cur) == 0 && max == 64,
	    "\"unlimited\" leaves a limit as it is");
}

static void
run(void (*fn)(void))
{
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		fn();
		_exit(0);
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		say(0, "a case's child ended badly");
}

int
main(void)
{
	char buf[8192], *line, *nl;
	size_t len = 0;
	ssize_t n;
	int fd[2];

	if (mkdtemp(dir) == NULL || pipe(fd) == -1) {
		printf("Bail out! %s\n", strerror(errno));
		return 1;
	}
	report = fd[1];
	fflush(stdout);
	run(case_values);
	run(case_nofile);
	run(case_fsize);
	run(case_as);
	run(case_nproc);
	run(case_cpu);
	run(case_never_raise);
	close(fd[1]);
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		ok(line[0] == '1', "%s", line + 2);
	}
	if (getuid() == 0)
		tap_diag("as root: the nproc case ran as nobody");
	(void)rmdir(dir);
	return tap_done();
}
