/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The messages between the caged shell and the monitor (msg.c): the
 * wire format and its round trip, the decoder's refusals of every
 * malformed datagram (it runs as root on bytes from the caged side),
 * the cutting of strings to fit, and the transport over a real
 * SOCK_SEQPACKET socketpair: answer channels (SCM_RIGHTS), refused and
 * closed descriptors, datagrams too large, eight senders at once and
 * EOF.  No root needed; as root it also sends a 2 MiB value.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "msg.h"
#include "xmalloc.h"
#include "tap.h"
#include "xorshift.h"

#define NSEND	8	/* concurrent senders */
#define NMSG	200	/* messages each */

static unsigned char *buf;	/* the receiver's, MSG_MAX bytes */

static uint64_t seed = 0x2545f4914f6cdd1dull;

static uint64_t
rnd(void)
{
	return xorshift(&seed);
}

/* Open descriptors of this process. */
static int
nfds(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the directory's own */
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)v;
		v >>= 8;
	}
}

/* Datagrams built by hand: bytes appended to a buffer. */
struct dg {
	unsigned char	 b[512];
	size_t		 n;
};

static struct dg *
dg_start(struct dg *d, int type)
{
	d->n = 0;
	if (type >= 0)
		d->b[d->n++] = (unsigned char)type;
	return d;
}

static void
dg_bytes(struct dg *d, const void *p, size_t n)
{
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

/* A field header: tag and 32-bit length. */
static void
dg_hdr(struct dg *d, int tag, uint32_t len)
{
	d->b[d->n++] = (unsigned char)tag;
	put_be(d->b + d->n, len, 4);
	d->n += 4;
}

static void
dg_num(struct dg *d, int tag, uint64_t v)
{
	dg_hdr(d, tag, 8);
	put_be(d->b + d->n, v, 8);
	d->n += 8;
}

/* A cut string field: full length, a hash, then kept bytes. */
static void
dg_cut(struct dg *d, int tag, uint64_t full, const char *kept, size_t n)
{
	unsigned char sha[AUDIT_SHA256_LEN];

	memset(sha, 0xab, sizeof(sha));
	dg_hdr(d, tag | MSG_CUT, (uint32_t)(MSG_CUT_HDR + n));
	put_be(d->b + d->n, full, 8);
	d->n += 8;
	dg_bytes(d, sha, sizeof(sha));
	dg_bytes(d, kept, n);
}

/* msg_decode refuses it: -1, EPROTO, no fields left behind. */
static int
refused(const struct dg *d)
{
	struct msg m;
	int r;

	errno = 0;
	r = msg_decode(d->b, d->n, &m);
	return r == -1 && errno == EPROTO && m.n == 0 && m.f == NULL;
}

static int
field_is(const struct msg_field *f, unsigned char tag, const void *s,
    size_t len)
{
	return f->tag == tag && !f->cut && f->len == len &&
	    memcmp(f->s, s, len) == 0;
}

static int
num_is(const struct msg_field *f, unsigned char tag, int64_t v)
{
	return f->tag == tag && !f->cut && f->num == v;
}

/* A message of every field kind, and its check after a round trip. */
static const char bin[] = "a\0b\n\xff\"\\";

static void
every_field(struct msg *m)
{
	msg_init(m, M_EXEC);
	msg_str(m, T_CWD, "/srv", 4);
	msg_str(m, T_LINE, "git log; ls", 11);
	msg_str(m, T_ARG, "git", 3);
	msg_str(m, T_ARG, "", 0);
	msg_str(m, T_ARG, bin, sizeof(bin) - 1);
	msg_num(m, T_REDIR_FD, 2);
	msg_str(m, T_REDIR_OP, ">>", 2);
	msg_str(m, T_REDIR_TARGET, "/tmp/x", 6);
	msg_num(m, T_VERDICT, 1);
	msg_str(m, T_WHY, "no rule", 7);
	msg_num(m, T_STATUS, -1);
	msg_num(m, T_DURATION, INT64_MAX);
	msg_num(m, T_SEQ, INT64_MIN);
	msg_str(m, T_REASON, NULL, 5);		/* NULL: empty */
	msg_num(m, T_LIMIT, (int64_t)UINT64_MAX);	/* RLIM_INFINITY */
}

static int
every_field_ok(const struct msg *m)
{
	return m->type == M_EXEC && m->n == 15 &&
	    field_is(&m->f[0], T_CWD, "/srv", 4) &&
	    field_is(&m->f[1], T_LINE, "git log; ls", 11) &&
	    field_is(&m->f[2], T_ARG, "git", 3) &&
	    field_is(&m->f[3], T_ARG, "", 0) &&
	    field_is(&m->f[4], T_ARG, bin, sizeof(bin) - 1) &&
	    num_is(&m->f[5], T_REDIR_FD, 2) &&
	    field_is(&m->f[6], T_REDIR_OP, ">>", 2) &&
	    field_is(&m->f[7], T_REDIR_TARGET, "/tmp/x", 6) &&
	    num_is(&m->f[8], T_VERDICT, 1) &&
	    field_is(&m->f[9], T_WHY, "no rule", 7) &&
	    num_is(&m->f[10], T_STATUS, -1) &&
	    num_is(&m->f[11], T_DURATION, INT64_MAX) &&
	    num_is(&m->f[12], T_SEQ, INT64_MIN) &&
	    field_is(&m->f[13], T_REASON, "", 0) &&
	    num_is(&m->f[14], T_LIMIT, -1);
}

/* Every field of a decoded message lies within the datagram. */
static int
within(const struct msg *m, const unsigned char *b, size_t n)
{
	const char *lo = (const char *)b, *hi = (const char *)b + n;
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (m->f[i].tag == 0 || m->f[i].tag >= T_TAG_MAX)
			return 0;
		if (m->f[i].s == NULL)
			continue;
		if (m->f[i].s < lo || m->f[i].len > (size_t)(hi - m->f[i].s))
			return 0;
		if (m->f[i].cut && ((const char *)m->f[i].sha < lo ||
		    (const char *)m->f[i].sha + AUDIT_SHA256_LEN > hi ||
		    m->f[i].full <= m->f[i].len))
			return 0;
	}
	return 1;
}

