/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Landlock rules for a caged session.  Runs in the caged shell after
 * the drop, as the user: restrict_self needs no privilege.
 *
 * The ruleset handles every right the kernel's ABI knows, so whatever
 * no rule grants is denied: reading is granted on the cage root,
 * running on the exec directories, writing on the writable places and
 * four devices.  Rights are masked by the ABI (the kernel refuses a
 * bit it does not know), and the ABI's constants and structs are our
 * own: Debian 12's <linux/landlock.h> stops at ABI 2, and the kernel
 * takes the larger struct as long as the fields it does not know are
 * zero.
 *
 * What Landlock does not stop, and so neither does this: a program
 * mapped PROT_EXEC rather than executed (the dynamic loader run on a
 * file, as /lib64/ld-linux-x86-64.so.2 ./prog does), code run by an
 * interpreter the profile allows (sh, ruby), and a memfd executed.  It
 * closes execve() of anything the user wrote: an uploaded binary, a
 * script with #!, a git hook.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_CONFIG_H
#endif
#ifdef HAVE_LINUX_LANDLOCK_H
#include <linux/landlock.h>
#endif

#include "errmsg.h"
#include "landlock.h"

#ifndef __NR_landlock_create_ruleset
#if defined(__mips__)
#define __NR_landlock_create_ruleset	(__NR_Linux + 444)
#define __NR_landlock_add_rule		(__NR_Linux + 445)
#define __NR_landlock_restrict_self	(__NR_Linux + 446)
#elif defined(__alpha__)
#define __NR_landlock_create_ruleset	554
#define __NR_landlock_add_rule		555
#define __NR_landlock_restrict_self	556
#else
#define __NR_landlock_create_ruleset	444
#define __NR_landlock_add_rule		445
#define __NR_landlock_restrict_self	446
#endif
#endif

/* Filesystem rights, with the ABI that brought each after the first. */
#define FS_EXECUTE	(1ULL << 0)
#define FS_WRITE_FILE	(1ULL << 1)
#define FS_READ_FILE	(1ULL << 2)
#define FS_READ_DIR	(1ULL << 3)
#define FS_REMOVE_DIR	(1ULL << 4)
#define FS_REMOVE_FILE	(1ULL << 5)
#define FS_MAKE_CHAR	(1ULL << 6)
#define FS_MAKE_DIR	(1ULL << 7)
#define FS_MAKE_REG	(1ULL << 8)
#define FS_MAKE_SOCK	(1ULL << 9)
#define FS_MAKE_FIFO	(1ULL << 10)
#define FS_MAKE_BLOCK	(1ULL << 11)
#define FS_MAKE_SYM	(1ULL << 12)
#define FS_REFER	(1ULL << 13)	/* 2 */
#define FS_TRUNCATE	(1ULL << 14)	/* 3 */
#define FS_IOCTL_DEV	(1ULL << 15)	/* 5 */
#define NET_BIND_TCP	(1ULL << 0)	/* 4 */
#define NET_CONNECT_TCP	(1ULL << 1)	/* 4 */
#define SCOPE_ABSTRACT_UNIX (1ULL << 0)	/* 6 */
#define SCOPE_SIGNAL	(1ULL << 1)	/* 6 */
#define CREATE_VERSION	(1U << 0)
#define RESTRICT_LOG_NEW_EXEC_ON (1U << 1) /* 7 */
#define RULE_PATH_BENEATH 1
#define RULE_NET_PORT	2

/* Where the header knows a value, it must be ours. */
#ifdef LANDLOCK_ACCESS_FS_MAKE_SYM
_Static_assert(FS_MAKE_SYM == LANDLOCK_ACCESS_FS_MAKE_SYM, "MAKE_SYM");
#endif
#ifdef LANDLOCK_ACCESS_FS_REFER
_Static_assert(FS_REFER == LANDLOCK_ACCESS_FS_REFER, "REFER");
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
_Static_assert(FS_TRUNCATE == LANDLOCK_ACCESS_FS_TRUNCATE, "TRUNCATE");
#endif
#ifdef LANDLOCK_ACCESS_FS_IOCTL_DEV
_Static_assert(FS_IOCTL_DEV == LANDLOCK_ACCESS_FS_IOCTL_DEV, "IOCTL_DEV");
#endif
#ifdef LANDLOCK_ACCESS_NET_CONNECT_TCP
_Static_assert(NET_CONNECT_TCP == LANDLOCK_ACCESS_NET_CONNECT_TCP, "NET");
#endif
#ifdef LANDLOCK_SCOPE_SIGNAL
_Static_assert(SCOPE_SIGNAL == LANDLOCK_SCOPE_SIGNAL, "SCOPE_SIGNAL");
#endif

