#include <sys/types.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "jsonw.h"
#include "xmalloc.h"

/* Room a record needs, with a margin, before the file system is full. */
#define AUDIT_MIN_FREE	(1024ull * 1024)

#define AUDIT_HDR_LEN	9	/* type, alen and blen as 32-bit big-endian */

static const char *const event_names[] = {
	[AE_SESSION_START] = "session_start",
	[AE_COMMAND] = "command",
	[AE_SESSION_END] = "session_end",
	[AE_SESSION_REFUSED] = "session_refused",
};

/*
 * The only keys a fragment may hold.  The identity keys (user, uid,
 * session...) are absent on purpose: a caged child that sends
 * "user":"root" must not overwrite the parent's stamp for a reader that
 * keeps the last of two equal keys.
 */
static const char *const frag_keys[] = {
	"cwd", "line", "commands", "verdict", "status", "duration_ms",
	"reason",
};
#define NFRAG_KEYS	(sizeof(frag_keys) / sizeof(frag_keys[0]))

/* Bytes a key=value value may hold without quotes. */
static const char kv_plain[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/:@+,%";

static const char *
verdict_name(enum verdict v)
{
	return v == V_ALLOW ? "allow" : "deny";
}

/*
 * A syslog value that no user byte can break out of: a plain token, or
 * a quoted string in which " \ and every byte outside printable ASCII
 * are escaped, so neither a forged " user=root" nor a newline can start
 * a field or a line.  NULL is "-"; a real "-" is quoted.
 */
static void
kv_valn(struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (s == NULL) {
		sbuf_addc(b, '-');
		return;
	}
	for (i = 0; i < n; i++)
		if (p[i] == '\0' || strchr(kv_plain, p[i]) == NULL)
			break;
	if (n > 0 && i == n && !(n == 1 && p[0] == '-')) {
		sbuf_addn(b, s, n);
		return;
	}
	sbuf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			sbuf_addc(b, '\\');
			sbuf_addc(b, (char)p[i]);
		} else if (p[i] < 0x20 || p[i] >= 0x7f)
			sbuf_addf(b, "\\x%02x", p[i]);
		else
			sbuf_addc(b, (char)p[i]);
	}
	sbuf_addc(b, '"');
}

static void
kv_val(struct sbuf *b, const char *s)
{
	kv_valn(b, s, s == NULL ? 0 : strlen(s));
}

/* " key=" with the separating space unless first. */
static void
kv_key(struct sbuf *b, const char *key)
{
	if (b->s != NULL && b->len > 0)
		sbuf_addc(b, ' ');
	sbuf_adds(b, key);
	sbuf_addc(b, '=');
}

/* ",\"key\":" with the separating comma unless first. */
static void
json_key(struct sbuf *b, const char *key)
{
	if (b->s != NULL && b->len > 0)
		sbuf_addc(b, ',');
	sbuf_addc(b, '"');
	sbuf_adds(b, key);
	sbuf_adds(b, "\":");
}

static void
cmd_json(const struct audit_cmd *c, struct sbuf *json)
{
	sbuf_adds(json, "{\"argv\":");
	jsonw_strv(json, c->argv, c->argc);
	sbuf_addf(json, ",\"verdict\":\"%s\",\"%s\":",
	    verdict_name(c->verdict),
	    c->verdict == V_ALLOW ? "rule" : "reason");
	jsonw_str(json, c->why);
	sbuf_addc(json, '}');
}

void
audit_cmd_fields(const struct audit_cmd *c, struct sbuf *json,
    struct sbuf *kv)
{
	struct sbuf t;
	size_t j;

	cmd_json(c, json);
	sbuf_init(&t);
	for (j = 0; j < c->argc; j++) {
		if (j > 0)
			sbuf_addc(&t, ' ');
		sbuf_adds(&t, c->argv[j] == NULL ? "" : c->argv[j]);
	}
	sbuf_addf(&t, " [%s: %s]", verdict_name(c->verdict),
	    c->why == NULL ? "" : c->why);
	kv_key(kv, "cmd");
	kv_valn(kv, t.s, t.len);
	sbuf_free(&t);
}

