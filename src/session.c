/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * session.c: the root set-up of a session.  Runs as root (setuid), and
 * from session_identify() on with real, effective and saved uid and gid
 * all 0, so that no process of the caged user can signal or stop it.
 *
 * The order is the security argument (see STYLE, doas and OpenSSH):
 * sane fds, a cleared environment and the user found by real uid; the
 * config opened and checked as root; the audit log opened as root; PAM
 * account and session as root; then a fork into the monitor (monitor.c)
 * and the caged shell (caged.c).
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "account.h"
#include "audit.h"
#include "auditfile.h"
#include "bench.h"
#include "caged.h"
#include "conf.h"
#include "errmsg.h"
#include "monitor.h"
#include "optspec.h"
#include "msg.h"
#include "session.h"
#include "sshauth.h"
#include "status.h"
#include "syscheck.h"
#include "xmalloc.h"

#define PAM_CRED	0x1
#define PAM_OPENED	0x2

static const char *const mode_names[] = {
	[SM_COMMAND] = "command",
	[SM_FORCED] = "forced",
	[SM_LOGIN] = "interactive",
};

/*
 * The root side's limits: whatever the caller set (or PAM's pam_limits
 * sets for the user) must never make it die half-way through a record.
 */
static const struct {
	int	 res;
	rlim_t	 cur;
} own_limits[] = {
	{ RLIMIT_CPU, RLIM_INFINITY },
	{ RLIMIT_FSIZE, RLIM_INFINITY },
	{ RLIMIT_DATA, RLIM_INFINITY },
	{ RLIMIT_AS, RLIM_INFINITY },
	{ RLIMIT_STACK, 8 * 1024 * 1024 },
	{ RLIMIT_CORE, 0 },
	{ RLIMIT_NOFILE, 1024 },
	{ RLIMIT_NPROC, RLIM_INFINITY },
};

/*
 * 0, or -1 naming in why a limit the root side needs and cannot have:
 * without CAP_SYS_RESOURCE a hard limit the caller lowered stays, and
 * then the soft one goes only as high as it.
 */
static int
own_limits_set(char *why, size_t len)
{
	struct rlimit rl, old;
	size_t i;

	/* a file-size limit must be an error (EFBIG), never death */
	signal(SIGXFSZ, SIG_IGN);
	for (i = 0; i < sizeof(own_limits) / sizeof(own_limits[0]); i++) {
		if (getrlimit(own_limits[i].res, &old) == -1)
			continue;
		rl.rlim_cur = rl.rlim_max = own_limits[i].cur;
		/* a hard limit above ours stays: the caged side may need it */
		if ((own_limits[i].res == RLIMIT_NOFILE ||
		    own_limits[i].res == RLIMIT_STACK) &&
		    old.rlim_max > rl.rlim_max)
			rl.rlim_max = old.rlim_max;
		if (setrlimit(own_limits[i].res, &rl) == 0)
			continue;
		rl.rlim_max = old.rlim_max;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(own_limits[i].res, &rl);
		/* the audit log is written whatever its size and the time */
		if ((own_limits[i].res == RLIMIT_FSIZE ||
		    own_limits[i].res == RLIMIT_CPU) &&
		    rl.rlim_cur != RLIM_INFINITY) {
			snprintf(why, len, "the caller's hard %s limit is too "
			    "low for the audit log (raise it: ulimit -H)",
			    own_limits[i].res == RLIMIT_FSIZE ? "file size" :
			    "CPU time");
			return -1;
		}
	}
	return 0;
}

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
void
session_close_fds(unsigned int lo, unsigned int hi)
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
		err_warn("getrandom");
		exit(CAGESH_EXIT_SETUP);
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

static void
save_limits(struct rlimit *rl)
{
	int i;

	for (i = 0; i < SESSION_NLIMITS; i++)
		if (getrlimit(i, &rl[i]) == -1)
			rl[i].rlim_cur = rl[i].rlim_max = RLIM_INFINITY;
}

/*
 * The login shell is cagesh (this one, or another build named cagesh*
 * by the admin, who sets shells): it reads no startup file.
 */
static int
login_shell_is_cagesh(const char *shell)
{
	const char *base = strrchr(shell, '/');

	base = base != NULL ? base + 1 : shell;
	return is_self(shell) || strncmp(base, "cagesh", 6) == 0;
}

