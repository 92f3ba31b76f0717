/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A caged session, split by process as OpenSSH splits its monitor:
 * - session.c, the root set-up: the user by real uid, the config, the
 *   audit log, the monitor's fork, PAM account and session, the shell's
 *   fork; then it waits for the shell, tells the monitor how it ended
 *   and closes PAM.  Runs as root.
 * - monitor.c, the root side that serves the caged shell's messages
 *   and writes every record; forked before PAM, so that no limit of
 *   the user's ever applies to it.
 * - caged.c, the caged shell: enters the cage, drops every privilege
 *   and runs the line, asking the monitor before each command.
 */
#ifndef CAGESH_SESSION_H
#define CAGESH_SESSION_H

#include <sys/types.h>
#include <sys/resource.h>

#include <pwd.h>
#include <signal.h>

#include <stddef.h>

#include "audit.h"
#include "conf.h"

enum session_mode {
	SM_COMMAND,	/* cagesh -c LINE */
	SM_FORCED,	/* SSH_ORIGINAL_COMMAND under command= / ForceCommand */
	SM_LOGIN,	/* a login without a command */
};

#define SESSION_NLIMITS	RLIM_NLIMITS

struct session {
	enum session_mode mode;
	char		*line;
	/* saved from the environment before it is cleared */
	char		*ssh_connection;
	char		*ssh_client;
	char		*ssh_original;
	char		*term;
	char		*lang;
	char		*ssh_auth_sock;	/* the agent sshd forwarded */
	char		*ssh_user_auth;	/* sshd's ExposeAuthInfo file */
	char		*auth;		/* what it says (sshauth.h) */
	char		 agent_sock[160]; /* its relay, in the cage, or "" */
	char		 id[33];
	char		*from;
	/* the user, by real uid */
	char		*user;
	uid_t		 uid;
	gid_t		 gid;
	char		*shell;
	char		*home;		/* the passwd home, on the host */
	struct passwd	 pw;		/* these, for account.c */
	gid_t		*gids;
	size_t		 ngids;
	struct conf	*conf;
	const struct userent *ent;
	int		 logfd;
	pid_t		 monitor;	/* the monitor's pid, once forked */
	int		 ctl;		/* our end of its control socket */
	unsigned char	 ctlbuf[64];	/* what the monitor tells us */
	sigset_t	 sigmask;	/* before session_fork_monitor() */
	void		*pamh;
	int		 pam_state;
	/* the caller's limits, then what PAM made of them: the caged side's */
	struct rlimit	 limits[SESSION_NLIMITS];
	struct audit_ident ident;
};

void	session_begin(struct session *, int argc, char *argv[]);
void	session_identify(struct session *);
void	session_load_conf(struct session *);
void	session_open_log(struct session *);
void	session_find_entry(struct session *);
/* Forks the monitor (monitor.c), before PAM: it holds the log from here. */
void	session_fork_monitor(struct session *);
void	session_pam_open(struct session *);
/* Lets the monitor fork the caged shell; returns the session's status. */
int	session_run(struct session *);
void	session_end(struct session *);

/*
 * Refuses the session: shown (or the reason itself when NULL) on the
 * caller's stderr, the whole reason in the session_refused record.  A
 * reason that quotes the config is for the records only.
 */
void	session_refuse(struct session *, const char *shown,
	    const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 3, 4)));

/*
 * One record, as the root side writes it: syslog (when on) and the
 * file.  0, or -1 when it could not be written and on_failure is deny.
 */
int	session_record(struct session *, const struct arecord *);

/* Closes fds lo..hi, however high. */
void	session_close_fds(unsigned int lo, unsigned int hi);

#endif
