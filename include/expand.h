/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Word expansion at run time: a word as written (ast.h) -> the fields
 * a command gets.  Tilde, $NAME, $?, $$ and command substitution, then
 * field splitting of unquoted expansion results (IFS is fixed to space,
 * tab and newline: a line cannot set IFS), then globbing, then quote
 * removal.  Never wordexp(3): it can run a shell.  Runs in the caged
 * shell, as the user.
 */
#ifndef CAGESH_EXPAND_H
#define CAGESH_EXPAND_H

#include <sys/types.h>
#include <stddef.h>

#include "ast.h"

struct sbuf;
struct vars;

/* Command substitution output larger than this stops the line. */
#define EXPAND_CMDSUB_MAX	(1024 * 1024)

#define EXPAND_NOSPLIT	0x01	/* assignment values, redirection targets */
#define EXPAND_NOGLOB	0x02

enum expand_err {
	EXPAND_OK = 0,
	EXPAND_TOOBIG,		/* command substitution output over the limit */
	EXPAND_STOPPED,		/* the line stopped inside a substitution */
	EXPAND_GLOB,		/* glob(3) ran out of memory */
	EXPAND_CMDSUB,		/* the substitution could not be started */
};

struct fields {
	char	**v;		/* NULL-terminated */
	size_t	  n;
	size_t	  cap;
};

/*
 * What expansion reads of the shell that runs the line.  $(...) goes
 * back to the executor through cmdsub: expand knows no executor.
 */
struct expand_ctx {
	const struct vars *vars;	/* $NAME, ~; may be NULL */
	const int	*status;	/* $? */
	pid_t		 shell_pid;	/* $$, the same in subshells */
	/*
	 * Runs a substitution's list in a child with its stdout to a pipe
	 * and appends at most EXPAND_CMDSUB_MAX bytes to out; *status
	 * becomes the child's.
	 */
	enum expand_err	(*cmdsub)(void *arg, const struct list *,
			    struct sbuf *out);
	void		*arg;
};

void		 fields_init(struct fields *);
void		 fields_free(struct fields *);

/*
 * Appends the fields of one word to out.  On error out keeps what it
 * had before; the caller reports with expand_strerror() unless the error
 * is EXPAND_STOPPED (already reported where the line stopped).
 */
enum expand_err	 expand_word(const struct expand_ctx *, const struct word *,
		    int flags, struct fields *out);
const char	*expand_strerror(enum expand_err);

#endif
