/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit of a cage: what would let a caged user out or up (a path
 * component someone else controls, a setuid file, a device beyond the
 * harmless five, a world-writable dir without the sticky bit, a home
 * that sshd's login shell reads outside the cage), and what would break
 * it (a copy that differs from the host, a library the loader cannot
 * find inside).
 *
 * The users write parts of the tree while it is audited.  Nothing in
 * the cage is looked up by a host path: the walk goes from fd to fd
 * (openat O_NOFOLLOW|O_DIRECTORY, checked with fstat on the fd that is
 * then read), the manifest's paths are resolved inside the cage
 * (jpath_in_cage).  What changes under the walk is an error finding,
 * never a walk of the host.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
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
	int		 cfd;
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

/* What the mode of one entry says, whatever its name. */
static void
audit_entry(struct audit *a, const char *ns, const struct stat *st)
{
	if ((st->st_mode & (S_ISUID | S_ISGID)) && !S_ISDIR(st->st_mode))
		find(a, 1, ns, "setuid or setgid file (mode %04o)",
		    (unsigned)(st->st_mode & 07777));
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		if (S_ISBLK(st->st_mode) || !dev_allowed(ns, st->st_rdev))
			find(a, 1, ns, "device node %u:%u not allowed",
			    major(st->st_rdev), minor(st->st_rdev));
		else if ((st->st_mode & 0777) != 0666)
			find(a, 1, ns, "device node mode %04o",
			    (unsigned)(st->st_mode & 07777));
	}
	if (S_ISDIR(st->st_mode) && (st->st_mode & 0002) &&
	    !(st->st_mode & S_ISVTX))
		find(a, 1, ns, "world-writable directory without the sticky "
		    "bit");
}

/*
 * The entries of the directory open at dfd (taken over), whose cage path
 * is ns.  ns grows and shrinks as the walk goes: no length limit.  The
 * walk stays on the cage's filesystem (/proc may be mounted there) and
 * JAIL_DEPTH levels deep, and says where it stopped.
 */
