/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * view.c: the list (one row per record, as last and ausearch show
 * them; follow uses it too) and a session as a timeline (as sudoreplay
 * -l does).  Text for people: every value made visible (lrec_vis),
 * columns padded; --json: each record as it was read, which the reader
 * only accepts when it is valid JSON with no raw control byte.
 * Part of cagesh-log, an admin's tool with no privilege of its own.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "logtool.h"
#include "vis.h"
#include "xmalloc.h"

#define SHORT_ID	8

static void
reset(struct sbuf *b)
{
	if (b->s == NULL)
		sbuf_init(b);
	b->len = 0;
	b->s[0] = '\0';
}

static int
put(struct lview *v, const struct sbuf *b)
{
	return fwrite(b->s, 1, b->len, v->out) == b->len ? 0 : -1;
}

static int
put_raw(struct lview *v, const struct lrec *r)
{
	if (fwrite(r->raw, 1, r->rawlen, v->out) != r->rawlen ||
	    putc('\n', v->out) == EOF)
		return -1;
	return 0;
}

void
lv_time(struct sbuf *b, long long ms, int millis)
{
	struct tm tm;
	time_t t;
	long long sec = ms >= 0 ? ms / 1000 : -((999 - ms) / 1000);

	t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL) {
		sbuf_adds(b, "(a time out of range)");
		return;
	}
	sbuf_addf(b, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (millis)
		sbuf_addf(b, ".%03lld", ms - sec * 1000);
}

/* For machines: 2026-03-01T10:00:00.000Z */
void
lv_time_json(struct sbuf *b, long long ms)
{
	size_t at = b->len;

	lv_time(b, ms, 1);
	if (b->len - at == 23) {
		b->s[at + 10] = 'T';
		sbuf_addc(b, 'Z');
	}
}

void
lv_duration(struct sbuf *b, long long ms)
{
	if (ms < 0)
		sbuf_addc(b, '-');
	else if (ms < 60000)
		sbuf_addf(b, "%lld.%03llds", ms / 1000, ms % 1000);
	else if (ms < 3600000)
		sbuf_addf(b, "%lldm%02llds", ms / 60000, ms / 1000 % 60);
	else
		sbuf_addf(b, "%lldh%02lldm", ms / 3600000, ms / 60000 % 60);
}

/* Spaces up to width characters after from (UTF-8 counted by lead bytes). */
void
lv_pad(struct sbuf *b, size_t from, size_t width)
{
	size_t i, w = 0;

	for (i = from; i < b->len; i++)
		if (((unsigned char)b->s[i] & 0xc0) != 0x80)
			w++;
	for (; w < width; w++)
		sbuf_addc(b, ' ');
}

/* A column: the text, then padding and two spaces. */
static void
col_end(struct sbuf *b, size_t from, size_t width)
{
	lv_pad(b, from, width);
	sbuf_adds(b, "  ");
}

/* A column of fixed text. */
static void
col(struct sbuf *b, const char *s, size_t width)
{
	size_t at = b->len;

	sbuf_adds(b, s);
	col_end(b, at, width);
}

/*
 * A header line: each column's name, padded to its width, then the last
 * (free-width) column.  An optional column is left out unless shown.
 */
struct colname {
	const char	*name;
	size_t		 width;
	int		 optional;
};

static void
header(struct sbuf *b, const struct colname *c, int optional, const char *last)
{
	for (; c->name != NULL; c++)
		if (!c->optional || optional)
			col(b, c->name, c->width);
	sbuf_adds(b, last);
}

/*
 * A word of a command: visible, and in double quotes when it is empty
 * or holds a space or a quote, so that words never run together (vis
 * writes a backslash as \\, so \" inside the quotes is unambiguous).
 */
void
lv_word(struct sbuf *b, const struct lj *w)
{
	size_t i, from;
	int q;

	if (w == NULL || w->type != LJ_STR) {
		sbuf_adds(b, "(null)");
		return;
	}
	q = w->len == 0 || strpbrk(w->s, " \"'") != NULL ||
	    memchr(w->s, '\0', w->len) != NULL;
	if (!q) {
		lrec_vis(b, w);
		return;
	}
	sbuf_addc(b, '"');
	from = b->len;
	lrec_vis(b, w);
	for (i = from; i < b->len; i++)
		if (b->s[i] == '"') {
			sbuf_addc(b, '\0');
			memmove(b->s + i + 1, b->s + i, b->len - i - 1);
			b->s[i++] = '\\';
		}
	sbuf_addc(b, '"');
}

