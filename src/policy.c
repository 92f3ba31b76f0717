/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The policy, pure code: a simple command (or a whole line) and a
 * profile in, a verdict with the deciding rule or the reason out.  No
 * I/O, no environment, no state that changes; the same words always get
 * the same verdict, so the run-time re-check on the expanded argv and
 * `cagesh --explain` agree with what was judged before the line ran.
 *
 * Match order for one simple command (the first deny wins):
 *  0. the profile's admin actions (action.h): a command shaped like one
 *     is that action or denied, whatever the rules say;
 *  1. the line's own NAME=value assignments (policy_env);
 *  2. the command name: a path is some rule's `path`, env's, or, in
 *     normal form, the path of the program the profile's path finds for
 *     its last component (presolve); else a builtin; else env; else a
 *     rule of that name; else deny;
 *  3. every following word, with the program's own option syntax
 *     (getopt_long, GNU permutation: an option after an operand is
 *     still an option), deny lists first, abbreviations never allowed;
 *  4. a wrapper (a rule with `wrapper`, env): its first operand ends its
 *     options; NAME=value words (`assignments`) as in 1, then the rest
 *     is a command judged from 2 on, at most POLICY_WRAP_MAX deep.  A
 *     command option (find -exec) runs the words up to ';' or '+' the
 *     same way.
 */

#include <sys/types.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "ast.h"
#include "builtin.h"
#include "model.h"
#include "optspec.h"
#include "parse.h"
#include "policy.h"
#include "xmalloc.h"

static const char WHY_LOOKUP[] = "may not be set by a line";
static const char WHY_CODE[] =
    "names code to run; it may never be set by a line";
static const char WHY_PROG[] =
    "can name a program or config file; it may never be set by a line";

/*
 * Variables that name a program, a library or a config source, or that
 * change how a name is looked up: letting a line set one lets it run
 * code it wrote (LD_PRELOAD, GIT_SSH, BASH_ENV, TAR_OPTIONS, ...).
 */
static const struct danger {
	const char	*name;
	int		 prefix;
	const char	*why;
} dangers[] = {
	{ "PATH",		0, WHY_LOOKUP },
	{ "HOME",		0, WHY_LOOKUP },
	{ "SHELL",		0, WHY_LOOKUP },
	{ "USER",		0, WHY_LOOKUP },
	{ "LOGNAME",		0, WHY_LOOKUP },
	{ "IFS",		0, WHY_LOOKUP },
	{ "PS4",		0, WHY_LOOKUP },
	{ "CDPATH",		0, WHY_LOOKUP },
	{ "SHELLOPTS",		0, WHY_LOOKUP },
	{ "BASHOPTS",		0, WHY_LOOKUP },
	{ "MAIL",		0, WHY_LOOKUP },
	{ "MAILPATH",		0, WHY_LOOKUP },
	{ "ENV",		0, WHY_CODE },
	{ "BASH_ENV",		0, WHY_CODE },
	{ "PROMPT_COMMAND",	0, WHY_CODE },
	{ "GLIBC_TUNABLES",	0, WHY_CODE },
	{ "_JAVA_OPTIONS",	0, WHY_CODE },
	{ "TAR_OPTIONS",	0, WHY_PROG },
	{ "GZIP",		0, WHY_PROG },
	{ "BZIP2",		0, WHY_PROG },
	{ "XZ_OPT",		0, WHY_PROG },
	{ "XZ_DEFAULTS",	0, WHY_PROG },
	{ "ZSTD_CLEVEL",	0, WHY_PROG },
	{ "EDITOR",		0, WHY_PROG },
	{ "VISUAL",		0, WHY_PROG },
	{ "PAGER",		0, WHY_PROG },
	{ "MANPAGER",		0, WHY_PROG },
	{ "BROWSER",		0, WHY_PROG },
	{ "LOCPATH",		0, WHY_PROG },
	{ "NLSPATH",		0, WHY_PROG },
	{ "HOSTALIASES",	0, WHY_PROG },
	{ "RESOLV_CONF",	0, WHY_PROG },
	{ "LOCALDOMAIN",	0, WHY_PROG },
	{ "XDG_CONFIG_HOME",	0, WHY_PROG },
	{ "XDG_CONFIG_DIRS",	0, WHY_PROG },
	{ "CURL_HOME",		0, WHY_PROG },
	{ "WGETRC",		0, WHY_PROG },
	{ "GNUPGHOME",		0, WHY_PROG },
	{ "OPENSSL_CONF",	0, WHY_PROG },
	{ "OPENSSL_ENGINES",	0, WHY_PROG },
	{ "TERMINFO",		0, WHY_PROG },
	{ "TERMINFO_DIRS",	0, WHY_PROG },
	{ "TERMCAP",		0, WHY_PROG },
	{ "CVS_RSH",		0, WHY_PROG },
	{ "SUDO_ASKPASS",	0, WHY_PROG },
	/* they choose the ruby, node, python or gems that run */
	{ "RAKEOPT",		0, WHY_CODE },
	{ "JRUBY_OPTS",		0, WHY_CODE },
	{ "EXECJS_RUNTIME",	0, WHY_PROG },
	{ "RBENV_",		1, WHY_PROG },
	{ "RVM_",		1, WHY_PROG },
	{ "CHRUBY_",		1, WHY_PROG },
	{ "PYENV_",		1, WHY_PROG },
	{ "NODENV_",		1, WHY_PROG },
	{ "NVM_",		1, WHY_PROG },
	{ "BUNDLER_",		1, WHY_CODE },
	{ "NPM_CONFIG_",	1, WHY_CODE },
	{ "YARN_",		1, WHY_CODE },
	{ "LD_",		1, WHY_CODE },
	{ "DYLD_",		1, WHY_CODE },
	{ "BASH_FUNC_",		1, WHY_CODE },
	{ "BASH_",		1, WHY_CODE },
	{ "PERL",		1, WHY_CODE },
	{ "PYTHON",		1, WHY_CODE },
	{ "RUBY",		1, WHY_CODE },
	{ "GEM_",		1, WHY_CODE },
	{ "BUNDLE_",		1, WHY_CODE },
	{ "NODE_",		1, WHY_CODE },
	{ "JAVA_",		1, WHY_CODE },
	{ "GCONV_",		1, WHY_CODE },
	{ "GIT_",		1, WHY_PROG },
	{ "SVN_",		1, WHY_PROG },
	{ "RSYNC_",		1, WHY_PROG },
	{ "SSH_",		1, WHY_PROG },
	{ "LESS",		1, WHY_PROG },
};

