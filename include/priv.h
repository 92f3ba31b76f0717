/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Privileges.  cagesh is installed setuid root; the modes that only
 * read a config for the caller (--check-config, --explain) give root up
 * for good before they open anything.
 */
#ifndef CAGESH_PRIV_H
#define CAGESH_PRIV_H

#include <sys/types.h>

#include <stddef.h>

/*
 * Sets real, effective and saved ids to the caller's real ids and
 * checks that root cannot be regained.  Returns 0, or -1 with errno.
 */
int	priv_drop_caller(void);

/*
 * Requires root.  Gives up every privilege for good: capability bounding
 * and ambient sets, supplementary groups (set to gids), gid, uid; then
 * verifies that every id is the user's, that root cannot be regained
 * and that no capability is left; sets no_new_privs and makes the
 * process not dumpable.  Returns 0, or -1 with a reason in why.
 */
int	priv_drop_user(uid_t, gid_t, const gid_t *gids, size_t ngids,
	    char *why, size_t whylen);

#endif
