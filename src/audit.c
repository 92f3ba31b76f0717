/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * audit.c: a record of facts -> its JSON line and its syslog line (see
 * audit.h for the rules that keep them safe, distinct and bounded).
 * Pure: it formats and never writes.  Runs as root in the monitor, on
 * values from the caged side.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "jsonw.h"
#include "xmalloc.h"

/* An admin action's record before it runs has an exec record's shape. */
#define IS_EXEC(ev)	((ev) == AE_EXEC || (ev) == AE_ACTION)

static const char *const event_names[] = {
	[AE_SESSION_START] = "session_start",
	[AE_EXEC] = "exec",
	[AE_COMMAND] = "command",
	[AE_SESSION_END] = "session_end",
	[AE_SESSION_REFUSED] = "session_refused",
	[AE_ACTION] = "action",
	[AE_ACTION_END] = "action_end",
};

static const char *const verdict_names[] = {
	[AV_ALLOW] = "allow",
	[AV_DENY] = "deny",
	[AV_PARTIAL] = "partial",
};

/* Bytes a key=value value may hold without quotes. */
static const char kv_plain[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/:@+,%";

/* Room kept for the fields of "cut" and "omitted" entries themselves. */
#define CUT_ENTRY	(sizeof("{\"path\":\"\",\"length\":18446744073709551615," \
			    "\"sha256\":\"\"},") + 2 * AUDIT_SHA256_LEN)
#define SLACK		512	/* the arrays' own brackets and keys */

const char *
audit_event_name(enum audit_event ev)
{
	if ((size_t)ev < sizeof(event_names) / sizeof(event_names[0]))
		return event_names[ev];
	return "unknown";
}

const char *
audit_verdict_name(enum audit_verdict v)
{
	if ((size_t)v < sizeof(verdict_names) / sizeof(verdict_names[0]))
		return verdict_names[v];
	return "deny";
}

static const char *
cmd_verdict(enum verdict v)
{
	return v == V_ALLOW ? "allow" : "deny";
}

static int
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, l;

	for (i = 0; i < n; i += l)
		if (s[i] == '\0' || (l = jsonw_utf8_len(s + i, n - i)) == 0)
			return 0;
	return 1;
}

/*
 * One value as the record holds it: where it is (a JSON pointer), its
 * bytes, how many of them are kept, and whether it is written escaped.
 */
struct val {
	const struct aval *v;
	char	*path;
	size_t	 cost;		/* JSON length of the whole value */
	size_t	 keep;		/* bytes kept; v->len when not cut here */
	int	 escaped;
	int	 cut;		/* cut here or by the sender */
};

struct vals {
	struct val	*v;
	size_t		 n;
	size_t		 cap;
	struct val	**sorted;	/* by the aval they stand for */
};

/*
 * The JSON length of byte s[i] (and of the UTF-8 sequence it starts):
 * *step is how many bytes it covers.
 */
static size_t
unit_cost(const unsigned char *s, size_t n, int escaped, size_t *step)
{
	size_t l;

	*step = 1;
	switch (s[0]) {
	case '"':
		return 2;
	case '\\':
		return escaped ? 4 : 2;		/* \\\\ or \\ */
	case '\n':
	case '\t':
	case '\r':
		return 2;
	}
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 6;			/* \u00XX */
	if ((l = jsonw_utf8_len(s, n)) == 0)
		return 5;			/* \\xHH, escaped strings only */
	*step = l;
	if (l == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 6;			/* a C1 control: \u00XX */
	return l;
}

static void
put_units(struct sbuf *b, const char *str, size_t n, int escaped)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, step, c;

	sbuf_addc(b, '"');
	for (i = 0; i < n; i += step) {
		c = unit_cost(s + i, n - i, escaped, &step);
		if (s[i] == '\\')
			sbuf_adds(b, escaped ? "\\\\\\\\" : "\\\\");
		else if (c == 5)
			sbuf_addf(b, "\\\\x%02x", s[i]);
		else if (s[i] == '"')
			sbuf_adds(b, "\\\"");
		else if (s[i] == '\n')
			sbuf_adds(b, "\\n");
		else if (s[i] == '\t')
			sbuf_adds(b, "\\t");
		else if (s[i] == '\r')
			sbuf_adds(b, "\\r");
		else if (c == 6 && step == 2)
			sbuf_addf(b, "\\u%04x", s[i + 1]);	/* C1 */
		else if (c == 6)
			sbuf_addf(b, "\\u%04x", s[i]);
		else
			sbuf_addn(b, str + i, step);
	}
	sbuf_addc(b, '"');
}

