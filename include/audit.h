/*
 * The audit trail.  What happened (a record) is kept apart from where it
 * goes (a JSON line in log.file, a key=value line to syslog).
 *
 * The caged child never holds the log file: it sends the fields it
 * knows (cwd, line, commands, verdict, status, duration) over a socket
 * to the privileged parent, which stamps the identity fields (time,
 * session, user, uid, from, mode) and writes the whole record with one
 * write(2) under an exclusive lock.
 */
#ifndef CAGESH_AUDIT_H
#define CAGESH_AUDIT_H

#include <sys/types.h>

#include <stddef.h>

#include "policy.h"

struct sbuf;

enum audit_event {
	AE_SESSION_START,
	AE_COMMAND,
	AE_SESSION_END,
	AE_SESSION_REFUSED,
};

/* Stamped by the parent, outside the cage. */
struct audit_ident {
	const char	*session;	/* unique id */
	const char	*user;		/* NULL before the user is known */
	uid_t		 uid;
	const char	*from;		/* "ADDR PORT" from SSH_CONNECTION, or "local" */
	const char	*mode;		/* "command", "forced", "interactive" */
};

struct audit_cmd {
	char *const	*argv;
	size_t		 argc;
	enum verdict	 verdict;
	const char	*why;		/* rule when allowed, reason when denied */
};

/* The part of a command record the caged child knows. */
struct audit_line {
	const char	*cwd;
	const char	*line;
	size_t		 linelen;
	const struct audit_cmd *cmds;
	size_t		 ncmds;
	enum verdict	 verdict;
	int		 ran;		/* status is meaningful */
	int		 status;
	long		 duration_ms;
};

/*
 * The fields of a command record, JSON (a fragment: "k":v,... without
 * braces) and key=value (for syslog).  Built by the child.
 */
void	audit_line_fields(const struct audit_line *, struct sbuf *json,
	    struct sbuf *kv);
/*
 * One command as a JSON object {"argv":[..],"verdict":..,"rule"|"reason":..}
 * and as a key=value pair (cmd="..."): sent by the caged child (and its
 * forks) as each command is judged, joined into the line's record by the
 * parent.  audit_line_fields() leaves "commands" out when cmds is NULL.
 */
void	audit_cmd_fields(const struct audit_cmd *, struct sbuf *json,
	    struct sbuf *kv);
/* The fields of session_refused / session_end: reason and/or status. */
void	audit_end_fields(const char *reason, int status, struct sbuf *json,
	    struct sbuf *kv);

/*
 * A whole record: identity and time, then the fragments.  json ends
 * with "\n"; kv has no newline.  Fragments must come from the functions
 * above (audit_fragment_ok() checks one received from the child).
 */
void	audit_record(const struct audit_ident *, enum audit_event,
	    const char *json_frag, const char *kv_frag, struct sbuf *json,
	    struct sbuf *kv);
int	audit_fragment_ok(const char *json_frag, const char *kv_frag);
/* The same check for one command from audit_cmd_fields(). */
int	audit_cmd_ok(const char *json, const char *kv);

/* The file: opened by root, appended to with one write under flock. */
int	audit_open(const char *path);		/* fd, or -1 with errno */
int	audit_write(int fd, const struct sbuf *json);	/* 0 or -1 */
/* Room for at least another record on the file system of fd? 0 or -1. */
int	audit_writable(int fd);
void	audit_syslog(const char *kv);

/* Child -> parent transport: one SOCK_SEQPACKET datagram per message. */
#define AUDIT_MSG_MAX	(8u * 1024 * 1024)
int	audit_send(int sock, char type, const char *a, size_t alen,
	    const char *b, size_t blen);
/*
 * 1 with a message (malloc'd a and b, NUL-terminated; binary-safe with
 * the lengths), 0 on EOF, -1 on error.
 */
int	audit_recv(int sock, char *type, char **a, size_t *alen, char **b,
	    size_t *blen);

#endif
