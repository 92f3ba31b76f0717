/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The config loader: /etc/cagesh.conf -> struct conf and its profiles
 * (model.h).  Runs as root at session start, as the caller for
 * --check-config and --explain; it reads the file it is given, nothing
 * else.
 *
 * The file decides what a caged user may run, so a config that is only
 * partly understood is never used: every problem is collected (an admin
 * fixes them all in one pass) and any problem means no config at all.
 * libconfig types stay in this file; the rest of cagesh sees plain
 * structs with compiled patterns.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "account.h"
#include "action.h"
#include "audit.h"
#include "builtin.h"
#include "conf.h"
#include "confcache.h"
#include "model.h"
#include "optspec.h"
#include "parse.h"
#include "policy.h"
#include "xmalloc.h"

/*
 * A bigger file is not a config an admin wrote by hand; refusing it
 * bounds the memory and time spent before the session starts.
 */
#define CONF_SIZE_MAX	(1024 * 1024)

/* Loader state: where errors go and how many were found. */
struct ld {
	const char		*file;
	struct conf_errors	*errs;
	size_t			 nerr;
	int			 log_bad;	/* the log group had errors */
};


/*
 * Messages quote the file's text and end up on a terminal and in
 * syslog: control bytes are shown escaped, so a draft cannot send
 * escape sequences to whoever checks it or forge a second log line.
 */
static void
errs_add(struct conf_errors *errs, char *msg)
{
	const unsigned char *p;
	struct sbuf b;

	if (errs == NULL) {
		free(msg);
		return;
	}
	sbuf_init(&b);
	for (p = (const unsigned char *)msg; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			sbuf_addf(&b, "\\x%02x", *p);
		else
			sbuf_addc(&b, (char)*p);
	}
	free(msg);
	errs->msg = xreallocarray(errs->msg, errs->n + 1, sizeof(*errs->msg));
	errs->msg[errs->n++] = sbuf_take(&b);
}

static char * __attribute__((format(printf, 1, 0)))
vfmt(const char *fmt, va_list ap)
{
	char *m;

	if (vasprintf(&m, fmt, ap) == -1)
		m = xstrdup("");
	return m;
}

static void __attribute__((format(printf, 3, 0)))
ld_verr(struct ld *ld, unsigned int line, const char *fmt, va_list ap)
{
	char *m, *msg;

	m = vfmt(fmt, ap);
	if (line > 0)
		xasprintf(&msg, "%s:%u: %s", ld->file, line, m);
	else
		xasprintf(&msg, "%s: %s", ld->file, m);
	free(m);
	errs_add(ld->errs, msg);
	ld->nerr++;
}

static void __attribute__((format(printf, 3, 4)))
ld_errl(struct ld *ld, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, line, fmt, ap);
	va_end(ap);
}

/* The line of a setting; the root group and some elements have none. */
static unsigned int
sline(const config_setting_t *s)
{
	for (; s != NULL; s = config_setting_parent(s))
		if (config_setting_source_line(s) > 0)
			return config_setting_source_line(s);
	return 0;
}

static void __attribute__((format(printf, 3, 4)))
ld_err(struct ld *ld, const config_setting_t *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, sline(s), fmt, ap);
	va_end(ap);
}

static char *
where(const struct ld *ld, const config_setting_t *s)
{
	char *w;

	xasprintf(&w, "%s:%u", ld->file, sline(s));
	return w;
}

/* "profiles.capistrano.commands.git.options[2]": names a setting. */
static void
spath_add(struct sbuf *b, const config_setting_t *s)
{
	const config_setting_t *p;

	if (s == NULL || (p = config_setting_parent(s)) == NULL)
		return;
	spath_add(b, p);
	if (config_setting_name(s) != NULL) {
		if (b->len > 0)
			sbuf_addc(b, '.');
		sbuf_adds(b, config_setting_name(s));
	} else
		sbuf_addf(b, "[%d]", config_setting_index(s));
}

static char *
spath(const config_setting_t *s)
{
	struct sbuf b;

	sbuf_init(&b);
	spath_add(&b, s);
	return sbuf_take(&b);
}

/* "profiles.x.path[1]" and then fmt, at the line of setting at. */
static void __attribute__((format(printf, 4, 5)))
ld_named(struct ld *ld, const config_setting_t *at,
    const config_setting_t *named, const char *fmt, ...)
{
	va_list ap;
	char *m, *path;

	va_start(ap, fmt);
	m = vfmt(fmt, ap);
	va_end(ap);
	path = spath(named);
	ld_errl(ld, sline(at), "%s%s", path, m);
	free(path);
	free(m);
}

/* The string of an array element, or NULL when it is not one. */
static const char *
elem_string(struct ld *ld, const config_setting_t *e)
{
	if (config_setting_type(e) == CONFIG_TYPE_STRING)
		return config_setting_get_string(e);
	ld_named(ld, e, e, " must be a string");
	return NULL;
}

/* An element that must be a group (a rule): 0, or -1 with a message. */
static int
elem_group(struct ld *ld, const config_setting_t *e)
{
	if (config_setting_type(e) == CONFIG_TYPE_GROUP)
		return 0;
	ld_named(ld, e, e, " must be a group { ... }");
	return -1;
}

static const char *
type_name(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_ARRAY:
		return "an array";
	case CONFIG_TYPE_LIST:
		return "a list";
	}
	return "a value";
}

/* The expected shape of a key; integers may be int or int64 in a file. */
enum kt {
	KT_STRING,
	KT_BOOL,
	KT_INT,
	KT_GROUP,
	KT_LIST,	/* ( ... ) */
	KT_STRINGS,	/* [ "a", "b" ] or ( "a", "b" ) */
	KT_INTS,	/* [ 1, 2 ] or ( 1, 2 ) */
	KT_NUMSTR,	/* 5 or "5G" */
};

static const char *const kt_desc[] = {
	[KT_STRING] = "a string",
	[KT_BOOL] = "a boolean",
	[KT_INT] = "an integer",
	[KT_GROUP] = "a group { ... }",
	[KT_LIST] = "a list ( ... )",
	[KT_STRINGS] = "an array of strings [ ... ]",
	[KT_INTS] = "an array of integers [ ... ]",
	[KT_NUMSTR] = "an integer or a string",
};

static int
kt_match(const config_setting_t *s, enum kt kt)
{
	int t = config_setting_type(s);

	switch (kt) {
	case KT_STRING:
		return t == CONFIG_TYPE_STRING;
	case KT_BOOL:
		return t == CONFIG_TYPE_BOOL;
	case KT_INT:
		return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
	case KT_GROUP:
		return t == CONFIG_TYPE_GROUP;
	case KT_LIST:
		return t == CONFIG_TYPE_LIST;
	case KT_STRINGS:
	case KT_INTS:
		return t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
	case KT_NUMSTR:
		return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ||
		    t == CONFIG_TYPE_STRING;
	}
	return 0;
}

struct key {
	const char	*name;
	enum kt		 kt;
	int		 required;
};

static void
ctx_err(struct ld *ld, const config_setting_t *s, const char *ctx,
    const char *msg)
{
	if (ctx != NULL && *ctx != '\0')
		ld_err(ld, s, "%s: %s", ctx, msg);
	else
		ld_err(ld, s, "%s", msg);
}

/*
 * Checks the keys of group g against a table: unknown keys, wrong
 * types and missing required keys, each reported.  Returns 0 if all is
 * well.  ctx names g in messages.
 */
static int
check_keys(struct ld *ld, const config_setting_t *g, const struct key *keys,
    size_t nkeys, const char *ctx)
{
	const config_setting_t *s;
	const char *name;
	char *m;
	size_t before = ld->nerr, k;
	int i, n;

	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(g, (unsigned int)i);
		name = config_setting_name(s);
		for (k = 0; k < nkeys; k++)
			if (strcmp(keys[k].name, name) == 0)
				break;
		if (k == nkeys) {
			xasprintf(&m, "unknown key '%s'", name);
			ctx_err(ld, s, ctx, m);
			free(m);
			continue;
		}
		if (!kt_match(s, keys[k].kt)) {
			xasprintf(&m, "'%s' must be %s, not %s", name,
			    kt_desc[keys[k].kt],
			    type_name(config_setting_type(s)));
			ctx_err(ld, s, ctx, m);
			free(m);
		}
	}
	for (k = 0; k < nkeys; k++) {
		if (!keys[k].required ||
		    config_setting_get_member(g, keys[k].name) != NULL)
			continue;
		xasprintf(&m, "'%s' is missing", keys[k].name);
		ctx_err(ld, g, ctx, m);
		free(m);
	}
	return ld->nerr == before ? 0 : -1;
}

/* A member of g, only when it has the type the key table asked for. */
static const config_setting_t *
member(const config_setting_t *g, const char *name, enum kt kt)
{
	const config_setting_t *s;

	if ((s = config_setting_get_member(g, name)) == NULL ||
	    !kt_match(s, kt))
		return NULL;
	return s;
}

static int
member_bool(const config_setting_t *g, const char *name, int dflt)
{
	const config_setting_t *s;

	if ((s = member(g, name, KT_BOOL)) == NULL)
		return dflt;
	return config_setting_get_bool(s);
}

/* A string that names something: not empty, no control bytes. */
static int
check_str(struct ld *ld, const config_setting_t *s, const char *str)
{
	const unsigned char *p;

	if (*str == '\0') {
		ld_named(ld, s, s, " must not be empty");
		return -1;
	}
	for (p = (const unsigned char *)str; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			ld_named(ld, s, s, " must not contain control "
			    "characters");
			return -1;
		}
	}
	return 0;
}

/*
 * An absolute path in normal form: every consumer compares it byte for
 * byte or walks it component by component, so "/a/../b", "/a//b" and
 * "/a/" would each mean something else than they appear to.
 */
