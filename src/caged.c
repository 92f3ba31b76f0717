/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * caged.c: the caged shell, the child of the session's fork.  It starts
 * as root only to enter the cage and drop every privilege for good;
 * everything after priv_drop_user() runs as the user, and only then is
 * anything the user can write touched.  It never writes a record: it
 * tells the monitor the facts and waits for its answer before each
 * command starts.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "bench.h"
#include "caged.h"
#include "cage.h"
#include "conf.h"
#include "errmsg.h"
#include "exec.h"
#include "filter.h"
#include "interactive.h"
#include "judge.h"
#include "landlock.h"
#include "monitor.h"
#include "msg.h"
#include "policy.h"
#include "priv.h"
#include "rlimits.h"
#include "session.h"
#include "status.h"
#include "vars.h"
#include "vis.h"
#include "xmalloc.h"

struct caged {
	const struct session	*s;
	int			 sock;
	struct vars		*vars;
};

static void __attribute__((noreturn))
refuse(int sock, const char *shown, const char *why)
{
	struct msg m;

	err_warnx("%s", shown != NULL ? shown : why);
	msg_init(&m, M_REFUSED);
	msg_str(&m, T_REASON, why, strlen(why));
	(void)msg_send(sock, &m);
	msg_free(&m);
	_exit(CAGESH_EXIT_SETUP);
}

static void
cwd_field(struct msg *m, char *buf, size_t len)
{
	if (getcwd(buf, len) == NULL)
		snprintf(buf, len, "?");
	msg_str(m, T_CWD, buf, strlen(buf));
}

static void
cmd_fields(struct msg *m, char *const *argv, size_t argc,
    const struct exec_redir *r, size_t nr, enum verdict v, const char *why)
{
	size_t i;

	for (i = 0; i < argc; i++)
		msg_str(m, T_ARG, argv[i], strlen(argv[i]));
	for (i = 0; i < nr; i++) {
		msg_num(m, T_REDIR_FD, r[i].fd);
		msg_str(m, T_REDIR_OP, r[i].op, strlen(r[i].op));
		msg_str(m, T_REDIR_TARGET, r[i].target, strlen(r[i].target));
	}
	msg_num(m, T_VERDICT, v == V_ALLOW ? 0 : 1);
	if (why != NULL)
		msg_str(m, T_WHY, why, strlen(why));
}

/*
 * Every simple command, after expansion, is on record before it runs:
 * the monitor answers only once its record is written.
 */
static int
hook_command(void *arg, char *const *argv, size_t argc,
    const struct exec_redir *r, size_t nr, enum verdict v, const char *why,
    long *seq)
{
	struct caged *cg = arg;
	char cwd[PATH_MAX];
	struct msg m;
	int64_t num = 0;
	int yes;

	msg_init(&m, M_EXEC);
	cwd_field(&m, cwd, sizeof(cwd));
	cmd_fields(&m, argv, argc, r, nr, v, why);
	yes = msg_call(cg->sock, &m, &num);
	msg_free(&m);
	if (yes != 1) {
		err_warnx("the audit record could not be "
		    "written: the command does not run");
		return -1;
	}
	*seq = (long)num;
	return 0;
}

/*
 * An admin action: the monitor matches the words again and runs it on
 * the host, its output on our fds 1 and 2 (a closed one: /dev/null).
 */
static int
hook_action(void *arg, const char *name, char *const *words, size_t n)
{
	struct caged *cg = arg;
	char cwd[PATH_MAX];
	struct msg m;
	int64_t num = 0;
	size_t i;
	int fds[2], opened[2] = { -1, -1 }, yes;

	for (i = 0; i < 2; i++) {
		fds[i] = (int)i + 1;
		if (fcntl(fds[i], F_GETFD) == -1 &&
		    (fds[i] = opened[i] = open("/dev/null", O_WRONLY |
		    O_CLOEXEC)) == -1) {
			fprintf(stderr, "cagesh: /dev/null: %s\n",
			    strerror(errno));
			if (i == 1 && opened[0] != -1)
				close(opened[0]);
			return -1;
		}
	}
	(void)fflush(stdout);
	msg_init(&m, M_ACTION);
	cwd_field(&m, cwd, sizeof(cwd));
	msg_str(&m, T_ACTION, name, strlen(name));
	for (i = 0; i < n; i++)
		msg_str(&m, T_ARG, words[i], strlen(words[i]));
	yes = msg_call_fds(cg->sock, &m, fds, 2, &num);
	msg_free(&m);
	for (i = 0; i < 2; i++)
		if (opened[i] != -1)
			close(opened[i]);
	if (yes != 1) {
		if (yes == -1)
			fprintf(stderr, "cagesh: action %s: the monitor did "
			    "not answer: %s\n", name, strerror(errno));
		return -1;
	}
	return (int)(num & 0xff);
}

