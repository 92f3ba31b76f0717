/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ssh-agent relay (agent.h).  Runs as ROOT, outside the cage, in a
 * process of its own that the monitor forks; it holds no record, no
 * config and no fd of the session but its listening socket.
 */
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "cage.h"
#include "cgroup.h"
#include "xmalloc.h"

/* Message types of the agent protocol (draft-miller-ssh-agent). */
#define AGENT_FAILURE			5
#define AGENTC_REQUEST_IDENTITIES	11
#define AGENTC_SIGN_REQUEST		13
#define AGENTC_EXTENSION		27

#define AGENT_MAXCONN	8
#define AGENT_BUF	(AGENT_MSG_MAX + 4)

static const char session_bind[] = "session-bind@openssh.com";

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

enum agent_verdict
agent_judge(const unsigned char *buf, size_t n, size_t *len)
{
	uint32_t mlen, nlen;

	if (n < 4)
		return AGENT_MORE;
	mlen = be32(buf);
	if (mlen == 0 || mlen > AGENT_MSG_MAX)
		return AGENT_BAD;
	if (n < 4 + (size_t)mlen)
		return AGENT_MORE;
	*len = 4 + (size_t)mlen;
	switch (buf[4]) {
	case AGENTC_REQUEST_IDENTITIES:
	case AGENTC_SIGN_REQUEST:
		return AGENT_PASS;
	case AGENTC_EXTENSION:
		/* ssh binds the key to the session: harmless, and asked */
		if (mlen < 5)
			return AGENT_BAD;
		nlen = be32(buf + 5);
		if (nlen > mlen - 5)
			return AGENT_BAD;
		if (nlen == sizeof(session_bind) - 1 &&
		    memcmp(buf + 9, session_bind, nlen) == 0)
			return AGENT_PASS;
		return AGENT_REFUSE;
	default:
		return AGENT_REFUSE;
	}
}

long
agent_reply_len(const unsigned char *buf, size_t n)
{
	uint32_t mlen;

	if (n < 4)
		return 0;
	mlen = be32(buf);
	if (mlen == 0 || mlen > AGENT_MSG_MAX)
		return -1;
	return n < 4 + (size_t)mlen ? 0 : (long)(4 + mlen);
}

struct conn {
	int		 cfd;		/* the caged client */
	int		 ufd;		/* the agent */
	int		 waiting;	/* a request passed, its reply due */
	size_t		 cn, un;
	unsigned char	*cbuf, *ubuf;
};

/* The agent's socket, opened with the user's rights, not root's. */
static int
connect_upstream(const struct agent_relay *r)
{
	struct sockaddr_un sun;
	int fd, ok, ouid, ogid;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(r->upstream) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, r->upstream);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* setfsuid answers with the old id: ask again to know it took */
	ogid = setfsgid(r->gid);
	ouid = setfsuid(r->uid);
	ok = setfsuid((uid_t)-1) == (int)r->uid &&
	    setfsgid((gid_t)-1) == (int)r->gid &&
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	(void)setfsuid((uid_t)ouid);
	(void)setfsgid((gid_t)ogid);
	if (!ok || setfsuid((uid_t)-1) != ouid ||
	    setfsgid((gid_t)-1) != ogid) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
conn_close(struct conn *c)
{
	if (c->cfd != -1)
		close(c->cfd);
	if (c->ufd != -1)
		close(c->ufd);
	free(c->cbuf);
	free(c->ubuf);
	memset(c, 0, sizeof(*c));
	c->cfd = c->ufd = -1;
}

/* Whole requests judged, one outstanding at a time. */
static int
drain(const struct agent_relay *r, struct conn *c)
{
	static const unsigned char failure[] = { 0, 0, 0, 1, AGENT_FAILURE };
	enum agent_verdict v;
	size_t len;

	while (!c->waiting) {
		if ((v = agent_judge(c->cbuf, c->cn, &len)) == AGENT_MORE)
			break;
		if (v == AGENT_BAD)
			return -1;
		if (v == AGENT_PASS) {
			if (write_all(c->ufd, c->cbuf, len) == -1)
				return -1;
			c->waiting = 1;
		} else {
			if (r->refused != NULL)
				r->refused(c->cbuf[4], r->arg);
			if (write_all(c->cfd, failure, sizeof(failure)) == -1)
				return -1;
		}
		memmove(c->cbuf, c->cbuf + len, c->cn - len);
		c->cn -= len;
	}
	return 0;
}