static void
test_roundtrip(void)
{
	static const unsigned char want[] = {
		M_EXEC_END,
		T_SEQ, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1,
		T_STATUS, 0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xfe,
		T_REASON, 0, 0, 0, 2, 'h', 'i',
	};
	struct msg m, d;
	unsigned char *out;
	size_t len, i, bad, b0;
	int t;

	/* the wire format, byte for byte */
	msg_init(&m, M_EXEC_END);
	msg_num(&m, T_SEQ, 1);
	msg_num(&m, T_STATUS, -2);
	msg_str(&m, T_REASON, "hi", 2);
	len = msg_encode(&m, MSG_MAX, &out);
	ok(len == sizeof(want) && memcmp(out, want, len) == 0,
	    "wire format: type, then tag, 32-bit BE length, bytes; numbers "
	    "8-byte BE two's complement");
	free(out);
	msg_free(&m);
	ok(m.f == NULL && m.n == 0, "msg_free leaves an empty message");

	every_field(&m);
	len = msg_encode(&m, MSG_MAX, &out);
	ok(len == 1 + 15 * 5 + 6 * 8 + 4 + 11 + 3 + 0 + sizeof(bin) - 1 + 2 +
	    6 + 7, "every field kind: encoded length %zu", len);
	ok(msg_decode(out, len, &d) == 0 && every_field_ok(&d),
	    "every field kind round-trips: binary bytes, empty strings, "
	    "INT64_MIN and INT64_MAX");
	ok(d.n > 4 && d.f[4].s == (const char *)out + 1 + 5 + 4 + 5 + 11 +
	    5 + 3 + 5 + 5, "decoded strings point into the datagram");
	msg_free(&d);
	free(out);
	msg_free(&m);

	for (t = 1, bad = 0; t < M_TYPE_MAX; t++) {
		msg_init(&m, (unsigned char)t);
		len = msg_encode(&m, MSG_MAX, &out);
		if (len != 1 || msg_decode(out, len, &d) != 0 ||
		    d.type != t || d.n != 0)
			bad++;
		msg_free(&d);
		free(out);
	}
	is_int(bad, 0, "every type, no fields: one byte, decodes");

	/*
	 * Each proper prefix of a datagram decodes only when it ends on a
	 * field boundary; either way nothing points past its end.
	 */
	every_field(&m);
	len = msg_encode(&m, MSG_MAX, &out);
	for (i = bad = b0 = 0; i < len; i++) {
		int good = msg_decode(out, i, &d) == 0;
		size_t at = 1, k;

		for (k = 0; k < m.n && at < i; k++)
			at += 5 + (m.f[k].s != NULL ? m.f[k].len : 8);
		if (good != (i >= 1 && at == i) ||
		    (good && !within(&d, out, i)))
			bad++;
		b0 += good;
		msg_free(&d);
	}
	ok(bad == 0 && b0 == m.n, "all %zu prefixes: exactly the %zu ending "
	    "on a field boundary decode", len, m.n);
	free(out);
	msg_free(&m);
}