static const char *const env_paths[] = { "/usr/bin/env", "/bin/env" };

/*
 * env is a wrapper the shell runs itself: its NAME=value words go into
 * the command's environment as the line's own would, and the command
 * runs in its place (no env needed in the cage).  No options: -i, -u,
 * -S and -C change what runs in ways no rule could say.
 */
static char env_name[] = "env";
static const struct rule env_rule = {
	.name = env_name,
	.label = env_name,
	.wrap = WRAP_SHELL,
	.wrap_assigns = 1,
	.operands_max = -1,
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The state of judging one simple command. */
struct pstate {
	const struct profile	*prof;
	const struct presolve	*res;	/* NULL: paths matched by path */
	struct pjudge		*out;
	struct sbuf		 notes;	/* "; GIT_SSH ignored" */
	char			*deny;	/* the reason, if denied */
	int			 deferred;
};

/* The first reason is the one given. */
static int __attribute__((format(printf, 2, 0)))
vdeny(struct pstate *j, const char *fmt, va_list ap)
{
	if (j->deny == NULL && vasprintf(&j->deny, fmt, ap) == -1)
		j->deny = xstrdup("denied");
	return -1;
}

static int __attribute__((format(printf, 2, 3)))
deny(struct pstate *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vdeny(j, fmt, ap);
	va_end(ap);
	return -1;
}

int
policy_deny(struct pstate *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vdeny(j, fmt, ap);
	va_end(ap);
	return -1;
}

void
policy_defer(struct pstate *j)
{
	j->deferred = 1;
}

static int
valid_name(const char *s)
{
	return parse_is_name(s, strlen(s));
}

static const struct danger *
find_danger(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(dangers); i++) {
		if (dangers[i].prefix) {
			if (strncmp(name, dangers[i].name,
			    strlen(dangers[i].name)) == 0)
				return &dangers[i];
		} else if (strcmp(name, dangers[i].name) == 0)
			return &dangers[i];
	}
	return NULL;
}

int
policy_env_dangerous(const char *name)
{
	return find_danger(name) != NULL;
}

