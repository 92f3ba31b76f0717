/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Accounts: facts about a user's passwd entry that a session or
 * --check-config must not take on trust.
 */
#ifndef CAGESH_ACCOUNT_H
#define CAGESH_ACCOUNT_H

#include <sys/types.h>

#include <pwd.h>
#include <stddef.h>

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
