/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * redir.c: a command's redirections.  Runs in the caged shell, as the
 * user (never root).
 *
 * Programs get 0-2 and what the line's redirections opened, nothing
 * else: every fd the executor opens is O_CLOEXEC until it is moved onto
 * its place.  fds 3-9 belong to the line (the session keeps its own at
 * 10 and above, see redir_fds_free()), and a redirection may only
 * duplicate an fd the line itself set (0-2 or an earlier redirection):
 * `cat <&12` cannot reach the session's audit socket.
 */
#include <sys/types.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast.h"
#include "errmsg.h"
#include "exec.h"
#include "expand.h"
#include "redir.h"
#include "xmalloc.h"

struct redir_saved {
	int	fd;
	int	copy;		/* -1: fd was closed */
	int	fdflags;	/* FD_CLOEXEC must come back with it */
};

static const char *const ops[] = {
	[R_IN] = "<", [R_OUT] = ">", [R_APPEND] = ">>",
	[R_DUPIN] = "<&", [R_DUPOUT] = ">&",
};

int
redir_move(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	if (dup2(from, to) == -1)
		return -1;
	close(from);
	return 0;
}

static void
save_fd(struct redir_undo *u, int fd)
{
	size_t i;
	int copy, fl = 0;

	for (i = 0; i < u->n; i++)
		if (u->sv[i].fd == fd)
			return;
	copy = fcntl(fd, F_DUPFD_CLOEXEC, EXEC_FD_MAX + 1);
	if (copy != -1)
		fl = fcntl(fd, F_GETFD);
	u->sv[u->n].fd = fd;
	u->sv[u->n].copy = copy;
	u->sv[u->n].fdflags = fl == -1 ? 0 : fl;
	u->n++;
}

/*
 * An fd the session holds (the audit socket) gets its FD_CLOEXEC back:
 * dup2 clears it, and without it the next program would inherit the
 * socket.
 */
void
redir_restore(struct redir_undo *u, unsigned *fds)
{
	struct redir_saved *s;
	size_t i;

	for (i = u->n; i-- > 0;) {
		s = &u->sv[i];
		if (s->copy == -1)
			close(s->fd);
		else {
			dup3(s->copy, s->fd, (s->fdflags & FD_CLOEXEC) ?
			    O_CLOEXEC : 0);
			close(s->copy);
		}
	}
	*fds = u->fds;
	free(u->sv);
	u->sv = NULL;
	u->n = 0;
}

void
redir_targets_free(struct redir_targets *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->targets[i]);
	free(t->targets);
	free(t->hook);
	t->targets = NULL;
	t->hook = NULL;
	t->n = 0;
}

int
redir_expand(struct redir_targets *t, const struct command *c,
    const struct expand_ctx *xc, enum expand_err *err)
{
	const struct redir *r;
	struct fields f;
	size_t i;

	t->n = 0;
	t->targets = xcalloc(c->nredirs + 1, sizeof(*t->targets));
	t->hook = xcalloc(c->nredirs + 1, sizeof(*t->hook));
	for (i = 0; i < c->nredirs; i++) {
		r = &c->redirs[i];
		if (r->op == R_DUPIN || r->op == R_DUPOUT)
			xasprintf(&t->targets[i], "%d", r->dupfd);
		else {
			fields_init(&f);
			if ((*err = expand_word(xc, &r->target,
			    EXPAND_NOSPLIT | EXPAND_NOGLOB, &f)) != EXPAND_OK) {
				t->n = i;
				return -1;
			}
			if (f.n != 1) {
				err_warnx("%s: ambiguous redirect",
				    r->target.src != NULL ? r->target.src : "");
				fields_free(&f);
				t->n = i;
				return 1;
			}
			t->targets[i] = xstrdup(f.v[0]);
			fields_free(&f);
		}
		t->hook[i].fd = r->fd;
		t->hook[i].op = ops[r->op];
		t->hook[i].target = t->targets[i];
		t->n = i + 1;
	}
	return 0;
}

static int
open_target(const struct redir *r, const char *target)
{
	int flags, fd;

	switch (r->op) {
	case R_IN:
		flags = O_RDONLY;
		break;
	case R_APPEND:
		flags = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	}
	if ((fd = open(target, flags | O_CLOEXEC, 0666)) == -1)
		err_warnx("%s: %s", target, strerror(errno));
	return fd;
}

int
redir_apply(const struct command *c, const struct redir_targets *t,
    unsigned *fds, struct redir_undo *u)
{
	const struct redir *r;
	size_t i;
	int fd;

	if (u != NULL) {
		u->sv = xcalloc(c->nredirs + 1, sizeof(*u->sv));
		u->n = 0;
		u->fds = *fds;
	}
	for (i = 0; i < c->nredirs; i++) {
		r = &c->redirs[i];
		if (r->fd < 0 || r->fd > EXEC_FD_MAX ||
		    ((r->op == R_DUPIN || r->op == R_DUPOUT) &&
		    (r->dupfd < 0 || r->dupfd > EXEC_FD_MAX ||
		    !(*fds & (1U << r->dupfd))))) {
			err_warnx("%d: Bad file descriptor", r->op == R_DUPIN ||
			    r->op == R_DUPOUT ? r->dupfd : r->fd);
			return 1;
		}
		if (u != NULL)
			save_fd(u, r->fd);
		if (r->op == R_DUPIN || r->op == R_DUPOUT) {
			if (r->dupfd != r->fd && dup2(r->dupfd, r->fd) == -1) {
				err_warnx("%d: %s", r->dupfd, strerror(errno));
				return 1;
			}
		} else {
			if ((fd = open_target(r, t->targets[i])) == -1)
				return 1;
			if (redir_move(fd, r->fd) == -1) {
				err_warnx("%d: %s", r->fd, strerror(errno));
				close(fd);
				return 1;
			}
		}
		*fds |= 1U << r->fd;
	}
	return 0;
}

/*
 * fds 3-9 are the line's: a redirection (3>f, even in a subshell, where
 * the hook still runs) would replace whatever the session kept there,
 * and the audit records of that process would go to the user's file.
 * The session keeps its own fds at 10 or above; a line is refused
 * rather than run with one of them in reach.
 */
int
redir_fds_free(void)
{
	int fd;

	for (fd = STDERR_FILENO + 1; fd <= EXEC_FD_MAX; fd++)
		if (fcntl(fd, F_GETFD) != -1) {
			err_warnx("fd %d is open: the session must keep its "
			    "files above fd %d", fd, EXEC_FD_MAX);
			return 0;
		}
	return 1;
}
