/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * monitor.c: the root side of a session after the fork.  Runs as root
 * (real, effective and saved), outside the cage, for as long as the
 * caged shell lives, and writes the session's end however it ends.
 *
 * Everything it gets comes from the caged side and is checked here: a
 * message's type must be one the table lists for the session's state,
 * its fields the ones that type takes, in order, each of the right kind
 * and size.  Anything else ends the session ("lost").  Its memory is
 * bounded: one datagram buffer (MSG_MAX) and the current line's record,
 * at most log.record_max bytes of values.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "action.h"
#include "actionrun.h"
#include "audit.h"
#include "auditfile.h"
#include "bench.h"
#include "caged.h"
#include "cgroup.h"
#include "monitor.h"
#include "msg.h"
#include "parse.h"
#include "policy.h"
#include "session.h"
#include "status.h"
#include "xmalloc.h"

/* How long the processes the shell left get to die once killed. */
#define KILL_WAIT_MS	2000

/* After SIGHUP or SIGTERM, the caged shell has this long to end. */
#define GRACE_MS	5000

enum mstate {
	ST_NEW = 1,		/* before the shell is caged */
	ST_READY = 2,		/* between lines */
	ST_LINE = 4,		/* a line is running */
	ST_REFUSED = 8,		/* the shell could not start */
};

/* A value the monitor keeps (the line's record): its own copy. */
struct kept {
	struct aval	 v;
	char		*s;
	unsigned char	 sha[AUDIT_SHA256_LEN];
};

struct kcmd {
	long		 seq;
	struct acmd	 c;
	struct kept	*vals;		/* argv, then redirection targets, why */
	size_t		 nvals;
	struct aredir	*redirs;
	struct aval	*argv;
};

struct mline {
	long		 line_no;
	struct kept	 cwd;
	struct kept	 line;
	struct kcmd	*cmds;
	size_t		 ncmds;
	size_t		 omitted;
	size_t		 bytes;		/* of values kept */
	int		 ran;		/* an allowed command was recorded */
	long		*daemons;	/* seqs the profile says may stay */
	size_t		 ndaemons;
	int		 denied;
	long		 t0;
};

struct monitor {
	struct session	*s;
	int		 sock;		/* the caged shell's messages */
	int		 ctl;		/* the root set-up's socket */
	int		 sigfd;
	pid_t		 child;
	int		 status;	/* of the shell, once it has ended */
	int		 ended;
	enum mstate	 state;
	long		 line_no;
	long		 cmd_no;
	struct mline	 line;
	char		*refused;
	const char	*end_reason;
	int		 term_signal;	/* SIGHUP/SIGTERM the session got */
	long		 kill_at;	/* when the shell is killed, or 0 */
	const char	*lost;		/* why the protocol broke */
	struct cgroup	 cg;		/* every process of the session */
	struct agent_run agent;		/* the ssh-agent relay, if any */
	int		 daemon_rules;	/* the profile has a daemon rule */
	char		 agent_why[512];
	long		 killed;	/* left at its end, and killed */
	long		 deadline;	/* limits.session: when it ends, or 0 */
	int		 reply;		/* the message's answer channel, or -1 */
	unsigned char	*buf;
};

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps at most max bytes of f; a cut keeps the whole value's length and hash. */
static void
keep(struct kept *k, const struct msg_field *f, size_t max)
{
	size_t n = f->len < max ? f->len : max;

	memset(k, 0, sizeof(*k));
	k->s = xmalloc(n + 1);
	memcpy(k->s, f->s, n);
	k->s[n] = '\0';
	k->v.s = k->s;
	k->v.len = n;
	if (f->cut) {
		memcpy(k->sha, f->sha, sizeof(k->sha));
		k->v.full = f->full;
		k->v.sha = k->sha;
	} else if (n < f->len) {
		sha256(f->s, f->len, k->sha);
		k->v.full = f->len;
		k->v.sha = k->sha;
	}
}

static void
kept_free(struct kept *k)
{
	free(k->s);
	memset(k, 0, sizeof(*k));
}

static void
line_free(struct mline *l)
{
	size_t i, j;

	for (i = 0; i < l->ncmds; i++) {
		for (j = 0; j < l->cmds[i].nvals; j++)
			kept_free(&l->cmds[i].vals[j]);
		free(l->cmds[i].vals);
		free(l->cmds[i].redirs);
		free(l->cmds[i].argv);
	}
	free(l->cmds);
	free(l->daemons);
	kept_free(&l->cwd);
	kept_free(&l->line);
	memset(l, 0, sizeof(*l));
}

/* A field as a value the formatter reads (it points into the datagram). */
static struct aval
field_aval(const struct msg_field *f)
{
	struct aval v;

	v.s = f->s;
	v.len = f->len;
	v.full = f->cut ? f->full : 0;
	v.sha = f->cut ? f->sha : NULL;
	return v;
}

static const char *const redir_ops[] = { "<", ">", ">>", "<&", ">&" };

