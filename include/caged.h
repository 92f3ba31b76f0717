/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The caged shell: the child of the fork.  It enters the cage, gives up
 * every privilege for good and confines itself, and only then runs the
 * line (or the interactive shell), telling the monitor every command
 * before it starts and waiting for its answer.
 */
#ifndef CAGESH_CAGED_H
#define CAGESH_CAGED_H

#include <signal.h>

#include "session.h"

/*
 * Requires root, the PAM session open, sock connected to the monitor,
 * mask the signal mask to restore.  Never returns.
 */
void	caged_run(struct session *, int sock, const sigset_t *mask)
	    __attribute__((noreturn));

#endif