static void
test_refusals(void)
{
	struct dg d;
	struct msg m;
	unsigned char *out;
	size_t len, i, bad;

	ok(refused(dg_start(&d, -1)), "refused: an empty datagram");
	ok(refused(dg_start(&d, 0)), "refused: type 0");
	ok(refused(dg_start(&d, M_TYPE_MAX)), "refused: type M_TYPE_MAX");
	ok(refused(dg_start(&d, 0xff)), "refused: type 255");
	dg_hdr(dg_start(&d, M_LINE), 0, 0);
	ok(refused(&d), "refused: tag 0");
	dg_hdr(dg_start(&d, M_LINE), T_TAG_MAX, 0);
	ok(refused(&d), "refused: tag T_TAG_MAX");
	dg_hdr(dg_start(&d, M_LINE), 0x7f, 0);
	ok(refused(&d), "refused: tag 127");
	dg_hdr(dg_start(&d, M_LINE), MSG_CUT, MSG_CUT_HDR + 1);
	dg_bytes(&d, "0123456789012345678901234567890123456789x", 41);
	ok(refused(&d), "refused: tag 0 with MSG_CUT");
	dg_hdr(dg_start(&d, M_LINE), MSG_CUT | T_TAG_MAX, 0);
	ok(refused(&d), "refused: an unknown tag with MSG_CUT");
	dg_start(&d, M_LINE);
	dg_bytes(&d, "\x01\0\0", 3);
	ok(refused(&d), "refused: a truncated field header");
	dg_hdr(dg_start(&d, M_LINE), T_CWD, 3);
	dg_bytes(&d, "ab", 2);
	ok(refused(&d), "refused: a length one past the end");
	dg_hdr(dg_start(&d, M_LINE), T_CWD, 0xffffffffu);
	dg_bytes(&d, "ab", 2);
	ok(refused(&d), "refused: a length of 2^32-1");
	dg_hdr(dg_start(&d, M_EXEC_END), T_SEQ, 7);
	dg_bytes(&d, "\0\0\0\0\0\0\x01", 7);
	ok(refused(&d), "refused: a number of 7 bytes");
	dg_hdr(dg_start(&d, M_EXEC_END), T_SEQ, 9);
	dg_bytes(&d, "\0\0\0\0\0\0\0\0\x01", 9);
	ok(refused(&d), "refused: a number of 9 bytes");
	dg_hdr(dg_start(&d, M_EXEC_END), T_STATUS, 0);
	ok(refused(&d), "refused: a number of 0 bytes");
	dg_num(dg_start(&d, M_EXEC_END), T_STATUS | MSG_CUT, 1);
	ok(refused(&d), "refused: a number marked MSG_CUT");
	dg_hdr(dg_start(&d, M_LINE), T_LINE | MSG_CUT, MSG_CUT_HDR - 1);
	dg_bytes(&d, "012345678901234567890123456789012345678", 39);
	ok(refused(&d), "refused: a cut header of 39 bytes");
	dg_hdr(dg_start(&d, M_LINE), T_LINE | MSG_CUT, 0);
	ok(refused(&d), "refused: a cut header of 0 bytes");
	/* its kept length would wrap to 2^64-8, under the full length */
	dg_hdr(dg_start(&d, M_LINE), T_LINE | MSG_CUT, 32);
	dg_bytes(&d, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	dg_bytes(&d, "012345678901234567890123", 24);
	ok(refused(&d), "refused: a cut header of 32 bytes claiming 2^64-1");
	dg_cut(dg_start(&d, M_LINE), T_LINE, 3, "abc", 3);
	ok(refused(&d), "refused: a cut whose full length is its prefix's");
	dg_cut(dg_start(&d, M_LINE), T_LINE, 1, "abc", 3);
	ok(refused(&d), "refused: a cut longer than its full length");
	dg_cut(dg_start(&d, M_LINE), T_LINE, 0, "", 0);
	ok(refused(&d), "refused: a cut of nothing from nothing");

	/* a valid message, then trailing bytes */
	dg_start(&d, M_LINE);
	dg_hdr(&d, T_CWD, 1);
	dg_bytes(&d, "/", 1);
	ok(msg_decode(d.b, d.n, &m) == 0 && m.n == 1, "the message alone "
	    "decodes");
	msg_free(&m);
	for (i = 1, bad = 0; i <= 4; i++) {
		struct dg e = d;

		dg_bytes(&e, "\x02\0\0\0", i);
		if (!refused(&e))
			bad++;
	}
	is_int(bad, 0, "refused: 1 to 4 trailing bytes");
	dg_hdr(&d, T_LINE, 5);
	dg_bytes(&d, "abcd", 4);
	ok(refused(&d), "refused: a last field one byte short");

	/* what is accepted at the limits */
	dg_cut(dg_start(&d, M_LINE), T_LINE, 1, "", 0);
	ok(msg_decode(d.b, d.n, &m) == 0 && m.n == 1 && m.f[0].cut &&
	    m.f[0].len == 0 && m.f[0].full == 1 && m.f[0].tag == T_LINE &&
	    m.f[0].sha == d.b + 1 + 5 + 8 && m.f[0].sha[0] == 0xab,
	    "accepted: a cut of 1 byte to none (a 40-byte header)");
	msg_free(&m);
	dg_cut(dg_start(&d, M_LINE), T_ARG, UINT64_MAX, "ab", 2);
	ok(msg_decode(d.b, d.n, &m) == 0 && m.f[0].full == UINT64_MAX &&
	    m.f[0].len == 2 && memcmp(m.f[0].s, "ab", 2) == 0,
	    "accepted: a cut from 2^64-1 bytes");
	msg_free(&m);

	/* random damage: refused, or every field within the datagram */
	{
		char z[500];
		struct msg e;

		memset(z, 'z', sizeof(z));
		every_field(&e);
		msg_str(&e, T_ARG, z, sizeof(z));
		len = msg_encode(&e, 600, &out);
		msg_free(&e);
		ok(len > 0 && msg_decode(out, len, &m) == 0 &&
		    m.f[m.n - 1].cut, "a datagram with a cut field to damage");
		msg_free(&m);
	}
	for (i = bad = 0; i < 20000; i++) {
		unsigned char *c = xmalloc(len);
		size_t n = len - (size_t)(rnd() % 8), k;

		memcpy(c, out, len);
		for (k = 0; k < 1 + rnd() % 3; k++)
			c[rnd() % n] = (unsigned char)rnd();
		errno = 0;
		if (msg_decode(c, n, &m) == 0 ? !within(&m, c, n) :
		    errno != EPROTO || m.n != 0)
			bad++;
		msg_free(&m);
		free(c);
	}
	free(out);
	is_int(bad, 0, "20000 damaged datagrams: refused with EPROTO, or "
	    "every field within the bytes");
}

/* Strings of the message for the cutting checks. */
static char *long_a, *long_b;

static void
cut_msg(struct msg *m)
{
	msg_init(m, M_EXEC);
	msg_str(m, T_CWD, "/", 1);
	msg_str(m, T_ARG, "git", 3);
	msg_str(m, T_ARG, long_a, 5000);
	msg_num(m, T_STATUS, 7);
	msg_str(m, T_ARG, long_b, 8000);
	msg_str(m, T_WHY, "rule", 4);
}

#define CUT_FIXED	(1 + 6 * 5 + 8)		/* type, headers, number */
#define CUT_WHOLE	(CUT_FIXED + 1 + 3 + 5000 + 8000 + 4)
/* the least any cut takes: the short strings whole, the long cut to 0 */
#define CUT_LEAST	(CUT_FIXED + 1 + 3 + 4 + 2 * MSG_CUT_HDR)
/* where msg_encode's search starts: every string cut to nothing */
#define CUT_EMPTY	(CUT_FIXED + 5 * MSG_CUT_HDR)

/*
 * The encoding of cut_msg within max: at most max bytes, strings up to
 * some length L + MSG_CUT_HDR whole (a cut would not save room), every
 * longer one cut to L with its full length and hash.  *lp gets L (SIZE_MAX when nothing was cut).  1 if so.
 */
static int
cut_ok(size_t max, size_t *lp)
{
	static const size_t lens[] = { 1, 3, 5000, 0, 8000, 4 };
	unsigned char ha[AUDIT_SHA256_LEN], hb[AUDIT_SHA256_LEN];
	const struct msg_field *f;
	struct msg m, d;
	unsigned char *out;
	size_t len, i, l = SIZE_MAX;
	int good;

	cut_msg(&m);
	len = msg_encode(&m, max, &out);
	good = len > 0 && len <= max && msg_decode(out, len, &d) == 0 &&
	    d.n == 6 && d.type == M_EXEC;
	sha256(long_a, 5000, ha);
	sha256(long_b, 8000, hb);
	for (i = 0; good && i < 6; i++) {
		f = &d.f[i];
		if (f->tag != m.f[i].tag)
			good = 0;
		else if (i == 3)
			good = !f->cut && f->num == 7;
		else if (!f->cut)
			good = f->len == lens[i] &&
			    memcmp(f->s, m.f[i].s, f->len) == 0;
		else {
			if (l == SIZE_MAX)
				l = f->len;
			good = f->len == l && f->full == lens[i] &&
			    f->len < lens[i] &&
			    memcmp(f->s, m.f[i].s, f->len) == 0 &&
			    memcmp(f->sha, i == 2 ? ha : i == 4 ? hb :
			    (unsigned char *)"", AUDIT_SHA256_LEN) == 0;
		}
	}
	/* whole strings are the short ones: cutting them saves nothing */
	for (i = 0; good && l != SIZE_MAX && i < 6; i++)
		if (i != 3 && !d.f[i].cut && d.f[i].len > l + MSG_CUT_HDR)
			good = 0;
	if (len > 0)
		msg_free(&d);
	free(out);
	msg_free(&m);
	*lp = l;
	return good;
}

static void
test_cutting(void)
{
	struct msg m;
	unsigned char *out;
	size_t len, l, max, bad, n;
	int good;

	long_a = xmalloc(5000);
	long_b = xmalloc(8000);
	for (n = 0; n < 5000; n++)
		long_a[n] = (char)('a' + n % 26);
	for (n = 0; n < 8000; n++)
		long_b[n] = (char)(n * 7 + n / 256);

	good = cut_ok(CUT_WHOLE, &l);
	ok(good && l == SIZE_MAX, "max = the whole length: nothing cut");
	good = cut_ok(CUT_WHOLE - 1, &l);
	ok(good && l != SIZE_MAX && l < 8000,
	    "one byte less: the longest is cut (to %zu)", l);
	good = cut_ok(2000, &l);
	ok(good && l != SIZE_MAX &&
	    CUT_FIXED + 8 + 2 * (l + MSG_CUT_HDR) <= 2000 &&
	    CUT_FIXED + 8 + 2 * (l + 1 + MSG_CUT_HDR) > 2000,
	    "max 2000: both long strings cut to the largest common length "
	    "(%zu), the short ones whole, full length and sha256 right", l);
	for (max = CUT_EMPTY, bad = n = 0; max <= CUT_WHOLE + 2;
	    max += 1 + max % 29, n++)
		if (!cut_ok(max, &l))
			bad++;
	is_int(bad, 0, "%zu values of max: within max, decodes, short "
	    "strings whole, long ones cut alike with full length and hash",
	    n);
	cut_msg(&m);
	out = (unsigned char *)"x";
	len = msg_encode(&m, CUT_LEAST - 1, &out);
	ok(len == 0 && out == NULL, "max one less than the least any cut "
	    "takes: 0, no datagram");
	msg_free(&m);

	/*
	 * Cutting a string of 40 bytes or less makes it longer: the least
	 * a message can take is its short strings whole, not every string
	 * cut to nothing.
	 */
	for (max = CUT_LEAST, bad = n = 0; max < CUT_EMPTY; max++, n++)
		if (!cut_ok(max, &l))
			bad++;
	ok(bad == 0, "max %d to %d (short strings whole, long ones cut): "
	    "encodes (%zu of %zu fail)", CUT_LEAST, CUT_EMPTY - 1, bad, n);
	msg_init(&m, M_EXEC);
	for (n = 0; n < 10; n++)
		msg_str(&m, T_ARG, "a", 1);
	msg_str(&m, T_ARG, long_a, 1000);
	len = msg_encode(&m, 200, &out);
	ok(len > 0 && len <= 200, "ten 1-byte strings and one of 1000, max 200: "
	    "encodes, cutting the long one (got %zu)", len);
	free(out);
	msg_free(&m);
	msg_init(&m, M_PROBE);
	ok(msg_encode(&m, 0, &out) == 0 && out == NULL,
	    "max 0: 0 even with no fields");
	ok(msg_encode(&m, 1, &out) == 1 && out != NULL && out[0] == M_PROBE,
	    "max 1: the type byte alone");
	free(out);
	msg_free(&m);
}

static int
seqpair(int sv[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

/*
 * Sends a datagram by hand, with nfd descriptors as SCM_RIGHTS (in one
 * control message, or one each when split).
 */
static int
send_fds(int sock, const void *p, size_t n, const int *fds, int nfd,
    int split)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(int) * 8) * 2];
	} cm;
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	int i;

	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = n;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfd > 0) {
		mh.msg_control = cm.b;
		mh.msg_controllen = split ? CMSG_SPACE(sizeof(int)) *
		    (size_t)nfd : CMSG_SPACE(sizeof(int) * (size_t)nfd);
		c = CMSG_FIRSTHDR(&mh);
		for (i = 0; i < (split ? nfd : 1); i++) {
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) *
			    (size_t)(split ? 1 : nfd));
			memcpy(CMSG_DATA(c), fds + i, sizeof(int) *
			    (size_t)(split ? 1 : nfd));
			c = CMSG_NXTHDR(&mh, c);
		}
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/*
 * The "monitor" for msg_call: answers T_SEQ s with (s even, 3 s); -1
 * closes the channel unanswered, -2 answers INT64_MIN, -3 and -4 give
 * a short and an unknown answer.
 */
