/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * msg.c: the typed messages between the caged shell and the monitor
 * (see msg.h).  The decoder runs as root in the monitor, on bytes from
 * the caged side: it trusts no length and reads nothing past the end.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "msg.h"
#include "xmalloc.h"

#define FIELD_HDR	5		/* tag, 32-bit length */

/* A string is cut to L only when that saves room: the header is 40 bytes. */
#define CUTS(f, L)	((f)->len > (size_t)(L) + MSG_CUT_HDR)

/* Which tags are numbers; every other known tag is a string. */
static int
tag_is_num(unsigned char tag)
{
	switch (tag) {
	case T_REDIR_FD:
	case T_VERDICT:
	case T_STATUS:
	case T_DURATION:
	case T_SEQ:
	case T_LIMIT:
		return 1;
	}
	return 0;
}

void
msg_init(struct msg *m, unsigned char type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
}

void
msg_free(struct msg *m)
{
	free(m->f);
	m->f = NULL;
	m->n = m->cap = 0;
}

static struct msg_field *
add_field(struct msg *m, unsigned char tag)
{
	struct msg_field *f;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->f = xreallocarray(m->f, m->cap, sizeof(*m->f));
	}
	f = &m->f[m->n++];
	memset(f, 0, sizeof(*f));
	f->tag = tag;
	return f;
}

void
msg_str(struct msg *m, unsigned char tag, const char *s, size_t len)
{
	struct msg_field *f = add_field(m, tag);

	f->s = s != NULL ? s : "";
	f->len = s != NULL ? len : 0;
}

void
msg_num(struct msg *m, unsigned char tag, int64_t v)
{
	add_field(m, tag)->num = v;
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)v;
		v >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/*
 * The longest length every string may keep so that the message fits:
 * strings up to it stay whole, longer ones are cut to it (and carry a
 * cut header).  Returns SIZE_MAX when nothing need be cut, or 0 with
 * *fits = 0 when even empty prefixes do not fit.
 */
static size_t
cut_length(const struct msg *m, size_t max, int *fits)
{
	size_t fixed = 1, i, lo, hi, mid, total, longest = 0;

	*fits = 1;
	for (i = 0; i < m->n; i++) {
		fixed += FIELD_HDR + (tag_is_num(m->f[i].tag) ? 8 : 0);
		if (!tag_is_num(m->f[i].tag) && m->f[i].len > longest)
			longest = m->f[i].len;
	}
	/* total(L) grows with L: find the largest L that fits */
#define TOTAL(L, t) do {						\
	(t) = fixed;							\
	for (i = 0; i < m->n; i++) {					\
		if (tag_is_num(m->f[i].tag))				\
			continue;					\
		(t) += !CUTS(&m->f[i], L) ? m->f[i].len :		\
		    (L) + MSG_CUT_HDR;					\
	}								\
} while (0)
	TOTAL(longest, total);
	if (total <= max)
		return SIZE_MAX;
	lo = 0;
	hi = longest;
	TOTAL(lo, total);
	if (total > max) {
		*fits = 0;
		return 0;
	}
	while (lo + 1 < hi) {
		mid = lo + (hi - lo) / 2;
		TOTAL(mid, total);
		if (total <= max)
			lo = mid;
		else
			hi = mid;
	}
#undef TOTAL
	return lo;
}