static void
vals_add(struct vals *vs, const struct aval *v, char *path)
{
	struct val *x;
	size_t i, step;

	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 16;
		vs->v = xreallocarray(vs->v, vs->cap, sizeof(*vs->v));
	}
	x = &vs->v[vs->n++];
	memset(x, 0, sizeof(*x));
	x->v = v;
	x->path = path;
	x->escaped = !utf8_valid(v->s, v->len);
	x->cost = 2;
	for (i = 0; i < v->len; i += step)
		x->cost += unit_cost((const unsigned char *)v->s + i,
		    v->len - i, x->escaped, &step);
	x->keep = v->len;
	x->cut = v->sha != NULL;
}

static void
vals_free(struct vals *vs)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		free(vs->v[i].path);
	free(vs->v);
	free(vs->sorted);
	vs->sorted = NULL;
}

/* Bytes of v whose JSON form is at most limit long (never half a sequence). */
static size_t
prefix_for(const struct val *x, size_t limit)
{
	const unsigned char *s = (const unsigned char *)x->v->s;
	size_t i, step, c, used = 2;

	for (i = 0; i < x->v->len; i += step) {
		c = unit_cost(s + i, x->v->len - i, x->escaped, &step);
		if (used + c > limit)
			break;
		used += c;
	}
	return i;
}

/* What a cut entry for x costs: its path, length and hash. */
static size_t
cut_cost(const struct val *x)
{
	return CUT_ENTRY + strlen(x->path);
}

/*
 * Is x cut at this limit?  A value the sender cut always is; any other
 * only when cutting it saves room: its whole form is longer than the
 * limit and the cut entry together.
 */
static int
cut_at(const struct val *x, size_t limit)
{
	return x->v->sha != NULL || x->cost > limit + cut_cost(x);
}

/*
 * The record's size when values are cut to at most limit: never less
 * than what it will be, and growing with limit.
 */
static size_t
estimate(const struct vals *vs, size_t limit, size_t base)
{
	const struct val *x;
	size_t i, t = base;

	for (i = 0; i < vs->n; i++) {
		x = &vs->v[i];
		if (!cut_at(x, limit))
			t += x->cost;
		else
			t += (x->cost < limit ? x->cost : limit) + cut_cost(x);
		if (x->escaped)
			t += strlen(x->path) + 3;
	}
	return t;
}

/* Applies the largest limit under which the estimate fits. */
static void
plan_cuts(struct vals *vs, size_t budget, size_t base)
{
	size_t i, lo = 2, hi = 2, mid;

	for (i = 0; i < vs->n; i++)
		if (vs->v[i].cost > hi)
			hi = vs->v[i].cost;
	if (estimate(vs, hi, base) > budget) {
		while (lo + 1 < hi) {
			mid = lo + (hi - lo) / 2;
			if (estimate(vs, mid, base) <= budget)
				lo = mid;
			else
				hi = mid;
		}
	} else
		lo = hi;
	for (i = 0; i < vs->n; i++) {
		if (!cut_at(&vs->v[i], lo))
			continue;
		if (vs->v[i].cost > lo)
			vs->v[i].keep = prefix_for(&vs->v[i], lo);
		vs->v[i].cut = 1;
	}
}

static int
val_cmp(const void *a, const void *b)
{
	const struct val *const *x = a, *const *y = b;
	uintptr_t p = (uintptr_t)(*x)->v, q = (uintptr_t)(*y)->v;

	return p < q ? -1 : p > q;
}