static const char *
path_problem(const char *p, int allow_root)
{
	const char *c, *e;
	size_t len;

	if (*p != '/')
		return "must be an absolute path";
	if (p[1] == '\0')
		return allow_root ? NULL : "must not be /";
	for (c = p + 1;; c = e + 1) {
		e = strchr(c, '/');
		len = e != NULL ? (size_t)(e - c) : strlen(c);
		if (len == 0)
			return e != NULL ? "must not contain //" :
			    "must not end with /";
		if ((len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return "must not contain . or .. components";
		if (e == NULL)
			break;
	}
	return NULL;
}

static int
check_path(struct ld *ld, const config_setting_t *s, const char *str,
    int allow_root)
{
	const char *why;

	if (check_str(ld, s, str) == -1)
		return -1;
	if ((why = path_problem(str, allow_root)) == NULL)
		return 0;
	ld_named(ld, s, s, ": '%s' %s", str, why);
	return -1;
}

/* ---------------------------------------------------------------- */
/* Option specs and patterns: the grammar is optspec.c's */

/* Compiled now, or on first use in a session (pattern_defer). */
static int
compile_re(struct ld *ld, const config_setting_t *s, const char *re,
    struct pattern *dst)
{
	char *why;

	if ((why = pattern_init(dst, re)) == NULL)
		return 0;
	ld_named(ld, s, s, ": %s", why);
	free(why);
	return -1;
}

static const struct optspec *
opt_find(const struct optspec *v, size_t n, const struct optspec *o)
{
	return optspec_find(v, n, o->kind, o->name, strlen(o->name));
}

/* Fills an array of option specs from a setting; duplicates refused. */
static int
parse_optlist(struct ld *ld, const config_setting_t *a, int bare,
    struct optspec **out, size_t *nout)
{
	const config_setting_t *e;
	const struct optspec *dup;
	struct optspec *v;
	const char *str;
	char *why;
	size_t before = ld->nerr;
	int i, n;

	n = config_setting_length(a);
	v = xcalloc((size_t)n, sizeof(*v));
	*out = v;
	*nout = 0;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(a, (unsigned int)i);
		if ((str = elem_string(ld, e)) == NULL)
			continue;
		if ((why = optspec_parse(str, bare, &v[*nout])) != NULL) {
			ld_named(ld, e, e, ": %s", why);
			free(why);
			continue;
		}
		v[*nout].line = (int)sline(e);
		if ((dup = opt_find(v, *nout, &v[*nout])) != NULL) {
			ld_named(ld, e, e, ": %s%s is listed twice",
			    optspec_dash(dup->kind), dup->name);
			optspec_clear(&v[*nout]);
			continue;
		}
		(*nout)++;
	}
	return ld->nerr == before ? 0 : -1;
}

/* ---------------------------------------------------------------- */
/* Rules */

static const struct key rule_keys[] = {
	{ "name",		KT_STRING,	0 },
	{ "path",		KT_STRING,	0 },
	{ "description",	KT_STRING,	0 },
	{ "options",		KT_STRINGS,	0 },
	{ "deny",		KT_STRINGS,	0 },
	{ "any_options",	KT_BOOL,	0 },
	{ "oldstyle",		KT_BOOL,	0 },
	{ "operands",		KT_STRINGS,	0 },
	{ "operands_max",	KT_INT,		0 },
	{ "require",		KT_STRINGS,	0 },
	{ "subcommands",	KT_GROUP,	0 },
	{ "entry_home",		KT_BOOL,	0 },
	{ "wrapper",		KT_BOOL,	0 },
	{ "assignments",	KT_BOOL,	0 },
	{ "command_options",	KT_STRINGS,	0 },
	{ "daemon",		KT_BOOL,	0 },
};

/*
 * A command name as a line would spell it.  '/' is for `path`; a
 * leading '-' could never be a command word.
 */
static int
cmd_name_ok(const char *n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-:@,%";

	return *n != '\0' && *n != '-' && strspn(n, ok) == strlen(n);
}

/*
 * A top-level rule name the shell itself owns would never be reached
 * (builtins and env are decided before rules) or would suggest that a
 * refused word (eval, exec, source ...) can be allowed: both hide what
 * the config really permits.
 */
static int
check_top_name(struct ld *ld, const config_setting_t *g, const char *name)
{
	const char *why;

	if (builtin_find(name) != NULL) {
		ld_err(ld, g, "'%s' is a cagesh builtin and cannot be a rule",
		    name);
		return -1;
	}
	if (strcmp(name, "env") == 0) {
		ld_err(ld, g, "'env' is handled by cagesh itself and cannot "
		    "be a rule");
		return -1;
	}
	if ((why = parse_refused_name(name)) != NULL) {
		ld_err(ld, g, "'%s' is refused by cagesh (%s) and cannot be "
		    "a rule", name, why);
		return -1;
	}
	return 0;
}

static int	parse_rule(struct ld *, const config_setting_t *,
		    const struct rule *, struct rule *);

static int
parse_operands(struct ld *ld, const config_setting_t *a, struct rule *r)
{
	const config_setting_t *e;
	const char *str;
	size_t before = ld->nerr;
	int i, n;

	n = config_setting_length(a);
	r->operands_set = 1;
	r->operands = xcalloc((size_t)n, sizeof(*r->operands));
	r->operand_src = xcalloc((size_t)n, sizeof(*r->operand_src));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(a, (unsigned int)i);
		if ((str = elem_string(ld, e)) == NULL ||
		    compile_re(ld, e, str, &r->operands[r->noperands]) == -1)
			continue;
		r->operand_src[r->noperands++] = xstrdup(str);
	}
	return ld->nerr == before ? 0 : -1;
}

/*
 * The deny list a rule is judged by: its own entries, then every
 * ancestor's (already merged in the parent), so `git clone` cannot
 * allow what `git` denies.
 */
static void
inherit_deny(struct rule *r, const struct rule *parent)
{
	size_t i, n;

	if (parent == NULL || parent->ndeny == 0)
		return;
	n = r->ndeny;
	r->deny = xreallocarray(r->deny, n + parent->ndeny, sizeof(*r->deny));
	for (i = 0; i < parent->ndeny; i++)
		if (opt_find(r->deny, n, &parent->deny[i]) == NULL)
			optspec_copy(&r->deny[r->ndeny++], &parent->deny[i]);
}

static int
parse_require(struct ld *ld, const config_setting_t *a, struct rule *r)
{
	const struct optspec *o;
	size_t before = ld->nerr, i;

	/* on error the entries parsed stay for model_rule_clear() */
	if (parse_optlist(ld, a, 1, &r->require, &r->nrequire) == -1)
		return -1;
	/* every entry parsed: entry i is element i */
	for (i = 0; i < r->nrequire; i++) {
		if ((o = opt_find(r->opts, r->nopts, &r->require[i])) != NULL)
			r->require[i].arg = o->arg;
		else
			ld_named(ld, config_setting_get_elem(a,
			    (unsigned int)i), a, ": %s is not in 'options'",
			    r->require[i].spec);
	}
	return ld->nerr == before ? 0 : -1;
}

static int
parse_subs(struct ld *ld, const config_setting_t *g, struct rule *r)
{
	const config_setting_t *e;
	size_t before = ld->nerr, i, j;
	int n;

	n = config_setting_length(g);
	r->subs = xcalloc((size_t)n, sizeof(*r->subs));
	for (i = 0; i < (size_t)n; i++) {
		e = config_setting_get_elem(g, (unsigned int)i);
		if (elem_group(ld, e) == -1)
			continue;
		if (parse_rule(ld, e, r, &r->subs[r->nsubs]) == -1) {
			model_rule_clear(&r->subs[r->nsubs]);
			continue;
		}
		for (j = 0; j < r->nsubs; j++) {
			if (strcmp(r->subs[j].name,
			    r->subs[r->nsubs].name) != 0)
				continue;
			ld_named(ld, e, g, ": '%s' is defined twice (%s and "
			    "%s)", r->subs[j].name, r->subs[j].where,
			    r->subs[r->nsubs].where);
			break;
		}
		if (j < r->nsubs) {
			model_rule_clear(&r->subs[r->nsubs]);
			continue;
		}
		r->nsubs++;
	}
	return ld->nerr == before ? 0 : -1;
}

/*
 * wrapper, assignments, command_options: the rule runs another
 * command, which the policy judges like any other (policy.c).  A
 * wrapper's operands are that command, so it can have no operands or
 * subcommands of its own.
 */
static void
parse_wrapper(struct ld *ld, const config_setting_t *g, struct rule *r,
    const char *ctx)
{
	const config_setting_t *s;
	size_t i;

	if (member_bool(g, "wrapper", 0))
		r->wrap = WRAP_PROGRAM;
	if ((s = member(g, "assignments", KT_BOOL)) != NULL) {
		r->wrap_assigns = config_setting_get_bool(s);
		if (r->wrap_assigns && r->wrap == WRAP_NONE)
			ld_err(ld, s, "%s: 'assignments' needs 'wrapper = "
			    "true'", ctx);
	}
	if (r->wrap != WRAP_NONE) {
		if ((s = member(g, "operands", KT_STRINGS)) != NULL ||
		    (s = member(g, "operands_max", KT_INT)) != NULL)
			ld_err(ld, s, "%s: a wrapper's operands are the "
			    "command it runs: '%s' cannot be given", ctx,
			    config_setting_name(s));
		if ((s = member(g, "subcommands", KT_GROUP)) != NULL)
			ld_err(ld, s, "%s: a wrapper cannot have subcommands "
			    "(make the subcommand the wrapper)", ctx);
		if ((s = member(g, "oldstyle", KT_BOOL)) != NULL)
			ld_err(ld, s, "%s: a wrapper cannot be 'oldstyle'",
			    ctx);
	}
	if ((s = member(g, "command_options", KT_STRINGS)) == NULL)
		return;
	if (parse_optlist(ld, s, 1, &r->cmdopts, &r->ncmdopts) == -1)
		return;
	for (i = 0; i < r->ncmdopts; i++) {
		if (r->cmdopts[i].kind == OPT_SHORT)
			ld_named(ld, config_setting_get_elem(s,
			    (unsigned int)i), s, ": %s: a command option is a "
			    "whole word (-exec) or a long option",
			    r->cmdopts[i].spec);
		else if (optspec_find(r->opts, r->nopts, r->cmdopts[i].kind,
		    r->cmdopts[i].name, strlen(r->cmdopts[i].name)) != NULL ||
		    optspec_find(r->deny, r->ndeny, r->cmdopts[i].kind,
		    r->cmdopts[i].name, strlen(r->cmdopts[i].name)) != NULL)
			ld_named(ld, config_setting_get_elem(s,
			    (unsigned int)i), s, ": %s is also in 'options' "
			    "or 'deny'", r->cmdopts[i].spec);
	}
}

