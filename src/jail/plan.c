/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a cage needs, resolved on the host: the profile's commands, their
 * libraries and loader, the profile's cage_files, device nodes, a
 * minimal /etc, tmp dirs and the homes.  Nothing here writes anything.
 * Part of cagesh-jail: runs as ROOT.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "jail.h"
#include "xmalloc.h"

/* Device nodes a cage gets: the same numbers as the host's. */
static const char *const devices[] = {
	"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/tty",
};

static const char *const etc_copies[] = {
	"/etc/hosts", "/etc/resolv.conf",
};

static const char nsswitch[] =
	"passwd: files\n"
	"group: files\n"
	"shadow: files\n"
	"hosts: files dns\n"
	"networks: files\n"
	"protocols: files\n"
	"services: files\n";

struct ctx {
	struct jplan	*plan;
	char		*why;
	size_t		 len;
	int		 depth;
	const struct profile *prof;	/* whose commands are being added */
	int		 interp;	/* follow #! (a command, not cage_files) */
	const char	*cmd;		/* the rule being added, for messages */
};

void
jplan_free(struct jplan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].path);
		free(p->v[i].src);
		free(p->v[i].data);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

struct jent *
jplan_find(const struct jplan *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].path, path) == 0)
			return &p->v[i];
	return NULL;
}

static struct jent *
plan_add(struct jplan *p, enum jail_type t, const char *path)
{
	struct jent *e;

	if ((e = jplan_find(p, path)) != NULL)
		return e->type == t ? NULL : e;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	e = &p->v[p->n++];
	memset(e, 0, sizeof(*e));
	e->type = t;
	e->path = xstrdup(path);
	e->mode = 0755;
	return e;
}

static void
add_dir(struct ctx *c, const char *path, mode_t mode)
{
	struct jent *e;

	if (strcmp(path, "/") == 0)
		return;
	if ((e = jplan_find(c->plan, path)) != NULL) {
		if (e->type == JT_DIR && mode != 0755)
			e->mode = mode;
		return;
	}
	if ((e = plan_add(c->plan, JT_DIR, path)) == NULL)
		e = jplan_find(c->plan, path);
	if (e->type == JT_DIR)
		e->mode = mode;
}

/* Every directory above path, root 0755. */
static void
add_parents(struct ctx *c, const char *path)
{
	char *p, *s;

	p = xstrdup(path);
	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (jplan_find(c->plan, p) == NULL)
			add_dir(c, p, 0755);
		*s = '/';
	}
	free(p);
}

static int	add_host(struct ctx *, const char *, int);

static int
add_elf_deps(struct ctx *c, const char *real)
{
	struct jelf_deps d;
	size_t i;
	int ret = 0;

	if (!jelf_is_elf(real))
		return 0;
	(void)jelf_deps(-1, real, 1, &d);
	if (d.nmissing > 0) {
		snprintf(c->why, c->len, "%s: library %s not found on the host",
		    real, d.missing[0]);
		ret = JE_NOTFOUND;
	}
	for (i = 0; ret == 0 && i < d.n; i++)
		ret = add_host(c, d.path[i], 0);
	jelf_deps_free(&d);
	return ret;
}

/*
 * name as the session finds it, through the profile's path on the host,
 * into the plan: add_host's answer, or -1 when it is not there (the
 * caller says why).
 */
static int
add_from_path(struct ctx *c, const struct profile *p, const char *name)
{
	struct stat st;
	char *cand;
	size_t i;
	int ret;

	for (i = 0; i < p->npath; i++) {
		cand = jpath_join(p->path[i], name);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0111)) {
			ret = add_host(c, cand, 0);
			free(cand);
			return ret;
		}
		free(cand);
	}
	return -1;
}

/*
 * A script's interpreter, from its #! line, into the plan like any
 * program (the kernel runs it: without it the script is "No such
 * file").  "#!/usr/bin/env NAME" names NAME too, found on the host
 * through the profile's path as the session would find it.
 */
