/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the kernel confinement costs a session, layer by layer, as the
 * caged shell sets it up (src/caged.c): rlimits_apply, then
 * landlock_confine with the shipped capistrano profile's confine group
 * (the host's root standing for the cage's), then filter_install.  Each
 * run is a new forked child with no_new_privs, since a Landlock domain
 * and a seccomp filter are for good; a getpid() loop and a fork+wait
 * under the layers show what they cost afterwards.  Needs no root.
 *
 *	confine-cost [-n RUNS] [-l]
 *
 * Prints the median of each step in microseconds, one "NAME US" a line.
 * With -l, the first child prints the filter's length.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/filter.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "filter.h"
#include "landlock.h"
#include "rlimits.h"

enum { S_RLIMITS, S_LANDLOCK, S_FILTER, S_SYSCALL, S_FORK, NSTEPS };

static const char *const names[NSTEPS] = {
	"rlimits_apply", "landlock_confine", "filter_install",
	"getpid_after", "fork_wait_after",
};

static double
us(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
child(int fd, const struct confine *c, const struct rlimits *l,
    const char *home)
{
	struct timespec t[NSTEPS + 1];
	double d[NSTEPS];
	char why[512];
	pid_t pid;
	int i;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		_exit(1);
	clock_gettime(CLOCK_MONOTONIC, &t[0]);
	if (rlimits_apply(l, why, sizeof(why)) == -1)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &t[1]);
	if (landlock_confine(c, home, why, sizeof(why)) == -1)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &t[2]);
	if (filter_install(why, sizeof(why)) == -1)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &t[3]);
	for (i = 0; i < 1000; i++)
		(void)getpid();
	clock_gettime(CLOCK_MONOTONIC, &t[4]);
	if ((pid = fork()) == 0)
		_exit(0);
	(void)waitpid(pid, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &t[5]);
	for (i = 0; i < NSTEPS; i++)
		d[i] = us(&t[i], &t[i + 1]);
	d[S_SYSCALL] /= 1000;
	if (write(fd, d, sizeof(d)) != (ssize_t)sizeof(d))
		_exit(1);
	_exit(0);
fail:
	fprintf(stderr, "confine-cost: %s\n", why);
	_exit(1);
}

int
main(int argc, char *argv[])
{
	static char e0[] = "/usr", e1[] = "/bin", e2[] = "/sbin",
	    e3[] = "/lib", e4[] = "/lib64", w0[] = "~", w1[] = "/tmp",
	    w2[] = "/var/tmp", w3[] = "/var/www";
	static char *exec[] = { e0, e1, e2, e3, e4 };
	static char *write_[] = { w0, w1, w2, w3 };
	static struct sock_filter prog[BPF_MAXINSNS];
	struct confine c;
	struct rlimits l;
	double *d[NSTEPS], one[NSTEPS];
	char home[] = "/tmp/confine-cost.XXXXXX";
	int i, k, n = 200, opt, len = 0, p[2], st;
	pid_t pid;

	while ((opt = getopt(argc, argv, "ln:")) != -1) {
		switch (opt) {
		case 'l':
			len = 1;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: confine-cost [-n RUNS] [-l]\n");
			return 2;
		}
	}
	if (n < 1 || mkdtemp(home) == NULL) {
		fprintf(stderr, "confine-cost: bad -n, or mkdtemp failed\n");
		return 2;
	}
	if (len)
		printf("filter_length %zu\n", filter_build(prog, BPF_MAXINSNS));
	memset(&c, 0, sizeof(c));
	c.landlock = CONFINE_REQUIRE;
	c.exec = exec;
	c.nexec = sizeof(exec) / sizeof(exec[0]);
	c.write = write_;
	c.nwrite = sizeof(write_) / sizeof(write_[0]);
	c.signal = CONFINE_SIGNAL_USER;
	l.nproc = RLIMITS_NPROC_DEFAULT;
	l.nofile = RLIMITS_NOFILE_DEFAULT;
	l.cpu = RLIMITS_CPU_DEFAULT;
	l.fsize = RLIMITS_FSIZE_DEFAULT;
	l.as = RLIMITS_UNLIMITED;
	l.session = 0;
	for (k = 0; k < NSTEPS; k++)
		if ((d[k] = calloc((size_t)n, sizeof(double))) == NULL)
			return 1;
	for (i = 0; i < n; i++) {
		if (pipe(p) == -1 || (pid = fork()) == -1)
			return 1;
		if (pid == 0) {
			close(p[0]);
			child(p[1], &c, &l, home);
		}
		close(p[1]);
		if (read(p[0], one, sizeof(one)) != (ssize_t)sizeof(one) ||
		    waitpid(pid, &st, 0) == -1 || st != 0) {
			fprintf(stderr, "confine-cost: the child failed\n");
			(void)rmdir(home);
			return 1;
		}
		close(p[0]);
		for (k = 0; k < NSTEPS; k++)
			d[k][i] = one[k];
	}
	(void)rmdir(home);
	for (k = 0; k < NSTEPS; k++) {
		qsort(d[k], (size_t)n, sizeof(double), cmp);
		printf("%s %.2f\n", names[k], d[k][n / 2]);
	}
	return 0;
}