/* One rule: group g under `commands` (parent NULL) or `subcommands`. */
static int
parse_rule(struct ld *ld, const config_setting_t *g, const struct rule *parent,
    struct rule *r)
{
	const config_setting_t *s;
	const struct optspec *d;
	const char *name, *str;
	char *ctx;
	size_t before = ld->nerr, i;
	long long ll;

	memset(r, 0, sizeof(*r));
	r->operands_max = -1;
	r->parent = parent;
	r->where = where(ld, g);
	ctx = spath(g);
	(void)check_keys(ld, g, rule_keys, sizeof(rule_keys) /
	    sizeof(rule_keys[0]), ctx);

	name = config_setting_name(g);
	if ((s = member(g, "name", KT_STRING)) != NULL)
		name = config_setting_get_string(s);
	else
		s = g;
	/*
	 * Only a command name can collide with the shell's own words; a
	 * subcommand is an operand (`bundle exec`, `rake test` are fine).
	 */
	if ((parent != NULL || check_top_name(ld, s, name) == 0) &&
	    !cmd_name_ok(name))
		ld_err(ld, s, "%s: '%s' is not a valid command name", ctx,
		    name);
	r->name = xstrdup(name);
	if (parent != NULL)
		xasprintf(&r->label, "%s %s", parent->label, name);
	else
		r->label = xstrdup(name);

	if ((s = member(g, "path", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (parent != NULL)
			ld_err(ld, s, "%s: 'path' is only for top-level rules",
			    ctx);
		else if (check_path(ld, s, str, 0) == 0)
			r->path = xstrdup(str);
	}
	if ((s = member(g, "description", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (check_str(ld, s, str) == 0)
			r->description = xstrdup(str);
	}
	r->any_options = member_bool(g, "any_options", 0);
	r->oldstyle = member_bool(g, "oldstyle", 0);
	r->daemon = member_bool(g, "daemon", 0);
	/* HOME is the program's, not a subcommand's */
	if ((s = member(g, "entry_home", KT_BOOL)) != NULL) {
		if (parent != NULL)
			ld_err(ld, s, "%s: 'entry_home' is only for top-level "
			    "rules", ctx);
		else
			r->entry_home = config_setting_get_bool(s);
	}

	if ((s = member(g, "options", KT_STRINGS)) != NULL)
		(void)parse_optlist(ld, s, 0, &r->opts, &r->nopts);
	if ((s = member(g, "deny", KT_STRINGS)) != NULL)
		(void)parse_optlist(ld, s, 1, &r->deny, &r->ndeny);
	inherit_deny(r, parent);
	for (i = 0; i < r->nopts; i++) {
		if ((d = opt_find(r->deny, r->ndeny, &r->opts[i])) == NULL)
			continue;
		ld_errl(ld, (unsigned int)r->opts[i].line, "%s: %s%s is both "
		    "allowed and denied (denied at %s:%d)", ctx,
		    optspec_dash(d->kind), d->name, ld->file, d->line);
	}
	if ((s = member(g, "require", KT_STRINGS)) != NULL)
		(void)parse_require(ld, s, r);
	if ((s = member(g, "operands", KT_STRINGS)) != NULL)
		(void)parse_operands(ld, s, r);
	if ((s = member(g, "operands_max", KT_INT)) != NULL) {
		ll = config_setting_get_int64(s);
		if (config_setting_type(s) == CONFIG_TYPE_INT)
			ll = config_setting_get_int(s);
		if (ll < 0)
			ld_named(ld, s, s, " must be 0 or more");
		else
			r->operands_max = (long)(ll > LONG_MAX ? LONG_MAX : ll);
	}
	parse_wrapper(ld, g, r, ctx);
	if ((s = member(g, "subcommands", KT_GROUP)) != NULL)
		(void)parse_subs(ld, s, r);
	free(ctx);
	return ld->nerr == before ? 0 : -1;
}

/* ---------------------------------------------------------------- */
/* Profiles */

static const struct key profile_keys[] = {
	{ "path",		KT_STRINGS,	1 },
	{ "env",		KT_STRINGS,	0 },
	{ "setenv",		KT_GROUP,	0 },
	{ "env_ignore",		KT_STRINGS,	0 },
	{ "commands",		KT_GROUP,	0 },
	{ "cage_files",		KT_STRINGS,	0 },
	{ "program_home",	KT_STRING,	0 },
	{ "confine",		KT_GROUP,	0 },
	{ "limits",		KT_GROUP,	0 },
	{ "ssh_agent",		KT_BOOL,	0 },
	{ "actions",		KT_LIST,	0 },
};

/* Strings of an array or list of strings, each checked by check. */
static void
parse_strings(struct ld *ld, const config_setting_t *a,
    int (*check)(struct ld *, const config_setting_t *, const char *),
    char ***out, size_t *nout)
{
	const config_setting_t *e;
	const char *str;
	size_t i;
	int n, k;

	n = config_setting_length(a);
	*out = xcalloc((size_t)n, sizeof(**out));
	*nout = 0;
	for (k = 0; k < n; k++) {
		e = config_setting_get_elem(a, (unsigned int)k);
		if ((str = elem_string(ld, e)) == NULL ||
		    check(ld, e, str) == -1)
			continue;
		for (i = 0; i < *nout; i++)
			if (strcmp((*out)[i], str) == 0)
				break;
		if (i < *nout) {
			ld_named(ld, e, a, ": '%s' is listed twice", str);
			continue;
		}
		(*out)[(*nout)++] = xstrdup(str);
	}
}

static int
check_dir(struct ld *ld, const config_setting_t *s, const char *str)
{
	return check_path(ld, s, str, 1);
}

/* Copied into the cage by cagesh-jail: "/" would copy the whole host. */
static int
check_file(struct ld *ld, const config_setting_t *s, const char *str)
{
	return check_path(ld, s, str, 0);
}

static int
check_env_name(struct ld *ld, const config_setting_t *s, const char *str)
{
	if (parse_is_name(str, strlen(str)))
		return 0;
	ld_named(ld, s, config_setting_parent(s), ": '%s' is not a valid "
	    "variable name", str);
	return -1;
}

/*
 * A name the line may set freely must not be one that names a program,
 * library or config file: GIT_SSH=/tmp/x git ... would run /tmp/x.
 */
static int
check_env_settable(struct ld *ld, const config_setting_t *s, const char *str)
{
	if (check_env_name(ld, s, str) == -1)
		return -1;
	if (!policy_env_dangerous(str))
		return 0;
	ld_named(ld, s, config_setting_parent(s), ": %s can name a program "
	    "or config file; list it in setenv (fixed value) or env_ignore "
	    "instead", str);
	return -1;
}

static void
parse_setenv(struct ld *ld, const config_setting_t *g, struct profile *p)
{
	const config_setting_t *e;
	const char *name, *val;
	int i, n;

	n = config_setting_length(g);
	p->setenv = xcalloc((size_t)n, sizeof(*p->setenv));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, (unsigned int)i);
		name = config_setting_name(e);
		if ((val = elem_string(ld, e)) == NULL ||
		    check_env_name(ld, e, name) == -1)
			continue;
		p->setenv[p->nsetenv].name = xstrdup(name);
		p->setenv[p->nsetenv].value = xstrdup(val);
		p->nsetenv++;
	}
}

/* A name may be in one of env, setenv, env_ignore: each means another thing. */
static void
check_env_lists(struct ld *ld, const config_setting_t *g,
    const struct profile *p, const char *ctx)
{
	const config_setting_t *s;
	size_t i, j;

	for (i = 0; i < p->nsetenv; i++) {
		for (j = 0; j < p->nenv; j++)
			if (strcmp(p->setenv[i].name, p->env[j]) == 0)
				break;
		s = config_setting_get_member(g, "setenv");
		if (j < p->nenv)
			ld_err(ld, s, "%s: %s is in both env and setenv", ctx,
			    p->env[j]);
		for (j = 0; j < p->nenv_ignore; j++)
			if (strcmp(p->setenv[i].name, p->env_ignore[j]) == 0)
				break;
		if (j < p->nenv_ignore)
			ld_err(ld, s, "%s: %s is in both setenv and "
			    "env_ignore", ctx, p->env_ignore[j]);
	}
	for (i = 0; i < p->nenv; i++) {
		for (j = 0; j < p->nenv_ignore; j++)
			if (strcmp(p->env[i], p->env_ignore[j]) == 0)
				break;
		s = config_setting_get_member(g, "env_ignore");
		if (j < p->nenv_ignore)
			ld_err(ld, s, "%s: %s is in both env and env_ignore",
			    ctx, p->env[i]);
	}
}

static void
parse_commands(struct ld *ld, const config_setting_t *g, struct profile *p)
{
	const config_setting_t *e;
	struct rule *r;
	size_t j;
	int i, n;

	n = config_setting_length(g);
	p->cmds = xcalloc((size_t)n, sizeof(*p->cmds));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, (unsigned int)i);
		if (elem_group(ld, e) == -1)
			continue;
		r = &p->cmds[p->ncmds];
		if (parse_rule(ld, e, NULL, r) == -1) {
			model_rule_clear(r);
			continue;
		}
		for (j = 0; j < p->ncmds; j++) {
			if (strcmp(p->cmds[j].name, r->name) == 0) {
				ld_err(ld, e, "profile '%s': command '%s' is "
				    "defined twice (%s and %s)", p->name,
				    r->name, p->cmds[j].where, r->where);
				break;
			}
			if (r->path != NULL && p->cmds[j].path != NULL &&
			    strcmp(p->cmds[j].path, r->path) == 0) {
				ld_err(ld, e, "profile '%s': path '%s' names "
				    "two rules (%s and %s)", p->name,
				    r->path, p->cmds[j].where, r->where);
				break;
			}
		}
		if (j < p->ncmds) {
			model_rule_clear(r);
			continue;
		}
		p->ncmds++;
	}
}

/* ---------------------------------------------------------------- */
/* Confinement: confine = { ... } and limits = { ... } in a profile */

static const struct key confine_keys[] = {
	{ "landlock",		KT_STRING,	0 },
	{ "exec",		KT_STRINGS,	0 },
	{ "write",		KT_STRINGS,	0 },
	{ "exec_writable",	KT_STRINGS,	0 },
	{ "connect",		KT_INTS,	0 },
	{ "bind",		KT_INTS,	0 },
	{ "signal",		KT_STRING,	0 },
};

