/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a session's cgroup costs the monitor (src/cgroup.c), step by
 * step: cgroup_make (find the cgroup2 mount and our own cgroup, mkdir,
 * open), cgroup_fork (the shell cloned into it, through a short-lived
 * middle process), the child's exit and reap, cgroup_kill (counting
 * what is left) and cgroup_remove; and a plain fork + exit + wait of
 * this process for comparison.  Run as root, where the monitor runs;
 * a child subreaper, as the monitor is.
 *
 *	cgroup-cost [-n RUNS]
 *
 * Prints the median of each step in microseconds, one "NAME US" a line.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

enum { S_MAKE, S_FORK, S_REAP, S_KILL, S_REMOVE, S_PLAIN, NSTEPS };

static const char *const names[NSTEPS] = {
	"cgroup_make", "cgroup_fork", "child_exit_reap", "cgroup_kill",
	"cgroup_remove", "plain_fork_exit_wait",
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

int
main(int argc, char *argv[])
{
	struct timespec t[NSTEPS + 1];
	struct cgroup cg;
	double *d[NSTEPS];
	char why[512], id[32];
	int i, k, n = 200, opt;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n') {
			fprintf(stderr, "usage: cgroup-cost [-n RUNS]\n");
			return 2;
		}
		n = atoi(optarg);
	}
	if (n < 1 || prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		return 2;
	for (k = 0; k < NSTEPS; k++)
		if ((d[k] = calloc((size_t)n, sizeof(double))) == NULL)
			return 1;
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "bench-%ld-%d", (long)getpid(), i);
		clock_gettime(CLOCK_MONOTONIC, &t[0]);
		if (cgroup_make(&cg, id, why, sizeof(why)) == -1) {
			fprintf(stderr, "cgroup-cost: %s\n", why);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t[1]);
		if ((pid = cgroup_fork(&cg)) == -1) {
			perror("cgroup-cost: cgroup_fork");
			cgroup_remove(&cg);
			return 1;
		}
		if (pid == 0)
			_exit(0);
		clock_gettime(CLOCK_MONOTONIC, &t[2]);
		while (waitpid(-1, NULL, 0) > 0)
			;
		clock_gettime(CLOCK_MONOTONIC, &t[3]);
		if (cgroup_kill(&cg, 2000) == -1)
			perror("cgroup-cost: cgroup_kill");
		clock_gettime(CLOCK_MONOTONIC, &t[4]);
		cgroup_remove(&cg);
		clock_gettime(CLOCK_MONOTONIC, &t[5]);
		if ((pid = fork()) == 0)
			_exit(0);
		(void)waitpid(pid, NULL, 0);
		clock_gettime(CLOCK_MONOTONIC, &t[6]);
		for (k = 0; k < NSTEPS; k++)
			d[k][i] = us(&t[k], &t[k + 1]);
	}
	for (k = 0; k < NSTEPS; k++) {
		qsort(d[k], (size_t)n, sizeof(double), cmp);
		printf("%s %.2f\n", names[k], d[k][n / 2]);
	}
	return 0;
}
