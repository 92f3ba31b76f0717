/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The executor's children: fork into the table of live children, reap,
 * the signals forwarded to them, and the terminal's process group in an
 * interactive shell.  Runs in the caged shell, as the user.
 */
#ifndef CAGESH_JOBS_H
#define CAGESH_JOBS_H

#include <sys/types.h>

enum job {
	JOB_NONE,	/* stays in the shell's process group */
	JOB_FG,		/* the foreground job: its own group, the terminal */
	JOB_BG,		/* cmd &: its own group, not the terminal */
};

/* The jobs of one line (exec_run()); a forked child works on its copy. */
struct jobs {
	pid_t	pgid;		/* the foreground job's group, or 0 */
	int	sig;		/* SIGINT/SIGQUIT ended part of the job */
};

/* exec_signals_install(), exec_signal_take(), exec_terminal() */
void	jobs_signals_install(void);
int	jobs_signal_take(void);
int	jobs_terminal(int fd);

/* The signal the shell got and has not taken (0: none); kept. */
int	jobs_signal(void);

/*
 * A line starts: no job yet, and a ^C or ^\ got at the prompt does not
 * end it.  jobs_end() frees the table once every child is reaped.
 */
void	jobs_begin(struct jobs *);
void	jobs_end(void);

/*
 * fork with the child in the table before any signal can be handled.
 * program: the child is going to execve, so it keeps the forwarded
 * signals blocked until jobs_program(); otherwise it is a cagesh
 * process of its own, with an empty table and the handlers kept.
 * job: the process group the child joins (interactive shell only).
 * -1 with errno EINTR when a signal came first.
 */
pid_t	jobs_spawn(struct jobs *, int program, enum job);
/* Waits for pid to end, then reaps it; its status as sh gives it. */
int	jobs_reap(struct jobs *, pid_t);
void	jobs_reap_all(struct jobs *);
/* The shell takes the terminal back after a foreground job. */
void	jobs_done(struct jobs *);

/* In a child about to execve: default dispositions, an empty mask. */
void	jobs_program(void);
/* A cagesh child ends: by the signal it got, else with status. */
void	jobs_exit(int status) __attribute__((noreturn));

#endif