void
lv_argv(struct sbuf *b, const struct lj *argv, const struct lj *redirs)
{
	const struct lj *w, *fd, *op;
	int first = 1;

	if (argv != NULL)
		for (w = argv->child; w != NULL; w = w->next, first = 0) {
			if (!first)
				sbuf_addc(b, ' ');
			lv_word(b, w);
		}
	if (redirs == NULL)
		return;
	for (w = redirs->child; w != NULL; w = w->next, first = 0) {
		fd = lj_get(w, "fd");
		op = lj_get(w, "op");
		sbuf_addf(b, "%s%lld", first ? "" : " ", fd->i);
		vis_addn(b, op->s, op->len);
		lv_word(b, lj_get(w, "target"));
	}
}

static void
add_lj(struct sbuf *b, const struct lj *v)
{
	if (v == NULL)
		sbuf_addc(b, '-');
	else
		vis_addn(b, v->s, v->len);
}

static int
denied(const struct lrec *r)
{
	return lf_word_is(r->verdict, "deny") ||
	    lf_word_is(r->verdict, "partial");
}

/* The WHAT of a row: what the record says, by kind. */
static void
what(struct sbuf *b, const struct lrec *r, int cwd)
{
	const struct lj *why = r->rule != NULL ? r->rule : r->reason;

	switch (r->ev) {
	case LEV_COMMAND:
		lrec_vis(b, r->line);
		if (cwd && r->cwd != NULL) {
			sbuf_adds(b, "  (cwd ");
			lrec_vis(b, r->cwd);
			sbuf_addc(b, ')');
		}
		if (r->reason != NULL) {
			sbuf_adds(b, "  [reason: ");
			lrec_vis(b, r->reason);
			sbuf_addc(b, ']');
		}
		if (r->commands_omitted > 0)
			sbuf_addf(b, "  [%lld more commands not in this "
			    "record]", r->commands_omitted);
		break;
	case LEV_EXEC:
		lv_argv(b, r->argv, r->redirs);
		if (cwd && r->cwd != NULL) {
			sbuf_adds(b, "  (cwd ");
			lrec_vis(b, r->cwd);
			sbuf_addc(b, ')');
		}
		if (why != NULL) {
			sbuf_addf(b, "  [%s: ", r->rule != NULL ? "rule" :
			    "reason");
			lrec_vis(b, why);
			sbuf_addc(b, ']');
		}
		if (r->omitted != NULL)
			sbuf_adds(b, "  [words left out: see --json]");
		break;
	case LEV_START:
		sbuf_adds(b, "from ");
		lrec_vis(b, r->from);
		sbuf_adds(b, ", mode ");
		lrec_vis(b, r->mode);
		if (r->warning != NULL) {
			sbuf_adds(b, "  [warning: ");
			lrec_vis(b, r->warning);
			sbuf_addc(b, ']');
		}
		break;
	case LEV_END:
		if (r->reason != NULL) {
			sbuf_adds(b, "reason: ");
			lrec_vis(b, r->reason);
		} else
			sbuf_adds(b, "normal end");
		if (r->killed > 0)
			sbuf_addf(b, "; %lld process%s left, killed",
			    r->killed, r->killed == 1 ? "" : "es");
		break;
	case LEV_REFUSED:
		sbuf_adds(b, "reason: ");
		lrec_vis(b, r->reason);
		break;
	case LEV_OTHER:
		sbuf_adds(b, "event ");
		lrec_vis(b, r->event);
		break;
	}
	if (r->error != NULL) {
		sbuf_adds(b, "  [error: ");
		lrec_vis(b, r->error);
		sbuf_addc(b, ']');
	}
}

/* --- list (and follow) */

struct list {
	struct sbuf	 b;
	int		 header;
};

enum { W_TIME = 19, W_USER = 10, W_SESSION = SHORT_ID, W_EVENT = 15,
	W_VERDICT = 7, W_STATUS = 6, W_DURATION = 8 };

/* EVENT only where the records are of more than one kind (follow). */
static const struct colname list_cols[] = {
	{ "TIME", W_TIME, 0 }, { "USER", W_USER, 0 },
	{ "SESSION", W_SESSION, 0 }, { "EVENT", W_EVENT, 1 },
	{ "VERDICT", W_VERDICT, 0 }, { "STATUS", W_STATUS, 0 },
	{ "DURATION", W_DURATION, 0 }, { NULL, 0, 0 }
};

