/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared-library dependencies read from the ELF files themselves.
 * ldd runs the program's loader on the file, which executes code a
 * crafted binary chooses; reading the headers executes nothing.
 * Part of cagesh-jail: runs as ROOT.
 */
#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jail.h"
#include "xmalloc.h"

/* Where the loader looks when nothing else names a directory. */
static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib", "/usr/lib", "/lib64", "/usr/lib64",
};

struct strv {
	char	**v;
	size_t	  n;
};

static void
strv_add(struct strv *s, const char *str)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return;
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(str);
}

static void
strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

struct elfinfo {
	char		*interp;
	struct strv	 needed;
	char		*runpath;
	char		*rpath;
	unsigned int	 machine;
};

static void
elfinfo_free(struct elfinfo *e)
{
	free(e->interp);
	free(e->runpath);
	free(e->rpath);
	strv_free(&e->needed);
}

static int
pread_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t r;

	r = pread(fd, buf, len, off);
	return r >= 0 && (size_t)r == len ? 0 : -1;
}

/* A vaddr to a file offset through the PT_LOAD segments. */
static int
vaddr_off(const Elf64_Phdr *ph, size_t n, Elf64_Addr va, off_t *off)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va < ph[i].p_vaddr + ph[i].p_filesz) {
			*off = (off_t)(va - ph[i].p_vaddr + ph[i].p_offset);
			return 0;
		}
	return -1;
}

static char *
read_str(int fd, off_t off)
{
	struct sbuf b;
	char buf[256];
	ssize_t r, i;
	char *s;

	sbuf_init(&b);
	while (b.len < 4096) {
		if ((r = pread(fd, buf, sizeof(buf), off)) <= 0)
			break;
		for (i = 0; i < r; i++)
			if (buf[i] == '\0')
				break;
		sbuf_addn(&b, buf, (size_t)i);
		if (i < r) {
			s = sbuf_take(&b);
			sbuf_free(&b);
			return s;
		}
		off += r;
	}
	sbuf_free(&b);
	return NULL;
}

/*
 * 1: parsed, 0: not a 64-bit ELF file, -1: a broken one.  file is a host
 * path (rootfd -1) or a path in the cage at rootfd, resolved there as the
 * loader inside would (jpath_in_cage), never through the host.
 */
static int
elf_read(int rootfd, const char *file, struct elfinfo *e)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	Elf64_Dyn *dyn = NULL;
	Elf64_Addr strtab = 0;
	size_t i, ndyn = 0;
	off_t stroff;
	struct stat st;
	char *s;
	int fd, ret = -1;

	memset(e, 0, sizeof(*e));
	if (rootfd == -1)
		fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	else
		fd = jpath_in_cage(rootfd, file, O_RDONLY | O_NONBLOCK);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    pread_all(fd, &eh, sizeof(eh), 0) == -1 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		ret = 0;
		goto out;
	}
	e->machine = eh.e_machine;
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > 1024)
		goto out;
	ph = xreallocarray(NULL, eh.e_phnum, sizeof(*ph));
	if (pread_all(fd, ph, eh.e_phnum * sizeof(*ph),
	    (off_t)eh.e_phoff) == -1)
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP && e->interp == NULL)
			e->interp = read_str(fd, (off_t)ph[i].p_offset);
		if (ph[i].p_type == PT_DYNAMIC && dyn == NULL &&
		    ph[i].p_filesz / sizeof(*dyn) < 65536) {
			ndyn = ph[i].p_filesz / sizeof(*dyn);
			dyn = xreallocarray(NULL, ndyn + 1, sizeof(*dyn));
			if (pread_all(fd, dyn, ndyn * sizeof(*dyn),
			    (off_t)ph[i].p_offset) == -1)
				goto out;
		}
	}
	for (i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++)
		if (dyn[i].d_tag == DT_STRTAB)
			strtab = dyn[i].d_un.d_ptr;
	if (ndyn > 0 && vaddr_off(ph, eh.e_phnum, strtab, &stroff) == -1)
		goto out;
	for (i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag != DT_NEEDED && dyn[i].d_tag != DT_RUNPATH &&
		    dyn[i].d_tag != DT_RPATH)
			continue;
		if ((s = read_str(fd, stroff + (off_t)dyn[i].d_un.d_val)) ==
		    NULL)
			goto out;
		if (dyn[i].d_tag == DT_NEEDED) {
			strv_add(&e->needed, s);
			free(s);
		} else if (dyn[i].d_tag == DT_RUNPATH) {
			free(e->runpath);
			e->runpath = s;
		} else {
			free(e->rpath);
			e->rpath = s;
		}
	}
	ret = 1;
out:
	free(ph);
	free(dyn);
	close(fd);
	if (ret != 1) {
		elfinfo_free(e);
		memset(e, 0, sizeof(*e));
	}
	return ret;
}

int
jelf_is_elf(const char *file)
{
	struct elfinfo e;
	int r;

	r = elf_read(-1, file, &e);
	elfinfo_free(&e);
	return r == 1;
}