/* The lookup from a value to its place: sorted once, searched in log n. */
static void
vals_index(struct vals *vs)
{
	size_t i;

	free(vs->sorted);
	vs->sorted = xreallocarray(NULL, vs->n + 1, sizeof(*vs->sorted));
	for (i = 0; i < vs->n; i++)
		vs->sorted[i] = &vs->v[i];
	qsort(vs->sorted, vs->n, sizeof(*vs->sorted), val_cmp);
}

static struct val *
find_val(const struct vals *vs, const struct aval *v)
{
	size_t lo = 0, hi = vs->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((uintptr_t)vs->sorted[mid]->v < (uintptr_t)v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < vs->n && vs->sorted[lo]->v == v)
		return vs->sorted[lo];
	return NULL;
}

static void
json_key(struct sbuf *b, const char *key)
{
	sbuf_addf(b, ",\"%s\":", key);
}

static void
json_val(struct sbuf *b, const struct vals *vs, const struct aval *v)
{
	const struct val *x = find_val(vs, v);

	if (x == NULL)
		sbuf_adds(b, "null");
	else
		put_units(b, v->s, x->keep, x->escaped);
}

/*
 * A syslog value that no user byte can break out of: a plain token, or
 * a quoted string in which " \ and every byte outside printable ASCII
 * are escaped, so neither a forged " user=root" nor a newline can start
 * a field or a line.
 */
static void
kv_valn(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == '\0' || strchr(kv_plain, p[i]) == NULL)
			break;
	if (n > 0 && i == n && !(n == 1 && p[0] == '-')) {
		sbuf_addn(b, s, n);
		return;
	}
	sbuf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			sbuf_addc(b, '\\');
			sbuf_addc(b, (char)p[i]);
		} else if (p[i] < 0x20 || p[i] >= 0x7f)
			sbuf_addf(b, "\\x%02x", p[i]);
		else
			sbuf_addc(b, (char)p[i]);
	}
	sbuf_addc(b, '"');
}

static void
kv_key(struct sbuf *b, const char *key)
{
	sbuf_addf(b, " %s=", key);
}

static void
kv_aval(struct sbuf *b, const struct vals *vs, const struct aval *v)
{
	const struct val *x = find_val(vs, v);

	if (x == NULL)
		sbuf_addc(b, '-');
	else
		kv_valn(b, v->s, x->keep);
}

/* The values of one command, under prefix (e.g. "/commands/0"). */
static void
cmd_vals(struct vals *vs, const struct acmd *c, const char *prefix,
    size_t nargs, size_t nredirs)
{
	char *p;
	size_t i;

	for (i = 0; i < nargs; i++) {
		xasprintf(&p, "%s/argv/%zu", prefix, i);
		vals_add(vs, &c->argv[i], p);
	}
	for (i = 0; i < nredirs; i++) {
		xasprintf(&p, "%s/redirs/%zu/target", prefix, i);
		vals_add(vs, &c->redirs[i].target, p);
	}
	if (c->why.s != NULL) {
		xasprintf(&p, "%s/%s", prefix, c->verdict == V_ALLOW ?
		    "rule" : "reason");
		vals_add(vs, &c->why, p);
	}
}

static void
cmd_json(struct sbuf *b, const struct vals *vs, const struct acmd *c,
    size_t nargs, size_t nredirs, int inner)
{
	size_t i;

	if (inner)
		sbuf_adds(b, "{\"argv\":[");
	else
		sbuf_adds(b, ",\"argv\":[");
	for (i = 0; i < nargs; i++) {
		if (i > 0)
			sbuf_addc(b, ',');
		json_val(b, vs, &c->argv[i]);
	}
	sbuf_adds(b, "],\"redirs\":[");
	for (i = 0; i < nredirs; i++) {
		sbuf_addf(b, "%s{\"fd\":%d,\"op\":", i > 0 ? "," : "",
		    c->redirs[i].fd);
		jsonw_str(b, c->redirs[i].op);
		sbuf_adds(b, ",\"target\":");
		json_val(b, vs, &c->redirs[i].target);
		sbuf_addc(b, '}');
	}
	sbuf_addf(b, "],\"verdict\":\"%s\"", cmd_verdict(c->verdict));
	if (c->why.s != NULL) {
		json_key(b, c->verdict == V_ALLOW ? "rule" : "reason");
		json_val(b, vs, &c->why);
	}
	if (c->ended)
		sbuf_addf(b, ",\"status\":%d,\"duration_ms\":%ld", c->status,
		    c->duration_ms);
	if (inner)
		sbuf_addc(b, '}');
}

