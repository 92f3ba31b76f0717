/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vis: what reaches a terminal from a name someone else chose.  Every
 * control a terminal obeys is shown as \xHH, whichever way it is
 * written; the rest is left readable.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vis.h"
#include "xmalloc.h"

static void
vis_is(const char *in, const char *want, const char *what)
{
	char *got;

	got = vis_str(in);
	is_str(got, want, "%s", what);
	free(got);
}

int
main(void)
{
	struct sbuf b;
	char all[256];
	const unsigned char *p;
	char *s;
	int i, raw;

	vis_is("plain name-1.txt", "plain name-1.txt", "printable ASCII kept");
	vis_is("", "", "empty string");
	vis_is("back\\slash", "back\\\\slash", "backslash doubled");
	vis_is("\\x1b", "\\\\x1b", "an escape written out is not one");
	vis_is("\033]0;pwned\007", "\\x1b]0;pwned\\x07", "OSC title sequence");
	vis_is("\033[2J", "\\x1b[2J", "CSI clear screen");
	vis_is("a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd", "tab, newline, CR");
	vis_is("\001\037\177", "\\x01\\x1f\\x7f", "C0 ends and DEL");
	vis_is("\233", "\\x9b", "raw C1 byte (CSI)");
	vis_is("\302\233", "\\xc2\\x9b", "C1 CSI as UTF-8");
	vis_is("\302\200\302\237", "\\xc2\\x80\\xc2\\x9f",
	    "C1 range ends as UTF-8");
	vis_is("caf\303\251 \342\202\254 \360\237\230\200",
	    "caf\303\251 \342\202\254 \360\237\230\200",
	    "valid UTF-8 kept (2, 3, 4 bytes)");
	vis_is("\302\240", "\302\240", "U+00A0 kept: not C1");
	vis_is("\300\200", "\\xc0\\x80", "overlong NUL");
	vis_is("\355\240\200", "\\xed\\xa0\\x80", "surrogate");
	vis_is("\364\220\200\200", "\\xf4\\x90\\x80\\x80", "past U+10FFFF");
	vis_is("\342\202", "\\xe2\\x82", "truncated sequence");
	vis_is("\342\202x", "\\xe2\\x82x", "broken sequence, next byte kept");
	vis_is("\377\376", "\\xff\\xfe", "bytes never in UTF-8");

	/* Length-counted input: a NUL inside is shown, the rest too. */
	sbuf_init(&b);
	vis_addn(&b, "a\0b", 3);
	is_str(b.s, "a\\x00b", "vis_addn shows a NUL");
	sbuf_free(&b);

	/* Every byte value: no raw control byte (C0, DEL, 0x80-0x9f) left. */
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	s = vis_str(all);
	raw = 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || (*p >= 0x7f && *p < 0xa0))
			raw++;
	is_int(raw, 0, "all 255 byte values: no raw control byte");
	free(s);
	return tap_done();
}
