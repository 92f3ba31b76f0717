/*
 * A caged session: the privileged steps before the cage (user, config,
 * audit log, PAM), the fork, the caged child that runs the line, and the
 * privileged parent that only writes the audit records and closes PAM.
 */
#ifndef CAGESH_SESSION_H
#define CAGESH_SESSION_H

#include <sys/types.h>

#include <stddef.h>

#include "audit.h"
#include "conf.h"

enum session_mode {
	SM_COMMAND,	/* cagesh -c LINE */
	SM_FORCED,	/* SSH_ORIGINAL_COMMAND under command= / ForceCommand */
	SM_LOGIN,	/* a login without a command */
};

struct session {
	enum session_mode mode;
	char		*line;
	/* saved from the environment before it is cleared */
	char		*ssh_connection;
	char		*ssh_client;
	char		*ssh_original;
	char		*term;
	char		*lang;
	char		 id[33];
	char		*from;
	/* the user, by real uid */
	char		*user;
	uid_t		 uid;
	gid_t		 gid;
	char		*shell;
	gid_t		*gids;
	size_t		 ngids;
	struct conf	*conf;
	const struct userent *ent;
	int		 logfd;
	void		*pamh;
	int		 pam_state;
	int		 refused;	/* the child refused: no session_end */
	const char	*end_reason;	/* for session_end, from the child */
	struct audit_ident ident;
};

void	session_begin(struct session *, int argc, char *argv[]);
void	session_identify(struct session *);
void	session_load_conf(struct session *);
void	session_open_log(struct session *);
void	session_find_entry(struct session *);
void	session_pam_open(struct session *);
int	session_run(struct session *);
void	session_end(struct session *, int status);
void	session_refuse(struct session *, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));

#endif