static void
cmd_kv(struct sbuf *t, const struct vals *vs, const struct acmd *c,
    size_t nargs, size_t nredirs)
{
	const struct val *x;
	size_t i;

	for (i = 0; i < nargs; i++) {
		if (i > 0)
			sbuf_addc(t, ' ');
		x = find_val(vs, &c->argv[i]);
		sbuf_addn(t, c->argv[i].s, x ? x->keep : 0);
	}
	for (i = 0; i < nredirs; i++) {
		x = find_val(vs, &c->redirs[i].target);
		sbuf_addf(t, " %d%s", c->redirs[i].fd, c->redirs[i].op);
		sbuf_addn(t, c->redirs[i].target.s, x ? x->keep : 0);
	}
	x = find_val(vs, &c->why);
	sbuf_addf(t, " [%s: ", cmd_verdict(c->verdict));
	if (x != NULL)
		sbuf_addn(t, c->why.s, x->keep);
	sbuf_addc(t, ']');
}

struct shape {
	size_t	 ncmds;		/* commands written (AE_COMMAND) */
	size_t	 nargs;		/* argv words written (AE_EXEC) */
	size_t	 nredirs;
};

static void
head_json(struct sbuf *b, const struct audit_ident *id,
    const struct arecord *r)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	memset(&tm, 0, sizeof(tm));
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1) {
		ts.tv_sec = 0;
		ts.tv_nsec = 0;
	}
	if (gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "1970-01-01T00:00:00");
	sbuf_addf(b, "{\"time\":\"%s.%03ldZ\",\"event\":\"%s\"", when,
	    (long)(ts.tv_nsec / 1000000), audit_event_name(r->ev));
	sbuf_adds(b, ",\"session\":");
	jsonw_str(b, id->session);
	sbuf_adds(b, ",\"user\":");
	jsonw_str(b, id->user);
	sbuf_addf(b, ",\"uid\":%lu", (unsigned long)id->uid);
	sbuf_adds(b, ",\"from\":");
	jsonw_str(b, id->from);
	sbuf_adds(b, ",\"mode\":");
	jsonw_str(b, id->mode);
	if (id->auth != NULL && (r->ev == AE_SESSION_START ||
	    r->ev == AE_SESSION_REFUSED)) {
		sbuf_adds(b, ",\"auth\":");
		jsonw_str(b, id->auth);
	}
}

