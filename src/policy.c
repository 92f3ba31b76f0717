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
 *  2. an env wrapper (env, /usr/bin/env, /bin/env): its NAME=value
 *     words as in 1, then the command word;
 *  3. the command name: a path must be some rule's `path`; else a
 *     builtin; else a rule of that name; else deny;
 *  4. every following word, with the program's own option syntax
 *     (getopt_long, GNU permutation: an option after an operand is
 *     still an option), deny lists first, abbreviations never allowed.
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

/* The env wrapper, which cagesh judges itself (NAME=value... cmd). */
static const char *const env_names[] = { "env", "/usr/bin/env", "/bin/env" };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The state of judging one simple command. */
struct pstate {
	const struct profile	*prof;
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

	for (i = 0; i < NELEM(env_names); i++)
		if (strcmp(env_names[i], s) == 0)
			return 1;
	return 0;
}

int
policy_assign(struct pstate *j, const char *name)
{
	const char *why;

	switch (policy_env(j->prof, name, &why)) {
	case ENV_DENY:
		return deny(j, "%s %s", name, why);
	case ENV_IGNORE:
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

static int
check_value(struct pstate *j, const struct args *a, const struct optspec *o,
    const struct pword *v, const char *shown)
{
	if (o->pattern == NULL)
		return 0;
	if (v->dynamic) {
		j->deferred = 1;
		return 0;
	}
	if (!optspec_match(o->pattern, v->text))
		return deny(j, "%s: value '%s' of %s does not match %s",
		    lbl(a->r), v->text, shown, optspec_pattern(o));
	return 0;
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
		if (optspec_match(&a->r->operands[k], v->text))
			return 0;
	sbuf_init(&b);
	for (k = 0; k < a->r->noperands; k++)
		sbuf_addf(&b, "%s%s", k > 0 ? " | " : "",
		    a->r->operand_src != NULL ? a->r->operand_src[k] : "?");
	rc = deny(j, "%s: operand '%s' does not match %s", lbl(a->r), v->text,
	    b.s);
	sbuf_free(&b);
	return rc;
}

/* The words after the command name, against its rule. */
static int
judge_rule(struct pstate *j, const struct rule *top, const struct pword *w,
    size_t n, const struct rule **final)
{
	struct args a;
	const char *t;
	int rc, first;

	memset(&a, 0, sizeof(a));
	a.r = top;
	a.w = w;
	a.n = n;
	a.first = 1;
	a.required = top->nrequire == 0;
	for (a.i = 0; a.i < n; a.i++) {
		t = w[a.i].text;
		first = a.first;
		a.first = 0;
		/*
		 * A dynamic word may become an option once expanded: it is
		 * taken as an operand now and the expanded argv decides.
		 */
		if (w[a.i].dynamic)
			rc = judge_operand(j, &a);
		else if (!a.optend && strcmp(t, "--") == 0) {
			a.optend = 1;
			rc = 0;
		} else if (!a.optend && t[0] == '-' && t[1] == '-')
			rc = judge_long(j, &a);
		else if (!a.optend && t[0] == '-' && t[1] != '\0')
			rc = judge_short(j, &a);
		else if (!a.optend && first && a.r->oldstyle && t[0] != '\0')
			rc = judge_oldstyle(j, &a);
		else
			rc = judge_operand(j, &a);
		if (rc == -1)
			return -1;
	}
	*final = a.r;
	return check_required(j, &a);
}

/* The words of the env wrapper: NAME=value, up to the command. */
static int
judge_env(struct pstate *j, const struct pword *w, size_t n, size_t *argv0)
{
	const char *t, *eq;
	char *var;
	size_t i;
	int rc;

	for (i = 1; i < n; i++) {
		t = w[i].text;
		if (t[0] == '-')
			return deny(j, "env: options are not supported");
		if (w[i].dynamic) {
			if ((var = policy_dynamic_name(t)) == NULL)
				return deny(j, "env: the command must be a "
				    "literal word");
		} else if ((eq = strchr(t, '=')) != NULL) {
			/* GNU env takes every word with '=' as NAME=value */
			var = xstrndup(t, (size_t)(eq - t));
			if (!valid_name(var)) {
				rc = deny(j, "env: '%s' is not a valid "
				    "variable name", var);
				free(var);
				return rc;
			}
		} else
			break;
		rc = policy_assign(j, var);
		free(var);
		if (rc == -1)
			return -1;
	}
	if (i == n)
		return deny(j, "env: a command is required");
	if (policy_is_env(w[i].text))
		return deny(j, "env: %s may not run under env", w[i].text);
	*argv0 = i;
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
	const struct pword *w = c->words;
	const struct rule *r, *final = NULL;
	const char *name;
	size_t i, argv0 = 0;
	int under_env = 0, rc;

	if (c->nwords > 0 && (rc = judge_action(j, c, out)) != 0)
		return rc == 1 ? 0 : -1;
	for (i = 0; i < c->nassigns; i++)
		if (policy_assign(j, c->assigns[i].name) == -1)
			return -1;
	if (c->nwords == 0)
		return 0;
	if (!w[0].dynamic && policy_is_env(w[0].text)) {
		under_env = 1;
		if (judge_env(j, w, c->nwords, &argv0) == -1)
			return -1;
	}
	out->argv0 = argv0;
	name = w[argv0].text;
	if (w[argv0].dynamic)
		return deny(j, "the command name must be a literal word");
	if (strchr(name, '/') != NULL) {
		/* a path is never looked up: only a rule's own path runs */
		if (name[0] != '/')
			return deny(j, "%s: relative command paths are not "
			    "allowed", name);
		if ((r = model_rule_path(j->prof, name)) == NULL)
			return deny(j, "%s: no rule names this path", name);
	} else if ((out->builtin = builtin_find(name)) != NULL) {
		if (under_env && !out->builtin->under_env)
			return deny(j, "%s is a shell builtin; it cannot run "
			    "under env", name);
		if (out->builtin->judge != NULL && out->builtin->judge(j, name,
		    w + argv0 + 1, c->nwords - argv0 - 1) == -1)
			return -1;
		xasprintf(&out->why, "builtin %s", name);
		return 0;
	} else if ((r = model_rule(j->prof, name)) == NULL)
		return deny(j, "%s: not an allowed command", name);
	out->rule = r;
	if (judge_rule(j, r, w + argv0 + 1, c->nwords - argv0 - 1,
	    &final) == -1)
		return -1;
	if (final->where != NULL)
		xasprintf(&out->why, "%s (%s)", lbl(final), final->where);
	else
		out->why = xstrdup(lbl(final));
	return 0;
}

void
policy_judge(const struct profile *p, const struct pcmd *c,
    struct pjudge *out)
{
	struct pstate j;
	char *base;

	memset(out, 0, sizeof(*out));
	out->verdict = V_DENY;
	memset(&j, 0, sizeof(j));
	j.prof = p;
	sbuf_init(&j.notes);

	if (judge_cmd(&j, c, out) == -1 || j.deny != NULL) {
		free(out->why);
		out->why = j.deny != NULL ? j.deny : xstrdup("denied");
		j.deny = NULL;
		out->rule = NULL;
		out->action = NULL;
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
	free(pj->why);
	pj->why = NULL;
}

/* Walking a tree for policy_judge_line(). */
struct walk {
	const struct profile	*prof;
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
	policy_judge(wk->prof, &pc, &pj);

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
	struct walk wk;
	size_t i;

	memset(out, 0, sizeof(*out));
	wk.prof = p;
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