static void
monitor(int sock)
{
	struct msg m;
	int r, reply;

	for (;;) {
		r = msg_recv(sock, buf, MSG_MAX, 0, &m, &reply);
		if (r == 0)
			_exit(0);
		if (r == -1 || m.n != 1 || m.f[0].tag != T_SEQ) {
			if (reply != -1)
				close(reply);
			_exit(3);
		}
		if (m.f[0].num == -1)
			close(reply);		/* gone without a word */
		else if (m.f[0].num == -3) {
			(void)send(reply, "y", 1, 0);	/* too short */
			close(reply);
		} else if (m.f[0].num == -4) {
			(void)send(reply, "?\0\0\0\0\0\0\0\x01", 9, 0);
			close(reply);
		} else if (m.f[0].num == -2)
			msg_answer(reply, 1, INT64_MIN);
		else
			msg_answer(reply, m.f[0].num % 2 == 0,
			    m.f[0].num * 3);
		msg_free(&m);
	}
}

static int
call(int sock, int64_t seq, int64_t *num)
{
	struct msg m;
	int r;

	msg_init(&m, M_PROBE);
	msg_num(&m, T_SEQ, seq);
	r = msg_call(sock, &m, num);
	msg_free(&m);
	return r;
}

static void
test_transport(void)
{
	struct msg m, d;
	int64_t num;
	pid_t pid;
	int sv[2], r, reply, st, n0, i, bad;

	/* send and receive */
	if (seqpair(sv) == -1) {
		ok(0, "socketpair: %s", strerror(errno));
		return;
	}
	every_field(&m);
	ok(msg_send(sv[0], &m) == 0, "msg_send");
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &d, &reply);
	ok(r == 1 && reply == -1 && every_field_ok(&d) &&
	    (const unsigned char *)d.f[0].s > buf &&
	    (const unsigned char *)d.f[0].s < buf + MSG_MAX,
	    "msg_recv: the message whole, into the buffer, no answer channel");
	msg_free(&d);
	msg_free(&m);
	errno = 0;
	r = msg_recv(sv[1], buf, MSG_MAX, 1, &d, &reply);
	ok(r == -1 && errno == EAGAIN && reply == -1,
	    "msg_recv, dontwait, nothing there: -1 EAGAIN");
	close(sv[0]);
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &d, &reply);
	ok(r == 0 && reply == -1, "EOF: 0");
	close(sv[1]);

	/* calls answered by a forked monitor */
	(void)seqpair(sv);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		monitor(sv[1]);
	}
	close(sv[1]);
	num = 0;
	ok(call(sv[0], 10, &num) == 1 && num == 30, "msg_call: yes, num 30");
	num = 0;
	ok(call(sv[0], 7, &num) == 0 && num == 21, "msg_call: no, num 21");
	ok(call(sv[0], -2, &num) == 1 && num == INT64_MIN,
	    "msg_call: num INT64_MIN");
	ok(call(sv[0], 4, NULL) == 1, "msg_call: num NULL");
	errno = 0;
	r = call(sv[0], -1, &num);
	ok(r == -1 && errno != 0, "msg_call: the channel closed without an "
	    "answer: -1 (%s)", strerror(errno));
	errno = 0;
	r = call(sv[0], -3, &num);
	ok(r == -1, "msg_call: a short answer: -1 (%s)", strerror(errno));
	errno = 0;
	r = call(sv[0], -4, &num);
	ok(r == -1, "msg_call: an answer neither y nor n: -1 (%s)",
	    strerror(errno));
	n0 = nfds();
	for (i = bad = 0; i < 50; i++)
		if (call(sv[0], i, &num) != (i % 2 == 0) || num != 3 * i)
			bad++;
	ok(bad == 0 && nfds() == n0, "50 calls: each its own answer, no "
	    "descriptor left open");
	close(sv[0]);
	ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "the monitor saw EOF after the last call");

	/* the monitor gone: errors, not SIGPIPE */
	(void)seqpair(sv);
	close(sv[1]);
	errno = 0;
	ok(call(sv[0], 2, &num) == -1 && errno == EPIPE,
	    "msg_call, monitor gone: -1 EPIPE, no SIGPIPE");
	msg_init(&m, M_PROBE);
	errno = 0;
	ok(msg_send(sv[0], &m) == -1 && errno == EPIPE,
	    "msg_send, monitor gone: -1 EPIPE, no SIGPIPE");
	msg_free(&m);
	close(sv[0]);
}