static int
add_interp(struct ctx *c, const char *real)
{
	char buf[256], *p, *e, *name;
	const char *base;
	ssize_t n;
	int fd, ret;

	if ((fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[n] = '\0';
	if ((e = strchr(buf, '\n')) == NULL) {
		snprintf(c->why, c->len, "%s: #! line longer than the kernel "
		    "reads", real);
		return JE_NOTFOUND;
	}
	*e = '\0';
	for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
		;
	e = p + strcspn(p, " \t");
	name = *e != '\0' ? e + 1 + strspn(e + 1, " \t") : e;
	*e = '\0';
	if (*p != '/') {
		snprintf(c->why, c->len, "%s: #! names no absolute path",
		    real);
		return JE_NOTFOUND;
	}
	if ((ret = add_host(c, p, 0)) != 0)
		return ret;
	base = strrchr(p, '/') + 1;
	if (strcmp(base, "sh") == 0 || strcmp(base, "bash") == 0 ||
	    strcmp(base, "dash") == 0)
		fprintf(stderr, "cagesh-jail: warning: command %s is a shell "
		    "script (#!%s): the cage gets a real /bin/sh, not "
		    "cagesh-sh, and config the user can write may hand it "
		    "commands (README, TOOLS' CONFIG)\n", c->cmd, p);
	if (strcmp(base, "env") != 0 || c->prof == NULL)
		return 0;
	name[strcspn(name, " \t")] = '\0';
	if (*name == '\0' || *name == '-' || strchr(name, '/') != NULL)
		return 0;
	if ((ret = add_from_path(c, c->prof, name)) != -1)
		return ret;
	snprintf(c->why, c->len, "%s: #!%s %s: %s not found on the host in "
	    "the profile's path", real, p, name, name);
	return JE_NOTFOUND;
}

static int
add_tree(struct ctx *c, const char *real)
{
	struct dirent *de;
	char *child;
	DIR *d;
	int ret = 0;

	if ((d = opendir(real)) == NULL) {
		snprintf(c->why, c->len, "%s: %s", real, strerror(errno));
		return JE_SYS;
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		child = jpath_join(real, de->d_name);
		ret = add_host(c, child, 1);
		free(child);
	}
	closedir(d);
	return ret;
}

/*
 * A host path into the plan at the same place, component by component:
 * a symlink on the way becomes the same (relative) symlink in the cage,
 * and the walk goes on where it points (merged /usr: /bin -> usr/bin).
 * recurse: copy a directory's contents too.
 */
static int
add_host(struct ctx *c, const char *hostpath, int recurse)
{
	struct stat st;
	struct jent *e;
	char *path, *cur, *next, *rest, *tgt, *abs, *rel;
	char buf[4096];
	const char *comp, *slash;
	ssize_t n;
	int ret = 0;

	if (++c->depth > 64) {
		snprintf(c->why, c->len, "%s: too many levels of links",
		    hostpath);
		c->depth--;
		return JE_SYS;
	}
	path = jpath_norm(hostpath);
	cur = xstrdup("");
	for (comp = path + 1; *comp != '\0'; comp = slash) {
		slash = strchr(comp, '/');
		if (slash == NULL)
			slash = comp + strlen(comp);
		xasprintf(&next, "%s/%.*s", cur, (int)(slash - comp), comp);
		if (*slash == '/')
			slash++;
		if (lstat(next, &st) == -1) {
			snprintf(c->why, c->len, "%s: %s", next,
			    strerror(errno));
			free(next);
			ret = JE_NOTFOUND;
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			if ((n = readlink(next, buf, sizeof(buf) - 1)) < 0) {
				snprintf(c->why, c->len, "%s: %s", next,
				    strerror(errno));
				free(next);
				ret = JE_SYS;
				goto out;
			}
			buf[n] = '\0';
			if (buf[0] == '/')
				abs = xstrdup(buf);
			else
				xasprintf(&abs, "%s/%s", cur, buf);
			tgt = jpath_norm(abs);
			free(abs);
			/* Relative: the link works in and out of the cage. */
			rel = jpath_rel(*cur ? cur : "/", tgt);
			add_parents(c, next);
			if ((e = plan_add(c->plan, JT_LINK, next)) != NULL &&
			    e->type == JT_LINK)
				e->data = rel;
			else
				free(rel);
			rest = *slash ? jpath_join(tgt, slash) : xstrdup(tgt);
			free(tgt);
			free(next);
			if (e != NULL || *slash != '\0')
				ret = add_host(c, rest, recurse);
			else
				ret = 0;
			free(rest);
			goto out;
		}
		free(cur);
		cur = next;
		if (*slash == '\0')
			break;
		if (!S_ISDIR(st.st_mode)) {
			snprintf(c->why, c->len, "%s: not a directory", cur);
			ret = JE_NOTFOUND;
			goto out;
		}
		add_dir(c, cur, 0755);
	}
	if (*cur == '\0')
		goto out;
	if (S_ISDIR(st.st_mode)) {
		add_dir(c, cur, 0755);
		e = jplan_find(c->plan, cur);
		if (recurse && e != NULL && e->type == JT_DIR && !e->walked) {
			e->walked = 1;
			ret = add_tree(c, cur);
		}
	} else if (S_ISREG(st.st_mode)) {
		if ((e = plan_add(c->plan, JT_FILE, cur)) == NULL)
			goto out;
		if (e->type != JT_FILE) {
			snprintf(c->why, c->len, "%s: needed as two kinds "
			    "of file", cur);
			ret = JE_SYS;
			goto out;
		}
		e->src = xstrdup(cur);
		e->size = (size_t)st.st_size;
		/* setuid/setgid never enter a cage: root is a step away. */
		e->mode = st.st_mode & 01777;
		if ((ret = add_elf_deps(c, cur)) == 0 && c->interp &&
		    (st.st_mode & 0111))
			ret = add_interp(c, cur);
	}
	/* Sockets, fifos, devices among cage_files are left out. */
out:
	free(cur);
	free(path);
	c->depth--;
	return ret;
}

/* A command as the profile names it, found on the host. */
static int
add_command(struct ctx *c, const struct profile *p, const struct rule *r)
{
	struct stat st;
	int ret;

	c->cmd = r->name;
	if (r->path != NULL) {
		if (stat(r->path, &st) == 0 && S_ISREG(st.st_mode))
			return add_host(c, r->path, 0);
		snprintf(c->why, c->len, "command %s: %s not found on the "
		    "host", r->name, r->path);
		return JE_NOTFOUND;
	}
	if ((ret = add_from_path(c, p, r->name)) != -1)
		return ret;
	snprintf(c->why, c->len, "command %s: not found on the host in the "
	    "profile's path", r->name);
	return JE_NOTFOUND;
}

static void
add_gen(struct ctx *c, const char *path, char *data, mode_t mode)
{
	struct jent *e;

	add_parents(c, path);
	e = plan_add(c->plan, JT_GEN, path);
	if (e == NULL || e->type != JT_GEN) {
		free(data);
		return;
	}
	e->data = data;
	e->size = strlen(data);
	e->mode = mode;
}

static int
uid_listed(const uid_t *v, size_t n, uid_t u)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == u)
			return 1;
	return 0;
}

