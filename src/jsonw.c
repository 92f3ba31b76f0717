/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * jsonw.c: JSON strings and values into an sbuf (jsonw.h).  Pure code,
 * also run as root by the monitor on values from the caged side.
 */
#include <stddef.h>
#include <string.h>

#include "jsonw.h"
#include "xmalloc.h"

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
size_t
jsonw_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void
jsonw_strn(struct sbuf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, len;

	sbuf_addc(b, '"');
	for (i = 0; i < n; i += len) {
		len = 1;
		switch (s[i]) {
		case '"':
			sbuf_adds(b, "\\\"");
			continue;
		case '\\':
			sbuf_adds(b, "\\\\");
			continue;
		case '\n':
			sbuf_adds(b, "\\n");
			continue;
		case '\t':
			sbuf_adds(b, "\\t");
			continue;
		case '\r':
			sbuf_adds(b, "\\r");
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7f) {
			sbuf_addf(b, "\\u%04x", s[i]);
			continue;
		}
		if ((len = jsonw_utf8_len(s + i, n - i)) == 0) {
			sbuf_addf(b, "\\u%04x", s[i]);
			len = 1;
			continue;
		}
		/* C1 controls (U+0080-U+009F): escaped, never raw to a terminal */
		if (len == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0) {
			sbuf_addf(b, "\\u%04x", s[i + 1]);
			continue;
		}
		sbuf_addn(b, (const char *)s + i, len);
	}
	sbuf_addc(b, '"');
}

void
jsonw_str(struct sbuf *b, const char *s)
{
	if (s == NULL)
		sbuf_adds(b, "null");
	else
		jsonw_strn(b, s, strlen(s));
}

void
jsonw_strv(struct sbuf *b, char *const *v, size_t n)
{
	size_t i;

	sbuf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_addc(b, ',');
		jsonw_str(b, v[i]);
	}
	sbuf_addc(b, ']');
}
