/*
 * The session.  The order is the security argument (see STYLE, doas and
 * OpenSSH): sane fds, a cleared environment and the user found by real
 * uid; the config opened and checked as root; the audit log opened as
 * root; PAM account and session as root; then a fork.  The child enters
 * the cage, drops every privilege for good and only then touches
 * anything the user can write.  The parent stays outside, holds the
 * log, writes the records the child reports and closes PAM.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "audit.h"
#include "bench.h"
#include "cage.h"
#include "conf.h"
#include "exec.h"
#include "filter.h"
#include "interactive.h"
#include "parse.h"
#include "policy.h"
#include "priv.h"
#include "session.h"
#include "vars.h"
#include "xmalloc.h"

#define PAM_STARTED	0x1
#define PAM_CRED	0x2
#define PAM_OPENED	0x4

/* Messages on the socket from the caged child to the parent. */
#define MSG_REFUSED	'R'	/* a: reason */
#define MSG_PROBE	'P'	/* may a line run? (the log is writable) */
#define MSG_COMMAND	'c'	/* a: one command object (JSON), b: kv */
#define MSG_LINE	'L'	/* a: line fields (JSON), b: kv */
#define MSG_END		'E'	/* a: why the session ends (end_reasons) */

/* What the child may give as the reason of its end: nothing else. */
static const char *const end_reasons[] = {
	"idle timeout",
};

static const char *const mode_names[] = {
	[SM_COMMAND] = "command",
	[SM_FORCED] = "forced",
	[SM_LOGIN] = "interactive",
};

static char *
keep_env(const char *name, size_t max, const char *allowed)
{
	const char *v = getenv(name);

	if (v == NULL || strlen(v) > max || *v == '\0')
		return NULL;
	if (allowed != NULL && strspn(v, allowed) != strlen(v))
		return NULL;
	return xstrdup(v);
}

/*
 * Closes fds lo to hi, however high (the caller of a setuid program sets
 * RLIMIT_NOFILE and may leave an fd far above any loop's bound): one
 * close_range(2); a loop to the fd limit only on kernels without it.
 */
static void
close_fds(unsigned int lo, unsigned int hi)
{
	long max;
	unsigned int fd;

	if (lo > hi || close_range(lo, hi, 0) == 0)
		return;
	if ((max = sysconf(_SC_OPEN_MAX)) < 0)
		max = 1048576;
	for (fd = lo; fd <= hi && fd < (unsigned long)max; fd++)
		(void)close((int)fd);
}

/* "ADDR PORT" of the client, from SSH_CONNECTION, or "local". */
static char *
client_from(const char *conn)
{
	char addr[64], port[16], *s;

	if (conn == NULL || sscanf(conn, "%63s %15s", addr, port) != 2)
		return xstrdup("local");
	xasprintf(&s, "%s %s", addr, port);
	return s;
}

static void
new_session_id(char *id, size_t len)
{
	unsigned char r[16];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		fprintf(stderr, "cagesh: getrandom: %s\n", strerror(errno));
		exit(1);
	}
	for (i = 0; i < sizeof(r) && 2 * i + 2 < len; i++)
		snprintf(id + 2 * i, 3, "%02x", r[i]);
}

