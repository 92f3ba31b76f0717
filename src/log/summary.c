/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * summary.c: counts, as aureport gives them.  Its memory is bounded
 * whatever the log holds: each table keeps at most MAP_MAX distinct
 * keys of at most KEY_MAX bytes (a longer one is counted by its
 * prefix, marked "..."), and what comes after a table is full is
 * counted as "other".  Keys are the visible form of the values.
 * Part of cagesh-log, an admin's tool with no privilege of its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "logtool.h"
#include "xmalloc.h"

#define MAP_MAX		65536
#define KEY_MAX		256
#define NCOUNT		5

struct ment {
	char		*k;
	size_t		 klen;
	uint64_t	 h;
	unsigned long long c[NCOUNT];
};

struct lmap {
	struct ment	*e;		/* open addressing; cap: a power of 2 */
	size_t		 n, cap;
	unsigned long long other[NCOUNT];
	int		 full;
};

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void
map_grow(struct lmap *m)
{
	struct ment *old = m->e;
	size_t oldcap = m->cap, i, j;

	m->cap = m->cap ? m->cap * 2 : 256;
	m->e = xcalloc(m->cap, sizeof(*m->e));
	for (i = 0; i < oldcap; i++) {
		if (old[i].k == NULL)
			continue;
		for (j = old[i].h & (m->cap - 1); m->e[j].k != NULL;
		    j = (j + 1) & (m->cap - 1))
			;
		m->e[j] = old[i];
	}
	free(old);
}

/* The counters of key, or the table's "other" ones once it is full. */
static unsigned long long *
map_get(struct lmap *m, const char *k, size_t klen)
{
	uint64_t h = hash(k, klen);
	size_t j;

	if (m->cap == 0)
		map_grow(m);
	for (j = h & (m->cap - 1); m->e[j].k != NULL;
	    j = (j + 1) & (m->cap - 1))
		if (m->e[j].h == h && m->e[j].klen == klen &&
		    memcmp(m->e[j].k, k, klen) == 0)
			return m->e[j].c;
	if (m->n == MAP_MAX) {
		m->full = 1;
		return m->other;
	}
	if (2 * (m->n + 1) > m->cap) {
		map_grow(m);
		for (j = h & (m->cap - 1); m->e[j].k != NULL;
		    j = (j + 1) & (m->cap - 1))
			;
	}
	m->e[j].k = xstrndup(k, klen);
	m->e[j].klen = klen;
	m->e[j].h = h;
	m->n++;
	return m->e[j].c;
}

static void
map_free(struct lmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->e[i].k);
	free(m->e);
}

enum { END_NORMAL, END_SIGNAL, END_IDLE, END_LIMIT, END_KILLED, END_LOST,
	END_OTHER, END_N };

static const char *const end_names[END_N] = {
	[END_NORMAL] = "normally",
	[END_SIGNAL] = "by SIGHUP or SIGTERM (reason \"signal\")",
	[END_IDLE] = "by the idle timeout",
	[END_LIMIT] = "by the session time limit",
	[END_KILLED] = "the shell killed by a signal",
	[END_LOST] = "lost (protocol broken, or root process gone)",
	[END_OTHER] = "for another reason",
};

static const char *const end_keys[END_N] = {
	[END_NORMAL] = "normal", [END_SIGNAL] = "signal",
	[END_IDLE] = "idle_timeout", [END_LIMIT] = "time_limit",
	[END_KILLED] = "shell_killed", [END_LOST] = "lost",
	[END_OTHER] = "other",
};

enum { U_SESSIONS, U_REFUSED, U_LINES, U_DENIED, U_EXECS };

struct summary {
	unsigned long long records, starts, ends[END_N], nends, refused;
	unsigned long long with_killed, killed;
	unsigned long long lines, lines_v[3], execs, execs_deny;
	long long	 first, last;
	struct lmap	 users, denials, commands, refusals;
	struct sbuf	 k;
};

/* The visible form of v as a key: at most KEY_MAX bytes. */
static struct sbuf *
key(struct summary *s, const struct lj *v)
{
	struct sbuf *b = &s->k;
	size_t n;

	if (b->s == NULL)
		sbuf_init(b);
	b->len = 0;
	lrec_vis(b, v);
	if (b->len > KEY_MAX) {
		for (n = KEY_MAX; n > 0 && ((unsigned char)b->s[n] & 0xc0) ==
		    0x80; n--)
			;
		b->len = n;
		sbuf_adds(b, "...");
	}
	return b;
}

