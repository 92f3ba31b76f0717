/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accounts: who the caller is (by real uid only), a user's groups, the
 * config entry that holds a user, and the facts about a passwd entry
 * that a session or --check-config must not take on trust.  Every
 * program of cagesh asks these questions here, and only here.
 */
#ifndef CAGESH_ACCOUNT_H
#define CAGESH_ACCOUNT_H

#include <sys/types.h>

#include <pwd.h>
#include <stddef.h>

#include "conf.h"

/* An account, copied out of getpw*()'s static buffer. */
struct account {
	char		*name;
	uid_t		 uid;
	gid_t		 gid;		/* the primary group */
	char		*dir;		/* the passwd home, on the host */
	char		*shell;
	gid_t		*gids;		/* all its groups, the primary among them */
	size_t		 ngids;
};

enum account_err {
	ACCOUNT_OK,
	ACCOUNT_NONE,		/* no such account */
	ACCOUNT_GROUPS,		/* more groups than the kernel allows */
};

/*
 * The caller, by getuid() alone: $USER, $LOGNAME and $HOME are the
 * caller's words.  Fills a (free it with account_free) and returns
 * ACCOUNT_OK, or returns another enum account_err and fills nothing.
 */
enum account_err account_caller(struct account *a);
enum account_err account_named(const char *name, struct account *a);
void		 account_free(struct account *a);
const char	*account_strerror(enum account_err);

/*
 * The groups of user name with primary group gid (getgrouplist(3)):
 * 0 and a list to free, or -1 when there are more than NGROUPS_MAX.
 */
int		 account_groups(const char *name, gid_t gid, gid_t **gidsp,
		    size_t *ngidsp);

/* The config's entry for the account (conf_find_user, with its groups). */
enum conf_match	 account_entry(const struct conf *, const struct account *,
		    const struct userent **);

/*
 * Why the shadow entry of name makes PAM's account check fail, as
 * pam_unix judges it (the account's expiry date, a password to change,
 * a password expired past its inactive days): 1 and why, or 0 when it
 * explains nothing.  Only a diagnosis: PAM decides, and a stack that
 * maps pam_unix's verdict to pam_deny's "Authentication failure" loses
 * the reason.  Needs root (shadow).
 */
int	account_expiry_why(const char *name, char *why, size_t len);

/*
 * The forced-command layout: when the user's login shell is not cagesh,
 * sshd runs that shell (bash -c /usr/sbin/cagesh) with the passwd home
 * as its working directory and HOME, and the shell reads its startup
 * files (~/.bashrc) from there, outside the cage, before cagesh starts.
 * That is safe only when the user cannot write the home or any
 * directory above it.  Returns 1 when the layout is unsafe (why says
 * how and what to change), 0 when it is safe or cagesh is the login
 * shell.  is_cagesh: whether pw_shell is this cagesh.
 */
int	account_forced_unsafe(const struct passwd *, int is_cagesh,
	    const gid_t *gids, size_t ngids, char *why, size_t len);

#endif
