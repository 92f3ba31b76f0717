/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * expand.c: word expansion at run time.  Runs in the caged shell, as
 * the user (never root).
 *
 * Each character of an expanded word
 * carries a mark saying where it came from, because quoting decides two
 * things later: only unquoted expansion results are split into fields,
 * and only unquoted characters are glob operators.  Splitting happens
 * while the parts are read, so a quoted empty part ("") keeps its place
 * and makes a field of its own.
 */
#include <sys/types.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "expand.h"
#include "vars.h"
#include "xmalloc.h"

#define M_QUOTED	0x01	/* matched literally by glob */
#define M_SPLIT		0x02	/* unquoted expansion result: IFS splits */

/* The field being built: its text and one mark per character. */
struct field {
	struct sbuf	 text;
	struct sbuf	 mark;
	int		 present;	/* a quoted part or a character seen */
};

struct expansion {
	int		 flags;
	struct field	 cur;
	struct fields	 out;
};

static const char *const errs[] = {
	[EXPAND_OK] = "no error",
	[EXPAND_TOOBIG] = "command substitution output too large",
	[EXPAND_STOPPED] = "the line stopped",
	[EXPAND_GLOB] = "out of memory while globbing",
	[EXPAND_CMDSUB] = "cannot run a command substitution",
};

const char *
expand_strerror(enum expand_err e)
{
	if ((size_t)e >= sizeof(errs) / sizeof(errs[0]) || errs[e] == NULL)
		return "unknown expansion error";
	return errs[e];
}

void
fields_init(struct fields *f)
{
	f->v = NULL;
	f->n = f->cap = 0;
}

/* Takes the string. */
static void
fields_add(struct fields *f, char *s)
{
	if (f->n + 1 >= f->cap) {
		f->cap = f->cap == 0 ? 8 : f->cap * 2;
		f->v = xreallocarray(f->v, f->cap, sizeof(*f->v));
	}
	f->v[f->n++] = s;
	f->v[f->n] = NULL;
}

void
fields_free(struct fields *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	fields_init(f);
}