void
session_begin(struct session *s, int argc, char *argv[])
{
	static const char addrchars[] = "0123456789abcdefABCDEF.: %";
	char why[160];
	int login, limits_ok;

	memset(s, 0, sizeof(*s));
	s->logfd = -1;
	s->ctl = -1;
	session_close_fds(3, ~0U);
	save_limits(s->limits);
	limits_ok = own_limits_set(why, sizeof(why));
	s->ssh_connection = keep_env("SSH_CONNECTION", 256, addrchars);
	s->ssh_client = keep_env("SSH_CLIENT", 256, addrchars);
	s->ssh_original = keep_env("SSH_ORIGINAL_COMMAND", SIZE_MAX, NULL);
	s->term = keep_env("TERM", 64, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._");
	s->lang = keep_env("LANG", 64, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-");
	/* sshd's forwarded agent: an absolute path, for the relay only */
	s->ssh_auth_sock = keep_env("SSH_AUTH_SOCK", 107,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/._-");
	if (s->ssh_auth_sock != NULL && s->ssh_auth_sock[0] != '/') {
		free(s->ssh_auth_sock);
		s->ssh_auth_sock = NULL;
	}
	s->ssh_user_auth = keep_env("SSH_USER_AUTH", 4096,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/._-");
	/* Nothing of the caller's environment reaches anything we run. */
	if (clearenv() != 0) {
		err_warnx("cannot clear the environment");
		exit(CAGESH_EXIT_SETUP);
	}
	umask(077);
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
	if (limits_ok == -1)
		session_refuse(s, NULL, "%s", why);
	if (s->mode == SM_COMMAND && s->line == NULL)
		session_refuse(s, NULL, "usage: cagesh -c LINE (see cagesh "
		    "--help)");
}

void
session_identify(struct session *s)
{
	struct account a;
	enum account_err e;

	if ((e = account_caller(&a)) == ACCOUNT_NONE)
		session_refuse(s, NULL, "uid %u has no account",
		    (unsigned)getuid());
	if (e != ACCOUNT_OK)
		session_refuse(s, NULL, "uid %u: %s", (unsigned)getuid(),
		    account_strerror(e));
	/* the session owns these from here */
	s->user = a.name;
	s->uid = a.uid;
	s->gid = a.gid;
	s->shell = a.shell;
	s->home = a.dir;
	s->gids = a.gids;
	s->ngids = a.ngids;
	s->pw.pw_name = s->user;
	s->pw.pw_uid = s->uid;
	s->pw.pw_gid = s->gid;
	s->pw.pw_dir = s->home;
	s->pw.pw_shell = s->shell;
	s->ident.user = s->user;
	/* which key sshd let in, for the records: its file, the user's */
	if (s->ssh_connection != NULL && s->ssh_user_auth != NULL)
		s->ident.auth = s->auth = sshauth_read(s->ssh_user_auth,
		    s->uid);
	if (s->uid == 0)
		session_refuse(s, NULL, "root cannot use cagesh");
	/*
	 * From here the root side is root through and through: a process
	 * with the user's real uid could be signalled, stopped or killed
	 * by every process of that user, this session's and any other's.
	 */
	if (setgroups(0, NULL) == -1 || setresgid(0, 0, 0) == -1 ||
	    setresuid(0, 0, 0) == -1)
		session_refuse(s, NULL, "cannot become root: %s",
		    strerror(errno));
}

/*
 * The config is root's: its messages quote values the caged user must
 * not see.  They go to syslog; the user is told where to look.
 */
void
session_load_conf(struct session *s)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf_cache_use use;
	char why[512];
	size_t i;
	int fd;

	if ((fd = conf_open_trusted(CAGESH_CONF, why, sizeof(why))) == -1)
		session_refuse(s, NULL, "%s", why);
	/*
	 * A session compiles a pattern when a line first needs it: regcomp
	 * of them all was most of the config's cost, and a line uses few.
	 * --check-config compiles every one; one that fails here (the file
	 * changed since) denies the command that reached it (policy.c).
	 */
	pattern_defer(1);
	/*
	 * The compiled config (confcache.h) when it was made from the
	 * bytes the file holds now: libconfig's parse and the checks were
	 * most of the rest.  A cache that cannot be written costs nothing
	 * but speed, and says so in syslog.
	 */
	s->conf = conf_load_cached(fd, CAGESH_CONF, CAGESH_CACHEDIR, &errs,
	    &use);
	close(fd);
	if (use.write_failed)
		syslog(LOG_AUTHPRIV | LOG_WARNING, "cagesh: the compiled "
		    "config is not kept (sessions load %s each time): %s",
		    CAGESH_CONF, use.why);
	if (s->conf == NULL) {
		for (i = 0; i < errs.n; i++)
			syslog(LOG_AUTHPRIV | LOG_ERR, "%s", errs.msg[i]);
		/* the log the broken config names, if its log group is sound */
		if (errs.log_ok && errs.log.file != NULL)
			s->logfd = auditfile_open(errs.log.file);
		session_refuse(s, "the configuration is invalid; an "
		    "administrator can run cagesh --check-config",
		    "%s: %zu problem%s; the first: %s", CAGESH_CONF, errs.n,
		    errs.n == 1 ? "" : "s", errs.n > 0 ? errs.msg[0] : "?");
	}
}

void
session_find_entry(struct session *s)
{
	char why[1024];

	switch (conf_find_user(s->conf, s->user, s->gids, s->ngids, &s->ent)) {
	case MATCH_ONE:
		break;
	case MATCH_MANY:
		session_refuse(s, NULL, "user %s is matched by two entries "
		    "in %s", s->user, CAGESH_CONF);
	default:
		session_refuse(s, NULL, "user %s has no entry in %s", s->user,
		    CAGESH_CONF);
	}
	/* reached through another shell: its startup files ran first */
	if (account_forced_unsafe(&s->pw, login_shell_is_cagesh(s->shell),
	    s->gids,
	    s->ngids, why, sizeof(why)))
		session_refuse(s, "refused: this account's login shell runs "
		    "files the user can write before cagesh starts; see the "
		    "audit log", "%s", why);
	if (s->mode == SM_LOGIN) {
		if (!s->ent->interactive)
			session_refuse(s, NULL, "no interactive login for %s: "
			    "run a command (ssh host COMMAND)", s->user);
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			session_refuse(s, NULL, "an interactive login needs a "
			    "terminal: use ssh -t, or run a command (ssh "
			    "host COMMAND)");
	}
}

void
session_open_log(struct session *s)
{
	struct auditfile_why w;
	char shown[256];

	if (s->conf->log.file == NULL)
		return;
	if ((s->logfd = auditfile_open_why(s->conf->log.file, &w)) == -1) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: audit log: %s", w.msg);
		/* the rule, not the path: that is the config's */
		snprintf(shown, sizeof(shown), "the audit log cannot be "
		    "written: %s (an administrator can run cagesh "
		    "--check-config)", w.rule);
		if (s->conf->log.on_failure == LOGFAIL_DENY)
			session_refuse(s, shown, "%s", w.msg);
		err_warnx("%s", shown);
	}
}

int
session_record(struct session *s, const struct arecord *r)
{
	struct sbuf json, kv;
	size_t cap = AUDIT_RECORD_DEFAULT;
	int bad = 0;

	if (s->conf != NULL)
		cap = (size_t)s->conf->log.record_max;
	sbuf_init(&json);
	sbuf_init(&kv);
	audit_format(&s->ident, r, cap, &json, &kv);
	if (s->conf == NULL || s->conf->log.syslog)
		auditfile_syslog(kv.s);
	if (s->logfd != -1 && auditfile_write(s->logfd, json.s,
	    json.len) == -1) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: session %s: audit "
		    "log: %s", s->id, strerror(errno));
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

/* The monitor has written the session's end once it exits. */
static void
wait_monitor(struct session *s)
{
	int st;

	if (s->ctl != -1) {
		close(s->ctl);
		s->ctl = -1;
	}
	while (s->monitor > 0 && waitpid(s->monitor, &st, 0) == -1 &&
	    errno == EINTR)
		;
	s->monitor = 0;
}

/*
 * Before PAM: pam_limits sets the user's limits on the process that
 * opens the session, and a lowered hard limit cannot be raised again
 * without CAP_SYS_RESOURCE.  The monitor, forked here, never has them;
 * it forks the caged shell once we say PAM is open.  The signals we
 * wait for are blocked from here on, in the monitor too.
 */
void
session_fork_monitor(struct session *s)
{
	sigset_t set;
	int ctl[2];
	pid_t pid;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, &s->sigmask) == -1)
		session_refuse(s, NULL, "sigprocmask: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) == -1)
		session_refuse(s, NULL, "socketpair: %s", strerror(errno));
	if ((pid = fork()) == -1)
		session_refuse(s, NULL, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(ctl[0]);
		monitor_run(s, ctl[1]);
	}
	close(ctl[1]);
	s->monitor = pid;
	s->ctl = ctl[0];
	/* from here only the monitor writes records */
	if (s->logfd != -1)
		close(s->logfd);
	s->logfd = -1;
}

void
session_end(struct session *s)
{
	if (s->pamh == NULL)
		return;
	if (s->pam_state & PAM_OPENED)
		pam_close_session(s->pamh, PAM_SILENT);
	if (s->pam_state & PAM_CRED)
		pam_setcred(s->pamh, PAM_DELETE_CRED | PAM_SILENT);
	pam_end(s->pamh, PAM_SUCCESS);
	s->pamh = NULL;
}

void
session_refuse(struct session *s, const char *shown, const char *fmt, ...)
{
	struct arecord r;
	struct msg m;
	va_list ap;
	char *why;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) == -1)
		why = NULL;
	va_end(ap);
	err_warnx("%s", shown != NULL ? shown :
	    why != NULL ? why : "refused");
	memset(&r, 0, sizeof(r));
	r.ev = AE_SESSION_REFUSED;
	r.duration_ms = -1;
	r.reason.s = why != NULL ? why : "refused";
	r.reason.len = strlen(r.reason.s);
	if (s->monitor > 0) {
		/* the monitor holds the log: it writes the refusal */
		msg_init(&m, M_CTL_REFUSED);
		msg_str(&m, T_REASON, r.reason.s, r.reason.len);
		(void)msg_send(s->ctl, &m);
		msg_free(&m);
		wait_monitor(s);
	} else
		(void)session_record(s, &r);
	session_end(s);
	exit(CAGESH_EXIT_SETUP);
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
				err_warnx("%s", msg[i]->msg);
			break;
		default:
			return PAM_CONV_ERR;
		}
	}
	*resp = xcalloc((size_t)n, sizeof(**resp));
	return PAM_SUCCESS;
}