static unsigned long long *
count(struct summary *s, struct lmap *m, const struct lj *v)
{
	struct sbuf *b = key(s, v);

	return map_get(m, b->s, b->len);
}

static const struct lj *
basename_of(const struct lj *w, struct lj *tmp)
{
	const char *p;

	if (w == NULL)
		return NULL;
	if ((p = memrchr(w->s, '/', w->len)) == NULL || p + 1 == w->s + w->len)
		return w;
	*tmp = *w;
	tmp->s = (char *)p + 1;
	tmp->len = (size_t)(w->s + w->len - tmp->s);
	tmp->cut = NULL;
	return tmp;
}

static int
ending(const struct lrec *r)
{
	const struct lj *why = r->reason;

	if (why == NULL)
		return END_NORMAL;
	if (lf_word_is(why, "signal"))
		return END_SIGNAL;
	if (lf_word_is(why, "idle timeout"))
		return END_IDLE;
	if (lf_word_is(why, "session time limit"))
		return END_LIMIT;
	if (r->signal > 0)
		return END_KILLED;
	if (why->len >= 5 && memcmp(why->s, "lost:", 5) == 0)
		return END_LOST;
	return END_OTHER;
}

static int
summary_rec(struct lview *v, const struct lrec *r)
{
	struct summary *s = v->state;
	const struct lj *c, *name;
	struct lj tmp;
	unsigned long long *n;

	if (s->records++ == 0 || r->t < s->first)
		s->first = r->t;
	if (s->records == 1 || r->t > s->last)
		s->last = r->t;
	switch (r->ev) {
	case LEV_START:
		s->starts++;
		count(s, &s->users, r->user)[U_SESSIONS]++;
		break;
	case LEV_END:
		s->nends++;
		s->ends[ending(r)]++;
		if (r->killed > 0) {
			s->with_killed++;
			s->killed += (unsigned long long)r->killed;
		}
		break;
	case LEV_REFUSED:
		s->refused++;
		count(s, &s->users, r->user)[U_REFUSED]++;
		count(s, &s->refusals, r->reason)[0]++;
		break;
	case LEV_COMMAND:
		s->lines++;
		n = count(s, &s->users, r->user);
		n[U_LINES]++;
		if (lf_word_is(r->verdict, "allow"))
			s->lines_v[0]++;
		else {
			s->lines_v[lf_word_is(r->verdict, "deny") ? 1 : 2]++;
			n[U_DENIED]++;
		}
		/* each denied simple command once: judged, or at run time */
		for (c = r->commands ? r->commands->child : NULL; c != NULL;
		    c = c->next)
			if (lf_word_is(lj_get(c, "verdict"), "deny"))
				count(s, &s->denials, lj_get(c, "reason"))[0]++;
		break;
	case LEV_EXEC:
		s->execs++;
		count(s, &s->users, r->user)[U_EXECS]++;
		if ((name = basename_of(lrec_name(r->argv), &tmp)) == NULL) {
			/* no program: a compound's redirections, X=v alone */
			memset(&tmp, 0, sizeof(tmp));
			tmp.type = LJ_STR;
			tmp.s = (char *)(r->argv == NULL || r->argv->len == 0 ?
			    "(redirections only)" : "(assignments only)");
			tmp.len = strlen(tmp.s);
			name = &tmp;
		}
		n = count(s, &s->commands, name);
		n[0]++;
		if (lf_word_is(r->verdict, "deny")) {
			s->execs_deny++;
			n[1]++;
		}
		break;
	case LEV_OTHER:
		break;
	}
	return 0;
}

static int sort_col;	/* for the comparison below */

