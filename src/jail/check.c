/*
 * The audit of a cage: what would let a caged user out or up (a path
 * component someone else controls, a setuid file, a device beyond the
 * harmless five, a world-writable dir without the sticky bit), and what
 * would break it (a copy that differs from the host, a library the
 * loader cannot find inside).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail.h"
#include "jsonw.h"
#include "xmalloc.h"

static const char *const allowed_dev[] = {
	"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/tty",
};

struct finding {
	char	*path;
	char	*problem;
	int	 error;		/* else a warning */
};

struct audit {
	const char	*cage;
	struct finding	*v;
	size_t		 n;
	dev_t		 dev;
};

static void
find(struct audit *a, int error, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
find(struct audit *a, int error, const char *path, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	f = &a->v[a->n++];
	f->path = xstrdup(path);
	f->problem = s;
	f->error = error;
}

static int
dev_allowed(const char *ns, dev_t rdev)
{
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(allowed_dev) / sizeof(allowed_dev[0]); i++)
		if (strcmp(ns, allowed_dev[i]) == 0)
			return stat(allowed_dev[i], &st) == 0 &&
			    S_ISCHR(st.st_mode) && st.st_rdev == rdev;
	return 0;
}

/* Walks the cage without following links or leaving its filesystem. */
static void
walk(struct audit *a, const char *full, const char *ns)
{
	struct dirent *de;
	struct stat st;
	char *cf, *cn;
	DIR *d;

	if (lstat(full, &st) == -1)
		return;
	if ((st.st_mode & (S_ISUID | S_ISGID)) && !S_ISDIR(st.st_mode))
		find(a, 1, ns, "setuid or setgid file (mode %04o)",
		    (unsigned)(st.st_mode & 07777));
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		if (S_ISBLK(st.st_mode) || !dev_allowed(ns, st.st_rdev))
			find(a, 1, ns, "device node %u:%u not allowed",
			    major(st.st_rdev), minor(st.st_rdev));
		else if ((st.st_mode & 0777) != 0666)
			find(a, 1, ns, "device node mode %04o",
			    (unsigned)(st.st_mode & 07777));
	}
	if (!S_ISDIR(st.st_mode))
		return;
	if ((st.st_mode & 0002) && !(st.st_mode & S_ISVTX))
		find(a, 1, ns, "world-writable directory without the sticky "
		    "bit");
	if (st.st_dev != a->dev)
		return;
	if ((d = opendir(full)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		cf = jpath_join(full, de->d_name);
		cn = jpath_join(ns, de->d_name);
		walk(a, cf, cn);
		free(cf);
		free(cn);
	}
	closedir(d);
}

static void
check_cage_path(struct audit *a)
{
	char why[1024];

	if (jpath_cage_safe(a->cage, 0, why, sizeof(why)) != JE_OK)
		find(a, 1, a->cage, "%s", why);
}

static void
check_manifest(struct audit *a, const struct jplan *m)
{
	struct jelf_deps d;
	struct statvfs sv;
	struct stat st;
	const struct jent *e;
	char *full;
	size_t i, k;

	for (i = 0; i < m->n; i++) {
		e = &m->v[i];
		full = jpath_join(a->cage, e->path);
		if (lstat(full, &st) == -1) {
			find(a, 1, e->path, "missing (in the manifest)");
			free(full);
			continue;
		}
		if (e->type == JT_FILE && e->src != NULL) {
			if (!jail_same_file(full, e->src))
				find(a, 1, e->path, "differs from the host's "
				    "%s", e->src);
			else if (jelf_is_elf(full)) {
				(void)jelf_deps(a->cage, e->path, 0, &d);
				for (k = 0; k < d.nmissing; k++)
					find(a, 1, e->path, "needs %s, not "
					    "found in the cage",
					    d.missing[k]);
				jelf_deps_free(&d);
			}
		}
		if (e->type == JT_DIR && (e->uid != 0 || (e->mode & 01000)) &&
		    statvfs(full, &sv) == 0 && !(sv.f_flag & ST_NOSUID))
			find(a, 0, e->path, "writable place not on a nosuid "
			    "mount");
		free(full);
	}
}

static void
print_human(const struct audit *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		printf("cagesh-jail: %s: %s%s: %s\n", a->cage,
		    a->v[i].error ? "" : "warning: ", a->v[i].path,
		    a->v[i].problem);
}

static void
print_json(const struct audit *a)
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	sbuf_adds(&b, "{\"cage\":");
	jsonw_str(&b, a->cage);
	sbuf_adds(&b, ",\"findings\":[");
	for (i = 0; i < a->n; i++) {
		sbuf_adds(&b, i ? ",{\"path\":" : "{\"path\":");
		jsonw_str(&b, a->v[i].path);
		sbuf_adds(&b, ",\"problem\":");
		jsonw_str(&b, a->v[i].problem);
		sbuf_addf(&b, ",\"severity\":\"%s\"}",
		    a->v[i].error ? "error" : "warning");
	}
	sbuf_adds(&b, "]}\n");
	fputs(b.s, stdout);
	sbuf_free(&b);
}

/*
 * Exit status 1 on any error finding.  Warnings (writable places not
 * nosuid) are printed but do not fail the check: most hosts have no
 * separate mounts for them, and the cage has no setuid file to exploit.
 */
int
jail_check(const char *cage, int json)
{
	struct audit a = { cage, NULL, 0, 0 };
	struct jplan m;
	struct stat st;
	char why[1024];
	size_t i;
	int errors = 0;

	check_cage_path(&a);
	if (lstat(cage, &st) == 0) {
		a.dev = st.st_dev;
		walk(&a, cage, "/");
	}
	if (jmanifest_read(cage, &m, why, sizeof(why)) != JE_OK)
		find(&a, 1, "/" JAIL_MANIFEST, "%s", why);
	else {
		if (m.n == 0)
			find(&a, 1, "/" JAIL_MANIFEST, "no manifest (not made "
			    "by cagesh-jail init)");
		check_manifest(&a, &m);
		jplan_free(&m);
	}
	if (json)
		print_json(&a);
	else
		print_human(&a);
	for (i = 0; i < a.n; i++) {
		errors += a.v[i].error;
		free(a.v[i].path);
		free(a.v[i].problem);
	}
	free(a.v);
	return errors > 0 ? 1 : 0;
}