/* What cagesh-jail puts programs and libraries in. */
static const char *const exec_default[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib64",
};

static const char *const write_default[] = {
	"~", "/tmp", "/var/tmp",
};

static void
strv_set(char ***v, size_t *n, const char *const *src, size_t nsrc)
{
	size_t i;

	*v = xcalloc(nsrc, sizeof(**v));
	for (i = 0; i < nsrc; i++)
		(*v)[i] = xstrdup(src[i]);
	*n = nsrc;
}

static void
confine_defaults(struct confine *c)
{
	memset(c, 0, sizeof(*c));
	c->landlock = CONFINE_REQUIRE;
	c->signal = CONFINE_SIGNAL_SESSION;
	strv_set(&c->exec, &c->nexec, exec_default,
	    sizeof(exec_default) / sizeof(exec_default[0]));
	strv_set(&c->write, &c->nwrite, write_default,
	    sizeof(write_default) / sizeof(write_default[0]));
}

/* p is dir, or beneath it ("/a/b" is beneath "/a", "/ab" is not). */
static int
beneath(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/*
 * An exec directory: every program beneath it may run, so it must be a
 * place only root writes; the home never is.
 */
static int
check_exec_dir(struct ld *ld, const config_setting_t *s, const char *str)
{
	if (str[0] == '~') {
		ld_named(ld, s, s, ": '%s' is in the home, which the user "
		    "writes: list it in exec_writable, not in exec", str);
		return -1;
	}
	return check_path(ld, s, str, 0);
}

/* A writable place: absolute, or "~" or "~/..." for the home. */
static int
check_place(struct ld *ld, const config_setting_t *s, const char *str)
{
	const char *why = NULL;

	if (str[0] != '~')
		return check_path(ld, s, str, 0);
	if (check_str(ld, s, str) == -1)
		return -1;
	if (str[1] != '\0' && str[1] != '/')
		why = "names another user's home: only '~' and '~/...' (the "
		    "entry's home) may be used";
	else if (str[1] == '/' && str[2] == '\0')
		why = "must not end with /";
	else if (str[1] == '/')
		why = path_problem(str + 1, 0);
	if (why == NULL)
		return 0;
	ld_named(ld, s, s, ": '%s' %s", str, why);
	return -1;
}

/* The element of array a holding str, for its line; a itself if none. */
static const config_setting_t *
elem_with(const config_setting_t *a, const char *str)
{
	const config_setting_t *e;
	int i, n;

	n = config_setting_length(a);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(a, (unsigned int)i);
		if (config_setting_type(e) == CONFIG_TYPE_STRING &&
		    strcmp(config_setting_get_string(e), str) == 0)
			return e;
	}
	return a;
}

static void
parse_ports(struct ld *ld, const config_setting_t *a, long lo,
    unsigned short **out, size_t *nout)
{
	const config_setting_t *e;
	long long v;
	size_t i;
	int k, n;

	n = config_setting_length(a);
	*out = xcalloc((size_t)n, sizeof(**out));
	*nout = 0;
	for (k = 0; k < n; k++) {
		e = config_setting_get_elem(a, (unsigned int)k);
		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64) {
			ld_named(ld, e, e, " must be a port number");
			continue;
		}
		v = config_setting_type(e) == CONFIG_TYPE_INT ?
		    config_setting_get_int(e) : config_setting_get_int64(e);
		if (v < lo || v > 65535) {
			ld_named(ld, e, e, ": %lld is not a TCP port (%ld to "
			    "65535)", v, lo);
			continue;
		}
		for (i = 0; i < *nout; i++)
			if ((*out)[i] == (unsigned short)v)
				break;
		if (i < *nout) {
			ld_named(ld, e, a, ": port %lld is listed twice", v);
			continue;
		}
		(*out)[(*nout)++] = (unsigned short)v;
	}
}

/*
 * An exec directory and a writable place must not overlap: what the
 * user writes there could run.  Only paths spelled the same way can be
 * compared here; the home ("~") is compared per user entry.  s_exec and
 * s_write are the arrays as written, or NULL for the defaults.
 */
static void
check_overlap(struct ld *ld, const config_setting_t *g,
    const struct confine *c, const config_setting_t *s_exec,
    const config_setting_t *s_write, const config_setting_t *s_xw)
{
	const config_setting_t *at;
	const char *e, *w, *x;
	size_t i, j;

	for (i = 0; i < c->nexec; i++) {
		e = c->exec[i];
		for (j = 0; j < c->nwrite; j++) {
			w = c->write[j];
			if (w[0] == '~' || (!beneath(e, w) && !beneath(w, e)))
				continue;
			if (beneath(e, w)) {
				at = s_exec != NULL ? elem_with(s_exec, e) :
				    elem_with(s_write, w);
				ld_named(ld, at, at, ": the exec directory "
				    "'%s' is beneath the writable place '%s': "
				    "the user could run what they write there; "
				    "list it in exec_writable if that is "
				    "meant", e, w);
			} else {
				at = s_write != NULL ? elem_with(s_write, w) :
				    elem_with(s_exec, e);
				ld_named(ld, at, at, ": the writable place "
				    "'%s' is beneath the exec directory '%s': "
				    "the user could run what they write there; "
				    "list it in exec_writable if that is "
				    "meant", w, e);
			}
		}
	}
	for (i = 0; i < c->nexec_writable; i++) {
		x = c->exec_writable[i];
		for (j = 0; j < c->nwrite; j++)
			if (beneath(x, c->write[j]))
				break;
		if (j < c->nwrite)
			continue;
		at = elem_with(s_xw, x);
		ld_named(ld, at, at, ": '%s' is beneath no place of "
		    "confine.write, as written there: add its place to write "
		    "(spelled the same way, \"~/...\" for the home), or move "
		    "it to exec if nobody may write there", x);
	}
	(void)g;
}