static int
in_list(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/*
 * *why (static text) follows the name: "PATH may not be set by a line".
 */
enum env_action
policy_env(const struct profile *p, const char *name, const char **why)
{
	const struct danger *d;
	const char *dummy;
	size_t i;

	if (why == NULL)
		why = &dummy;
	if (!valid_name(name)) {
		*why = "is not a valid variable name";
		return ENV_DENY;
	}
	for (i = 0; i < p->nsetenv; i++) {
		if (strcmp(p->setenv[i].name, name) == 0) {
			*why = "is fixed by the profile";
			return ENV_FIXED;
		}
	}
	if (in_list(p->env_ignore, p->nenv_ignore, name)) {
		*why = "is ignored";
		return ENV_IGNORE;
	}
	d = find_danger(name);
	if (d == NULL && in_list(p->env, p->nenv, name)) {
		*why = "may be set";
		return ENV_SET;
	}
	*why = d != NULL ? d->why : WHY_LOOKUP;
	return ENV_DENY;
}

int
policy_is_env(const char *s)
{
	size_t i;

	if (strcmp(s, env_rule.name) == 0)
		return 1;
	for (i = 0; i < NELEM(env_paths); i++)
		if (strcmp(env_paths[i], s) == 0)
			return 1;
	return 0;
}

/* Setting name from the line: -1 (denied), or what becomes of it. */
static int
judge_assign(struct pstate *j, const char *name, enum env_action *act)
{
	const char *why;

	switch ((*act = policy_env(j->prof, name, &why))) {
	case ENV_DENY:
		return deny(j, "%s %s", name, why);
	case ENV_IGNORE:
		if (strcmp(name, "PATH") == 0)
			sbuf_addf(&j->notes, "; PATH ignored: the profile's "
			    "path is used");
		else
			sbuf_addf(&j->notes, "; %s ignored", name);
		break;
	case ENV_FIXED:
		sbuf_addf(&j->notes, "; %s fixed by the profile", name);
		break;
	case ENV_SET:
		break;
	}
	return 0;
}

int
policy_assign(struct pstate *j, const char *name)
{
	enum env_action act;

	return judge_assign(j, name, &act);
}

/*
 * The variable name of a NAME=value word whose value is dynamic: only a
 * name written plainly before the '=' counts; anything else could
 * become any name once expanded.
 */
char *
policy_dynamic_name(const char *src)
{
	size_t n;

	if ((n = parse_name_len(src, strlen(src))) == 0 || src[n] != '=')
		return NULL;
	return xstrndup(src, n);
}

static const char *
lbl(const struct rule *r)
{
	if (r->label != NULL)
		return r->label;
	return r->name != NULL ? r->name : "?";
}

static const struct optspec *
allowed(const struct rule *r, enum opt_kind kind, const char *name, size_t len)
{
	return optspec_find(r->opts, r->nopts, kind, name, len);
}

/*
 * conf.c copies the ancestors' deny lists into each rule; the parents
 * are walked too, so that a denied option stays denied even in a rule
 * built some other way.
 */
static const struct optspec *
find_deny(const struct rule *r, enum opt_kind kind, const char *name,
    size_t len)
{
	const struct optspec *o;

	for (; r != NULL; r = r->parent)
		if ((o = optspec_find(r->deny, r->ndeny, kind, name,
		    len)) != NULL)
			return o;
	return NULL;
}

static const struct optspec *
find_abbrev_deny(const struct rule *r, enum opt_kind kind, const char *name,
    size_t len)
{
	const struct optspec *o;

	for (; r != NULL; r = r->parent)
		if ((o = optspec_abbrev(r->deny, r->ndeny, kind, name,
		    len)) != NULL)
			return o;
	return NULL;
}

/* The state of walking the words after a command name. */
struct args {
	const struct rule	*r;		/* the rule now */
	const struct pword	*w;
	size_t			 n;
	size_t			 i;		/* the word judged */
	long			 nops;		/* operands of r */
	int			 optend;	/* after "--" */
	int			 first;	/* i follows r's name */
	int			 required;	/* r's require met */
};

static void
seen_opt(struct args *a, const struct optspec *o)
{
	size_t k;

	for (k = 0; k < a->r->nrequire && !a->required; k++)
		if (a->r->require[k].kind == o->kind &&
		    strcmp(a->r->require[k].name, o->name) == 0)
			a->required = 1;
}

static int
check_required(struct pstate *j, const struct args *a)
{
	struct sbuf b;
	size_t k;
	int rc;

	if (a->required || a->r->nrequire == 0)
		return 0;
	sbuf_init(&b);
	for (k = 0; k < a->r->nrequire; k++)
		sbuf_addf(&b, "%s%s%s", k > 0 ? ", " : "",
		    optspec_dash(a->r->require[k].kind),
		    a->r->require[k].name);
	if (a->r->nrequire > 1)
		rc = deny(j, "%s: one of %s is required", lbl(a->r), b.s);
	else
		rc = deny(j, "%s: %s is required", lbl(a->r), b.s);
	sbuf_free(&b);
	return rc;
}

/*
 * A pattern compiled on first use that does not compile: the file
 * changed since --check-config passed it.  Nothing it guards is allowed.
 */
static int
deny_broken(struct pstate *j, const struct rule *r, const char *why)
{
	return deny(j, "%s: the rule at %s cannot be checked: %s; an "
	    "administrator can run cagesh --check-config", lbl(r), r->where,
	    why);
}

static int
check_value(struct pstate *j, const struct args *a, const struct optspec *o,
    const struct pword *v, const char *shown)
{
	const char *why;

	if (o->pattern == NULL)
		return 0;
	if (v->dynamic) {
		j->deferred = 1;
		return 0;
	}
	switch (pattern_match(o->pattern, v->text, &why)) {
	case 1:
		return 0;
	case 0:
		return deny(j, "%s: value '%s' of %s does not match %s",
		    lbl(a->r), v->text, shown, optspec_pattern(o));
	default:
		return deny_broken(j, a->r, why);
	}
}

/* The next word as the value of option `shown`, or a deny. */
static const struct pword *
next_value(struct pstate *j, struct args *a, const char *shown)
{
	if (a->i + 1 >= a->n) {
		deny(j, "%s: %s needs a value", lbl(a->r), shown);
		return NULL;
	}
	return &a->w[++a->i];
}

static int
judge_long(struct pstate *j, struct args *a)
{
	const char *t = a->w[a->i].text + 2;
	const struct optspec *o;
	struct pword glued;
	const struct pword *v;
	enum optval ov;
	size_t len;

	len = strcspn(t, "=");
	if (find_deny(a->r, OPT_LONG, t, len) != NULL)
		return deny(j, "%s: --%.*s is denied", lbl(a->r), (int)len, t);
	if ((o = allowed(a->r, OPT_LONG, t, len)) != NULL) {
		seen_opt(a, o);
		if (o->arg == ARG_NONE && t[len] == '=')
			return deny(j, "%s: --%s takes no value", lbl(a->r),
			    o->name);
		if ((ov = optspec_value(o, t + len, &glued.text)) == OV_NONE)
			return 0;
		glued.dynamic = 0;
		v = &glued;
		if (ov == OV_NEXT) {
			char *shown;

			xasprintf(&shown, "--%s", o->name);
			v = next_value(j, a, shown);
			free(shown);
			if (v == NULL)
				return -1;
		}
		return check_value(j, a, o, v, o->spec != NULL ?
		    o->spec : o->name);
	}
	/*
	 * getopt_long takes any unambiguous prefix; a program may also
	 * have an option we do not know that equals the prefix.  Either
	 * way an abbreviation is never allowed.
	 */
	if ((o = find_abbrev_deny(a->r, OPT_LONG, t, len)) != NULL)
		return deny(j, "%s: --%.*s abbreviates --%s, which is denied",
		    lbl(a->r), (int)len, t, o->name);
	if ((o = optspec_abbrev(a->r->opts, a->r->nopts, OPT_LONG, t,
	    len)) != NULL)
		return deny(j, "%s: --%.*s abbreviates --%s: write options in "
		    "full", lbl(a->r), (int)len, t, o->name);
	if (!a->r->any_options)
		return deny(j, "%s: option --%.*s is not allowed", lbl(a->r),
		    (int)len, t);
	return 0;
}

static int
judge_letter(struct pstate *j, struct args *a, const char *word, char c,
    const struct optspec **op)
{
	/* " (in -ve)" only when the letter is part of a longer word */
	int part = !(word[0] == '-' && word[1] == c && word[2] == '\0');

	*op = NULL;
	if (find_deny(a->r, OPT_SHORT, &c, 1) != NULL)
		return deny(j, "%s: -%c is denied%s%s%s", lbl(a->r), c,
		    part ? " (in " : "", part ? word : "", part ? ")" : "");
	if ((*op = allowed(a->r, OPT_SHORT, &c, 1)) != NULL) {
		seen_opt(a, *op);
		return 0;
	}
	if (!a->r->any_options)
		return deny(j, "%s: option -%c is not allowed%s%s%s",
		    lbl(a->r), c, part ? " (in " : "", part ? word : "",
		    part ? ")" : "");
	return 0;
}

static int
judge_short(struct pstate *j, struct args *a)
{
	const char *word = a->w[a->i].text, *t = word + 1;
	const struct optspec *o;
	const struct pword *v;
	struct pword glued;
	enum optval ov;
	char shown[3];
	size_t k, len;

	/* a whole-word spec wins over a cluster: find -name, kill -USR2 */
	if (find_deny(a->r, OPT_WORD, t, strlen(t)) != NULL)
		return deny(j, "%s: %s is denied", lbl(a->r), word);
	if ((o = allowed(a->r, OPT_WORD, t, strlen(t))) != NULL) {
		seen_opt(a, o);
		if (optspec_value(o, "", &glued.text) == OV_NONE)
			return 0;
		if ((v = next_value(j, a, word)) == NULL)
			return -1;
		return check_value(j, a, o, v, word);
	}
	/*
	 * Programs that take whole-word options (find, getopt_long_only)
	 * often accept abbreviations of them, and read -name as --name:
	 * neither may reach a denied option.  Without any_options the
	 * cluster below denies such words anyway; with it, only this does.
	 */
	len = strcspn(t, "=");
	if (len >= 2 && (o = find_abbrev_deny(a->r, OPT_WORD, t, len)) != NULL)
		return deny(j, "%s: -%.*s abbreviates -%s, which is denied",
		    lbl(a->r), (int)len, t, o->name);
	if (len >= 2 && a->r->any_options &&
	    ((o = find_deny(a->r, OPT_LONG, t, len)) != NULL ||
	    (o = find_abbrev_deny(a->r, OPT_LONG, t, len)) != NULL))
		return deny(j, "%s: -%.*s can be read as --%s, which is denied",
		    lbl(a->r), (int)len, t, o->name);
	for (k = 0; t[k] != '\0'; k++) {
		if (judge_letter(j, a, word, t[k], &o) == -1)
			return -1;
		if (o == NULL || o->arg == ARG_NONE)
			continue;
		/* a value-taking letter ends the cluster */
		shown[0] = '-';
		shown[1] = t[k];
		shown[2] = '\0';
		if ((ov = optspec_value(o, t + k + 1, &glued.text)) == OV_NONE)
			return 0;
		glued.dynamic = 0;
		v = &glued;
		if (ov == OV_NEXT && (v = next_value(j, a, shown)) == NULL)
			return -1;
		return check_value(j, a, o, v, shown);
	}
	return 0;
}

/*
 * tar's old style: "tar xzf FILE": the first word is a cluster without
 * a dash, and each value-taking letter takes the next word in turn.
 */
static int
judge_oldstyle(struct pstate *j, struct args *a)
{
	const char *t = a->w[a->i].text;
	const struct optspec *o;
	const struct pword *v;
	char shown[3];
	size_t k;

	for (k = 0; t[k] != '\0'; k++)
		if (judge_letter(j, a, t, t[k], &o) == -1)
			return -1;
	for (k = 0; t[k] != '\0'; k++) {
		o = allowed(a->r, OPT_SHORT, &t[k], 1);
		if (o == NULL || o->arg != ARG_REQ)
			continue;
		shown[0] = '-';
		shown[1] = t[k];
		shown[2] = '\0';
		if ((v = next_value(j, a, shown)) == NULL)
			return -1;
		if (check_value(j, a, o, v, shown) == -1)
			return -1;
	}
	return 0;
}

static int
judge_operand(struct pstate *j, struct args *a)
{
	const struct pword *v = &a->w[a->i];
	const struct rule *sub;
	const char *why;
	struct sbuf b;
	size_t k;
	int rc;

	if (a->r->nsubs > 0) {
		if (v->dynamic)
			return deny(j, "%s: subcommand must be a literal word",
			    lbl(a->r));
		if ((sub = model_sub(a->r, v->text)) == NULL)
			return deny(j, "%s: subcommand '%s' is not allowed",
			    lbl(a->r), v->text);
		if (check_required(j, a) == -1)
			return -1;
		/* "--" before the subcommand does not end its options */
		a->r = sub;
		a->nops = 0;
		a->optend = 0;
		a->first = 1;
		a->required = sub->nrequire == 0;
		return 0;
	}
	a->nops++;
	if (a->r->operands_set && a->r->noperands == 0)
		return deny(j, "%s: takes no operands ('%s')", lbl(a->r),
		    v->text);
	if (a->r->operands_max >= 0 && a->nops > a->r->operands_max)
		return deny(j, "%s: at most %ld operand%s allowed", lbl(a->r),
		    a->r->operands_max, a->r->operands_max == 1 ? " is" :
		    "s are");
	if (v->dynamic) {
		j->deferred = 1;
		return 0;
	}
	if (!a->r->operands_set)
		return 0;
	for (k = 0; k < a->r->noperands; k++)
		switch (pattern_match(&a->r->operands[k], v->text, &why)) {
		case 1:
			return 0;
		case -1:
			return deny_broken(j, a->r, why);
		}
	sbuf_init(&b);
	for (k = 0; k < a->r->noperands; k++)
		sbuf_addf(&b, "%s%s", k > 0 ? " | " : "",
		    a->r->operand_src != NULL ? a->r->operand_src[k] : "?");
	rc = deny(j, "%s: operand '%s' does not match %s", lbl(a->r), v->text,
	    b.s);
	sbuf_free(&b);
	return rc;
}

static void
push(size_t **v, size_t *n, size_t i)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = i;
}