static int
is_ifs(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int
glob_special(char c)
{
	return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
}

/* Some unquoted *, ? or [ makes the field a pattern. */
static int
is_pattern(const struct field *f)
{
	size_t i;
	char c;

	for (i = 0; i < f->text.len; i++) {
		c = f->text.s[i];
		if ((c == '*' || c == '?' || c == '[') &&
		    !(f->mark.s[i] & M_QUOTED))
			return 1;
	}
	return 0;
}

/*
 * glob(3) with every quoted special character escaped: a quoted "*"
 * in a file name must match only a '*'.  A backslash is always literal
 * here (quote removal already happened), so it is always escaped.  No
 * match: the field stays as written, as sh does.
 */
static enum expand_err
glob_field(struct field *f, struct fields *out)
{
	struct sbuf pat;
	glob_t g;
	size_t i;
	int rc;
	char c;

	sbuf_init(&pat);
	for (i = 0; i < f->text.len; i++) {
		c = f->text.s[i];
		if (glob_special(c) && ((f->mark.s[i] & M_QUOTED) || c == '\\'))
			sbuf_addc(&pat, '\\');
		sbuf_addc(&pat, c);
	}
	memset(&g, 0, sizeof(g));
	rc = glob(pat.s, 0, NULL, &g);
	sbuf_free(&pat);
	if (rc == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			fields_add(out, xstrdup(g.gl_pathv[i]));
		globfree(&g);
		return EXPAND_OK;
	}
	globfree(&g);
	if (rc == GLOB_NOSPACE)
		return EXPAND_GLOB;
	fields_add(out, xstrdup(f->text.s));
	return EXPAND_OK;
}

static enum expand_err
end_field(struct expansion *e)
{
	struct field *f = &e->cur;
	enum expand_err rc = EXPAND_OK;

	if (!f->present)
		return EXPAND_OK;
	if (!(e->flags & EXPAND_NOGLOB) && is_pattern(f))
		rc = glob_field(f, &e->out);
	else
		fields_add(&e->out, xstrndup(f->text.s, f->text.len));
	f->text.len = f->mark.len = 0;
	f->text.s[0] = f->mark.s[0] = '\0';
	f->present = 0;
	return rc;
}

static enum expand_err
add_text(struct expansion *e, const char *s, size_t len, int mark)
{
	enum expand_err rc;
	size_t i;

	if (mark & M_QUOTED)
		e->cur.present = 1;
	for (i = 0; i < len; i++) {
		if ((mark & M_SPLIT) && is_ifs(s[i]) &&
		    !(e->flags & EXPAND_NOSPLIT)) {
			if ((rc = end_field(e)) != EXPAND_OK)
				return rc;
			continue;
		}
		sbuf_addc(&e->cur.text, s[i]);
		sbuf_addc(&e->cur.mark, (char)mark);
		e->cur.present = 1;
	}
	return EXPAND_OK;
}

static const char *
param(const struct expand_ctx *ctx, const char *name, char *buf,
    size_t bufsz)
{
	const char *v;

	if (strcmp(name, "?") == 0) {
		snprintf(buf, bufsz, "%d", *ctx->status);
		return buf;
	}
	if (strcmp(name, "$") == 0) {
		snprintf(buf, bufsz, "%ld", (long)ctx->shell_pid);
		return buf;
	}
	v = ctx->vars != NULL ? vars_get(ctx->vars, name) : NULL;
	return v != NULL ? v : "";
}

/* $(...): trailing newlines go; NUL bytes cannot live in an argv. */
static enum expand_err
cmdsub(const struct expand_ctx *ctx, const struct list *l, struct sbuf *out)
{
	enum expand_err rc;
	size_t i, n;

	if ((rc = ctx->cmdsub(ctx->arg, l, out)) != EXPAND_OK)
		return rc;
	for (i = n = 0; i < out->len; i++)
		if (out->s[i] != '\0')
			out->s[n++] = out->s[i];
	while (n > 0 && out->s[n - 1] == '\n')
		n--;
	out->len = n;
	out->s[n] = '\0';
	return EXPAND_OK;
}

static enum expand_err
expand_part(const struct expand_ctx *ctx, const struct wpart *p,
    struct expansion *e)
{
	char buf[32];
	const char *v;
	struct sbuf sub;
	enum expand_err rc;
	int mark;

	mark = p->quoted ? M_QUOTED : M_SPLIT;
	switch (p->kind) {
	case WP_LIT:
		return add_text(e, p->text, strlen(p->text),
		    p->quoted ? M_QUOTED : 0);
	case WP_TILDE:
		v = ctx->vars != NULL ? vars_get(ctx->vars, "HOME") : NULL;
		if (v == NULL)
			v = "~";
		/* a home directory is one word and never a pattern */
		e->cur.present = 1;
		return add_text(e, v, strlen(v), M_QUOTED);
	case WP_PARAM:
		v = param(ctx, p->text, buf, sizeof(buf));
		return add_text(e, v, strlen(v), mark);
	case WP_CMDSUB:
		sbuf_init(&sub);
		if ((rc = cmdsub(ctx, p->sub, &sub)) == EXPAND_OK)
			rc = add_text(e, sub.s, sub.len, mark);
		sbuf_free(&sub);
		return rc;
	}
	return EXPAND_OK;
}

enum expand_err
expand_word(const struct expand_ctx *ctx, const struct word *w, int flags,
    struct fields *out)
{
	struct expansion e;
	enum expand_err rc = EXPAND_OK;
	size_t i;

	if ((w->flags & W_LITERAL) && w->lit != NULL) {
		fields_add(out, xstrdup(w->lit));
		return EXPAND_OK;
	}
	memset(&e, 0, sizeof(e));
	e.flags = flags;
	sbuf_init(&e.cur.text);
	sbuf_init(&e.cur.mark);
	fields_init(&e.out);
	for (i = 0; i < w->nparts && rc == EXPAND_OK; i++)
		rc = expand_part(ctx, &w->parts[i], &e);
	if (rc == EXPAND_OK)
		rc = end_field(&e);
	if (rc == EXPAND_OK)
		for (i = 0; i < e.out.n; i++) {
			fields_add(out, e.out.v[i]);
			e.out.v[i] = NULL;
		}
	fields_free(&e.out);
	sbuf_free(&e.cur.text);
	sbuf_free(&e.cur.mark);
	return rc;
}