static void
body_json(struct sbuf *b, const struct arecord *r, const struct vals *vs,
    const struct shape *sh)
{
	const struct val *x;
	size_t i, any;

	if (r->line_no > 0)
		sbuf_addf(b, ",\"line_no\":%ld", r->line_no);
	if (IS_EXEC(r->ev) || r->ev == AE_ACTION_END)
		sbuf_addf(b, ",\"cmd_no\":%ld", r->cmd_no);
	if (r->cwd.s != NULL) {
		json_key(b, "cwd");
		json_val(b, vs, &r->cwd);
	}
	if (r->action.s != NULL) {
		json_key(b, "action");
		json_val(b, vs, &r->action);
	}
	if (r->run_as.s != NULL) {
		json_key(b, "run_as");
		json_val(b, vs, &r->run_as);
	}
	if (IS_EXEC(r->ev) && r->ncmds == 1)
		cmd_json(b, vs, &r->cmds[0], sh->nargs, sh->nredirs, 0);
	if (r->ev == AE_COMMAND) {
		json_key(b, "line");
		json_val(b, vs, &r->line);
		sbuf_adds(b, ",\"commands\":[");
		for (i = 0; i < sh->ncmds; i++) {
			if (i > 0)
				sbuf_addc(b, ',');
			cmd_json(b, vs, &r->cmds[i], r->cmds[i].argc,
			    r->cmds[i].nredirs, 1);
		}
		sbuf_addc(b, ']');
		if (r->omitted + (r->ncmds - sh->ncmds) > 0)
			sbuf_addf(b, ",\"commands_omitted\":%zu",
			    r->omitted + (r->ncmds - sh->ncmds));
		sbuf_addf(b, ",\"verdict\":\"%s\"",
		    audit_verdict_name(r->verdict));
	}
	if (r->has_status)
		sbuf_addf(b, ",\"status\":%d", r->status);
	if ((r->ev == AE_COMMAND || r->ev == AE_ACTION_END) &&
	    r->duration_ms >= 0)
		sbuf_addf(b, ",\"duration_ms\":%ld", r->duration_ms);
	if (r->signal > 0)
		sbuf_addf(b, ",\"signal\":%d", r->signal);
	if (r->killed > 0)
		sbuf_addf(b, ",\"killed\":%ld", r->killed);
	if (r->reason.s != NULL) {
		json_key(b, "reason");
		json_val(b, vs, &r->reason);
	}
	if (r->warning.s != NULL) {
		json_key(b, "warning");
		json_val(b, vs, &r->warning);
	}
	for (i = any = 0; i < vs->n; i++) {
		x = &vs->v[i];
		if (!x->escaped)
			continue;
		sbuf_adds(b, any++ ? "," : ",\"escaped\":[");
		jsonw_str(b, x->path);
	}
	if (any)
		sbuf_addc(b, ']');
	for (i = any = 0; i < vs->n; i++) {
		x = &vs->v[i];
		if (!x->cut)
			continue;
		sbuf_adds(b, any++ ? ",{\"path\":" : ",\"cut\":[{\"path\":");
		jsonw_str(b, x->path);
		sbuf_addf(b, ",\"length\":%llu,\"sha256\":\"",
		    (unsigned long long)(x->v->sha ? x->v->full : x->v->len));
		{
			unsigned char h[AUDIT_SHA256_LEN];
			const unsigned char *p = x->v->sha;
			size_t k;

			if (p == NULL) {
				sha256(x->v->s, x->v->len, h);
				p = h;
			}
			for (k = 0; k < AUDIT_SHA256_LEN; k++)
				sbuf_addf(b, "%02x", p[k]);
		}
		sbuf_adds(b, "\"}");
	}
	if (any)
		sbuf_addc(b, ']');
	if (IS_EXEC(r->ev) && r->ncmds == 1 &&
	    (sh->nargs < r->cmds[0].argc || sh->nredirs < r->cmds[0].nredirs)) {
		sbuf_adds(b, ",\"omitted\":[");
		any = 0;
		if (sh->nargs < r->cmds[0].argc)
			sbuf_addf(b, "%s{\"path\":\"/argv\",\"from\":%zu,"
			    "\"count\":%zu}", any++ ? "," : "", sh->nargs,
			    r->cmds[0].argc - sh->nargs);
		if (sh->nredirs < r->cmds[0].nredirs)
			sbuf_addf(b, "%s{\"path\":\"/redirs\",\"from\":%zu,"
			    "\"count\":%zu}", any++ ? "," : "", sh->nredirs,
			    r->cmds[0].nredirs - sh->nredirs);
		sbuf_addc(b, ']');
	}
	sbuf_adds(b, "}\n");
}

