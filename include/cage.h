/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Entering the cage.  Requires root; guarantees that on success the
 * process is chrooted into a directory each of whose path components
 * is a real directory (no symlink), owned by root and not writable by
 * group or others, checked and entered through the same descriptors so
 * that nothing can be swapped in between.
 */
#ifndef CAGESH_CAGE_H
#define CAGESH_CAGE_H

#include <stddef.h>

/* 0, or -1 with a reason in why. */
int	cage_enter(const char *path, char *why, size_t whylen);

/*
 * The same check of every component of path, without entering it: for
 * a directory only root may fill (program_home), checked inside the
 * cage.  what names it in the reason ("program_home /etc/x: not owned
 * by root").  0, or -1 with a reason in why.
 */
int	cage_root_dir(const char *path, const char *what, char *why,
	    size_t whylen);

/*
 * The cage's directory, checked as cage_enter checks it, for root's own
 * work inside it from outside (the agent relay's socket): a descriptor
 * (O_DIRECTORY, close-on-exec), or -1 with a reason in why.
 */
int	cage_open(const char *path, char *why, size_t whylen);

#endif