/* The descriptors msg_recv gets with a datagram. */
static void
test_fds(void)
{
	static const unsigned char probe[] = { M_PROBE };
	struct msg m;
	unsigned char big[100];
	int sv[2], p[2], q[2], fds[5], pairs[5][2], n0, r, reply, i, good;

	(void)seqpair(sv);
	/* one socket: the answer channel */
	n0 = nfds();
	(void)seqpair(p);
	ok(send_fds(sv[0], probe, 1, &p[1], 1, 0) == 0, "sent with one fd");
	close(p[1]);
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply);
	ok(r == 1 && m.type == M_PROBE && reply != -1 &&
	    (fcntl(reply, F_GETFD) & FD_CLOEXEC), "one socket: the answer "
	    "channel, close-on-exec");
	msg_answer(reply, 1, 5);
	ok(recv(p[0], big, sizeof(big), 0) == 9 && big[0] == 'y',
	    "msg_answer reaches the sender");
	close(p[0]);
	ok(nfds() == n0, "msg_answer closed the channel");
	msg_free(&m);

	/* two descriptors, in one control message or two */
	for (i = 0; i < 2; i++) {
		n0 = nfds();
		(void)seqpair(p);
		(void)seqpair(q);
		fds[0] = p[1];
		fds[1] = q[1];
		(void)send_fds(sv[0], probe, 1, fds, 2, i);
		close(p[0]);
		close(p[1]);
		close(q[0]);
		close(q[1]);
		errno = 0;
		r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply);
		good = r == -1 && errno == EPROTO;
		if (reply != -1)
			close(reply);
		ok(good && nfds() == n0, "two fds%s: -1 EPROTO, none leaked",
		    i ? " (two control messages)" : "");
	}
	/* more than msg_recv has room for: the kernel's MSG_CTRUNC */
	n0 = nfds();
	for (i = 0; i < 5; i++) {
		(void)seqpair(pairs[i]);
		fds[i] = pairs[i][1];
	}
	(void)send_fds(sv[0], probe, 1, fds, 5, 0);
	for (i = 0; i < 5; i++) {
		close(pairs[i][0]);
		close(pairs[i][1]);
	}
	errno = 0;
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply);
	good = r == -1 && errno == EPROTO;
	if (reply != -1)
		close(reply);
	ok(good && nfds() == n0, "five fds: -1 EPROTO, none leaked");

	/* not a socket: a pipe, a file */
	n0 = nfds();
	if (pipe(p) == -1)
		p[0] = p[1] = -1;
	(void)send_fds(sv[0], probe, 1, &p[1], 1, 0);
	close(p[0]);
	close(p[1]);
	errno = 0;
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply);
	ok(r == -1 && errno == EPROTO && reply == -1 && nfds() == n0,
	    "a pipe as answer channel: -1 EPROTO, closed");
	q[0] = open("/dev/null", O_WRONLY | O_CLOEXEC);
	(void)send_fds(sv[0], probe, 1, &q[0], 1, 0);
	close(q[0]);
	errno = 0;
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply);
	ok(r == -1 && errno == EPROTO && reply == -1 && nfds() == n0,
	    "a file as answer channel: -1 EPROTO, closed");

	/*
	 * Larger than the buffer: refused, and the next one whole.  Its
	 * first 50 bytes are a message of their own: the rest must not be
	 * silently lost (the words of an M_EXEC).
	 */
	memset(big, 'x', sizeof(big));
	big[0] = M_LINE;
	big[1] = T_CWD;
	put_be(big + 2, 44, 4);
	big[50] = T_LINE;
	put_be(big + 51, 45, 4);
	(void)send(sv[0], big, sizeof(big), 0);
	errno = 0;
	r = msg_recv(sv[1], buf, 50, 0, &m, &reply);
	ok(r == -1 && errno == EPROTO, "a datagram larger than the buffer, "
	    "whose first 50 bytes decode: -1 EPROTO (MSG_TRUNC)");
	(void)seqpair(p);
	(void)send_fds(sv[0], big, sizeof(big), &p[1], 1, 0);
	close(p[1]);
	r = msg_recv(sv[1], buf, 50, 0, &m, &reply);
	ok(r == -1 && reply != -1, "larger, with a channel: -1, the channel "
	    "given back to answer no on");
	msg_answer(reply, 0, 0);
	ok(recv(p[0], big, sizeof(big), 0) == 9 && big[0] == 'n',
	    "the sender hears no");
	close(p[0]);
	(void)send(sv[0], probe, 1, 0);
	r = msg_recv(sv[1], buf, 50, 0, &m, &reply);
	ok(r == 1 && m.type == M_PROBE, "the next datagram arrives whole");
	msg_free(&m);

	/* a malformed one with a channel: the channel comes back */
	(void)seqpair(p);
	(void)send_fds(sv[0], "\0", 1, &p[1], 1, 0);
	close(p[1]);
	errno = 0;
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply);
	ok(r == -1 && errno == EPROTO && reply != -1,
	    "a malformed datagram with a channel: -1 EPROTO, *reply set");
	if (reply != -1)
		close(reply);
	close(p[0]);

	/*
	 * An empty datagram: the caged side can send one at any time.  It
	 * is not the end of every sender.
	 */
	(void)seqpair(p);
	(void)send_fds(sv[0], "", 0, &p[1], 1, 0);
	close(p[1]);
	errno = 0;
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply);
	ok(r == -1 && errno == EPROTO && reply != -1,
	    "an empty datagram with a channel: -1 EPROTO");
	if (reply != -1)
		close(reply);
	close(p[0]);
	(void)send(sv[0], "", 0, 0);
	errno = 0;
	r = msg_recv(sv[1], buf, MSG_MAX, 1, &m, &reply);
	ok(r == -1 && errno == EPROTO,
	    "an empty datagram, senders still there: -1 EPROTO, not EOF "
	    "(got %d)", r);
	(void)send(sv[0], probe, 1, 0);
	r = msg_recv(sv[1], buf, MSG_MAX, 1, &m, &reply);
	ok(r == 1 && m.type == M_PROBE, "and the socket goes on");
	msg_free(&m);
	close(sv[0]);
	close(sv[1]);
}

