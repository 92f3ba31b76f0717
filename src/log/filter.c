/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * filter.c: which records the options select.  Values are compared as
 * the bytes they stand for (an "escaped" value decoded), never as
 * their visible form, so no spelling of a name matches another name.
 * Part of cagesh-log, an admin's tool with no privilege of its own.
 */
#include <limits.h>
#include <string.h>

#include "logtool.h"

int
lf_word_is(const struct lj *n, const char *s)
{
	size_t len = strlen(s);

	return n != NULL && n->type == LJ_STR && n->len == len &&
	    memcmp(n->s, s, len) == 0;
}

static int
starts_with(const struct lj *n, const char *s)
{
	size_t len = strlen(s);

	return n != NULL && n->type == LJ_STR && n->len >= len &&
	    memcmp(n->s, s, len) == 0;
}

/* Relative times up to this many units: no unit of it can overflow. */
#define REL_MAX	(LLONG_MAX / (7 * 86400000LL) / 2)

int
lf_time_arg(const char *arg, long long now, long long *ms)
{
	static const struct { char c; long long ms; } units[] = {
		{ 's', 1000LL }, { 'm', 60000LL }, { 'h', 3600000LL },
		{ 'd', 86400000LL }, { 'w', 7 * 86400000LL },
	};
	size_t i, n = strlen(arg);
	long long v = 0;

	if (strcmp(arg, "now") == 0) {
		*ms = now;
		return 0;
	}
	if (strcmp(arg, "today") == 0 || strcmp(arg, "yesterday") == 0) {
		*ms = now - now % 86400000LL -
		    (arg[0] == 'y' ? 86400000LL : 0);
		return 0;
	}
	for (i = 0; i < n && arg[i] >= '0' && arg[i] <= '9'; i++)
		if ((v = v * 10 + (arg[i] - '0')) > REL_MAX)
			return -1;
	if (i > 0 && i + 1 == n) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (units[i].c == arg[n - 1]) {
				*ms = now - v * units[i].ms;
				return 0;
			}
		return -1;
	}
	return lrec_time(arg, n, ms);
}

/* The name matches: NAME as the basename, or a path as the whole word. */
static int
name_is(const struct lj *w, const char *name)
{
	const char *base;
	size_t len;

	if (w == NULL)
		return 0;
	if (strchr(name, '/') != NULL)
		return lf_word_is(w, name);
	base = memrchr(w->s, '/', w->len);
	base = base != NULL ? base + 1 : w->s;
	len = strlen(name);
	return (size_t)(w->s + w->len - base) == len &&
	    memcmp(base, name, len) == 0;
}

static int
runs(const struct lrec *r, const char *name)
{
	const struct lj *c;

	if (r->argv != NULL && name_is(lrec_name(r->argv), name))
		return 1;
	if (r->commands == NULL)
		return 0;
	for (c = r->commands->child; c != NULL; c = c->next)
		if (name_is(lrec_name(lj_get(c, "argv")), name))
			return 1;
	return 0;
}

/* "ADDR" matches "ADDR PORT"; a whole "ADDR PORT" or "local" matches itself. */
static int
from_is(const struct lj *from, const char *addr)
{
	size_t len = strlen(addr);

	return lf_word_is(from, addr) || (starts_with(from, addr) &&
	    from->len > len && from->s[len] == ' ' &&
	    memchr(from->s + len + 1, ' ', from->len - len - 1) == NULL);
}

int
lf_match(const struct lfilter *f, const struct lrec *r)
{
	if (f->event != NULL && !lf_word_is(r->event, f->event))
		return 0;
	if (f->has_since && r->t < f->since)
		return 0;
	if (f->has_until && r->t > f->until)
		return 0;
	if (f->user != NULL && !lf_word_is(r->user, f->user))
		return 0;
	if (f->session != NULL && !starts_with(r->session, f->session))
		return 0;
	if (f->verdict != NULL && !lf_word_is(r->verdict, f->verdict))
		return 0;
	if (f->from != NULL && !from_is(r->from, f->from))
		return 0;
	if (f->command != NULL && !runs(r, f->command))
		return 0;
	return 1;
}
