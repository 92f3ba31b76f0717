/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Absolute symlinks inside a cage point elsewhere depending on who
 * follows them: /var/www/app/releases/X is right inside the chroot and
 * wrong outside; CAGE/var/www/... the other way round.  A relative link
 * is right in both (Capistrano's current and linked dirs).
 *
 * The tree relink walks is the deploy user's, who can swap any name in
 * it while root works.  So:
 *  - the walk holds a directory fd at each level, opened with
 *    O_NOFOLLOW from the one above, and reads and changes only through
 *    it: no path is ever looked up again on the host;
 *  - a target is looked up inside the cage (jpath_in_cage), never on
 *    the host: a link of the user's cannot make relink tell whether a
 *    host file exists;
 *  - the lookup and the change are made with the fs identity of the
 *    link's owner (as_owner), not as root.
 */
#include <sys/fsuid.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "errmsg.h"
#include "jail.h"
#include "xmalloc.h"

struct relink {
	const char	*cage;
	size_t		 clen;
	int		 cfd;
	int		 dry_run;
	int		 errors;
	size_t		 relinked;
	int		 broken;	/* root's fs identity not regained */
	gid_t		*rootgroups;
	int		 nrootgroups;
	uid_t		 uid;		/* whose groups are in groups */
	gid_t		*groups;
	int		 ngroups;
};

/*
 * Why the owner's fs identity (setfsuid, setfsgid, the owner's groups)
 * and not a root-only staging directory under .cagesh-jail/: with it
 * the kernel applies the owner's own permissions to each lookup and
 * change, so a racing user can make relink do only what the user could
 * do anyway.  The new link is born the owner's (no chown that a swapped
 * name could redirect), nothing root-owned ever sits under a temporary
 * name in the user's directory, a target the owner cannot reach is "not
 * in the cage" (no oracle for other users' files), and it works where
 * the homes are separate (nosuid) mounts, across which a staging
 * directory could not rename(2).
 */
static int
as_owner(struct relink *r, uid_t uid, gid_t gid)
{
	struct passwd *pw;
	size_t ng;

	if (r->groups == NULL || r->uid != uid) {
		free(r->groups);
		if ((pw = getpwuid(uid)) == NULL) {
			r->groups = xreallocarray(NULL, 1, sizeof(gid_t));
			r->groups[0] = gid;
			ng = 1;
		} else if (account_groups(pw->pw_name, pw->pw_gid, &r->groups,
		    &ng) == -1) {
			/* no supplementary groups rather than a guess */
			ng = 0;
		}
		r->uid = uid;
		r->ngroups = (int)ng;
	}
	if (setgroups((size_t)r->ngroups, r->groups) == -1)
		return -1;
	(void)setfsgid(gid);
	(void)setfsuid(uid);
	/* setfsuid(-1) fails and returns the current one: check it took. */
	if ((gid_t)setfsgid((gid_t)-1) != gid ||
	    (uid_t)setfsuid((uid_t)-1) != uid) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static void
as_root(struct relink *r)
{
	(void)setfsuid(0);
	(void)setfsgid(0);
	if ((uid_t)setfsuid((uid_t)-1) != 0 ||
	    (gid_t)setfsgid((gid_t)-1) != 0 ||
	    setgroups((size_t)r->nrootgroups, r->rootgroups) == -1) {
		err_warnx("cannot regain root's file "
		    "system identity: stopped");
		r->broken = 1;
		r->errors++;
	}
}

static void
fail(struct relink *r, const char *full, const char *what)
{
	err_warnx("%s: %s", full, what);
	r->errors++;
}

/* The nearest directory at or above dir that holds a root-only one. */
char *
jail_find_cage(const char *dir)
{
	struct stat st;
	char *real, *p, *m;

	if ((real = realpath(dir, NULL)) == NULL)
		return NULL;
	for (;;) {
		/* A user can make a .cagesh-jail of its own: not a cage. */
		m = jpath_join(real, JAIL_DIR);
		if (lstat(m, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_uid == 0 && (st.st_mode & 077) == 0) {
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
 * Is the cage path tgt there for the owner?  1 yes, 0 no (it cannot
 * reach it, or nothing is there: the same to it), -1 an error.
 */
static int
target_there(struct relink *r, const struct stat *lst, const char *tgt)
{
	int fd, err;

	if (as_owner(r, lst->st_uid, lst->st_gid) == -1) {
		err = errno;
		as_root(r);
		errno = err;
		return -1;
	}
	fd = jpath_in_cage(r->cfd, tgt, O_PATH | O_NOFOLLOW);
	err = errno;
	as_root(r);
	if (fd != -1) {
		close(fd);
		return 1;
	}
	if (err == ENOENT || err == ENOTDIR || err == EACCES ||
	    err == ELOOP || err == ENAMETOOLONG)
		return 0;
	errno = err;
	return -1;
}

/*
 * name in dfd becomes a link to rel, made by the owner: at a fresh
 * temporary name in the same directory, renamed over name.
 */
static int
replace_link(struct relink *r, int dfd, const char *name,
    const struct stat *lst, const char *rel)
{
	char tmp[JAIL_TMPLEN];
	int ret, tries = 0, err;

	if (as_owner(r, lst->st_uid, lst->st_gid) == -1) {
		err = errno;
		as_root(r);
		errno = err;
		return -1;
	}
	do {
		jpath_tmpname(tmp, sizeof(tmp));
		ret = symlinkat(rel, dfd, tmp);
	} while (ret == -1 && errno == EEXIST && ++tries < 16);
	if (ret == 0 && (ret = renameat(dfd, tmp, dfd, name)) == -1) {
		err = errno;
		(void)unlinkat(dfd, tmp, 0);
		errno = err;
	}
	err = errno;
	as_root(r);
	errno = err;
	return ret;
}

static void
relink_one(struct relink *r, int dfd, const char *name, const char *full,
    const struct stat *lst)
{
	char buf[PATH_MAX], *ns_dir, *ns_tgt, *rel, *s;
	struct stat dst;
	ssize_t n;
	int there;

	if ((n = readlinkat(dfd, name, buf, sizeof(buf) - 1)) < 0) {
		fail(r, full, strerror(errno));
		return;
	}
	buf[n] = '\0';
	if (buf[0] != '/')
		return;
	if (strncmp(buf, r->cage, r->clen) == 0 && (buf[r->clen] == '/' ||
	    buf[r->clen] == '\0'))
		ns_tgt = jpath_norm(buf + r->clen);
	else {
		/* A cage-namespace path: only if it names something there. */
		ns_tgt = jpath_norm(buf);
		if ((there = target_there(r, lst, ns_tgt)) != 1) {
			if (there == 0 && !jail_quiet)
				err_line(stdout, "%s: %s: not in the cage, "
				    "left alone", full, buf);
			else
				fail(r, full, strerror(errno));
			free(ns_tgt);
			return;
		}
		if (r->broken) {
			free(ns_tgt);
			return;
		}
	}
	ns_dir = xstrdup(full + r->clen);
	s = strrchr(ns_dir, '/');
	*(s == ns_dir ? s + 1 : s) = '\0';
	rel = jpath_rel(*ns_dir != '\0' ? ns_dir : "/", ns_tgt);
	/*
	 * A root-owned link where others can write: its replacement would
	 * be root's too, and could be taken from its temporary name.
	 */
	if (lst->st_uid == 0 && (fstat(dfd, &dst) == -1 || dst.st_uid != 0 ||
	    (dst.st_mode & 022)))
		fail(r, full, "owned by root in a directory others can "
		    "write: not relinked (chown -h it to its user)");
	else {
		/* a dry run is its list: -q does not shorten it */
		if (!jail_quiet || r->dry_run)
			err_line(stdout, "%s: %s -> %s", full, buf, rel);
		if (!r->dry_run && replace_link(r, dfd, name, lst, rel) == -1)
			fail(r, full, strerror(errno));
		else
			r->relinked++;
	}
	free(ns_dir);
	free(ns_tgt);
	free(rel);
}

/* Every entry of the directory open at dfd (taken over), shown as full. */
static void
relink_walk(struct relink *r, int dfd, struct sbuf *full, int depth)
{
	struct dirent *de;
	struct stat st, dst;
	size_t mark = full->len;
	DIR *d;
	int fd;

	if ((d = fdopendir(dfd)) == NULL) {
		fail(r, full->s, strerror(errno));
		close(dfd);
		return;
	}
	while (!r->broken) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				fail(r, full->s, strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sbuf_addc(full, '/');
		sbuf_adds(full, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			fail(r, full->s, errno == ENOENT ? "removed while "
			    "relinking" : strerror(errno));
		else if (S_ISLNK(st.st_mode))
			relink_one(r, dirfd(d), de->d_name, full->s, &st);
		else if (!S_ISDIR(st.st_mode))
			;
		else if ((fd = openat(dirfd(d), de->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
			fail(r, full->s, errno == ELOOP || errno == ENOTDIR ||
			    errno == ENOENT ? "replaced while relinking" :
			    strerror(errno));
		else if (fstat(fd, &dst) == -1 || dst.st_dev != st.st_dev ||
		    dst.st_ino != st.st_ino) {
			fail(r, full->s, "replaced while relinking");
			close(fd);
		} else if (depth >= JAIL_DEPTH) {
			fail(r, full->s, "nested too deep");
			close(fd);
		} else
			relink_walk(r, fd, full, depth + 1);
		full->len = mark;
		full->s[mark] = '\0';
	}
	closedir(d);
}

/*
 * cage and dir are real paths, dir inside cage.  The components below
 * the cage are the user's: each is opened with O_NOFOLLOW from the one
 * above, so a link swapped in cannot lead the walk out of the cage.
 * Returns 0, or -1 after any error (each one reported).
 */
int
jail_relink(const char *cage, const char *dir, int dry_run)
{
	struct relink r;
	struct sbuf full;
	char why[1024], *rest, *comp, *save;
	int fd, next, n;

	memset(&r, 0, sizeof(r));
	r.cage = cage;
	r.clen = strlen(cage);
	r.dry_run = dry_run;
	if (strncmp(dir, cage, r.clen) != 0 || (dir[r.clen] != '/' &&
	    dir[r.clen] != '\0')) {
		err_warnx("%s is not inside %s", dir,
		    cage);
		return -1;
	}
	if (jpath_cage_safe(cage, 0, why, sizeof(why)) != JE_OK) {
		err_warnx("unsafe cage: %s", why);
		return -1;
	}
	if ((r.cfd = jpath_cage_open(cage, why, sizeof(why))) == -1 ||
	    jpath_openat2_ok(r.cfd, why, sizeof(why)) == -1) {
		err_warnx("%s: %s", cage, why);
		if (r.cfd != -1)
			close(r.cfd);
		return -1;
	}
	if ((n = getgroups(0, NULL)) == -1 ||
	    (r.rootgroups = xreallocarray(NULL, (size_t)n + 1,
	    sizeof(gid_t)), (n = getgroups(n, r.rootgroups)) == -1)) {
		err_warnx("getgroups: %s",
		    strerror(errno));
		free(r.rootgroups);
		close(r.cfd);
		return -1;
	}
	r.nrootgroups = n;
	if ((fd = fcntl(r.cfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		fail(&r, cage, strerror(errno));
		goto out;
	}
	rest = xstrdup(dir + r.clen);
	for (comp = strtok_r(rest, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if ((fd = next) == -1) {
			fail(&r, dir, strerror(errno));
			break;
		}
	}
	free(rest);
	if (fd != -1) {
		sbuf_init(&full);
		sbuf_adds(&full, dir);
		relink_walk(&r, fd, &full, 0);
		sbuf_free(&full);
	}
	err_report("%s: %zu link%s %s relative%s", dir,
	    r.relinked, r.relinked == 1 ? "" : "s", r.dry_run ? "to make" :
	    "made", r.errors > 0 ? " (with errors)" : "");
out:
	close(r.cfd);
	free(r.rootgroups);
	free(r.groups);
	return r.errors > 0 ? -1 : 0;
}