/* Is LINE this very program (sshd's "-c /path/to/cagesh" for command=)? */
static int
is_self(const char *line)
{
	struct stat a, b;

	if (line[0] != '/' || strpbrk(line, " \t\n") != NULL)
		return 0;
	if (stat(line, &a) == -1 || stat("/proc/self/exe", &b) == -1)
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void
session_begin(struct session *s, int argc, char *argv[])
{
	static const char addrchars[] = "0123456789abcdefABCDEF.: %";
	int login;

	memset(s, 0, sizeof(*s));
	s->logfd = -1;
	close_fds(3, ~0U);
	s->ssh_connection = keep_env("SSH_CONNECTION", 256, addrchars);
	s->ssh_client = keep_env("SSH_CLIENT", 256, addrchars);
	s->ssh_original = keep_env("SSH_ORIGINAL_COMMAND", SIZE_MAX, NULL);
	s->term = keep_env("TERM", 64, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._");
	s->lang = keep_env("LANG", 64, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-");
	/* Nothing of the caller's environment reaches anything we run. */
	if (clearenv() != 0) {
		fprintf(stderr, "cagesh: cannot clear the environment\n");
		exit(1);
	}
	umask(022);
	new_session_id(s->id, sizeof(s->id));
	s->from = client_from(s->ssh_connection);
	s->ident.session = s->id;
	s->ident.from = s->from;
	s->ident.uid = getuid();

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		/* "-c /path/to/cagesh" is how sshd runs command= and ForceCommand */
		login = is_self(argv[2]);
		if (!login) {
			s->mode = SM_COMMAND;
			s->line = xstrdup(argv[2]);
		}
	} else
		login = argc == 1 || (argc >= 1 && argv[0][0] == '-');
	if (login && s->ssh_original != NULL) {
		s->mode = SM_FORCED;
		s->line = xstrdup(s->ssh_original);
	} else if (login)
		s->mode = SM_LOGIN;
	s->ident.mode = mode_names[s->mode];
	if (s->mode == SM_COMMAND && s->line == NULL)
		session_refuse(s, "usage: cagesh -c LINE (see cagesh --help)");
}

void
session_identify(struct session *s)
{
	struct passwd *pw;
	int n = 32;

	/* The real uid only: $USER, $HOME and $LOGNAME are the caller's words. */
	if ((pw = getpwuid(getuid())) == NULL)
		session_refuse(s, "uid %u has no account", (unsigned)getuid());
	s->user = xstrdup(pw->pw_name);
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	s->shell = xstrdup(pw->pw_shell);
	s->ident.user = s->user;
	if (s->uid == 0)
		session_refuse(s, "root cannot use cagesh");
	for (;;) {
		s->gids = xreallocarray(NULL, (size_t)n, sizeof(gid_t));
		if (getgrouplist(s->user, s->gid, s->gids, &n) != -1)
			break;
		free(s->gids);
		if (n > NGROUPS_MAX + 1)
			session_refuse(s, "%s: too many groups", s->user);
	}
	s->ngids = (size_t)n;
}

void
session_load_conf(struct session *s)
{
	struct conf_errors errs = { NULL, 0 };
	struct stat st;
	size_t i;
	int fd;

	/* Checked on the open fd: what is checked is what is read. */
	fd = open(CAGESH_CONF, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		session_refuse(s, "%s: %s", CAGESH_CONF, strerror(errno));
	if (fstat(fd, &st) == -1)
		session_refuse(s, "%s: %s", CAGESH_CONF, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		session_refuse(s, "%s: must be a regular file owned by root "
		    "and not writable by group or others", CAGESH_CONF);
	s->conf = conf_load_fd(fd, CAGESH_CONF, &errs);
	close(fd);
	if (s->conf == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		session_refuse(s, "%s: %zu problem%s; see cagesh "
		    "--check-config", CAGESH_CONF, errs.n,
		    errs.n == 1 ? "" : "s");
	}
}

void
session_find_entry(struct session *s)
{
	switch (conf_find_user(s->conf, s->user, s->gids, s->ngids,
	    &s->ent)) {
	case MATCH_ONE:
		break;
	case MATCH_MANY:
		session_refuse(s, "user %s is matched by two entries in %s",
		    s->user, CAGESH_CONF);
	default:
		session_refuse(s, "user %s has no entry in %s", s->user,
		    CAGESH_CONF);
	}
	if (s->mode == SM_LOGIN) {
		if (!s->ent->interactive)
			session_refuse(s, "no interactive login for %s: "
			    "run a command (ssh host COMMAND)", s->user);
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			session_refuse(s, "an interactive login needs a "
			    "terminal: use ssh -t, or run a command (ssh "
			    "host COMMAND)");
	}
}

void
session_open_log(struct session *s)
{
	if (s->conf->log.file == NULL)
		return;
	if ((s->logfd = audit_open(s->conf->log.file)) == -1) {
		if (s->conf->log.on_failure == LOGFAIL_DENY)
			session_refuse(s, "%s: %s", s->conf->log.file,
			    strerror(errno));
		fprintf(stderr, "cagesh: %s: %s\n", s->conf->log.file,
		    strerror(errno));
	}
}

/* Write one record; -1 when on_failure = deny and it could not be. */
static int
log_record(struct session *s, enum audit_event ev, const char *json_frag,
    const char *kv_frag)
{
	struct sbuf json, kv;
	int bad = 0;

	sbuf_init(&json);
	sbuf_init(&kv);
	audit_record(&s->ident, ev, json_frag, kv_frag, &json, &kv);
	if (s->conf == NULL || s->conf->log.syslog)
		audit_syslog(kv.s);
	if (s->logfd != -1 && audit_write(s->logfd, &json) == -1) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: audit log: %s",
		    strerror(errno));
		bad = 1;
	}
	if (s->conf != NULL && s->conf->log.file != NULL && s->logfd == -1)
		bad = 1;
	sbuf_free(&json);
	sbuf_free(&kv);
	if (bad && s->conf != NULL && s->conf->log.on_failure == LOGFAIL_DENY)
		return -1;
	return 0;
}

/* With on_failure = deny, no line runs unless its record will fit. */
static int
log_room(struct session *s)
{
	if (s->logfd == -1 || s->conf->log.on_failure != LOGFAIL_DENY)
		return 0;
	if (audit_writable(s->logfd) == -1) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: audit log %s: no room",
		    s->conf->log.file);
		return -1;
	}
	return 0;
}

