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
 *
 * A terminal that is not UTF-8 (an 8-bit xterm, a Latin-1 console) reads
 * every byte on its own, and 0x80..0x9f there are C1 controls even
 * inside valid UTF-8 ("\xc4\x9b" is a letter and then CSI): with
 * vis_set_utf8(0) every byte >= 0x80 becomes \xHH.  Programs set it from
 * their locale (vis_locale_utf8: LC_ALL, else LC_CTYPE, else LANG names
 * a UTF-8 codeset); no locale at all is not UTF-8.
 */
#ifndef CAGESH_VIS_H
#define CAGESH_VIS_H

#include <stddef.h>

struct sbuf;

void	 vis_addn(struct sbuf *, const char *, size_t);
void	 vis_adds(struct sbuf *, const char *);
char	*vis_str(const char *);		/* allocated */
void	 vis_set_utf8(int);		/* default 1 */
int	 vis_locale_utf8(const char *, const char *, const char *);

#endif
