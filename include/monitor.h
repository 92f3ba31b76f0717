/*
 * The monitor: the root side of a session after the fork.  It serves a
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
 * Requires root, the PAM session open, SIGCHLD SIGHUP SIGTERM SIGINT
 * blocked, sock the monitor's end, child the caged shell.  Serves it
 * until it ends, writes the end of the session (however it ended) and
 * returns the shell's exit status as a shell would give it.
 */
int	monitor_run(struct session *, int sock, pid_t child);

/* The reasons the caged shell may give for its end: nothing else. */
#define MONITOR_END_IDLE	"idle timeout"

#endif