static void
parse_confine(struct ld *ld, const config_setting_t *g, struct profile *p)
{
	const config_setting_t *s, *s_exec, *s_write, *s_xw;
	struct confine *c = &p->confine;
	const char *str;
	char *ctx;

	xasprintf(&ctx, "profile '%s': confine", p->name);
	(void)check_keys(ld, g, confine_keys, sizeof(confine_keys) /
	    sizeof(confine_keys[0]), ctx);
	if ((s = member(g, "landlock", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (strcmp(str, "require") == 0)
			c->landlock = CONFINE_REQUIRE;
		else if (strcmp(str, "warn") == 0)
			c->landlock = CONFINE_WARN;
		else
			ld_err(ld, s, "%s.landlock must be \"require\" or "
			    "\"warn\", not \"%s\"", ctx, str);
	}
	if ((s = member(g, "signal", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (strcmp(str, "session") == 0)
			c->signal = CONFINE_SIGNAL_SESSION;
		else if (strcmp(str, "user") == 0)
			c->signal = CONFINE_SIGNAL_USER;
		else
			ld_err(ld, s, "%s.signal must be \"session\" or "
			    "\"user\", not \"%s\"", ctx, str);
	}
	if ((s_exec = member(g, "exec", KT_STRINGS)) != NULL) {
		model_strv_free(c->exec, c->nexec);
		parse_strings(ld, s_exec, check_exec_dir, &c->exec, &c->nexec);
		if (config_setting_length(s_exec) == 0)
			ld_err(ld, s_exec, "%s.exec must not be empty: no "
			    "program could run", ctx);
	}
	if ((s_write = member(g, "write", KT_STRINGS)) != NULL) {
		model_strv_free(c->write, c->nwrite);
		parse_strings(ld, s_write, check_place, &c->write, &c->nwrite);
	}
	if ((s_xw = member(g, "exec_writable", KT_STRINGS)) != NULL)
		parse_strings(ld, s_xw, check_place, &c->exec_writable,
		    &c->nexec_writable);
	if ((s = member(g, "connect", KT_INTS)) != NULL) {
		c->tcp = 1;
		parse_ports(ld, s, 1, &c->connect, &c->nconnect);
	}
	if ((s = member(g, "bind", KT_INTS)) != NULL) {
		c->tcp = 1;
		parse_ports(ld, s, 0, &c->bind, &c->nbind);
	}
	check_overlap(ld, g, c, s_exec, s_write, s_xw);
	free(ctx);
}

/*
 * program_home: the HOME of the programs a line runs, where git, svn and
 * ssh find ~/.gitconfig, ~/.subversion, ~/.ssh.  Config there may name
 * programs, so it must be a place only root writes: never the home, nor
 * a writable place or one holding it.  Called once confine is known;
 * "~" is checked per user entry (check_confine_home).
 */
static void
parse_program_home(struct ld *ld, const config_setting_t *s,
    struct profile *p)
{
	const struct confine *c = &p->confine;
	const char *str = config_setting_get_string(s), *w;
	size_t i;

	if (str[0] == '~')
		ld_named(ld, s, s, ": '%s' is in the home, which the user "
		    "writes: the programs' home must be a place only root "
		    "writes", str);
	else if (check_path(ld, s, str, 0) == 0) {
		for (i = 0; i < c->nwrite; i++) {
			w = c->write[i];
			if (w[0] == '~' || (!beneath(str, w) &&
			    !beneath(w, str)))
				continue;
			ld_named(ld, s, s, ": '%s' %s the writable place '%s': "
			    "the user could write the programs' config there",
			    str, beneath(str, w) ? "is beneath" : "holds", w);
			break;
		}
		if (i == c->nwrite)
			p->program_home = xstrdup(str);
	}
}

/*
 * The home is a writable place when write lists "~": it must not hold
 * an exec directory, nor be beneath one.  Checked per user entry, once
 * its home and profile are known.
 */
static void
check_confine_home(struct ld *ld, const config_setting_t *g,
    const struct userent *u)
{
	const struct confine *c;
	const char *w, *e;
	char *place, *ctx;
	size_t i, j;

	if (u->home == NULL || u->profile == NULL)
		return;
	c = &u->profile->confine;
	ctx = spath(g);
	for (i = 0; i < c->nwrite; i++) {
		w = c->write[i];
		if (w[0] != '~')
			continue;
		if (strcmp(u->home, "/") == 0 && w[1] != '\0')
			place = xstrdup(w + 1);
		else
			xasprintf(&place, "%s%s", u->home, w + 1);
		e = NULL;
		for (j = 0; j < c->nexec && e == NULL; j++)
			if (beneath(place, c->exec[j]) ||
			    beneath(c->exec[j], place))
				e = c->exec[j];
		if (e != NULL)
			ld_err(ld, g, "%s: the writable place '%s' ('%s' in "
			    "confine.write of profile '%s') %s the exec "
			    "directory '%s': the user could run what they "
			    "write there; choose a home apart from the exec "
			    "directories", ctx, place, w, u->profile->name,
			    beneath(place, e) ? "is beneath" : "holds", e);
		e = u->profile->program_home;
		if (e != NULL && (beneath(place, e) || beneath(e, place)))
			ld_err(ld, g, "%s: the writable place '%s' ('%s' in "
			    "confine.write of profile '%s') %s the programs' "
			    "home '%s': the user could write the programs' "
			    "config there; choose a program_home apart from "
			    "the home", ctx, place, w, u->profile->name,
			    beneath(place, e) ? "is beneath" : "holds", e);
		free(place);
	}
	free(ctx);
}

static const struct key rlimit_keys[] = {
	{ "nproc",	KT_NUMSTR,	0 },
	{ "nofile",	KT_INT,		0 },
	{ "cpu",	KT_NUMSTR,	0 },
	{ "fsize",	KT_NUMSTR,	0 },
	{ "as",		KT_NUMSTR,	0 },
	{ "session",	KT_NUMSTR,	0 },
};

static void
rlimits_defaults(struct rlimits *l)
{
	l->nproc = RLIMITS_NPROC_DEFAULT;
	l->nofile = RLIMITS_NOFILE_DEFAULT;
	l->cpu = RLIMITS_CPU_DEFAULT;
	l->fsize = RLIMITS_FSIZE_DEFAULT;
	l->as = RLIMITS_UNLIMITED;
	l->session = RLIMITS_SESSION_DEFAULT;
}

enum {
	RL_UNLIMITED = 1,	/* "unlimited" is a value */
	RL_SIZE = 2,		/* bytes, with K M G T */
};

/* "4G" -> 4 << 30; -1 when it is not a size or too large. */
static long long
size_value(const char *str)
{
	unsigned long long v = 0;
	const char *p;
	int shift = 0;

	for (p = str; *p >= '0' && *p <= '9'; p++) {
		if (v > (unsigned long long)LLONG_MAX / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (p == str || v > (unsigned long long)LLONG_MAX)
		return -1;
	switch (*p) {
	case '\0':
		return (long long)v;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	default:
		return -1;
	}
	if (p[1] != '\0' || v > ((unsigned long long)LLONG_MAX >> shift))
		return -1;
	return (long long)(v << shift);
}

/* One limit: an integer in lo..hi, or what flags allow as a string. */
static void
rlimit_value(struct ld *ld, const config_setting_t *g, const char *ctx,
    const char *name, int flags, long long lo, long long hi, const char *unit,
    uint64_t *out)
{
	const config_setting_t *s;
	const char *str;
	long long v;

	if ((s = config_setting_get_member(g, name)) == NULL)
		return;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		v = config_setting_get_int(s);
		break;
	case CONFIG_TYPE_INT64:
		v = config_setting_get_int64(s);
		break;
	case CONFIG_TYPE_STRING:
		str = config_setting_get_string(s);
		if ((flags & RL_UNLIMITED) && strcmp(str, "unlimited") == 0) {
			*out = RLIMITS_UNLIMITED;
			return;
		}
		if ((flags & RL_SIZE) && (v = size_value(str)) >= 0)
			break;
		if (flags & RL_SIZE)
			ld_err(ld, s, "%s.%s: '%s' is not a size: write bytes, "
			    "or a number with K, M, G or T (\"4G\"), or "
			    "\"unlimited\"", ctx, name, str);
		else if (flags & RL_UNLIMITED)
			ld_err(ld, s, "%s.%s: '%s' is not a number: write an "
			    "integer or \"unlimited\"", ctx, name, str);
		return;
	default:
		return;		/* check_keys reported the type */
	}
	if (v < lo || v > hi) {
		if (flags & RL_SIZE)
			ld_err(ld, s, "%s.%s must be at least %lldM", ctx,
			    name, lo >> 20);
		else
			ld_err(ld, s, "%s.%s must be between %lld and %lld%s%s",
			    ctx, name, lo, hi, unit, (flags & RL_UNLIMITED) ?
			    ", or \"unlimited\"" : "");
		return;
	}
	*out = (uint64_t)v;
}

static void
parse_rlimits(struct ld *ld, const config_setting_t *g, struct profile *p)
{
	struct rlimits *l = &p->limits;
	uint64_t session = (uint64_t)l->session;
	char *ctx;

	xasprintf(&ctx, "profile '%s': limits", p->name);
	(void)check_keys(ld, g, rlimit_keys, sizeof(rlimit_keys) /
	    sizeof(rlimit_keys[0]), ctx);
	/* Fewer than 64 descriptors, 1 MiB, 64 MiB: nothing would work. */
	rlimit_value(ld, g, ctx, "nproc", RL_UNLIMITED, 1, 4194304, "",
	    &l->nproc);
	rlimit_value(ld, g, ctx, "nofile", 0, 64, 1048576, "", &l->nofile);
	rlimit_value(ld, g, ctx, "cpu", RL_UNLIMITED, 1, 31536000, " seconds",
	    &l->cpu);
	rlimit_value(ld, g, ctx, "fsize", RL_UNLIMITED | RL_SIZE, 1LL << 20,
	    LLONG_MAX, "", &l->fsize);
	rlimit_value(ld, g, ctx, "as", RL_UNLIMITED | RL_SIZE, 64LL << 20,
	    LLONG_MAX, "", &l->as);
	rlimit_value(ld, g, ctx, "session", RL_UNLIMITED, 1, 2592000,
	    " seconds", &session);
	l->session = session == RLIMITS_UNLIMITED ? 0 : (long)session;
	free(ctx);
}

/* ---------------------------------------------------------------- */
/* Admin actions: actions = ( { ... } ) in a profile (action.h) */

static const struct key action_keys[] = {
	{ "name",		KT_STRING,	1 },
	{ "description",	KT_STRING,	0 },
	{ "match",		KT_STRINGS,	1 },
	{ "operands",		KT_STRINGS,	0 },
	{ "run",		KT_STRINGS,	1 },
	{ "user",		KT_STRING,	1 },
	{ "timeout",		KT_INT,		0 },
};

static int
action_name_ok(const char *n)
{
	if (*n == '\0' || strlen(n) > 64)
		return 0;
	return strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_.-") ==
	    strlen(n) && n[0] != '-' && n[0] != '.';
}

/* A user name as useradd takes it, or "$user". */
static int
action_user_ok(const char *u)
{
	if (strcmp(u, ACTION_SELF) == 0)
		return 1;
	if (*u == '\0' || *u == '-' || strlen(u) > 32)
		return 0;
	return strspn(u, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-$") == strlen(u);
}

static void
action_operands(struct ld *ld, const config_setting_t *a, struct action *ac)
{
	const config_setting_t *e;
	const char *str;
	int i, n;

	n = config_setting_length(a);
	if (n > ACTION_OPERANDS_MAX) {
		ld_named(ld, a, a, ": at most %d operands ($1 to $%d)",
		    ACTION_OPERANDS_MAX, ACTION_OPERANDS_MAX);
		return;
	}
	ac->operands = xcalloc((size_t)n, sizeof(*ac->operands));
	ac->operand_src = xcalloc((size_t)n, sizeof(*ac->operand_src));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(a, (unsigned int)i);
		if ((str = elem_string(ld, e)) == NULL ||
		    compile_re(ld, e, str, &ac->operands[ac->noperands]) == -1)
			break;
		ac->operand_src[ac->noperands++] = xstrdup(str);
	}
}

static void
action_forms(struct ld *ld, const config_setting_t *a, struct action *ac)
{
	const config_setting_t *e;
	const char *str, *why;
	int i, n;

	n = config_setting_length(a);
	if (n == 0)
		ld_named(ld, a, a, " must list at least one form of the line");
	ac->forms = xcalloc((size_t)n, sizeof(*ac->forms));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(a, (unsigned int)i);
		if ((str = elem_string(ld, e)) == NULL ||
		    check_str(ld, e, str) == -1)
			continue;
		if (action_parse_form(str, &ac->forms[ac->nforms],
		    ac->noperands, &why) == -1) {
			ld_named(ld, e, e, ": '%s' %s", str, why);
			continue;
		}
		ac->nforms++;
	}
}

/* The argv: a program by absolute path, then words or $N. */
static void
action_run(struct ld *ld, const config_setting_t *a, struct action *ac)
{
	const config_setting_t *e;
	const char *str;
	int i, n, op;

	n = config_setting_length(a);
	if (n == 0) {
		ld_named(ld, a, a, " must name the program to run");
		return;
	}
	ac->argv = xcalloc((size_t)n + 1, sizeof(*ac->argv));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(a, (unsigned int)i);
		if ((str = elem_string(ld, e)) == NULL)
			return;
		if (i == 0 && check_path(ld, e, str, 0) == -1)
			return;
		if (i > 0 && str[0] == '$') {
			op = action_placeholder(str);
			if (op < 0 || (size_t)op >= ac->noperands) {
				ld_named(ld, e, e, ": '%s' is not an operand "
				    "of the action (it has %zu: $1 to $%zu)",
				    str, ac->noperands, ac->noperands);
				return;
			}
		} else if (i > 0 && memchr(str, '\n', strlen(str)) != NULL) {
			ld_named(ld, e, e, " must not contain a newline");
			return;
		}
		ac->argv[ac->argc++] = xstrdup(str);
	}
}

static int
parse_action(struct ld *ld, const config_setting_t *g, struct action *ac)
{
	const config_setting_t *s;
	const char *str;
	char *ctx;
	size_t before = ld->nerr;
	long long ll;

	memset(ac, 0, sizeof(*ac));
	ac->where = where(ld, g);
	ac->timeout = ACTION_TIMEOUT_DEFAULT;
	ctx = spath(g);
	(void)check_keys(ld, g, action_keys, sizeof(action_keys) /
	    sizeof(action_keys[0]), ctx);
	if ((s = member(g, "name", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (!action_name_ok(str))
			ld_named(ld, s, s, ": '%s' is not a valid action name "
			    "(a-z, 0-9, _.-)", str);
		else
			ac->name = xstrdup(str);
	}
	if ((s = member(g, "description", KT_STRING)) != NULL &&
	    check_str(ld, s, config_setting_get_string(s)) == 0)
		ac->description = xstrdup(config_setting_get_string(s));
	if ((s = member(g, "operands", KT_STRINGS)) != NULL)
		action_operands(ld, s, ac);
	if ((s = member(g, "match", KT_STRINGS)) != NULL)
		action_forms(ld, s, ac);
	if ((s = member(g, "run", KT_STRINGS)) != NULL)
		action_run(ld, s, ac);
	if ((s = member(g, "user", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (!action_user_ok(str))
			ld_named(ld, s, s, ": '%s' is not a user name (or "
			    "\"%s\", the session's user)", str, ACTION_SELF);
		else
			ac->user = xstrdup(str);
	}
	if ((s = member(g, "timeout", KT_INT)) != NULL) {
		ll = config_setting_get_int64(s);
		if (ll < 1 || ll > ACTION_TIMEOUT_MAX)
			ld_named(ld, s, s, ": %lld is not 1 to %d seconds",
			    ll, ACTION_TIMEOUT_MAX);
		else
			ac->timeout = (long)ll;
	}
	free(ctx);
	return ld->nerr == before ? 0 : -1;
}

static void
parse_actions(struct ld *ld, const config_setting_t *l, struct profile *p)
{
	const config_setting_t *e;
	struct action *ac;
	size_t j;
	int i, n;

	n = config_setting_length(l);
	p->actions = xcalloc((size_t)n, sizeof(*p->actions));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(l, (unsigned int)i);
		if (elem_group(ld, e) == -1)
			continue;
		ac = &p->actions[p->nactions];
		if (parse_action(ld, e, ac) == -1) {
			action_clear(ac);
			continue;
		}
		for (j = 0; j < p->nactions; j++)
			if (strcmp(p->actions[j].name, ac->name) == 0)
				break;
		if (j < p->nactions) {
			ld_err(ld, e, "profile '%s': action '%s' is defined "
			    "twice (%s and %s)", p->name, ac->name,
			    p->actions[j].where, ac->where);
			action_clear(ac);
			continue;
		}
		p->nactions++;
	}
}

static void
parse_profile(struct ld *ld, const config_setting_t *g, struct profile *p)
{
	const config_setting_t *s;
	char *ctx;

	memset(p, 0, sizeof(*p));
	p->name = xstrdup(config_setting_name(g));
	p->where = where(ld, g);
	xasprintf(&ctx, "profile '%s'", p->name);
	(void)check_keys(ld, g, profile_keys, sizeof(profile_keys) /
	    sizeof(profile_keys[0]), ctx);
	if ((s = member(g, "path", KT_STRINGS)) != NULL) {
		parse_strings(ld, s, check_dir, &p->path, &p->npath);
		if (config_setting_length(s) == 0)
			ld_err(ld, s, "%s: 'path' must not be empty", ctx);
	}
	if ((s = member(g, "env", KT_STRINGS)) != NULL)
		parse_strings(ld, s, check_env_settable, &p->env, &p->nenv);
	if ((s = member(g, "setenv", KT_GROUP)) != NULL)
		parse_setenv(ld, s, p);
	if ((s = member(g, "env_ignore", KT_STRINGS)) != NULL)
		parse_strings(ld, s, check_env_name, &p->env_ignore,
		    &p->nenv_ignore);
	check_env_lists(ld, g, p, ctx);
	if ((s = member(g, "cage_files", KT_STRINGS)) != NULL)
		parse_strings(ld, s, check_file, &p->cage_files,
		    &p->ncage_files);
	if ((s = member(g, "commands", KT_GROUP)) != NULL)
		parse_commands(ld, s, p);
	confine_defaults(&p->confine);
	if ((s = member(g, "confine", KT_GROUP)) != NULL)
		parse_confine(ld, s, p);
	rlimits_defaults(&p->limits);
	if ((s = member(g, "limits", KT_GROUP)) != NULL)
		parse_rlimits(ld, s, p);
	if ((s = member(g, "program_home", KT_STRING)) != NULL)
		parse_program_home(ld, s, p);
	p->ssh_agent = member_bool(g, "ssh_agent", 0);
	if ((s = member(g, "actions", KT_LIST)) != NULL)
		parse_actions(ld, s, p);
	free(ctx);
}

static void
parse_profiles(struct ld *ld, const config_setting_t *g, struct conf *c)
{
	const config_setting_t *e;
	int i, n;

	n = config_setting_length(g);
	if (n == 0)
		ld_err(ld, g, "'profiles' must hold at least one profile");
	c->profiles = xcalloc((size_t)n, sizeof(*c->profiles));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			ld_err(ld, e, "profile '%s' must be a group { ... }",
			    config_setting_name(e));
			continue;
		}
		parse_profile(ld, e, &c->profiles[c->nprofiles++]);
	}
}

/* ---------------------------------------------------------------- */
/* Users */

static const struct key user_keys[] = {
	{ "user",		KT_STRING,	0 },
	{ "group",		KT_STRING,	0 },
	{ "cage",		KT_STRING,	1 },
	{ "home",		KT_STRING,	1 },
	{ "profile",		KT_STRING,	1 },
	{ "interactive",	KT_BOOL,	0 },
	{ "home_mode",		KT_STRING,	0 },
	{ "home_owner",		KT_STRING,	0 },
	{ "home_group",		KT_STRING,	0 },
};

/*
 * home_mode: octal permission bits, as chmod takes them; setgid (a
 * shared home's files keep its group) but never setuid, nor a home
 * every other caged user of the cage could write.
 */
static void
parse_home_mode(struct ld *ld, const config_setting_t *s, struct userent *u)
{
	const char *str = config_setting_get_string(s);
	char *end;
	long m;

	errno = 0;
	m = strtol(str, &end, 8);
	if (*str < '0' || *str > '7' || *end != '\0' || errno != 0 ||
	    strlen(str) > 5 || m < 0 || m > 07777)
		ld_named(ld, s, s, ": '%s' is not an octal mode such as "
		    "\"0750\"", str);
	else if (m & (S_ISUID | S_ISVTX))
		ld_named(ld, s, s, ": '%s': only the permission bits and "
		    "setgid (02000) may be given", str);
	else if (m & S_IWOTH)
		ld_named(ld, s, s, ": '%s' lets others write the home: take "
		    "o+w away", str);
	else
		u->home_mode = m;
}

/* A user or group name for the home's owner: resolved by cagesh-jail. */
static char *
home_name(struct ld *ld, const config_setting_t *s)
{
	const char *str = config_setting_get_string(s);

	if (check_str(ld, s, str) == -1)
		return NULL;
	if (str[0] == '-' || strspn(str, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-$") != strlen(str)) {
		ld_named(ld, s, s, ": '%s' is not a user or group name", str);
		return NULL;
	}
	return xstrdup(str);
}

static void
userent_clear(struct userent *u)
{
	free(u->home_owner);
	free(u->home_group);
	free(u->user);
	free(u->group);
	free(u->cage);
	free(u->home);
	free(u->profile_name);
	free(u->where);
	memset(u, 0, sizeof(*u));
}

static void
parse_user(struct ld *ld, const config_setting_t *g, struct conf *c,
    struct userent *u)
{
	const config_setting_t *s;
	const char *str;
	char *ctx;

	memset(u, 0, sizeof(*u));
	u->where = where(ld, g);
	ctx = spath(g);
	(void)check_keys(ld, g, user_keys, sizeof(user_keys) /
	    sizeof(user_keys[0]), ctx);
	if (config_setting_get_member(g, "user") != NULL &&
	    config_setting_get_member(g, "group") != NULL)
		ld_err(ld, g, "%s: give either 'user' or 'group', not both",
		    ctx);
	else if (config_setting_get_member(g, "user") == NULL &&
	    config_setting_get_member(g, "group") == NULL)
		ld_err(ld, g, "%s: 'user' or 'group' is missing", ctx);
	else if ((s = member(g, "user", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (check_str(ld, s, str) == 0)
			u->user = xstrdup(str);
	} else if ((s = member(g, "group", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (check_str(ld, s, str) == 0)
			u->group = xstrdup(str);
	}
	if ((s = member(g, "cage", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (check_path(ld, s, str, 0) == 0)
			u->cage = xstrdup(str);
	}
	if ((s = member(g, "home", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (check_path(ld, s, str, 1) == 0)
			u->home = xstrdup(str);
	}
	if ((s = member(g, "profile", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		u->profile_name = xstrdup(str);
		if ((u->profile = conf_find_profile(c, str)) == NULL)
			ld_err(ld, s, "%s: no profile '%s'", ctx, str);
	}
	u->interactive = member_bool(g, "interactive", 0);
	u->home_mode = -1;
	if ((s = member(g, "home_mode", KT_STRING)) != NULL)
		parse_home_mode(ld, s, u);
	if ((s = member(g, "home_owner", KT_STRING)) != NULL)
		u->home_owner = home_name(ld, s);
	if ((s = member(g, "home_group", KT_STRING)) != NULL)
		u->home_group = home_name(ld, s);
	free(ctx);
}

static void
parse_users(struct ld *ld, const config_setting_t *l, struct conf *c)
{
	const config_setting_t *e;
	const struct userent *o;
	struct userent *u;
	size_t j;
	int i, n;

	n = config_setting_length(l);
	c->users = xcalloc((size_t)n, sizeof(*c->users));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(l, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
			ld_err(ld, e, "users[%d] must be a group { ... }", i);
			continue;
		}
		u = &c->users[c->nusers++];
		parse_user(ld, e, c, u);
		check_confine_home(ld, e, u);
		for (j = 0; j + 1 < c->nusers; j++) {
			o = &c->users[j];
			if (u->user != NULL && o->user != NULL &&
			    strcmp(u->user, o->user) == 0) {
				ld_err(ld, e, "user '%s' is matched by two "
				    "entries (%s and %s)", u->user, o->where,
				    u->where);
				break;
			}
			if (u->group != NULL && o->group != NULL &&
			    strcmp(u->group, o->group) == 0) {
				ld_err(ld, e, "group '%s' is named by two "
				    "entries (%s and %s)", u->group, o->where,
				    u->where);
				break;
			}
		}
	}
}

/* ---------------------------------------------------------------- */
/* Top level */

static const struct key top_keys[] = {
	{ "limits",	KT_GROUP,	0 },
	{ "log",	KT_GROUP,	0 },
	{ "shell",	KT_GROUP,	0 },
	{ "profiles",	KT_GROUP,	1 },
	{ "users",	KT_LIST,	1 },
};

static const struct key limits_keys[] = {
	{ "line_max",	KT_INT,	0 },
	{ "words_max",	KT_INT,	0 },
	{ "depth_max",	KT_INT,	0 },
};

static const struct key log_keys[] = {
	{ "syslog",	KT_BOOL,	0 },
	{ "file",	KT_STRING,	0 },
	{ "on_failure",	KT_STRING,	0 },
	{ "record_max",	KT_INT,		0 },
};

static const struct key shell_keys[] = {
	{ "prompt",		KT_STRING,	0 },
	{ "idle_timeout",	KT_INT,		0 },
	{ "history_size",	KT_INT,		0 },
	{ "history_file",	KT_STRING,	0 },
};

/* An integer member between lo and hi, stored in *out when it is. */
static void
int_between(struct ld *ld, const config_setting_t *g, const char *ctx,
    const char *name, long lo, long hi, long *out)
{
	const config_setting_t *s;
	long long v;

	if ((s = member(g, name, KT_INT)) == NULL)
		return;
	if (config_setting_type(s) == CONFIG_TYPE_INT)
		v = config_setting_get_int(s);
	else
		v = config_setting_get_int64(s);
	if (v < lo || v > hi) {
		ld_err(ld, s, "%s.%s must be between %ld and %ld", ctx, name,
		    lo, hi);
		return;
	}
	*out = (long)v;
}

static void
limit(struct ld *ld, const config_setting_t *g, const char *name,
    long max, size_t *out)
{
	long v = 0;

	int_between(ld, g, "limits", name, 1, max, &v);
	if (v > 0)
		*out = (size_t)v;
}

static void
parse_limits(struct ld *ld, const config_setting_t *g, struct conf *c)
{
	(void)check_keys(ld, g, limits_keys, sizeof(limits_keys) /
	    sizeof(limits_keys[0]), "limits");
	limit(ld, g, "line_max", 16777216, &c->limits.line_max);
	limit(ld, g, "words_max", 1000000, &c->limits.words_max);
	limit(ld, g, "depth_max", 64, &c->limits.depth_max);
}

static void
parse_log(struct ld *ld, const config_setting_t *g, struct conf *c)
{
	const config_setting_t *s;
	const char *str;

	(void)check_keys(ld, g, log_keys, sizeof(log_keys) /
	    sizeof(log_keys[0]), "log");
	c->log.syslog = member_bool(g, "syslog", 1);
	if ((s = member(g, "file", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (check_path(ld, s, str, 0) == 0)
			c->log.file = xstrdup(str);
	}
	if ((s = member(g, "on_failure", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		if (strcmp(str, "deny") == 0)
			c->log.on_failure = LOGFAIL_DENY;
		else if (strcmp(str, "allow") == 0)
			c->log.on_failure = LOGFAIL_ALLOW;
		else
			ld_err(ld, s, "log.on_failure must be \"deny\" or "
			    "\"allow\", not \"%s\"", str);
	}
	int_between(ld, g, "log", "record_max", AUDIT_RECORD_MIN,
	    AUDIT_RECORD_MAX, &c->log.record_max);
}

/*
 * The prompt is printed on the user's terminal: printable ASCII only
 * (no escape sequences), and only the % escapes the shell knows.
 */
static void
parse_shell(struct ld *ld, const config_setting_t *g, struct conf *c)
{
	const config_setting_t *s;
	const char *str;
	size_t i;

	(void)check_keys(ld, g, shell_keys, sizeof(shell_keys) /
	    sizeof(shell_keys[0]), "shell");
	if ((s = member(g, "prompt", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		for (i = 0; str[i] != '\0'; i++) {
			if (str[i] < 0x20 || str[i] > 0x7e) {
				ld_err(ld, s, "shell.prompt: only printable "
				    "ASCII characters are allowed");
				break;
			}
			if (str[i] == '%' && (str[++i] == '\0' ||
			    strchr("uhHwW$%", str[i]) == NULL)) {
				ld_err(ld, s, "shell.prompt: unknown escape "
				    "'%%%.1s' (%%u %%h %%H %%w %%W %%$ %%%%)",
				    str + i);
				break;
			}
		}
		if (i > 256)
			ld_err(ld, s, "shell.prompt: longer than 256 bytes");
		else if (str[i] == '\0') {
			free(c->shell.prompt);
			c->shell.prompt = xstrdup(str);
		}
	}
	int_between(ld, g, "shell", "idle_timeout", 0, 7 * 24 * 3600,
	    &c->shell.idle_timeout);
	int_between(ld, g, "shell", "history_size", 0, 100000,
	    &c->shell.history_size);
	if ((s = member(g, "history_file", KT_STRING)) != NULL) {
		str = config_setting_get_string(s);
		/* A name in the home: no path to climb out of it with. */
		if (*str == '\0' || strlen(str) > 255 ||
		    strcmp(str, ".") == 0 || strcmp(str, "..") == 0 ||
		    strspn(str, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		    strlen(str))
			ld_err(ld, s, "shell.history_file must be a file "
			    "name in the home (letters, digits, . _ -)");
		else
			c->shell.history_file = xstrdup(str);
	}
}

static void
validate(struct ld *ld, const config_setting_t *root, struct conf *c)
{
	const config_setting_t *s;
	size_t n;

	(void)check_keys(ld, root, top_keys, sizeof(top_keys) /
	    sizeof(top_keys[0]), "");
	if ((s = member(root, "limits", KT_GROUP)) != NULL)
		parse_limits(ld, s, c);
	if ((s = member(root, "log", KT_GROUP)) != NULL) {
		n = ld->nerr;
		parse_log(ld, s, c);
		ld->log_bad = ld->nerr != n;
	}
	if ((s = member(root, "shell", KT_GROUP)) != NULL)
		parse_shell(ld, s, c);
	if ((s = member(root, "profiles", KT_GROUP)) != NULL)
		parse_profiles(ld, s, c);
	if ((s = member(root, "users", KT_LIST)) != NULL)
		parse_users(ld, s, c);
}

/*
 * libconfig 1.5 follows `@include "path"` relative to the working
 * directory; the admin may not control that file (or it may be the
 * caged user's), so it is refused, wherever it appears.  A NUL byte
 * would make libconfig see less of the file than an editor shows.
 */
static int
scan_text(struct ld *ld, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	size_t before = ld->nerr;
	unsigned int line = 1;

	if (memchr(text, '\0', len) != NULL) {
		nl = memchr(text, '\0', len);
		for (p = text; p < nl; p++)
			if (*p == '\n')
				line++;
		ld_errl(ld, line, "the file contains a NUL byte");
		return -1;
	}
	for (p = text; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		/* no NUL in text: strchr() finds none of its own */
		while (p < nl && strchr(" \t\r\f\v", *p) != NULL)
			p++;
		if ((size_t)(nl - p) >= 8 && memcmp(p, "@include", 8) == 0)
			ld_errl(ld, line, "@include is not allowed");
	}
	return ld->nerr == before ? 0 : -1;
}

/*
 * Reads the whole file with pread() from offset 0: the caller's file
 * offset is neither used nor moved, so the same fd may be checked (or
 * read) elsewhere too.
 */
static char *
read_all(struct ld *ld, int fd, size_t *lenp)
{
	struct stat st;
	char *buf;
	size_t len;
	int err;

	if (fstat(fd, &st) == -1) {
		ld_errl(ld, 0, "%s", strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		ld_errl(ld, 0, "not a regular file");
		return NULL;
	}
	if (st.st_size > CONF_SIZE_MAX) {
		ld_errl(ld, 0, "too large (more than %d bytes)", CONF_SIZE_MAX);
		return NULL;
	}
	/* One byte more than allowed tells a file that grew since fstat. */
	buf = xmalloc(CONF_SIZE_MAX + 2);
	len = pread_full(fd, buf, CONF_SIZE_MAX + 1, 0, &err);
	if (err != 0) {
		ld_errl(ld, 0, "%s", strerror(err));
		free(buf);
		return NULL;
	}
	if (len > CONF_SIZE_MAX) {
		ld_errl(ld, 0, "too large (more than %d bytes)", CONF_SIZE_MAX);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* The config in text (len bytes, NUL-terminated), or NULL. */
static struct conf *
load_text(struct ld *ldp, const char *text, size_t len)
{
	struct ld ld = *ldp;
	struct conf *c = NULL;
	config_t cfg;

	if (scan_text(&ld, text, len) == -1)
		return NULL;
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		ld_errl(&ld, (unsigned int)config_error_line(&cfg), "%s",
		    config_error_text(&cfg) != NULL ?
		    config_error_text(&cfg) : "cannot parse");
		goto out;
	}
	c = xcalloc(1, sizeof(*c));
	c->file = xstrdup(ld.file);
	parse_limits_default(&c->limits);
	c->log.syslog = 1;
	c->log.on_failure = LOGFAIL_DENY;
	c->log.record_max = AUDIT_RECORD_DEFAULT;
	c->shell.prompt = xstrdup(SHELL_PROMPT_DEFAULT);
	c->shell.idle_timeout = SHELL_IDLE_DEFAULT;
	c->shell.history_size = SHELL_HISTORY_DEFAULT;
	validate(&ld, config_root_setting(&cfg), c);
	if (ld.nerr > 0) {
		/* the refusal still goes to the log the config names */
		if (!ld.log_bad) {
			ld.errs->log = c->log;
			ld.errs->log_ok = 1;
			c->log.file = NULL;
		}
		conf_free(c);
		c = NULL;
	}
out:
	config_destroy(&cfg);
	return c;
}

struct conf *
conf_load_fd(int fd, const char *name, struct conf_errors *errs)
{
	struct ld ld = { name, errs, 0, 0 };
	struct conf *c;
	char *text;
	size_t len;

	if ((text = read_all(&ld, fd, &len)) == NULL)
		return NULL;
	c = load_text(&ld, text, len);
	free(text);
	return c;
}

struct conf *
conf_load_cached(int fd, const char *name, const char *cachedir,
    struct conf_errors *errs, struct conf_cache_use *use)
{
	unsigned char digest[AUDIT_SHA256_LEN];
	struct ld ld = { name, errs, 0, 0 };
	const char *why = NULL;
	struct conf *c;
	char *text;
	size_t len;
	int deferred;

	memset(use, 0, sizeof(*use));
	if ((text = read_all(&ld, fd, &len)) == NULL)
		return NULL;
	sha256(text, len, digest);
	if ((c = confcache_read(cachedir, name, digest, &why)) != NULL) {
		use->hit = 1;
		free(text);
		return c;
	}
	snprintf(use->why, sizeof(use->why), "%s", why);
	if (why == confcache_nodir) {
		c = load_text(&ld, text, len);
		free(text);
		return c;
	}
	/*
	 * Only a config that passed every check, every pattern compiled,
	 * is written: a pattern read back from the cache is known to
	 * compile.
	 */
	deferred = pattern_deferred();
	pattern_defer(0);
	c = load_text(&ld, text, len);
	pattern_defer(deferred);
	free(text);
	if (c != NULL && confcache_write(cachedir, c, digest, use->why,
	    sizeof(use->why)) == -1)
		use->write_failed = 1;
	return c;
}

int
conf_open_trusted(const char *path, char *why, size_t len)
{
	struct stat st;
	int fd, saved;

	/* O_NOFOLLOW: the name must be the file, not a pointer to one. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		saved = errno;
		if (saved == ELOOP)
			snprintf(why, len, "%s is a symbolic link: the config "
			    "must be a regular file owned by root (put the "
			    "file itself there)", path);
		else
			snprintf(why, len, "%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		snprintf(why, len, "%s: %s", path, strerror(saved));
		goto fail;
	}
	saved = EPERM;
	if (!S_ISREG(st.st_mode))
		snprintf(why, len, "%s is not a regular file: the config must "
		    "be a regular file owned by root", path);
	else if (st.st_uid != 0)
		snprintf(why, len, "%s is owned by uid %u, not root: chown "
		    "root:root %s (the config must be owned by root and not "
		    "writable by group or others)", path, (unsigned)st.st_uid,
		    path);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		snprintf(why, len, "%s is %s-writable: chmod go-w %s (the "
		    "config must be owned by root and not writable by group "
		    "or others)", path, st.st_mode & S_IWGRP ? "group" :
		    "world", path);
	else
		return fd;
fail:
	(void)close(fd);
	errno = saved;
	return -1;
}

struct conf *
conf_load_file(const char *path, struct conf_errors *errs)
{
	struct ld ld = { path, errs, 0, 0 };
	struct conf *c;
	int fd;

	/*
	 * O_NONBLOCK: a FIFO put in the config's place would otherwise
	 * block the open before fstat can refuse it.  Regular files ignore
	 * the flag.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		ld_errl(&ld, 0, "%s", strerror(errno));
		return NULL;
	}
	c = conf_load_fd(fd, path, errs);
	(void)close(fd);
	return c;
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nprofiles; i++)
		model_profile_clear(&c->profiles[i]);
	free(c->profiles);
	for (i = 0; i < c->nusers; i++)
		userent_clear(&c->users[i]);
	free(c->users);
	free(c->log.file);
	free(c->shell.prompt);
	free(c->shell.history_file);
	free(c->file);
	free(c);
}

void
conf_errors_free(struct conf_errors *errs)
{
	size_t i;

	if (errs == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
	free(errs->log.file);
	errs->log.file = NULL;
	errs->log_ok = 0;
}

const struct profile *
conf_find_profile(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nprofiles; i++)
		if (c->profiles[i].name != NULL &&
		    strcmp(c->profiles[i].name, name) == 0)
			return &c->profiles[i];
	return NULL;
}

static int
gid_in(gid_t gid, const gid_t *gids, size_t ngids)
{
	size_t i;

	for (i = 0; i < ngids; i++)
		if (gids[i] == gid)
			return 1;
	return 0;
}

/*
 * Every entry is tried, not just the first that matches: a user in two
 * entries has two cages and two profiles, and picking one by file order
 * would make the result depend on an accident of editing.
 */
enum conf_match
conf_find_user(const struct conf *c, const char *user, const gid_t *gids,
    size_t ngids, const struct userent **entp)
{
	const struct userent *u, *found = NULL;
	struct group *gr;
	size_t i, n = 0;

	for (i = 0; i < c->nusers; i++) {
		u = &c->users[i];
		if (u->user != NULL) {
			if (strcmp(u->user, user) != 0)
				continue;
		} else if (u->group != NULL) {
			if ((gr = getgrnam(u->group)) == NULL ||
			    !gid_in(gr->gr_gid, gids, ngids))
				continue;
		} else
			continue;
		if (n++ == 0)
			found = u;
	}
	if (entp != NULL)
		*entp = n == 1 ? found : NULL;
	if (n == 0)
		return MATCH_NONE;
	return n == 1 ? MATCH_ONE : MATCH_MANY;
}

/* A group entry resolved once: getgrnam's buffer is reused by each call. */
struct grinfo {
	int	 ok;
	gid_t	 gid;
	char	**mem;
	size_t	 nmem;
};

static int
grinfo_has(const struct grinfo *g, const struct passwd *pw)
{
	size_t i;

	if (!g->ok)
		return 0;
	if (pw->pw_gid == g->gid)
		return 1;
	for (i = 0; i < g->nmem; i++)
		if (strcmp(g->mem[i], pw->pw_name) == 0)
			return 1;
	return 0;
}

static void __attribute__((format(printf, 3, 4)))
acct_err(struct conf_errors *errs, const struct userent *u, const char *fmt,
    ...)
{
	va_list ap;
	char *m, *msg;

	va_start(ap, fmt);
	m = vfmt(fmt, ap);
	va_end(ap);
	xasprintf(&msg, "%s: %s", u->where, m);
	free(m);
	errs_add(errs, msg);
}

/*
 * The account database can change after the file is written, so these
 * checks run apart from loading (--check-config, session start).  The
 * scan sees what getpwent() enumerates; members known only to a
 * directory service that does not enumerate are caught at login by
 * conf_find_user() returning MATCH_MANY.
 */
/*
 * A caged user whose login shell is not cagesh reaches cagesh through
 * that shell (a forced command): its passwd home must be out of the
 * user's reach (account.c).  The shell is cagesh when it is named so
 * (cagesh, or another build named cagesh-something).
 */
static int
forced_layout_unsafe(const struct passwd *pw, char *why, size_t len)
{
	const char *base = strrchr(pw->pw_shell, '/');
	gid_t *gids;
	size_t n;
	int r;

	base = base != NULL ? base + 1 : pw->pw_shell;
	if (account_groups(pw->pw_name, pw->pw_gid, &gids, &n) == -1) {
		snprintf(why, len, "%s: %s", pw->pw_name,
		    account_strerror(ACCOUNT_GROUPS));
		return 1;
	}
	r = account_forced_unsafe(pw, strncmp(base, "cagesh", 6) == 0, gids,
	    n, why, len);
	free(gids);
	return r;
}

size_t
conf_check_accounts(const struct conf *c, struct conf_errors *errs)
{
	const struct userent *u, *first;
	struct grinfo *gi;
	struct passwd *pw;
	struct group *gr;
	size_t added = 0, i, k;
	char why[1024];

	gi = xcalloc(c->nusers, sizeof(*gi));
	for (i = 0; i < c->nusers; i++) {
		u = &c->users[i];
		if (u->home_owner != NULL && getpwnam(u->home_owner) == NULL) {
			acct_err(errs, u, "home_owner: no such user '%s'",
			    u->home_owner);
			added++;
		}
		if (u->home_group != NULL && getgrnam(u->home_group) == NULL) {
			acct_err(errs, u, "home_group: no such group '%s'",
			    u->home_group);
			added++;
		}
		if (u->user != NULL) {
			if ((pw = getpwnam(u->user)) == NULL) {
				acct_err(errs, u, "no such user '%s'", u->user);
				added++;
			} else if (pw->pw_uid == 0) {
				acct_err(errs, u, "root cannot be caged");
				added++;
			}
			continue;
		}
		if ((gr = getgrnam(u->group)) == NULL) {
			acct_err(errs, u, "no such group '%s'", u->group);
			added++;
			continue;
		}
		gi[i].ok = 1;
		gi[i].gid = gr->gr_gid;
		for (k = 0; gr->gr_mem != NULL && gr->gr_mem[k] != NULL; k++)
			;
		gi[i].mem = xcalloc(k, sizeof(*gi[i].mem));
		for (k = 0; gr->gr_mem != NULL && gr->gr_mem[k] != NULL; k++)
			gi[i].mem[gi[i].nmem++] = xstrdup(gr->gr_mem[k]);
	}

	setpwent();
	while ((pw = getpwent()) != NULL) {
		first = NULL;
		for (i = 0; i < c->nusers; i++) {
			u = &c->users[i];
			if (u->user != NULL ?
			    strcmp(u->user, pw->pw_name) != 0 :
			    !grinfo_has(&gi[i], pw))
				continue;
			/* A user entry for root was reported above. */
			if (pw->pw_uid == 0 && u->group != NULL) {
				acct_err(errs, u, "root cannot be caged "
				    "(group '%s' holds %s)", u->group,
				    pw->pw_name);
				added++;
			}
			if (first == NULL) {
				first = u;
				continue;
			}
			acct_err(errs, u, "user '%s' is matched by two "
			    "entries (%s and %s)", pw->pw_name, first->where,
			    u->where);
			added++;
		}
		if (first != NULL && pw->pw_uid != 0 &&
		    forced_layout_unsafe(pw, why, sizeof(why))) {
			acct_err(errs, first, "%s", why);
			added++;
		}
	}
	endpwent();

	for (i = 0; i < c->nusers; i++)
		model_strv_free(gi[i].mem, gi[i].nmem);
	free(gi);
	return added;
}
