/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The unit tests' whole-file read: the bytes of path, NUL-ended, their
 * count in *lenp; NULL when it cannot be opened.  Test code, no
 * privilege.
 */
#ifndef CAGESH_TESTS_SLURP_H
#define CAGESH_TESTS_SLURP_H

#include <stdio.h>
#include <string.h>

#include "xmalloc.h"

static char *
slurp(const char *path, size_t *lenp)
{
	struct sbuf b;
	char buf[8192];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	sbuf_init(&b);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_addn(&b, buf, n);
	fclose(f);
	*lenp = b.len;
	return sbuf_take(&b);
}

#endif
