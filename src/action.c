/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Admin actions, pure code: words against a profile's actions, and the
 * fixed argv an action runs.  The caged shell judges with it and the
 * monitor checks again with its own copy of the profile: the same
 * words always give the same answer.
 */
#include <sys/types.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "explain.h"
#include "model.h"
#include "optspec.h"
#include "policy.h"
#include "xmalloc.h"

static const char *const env_words[] = { "env", "/usr/bin/env", "/bin/env" };

/* Besides letters and digits: no glob, quote, blank or control byte. */
static const char operand_safe[] = "._-@:+,=%/";

static int
is_env(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(env_words) / sizeof(env_words[0]); i++)
		if (strcmp(env_words[i], s) == 0)
			return 1;
	return 0;
}

int
action_placeholder(const char *s)
{
	if (s[0] == '$' && s[1] >= '1' && s[1] <= '9' && s[2] == '\0')
		return s[1] - '1';
	return -1;
}

const char *
action_operand_problem(const char *s)
{
	const char *c, *e;
	size_t len;

	if (*s == '\0')
		return "is empty";
	if (*s == '-')
		return "starts with '-', and would be read as an option";
	for (c = s; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr(operand_safe, *c)))
			return "holds a character other than letters, digits "
			    "and ._-@:+,=%/";
	for (c = s;; c = e + 1) {
		e = strchr(c, '/');
		len = e != NULL ? (size_t)(e - c) : strlen(c);
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return "holds a '..' path component";
		if (e == NULL)
			break;
	}
	return NULL;
}

/*
 * The words a line's command is compared by: a leading env wrapper with
 * no NAME=value and no option is not part of it.
 */
static size_t
skip_env(const struct pword *w, size_t n)
{
	if (n > 1 && !w[0].dynamic && is_env(w[0].text) && !w[1].dynamic &&
	    w[1].text[0] != '-' && strchr(w[1].text, '=') == NULL)
		return 1;
	return 0;
}

int
action_parse_form(const char *src, struct action_form *f, size_t noperands,
    const char **why)
{
	static const char blanks[] = " \t";
	const char *p;
	char *word;
	size_t len, k, seen[ACTION_OPERANDS_MAX];
	int op;

	memset(f, 0, sizeof(*f));
	memset(seen, 0, sizeof(seen));
	*why = NULL;
	for (p = src + strspn(src, blanks); *p != '\0';
	    p += len, p += strspn(p, blanks)) {
		len = strcspn(p, blanks);
		word = xstrndup(p, len);
		if (f->n == 0 && is_env(word) && p[len] != '\0') {
			free(word);
			continue;
		}
		f->w = xreallocarray(f->w, f->n + 1, sizeof(*f->w));
		op = word[0] == '$' ? action_placeholder(word) : -1;
		if (word[0] == '$' && (op == -1 || (size_t)op >= noperands)) {
			*why = op == -1 ? "an operand is $1 to $9" :
			    "names an operand the action does not list";
			free(word);
			goto bad;
		}
		if (op >= 0) {
			free(word);
			if (f->n == 0) {
				*why = "must start with a literal word";
				goto bad;
			}
			if (seen[op]++) {
				*why = "names an operand twice";
				goto bad;
			}
			f->w[f->n].lit = NULL;
		} else
			f->w[f->n].lit = word;
		f->w[f->n++].op = op;
	}
	if (f->n == 0) {
		*why = "is empty";
		goto bad;
	}
	for (k = 0; k < noperands; k++)
		if (!seen[k]) {
			*why = "does not name every operand of the action";
			goto bad;
		}
	return 0;
bad:
	for (k = 0; k < f->n; k++)
		free(f->w[k].lit);
	free(f->w);
	memset(f, 0, sizeof(*f));
	return -1;
}

/* Whether the literal words before the form's first operand all match. */
static int
form_candidate(const struct action_form *f, const struct pword *w, size_t n)
{
	size_t i;

	for (i = 0; i < f->n && f->w[i].lit != NULL; i++)
		if (i >= n || w[i].dynamic || strcmp(w[i].text,
		    f->w[i].lit) != 0)
			return 0;
	return 1;
}

/*
 * Whether w matches form f of a entirely (1, or 0); on a refusal of a
 * candidate, *why says why (malloc'd).  ops[k] is then the word of
 * operand k.  -1: a pattern of a does not compile, and no form of any
 * action may then run these words.
 */
