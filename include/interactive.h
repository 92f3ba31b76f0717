/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The interactive shell: GNU readline line editing, a prompt, completion
 * of allowed commands and of files in the cage, history and an idle
 * timeout, around the very function that runs a -c line (parse, judge,
 * run, audit).  Runs in the caged child, after every privilege is gone.
 */
#ifndef CAGESH_INTERACTIVE_H
#define CAGESH_INTERACTIVE_H

#include <stddef.h>

#include "conf.h"
#include "xmalloc.h"

struct interactive {
	const struct shellconf	*conf;
	const struct profile	*profile;
	const char		*user;
	const char		*home;		/* inside the cage */
	const char		*term;		/* TERM, or NULL */
	/* runs one line; *exited is set when it ran the exit builtin */
	int	(*run)(void *arg, const char *line, int *exited);
	void	*arg;
};

enum interactive_end {
	IE_EXIT,	/* the exit builtin */
	IE_EOF,		/* ^D, or the terminal went away */
	IE_IDLE,	/* no input for conf->idle_timeout seconds */
	IE_SIGNAL,	/* SIGHUP or SIGTERM */
};

/* Reads and runs lines until the session ends; returns the last status. */
int	interactive_run(const struct interactive *, enum interactive_end *);

/* The history builtin: the last n lines (all when n < 0), numbered. */
void	interactive_history(void *arg, long n, struct sbuf *out);

#endif
