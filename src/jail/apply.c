/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Making a cage match its plan, and the manifest of what was made.
 *
 * Manifest (CAGE/.cagesh-jail/manifest, root 0600): one line per entry,
 * tab-separated: type mode uid gid size major:minor path source target.
 * Copies are told apart from their host source by size and then byte
 * by byte (no hash is stored: the host file is always there to compare).
 *
 * Every write goes to a temp name in the same directory, is fsynced and
 * renamed over the old name: a full disk or a crash leaves the old file
 * or none, never half of one.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "jail.h"
#include "xmalloc.h"

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct jent *)a)->path,
	    ((const struct jent *)b)->path);
}

/* fd (a copy in the cage, at its start) has the bytes of hostfile. */
int
jail_same_fd(int fd, const char *hostfile)
{
	char ba[65536], bb[65536];
	struct stat sa, sb;
	ssize_t ra, rb;
	int fb, same = 0;

	if ((fb = open(hostfile, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &sa) == -1 || fstat(fb, &sb) == -1 ||
	    !S_ISREG(sa.st_mode) || !S_ISREG(sb.st_mode) ||
	    sa.st_size != sb.st_size)
		goto out;
	for (;;) {
		ra = read(fd, ba, sizeof(ba));
		rb = read(fb, bb, sizeof(bb));
		if (ra != rb || ra < 0)
			goto out;
		if (ra == 0)
			break;
		if (memcmp(ba, bb, (size_t)ra) != 0)
			goto out;
	}
	same = 1;
out:
	close(fb);
	return same;
}

static int
same_data(int fd, const char *data, size_t len)
{
	char buf[65536];
	struct stat st;
	ssize_t r;
	size_t off = 0;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != len)
		return 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		if (off + (size_t)r > len || memcmp(buf, data + off,
		    (size_t)r) != 0)
			return 0;
		off += (size_t)r;
	}
	return r == 0 && off == len;
}

/* The entry base in pfd holds what e says (a file's bytes). */
static int
same_content(int pfd, const char *base, const struct jent *e)
{
	int fd, same;

	if ((fd = openat(pfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC)) == -1)
		return 0;
	same = e->type == JT_FILE ? jail_same_fd(fd, e->src) :
	    same_data(fd, e->data, e->size);
	close(fd);
	return same;
}

/*
 * Writes src's bytes (or data) to base in pfd, a root-only directory
 * (jpath_parent), through a fresh temp name there.  shown names the
 * file in messages.
 */
static int
put_file(int pfd, const char *base, const char *shown, const char *src,
    const char *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
    char *why, size_t wlen)
{
	char buf[65536], tmp[JAIL_TMPLEN];
	ssize_t r;
	int fd, in = -1, tries = 0, ret = JE_SYS;

	do {
		jpath_tmpname(tmp, sizeof(tmp));
		fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
	} while (fd == -1 && errno == EEXIST && ++tries < 16);
	if (fd == -1) {
		snprintf(why, wlen, "%s: %s", shown, strerror(errno));
		return errno == ENOSPC ? JE_NOSPACE : JE_SYS;
	}
	if (src != NULL) {
		if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
			snprintf(why, wlen, "%s: %s", src, strerror(errno));
			goto fail;
		}
		while ((r = read(in, buf, sizeof(buf))) != 0) {
			if (r < 0) {
				if (errno == EINTR)
					continue;
				snprintf(why, wlen, "%s: %s", src,
				    strerror(errno));
				goto fail;
			}
			if (write_all(fd, buf, (size_t)r) == -1)
				goto wfail;
		}
	} else if (write_all(fd, data, len) == -1)
		goto wfail;
	if (fsync(fd) == -1)
		goto wfail;
	if (fchown(fd, uid, gid) == -1 || fchmod(fd, mode) == -1) {
		snprintf(why, wlen, "%s: %s", shown, strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto wfail;
	}
	fd = -1;
	if (renameat(pfd, tmp, pfd, base) == -1) {
		snprintf(why, wlen, "%s: %s", shown, strerror(errno));
		goto fail;
	}
	ret = JE_OK;
	goto out;
wfail:
	snprintf(why, wlen, "%s: %s", shown, strerror(errno));
	if (errno == ENOSPC)
		ret = JE_NOSPACE;
fail:
	(void)unlinkat(pfd, tmp, 0);
out:
	if (fd != -1)
		close(fd);
	if (in != -1)
		close(in);
	return ret;
}

