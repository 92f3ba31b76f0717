/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Programs by the profile's path: which file a name finds, and whether
 * a path a line names is that file (the policy's presolve).  The same
 * code for a session (root "", inside the cage) and for --explain on
 * the host (root: the cage directory).
 */
#ifndef CAGESH_PROGPATH_H
#define CAGESH_PROGPATH_H

#include "model.h"
#include "policy.h"

/*
 * The first regular, executable root/DIR/name for DIR in the profile's
 * path, as a path inside the cage (malloc'd), or NULL.
 */
char	*progpath_find(const char *root, const struct profile *,
	    const char *name);

/*
 * presolve's same() with arg the root (a const char *): path is the
 * program when it is the same file (device and inode, symlinks
 * followed) as the one progpath_find() finds for name; *found is that
 * file, which is what runs.
 */
int	 progpath_same(void *root, const struct profile *, const char *path,
	    const char *name, char **found, char **how);

#endif