void
audit_line_fields(const struct audit_line *al, struct sbuf *json,
    struct sbuf *kv)
{
	struct sbuf cmds;
	const struct audit_cmd *c;
	size_t i, j;

	json_key(json, "cwd");
	jsonw_str(json, al->cwd);
	json_key(json, "line");
	if (al->line == NULL)
		sbuf_adds(json, "null");
	else
		jsonw_strn(json, al->line, al->linelen);
	if (al->cmds != NULL) {
		json_key(json, "commands");
		sbuf_addc(json, '[');
		for (i = 0; i < al->ncmds; i++) {
			if (i > 0)
				sbuf_addc(json, ',');
			cmd_json(&al->cmds[i], json);
		}
		sbuf_addc(json, ']');
	}
	json_key(json, "verdict");
	sbuf_addf(json, "\"%s\"", verdict_name(al->verdict));
	if (al->ran) {
		json_key(json, "status");
		sbuf_addf(json, "%d", al->status);
	}
	json_key(json, "duration_ms");
	sbuf_addf(json, "%ld", al->duration_ms);

	kv_key(kv, "cwd");
	kv_val(kv, al->cwd);
	kv_key(kv, "verdict");
	sbuf_adds(kv, verdict_name(al->verdict));
	if (al->ran) {
		kv_key(kv, "status");
		sbuf_addf(kv, "%d", al->status);
	}
	kv_key(kv, "duration_ms");
	sbuf_addf(kv, "%ld", al->duration_ms);
	kv_key(kv, "line");
	kv_valn(kv, al->line, al->line == NULL ? 0 : al->linelen);

	if (al->cmds == NULL)
		return;
	/* Readable summary; escaped as a whole below. */
	sbuf_init(&cmds);
	for (i = 0; i < al->ncmds; i++) {
		c = &al->cmds[i];
		if (i > 0)
			sbuf_adds(&cmds, "; ");
		for (j = 0; j < c->argc; j++) {
			if (j > 0)
				sbuf_addc(&cmds, ' ');
			sbuf_adds(&cmds, c->argv[j] == NULL ? "" : c->argv[j]);
		}
		sbuf_addf(&cmds, " [%s: %s]", verdict_name(c->verdict),
		    c->why == NULL ? "" : c->why);
	}
	kv_key(kv, "commands");
	kv_valn(kv, cmds.s, cmds.len);
	sbuf_free(&cmds);
}

void
audit_end_fields(const char *reason, int status, struct sbuf *json,
    struct sbuf *kv)
{
	if (reason != NULL) {
		json_key(json, "reason");
		jsonw_str(json, reason);
		kv_key(kv, "reason");
		kv_val(kv, reason);
	}
	if (status >= 0) {
		json_key(json, "status");
		sbuf_addf(json, "%d", status);
		kv_key(kv, "status");
		sbuf_addf(kv, "%d", status);
	}
}

void
audit_record(const struct audit_ident *id, enum audit_event ev,
    const char *json_frag, const char *kv_frag, struct sbuf *json,
    struct sbuf *kv)
{
	struct timespec ts;
	struct tm tm;
	char when[32];
	const char *evname = "unknown";

	memset(&tm, 0, sizeof(tm));
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1) {
		ts.tv_sec = 0;
		ts.tv_nsec = 0;
	}
	if (gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "1970-01-01T00:00:00");
	if ((size_t)ev < sizeof(event_names) / sizeof(event_names[0]))
		evname = event_names[ev];

	sbuf_addf(json, "{\"time\":\"%s.%03ldZ\",\"event\":\"%s\"", when,
	    (long)(ts.tv_nsec / 1000000), evname);
	sbuf_adds(json, ",\"session\":");
	jsonw_str(json, id->session);
	sbuf_adds(json, ",\"user\":");
	jsonw_str(json, id->user);
	sbuf_addf(json, ",\"uid\":%lu", (unsigned long)id->uid);
	sbuf_adds(json, ",\"from\":");
	jsonw_str(json, id->from);
	sbuf_adds(json, ",\"mode\":");
	jsonw_str(json, id->mode);
	if (json_frag != NULL && *json_frag != '\0') {
		sbuf_addc(json, ',');
		sbuf_adds(json, json_frag);
	}
	sbuf_adds(json, "}\n");

	sbuf_addf(kv, "event=%s session=", evname);
	kv_val(kv, id->session);
	sbuf_adds(kv, " user=");
	kv_val(kv, id->user);
	sbuf_addf(kv, " uid=%lu from=", (unsigned long)id->uid);
	kv_val(kv, id->from);
	sbuf_adds(kv, " mode=");
	kv_val(kv, id->mode);
	if (kv_frag != NULL && *kv_frag != '\0') {
		sbuf_addc(kv, ' ');
		sbuf_adds(kv, kv_frag);
	}
}

