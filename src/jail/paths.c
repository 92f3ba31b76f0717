/*
 * Path arithmetic in the cage namespace, and the safety of the cage
 * path itself (the same rule cagesh applies when it enters a cage).
 */
#include <sys/stat.h>

#include <errno.h>
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
