/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Path arithmetic in the cage namespace, the safety of the cage path
 * itself (the same rule cagesh applies when it enters a cage), reaching
 * the files inside a cage by fds, and showing their names.
 * Part of cagesh-jail: runs as ROOT.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/openat2.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "jail.h"
#include "xmalloc.h"

/* "/a/./b//../c" -> "/a/c", lexically: the caller resolves links first. */
char *
jpath_norm(const char *p)
{
	struct sbuf b;
	const char *c, *e;
	size_t len;
	char *s;

	sbuf_init(&b);
	for (c = p; *c != '\0'; c = e) {
		while (*c == '/')
			c++;
		if (*c == '\0')
			break;
		e = strchr(c, '/');
		len = e != NULL ? (size_t)(e - c) : strlen(c);
		if (e == NULL)
			e = c + len;
		if (len == 1 && c[0] == '.')
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (b.len > 0 && b.s[b.len - 1] != '/')
				b.len--;
			if (b.len > 0)
				b.len--;
			b.s[b.len] = '\0';
			continue;
		}
		sbuf_addc(&b, '/');
		sbuf_addn(&b, c, len);
	}
	if (b.len == 0)
		sbuf_addc(&b, '/');
	s = sbuf_take(&b);
	sbuf_free(&b);
	return s;
}

char *
jpath_join(const char *a, const char *b)
{
	char *s;

	while (*b == '/')
		b++;
	if (*a == '\0' || strcmp(a, "/") == 0)
		xasprintf(&s, "/%s", b);
	else
		xasprintf(&s, "%s/%s", a, b);
	return s;
}

/* A relative path from directory from_dir to to (both normal, absolute). */
char *
jpath_rel(const char *from_dir, const char *to)
{
	struct sbuf b;
	const char *f, *t, *last_f, *last_t;
	char *s;

	f = from_dir;
	t = to;
	last_f = f;
	last_t = t;
	/* The longest common prefix made of whole components. */
	for (;;) {
		if ((*f == '/' || *f == '\0') && (*t == '/' || *t == '\0')) {
			last_f = f;
			last_t = t;
			if (*f == '\0' || *t == '\0')
				break;
		}
		if (*f != *t || *f == '\0')
			break;
		f++;
		t++;
	}
	sbuf_init(&b);
	for (f = last_f; *f != '\0'; f++)
		if (*f == '/' && f[1] != '\0')
			sbuf_adds(&b, b.len ? "/.." : "..");
	while (*last_t == '/')
		last_t++;
	if (*last_t != '\0') {
		if (b.len > 0)
			sbuf_addc(&b, '/');
		sbuf_adds(&b, last_t);
	}
	if (b.len == 0)
		sbuf_addc(&b, '.');
	s = sbuf_take(&b);
	sbuf_free(&b);
	return s;
}

/*
 * Every component of the cage path a real directory owned by root and
 * writable by root alone: otherwise whoever controls it could swap the
 * cage under the user (or under us, while we write into it as root).
 * With create, missing components are made root 0755.
 */
int
jpath_cage_safe(const char *cage, int create, char *why, size_t len)
{
	struct stat st;
	char *p, *e;
	int ret = JE_UNSAFE;

	if (cage[0] != '/' || strcmp(cage, "/") == 0) {
		snprintf(why, len, "%s: the cage must be an absolute path "
		    "other than /", cage);
		return JE_UNSAFE;
	}
	p = xstrdup(cage);
	for (e = p + 1;; e++) {
		if (*e != '/' && *e != '\0')
			continue;
		*e = '\0';
		if (lstat(p, &st) == -1) {
			if (errno != ENOENT || !create) {
				snprintf(why, len, "%s: %s", p,
				    strerror(errno));
				ret = JE_SYS;
				goto out;
			}
			if (mkdir(p, 0755) == -1 || lstat(p, &st) == -1 ||
			    chown(p, 0, 0) == -1 || chmod(p, 0755) == -1) {
				snprintf(why, len, "%s: %s", p,
				    strerror(errno));
				ret = JE_SYS;
				goto out;
			}
		}
		if (S_ISLNK(st.st_mode)) {
			snprintf(why, len, "%s: is a symlink", p);
			goto out;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(why, len, "%s: not a directory", p);
			goto out;
		}
		if (st.st_uid != 0) {
			snprintf(why, len, "%s: not owned by root", p);
			goto out;
		}
		if (st.st_mode & 022) {
			snprintf(why, len, "%s: writable by group or others",
			    p);
			goto out;
		}
		if (e[0] == '\0' && strlen(p) == strlen(cage))
			break;
		*e = '/';
	}
	ret = JE_OK;
out:
	free(p);
	return ret;
}

