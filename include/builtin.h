/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The builtins cagesh runs in its own process: cd pwd export umask
 * test [ echo true false exit.  They write with write(2) to fds 1 and 2
 * (no stdio buffer is ever duplicated by a fork) and return the exit
 * status.  The policy judged argv before; they still check what they
 * use, since a value may come from an expansion.
 */
#ifndef CAGESH_BUILTIN_H
#define CAGESH_BUILTIN_H

#include <stddef.h>

#include "policy.h"

struct exec_ctx;

/* argv[0] is the builtin's name; `exit` sets ctx->stop. */
int	builtin_run(struct exec_ctx *, enum builtin, char *const *argv,
	    size_t argc);

#endif