static void
hook_command_end(void *arg, long seq, int status, long duration_ms)
{
	struct caged *cg = arg;
	struct msg m;

	msg_init(&m, M_EXEC_END);
	msg_num(&m, T_SEQ, seq);
	msg_num(&m, T_STATUS, status);
	msg_num(&m, T_DURATION, duration_ms);
	(void)msg_send(cg->sock, &m);
	msg_free(&m);
}

/*
 * In the child, before execve: the monitor moves this process out of the
 * session's cgroup if its own judgement says daemon (monitor.c).
 */
static int
hook_daemon(void *arg, long seq)
{
	struct caged *cg = arg;
	struct msg m;
	int64_t num = 0;
	int yes;

	msg_init(&m, M_DAEMON);
	msg_num(&m, T_SEQ, seq);
	yes = msg_call(cg->sock, &m, &num);
	msg_free(&m);
	return yes == 1 ? 0 : -1;
}

static struct vars *
session_env(const struct session *s)
{
	const struct profile *p = s->ent->profile;
	struct vars *v = vars_new();
	struct sbuf path;
	size_t i;

	sbuf_init(&path);
	for (i = 0; i < p->npath; i++) {
		if (i > 0)
			sbuf_addc(&path, ':');
		sbuf_adds(&path, p->path[i]);
	}
	vars_set(v, "PATH", path.s, 1);
	sbuf_free(&path);
	vars_set(v, "HOME", s->ent->home, 1);
	vars_set(v, "USER", s->user, 1);
	vars_set(v, "LOGNAME", s->user, 1);
	vars_set(v, "SHELL", s->shell, 1);
	vars_set(v, "PWD", s->ent->home, 1);
	if (s->lang != NULL)
		vars_set(v, "LANG", s->lang, 1);
	if (s->term != NULL)
		vars_set(v, "TERM", s->term, 1);
	if (s->ssh_connection != NULL)
		vars_set(v, "SSH_CONNECTION", s->ssh_connection, 1);
	if (s->ssh_client != NULL)
		vars_set(v, "SSH_CLIENT", s->ssh_client, 1);
	if (s->agent_sock[0] != '\0')
		vars_set(v, "SSH_AUTH_SOCK", s->agent_sock, 1);
	for (i = 0; i < p->nsetenv; i++)
		vars_set(v, p->setenv[i].name, p->setenv[i].value, 1);
	return v;
}

static int
send_or_fail(int sock, const struct msg *m)
{
	if (msg_send(sock, m) == -1) {
		err_warn("audit");
		return -1;
	}
	return 0;
}

/* The commands of a line denied before anything ran: the monitor keeps them. */
static int
report_judged(int sock, const struct pline *pl)
{
	char cwd[PATH_MAX];
	struct msg m;
	size_t i;
	int r = 0;

	for (i = 0; i < pl->n && r == 0; i++) {
		if (pl->e[i].verdict == V_DENY)
			err_warnx("denied: %s", pl->e[i].why);
		msg_init(&m, M_JUDGED);
		cwd_field(&m, cwd, sizeof(cwd));
		cmd_fields(&m, pl->e[i].argv, pl->e[i].argc, NULL, 0,
		    pl->e[i].verdict, pl->e[i].why);
		r = send_or_fail(sock, &m);
		msg_free(&m);
	}
	return r;
}

/*
 * Parses, judges and runs one line, the monitor told of each step.
 * Returns its status; *exited is set when the line ran the exit builtin.
 */