/*
 * The fields of M_EXEC and M_JUDGED, in order: T_CWD, T_ARG..., then
 * (T_REDIR_FD T_REDIR_OP T_REDIR_TARGET)..., T_VERDICT, T_WHY.  Fills
 * c (pointing into the message; argv and redirs malloc'd).  -1 when
 * the message is not of that shape.
 */
static int
parse_cmd(const struct msg *m, struct aval *cwd, struct acmd *c)
{
	const struct msg_field *f = m->f;
	size_t i = 0, k, n = m->n;

	memset(c, 0, sizeof(*c));
	if (n < 2 || f[0].tag != T_CWD)
		return -1;
	*cwd = field_aval(&f[i++]);
	c->argv = xcalloc(n + 1, sizeof(*c->argv));
	c->redirs = xcalloc(n / 3 + 1, sizeof(*c->redirs));
	for (; i < n && f[i].tag == T_ARG; i++) {
		if (memchr(f[i].s, '\0', f[i].len) != NULL)
			return -1;
		c->argv[c->argc++] = field_aval(&f[i]);
	}
	for (; i + 2 < n && f[i].tag == T_REDIR_FD; i += 3) {
		if (f[i].num < 0 || f[i].num > 9 ||
		    f[i + 1].tag != T_REDIR_OP || f[i + 2].tag != T_REDIR_TARGET ||
		    f[i + 1].cut || memchr(f[i + 2].s, '\0', f[i + 2].len))
			return -1;
		for (k = 0; k < sizeof(redir_ops) / sizeof(redir_ops[0]); k++)
			if (strlen(redir_ops[k]) == f[i + 1].len &&
			    memcmp(redir_ops[k], f[i + 1].s, f[i + 1].len) == 0)
				break;
		if (k == sizeof(redir_ops) / sizeof(redir_ops[0]))
			return -1;
		c->redirs[c->nredirs].fd = (int)f[i].num;
		c->redirs[c->nredirs].op = redir_ops[k];
		c->redirs[c->nredirs].target = field_aval(&f[i + 2]);
		c->nredirs++;
	}
	if (i >= n || f[i].tag != T_VERDICT || (f[i].num != 0 && f[i].num != 1))
		return -1;
	c->verdict = f[i++].num == 0 ? V_ALLOW : V_DENY;
	if (i < n && f[i].tag == T_WHY)
		c->why = field_aval(&f[i++]);
	return i == n ? 0 : -1;
}

static void
cmd_free(struct acmd *c)
{
	free(c->argv);
	free(c->redirs);
}

/* Keeps v in the next of k's values, at most max bytes of it. */
static struct aval
keep_val(struct mline *l, struct kcmd *k, const struct aval *v, size_t max)
{
	struct msg_field f;
	struct kept *kv = &k->vals[k->nvals++];

	memset(&f, 0, sizeof(f));
	f.s = v->s;
	f.len = v->len;
	f.cut = v->sha != NULL;
	f.full = v->full;
	f.sha = v->sha;
	keep(kv, &f, max);
	l->bytes += kv->v.len;
	return kv->v;
}

/*
 * Keeps a command for the line's record, its values cut to a share of
 * what is left of the budget; past the budget it is only counted.
 */
static void
line_keep(struct monitor *mo, const struct acmd *c, long seq)
{
	struct mline *l = &mo->line;
	struct kcmd *k;
	size_t budget = (size_t)mo->s->conf->log.record_max, left, share;
	size_t i, nvals = c->argc + c->nredirs + 1;

	left = budget > l->bytes ? budget - l->bytes : 0;
	share = left / nvals;
	if (share < 16 || l->ncmds >= budget / 64) {
		l->omitted++;
		return;
	}
	l->cmds = xreallocarray(l->cmds, l->ncmds + 1, sizeof(*l->cmds));
	k = &l->cmds[l->ncmds++];
	memset(k, 0, sizeof(*k));
	k->seq = seq;
	k->vals = xcalloc(nvals, sizeof(*k->vals));
	k->argv = xcalloc(c->argc + 1, sizeof(*k->argv));
	k->redirs = xcalloc(c->nredirs + 1, sizeof(*k->redirs));
	for (i = 0; i < c->argc; i++)
		k->argv[i] = keep_val(l, k, &c->argv[i], share);
	for (i = 0; i < c->nredirs; i++) {
		k->redirs[i].fd = c->redirs[i].fd;
		k->redirs[i].op = c->redirs[i].op;
		k->redirs[i].target = keep_val(l, k, &c->redirs[i].target,
		    share);
	}
	if (c->why.s != NULL)
		k->c.why = keep_val(l, k, &c->why, share);
	k->c.argv = k->argv;
	k->c.argc = c->argc;
	k->c.redirs = k->redirs;
	k->c.nredirs = c->nredirs;
	k->c.verdict = c->verdict;
}

static int
record(struct monitor *mo, struct arecord *r)
{
	return session_record(mo->s, r);
}