/*
 * passwd and group: root and the accounts caged here, nobody else (the
 * host's other account names and homes are none of the cage's business).
 * The shell field is /bin/false: inside the cage nothing logs in.  The
 * home field is the profile's program_home when it has one: programs
 * that ask the passwd file rather than HOME (ssh, for ~/.ssh/config)
 * then read the admin's config too.
 */
static int
add_accounts(struct ctx *c, const struct conf *conf, const char *cage)
{
	struct sbuf pw, gr;
	struct passwd *p;
	struct group *g;
	uid_t *uids = NULL;
	gid_t *gids = NULL;
	size_t nu = 0, ng = 0, i, k;
	const struct userent *u;
	const char *home;
	int first;

	sbuf_init(&pw);
	sbuf_init(&gr);
	sbuf_adds(&pw, "root:x:0:0:root:/root:/bin/false\n");
	sbuf_adds(&gr, "root:x:0:\n");
	for (i = 0; i < conf->nusers; i++) {
		u = &conf->users[i];
		if (strcmp(u->cage, cage) != 0)
			continue;
		home = u->profile->program_home != NULL ?
		    u->profile->program_home : u->home;
		if (u->user != NULL) {
			if ((p = getpwnam(u->user)) == NULL || p->pw_uid == 0)
				continue;
			if (uid_listed(uids, nu, p->pw_uid))
				continue;
			uids = xreallocarray(uids, nu + 1, sizeof(*uids));
			uids[nu++] = p->pw_uid;
			sbuf_addf(&pw, "%s:x:%u:%u:%s:%s:/bin/false\n",
			    p->pw_name, (unsigned)p->pw_uid,
			    (unsigned)p->pw_gid, p->pw_gecos, home);
			gids = xreallocarray(gids, ng + 1, sizeof(*gids));
			gids[ng++] = p->pw_gid;
		} else if ((g = getgrnam(u->group)) != NULL && g->gr_gid != 0) {
			gids = xreallocarray(gids, ng + 1, sizeof(*gids));
			gids[ng++] = g->gr_gid;
			setpwent();
			while ((p = getpwent()) != NULL) {
				for (k = 0; g->gr_mem[k] != NULL; k++)
					if (strcmp(g->gr_mem[k],
					    p->pw_name) == 0)
						break;
				if (p->pw_uid == 0 ||
				    (p->pw_gid != g->gr_gid &&
				    g->gr_mem[k] == NULL) ||
				    uid_listed(uids, nu, p->pw_uid))
					continue;
				uids = xreallocarray(uids, nu + 1,
				    sizeof(*uids));
				uids[nu++] = p->pw_uid;
				sbuf_addf(&pw, "%s:x:%u:%u:%s:%s:/bin/false\n",
				    p->pw_name, (unsigned)p->pw_uid,
				    (unsigned)p->pw_gid, p->pw_gecos, home);
			}
			endpwent();
		}
	}
	for (i = 0; i < ng; i++) {
		for (k = 0; k < i; k++)
			if (gids[k] == gids[i])
				break;
		if (k < i || (g = getgrgid(gids[i])) == NULL)
			continue;
		sbuf_addf(&gr, "%s:x:%u:", g->gr_name, (unsigned)g->gr_gid);
		first = 1;
		for (k = 0; g->gr_mem[k] != NULL; k++) {
			if ((p = getpwnam(g->gr_mem[k])) == NULL ||
			    !uid_listed(uids, nu, p->pw_uid))
				continue;
			sbuf_addf(&gr, "%s%s", first ? "" : ",",
			    g->gr_mem[k]);
			first = 0;
		}
		sbuf_addc(&gr, '\n');
	}
	add_gen(c, "/etc/passwd", sbuf_take(&pw), 0644);
	add_gen(c, "/etc/group", sbuf_take(&gr), 0644);
	sbuf_free(&pw);
	sbuf_free(&gr);
	free(uids);
	free(gids);
	return 0;
}