/* Sender k's j-th message: its payload length and bytes. */
static size_t
payload_len(int k, int j)
{
	return 1 + (size_t)((k * NMSG + j) * 7919) % 30000;
}

static char
payload_byte(int k, int j, size_t i)
{
	return (char)(k * 31 + j * 7 + (int)(i % 251));
}

static void
sender(int sock, int k)
{
	struct msg m;
	char *p = xmalloc(30000);
	size_t i, n;
	int64_t num;
	int j, r;

	for (j = 0; j < NMSG; j++) {
		n = payload_len(k, j);
		for (i = 0; i < n; i++)
			p[i] = payload_byte(k, j, i);
		msg_init(&m, j % 4 == 0 ? M_EXEC : M_LINE);
		msg_num(&m, T_SEQ, k);
		msg_num(&m, T_STATUS, j);
		msg_str(&m, T_ARG, p, n);
		if (j % 4 == 0) {
			r = msg_call(sock, &m, &num);
			if (r != 1 || num != k * 1000 + j)
				_exit(1);
		} else if (msg_send(sock, &m) == -1)
			_exit(2);
		msg_free(&m);
	}
	_exit(0);
}

static void
test_concurrency(void)
{
	struct msg m;
	pid_t pids[NSEND];
	size_t i, n;
	int sv[2], seen[NSEND], k, j, r, reply, bad = 0, st, calls = 0;

	(void)seqpair(sv);
	fflush(stdout);
	for (k = 0; k < NSEND; k++) {
		seen[k] = 0;
		if ((pids[k] = fork()) == 0) {
			close(sv[1]);
			sender(sv[0], k);
		}
	}
	close(sv[0]);
	while ((r = msg_recv(sv[1], buf, MSG_MAX, 0, &m, &reply)) == 1) {
		if (m.n != 3 || m.f[0].tag != T_SEQ || m.f[1].tag != T_STATUS ||
		    m.f[2].tag != T_ARG || m.f[0].num < 0 ||
		    m.f[0].num >= NSEND) {
			bad++;
			goto next;
		}
		k = (int)m.f[0].num;
		j = (int)m.f[1].num;
		n = payload_len(k, j);
		if (j != seen[k] || m.f[2].len != n || m.f[2].cut ||
		    (reply != -1) != (m.type == M_EXEC) ||
		    (m.type != M_EXEC && m.type != M_LINE))
			bad++;
		for (i = 0; i < m.f[2].len && i < n; i++)
			if (m.f[2].s[i] != payload_byte(k, j, i)) {
				bad++;
				break;
			}
		seen[k]++;
		if (reply != -1) {
			msg_answer(reply, 1, k * 1000 + j);
			calls++;
		}
next:
		msg_free(&m);
	}
	ok(r == 0, "EOF after every sender closed");
	for (k = 0; k < NSEND; k++) {
		if (seen[k] != NMSG)
			bad++;
		if (waitpid(pids[k], &st, 0) != pids[k] || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			bad++;
	}
	is_int(bad, 0, "%d senders x %d messages at once (1 to 30000 bytes): "
	    "every one whole, in order per sender", NSEND, NMSG);
	ok(calls == NSEND * NMSG / 4, "%d calls among them, each answered on "
	    "its own channel (the senders checked their answers)", calls);
	close(sv[1]);
}

/* As root: a value larger than MSG_MAX, cut by msg_send to fit. */
static void
test_large(void)
{
	unsigned char h[AUDIT_SHA256_LEN];
	struct msg m, d;
	char *v;
	size_t i, n = 2 * MSG_MAX;
	pid_t pid;
	int sv[2] = { -1, -1 }, bufsize = 4 * MSG_MAX, r, reply, st;

	if (seqpair(sv) == -1 || geteuid() != 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
	    sizeof(bufsize)) == -1) {
		ok(1, "# SKIP a 2 MiB value needs root (SO_SNDBUFFORCE)");
		ok(1, "# SKIP a 2 MiB value needs root (SO_SNDBUFFORCE)");
		if (sv[0] != -1) {
			close(sv[0]);
			close(sv[1]);
		}
		return;
	}
	v = xmalloc(n);
	for (i = 0; i < n; i++)
		v[i] = (char)(i * 13 + i / 4096);
	sha256(v, n, h);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(sv[1]);
		msg_init(&m, M_LINE);
		msg_str(&m, T_CWD, "/", 1);
		msg_str(&m, T_LINE, v, n);
		_exit(msg_send(sv[0], &m) == 0 ? 0 : 1);
	}
	close(sv[0]);
	r = msg_recv(sv[1], buf, MSG_MAX, 0, &d, &reply);
	ok(r == 1 && d.n == 2 && field_is(&d.f[0], T_CWD, "/", 1) &&
	    d.f[1].cut && d.f[1].full == n && d.f[1].len > MSG_MAX - 100 &&
	    memcmp(d.f[1].s, v, d.f[1].len) == 0 &&
	    memcmp(d.f[1].sha, h, sizeof(h)) == 0,
	    "a 2 MiB line: cut to fit MSG_MAX, full length and hash kept");
	ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "the sender's msg_send succeeded");
	msg_free(&d);
	close(sv[1]);
	free(v);
}

int
main(void)
{
	/* a send to a closed peer must fail, not kill us */
	signal(SIGPIPE, SIG_DFL);
	alarm(120);		/* a call that never returns is a failure */
	buf = xmalloc(MSG_MAX);
	test_roundtrip();
	test_refusals();
	test_cutting();
	test_transport();
	test_fds();
	test_concurrency();
	test_large();
	free(buf);
	free(long_a);
	free(long_b);
	return tap_done();
}