/* The line's record, from what the monitor kept of it. */
static int
line_record(struct monitor *mo, int has_status, int status,
    const char *reason)
{
	struct mline *l = &mo->line;
	struct arecord r;
	struct acmd *cmds;
	size_t i;
	int ret;

	cmds = xcalloc(l->ncmds + 1, sizeof(*cmds));
	for (i = 0; i < l->ncmds; i++)
		cmds[i] = l->cmds[i].c;
	memset(&r, 0, sizeof(r));
	r.ev = AE_COMMAND;
	r.line_no = l->line_no;
	r.cwd = l->cwd.v;
	r.line = l->line.v;
	r.cmds = cmds;
	r.ncmds = l->ncmds;
	r.omitted = l->omitted;
	r.verdict = !l->denied ? AV_ALLOW : l->ran ? AV_PARTIAL : AV_DENY;
	r.has_status = has_status;
	r.status = status;
	r.duration_ms = now_ms() - l->t0;
	if (reason != NULL) {
		r.reason.s = reason;
		r.reason.len = strlen(reason);
	}
	ret = record(mo, &r);
	free(cmds);
	line_free(l);
	return ret;
}

/* Handlers: 1 answers yes, 0 no, -1 breaks the protocol. */

static int
h_start(struct monitor *mo, const struct msg *m, int64_t *num)
{
	struct arecord r;

	(void)num;
	if (m->n > 1 || (m->n == 1 && (m->f[0].tag != T_REASON ||
	    m->f[0].len > 512)))
		return -1;
	if (mo->s->logfd != -1 &&
	    mo->s->conf->log.on_failure == LOGFAIL_DENY &&
	    auditfile_room(mo->s->logfd) == -1) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: audit log %s: no room",
		    mo->s->conf->log.file);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.ev = AE_SESSION_START;
	r.duration_ms = -1;
	/* the session runs with less confinement than its profile asks */
	/* (its key=value line, escaped, is what syslog gets of it) */
	if (m->n == 1)
		r.warning = field_aval(&m->f[0]);
	if (record(mo, &r) == -1)
		return 0;
	mo->state = ST_READY;
	return 1;
}

static int
h_refused(struct monitor *mo, const struct msg *m, int64_t *num)
{
	(void)num;
	if (m->n != 1 || m->f[0].tag != T_REASON || m->f[0].len > 4096)
		return -1;
	mo->refused = xstrndup(m->f[0].s, m->f[0].len);
	mo->state = ST_REFUSED;
	return 1;
}

static int
h_probe(struct monitor *mo, const struct msg *m, int64_t *num)
{
	(void)num;
	if (m->n != 0)
		return -1;
	if (mo->s->logfd == -1 || mo->s->conf->log.on_failure != LOGFAIL_DENY)
		return 1;
	return auditfile_room(mo->s->logfd) == 0;
}

static int
h_line(struct monitor *mo, const struct msg *m, int64_t *num)
{
	size_t max = (size_t)mo->s->conf->log.record_max / 2;

	(void)num;
	if (m->n != 2 || m->f[0].tag != T_CWD || m->f[1].tag != T_LINE)
		return -1;
	line_free(&mo->line);
	mo->line.line_no = ++mo->line_no;
	mo->line.t0 = now_ms();
	keep(&mo->line.cwd, &m->f[0], max / 4);
	keep(&mo->line.line, &m->f[1], max);
	mo->line.bytes = mo->line.cwd.v.len + mo->line.line.v.len;
	mo->state = ST_LINE;
	return 1;
}

/* Written before the command starts; no record, no command. */
static int
rules_have_daemon(const struct rule *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].daemon || rules_have_daemon(r[i].subs, r[i].nsubs))
			return 1;
	return 0;
}

static int
profile_has_daemon(const struct profile *p)
{
	return rules_have_daemon(p->cmds, p->ncmds);
}

/*
 * Whether the profile (the monitor's own copy, not the shell's word)
 * says this command may leave processes behind: its argv judged again,
 * allowed, by a rule with daemon = true.  A cut word is never one.
 */
static int
is_daemon(const struct monitor *mo, const struct acmd *c)
{
	const struct profile *p = mo->s->ent->profile;
	struct passign *as;
	struct pword *w;
	struct pcmd pc;
	struct pjudge j;
	char **v;
	const char *eq;
	size_t i, na = 0, nw = 0;
	int yes;

	if (!mo->daemon_rules || c->verdict != V_ALLOW || c->argc == 0)
		return 0;
	v = xcalloc(c->argc, sizeof(*v));
	as = xcalloc(c->argc, sizeof(*as));
	w = xcalloc(c->argc, sizeof(*w));
	for (i = 0; i < c->argc; i++) {
		if (c->argv[i].s == NULL || c->argv[i].full != 0 ||
		    memchr(c->argv[i].s, '\0', c->argv[i].len) != NULL)
			goto no;
		v[i] = xstrndup(c->argv[i].s, c->argv[i].len);
		eq = strchr(v[i], '=');
		if (nw == 0 && eq != NULL &&
		    parse_is_name(v[i], (size_t)(eq - v[i]))) {
			v[i][eq - v[i]] = '\0';
			as[na].name = v[i];
			as[na++].value.text = v[i] + (eq - v[i]) + 1;
		} else
			w[nw++].text = v[i];
	}
	pc.assigns = as;
	pc.nassigns = na;
	pc.words = w;
	pc.nwords = nw;
	memset(&j, 0, sizeof(j));
	policy_judge(p, &pc, &j);
	/* a rule of the chain: nohup's, or puma's under bundle exec */
	yes = j.verdict == V_ALLOW && j.builtin == NULL && j.rule != NULL &&
	    j.daemon;
	pjudge_free(&j);
	goto out;
no:
	yes = 0;
out:
	for (i = 0; i < c->argc; i++)
		free(v[i]);
	free(v);
	free(as);
	free(w);
	return yes;
}

