/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cagesh --explain's output, pure formatting: a judged line as text
 * (one line per simple command) or as one JSON object.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "jsonw.h"
#include "parse.h"
#include "policy.h"
#include "xmalloc.h"

/* A word as a shell would need it typed, so the output can be pasted. */
void
explain_quote(struct sbuf *b, const char *w)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
	const unsigned char *p;

	if (*w != '\0' && strspn(w, safe) == strlen(w)) {
		sbuf_adds(b, w);
		return;
	}
	if (strpbrk(w, "\t\n") == NULL) {
		sbuf_addc(b, '\'');
		for (p = (const unsigned char *)w; *p != '\0'; p++) {
			if (*p == '\'')
				sbuf_adds(b, "'\\''");
			else
				sbuf_addc(b, (char)*p);
		}
		sbuf_addc(b, '\'');
		return;
	}
	sbuf_adds(b, "$'");
	for (p = (const unsigned char *)w; *p != '\0'; p++) {
		if (*p == '\n')
			sbuf_adds(b, "\\n");
		else if (*p == '\t')
			sbuf_adds(b, "\\t");
		else if (*p == '\'' || *p == '\\')
			sbuf_addf(b, "\\%c", *p);
		else
			sbuf_addc(b, (char)*p);
	}
	sbuf_addc(b, '\'');
}

void
explain_text(struct sbuf *b, const struct pline *pl,
    const struct parse_error *perr)
{
	size_t i, j;

	if (pl == NULL) {
		sbuf_addf(b, "deny: (line) -- %s: %s\n",
		    parse_strerror(perr->code), perr->msg);
		return;
	}
	for (i = 0; i < pl->n; i++) {
		sbuf_addf(b, "%s: ", policy_verdict_name(pl->e[i].verdict));
		for (j = 0; j < pl->e[i].argc; j++) {
			if (j > 0)
				sbuf_addc(b, ' ');
			explain_quote(b, pl->e[i].argv[j]);
		}
		sbuf_addf(b, " -- %s\n", pl->e[i].why);
	}
}

void
explain_json(struct sbuf *b, const char *user, const char *profile,
    const char *line, size_t len, const struct pline *pl,
    const struct parse_error *perr)
{
	char *reason;
	size_t i;

	sbuf_adds(b, "{\"user\":");
	jsonw_str(b, user);
	sbuf_adds(b, ",\"profile\":");
	jsonw_str(b, profile);
	sbuf_adds(b, ",\"line\":");
	jsonw_strn(b, line, len);
	if (pl == NULL) {
		xasprintf(&reason, "%s: %s", parse_strerror(perr->code),
		    perr->msg);
		sbuf_adds(b, ",\"verdict\":\"deny\",\"reason\":");
		jsonw_str(b, reason);
		sbuf_adds(b, ",\"commands\":[]}\n");
		free(reason);
		return;
	}
	sbuf_addf(b, ",\"verdict\":\"%s\",\"commands\":[",
	    policy_verdict_name(pl->verdict));
	for (i = 0; i < pl->n; i++) {
		if (i > 0)
			sbuf_addc(b, ',');
		sbuf_adds(b, "{\"argv\":");
		jsonw_strv(b, pl->e[i].argv, pl->e[i].argc);
		sbuf_addf(b, ",\"verdict\":\"%s\",\"%s\":",
		    policy_verdict_name(pl->e[i].verdict),
		    pl->e[i].verdict == V_ALLOW ? "rule" : "reason");
		jsonw_str(b, pl->e[i].why);
		sbuf_addf(b, ",\"deferred\":%s}",
		    pl->e[i].deferred ? "true" : "false");
	}
	sbuf_adds(b, "]}\n");
}