/* A symlink or a device at a fresh temp name in pfd, renamed in place. */
static int
put_special(int pfd, const char *base, const char *shown,
    const struct jent *e, char *why, size_t len)
{
	char tmp[JAIL_TMPLEN];
	int r, tries = 0;

	do {
		jpath_tmpname(tmp, sizeof(tmp));
		if (e->type == JT_LINK)
			r = symlinkat(e->data, pfd, tmp);
		else
			r = mknodat(pfd, tmp, S_IFCHR | (e->mode & 0777),
			    e->rdev);
	} while (r == -1 && errno == EEXIST && ++tries < 16);
	if (r == -1) {
		snprintf(why, len, "%s: %s", shown, strerror(errno));
		return errno == ENOSPC ? JE_NOSPACE : JE_SYS;
	}
	/* umask took bits off the device; the directory is root's alone. */
	if (fchownat(pfd, tmp, 0, 0, AT_SYMLINK_NOFOLLOW) == -1 ||
	    (e->type == JT_DEV && fchmodat(pfd, tmp, e->mode, 0) == -1) ||
	    renameat(pfd, tmp, pfd, base) == -1) {
		snprintf(why, len, "%s: %s", shown, strerror(errno));
		r = errno == ENOSPC ? JE_NOSPACE : JE_SYS;
		(void)unlinkat(pfd, tmp, 0);
		return r;
	}
	return JE_OK;
}

