/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Allocation that cannot fail silently.  cagesh never continues with a
 * half-built structure: running out of memory ends the process.  With
 * it, the byte buffer and the one loop that writes bytes out whole.
 */
#ifndef CAGESH_XMALLOC_H
#define CAGESH_XMALLOC_H

#include <sys/types.h>

#include <stddef.h>

/*
 * GNU readline exports an xmalloc of its own: ours is another symbol, so
 * neither library nor program ever calls the other's by accident.
 */
#define xmalloc(n)	cagesh_xmalloc(n)

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* A growable byte buffer, always NUL-terminated. */
struct sbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

void	 sbuf_init(struct sbuf *);
void	 sbuf_addc(struct sbuf *, char);
void	 sbuf_addn(struct sbuf *, const char *, size_t);
void	 sbuf_adds(struct sbuf *, const char *);
void	 sbuf_addf(struct sbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*sbuf_take(struct sbuf *);	/* returns the string, resets */
/*
 * All n bytes to fd, however many write()s it takes (EINTR retried): 0,
 * or -1 with errno (ENOSPC for a write that wrote nothing).
 */
int	 write_all(int fd, const void *, size_t);
/*
 * Up to n bytes from fd at offset off by pread(), however many it takes
 * (EINTR retried), until n or the end of the file: the count read.
 * *err is 0, or the errno of a read that failed (the count is what came
 * before it).
 */
size_t	 pread_full(int fd, void *, size_t n, off_t off, int *err);
int	 sbuf_write(const struct sbuf *, int fd);	/* write_all of it */
void	 sbuf_free(struct sbuf *);

#endif
