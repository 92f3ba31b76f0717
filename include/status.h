/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The exit statuses cagesh gives of its own (CONTRACT.md): a caller
 * (sshd's client, Capistrano, a test) tells a denial from a missing
 * program from a broken session by these alone.  Everything else is
 * the status of what ran, as a POSIX shell gives it.
 */
#ifndef CAGESH_STATUS_H
#define CAGESH_STATUS_H

/*
 * The session could not be set up (config, PAM, cage, log), always with
 * one stderr line starting "cagesh: ".  A command that could not be
 * started or waited for (fork, waitpid) ends with it too: a plain
 * failure, as sh gives for a redirection that fails.  Not DENIED, which
 * a caller reads as "the policy said no", nor NOTFOUND.
 */
#define CAGESH_EXIT_SETUP	1
#define CAGESH_EXIT_FAILED	1

/* The line does not parse; a builtin or a program was used wrongly. */
#define CAGESH_EXIT_SYNTAX	2
#define CAGESH_EXIT_USAGE	2

/*
 * Denied by policy: nothing of the line ran.  execve() failing for
 * another reason than ENOENT gives it too, as in sh ("found, but it
 * cannot run").
 */
#define CAGESH_EXIT_DENIED	126

/* No such program on the profile's path. */
#define CAGESH_EXIT_NOTFOUND	127

#endif