static int
list_rec(struct lview *v, const struct lrec *r)
{
	struct list *l = v->state;
	struct sbuf *b = &l->b;
	size_t at;

	if (v->json)
		return put_raw(v, r);
	if (!l->header) {
		l->header = 1;
		reset(b);
		header(b, list_cols, v->event_col, "WHAT\n");
		if (put(v, b) == -1)
			return -1;
	}
	reset(b);
	lv_time(b, r->t, 0);
	sbuf_adds(b, "  ");
	at = b->len;
	lrec_vis(b, r->user);
	col_end(b, at, W_USER);
	at = b->len;
	vis_addn(b, r->session->s, r->session->len < SHORT_ID ?
	    r->session->len : SHORT_ID);
	col_end(b, at, W_SESSION);
	if (v->event_col) {
		at = b->len;
		vis_addn(b, r->event->s, r->event->len);
		col_end(b, at, W_EVENT);
	}
	at = b->len;
	add_lj(b, r->verdict);
	col_end(b, at, W_VERDICT);
	at = b->len;
	if (r->has_status)
		sbuf_addf(b, "%lld", r->status);
	else
		sbuf_addc(b, '-');
	col_end(b, at, W_STATUS);
	at = b->len;
	lv_duration(b, r->duration_ms);
	col_end(b, at, W_DURATION);
	what(b, r, 0);
	sbuf_addc(b, '\n');
	return put(v, b);
}

static int
list_end(struct lview *v, unsigned long long unreadable)
{
	struct list *l = v->state;

	sbuf_free(&l->b);
	free(l);
	v->state = NULL;
	return 0;
}

void
lv_list(struct lview *v)
{
	v->state = xcalloc(1, sizeof(struct list));
	v->rec = list_rec;
	v->end = list_end;
}

/* --- a session as a timeline */

/*
 * An exec record waits for its line's record, which comes when the line
 * has ended and holds each command's status and duration.  Bounded: past
 * PENDING_MAX records or PENDING_BYTES, they are shown without.
 */
#define PENDING_MAX	4096
#define PENDING_BYTES	(8u * 1024 * 1024)

struct pexec {
	long long	 t;
	long long	 cmd_no;
	int		 deny;
	char		*verdict;
	char		*argv;		/* and redirections, visible */
	char		*cwd;
	char		*why;		/* "rule: ...", "reason: ..." */
};

struct timeline {
	struct sbuf	 b;
	char		*id;		/* the session shown */
	char		*others[8];	/* others the prefix matched */
	size_t		 nothers;
	int		 more_others;
	long long	 line_no;	/* of the pending execs */
	struct pexec	*p;
	size_t		 np, bytes;
};

enum { T_TIME = 23, T_EVENT = 10, T_VERDICT = 7, T_STATUS = 6,
	T_DURATION = 8 };

/* TIME takes the mark's two columns too. */
static const struct colname timeline_cols[] = {
	{ "  TIME", T_TIME + 2, 0 }, { "EVENT", T_EVENT, 0 },
	{ "VERDICT", T_VERDICT, 0 }, { "STATUS", T_STATUS, 0 },
	{ "DURATION", T_DURATION, 0 }, { NULL, 0, 0 }
};

static char *
take(struct sbuf *b)
{
	char *s = xstrndup(b->s, b->len);

	reset(b);
	return s;
}

/*
 * One row of the timeline: mark, time, what, verdict, status, duration,
 * detail.  status < -1: none; duration < 0: none.
 */
static void
row(struct sbuf *b, int mark, long long t, const char *event,
    const char *verdict, int has_status, long long status, long long dur)
{
	size_t at;

	sbuf_adds(b, mark ? "! " : "  ");
	lv_time(b, t, 1);
	sbuf_adds(b, "  ");
	col(b, event, T_EVENT);
	col(b, verdict != NULL ? verdict : "", T_VERDICT);
	at = b->len;
	if (has_status)
		sbuf_addf(b, "%lld", status);
	col_end(b, at, T_STATUS);
	at = b->len;
	if (dur >= 0)
		lv_duration(b, dur);
	col_end(b, at, T_DURATION);
}

static void
pexec_free(struct pexec *p)
{
	free(p->verdict);
	free(p->argv);
	free(p->cwd);
	free(p->why);
}