/*
 * What PAM's account check said, as the rule that failed.  Debian's
 * common-account turns pam_unix's verdict into pam_deny's "Authentication
 * failure": then the shadow entry says what pam_unix saw.
 */
static const char *
acct_why(pam_handle_t *pamh, int r, const char *user, char *why, size_t len)
{
	if (r != PAM_ACCT_EXPIRED && r != PAM_NEW_AUTHTOK_REQD &&
	    account_expiry_why(user, why, len))
		return why;
	switch (r) {
	case PAM_ACCT_EXPIRED:
		return "account expired (chage -E -1 lifts the expiry date)";
	case PAM_NEW_AUTHTOK_REQD:
		return "password expired: it must be changed, and cagesh "
		    "cannot ask for a new one (passwd, or chage -d)";
	case PAM_PERM_DENIED:
		return "access denied by the account rules (pam_access, "
		    "pam_time, pam_nologin...)";
	case PAM_USER_UNKNOWN:
		return "PAM does not know this user";
	case PAM_AUTH_ERR:
		return "refused by the account stack (Authentication failure: "
		    "see its account lines in /etc/pam.d)";
	default:
		return pam_strerror(pamh, r);
	}
}

/*
 * PAM runs with the caller's limits (as far as they can be raised
 * again), so that pam_limits sets the user's on top of them; what it
 * made is kept for the caged side.  The monitor, forked before, never
 * has them; this process writes no record from here on.
 */
