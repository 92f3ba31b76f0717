/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rec.c: a parsed line -> a record, checked against the schema that
 * audit.c writes (README, THE RECORD SCHEMA).  A line that is JSON but
 * not such a record (a field of the wrong type, an "escaped" entry that
 * names no string or does not decode, a "cut" entry that does not fit
 * its value) is not read: the views never show half-understood facts.
 * Part of cagesh-log, an admin's tool with no privilege of its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logtool.h"
#include "vis.h"
#include "xmalloc.h"

static const char *const ev_names[] = {
	[LEV_START] = "session_start",
	[LEV_EXEC] = "exec",
	[LEV_COMMAND] = "command",
	[LEV_END] = "session_end",
	[LEV_REFUSED] = "session_refused",
	[LEV_OTHER] = NULL,
};

const char *
lrec_event_name(enum lev ev)
{
	if ((size_t)ev < LEV_OTHER)
		return ev_names[ev];
	return "other";
}

/* Types a field may have: a bit per enum lj_type. */
#define T(x)	(1u << (x))
#define TSTR	(T(LJ_STR) | T(LJ_NULL))

enum fid { F_TIME, F_EVENT, F_SESSION, F_USER, F_UID, F_FROM, F_MODE,
	F_LINE_NO, F_CMD_NO, F_CWD, F_LINE, F_ARGV, F_REDIRS, F_COMMANDS,
	F_COMMANDS_OMITTED, F_VERDICT, F_RULE, F_REASON, F_STATUS,
	F_DURATION, F_SIGNAL, F_KILLED, F_WARNING, F_ESCAPED, F_CUT,
	F_OMITTED, F_ERROR, F_N };

/* A field's name and its length, compared before its bytes. */
#define N(s)	s, sizeof(s) - 1

static const struct field {
	const char	*name;
	size_t		 len;
	unsigned	 types;
	int		 required;
} fields[F_N] = {
	[F_TIME] = { N("time"), T(LJ_STR), 1 },
	[F_EVENT] = { N("event"), T(LJ_STR), 1 },
	[F_SESSION] = { N("session"), T(LJ_STR), 1 },
	[F_USER] = { N("user"), TSTR, 1 },
	[F_UID] = { N("uid"), T(LJ_INT), 1 },
	[F_FROM] = { N("from"), TSTR, 1 },
	[F_MODE] = { N("mode"), TSTR, 1 },
	[F_LINE_NO] = { N("line_no"), T(LJ_INT), 0 },
	[F_CMD_NO] = { N("cmd_no"), T(LJ_INT), 0 },
	[F_CWD] = { N("cwd"), TSTR, 0 },
	[F_LINE] = { N("line"), TSTR, 0 },
	[F_ARGV] = { N("argv"), T(LJ_ARR), 0 },
	[F_REDIRS] = { N("redirs"), T(LJ_ARR), 0 },
	[F_COMMANDS] = { N("commands"), T(LJ_ARR), 0 },
	[F_COMMANDS_OMITTED] = { N("commands_omitted"), T(LJ_INT), 0 },
	[F_VERDICT] = { N("verdict"), T(LJ_STR), 0 },
	[F_RULE] = { N("rule"), TSTR, 0 },
	[F_REASON] = { N("reason"), TSTR, 0 },
	[F_STATUS] = { N("status"), T(LJ_INT), 0 },
	[F_DURATION] = { N("duration_ms"), T(LJ_INT), 0 },
	[F_SIGNAL] = { N("signal"), T(LJ_INT), 0 },
	[F_KILLED] = { N("killed"), T(LJ_INT), 0 },
	[F_WARNING] = { N("warning"), TSTR, 0 },
	[F_ESCAPED] = { N("escaped"), T(LJ_ARR), 0 },
	[F_CUT] = { N("cut"), T(LJ_ARR), 0 },
	[F_OMITTED] = { N("omitted"), T(LJ_ARR), 0 },
	[F_ERROR] = { N("error"), T(LJ_STR), 0 },
};