/* The pending execs, with the statuses of cmds when they are theirs. */
static int
flush(struct lview *v, const struct lj *cmds, const char *line_cwd)
{
	struct timeline *tl = v->state;
	struct sbuf *b = &tl->b;
	const struct lj *c = NULL, *st, *du;
	char ev[32];
	size_t i;
	int ret = 0;

	if (cmds != NULL && cmds->len == tl->np)
		c = cmds->child;
	for (i = 0; i < tl->np; i++) {
		struct pexec *p = &tl->p[i];

		st = c != NULL ? lj_get(c, "status") : NULL;
		du = c != NULL ? lj_get(c, "duration_ms") : NULL;
		snprintf(ev, sizeof(ev), "  exec %lld", p->cmd_no);
		reset(b);
		row(b, p->deny, p->t, ev, p->verdict, st != NULL,
		    st != NULL ? st->i : 0, du != NULL ? du->i : -1);
		sbuf_adds(b, p->argv);
		if (p->cwd != NULL && (line_cwd == NULL ||
		    strcmp(p->cwd, line_cwd) != 0)) {
			sbuf_adds(b, "  (cwd ");
			sbuf_adds(b, p->cwd);
			sbuf_addc(b, ')');
		}
		if (p->why != NULL) {
			sbuf_adds(b, "  [");
			sbuf_adds(b, p->why);
			sbuf_addc(b, ']');
		}
		sbuf_addc(b, '\n');
		if (put(v, b) == -1)
			ret = -1;
		pexec_free(p);
		if (c != NULL)
			c = c->next;
	}
	tl->np = 0;
	tl->bytes = 0;
	return ret;
}

static void
keep_exec(struct timeline *tl, const struct lrec *r)
{
	struct sbuf *b = &tl->b;
	struct pexec *p;
	const struct lj *why = r->rule != NULL ? r->rule : r->reason;

	tl->p = xreallocarray(tl->p, tl->np + 1, sizeof(*tl->p));
	p = &tl->p[tl->np++];
	memset(p, 0, sizeof(*p));
	p->t = r->t;
	p->cmd_no = r->cmd_no;
	p->deny = denied(r);
	reset(b);
	add_lj(b, r->verdict);
	p->verdict = take(b);
	lv_argv(b, r->argv, r->redirs);
	if (r->omitted != NULL)
		sbuf_adds(b, "  [words left out: see --json]");
	p->argv = take(b);
	if (r->cwd != NULL) {
		lrec_vis(b, r->cwd);
		p->cwd = take(b);
	}
	if (why != NULL) {
		sbuf_adds(b, r->rule != NULL ? "rule: " : "reason: ");
		lrec_vis(b, why);
		p->why = take(b);
	}
	tl->bytes += strlen(p->argv) + (p->why ? strlen(p->why) : 0) +
	    (p->cwd ? strlen(p->cwd) : 0);
}

/* A line that was judged and denied has no exec records: its commands. */
static int
judged(struct lview *v, const struct lrec *r)
{
	struct timeline *tl = v->state;
	struct sbuf *b = &tl->b;
	const struct lj *c, *vd, *why, *st, *du;
	int ret = 0;

	for (c = r->commands->child; c != NULL; c = c->next) {
		vd = lj_get(c, "verdict");
		why = lj_get(c, "rule");
		if (why == NULL || why->type != LJ_STR)
			why = lj_get(c, "reason");
		st = lj_get(c, "status");
		du = lj_get(c, "duration_ms");
		reset(b);
		row(b, lf_word_is(vd, "deny"), r->t, "  command", vd->s,
		    st != NULL, st != NULL ? st->i : 0,
		    du != NULL ? du->i : -1);
		lv_argv(b, lj_get(c, "argv"), lj_get(c, "redirs"));
		if (why != NULL && why->type == LJ_STR) {
			sbuf_addf(b, "  [%s: ", why == lj_get(c, "rule") ?
			    "rule" : "reason");
			lrec_vis(b, why);
			sbuf_addc(b, ']');
		}
		sbuf_addc(b, '\n');
		if (put(v, b) == -1)
			ret = -1;
	}
	return ret;
}

/* The row of a record of its own (not an exec): a line, a start, an end. */
static int
rec_row(struct lview *v, const struct lrec *r, int mark, long long t,
    const char *event)
{
	struct timeline *tl = v->state;
	struct sbuf *b = &tl->b;

	reset(b);
	row(b, mark, t, event, r->verdict != NULL ? r->verdict->s : NULL,
	    r->has_status, r->status, r->duration_ms);
	what(b, r, 1);
	sbuf_addc(b, '\n');
	return put(v, b);
}