/* Index of the fragment key [k, k + n) in frag_keys, or -1. */
static int
frag_key(const unsigned char *k, size_t n)
{
	size_t i;

	for (i = 0; i < NFRAG_KEYS; i++)
		if (strlen(frag_keys[i]) == n &&
		    memcmp(frag_keys[i], k, n) == 0)
			return (int)i;
	return -1;
}

/*
 * The fragment checks accept exactly the shapes our writers produce
 * (no white space, integers only) and nothing that could end the
 * record, the line or a string early.
 */
static int
json_string(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	size_t n;
	int i;

	if (*p++ != '"')
		return -1;
	for (;;) {
		if (*p == '"') {
			*pp = p + 1;
			return 0;
		}
		/* NUL here means the fragment ends inside a string. */
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if (*p == '\\') {
			p++;
			if (*p != '\0' && strchr("\"\\/bfnrt", *p) != NULL) {
				p++;
				continue;
			}
			if (*p++ != 'u')
				return -1;
			for (i = 0; i < 4; i++, p++)
				if (!isxdigit(*p))
					return -1;
			continue;
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		/* a NUL ends a sequence early: never read past it */
		if ((n = jsonw_utf8_len(p, 4)) == 0)
			return -1;
		p += n;
	}
}

#define JSON_MAX_DEPTH	4	/* commands -> command -> argv */

static int
json_value(const unsigned char **pp, int depth)
{
	const unsigned char *p = *pp;
	static const char *const lits[] = { "true", "false", "null" };
	size_t i;

	if (depth > JSON_MAX_DEPTH)
		return -1;
	if (*p == '"')
		return json_string(pp);
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		if (*p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
		*pp = p;
		return 0;
	}
	if (*p == '[' || *p == '{') {
		char close = *p == '[' ? ']' : '}';

		if (*++p == (unsigned char)close) {
			*pp = p + 1;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				if (json_string(&p) == -1 || *p++ != ':')
					return -1;
			}
			if (json_value(&p, depth + 1) == -1)
				return -1;
			if (*p == (unsigned char)close) {
				*pp = p + 1;
				return 0;
			}
			if (*p++ != ',')
				return -1;
		}
	}
	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		if (strncmp((const char *)p, lits[i], strlen(lits[i])) == 0) {
			*pp = p + strlen(lits[i]);
			return 0;
		}
	}
	return -1;
}

static int
json_frag_ok(const unsigned char *p)
{
	const unsigned char *k;
	unsigned int seen = 0;
	int i;

	if (*p != '"')
		return 0;
	for (;;) {
		k = p;
		if (json_string(&p) == -1)
			return 0;
		if ((i = frag_key(k + 1, (size_t)(p - k - 2))) == -1 ||
		    (seen & (1u << i)))
			return 0;
		seen |= 1u << i;
		if (*p++ != ':' || json_value(&p, 1) == -1)
			return 0;
		if (*p == '\0')
			return 1;
		if (*p++ != ',')
			return 0;
	}
}