/* Words [from, to) are the program's, as written. */
static void
keep_range(struct pstate *j, size_t from, size_t to)
{
	for (; from < to; from++)
		push(&j->out->keep, &j->out->nkeep, from);
}

static int	judge_command(struct pstate *, const struct pword *, size_t,
		    size_t, int, const struct rule *, int, struct sbuf *);

static const struct optspec *
find_cmdopt(const struct rule *r, const char *t)
{
	if (t[0] != '-' || t[1] == '\0')
		return NULL;
	if (t[1] == '-')
		return optspec_find(r->cmdopts, r->ncmdopts, OPT_LONG, t + 2,
		    strlen(t + 2));
	return optspec_find(r->cmdopts, r->ncmdopts, OPT_WORD, t + 1,
	    strlen(t + 1));
}

/*
 * find -exec CMD ... ';': the words up to ';' or '+' are a command the
 * program runs, judged like any other.  *last: the first word not yet
 * kept.
 */
static int
judge_cmdopt(struct pstate *j, struct args *a, const struct optspec *o,
    int depth, size_t *last)
{
	struct sbuf why;
	size_t end;
	int rc;

	for (end = a->i + 1; end < a->n; end++)
		if (!a->w[end].dynamic && (strcmp(a->w[end].text, ";") == 0 ||
		    strcmp(a->w[end].text, "+") == 0))
			break;
	if (end == a->n)
		return deny(j, "%s: %s needs ';' or '+' after its command",
		    lbl(a->r), a->w[a->i].text);
	if (end == a->i + 1)
		return deny(j, "%s: %s needs a command", lbl(a->r),
		    a->w[a->i].text);
	keep_range(j, *last, a->i + 1);
	sbuf_init(&why);
	rc = judge_command(j, a->w, a->i + 1, end, depth + 1, a->r, 1, &why);
	if (rc == 0)
		sbuf_addf(&j->notes, "; %s %s runs %s", lbl(a->r),
		    a->w[a->i].text, why.s);
	sbuf_free(&why);
	*last = end;
	a->i = end;
	return rc;
}