static int
by_count(const void *a, const void *b)
{
	const struct ment *x = *(const struct ment *const *)a;
	const struct ment *y = *(const struct ment *const *)b;
	int c;

	if (x->c[sort_col] != y->c[sort_col])
		return x->c[sort_col] < y->c[sort_col] ? 1 : -1;
	c = memcmp(x->k, y->k, x->klen < y->klen ? x->klen : y->klen);
	if (c != 0)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* The entries of m, most counted first (by counter col). */
static struct ment **
sorted(struct lmap *m, int col)
{
	struct ment **v = xreallocarray(NULL, m->n + 1, sizeof(*v));
	size_t i, j = 0;

	for (i = 0; i < m->cap; i++)
		if (m->e[i].k != NULL)
			v[j++] = &m->e[i];
	sort_col = col;
	qsort(v, m->n, sizeof(*v), by_count);
	return v;
}

static size_t
shown(struct lview *v, const struct lmap *m)
{
	return v->top == 0 || v->top > m->n ? m->n : v->top;
}

static void
jkey(struct sbuf *b, const char *k, size_t n)
{
	jsonw_strn(b, k, n);
}

static void
text_totals(struct sbuf *b, const struct summary *s,
    unsigned long long unreadable)
{
	size_t i;

	sbuf_adds(b, "cagesh audit summary\n");
	if (s->records > 0) {
		sbuf_adds(b, "Range:              ");
		lv_time(b, s->first, 0);
		sbuf_adds(b, " .. ");
		lv_time(b, s->last, 0);
		sbuf_adds(b, " UTC\n");
	}
	sbuf_addf(b, "Records:            %llu\n", s->records);
	sbuf_addf(b, "Unreadable lines:   %llu\n", unreadable);
	sbuf_addf(b, "Sessions started:   %llu\n", s->starts);
	sbuf_addf(b, "Sessions refused:   %llu\n", s->refused);
	sbuf_addf(b, "Sessions ended:     %llu\n", s->nends);
	for (i = 0; i < END_N; i++)
		if (s->ends[i] > 0 || i != END_OTHER)
			sbuf_addf(b, "  %-9llu %s\n", s->ends[i], end_names[i]);
	sbuf_addf(b, "  %-9llu with processes left and killed (%llu "
	    "processes)\n", s->with_killed, s->killed);
	sbuf_addf(b, "Lines:              %llu (allow %llu, deny %llu, "
	    "partial %llu)\n", s->lines, s->lines_v[0], s->lines_v[1],
	    s->lines_v[2]);
	sbuf_addf(b, "Exec commands:      %llu (allow %llu, deny %llu)\n",
	    s->execs, s->execs - s->execs_deny, s->execs_deny);
}

static void
json_totals(struct sbuf *b, const struct summary *s,
    unsigned long long unreadable)
{
	size_t i;

	sbuf_addf(b, "{\"summary\":\"totals\",\"records\":%llu,"
	    "\"unreadable\":%llu", s->records, unreadable);
	if (s->records > 0) {
		sbuf_adds(b, ",\"first\":\"");
		lv_time_json(b, s->first);
		sbuf_adds(b, "\",\"last\":\"");
		lv_time_json(b, s->last);
		sbuf_addc(b, '"');
	}
	sbuf_addf(b, ",\"sessions_started\":%llu,\"sessions_refused\":%llu,"
	    "\"sessions_ended\":%llu", s->starts, s->refused, s->nends);
	for (i = 0; i < END_N; i++)
		sbuf_addf(b, ",\"ended_%s\":%llu", end_keys[i], s->ends[i]);
	sbuf_addf(b, ",\"ended_with_killed\":%llu,\"processes_killed\":%llu"
	    ",\"lines\":%llu,\"lines_allow\":%llu,\"lines_deny\":%llu,"
	    "\"lines_partial\":%llu,\"execs\":%llu,\"execs_allow\":%llu,"
	    "\"execs_deny\":%llu}\n", s->with_killed, s->killed, s->lines,
	    s->lines_v[0], s->lines_v[1], s->lines_v[2], s->execs,
	    s->execs - s->execs_deny, s->execs_deny);
}

/* One table: title, column names, and for each row its counters. */
struct table {
	const char	*title;		/* text */
	const char	*kind;		/* json "summary" */
	const char	*keyname;	/* json key of the value */
	int		 ncols;
	const char	*cols[NCOUNT];	/* text heads */
	const char	*jcols[NCOUNT];	/* json names */
	int		 top;		/* cut to --top */
};

static const struct table t_users = {
	"Per user", "user", "user", 5,
	{ "SESSIONS", "REFUSED", "LINES", "DENIED", "EXECS" },
	{ "sessions", "refused", "lines", "denied_lines", "execs" }, 0,
};
static const struct table t_denials = {
	"Denials by reason (each denied command of a line)", "denial",
	"reason", 1, { "COUNT" }, { "count" }, 1,
};
static const struct table t_commands = {
	"Top commands (exec records, by program name)", "command", "command",
	2, { "EXECS", "DENIED" }, { "count", "denied" }, 1,
};
static const struct table t_refusals = {
	"Refused sessions by reason", "refused", "reason", 1, { "COUNT" },
	{ "count" }, 1,
};

static int
table(struct lview *v, struct sbuf *b, struct lmap *m, const struct table *t)
{
	struct ment **e = sorted(m, 0);
	size_t i, n = t->top ? shown(v, m) : m->n, at;
	int j, ret = 0;

	b->len = 0;
	if (!v->json) {
		sbuf_addf(b, "\n%s", t->title);
		if (n < m->n)
			sbuf_addf(b, ", top %zu of %zu", n, m->n);
		sbuf_adds(b, "\n  ");
		for (j = 0; j < t->ncols; j++)
			sbuf_addf(b, "%-9s ", t->cols[j]);
		sbuf_addf(b, "%s\n", t->keyname[0] == 'u' ? "USER" :
		    t->keyname[0] == 'c' ? "COMMAND" : "REASON");
		if (n == 0)
			sbuf_adds(b, "  (none)\n");
	}
	for (i = 0; i < n; i++) {
		if (v->json) {
			sbuf_addf(b, "{\"summary\":\"%s\",\"%s\":", t->kind,
			    t->keyname);
			jkey(b, e[i]->k, e[i]->klen);
			for (j = 0; j < t->ncols; j++)
				sbuf_addf(b, ",\"%s\":%llu", t->jcols[j],
				    e[i]->c[j]);
			sbuf_adds(b, "}\n");
		} else {
			sbuf_adds(b, "  ");
			for (j = 0; j < t->ncols; j++) {
				at = b->len;
				sbuf_addf(b, "%llu", e[i]->c[j]);
				lv_pad(b, at, 9);
				sbuf_addc(b, ' ');
			}
			sbuf_addn(b, e[i]->k, e[i]->klen);
			sbuf_addc(b, '\n');
		}
		if (b->len > 65536) {
			if (fwrite(b->s, 1, b->len, v->out) != b->len)
				ret = -1;
			b->len = 0;
		}
	}
	if (m->full) {
		if (v->json) {
			sbuf_addf(b, "{\"summary\":\"%s\",\"other\":true",
			    t->kind);
			for (j = 0; j < t->ncols; j++)
				sbuf_addf(b, ",\"%s\":%llu", t->jcols[j],
				    m->other[j]);
			sbuf_adds(b, "}\n");
		} else
			sbuf_addf(b, "  %-9llu (other: past the table's %d "
			    "distinct values)\n", m->other[0], MAP_MAX);
	}
	if (fwrite(b->s, 1, b->len, v->out) != b->len)
		ret = -1;
	free(e);
	return ret;
}

static int
summary_end(struct lview *v, unsigned long long unreadable)
{
	struct summary *s = v->state;
	struct sbuf b;
	int ret = 0;

	sbuf_init(&b);
	if (v->json)
		json_totals(&b, s, unreadable);
	else
		text_totals(&b, s, unreadable);
	if (fwrite(b.s, 1, b.len, v->out) != b.len)
		ret = -1;
	if (table(v, &b, &s->users, &t_users) == -1 ||
	    table(v, &b, &s->denials, &t_denials) == -1 ||
	    table(v, &b, &s->commands, &t_commands) == -1 ||
	    table(v, &b, &s->refusals, &t_refusals) == -1)
		ret = -1;
	sbuf_free(&b);
	map_free(&s->users);
	map_free(&s->denials);
	map_free(&s->commands);
	map_free(&s->refusals);
	sbuf_free(&s->k);
	free(s);
	v->state = NULL;
	return ret;
}

void
lv_summary(struct lview *v)
{
	v->state = xcalloc(1, sizeof(struct summary));
	v->rec = summary_rec;
	v->end = summary_end;
}
