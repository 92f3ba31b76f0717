/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cagesh --explain's output, pure formatting (nothing runs): what the
 * policy says of a line, one line (or one JSON object) per simple command.
 */
#ifndef CAGESH_EXPLAIN_H
#define CAGESH_EXPLAIN_H

#include <stddef.h>

struct sbuf;
struct pline;
struct parse_error;

/* Exactly one of pl and perr is set. */
void	explain_text(struct sbuf *, const struct pline *pl,
	    const struct parse_error *perr);
void	explain_json(struct sbuf *, const char *user, const char *profile,
	    const char *line, size_t len, const struct pline *pl,
	    const struct parse_error *perr);
void	explain_quote(struct sbuf *, const char *word);

#endif
