/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ssh-agent relay: which requests pass, and a real relay between a
 * client and a stand-in agent on unix sockets, showing that a refused
 * request never reaches the agent.  Needs no root.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "tap.h"

#define bail(...) do {						\
	printf("Bail out! ");						\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	exit(1);							\
} while (0)

static size_t
msg(unsigned char *b, int type, const char *ext)
{
	size_t n = 5, el;

	b[4] = (unsigned char)type;
	if (ext != NULL) {
		el = strlen(ext);
		b[5] = 0; b[6] = 0; b[7] = 0; b[8] = (unsigned char)el;
		memcpy(b + 9, ext, el);
		n += 4 + el;
	}
	b[0] = 0; b[1] = 0;
	b[2] = (unsigned char)((n - 4) >> 8);
	b[3] = (unsigned char)(n - 4);
	return n;
}

static int
judge(int type, const char *ext)
{
	unsigned char b[128];
	size_t n = msg(b, type, ext), len = 0;
	enum agent_verdict v = agent_judge(b, n, &len);

	if ((v == AGENT_PASS || v == AGENT_REFUSE) && len != n)
		return -1;
	return (int)v;
}

static int
listen_at(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, 8) == -1)
		return -1;
	return fd;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return -1;
	return fd;
}

/* The stand-in agent: answers every request with its type + 100. */
static void
fake_agent(int lfd, int logfd)
{
	unsigned char b[1024];
	unsigned char r[5] = { 0, 0, 0, 1, 0 };
	int fd;
	ssize_t n;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			_exit(1);
		while ((n = read(fd, b, sizeof(b))) > 4) {
			(void)write(logfd, b + 4, 1);
			r[4] = (unsigned char)(b[4] + 100);
			(void)write(fd, r, sizeof(r));
		}
		close(fd);
	}
}

static volatile int stop;

static int
peer_no(pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return 0;
}

static int
reply_to(int fd, int type)
{
	unsigned char b[128], r[16];
	size_t n = msg(b, type, type == 27 ? "session-bind@openssh.com" :
	    NULL);

	if (write(fd, b, n) != (ssize_t)n || read(fd, r, sizeof(r)) != 5)
		return -1;
	return r[4];
}

int
main(void)
{
	unsigned char b[16];
	char dir[] = "/tmp/cagesh-agent-test.XXXXXX", up[128], rl[128];
	char seen[16];
	struct agent_relay r;
	int ufd, lfd, logp[2], fd;
	pid_t agent, relay;
	size_t len;
	ssize_t n;

	signal(SIGPIPE, SIG_IGN);
	is_int(judge(11, NULL), AGENT_PASS, "request identities passes");
	is_int(judge(13, NULL), AGENT_PASS, "sign request passes");
	is_int(judge(27, "session-bind@openssh.com"), AGENT_PASS,
	    "session-bind extension passes");
	is_int(judge(27, "query"), AGENT_REFUSE, "other extensions refused");
	is_int(judge(17, NULL), AGENT_REFUSE, "add identity refused");
	is_int(judge(25, NULL), AGENT_REFUSE, "add constrained identity refused");
	is_int(judge(18, NULL), AGENT_REFUSE, "remove identity refused");
	is_int(judge(19, NULL), AGENT_REFUSE, "remove all refused");
	is_int(judge(22, NULL), AGENT_REFUSE, "lock refused");
	is_int(judge(20, NULL), AGENT_REFUSE, "add smartcard key refused");
	memcpy(b, "\0\0\0\0\x0b", 5);
	is_int((int)agent_judge(b, 5, &len), AGENT_BAD, "zero length: bad");
	memcpy(b, "\0\x10\0\0\x0b", 5);
	is_int((int)agent_judge(b, 5, &len), AGENT_BAD, "over 256 KiB: bad");
	memcpy(b, "\0\0\0\x05\x0b", 5);
	is_int((int)agent_judge(b, 5, &len), AGENT_MORE, "a part: more");
	is_int((int)agent_judge(b, 3, &len), AGENT_MORE, "no length yet: more");
	memcpy(b, "\0\0\0\x05\x1b\0\0\0\x09", 9);
	is_int((int)agent_judge(b, 9, &len), AGENT_BAD,
	    "extension name longer than the message: bad");
	is_int((int)agent_reply_len((const unsigned char *)"\0\0\0\x01\x05", 5),
	    5, "a whole reply");
	is_int((int)agent_reply_len((const unsigned char *)"\0\0\0\x02\x05", 5),
	    0, "a part of a reply");

	/* A real relay between sockets. */
	if (mkdtemp(dir) == NULL || pipe(logp) == -1)
		bail("mkdtemp/pipe: %s", strerror(errno));
	snprintf(up, sizeof(up), "%s/up", dir);
	snprintf(rl, sizeof(rl), "%s/relay", dir);
	if ((ufd = listen_at(up)) == -1 || (lfd = listen_at(rl)) == -1)
		bail("listen: %s", strerror(errno));
	if ((agent = fork()) == 0) {
		close(logp[0]);
		fake_agent(ufd, logp[1]);
	}
	close(logp[1]);
	memset(&r, 0, sizeof(r));
	r.lfd = lfd;
	r.upstream = up;
	r.uid = getuid();
	r.gid = getgid();
	if ((relay = fork()) == 0) {
		agent_relay_run(&r, &stop);
		_exit(0);
	}
	if ((fd = connect_to(rl)) == -1)
		bail("connect: %s", strerror(errno));
	is_int(reply_to(fd, 11), 111, "identities: the agent's answer");
	is_int(reply_to(fd, 17), 5, "add identity: failure, from the relay");
	is_int(reply_to(fd, 19), 5, "remove all: failure, from the relay");
	is_int(reply_to(fd, 13), 113, "sign: the agent's answer");
	is_int(reply_to(fd, 27), 127, "session-bind: the agent's answer");
	memcpy(b, "\0\0\0\0\x0b", 5);
	(void)write(fd, b, 5);
	is_int((int)read(fd, b, sizeof(b)), 0, "a bad length ends the connection");
	close(fd);
	kill(relay, SIGKILL);
	waitpid(relay, NULL, 0);

	/* A peer the session does not own is never served. */
	r.peer_ok = peer_no;
	if ((relay = fork()) == 0) {
		agent_relay_run(&r, &stop);
		_exit(0);
	}
	if ((fd = connect_to(rl)) == -1)
		bail("connect: %s", strerror(errno));
	n = msg(b, 11, NULL);
	(void)write(fd, b, (size_t)n);
	ok(read(fd, b, sizeof(b)) <= 0, "a peer not of the session: closed");
	close(fd);
	kill(relay, SIGKILL);
	waitpid(relay, NULL, 0);
	kill(agent, SIGKILL);
	waitpid(agent, NULL, 0);

	n = read(logp[0], seen, sizeof(seen));
	is_int((int)n, 3, "the agent saw three requests");
	ok(n == 3 && seen[0] == 11 && seen[1] == 13 && seen[2] == 27,
	    "only identities, sign and session-bind reached it");
	unlink(up);
	unlink(rl);
	rmdir(dir);
	return tap_done();
}
