/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The executor.  Every simple command is expanded, judged again by the
 * policy on the words it will really get (a glob can match a file named
 * "-rf", a variable can hold anything), reported to the hook, and only
 * then run: a builtin in this process, a program by fork + execve of an
 * absolute path.  Never a shell, execvp, system or popen.
 *
 * How a line stops.  A denial (or a hook failure, or a substitution
 * too large) must end the whole line, also when it happens in a child:
 * a subshell, a pipeline element or a command substitution.  An exit
 * code cannot say so, since programs exit 126 too, so the line has one
 * shared anonymous page (MAP_SHARED, inherited by every child) holding
 * the status the line stops with; 0 while it runs.  Every process of the
 * line checks it after each child it reaps and before each command.
 *
 * Signals.  SIGHUP, SIGTERM and SIGINT sent to the shell (and SIGQUIT,
 * in an interactive one) are forwarded to every live child (a table
 * kept with those signals blocked, so the handler never sees it
 * half-changed); once the children have ended the line ends with 128 +
 * the signal.  Children are reaped with waitid
 * (WNOWAIT) first and removed from the table before the real reap, so a
 * forwarded signal can never hit a recycled pid.  A cagesh child whose
 * line a signal ended ends by that signal, so its parent sees what
 * happened to it.
 *
 * The terminal.  In an interactive session (exec_terminal()) each
 * foreground job of the shell gets a process group of its own and the
 * terminal while it runs: ^C reaches the job, not the shell, and the
 * shell takes the terminal back when the job is over.  Only the shell
 * does this; tty_fd is -1 in every child.
 *
 * File descriptors.  Programs get 0-2 and what the line's redirections
 * opened, nothing else: every fd this file opens is O_CLOEXEC until it
 * is moved onto its place.  fds 3-9 belong to the line (the session
 * keeps its own at 10 and above, see fds_free()), and a redirection
 * may only duplicate an fd the line itself set (0-2 or an earlier
 * redirection): `cat <&12` cannot reach the session's audit socket.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ast.h"
#include "builtin.h"
#include "conf.h"
#include "exec.h"
#include "expand.h"
#include "policy.h"
#include "vars.h"
#include "vis.h"
#include "xmalloc.h"

#define USER_FD_MAX	9	/* the parser takes fds 0-9 */

static pid_t		 shell_pid;
static volatile int	*line_stop;	/* shared page: status to stop with */
static unsigned		 user_fds;	/* bit N: fd N holds the line's file */
static unsigned		 cmdsubs;	/* substitutions run so far */

static volatile sig_atomic_t got_signal;
static pid_t		*kids;		/* live children, for forwarding */
static size_t		 nkids;
static size_t		 kidscap;

enum job {
	JOB_NONE,	/* stays in the shell's process group */
	JOB_FG,		/* the foreground job: its own group, the terminal */
	JOB_BG,		/* cmd &: its own group, not the terminal */
};

static int		 tty_fd = -1;	/* the interactive shell's terminal */
static pid_t		 tty_pgrp;	/* the shell's process group */
static pid_t		 job_pgid;	/* the foreground job's group, or 0 */
static int		 job_sig;	/* SIGINT/SIGQUIT ended part of the job */
static int		 job_sigs;	/* programs ignore SIGTSTP SIGTTIN SIGTTOU */

static int	run_list(struct exec_ctx *, const struct list *);
static int	run_command(struct exec_ctx *, const struct command *, int);

/*
 * Its words come from the line, file names and the config, and stderr
 * is the user's terminal (with -c, the ssh client's): made visible.
 */