#define FS_READ		(FS_READ_FILE | FS_READ_DIR)
#define FS_WRITE	(FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | \
			    FS_MAKE_DIR | FS_MAKE_REG | FS_MAKE_SOCK | \
			    FS_MAKE_FIFO | FS_MAKE_SYM | FS_REFER | FS_TRUNCATE)
#define FS_DEVICE	(FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV)
/* The only rights a rule on a file, not a directory, may carry. */
#define FS_ON_FILE	(FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | \
			    FS_TRUNCATE | FS_IOCTL_DEV)

struct ruleset_attr {
	uint64_t	fs;
	uint64_t	net;
	uint64_t	scoped;
};

struct path_attr {
	uint64_t	access;
	int32_t		fd;
} __attribute__((packed));

struct port_attr {
	uint64_t	access;
	uint64_t	port;
};

/* What each ABI added, and what lacking it leaves uncontrolled. */
static const struct {
	int		 abi;
	uint64_t	 fs, net, scoped;
	const char	*lack;
} abis[] = {
	{ 1, FS_EXECUTE | FS_WRITE_FILE | FS_READ | FS_REMOVE_DIR |
	    FS_REMOVE_FILE | FS_MAKE_CHAR | FS_MAKE_DIR | FS_MAKE_REG |
	    FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK | FS_MAKE_SYM, 0, 0,
	    NULL },
	{ 2, FS_REFER, 0, 0, NULL },
	{ 3, FS_TRUNCATE, 0, 0, "truncation (ABI 3)" },
	{ 4, 0, NET_BIND_TCP | NET_CONNECT_TCP, 0, NULL },
	{ 5, FS_IOCTL_DEV, 0, 0, "device ioctls (ABI 5)" },
	{ 6, 0, 0, SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL,
	    "signals and abstract sockets leaving the session (ABI 6)" },
};

/* Written by sessions; read by nothing else that matters. */
static const char *const devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/tty",
};

int
landlock_abi(void)
{
	long v;

	v = syscall(__NR_landlock_create_ruleset, NULL, 0, CREATE_VERSION);
	return v < 0 ? 0 : (int)v;
}

/*
 * Opens an absolute path O_PATH from root (the cage's "/", st_root its
 * stat), a component at a time, following no symlink but root's (/bin
 * -> usr/bin in a merged-/usr cage): a link the user made, in the home
 * say, could point a rule at any tree, "/" included.  A component on
 * the way is opened O_DIRECTORY | O_NOFOLLOW, which fails on a symlink
 * (ENOTDIR), so only then is it looked at with fstat.  Returns the fd
 * and its stat, or -1 with errno (ELOOP: a link not root's on the way).
 */
static int
open_path(int root, const struct stat *st_root, const char *path,
    struct stat *st)
{
	char comp[NAME_MAX + 1];
	const char *p, *e;
	int dfd = root, fd = -1, saved;
	size_t n;

	for (p = path; *p == '/'; p++)
		;
	if (*p == '\0') {
		*st = *st_root;
		return fcntl(root, F_DUPFD_CLOEXEC, 0);
	}
	while (*p != '\0') {
		e = strchr(p, '/');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		for (p += n; *p == '/'; p++)
			;
		/* a directory on the way, not a link: its stat is not needed */
		if (*p != '\0' && (fd = openat(dfd, comp, O_PATH | O_NOFOLLOW |
		    O_DIRECTORY | O_CLOEXEC)) == -1 && errno != ENOTDIR)
			goto fail;
		if (fd == -1) {
			if ((fd = openat(dfd, comp, O_PATH | O_NOFOLLOW |
			    O_CLOEXEC)) == -1 || fstat(fd, st) == -1)
				goto fail;
			if (S_ISLNK(st->st_mode)) {
				(void)close(fd);
				fd = -1;
				if (st->st_uid != 0) {
					errno = ELOOP;
					goto fail;
				}
				if ((fd = openat(dfd, comp, O_PATH |
				    O_CLOEXEC)) == -1 || fstat(fd, st) == -1)
					goto fail;
			}
		}
		if (dfd != root)
			(void)close(dfd);
		dfd = fd;
		fd = -1;
	}
	return dfd;
fail:
	saved = errno;
	if (fd != -1)
		(void)close(fd);
	if (dfd != root)
		(void)close(dfd);
	errno = saved;
	return -1;
}

static const char *
open_error(int err)
{
	return err == ELOOP ? "a symlink on the way is not root's" :
	    strerror(err);
}