/* A directory of the plan: made if missing, its owner and mode set. */
static int
put_dir(int pfd, const char *base, const char *shown, const struct jent *e,
    int exists, char *why, size_t len)
{
	struct stat st;
	int fd, ret = JE_OK;

	if (!exists && mkdirat(pfd, base, 0700) == -1) {
		snprintf(why, len, "%s: %s", shown, strerror(errno));
		return errno == ENOSPC ? JE_NOSPACE : JE_SYS;
	}
	/* The fd checked is the fd changed (a home is its user's). */
	if ((fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(fd, &st) == -1 ||
	    fchown(fd, e->uid, e->gid) == -1 || fchmod(fd, e->mode) == -1) {
		snprintf(why, len, "%s: %s", shown, strerror(errno));
		ret = JE_SYS;
	}
	if (fd != -1)
		close(fd);
	return ret;
}

static void
report(const char *cage, const char *what, const char *path, size_t *n)
{
	if (!jail_quiet)
		err_report("%s: %s %s", cage, what, path);
	(*n)++;
}

/*
 * Every directory above an entry must be one only root controls
 * (jpath_parent): a caged user must not be able to point our root-owned
 * writes elsewhere.  Each change is made from that directory's fd.
 */
static int
apply_one(int cagefd, const char *cage, const struct jent *e,
    const struct jplan *old, size_t *changes, char *why, size_t len)
{
	struct stat st;
	const char *base, *what = "added";
	char *shown, buf[4096];
	ssize_t n;
	int pfd, exists, ret = JE_OK;

	if ((pfd = jpath_parent(cagefd, cage, e->path, &base, why,
	    len)) == -1)
		return JE_UNSAFE;
	shown = jpath_join(cage, e->path);
	if ((exists = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0))
		what = "updated";
	else if (errno != ENOENT) {
		snprintf(why, len, "%s: %s", shown, strerror(errno));
		ret = JE_SYS;
		goto out;
	}
	switch (e->type) {
	case JT_DIR:
		if (exists && S_ISDIR(st.st_mode)) {
			if ((st.st_mode & 07777) == e->mode &&
			    st.st_uid == e->uid && st.st_gid == e->gid)
				break;
		} else if (exists) {
			if (jplan_find(old, e->path) == NULL) {
				snprintf(why, len, "%s: exists and is not a "
				    "directory", shown);
				ret = JE_SYS;
				break;
			}
			if (unlinkat(pfd, base, 0) == -1) {
				snprintf(why, len, "%s: %s", shown,
				    strerror(errno));
				ret = JE_SYS;
				break;
			}
			exists = 0;
		}
		if ((ret = put_dir(pfd, base, shown, e, exists, why,
		    len)) == JE_OK)
			report(cage, what, e->path, changes);
		break;
	case JT_FILE:
	case JT_GEN:
		if (exists && S_ISREG(st.st_mode) &&
		    (st.st_mode & 07777) == e->mode && st.st_uid == e->uid &&
		    st.st_gid == e->gid && same_content(pfd, base, e))
			break;
		if (exists && S_ISDIR(st.st_mode)) {
			snprintf(why, len, "%s: is a directory", shown);
			ret = JE_SYS;
			break;
		}
		ret = put_file(pfd, base, shown, e->src, e->data, e->size,
		    e->mode, e->uid, e->gid, why, len);
		if (ret == JE_OK)
			report(cage, what, e->path, changes);
		break;
	case JT_LINK:
		if (exists && S_ISLNK(st.st_mode) &&
		    (n = readlinkat(pfd, base, buf, sizeof(buf) - 1)) >= 0) {
			buf[n] = '\0';
			if (strcmp(buf, e->data) == 0)
				break;
		}
		goto special;
	case JT_DEV:
		if (exists && S_ISCHR(st.st_mode) && st.st_rdev == e->rdev &&
		    (st.st_mode & 07777) == e->mode && st.st_uid == 0)
			break;
special:
		if (exists && S_ISDIR(st.st_mode)) {
			snprintf(why, len, "%s: is a directory", shown);
			ret = JE_SYS;
			break;
		}
		ret = put_special(pfd, base, shown, e, why, len);
		if (ret == JE_OK)
			report(cage, what, e->path, changes);
		break;
	}
out:
	free(shown);
	close(pfd);
	return ret;
}

/*
 * What the old manifest had and the plan no longer needs.  An entry that
 * cannot be removed is reported and kept (in *kept) for the manifest, so
 * the next update tries again; one that is no longer what was made is
 * reported and left alone.  Returns the number of errors.
 */
static size_t
remove_stale(int cagefd, const char *cage, const struct jplan *plan,
    const struct jplan *old, size_t *changes, struct jplan *kept)
{
	struct stat st;
	const struct jent *e;
	const char *base;
	char why[1024];
	size_t i, errors = 0;
	int pfd, r;

	for (i = old->n; i-- > 0;) {
		e = &old->v[i];
		if (jplan_find(plan, e->path) != NULL)
			continue;
		if ((pfd = jpath_parent(cagefd, cage, e->path, &base, why,
		    sizeof(why))) == -1) {
			if (errno == ENOENT)
				continue;
			err_warnx("%s (%s not removed)",
			    why, e->path);
			goto keep;
		}
		r = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW);
		if (r == -1 && errno == ENOENT) {
			close(pfd);
			continue;
		}
		if (r == -1)
			err_warnx("%s: %s: not removed: %s",
			    cage, e->path, strerror(errno));
		else if ((e->type == JT_DIR) != !!S_ISDIR(st.st_mode)) {
			err_warnx("%s: %s: not what was "
			    "made, left alone", cage, e->path);
			errors++;
			close(pfd);
			continue;
		} else if (unlinkat(pfd, base, e->type == JT_DIR ?
		    AT_REMOVEDIR : 0) == 0) {
			report(cage, "removed", e->path, changes);
			close(pfd);
			continue;
		} else
			err_warnx("%s: %s: not removed: %s",
			    cage, e->path, strerror(errno));
		close(pfd);
keep:
		errors++;
		kept->v = xreallocarray(kept->v, kept->n + 1,
		    sizeof(*kept->v));
		kept->v[kept->n++] = *e;
	}
	return errors;
}

