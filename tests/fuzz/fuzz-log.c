/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for cagesh-log's reader (src/log/json.c, rec.c) and
 * what shows a record (filter.c, view.c): any line is a record or a
 * reason, never a crash or a read past it.  A record it accepts is
 * shown: every value made visible must hold no control byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logtool.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
visible(const struct sbuf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if ((unsigned char)b->s[i] < 0x20 || b->s[i] == 0x7f ||
		    ((unsigned char)b->s[i] == 0xc2 && i + 1 < b->len &&
		    (unsigned char)b->s[i + 1] >= 0x80 &&
		    (unsigned char)b->s[i + 1] < 0xa0))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lj_doc *d;
	struct lfilter f;
	struct lrec r;
	struct lj *root;
	struct sbuf b;
	const struct lj *c;
	const char *why = NULL;
	char *copy;

	if (d == NULL)
		d = lj_new();
	/* an exact-size copy: any read past the line is caught */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	root = lj_parse(d, copy, size, &why);
	if (root == NULL) {
		if (why == NULL)
			abort();
		free(copy);
		return 0;
	}
	if (lrec_read(&r, root, &why) == -1) {
		if (why == NULL)
			abort();
		free(copy);
		return 0;
	}
	memset(&f, 0, sizeof(f));
	f.command = "git";
	f.from = "192.0.2.1";
	f.user = "deploy";
	(void)lf_match(&f, &r);
	sbuf_init(&b);
	lrec_vis(&b, r.line);
	lrec_vis(&b, r.cwd);
	lrec_vis(&b, r.reason);
	lrec_vis(&b, r.user);
	lv_argv(&b, r.argv, r.redirs);
	for (c = r.commands ? r.commands->child : NULL; c; c = c->next)
		lv_argv(&b, lj_get(c, "argv"), lj_get(c, "redirs"));
	lv_time(&b, r.t, 1);
	lv_duration(&b, r.duration_ms);
	visible(&b);
	sbuf_free(&b);
	free(copy);
	return 0;
}
