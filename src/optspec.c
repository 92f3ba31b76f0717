/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The option grammar of rules, pure code: conf.c parses the specs with
 * it, policy.c and the completion read argv words with it, help.c
 * writes them out with it, so all four agree on what a spec means.
 */
#include <sys/types.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "optspec.h"
#include "xmalloc.h"

/* pattern_defer(): a session compiles a pattern when a line needs it */
static int defer;
static unsigned long ncompiles;

static const char alnum[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* strchr() finds the terminating NUL of set: '\0' is in no set here. */
static int
in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static int
long_name_ok(const char *n, size_t len)
{
	size_t i;

	if (len == 0 || !in_set(n[0], alnum))
		return 0;
	for (i = 1; i < len; i++)
		if (!in_set(n[i], alnum) && !in_set(n[i], "-_."))
			return 0;
	return 1;
}

/*
 * Whether every ')' of an ERE closes a '(' of its own.  glibc takes a
 * lone ')' as a literal, so "a)|b" compiles alone, and wrapped it would
 * become "^(a)|b)$": any word starting with "a" would match.
 */
static int
re_parens_ok(const char *re)
{
	const char *p = re;
	int depth = 0;

	while (*p != '\0') {
		switch (*p) {
		case '\\':
			if (*++p == '\0')
				return 0;
			p++;
			break;
		case '[':
			/* Brackets: "[]a]", "[^]a]", "[[:alpha:]]". */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']') {
				if (*p == '[' && in_set(p[1], ":.=")) {
					char end = p[1];

					for (p += 2; *p != '\0' &&
					    !(p[0] == end && p[1] == ']'); p++)
						;
					if (*p == '\0')
						return 0;
					p += 2;
				} else
					p++;
			}
			if (*p == '\0')
				return 0;
			p++;
			break;
		case '(':
			depth++;
			p++;
			break;
		case ')':
			if (--depth < 0)
				return 0;
			p++;
			break;
		default:
			p++;
		}
	}
	return depth == 0;
}

char *
optspec_compile(const char *re, regex_t *dst)
{
	char *anch, *why, buf[256];
	int rc;

	/* The pattern must stand alone before it is wrapped. */
	ncompiles++;
	if ((rc = regcomp(dst, re, REG_EXTENDED | REG_NOSUB)) == 0) {
		regfree(dst);
		if (!re_parens_ok(re)) {
			xasprintf(&why, "bad pattern '%s': a ')' closes no '('",
			    re);
			return why;
		}
		xasprintf(&anch, "^(%s)$", re);
		ncompiles++;
		rc = regcomp(dst, anch, REG_EXTENDED | REG_NOSUB);
		free(anch);
		if (rc == 0)
			return NULL;
	}
	regerror(rc, dst, buf, sizeof(buf));
	xasprintf(&why, "bad pattern '%s': %s", re, buf);
	return why;
}

void
pattern_defer(int on)
{
	defer = on;
}

int
pattern_deferred(void)
{
	return defer;
}

unsigned long
pattern_compiles(void)
{
	return ncompiles;
}

/* On failure regcomp() has freed what it took: p->re holds nothing. */
static char *
pattern_compile(struct pattern *p)
{
	char *why;

	if ((why = optspec_compile(p->src, &p->re)) != NULL) {
		p->state = PATTERN_BAD;
		return why;
	}
	p->state = PATTERN_OK;
	return NULL;
}

char *
pattern_init(struct pattern *p, const char *re)
{
	char *why;

	memset(p, 0, sizeof(*p));
	p->src = xstrdup(re);
	p->state = PATTERN_NEW;
	if (defer)
		return NULL;
	if ((why = pattern_compile(p)) != NULL) {
		pattern_clear(p);
		return why;
	}
	return NULL;
}

/*
 * The anchors optspec_compile() adds make a match a whole-word match.
 * A deferred pattern that does not compile (the file changed after
 * --check-config passed it) matches nothing, and the caller refuses.
 */
int
pattern_match(struct pattern *p, const char *word, const char **why)
{
	if (p->state == PATTERN_NEW) {
		if (p->src == NULL) {
			p->state = PATTERN_BAD;
			p->why = xstrdup("an empty pattern slot");
		} else
			p->why = pattern_compile(p);
	}
	if (p->state != PATTERN_OK) {
		*why = p->why != NULL ? p->why : "bad pattern";
		return -1;
	}
	return regexec(&p->re, word, 0, NULL, 0) == 0;
}

void
pattern_clear(struct pattern *p)
{
	if (p->state == PATTERN_OK)
		regfree(&p->re);
	free(p->src);
	free(p->why);
	memset(p, 0, sizeof(*p));
}

void
optspec_clear(struct optspec *o)
{
	free(o->name);
	free(o->spec);
	if (o->pattern != NULL) {
		pattern_clear(o->pattern);
		free(o->pattern);
	}
	memset(o, 0, sizeof(*o));
}

void
optspec_copy(struct optspec *dst, const struct optspec *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->kind = src->kind;
	dst->arg = src->arg;
	dst->name = xstrdup(src->name);
	dst->spec = xstrdup(src->spec);
	dst->line = src->line;
}

