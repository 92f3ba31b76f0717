/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * exec.c: the executor's walk of the tree.  Runs in the caged shell, as
 * the user (never root).
 *
 * Every simple command is expanded, judged again by the policy on the
 * words it will really get (a glob can match a file named "-rf", a
 * variable can hold anything), reported to the hook, and only then
 * run: a builtin in this process, a program by fork + execve of an
 * absolute path.  Never a shell, execvp, system or popen.  Children,
 * signals and the terminal are jobs.c's; redirections redir.c's.
 *
 * How a line stops.  A denial (or a hook failure, or a substitution
 * too large) must end the whole line, also when it happens in a child:
 * a subshell, a pipeline element or a command substitution.  An exit
 * code cannot say so, since programs exit 126 too, so the line has one
 * shared anonymous page (MAP_SHARED, inherited by every child) holding
 * the status the line stops with; 0 while it runs.  Every process of the
 * line checks it after each child it reaps and before each command.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "ast.h"
#include "builtin.h"
#include "conf.h"
#include "errmsg.h"
#include "exec.h"
#include "expand.h"
#include "jobs.h"
#include "policy.h"
#include "progpath.h"
#include "redir.h"
#include "status.h"
#include "vars.h"
#include "xmalloc.h"

/*
 * The state of one exec_run(), on its stack and reached through
 * ctx->run; a forked child of the line works on its own copy.
 */
struct exec_state {
	struct expand_ctx xc;		/* $NAME, $?, $$, $(...) */
	volatile int	*stop;		/* shared page: status to stop with */
	unsigned	 fds;		/* bit N: fd N holds the line's file */
	unsigned	 cmdsubs;	/* substitutions run so far */
	struct jobs	 jobs;
};

static int	run_list(struct exec_ctx *, const struct list *);
static int	run_command(struct exec_ctx *, const struct command *, int);

pid_t
exec_shell_pid(const struct exec_ctx *ctx)
{
	return ctx->run != NULL ? ctx->run->xc.shell_pid : getpid();
}

void
exec_signals_install(void)
{
	jobs_signals_install();
}

int
exec_signal_take(void)
{
	return jobs_signal_take();
}

int
exec_terminal(int fd)
{
	return jobs_terminal(fd);
}

/* How the line stands */

static void
stop_line(struct exec_ctx *ctx, int status)
{
	if (*ctx->run->stop == 0)
		*ctx->run->stop = status;
	ctx->stop = 1;
}

static int
stopped(struct exec_ctx *ctx)
{
	if (*ctx->run->stop != 0 || jobs_signal())
		ctx->stop = 1;
	return ctx->stop;
}

/* The status the line ends with once it stopped, or status. */
static int
settle(struct exec_ctx *ctx, int status)
{
	if (*ctx->run->stop != 0) {
		ctx->stop = 1;
		return *ctx->run->stop;
	}
	if (jobs_signal()) {
		ctx->stop = 1;
		return 128 + jobs_signal();
	}
	return status;
}

/* A forked cagesh child ends here, its children first. */
static void __attribute__((noreturn))
child_exit(struct exec_ctx *ctx, int status)
{
	jobs_reap_all(&ctx->run->jobs);
	jobs_exit(settle(ctx, status));
}

static int
expand_failed(struct exec_ctx *ctx, enum expand_err rc)
{
	if (rc != EXPAND_STOPPED) {
		err_warnx("%s", expand_strerror(rc));
		stop_line(ctx, 1);
	}
	return settle(ctx, 1);
}

/* 0, or the status of the failure (reported). */
static int
expand_redirs(struct exec_ctx *ctx, const struct command *c,
    struct redir_targets *t)
{
	enum expand_err rc;
	int st;

	if ((st = redir_expand(t, c, &ctx->run->xc, &rc)) == -1)
		return expand_failed(ctx, rc);
	return st;
}

/* Programs */

static char *
find_program(const struct exec_ctx *ctx, const char *name,
    const struct rule *r)
{
	char *p;

	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	if ((p = progpath_find("", ctx->profile, name)) != NULL)
		return p;
	if (r != NULL && r->path != NULL)
		return xstrdup(r->path);
	return NULL;
}

/*
 * execve said ENOENT of a file that is there: a script whose #!
 * interpreter (or an ELF file whose loader) is not in the cage.  Says
 * which, so that "No such file" does not seem to be about the file
 * itself; 1 if it said something.
 */