void
session_refuse(struct session *s, const char *fmt, ...)
{
	struct sbuf json, kv;
	va_list ap;
	char *why;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) == -1)
		why = NULL;
	va_end(ap);
	fprintf(stderr, "cagesh: %s\n", why ? why : "refused");
	sbuf_init(&json);
	sbuf_init(&kv);
	audit_end_fields(why ? why : "refused", -1, &json, &kv);
	(void)log_record(s, AE_SESSION_REFUSED, json.s, kv.s);
	sbuf_free(&json);
	sbuf_free(&kv);
	if (s->pamh != NULL) {
		if (s->pam_state & PAM_OPENED)
			pam_close_session(s->pamh, 0);
		if (s->pam_state & PAM_CRED)
			pam_setcred(s->pamh, PAM_DELETE_CRED);
		pam_end(s->pamh, PAM_SUCCESS);
	}
	exit(1);
}

/* No one can answer a prompt: sshd already authenticated the user. */
static int
pam_conv_cb(int n, const struct pam_message **msg,
    struct pam_response **resp, void *data)
{
	int i;

	(void)data;
	*resp = NULL;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			if (msg[i]->msg != NULL &&
			    strpbrk(msg[i]->msg, "\033") == NULL)
				fprintf(stderr, "cagesh: %s\n", msg[i]->msg);
			break;
		default:
			return PAM_CONV_ERR;
		}
	}
	*resp = xcalloc((size_t)n, sizeof(**resp));
	return PAM_SUCCESS;
}

void
session_pam_open(struct session *s)
{
	static struct pam_conv conv = { pam_conv_cb, NULL };
	pam_handle_t *pamh = NULL;
	char rhost[64];
	int r;

	if ((r = pam_start("cagesh", s->user, &conv, &pamh)) != PAM_SUCCESS)
		session_refuse(s, "pam_start: %s", pam_strerror(NULL, r));
	s->pamh = pamh;
	s->pam_state = PAM_STARTED;
	if (s->ssh_connection != NULL &&
	    sscanf(s->ssh_connection, "%63s", rhost) == 1)
		(void)pam_set_item(pamh, PAM_RHOST, rhost);
	r = pam_acct_mgmt(pamh, PAM_SILENT);
	if (r == PAM_NEW_AUTHTOK_REQD)
		session_refuse(s, "account %s: password expired", s->user);
	if (r != PAM_SUCCESS)
		session_refuse(s, "account %s: %s", s->user,
		    pam_strerror(pamh, r));
	if ((r = pam_setcred(pamh, PAM_ESTABLISH_CRED)) != PAM_SUCCESS)
		session_refuse(s, "pam_setcred: %s", pam_strerror(pamh, r));
	s->pam_state |= PAM_CRED;
	if ((r = pam_open_session(pamh, PAM_SILENT)) != PAM_SUCCESS)
		session_refuse(s, "pam_open_session: %s",
		    pam_strerror(pamh, r));
	s->pam_state |= PAM_OPENED;
}

#define MSG_START	'S'	/* the child is caged and unprivileged */
#define ACK_OK		'y'
#define ACK_NO		'n'

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
wait_ack(int sock)
{
	char c;
	ssize_t n;

	do
		n = read(sock, &c, 1);
	while (n == -1 && errno == EINTR);
	return n == 1 && c == ACK_OK ? 0 : -1;
}

static void
send_or_die(int sock, char type, const char *a, size_t alen, const char *b,
    size_t blen)
{
	if (audit_send(sock, type, a, alen, b, blen) == -1) {
		fprintf(stderr, "cagesh: audit: %s\n", strerror(errno));
		_exit(1);
	}
}