/*
 * The command a wrapper runs: w[i] is its first operand.  NAME=value
 * words first when the rule takes them: env's go into the command's
 * environment (envw), a program's stay its words; a dropped value
 * (env_ignore, setenv) is never passed on.
 */
static int
judge_wrapped(struct pstate *j, const struct rule *wr, const struct pword *w,
    size_t i, size_t n, int depth, int prog, struct sbuf *why)
{
	enum env_action act;
	const char *t, *eq;
	char *var;
	int rc;

	for (; wr->wrap_assigns && i < n; i++) {
		t = w[i].text;
		if (w[i].dynamic) {
			if ((var = policy_dynamic_name(t)) == NULL)
				break;
		} else if ((eq = strchr(t, '=')) != NULL) {
			/* GNU env takes every word with '=' as NAME=value */
			var = xstrndup(t, (size_t)(eq - t));
			if (!valid_name(var)) {
				rc = deny(j, "%s: '%s' is not a valid "
				    "variable name", lbl(wr), var);
				free(var);
				return rc;
			}
		} else
			break;
		rc = judge_assign(j, var, &act);
		free(var);
		if (rc == -1)
			return -1;
		if (act != ENV_SET)
			continue;
		if (wr->wrap == WRAP_SHELL)
			push(&j->out->envw, &j->out->nenvw, i);
		else
			push(&j->out->keep, &j->out->nkeep, i);
	}
	if (i == n)
		return deny(j, "%s: a command is required", lbl(wr));
	return judge_command(j, w, i, n, depth + 1, wr,
	    prog || wr->wrap == WRAP_PROGRAM, why);
}

/*
 * The words after the command name, against its rule: w[off..n).
 * prog: a program runs this one (a wrapper or a command option above).
 */
static int
judge_rule(struct pstate *j, const struct rule *top, const struct pword *w,
    size_t off, size_t n, int depth, int prog, const struct rule **final,
    struct sbuf *why)
{
	const struct optspec *co;
	struct args a;
	const char *t;
	size_t last;
	int rc, first;

