/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ssh-agent relay: the session's programs (ssh, as git runs it) reach
 * the agent sshd forwarded for the login, through a socket inside the
 * cage.  It runs as root outside the cage, in a process the monitor
 * forks; it connects to the agent with the user's file system ids, takes
 * connections only from the session's own processes (their cgroup), and
 * passes only what signing needs: the list of keys, a signature, the
 * session-bind extension.  Adding, removing or locking keys, and every
 * other request, is answered "failure" and never reaches the agent.
 */
#ifndef CAGESH_AGENT_H
#define CAGESH_AGENT_H

#include <sys/types.h>

#include <stddef.h>

/* The agent protocol's own bound on a message (OpenSSH: 256 KiB). */
#define AGENT_MSG_MAX	(256 * 1024)

enum agent_verdict {
	AGENT_MORE,		/* not a whole message yet */
	AGENT_PASS,		/* a request signing needs */
	AGENT_REFUSE,		/* a whole request of another kind */
	AGENT_BAD,		/* not the protocol: end the connection */
};

/*
 * The first request in buf[0..n) from a client: its verdict, and its
 * length with the length field in *len (for PASS and REFUSE).  Pure.
 */
enum agent_verdict agent_judge(const unsigned char *, size_t, size_t *);

/* Length of the first whole reply in buf[0..n), 0 if none yet, -1 bad. */
long		agent_reply_len(const unsigned char *, size_t);

struct agent_relay {
	int		  lfd;		/* listening, in the cage */
	const char	 *upstream;	/* sshd's agent socket */
	uid_t		  uid;		/* connect to it as this user */
	gid_t		  gid;
	/* A peer of lfd may be served: 1 yes, 0 no. */
	int		(*peer_ok)(pid_t, void *);
	void		 *arg;
	/* A request refused: what it was (its type), for the record. */
	void		(*refused)(int, void *);
};

/*
 * Serves lfd until it fails or stop becomes nonzero (a signal handler's
 * flag): each connection relayed to a fresh connection to upstream, one
 * request and its reply at a time.  Requires root (for the fs ids);
 * never returns an error for a connection, only drops it.
 */
void		agent_relay_run(const struct agent_relay *,
		    volatile const int *stop);

struct cgroup;

struct agent_run {
	pid_t		 pid;		/* the relay */
	int		 tmpfd;		/* the cage's /tmp, checked */
	char		 name[64];	/* the socket's, in it */
};

/*
 * ROOT.  Forks the relay, listening at the cage's /tmp/cagesh-agent-ID
 * (the cage checked as cage_enter checks it, /tmp root's and sticky;
 * mode 0666: only the processes of cg are served), relaying to
 * upstream as uid/gid.  cage_sock gets the socket's path in the cage.
 * 0, or -1 with why; then nothing is left behind.
 */
int		agent_start(struct agent_run *, const char *cage,
		    const char *id, const char *upstream, uid_t, gid_t,
		    const struct cgroup *, char *cage_sock, size_t,
		    char *why, size_t);
/* Ends the relay and removes its socket; safe to call twice. */
void		agent_stop(struct agent_run *);

#endif