size_t
msg_encode(const struct msg *m, size_t max, unsigned char **out)
{
	const struct msg_field *f;
	unsigned char *b, sha[AUDIT_SHA256_LEN];
	size_t cut, i, len, off;
	int fits;

	*out = NULL;
	cut = cut_length(m, max, &fits);
	if (!fits)
		return 0;
	len = 1;
	for (i = 0; i < m->n; i++) {
		f = &m->f[i];
		if (tag_is_num(f->tag))
			len += FIELD_HDR + 8;
		else if (cut == SIZE_MAX || !CUTS(f, cut))
			len += FIELD_HDR + f->len;
		else
			len += FIELD_HDR + MSG_CUT_HDR + cut;
	}
	b = xmalloc(len);
	b[0] = m->type;
	off = 1;
	for (i = 0; i < m->n; i++) {
		f = &m->f[i];
		if (tag_is_num(f->tag)) {
			b[off] = f->tag;
			put_be(b + off + 1, 8, 4);
			put_be(b + off + FIELD_HDR, (uint64_t)f->num, 8);
			off += FIELD_HDR + 8;
		} else if (cut == SIZE_MAX || !CUTS(f, cut)) {
			b[off] = f->tag;
			put_be(b + off + 1, f->len, 4);
			memcpy(b + off + FIELD_HDR, f->s, f->len);
			off += FIELD_HDR + f->len;
		} else {
			b[off] = f->tag | MSG_CUT;
			put_be(b + off + 1, MSG_CUT_HDR + cut, 4);
			put_be(b + off + FIELD_HDR, f->len, 8);
			sha256(f->s, f->len, sha);
			memcpy(b + off + FIELD_HDR + 8, sha, sizeof(sha));
			memcpy(b + off + FIELD_HDR + MSG_CUT_HDR, f->s, cut);
			off += FIELD_HDR + MSG_CUT_HDR + cut;
		}
	}
	*out = b;
	return len;
}

int
msg_decode(const unsigned char *b, size_t n, struct msg *m)
{
	struct msg_field *f;
	unsigned char tag;
	size_t off = 1;
	uint64_t len;

	msg_init(m, 0);
	if (n < 1 || b[0] == 0 || b[0] >= M_TYPE_MAX)
		goto bad;
	m->type = b[0];
	while (off < n) {
		if (n - off < FIELD_HDR)
			goto bad;
		tag = b[off] & (unsigned char)~MSG_CUT;
		len = get_be(b + off + 1, 4);
		off += FIELD_HDR;
		if (tag == 0 || tag >= T_TAG_MAX || len > n - off)
			goto bad;
		f = add_field(m, tag);
		if (tag_is_num(tag)) {
			if ((b[off - FIELD_HDR] & MSG_CUT) || len != 8)
				goto bad;
			f->num = (int64_t)get_be(b + off, 8);
		} else if (b[off - FIELD_HDR] & MSG_CUT) {
			if (len < MSG_CUT_HDR)
				goto bad;
			f->cut = 1;
			f->full = get_be(b + off, 8);
			f->sha = b + off + 8;
			f->s = (const char *)b + off + MSG_CUT_HDR;
			f->len = (size_t)len - MSG_CUT_HDR;
			/* a cut value is longer than what it kept */
			if (f->full <= f->len)
				goto bad;
		} else {
			f->s = (const char *)b + off;
			f->len = (size_t)len;
		}
		off += (size_t)len;
	}
	return 0;
bad:
	msg_free(m);
	errno = EPROTO;
	return -1;
}

static int
send_dgram(int sock, const struct msg *m, int fd)
{
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct msghdr mh;
	struct iovec iov;
	unsigned char *b;
	size_t len;
	ssize_t r;

	if ((len = msg_encode(m, MSG_MAX, &b)) == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = b;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
	}
	/* MSG_NOSIGNAL: a monitor gone away is an error, not SIGPIPE */
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r == -1 && errno == EINTR);
	free(b);
	if (r == -1)
		return -1;
	if ((size_t)r != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int
msg_send(int sock, const struct msg *m)
{
	return send_dgram(sock, m, -1);
}

/* One byte with fds, on the answer channel (msg_call_fds). */
static int
send_fds(int sock, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct msghdr mh;
	struct iovec iov;
	char c = 'f';
	ssize_t r;

	if (nfds == 0 || nfds > 4) {
		errno = EINVAL;
		return -1;
	}
	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = &c;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	cm.h.cmsg_level = SOL_SOCKET;
	cm.h.cmsg_type = SCM_RIGHTS;
	cm.h.cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(&cm.h), fds, sizeof(int) * nfds);
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r == -1 && errno == EINTR);
	return r == 1 ? 0 : -1;
}

