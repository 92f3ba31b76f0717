/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Resource limits of a caged session: the profile's limits group.
 */
#ifndef CAGESH_RLIMITS_H
#define CAGESH_RLIMITS_H

#include <stddef.h>

#include "conf.h"

/*
 * Lowers RLIMIT_NPROC, NOFILE, CPU, FSIZE and AS to the profile's
 * values and sets RLIMIT_CORE to 0.  Limits are only ever lowered: the
 * hard limit becomes the smaller of the profile's value and the one
 * inherited (from sshd, PAM's limits.conf), the soft limit too when it
 * was higher.  RLIMITS_UNLIMITED in the profile leaves a limit as it
 * is.
 * Call in the caged child after the privilege drop: RLIMIT_NPROC does
 * not hold for root, and the user cannot raise a hard limit again.
 * l->session is not a resource limit: the monitor enforces it.
 * Returns 0, or -1 with why filled.
 */
int	rlimits_apply(const struct rlimits *l, char *why, size_t len);

#endif
