/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small TAP producer for the C unit tests (automake tap-driver.sh).
 * The plan is printed at the end: tap_done() returns the exit status.
 */
#ifndef CAGESH_TAP_H
#define CAGESH_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static void __attribute__((format(printf, 2, 3)))
tap_ok(int good, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!good)
		tap_failed++;
	printf("%s %d - ", good ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define ok(cond, ...)	tap_ok(!!(cond), __VA_ARGS__)

#define is_int(got, want, ...) do {					\
	long long g_ = (got), w_ = (want);				\
	tap_ok(g_ == w_, __VA_ARGS__);					\
	if (g_ != w_)							\
		tap_diag("  got %lld, want %lld", g_, w_);		\
} while (0)

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = (g_ == NULL && w_ == NULL) ||			\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	tap_ok(same_, __VA_ARGS__);					\
	if (!same_)							\
		tap_diag("  got \"%s\", want \"%s\"",			\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

static int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed != 0 || tap_count == 0;
}

#endif