char *
optspec_parse(const char *spec, int bare, struct optspec *o)
{
	const char *p, *name, *why = NULL;
	char *msg;
	size_t nlen;

	memset(o, 0, sizeof(*o));
	if (spec[0] != '-' || spec[1] == '\0') {
		why = "is not an option";
		goto bad;
	}
	if (spec[1] == '-') {
		o->kind = OPT_LONG;
		name = spec + 2;
	} else {
		name = spec + 1;
		o->kind = strcspn(name, "=[") == 1 ? OPT_SHORT : OPT_WORD;
	}
	nlen = strcspn(name, "=[");
	if (o->kind == OPT_SHORT) {
		if (!in_set(name[0], alnum)) {
			why = "is not a valid option: a short option is "
			    "one letter or digit";
			goto bad;
		}
	} else if (!long_name_ok(name, nlen)) {
		why = "is not a valid option name";
		goto bad;
	}
	p = name + nlen;
	if (*p == '\0')
		o->arg = ARG_NONE;
	else if (*p == '=') {
		o->arg = ARG_REQ;
		p++;
	} else if (strncmp(p, "[=]", 3) == 0) {
		if (o->kind != OPT_LONG) {
			why = "cannot take an optional value: only --long "
			    "options can";
			goto bad;
		}
		o->arg = ARG_OPT;
		p += 3;
	} else {
		why = "is not a valid option spec";
		goto bad;
	}
	if (bare && o->arg != ARG_NONE) {
		why = "must be written without a value or pattern here";
		goto bad;
	}
	o->name = xstrndup(name, nlen);
	o->spec = xstrdup(spec);
	if (*p != '\0') {
		o->pattern = xcalloc(1, sizeof(*o->pattern));
		if ((msg = pattern_init(o->pattern, p)) != NULL) {
			free(o->pattern);
			o->pattern = NULL;
			optspec_clear(o);
			return msg;
		}
	}
	return NULL;
bad:
	memset(o, 0, sizeof(*o));
	xasprintf(&msg, "'%s' %s", spec, why);
	return msg;
}

/* The spec named name[0..len) (abbrev 0), or one it abbreviates (1). */
static const struct optspec *
lookup(const struct optspec *v, size_t n, enum opt_kind kind,
    const char *name, size_t len, int abbrev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == kind && strncmp(v[i].name, name, len) == 0 &&
		    (abbrev ? v[i].name[len] != '\0' : v[i].name[len] == '\0'))
			return &v[i];
	return NULL;
}

const struct optspec *
optspec_find(const struct optspec *v, size_t n, enum opt_kind kind,
    const char *name, size_t len)
{
	return lookup(v, n, kind, name, len, 0);
}

const struct optspec *
optspec_abbrev(const struct optspec *v, size_t n, enum opt_kind kind,
    const char *name, size_t len)
{
	return lookup(v, n, kind, name, len, 1);
}

enum optval
optspec_value(const struct optspec *o, const char *rest, const char **glued)
{
	*glued = NULL;
	if (o->arg == ARG_NONE)
		return OV_NONE;
	if (o->kind == OPT_LONG && rest[0] == '=') {
		*glued = rest + 1;
		return OV_GLUED;
	}
	if (o->kind == OPT_SHORT && rest[0] != '\0') {
		*glued = rest;
		return OV_GLUED;
	}
	return o->arg == ARG_OPT ? OV_NONE : OV_NEXT;
}

int
optspec_takes_next(const struct optspec *v, size_t n, const char *word)
{
	const struct optspec *o;
	const char *t = word + 1, *glued;
	size_t k, len;

	if (word[0] != '-' || t[0] == '\0')
		return 0;
	if (t[0] == '-') {
		len = strcspn(++t, "=");
		o = optspec_find(v, n, OPT_LONG, t, len);
		return o != NULL &&
		    optspec_value(o, t + len, &glued) == OV_NEXT;
	}
	if ((o = optspec_find(v, n, OPT_WORD, t, strlen(t))) != NULL)
		return optspec_value(o, "", &glued) == OV_NEXT;
	/* a value-taking letter ends the cluster */
	for (k = 0; t[k] != '\0'; k++)
		if ((o = optspec_find(v, n, OPT_SHORT, t + k, 1)) != NULL &&
		    o->arg != ARG_NONE)
			return optspec_value(o, t + k + 1, &glued) == OV_NEXT;
	return 0;
}

const char *
optspec_pattern(const struct optspec *o)
{
	const char *p;

	if (o->pattern == NULL || o->spec == NULL)
		return NULL;
	p = o->spec + strlen(optspec_dash(o->kind)) + strlen(o->name);
	return p + (*p == '=' ? 1 : 3);
}

const char *
optspec_dash(enum opt_kind k)
{
	return k == OPT_LONG ? "--" : "-";
}

void
optspec_text(struct sbuf *b, const struct optspec *o, enum optform form)
{
	sbuf_adds(b, optspec_dash(o->kind));
	sbuf_adds(b, o->name);
	if (form == OF_TYPED) {
		if (o->kind == OPT_LONG && o->arg == ARG_REQ)
			sbuf_addc(b, '=');
		return;
	}
	switch (o->arg) {
	case ARG_NONE:
		break;
	case ARG_REQ:
		sbuf_adds(b, o->kind == OPT_LONG ? "=VALUE" : " VALUE");
		break;
	case ARG_OPT:
		sbuf_adds(b, "[=VALUE]");
		break;
	}
}
