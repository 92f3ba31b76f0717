/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit record: what happened, as a struct of facts (as sudo's
 * eventlog keeps the event apart from its sinks), and its two forms,
 * a JSON line for log.file and a key=value line for syslog.  Pure: no
 * I/O here (auditfile.c writes, monitor.c decides what to write).
 *
 * Every value that came from the user is a byte string (struct aval).
 * Formatting makes it safe and keeps it distinct:
 * - JSON: a valid UTF-8 string is written as itself (escaped as JSON
 *   must); any other is written with each byte that is not part of a
 *   valid UTF-8 sequence as the four characters \xHH and each
 *   backslash doubled, and its JSON pointer is listed in the record's
 *   "escaped" array.  Two different byte strings never log alike.
 * - syslog: a plain token, or a quoted string with " \ and every byte
 *   outside printable ASCII escaped as \xHH.
 * - A record is at most cap bytes.  When it would be longer, the
 *   longest values are cut to a common length; each cut value keeps
 *   a prefix in place and the record says so in "cut": its JSON
 *   pointer, its full length and the SHA-256 of all its bytes.
 */
#ifndef CAGESH_AUDIT_H
#define CAGESH_AUDIT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct sbuf;

enum audit_event {
	AE_SESSION_START,
	AE_EXEC,		/* a simple command, before it starts */
	AE_COMMAND,		/* a line, when it has ended */
	AE_SESSION_END,
	AE_SESSION_REFUSED,
	AE_ACTION,		/* an admin action, before it runs: as AE_EXEC */
	AE_ACTION_END,		/* an admin action has ended */
};

/* The line's verdict: what of it ran. */
enum audit_verdict {
	AV_ALLOW,		/* it ran; nothing was denied */
	AV_DENY,		/* nothing of it ran */
	AV_PARTIAL,		/* some commands ran, a later one was denied */
};

/* Stamped by the monitor, outside the cage. */
struct audit_ident {
	const char	*session;	/* unique id */
	const char	*user;		/* NULL before the user is known */
	uid_t		 uid;
	const char	*from;		/* "ADDR PORT" from SSH_CONNECTION, or "local" */
	const char	*mode;		/* "command", "forced", "interactive" */
	/*
	 * sshd's word on how the user logged in (ExposeAuthInfo): "publickey
	 * ssh-ed25519 SHA256:..."; NULL when sshd gave none.  In
	 * session_start and session_refused records only.
	 */
	const char	*auth;
};

#define AUDIT_SHA256_LEN	32

/*
 * A byte string.  When sha is set, s is a prefix of a longer value the
 * sender already cut: full is its length and sha its SHA-256.
 */
struct aval {
	const char	*s;		/* NULL: absent */
	size_t		 len;
	uint64_t	 full;
	const unsigned char *sha;
};

struct aredir {
	int		 fd;
	const char	*op;		/* "<" ">" ">>" "<&" ">&" */
	struct aval	 target;	/* the file after expansion, or the fd */
};

struct acmd {
	struct aval	*argv;
	size_t		 argc;
	struct aredir	*redirs;
	size_t		 nredirs;
	enum verdict	 verdict;
	struct aval	 why;		/* allow: the rule; deny: the reason */
	int		 ended;		/* status and duration_ms are known */
	int		 status;
	long		 duration_ms;
};

struct arecord {
	enum audit_event ev;
	long		 line_no;	/* AE_EXEC, AE_COMMAND; 0: none */
	long		 cmd_no;	/* AE_EXEC */
	struct aval	 cwd;
	struct aval	 line;		/* AE_COMMAND */
	const struct acmd *cmds;	/* AE_EXEC: one; AE_COMMAND: the line's */
	size_t		 ncmds;
	size_t		 omitted;	/* AE_COMMAND: commands left out (cap) */
	enum audit_verdict verdict;	/* AE_COMMAND */
	int		 has_status;
	int		 status;
	long		 duration_ms;	/* AE_COMMAND; -1: none */
	int		 signal;	/* AE_SESSION_END: the shell died of it */
	long		 killed;	/* AE_SESSION_END: processes left, killed */
	struct aval	 reason;
	struct aval	 warning;	/* AE_SESSION_START: confined less than asked */
	struct aval	 action;	/* AE_ACTION, AE_ACTION_END: its name */
	struct aval	 run_as;	/* AE_ACTION: the user it runs as */
};

#define AUDIT_RECORD_MIN	4096		/* smallest cap */
#define AUDIT_RECORD_DEFAULT	65536
#define AUDIT_RECORD_MAX	(16u * 1024 * 1024)

/*
 * The record as one JSON line (ending in "\n", at most cap bytes) and
 * one key=value line (no newline).  Both are appended to.
 */
void	audit_format(const struct audit_ident *, const struct arecord *,
	    size_t cap, struct sbuf *json, struct sbuf *kv);

const char *audit_event_name(enum audit_event);
const char *audit_verdict_name(enum audit_verdict);

/* SHA-256 of n bytes (sha256.c). */
void	sha256(const void *, size_t, unsigned char out[AUDIT_SHA256_LEN]);
/* sha256_portable(1): the portable code even where the CPU has SHA (tests). */
void	sha256_portable(int);

#endif
