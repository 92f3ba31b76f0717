/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * auditfile.c: the audit file and syslog, the sinks of the records.
 * Runs as root (the root set-up and the monitor), never in the cage.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "auditfile.h"
#include "xmalloc.h"

/* Root-owned and writable by root alone: nobody else can swap or edit it. */
static int
root_only(const struct stat *st)
{
	return st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * Requires root.  The file is checked through the descriptors that are
 * then used, so a path swapped between check and use changes nothing.
 * What someone else could edit or truncate is refused, not repaired;
 * what root owns alone but others may read is made root:root 0600.
 */
int
auditfile_open(const char *path)
{
	struct stat st;
	char *dir = NULL, *slash;
	const char *base;
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
	if ((fd = openat(dfd, base, O_RDWR | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600)) == -1)
		goto out;
	if (fstat(fd, &st) == -1)
		goto fail;
	/* A second link is a name elsewhere that may not be ours to write. */
	if (!S_ISREG(st.st_mode) || !root_only(&st) || st.st_nlink != 1) {
		errno = EPERM;
		goto fail;
	}
	/* whoever's session made it, with whatever group or umask */
	if (st.st_gid != 0 && fchown(fd, 0, 0) == -1)
		goto fail;
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) == -1)
		goto fail;
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

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The lock is held by monitors only: root processes no caged user can
 * stop.  With O_APPEND every write lands at the end; under the lock
 * nothing else does, so the size before the write is where a failed
 * write is cut back to (SIGXFSZ is ignored in the monitor: a file-size
 * limit is EFBIG here, not death half-way).
 */
int
auditfile_write(int fd, const char *rec, size_t len)
{
	struct stat st;
	char last;
	int ret = -1, saved;

	if (rec == NULL || len == 0 || len > SSIZE_MAX ||
	    memchr(rec, '\n', len) != rec + len - 1) {
		errno = EINVAL;
		return -1;
	}
	if (lock_fd(fd, LOCK_EX) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto out;
	if (st.st_size > 0) {
		if (pread(fd, &last, 1, st.st_size - 1) != 1)
			goto out;
		/* a record torn before us: ours starts on a line of its own */
		if (last != '\n' && write_all(fd, "\n", 1) == -1)
			goto undo;
	}
	if (write_all(fd, rec, len) == -1)
		goto undo;
	ret = 0;
	goto out;
undo:
	saved = errno;
	while (ftruncate(fd, st.st_size) == -1 && errno == EINTR)
		;
	errno = saved;
out:
	saved = errno;
	if (lock_fd(fd, LOCK_UN) == -1 && ret == 0)
		return -1;
	errno = saved;
	return ret;
}

int
auditfile_room(int fd)
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
	    (AUDITFILE_MIN_FREE + sv.f_frsize - 1) / sv.f_frsize) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

void
auditfile_syslog(const char *kv)
{
	syslog(LOG_AUTHPRIV | LOG_INFO, "%s", kv);
}