	memset(&a, 0, sizeof(a));
	a.r = top;
	a.w = w;
	a.n = n;
	a.first = 1;
	a.required = top->nrequire == 0;
	last = off;
	for (a.i = off; a.i < n; a.i++) {
		t = w[a.i].text;
		first = a.first;
		a.first = 0;
		/*
		 * A dynamic word may become an option once expanded: it is
		 * taken as an operand now and the expanded argv decides.
		 */
		if (!w[a.i].dynamic && !a.optend &&
		    (co = find_cmdopt(a.r, t)) != NULL)
			rc = judge_cmdopt(j, &a, co, depth, &last);
		else if (!w[a.i].dynamic && !a.optend && strcmp(t, "--") == 0) {
			a.optend = 1;
			rc = 0;
		} else if (!w[a.i].dynamic && !a.optend && t[0] == '-' &&
		    t[1] == '-')
			rc = judge_long(j, &a);
		else if (!w[a.i].dynamic && !a.optend && t[0] == '-' &&
		    t[1] != '\0')
			rc = judge_short(j, &a);
		else if (a.r->wrap != WRAP_NONE) {
			/* its first operand is the command it runs */
			*final = a.r;
			if (check_required(j, &a) == -1)
				return -1;
			if (a.r->wrap != WRAP_SHELL)
				keep_range(j, last, a.i);
			if (a.r->where != NULL)
				sbuf_addf(why, "%s (%s) > ", lbl(a.r),
				    a.r->where);
			return judge_wrapped(j, a.r, w, a.i, n, depth, prog,
			    why);
		} else if (!w[a.i].dynamic && !a.optend && first &&
		    a.r->oldstyle && t[0] != '\0')
			rc = judge_oldstyle(j, &a);
		else
			rc = judge_operand(j, &a);
		if (rc == -1)
			return -1;
	}
	*final = a.r;
	if (a.r->wrap != WRAP_NONE)
		return deny(j, "%s: a command is required", lbl(a.r));
	keep_range(j, last, n);
	if (a.r->where != NULL)
		sbuf_addf(why, "%s (%s)", lbl(a.r), a.r->where);
	else
		sbuf_adds(why, lbl(a.r));
	return check_required(j, &a);
}

/* A path without ".", ".." or empty components, and no trailing '/'. */
static int
normal_path(const char *p)
{
	const char *c;
	size_t len;

	if (p[0] != '/')
		return 0;
	for (c = p + 1;; c += len + 1) {
		len = strcspn(c, "/");
		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (c[len] == '\0')
			return 1;
	}
}

/* A last path component written plainly: no expansion, quote or glob. */
static int
plain_name(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-:@,%";

	return *s != '\0' && *s != '-' && strspn(s, ok) == strlen(s);
}

/*
 * A command named by path, not some rule's own `path`: the rule of its
 * last component, when the path is that program, the file the
 * profile's path finds for the name (so /usr/bin/git needs no second
 * rule, and a file of the user's named git is not git).
 */
static int
judge_path(struct pstate *j, const char *name, size_t idx,
    const struct rule **rp)
{
	const char *base = strrchr(name, '/') + 1;
	char *found = NULL, *how = NULL;
	size_t i, dlen;
	int rc;

	if (!normal_path(name))
		return deny(j, "%s: not a path in normal form (no '.', '..', "
		    "'//' or trailing '/'): name the program as the "
		    "profile's path finds it", name);
	if ((*rp = model_rule(j->prof, base)) == NULL)
		return deny(j, "%s: no rule names this path", name);
	if ((*rp)->path != NULL)
		return deny(j, "%s: rule '%s' runs only %s", name, base,
		    (*rp)->path);
	if (j->res == NULL) {
		/* pure: the path's directory must be one of the path's */
		dlen = (size_t)(base - 1 - name);
		for (i = 0; i < j->prof->npath; i++) {
			if (strlen(j->prof->path[i]) != dlen ||
			    strncmp(j->prof->path[i], name, dlen) != 0)
				continue;
			sbuf_addf(&j->notes, "; %s: by its directory, in the "
			    "path (the file is compared when it runs)", name);
			return 0;
		}
		return deny(j, "%s: not the program the profile's path finds "
		    "for '%s' (its directory is not in the path)", name, base);
	}
	rc = j->res->same(j->res->arg, j->prof, name, base, &found, &how);
	if (rc == -1) {
		(void)deny(j, "%s: %s", name, how != NULL ? how :
		    "not the program the profile's path finds");
		free(how);
		free(found);
		return -1;
	}
	if (how != NULL)
		sbuf_addf(&j->notes, "; %s", how);
	free(how);
	if (found != NULL) {
		j->out->fix = xreallocarray(j->out->fix, j->out->nfix + 1,
		    sizeof(*j->out->fix));
		j->out->fix[j->out->nfix].word = idx;
		j->out->fix[j->out->nfix++].path = found;
	}
	return 0;
}

/*
 * The command w[off..n): its name, then its words.  under: the wrapper
 * it runs under (NULL at the top); prog: a program runs it, so it cannot
 * be a builtin.
 */
static int
judge_command(struct pstate *j, const struct pword *w, size_t off,
    size_t n, int depth, const struct rule *under, int prog,
    struct sbuf *why)
{
	const struct rule *r = NULL, *final = NULL;
	const struct builtin *b;
	const char *name = w[off].text, *base;

