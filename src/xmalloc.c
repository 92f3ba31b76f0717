/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * xmalloc.c: allocation that ends the process rather than fail, the
 * byte buffer, write_all and pread_full (xmalloc.h).  Pure code, in every program.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "status.h"
#include "xmalloc.h"

/* No allocation, no stdio: one writev, then out (status.h: SETUP). */
static void __attribute__((noreturn))
oom(void)
{
	static const char msg[] = ": out of memory\n";
	struct iovec iov[2];

	iov[0].iov_base = (void *)err_prog();
	iov[0].iov_len = strlen(iov[0].iov_base);
	iov[1].iov_base = (void *)msg;
	iov[1].iov_len = sizeof(msg) - 1;
	(void)writev(STDERR_FILENO, iov, 2);
	_exit(CAGESH_EXIT_SETUP);
}

void *
xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *old, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (nmemb > SIZE_MAX / size)
		oom();
	if ((p = realloc(old, nmemb * size)) == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return n;
}

void
sbuf_init(struct sbuf *b)
{
	b->cap = 64;
	b->len = 0;
	b->s = xmalloc(b->cap);
	b->s[0] = '\0';
}

static void
sbuf_grow(struct sbuf *b, size_t more)
{
	size_t need;

	if (b->s == NULL)
		sbuf_init(b);
	if (more > SIZE_MAX - b->len - 1)
		oom();
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->s = xreallocarray(b->s, b->cap, 1);
}

void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
sbuf_addn(struct sbuf *b, const char *s, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_addn(b, s, strlen(s));
}

void
sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	sbuf_addn(b, s, (size_t)n);
	free(s);
}

int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			/* never for n > 0 but on a full device: no endless loop */
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

size_t
pread_full(int fd, void *buf, size_t n, off_t off, int *err)
{
	char *p = buf;
	size_t len = 0;
	ssize_t r;

	*err = 0;
	while (len < n) {
		if ((r = pread(fd, p + len, n - len, off + (off_t)len)) == -1) {
			if (errno == EINTR)
				continue;
			*err = errno;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	return len;
}

int
sbuf_write(const struct sbuf *b, int fd)
{
	return write_all(fd, b->s, b->len);
}

char *
sbuf_take(struct sbuf *b)
{
	char *s;

	if (b->s == NULL)
		sbuf_init(b);
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
