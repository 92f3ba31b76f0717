/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which key logged in: sshd's ExposeAuthInfo file (SSH_USER_AUTH), read
 * by the root set-up for the session's records.  Runs as ROOT; it reads
 * only a small regular file of the user's own (sshd makes it with the
 * user's ids), opened without following a link, and keeps nothing of it
 * but each method and, for a public key, its type and SHA256
 * fingerprint, as ssh-keygen -l prints them.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "sshauth.h"
#include "xmalloc.h"

#define SSHAUTH_MAX	(64 * 1024)

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Decodes n base64 bytes (padding allowed at the end only).  -1: not. */
static long
unbase64(const char *s, size_t n, unsigned char *out)
{
	const char *p;
	uint32_t acc = 0;
	size_t i, bits = 0, pad = 0;
	long len = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (p = strchr(b64, s[i])) == NULL || s[i] == '\0')
			return -1;
		acc = acc << 6 | (uint32_t)(p - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[len++] = (unsigned char)(acc >> bits);
		}
	}
	return pad > 2 ? -1 : len;
}

/* SHA256:BASE64 (no padding) of a key blob, as ssh-keygen writes it. */
static void
fingerprint(struct sbuf *b, const unsigned char *blob, size_t n)
{
	unsigned char h[AUDIT_SHA256_LEN];
	uint32_t acc = 0;
	size_t i, bits = 0;

	sha256(blob, n, h);
	sbuf_adds(b, "SHA256:");
	for (i = 0; i < sizeof(h); i++) {
		acc = acc << 8 | h[i];
		for (bits += 8; bits >= 6; bits -= 6)
			sbuf_addc(b, b64[(acc >> (bits - 6)) & 63]);
	}
	if (bits > 0)
		sbuf_addc(b, b64[(acc << (6 - bits)) & 63]);
}

static int
word_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("-_.@", s[i]) != NULL))
			return 0;
	return n > 0 && n <= 64;
}

char *
sshauth_parse(const char *text, size_t len)
{
	const char *line, *end, *w[3];
	size_t wl[3], k;
	unsigned char *blob;
	struct sbuf b;
	long n;
	char *r;

	sbuf_init(&b);
	for (line = text; line < text + len; line = end + 1) {
		if ((end = memchr(line, '\n', (size_t)(text + len - line))) ==
		    NULL)
			end = text + len;
		/* METHOD [TYPE BLOB]: the words we keep */
		for (k = 0; k < 3; k++) {
			while (line < end && *line == ' ')
				line++;
			w[k] = line;
			while (line < end && *line != ' ')
				line++;
			wl[k] = (size_t)(line - w[k]);
		}
		if (wl[0] == 0)
			continue;
		if (!word_ok(w[0], wl[0]))
			goto bad;
		if (b.len > 0)
			sbuf_adds(&b, ", ");
		sbuf_addn(&b, w[0], wl[0]);
		if (wl[0] != 9 || memcmp(w[0], "publickey", 9) != 0)
			continue;
		if (!word_ok(w[1], wl[1]) || wl[2] == 0)
			goto bad;
		blob = xmalloc(wl[2]);
		n = unbase64(w[2], wl[2], blob);
		if (n > 0) {
			sbuf_addc(&b, ' ');
			sbuf_addn(&b, w[1], wl[1]);
			sbuf_addc(&b, ' ');
			fingerprint(&b, blob, (size_t)n);
		}
		free(blob);
		if (n <= 0)
			goto bad;
	}
	if (b.len == 0)
		goto bad;
	r = sbuf_take(&b);
	sbuf_free(&b);
	return r;
bad:
	sbuf_free(&b);
	return NULL;
}

char *
sshauth_read(const char *path, uid_t uid)
{
	struct stat st;
	char *buf, *r = NULL, self[64];
	ssize_t n;
	int pfd, fd;

	/*
	 * Looked at before it is opened for reading: root never opens a
	 * device or a FIFO the path may name.  sshd writes it with the
	 * user's ids; another's file is not it.
	 */
	if (path == NULL || path[0] != '/' || (pfd = open(path, O_PATH |
	    O_NOFOLLOW | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(pfd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != uid || st.st_size <= 0 || st.st_size > SSHAUTH_MAX) {
		close(pfd);
		return NULL;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	/* the same inode, through the fd: no path is looked up again */
	fd = open(self, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	close(pfd);
	if (fd == -1)
		return NULL;
	buf = xmalloc((size_t)st.st_size);
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n == st.st_size)
		r = sshauth_parse(buf, (size_t)n);
	free(buf);
	return r;
}