	if (depth > POLICY_WRAP_MAX)
		return deny(j, "more than %d wrappers around one command",
		    POLICY_WRAP_MAX);
	if (w[off].dynamic) {
		/*
		 * $HOME/.rbenv/bin/rbenv: the path is known only once
		 * expanded, its rule by the last component now; the
		 * expanded path must then be that rule's program.
		 */
		base = strrchr(name, '/');
		if (base == NULL || !plain_name(base + 1) ||
		    (r = model_rule(j->prof, base + 1)) == NULL ||
		    r->path != NULL) {
			if (under != NULL)
				return deny(j, "%s: the command must be a "
				    "literal word", lbl(under));
			return deny(j, "the command name must be a literal "
			    "word");
		}
		j->deferred = 1;
		sbuf_addf(&j->notes, "; %s must be the file the profile's "
		    "path finds for '%s'", name, base + 1);
	} else if (strchr(name, '/') != NULL) {
		/* a path is never looked up: it must be a rule's program */
		if (name[0] != '/')
			return deny(j, "%s: relative command paths are not "
			    "allowed", name);
		if (policy_is_env(name))
			r = &env_rule;
		if (r == NULL && (r = model_rule_path(j->prof, name)) == NULL &&
		    judge_path(j, name, off, &r) == -1)
			return -1;
	} else if ((b = builtin_find(name)) != NULL) {
		if (under != NULL && (prog || !b->under_env))
			return deny(j, "%s is a shell builtin; it cannot run "
			    "under %s", name, lbl(under));
		if (b->judge != NULL && b->judge(j, name, w + off + 1,
		    n - off - 1) == -1)
			return -1;
		j->out->builtin = b;
		keep_range(j, off, n);
		sbuf_addf(why, "builtin %s", name);
		return 0;
	} else if (strcmp(name, "env") == 0)
		r = &env_rule;
	else if ((r = model_rule(j->prof, name)) == NULL)
		return deny(j, "%s: not an allowed command", name);
	if (r->wrap == WRAP_SHELL && under != NULL &&
	    under->wrap == WRAP_SHELL)
		return deny(j, "%s: %s may not run under %s", lbl(under), name,
		    lbl(under));
	if (r->wrap != WRAP_SHELL) {
		if (j->out->rule == NULL)
			j->out->rule = r;
		push(&j->out->keep, &j->out->nkeep, off);
	}
	if (judge_rule(j, r, w, off + 1, n, depth, prog, &final, why) == -1)
		return -1;
	for (; final != NULL; final = final->parent)
		if (final->daemon)
			j->out->daemon = 1;
	return 0;
}

/*
 * An admin action is matched before anything else, on the words as
 * written: nothing of the line but the operands that matched reaches
 * what the monitor runs.  1: an action, 0: not one, -1: denied.
 */
static int
judge_action(struct pstate *j, const struct pcmd *c, struct pjudge *out)
{
	const struct action *a;
	char *why, **argv;

	switch (action_find(j->prof, c->words, c->nwords, &a, &why)) {
	case ACTION_NONE:
		return 0;
	case ACTION_DENY:
		(void)deny(j, "%s", why);
		free(why);
		return -1;
	case ACTION_MATCH:
		break;
	}
	if (c->nassigns > 0)
		return deny(j, "action %s: takes no NAME=value from the line",
		    a->name);
	argv = action_argv(a, c->words, c->nwords);
	out->action = a;
	out->why = action_describe(a, argv);
	action_argv_free(argv);
	return 1;
}

static int
judge_cmd(struct pstate *j, const struct pcmd *c, struct pjudge *out)
{
	struct sbuf why;
	size_t i;
	int rc;

	if (c->nwords > 0 && (rc = judge_action(j, c, out)) != 0)
		return rc == 1 ? 0 : -1;
	for (i = 0; i < c->nassigns; i++)
		if (policy_assign(j, c->assigns[i].name) == -1)
			return -1;
	if (c->nwords == 0)
		return 0;
	sbuf_init(&why);
	rc = judge_command(j, c->words, 0, c->nwords, 0, NULL, 0, &why);
	if (rc == 0) {
		out->why = xstrdup(why.s);
		out->argv0 = out->nkeep > 0 ? out->keep[0] : c->nwords;
	}
	sbuf_free(&why);
	return rc;
}

void
policy_judge(const struct profile *p, const struct pcmd *c,
    struct pjudge *out)
{
	policy_judge_r(p, NULL, c, out);
}

void
policy_judge_r(const struct profile *p, const struct presolve *res,
    const struct pcmd *c, struct pjudge *out)
{
	struct pstate j;
	char *base;

	memset(out, 0, sizeof(*out));
	out->verdict = V_DENY;
	memset(&j, 0, sizeof(j));
	j.prof = p;
	j.res = res;
	j.out = out;
	sbuf_init(&j.notes);

	if (judge_cmd(&j, c, out) == -1 || j.deny != NULL) {
		free(out->why);
		out->why = j.deny != NULL ? j.deny : xstrdup("denied");
		j.deny = NULL;
		out->rule = NULL;
		out->action = NULL;
		out->builtin = NULL;
		goto out;
	}
	if (out->why == NULL)
		out->why = xstrdup(c->nwords > 0 ? "allowed" :
		    c->nassigns > 0 ? "assignment only" : "redirection only");
	base = out->why;
	xasprintf(&out->why, "%s%s%s", base, j.notes.s,
	    j.deferred ? " (checked again at run time)" : "");
	free(base);
	out->deferred = j.deferred;
	out->verdict = V_ALLOW;
out:
	free(j.deny);
	sbuf_free(&j.notes);
}

const char *
policy_verdict_name(enum verdict v)
{
	return v == V_ALLOW ? "allow" : "deny";
}