static int
kv_frag_ok(const unsigned char *p)
{
	const unsigned char *k;
	unsigned int seen = 0;
	int i;

	for (;;) {
		k = p;
		while ((*p >= 'a' && *p <= 'z') || *p == '_')
			p++;
		if (*p != '=' || (i = frag_key(k, (size_t)(p - k))) == -1 ||
		    (seen & (1u << i)))
			return 0;
		seen |= 1u << i;
		p++;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p < 0x20 || *p >= 0x7f)
					return 0;
				if (*p != '\\')
					continue;
				p++;
				if (*p == '"' || *p == '\\')
					continue;
				if (*p != 'x' || !isxdigit(p[1]) ||
				    !isxdigit(p[2]))
					return 0;
				p += 2;
			}
			p++;
		} else {
			k = p;
			while (*p != '\0' && strchr(kv_plain, *p) != NULL)
				p++;
			if (p == k)
				return 0;
		}
		if (*p == '\0')
			return 1;
		if (*p++ != ' ')
			return 0;
	}
}

/*
 * What the caged child sent, before the parent puts its name on it: a
 * forged fragment could add identity fields, end the record, or start
 * another line.  Either check failing rejects both.
 */
int
audit_fragment_ok(const char *json_frag, const char *kv_frag)
{
	if (json_frag == NULL || kv_frag == NULL)
		return 0;
	return json_frag_ok((const unsigned char *)json_frag) &&
	    kv_frag_ok((const unsigned char *)kv_frag);
}

/* One command object and its cmd="..." twin, as audit_cmd_fields makes. */
int
audit_cmd_ok(const char *json, const char *kv)
{
	const unsigned char *p = (const unsigned char *)json;
	size_t i;

	if (json == NULL || kv == NULL || *p != '{' ||
	    json_value(&p, 2) == -1 || *p != '\0')
		return 0;
	if (strncmp(kv, "cmd=\"", 5) != 0)
		return 0;
	for (i = 5; kv[i] != '\0' && kv[i] != '"'; i++) {
		if ((unsigned char)kv[i] < 0x20 || (unsigned char)kv[i] >= 0x7f)
			return 0;
		if (kv[i] == '\\' && kv[i + 1] != '\0')
			i++;
	}
	return kv[i] == '"' && kv[i + 1] == '\0';
}