static int
run_line(struct caged *cg, const char *line, int *exited)
{
	const struct session *s = cg->s;
	struct exec_ctx ctx;
	struct judged j;
	struct msg m;
	char cwd[PATH_MAX], *why;
	int status, r;

	*exited = 0;
	msg_init(&m, M_LINE);
	cwd_field(&m, cwd, sizeof(cwd));
	msg_str(&m, T_LINE, line, strlen(line));
	r = send_or_fail(cg->sock, &m);
	msg_free(&m);
	if (r == -1)
		return 1;

	if (judge_line(s->ent->profile, &s->conf->limits, line, strlen(line),
	    &j) == -1) {
		xasprintf(&why, "%s: %s", parse_strerror(j.perr.code),
		    j.perr.msg);
		err_warnx("%s", why);
		msg_init(&m, M_JUDGED);
		cwd_field(&m, cwd, sizeof(cwd));
		cmd_fields(&m, NULL, 0, NULL, 0, V_DENY, why);
		(void)send_or_fail(cg->sock, &m);
		msg_free(&m);
		free(why);
		status = j.perr.code == PARSE_SYNTAX ?
		    CAGESH_EXIT_SYNTAX : CAGESH_EXIT_DENIED;
	} else if (j.pl.verdict != V_ALLOW) {
		/* Nothing of a line with a denied part runs. */
		(void)report_judged(cg->sock, &j.pl);
		status = CAGESH_EXIT_DENIED;
	} else {
		BENCH_MARK("judge");
		memset(&ctx, 0, sizeof(ctx));
		ctx.profile = s->ent->profile;
		ctx.limits = &s->conf->limits;
		ctx.vars = cg->vars;
		ctx.hooks.command = hook_command;
		ctx.hooks.command_end = hook_command_end;
		ctx.hooks.daemon = hook_daemon;
		ctx.hooks.action = hook_action;
		ctx.hooks.arg = cg;
		if (s->mode == SM_LOGIN)
			ctx.hooks.history = interactive_history;
		status = exec_run(&ctx, j.ast);
		BENCH_MARK("exec");
		*exited = ctx.exited;
	}
	judged_free(&j);

	msg_init(&m, M_LINE_END);
	msg_num(&m, T_STATUS, status & 0xff);
	r = msg_call(cg->sock, &m, NULL);
	msg_free(&m);
	if (r != 1) {
		err_warnx("the audit record could not be "
		    "written");
		return status != 0 ? status : 1;
	}
	return status;
}

/* Like -c, plus: with on_failure = deny, no line runs while the log is full. */
static int
interactive_line(void *arg, const char *line, int *exited)
{
	struct caged *cg = arg;
	struct msg m;
	int r;

	*exited = 0;
	msg_init(&m, M_PROBE);
	r = msg_call(cg->sock, &m, NULL);
	msg_free(&m);
	if (r != 1) {
		err_warnx("the audit log cannot be written: "
		    "the line does not run");
		return 1;
	}
	return run_line(cg, line, exited);
}

/* An interactive session: lines until exit, ^D, the idle timeout or a signal. */
static int
interactive(struct caged *cg)
{
	const struct session *s = cg->s;
	struct interactive in;
	enum interactive_end end;
	struct msg m;
	int status;

	memset(&in, 0, sizeof(in));
	in.conf = &s->conf->shell;
	in.profile = s->ent->profile;
	in.user = s->user;
	in.home = s->ent->home;
	in.term = s->term;
	in.run = interactive_line;
	in.arg = cg;
	status = interactive_run(&in, &end);
	if (end == IE_IDLE) {
		msg_init(&m, M_END);
		msg_str(&m, T_REASON, MONITOR_END_IDLE,
		    strlen(MONITOR_END_IDLE));
		(void)send_or_fail(cg->sock, &m);
		msg_free(&m);
	}
	return status;
}

/*
 * Before anything else: the monitor's socket moves above the fds a line
 * may redirect (0-9), and every other descriptor the root side holds
 * (the audit log, PAM's, syslog's) is closed.  Returns the socket.
 */
static int
child_fds(int sock)
{
	int keep;

	closelog();
	if ((keep = fcntl(sock, F_DUPFD_CLOEXEC, 10)) == -1) {
		err_warn("fcntl");
		_exit(CAGESH_EXIT_SETUP);
	}
	session_close_fds(3, (unsigned int)keep - 1);
	session_close_fds((unsigned int)keep + 1, ~0U);
	return keep;
}

