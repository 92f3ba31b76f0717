/*
 * The executor: runs a judged syntax tree.  Words are expanded just
 * before each simple command runs, the expanded command is judged again
 * by the policy, and only then is it run: builtins in-process, programs
 * by fork + execve of an absolute path found through the profile's path.
 * Never /bin/sh, execvp, system, popen or wordexp.
 */
#ifndef CAGESH_EXEC_H
#define CAGESH_EXEC_H

#include <stddef.h>

#include "ast.h"
#include "conf.h"
#include "policy.h"

struct vars;

struct exec_hooks {
	/*
	 * Called for every simple command after expansion and judgement,
	 * before it runs (and for a denied one, instead of running it).
	 * Returning -1 stops the line as if the command had been denied.
	 */
	int	(*command)(void *arg, char *const *argv, size_t argc,
		    enum verdict, const char *why);
	void	*arg;
};

struct exec_ctx {
	const struct profile	*profile;
	const struct parse_limits *limits;
	struct vars		*vars;
	struct exec_hooks	 hooks;
	int			 status;	/* $? */
	int			 stop;		/* set when the line must end */
	int			 denied;	/* a command (in any process of the
						   line) was denied when it was
						   about to run: the line stopped */
};

/*
 * Runs the line.  Returns its exit status as sh gives it; 126 when a
 * command is denied after expansion (the rest of the line does not run),
 * 127 when a command is not found.  Waits for every child it started,
 * background ones included, before it returns.  fds 3-9 belong to the
 * line's redirections: the caller keeps its own (the audit socket) at
 * 10 or above, O_CLOEXEC, or the line is refused with status 1.
 */
int	exec_run(struct exec_ctx *, const struct list *);

/* Signals the session got (SIGHUP, SIGTERM, SIGINT) go to the children. */
void	exec_signals_install(void);

#endif
