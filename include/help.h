/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The help builtin's text, pure formatting (nothing is read or run): the
 * commands a profile allows, each with its one-line description, and
 * one command's argument rules in plain words.
 */
#ifndef CAGESH_HELP_H
#define CAGESH_HELP_H

#include <stddef.h>

#include "model.h"
#include "xmalloc.h"

/* Every allowed command and builtin, and the variables a line may set. */
void	help_list(const struct profile *, struct sbuf *out);

/*
 * words: a command and, optionally, its subcommands ("git", "clone").
 * Returns 0 with the text in out, made visible (vis.h), or -1 with the
 * reason in out, as it is: a message, for a printer that escapes it.
 */
int	help_command(const struct profile *, char *const *words, size_t n,
	    struct sbuf *out);

#endif
