/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The policy, pure code: functions from a command (or a whole syntax tree)
 * and a profile to a verdict with the deciding rule or the reason.
 * No I/O here: nothing is read from the disk or the environment (a
 * path to a program is compared with the file through the caller's
 * presolve, when it gives one).
 *
 * Default deny.  A simple command is allowed only when every part of it
 * is: its assignments, its command name (a builtin, or a rule found by
 * name, by the absolute path the rule names, or by the path of the
 * program the profile's path finds), every word judged with the
 * program's own option syntax, and the command a wrapper runs, judged
 * the same way.
 */
#ifndef CAGESH_POLICY_H
#define CAGESH_POLICY_H

#include <stddef.h>

#include "ast.h"
#include "model.h"

struct builtin;

enum verdict {
	V_ALLOW,
	V_DENY,
};

enum env_action {
	ENV_DENY,	/* a line may not set it */
	ENV_SET,	/* listed in the profile's env */
	ENV_IGNORE,	/* listed in env_ignore: accepted, value dropped */
	ENV_FIXED,	/* set by the profile's setenv: accepted, value kept fixed */
};

/* One word as the policy sees it. */
struct pword {
	const char	*text;		/* the value, or the source when dynamic */
	int		 dynamic;	/* value known only after expansion */
};

struct passign {
	const char	*name;
	struct pword	 value;
};

struct pcmd {
	const struct passign *assigns;	/* NAME=value before the command */
	size_t		 nassigns;
	const struct pword *words;
	size_t		 nwords;
};

/* A word naming a program by path, and the file that is to run instead. */
struct pfix {
	size_t		 word;
	char		*path;
};

/* The judgement of one simple command. */
struct pjudge {
	enum verdict	 verdict;
	char		*why;		/* allow: the rule; deny: the reason */
	size_t		 argv0;		/* index of the command word after env ... */
	const struct builtin *builtin;	/* NULL for a program */
	const struct rule *rule;	/* the rule of the program that runs */
	const struct action *action;	/* an admin action (action.h) */
	int		 deferred;	/* some words are checked only at run time */
	/*
	 * What runs (allowed only): the indices of the words that are its
	 * argv, in order (env and the NAME=value it applies are left out,
	 * at any depth), those of the NAME=value words whose variable goes
	 * into its environment, and the words naming a program by path
	 * that are replaced by the file the resolver found.
	 */
	size_t		*keep;
	size_t		 nkeep;
	size_t		*envw;
	size_t		 nenvw;
	struct pfix	*fix;
	size_t		 nfix;
	int		 daemon;	/* a rule of the chain says daemon */
};

/* Wrappers around one command, at most (rbenv exec bundle exec ...). */
#define POLICY_WRAP_MAX	8

/*
 * How a command named by path is matched to the rule of its last
 * component: same() says whether path is the file the profile's path
 * finds for name: 0, with *found (malloc'd: the file to run instead, or
 * NULL) and *how (malloc'd note, or NULL); -1 with *how saying why not.
 * Without a resolver the match is by path alone: the path's directory
 * must be one of the profile's path.
 */
struct presolve {
	int	(*same)(void *arg, const struct profile *, const char *path,
		    const char *name, char **found, char **how);
	void	*arg;
};

void		 policy_judge(const struct profile *, const struct pcmd *,
		    struct pjudge *);
void		 policy_judge_r(const struct profile *, const struct presolve *,
		    const struct pcmd *, struct pjudge *);
void		 pjudge_free(struct pjudge *);

enum env_action	 policy_env(const struct profile *, const char *name,
		    const char **why);
int		 policy_env_dangerous(const char *name);
/* Is the word one of env's names ("env", "/usr/bin/env", "/bin/env")? */
int		 policy_is_env(const char *);
const char	*policy_verdict_name(enum verdict);

/*
 * For the builtins' judges (builtin.h): the judgement being made of one
 * simple command.  policy_deny keeps the first reason and returns -1;
 * policy_defer leaves some words to the run-time check; policy_assign
 * judges setting the variable name as a NAME=value would.
 */
struct pstate;
int		 policy_deny(struct pstate *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 policy_defer(struct pstate *);
int		 policy_assign(struct pstate *, const char *name);
/*
 * The name of a NAME=value word whose value is known only at run time,
 * or NULL: only a name written plainly before the '=' counts.
 */
char		*policy_dynamic_name(const char *src);

/* A whole line, before anything runs: every simple command, in run order. */
struct pentry {
	char		**argv;		/* words as judged: values, or source */
	size_t		 argc;
	enum verdict	 verdict;
	char		*why;
	int		 deferred;
};

struct pline {
	struct pentry	*e;
	size_t		 n;
	enum verdict	 verdict;	/* V_ALLOW only when every entry is */
};

void		 policy_judge_line(const struct profile *, const struct list *,
		    struct pline *);
void		 policy_judge_line_r(const struct profile *,
		    const struct presolve *, const struct list *,
		    struct pline *);
void		 pline_free(struct pline *);

#endif