static int
open_session_limited(struct session *s, pam_handle_t *pamh)
{
	int i, r;

	for (i = 0; i < SESSION_NLIMITS; i++)
		(void)setrlimit(i, &s->limits[i]);
	r = pam_open_session(pamh, PAM_SILENT);
	save_limits(s->limits);
	return r;
}

void
session_pam_open(struct session *s)
{
	static struct pam_conv conv = { pam_conv_cb, NULL };
	pam_handle_t *pamh = NULL;
	char rhost[64], why[512];
	int r;

	/* else PAM runs "other" for us, and says "Authentication failure" */
	if (syscheck_pam(why, sizeof(why)) == -1)
		session_refuse(s, NULL, "%s", why);
	if ((r = pam_start("cagesh", s->user, &conv, &pamh)) != PAM_SUCCESS)
		session_refuse(s, NULL, "pam_start: %s",
		    pam_strerror(NULL, r));
	s->pamh = pamh;
	if (s->ssh_connection != NULL &&
	    sscanf(s->ssh_connection, "%63s", rhost) == 1)
		(void)pam_set_item(pamh, PAM_RHOST, rhost);
	if ((r = pam_acct_mgmt(pamh, PAM_SILENT)) != PAM_SUCCESS)
		session_refuse(s, NULL, "PAM refuses %s: %s", s->user,
		    acct_why(pamh, r, s->user, why, sizeof(why)));
	if ((r = pam_setcred(pamh, PAM_ESTABLISH_CRED)) != PAM_SUCCESS)
		session_refuse(s, NULL, "pam_setcred: %s",
		    pam_strerror(pamh, r));
	s->pam_state |= PAM_CRED;
	if ((r = open_session_limited(s, pamh)) != PAM_SUCCESS)
		session_refuse(s, NULL, "pam_open_session: %s",
		    pam_strerror(pamh, r));
	s->pam_state |= PAM_OPENED;
}

