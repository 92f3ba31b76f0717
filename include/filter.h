/*
 * A seccomp filter for the caged session: no process of it can push
 * input into a terminal (TIOCSTI) or paste a console selection
 * (TIOCLINUX).  Otherwise a program the user runs could type a line
 * into the interactive shell's terminal once it has ended, or into
 * whatever reads that terminal after the session.
 */
#ifndef CAGESH_FILTER_H
#define CAGESH_FILTER_H

#include <stddef.h>

/*
 * Requires no_new_privs (or CAP_SYS_ADMIN).  The filter is inherited by
 * every child and cannot be removed.  Returns 0, or -1 with why filled.
 */
int	filter_tty_inject(char *why, size_t len);

#endif