static void __attribute__((noreturn))
child_refuse(int sock, const char *why)
{
	fprintf(stderr, "cagesh: %s\n", why);
	(void)audit_send(sock, MSG_REFUSED, why, strlen(why), "", 0);
	_exit(1);
}

static int hook_sock = -1;

/* Every simple command, after expansion, goes to the log before it runs. */
static int
hook_command(void *arg, char *const *argv, size_t argc, enum verdict v,
    const char *why)
{
	struct audit_cmd c = { argv, argc, v, why };
	struct sbuf json, kv;
	int r;

	(void)arg;
	sbuf_init(&json);
	sbuf_init(&kv);
	audit_cmd_fields(&c, &json, &kv);
	r = audit_send(hook_sock, MSG_COMMAND, json.s, json.len, kv.s, kv.len);
	sbuf_free(&json);
	sbuf_free(&kv);
	return r;
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
	for (i = 0; i < p->nsetenv; i++)
		vars_set(v, p->setenv[i].name, p->setenv[i].value, 1);
	return v;
}

/*
 * Parses, judges and runs one line; reports it.  Returns its status;
 * *exited is set when the line ran the exit builtin in the shell.
 */
static int
run_line(const struct session *s, int sock, struct vars *vars,
    const char *line, int *exited)
{
	const struct profile *p = s->ent->profile;
	struct audit_line al;
	struct parse_error perr;
	struct exec_ctx ctx;
	struct audit_cmd c;
	struct pline pl;
	struct list *ast;
	struct sbuf json, kv;
	char cwd[PATH_MAX], *why;
	size_t i, len = strlen(line);
	long t0 = now_ms();

	memset(&al, 0, sizeof(al));
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "?");
	al.cwd = cwd;
	al.line = line;
	al.linelen = len;
	al.verdict = V_DENY;
	*exited = 0;

	if ((ast = parse_line(line, len, &s->conf->limits, &perr)) == NULL) {
		xasprintf(&why, "%s: %s", parse_strerror(perr.code), perr.msg);
		fprintf(stderr, "cagesh: %s\n", why);
		c.argv = NULL;
		c.argc = 0;
		c.verdict = V_DENY;
		c.why = why;
		sbuf_init(&json);
		sbuf_init(&kv);
		audit_cmd_fields(&c, &json, &kv);
		send_or_die(sock, MSG_COMMAND, json.s, json.len, kv.s, kv.len);
		sbuf_free(&json);
		sbuf_free(&kv);
		free(why);
		al.status = perr.code == PARSE_SYNTAX ? 2 : 126;
		goto report;
	}
	policy_judge_line(p, ast, &pl);
	BENCH_MARK("judge");
	if (pl.verdict != V_ALLOW) {
		/* Nothing of a line with a denied part runs. */
		for (i = 0; i < pl.n; i++) {
			c.argv = pl.e[i].argv;
			c.argc = pl.e[i].argc;
			c.verdict = pl.e[i].verdict;
			c.why = pl.e[i].why;
			if (c.verdict == V_DENY)
				fprintf(stderr, "cagesh: denied: %s\n", c.why);
			sbuf_init(&json);
			sbuf_init(&kv);
			audit_cmd_fields(&c, &json, &kv);
			send_or_die(sock, MSG_COMMAND, json.s, json.len, kv.s,
			    kv.len);
			sbuf_free(&json);
			sbuf_free(&kv);
		}
		al.status = 126;
		pline_free(&pl);
		ast_free(ast);
		goto report;
	}
	pline_free(&pl);

	memset(&ctx, 0, sizeof(ctx));
	ctx.profile = p;
	ctx.limits = &s->conf->limits;
	ctx.vars = vars;
	ctx.hooks.command = hook_command;
	if (s->mode == SM_LOGIN)
		ctx.hooks.history = interactive_history;
	hook_sock = sock;
	al.status = exec_run(&ctx, ast);
	BENCH_MARK("exec");
	*exited = ctx.exited;
	al.ran = 1;
	al.verdict = ctx.denied ? V_DENY : V_ALLOW;
	ast_free(ast);
report:
	al.duration_ms = now_ms() - t0;
	sbuf_init(&json);
	sbuf_init(&kv);
	audit_line_fields(&al, &json, &kv);
	send_or_die(sock, MSG_LINE, json.s, json.len, kv.s, kv.len);
	sbuf_free(&json);
	sbuf_free(&kv);
	if (wait_ack(sock) == -1) {
		fprintf(stderr, "cagesh: the audit record could not be "
		    "written\n");
		return al.status != 0 ? al.status : 1;
	}
	return al.status;
}

