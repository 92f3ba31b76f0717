/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line parsed and judged before anything runs, pure code: what --explain
 * prints and what a session runs come from this same function.
 */
#ifndef CAGESH_JUDGE_H
#define CAGESH_JUDGE_H

#include <stddef.h>

#include "model.h"
#include "parse.h"
#include "policy.h"

struct judged {
	struct list		*ast;	/* NULL: perr says why */
	struct parse_error	 perr;
	struct pline		 pl;	/* when ast is set */
};

/* 0 when the line parsed (see pl.verdict), -1 when it did not (perr). */
int	judge_line(const struct profile *, const struct parse_limits *,
	    const char *line, size_t len, struct judged *);
/* The same, paths to programs matched by res (policy.h's presolve). */
int	judge_line_r(const struct profile *, const struct presolve *,
	    const struct parse_limits *, const char *line, size_t len,
	    struct judged *);
void	judged_free(struct judged *);

#endif