static void
body_kv(struct sbuf *kv, const struct audit_ident *id,
    const struct arecord *r, const struct vals *vs, const struct shape *sh)
{
	struct sbuf t;
	size_t i;

	sbuf_addf(kv, "event=%s session=", audit_event_name(r->ev));
	kv_valn(kv, id->session, strlen(id->session));
	sbuf_adds(kv, " user=");
	if (id->user != NULL)
		kv_valn(kv, id->user, strlen(id->user));
	else
		sbuf_addc(kv, '-');
	sbuf_addf(kv, " uid=%lu from=", (unsigned long)id->uid);
	kv_valn(kv, id->from, strlen(id->from));
	sbuf_adds(kv, " mode=");
	kv_valn(kv, id->mode, strlen(id->mode));
	if (id->auth != NULL && (r->ev == AE_SESSION_START ||
	    r->ev == AE_SESSION_REFUSED)) {
		sbuf_adds(kv, " auth=");
		kv_valn(kv, id->auth, strlen(id->auth));
	}
	if (r->line_no > 0)
		sbuf_addf(kv, " line_no=%ld", r->line_no);
	if (IS_EXEC(r->ev) || r->ev == AE_ACTION_END)
		sbuf_addf(kv, " cmd_no=%ld", r->cmd_no);
	if (r->cwd.s != NULL) {
		kv_key(kv, "cwd");
		kv_aval(kv, vs, &r->cwd);
	}
	if (r->action.s != NULL) {
		kv_key(kv, "action");
		kv_aval(kv, vs, &r->action);
	}
	if (r->run_as.s != NULL) {
		kv_key(kv, "run_as");
		kv_aval(kv, vs, &r->run_as);
	}
	if (r->ev == AE_COMMAND)
		sbuf_addf(kv, " verdict=%s", audit_verdict_name(r->verdict));
	else if (IS_EXEC(r->ev) && r->ncmds == 1)
		sbuf_addf(kv, " verdict=%s", cmd_verdict(r->cmds[0].verdict));
	if (r->has_status)
		sbuf_addf(kv, " status=%d", r->status);
	if ((r->ev == AE_COMMAND || r->ev == AE_ACTION_END) &&
	    r->duration_ms >= 0)
		sbuf_addf(kv, " duration_ms=%ld", r->duration_ms);
	if (r->signal > 0)
		sbuf_addf(kv, " signal=%d", r->signal);
	if (r->killed > 0)
		sbuf_addf(kv, " killed=%ld", r->killed);
	if (r->reason.s != NULL) {
		kv_key(kv, "reason");
		kv_aval(kv, vs, &r->reason);
	}
	if (r->warning.s != NULL) {
		kv_key(kv, "warning");
		kv_aval(kv, vs, &r->warning);
	}
	if (r->ev == AE_COMMAND) {
		kv_key(kv, "line");
		kv_aval(kv, vs, &r->line);
	}
	if (r->ncmds == 0 || (!IS_EXEC(r->ev) && r->ev != AE_COMMAND))
		return;
	sbuf_init(&t);
	if (IS_EXEC(r->ev))
		cmd_kv(&t, vs, &r->cmds[0], sh->nargs, sh->nredirs);
	for (i = 0; r->ev == AE_COMMAND && i < sh->ncmds; i++) {
		if (i > 0)
			sbuf_adds(&t, "; ");
		cmd_kv(&t, vs, &r->cmds[i], r->cmds[i].argc,
		    r->cmds[i].nredirs);
	}
	kv_key(kv, IS_EXEC(r->ev) ? "cmd" : "commands");
	kv_valn(kv, t.s != NULL ? t.s : "", t.len);
	sbuf_free(&t);
}

static void
collect(struct vals *vs, const struct arecord *r, const struct shape *sh)
{
	char *p;
	size_t i;

	if (r->cwd.s != NULL)
		vals_add(vs, &r->cwd, xstrdup("/cwd"));
	if (r->ev == AE_COMMAND && r->line.s != NULL)
		vals_add(vs, &r->line, xstrdup("/line"));
	if (r->reason.s != NULL)
		vals_add(vs, &r->reason, xstrdup("/reason"));
	if (r->warning.s != NULL)
		vals_add(vs, &r->warning, xstrdup("/warning"));
	if (r->action.s != NULL)
		vals_add(vs, &r->action, xstrdup("/action"));
	if (r->run_as.s != NULL)
		vals_add(vs, &r->run_as, xstrdup("/run_as"));
	if (IS_EXEC(r->ev) && r->ncmds == 1)
		cmd_vals(vs, &r->cmds[0], "", sh->nargs, sh->nredirs);
	for (i = 0; r->ev == AE_COMMAND && i < sh->ncmds; i++) {
		xasprintf(&p, "/commands/%zu", i);
		cmd_vals(vs, &r->cmds[i], p, r->cmds[i].argc,
		    r->cmds[i].nredirs);
		free(p);
	}
}