void
pjudge_free(struct pjudge *pj)
{
	size_t i;

	free(pj->why);
	pj->why = NULL;
	free(pj->keep);
	free(pj->envw);
	for (i = 0; i < pj->nfix; i++)
		free(pj->fix[i].path);
	free(pj->fix);
	pj->keep = pj->envw = NULL;
	pj->fix = NULL;
	pj->nkeep = pj->nenvw = pj->nfix = 0;
}

/* Walking a tree for policy_judge_line(). */
struct walk {
	const struct profile	*prof;
	const struct presolve	*res;
	struct pline		*out;
	size_t			 cap;
};

static void	walk_list(struct walk *, const struct list *);

static void
walk_word(struct walk *wk, const struct word *w)
{
	size_t i;

	for (i = 0; i < w->nparts; i++)
		if (w->parts[i].kind == WP_CMDSUB && w->parts[i].sub != NULL)
			walk_list(wk, w->parts[i].sub);
}

static void
walk_redirs(struct walk *wk, const struct command *c)
{
	size_t i;

	for (i = 0; i < c->nredirs; i++)
		if (c->redirs[i].op == R_IN || c->redirs[i].op == R_OUT ||
		    c->redirs[i].op == R_APPEND)
			walk_word(wk, &c->redirs[i].target);
}

static struct pentry *
new_entry(struct walk *wk)
{
	struct pentry *e;

	if (wk->out->n == wk->cap) {
		wk->cap = wk->cap == 0 ? 8 : wk->cap * 2;
		wk->out->e = xreallocarray(wk->out->e, wk->cap,
		    sizeof(*wk->out->e));
	}
	e = &wk->out->e[wk->out->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static void
to_pword(const struct word *w, struct pword *pw)
{
	if ((w->flags & W_LITERAL) && w->lit != NULL) {
		pw->text = w->lit;
		pw->dynamic = 0;
	} else {
		pw->text = w->src != NULL ? w->src : "";
		pw->dynamic = 1;
	}
}

static void
judge_simple(struct walk *wk, const struct command *c)
{
	struct passign *as;
	struct pword *ws;
	struct pcmd pc;
	struct pjudge pj;
	struct pentry *e;
	size_t i;

	for (i = 0; i < c->nassigns; i++)
		walk_word(wk, &c->assigns[i].value);
	for (i = 0; i < c->nwords; i++)
		walk_word(wk, &c->words[i]);
	walk_redirs(wk, c);

	as = xcalloc(c->nassigns, sizeof(*as));
	ws = xcalloc(c->nwords, sizeof(*ws));
	for (i = 0; i < c->nassigns; i++) {
		as[i].name = c->assigns[i].name;
		to_pword(&c->assigns[i].value, &as[i].value);
	}
	for (i = 0; i < c->nwords; i++)
		to_pword(&c->words[i], &ws[i]);
	pc.assigns = as;
	pc.nassigns = c->nassigns;
	pc.words = ws;
	pc.nwords = c->nwords;
	policy_judge_r(wk->prof, wk->res, &pc, &pj);

	e = new_entry(wk);
	e->argc = c->nassigns + c->nwords;
	e->argv = xcalloc(e->argc + 1, sizeof(*e->argv));
	for (i = 0; i < c->nassigns; i++)
		xasprintf(&e->argv[i], "%s=%s", as[i].name, as[i].value.text);
	for (i = 0; i < c->nwords; i++)
		e->argv[c->nassigns + i] = xstrdup(ws[i].text);
	e->verdict = pj.verdict;
	e->why = pj.why;
	e->deferred = pj.deferred;
	pj.why = NULL;
	pjudge_free(&pj);
	free(as);
	free(ws);
}

static void
walk_cmd(struct walk *wk, const struct command *c)
{
	size_t i;

	switch (c->kind) {
	case C_SIMPLE:
		judge_simple(wk, c);
		break;
	case C_SUBSHELL:
		walk_redirs(wk, c);
		walk_list(wk, c->body);
		break;
	case C_IF:
		/* every branch, whatever would run */
		walk_redirs(wk, c);
		for (i = 0; i < c->nclauses; i++) {
			walk_list(wk, c->clauses[i].cond);
			walk_list(wk, c->clauses[i].body);
		}
		walk_list(wk, c->elsebody);
		break;
	}
}

static void
walk_list(struct walk *wk, const struct list *l)
{
	size_t i, k, m;

	if (l == NULL)
		return;
	for (i = 0; i < l->nitems; i++)
		for (k = 0; k < l->items[i].npipes; k++)
			for (m = 0; m < l->items[i].pipes[k].ncmds; m++)
				walk_cmd(wk, &l->items[i].pipes[k].cmds[m]);
}

void
policy_judge_line(const struct profile *p, const struct list *l,
    struct pline *out)
{
	policy_judge_line_r(p, NULL, l, out);
}

void
policy_judge_line_r(const struct profile *p, const struct presolve *res,
    const struct list *l, struct pline *out)
{
	struct walk wk;
	size_t i;

	memset(out, 0, sizeof(*out));
	wk.prof = p;
	wk.res = res;
	wk.out = out;
	wk.cap = 0;
	walk_list(&wk, l);
	out->verdict = V_ALLOW;
	for (i = 0; i < out->n; i++)
		if (out->e[i].verdict != V_ALLOW)
			out->verdict = V_DENY;
}

void
pline_free(struct pline *pl)
{
	size_t i, k;

	for (i = 0; i < pl->n; i++) {
		for (k = 0; k < pl->e[i].argc; k++)
			free(pl->e[i].argv[k]);
		free(pl->e[i].argv);
		free(pl->e[i].why);
	}
	free(pl->e);
	pl->e = NULL;
	pl->n = 0;
}
