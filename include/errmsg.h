/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages for people, as OpenBSD's warnx(3): one line, "PROG: text",
 * where PROG is "cagesh" unless the program said otherwise once at its
 * start (cagesh-jail, cagesh-log).  The text is made visible whole
 * (vis.h): file names, words of a line and config strings reach it as
 * %s arguments, and escaping the whole line means no message can forget
 * one.  Lines to stderr go out in one write(2), no stdio, so a forked
 * child can say why it fails without flushing its parent's buffers.
 */
#ifndef CAGESH_ERRMSG_H
#define CAGESH_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

void		 err_setprog(const char *);	/* a string that stays */
const char	*err_prog(void);

/* "PROG: text" on stderr; err_warn adds ": " and strerror(errno). */
void	 err_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 err_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 err_vwarnx(const char *, va_list) __attribute__((format(printf, 1, 0)));
/* err_warnx, then exit(status) */
void	 err_errx(int, const char *, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));

/* "PROG: text" on stdout: what a tool did (cagesh-jail's reports). */
void	 err_report(const char *, ...) __attribute__((format(printf, 1, 2)));
/* The visible line alone, no PROG (a listing), on fp's stdio. */
void	 err_line(FILE *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * For the code that reports to its caller, not to a person: fmt's
 * result in why[len] (cut to fit; the caller shows it), and -1, so
 * that "return err_why(why, len, ...);" is the whole failure path.
 */
int	 err_why(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