/* Root-owned and writable by root alone: nobody else can swap or edit it. */
static int
root_only(const struct stat *st)
{
	return st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * Requires root.  Returns a descriptor on a regular file owned by root,
 * writable by root alone, with one link, in a directory with the same
 * properties; it is checked through the descriptors that are then used,
 * so a path swapped between check and use changes nothing.  Refuses
 * (EPERM, ELOOP, ENOTDIR...) rather than repair: a log someone else
 * could edit or truncate cannot be trusted.
 */
int
audit_open(const char *path)
{
	struct stat st;
	char *dir = NULL;
	const char *base;
	char *slash;
	int dfd = -1, fd = -1, fl, saved;

	if (path == NULL || *path == '\0') {
		errno = EINVAL;
		return -1;
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
		base = path;
	} else {
		base = path + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (*base == '\0') {
		errno = EISDIR;
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		goto out;
	if (fstat(dfd, &st) == -1)
		goto out;
	if (!S_ISDIR(st.st_mode) || !root_only(&st)) {
		errno = EPERM;
		goto out;
	}
	/* O_NONBLOCK: a FIFO in place of the log must not hang the login. */
	if ((fd = openat(dfd, base, O_WRONLY | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600)) == -1)
		goto out;
	if (fstat(fd, &st) == -1)
		goto fail;
	/* A second link is a name elsewhere that may not be ours to write. */
	if (!S_ISREG(st.st_mode) || !root_only(&st) || st.st_nlink != 1) {
		errno = EPERM;
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
		goto fail;
	goto out;
fail:
	saved = errno;
	close(fd);
	fd = -1;
	errno = saved;
out:
	saved = errno;
	if (dfd != -1)
		close(dfd);
	free(dir);
	errno = saved;
	return fd;
}

static int
lock_fd(int fd, int op)
{
	while (flock(fd, op) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

/*
 * One write(2) of the whole record under an exclusive lock: records from
 * concurrent sessions never interleave.  A short write is a failure and
 * is not repaired: with O_APPEND another writer may already follow it.
 */
int
audit_write(int fd, const struct sbuf *json)
{
	ssize_t n;
	int ret = -1, saved;

	if (json == NULL || json->s == NULL || json->len == 0 ||
	    memchr(json->s, '\n', json->len) != json->s + json->len - 1 ||
	    json->len > SSIZE_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (lock_fd(fd, LOCK_EX) == -1)
		return -1;
	while ((n = write(fd, json->s, json->len)) == -1 && errno == EINTR)
		;
	if (n == -1)
		goto out;
	if ((size_t)n != json->len) {
		errno = EIO;
		goto out;
	}
	ret = 0;
out:
	saved = errno;
	if (lock_fd(fd, LOCK_UN) == -1 && ret == 0)
		return -1;
	errno = saved;
	return ret;
}

int
audit_writable(int fd)
{
	struct statvfs sv;
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	if ((fl & O_ACCMODE) == O_RDONLY) {
		errno = EBADF;
		return -1;
	}
	if (fstatvfs(fd, &sv) == -1)
		return -1;
	if (sv.f_frsize == 0 ||
	    (unsigned long long)sv.f_bfree <
	    (AUDIT_MIN_FREE + sv.f_frsize - 1) / sv.f_frsize) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

void
audit_syslog(const char *kv)
{
	syslog(LOG_AUTHPRIV | LOG_INFO, "%s", kv);
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t
get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * One message is one send() on a SOCK_SEQPACKET socket: the caged child
 * and the processes it forks (pipelines, substitutions) all write to
 * the same socket, and a datagram is never interleaved with another.
 */
int
audit_send(int sock, char type, const char *a, size_t alen, const char *b,
    size_t blen)
{
	unsigned char *msg;
	size_t len;
	ssize_t n;

	if (alen > AUDIT_MSG_MAX || blen > AUDIT_MSG_MAX ||
	    AUDIT_HDR_LEN + alen + blen > AUDIT_MSG_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	len = AUDIT_HDR_LEN + alen + blen;
	msg = xmalloc(len);
	msg[0] = (unsigned char)type;
	put_be32(msg + 1, (uint32_t)alen);
	put_be32(msg + 5, (uint32_t)blen);
	if (alen > 0)
		memcpy(msg + AUDIT_HDR_LEN, a, alen);
	if (blen > 0)
		memcpy(msg + AUDIT_HDR_LEN + alen, b, blen);
	/* MSG_NOSIGNAL: a parent gone away is an error, not SIGPIPE. */
	do
		n = send(sock, msg, len, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	free(msg);
	if (n == -1)
		return -1;
	if ((size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/*
 * The message comes from the caged side: its size is checked against
 * the cap before anything is allocated, and the lengths in its header
 * must add up to exactly the datagram's size.
 */
int
audit_recv(int sock, char *type, char **a, size_t *alen, char **b,
    size_t *blen)
{
	unsigned char *msg = NULL;
	uint64_t la, lb;
	ssize_t n;
	char junk;

	*a = *b = NULL;
	*alen = *blen = 0;
	do
		n = recv(sock, &junk, 1, MSG_PEEK | MSG_TRUNC);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return (int)n;
	if ((size_t)n > AUDIT_MSG_MAX || (size_t)n < AUDIT_HDR_LEN) {
		(void)recv(sock, &junk, 1, 0);	/* drop it */
		errno = (size_t)n > AUDIT_MSG_MAX ? EMSGSIZE : EPROTO;
		return -1;
	}
	msg = xmalloc((size_t)n);
	do
		n = recv(sock, msg, (size_t)n, 0);
	while (n == -1 && errno == EINTR);
	if (n < (ssize_t)AUDIT_HDR_LEN) {
		free(msg);
		errno = EPROTO;
		return -1;
	}
	la = get_be32(msg + 1);
	lb = get_be32(msg + 5);
	if (AUDIT_HDR_LEN + la + lb != (uint64_t)n) {
		free(msg);
		errno = EPROTO;
		return -1;
	}
	*type = (char)msg[0];
	*a = xstrndup((char *)msg + AUDIT_HDR_LEN, (size_t)la);
	*b = xstrndup((char *)msg + AUDIT_HDR_LEN + la, (size_t)lb);
	*alen = (size_t)la;
	*blen = (size_t)lb;
	free(msg);
	return 1;
}