/*
 * Each profile's program_home: root's, 0755, empty.  The admin puts in
 * it what the programs should read (.gitconfig, .ssh/known_hosts).
 */
static void
add_program_homes(struct ctx *c, const struct conf *conf, const char *cage)
{
	const char *ph;
	size_t i;

	for (i = 0; i < conf->nusers; i++) {
		if (strcmp(conf->users[i].cage, cage) != 0 ||
		    (ph = conf->users[i].profile->program_home) == NULL)
			continue;
		add_parents(c, ph);
		add_dir(c, ph, 0755);
	}
}

/*
 * Each entry's home: the user's, 0750, or for a group entry root's and
 * the group's, 0770 (they all deploy there); home_mode, home_owner and
 * home_group say otherwise.  update makes it so again each time.
 */
static int
add_homes(struct ctx *c, const struct conf *conf, const char *cage)
{
	const struct userent *u;
	struct passwd *p;
	struct group *g;
	struct jent *e;
	size_t i;

	for (i = 0; i < conf->nusers; i++) {
		u = &conf->users[i];
		if (strcmp(u->cage, cage) != 0 || strcmp(u->home, "/") == 0)
			continue;
		add_parents(c, u->home);
		if ((e = plan_add(c->plan, JT_DIR, u->home)) == NULL ||
		    e->type != JT_DIR)
			continue;
		if (u->user != NULL) {
			if ((p = getpwnam(u->user)) == NULL) {
				snprintf(c->why, c->len, "unknown user %s",
				    u->user);
				return JE_NOENTRY;
			}
			e->uid = p->pw_uid;
			e->gid = p->pw_gid;
			e->mode = 0750;
		} else {
			if ((g = getgrnam(u->group)) == NULL) {
				snprintf(c->why, c->len, "unknown group %s",
				    u->group);
				return JE_NOENTRY;
			}
			e->gid = g->gr_gid;
			e->mode = 0770;
		}
		if (u->home_mode != -1)
			e->mode = (mode_t)u->home_mode;
		if (u->home_owner != NULL) {
			if ((p = getpwnam(u->home_owner)) == NULL) {
				snprintf(c->why, c->len, "%s: home_owner: "
				    "unknown user %s", u->where,
				    u->home_owner);
				return JE_NOENTRY;
			}
			e->uid = p->pw_uid;
		}
		if (u->home_group != NULL) {
			if ((g = getgrnam(u->home_group)) == NULL) {
				snprintf(c->why, c->len, "%s: home_group: "
				    "unknown group %s", u->where,
				    u->home_group);
				return JE_NOENTRY;
			}
			e->gid = g->gr_gid;
		}
	}
	return 0;
}