static int
line_row(struct lview *v, const struct lrec *r)
{
	struct timeline *tl = v->state;
	struct sbuf *b = &tl->b;
	char ev[32], *cwd;
	long long t0 = r->duration_ms >= 0 ? r->t - r->duration_ms : r->t;
	int ret = 0, mine = tl->np > 0 && tl->line_no == r->line_no;

	if (tl->np > 0 && !mine && flush(v, NULL, NULL) == -1)
		ret = -1;
	snprintf(ev, sizeof(ev), "line %lld", r->line_no);
	if (rec_row(v, r, denied(r), t0, ev) == -1)
		ret = -1;
	if (mine) {
		reset(b);
		if (r->cwd != NULL)
			lrec_vis(b, r->cwd);
		cwd = take(b);
		if (flush(v, r->commands, r->cwd != NULL ? cwd : NULL) == -1)
			ret = -1;
		free(cwd);
	} else if (r->commands != NULL && judged(v, r) == -1)
		ret = -1;
	return ret;
}

static int
other_row(struct lview *v, const struct lrec *r)
{
	static const char *const names[] = {
		[LEV_START] = "start", [LEV_EXEC] = "exec",
		[LEV_COMMAND] = "line", [LEV_END] = "end",
		[LEV_REFUSED] = "refused", [LEV_OTHER] = "other",
	};
	int mark = r->ev == LEV_REFUSED || denied(r) ||
	    (r->ev == LEV_END && r->reason != NULL);

	return rec_row(v, r, mark, r->t, names[r->ev]);
}

static void
note_other(struct timeline *tl, const struct lj *id)
{
	size_t i;

	for (i = 0; i < tl->nothers; i++)
		if (strcmp(tl->others[i], id->s) == 0)
			return;
	if (tl->nothers == sizeof(tl->others) / sizeof(tl->others[0])) {
		tl->more_others = 1;
		return;
	}
	tl->others[tl->nothers++] = xstrndup(id->s, id->len);
}

static int
session_rec(struct lview *v, const struct lrec *r)
{
	struct timeline *tl = v->state;
	struct sbuf *b = &tl->b;
	int ret = 0;

	if (tl->id == NULL) {
		tl->id = xstrndup(r->session->s, r->session->len);
		if (!v->json) {
			reset(b);
			sbuf_adds(b, "session ");
			vis_addn(b, r->session->s, r->session->len);
			sbuf_adds(b, ": user ");
			lrec_vis(b, r->user);
			sbuf_addf(b, " (uid %lld), from ", r->uid);
			lrec_vis(b, r->from);
			sbuf_adds(b, ", mode ");
			lrec_vis(b, r->mode);
			sbuf_addc(b, '\n');
			header(b, timeline_cols, 0, "DETAIL\n");
			if (put(v, b) == -1)
				return -1;
		}
	}
	if (strlen(tl->id) != r->session->len ||
	    memcmp(tl->id, r->session->s, r->session->len) != 0) {
		note_other(tl, r->session);
		return 1;	/* not shown */
	}
	if (v->json)
		return put_raw(v, r);
	if (r->ev == LEV_EXEC) {
		if (tl->np > 0 && tl->line_no != r->line_no &&
		    flush(v, NULL, NULL) == -1)
			ret = -1;
		if (tl->np >= PENDING_MAX || tl->bytes >= PENDING_BYTES)
			if (flush(v, NULL, NULL) == -1)
				ret = -1;
		tl->line_no = r->line_no;
		keep_exec(tl, r);
		return ret;
	}
	if (r->ev == LEV_COMMAND)
		return line_row(v, r);
	if (tl->np > 0 && flush(v, NULL, NULL) == -1)
		ret = -1;
	if (other_row(v, r) == -1)
		ret = -1;
	return ret;
}

static int
session_end(struct lview *v, unsigned long long unreadable)
{
	struct timeline *tl = v->state;
	struct sbuf m;
	size_t i;
	int ret = 0;

	if (tl->np > 0 && flush(v, NULL, NULL) == -1)
		ret = -1;
	if (tl->id == NULL) {
		err_warnx("no session %s", v->session);
		ret = 1;
	} else if (tl->nothers > 0) {
		sbuf_init(&m);
		for (i = 0; i < tl->nothers; i++)
			sbuf_addf(&m, " %s", tl->others[i]);
		err_warnx("%s also matches%s%s: give more of the id",
		    v->session, m.s, tl->more_others ? " and more" : "");
		sbuf_free(&m);
		ret = 2;
	}
	for (i = 0; i < tl->nothers; i++)
		free(tl->others[i]);
	free(tl->id);
	free(tl->p);
	sbuf_free(&tl->b);
	free(tl);
	v->state = NULL;
	return ret;
}

void
lv_session(struct lview *v)
{
	v->state = xcalloc(1, sizeof(struct timeline));
	v->rec = session_rec;
	v->end = session_end;
}
