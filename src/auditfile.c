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
#include <stdarg.h>
#include <stdio.h>
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

static void __attribute__((format(printf, 3, 4)))
why_set(struct auditfile_why *w, const char *rule, const char *fmt, ...)
{
	va_list ap;

	if (w == NULL)
		return;
	snprintf(w->rule, sizeof(w->rule), "%s", rule);
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
}

/* Why st (of path, the log or its directory) is not root's alone. */
static void
why_not_root_only(struct auditfile_why *w, const char *path,
    const struct stat *st, int isdir)
{
	const char *what = isdir ? "the audit log's directory" :
	    "the audit log";
	char rule[96];

	if (st->st_uid != 0) {
		snprintf(rule, sizeof(rule), "%s is not owned by root", what);
		why_set(w, rule, "%s is owned by uid %u, not root: chown "
		    "root:root %s && chmod %s %s", path,
		    (unsigned)st->st_uid, path, isdir ? "700" : "600", path);
	} else {
		snprintf(rule, sizeof(rule), "%s is %s-writable", what,
		    st->st_mode & S_IWGRP ? "group" : "world");
		why_set(w, rule, "%s is %s-writable: chmod %s %s", path,
		    st->st_mode & S_IWGRP ? "group" : "world",
		    isdir ? "700" : "600", path);
	}
}

/* Why the open of path (the log or its directory) failed with err. */
static void
why_errno(struct auditfile_why *w, const char *path, int err, int isdir)
{
	const char *what = isdir ? "the audit log's directory" :
	    "the audit log";
	char rule[96];

	if (err == ELOOP) {
		snprintf(rule, sizeof(rule), "%s is a symbolic link", what);
		why_set(w, rule, "%s is a symbolic link: the audit log and "
		    "its directory must be root's own, not links (%s)", path,
		    isdir ? "name the directory itself in log.file" :
		    "remove the link: cagesh makes the file");
	} else if (err == ENOENT && isdir) {
		snprintf(rule, sizeof(rule), "%s does not exist", what);
		why_set(w, rule, "%s does not exist: mkdir -m 700 %s (make "
		    "install, as root, or the package makes it)", path, path);
	} else if (err == ENOTDIR && isdir) {
		snprintf(rule, sizeof(rule), "%s is not a directory", what);
		why_set(w, rule, "%s is not a directory", path);
	} else {
		snprintf(rule, sizeof(rule), "%s: %s", what, strerror(err));
		why_set(w, rule, "%s: %s", path, strerror(err));
	}
}

/*
 * The one walk of both: the directory, then the file, each checked on
 * the fd it was opened as.  create: open (make) the file to append to;
 * else only look (O_PATH), and a missing file is fine.
 */
static int
log_open(const char *path, int create, struct auditfile_why *w)
{
	struct stat st;
	char *dir = NULL, *slash;
	const char *base;
	int dfd = -1, fd = -1, fl, saved;

	if (w != NULL)
		memset(w, 0, sizeof(*w));
	if (path == NULL || *path == '\0') {
		errno = EINVAL;
		why_set(w, "the audit log has no name", "log.file is empty");
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
		why_set(w, "the audit log is a directory", "%s names a "
		    "directory: log.file must name a file", path);
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		why_errno(w, dir, errno, 1);
		goto out;
	}
	if (fstat(dfd, &st) == -1) {
		why_errno(w, dir, errno, 1);
		goto out;
	}
	if (!S_ISDIR(st.st_mode) || !root_only(&st)) {
		why_not_root_only(w, dir, &st, 1);
		errno = EPERM;
		goto out;
	}
	/* O_NONBLOCK: a FIFO in place of the log must not hang the login. */
	fd = openat(dfd, base, create ? O_RDWR | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK :
	    O_PATH | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (!create && errno == ENOENT) {
			fd = -2;	/* made by the first session */
			goto out;
		}
		why_errno(w, path, errno, 0);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		why_errno(w, path, errno, 0);
		goto fail;
	}
	if (S_ISLNK(st.st_mode)) {
		why_errno(w, path, ELOOP, 0);
		errno = ELOOP;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		why_set(w, "the audit log is not a regular file", "%s is not "
		    "a regular file", path);
		errno = EPERM;
		goto fail;
	}
	if (!root_only(&st)) {
		why_not_root_only(w, path, &st, 0);
		errno = EPERM;
		goto fail;
	}
	/* A second link is a name elsewhere that may not be ours to write. */
	if (st.st_nlink != 1) {
		why_set(w, "the audit log has more than one name", "%s has %lu "
		    "hard links: another name may not be root's to write "
		    "(move it aside; cagesh makes a new one)", path,
		    (unsigned long)st.st_nlink);
		errno = EPERM;
		goto fail;
	}
	if (!create)
		goto out;
	/* whoever's session made it, with whatever group or umask */
	if ((st.st_gid != 0 && fchown(fd, 0, 0) == -1) ||
	    ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) == -1) ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		why_errno(w, path, errno, 0);
		goto fail;
	}
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

int
auditfile_open(const char *path)
{
	return log_open(path, 1, NULL);
}

int
auditfile_open_why(const char *path, struct auditfile_why *w)
{
	return log_open(path, 1, w);
}

int
auditfile_check(const char *path, struct auditfile_why *w)
{
	int fd;

	if ((fd = log_open(path, 0, w)) == -1)
		return -1;
	if (fd >= 0)
		close(fd);
	return 0;
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
