/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <string.h>

#include "jsonw.h"
#include "vis.h"
#include "xmalloc.h"

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
		if (s[i] < 0x80 || (len = jsonw_utf8_len(s + i, n - i)) == 0 ||
		    (len == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0)) {
			/* C0, DEL, not UTF-8, or C1 as UTF-8: byte by byte */
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