/* Fewer array elements: the last command, else the last word or redirection. */
/*
 * The record's size without its values (each value's cost counts its
 * own quotes), with room for the arrays "escaped" and "cut" themselves.
 */
static size_t
fixed_size(const struct arecord *r, const struct vals *vs,
    const struct shape *sh)
{
	struct vals empty;
	struct sbuf b;
	size_t i, n;

	memset(&empty, 0, sizeof(empty));
	empty.v = xreallocarray(NULL, vs->n + 1, sizeof(*vs->v));
	empty.n = vs->n;
	for (i = 0; i < vs->n; i++) {
		empty.v[i] = vs->v[i];
		empty.v[i].keep = 0;
		empty.v[i].escaped = 0;
		empty.v[i].cut = 0;
	}
	vals_index(&empty);
	sbuf_init(&b);
	body_json(&b, r, &empty, sh);
	n = b.len + SLACK - 2 * vs->n;
	sbuf_free(&b);
	free(empty.sorted);
	free(empty.v);
	return n;
}

/*
 * The values of this shape, indexed, and the record's fixed size: 1
 * when the shape fits cap at its smallest (every value cut to nothing).
 */
static int
shape_fits(const struct arecord *r, const struct shape *sh, size_t head,
    size_t cap, struct vals *vs, size_t *base)
{
	memset(vs, 0, sizeof(*vs));
	collect(vs, r, sh);
	vals_index(vs);
	*base = head + fixed_size(r, vs, sh);
	return estimate(vs, 2, *base) <= cap;
}

/*
 * The largest count *n (at most its value now) of one array for which
 * the shape fits, by bisection: log n tries, each linear.
 */
static void
largest_fit(const struct arecord *r, struct shape *sh, size_t *n,
    size_t head, size_t cap)
{
	struct vals vs;
	size_t base, lo = 0, hi = *n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		*n = mid;
		if (shape_fits(r, sh, head, cap, &vs, &base))
			lo = mid;
		else
			hi = mid - 1;
		vals_free(&vs);
	}
	*n = lo;
}

void
audit_format(const struct audit_ident *id, const struct arecord *r,
    size_t cap, struct sbuf *json, struct sbuf *kv)
{
	struct shape sh;
	struct vals vs;
	struct sbuf head, b;
	size_t base;

	if (cap < AUDIT_RECORD_MIN)
		cap = AUDIT_RECORD_MIN;
	memset(&sh, 0, sizeof(sh));
	sh.ncmds = r->ev == AE_COMMAND ? r->ncmds : 0;
	if (IS_EXEC(r->ev) && r->ncmds == 1) {
		sh.nargs = r->cmds[0].argc;
		sh.nredirs = r->cmds[0].nredirs;
	}
	sbuf_init(&head);
	head_json(&head, id, r);
	/*
	 * A shape that cannot fit even with every value cut to nothing
	 * leaves out the last elements of its arrays: commands, else
	 * redirections, else words; the record says how many.
	 */
	if (!shape_fits(r, &sh, head.len, cap, &vs, &base)) {
		vals_free(&vs);
		if (r->ev == AE_COMMAND)
			largest_fit(r, &sh, &sh.ncmds, head.len, cap);
		else if (IS_EXEC(r->ev)) {
			largest_fit(r, &sh, &sh.nredirs, head.len, cap);
			if (sh.nredirs == 0)
				largest_fit(r, &sh, &sh.nargs, head.len, cap);
		}
		(void)shape_fits(r, &sh, head.len, cap, &vs, &base);
	}
	plan_cuts(&vs, cap, base);
	sbuf_init(&b);
	sbuf_addn(&b, head.s, head.len);
	body_json(&b, r, &vs, &sh);
	if (b.len > cap) {
		/* never: the estimate is an upper bound; fail safe anyway */
		sbuf_free(&b);
		sbuf_init(&b);
		sbuf_addn(&b, head.s, head.len);
		sbuf_adds(&b, ",\"error\":\"record too large to log\"}\n");
	}
	sbuf_addn(json, b.s, b.len);
	sbuf_free(&b);
	sbuf_free(&head);
	body_kv(kv, id, r, &vs, &sh);
	vals_free(&vs);
}