int
msg_call_fds(int sock, const struct msg *m, const int *fds, size_t nfds,
    int64_t *num)
{
	unsigned char a[9];
	ssize_t r;
	int sv[2], saved;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((nfds > 0 && send_fds(sv[0], fds, nfds) == -1) ||
	    send_dgram(sock, m, sv[1]) == -1) {
		saved = errno;
		close(sv[0]);
		close(sv[1]);
		errno = saved;
		return -1;
	}
	close(sv[1]);
	do
		r = recv(sv[0], a, sizeof(a), 0);
	while (r == -1 && errno == EINTR);
	saved = errno;
	close(sv[0]);
	if (r != (ssize_t)sizeof(a) || (a[0] != 'y' && a[0] != 'n')) {
		errno = r == -1 ? saved : EPIPE;
		return -1;
	}
	if (num != NULL)
		*num = (int64_t)get_be(a + 1, 8);
	return a[0] == 'y';
}

int
msg_call(int sock, const struct msg *m, int64_t *num)
{
	return msg_call_fds(sock, m, NULL, 0, num);
}

int
msg_take_fds(int reply, int *fds, size_t nfds)
{
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	size_t i, n, got = 0;
	ssize_t r;
	char b;
	int fd, bad = 0;

	for (i = 0; i < nfds; i++)
		fds[i] = -1;
	if (reply == -1 || nfds > 4)
		return -1;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &b;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do
		r = recvmsg(reply, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (r == -1 && errno == EINTR);
	if (r != 1 || b != 'f')
		bad = 1;
	for (c = r == -1 ? NULL : CMSG_FIRSTHDR(&mh); c != NULL;
	    c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < nfds)
				fds[got++] = fd;
			else {
				close(fd);
				bad = 1;
			}
		}
	}
	if (bad || got != nfds || (mh.msg_flags & MSG_CTRUNC)) {
		for (i = 0; i < got; i++)
			close(fds[i]);
		for (i = 0; i < nfds; i++)
			fds[i] = -1;
		return -1;
	}
	return 0;
}

void
msg_answer(int reply, int yes, int64_t num)
{
	unsigned char a[9];

	if (reply == -1)
		return;
	a[0] = yes ? 'y' : 'n';
	put_be(a + 1, (uint64_t)num, 8);
	(void)send(reply, a, sizeof(a), MSG_NOSIGNAL | MSG_DONTWAIT);
	close(reply);
}

/* The answer channel: one fd, a socket; anything else is closed. */
static int
take_fds(struct msghdr *mh, int *reply, long *pid)
{
	struct cmsghdr *c;
	struct ucred cred;
	struct stat st;
	size_t i, nfd;
	int fd, bad = 0;

	*reply = -1;
	*pid = 0;
	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		/* the kernel's word on who sent it (SO_PASSCRED) */
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(cred))) {
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			*pid = (long)cred.pid;
			continue;
		}
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*reply == -1 && fstat(fd, &st) == 0 &&
			    S_ISSOCK(st.st_mode))
				*reply = fd;
			else {
				close(fd);
				bad = 1;
			}
		}
	}
	return bad || (mh->msg_flags & MSG_CTRUNC) ? -1 : 0;
}

int
msg_recv(int sock, unsigned char *buf, size_t bufsize, int dontwait,
    struct msg *m, int *reply)
{
	union {
		struct cmsghdr	 h;
		char		 buf[CMSG_SPACE(sizeof(int) * 4) +
				    CMSG_SPACE(sizeof(struct ucred))];
	} cm;
	struct msghdr mh;
	struct iovec iov;
	ssize_t r;
	long pid;

	*reply = -1;
	msg_init(m, 0);
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = bufsize;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC |
		    (dontwait ? MSG_DONTWAIT : 0));
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -1;
	if (take_fds(&mh, reply, &pid) == -1 ||
	    (mh.msg_flags & MSG_TRUNC)) {
		errno = EPROTO;
		return -1;
	}
	if (r == 0 && *reply == -1) {
		/* EOF, or an empty datagram: only a hang-up is EOF */
		struct pollfd pf = { sock, POLLRDHUP, 0 };

		if (poll(&pf, 1, 0) == 1 &&
		    (pf.revents & (POLLHUP | POLLRDHUP)))
			return 0;
		errno = EPROTO;
		return -1;
	}
	if (msg_decode(buf, (size_t)r, m) == -1)
		return -1;
	m->pid = pid;
	return 1;
}
