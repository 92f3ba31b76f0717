/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cage.c: entering the cage (cage.h): each component of the path is
 * checked on the very fd that is then used, then fchdir, chroot(".").
 * Runs as root, in the caged shell's process, before the drop.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cage.h"
#include "errmsg.h"

/* A component anyone but root could change would let them swap it. */
static int
check_dir(int fd, const char *what, const char *shown, char *why, size_t len)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return err_why(why, len, "%s %s: %s", what, shown,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_why(why, len, "%s %s: not a directory", what, shown);
	if (st.st_uid != 0)
		return err_why(why, len, "%s %s: not owned by root", what,
		    shown);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return err_why(why, len, "%s %s: writable by group or others",
		    what, shown);
	return 0;
}

/*
 * Opens path from / one component at a time (no symlink, no . or ..),
 * checking each on the descriptor it then walks from.  Returns the last
 * directory's descriptor, or -1 with why.  what names the path in
 * messages ("cage").
 */
static int
walk(const char *path, const char *what, char *why, size_t len)
{
	char comp[256], shown[4096];
	const char *p, *e;
	size_t n, used;
	int fd, next;

	if (path[0] != '/' || strcmp(path, "/") == 0)
		return err_why(why, len, "%s %s: must be an absolute path "
		    "other than /", what, path);
	if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_why(why, len, "/: %s", strerror(errno));
	if (check_dir(fd, what, "/", why, len) == -1)
		goto bad;
	used = 0;
	shown[0] = '\0';
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n >= sizeof(comp) || used + n + 2 > sizeof(shown)) {
			err_why(why, len, "%s %s: path too long", what, path);
			goto bad;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			err_why(why, len, "%s %s: . and .. are not allowed",
			    what, path);
			goto bad;
		}
		shown[used++] = '/';
		memcpy(shown + used, comp, n + 1);
		used += n;
		/* O_NOFOLLOW: a symlink anywhere in the path is refused. */
		next = openat(fd, comp,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next == -1) {
			err_why(why, len, "%s %s: %s", what, shown,
			    errno == ELOOP || errno == ENOTDIR ?
			    "not a directory (symlink?)" : strerror(errno));
			goto bad;
		}
		close(fd);
		fd = next;
		if (check_dir(fd, what, shown, why, len) == -1)
			goto bad;
	}
	return fd;
bad:
	close(fd);
	return -1;
}

int
cage_enter(const char *path, char *why, size_t len)
{
	int fd;

	if ((fd = walk(path, "cage", why, len)) == -1)
		return -1;
	if (fchdir(fd) == -1 || chroot(".") == -1 || chdir("/") == -1) {
		err_why(why, len, "cage %s: cannot enter: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
cage_root_dir(const char *path, const char *what, char *why, size_t len)
{
	int fd;

	if ((fd = walk(path, what, why, len)) == -1)
		return -1;
	close(fd);
	return 0;
}

int
cage_open(const char *path, char *why, size_t len)
{
	return walk(path, "cage", why, len);
}
