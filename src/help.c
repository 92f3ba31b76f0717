/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The help builtin's text, pure code: what a caged user may run, in
 * plain words, from the same rules and builtin table the policy judges
 * with.  Text from the config (descriptions, patterns)
 * goes to the user's terminal: made visible (vis.h).  A reason (-1) is
 * left as it is: the help builtin prints it as a message, which makes
 * it visible.
 */
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "builtin.h"
#include "help.h"
#include "model.h"
#include "optspec.h"
#include "vis.h"
#include "xmalloc.h"

static int
cmp_rule(const void *a, const void *b)
{
	const struct rule *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void
add_names(struct sbuf *b, const char *title, char *const *v, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	sbuf_adds(b, title);
	for (i = 0; i < n; i++) {
		sbuf_adds(b, i == 0 ? " " : ", ");
		vis_adds(b, v[i]);
	}
	sbuf_addc(b, '\n');
}

/*
 * The admin actions: what each line asks for, and what the monitor
 * runs for it outside the cage, and as whom.
 */
static void
add_actions(const struct profile *p, struct sbuf *b)
{
	const struct action *a;
	const struct action_form *f;
	size_t i, k, j;

	if (p->nactions == 0)
		return;
	sbuf_adds(b, "Admin actions (run outside the cage for you, "
	    "exactly as written):\n");
	for (i = 0; i < p->nactions; i++) {
		a = &p->actions[i];
		sbuf_adds(b, "  ");
		vis_adds(b, a->name);
		if (a->description != NULL) {
			sbuf_adds(b, ": ");
			vis_adds(b, a->description);
		}
		sbuf_addc(b, '\n');
		for (k = 0; k < a->nforms; k++) {
			f = &a->forms[k];
			sbuf_adds(b, "    ");
			for (j = 0; j < f->n; j++) {
				if (j > 0)
					sbuf_addc(b, ' ');
				if (f->w[j].lit != NULL)
					vis_adds(b, f->w[j].lit);
				else
					sbuf_addf(b, "$%d", f->w[j].op + 1);
			}
			sbuf_addc(b, '\n');
		}
		for (k = 0; k < a->noperands; k++) {
			sbuf_addf(b, "    $%zu: ", k + 1);
			vis_adds(b, a->operand_src[k]);
			sbuf_addc(b, '\n');
		}
		sbuf_adds(b, "    runs:");
		for (k = 0; k < a->argc; k++) {
			sbuf_addc(b, ' ');
			vis_adds(b, a->argv[k]);
		}
		sbuf_adds(b, " as ");
		vis_adds(b, strcmp(a->user, ACTION_SELF) == 0 ? "you" :
		    a->user);
		sbuf_addc(b, '\n');
	}
}

void
help_list(const struct profile *p, struct sbuf *b)
{
	const struct builtin *bi;
	const struct rule **v;
	char **fixed;
	size_t i, w = 8;

	v = xcalloc(p->ncmds + 1, sizeof(*v));
	for (i = 0; i < p->ncmds; i++) {
		v[i] = &p->cmds[i];
		if (strlen(v[i]->name) > w)
			w = strlen(v[i]->name);
	}
	qsort(v, p->ncmds, sizeof(*v), cmp_rule);
	sbuf_adds(b, "Commands you may run:\n");
	if (p->ncmds == 0)
		sbuf_adds(b, "  (none)\n");
	for (i = 0; i < p->ncmds; i++) {
		sbuf_adds(b, "  ");
		vis_adds(b, v[i]->name);
		if (v[i]->description != NULL) {
			sbuf_addf(b, "%*s", (int)(w + 2 -
			    strlen(v[i]->name)), "");
			vis_adds(b, v[i]->description);
		}
		sbuf_addc(b, '\n');
	}
	free(v);
	sbuf_adds(b, "Builtins:");
	for (i = 0; (bi = builtin_at(i)) != NULL; i++)
		sbuf_addf(b, " %s", bi->name);
	sbuf_addc(b, '\n');
	add_names(b, "Variables a line may set:", p->env, p->nenv);
	fixed = xcalloc(p->nsetenv + 1, sizeof(*fixed));
	for (i = 0; i < p->nsetenv; i++)
		fixed[i] = p->setenv[i].name;
	add_names(b, "Fixed variables:", fixed, p->nsetenv);
	free(fixed);
	add_names(b, "Accepted, and their values dropped:", p->env_ignore,
	    p->nenv_ignore);
	add_actions(p, b);
	sbuf_adds(b, "'help COMMAND' tells the arguments COMMAND takes.  "
	    "Anything else is refused,\nand a line with a refused part "
	    "does not run at all.\n");
}

/* "-f VALUE", "--depth=VALUE (VALUE: [0-9]+)", "--color[=VALUE]" */
static void
add_opt(struct sbuf *b, const struct optspec *o)
{
	const char *pat;

	/* an option name is letters, digits and "-_.": visible as it is */
	optspec_text(b, o, OF_USAGE);
	if ((pat = optspec_pattern(o)) == NULL)
		return;
	sbuf_adds(b, " (VALUE: ");
	vis_adds(b, pat);
	sbuf_addc(b, ')');
}

static void
add_opts(struct sbuf *b, const char *title, const struct optspec *v,
    size_t n)
{
	size_t i;

	sbuf_adds(b, title);
	for (i = 0; i < n; i++) {
		sbuf_adds(b, i == 0 ? " " : ", ");
		add_opt(b, &v[i]);
	}
	sbuf_addc(b, '\n');
}

static void
rule_text(const struct profile *p, const struct rule *r, struct sbuf *b)
{
	size_t i;
	int shorts = 0;

	vis_adds(b, r->label);
	if (r->description != NULL) {
		sbuf_adds(b, ": ");
		vis_adds(b, r->description);
	}
	sbuf_addc(b, '\n');
	if (r->parent == NULL) {
		sbuf_adds(b, "  Found in:");
		for (i = 0; i < p->npath; i++) {
			sbuf_adds(b, i == 0 ? " " : ":");
			vis_adds(b, p->path[i]);
		}
		if (r->path != NULL) {
			sbuf_adds(b, i == 0 ? " " : "; or run as ");
			vis_adds(b, r->path);
		}
		sbuf_addc(b, '\n');
	}
	if (r->any_options)
		sbuf_adds(b, "  Options: any\n");
	else if (r->nopts == 0)
		sbuf_adds(b, "  Options: none\n");
	else
		add_opts(b, "  Options:", r->opts, r->nopts);
	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].kind == OPT_SHORT)
			shorts++;
	if (shorts > 1)
		sbuf_adds(b, "    (one-letter options may be combined: "
		    "-ab is -a -b)\n");
	if (r->oldstyle)
		sbuf_adds(b, "    (the first word may be a bare cluster "
		    "of them, as in: tar xzf FILE)\n");
	if (r->ndeny > 0)
		add_opts(b, "  Never, nor abbreviated:", r->deny, r->ndeny);
	if (r->nrequire > 0)
		add_opts(b, "  Needs one of:", r->require, r->nrequire);
	if (r->ncmdopts > 0)
		add_opts(b, "  Followed by a command this profile allows, up "
		    "to ';' or '+':", r->cmdopts, r->ncmdopts);
	if (r->nsubs > 0) {
		sbuf_adds(b, "  Subcommands:");
		for (i = 0; i < r->nsubs; i++) {
			sbuf_adds(b, i == 0 ? " " : ", ");
			vis_adds(b, r->subs[i].name);
		}
		sbuf_adds(b, "\n    ('help ");
		vis_adds(b, r->label);
		sbuf_adds(b, " SUBCOMMAND' for each)\n");
	} else if (r->wrap != WRAP_NONE)
		sbuf_adds(b, r->wrap_assigns ? "  Then: NAME=value words, and "
		    "a command this profile allows\n" : "  Then: a command "
		    "this profile allows ('help COMMAND' for it)\n");
	else if (r->operands_set && r->noperands == 0)
		sbuf_adds(b, "  Operands: none\n");
	else {
		if (r->noperands == 0)
			sbuf_adds(b, "  Operands: any");
		else {
			sbuf_adds(b, "  Operands: each must match one of");
			for (i = 0; i < r->noperands; i++) {
				sbuf_adds(b, i == 0 ? " " : ", ");
				vis_adds(b, r->operand_src[i]);
			}
		}
		if (r->operands_max >= 0)
			sbuf_addf(b, "; at most %ld", r->operands_max);
		sbuf_addc(b, '\n');
	}
}

int
help_command(const struct profile *p, char *const *w, size_t n,
    struct sbuf *b)
{
	const struct builtin *bi;
	const struct rule *r, *sub;
	size_t i;

	if ((bi = builtin_find(w[0])) != NULL && n == 1) {
		sbuf_adds(b, bi->usage);
		sbuf_adds(b, " (builtin)\n");
		return 0;
	}
	if (bi != NULL || (r = model_rule(p, w[0])) == NULL) {
		sbuf_adds(b, w[0]);
		sbuf_adds(b, ": not a command you may run (help lists them)");
		return -1;
	}
	for (i = 1; i < n; i++, r = sub)
		if ((sub = model_sub(r, w[i])) == NULL) {
			sbuf_adds(b, r->label);
			sbuf_adds(b, " has no subcommand ");
			sbuf_adds(b, w[i]);
			return -1;
		}
	rule_text(p, r, b);
	return 0;
}