static int
from_client(const struct agent_relay *r, struct conn *c)
{
	ssize_t n;

	if (c->cn == AGENT_BUF)
		return -1;	/* a whole message would have fit */
	if ((n = read(c->cfd, c->cbuf + c->cn, AGENT_BUF - c->cn)) <= 0)
		return n == -1 && errno == EINTR ? 0 : -1;
	c->cn += (size_t)n;
	return drain(r, c);
}

/* Agent bytes out, whole replies only, each ending a wait. */
static int
from_agent(const struct agent_relay *r, struct conn *c)
{
	ssize_t n;
	long len;

	if (c->un == AGENT_BUF)
		return -1;
	if ((n = read(c->ufd, c->ubuf + c->un, AGENT_BUF - c->un)) <= 0)
		return n == -1 && errno == EINTR ? 0 : -1;
	c->un += (size_t)n;
	while ((len = agent_reply_len(c->ubuf, c->un)) != 0) {
		if (len == -1 || !c->waiting)
			return -1;	/* a reply nobody asked for */
		if (write_all(c->cfd, c->ubuf, (size_t)len) == -1)
			return -1;
		memmove(c->ubuf, c->ubuf + len, c->un - (size_t)len);
		c->un -= (size_t)len;
		c->waiting = 0;
		if (drain(r, c) == -1)		/* requests queued behind */
			return -1;
	}
	return 0;
}

static void
accept_one(const struct agent_relay *r, struct conn *conns)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct conn *c = NULL;
	int fd, i;

	if ((fd = accept4(r->lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return;
	for (i = 0; i < AGENT_MAXCONN && c == NULL; i++)
		if (conns[i].cfd == -1)
			c = &conns[i];
	/* Only the session's own processes: not another session's. */
	if (c == NULL || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred,
	    &clen) == -1 || cred.uid != r->uid ||
	    (r->peer_ok != NULL && !r->peer_ok(cred.pid, r->arg))) {
		close(fd);
		return;
	}
	c->cfd = fd;
	if ((c->ufd = connect_upstream(r)) == -1 ||
	    (c->cbuf = malloc(AGENT_BUF)) == NULL ||
	    (c->ubuf = malloc(AGENT_BUF)) == NULL)
		conn_close(c);
}

void
agent_relay_run(const struct agent_relay *r, volatile const int *stop)
{
	struct conn conns[AGENT_MAXCONN];
	struct pollfd pfd[1 + 2 * AGENT_MAXCONN];
	int i, n;

	for (i = 0; i < AGENT_MAXCONN; i++) {
		memset(&conns[i], 0, sizeof(conns[i]));
		conns[i].cfd = conns[i].ufd = -1;
	}
	while (!*stop) {
		pfd[0].fd = r->lfd;
		pfd[0].events = POLLIN;
		for (i = 0; i < AGENT_MAXCONN; i++) {
			pfd[1 + 2 * i].fd = conns[i].cfd;
			pfd[1 + 2 * i].events = POLLIN;
			pfd[2 + 2 * i].fd = conns[i].ufd;
			pfd[2 + 2 * i].events = POLLIN;
		}
		if ((n = poll(pfd, 1 + 2 * AGENT_MAXCONN, -1)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < AGENT_MAXCONN; i++) {
			if (conns[i].cfd == -1)
				continue;
			if ((pfd[1 + 2 * i].revents &&
			    from_client(r, &conns[i]) == -1) ||
			    (conns[i].cfd != -1 && pfd[2 + 2 * i].revents &&
			    from_agent(r, &conns[i]) == -1))
				conn_close(&conns[i]);
		}
		if (pfd[0].revents & (POLLERR | POLLNVAL))
			break;
		if (pfd[0].revents & POLLIN)
			accept_one(r, conns);
	}
	for (i = 0; i < AGENT_MAXCONN; i++)
		if (conns[i].cfd != -1)
			conn_close(&conns[i]);
}

/* ROOT: the monitor's side of the relay. */

static int
close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if ((lo > 3 && syscall(SYS_close_range, 3U, (unsigned)lo - 1, 0U)) ||
	    (hi > lo + 1 && syscall(SYS_close_range, (unsigned)lo + 1,
	    (unsigned)hi - 1, 0U)) ||
	    syscall(SYS_close_range, (unsigned)hi + 1, ~0U, 0U))
		return -1;
	return 0;
}

struct peer_arg {
	const struct cgroup	*cg;
};

static int
peer_in_session(pid_t pid, void *arg)
{
	const struct peer_arg *pa = arg;

	return cgroup_has(pa->cg, pid);
}

static volatile int never;

static void __attribute__((noreturn))
relay_child(int tmpfd, int wfd, const char *name, const char *upstream,
    uid_t uid, gid_t gid, const struct cgroup *cg)
{
	struct sockaddr_un sun;
	struct agent_relay r;
	struct peer_arg pa = { cg };
	sigset_t none;
	int lfd;

	sigemptyset(&none);
	/* never outlives the monitor, whatever ends it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
	    sigprocmask(SIG_SETMASK, &none, NULL) == -1 ||
	    close_all_but(tmpfd, wfd) == -1 || setgroups(0, NULL) == -1 ||
	    fchdir(tmpfd) == -1)
		_exit(1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(name) >= sizeof(sun.sun_path))
		_exit(1);
	memcpy(sun.sun_path, name, strlen(name));
	/* 0666: any process may try; only the session's are served */
	umask(0111);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(lfd, 16) == -1 || write(wfd, "", 1) != 1)
		_exit(1);
	close(wfd);
	close(tmpfd);
	memset(&r, 0, sizeof(r));
	r.lfd = lfd;
	r.upstream = upstream;
	r.uid = uid;
	r.gid = gid;
	r.peer_ok = peer_in_session;
	r.arg = &pa;
	agent_relay_run(&r, &never);
	_exit(0);
}