struct line_arg {
	const struct session	*s;
	int			 sock;
	struct vars		*vars;
};

/* Like -c, plus: with on_failure = deny, no line runs while the log is full. */
static int
interactive_line(void *arg, const char *line, int *exited)
{
	struct line_arg *a = arg;

	*exited = 0;
	send_or_die(a->sock, MSG_PROBE, "", 0, "", 0);
	if (wait_ack(a->sock) == -1) {
		fprintf(stderr, "cagesh: the audit log cannot be written: "
		    "the line does not run\n");
		return 1;
	}
	return run_line(a->s, a->sock, a->vars, line, exited);
}

/* An interactive session: lines until exit, ^D, the idle timeout or a signal. */
static int
interactive(const struct session *s, int sock, struct vars *vars)
{
	struct line_arg la = { s, sock, vars };
	struct interactive in;
	enum interactive_end end;
	int status;

	memset(&in, 0, sizeof(in));
	in.conf = &s->conf->shell;
	in.profile = s->ent->profile;
	in.user = s->user;
	in.home = s->ent->home;
	in.term = s->term;
	in.run = interactive_line;
	in.arg = &la;
	status = interactive_run(&in, &end);
	if (end == IE_IDLE)
		send_or_die(sock, MSG_END, end_reasons[0],
		    strlen(end_reasons[0]), "", 0);
	return status;
}

/*
 * The caged child.  Requires: root, PAM session open, sock connected to
 * the parent.  Never returns.
 */
static void __attribute__((noreturn))
session_child(struct session *s, int sock)
{
	struct vars *vars;
	char why[512];
	int exited, status;

	BENCH_MARK("child");
	if (cage_enter(s->ent->cage, why, sizeof(why)) == -1)
		child_refuse(sock, why);
	BENCH_MARK("cage");
	if (priv_drop_user(s->uid, s->gid, s->gids, s->ngids, why,
	    sizeof(why)) == -1)
		child_refuse(sock, why);
	BENCH_MARK("priv");
	/* no_new_privs is set: no process of the session can fake typing */
	if (filter_tty_inject(why, sizeof(why)) == -1)
		child_refuse(sock, why);
	/* Only now, unprivileged, anything the user can write is touched. */
	if (chdir(s->ent->home) == -1) {
		snprintf(why, sizeof(why), "home %s in the cage: %s",
		    s->ent->home, strerror(errno));
		child_refuse(sock, why);
	}
	send_or_die(sock, MSG_START, "", 0, "", 0);
	if (wait_ack(sock) == -1)
		child_refuse(sock, "the audit log cannot be written");
	BENCH_MARK("started");
	vars = session_env(s);
	exec_signals_install();
	if (s->mode == SM_LOGIN)
		status = interactive(s, sock, vars);
	else
		status = run_line(s, sock, vars, s->line, &exited);
	vars_free(vars);
	_exit(status);
}

/*
 * In the child, before anything else: the audit socket moves above the
 * fds a line may redirect (0-9), and every other descriptor the parent
 * holds (the audit log, PAM's, syslog's) is closed.  Returns the socket.
 */
static int
child_fds(int sock)
{
	int keep;

	closelog();
	if ((keep = fcntl(sock, F_DUPFD_CLOEXEC, 10)) == -1) {
		fprintf(stderr, "cagesh: fcntl: %s\n", strerror(errno));
		_exit(1);
	}
	close_fds(3, (unsigned int)keep - 1);
	close_fds((unsigned int)keep + 1, ~0U);
	return keep;
}

static volatile sig_atomic_t got_signal;
static volatile pid_t child_pid;

static void
forward_signal(int sig)
{
	got_signal = sig;
	if (child_pid > 0)
		kill(child_pid, sig);
}

static void
reply(int sock, int ok)
{
	char c = ok ? ACK_OK : ACK_NO;

	(void)send(sock, &c, 1, MSG_NOSIGNAL);
}

/*
 * The privileged parent: writes what the child reports, then waits for
 * it.  Returns the child's exit status.
 */
