/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing JSON into a struct sbuf.  Strings are escaped so that no byte
 * of user input can end a string, a record or a line: quotes,
 * backslashes and every control byte (C1 controls too) are escaped, and
 * bytes that are not valid UTF-8 are written as \u00XX.
 */
#ifndef CAGESH_JSONW_H
#define CAGESH_JSONW_H

#include <stddef.h>

struct sbuf;

void	jsonw_str(struct sbuf *, const char *);
void	jsonw_strn(struct sbuf *, const char *, size_t);
void	jsonw_strv(struct sbuf *, char *const *, size_t);	/* array */
/*
 * Length of the valid UTF-8 sequence at s (reading at most n bytes and
 * never past a byte that breaks the sequence), or 0.
 */
size_t	jsonw_utf8_len(const unsigned char *, size_t);

#endif