int
agent_start(struct agent_run *ar, const char *cage, const char *id,
    const char *upstream, uid_t uid, gid_t gid, const struct cgroup *cg,
    char *cage_sock, size_t slen, char *why, size_t wlen)
{
	struct stat st;
	int cfd, p[2];
	char c;

	memset(ar, 0, sizeof(*ar));
	ar->tmpfd = -1;
	if ((cfd = cage_open(cage, why, wlen)) == -1)
		return -1;
	/* the cage's /tmp: root's and sticky, so no one moves our socket */
	ar->tmpfd = openat(cfd, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(cfd);
	if (ar->tmpfd == -1 || fstat(ar->tmpfd, &st) == -1) {
		snprintf(why, wlen, "agent: %s/tmp: %s", cage, strerror(errno));
		goto fail;
	}
	if (st.st_uid != 0 || ((st.st_mode & S_IWOTH) &&
	    !(st.st_mode & S_ISVTX))) {
		snprintf(why, wlen, "agent: %s/tmp: not root's, or writable "
		    "without the sticky bit", cage);
		goto fail;
	}
	snprintf(ar->name, sizeof(ar->name), "cagesh-agent-%s", id);
	if (snprintf(cage_sock, slen, "/tmp/%s", ar->name) >= (int)slen ||
	    pipe2(p, O_CLOEXEC) == -1) {
		snprintf(why, wlen, "agent: no socket path");
		goto fail;
	}
	if ((ar->pid = fork()) == -1) {
		snprintf(why, wlen, "agent: fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		goto fail;
	}
	if (ar->pid == 0) {
		close(p[0]);
		relay_child(ar->tmpfd, p[1], ar->name, upstream, uid, gid, cg);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		close(p[0]);
		snprintf(why, wlen, "agent: the relay could not listen at "
		    "%s/tmp/%s", cage, ar->name);
		agent_stop(ar);
		return -1;
	}
	close(p[0]);
	return 0;
fail:
	agent_stop(ar);
	return -1;
}

void
agent_stop(struct agent_run *ar)
{
	if (ar->pid > 0) {
		(void)kill(ar->pid, SIGKILL);
		(void)waitpid(ar->pid, NULL, 0);
		ar->pid = 0;
	}
	if (ar->tmpfd != -1) {
		if (ar->name[0] != '\0')
			(void)unlinkat(ar->tmpfd, ar->name, 0);
		close(ar->tmpfd);
		ar->tmpfd = -1;
	}
}
