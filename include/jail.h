/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cagesh-jail: builds, updates and audits the cages of /etc/cagesh.conf.
 *
 * A cage is described by a plan: every path the cage needs, in the
 * cage's own namespace ("/usr/bin/git"), with where it comes from on the
 * host.  init and update make the cage match the plan and record it in
 * CAGE/.cagesh-jail/manifest; check audits a cage against its manifest
 * and the host; relink makes absolute symlinks relative.
 */
#ifndef CAGESH_JAIL_H
#define CAGESH_JAIL_H

#include <sys/types.h>
#include <stddef.h>
#include <stdio.h>

#include "conf.h"

enum jail_type {
	JT_DIR = 'd',		/* directory, root 0755 unless mode says */
	JT_FILE = 'f',		/* copy of a host file */
	JT_GEN = 'g',		/* file whose content cagesh-jail writes */
	JT_LINK = 'l',		/* symlink */
	JT_DEV = 'c',		/* character device */
};

struct jent {
	enum jail_type	 type;
	char		*path;		/* in the cage namespace, absolute */
	char		*src;		/* host source (JT_FILE), or NULL */
	char		*data;		/* JT_LINK target, JT_GEN content */
	size_t		 size;		/* JT_FILE, JT_GEN */
	mode_t		 mode;		/* permission bits */
	uid_t		 uid;
	gid_t		 gid;
	dev_t		 rdev;		/* JT_DEV */
	int		 walked;	/* JT_DIR: contents added */
};

struct jplan {
	struct jent	*v;
	size_t		 n;
	size_t		 cap;
};

enum jail_err {
	JE_OK,
	JE_SYS,			/* errno says */
	JE_UNSAFE,		/* a cage path component not root's alone */
	JE_NOTFOUND,		/* a command or file of the profile missing */
	JE_BADMANIFEST,
	JE_NOSPACE,
	JE_NOENTRY,		/* no user entry for that cage or user */
};

#define JAIL_DIR	".cagesh-jail"
#define JAIL_MANIFEST	".cagesh-jail/manifest"
#define JAIL_DEPTH	512	/* directory levels a walk goes down */

/* plan.c */
void		 jplan_free(struct jplan *);
struct jent	*jplan_find(const struct jplan *, const char *);
int		 jplan_build(const struct conf *, const char *cage,
		    struct jplan *, char *why, size_t len);

/* paths.c */
char		*jpath_norm(const char *);
char		*jpath_rel(const char *from_dir, const char *to);
char		*jpath_join(const char *, const char *);
int		 jpath_cage_safe(const char *cage, int create, char *why,
		    size_t len);
int		 jpath_cage_open(const char *cage, char *why, size_t len);
int		 jpath_in_cage(int cagefd, const char *ns, int flags);
int		 jpath_openat2_ok(int cagefd, char *why, size_t len);
int		 jpath_parent(int cagefd, const char *cage, const char *ns,
		    const char **base, char *why, size_t len);
void		 jpath_tmpname(char *, size_t);
#define JAIL_TMPLEN	32
/* -q: only errors and each command's summary line are printed. */
extern int	 jail_quiet;

/* elf.c: deps of an ELF file, searched in the cage at rootfd (-1: host). */
struct jelf_deps {
	char		**path;		/* resolved, in root's namespace */
	size_t		 n;
	char		**missing;	/* names not found */
	size_t		 nmissing;
};
int		 jelf_is_elf(const char *file);
int		 jelf_deps(int rootfd, const char *nsfile, int use_ldconf,
		    struct jelf_deps *);
void		 jelf_deps_free(struct jelf_deps *);

/* apply.c: making a cage match its plan, and its manifest */
int		 jmanifest_read(int cagefd, const char *cage, struct jplan *,
		    char *why, size_t len);
int		 jmanifest_write(int cagefd, const char *cage,
		    const struct jplan *, char *why, size_t len);
int		 jail_apply(int cagefd, const char *cage,
		    const struct jplan *plan, const struct jplan *old,
		    size_t *changes, char *why, size_t len);
int		 jail_same_fd(int fd, const char *hostfile);

/* check.c */
int		 jail_check(const struct conf *, const char *cage, int json);

/* relink.c */
int		 jail_relink(const char *cage, const char *dir, int dry_run);
char		*jail_find_cage(const char *dir);

#endif
