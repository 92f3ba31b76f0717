/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Landlock for a caged session.  The kernel enforces, on every process
 * of the session and whatever it runs: programs run only from the exec
 * directories (and exec_writable places), files are written only in the
 * writable places, everything in the cage can be read, TCP goes only to
 * the listed ports (when the profile lists any), and no signal and no
 * abstract unix socket connection leaves the session.  The profile's
 * confine group says what (struct confine in conf.h).
 */
#ifndef CAGESH_LANDLOCK_H
#define CAGESH_LANDLOCK_H

#include <stddef.h>

#include "conf.h"

/*
 * Requires: chrooted into the cage (paths are the cage's), ids dropped
 * and no_new_privs set (refused otherwise).  Call after rlimits_apply()
 * and before filter_install().  home is the entry's home in the cage,
 * for "~".  Every exec directory must be root's and not group/other-
 * writable, checked on the descriptor the rule is made from; a symlink
 * on the way to any rule's path must be root's.  A path that does not
 * exist gets no rule.  No descriptor is left open.
 *
 * Returns 0: everything is enforced.
 *         1: the session may run with less; why says what is missing,
 *            for the caller to log.  With confine.landlock = "warn":
 *            no Landlock, or ABI 1, or no TCP rules (ABI < 4) though
 *            ports are listed.  Either way: the finer rights of later
 *            ABIs the kernel lacks (truncation 3, device ioctls 5,
 *            scoping 6).
 *        -1: no session; why says why.
 */
int	landlock_confine(const struct confine *c, const char *home,
	    char *why, size_t len);

/*
 * landlock_confine() with the ABI given instead of probed, so that the
 * tests can play an older kernel: 0 means no Landlock.  An ABI above
 * the kernel's fails.
 */
int	landlock_confine_abi(const struct confine *c, const char *home,
	    int abi, char *why, size_t len);

/* The kernel's Landlock ABI version; 0 when it has none or it is off. */
int	landlock_abi(void);

#endif
