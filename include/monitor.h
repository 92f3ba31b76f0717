/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitor: the root side of a session that writes its records.  It serves a
 * fixed table of message types from the caged shell (msg.h), each with
 * a handler that checks its fields and the session's state, and is the
 * only one that formats and writes records.  Its real, effective and
 * saved ids are root's: no process of the cage can signal or stop it.
 */
#ifndef CAGESH_MONITOR_H
#define CAGESH_MONITOR_H

#include <sys/types.h>

#include "session.h"

/*
 * The monitor is forked by the root set-up before PAM opens the session,
 * so that no limit PAM sets for the user ever reaches it (without
 * CAP_SYS_RESOURCE a lowered hard limit cannot be raised again).
 * Requires root, the audit log open, SIGCHLD SIGHUP SIGTERM blocked;
 * ctl is its end of the root set-up's socket.  Once the root set-up
 * says PAM is open (M_CTL_GO) it forks the caged shell, serves it until
 * it ends, writes the end of the session however it ended and exits
 * with the shell's status (or 1 when it never started).
 */
void	monitor_run(struct session *, int ctl) __attribute__((noreturn));

/* The reasons the caged shell may give for its end: nothing else. */
#define MONITOR_END_IDLE	"idle timeout"

#endif
