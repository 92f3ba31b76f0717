/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The builtins, unprivileged (caged shell): the one table of what cagesh
 * runs in its own process, each with how the policy judges its words,
 * how it runs and its line of help.  They write with write(2) to fds 1
 * and 2 (no stdio buffer is ever duplicated by a fork) and return the
 * exit status.  The policy judged argv before; they still check what
 * they use, since a value may come from an expansion.
 */
#ifndef CAGESH_BUILTIN_H
#define CAGESH_BUILTIN_H

#include <stddef.h>

struct exec_ctx;
struct pstate;
struct pword;

struct builtin {
	const char	*name;
	/*
	 * The words after the name, judged before anything runs (pure,
	 * through policy.h's policy_deny ...): 0 or -1.  NULL: any words.
	 */
	int		(*judge)(struct pstate *, const char *name,
			    const struct pword *, size_t);
	/* argv[0] is the name; `exit` sets ctx->stop. */
	int		(*run)(struct exec_ctx *, char *const *argv,
			    size_t argc);
	const char	*usage;		/* help's line */
	/*
	 * May run as `env NAME`: only a builtin that also exists as a
	 * program with the same meaning (`env cd x` could not change the
	 * shell's directory).
	 */
	int		 under_env;
};

/* The builtin of that name, or NULL. */
const struct builtin *builtin_find(const char *name);
/* The builtins in their order, i = 0, 1, ...; NULL past the last. */
const struct builtin *builtin_at(size_t i);
int		 builtin_run(struct exec_ctx *, const struct builtin *,
		    char *const *argv, size_t argc);

#endif