/*
 * A process of the session, about to run a command that may stay.  The
 * kernel names the sender (SO_PASSCRED): it must be in the session's
 * cgroup, and the command (T_SEQ) one of this line's that is_daemon()
 * found; then it alone moves to a cgroup the session's end leaves
 * alone.  "No" is an answer, not a broken protocol: the command does
 * not run.
 */
static int
h_daemon(struct monitor *mo, const struct msg *m, int64_t *num)
{
	char why[512];
	long seq = -1;
	size_t i;
	int listed = 0;

	for (i = 0; i < m->n; i++)
		if (m->f[i].tag == T_SEQ)
			seq = (long)m->f[i].num;
		else
			return -1;
	for (i = 0; i < mo->line.ndaemons; i++)
		listed |= mo->line.daemons[i] == seq;
	*num = 0;
	if (!listed || m->pid <= 1 || !cgroup_has(&mo->cg, (pid_t)m->pid))
		return 0;
	if (cgroup_daemon(&mo->cg, mo->s->id, seq, (pid_t)m->pid, why,
	    sizeof(why)) == -1) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: session %s: daemon: "
		    "%s", mo->s->id, why);
		return 0;
	}
	syslog(LOG_AUTHPRIV | LOG_INFO, "cagesh: session %s: command %ld "
	    "(pid %ld) may outlive the session (daemon rule)", mo->s->id, seq,
	    m->pid);
	return 1;
}