static int
signals_reset(const sigset_t *mask)
{
	static const int sigs[] = {
		SIGHUP, SIGTERM, SIGINT, SIGPIPE, SIGTTOU, SIGTTIN, SIGTSTP,
		SIGXFSZ, SIGCHLD,
	};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	return sigprocmask(SIG_SETMASK, mask, NULL);
}

/*
 * The limits PAM made for the user, on the caller's.  Only ever lowered
 * (without CAP_SYS_RESOURCE nothing can be raised): a limit above what
 * this process has stays at this process's; a lowering that fails
 * refuses the session rather than run it with less limited than PAM
 * said.  0, or -1 with why.
 */
static int
pam_limits(const struct session *s, char *why, size_t len)
{
	struct rlimit now, rl;
	int i;

	for (i = 0; i < SESSION_NLIMITS; i++) {
		if (getrlimit(i, &now) == -1)
			continue;	/* a resource this kernel does not know */
		rl = s->limits[i];
		if (rl.rlim_max > now.rlim_max)
			rl.rlim_max = now.rlim_max;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		if (setrlimit(i, &rl) == -1) {
			snprintf(why, len, "resource limit %d: %s", i,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

void
caged_run(struct session *s, int sock, const sigset_t *mask)
{
	struct caged cg;
	struct msg m;
	char why[512], warning[512] = "";
	int exited, status, r;

	sock = child_fds(sock);
	/* What reaches the client's terminal: all ASCII unless UTF-8. */
	vis_set_utf8(vis_locale_utf8(NULL, NULL, s->lang));
	if (signals_reset(mask) == -1)
		refuse(sock, NULL, "sigprocmask failed");
	if (pam_limits(s, why, sizeof(why)) == -1)
		refuse(sock, NULL, why);
	umask(022);
	BENCH_MARK("child");
	if (cage_enter(s->ent->cage, why, sizeof(why)) == -1)
		refuse(sock, "the cage cannot be entered safely; see the "
		    "audit log", why);
	BENCH_MARK("cage");
	if (priv_drop_user(s->uid, s->gid, s->gids, s->ngids, why,
	    sizeof(why)) == -1)
		refuse(sock, NULL, why);
	BENCH_MARK("priv");
	/* the profile's limits, lower still than PAM's where it says so */
	if (rlimits_apply(&s->ent->profile->limits, why, sizeof(why)) == -1)
		refuse(sock, NULL, why);
	/* no_new_privs is set: the kernel layers, seccomp last */
	switch (landlock_confine(&s->ent->profile->confine, s->ent->home, why,
	    sizeof(why))) {
	case -1:
		refuse(sock, "the session cannot be confined; see the audit "
		    "log", why);
	case 1:
		snprintf(warning, sizeof(warning), "%s", why);
		break;
	}
	if (filter_install(why, sizeof(why)) == -1)
		refuse(sock, NULL, why);
	/* config there may name programs: only root may write it */
	if (s->ent->profile->program_home != NULL &&
	    cage_root_dir(s->ent->profile->program_home, "program_home", why,
	    sizeof(why)) == -1)
		refuse(sock, "the programs' home in the cage is not safe; see "
		    "the audit log", why);
	/* Only now, unprivileged, anything the user can write is touched. */
	if (chdir(s->ent->home) == -1) {
		snprintf(why, sizeof(why), "home %s in the cage: %s",
		    s->ent->home, strerror(errno));
		refuse(sock, "the home directory in the cage cannot be "
		    "entered; see the audit log", why);
	}
	msg_init(&m, M_START);
	if (warning[0] != '\0')
		msg_str(&m, T_REASON, warning, strlen(warning));
	r = msg_call(sock, &m, NULL);
	msg_free(&m);
	if (r != 1)
		refuse(sock, NULL, "the audit log cannot be written");
	BENCH_MARK("started");
	memset(&cg, 0, sizeof(cg));
	cg.s = s;
	cg.sock = sock;
	cg.vars = session_env(s);
	exec_signals_install();
	if (s->mode == SM_LOGIN)
		status = interactive(&cg);
	else
		status = run_line(&cg, s->line, &exited);
	vars_free(cg.vars);
	_exit(status);
}