static void __attribute__((format(printf, 1, 2)))
msg(const char *fmt, ...)
{
	struct sbuf b;
	va_list ap;
	char *s;
	ssize_t n;
	size_t off = 0;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1) {
		va_end(ap);
		return;
	}
	va_end(ap);
	sbuf_init(&b);
	sbuf_adds(&b, "cagesh: ");
	vis_adds(&b, s);
	sbuf_addc(&b, '\n');
	free(s);
	while (off < b.len) {
		if ((n = write(STDERR_FILENO, b.s + off, b.len - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	sbuf_free(&b);
}

pid_t
exec_shell_pid(void)
{
	return shell_pid != 0 ? shell_pid : getpid();
}

/* Signals and the table of children */

static void
on_signal(int sig)
{
	int save = errno;
	size_t i;

	/* ^C or ^\ never hides a hangup or SIGTERM: those end the session */
	if (got_signal != SIGHUP && got_signal != SIGTERM)
		got_signal = sig;
	for (i = 0; i < nkids; i++)
		kill(kids[i], sig);
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
exec_signal_take(void)
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
exec_signals_install(void)
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

/* A program starts with default dispositions and an empty mask. */
static void
signals_default(void)
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
	if (job_sigs) {
		sa.sa_handler = SIG_IGN;
		(void)sigaction(SIGTSTP, &sa, NULL);
		(void)sigaction(SIGTTIN, &sa, NULL);
		(void)sigaction(SIGTTOU, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int
exec_terminal(int fd)
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
	if ((t = fcntl(fd, F_DUPFD_CLOEXEC, USER_FD_MAX + 1)) == -1)
		return -1;
	if (tcsetpgrp(t, getpgrp()) == -1) {
		close(t);
		return -1;
	}
	tty_fd = t;
	tty_pgrp = getpgrp();
	job_sigs = 1;
	return 0;
}

/* The shell takes the terminal back after a foreground job. */
static void
job_done(void)
{
	if (tty_fd == -1)
		return;
	(void)tcsetpgrp(tty_fd, tty_pgrp);
	job_pgid = 0;
	if (job_sig != 0 && got_signal == 0)
		got_signal = job_sig;
	job_sig = 0;
}

static void
kids_add(pid_t pid)
{
	if (nkids == kidscap) {
		kidscap = kidscap == 0 ? 16 : kidscap * 2;
		kids = xreallocarray(kids, kidscap, sizeof(*kids));
	}
	kids[nkids++] = pid;
}

static void
kids_remove(pid_t pid)
{
	sigset_t old;
	size_t i;

	block(&old);
	for (i = 0; i < nkids; i++)
		if (kids[i] == pid) {
			kids[i] = kids[--nkids];
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * fork with the child in the table before any signal can be handled.
 * program: the child is going to execve, so it keeps the forwarded
 * signals blocked until signals_default(); otherwise it is a cagesh
 * process of its own, with an empty table and the handlers kept.
 * job: the process group the child joins (interactive shell only); both
 * sides set it, so neither the program nor the shell can run ahead of it.
 */
static pid_t
spawn(int program, enum job job)
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
		nkids = 0;
		if (tty_fd != -1 && job != JOB_NONE) {
			(void)setpgid(0, job == JOB_FG ? job_pgid : 0);
			if (job == JOB_FG)
				(void)tcsetpgrp(tty_fd, getpgrp());
		}
		if (tty_fd != -1) {
			close(tty_fd);
			tty_fd = -1;
		}
		if (!program)
			sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	if (tty_fd != -1 && job == JOB_BG)
		(void)setpgid(pid, pid);
	else if (tty_fd != -1 && job == JOB_FG) {
		if (job_pgid == 0)
			job_pgid = pid;
		(void)setpgid(pid, job_pgid);
		(void)tcsetpgrp(tty_fd, job_pgid);
	}
	kids_add(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* Waits for pid to end, then reaps it; returns its status as sh gives it. */
static int
reap(pid_t pid)
{
	siginfo_t si;
	pid_t pg;
	int st, flags = WEXITED | WNOWAIT;

	if (tty_fd != -1)
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
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return 127;
	if (WIFSIGNALED(st)) {
		if (tty_fd != -1 && (WTERMSIG(st) == SIGINT ||
		    WTERMSIG(st) == SIGQUIT))
			job_sig = WTERMSIG(st);
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}

static void
reap_all(void)
{
	while (nkids > 0)
		(void)reap(kids[0]);
}

/* How the line stands */

static void
stop_line(struct exec_ctx *ctx, int status)
{
	if (line_stop != NULL && *line_stop == 0)
		*line_stop = status;
	ctx->stop = 1;
}

static int
stopped(struct exec_ctx *ctx)
{
	if ((line_stop != NULL && *line_stop != 0) || got_signal)
		ctx->stop = 1;
	return ctx->stop;
}

/* The status the line ends with once it stopped, or status. */
static int
settle(struct exec_ctx *ctx, int status)
{
	if (line_stop != NULL && *line_stop != 0) {
		ctx->stop = 1;
		return *line_stop;
	}
	if (got_signal) {
		ctx->stop = 1;
		return 128 + got_signal;
	}
	return status;
}

/*
 * A forked cagesh child ends here: its children first, no atexit, no
 * stdio.  Ended by a signal, it dies of that signal, as sh does.
 */
static void __attribute__((noreturn))
child_exit(struct exec_ctx *ctx, int status)
{
	sigset_t set;
	int sig;

	reap_all();
	status = settle(ctx, status);
	if ((sig = got_signal) != 0) {
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
	}
	_exit(status & 0xff);
}

/* File descriptors */

/* from becomes to, without O_CLOEXEC; from is closed. */
static int
move_fd(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	if (dup2(from, to) == -1)
		return -1;
	close(from);
	return 0;
}

struct saved {
	int	fd;
	int	copy;		/* -1: fd was closed */
	int	fdflags;	/* FD_CLOEXEC must come back with it */
};

/* A command's redirections with their targets expanded. */
struct xredirs {
	char		**targets;	/* file names; dups: the fd as text */
	struct exec_redir *hook;	/* what the hook sees */
	size_t		 n;
};

struct redirs {
	struct saved	*sv;
	size_t		 n;
	unsigned	 user_fds;
};

static void
save_fd(struct redirs *rs, int fd)
{
	size_t i;
	int copy, fl = 0;

	for (i = 0; i < rs->n; i++)
		if (rs->sv[i].fd == fd)
			return;
	copy = fcntl(fd, F_DUPFD_CLOEXEC, USER_FD_MAX + 1);
	if (copy != -1)
		fl = fcntl(fd, F_GETFD);
	rs->sv[rs->n].fd = fd;
	rs->sv[rs->n].copy = copy;
	rs->sv[rs->n].fdflags = fl == -1 ? 0 : fl;
	rs->n++;
}

/*
 * Puts back what apply_redirs() changed.  An fd the session holds
 * (the audit socket) gets its FD_CLOEXEC back: dup2 clears it, and
 * without it the next program would inherit the socket.
 */
static void
restore_redirs(struct redirs *rs)
{
	size_t i;
	struct saved *s;

	if (rs == NULL)
		return;
	for (i = rs->n; i-- > 0;) {
		s = &rs->sv[i];
		if (s->copy == -1)
			close(s->fd);
		else {
			dup3(s->copy, s->fd, (s->fdflags & FD_CLOEXEC) ?
			    O_CLOEXEC : 0);
			close(s->copy);
		}
	}
	user_fds = rs->user_fds;
	free(rs->sv);
	rs->sv = NULL;
	rs->n = 0;
}

static int
expand_failed(struct exec_ctx *ctx, enum expand_err rc)
{
	if (rc != EXPAND_STOPPED) {
		msg("%s", expand_strerror(rc));
		stop_line(ctx, 1);
	}
	return settle(ctx, 1);
}

static const char *const redir_ops[] = {
	[R_IN] = "<", [R_OUT] = ">", [R_APPEND] = ">>",
	[R_DUPIN] = "<&", [R_DUPOUT] = ">&",
};

static void
xredirs_free(struct xredirs *xr)
{
	size_t i;

	for (i = 0; i < xr->n; i++)
		free(xr->targets[i]);
	free(xr->targets);
	free(xr->hook);
	xr->targets = NULL;
	xr->hook = NULL;
	xr->n = 0;
}

/*
 * Expands the targets of c's redirections, before anything is opened:
 * the record of the command names the files it really gets.  Returns 0,
 * or the status of the failure (reported).
 */
static int
expand_redirs(struct exec_ctx *ctx, const struct command *c,
    struct xredirs *xr)
{
	const struct redir *r;
	struct fields f;
	enum expand_err rc;
	size_t i;

	xr->n = 0;
	xr->targets = xcalloc(c->nredirs + 1, sizeof(*xr->targets));
	xr->hook = xcalloc(c->nredirs + 1, sizeof(*xr->hook));
	for (i = 0; i < c->nredirs; i++) {
		r = &c->redirs[i];
		if (r->op == R_DUPIN || r->op == R_DUPOUT)
			xasprintf(&xr->targets[i], "%d", r->dupfd);
		else {
			fields_init(&f);
			if ((rc = expand_word(ctx, &r->target, EXPAND_NOSPLIT |
			    EXPAND_NOGLOB, &f)) != EXPAND_OK) {
				xr->n = i;
				return expand_failed(ctx, rc);
			}
			if (f.n != 1) {
				msg("%s: ambiguous redirect",
				    r->target.src != NULL ? r->target.src : "");
				fields_free(&f);
				xr->n = i;
				return 1;
			}
			xr->targets[i] = xstrdup(f.v[0]);
			fields_free(&f);
		}
		xr->hook[i].fd = r->fd;
		xr->hook[i].op = redir_ops[r->op];
		xr->hook[i].target = xr->targets[i];
		xr->n = i + 1;
	}
	return 0;
}

static int
open_target(const struct redir *r, const char *target, int *status)
{
	int flags, fd;

	switch (r->op) {
	case R_IN:
		flags = O_RDONLY;
		break;
	case R_APPEND:
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	}
	if ((fd = open(target, flags | O_CLOEXEC, 0666)) == -1) {
		msg("%s: %s", target, strerror(errno));
		*status = 1;
	}
	return fd;
}

/*
 * Applies the redirections in order (2>&1 >f differs from >f 2>&1),
 * their targets expanded by expand_redirs().
 * rs != NULL: each changed fd is saved first, for restore_redirs().
 * Returns 0 or the status of the failure (reported).
 */
static int
apply_redirs(const struct command *c, const struct xredirs *xr,
    struct redirs *rs)
{
	const struct redir *r;
	size_t i;
	int fd, status = 1;

	if (rs != NULL) {
		rs->sv = xcalloc(c->nredirs + 1, sizeof(*rs->sv));
		rs->n = 0;
		rs->user_fds = user_fds;
	}
	for (i = 0; i < c->nredirs; i++) {
		r = &c->redirs[i];
		if (r->fd < 0 || r->fd > USER_FD_MAX ||
		    ((r->op == R_DUPIN || r->op == R_DUPOUT) &&
		    (r->dupfd < 0 || r->dupfd > USER_FD_MAX ||
		    !(user_fds & (1U << r->dupfd))))) {
			msg("%d: Bad file descriptor", r->op == R_DUPIN ||
			    r->op == R_DUPOUT ? r->dupfd : r->fd);
			return 1;
		}
		if (rs != NULL)
			save_fd(rs, r->fd);
		if (r->op == R_DUPIN || r->op == R_DUPOUT) {
			if (r->dupfd != r->fd && dup2(r->dupfd, r->fd) == -1) {
				msg("%d: %s", r->dupfd, strerror(errno));
				return 1;
			}
		} else {
			if ((fd = open_target(r, xr->targets[i], &status)) == -1)
				return status;
			if (move_fd(fd, r->fd) == -1) {
				msg("%d: %s", r->fd, strerror(errno));
				close(fd);
				return 1;
			}
		}
		user_fds |= 1U << r->fd;
	}
	return 0;
}

/* Programs */

static char *
find_program(const struct exec_ctx *ctx, const char *name,
    const struct rule *r)
{
	struct stat st;
	char *p;
	size_t i;

	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	for (i = 0; i < ctx->profile->npath; i++) {
		xasprintf(&p, "%s/%s", ctx->profile->path[i], name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(p, X_OK) == 0)
			return p;
		free(p);
	}
	if (r != NULL && r->path != NULL)
		return xstrdup(r->path);
	return NULL;
}

/* In the child: redirections, then the program; never returns. */
static void __attribute__((noreturn))
exec_program(const struct command *c, const struct xredirs *xr,
    const char *path, char *const *argv, char *const *envp)
{
	int st;

	signals_default();
	if ((st = apply_redirs(c, xr, NULL)) != 0)
		_exit(st);
	execve(path, argv, envp);
	st = errno;
	msg("%s: %s", path, strerror(st));
	_exit(st == ENOENT ? 127 : 126);
}

/* Simple commands */

struct simple {
	struct fields	 words;
	char		**names;	/* assignments */
	char		**values;
	size_t		 nassigns;
	char		**extra;	/* NAME=value for the program */
	size_t		 nextra;
	char		**hargv;	/* what the hook sees */
	struct xredirs	 xr;
	struct pjudge	 pj;
};

static void
simple_free(struct simple *s)
{
	size_t i;

	fields_free(&s->words);
	for (i = 0; i < s->nassigns; i++)
		free(s->values[i]);
	free(s->values);
	free(s->names);
	for (i = 0; i < s->nextra; i++)
		free(s->extra[i]);
	free(s->extra);
	if (s->hargv != NULL)
		for (i = 0; s->hargv[i] != NULL; i++)
			free(s->hargv[i]);
	free(s->hargv);
	pjudge_free(&s->pj);
}

/*
 * `export A=$X`: a declaration, its words are not split or globbed
 * (bash and the coming POSIX), so a value with blanks stays one word.
 */
static int
is_export(const struct command *c)
{
	return c->nwords > 0 && (c->words[0].flags & W_LITERAL) &&
	    c->words[0].lit != NULL && strcmp(c->words[0].lit, "export") == 0;
}

static enum expand_err
expand_simple(struct exec_ctx *ctx, const struct command *c,
    struct simple *s)
{
	struct fields f;
	enum expand_err rc;
	size_t i;
	int flags = is_export(c) ? EXPAND_NOSPLIT | EXPAND_NOGLOB : 0;

	for (i = 0; i < c->nwords; i++)
		if ((rc = expand_word(ctx, &c->words[i], flags, &s->words)) !=
		    EXPAND_OK)
			return rc;
	s->names = xcalloc(c->nassigns + 1, sizeof(*s->names));
	s->values = xcalloc(c->nassigns + 1, sizeof(*s->values));
	for (i = 0; i < c->nassigns; i++) {
		fields_init(&f);
		rc = expand_word(ctx, &c->assigns[i].value,
		    EXPAND_NOSPLIT | EXPAND_NOGLOB, &f);
		if (rc != EXPAND_OK) {
			fields_free(&f);
			return rc;
		}
		s->names[i] = c->assigns[i].name;
		s->values[i] = xstrdup(f.n > 0 ? f.v[0] : "");
		s->nassigns++;
		fields_free(&f);
	}
	return EXPAND_OK;
}

static void
judge_simple(struct exec_ctx *ctx, struct simple *s)
{
	struct passign *pa;
	struct pword *pw;
	struct pcmd pc;
	size_t i, n;

	pa = xcalloc(s->nassigns + 1, sizeof(*pa));
	pw = xcalloc(s->words.n + 1, sizeof(*pw));
	for (i = 0; i < s->nassigns; i++) {
		pa[i].name = s->names[i];
		pa[i].value.text = s->values[i];
	}
	for (i = 0; i < s->words.n; i++)
		pw[i].text = s->words.v[i];
	pc.assigns = pa;
	pc.nassigns = s->nassigns;
	pc.words = pw;
	pc.nwords = s->words.n;
	policy_judge(ctx->profile, &pc, &s->pj);
	free(pa);
	free(pw);

	/* the hook sees what the static judgement listed: NAME=value, words */
	n = s->nassigns + s->words.n;
	s->hargv = xcalloc(n + 1, sizeof(*s->hargv));
	for (i = 0; i < s->nassigns; i++)
		xasprintf(&s->hargv[i], "%s=%s", s->names[i], s->values[i]);
	for (i = 0; i < s->words.n; i++)
		s->hargv[s->nassigns + i] = xstrdup(s->words.v[i]);
}

/* A line's NAME=value for one program: only names the profile lets it set. */
static void
add_extra(struct exec_ctx *ctx, struct simple *s, const char *name,
    size_t len, const char *value)
{
	const char *why;
	char *n;

	n = xstrndup(name, len);
	if (policy_env(ctx->profile, n, &why) == ENV_SET) {
		s->extra = xreallocarray(s->extra, s->nextra + 1,
		    sizeof(*s->extra));
		xasprintf(&s->extra[s->nextra++], "%s=%s", n, value);
	}
	free(n);
}

/*
 * HOME for a program: the profile's program_home, unless its rule keeps
 * the entry's (entry_home).  The tools read their per-user config from
 * HOME (~/.gitconfig, ~/.subversion): with program_home that is a place
 * only root writes.  Added last, so nothing of the line overrides it.
 */
static void
add_home(struct exec_ctx *ctx, struct simple *s)
{
	const struct rule *r = s->pj.rule;

	if (ctx->profile->program_home == NULL)
		return;
	while (r != NULL && r->parent != NULL)
		r = r->parent;
	if (r != NULL && r->entry_home)
		return;
	s->extra = xreallocarray(s->extra, s->nextra + 1, sizeof(*s->extra));
	xasprintf(&s->extra[s->nextra++], "HOME=%s",
	    ctx->profile->program_home);
}

static void
assign_shell(struct exec_ctx *ctx, struct simple *s)
{
	const char *why;
	size_t i;

	for (i = 0; i < s->nassigns; i++)
		if (policy_env(ctx->profile, s->names[i], &why) == ENV_SET)
			vars_set(ctx->vars, s->names[i], s->values[i], 0);
}

static int
run_builtin(struct exec_ctx *ctx, const struct command *c, struct simple *s)
{
	struct redirs rs;
	int st;

	if ((st = apply_redirs(c, &s->xr, &rs)) == 0)
		st = builtin_run(ctx, s->pj.builtin, s->words.v + s->pj.argv0,
		    s->words.n - s->pj.argv0);
	restore_redirs(&rs);
	return st;
}

static int
run_program(struct exec_ctx *ctx, const struct command *c, struct simple *s,
    int forked)
{
	const char *name = s->words.v[s->pj.argv0], *eq;
	char *path, **envp;
	pid_t pid;
	size_t i;
	int st;

	for (i = 0; i < s->nassigns; i++)
		add_extra(ctx, s, s->names[i], strlen(s->names[i]),
		    s->values[i]);
	for (i = 1; i < s->pj.argv0; i++)
		if ((eq = strchr(s->words.v[i], '=')) != NULL)
			add_extra(ctx, s, s->words.v[i],
			    (size_t)(eq - s->words.v[i]), eq + 1);
	add_home(ctx, s);
	if ((path = find_program(ctx, name, s->pj.rule)) == NULL) {
		msg("%s: not found", name);
		return 127;
	}
	envp = vars_envp(ctx->vars, s->extra, s->nextra);
	if (forked)
		exec_program(c, &s->xr, path, s->words.v + s->pj.argv0, envp);
	if ((pid = spawn(1, JOB_FG)) == -1) {
		st = got_signal ? settle(ctx, 1) : 1;
		if (!got_signal)
			msg("fork: %s", strerror(errno));
	} else if (pid == 0)
		exec_program(c, &s->xr, path, s->words.v + s->pj.argv0, envp);
	else {
		st = reap(pid);
		job_done();
	}
	vars_envp_free(envp);
	free(path);
	return st;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Reports a command to the hook (the audit record, written before the
 * command starts).  -1: it must not run, the line stops.
 */
static int
report(struct exec_ctx *ctx, char *const *argv, size_t argc,
    const struct xredirs *xr, enum verdict v, const char *why, long *seq)
{
	*seq = 0;
	if (ctx->hooks.command == NULL)
		return 0;
	if (ctx->hooks.command(ctx->hooks.arg, argv, argc, xr->hook, xr->n, v,
	    why, seq) == -1) {
		/* the hook (the audit log) said why */
		stop_line(ctx, 126);
		return -1;
	}
	return 0;
}

static void
report_end(struct exec_ctx *ctx, long seq, int st, long t0)
{
	if (ctx->hooks.command_end != NULL && seq > 0)
		ctx->hooks.command_end(ctx->hooks.arg, seq, st,
		    now_ms() - t0);
}

static int
run_simple(struct exec_ctx *ctx, const struct command *c, int forked)
{
	struct simple s;
	struct redirs rs;
	enum expand_err rc;
	unsigned subs = cmdsubs;
	long seq, t0;
	int st;

	memset(&s, 0, sizeof(s));
	fields_init(&s.words);
	if ((rc = expand_simple(ctx, c, &s)) != EXPAND_OK) {
		st = expand_failed(ctx, rc);
		goto out;
	}
	judge_simple(ctx, &s);
	if ((st = expand_redirs(ctx, c, &s.xr)) != 0)
		goto out;
	if (report(ctx, s.hargv, s.nassigns + s.words.n, &s.xr, s.pj.verdict,
	    s.pj.why, &seq) == -1) {
		st = 126;
		goto out;
	}
	if (s.pj.verdict != V_ALLOW) {
		msg("denied: %s", s.pj.why != NULL ? s.pj.why : "denied");
		stop_line(ctx, 126);
		st = 126;
		goto out;
	}
	t0 = now_ms();
	if (s.words.n == 0) {
		/* NAME=value alone, or only redirections (>file) */
		assign_shell(ctx, &s);
		if ((st = apply_redirs(c, &s.xr, &rs)) == 0 && subs != cmdsubs)
			st = ctx->status;
		restore_redirs(&rs);
	} else if (s.pj.argv0 >= s.words.n)
		st = 0;
	else if (s.pj.builtin != B_NONE)
		st = run_builtin(ctx, c, &s);
	else
		st = run_program(ctx, c, &s, forked);
	report_end(ctx, seq, st, t0);
out:
	xredirs_free(&s.xr);
	simple_free(&s);
	return st;
}

/*
 * The redirections of a compound command (`( ... ) >log`) are expanded,
 * recorded like a command without words, and applied.  0, or the status.
 */
static int
compound_redirs(struct exec_ctx *ctx, const struct command *c,
    struct redirs *rs)
{
	struct xredirs xr;
	long seq;
	int st;

	memset(&xr, 0, sizeof(xr));
	if (rs != NULL) {
		memset(rs, 0, sizeof(*rs));
		rs->user_fds = user_fds;
	}
	if (c->nredirs == 0)
		return 0;
	if ((st = expand_redirs(ctx, c, &xr)) == 0) {
		if (report(ctx, NULL, 0, &xr, V_ALLOW,
		    "redirection of a compound command", &seq) == -1)
			st = 126;
		else
			st = apply_redirs(c, &xr, rs);
	}
	xredirs_free(&xr);
	return st;
}

/* Compound commands */

static int
run_if(struct exec_ctx *ctx, const struct command *c)
{
	size_t i;
	int st;

	for (i = 0; i < c->nclauses; i++) {
		st = run_list(ctx, c->clauses[i].cond);
		if (stopped(ctx))
			return settle(ctx, st);
		if (st == 0)
			return run_list(ctx, c->clauses[i].body);
	}
	if (c->elsebody != NULL)
		return run_list(ctx, c->elsebody);
	return 0;
}

static int
run_subshell(struct exec_ctx *ctx, const struct command *c, int forked)
{
	pid_t pid;
	int st;

	if (!forked) {
		if ((pid = spawn(0, JOB_FG)) == -1) {
			if (got_signal)
				return settle(ctx, 1);
			msg("fork: %s", strerror(errno));
			return 1;
		}
		if (pid != 0) {
			st = reap(pid);
			job_done();
			return settle(ctx, st);
		}
	}
	/* the child: cd, umask, variables and exit stay in here */
	if ((st = compound_redirs(ctx, c, NULL)) == 0)
		st = run_list(ctx, c->body);
	child_exit(ctx, st);
}

/* forked: this process is a child that ends after the command. */
static int
run_command(struct exec_ctx *ctx, const struct command *c, int forked)
{
	struct redirs rs;
	int st;

	if (stopped(ctx))
		return settle(ctx, ctx->status);
	switch (c->kind) {
	case C_SIMPLE:
		return run_simple(ctx, c, forked);
	case C_SUBSHELL:
		return run_subshell(ctx, c, forked);
	case C_IF:
		if ((st = compound_redirs(ctx, c, &rs)) == 0)
			st = run_if(ctx, c);
		restore_redirs(&rs);
		return st;
	}
	return 1;
}

static int
run_pipeline(struct exec_ctx *ctx, const struct pipeline *p)
{
	pid_t *pids, pid;
	size_t i, n = 0;
	int pfd[2], prev = -1, st = 0;

	if (p->ncmds == 1)
		st = run_command(ctx, &p->cmds[0], 0);
	else {
		pids = xcalloc(p->ncmds, sizeof(*pids));
		for (i = 0; i < p->ncmds && !stopped(ctx); i++) {
			pfd[0] = pfd[1] = -1;
			if (i + 1 < p->ncmds && pipe2(pfd, O_CLOEXEC) == -1) {
				msg("pipe: %s", strerror(errno));
				st = 1;
				break;
			}
			if ((pid = spawn(0, JOB_FG)) == -1) {
				if (!got_signal)
					msg("fork: %s", strerror(errno));
				st = 1;
				if (pfd[0] != -1) {
					close(pfd[0]);
					close(pfd[1]);
				}
				break;
			}
			if (pid == 0) {
				free(pids);
				if (prev != -1) {
					move_fd(prev, STDIN_FILENO);
					user_fds |= 1U << STDIN_FILENO;
				}
				if (pfd[1] != -1) {
					close(pfd[0]);
					move_fd(pfd[1], STDOUT_FILENO);
					user_fds |= 1U << STDOUT_FILENO;
				}
				child_exit(ctx, run_command(ctx, &p->cmds[i],
				    1));
			}
			pids[n++] = pid;
			if (prev != -1)
				close(prev);
			if (pfd[1] != -1)
				close(pfd[1]);
			prev = pfd[0];
		}
		if (prev != -1)
			close(prev);
		for (i = 0; i < n; i++)
			st = reap(pids[i]);
		job_done();
		if (n < p->ncmds && st == 0)
			st = 1;
		free(pids);
	}
	st = settle(ctx, st);
	if (p->bang && !stopped(ctx))
		st = st == 0 ? 1 : 0;
	return st;
}

static int
run_andor(struct exec_ctx *ctx, const struct andor *a)
{
	size_t i;
	int st;

	st = ctx->status = run_pipeline(ctx, &a->pipes[0]);
	for (i = 1; i < a->npipes && !stopped(ctx); i++) {
		if ((a->ops[i - 1] == AO_AND) != (st == 0))
			continue;
		st = ctx->status = run_pipeline(ctx, &a->pipes[i]);
	}
	return st;
}

/* cmd &: not waited for now; exec_run waits before it returns. */
static int
run_background(struct exec_ctx *ctx, const struct andor *a)
{
	pid_t pid;
	int fd;

	if ((pid = spawn(0, JOB_BG)) == -1) {
		if (got_signal)
			return settle(ctx, 1);
		msg("fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		/* sh without job control: a background job reads no terminal */
		if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1)
			move_fd(fd, STDIN_FILENO);
		child_exit(ctx, run_andor(ctx, a));
	}
	return 0;
}

static int
run_list(struct exec_ctx *ctx, const struct list *l)
{
	size_t i;

	if (l == NULL)
		return ctx->status;
	for (i = 0; i < l->nitems && !stopped(ctx); i++) {
		if (l->items[i].bg)
			ctx->status = run_background(ctx, &l->items[i]);
		else
			ctx->status = run_andor(ctx, &l->items[i]);
	}
	return settle(ctx, ctx->status);
}

enum expand_err
exec_cmdsub(struct exec_ctx *ctx, const struct list *l, struct sbuf *out)
{
	char buf[8192];
	pid_t pid;
	ssize_t n;
	int fd[2], toobig = 0;

	if (stopped(ctx))
		return EXPAND_STOPPED;
	if (pipe2(fd, O_CLOEXEC) == -1)
		return EXPAND_CMDSUB;
	cmdsubs++;
	if ((pid = spawn(0, JOB_NONE)) == -1) {
		close(fd[0]);
		close(fd[1]);
		if (got_signal) {
			stopped(ctx);
			return EXPAND_STOPPED;
		}
		return EXPAND_CMDSUB;
	}
	if (pid == 0) {
		close(fd[0]);
		move_fd(fd[1], STDOUT_FILENO);
		user_fds |= 1U << STDOUT_FILENO;
		child_exit(ctx, run_list(ctx, l));
	}
	close(fd[1]);
	for (;;) {
		if ((n = read(fd[0], buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > EXPAND_CMDSUB_MAX) {
			toobig = 1;
			break;
		}
		sbuf_addn(out, buf, (size_t)n);
	}
	close(fd[0]);
	if (toobig)
		kill(pid, SIGTERM);
	ctx->status = reap(pid);
	if (toobig)
		return EXPAND_TOOBIG;
	if (stopped(ctx))
		return EXPAND_STOPPED;
	return EXPAND_OK;
}

/*
 * fds 3-9 are the line's: a redirection (3>f, even in a subshell, where
 * the hook still runs) would replace whatever the session kept there,
 * and the audit records of that process would go to the user's file.
 * The session keeps its own fds at 10 or above; a line is refused
 * rather than run with one of them in reach.
 */
static int
fds_free(void)
{
	int fd;

	for (fd = STDERR_FILENO + 1; fd <= USER_FD_MAX; fd++)
		if (fcntl(fd, F_GETFD) != -1) {
			msg("fd %d is open: the session must keep its files "
			    "above fd %d", fd, USER_FD_MAX);
			return 0;
		}
	return 1;
}

int
exec_run(struct exec_ctx *ctx, const struct list *l)
{
	void *page;
	int st;

	if (!fds_free()) {
		ctx->status = 1;
		return 1;
	}

	/* ^C or ^\ at an interactive prompt must not end the next line */
	if (got_signal == SIGINT || got_signal == SIGQUIT)
		got_signal = 0;
	shell_pid = getpid();
	job_sig = 0;
	ctx->denied = 0;
	user_fds = (1U << 0) | (1U << 1) | (1U << 2);
	ctx->stop = 0;
	page = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		msg("mmap: %s", strerror(errno));
		ctx->status = 1;
		return 1;
	}
	line_stop = page;
	*line_stop = 0;
	st = run_list(ctx, l);
	reap_all();
	st = settle(ctx, st);
	ctx->denied = *line_stop == 126;
	line_stop = NULL;
	munmap(page, sizeof(int));
	free(kids);
	kids = NULL;
	nkids = kidscap = 0;
	ctx->status = st;
	return st;
}