static int
h_exec(struct monitor *mo, const struct msg *m, int64_t *num)
{
	struct arecord r;
	struct acmd c;
	struct aval cwd;
	int ok;

	if (parse_cmd(m, &cwd, &c) == -1) {
		cmd_free(&c);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.ev = AE_EXEC;
	r.line_no = mo->line.line_no;
	r.cmd_no = ++mo->cmd_no;
	r.cwd = cwd;
	r.cmds = &c;
	r.ncmds = 1;
	r.duration_ms = -1;
	ok = record(mo, &r) == 0;
	if (ok) {
		if (c.verdict == V_ALLOW)
			mo->line.ran = 1;
		else
			mo->line.denied = 1;
		line_keep(mo, &c, r.cmd_no);
		if (is_daemon(mo, &c)) {
			mo->line.daemons = xreallocarray(mo->line.daemons,
			    mo->line.ndaemons + 1, sizeof(*mo->line.daemons));
			mo->line.daemons[mo->line.ndaemons++] = r.cmd_no;
		}
	} else
		mo->line.denied = 1;
	cmd_free(&c);
	*num = r.cmd_no;
	return ok;
}

static int
h_judged(struct monitor *mo, const struct msg *m, int64_t *num)
{
	struct acmd c;
	struct aval cwd;

	(void)num;
	if (parse_cmd(m, &cwd, &c) == -1) {
		cmd_free(&c);
		return -1;
	}
	if (c.verdict != V_ALLOW)
		mo->line.denied = 1;
	line_keep(mo, &c, 0);
	cmd_free(&c);
	return 1;
}

static int
h_exec_end(struct monitor *mo, const struct msg *m, int64_t *num)
{
	size_t i;

	(void)num;
	if (m->n != 3 || m->f[0].tag != T_SEQ || m->f[1].tag != T_STATUS ||
	    m->f[2].tag != T_DURATION || m->f[1].num < 0 ||
	    m->f[1].num > 255 || m->f[2].num < 0)
		return -1;
	for (i = 0; i < mo->line.ncmds; i++) {
		if (mo->line.cmds[i].seq != m->f[0].num)
			continue;
		mo->line.cmds[i].c.ended = 1;
		mo->line.cmds[i].c.status = (int)m->f[1].num;
		mo->line.cmds[i].c.duration_ms = (long)m->f[2].num;
	}
	return 1;
}

static int
h_line_end(struct monitor *mo, const struct msg *m, int64_t *num)
{
	(void)num;
	if (m->n != 1 || m->f[0].tag != T_STATUS || m->f[0].num < 0 ||
	    m->f[0].num > 255)
		return -1;
	mo->state = ST_READY;
	return line_record(mo, mo->line.ran, (int)m->f[0].num, NULL) == 0;
}

static int
h_end(struct monitor *mo, const struct msg *m, int64_t *num)
{
	(void)num;
	if (m->n != 1 || m->f[0].tag != T_REASON ||
	    m->f[0].len != strlen(MONITOR_END_IDLE) ||
	    memcmp(m->f[0].s, MONITOR_END_IDLE, m->f[0].len) != 0)
		return -1;
	mo->end_reason = MONITOR_END_IDLE;
	return 1;
}

/*
 * The runner of an admin action: a root child of the monitor that runs
 * it, writes its end record and answers the shell with its status.
 * The log gets an open file of its own, so that its lock excludes the
 * monitor's writes (a lock is the open file's, and fork shares it).
 */
static void __attribute__((noreturn))
action_runner(struct monitor *mo, const struct action *a, char *const *argv,
    const struct actionrun_user *self, struct arecord *r, const int *fds)
{
	struct actionrun_user u;
	struct actionrun_result res;
	char path[64], err[512];
	int fd;

	close(mo->sock);
	close(mo->ctl);
	if (mo->sigfd != -1)
		close(mo->sigfd);
	if (mo->s->logfd != -1) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mo->s->logfd);
		if ((fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)) != -1) {
			close(mo->s->logfd);
			mo->s->logfd = fd;
		}
	}
	if (actionrun_user(a, self, &u, err, sizeof(err)) == -1 ||
	    actionrun(a, argv, &u, fds[0], fds[1], &res, err,
	    sizeof(err)) == -1) {
		actionrun_tell(fds[1], "cagesh: action %s: %s\n", a->name,
		    err);
		memset(&res, 0, sizeof(res));
		res.status = CAGESH_EXIT_DENIED;
		r->reason.s = err;
		r->reason.len = strlen(err);
	} else if (res.timed_out) {
		actionrun_tell(fds[1], "cagesh: action %s: killed after its "
		    "timeout (%ld s)\n", a->name, a->timeout);
		snprintf(err, sizeof(err), "timed out after %ld s",
		    a->timeout);
		r->reason.s = err;
		r->reason.len = strlen(err);
	}
	if (res.dropped > 0)
		actionrun_tell(fds[1], "cagesh: action %s: %zu bytes of its "
		    "output were not shown\n", a->name, res.dropped);
	r->ev = AE_ACTION_END;
	r->cmds = NULL;
	r->ncmds = 0;
	r->cwd.s = NULL;
	r->run_as.s = NULL;
	r->has_status = 1;
	r->status = res.status;
	r->duration_ms = res.duration_ms;
	if (record(mo, r) == -1)
		actionrun_tell(fds[1], "cagesh: action %s: its end could not "
		    "be recorded: %s\n", a->name, strerror(errno));
	close(fds[0]);
	close(fds[1]);
	msg_answer(mo->reply, 1, res.status);
	_exit(0);
}

/*
 * An admin action (action.h): T_CWD T_ACTION T_ARG..., the session's
 * stdout and stderr on the answer channel.  The caged shell only asks:
 * the words are matched again here, against the monitor's own copy of
 * the profile, and must name the same action.  Its record is written
 * before it runs (no record, no action), the result after, by the
 * runner (action_runner).
 */
