/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vis.c: bytes someone else chose, made safe to show (vis.h).  Pure
 * code, used by every program, root or not.
 */
#include <stddef.h>
#include <strings.h>
#include <string.h>

#include "jsonw.h"
#include "vis.h"
#include "xmalloc.h"

/*
 * Not const: set once, before anything is shown, by the program's main
 * path (vis_set_utf8); never from a signal handler.
 */
static int utf8_ok = 1;

void
vis_set_utf8(int on)
{
	utf8_ok = on != 0;
}

int
vis_locale_utf8(const char *lc_all, const char *lc_ctype, const char *lang)
{
	const char *v, *dot;

	if (lc_all != NULL && *lc_all != '\0')
		v = lc_all;
	else if (lc_ctype != NULL && *lc_ctype != '\0')
		v = lc_ctype;
	else if (lang != NULL && *lang != '\0')
		v = lang;
	else
		return 0;
	if ((dot = strchr(v, '.')) == NULL)
		return 0;
	dot++;
	return strncasecmp(dot, "UTF-8", 5) == 0 && (dot[5] == '\0' ||
	    dot[5] == '@') ? 1 : strncasecmp(dot, "utf8", 4) == 0 &&
	    (dot[4] == '\0' || dot[4] == '@');
}

void
vis_addn(struct sbuf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, k, len;

	for (i = 0; i < n; i += len) {
		len = 1;
		if (s[i] == '\\') {
			sbuf_adds(b, "\\\\");
			continue;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			sbuf_addc(b, (char)s[i]);
			continue;
		}
		if (s[i] < 0x80 || !utf8_ok ||
		    (len = jsonw_utf8_len(s + i, n - i)) == 0 ||
		    (len == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0)) {
			/*
			 * C0, DEL, not UTF-8, C1 as UTF-8, or any byte
			 * >= 0x80 for a terminal that is not UTF-8:
			 * byte by byte.
			 */
			if (len == 0)
				len = 1;
			for (k = 0; k < len; k++)
				sbuf_addf(b, "\\x%02x", s[i + k]);
			continue;
		}
		sbuf_addn(b, (const char *)s + i, len);
	}
}

void
vis_adds(struct sbuf *b, const char *s)
{
	vis_addn(b, s, strlen(s));
}

char *
vis_str(const char *s)
{
	struct sbuf b;
	char *r;

	sbuf_init(&b);
	vis_adds(&b, s);
	r = sbuf_take(&b);
	sbuf_free(&b);
	return r;
}