static int
form_match(const struct action *a, const struct action_form *f,
    const struct pword *w, size_t n, const char **ops, char **why)
{
	struct sbuf b;
	const char *prob;
	size_t i;
	int op;

	if (n != f->n) {
		sbuf_init(&b);
		for (i = 0; i < f->n; i++) {
			if (i > 0)
				sbuf_addc(&b, ' ');
			sbuf_adds(&b, f->w[i].lit != NULL ? f->w[i].lit :
			    a->operand_src[f->w[i].op]);
		}
		xasprintf(why, "action %s: takes exactly %zu words (%s), "
		    "not %zu", a->name, f->n, b.s, n);
		sbuf_free(&b);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((op = f->w[i].op) < 0) {
			if (w[i].dynamic || strcmp(w[i].text,
			    f->w[i].lit) != 0) {
				xasprintf(why, "action %s: word %zu must be "
				    "'%s'", a->name, i + 1, f->w[i].lit);
				return 0;
			}
			continue;
		}
		if (w[i].dynamic) {
			xasprintf(why, "action %s: operand $%d must be a "
			    "literal word", a->name, op + 1);
			return 0;
		}
		if ((prob = action_operand_problem(w[i].text)) != NULL) {
			xasprintf(why, "action %s: operand '%s' %s", a->name,
			    w[i].text, prob);
			return 0;
		}
		switch (pattern_match(&a->operands[op], w[i].text, &prob)) {
		case 1:
			break;
		case 0:
			xasprintf(why, "action %s: operand '%s' does not "
			    "match %s", a->name, w[i].text,
			    a->operand_src[op]);
			return 0;
		default:
			/* changed since --check-config: refuse (fail closed) */
			xasprintf(why, "action %s (%s) cannot be checked: %s; "
			    "an administrator can run cagesh --check-config",
			    a->name, a->where, prob);
			return -1;
		}
		ops[op] = w[i].text;
	}
	return 1;
}

/*
 * The form of a that w matches, or NULL; *why for the first refusal,
 * or, with *broken set, for a pattern that does not compile.
 */
static const struct action_form *
match_action(const struct action *a, const struct pword *w, size_t n,
    const char **ops, int *candidate, int *broken, char **why)
{
	size_t k;
	char *r;
	int rc;

	for (k = 0; k < a->nforms; k++) {
		if (!form_candidate(&a->forms[k], w, n))
			continue;
		*candidate = 1;
		r = NULL;
		if ((rc = form_match(a, &a->forms[k], w, n, ops, &r)) == 1) {
			free(r);
			return &a->forms[k];
		}
		if (rc == -1) {
			free(*why);
			*why = r;
			*broken = 1;
			return NULL;
		}
		if (*why == NULL)
			*why = r;
		else
			free(r);
	}
	return NULL;
}

enum action_res
action_find(const struct profile *p, const struct pword *w, size_t n,
    const struct action **out, char **why)
{
	const char *ops[ACTION_OPERANDS_MAX];
	size_t i, skip = skip_env(w, n);
	int broken = 0, candidate = 0;

	*out = NULL;
	*why = NULL;
	for (i = 0; i < p->nactions; i++) {
		if (match_action(&p->actions[i], w + skip, n - skip, ops,
		    &candidate, &broken, why) != NULL) {
			free(*why);
			*why = NULL;
			*out = &p->actions[i];
			return ACTION_MATCH;
		}
		if (broken)
			return ACTION_DENY;
	}
	if (!candidate)
		return ACTION_NONE;
	if (*why == NULL)
		*why = xstrdup("does not match the action");
	return ACTION_DENY;
}

char **
action_argv(const struct action *a, const struct pword *w, size_t n)
{
	const char *ops[ACTION_OPERANDS_MAX];
	char **argv, *why = NULL;
	size_t i, skip = skip_env(w, n);
	int broken = 0, candidate = 0, op;

	memset(ops, 0, sizeof(ops));
	if (match_action(a, w + skip, n - skip, ops, &candidate, &broken,
	    &why) ==
	    NULL) {
		free(why);
		return NULL;
	}
	free(why);
	argv = xcalloc(a->argc + 1, sizeof(*argv));
	for (i = 0; i < a->argc; i++) {
		op = action_placeholder(a->argv[i]);
		argv[i] = xstrdup(op >= 0 ? ops[op] : a->argv[i]);
	}
	return argv;
}

void
action_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

char *
action_describe(const struct action *a, char *const *argv)
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	sbuf_addf(&b, "action %s: runs ", a->name);
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			sbuf_addc(&b, ' ');
		explain_quote(&b, argv[i]);
	}
	if (strcmp(a->user, ACTION_SELF) == 0)
		sbuf_adds(&b, " as the session's user, outside the cage");
	else
		sbuf_addf(&b, " as %s, outside the cage", a->user);
	if (a->where != NULL)
		sbuf_addf(&b, " (%s)", a->where);
	return sbuf_take(&b);
}

const struct action *
action_by_name(const struct profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nactions; i++)
		if (strcmp(p->actions[i].name, name) == 0)
			return &p->actions[i];
	return NULL;
}

void
action_clear(struct action *a)
{
	size_t i, k;

	free(a->name);
	free(a->where);
	free(a->description);
	for (i = 0; i < a->nforms; i++) {
		for (k = 0; k < a->forms[i].n; k++)
			free(a->forms[i].w[k].lit);
		free(a->forms[i].w);
	}
	free(a->forms);
	for (i = 0; i < a->noperands; i++) {
		pattern_clear(&a->operands[i]);
		free(a->operand_src[i]);
	}
	free(a->operands);
	free(a->operand_src);
	model_strv_free(a->argv, a->argc);
	free(a->user);
	memset(a, 0, sizeof(*a));
}
