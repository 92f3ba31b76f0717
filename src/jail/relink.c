/*
 * Absolute symlinks inside a cage point elsewhere depending on who
 * follows them: /var/www/app/releases/X is right inside the chroot and
 * wrong outside; CAGE/var/www/... the other way round.  A relative link
 * is right in both (Capistrano's current and linked dirs).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
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

static int
relink_one(const char *cage, const char *full, int dry_run)
{
	char buf[PATH_MAX], *ns_dir, *ns_tgt, *rel, *tmp, *dir, *s, *host;
	struct stat st;
	size_t clen = strlen(cage);
	ssize_t n;
	int ret = 0;

	if ((n = readlink(full, buf, sizeof(buf) - 1)) < 0)
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
		xasprintf(&tmp, "%s.cagesh-jail-%ld", full, (long)getpid());
		(void)unlink(tmp);
		/* The new link keeps the owner of the old one (the deployer). */
		if (lstat(full, &st) == -1 || symlink(rel, tmp) == -1 ||
		    lchown(tmp, st.st_uid, st.st_gid) == -1 ||
		    rename(tmp, full) == -1) {
			fprintf(stderr, "cagesh-jail: %s: %s\n", full,
			    strerror(errno));
			(void)unlink(tmp);
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

static int
relink_walk(const char *cage, const char *full, int dry_run)
{
	struct dirent *de;
	struct stat st;
	char *child;
	DIR *d;
	int ret = 0;

	if (lstat(full, &st) == -1)
		return -1;
	if (S_ISLNK(st.st_mode))
		return relink_one(cage, full, dry_run);
	if (!S_ISDIR(st.st_mode))
		return 0;
	if ((d = opendir(full)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		child = jpath_join(full, de->d_name);
		if (relink_walk(cage, child, dry_run) == -1)
			ret = -1;
		free(child);
	}
	closedir(d);
	return ret;
}

/* cage and dir are real paths (no links), dir inside cage. */
int
jail_relink(const char *cage, const char *dir, int dry_run)
{
	size_t clen = strlen(cage);

	if (strncmp(dir, cage, clen) != 0 || (dir[clen] != '/' &&
	    dir[clen] != '\0')) {
		fprintf(stderr, "cagesh-jail: %s is not inside %s\n", dir,
		    cage);
		return -1;
	}
	return relink_walk(cage, dir, dry_run);
}
