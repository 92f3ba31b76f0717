/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * errmsg.c: the one place that writes "cagesh: ..." lines for people
 * (see errmsg.h).  Runs in every process of every program, root or not:
 * it only formats and writes, and the bytes it writes are made visible.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "vis.h"
#include "xmalloc.h"

static const char *prog = "cagesh";

void
err_setprog(const char *name)
{
	prog = name;
}

const char *
err_prog(void)
{
	return prog;
}

/* "PROG: " (when prefixed), fmt's result made visible, tail, newline. */
static void
vline(struct sbuf *b, int prefixed, const char *tail, const char *fmt,
    va_list ap)
{
	char *s;

	if (prefixed) {
		sbuf_adds(b, prog);
		sbuf_adds(b, ": ");
	}
	if (vasprintf(&s, fmt, ap) == -1)
		sbuf_adds(b, "(no memory for the message)");
	else {
		vis_adds(b, s);
		free(s);
	}
	if (tail != NULL) {
		sbuf_adds(b, ": ");
		sbuf_adds(b, tail);
	}
	sbuf_addc(b, '\n');
}

static void
to_stderr(const char *tail, const char *fmt, va_list ap)
{
	struct sbuf b;

	sbuf_init(&b);
	vline(&b, 1, tail, fmt, ap);
	(void)sbuf_write(&b, STDERR_FILENO);
	sbuf_free(&b);
}

void
err_vwarnx(const char *fmt, va_list ap)
{
	to_stderr(NULL, fmt, ap);
}

void
err_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	to_stderr(NULL, fmt, ap);
	va_end(ap);
}

void
err_warn(const char *fmt, ...)
{
	va_list ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	to_stderr(e, fmt, ap);
	va_end(ap);
}

void
err_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	to_stderr(NULL, fmt, ap);
	va_end(ap);
	exit(status);
}

static void
to_file(FILE *fp, int prefixed, const char *fmt, va_list ap)
{
	struct sbuf b;

	sbuf_init(&b);
	vline(&b, prefixed, NULL, fmt, ap);
	fputs(b.s, fp);
	sbuf_free(&b);
}

void
err_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	to_file(stdout, 1, fmt, ap);
	va_end(ap);
}

void
err_line(FILE *fp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	to_file(fp, 0, fmt, ap);
	va_end(ap);
}

int
err_why(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}
