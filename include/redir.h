/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A command's redirections: their targets expanded, then applied to the
 * fds and put back.  Runs in the caged shell, as the user.
 */
#ifndef CAGESH_REDIR_H
#define CAGESH_REDIR_H

#include <stddef.h>

#include "ast.h"
#include "exec.h"
#include "expand.h"

/* A command's redirections with their targets expanded. */
struct redir_targets {
	char		**targets;	/* file names; dups: the fd as text */
	struct exec_redir *hook;	/* what the hook sees */
	size_t		 n;
};

/* What redir_apply() changed, for redir_restore(). */
struct redir_saved;
struct redir_undo {
	struct redir_saved *sv;
	size_t		 n;
	unsigned	 fds;		/* the line's fds before */
};

/*
 * Expands the targets of c's redirections, before anything is opened:
 * the record of the command names the files it really gets.  Returns 0;
 * -1 when the expansion failed with *err (not reported: the caller
 * stops the line); or 1 when a target is not one word (reported).
 */
int	redir_expand(struct redir_targets *, const struct command *c,
	    const struct expand_ctx *, enum expand_err *err);
void	redir_targets_free(struct redir_targets *);

/*
 * Applies c's redirections in order (2>&1 >f differs from >f 2>&1).
 * *fds has bit N set for each fd N the line set up (0-2, earlier
 * redirections, pipes): a redirection may duplicate only those.
 * undo != NULL: each changed fd is saved first, for redir_restore().
 * Returns 0 or the status of the failure (reported).
 */
int	redir_apply(const struct command *c, const struct redir_targets *,
	    unsigned *fds, struct redir_undo *undo);
/*
 * Puts back what redir_apply() changed, and *fds as it was before; an
 * undo redir_apply() did not fill is zeroed, its fds set by the caller.
 */
void	redir_restore(struct redir_undo *undo, unsigned *fds);

/* from becomes to, without O_CLOEXEC; from is closed. */
int	redir_move(int from, int to);

/*
 * 1 when fds 3-EXEC_FD_MAX are all closed, as a line needs them;
 * else 0, reported.
 */
int	redir_fds_free(void);

#endif