static void
walk(struct audit *a, int dfd, struct sbuf *ns, int depth)
{
	struct dirent *de;
	struct stat st, dst;
	size_t mark = ns->len;
	DIR *d;
	int fd;

	if ((d = fdopendir(dfd)) == NULL) {
		find(a, 1, ns->s, "cannot read: %s", strerror(errno));
		close(dfd);
		return;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				find(a, 1, ns->s, "cannot read: %s",
				    strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (mark > 1)
			sbuf_addc(ns, '/');
		sbuf_adds(ns, de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			find(a, 1, ns->s, "%s while checked", errno == ENOENT ?
			    "removed" : strerror(errno));
		else if (!S_ISDIR(st.st_mode))
			audit_entry(a, ns->s, &st);
		else if ((fd = openat(dirfd(d), de->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1)
			find(a, 1, ns->s, "%s", errno == ELOOP ||
			    errno == ENOTDIR || errno == ENOENT ?
			    "replaced while checked" : strerror(errno));
		else if (fstat(fd, &dst) == -1 || dst.st_dev != st.st_dev ||
		    dst.st_ino != st.st_ino) {
			find(a, 1, ns->s, "replaced while checked");
			close(fd);
		} else {
			audit_entry(a, ns->s, &dst);
			if (dst.st_dev != a->dev) {
				find(a, 0, ns->s, "a mount point: another "
				    "filesystem, not checked");
				close(fd);
			} else if (depth >= JAIL_DEPTH) {
				find(a, 1, ns->s, "more than %d levels deep, "
				    "not checked", JAIL_DEPTH);
				close(fd);
			} else
				walk(a, fd, ns, depth + 1);
		}
		ns->len = mark;
		ns->s[mark] = '\0';
	}
	closedir(d);
}

static void
check_tree(struct audit *a)
{
	struct sbuf ns;
	struct stat st;
	int fd;

	if (fstat(a->cfd, &st) == -1 ||
	    (fd = fcntl(a->cfd, F_DUPFD_CLOEXEC, 0)) == -1) {
		find(a, 1, "/", "%s", strerror(errno));
		return;
	}
	a->dev = st.st_dev;
	audit_entry(a, "/", &st);
	sbuf_init(&ns);
	sbuf_addc(&ns, '/');
	walk(a, fd, &ns, 0);
	sbuf_free(&ns);
}

static void
check_cage_path(struct audit *a)
{
	char why[1024];

	if (jpath_cage_safe(a->cage, 0, why, sizeof(why)) != JE_OK)
		find(a, 1, a->cage, "%s", why);
}

/* mountinfo writes a blank, tab, newline or backslash as \ooo */
static void
unescape_octal(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 3;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

/*
 * The mount point of the file system host is on: of the mounts of its
 * device (/proc/self/mountinfo), the longest at or above it.  NULL when
 * none is found.
 */
static char *
mount_point(const char *host, dev_t dev)
{
	FILE *fp;
	char *line = NULL, *mp = NULL, *best = NULL;
	size_t cap = 0, l, blen = 0;
	unsigned int maj, min;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return NULL;
	while (getline(&line, &cap, fp) != -1) {
		free(mp);
		mp = NULL;
		if (sscanf(line, "%*s %*s %u:%u %*s %ms", &maj, &min,
		    &mp) != 3 || makedev(maj, min) != dev)
			continue;
		unescape_octal(mp);
		l = strlen(mp);
		if (strcmp(mp, "/") != 0 && (strncmp(host, mp, l) != 0 ||
		    (host[l] != '/' && host[l] != '\0')))
			continue;
		if (best == NULL || l > blen) {
			free(best);
			best = mp;
			mp = NULL;
			blen = l;
		}
	}
	free(mp);
	free(line);
	fclose(fp);
	return best;
}

/*
 * A writable place the caged users can put a setuid file in, were one
 * ever to come in: say how to make its mount nosuid.
 */
static void
nosuid_warning(struct audit *a, const char *ns, dev_t dev)
{
	char *host = jpath_join(a->cage, ns), *mp = mount_point(host, dev);

	if (mp != NULL && strcmp(mp, host) == 0)
		find(a, 0, ns, "writable place not on a nosuid mount: mount "
		    "-o remount,nosuid %s, and add nosuid to its options in "
		    "/etc/fstab", host);
	else
		find(a, 0, ns, "writable place not on a nosuid mount (it is "
		    "on %s): make it a nosuid bind mount, with the /etc/fstab "
		    "line '%s %s none bind,nosuid 0 0' and then mount %s%s",
		    mp != NULL ? mp : "?", host, host, host,
		    strpbrk(host, " \t\\") != NULL ? " (in fstab, write "
		    "its blanks as octal escapes)" : "");
	free(mp);
	free(host);
}

static void
check_manifest(struct audit *a, const struct jplan *m)
{
	struct jelf_deps d;
	struct statvfs sv;
	struct stat st;
	const struct jent *e;
	size_t i, k;
	int fd;

	for (i = 0; i < m->n; i++) {
		e = &m->v[i];
		fd = jpath_in_cage(a->cfd, e->path, e->type == JT_FILE ?
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY :
		    O_PATH | O_NOFOLLOW);
		if (fd == -1 || fstat(fd, &st) == -1) {
			if (errno == ENOENT)
				find(a, 1, e->path, "missing (in the "
				    "manifest)");
			else if (errno == ELOOP)
				find(a, 1, e->path, "a symlink, not the copy "
				    "of the host's %s", e->src != NULL ?
				    e->src : "file");
			else
				find(a, 1, e->path, "%s", strerror(errno));
			if (fd != -1)
				close(fd);
			continue;
		}
		if (e->type == JT_FILE && e->src != NULL) {
			if (!jail_same_fd(fd, e->src))
				find(a, 1, e->path, "differs from the host's "
				    "%s", e->src);
			else {
				(void)jelf_deps(a->cfd, e->path, 0, &d);
				for (k = 0; k < d.nmissing; k++)
					find(a, 1, e->path, "needs %s, not "
					    "found in the cage",
					    d.missing[k]);
				jelf_deps_free(&d);
			}
		}
		if (e->type == JT_DIR && (e->uid != 0 || (e->mode & 01000))) {
			if (fstatvfs(fd, &sv) == -1)
				find(a, 1, e->path, "%s", strerror(errno));
			else if (!(sv.f_flag & ST_NOSUID))
				nosuid_warning(a, e->path, st.st_dev);
		}
		close(fd);
	}
}

static int
in_group(const struct passwd *pw, gid_t gid)
{
	struct group *g;
	size_t k;

	if (pw->pw_gid == gid)
		return 1;
	if ((g = getgrgid(gid)) == NULL)
		return 0;
	for (k = 0; g->gr_mem[k] != NULL; k++)
		if (strcmp(g->gr_mem[k], pw->pw_name) == 0)
			return 1;
	return 0;
}

/*
 * A caged user whose passwd home lies inside the cage, writable by the
 * user, with a login shell other than cagesh (a forced-command layout):
 * sshd runs that shell outside the cage (for a forced command too, as
 * "shell -c cagesh"), and it reads its rc files (bash: ~/.bashrc) from a
 * home the user writes from inside.  A warning: the shell may read
 * nothing there.
 */
static void
check_home(struct audit *a, const struct passwd *pw)
{
	struct stat st;
	const char *sh, *ns;
	char *home, *real = NULL;
	size_t clen = strlen(a->cage);
	int fd;

	sh = strrchr(pw->pw_shell, '/');
	sh = sh != NULL ? sh + 1 : pw->pw_shell;
	if (strcmp(sh, "cagesh") == 0 || pw->pw_dir[0] != '/')
		return;
	home = jpath_norm(pw->pw_dir);
	ns = home;
	if (strncmp(ns, a->cage, clen) != 0 ||
	    (ns[clen] != '/' && ns[clen] != '\0')) {
		/* A host path that leads into the cage through a link. */
		if ((real = realpath(pw->pw_dir, NULL)) == NULL ||
		    strncmp(real, a->cage, clen) != 0 ||
		    (real[clen] != '/' && real[clen] != '\0'))
			goto out;
		ns = real;
	}
	ns = ns[clen] == '\0' ? "/" : ns + clen;
	if ((fd = jpath_in_cage(a->cfd, ns, O_PATH)) == -1)
		goto out;
	if (fstat(fd, &st) == 0 && (st.st_uid == pw->pw_uid ||
	    (st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) &&
	    in_group(pw, st.st_gid))))
		find(a, 0, ns, "passwd home of %s, who can write it; the "
		    "login shell %s is not cagesh, and sshd runs it outside "
		    "the cage, where it may read files here (~/.bashrc)",
		    pw->pw_name, pw->pw_shell);
	close(fd);
out:
	free(real);
	free(home);
}

/* The accounts caged here, as plan.c's add_accounts finds them. */
static void
check_homes(struct audit *a, const struct conf *c)
{
	const struct userent *u;
	struct passwd *pw;
	struct group *g;
	size_t i, k;

	for (i = 0; i < c->nusers; i++) {
		u = &c->users[i];
		if (strcmp(u->cage, a->cage) != 0)
			continue;
		if (u->user != NULL) {
			if ((pw = getpwnam(u->user)) != NULL &&
			    pw->pw_uid != 0)
				check_home(a, pw);
			continue;
		}
		if ((g = getgrnam(u->group)) == NULL || g->gr_gid == 0)
			continue;
		setpwent();
		while ((pw = getpwent()) != NULL) {
			for (k = 0; g->gr_mem[k] != NULL; k++)
				if (strcmp(g->gr_mem[k], pw->pw_name) == 0)
					break;
			if (pw->pw_uid != 0 && (pw->pw_gid == g->gr_gid ||
			    g->gr_mem[k] != NULL))
				check_home(a, pw);
		}
		endpwent();
	}
}

static void
print_human(const struct audit *a)
{
	size_t i, nerr = 0;

	for (i = 0; i < a->n; i++) {
		nerr += a->v[i].error;
		if (!a->v[i].error && jail_quiet)
			continue;
		err_report("%s: %s%s: %s", a->cage,
		    a->v[i].error ? "" : "warning: ", a->v[i].path,
		    a->v[i].problem);
	}
	err_report("%s: checked: %zu error%s, %zu "
	    "warning%s", a->cage, nerr, nerr == 1 ? "" : "s", a->n - nerr,
	    a->n - nerr == 1 ? "" : "s");
}

/* jsonw escapes every byte that is not valid UTF-8 or is a control. */
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
 * nosuid, a passwd home in the cage) are printed but do not fail the
 * check: most hosts have no separate mounts for them, and the cage has
 * no setuid file to exploit.  Without openat2 nothing is checked.
 */
/*
 * A file the session would run, inside the cage: there, regular,
 * executable, its libraries and loader there (ELF), or its #!
 * interpreter runnable in turn.  Returns 0, or -1 after a finding.
 */
static int
runnable(struct audit *a, const struct profile *p, const char *cmd,
    const char *ns, int depth)
{
	struct jelf_deps d;
	struct stat st;
	char buf[256], *q, *e, *name;
	ssize_t n;
	size_t k;
	int fd, bad = 0;

	if ((fd = jpath_in_cage(a->cfd, ns, O_RDONLY | O_NONBLOCK |
	    O_NOCTTY)) == -1 || fstat(fd, &st) == -1) {
		find(a, 1, ns, "%s: %s in the cage", cmd, errno == ENOENT ?
		    "missing" : strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
		find(a, 1, ns, "%s: not an executable file", cmd);
		close(fd);
		return -1;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n >= 4 && memcmp(buf, "\177ELF", 4) == 0) {
		(void)jelf_deps(a->cfd, ns, 0, &d);
		for (k = 0; k < d.nmissing; k++, bad = 1)
			find(a, 1, ns, "%s: needs %s, not found in the cage",
			    cmd, d.missing[k]);
		jelf_deps_free(&d);
		return bad ? -1 : 0;
	}
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return 0;	/* the kernel says ENOEXEC; not ours */
	buf[n] = '\0';
	if ((e = strchr(buf, '\n')) == NULL || depth > 4) {
		find(a, 1, ns, "%s: a #! line the kernel will not run", cmd);
		return -1;
	}
	*e = '\0';
	for (q = buf + 2; *q == ' ' || *q == '\t'; q++)
		;
	e = q + strcspn(q, " \t");
	name = *e != '\0' ? e + 1 + strspn(e + 1, " \t") : e;
	*e = '\0';
	if (runnable(a, p, cmd, q, depth + 1) == -1)
		return -1;
	if (strcmp(strrchr(q, '/') != NULL ? strrchr(q, '/') + 1 : q,
	    "env") != 0)
		return 0;
	name[strcspn(name, " \t")] = '\0';
	if (*name == '\0' || *name == '-' || strchr(name, '/') != NULL)
		return 0;
	for (k = 0; k < p->npath; k++) {
		xasprintf(&e, "%s/%s", p->path[k], name);
		fd = jpath_in_cage(a->cfd, e, O_PATH);
		if (fd != -1) {
			close(fd);
			bad = runnable(a, p, cmd, e, depth + 1);
			free(e);
			return bad;
		}
		free(e);
	}
	find(a, 1, ns, "%s: its #!%s %s is not in the cage in the profile's "
	    "path", cmd, q, name);
	return -1;
}

/* Every command the profiles of this cage's users allow, runnable. */
static void
check_commands(struct audit *a, const struct conf *c)
{
	const struct profile *p;
	const struct rule *r;
	char *cand;
	size_t i, j, k;
	int fd, seen;

	for (i = 0; i < c->nusers; i++) {
		if (strcmp(c->users[i].cage, a->cage) != 0)
			continue;
		p = c->users[i].profile;
		for (seen = 0, j = 0; j < i && !seen; j++)
			seen = c->users[j].profile == p &&
			    strcmp(c->users[j].cage, a->cage) == 0;
		if (seen)
			continue;
		for (k = 0; k < p->ncmds; k++) {
			r = &p->cmds[k];
			if (r->path != NULL) {
				(void)runnable(a, p, r->name, r->path, 0);
				continue;
			}
			for (j = 0, cand = NULL; j < p->npath; j++) {
				xasprintf(&cand, "%s/%s", p->path[j],
				    r->name);
				if ((fd = jpath_in_cage(a->cfd, cand,
				    O_PATH)) != -1) {
					close(fd);
					break;
				}
				free(cand);
				cand = NULL;
			}
			if (cand == NULL)
				find(a, 1, r->name, "allowed by profile '%s' "
				    "but not in the cage in its path (run "
				    "cagesh-jail update)", p->name);
			else
				(void)runnable(a, p, r->name, cand, 0);
			free(cand);
		}
	}
}

int
jail_check(const struct conf *c, const char *cage, int json)
{
	struct audit a = { cage, -1, NULL, 0, 0 };
	struct jplan m;
	char why[1024];
	size_t i;
	int errors = 0;

	check_cage_path(&a);
	if ((a.cfd = jpath_cage_open(cage, why, sizeof(why))) == -1)
		find(&a, 1, cage, "%s", why);
	else if (jpath_openat2_ok(a.cfd, why, sizeof(why)) == -1) {
		/* Nothing checked, so no report that could look clean. */
		err_warnx("%s: %s", cage, why);
		errors = 1;
		goto out;
	} else {
		check_tree(&a);
		if (jmanifest_read(a.cfd, cage, &m, why, sizeof(why)) !=
		    JE_OK)
			find(&a, 1, "/" JAIL_MANIFEST, "%s", why);
		else {
			if (m.n == 0)
				find(&a, 1, "/" JAIL_MANIFEST, "no manifest "
				    "(not made by cagesh-jail init)");
			check_manifest(&a, &m);
			jplan_free(&m);
		}
		check_homes(&a, c);
		check_commands(&a, c);
	}
	if (json)
		print_json(&a);
	else
		print_human(&a);
out:
	for (i = 0; i < a.n; i++) {
		errors += a.v[i].error;
		free(a.v[i].path);
		free(a.v[i].problem);
	}
	free(a.v);
	if (a.cfd != -1)
		close(a.cfd);
	return errors > 0 ? 1 : 0;
}
