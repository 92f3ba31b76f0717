/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vis: what reaches a terminal from a name someone else chose.  Every
 * control a terminal obeys is shown as \xHH, whichever way it is
 * written; the rest is left readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "tap.h"
#include "vis.h"
#include "xmalloc.h"

/* What one errmsg call writes to fd (1 or 2), through a pipe. */
static char *
said(int fd, void (*say)(void))
{
	char buf[512];
	ssize_t n;
	int p[2], saved;

	fflush(stdout);
	if (pipe(p) == -1 || (saved = dup(fd)) == -1 || dup2(p[1], fd) == -1)
		return xstrdup("(pipe)");
	close(p[1]);
	say();
	fflush(stdout);
	dup2(saved, fd);
	close(saved);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	return xstrdup(buf);
}

static void say_warnx(void) { err_warnx("%s: x", "a\033[2Jb"); }
static void say_warn(void) { errno = ENOENT; err_warn("open %s", "f"); }
static void say_report(void) { err_report("done\t%d", 3); }

static void
test_errmsg(void)
{
	char *s;

	s = said(2, say_warnx);
	is_str(s, "cagesh: a\\x1b[2Jb: x\n", "err_warnx: cagesh: first, "
	    "the words made visible");
	free(s);
	err_setprog("cagesh-jail");
	s = said(2, say_warn);
	is_str(s, "cagesh-jail: open f: No such file or directory\n",
	    "err_warn: the program's own name, then strerror");
	free(s);
	s = said(1, say_report);
	is_str(s, "cagesh-jail: done\\x093\n", "err_report: on stdout");
	free(s);
	err_setprog("cagesh");
}

static void
vis_is(const char *in, const char *want, const char *what)
{
	char *got;

	got = vis_str(in);
	is_str(got, want, "%s", what);
	free(got);
}

struct vis_case {
	const char	*in, *want, *what;
};

static const struct vis_case utf8_cases[] = {
	{ "plain name-1.txt", "plain name-1.txt", "printable ASCII kept" },
	{ "", "", "empty string" },
	{ "back\\slash", "back\\\\slash", "backslash doubled" },
	{ "\\x1b", "\\\\x1b", "an escape written out is not one" },
	{ "\033]0;pwned\007", "\\x1b]0;pwned\\x07", "OSC title sequence" },
	{ "\033[2J", "\\x1b[2J", "CSI clear screen" },
	{ "a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd", "tab, newline, CR" },
	{ "\001\037\177", "\\x01\\x1f\\x7f", "C0 ends and DEL" },
	{ "\233", "\\x9b", "raw C1 byte (CSI)" },
	{ "\302\233", "\\xc2\\x9b", "C1 CSI as UTF-8" },
	{ "\302\200\302\237", "\\xc2\\x80\\xc2\\x9f",
	    "C1 range ends as UTF-8" },
	{ "caf\303\251 \342\202\254 \360\237\230\200",
	    "caf\303\251 \342\202\254 \360\237\230\200",
	    "valid UTF-8 kept (2, 3, 4 bytes)" },
	{ "\302\240", "\302\240", "U+00A0 kept: not C1" },
	{ "\300\200", "\\xc0\\x80", "overlong NUL" },
	{ "\355\240\200", "\\xed\\xa0\\x80", "surrogate" },
	{ "\364\220\200\200", "\\xf4\\x90\\x80\\x80", "past U+10FFFF" },
	{ "\342\202", "\\xe2\\x82", "truncated sequence" },
	{ "\342\202x", "\\xe2\\x82x", "broken sequence, next byte kept" },
	{ "\377\376", "\\xff\\xfe", "bytes never in UTF-8" },
};

/*
 * A terminal that is not UTF-8 reads each byte alone: U+011B is
 * c4 9b, and 0x9b there is CSI.  Nothing >= 0x80 reaches it raw.
 */
static const struct vis_case byte_cases[] = {
	{ "\304\233[2J", "\\xc4\\x9b[2J",
	    "not UTF-8: a letter whose second byte is CSI, escaped" },
	{ "caf\303\251", "caf\\xc3\\xa9", "not UTF-8: every byte >= 0x80" },
};

/* Which locale is UTF-8: LC_ALL, else LC_CTYPE, else LANG. */
static const struct {
	const char	*all, *ctype, *lang;
	int		 want;
	const char	*what;
} locales[] = {
	{ NULL, NULL, "en_US.UTF-8", 1, "LANG en_US.UTF-8" },
	{ NULL, NULL, "C.utf8", 1, "LANG C.utf8" },
	{ NULL, NULL, "de_DE.UTF-8@euro", 1, "LANG with a modifier" },
	{ NULL, NULL, "de_DE.ISO-8859-1", 0, "LANG Latin-1: not UTF-8" },
	{ NULL, NULL, "en_US.UTF-8x", 0, "LANG UTF-8x: not UTF-8" },
	{ NULL, NULL, NULL, 0, "no locale: not UTF-8" },
	{ NULL, NULL, "C", 0, "C: not UTF-8" },
	{ "C", "en_US.UTF-8", "en_US.UTF-8", 0, "LC_ALL wins" },
	{ "", "POSIX", "en_US.UTF-8", 0,
	    "an empty LC_ALL is unset; LC_CTYPE next" },
	{ NULL, "", "en_US.UTF-8", 1, "then LANG" },
};

static void
vis_cases(const struct vis_case *c, size_t n)
{
	for (; n > 0; c++, n--)
		vis_is(c->in, c->want, c->what);
}

/*
 * Every byte value 1-255 made visible: how many raw control bytes (C0,
 * DEL, 0x80-0x9f) are left, or with high, any byte >= 0x7f.
 */
static int
raw_left(int high)
{
	char all[256], *s;
	const unsigned char *p;
	int i, raw = 0;

	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	s = vis_str(all);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || (*p >= 0x7f && (high || *p < 0xa0)))
			raw++;
	free(s);
	return raw;
}

int
main(void)
{
	struct sbuf b;
	size_t i;

	vis_cases(utf8_cases, sizeof(utf8_cases) / sizeof(utf8_cases[0]));

	/* Length-counted input: a NUL inside is shown, the rest too. */
	sbuf_init(&b);
	vis_addn(&b, "a\0b", 3);
	is_str(b.s, "a\\x00b", "vis_addn shows a NUL");
	sbuf_free(&b);

	is_int(raw_left(0), 0, "all 255 byte values: no raw control byte");

	vis_set_utf8(0);
	vis_cases(byte_cases, sizeof(byte_cases) / sizeof(byte_cases[0]));
	is_int(raw_left(1), 0,
	    "not UTF-8: all 255 byte values, only ASCII left");
	vis_set_utf8(1);
	vis_is("caf\303\251", "caf\303\251", "UTF-8 again: kept");

	for (i = 0; i < sizeof(locales) / sizeof(locales[0]); i++)
		is_int(vis_locale_utf8(locales[i].all, locales[i].ctype,
		    locales[i].lang), locales[i].want, "%s", locales[i].what);
	test_errmsg();
	return tap_done();
}