/*
 * Where path lands in the cage, following the plan's own links (merged
 * /usr: /bin -> usr/bin).  Allocated.
 */
static char *
plan_resolve(const struct jplan *p, const char *path)
{
	const struct jent *e;
	char *cur, *pre, *abs, *s;
	int hops;

	cur = jpath_norm(path);
	for (hops = 0; hops < 32; hops++) {
		pre = xstrdup(cur);
		for (s = pre + 1; ; s++) {
			s = strchr(s, '/');
			if (s != NULL)
				*s = '\0';
			e = jplan_find(p, pre);
			if (e != NULL && e->type == JT_LINK)
				break;
			if (s == NULL)
				break;
			*s = '/';
		}
		if (e == NULL || e->type != JT_LINK) {
			free(pre);
			return cur;
		}
		/* A relative link, from the directory that holds it. */
		*strrchr(pre, '/') = '\0';
		xasprintf(&abs, "%s/%s%s%s", pre, e->data,
		    s != NULL ? "/" : "", s != NULL ? s + 1 : "");
		free(pre);
		free(cur);
		cur = jpath_norm(abs);
		free(abs);
	}
	return cur;
}

/*
 * The cage's /bin/sh is cagesh-sh (src/cagesh-sh.c), which runs only
 * git's local transports and tar's compressors, unless the profile's
 * cage_files copy a real shell in on purpose.  Without it, config the
 * user can write (remote.<name>.uploadpack, filter drivers) could hand
 * a shell a script; without any sh, git could not fetch from a local
 * path.  Found beside cagesh-jail (a build tree) or in CAGESH_LIBEXEC.
 */
static int
add_cage_sh(struct ctx *c)
{
	struct stat st;
	struct jent *e;
	char self[4096], *src = NULL, *dst, *slash;
	ssize_t n;
	int ret;

	dst = plan_resolve(c->plan, "/bin/sh");
	if (jplan_find(c->plan, dst) != NULL) {
		free(dst);
		return 0;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			src = jpath_join(self, "cagesh-sh");
			if (stat(src, &st) == -1 || !S_ISREG(st.st_mode)) {
				free(src);
				src = NULL;
			}
		}
	}
	if (src == NULL)
		src = xstrdup(CAGESH_LIBEXEC "/cagesh-sh");
	ret = 0;
	if (stat(src, &st) == -1) {
		snprintf(c->why, c->len, "%s: %s (cagesh-sh, the cage's "
		    "/bin/sh: reinstall cagesh)", src, strerror(errno));
		ret = JE_NOTFOUND;
	} else if (!S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022) != 0) {
		snprintf(c->why, c->len, "%s: not a regular file owned by "
		    "root and writable only by root (cagesh-sh, the cage's "
		    "/bin/sh)", src);
		ret = JE_UNSAFE;
	}
	if (ret != 0) {
		free(src);
		free(dst);
		return ret;
	}
	add_parents(c, dst);
	if ((e = plan_add(c->plan, JT_FILE, dst)) != NULL &&
	    e->type == JT_FILE) {
		e->src = xstrdup(src);
		e->size = (size_t)st.st_size;
		e->mode = 0755;
	}
	ret = add_elf_deps(c, src);
	free(src);
	free(dst);
	return ret;
}