/* The members of obj by field, each checked for its type. */
static int
members(const struct lj *obj, const struct field *tab, size_t n,
    const struct lj **out, const char **why)
{
	const struct lj *m;
	size_t i;

	memset(out, 0, n * sizeof(*out));
	for (m = obj->child; m != NULL; m = m->next) {
		for (i = 0; i < n; i++)
			if (tab[i].len == m->klen && tab[i].name[0] == m->key[0]
			    && memcmp(tab[i].name, m->key, m->klen) == 0)
				break;
		if (i == n)
			continue;	/* a field this reader does not know */
		if ((tab[i].types & T(m->type)) == 0) {
			*why = "a field of the wrong type";
			return -1;
		}
		out[i] = m;
	}
	for (i = 0; i < n; i++)
		if (tab[i].required && out[i] == NULL) {
			*why = "a field every record has is missing";
			return -1;
		}
	return 0;
}

static const struct lj *
str_or_null(const struct lj *n)
{
	return n != NULL && n->type == LJ_STR ? n : NULL;
}

static int
is_verdict(const struct lj *v, int partial)
{
	return lf_word_is(v, "allow") || lf_word_is(v, "deny") ||
	    (partial && lf_word_is(v, "partial"));
}

static int
all_strings(const struct lj *arr)
{
	const struct lj *n;

	for (n = arr->child; n != NULL; n = n->next)
		if (n->type != LJ_STR && n->type != LJ_NULL)
			return 0;
	return 1;
}

enum rid { R_FD, R_OP, R_TARGET, R_N };
static const struct field rfields[R_N] = {
	[R_FD] = { N("fd"), T(LJ_INT), 1 },
	[R_OP] = { N("op"), T(LJ_STR), 1 },
	[R_TARGET] = { N("target"), TSTR, 1 },
};

static int
redirs_ok(const struct lj *arr, const char **why)
{
	const struct lj *n, *f[R_N];

	for (n = arr->child; n != NULL; n = n->next)
		if (n->type != LJ_OBJ || members(n, rfields, R_N, f, why) == -1)
			return -1;
	return 0;
}

/* One command of a "command" record. */
enum cid { C_ARGV, C_REDIRS, C_VERDICT, C_RULE, C_REASON, C_STATUS,
	C_DURATION, C_N };
static const struct field cfields[C_N] = {
	[C_ARGV] = { N("argv"), T(LJ_ARR), 1 },
	[C_REDIRS] = { N("redirs"), T(LJ_ARR), 0 },
	[C_VERDICT] = { N("verdict"), T(LJ_STR), 1 },
	[C_RULE] = { N("rule"), TSTR, 0 },
	[C_REASON] = { N("reason"), TSTR, 0 },
	[C_STATUS] = { N("status"), T(LJ_INT), 0 },
	[C_DURATION] = { N("duration_ms"), T(LJ_INT), 0 },
};

