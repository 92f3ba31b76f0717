/*
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

#include "jail.h"
#include "xmalloc.h"

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct jent *)a)->path,
	    ((const struct jent *)b)->path);
}

int
jail_same_file(const char *a, const char *b)
{
	char ba[65536], bb[65536];
	struct stat sa, sb;
	ssize_t ra, rb;
	int fa, fb, same = 0;

	if ((fa = open(a, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	if ((fb = open(b, O_RDONLY | O_CLOEXEC)) == -1) {
		close(fa);
		return 0;
	}
	if (fstat(fa, &sa) == -1 || fstat(fb, &sb) == -1 ||
	    !S_ISREG(sa.st_mode) || !S_ISREG(sb.st_mode) ||
	    sa.st_size != sb.st_size)
		goto out;
	for (;;) {
		ra = read(fa, ba, sizeof(ba));
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
	close(fa);
	close(fb);
	return same;
}

static int
same_data(const char *file, const char *data, size_t len)
{
	char buf[65536];
	struct stat st;
	ssize_t r;
	size_t off = 0;
	int fd, same = 0;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != len)
		goto out;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		if (off + (size_t)r > len || memcmp(buf, data + off,
		    (size_t)r) != 0)
			goto out;
		off += (size_t)r;
	}
	same = r == 0 && off == len;
out:
	close(fd);
	return same;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static char *
tmp_name(const char *full)
{
	char *dir, *s, *t;

	dir = xstrdup(full);
	if ((s = strrchr(dir, '/')) != NULL)
		*s = '\0';
	xasprintf(&t, "%s/.cagesh-jail.XXXXXX", dir);
	free(dir);
	return t;
}

/* Writes src's bytes (or data) to full through a temp name. */
static int
put_file(const char *full, const char *src, const char *data, size_t len,
    mode_t mode, uid_t uid, gid_t gid, char *why, size_t wlen)
{
	char buf[65536];
	char *tmp;
	ssize_t r;
	int fd, in = -1, ret = JE_SYS;

	tmp = tmp_name(full);
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(why, wlen, "%s: %s", tmp, strerror(errno));
		ret = errno == ENOSPC ? JE_NOSPACE : JE_SYS;
		free(tmp);
		return ret;
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
		snprintf(why, wlen, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto wfail;
	}
	fd = -1;
	if (rename(tmp, full) == -1) {
		snprintf(why, wlen, "%s: %s", full, strerror(errno));
		goto fail;
	}
	ret = JE_OK;
	goto out;
wfail:
	snprintf(why, wlen, "%s: %s", full, strerror(errno));
	if (errno == ENOSPC)
		ret = JE_NOSPACE;
fail:
	(void)unlink(tmp);
out:
	if (fd != -1)
		close(fd);
	if (in != -1)
		close(in);
	free(tmp);
	return ret;
}

/* Makes a symlink or a device at a temp name, then renames it in place. */
static int
put_special(const char *full, const struct jent *e, char *why, size_t len)
{
	char *tmp;
	int fd, r;

	tmp = tmp_name(full);
	/* mkstemp for a free name, then the node takes its place. */
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(why, len, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return errno == ENOSPC ? JE_NOSPACE : JE_SYS;
	}
	close(fd);
	(void)unlink(tmp);
	if (e->type == JT_LINK)
		r = symlink(e->data, tmp);
	else
		r = mknod(tmp, S_IFCHR | e->mode, e->rdev);
	if (r == -1 || lchown(tmp, 0, 0) == -1 || (e->type == JT_DEV &&
	    chmod(tmp, e->mode) == -1) || rename(tmp, full) == -1) {
		snprintf(why, len, "%s: %s", full, strerror(errno));
		r = errno == ENOSPC ? JE_NOSPACE : JE_SYS;
		(void)unlink(tmp);
		free(tmp);
		return r;
	}
	free(tmp);
	return JE_OK;
}