/* "~" and "~/x" are the home; others are as written. */
static int
place(const char *p, const char *home, char *buf, size_t len)
{
	int n;

	if (p[0] != '~')
		n = snprintf(buf, len, "%s", p);
	else if (home == NULL)
		return -1;
	else if (strcmp(home, "/") == 0 && p[1] == '/')
		n = snprintf(buf, len, "%s", p + 1);
	else
		n = snprintf(buf, len, "%s%s", home, p + 1);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
add_path(int rs, int fd, uint64_t access)
{
	struct path_attr a;

	if (access == 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.access = access;
	a.fd = fd;
	return (int)syscall(__NR_landlock_add_rule, rs, RULE_PATH_BENEATH, &a,
	    0);
}

/*
 * One rule: a path (directory or file; "~" expanded), with access for a
 * directory, masked for a file.  kind names it in messages.  An exec
 * directory must be root's and not group/other-writable: a rule for a
 * place the user can fill would let them run what they put there.
 */
static int
rule(int rs, int root, const struct stat *st_root, const char *p,
    const char *home, uint64_t access, int exec_dir, const char *kind,
    char *why, size_t len)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, rc = -1;

	if (p[0] == '~' && home == NULL)
		return err_why(why, len, "Landlock: %s %s: no home to put it in",
		    kind, p);
	if (place(p, home, path, sizeof(path)) == -1)
		return err_why(why, len, "Landlock: %s %s: too long", kind, p);
	if ((fd = open_path(root, st_root, path, &st)) == -1) {
		if (errno == ENOENT)
			return 0;
		return err_why(why, len, "Landlock: %s %s: %s", kind, path,
		    open_error(errno));
	}
	if (exec_dir && !S_ISDIR(st.st_mode)) {
		err_why(why, len, "Landlock: %s %s is not a directory", kind,
		    path);
		goto out;
	}
	if (exec_dir && st.st_uid != 0) {
		err_why(why, len, "Landlock: %s %s is owned by uid %u, not "
		    "root: the user could run what they put there", kind, path,
		    (unsigned)st.st_uid);
		goto out;
	}
	if (exec_dir && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		err_why(why, len, "Landlock: %s %s is writable by group or "
		    "others (mode %04o): the user could run what they put there",
		    kind, path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (!S_ISDIR(st.st_mode))
		access &= FS_ON_FILE;
	if (add_path(rs, fd, access) == -1) {
		err_why(why, len, "Landlock: rule for %s %s: %s", kind, path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	(void)close(fd);
	return rc;
}

static int
device_rule(int rs, int root, const struct stat *st_root, const char *path,
    uint64_t access, char *why, size_t len)
{
	struct stat st;
	int fd, rc = 0;

	if ((fd = open_path(root, st_root, path, &st)) == -1)
		return 0;
	if (S_ISCHR(st.st_mode) &&
	    add_path(rs, fd, access & FS_ON_FILE) == -1)
		rc = err_why(why, len, "Landlock: rule for %s: %s", path,
		    strerror(errno));
	(void)close(fd);
	return rc;
}

static int
port_rules(int rs, const unsigned short *ports, size_t n, uint64_t access,
    char *why, size_t len)
{
	struct port_attr a;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		a.access = access;
		a.port = ports[i];
		/* EAFNOSUPPORT: a kernel without TCP; nothing connects. */
		if (syscall(__NR_landlock_add_rule, rs, RULE_NET_PORT, &a,
		    0) == -1 && errno != EAFNOSUPPORT)
			return err_why(why, len, "Landlock: rule for TCP port "
			    "%u: %s", ports[i], strerror(errno));
	}
	return 0;
}

/* Appends text to a list being built, after sep unless it is empty. */
static void
note_add(char *note, size_t len, const char *sep, const char *text)
{
	size_t n = strlen(note);

	(void)snprintf(note + n, len - n, "%s%s", n > 0 ? sep : "", text);
}

int
landlock_confine_abi(const struct confine *c, const char *home, int abi,
    char *why, size_t len)
{
	const struct {
		char *const	*paths;
		size_t		 n;
		uint64_t	 access;
		int		 exec_dir;
		const char	*kind;
	} places[] = {
		{ c->exec, c->nexec, FS_EXECUTE | FS_READ, 1,
		    "exec directory" },
		{ c->write, c->nwrite, FS_WRITE, 0, "writable place" },
		{ c->exec_writable, c->nexec_writable, FS_EXECUTE | FS_WRITE,
		    0, "exec_writable place" },
	};
	struct ruleset_attr attr;
	struct stat st_root;
	char note[768] = "", lack[256] = "";
	uint64_t fs;
	size_t i, k;
	int rs = -1, root = -1, rc = -1, tcp = c->tcp;
	unsigned int flags = 0;

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return err_why(why, len, "Landlock: no_new_privs is not set");
	if (abi < 2) {
		(void)snprintf(note, sizeof(note), abi < 1 ?
		    "Landlock: the kernel offers none (not built in, or not "
		    "in its lsm= list)" :
		    "Landlock: ABI 1 cannot allow renames across directories, "
		    "which git and rsync make; ABI 2 (Linux 5.19) can");
		if (c->landlock == CONFINE_REQUIRE)
			return err_why(why, len, "%s, and confine.landlock is "
			    "\"require\"", note);
		(void)snprintf(why, len, "%s: the session runs without it",
		    note);
		return 1;
	}
	if (tcp && abi < 4) {
		if (c->landlock == CONFINE_REQUIRE)
			return err_why(why, len, "Landlock: ABI %d has no TCP "
			    "rules (ABI 4, Linux 6.7), the profile lists TCP "
			    "ports, and confine.landlock is \"require\"", abi);
		(void)snprintf(note, sizeof(note), "Landlock: ABI %d has no "
		    "TCP rules (ABI 4): the session runs without them", abi);
		tcp = 0;
	}

	memset(&attr, 0, sizeof(attr));
	for (i = 0; i < sizeof(abis) / sizeof(abis[0]); i++) {
		if (abis[i].abi <= abi) {
			attr.fs |= abis[i].fs;
			attr.net |= abis[i].net;
			attr.scoped |= abis[i].scoped;
		} else if (abis[i].scoped != 0 &&
		    c->signal == CONFINE_SIGNAL_USER)
			note_add(lack, sizeof(lack), ", ", "abstract sockets "
			    "leaving the session (ABI 6)");
		else if (abis[i].lack != NULL)
			note_add(lack, sizeof(lack), ", ", abis[i].lack);
	}
	if (!tcp)
		attr.net = 0;
	if (c->signal == CONFINE_SIGNAL_USER)
		attr.scoped &= ~SCOPE_SIGNAL;
	if (lack[0] != '\0') {
		char text[sizeof(lack) + 64];

		(void)snprintf(text, sizeof(text), "Landlock ABI %d leaves "
		    "uncontrolled: %s", abi, lack);
		note_add(note, sizeof(note), "; ", text);
	}
	/* Denials after exec reach the kernel's audit log too. */
	if (abi >= 7)
		flags |= RESTRICT_LOG_NEW_EXEC_ON;
	fs = attr.fs;

	if ((rs = (int)syscall(__NR_landlock_create_ruleset, &attr,
	    sizeof(attr), 0)) == -1)
		return err_why(why, len, "Landlock: ruleset for ABI %d: %s", abi,
		    strerror(errno));
	/* every rule's path is walked from here */
	if ((root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(root, &st_root) == -1) {
		err_why(why, len, "Landlock: the cage root: %s", strerror(errno));
		goto out;
	}
	if (rule(rs, root, &st_root, "/", home, FS_READ & fs, 0,
	    "the cage root", why, len) == -1)
		goto out;
	for (k = 0; k < sizeof(places) / sizeof(places[0]); k++)
		for (i = 0; i < places[k].n; i++)
			if (rule(rs, root, &st_root, places[k].paths[i], home,
			    places[k].access & fs, places[k].exec_dir,
			    places[k].kind, why, len) == -1)
				goto out;
	for (i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (device_rule(rs, root, &st_root, devices[i], FS_DEVICE & fs,
		    why, len) == -1)
			goto out;
	if (tcp && (port_rules(rs, c->connect, c->nconnect, NET_CONNECT_TCP,
	    why, len) == -1 || port_rules(rs, c->bind, c->nbind,
	    NET_BIND_TCP, why, len) == -1))
		goto out;
	/* Last: from here on this process is confined too. */
	if (syscall(__NR_landlock_restrict_self, rs, flags) == -1) {
		err_why(why, len, "Landlock: restrict_self: %s",
		    strerror(errno));
		goto out;
	}
	rc = note[0] != '\0' ? 1 : 0;
	if (rc == 1)
		(void)snprintf(why, len, "%s", note);
out:
	if (root != -1)
		(void)close(root);
	(void)close(rs);
	return rc;
}

int
landlock_confine(const struct confine *c, const char *home, char *why,
    size_t len)
{
	return landlock_confine_abi(c, home, landlock_abi(), why, len);
}
