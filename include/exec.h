/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The executor: runs a judged syntax tree.  Words are expanded just
 * before each simple command runs, the expanded command is judged again
 * by the policy, and only then is it run: builtins in-process, programs
 * by fork + execve of an absolute path found through the profile's path.
 * Never /bin/sh, execvp, system, popen or wordexp.  Runs in the caged
 * shell, as the user.  jobs.h (children, signals, the terminal) and
 * redir.h (redirections) are its parts.
 */
#ifndef CAGESH_EXEC_H
#define CAGESH_EXEC_H

#include <sys/types.h>
#include <stddef.h>

#include "ast.h"
#include "conf.h"
#include "policy.h"

struct exec_state;
struct sbuf;
struct vars;

/* fds 0-9 are the line's (the parser takes no more); the session's above */
#define EXEC_FD_MAX	9

/* A redirection as the hook sees it: its target after expansion. */
struct exec_redir {
	int		 fd;
	const char	*op;		/* "<" ">" ">>" "<&" ">&" */
	const char	*target;	/* the file, or the fd duplicated */
};

struct exec_hooks {
	/*
	 * Called for every simple command after expansion and judgement,
	 * before it runs (and for a denied one, instead of running it),
	 * and for the redirections of a compound command (argc 0).
	 * Returning -1 stops the line as if the command had been denied.
	 * *seq may be set to a number command_end gets back.
	 */
	int	(*command)(void *arg, char *const *argv, size_t argc,
		    const struct exec_redir *, size_t nredirs, enum verdict,
		    const char *why, long *seq);
	/*
	 * When a command the shell itself waited for has ended (builtins,
	 * programs run outside a pipeline): its status and duration.
	 */
	void	(*command_end)(void *arg, long seq, int status,
		    long duration_ms);
	/*
	 * In the child, just before execve, for a command a rule of
	 * whose chain says daemon = true (nohup, or what a wrapper runs;
	 * seq from command): what it starts may outlive the session.
	 * -1: it does not run.
	 */
	int	(*daemon)(void *arg, long seq);
	/*
	 * The history builtin: appends the last n lines (all when n < 0)
	 * to out.  NULL outside an interactive session.
	 */
	void	(*history)(void *arg, long n, struct sbuf *out);
	/*
	 * An admin action (action.h): the command's words, its
	 * redirections applied to fds 1 and 2.  Its status, or -1 when it
	 * was refused (said why): the line stops as if denied.  NULL: no
	 * action runs (--explain, tests).
	 */
	int	(*action)(void *arg, const char *name, char *const *words,
		    size_t n);
	void	*arg;
};

struct exec_ctx {
	const struct profile	*profile;
	const struct parse_limits *limits;
	struct vars		*vars;
	struct exec_hooks	 hooks;
	int			 status;	/* $? */
	int			 stop;		/* set when the line must end */
	int			 exited;	/* the shell itself ran exit */
	/*
	 * A command (in any process of the line) was denied when it was
	 * about to run: the line stopped.
	 */
	int			 denied;
	struct exec_state	*run;		/* exec_run()'s, else NULL */
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

/* The pid of the shell ($$), the same in subshells. */
pid_t	exec_shell_pid(const struct exec_ctx *);

/*
 * Signals the session got (SIGHUP, SIGTERM, SIGINT; SIGQUIT after
 * exec_terminal()) go to the children.
 */
void	exec_signals_install(void);
/* The signal the shell got since the last call (0: none); clears it. */
int	exec_signal_take(void);

/*
 * An interactive shell on terminal fd: from now on each foreground job
 * (a program, a subshell, a pipeline) runs in a process group of its own
 * that holds the terminal while it runs; background jobs get a group of
 * their own without the terminal; the shell takes the terminal back
 * after each job.  A job killed by SIGINT or SIGQUIT ends the line, as
 * if the shell had got the signal.  The shell handles SIGQUIT as it
 * does SIGINT (exec_signal_take() returns it); it never ends of it.
 * There is no job control: programs start with SIGTSTP, SIGTTIN and
 * SIGTTOU ignored, and a job stopped anyway is continued.  Returns 0,
 * or -1 when fd is not this session's controlling terminal (nothing is
 * changed then).
 */
int	exec_terminal(int fd);

#endif