/* After SIGHUP or SIGTERM, the session has this long to end. */
#define GRACE_MS	5000

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * PAM is open: the monitor may fork the caged shell, with the limits
 * PAM made.  Then we wait for the monitor, passing on the signals the
 * session gets; should it die, the shell dies with it (nothing may run
 * unrecorded).  Returns the session's exit status.
 */
int
session_run(struct session *s)
{
	struct signalfd_siginfo si;
	struct pollfd pf[2];
	sigset_t set;
	struct msg m;
	pid_t shell = 0;
	long kill_at = 0;
	int i, r, reply, sigfd, st, timeout;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if ((sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		session_refuse(s, NULL, "signalfd: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	msg_init(&m, M_CTL_GO);
	for (i = 0; i < SESSION_NLIMITS; i++) {
		msg_num(&m, T_LIMIT, (int64_t)s->limits[i].rlim_cur);
		msg_num(&m, T_LIMIT, (int64_t)s->limits[i].rlim_max);
	}
	r = msg_send(s->ctl, &m);
	msg_free(&m);
	if (r == -1)
		session_refuse(s, NULL, "the monitor is gone: %s",
		    strerror(errno));
	pf[0].fd = sigfd;
	pf[0].events = POLLIN;
	pf[1].fd = s->ctl;
	pf[1].events = POLLIN;
	for (;;) {
		timeout = -1;
		if (kill_at != 0 && (timeout = (int)(kill_at - now_ms())) <= 0) {
			(void)kill(s->monitor, SIGKILL);
			timeout = 100;
		}
		if (poll(pf, 2, timeout) == -1 && errno != EINTR)
			break;
		if (pf[1].revents & POLLIN) {
			if (msg_recv(s->ctl, s->ctlbuf, sizeof(s->ctlbuf), 1,
			    &m, &reply) == 1 && m.type == M_CTL_SHELL &&
			    m.n == 1 && m.f[0].num > 1)
				shell = (pid_t)m.f[0].num;
			msg_answer(reply, 0, 0);
			msg_free(&m);
		}
		if (pf[1].revents & (POLLHUP | POLLERR))
			pf[1].fd = -1;
		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo != SIGHUP && si.ssi_signo != SIGTERM)
				continue;
			/* the monitor passes it on and records it */
			(void)kill(s->monitor, (int)si.ssi_signo);
			if (kill_at == 0)
				kill_at = now_ms() + GRACE_MS + 1000;
		}
		if ((r = waitpid(s->monitor, &st, WNOHANG)) == s->monitor)
			break;
		if (r == -1 && errno != EINTR)
			break;
	}
	close(sigfd);
	close(s->ctl);
	s->ctl = -1;
	s->monitor = 0;
	if (r != -1 && WIFEXITED(st))
		return WEXITSTATUS(st);
	/* the monitor was killed: so is the shell */
	if (shell > 0)
		(void)kill(shell, SIGKILL);
	syslog(LOG_AUTHPRIV | LOG_ERR, "cagesh: session %s: the monitor "
	    "died", s->id);
	return 1;
}