/*
 * Every directory above an entry, inside the cage, must be one that only
 * root controls: a caged user must not be able to point our root-owned
 * writes elsewhere with a symlink.
 */
static int
parents_safe(const char *cage, const char *path, char *why, size_t len)
{
	struct stat st;
	char *full, *s;
	size_t clen = strlen(cage);
	int ret = JE_OK;

	full = jpath_join(cage, path);
	for (s = full + clen + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (lstat(full, &st) == -1 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != 0 || (st.st_mode & 022)) {
			snprintf(why, len, "%s: not a root-only directory",
			    full);
			ret = JE_UNSAFE;
			break;
		}
		*s = '/';
	}
	free(full);
	return ret;
}

static void
report(const char *cage, const char *what, const char *path, size_t *n)
{
	printf("cagesh-jail: %s: %s %s\n", cage, what, path);
	(*n)++;
}

static int
apply_one(const char *cage, const struct jent *e, const struct jplan *old,
    size_t *changes, char *why, size_t len)
{
	struct stat st;
	char *full, buf[4096];
	const char *what = "added";
	ssize_t n;
	int exists, ret = JE_OK;

	if ((ret = parents_safe(cage, e->path, why, len)) != JE_OK)
		return ret;
	full = jpath_join(cage, e->path);
	exists = lstat(full, &st) == 0;
	if (exists)
		what = "updated";
	switch (e->type) {
	case JT_DIR:
		if (exists && S_ISDIR(st.st_mode)) {
			if ((st.st_mode & 07777) == e->mode &&
			    st.st_uid == e->uid && st.st_gid == e->gid)
				break;
		} else if (exists) {
			if (jplan_find(old, e->path) == NULL) {
				snprintf(why, len, "%s: exists and is not a "
				    "directory", full);
				ret = JE_SYS;
				break;
			}
			(void)unlink(full);
		}
		if (!(exists && S_ISDIR(st.st_mode)) &&
		    mkdir(full, 0700) == -1) {
			snprintf(why, len, "%s: %s", full, strerror(errno));
			ret = errno == ENOSPC ? JE_NOSPACE : JE_SYS;
			break;
		}
		if (chown(full, e->uid, e->gid) == -1 ||
		    chmod(full, e->mode) == -1) {
			snprintf(why, len, "%s: %s", full, strerror(errno));
			ret = JE_SYS;
			break;
		}
		report(cage, what, e->path, changes);
		break;
	case JT_FILE:
	case JT_GEN:
		if (exists && S_ISREG(st.st_mode) &&
		    (st.st_mode & 07777) == e->mode && st.st_uid == e->uid &&
		    st.st_gid == e->gid && (e->type == JT_FILE ?
		    jail_same_file(full, e->src) :
		    same_data(full, e->data, e->size)))
			break;
		if (exists && S_ISDIR(st.st_mode)) {
			snprintf(why, len, "%s: is a directory", full);
			ret = JE_SYS;
			break;
		}
		ret = put_file(full, e->src, e->data, e->size, e->mode,
		    e->uid, e->gid, why, len);
		if (ret == JE_OK)
			report(cage, what, e->path, changes);
		break;
	case JT_LINK:
		if (exists && S_ISLNK(st.st_mode) &&
		    (n = readlink(full, buf, sizeof(buf) - 1)) >= 0) {
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
			snprintf(why, len, "%s: is a directory", full);
			ret = JE_SYS;
			break;
		}
		ret = put_special(full, e, why, len);
		if (ret == JE_OK)
			report(cage, what, e->path, changes);
		break;
	}
	free(full);
	return ret;
}