int
jail_apply(int cagefd, const char *cage, const struct jplan *plan,
    const struct jplan *old, size_t *changes, char *why, size_t len)
{
	struct jplan all, kept = { NULL, 0, 0 };
	size_t i, errors;
	int ret;

	*changes = 0;
	qsort(plan->v, plan->n, sizeof(*plan->v), ent_cmp);
	for (i = 0; i < plan->n; i++)
		if ((ret = apply_one(cagefd, cage, &plan->v[i], old, changes,
		    why, len)) != JE_OK)
			return ret;
	errors = remove_stale(cagefd, cage, plan, old, changes, &kept);
	/* The manifest: the plan and what is still there to remove. */
	all.n = all.cap = plan->n + kept.n;
	all.v = xreallocarray(NULL, all.n + 1, sizeof(*all.v));
	memcpy(all.v, plan->v, plan->n * sizeof(*all.v));
	if (kept.n > 0)
		memcpy(all.v + plan->n, kept.v, kept.n * sizeof(*all.v));
	qsort(all.v, all.n, sizeof(*all.v), ent_cmp);
	ret = jmanifest_write(cagefd, cage, &all, why, len);
	free(all.v);
	free(kept.v);
	if (ret == JE_OK && errors > 0) {
		snprintf(why, len, "%s: %zu entr%s of the old manifest not "
		    "removed", cage, errors, errors == 1 ? "y" : "ies");
		ret = JE_SYS;
	}
	return ret;
}

/* ---------------------------------------------------------------- */

static int
field_ok(const char *s)
{
	return s == NULL || strpbrk(s, "\t\n") == NULL;
}

/*
 * CAGE/.cagesh-jail, opened from the cage's fd and checked on its own:
 * a real directory, root's, 0700 (made so with create).
 */
