/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * input.c: the lines of one input, streamed through a buffer that holds
 * at most one line (LOG_LINE_MAX) and one read: a file of any size, a
 * pipe, or a gzip file when built with zlib.  A longer line is skipped
 * and reported, never held.
 * Part of cagesh-log, an admin's tool with no privilege of its own.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logtool.h"
#include "xmalloc.h"

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#define CHUNK	(256u * 1024)

static int
say(char *why, size_t n, const char *path, const char *what)
{
	snprintf(why, n, "%s: %s", path, what);
	return -1;
}

/* A gzip file?  Told by its first bytes, as gzip itself does. */
static int
is_gzip(int fd)
{
	unsigned char m[2];

	return pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

static int
open_fd(struct lin *in, const char *path, char *why, size_t n)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		in->fd = STDIN_FILENO;
	else if ((in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return say(why, n, path, strerror(errno));
	if (fstat(in->fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		say(why, n, path, S_ISDIR(st.st_mode) ? strerror(EISDIR) :
		    strerror(errno));
		goto fail;
	}
	in->dev = st.st_dev;
	in->ino = st.st_ino;
	if (!S_ISREG(st.st_mode) || !is_gzip(in->fd))
		return 0;
#ifdef HAVE_ZLIB
	if ((in->gz = gzdopen(in->fd, "rb")) == NULL) {
		say(why, n, path, "cannot read it as gzip");
		goto fail;
	}
	(void)gzbuffer(in->gz, CHUNK);
	return 0;
#else
	say(why, n, path, "compressed with gzip, and this cagesh-log was "
	    "built without zlib: zcat it into cagesh-log -f -");
#endif
fail:
	if (in->fd != STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
	return -1;
}

int
lin_open(struct lin *in, const char *path, char *why, size_t n)
{
	memset(in, 0, sizeof(*in));
	in->name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	in->cap = 2 * CHUNK;
	if (open_fd(in, path, why, n) == -1)
		return -1;
	in->buf = xmalloc(in->cap);
	return 0;
}

static void
close_fd(struct lin *in)
{
#ifdef HAVE_ZLIB
	if (in->gz != NULL) {
		(void)gzclose_r(in->gz);	/* closes fd */
		in->gz = NULL;
		in->fd = -1;
	}
#endif
	if (in->fd != -1 && in->fd != STDIN_FILENO)
		close(in->fd);
	in->fd = -1;
}

void
lin_close(struct lin *in)
{
	close_fd(in);
	free(in->buf);
	in->buf = NULL;
}

static ssize_t
fill(struct lin *in, size_t room)
{
	ssize_t r;

	if (room > CHUNK)
		room = CHUNK;
#ifdef HAVE_ZLIB
	if (in->gz != NULL) {
		int e;

		r = gzread(in->gz, in->buf + in->len, (unsigned)room);
		(void)gzerror(in->gz, &e);
		/* Z_BUF_ERROR at the end: the gzip stream was cut short */
		if (r == -1 || (r == 0 && e == Z_BUF_ERROR)) {
			if (e != Z_ERRNO)
				in->err = "gzip data cut short or corrupt";
			return -1;
		}
		return r;
	}
#endif
	r = read(in->fd, in->buf + in->len, room);
	if (r > 0)
		in->pos += r;
	return r;
}

enum lin_ret
lin_next(struct lin *in, int final, const char **line, size_t *len)
{
	char *nl;
	ssize_t r;
	size_t have;

	if (!final)
		in->eof = 0;
	for (;;) {
		if (in->scan < in->start)
			in->scan = in->start;
		nl = memchr(in->buf + in->scan, '\n', in->len - in->scan);
		in->scan = in->len;
		if (nl != NULL) {
			*line = in->buf + in->start;
			*len = (size_t)(nl - *line);
			in->start = in->scan = (size_t)(nl - in->buf) + 1;
			in->lineno++;
			if (in->drop) {
				in->drop = 0;
				continue;
			}
			if (in->skipping) {
				in->skipping = 0;
				return LIN_LONG;
			}
			return LIN_LINE;
		}
		have = in->len - in->start;
		if (in->skipping || have >= LOG_LINE_MAX) {
			/* not a record: dropped as it comes */
			in->skipping = 1;
			in->start = in->len = in->scan = have = 0;
		}
		if (in->eof) {
			if (!final || (have == 0 && !in->skipping))
				return LIN_NONE;
			*line = in->buf + in->start;
			*len = have;
			in->start = in->len;
			in->lineno++;
			if (in->skipping) {
				in->skipping = 0;
				return LIN_LONG;
			}
			return LIN_LINE;
		}
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, have);
			in->scan -= in->start;
			in->start = 0;
			in->len = have;
		}
		if (in->cap - in->len < CHUNK) {
			in->cap *= 2;
			in->buf = xreallocarray(in->buf, in->cap, 1);
		}
		r = fill(in, in->cap - in->len);
		if (r == -1 && errno == EINTR) {
			if (!final)
				return LIN_NONE;	/* stop is looked at */
			continue;
		}
		if (r == -1)
			return LIN_ERR;
		if (r == 0)
			in->eof = 1;
		in->len += (size_t)r;
	}
}

/*
 * To the end, for follow.  A record being written there now is not
 * ours: its rest is dropped, not counted as a line that is no record.
 */
int
lin_to_end(struct lin *in)
{
	off_t o;
	char c;

	if (in->gz != NULL || (o = lseek(in->fd, 0, SEEK_END)) == -1)
		return -1;
	in->pos = o;
	in->drop = o > 0 && pread(in->fd, &c, 1, o - 1) == 1 && c != '\n';
	return 0;
}

/*
 * 1: path is now another file (logrotate made a new one); 2: this file
 * was cut shorter than what was read (copytruncate); 0: neither.
 */
int
lin_rotated(struct lin *in, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 &&
	    (st.st_dev != in->dev || st.st_ino != in->ino))
		return 1;
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < in->pos)
		return 2;
	return 0;
}

int
lin_reopen(struct lin *in, const char *path, char *why, size_t n)
{
	char *buf = in->buf;
	size_t cap = in->cap;

	close_fd(in);
	memset(in, 0, sizeof(*in));
	in->name = path;
	in->buf = buf;
	in->cap = cap;
	return open_fd(in, path, why, n);
}
