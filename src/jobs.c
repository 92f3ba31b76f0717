/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * jobs.c: the executor's children and signals.  Runs in the caged
 * shell, as the user (never root).
 *
 * Signals.  SIGHUP, SIGTERM and SIGINT sent to the shell (and SIGQUIT,
 * in an interactive one) are forwarded to every live child (a table
 * kept with those signals blocked, so the handler never sees it
 * half-changed); once the children have ended the line ends with 128 +
 * the signal.  Children are reaped with waitid (WNOWAIT) first and
 * removed from the table before the real reap, so a forwarded signal
 * can never hit a recycled pid.  A cagesh child whose line a signal
 * ended ends by that signal, so its parent sees what happened to it.
 *
 * The terminal.  In an interactive session (exec_terminal()) each
 * foreground job of the shell gets a process group of its own and the
 * terminal while it runs: ^C reaches the job, not the shell, and the
 * shell takes the terminal back when the job is over.  Only the shell
 * does this; tty.fd is -1 in every child.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "jobs.h"
#include "status.h"
#include "xmalloc.h"

/*
 * The signal handler sets got_signal and walks the table of live
 * children: both must be file statics.  The table is changed only with
 * the forwarded signals blocked.
 */
static volatile sig_atomic_t got_signal;
static struct {
	pid_t	*pid;
	size_t	 n;
	size_t	 cap;
} kids;

/*
 * The terminal and the shell's process group belong to the process,
 * not to a line: exec_terminal() sets them once, before any line runs,
 * for the interactive loop, which has no run to keep them in.
 */
static struct {
	int	fd;		/* the interactive shell's terminal, or -1 */
	pid_t	pgrp;		/* the shell's process group */
	int	sigs;		/* programs ignore SIGTSTP SIGTTIN SIGTTOU */
} tty = { -1, 0, 0 };

static void
on_signal(int sig)
{
	int save = errno;
	size_t i;

	/* ^C or ^\ never hides a hangup or SIGTERM: those end the session */
	if (got_signal != SIGHUP && got_signal != SIGTERM)
		got_signal = sig;
	for (i = 0; i < kids.n; i++)
		kill(kids.pid[i], sig);
	errno = save;
}

static void
forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
}

static void
block(sigset_t *old)
{
	sigset_t set;

	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, old);
}

int
jobs_signal(void)
{
	return got_signal;
}

int
jobs_signal_take(void)
{
	sigset_t old;
	int sig;

	block(&old);
	sig = got_signal;
	got_signal = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return sig;
}

void
jobs_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	forwarded_set(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: waits see EINTR */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}

