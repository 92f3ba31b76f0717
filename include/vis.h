/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bytes someone else chose (file names, link targets, what a user
 * typed), made safe to show on a terminal: nothing that reaches the
 * terminal can start an escape or control sequence, and every byte of
 * the original can be read off the output.
 *
 * Printable ASCII and valid UTF-8 other than C1 stay as they are.  A
 * backslash becomes \\.  A C0 control (tab and newline too), DEL, a C1
 * control (U+0080..U+009F, written as two bytes), and a byte that is not
 * part of valid UTF-8 (a raw 0x9b is one) become \xHH, one per byte.
 */
#ifndef CAGESH_VIS_H
#define CAGESH_VIS_H

#include <stddef.h>

struct sbuf;

void	 vis_addn(struct sbuf *, const char *, size_t);
void	 vis_adds(struct sbuf *, const char *);
char	*vis_str(const char *);		/* allocated */

#endif
