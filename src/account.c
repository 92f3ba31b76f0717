/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * account.c: who the caller is, a user's groups and config entry, and
 * what a user's passwd entry means for the cage.  Reads the account
 * database (NSS) and lstat(2)s the home's path, nothing else; runs as
 * root in a session and in cagesh-jail, as the caller with
 * --check-config and --explain.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "xmalloc.h"

/* One first guess; getgrouplist(3) then says how many there are. */
#define GROUPS_GUESS	32

int
account_groups(const char *name, gid_t gid, gid_t **gidsp, size_t *ngidsp)
{
	gid_t *gids;
	int n = GROUPS_GUESS;

	for (;;) {
		gids = xreallocarray(NULL, (size_t)n, sizeof(*gids));
		if (getgrouplist(name, gid, gids, &n) != -1)
			break;
		free(gids);
		/* n is now the count it needs: more than that is a lie */
		if (n > NGROUPS_MAX + 1) {
			*gidsp = NULL;
			*ngidsp = 0;
			return -1;
		}
	}
	*gidsp = gids;
	*ngidsp = (size_t)n;
	return 0;
}

static enum account_err
account_fill(const struct passwd *pw, struct account *a)
{
	gid_t *gids;
	size_t ngids;

	memset(a, 0, sizeof(*a));
	if (pw == NULL)
		return ACCOUNT_NONE;
	/* before anything else calls getpw*() and reuses the buffer */
	a->name = xstrdup(pw->pw_name);
	a->uid = pw->pw_uid;
	a->gid = pw->pw_gid;
	a->dir = xstrdup(pw->pw_dir != NULL ? pw->pw_dir : "");
	a->shell = xstrdup(pw->pw_shell != NULL ? pw->pw_shell : "");
	if (account_groups(a->name, a->gid, &gids, &ngids) == -1) {
		account_free(a);
		return ACCOUNT_GROUPS;
	}
	a->gids = gids;
	a->ngids = ngids;
	return ACCOUNT_OK;
}

enum account_err
account_caller(struct account *a)
{
	return account_fill(getpwuid(getuid()), a);
}

enum account_err
account_named(const char *name, struct account *a)
{
	return account_fill(getpwnam(name), a);
}

void
account_free(struct account *a)
{
	free(a->name);
	free(a->dir);
	free(a->shell);
	free(a->gids);
	memset(a, 0, sizeof(*a));
}

const char *
account_strerror(enum account_err e)
{
	switch (e) {
	case ACCOUNT_OK:
		return "no error";
	case ACCOUNT_NONE:
		return "no such account";
	case ACCOUNT_GROUPS:
		return "too many groups";
	}
	return "unknown error";
}

enum conf_match
account_entry(const struct conf *c, const struct account *a,
    const struct userent **entp)
{
	return conf_find_user(c, a->name, a->gids, a->ngids, entp);
}

int
account_expiry_why(const char *name, char *why, size_t len)
{
	struct spwd *sp;
	long today = (long)(time(NULL) / (24 * 60 * 60));

	if ((sp = getspnam(name)) == NULL)
		return 0;
	if (sp->sp_expire >= 0 && today >= sp->sp_expire) {
		snprintf(why, len, "account expired (chage -E -1 %s lifts "
		    "the expiry date)", name);
		return 1;
	}
	if (sp->sp_lstchg == 0) {
		snprintf(why, len, "password expired: it must be changed "
		    "(chage -d 0 was set) and cagesh cannot ask for a new one "
		    "(passwd %s)", name);
		return 1;
	}
	if (sp->sp_lstchg > 0 && sp->sp_max >= 0 && sp->sp_inact >= 0 &&
	    today >= sp->sp_lstchg + sp->sp_max + sp->sp_inact) {
		snprintf(why, len, "account expired: its password expired "
		    "more than %ld days ago (passwd %s, or chage -I)",
		    sp->sp_inact, name);
		return 1;
	}
	if (sp->sp_lstchg > 0 && sp->sp_max >= 0 &&
	    today >= sp->sp_lstchg + sp->sp_max) {
		snprintf(why, len, "password expired (passwd %s, or chage "
		    "-M)", name);
		return 1;
	}
	return 0;
}

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