static int
commands_ok(const struct lj *arr, const char **why)
{
	const struct lj *n, *f[C_N];

	for (n = arr->child; n != NULL; n = n->next) {
		if (n->type != LJ_OBJ || members(n, cfields, C_N, f, why) == -1)
			return -1;
		if (!all_strings(f[C_ARGV]) || !is_verdict(f[C_VERDICT], 0) ||
		    (f[C_REDIRS] != NULL &&
		    redirs_ok(f[C_REDIRS], why) == -1)) {
			*why = "a command of the wrong shape";
			return -1;
		}
	}
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * An "escaped" value back to its bytes, in place: audit.c wrote each
 * byte outside valid UTF-8 as \xHH and each backslash as \\, so any
 * other backslash means the record is not one it wrote.
 */
static int
unescape(struct lj *n)
{
	char *s = n->s, *o = n->s;
	size_t i;
	int h, l;

	for (i = 0; i < n->len; i++) {
		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		if (i + 1 < n->len && s[i + 1] == '\\') {
			*o++ = '\\';
			i++;
			continue;
		}
		if (i + 3 >= n->len || s[i + 1] != 'x' ||
		    (h = hexval((unsigned char)s[i + 2])) == -1 ||
		    (l = hexval((unsigned char)s[i + 3])) == -1)
			return -1;
		*o++ = (char)(h << 4 | l);
		i += 3;
	}
	*o = '\0';
	n->len = (size_t)(o - n->s);
	return 0;
}

static int
escaped_ok(struct lj *root, const struct lj *arr, const char **why)
{
	const struct lj *e;
	struct lj *v;

	for (e = arr->child; e != NULL; e = e->next) {
		if (e->type != LJ_STR ||
		    (v = lj_pointer(root, e->s, e->len)) == NULL ||
		    v->type != LJ_STR || v->escaped || unescape(v) == -1) {
			*why = "an \"escaped\" entry that does not fit";
			return -1;
		}
		v->escaped = 1;
	}
	return 0;
}

static int
sha_ok(const struct lj *s)
{
	size_t i;

	if (s == NULL || s->type != LJ_STR || s->len != 64)
		return 0;
	for (i = 0; i < s->len; i++)
		if (hexval((unsigned char)s->s[i]) == -1)
			return 0;
	return 1;
}

static int
cut_ok(struct lj *root, const struct lj *arr, const char **why)
{
	const struct lj *e, *path, *len;
	struct lj *v;

	for (e = arr->child; e != NULL; e = e->next) {
		if (e->type != LJ_OBJ ||
		    (path = lj_get(e, "path")) == NULL ||
		    path->type != LJ_STR ||
		    (len = lj_get(e, "length")) == NULL ||
		    len->type != LJ_INT || !sha_ok(lj_get(e, "sha256")) ||
		    (v = lj_pointer(root, path->s, path->len)) == NULL ||
		    v->type != LJ_STR || v->cut != NULL ||
		    len->i < 0 || (unsigned long long)len->i < v->len) {
			*why = "a \"cut\" entry that does not fit";
			return -1;
		}
		v->cut = e;
	}
	return 0;
}

static long long
int_or(const struct lj *n, long long dflt)
{
	return n != NULL ? n->i : dflt;
}

int
lrec_read(struct lrec *r, struct lj *root, const char **why)
{
	const struct lj *f[F_N];
	size_t i;

	memset(r, 0, sizeof(*r));
	if (members(root, fields, F_N, f, why) == -1)
		return -1;
	if (lrec_time(f[F_TIME]->s, f[F_TIME]->len, &r->t) == -1) {
		*why = "a time that is not RFC 3339";
		return -1;
	}
	if ((f[F_ARGV] != NULL && !all_strings(f[F_ARGV])) ||
	    (f[F_REDIRS] != NULL && redirs_ok(f[F_REDIRS], why) == -1) ||
	    (f[F_COMMANDS] != NULL && commands_ok(f[F_COMMANDS], why) == -1) ||
	    (f[F_VERDICT] != NULL && !is_verdict(f[F_VERDICT], 1))) {
		*why = "a command of the wrong shape";
		return -1;
	}
	/* escaped first: a cut's length counts the value's own bytes */
	if ((f[F_ESCAPED] != NULL && escaped_ok(root, f[F_ESCAPED], why) == -1)
	    || (f[F_CUT] != NULL && cut_ok(root, f[F_CUT], why) == -1))
		return -1;
	r->ev = LEV_OTHER;
	for (i = 0; i < LEV_OTHER; i++)
		if (lf_word_is(f[F_EVENT], ev_names[i]))
			r->ev = (enum lev)i;
	r->event = f[F_EVENT];
	r->session = f[F_SESSION];
	r->user = str_or_null(f[F_USER]);
	r->uid = f[F_UID]->i;
	r->from = str_or_null(f[F_FROM]);
	r->mode = str_or_null(f[F_MODE]);
	r->line_no = int_or(f[F_LINE_NO], 0);
	r->cmd_no = int_or(f[F_CMD_NO], 0);
	r->cwd = str_or_null(f[F_CWD]);
	r->line = str_or_null(f[F_LINE]);
	r->verdict = f[F_VERDICT];
	r->rule = str_or_null(f[F_RULE]);
	r->reason = str_or_null(f[F_REASON]);
	r->warning = str_or_null(f[F_WARNING]);
	r->error = f[F_ERROR];
	r->argv = f[F_ARGV];
	r->redirs = f[F_REDIRS];
	r->commands = f[F_COMMANDS];
	r->omitted = f[F_OMITTED];
	r->has_status = f[F_STATUS] != NULL;
	r->status = int_or(f[F_STATUS], 0);
	r->duration_ms = int_or(f[F_DURATION], -1);
	r->signal = int_or(f[F_SIGNAL], 0);
	r->killed = int_or(f[F_KILLED], 0);
	r->commands_omitted = int_or(f[F_COMMANDS_OMITTED], 0);
	return 0;
}

static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's). */
static long long
days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
mdays(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

/*
 * RFC 3339 ("2026-01-02T03:04:05.678Z", "...+02:00", T or space, any
 * fraction), or a date with an optional HH:MM[:SS] and no zone (UTC,
 * as in the log).
 */
int
lrec_time(const char *s, size_t n, long long *ms)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, frac = 0, scale = 100;
	size_t i = 10;
	long long off = 0;

	if (n < 10 || digits(s, 4, &y) == -1 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    digits(s + 8, 2, &d) == -1 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays(y, mo))
		return -1;
	if (i < n) {
		if ((s[i] != 'T' && s[i] != 't' && s[i] != ' ') ||
		    n - i < 6 || digits(s + i + 1, 2, &h) == -1 ||
		    s[i + 3] != ':' || digits(s + i + 4, 2, &mi) == -1)
			return -1;
		i += 6;
		if (i < n && s[i] == ':') {
			if (n - i < 3 || digits(s + i + 1, 2, &sec) == -1)
				return -1;
			i += 3;
			if (i < n && s[i] == '.') {
				if (++i == n || s[i] < '0' || s[i] > '9')
					return -1;
				for (; i < n && s[i] >= '0' && s[i] <= '9';
				    i++, scale /= 10)
					frac += (s[i] - '0') * scale;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (i < n && (s[i] == 'Z' || s[i] == 'z'))
			i++;
		else if (i < n && (s[i] == '+' || s[i] == '-')) {
			if (n - i != 6 || digits(s + i + 1, 2, &oh) == -1 ||
			    s[i + 3] != ':' ||
			    digits(s + i + 4, 2, &om) == -1 || oh > 23 ||
			    om > 59)
				return -1;
			off = (oh * 60LL + om) * 60000 * (s[i] == '+' ? 1 : -1);
			i = n;
		}
	}
	if (i != n)
		return -1;
	*ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL +
	    sec * 1000LL + frac - off;
	return 0;
}

void
lrec_vis(struct sbuf *b, const struct lj *v)
{
	const struct lj *len, *sha;

	if (v == NULL || v->type != LJ_STR) {
		sbuf_addc(b, '-');
		return;
	}
	vis_addn(b, v->s, v->len);
	if (v->cut == NULL)
		return;
	len = lj_get(v->cut, "length");
	sha = lj_get(v->cut, "sha256");
	sbuf_addf(b, "\xe2\x80\xa6[cut: %lld bytes, sha256 %.8s]", len->i,
	    sha->s);
}

static int
assignment(const struct lj *w)
{
	size_t i;

	if (w->type != LJ_STR || w->len == 0 ||
	    !((w->s[0] >= 'A' && w->s[0] <= 'Z') ||
	    (w->s[0] >= 'a' && w->s[0] <= 'z') || w->s[0] == '_'))
		return 0;
	for (i = 1; i < w->len; i++) {
		if (w->s[i] == '=')
			return 1;
		if (!((w->s[i] >= 'A' && w->s[i] <= 'Z') ||
		    (w->s[i] >= 'a' && w->s[i] <= 'z') ||
		    (w->s[i] >= '0' && w->s[i] <= '9') || w->s[i] == '_'))
			return 0;
	}
	return 0;
}

const struct lj *
lrec_name(const struct lj *argv)
{
	const struct lj *w;

	if (argv == NULL)
		return NULL;
	for (w = argv->child; w != NULL; w = w->next)
		if (!assignment(w))
			return w->type == LJ_STR ? w : NULL;
	return NULL;
}