/* What the old manifest had and the plan no longer needs. */
static int
remove_stale(const char *cage, const struct jplan *plan,
    const struct jplan *old, size_t *changes)
{
	struct stat st;
	const struct jent *e;
	char *full;
	size_t i;
	char why[512];

	for (i = old->n; i-- > 0;) {
		e = &old->v[i];
		if (jplan_find(plan, e->path) != NULL)
			continue;
		if (parents_safe(cage, e->path, why, sizeof(why)) != JE_OK) {
			fprintf(stderr, "cagesh-jail: %s\n", why);
			continue;
		}
		full = jpath_join(cage, e->path);
		if (lstat(full, &st) == -1) {
			free(full);
			continue;
		}
		if (e->type == JT_DIR) {
			if (S_ISDIR(st.st_mode) && rmdir(full) == 0)
				report(cage, "removed", e->path, changes);
		} else if (!S_ISDIR(st.st_mode) && unlink(full) == 0)
			report(cage, "removed", e->path, changes);
		free(full);
	}
	return 0;
}

int
jail_apply(const char *cage, const struct jplan *plan,
    const struct jplan *old, size_t *changes, char *why, size_t len)
{
	size_t i;
	int ret;

	*changes = 0;
	qsort(plan->v, plan->n, sizeof(*plan->v), ent_cmp);
	for (i = 0; i < plan->n; i++)
		if ((ret = apply_one(cage, &plan->v[i], old, changes, why,
		    len)) != JE_OK)
			return ret;
	remove_stale(cage, plan, old, changes);
	return jmanifest_write(cage, plan, why, len);
}

/* ---------------------------------------------------------------- */

static int
field_ok(const char *s)
{
	return s == NULL || strpbrk(s, "\t\n") == NULL;
}

int
jmanifest_write(const char *cage, const struct jplan *plan, char *why,
    size_t len)
{
	struct sbuf b;
	struct stat st;
	const struct jent *e;
	char *dir, *file;
	size_t i;
	int ret;

	dir = jpath_join(cage, JAIL_DIR);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		free(dir);
		return JE_SYS;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    chmod(dir, 0700) == -1) {
		snprintf(why, len, "%s: not a root-owned directory", dir);
		free(dir);
		return JE_UNSAFE;
	}
	free(dir);
	sbuf_init(&b);
	sbuf_adds(&b, "# cagesh-jail manifest 1: type mode uid gid size "
	    "major:minor path source target\n");
	for (i = 0; i < plan->n; i++) {
		e = &plan->v[i];
		if (!field_ok(e->path) || !field_ok(e->src) ||
		    (e->type == JT_LINK && !field_ok(e->data))) {
			fprintf(stderr, "cagesh-jail: %s: tab or newline in "
			    "a name, not recorded\n", e->path);
			continue;
		}
		sbuf_addf(&b, "%c\t%04o\t%u\t%u\t%zu\t%u:%u\t%s\t%s\t%s\n",
		    (char)e->type, (unsigned)e->mode, (unsigned)e->uid,
		    (unsigned)e->gid, e->size, major(e->rdev), minor(e->rdev),
		    e->path, e->src ? e->src : "-",
		    e->type == JT_LINK ? e->data : "-");
	}
	file = jpath_join(cage, JAIL_MANIFEST);
	ret = put_file(file, NULL, b.s, b.len, 0600, 0, 0, why, len);
	free(file);
	sbuf_free(&b);
	return ret;
}

int
jmanifest_read(const char *cage, struct jplan *plan, char *why, size_t len)
{
	char *file, *line = NULL, *f[9], *p;
	size_t cap = 0, k;
	unsigned int mode, uid, gid, ma, mi;
	struct jent *e;
	FILE *fp;
	ssize_t n;
	int lineno = 0;

	memset(plan, 0, sizeof(*plan));
	file = jpath_join(cage, JAIL_MANIFEST);
	if ((fp = fopen(file, "re")) == NULL) {
		if (errno == ENOENT) {
			free(file);
			return JE_OK;
		}
		snprintf(why, len, "%s: %s", file, strerror(errno));
		free(file);
		return JE_SYS;
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
	fclose(fp);
	free(line);
	free(file);
	return JE_OK;
}