void
jobs_program(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	/* without job control, ^Z and a read in the background stop nothing */
	if (tty.sigs) {
		sa.sa_handler = SIG_IGN;
		(void)sigaction(SIGTSTP, &sa, NULL);
		(void)sigaction(SIGTTIN, &sa, NULL);
		(void)sigaction(SIGTTOU, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int
jobs_terminal(int fd)
{
	struct sigaction sa;
	int t;

	if (tcgetpgrp(fd) == -1)
		return -1;
	/*
	 * ^\ is ^C's twin: it ends what runs for the line, here and in
	 * every cagesh child (a subshell, a command substitution), and
	 * never the shell.  ^Z and terminal writes never stop the shell.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	forwarded_set(&sa.sa_mask);
	(void)sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTSTP, &sa, NULL);
	(void)sigaction(SIGTTIN, &sa, NULL);
	(void)sigaction(SIGTTOU, &sa, NULL);
	if (getpgrp() != getpid() && setpgid(0, 0) == -1)
		return -1;
	/* above the line's fds 0-9: a redirection cannot take it away */
	if ((t = fcntl(fd, F_DUPFD_CLOEXEC, EXEC_FD_MAX + 1)) == -1)
		return -1;
	if (tcsetpgrp(t, getpgrp()) == -1) {
		close(t);
		return -1;
	}
	tty.fd = t;
	tty.pgrp = getpgrp();
	tty.sigs = 1;
	return 0;
}

void
jobs_done(struct jobs *j)
{
	if (tty.fd == -1)
		return;
	(void)tcsetpgrp(tty.fd, tty.pgrp);
	j->pgid = 0;
	if (j->sig != 0 && got_signal == 0)
		got_signal = j->sig;
	j->sig = 0;
}

void
jobs_begin(struct jobs *j)
{
	/* ^C or ^\ at an interactive prompt must not end the next line */
	if (got_signal == SIGINT || got_signal == SIGQUIT)
		got_signal = 0;
	j->pgid = 0;
	j->sig = 0;
}

void
jobs_end(void)
{
	free(kids.pid);
	kids.pid = NULL;
	kids.n = kids.cap = 0;
}

static void
kids_add(pid_t pid)
{
	if (kids.n == kids.cap) {
		kids.cap = kids.cap == 0 ? 16 : kids.cap * 2;
		kids.pid = xreallocarray(kids.pid, kids.cap,
		    sizeof(*kids.pid));
	}
	kids.pid[kids.n++] = pid;
}

static void
kids_remove(pid_t pid)
{
	sigset_t old;
	size_t i;

	block(&old);
	for (i = 0; i < kids.n; i++)
		if (kids.pid[i] == pid) {
			kids.pid[i] = kids.pid[--kids.n];
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Both sides set the group, so neither can run ahead of it. */
pid_t
jobs_spawn(struct jobs *j, int program, enum job job)
{
	sigset_t old;
	pid_t pid;

	block(&old);
	if (got_signal) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = EINTR;
		return -1;
	}
	if ((pid = fork()) == -1) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	if (pid == 0) {
		kids.n = 0;
		if (tty.fd != -1 && job != JOB_NONE) {
			(void)setpgid(0, job == JOB_FG ? j->pgid : 0);
			if (job == JOB_FG)
				(void)tcsetpgrp(tty.fd, getpgrp());
		}
		if (tty.fd != -1) {
			close(tty.fd);
			tty.fd = -1;
		}
		if (!program)
			sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	if (tty.fd != -1 && job == JOB_BG)
		(void)setpgid(pid, pid);
	else if (tty.fd != -1 && job == JOB_FG) {
		if (j->pgid == 0)
			j->pgid = pid;
		(void)setpgid(pid, j->pgid);
		(void)tcsetpgrp(tty.fd, j->pgid);
	}
	kids_add(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

int
jobs_reap(struct jobs *j, pid_t pid)
{
	siginfo_t si;
	pid_t pg;
	int st, flags = WEXITED | WNOWAIT;

	if (tty.fd != -1)
		flags |= WSTOPPED;
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, flags) == 0) {
			if (si.si_code != CLD_STOPPED)
				break;
			/* no job control: a stopped job would hang the shell */
			if ((pg = getpgid(pid)) > 1)
				(void)kill(-pg, SIGCONT);
			(void)kill(pid, SIGCONT);
			continue;
		}
		if (errno != EINTR)
			break;
	}
	kids_remove(pid);
	/* the status is lost: a failure to run (status.h), not "not found" */
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return CAGESH_EXIT_FAILED;
	if (WIFSIGNALED(st)) {
		if (tty.fd != -1 && (WTERMSIG(st) == SIGINT ||
		    WTERMSIG(st) == SIGQUIT))
			j->sig = WTERMSIG(st);
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}

void
jobs_reap_all(struct jobs *j)
{
	while (kids.n > 0)
		(void)jobs_reap(j, kids.pid[0]);
}

/* No atexit, no stdio: a forked child must not flush the shell's. */
void
jobs_exit(int status)
{
	sigset_t set;
	int sig;

	if ((sig = got_signal) != 0) {
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
	}
	_exit(status & 0xff);
}
