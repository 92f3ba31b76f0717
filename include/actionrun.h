/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Running an admin action (action.h) on the host: the monitor's part,
 * as root and outside the cage.  The program must be root's all the
 * way down; it runs as the action's user with a built environment,
 * stdin on /dev/null, in a process group of its own that is killed at
 * the timeout, and its output relayed (bounded) to the fds the session
 * passed.  Also the host checks of --check-config.
 */
#ifndef CAGESH_ACTIONRUN_H
#define CAGESH_ACTIONRUN_H

#include <sys/types.h>
#include <stddef.h>

#include "action.h"
#include "conf.h"

/* The user an action runs as, resolved on the host. */
struct actionrun_user {
	char		 name[64];
	uid_t		 uid;
	gid_t		 gid;
	char		 home[256];
};

/* How it ended. */
struct actionrun_result {
	int		 status;	/* as sh gives it: 128+N for signal N */
	long		 duration_ms;
	int		 timed_out;	/* killed at the timeout */
	size_t		 dropped;	/* output bytes not relayed */
};

/*
 * Whether path may be run as root: absolute, and every directory on
 * the way to it (through each symlink) and the file itself owned by
 * root and not writable by group or others; the file regular and
 * executable.  0 with the file's own path in real; -1 with why.
 */
int	actionrun_program(const char *path, char *real, size_t reallen,
	    char *why, size_t whylen);

/*
 * The action's user on the host: its name, or for ACTION_SELF the
 * session's (self).  0, or -1 with why.
 */
int	actionrun_user(const struct action *, const struct actionrun_user *self,
	    struct actionrun_user *, char *why, size_t whylen);

/*
 * Runs argv (action_argv) of a as u.  Requires root; out and err are
 * the session's (-1: output dropped).  Blocks until the program and
 * its process group are gone, at most a->timeout seconds and a little.
 * 0 with r filled, or -1 with why when it could not start.
 */
int	actionrun(const struct action *, char *const *argv,
	    const struct actionrun_user *, int out, int err,
	    struct actionrun_result *r, char *why, size_t whylen);

/*
 * A message to the session's fd (-1: none), "cagesh: " first by the
 * caller; given up after a second when nobody reads it.
 */
void	actionrun_tell(int fd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * --check-config's host checks of every action: its program
 * (actionrun_program) and its user.  Appends "WHERE: message" to errs;
 * returns the number of problems added.
 */
size_t	actionrun_check_conf(const struct conf *, struct conf_errors *);

#endif
