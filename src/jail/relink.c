/*
 * Absolute symlinks inside a cage point elsewhere depending on who
 * follows them: /var/www/app/releases/X is right inside the chroot and
 * wrong outside; CAGE/var/www/... the other way round.  A relative link
 * is right in both (Capistrano's current and linked dirs).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail.h"
#include "xmalloc.h"

/* The nearest directory at or above dir that holds .cagesh-jail/. */
char *
jail_find_cage(const char *dir)
{
	struct stat st;
	char *real, *p, *m;

	if ((real = realpath(dir, NULL)) == NULL)
		return NULL;
	for (;;) {
		m = jpath_join(real, JAIL_DIR);
		if (lstat(m, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(m);
			return real;
		}
		free(m);
		if (strcmp(real, "/") == 0)
			break;
		p = strrchr(real, '/');
		if (p == real)
			p[1] = '\0';
		else
			*p = '\0';
	}
	free(real);
	return NULL;
}

/*
 * The tree under a cage home belongs to the deploy user, who can swap a
 * directory for a symlink while root walks it.  So the walk holds a
 * directory fd at each level, opened with O_NOFOLLOW, and every read
 * and change is made relative to it (readlinkat, symlinkat, renameat):
 * nothing is ever written through a path the user could redirect.
 */
#define RELINK_DEPTH	128

static int
relink_one(const char *cage, int dfd, const char *name, const char *full,
    int dry_run)
{
	char buf[PATH_MAX], *ns_dir, *ns_tgt, *rel, *tmp, *dir, *s, *host;
	struct stat st;
	size_t clen = strlen(cage);
	ssize_t n;
	int ret = 0;

	if ((n = readlinkat(dfd, name, buf, sizeof(buf) - 1)) < 0)
		return -1;
	buf[n] = '\0';
	if (buf[0] != '/')
		return 0;
	if (strncmp(buf, cage, clen) == 0 && (buf[clen] == '/' ||
	    buf[clen] == '\0'))
		ns_tgt = jpath_norm(buf + clen);
	else {
		/* A cage-namespace path: only if it names something there. */
		ns_tgt = jpath_norm(buf);
		host = jpath_join(cage, ns_tgt);
		if (lstat(host, &st) == -1) {
			printf("%s: %s: not in the cage, left alone\n", full,
			    buf);
			free(host);
			free(ns_tgt);
			return 0;
		}
		free(host);
	}
	dir = xstrdup(full + clen);
	s = strrchr(dir, '/');
	if (s == dir)
		s[1] = '\0';
	else
		*s = '\0';
	ns_dir = jpath_norm(dir);
	rel = jpath_rel(ns_dir, ns_tgt);
	printf("%s: %s -> %s\n", full, buf, rel);
	if (!dry_run) {
		xasprintf(&tmp, ".%s.cagesh-jail-%ld", name, (long)getpid());
		(void)unlinkat(dfd, tmp, 0);
		/* The new link keeps the owner of the old one (the deployer). */
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    symlinkat(rel, dfd, tmp) == -1 ||
		    fchownat(dfd, tmp, st.st_uid, st.st_gid,
		    AT_SYMLINK_NOFOLLOW) == -1 ||
		    renameat(dfd, tmp, dfd, name) == -1) {
			fprintf(stderr, "cagesh-jail: %s: %s\n", full,
			    strerror(errno));
			(void)unlinkat(dfd, tmp, 0);
			ret = -1;
		}
		free(tmp);
	}
	free(dir);
	free(ns_dir);
	free(ns_tgt);
	free(rel);
	return ret;
}

/* Every entry of the directory open at dfd (shown as full). */
static int
relink_walk(const char *cage, int dfd, const char *full, int dry_run,
    int depth)
{
	struct dirent *de;
	struct stat st;
	char *child;
	DIR *d;
	int fd, ret = 0;

	if (depth > RELINK_DEPTH) {
		fprintf(stderr, "cagesh-jail: %s: nested too deep\n", full);
		return -1;
	}
	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		child = jpath_join(full, de->d_name);
		if (S_ISLNK(st.st_mode)) {
			if (relink_one(cage, dfd, de->d_name, child,
			    dry_run) == -1)
				ret = -1;
		} else if (S_ISDIR(st.st_mode)) {
			fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd == -1 || relink_walk(cage, fd, child, dry_run,
			    depth + 1) == -1)
				ret = -1;
			if (fd != -1)
				close(fd);
		}
		free(child);
	}
	closedir(d);
	return ret;
}

/*
 * cage and dir are real paths, dir inside cage.  The components below
 * the cage are the user's: each is opened with O_NOFOLLOW from the one
 * above, so a link swapped in cannot lead the walk out of the cage.
 */
int
jail_relink(const char *cage, const char *dir, int dry_run)
{
	size_t clen = strlen(cage);
	char *rest, *comp, *save;
	int fd, next, ret;

	if (strncmp(dir, cage, clen) != 0 || (dir[clen] != '/' &&
	    dir[clen] != '\0')) {
		fprintf(stderr, "cagesh-jail: %s is not inside %s\n", dir,
		    cage);
		return -1;
	}
	if ((fd = open(cage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		fprintf(stderr, "cagesh-jail: %s: %s\n", cage,
		    strerror(errno));
		return -1;
	}
	rest = xstrdup(dir + clen);
	for (comp = strtok_r(rest, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (next == -1) {
			fprintf(stderr, "cagesh-jail: %s: %s\n", dir,
			    strerror(errno));
			free(rest);
			return -1;
		}
		fd = next;
	}
	free(rest);
	ret = relink_walk(cage, fd, dir, dry_run, 0);
	close(fd);
	return ret;
}