static int
jail_dir_open(int cagefd, const char *cage, int create, char *why,
    size_t len)
{
	struct stat st;
	int fd, err;

	if (create && mkdirat(cagefd, JAIL_DIR, 0700) == -1 &&
	    errno != EEXIST) {
		snprintf(why, len, "%s/%s: %s", cage, JAIL_DIR,
		    strerror(errno));
		return -1;
	}
	if ((fd = openat(cagefd, JAIL_DIR, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		err = errno;
		snprintf(why, len, "%s/%s: %s", cage, JAIL_DIR,
		    err == ELOOP || err == ENOTDIR ?
		    "not a root-owned directory" : strerror(err));
		errno = err;
		return -1;
	}
	if (fstat(fd, &st) == -1 || st.st_uid != 0 ||
	    (create ? fchmod(fd, 0700) == -1 : (st.st_mode & 077) != 0)) {
		snprintf(why, len, "%s/%s: not a root-only directory", cage,
		    JAIL_DIR);
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

int
jmanifest_write(int cagefd, const char *cage, const struct jplan *plan,
    char *why, size_t len)
{
	struct sbuf b;
	const struct jent *e;
	char *file;
	size_t i, skipped = 0;
	int dfd, ret;

	if ((dfd = jail_dir_open(cagefd, cage, 1, why, len)) == -1)
		return JE_UNSAFE;
	sbuf_init(&b);
	sbuf_adds(&b, "# cagesh-jail manifest 1: type mode uid gid size "
	    "major:minor path source target\n");
	for (i = 0; i < plan->n; i++) {
		e = &plan->v[i];
		if (!field_ok(e->path) || !field_ok(e->src) ||
		    (e->type == JT_LINK && !field_ok(e->data))) {
			err_warnx("%s: %s: tab or newline "
			    "in a name, not recorded", cage, e->path);
			skipped++;
			continue;
		}
		sbuf_addf(&b, "%c\t%04o\t%u\t%u\t%zu\t%u:%u\t%s\t%s\t%s\n",
		    (char)e->type, (unsigned)e->mode, (unsigned)e->uid,
		    (unsigned)e->gid, e->size, major(e->rdev), minor(e->rdev),
		    e->path, e->src ? e->src : "-",
		    e->type == JT_LINK ? e->data : "-");
	}
	file = jpath_join(cage, JAIL_MANIFEST);
	ret = put_file(dfd, "manifest", file, NULL, b.s, b.len, 0600, 0, 0,
	    why, len);
	free(file);
	sbuf_free(&b);
	close(dfd);
	if (ret == JE_OK && skipped > 0) {
		snprintf(why, len, "%s: %zu name%s not in the manifest", cage,
		    skipped, skipped == 1 ? "" : "s");
		ret = JE_SYS;
	}
	return ret;
}

int
jmanifest_read(int cagefd, const char *cage, struct jplan *plan, char *why,
    size_t len)
{
	char *file, *line = NULL, *f[9], *p;
	size_t cap = 0, k;
	unsigned int mode, uid, gid, ma, mi;
	struct stat st;
	struct jent *e;
	FILE *fp;
	ssize_t n;
	int dfd, fd, lineno = 0;

	memset(plan, 0, sizeof(*plan));
	if ((dfd = jail_dir_open(cagefd, cage, 0, why, len)) == -1)
		return errno == ENOENT ? JE_OK : JE_UNSAFE;
	file = jpath_join(cage, JAIL_MANIFEST);
	fd = openat(dfd, "manifest", O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	close(dfd);
	if (fd == -1) {
		if (errno == ENOENT) {
			free(file);
			return JE_OK;
		}
		snprintf(why, len, "%s: %s", file, strerror(errno));
		free(file);
		return JE_SYS;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022) || (fp = fdopen(fd, "r")) == NULL) {
		snprintf(why, len, "%s: not a root-only file", file);
		close(fd);
		free(file);
		return JE_UNSAFE;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (line[0] == '#')
			continue;
		p = line;
		for (k = 0; k < 9; k++) {
			f[k] = p;
			if (k < 8) {
				if ((p = strchr(p, '\t')) == NULL)
					break;
				*p++ = '\0';
			}
		}
		if (k < 9 || strlen(f[0]) != 1 || strchr("dfglc", f[0][0]) ==
		    NULL || sscanf(f[1], "%o", &mode) != 1 ||
		    sscanf(f[2], "%u", &uid) != 1 ||
		    sscanf(f[3], "%u", &gid) != 1 ||
		    sscanf(f[5], "%u:%u", &ma, &mi) != 2 || f[6][0] != '/') {
			snprintf(why, len, "%s:%d: bad line", file, lineno);
			fclose(fp);
			free(line);
			free(file);
			jplan_free(plan);
			return JE_BADMANIFEST;
		}
		if (plan->n == plan->cap) {
			plan->cap = plan->cap ? plan->cap * 2 : 64;
			plan->v = xreallocarray(plan->v, plan->cap,
			    sizeof(*plan->v));
		}
		e = &plan->v[plan->n++];
		memset(e, 0, sizeof(*e));
		e->type = (enum jail_type)f[0][0];
		e->mode = mode;
		e->uid = uid;
		e->gid = gid;
		e->size = (size_t)strtoull(f[4], NULL, 10);
		e->rdev = makedev(ma, mi);
		e->path = xstrdup(f[6]);
		if (strcmp(f[7], "-") != 0)
			e->src = xstrdup(f[7]);
		if (e->type == JT_LINK)
			e->data = xstrdup(f[8]);
	}
	if (ferror(fp)) {
		snprintf(why, len, "%s: %s", file, strerror(errno));
		fclose(fp);
		free(line);
		free(file);
		jplan_free(plan);
		return JE_SYS;
	}
	fclose(fp);
	free(line);
	free(file);
	return JE_OK;
}