int
session_run(struct session *s)
{
	struct sigaction sa;
	struct sbuf cmds, cmdkv, frag, fragkv;
	char type, *a, *b, *refused = NULL;
	size_t alen, blen, i, ncmds = 0;
	int sv[2], r, st, status, bufsize = (int)AUDIT_MSG_MAX + 65536;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		session_refuse(s, "socketpair: %s", strerror(errno));
	/* A record of any allowed size fits in one datagram. */
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
	    sizeof(bufsize)) == -1)
		session_refuse(s, "audit socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * An interactive child takes the terminal for its own process
	 * group; a write to it (TOSTOP) must never stop the parent, or the
	 * child would wait forever for its records to be written.
	 */
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);

	if ((pid = fork()) == -1)
		session_refuse(s, "fork: %s", strerror(errno));
	if (pid == 0) {
		BENCH_MARK("fork");
		signal(SIGHUP, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTTOU, SIG_DFL);
		signal(SIGTTIN, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		session_child(s, child_fds(sv[1]));
	}
	child_pid = pid;
	close(sv[1]);

	sbuf_init(&cmds);
	sbuf_init(&cmdkv);
	while ((r = audit_recv(sv[0], &type, &a, &alen, &b, &blen)) == 1) {
		switch (type) {
		case MSG_REFUSED:
			free(refused);
			refused = xstrndup(a, alen);
			break;
		case MSG_END:
			for (i = 0; i < sizeof(end_reasons) /
			    sizeof(end_reasons[0]); i++)
				if (alen == strlen(end_reasons[i]) &&
				    memcmp(a, end_reasons[i], alen) == 0)
					s->end_reason = end_reasons[i];
			if (s->end_reason == NULL)
				goto protocol;
			break;
		case MSG_START:
			reply(sv[0], log_room(s) == 0 &&
			    log_record(s, AE_SESSION_START, "", "") == 0);
			break;
		case MSG_PROBE:
			reply(sv[0], log_room(s) == 0);
			break;
		case MSG_COMMAND:
			if (!audit_cmd_ok(a, b))
				goto protocol;
			if (ncmds++ > 0) {
				sbuf_addc(&cmds, ',');
				sbuf_addc(&cmdkv, ' ');
			}
			sbuf_adds(&cmds, a);
			sbuf_adds(&cmdkv, b);
			break;
		case MSG_LINE:
			if (!audit_fragment_ok(a, b))
				goto protocol;
			sbuf_init(&frag);
			sbuf_init(&fragkv);
			sbuf_addf(&frag, "%s,\"commands\":[%s]", a, cmds.s);
			sbuf_addf(&fragkv, "%s%s%s", b, ncmds ? " " : "",
			    cmdkv.s);
			reply(sv[0], log_record(s, AE_COMMAND, frag.s,
			    fragkv.s) == 0);
			sbuf_free(&frag);
			sbuf_free(&fragkv);
			sbuf_free(&cmds);
			sbuf_free(&cmdkv);
			sbuf_init(&cmds);
			sbuf_init(&cmdkv);
			ncmds = 0;
			break;
		default:
			goto protocol;
		}
		free(a);
		free(b);
		continue;
protocol:
		/* The child is cagesh itself; garbage means it is not. */
		free(a);
		free(b);
		kill(pid, SIGKILL);
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: session %s: bad "
		    "message from the caged child", s->id);
		break;
	}
	close(sv[0]);
	sbuf_free(&cmds);
	sbuf_free(&cmdkv);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			session_refuse(s, "waitpid: %s", strerror(errno));
	child_pid = 0;
	if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else
		status = 128 + WTERMSIG(st);
	if (refused != NULL) {
		/* The child said why on stderr already. */
		struct sbuf json, kv;

		sbuf_init(&json);
		sbuf_init(&kv);
		audit_end_fields(refused, -1, &json, &kv);
		(void)log_record(s, AE_SESSION_REFUSED, json.s, kv.s);
		sbuf_free(&json);
		sbuf_free(&kv);
		free(refused);
		s->refused = 1;	/* a refused session has no end */
	}
	return status;
}

void
session_end(struct session *s, int status)
{
	struct sbuf json, kv;

	if (!s->refused) {
		sbuf_init(&json);
		sbuf_init(&kv);
		audit_end_fields(got_signal ? "signal" : s->end_reason,
		    status, &json, &kv);
		(void)log_record(s, AE_SESSION_END, json.s, kv.s);
		sbuf_free(&json);
		sbuf_free(&kv);
	}
	BENCH_MARK("end_record");
	if (s->pamh != NULL) {
		if (s->pam_state & PAM_OPENED)
			pam_close_session(s->pamh, PAM_SILENT);
		if (s->pam_state & PAM_CRED)
			pam_setcred(s->pamh, PAM_DELETE_CRED | PAM_SILENT);
		pam_end(s->pamh, PAM_SUCCESS);
		s->pamh = NULL;
	}
}