static int
h_action(struct monitor *mo, const struct msg *m, int64_t *num)
{
	const struct profile *p = mo->s->ent->profile;
	const struct action *a;
	struct actionrun_user self;
	struct arecord r;
	struct pword *w;
	struct acmd c;
	struct aval *av;
	char **argv = NULL, *why = NULL, *rule = NULL;
	size_t i, n;
	pid_t pid;
	int fds[2], ok = 0;

	if (m->n < 3 || m->f[0].tag != T_CWD || m->f[1].tag != T_ACTION ||
	    m->f[1].cut)
		return -1;
	for (i = 2; i < m->n; i++)
		if (m->f[i].tag != T_ARG || m->f[i].cut ||
		    memchr(m->f[i].s, '\0', m->f[i].len) != NULL)
			return -1;
	if (msg_take_fds(mo->reply, fds, 2) == -1)
		return -1;
	n = m->n - 2;
	w = xcalloc(n, sizeof(*w));
	for (i = 0; i < n; i++)
		w[i].text = xstrndup(m->f[i + 2].s, m->f[i + 2].len);
	if (action_find(p, w, n, &a, &why) != ACTION_MATCH ||
	    strlen(a->name) != m->f[1].len ||
	    memcmp(a->name, m->f[1].s, m->f[1].len) != 0 ||
	    (argv = action_argv(a, w, n)) == NULL) {
		/* the shell's claim is not the monitor's: nothing runs */
		mo->line.denied = 1;
		actionrun_tell(fds[1], "cagesh: action refused: %s\n", why != NULL ?
		    why : "the monitor does not match it to that action");
		goto out;
	}
	memset(&self, 0, sizeof(self));
	snprintf(self.name, sizeof(self.name), "%s", mo->s->user);
	snprintf(self.home, sizeof(self.home), "%s", mo->s->home);
	self.uid = mo->s->uid;
	self.gid = mo->s->gid;

	for (i = 0; argv[i] != NULL; i++)
		;
	memset(&c, 0, sizeof(c));
	c.argc = i;
	c.argv = av = xcalloc(i + 1, sizeof(*av));
	for (i = 0; i < c.argc; i++) {
		av[i].s = argv[i];
		av[i].len = strlen(argv[i]);
	}
	c.verdict = V_ALLOW;
	xasprintf(&rule, "action %s (%s)", a->name, a->where);
	c.why.s = rule;
	c.why.len = strlen(rule);
	memset(&r, 0, sizeof(r));
	r.ev = AE_ACTION;
	r.line_no = mo->line.line_no;
	r.cmd_no = ++mo->cmd_no;
	r.cwd = field_aval(&m->f[0]);
	r.cmds = &c;
	r.ncmds = 1;
	r.duration_ms = -1;
	r.action.s = a->name;
	r.action.len = strlen(a->name);
	r.run_as.s = strcmp(a->user, ACTION_SELF) == 0 ? mo->s->user :
	    a->user;
	r.run_as.len = strlen(r.run_as.s);
	if (record(mo, &r) == -1) {
		mo->line.denied = 1;
		free(av);
		goto out;
	}
	free(av);
	/*
	 * The runner, a root child of ours, runs it and answers: meanwhile
	 * we go on serving the session (`action | cat` needs cat's record).
	 */
	if ((pid = fork()) == -1) {
		actionrun_tell(fds[1], "cagesh: action %s: fork: %s\n",
		    a->name, strerror(errno));
		goto out;
	}
	if (pid == 0)
		action_runner(mo, a, argv, &self, &r, fds);
	close(mo->reply);
	mo->reply = -1;
	mo->line.ran = 1;
	ok = 1;
out:
	action_argv_free(argv);
	free(rule);
	free(why);
	for (i = 0; i < n; i++)
		free((char *)w[i].text);
	free(w);
	close(fds[0]);
	close(fds[1]);
	return ok;
}

static const struct handler {
	unsigned char	 type;
	unsigned	 states;	/* in which it may come */
	int		 answered;	/* it carries an answer channel */
	int		(*fn)(struct monitor *, const struct msg *, int64_t *);
} handlers[] = {
	{ M_START,	ST_NEW,		1, h_start },
	{ M_REFUSED,	ST_NEW,		0, h_refused },
	{ M_PROBE,	ST_READY,	1, h_probe },
	{ M_LINE,	ST_READY,	0, h_line },
	{ M_EXEC,	ST_LINE,	1, h_exec },
	{ M_JUDGED,	ST_LINE,	0, h_judged },
	{ M_EXEC_END,	ST_LINE,	0, h_exec_end },
	{ M_DAEMON,	ST_LINE,	1, h_daemon },
	{ M_LINE_END,	ST_LINE,	1, h_line_end },
	{ M_END,	ST_READY,	0, h_end },
	{ M_ACTION,	ST_LINE,	1, h_action },
};

/* One message from the socket.  0: served (or none), -1: EOF or broken. */
static int
serve_one(struct monitor *mo, int dontwait)
{
	const struct handler *h = NULL;
	struct msg m;
	int64_t num = 0;
	size_t i;
	int r, reply, yes;

	r = msg_recv(mo->sock, mo->buf, MSG_MAX, dontwait, &m, &reply);
	if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 1;
	if (r <= 0) {
		msg_answer(reply, 0, 0);
		if (r == -1)
			mo->lost = "a malformed message from the caged shell";
		return -1;
	}
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == m.type)
			h = &handlers[i];
	mo->reply = reply;
	if (h == NULL || !(h->states & mo->state) ||
	    (reply != -1) != h->answered) {
		mo->lost = "a message out of place from the caged shell";
		yes = -1;
	} else if ((yes = h->fn(mo, &m, &num)) == -1)
		mo->lost = "a malformed message from the caged shell";
	/* a handler that hands the answer on has set mo->reply to -1 */
	msg_answer(mo->reply, yes == 1, num);
	mo->reply = -1;
	msg_free(&m);
	return yes == -1 ? -1 : 0;
}

/* The shell has ended (or was stopped, and goes on). */
static void
reap(struct monitor *mo)
{
	pid_t pgrp, pid;
	int st;

	/* the shell, and (we are their subreaper) what it left behind */
	while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) {
		if (WIFSTOPPED(st)) {
			/* nobody may park the session: it goes on, its jobs too */
			if (pid == mo->child && (pgrp = getpgid(pid)) > 0)
				(void)killpg(pgrp, SIGCONT);
			(void)kill(pid, SIGCONT);
			continue;
		}
		if (pid != mo->child || mo->ended)
			continue;
		mo->ended = 1;
		mo->status = WIFEXITED(st) ? WEXITSTATUS(st) :
		    -WTERMSIG(st);
	}
}

