/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Admin actions, pure code: a profile's list of the exact commands a
 * caged user may ask the monitor to run outside the cage ("sudo
 * systemctl restart app_puma_production"), each with a fixed argv, the
 * user it runs as and a timeout.  This file only matches words against
 * the list and builds the argv; the caged shell uses it to judge, and
 * the monitor again, on its own copy of the profile, before it runs
 * anything (actionrun.h).  No I/O here.
 *
 * A simple command is an action when its words (after a leading env,
 * /usr/bin/env or /bin/env) are one of an action's forms: each literal
 * word equal, each operand ($1 ... $9) a literal word that matches its
 * anchored pattern and is safe (action_operand_problem).  Nothing of
 * the line reaches the argv but operands that matched.
 */
#ifndef CAGESH_ACTION_H
#define CAGESH_ACTION_H

#include <sys/types.h>
#include <regex.h>
#include <stddef.h>

#include "model.h"
#include "policy.h"

#define ACTION_OPERANDS_MAX	9	/* $1 ... $9 */
#define ACTION_TIMEOUT_DEFAULT	60	/* seconds */
#define ACTION_TIMEOUT_MAX	3600
/* Bytes of output relayed to the session; the rest is dropped. */
#define ACTION_OUTPUT_MAX	(1024 * 1024)
/* The user an action runs as when it names "$user": the session's own. */
#define ACTION_SELF		"$user"

/* A word of a form: a literal, or operand op (0-based). */
struct action_word {
	char		*lit;		/* NULL for an operand */
	int		 op;
};

/* One way a line may ask for the action. */
struct action_form {
	struct action_word *w;
	size_t		 n;
};

struct action {
	char		*name;
	char		*where;		/* "FILE:LINE" */
	char		*description;	/* one line for help, or NULL */
	struct action_form *forms;
	size_t		 nforms;
	struct pattern	*operands;	/* operand k matches operands[k] */
	char		**operand_src;
	size_t		 noperands;
	/* what the monitor runs; a word "$N" is operand N */
	char		**argv;
	size_t		 argc;
	char		*user;		/* a user name, or ACTION_SELF */
	long		 timeout;	/* seconds */
};

enum action_res {
	ACTION_NONE,		/* not an action: the rules judge it */
	ACTION_MATCH,
	ACTION_DENY,		/* shaped like one, but refused: *why */
};

/*
 * Which action words w[0..n) ask for.  ACTION_MATCH sets *a;
 * ACTION_DENY sets *why (malloc'd), the first refusal of the first
 * action whose literal words before its first operand all match.
 */
enum action_res	 action_find(const struct profile *, const struct pword *,
		    size_t n, const struct action **a, char **why);
/*
 * The argv to run for words that ACTION_MATCHed a: NULL-ended, every
 * string malloc'd (action_argv_free).  NULL when they do not match.
 */
char		**action_argv(const struct action *, const struct pword *,
		    size_t n);
void		 action_argv_free(char **);
/* "action NAME: runs ARGV as USER (WHERE)" for --explain, malloc'd. */
char		*action_describe(const struct action *, char *const *argv);

/*
 * Why a word may never be an operand (static text), or NULL: empty,
 * starting with '-' (an option to the program), a byte outside
 * letters, digits and ._-@:+,=%/, or a ".." path component.  Holds
 * whatever the admin's pattern says.
 */
const char	*action_operand_problem(const char *);

/* Words of a form written "sudo systemctl restart $1": 0, or -1 with *why. */
int		 action_parse_form(const char *, struct action_form *,
		    size_t noperands, const char **why);
/* "$N" (1 to 9): N - 1; else -1. */
int		 action_placeholder(const char *);

const struct action *action_by_name(const struct profile *, const char *);
void		 action_clear(struct action *);

#endif