/*
 * Below its root a cage is partly its users' (homes, /tmp): any name
 * there can become a symlink at any moment.  A cage path is therefore
 * never handed to the host's lookup (CAGE/ns): the kernel resolves it
 * from the cage's fd as if that were / (RESOLVE_IN_ROOT: ".." and
 * absolute links stop at the cage), the way a caged process sees it,
 * and never through a /proc-style magic link.  glibc 2.36 has no
 * openat2 wrapper.  EAGAIN (a rename during "..") is retried.
 */
int
jpath_in_cage(int cagefd, const char *ns, int flags)
{
	struct open_how how;
	int fd, tries;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	for (tries = 0; tries < 64; tries++) {
		fd = (int)syscall(SYS_openat2, cagefd, ns, &how, sizeof(how));
		if (fd != -1 || errno != EAGAIN)
			break;
	}
	return fd;
}

/* Without openat2 nothing inside a cage can be resolved safely: fail. */
int
jpath_openat2_ok(int cagefd, char *why, size_t len)
{
	int fd;

	if ((fd = jpath_in_cage(cagefd, "/", O_PATH | O_DIRECTORY)) != -1) {
		close(fd);
		return 0;
	}
	if (errno == ENOSYS || errno == EINVAL || errno == E2BIG)
		snprintf(why, len, "this kernel has no openat2(2) with "
		    "RESOLVE_IN_ROOT (Linux 5.6 or later): links inside a "
		    "cage cannot be resolved safely, so nothing was done");
	else
		snprintf(why, len, "openat2(2): %s: nothing was done",
		    strerror(errno));
	return -1;
}

/* The cage's own fd; its path is root's alone (jpath_cage_safe). */
int
jpath_cage_open(const char *cage, char *why, size_t len)
{
	int fd;

	if ((fd = open(cage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		snprintf(why, len, "%s: %s", cage, strerror(errno));
	return fd;
}

/*
 * The directory that holds cage path ns, opened from the cage's fd one
 * component at a time with O_NOFOLLOW, each one (the cage too) checked
 * on the fd that is then used: a directory that root owns and only root
 * can write.  What the caller makes there, nobody else can redirect or
 * rename.  *base points into ns at the last component.  On failure why
 * names the component, and errno is ENOENT if it is missing.
 */
int
jpath_parent(int cagefd, const char *cage, const char *ns,
    const char **base, char *why, size_t len)
{
	struct stat st;
	const char *c, *e;
	char *comp;
	int fd, next, err;

	if ((fd = fcntl(cagefd, F_DUPFD_CLOEXEC, 0)) == -1) {
		snprintf(why, len, "%s: %s", cage, strerror(errno));
		return -1;
	}
	for (c = ns;; c = e) {
		while (*c == '/')
			c++;
		e = c + strcspn(c, "/");
		if ((e == c) || (e - c == 1 && c[0] == '.') ||
		    (e - c == 2 && c[0] == '.' && c[1] == '.')) {
			snprintf(why, len, "%s: %s: not a plain path", cage,
			    ns);
			err = EINVAL;
			break;
		}
		if (fstat(fd, &st) == -1 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != 0 || (st.st_mode & 022)) {
			snprintf(why, len, "%s%.*s: not a root-only directory",
			    cage, (int)(c - ns - 1), ns);
			err = EPERM;
			break;
		}
		if (*e == '\0') {
			*base = c;
			return fd;
		}
		comp = xstrndup(c, (size_t)(e - c));
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		free(comp);
		if (next == -1) {
			err = errno;
			snprintf(why, len, "%s%.*s: %s", cage, (int)(e - ns),
			    ns, err == ELOOP || err == ENOTDIR ?
			    "not a root-only directory" : strerror(err));
			break;
		}
		close(fd);
		fd = next;
	}
	close(fd);
	errno = err;
	return -1;
}

/* -q (jail.h) */
int jail_quiet;

/* A temporary name nobody can guess; the caller creates it O_EXCL. */
void
jpath_tmpname(char *buf, size_t len)
{
	snprintf(buf, len, ".cagesh-jail.%08x%08x", arc4random(),
	    arc4random());
}