static void
on_signal(struct monitor *mo)
{
	struct signalfd_siginfo si;

	while (read(mo->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(mo);
			break;
		case SIGHUP:
		case SIGTERM:
			mo->term_signal = (int)si.ssi_signo;
			if (mo->kill_at == 0)
				mo->kill_at = now_ms() + GRACE_MS;
			(void)kill(mo->child, (int)si.ssi_signo);
			break;
		}
	}
}

/*
 * The root set-up writes nothing more once the shell runs: its socket
 * only ends, when the root set-up is gone.  Without it the session has
 * no PAM and no parent: the shell is killed.
 */
static void
ctl_gone(struct monitor *mo)
{
	char c;

	if (recv(mo->ctl, &c, 1, MSG_DONTWAIT) == 0) {
		mo->lost = "the session's root process went away";
		(void)kill(mo->child, SIGKILL);
	}
}

static void
loop(struct monitor *mo)
{
	struct pollfd pf[3];
	int timeout, broken = 0;

	pf[0].fd = mo->sigfd;
	pf[0].events = POLLIN;
	pf[1].fd = mo->sock;
	pf[1].events = POLLIN;
	pf[2].fd = mo->ctl;
	pf[2].events = POLLIN;
	while (!mo->ended) {
		timeout = -1;
		/* the profile's wall-clock limit: ended as by SIGTERM */
		if (mo->deadline != 0 && mo->kill_at == 0 &&
		    (timeout = (int)(mo->deadline - now_ms())) <= 0) {
			mo->end_reason = "session time limit";
			mo->kill_at = now_ms() + GRACE_MS;
			(void)kill(mo->child, SIGTERM);
		}
		if (mo->kill_at != 0) {
			timeout = (int)(mo->kill_at - now_ms());
			if (timeout <= 0) {
				(void)kill(mo->child, SIGKILL);
				timeout = 100;
			}
		}
		/* after EOF or a broken message only the shell's end matters */
		pf[1].fd = broken ? -1 : mo->sock;
		pf[2].fd = mo->lost != NULL ? -1 : mo->ctl;
		if (poll(pf, 3, timeout) == -1 && errno != EINTR)
			break;
		if (pf[2].revents & (POLLIN | POLLHUP | POLLERR))
			ctl_gone(mo);
		if (pf[0].revents & POLLIN)
			on_signal(mo);
		if (!broken && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    serve_one(mo, 1) == -1) {
			broken = 1;
			if (mo->lost != NULL)
				(void)kill(mo->child, SIGKILL);
		}
		reap(mo);
	}
	/* what the shell (or a process it left) sent before its end */
	while (!broken && serve_one(mo, 1) == 0)
		;
}

/* The record of how the session ended. */
static void
end_record(struct monitor *mo)
{
	struct arecord r;
	char why[96];
	int sig = mo->status < 0 ? -mo->status : 0;

	if (mo->state == ST_REFUSED || mo->state == ST_NEW) {
		memset(&r, 0, sizeof(r));
		r.ev = AE_SESSION_REFUSED;
		r.duration_ms = -1;
		r.reason.s = mo->refused != NULL ? mo->refused :
		    "the caged shell ended before it started";
		r.reason.len = strlen(r.reason.s);
		(void)record(mo, &r);
		return;
	}
	why[0] = '\0';
	if (mo->lost != NULL)
		snprintf(why, sizeof(why), "lost: %s", mo->lost);
	else if (mo->term_signal != 0)
		snprintf(why, sizeof(why), "signal");
	else if (mo->end_reason != NULL && mo->kill_at != 0)
		snprintf(why, sizeof(why), "%s", mo->end_reason);
	else if (sig != 0)
		snprintf(why, sizeof(why), "killed by signal %d", sig);
	else if (mo->end_reason != NULL)
		snprintf(why, sizeof(why), "%s", mo->end_reason);
	if (mo->state == ST_LINE) {
		char lw[192];

		snprintf(lw, sizeof(lw), "the caged shell ended before the "
		    "line did (%s)", why[0] ? why : "exit");
		(void)line_record(mo, 1, sig ? 128 + sig : mo->status, lw);
	}
	memset(&r, 0, sizeof(r));
	r.ev = AE_SESSION_END;
	r.duration_ms = -1;
	r.has_status = 1;
	r.status = sig ? 128 + sig : mo->status;
	r.signal = sig;
	r.killed = mo->killed > 0 ? mo->killed : 0;
	if (why[0] != '\0') {
		r.reason.s = why;
		r.reason.len = strlen(why);
	}
	(void)record(mo, &r);
}

/*
 * The go-ahead of the root set-up once PAM has opened the session: the
 * limits PAM made for the user (for the caged shell), or a refusal.
 * 0 with the limits in s->limits, -1 with mo->refused set.
 */
/*
 * The profile lets ssh in the cage use the agent sshd forwarded: a relay
 * (agent.c) outside the cage, for this session's processes only.  A
 * login without a forwarded agent simply has none; a relay that cannot
 * be set up refuses the session, as the profile asked for it.
 */