static int
missing_interp(const char *path)
{
	char buf[256], *p, *e;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n >= 4 && memcmp(buf, "\177ELF", 4) == 0) {
		err_warnx("%s: its loader or a library is not in the cage "
		    "(cagesh-jail update)", path);
		return 1;
	}
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[n] = '\0';
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	e = p + strcspn(p, " \t\n");
	*e = '\0';
	err_warnx("%s: its interpreter %s is not in the cage (cagesh-jail "
	    "update)", path, p);
	return 1;
}

/* In the child: redirections, then the program; never returns. */
static void __attribute__((noreturn))
exec_program(struct exec_ctx *ctx, const struct command *c,
    const struct redir_targets *t, const char *path, char *const *argv,
    char *const *envp, long daemon_seq)
{
	int st;

	jobs_program();
	if ((st = redir_apply(c, t, &ctx->run->fds, NULL)) != 0)
		_exit(st);
	if (daemon_seq > 0 && (ctx->hooks.daemon == NULL ||
	    ctx->hooks.daemon(ctx->hooks.arg, daemon_seq) == -1)) {
		err_warnx("%s: the monitor did not let it outlive the "
		    "session (daemon rule): it does not run", path);
		_exit(CAGESH_EXIT_DENIED);
	}
	execve(path, argv, envp);
	st = errno;
	if (st != ENOENT || !missing_interp(path))
		err_warnx("%s: %s", path, strerror(st));
	_exit(st == ENOENT ? CAGESH_EXIT_NOTFOUND : CAGESH_EXIT_DENIED);
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
	char		**argv;		/* what runs: pj.keep, paths fixed */
	struct redir_targets xr;
	struct pjudge	 pj;
	long		 seq;		/* the hook's number for it */
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
	free(s->argv);
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
		if ((rc = expand_word(&ctx->run->xc, &c->words[i], flags,
		    &s->words)) != EXPAND_OK)
			return rc;
	s->names = xcalloc(c->nassigns + 1, sizeof(*s->names));
	s->values = xcalloc(c->nassigns + 1, sizeof(*s->values));
	for (i = 0; i < c->nassigns; i++) {
		fields_init(&f);
		rc = expand_word(&ctx->run->xc, &c->assigns[i].value,
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
	struct presolve res;
	struct passign *pa;
	struct pword *pw;
	struct pcmd pc;
	size_t i, k, n;

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
	/* a path to a program must be the file the profile's path finds */
	res.same = progpath_same;
	res.arg = (void *)"";
	policy_judge_r(ctx->profile, &res, &pc, &s->pj);
	free(pa);
	free(pw);
	/* what runs: env and dropped values left out, paths the profile's */
	s->argv = xcalloc(s->pj.nkeep + 1, sizeof(*s->argv));
	for (i = 0; i < s->pj.nkeep; i++) {
		s->argv[i] = s->words.v[s->pj.keep[i]];
		for (k = 0; k < s->pj.nfix; k++)
			if (s->pj.fix[k].word == s->pj.keep[i] && i > 0)
				s->argv[i] = s->pj.fix[k].path;
	}

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
	struct redir_undo rs;
	int st;

	if ((st = redir_apply(c, &s->xr, &ctx->run->fds, &rs)) == 0)
		st = builtin_run(ctx, s->pj.builtin, s->argv, s->pj.nkeep);
	redir_restore(&rs, &ctx->run->fds);
	return st;
}

/* A daemon rule's command: its record's number, for the monitor. */
static long
daemon_seq(const struct simple *s)
{
	return s->pj.daemon ? s->seq : 0;
}

/*
 * The file to run: for a program named by path, the one the profile's
 * path found when it was judged (the same file), not the line's path.
 */
static char *
program_path(struct exec_ctx *ctx, struct simple *s)
{
	size_t k;

	for (k = 0; k < s->pj.nfix; k++)
		if (s->pj.fix[k].word == s->pj.keep[0])
			return xstrdup(s->pj.fix[k].path);
	return find_program(ctx, s->argv[0], s->pj.rule);
}

/* Only the monitor runs an action: the shell asks it, fds 1 and 2 passed. */
static int
run_action(struct exec_ctx *ctx, const struct command *c, struct simple *s)
{
	struct redir_undo rs;
	int st;

	if (ctx->hooks.action == NULL) {
		err_warnx("action %s: actions run only in a session",
		    s->pj.action->name);
		return CAGESH_EXIT_DENIED;
	}
	if ((st = redir_apply(c, &s->xr, &ctx->run->fds, &rs)) == 0 &&
	    (st = ctx->hooks.action(ctx->hooks.arg, s->pj.action->name,
	    s->words.v, s->words.n)) < 0) {
		stop_line(ctx, CAGESH_EXIT_DENIED);
		st = CAGESH_EXIT_DENIED;
	}
	redir_restore(&rs, &ctx->run->fds);
	return st;
}

static int
run_program(struct exec_ctx *ctx, const struct command *c, struct simple *s,
    int forked)
{
	const char *name = s->argv[0], *w, *eq;
	char *path, **envp;
	pid_t pid;
	size_t i;
	int st;

	for (i = 0; i < s->nassigns; i++)
		add_extra(ctx, s, s->names[i], strlen(s->names[i]),
		    s->values[i]);
	for (i = 0; i < s->pj.nenvw; i++) {
		w = s->words.v[s->pj.envw[i]];
		if ((eq = strchr(w, '=')) != NULL)
			add_extra(ctx, s, w, (size_t)(eq - w), eq + 1);
	}
	add_home(ctx, s);
	if ((path = program_path(ctx, s)) == NULL) {
		err_warnx("%s: not found", name);
		return CAGESH_EXIT_NOTFOUND;
	}
	envp = vars_envp(ctx->vars, s->extra, s->nextra);
	if (forked)
		exec_program(ctx, c, &s->xr, path, s->argv, envp,
		    daemon_seq(s));
	if ((pid = jobs_spawn(&ctx->run->jobs, 1, JOB_FG)) == -1) {
		/* no fork: a failure to run, not a denial (status.h) */
		st = jobs_signal() ? settle(ctx, CAGESH_EXIT_FAILED) :
		    CAGESH_EXIT_FAILED;
		if (!jobs_signal())
			err_warnx("fork: %s", strerror(errno));
	} else if (pid == 0)
		exec_program(ctx, c, &s->xr, path, s->argv, envp,
		    daemon_seq(s));
	else {
		st = jobs_reap(&ctx->run->jobs, pid);
		jobs_done(&ctx->run->jobs);
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
    const struct redir_targets *xr, enum verdict v, const char *why, long *seq)
{
	*seq = 0;
	if (ctx->hooks.command == NULL)
		return 0;
	if (ctx->hooks.command(ctx->hooks.arg, argv, argc, xr->hook, xr->n, v,
	    why, seq) == -1) {
		/* the hook (the audit log) said why */
		stop_line(ctx, CAGESH_EXIT_DENIED);
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
	struct redir_undo rs;
	enum expand_err rc;
	unsigned subs = ctx->run->cmdsubs;
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
		st = CAGESH_EXIT_DENIED;
		goto out;
	}
	s.seq = seq;
	if (s.pj.verdict != V_ALLOW) {
		err_warnx("denied: %s", s.pj.why != NULL ? s.pj.why : "denied");
		stop_line(ctx, CAGESH_EXIT_DENIED);
		st = CAGESH_EXIT_DENIED;
		goto out;
	}
	t0 = now_ms();
	if (s.words.n == 0) {
		/* NAME=value alone, or only redirections (>file) */
		assign_shell(ctx, &s);
		if ((st = redir_apply(c, &s.xr, &ctx->run->fds, &rs)) == 0 &&
		    subs != ctx->run->cmdsubs)
			st = ctx->status;
		redir_restore(&rs, &ctx->run->fds);
	} else if (s.pj.action != NULL)
		st = run_action(ctx, c, &s);
	else if (s.pj.nkeep == 0)
		st = 0;
	else if (s.pj.builtin != NULL)
		st = run_builtin(ctx, c, &s);
	else
		st = run_program(ctx, c, &s, forked);
	report_end(ctx, seq, st, t0);
out:
	redir_targets_free(&s.xr);
	simple_free(&s);
	return st;
}

/*
 * The redirections of a compound command (`( ... ) >log`) are expanded,
 * recorded like a command without words, and applied.  0, or the status.
 */
static int
compound_redirs(struct exec_ctx *ctx, const struct command *c,
    struct redir_undo *rs)
{
	struct redir_targets xr;
	long seq;
	int st;

	memset(&xr, 0, sizeof(xr));
	if (rs != NULL) {
		memset(rs, 0, sizeof(*rs));
		rs->fds = ctx->run->fds;
	}
	if (c->nredirs == 0)
		return 0;
	if ((st = expand_redirs(ctx, c, &xr)) == 0) {
		if (report(ctx, NULL, 0, &xr, V_ALLOW,
		    "redirection of a compound command", &seq) == -1)
			st = CAGESH_EXIT_DENIED;
		else
			st = redir_apply(c, &xr, &ctx->run->fds, rs);
	}
	redir_targets_free(&xr);
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
		if ((pid = jobs_spawn(&ctx->run->jobs, 0, JOB_FG)) == -1) {
			if (jobs_signal())
				return settle(ctx, CAGESH_EXIT_FAILED);
			err_warnx("fork: %s", strerror(errno));
			return CAGESH_EXIT_FAILED;
		}
		if (pid != 0) {
			st = jobs_reap(&ctx->run->jobs, pid);
			jobs_done(&ctx->run->jobs);
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
	struct redir_undo rs;
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
		redir_restore(&rs, &ctx->run->fds);
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
				err_warnx("pipe: %s", strerror(errno));
				st = CAGESH_EXIT_FAILED;
				break;
			}
			if ((pid = jobs_spawn(&ctx->run->jobs, 0, JOB_FG)) ==
			    -1) {
				if (!jobs_signal())
					err_warnx("fork: %s", strerror(errno));
				st = CAGESH_EXIT_FAILED;
				if (pfd[0] != -1) {
					close(pfd[0]);
					close(pfd[1]);
				}
				break;
			}
			if (pid == 0) {
				free(pids);
				if (prev != -1) {
					redir_move(prev, STDIN_FILENO);
					ctx->run->fds |= 1U << STDIN_FILENO;
				}
				if (pfd[1] != -1) {
					close(pfd[0]);
					redir_move(pfd[1], STDOUT_FILENO);
					ctx->run->fds |= 1U << STDOUT_FILENO;
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
			st = jobs_reap(&ctx->run->jobs, pids[i]);
		jobs_done(&ctx->run->jobs);
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

	if ((pid = jobs_spawn(&ctx->run->jobs, 0, JOB_BG)) == -1) {
		if (jobs_signal())
			return settle(ctx, CAGESH_EXIT_FAILED);
		err_warnx("fork: %s", strerror(errno));
		return CAGESH_EXIT_FAILED;
	}
	if (pid == 0) {
		/* sh without job control: a background job reads no terminal */
		if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1)
			redir_move(fd, STDIN_FILENO);
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

/* expand's callback for $(...): the list runs in a child of the line. */
static enum expand_err
run_cmdsub(void *arg, const struct list *l, struct sbuf *out)
{
	struct exec_ctx *ctx = arg;
	char buf[8192];
	pid_t pid;
	ssize_t n;
	int fd[2], toobig = 0;

	if (stopped(ctx))
		return EXPAND_STOPPED;
	if (pipe2(fd, O_CLOEXEC) == -1)
		return EXPAND_CMDSUB;
	ctx->run->cmdsubs++;
	if ((pid = jobs_spawn(&ctx->run->jobs, 0, JOB_NONE)) == -1) {
		close(fd[0]);
		close(fd[1]);
		if (jobs_signal()) {
			stopped(ctx);
			return EXPAND_STOPPED;
		}
		return EXPAND_CMDSUB;
	}
	if (pid == 0) {
		close(fd[0]);
		redir_move(fd[1], STDOUT_FILENO);
		ctx->run->fds |= 1U << STDOUT_FILENO;
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
	ctx->status = jobs_reap(&ctx->run->jobs, pid);
	if (toobig)
		return EXPAND_TOOBIG;
	if (stopped(ctx))
		return EXPAND_STOPPED;
	return EXPAND_OK;
}

int
exec_run(struct exec_ctx *ctx, const struct list *l)
{
	struct exec_state run;
	void *page;
	int st;

	if (!redir_fds_free()) {
		ctx->status = 1;
		return 1;
	}

	memset(&run, 0, sizeof(run));
	jobs_begin(&run.jobs);
	run.xc.vars = ctx->vars;
	run.xc.status = &ctx->status;
	run.xc.shell_pid = getpid();
	run.xc.cmdsub = run_cmdsub;
	run.xc.arg = ctx;
	run.fds = (1U << 0) | (1U << 1) | (1U << 2);
	ctx->denied = 0;
	ctx->stop = 0;
	page = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		err_warnx("mmap: %s", strerror(errno));
		ctx->status = 1;
		return 1;
	}
	run.stop = page;
	*run.stop = 0;
	ctx->run = &run;
	st = run_list(ctx, l);
	jobs_reap_all(&run.jobs);
	st = settle(ctx, st);
	ctx->denied = *run.stop == CAGESH_EXIT_DENIED;
	ctx->run = NULL;
	munmap(page, sizeof(int));
	jobs_end();
	ctx->status = st;
	return st;
}
