/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * actionrun.c: an admin action run on the host by the monitor (root,
 * outside the cage).  Nothing of the caged side reaches the program
 * but the operands action.c let through: the argv is the admin's, the
 * environment is built here, stdin is /dev/null, the directory is /.
 * Its output goes through pipes the monitor reads, so that it is
 * bounded and a reader that stops cannot stop the monitor for longer
 * than the action's timeout.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "actionrun.h"
#include "conf.h"
#include "errmsg.h"
#include "priv.h"
#include "session.h"
#include "status.h"
#include "xmalloc.h"

/* Symlinks followed on the way to a program, at most. */
#define LINKS_MAX	16
/* A write to the session's fd at a time: a pipe with room takes it whole. */
#define CHUNK		512
/* How often the monitor looks whether the program has ended. */
#define TICK_MS		100

static const char ACTION_PATH[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Walks path from /, component by component with lstat, each directory
 * and each symlink root's and each directory not group/other-writable;
 * a symlink's target is walked in its place.  A program reached only
 * through a place someone else can change could be swapped for another.
 */
int
actionrun_program(const char *path, char *real, size_t reallen, char *why,
    size_t whylen)
{
	char cur[PATH_MAX], rest[PATH_MAX], link[PATH_MAX], next[PATH_MAX];
	struct stat st;
	const char *c;
	char *slash;
	size_t len;
	ssize_t n;
	int links = 0;

	if (path[0] != '/')
		return err_why(why, whylen, "%s: not an absolute path", path);
	if (strlen(path) >= sizeof(rest))
		return err_why(why, whylen, "%s: path too long", path);
	snprintf(rest, sizeof(rest), "%s", path);
	cur[0] = '\0';
	for (c = rest;;) {
		while (*c == '/')
			c++;
		if (*c == '\0')
			break;
		len = strcspn(c, "/");
		if (len == 1 && c[0] == '.') {
			c += len;
			continue;
		}
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			/* cur is a real directory: its parent is lexical */
			if ((slash = strrchr(cur, '/')) != NULL)
				*slash = '\0';
			c += len;
			continue;
		}
		if (strlen(cur) + 1 + len >= sizeof(cur))
			return err_why(why, whylen, "%s: path too long", path);
		snprintf(cur + strlen(cur), sizeof(cur) - strlen(cur), "/%.*s",
		    (int)len, c);
		c += len;
		if (lstat(cur, &st) == -1 && strcmp(cur, path) == 0)
			return err_why(why, whylen, "%s: %s", path,
			    strerror(errno));
		if (lstat(cur, &st) == -1)
			return err_why(why, whylen, "%s: %s: %s", path, cur,
			    strerror(errno));
		if (st.st_uid != 0)
			return err_why(why, whylen, "%s: %s is not owned by root",
			    path, cur);
		if (S_ISLNK(st.st_mode)) {
			if (++links > LINKS_MAX)
				return err_why(why, whylen, "%s: too many "
				    "symlinks", path);
			if ((n = readlink(cur, link, sizeof(link) - 1)) <= 0)
				return err_why(why, whylen, "%s: %s: %s", path,
				    cur, strerror(errno));
			link[n] = '\0';
			if (link[0] == '/')
				cur[0] = '\0';
			else if ((slash = strrchr(cur, '/')) != NULL)
				*slash = '\0';
			if ((size_t)snprintf(next, sizeof(next), "%s/%s", link,
			    c) >= sizeof(next))
				return err_why(why, whylen, "%s: path too long",
				    path);
			snprintf(rest, sizeof(rest), "%s", next);
			c = rest;
			continue;
		}
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			return err_why(why, whylen, "%s: %s is writable by group "
			    "or others (chmod go-w %s)", path, cur, cur);
		if (S_ISDIR(st.st_mode))
			continue;
		while (*c == '/')
			c++;
		if (*c != '\0')
			return err_why(why, whylen, "%s: %s is not a directory",
			    path, cur);
		if (!S_ISREG(st.st_mode))
			return err_why(why, whylen, "%s: not a regular file",
			    path);
		if (!(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
			return err_why(why, whylen, "%s: not executable", path);
		if (strlen(cur) >= reallen)
			return err_why(why, whylen, "%s: path too long", path);
		snprintf(real, reallen, "%s", cur);
		return 0;
	}
	return err_why(why, whylen, "%s: is a directory", path);
}

int
actionrun_user(const struct action *a, const struct actionrun_user *self,
    struct actionrun_user *u, char *why, size_t whylen)
{
	struct passwd *pw;

	if (strcmp(a->user, ACTION_SELF) == 0) {
		if (self == NULL)
			return err_why(why, whylen, "no session user");
		*u = *self;
		return 0;
	}
	memset(u, 0, sizeof(*u));
	errno = 0;
	if ((pw = getpwnam(a->user)) == NULL)
		return err_why(why, whylen, "user %s: %s", a->user, errno != 0 ?
		    strerror(errno) : "no such user");
	if (strlen(pw->pw_name) >= sizeof(u->name) ||
	    strlen(pw->pw_dir) >= sizeof(u->home))
		return err_why(why, whylen, "user %s: name or home too long",
		    a->user);
	snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	snprintf(u->home, sizeof(u->home), "%s", pw->pw_dir);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

/* In the child: the ids of u, checked; never returns on failure. */
static void
child_ids(const struct actionrun_user *u)
{
	gid_t gids[NGROUPS_MAX + 1];
	uid_t r, e, s;
	char why[256];
	int n = NGROUPS_MAX + 1;

	if (getgrouplist(u->name, u->gid, gids, &n) == -1) {
		err_warnx("action: %s: too many groups", u->name);
		_exit(CAGESH_EXIT_DENIED);
	}
	if (u->uid != 0) {
		if (priv_drop_user(u->uid, u->gid, gids, (size_t)n, why,
		    sizeof(why)) == -1) {
			err_warnx("action: %s: %s", u->name, why);
			_exit(CAGESH_EXIT_DENIED);
		}
		return;
	}
	/* root: its own groups, and nothing left of the session's */
	if (setgroups((size_t)n, gids) == -1 ||
	    setresgid(u->gid, u->gid, u->gid) == -1 ||
	    setresuid(0, 0, 0) == -1 || getresuid(&r, &e, &s) == -1 ||
	    r != 0 || e != 0 || s != 0) {
		err_warnx("action: root: %s", strerror(errno));
		_exit(CAGESH_EXIT_DENIED);
	}
}

/*
 * The environment, from nothing: the action's user, a fixed PATH, and
 * for a user other than root that user's own service manager on the
 * host (systemctl --user finds it by these two).
 */
static char **
child_env(const struct actionrun_user *u)
{
	char **env = xcalloc(9, sizeof(*env));
	size_t n = 0;

	xasprintf(&env[n++], "PATH=%s", ACTION_PATH);
	xasprintf(&env[n++], "HOME=%s", u->home[0] != '\0' ? u->home : "/");
	xasprintf(&env[n++], "USER=%s", u->name);
	xasprintf(&env[n++], "LOGNAME=%s", u->name);
	xasprintf(&env[n++], "SHELL=/bin/sh");
	xasprintf(&env[n++], "LANG=C");
	if (u->uid != 0) {
		xasprintf(&env[n++], "XDG_RUNTIME_DIR=/run/user/%lu",
		    (unsigned long)u->uid);
		xasprintf(&env[n++], "DBUS_SESSION_BUS_ADDRESS=unix:path="
		    "/run/user/%lu/bus", (unsigned long)u->uid);
	}
	return env;
}

static void __attribute__((noreturn))
child(const char *real, char *const *argv, const struct actionrun_user *u,
    int out, int err)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGPIPE, SIGTSTP,
	    SIGTTIN, SIGTTOU, SIGXFSZ, SIGHUP, SIGTERM, SIGCHLD };
	sigset_t none;
	size_t i;
	int null;

	/* its own process group and session: killed whole at the timeout */
	(void)setsid();
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if ((null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(CAGESH_EXIT_DENIED);
	session_close_fds(3, ~0U);
	umask(022);
	if (chdir("/") == -1) {
		err_warnx("action: chdir /: %s", strerror(errno));
		_exit(CAGESH_EXIT_DENIED);
	}
	child_ids(u);
	execve(real, argv, child_env(u));
	err_warnx("action: %s: %s", real, strerror(errno));
	_exit(errno == ENOENT ? CAGESH_EXIT_NOTFOUND : CAGESH_EXIT_DENIED);
}

/* One stream of the program's output, to one of the session's fds. */
struct relay {
	int		 from;		/* -1 at EOF */
	int		 to;		/* -1: dropped */
	char		 buf[CHUNK];
	size_t		 len;
};

/* Writes what is buffered once `to` has room; drops it past the bound. */
static void
relay_flush(struct relay *rl, size_t *total, size_t *dropped, long deadline)
{
	struct pollfd pf;
	ssize_t w;
	size_t off = 0;
	int t;

	while (off < rl->len) {
		if (rl->to == -1 || *total >= ACTION_OUTPUT_MAX)
			break;
		pf.fd = rl->to;
		pf.events = POLLOUT;
		if ((t = (int)(deadline - now_ms())) < 0)
			t = 0;
		if (poll(&pf, 1, t) <= 0 || !(pf.revents & POLLOUT)) {
			/* a reader that never reads, or gone: no more */
			rl->to = -1;
			break;
		}
		w = write(rl->to, rl->buf + off, rl->len - off);
		if (w <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			rl->to = -1;
			break;
		}
		off += (size_t)w;
		*total += (size_t)w;
	}
	*dropped += rl->len - off;
	rl->len = 0;
}

int
actionrun(const struct action *a, char *const *argv,
    const struct actionrun_user *u, int out, int err,
    struct actionrun_result *r, char *why, size_t whylen)
{
	struct relay rl[2];
	struct pollfd pf[2];
	siginfo_t si;
	char real[PATH_MAX];
	long t0 = now_ms(), deadline;
	size_t total = 0, i;
	ssize_t n;
	pid_t pid, got = 0;
	int po[2], pe[2], st = 0, killed = 0;

	memset(r, 0, sizeof(*r));
	if (actionrun_program(argv[0], real, sizeof(real), why, whylen) == -1)
		return -1;
	if (pipe2(po, O_CLOEXEC) == -1)
		return err_why(why, whylen, "pipe: %s", strerror(errno));
	if (pipe2(pe, O_CLOEXEC) == -1) {
		close(po[0]);
		close(po[1]);
		return err_why(why, whylen, "pipe: %s", strerror(errno));
	}
	if ((pid = fork()) == -1) {
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		return err_why(why, whylen, "fork: %s", strerror(errno));
	}
	if (pid == 0)
		child(real, argv, u, po[1], pe[1]);
	close(po[1]);
	close(pe[1]);
	memset(rl, 0, sizeof(rl));
	rl[0].from = po[0];
	rl[0].to = out;
	rl[1].from = pe[0];
	rl[1].to = err;
	deadline = t0 + a->timeout * 1000;
	/*
	 * Until the program has ended and its output is read; at the
	 * deadline its whole process group is killed.  Once it has ended,
	 * so is whatever it left in its group, which could keep the pipes
	 * open for ever.
	 */
	for (;;) {
		/*
		 * Seen ended but not reaped (WNOWAIT): its pid cannot be
		 * reused yet, so the group killed is still its own.
		 */
		si.si_pid = 0;
		if (got == 0 && waitid(P_PID, (id_t)pid, &si, WEXITED |
		    WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) {
			(void)kill(-pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			got = pid;
		}
		if (got != 0 && rl[0].from == -1 && rl[1].from == -1)
			break;
		if (now_ms() >= deadline) {
			if (killed)
				break;
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			killed = 1;
			r->timed_out = got == 0;
			deadline = now_ms() + 1000;
		}
		for (i = 0; i < 2; i++) {
			pf[i].fd = rl[i].from;
			pf[i].events = POLLIN;
		}
		(void)poll(pf, 2, TICK_MS);
		for (i = 0; i < 2; i++) {
			if (rl[i].from == -1 ||
			    !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(rl[i].from, rl[i].buf, sizeof(rl[i].buf));
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(rl[i].from);
				rl[i].from = -1;
				continue;
			}
			rl[i].len = (size_t)n;
			relay_flush(&rl[i], &total, &r->dropped,
			    killed ? now_ms() : deadline);
		}
	}
	for (i = 0; i < 2; i++)
		if (rl[i].from != -1)
			close(rl[i].from);
	/* killed: SIGKILL ends it, however long the kernel takes */
	if (got == 0)
		(void)waitpid(pid, &st, 0);
	r->duration_ms = now_ms() - t0;
	if (r->timed_out)
		r->status = 124;
	else if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		r->status = 128 + WTERMSIG(st);
	else
		r->status = 1;
	return 0;
}

void
actionrun_tell(int fd, const char *fmt, ...)
{
	struct pollfd pf;
	va_list ap;
	char buf[CHUNK];
	int n;

	if (fd == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	pf.fd = fd;
	pf.events = POLLOUT;
	if (poll(&pf, 1, 1000) == 1 && (pf.revents & POLLOUT))
		(void)write(fd, buf, (size_t)n);
}

static void
check_err(struct conf_errors *errs, const struct action *a, const char *m)
{
	errs->msg = xreallocarray(errs->msg, errs->n + 1, sizeof(*errs->msg));
	xasprintf(&errs->msg[errs->n++], "%s: action '%s': %s", a->where,
	    a->name, m);
}

size_t
actionrun_check_conf(const struct conf *c, struct conf_errors *errs)
{
	const struct action *a;
	struct actionrun_user u;
	char real[PATH_MAX], why[PATH_MAX + 256];
	size_t i, k, added = 0;

	for (i = 0; i < c->nprofiles; i++) {
		for (k = 0; k < c->profiles[i].nactions; k++) {
			a = &c->profiles[i].actions[k];
			/*
			 * Not installed on this host (a shipped profile's
			 * passenger-config): fails closed when asked for.
			 */
			if (access(a->argv[0], F_OK) == -1 && errno == ENOENT)
				;
			else if (actionrun_program(a->argv[0], real, sizeof(real),
			    why, sizeof(why)) == -1) {
				check_err(errs, a, why);
				added++;
			}
			if (strcmp(a->user, ACTION_SELF) != 0 &&
			    actionrun_user(a, NULL, &u, why,
			    sizeof(why)) == -1) {
				check_err(errs, a, why);
				added++;
			}
		}
	}
	return added;
}
