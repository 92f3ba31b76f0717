/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cgroup (v2) for the processes of one session, so that they all end
 * with it.  Requires root.
 */
#ifndef CAGESH_CGROUP_H
#define CAGESH_CGROUP_H

#include <sys/types.h>

#include <stddef.h>

struct cgroup {
	char	*path;
	char	*rel;		/* beneath the cgroup2 mount, as /proc shows it */
	int	 fd;		/* the cgroup's directory */
};

/* Makes cagesh-ID under our own cgroup.  0, or -1 with why filled. */
int	cgroup_make(struct cgroup *, const char *id, char *why, size_t len);
/*
 * fork(2) into it: 0 in the child, which runs in the cgroup from its
 * first instruction; its pid in the parent (a subreaper: the child is
 * its own, re-parented); -1 with errno.
 */
pid_t	cgroup_fork(struct cgroup *);
/* Moves pid (and what it forks from now on) into it.  0 or -1. */
int	cgroup_add(struct cgroup *, pid_t);
/*
 * Kills every process left in it and waits (at most timeout_ms) until
 * it is empty.  Returns how many there were (0: none), or -1.
 */
long	cgroup_kill(struct cgroup *, int timeout_ms);
/*
 * Moves pid into a cgroup of its own beside cg that the session's end
 * leaves alone (a daemon rule).  0, or -1 with why.
 */
int	cgroup_daemon(const struct cgroup *, const char *id, long seq,
	    pid_t, char *why, size_t len);
/* Whether pid is one of its processes (1) or not (0). */
int	cgroup_has(const struct cgroup *, pid_t);
/* Removes the (empty) cgroup; safe to call more than once. */
void	cgroup_remove(struct cgroup *);

#endif