int
jplan_build(const struct conf *conf, const char *cage, struct jplan *plan,
    char *why, size_t len)
{
	struct ctx c = { plan, why, len, 0, NULL, 0, NULL };
	const struct profile *p;
	struct stat st;
	struct jent *e;
	size_t i, k, nent = 0;
	char *real;
	int ret;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < conf->nusers; i++) {
		if (strcmp(conf->users[i].cage, cage) != 0)
			continue;
		nent++;
		p = conf->users[i].profile;
		c.prof = p;
		/* The lookup path as on the host: /bin -> usr/bin too. */
		for (k = 0; k < p->npath; k++)
			if (lstat(p->path[k], &st) == 0 &&
			    (ret = add_host(&c, p->path[k], 0)) != 0)
				return ret;
		/* a command's #! interpreter, not every script of a tree */
		c.interp = 1;
		for (k = 0; k < p->ncmds; k++)
			if ((ret = add_command(&c, p, &p->cmds[k])) != 0)
				return ret;
		c.interp = 0;
		for (k = 0; k < p->ncage_files; k++) {
			if (lstat(p->cage_files[k], &st) == -1) {
				if (!jail_quiet)
					err_warnx("warning: cage_files %s: "
					    "%s (skipped)", p->cage_files[k],
					    strerror(errno));
				continue;
			}
			if ((ret = add_host(&c, p->cage_files[k], 1)) != 0)
				return ret;
		}
	}
	if (nent == 0) {
		snprintf(why, len, "%s: no user entry has this cage", cage);
		return JE_NOENTRY;
	}
	if ((ret = add_cage_sh(&c)) != 0)
		return ret;
	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		if (stat(devices[i], &st) == -1 || !S_ISCHR(st.st_mode)) {
			if (!jail_quiet)
				err_warnx("warning: %s: "
				    "not a character device on the host "
				    "(skipped)", devices[i]);
			continue;
		}
		add_parents(&c, devices[i]);
		if ((e = plan_add(plan, JT_DEV, devices[i])) != NULL &&
		    e->type == JT_DEV) {
			e->rdev = st.st_rdev;
			e->mode = 0666;
		}
	}
	add_accounts(&c, conf, cage);
	add_gen(&c, "/etc/nsswitch.conf", xstrdup(nsswitch), 0644);
	for (i = 0; i < sizeof(etc_copies) / sizeof(etc_copies[0]); i++) {
		if (stat(etc_copies[i], &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if ((e = plan_add(plan, JT_FILE, etc_copies[i])) == NULL ||
		    e->type != JT_FILE)
			continue;
		e->src = xstrdup(etc_copies[i]);
		e->size = (size_t)st.st_size;
		e->mode = 0644;
	}
	/* localtime is a link on the host; in the cage, a plain copy. */
	if ((real = realpath("/etc/localtime", NULL)) != NULL) {
		if (stat(real, &st) == 0 && S_ISREG(st.st_mode) &&
		    (e = plan_add(plan, JT_FILE, "/etc/localtime")) != NULL &&
		    e->type == JT_FILE) {
			e->src = xstrdup(real);
			e->size = (size_t)st.st_size;
			e->mode = 0644;
		}
		free(real);
	}
	add_dir(&c, "/tmp", 01777);
	add_parents(&c, "/var/tmp");
	add_dir(&c, "/var/tmp", 01777);
	add_program_homes(&c, conf, cage);
	if ((ret = add_homes(&c, conf, cage)) != 0)
		return ret;
	return 0;
}