/* /etc/ld.so.conf and what it includes: the host's extra library dirs. */
static void
ldconf_read(const char *file, struct strv *dirs, int depth)
{
	char line[1024], *p, *e;
	glob_t g;
	size_t i;
	FILE *f;

	if (depth > 8 || (f = fopen(file, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = line + strspn(line, " \t\n");
		for (e = p + strlen(p); e > p && strchr(" \t\n", e[-1]); e--)
			;
		*e = '\0';
		if (*p == '\0')
			continue;
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' ||
		    p[7] == '\t')) {
			p += 8 + strspn(p + 8, " \t");
			if (glob(p, 0, NULL, &g) == 0) {
				for (i = 0; i < g.gl_pathc; i++)
					ldconf_read(g.gl_pathv[i], dirs,
					    depth + 1);
			}
			globfree(&g);
		} else if (*p == '/')
			strv_add(dirs, p);
	}
	fclose(f);
}

/* The dirs of a RUNPATH/RPATH string, $ORIGIN replaced by origin. */
static void
add_search(struct strv *dirs, const char *list, const char *origin)
{
	char *copy, *tok, *save = NULL, *d;
	struct sbuf b;

	copy = xstrdup(list);
	for (tok = strtok_r(copy, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		sbuf_init(&b);
		while (*tok != '\0') {
			if (strncmp(tok, "${ORIGIN}", 9) == 0) {
				sbuf_adds(&b, origin);
				tok += 9;
			} else if (strncmp(tok, "$ORIGIN", 7) == 0) {
				sbuf_adds(&b, origin);
				tok += 7;
			} else
				sbuf_addc(&b, *tok++);
		}
		d = jpath_norm(b.s);
		strv_add(dirs, d);
		free(d);
		sbuf_free(&b);
	}
	free(copy);
}

/* A library found in dir, of the same machine as the object. */
static char *
lib_find(int rootfd, const char *dir, const char *name, unsigned int machine)
{
	struct elfinfo e;
	char *ns;
	int r;

	ns = jpath_join(dir, name);
	r = elf_read(rootfd, ns, &e);
	if (r == 1 && e.machine == machine) {
		elfinfo_free(&e);
		return ns;
	}
	elfinfo_free(&e);
	free(ns);
	return NULL;
}

/*
 * Every object file (path nsfile, on the host or in the cage) needs:
 * its loader and, recursively, its DT_NEEDED libraries, searched in
 * RPATH (when there is no RUNPATH), RUNPATH, then the system dirs
 * (ld.so.conf's too when use_ldconf: inside a cage there is no cache).
 */
int
jelf_deps(int rootfd, const char *nsfile, int use_ldconf,
    struct jelf_deps *out)
{
	struct strv todo = { NULL, 0 }, done = { NULL, 0 }, sys = { NULL, 0 };
	struct strv miss = { NULL, 0 }, dirs;
	struct elfinfo e;
	char *origin, *found, *p;
	size_t k, i, j;
	int r;

	memset(out, 0, sizeof(*out));
	if (use_ldconf)
		ldconf_read("/etc/ld.so.conf", &sys, 0);
	for (i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
		strv_add(&sys, default_dirs[i]);
	strv_add(&todo, nsfile);
	for (k = 0; k < todo.n; k++) {
		if ((r = elf_read(rootfd, todo.v[k], &e)) != 1) {
			elfinfo_free(&e);
			continue;
		}
		if (e.interp != NULL) {
			p = jpath_norm(e.interp);
			strv_add(&todo, p);
			free(p);
		}
		origin = xstrdup(todo.v[k]);
		if ((p = strrchr(origin, '/')) != NULL)
			*(p == origin ? p + 1 : p) = '\0';
		memset(&dirs, 0, sizeof(dirs));
		if (e.rpath != NULL && e.runpath == NULL)
			add_search(&dirs, e.rpath, origin);
		if (e.runpath != NULL)
			add_search(&dirs, e.runpath, origin);
		for (i = 0; i < sys.n; i++)
			strv_add(&dirs, sys.v[i]);
		for (i = 0; i < e.needed.n; i++) {
			found = NULL;
			if (strchr(e.needed.v[i], '/') != NULL) {
				p = jpath_norm(e.needed.v[i]);
				found = lib_find(rootfd, "/", p, e.machine);
				free(p);
			}
			for (j = 0; found == NULL && j < dirs.n; j++)
				found = lib_find(rootfd, dirs.v[j],
				    e.needed.v[i], e.machine);
			if (found == NULL) {
				strv_add(&miss, e.needed.v[i]);
				continue;
			}
			strv_add(&todo, found);
			free(found);
		}
		strv_free(&dirs);
		free(origin);
		elfinfo_free(&e);
	}
	/* todo[0] is the file itself. */
	for (k = 1; k < todo.n; k++)
		strv_add(&done, todo.v[k]);
	out->path = done.v;
	out->n = done.n;
	out->missing = miss.v;
	out->nmissing = miss.n;
	strv_free(&todo);
	strv_free(&sys);
	return 0;
}

void
jelf_deps_free(struct jelf_deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->path[i]);
	free(d->path);
	for (i = 0; i < d->nmissing; i++)
		free(d->missing[i]);
	free(d->missing);
	memset(d, 0, sizeof(*d));
}
