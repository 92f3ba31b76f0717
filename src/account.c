/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * account.c: what a user's passwd entry means for the cage.  Pure but
 * for lstat(2) of the home's path; runs as root in a session, as the
 * caller with --check-config.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "xmalloc.h"

/* May uid (with these groups) change what is at this path? */
static int
user_can_write(const struct stat *st, uid_t uid, const gid_t *gids,
    size_t ngids)
{
	size_t i;

	if (st->st_uid == uid)
		return 1;	/* the owner can chmod it writable */
	if (st->st_mode & S_IWOTH)
		return 1;
	if (st->st_mode & S_IWGRP)
		for (i = 0; i < ngids; i++)
			if (gids[i] == st->st_gid)
				return 1;
	return 0;
}

int
account_forced_unsafe(const struct passwd *pw, int is_cagesh,
    const gid_t *gids, size_t ngids, char *why, size_t len)
{
	struct stat st;
	char *path, *p;
	int unsafe = 0;

	if (is_cagesh)
		return 0;
	if (pw->pw_dir == NULL || pw->pw_dir[0] != '/') {
		snprintf(why, len, "%s's login shell is %s, not cagesh, and "
		    "its passwd home '%s' is not an absolute path",
		    pw->pw_name, pw->pw_shell, pw->pw_dir ? pw->pw_dir : "");
		return 1;
	}
	/* the home and every directory above it, as sshd's shell finds them */
	path = xstrdup(pw->pw_dir);
	for (p = path + strlen(path); !unsafe && p > path; ) {
		if (lstat(path, &st) == 0)
			unsafe = S_ISLNK(st.st_mode) ? st.st_uid != 0 :
			    user_can_write(&st, pw->pw_uid, gids, ngids);
		else if (errno != ENOENT)
			unsafe = 1;
		if (unsafe)
			break;
		while (p > path && *p != '/')
			p--;
		*p = '\0';
	}
	if (unsafe)
		snprintf(why, len, "%s's login shell is %s, not cagesh, and "
		    "%s can write its passwd home %s (at %s): in a forced "
		    "command sshd runs that shell there first, and it reads "
		    "startup files (~/.bashrc) the user wrote, outside the "
		    "cage.  Make cagesh the login shell (usermod -s), or give "
		    "the user a home it cannot write (usermod -d /nonexistent, "
		    "or a root-owned directory outside the cage)",
		    pw->pw_name, pw->pw_shell, pw->pw_name, pw->pw_dir,
		    path[0] ? path : "/");
	free(path);
	return unsafe;
}
