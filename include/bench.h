/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmark marks: compiled in only with -DCAGESH_BENCH (the bench
 * build, bench/cagesh-bench, made by `make bench`); empty otherwise.
 * Each mark writes one line to fd 2:
 *	cagesh-bench NAME PID SECONDS.NANOSECONDS MAXRSS_KB
 * with CLOCK_MONOTONIC time, so that bench/phases.py can put the marks
 * of the parent and the caged child on one timeline and cut a session
 * into phases.  errno is preserved.
 */
#ifndef CAGESH_BENCH_H
#define CAGESH_BENCH_H

#ifdef CAGESH_BENCH
#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static inline void
bench_mark(const char *what)
{
	struct timespec ts;
	struct rusage ru;
	char buf[160];
	int n, saved = errno;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (getrusage(RUSAGE_SELF, &ru) == -1)
		ru.ru_maxrss = -1;
	n = snprintf(buf, sizeof(buf), "cagesh-bench %s %ld %lld.%09ld %ld\n",
	    what, (long)getpid(), (long long)ts.tv_sec, ts.tv_nsec,
	    ru.ru_maxrss);
	if (n > 0 && (size_t)n < sizeof(buf))
		(void)!write(2, buf, (size_t)n);
	errno = saved;
}
#define BENCH_MARK(what)	bench_mark(what)
#else
#define BENCH_MARK(what)	do { } while (0)
#endif

#endif