static int
agent(struct monitor *mo)
{
	struct session *s = mo->s;

	mo->agent.pid = 0;
	mo->agent.tmpfd = -1;
	if (!s->ent->profile->ssh_agent || s->ssh_auth_sock == NULL)
		return 0;
	return agent_start(&mo->agent, s->ent->cage, s->id, s->ssh_auth_sock,
	    s->uid, s->gid, &mo->cg, s->agent_sock, sizeof(s->agent_sock),
	    mo->agent_why, sizeof(mo->agent_why));
}

static int
wait_go(struct monitor *mo)
{
	struct msg m;
	size_t i;
	int r, reply;

	do
		r = msg_recv(mo->ctl, mo->buf, MSG_MAX, 0, &m, &reply);
	while (r == -1 && errno == EINTR);
	msg_answer(reply, 0, 0);
	if (r == 1 && m.type == M_CTL_GO && m.n == 2 * SESSION_NLIMITS) {
		for (i = 0; i < m.n; i++)
			if (m.f[i].tag != T_LIMIT)
				break;
		if (i == m.n) {
			for (i = 0; i < SESSION_NLIMITS; i++) {
				mo->s->limits[i].rlim_cur =
				    (rlim_t)m.f[2 * i].num;
				mo->s->limits[i].rlim_max =
				    (rlim_t)m.f[2 * i + 1].num;
			}
			msg_free(&m);
			return 0;
		}
	}
	if (r == 1 && m.type == M_CTL_REFUSED && m.n == 1 &&
	    m.f[0].tag == T_REASON)
		mo->refused = xstrndup(m.f[0].s, m.f[0].len);
	else
		mo->refused = xstrdup("the session's root process went away "
		    "before the shell started");
	msg_free(&m);
	return -1;
}

void
monitor_run(struct session *s, int ctl)
{
	struct monitor mo;
	struct msg m;
	sigset_t set;
	char why[512];
	int sv[2], bufsize = (int)MSG_MAX + 65536, one = 1;
	pid_t pid;

	memset(&mo, 0, sizeof(mo));
	mo.s = s;
	mo.ctl = ctl;
	mo.sigfd = -1;
	mo.cg.fd = -1;
	mo.agent.tmpfd = -1;
	mo.daemon_rules = profile_has_daemon(s->ent->profile);
	mo.reply = -1;
	mo.state = ST_NEW;
	/*
	 * Not ours to be stopped by, nor the terminal's: its ^C reaches the
	 * shell itself, and SIGHUP and SIGTERM are served below.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	mo.buf = xmalloc(MSG_MAX);
	if ((mo.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		mo.lost = "the monitor cannot watch its signals";
	else if (wait_go(&mo) == -1)
		mo.state = ST_REFUSED;
	else if (cgroup_make(&mo.cg, s->id, why, sizeof(why)) == -1)
		mo.lost = mo.refused = xstrdup(why);
	else if (agent(&mo) == -1)
		mo.lost = mo.refused = xstrdup(mo.agent_why);
	else if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    sv) == -1 || setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE,
	    &bufsize, sizeof(bufsize)) == -1 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == -1)
		mo.lost = "the monitor cannot make the shell's socket";
	else if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1 ||
	    (pid = cgroup_fork(&mo.cg)) == -1)
		mo.lost = "the monitor cannot fork the shell into its cgroup";
	else if (pid == 0) {
		BENCH_MARK("fork");
		close(sv[0]);
		close(ctl);
		close(mo.sigfd);
		caged_run(s, sv[1], &s->sigmask);
	} else {
		close(sv[1]);
		mo.sock = sv[0];
		mo.child = pid;
		if (s->ent->profile->limits.session > 0)
			mo.deadline = now_ms() +
			    s->ent->profile->limits.session * 1000;
		/* the root set-up kills the shell if we go away */
		msg_init(&m, M_CTL_SHELL);
		msg_num(&m, T_SEQ, pid);
		(void)msg_send(ctl, &m);
		msg_free(&m);
		loop(&mo);
		close(mo.sock);
		/* the shell has ended: so does everything it started */
		if ((mo.killed = cgroup_kill(&mo.cg, KILL_WAIT_MS)) == -1)
			syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: session %s: "
			    "cgroup %s: %s", s->id, mo.cg.path,
			    strerror(errno));
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	agent_stop(&mo.agent);
	cgroup_remove(&mo.cg);
	if (mo.lost != NULL && mo.child == 0 && mo.refused == NULL)
		mo.refused = xstrdup(mo.lost);
	end_record(&mo);
	if (mo.lost != NULL)
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: session %s: %s", s->id,
		    mo.lost);
	BENCH_MARK("monitor_end");
	if (mo.state == ST_REFUSED || mo.state == ST_NEW)
		_exit(1);
	_exit(mo.status < 0 ? 128 - mo.status : mo.status);
}
