/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The messages between the caged shell and the monitor: typed,
 * length-checked fields, never formatted text.  The caged side only
 * states facts (this argv, this verdict); the monitor checks every
 * field and is the only one that formats and writes a record.
 *
 * A message is one SOCK_SEQPACKET datagram: a type byte, then fields,
 * each a tag byte, a 32-bit big-endian length and that many bytes.
 * Numbers are 8-byte big-endian two's complement.  A string field
 * whose tag has MSG_CUT set holds 8 bytes of full length, 32 bytes of
 * SHA-256 and then a prefix of the value: the sender cut it so that
 * the message fits.
 *
 * The root set-up, which holds PAM, tells the monitor on a socket of
 * its own when the shell may start (the M_CTL_ messages).
 *
 * Every process of the session (the shell and the cagesh processes it
 * forks) shares one socket to the monitor.  A message that needs an
 * answer carries, as SCM_RIGHTS, one end of a fresh socketpair on which
 * the monitor answers that message alone: answers never reach the
 * wrong process.
 */
#ifndef CAGESH_MSG_H
#define CAGESH_MSG_H

#include <stddef.h>
#include <stdint.h>

/* A datagram is never larger: the monitor's buffer, once per session. */
#define MSG_MAX		(1024u * 1024)

enum msg_type {
	M_START = 1,	/* caged and unprivileged [T_REASON: a warning]; answered */
	M_REFUSED,	/* T_REASON: the session cannot start */
	M_PROBE,	/* may a line run (room in the log)? answered */
	M_LINE,		/* T_CWD T_LINE: a line begins */
	M_EXEC,		/* a simple command is about to run; answered */
	M_EXEC_END,	/* T_SEQ T_STATUS T_DURATION: it ended */
	M_JUDGED,	/* a command of a line denied before it ran */
	M_LINE_END,	/* T_STATUS: the line ended; answered */
	M_END,		/* T_REASON: why the shell ends (idle timeout) */
	M_DAEMON,	/* T_SEQ: the sender, about to run that command, is a
			   daemon the session may leave behind; answered */
	/* between the root set-up (session.c) and the monitor */
	M_CTL_GO,	/* T_LIMIT x 2N: PAM is open; the shell's limits */
	M_CTL_REFUSED,	/* T_REASON: refused before the shell started */
	M_CTL_SHELL,	/* T_SEQ: the caged shell's pid, to the root set-up */
	/*
	 * T_CWD T_ACTION T_ARG...: run this admin action (action.h), the
	 * words of the command as they ran; answered with its status.  The
	 * session's stdout and stderr come on the answer channel
	 * (msg_call_fds).
	 */
	M_ACTION,
	M_TYPE_MAX
};

enum msg_tag {
	T_CWD = 1,
	T_LINE,
	T_ARG,		/* one argv word, in order */
	T_REDIR_FD,	/* a redirection: fd, op, target, in this order */
	T_REDIR_OP,
	T_REDIR_TARGET,
	T_VERDICT,	/* 0 allow, 1 deny */
	T_WHY,		/* the rule, or the reason */
	T_STATUS,
	T_DURATION,	/* milliseconds */
	T_SEQ,		/* the cmd_no the monitor answered for M_EXEC */
	T_REASON,
	T_LIMIT,	/* rlim_cur, rlim_max of each resource, in order */
	T_ACTION,	/* an admin action's name */
	T_TAG_MAX
};

#define MSG_CUT		0x80	/* tag flag: a cut string, see above */
#define MSG_CUT_HDR	(8 + 32)

struct msg_field {
	unsigned char	 tag;		/* without MSG_CUT */
	int		 cut;
	const char	*s;		/* strings: the bytes (not NUL-ended) */
	size_t		 len;
	uint64_t	 full;		/* cut: the full length */
	const unsigned char *sha;	/* cut: its SHA-256 */
	int64_t		 num;		/* numbers */
};

/* A message being built, or one received (fields point into buf). */
struct msg {
	unsigned char	 type;
	struct msg_field *f;
	size_t		 n;
	size_t		 cap;
	long		 pid;		/* received: the sender's, from the
					   kernel (SO_PASSCRED), or 0 */
};

void	msg_init(struct msg *, unsigned char type);
void	msg_free(struct msg *);		/* the fields, not what they point to */
void	msg_str(struct msg *, unsigned char tag, const char *, size_t);
void	msg_num(struct msg *, unsigned char tag, int64_t);

/*
 * Encodes m into one datagram of at most max bytes: when the strings
 * do not fit, the longest are cut to a common length (MSG_CUT).  The
 * datagram is malloc'd; its length is returned, 0 if even the cut
 * message cannot fit.
 */
size_t	msg_encode(const struct msg *, size_t max, unsigned char **out);
/*
 * Decodes a datagram: every field whole, no trailing bytes, tags and
 * number sizes known, cut headers well formed.  0, or -1 (EPROTO).
 */
int	msg_decode(const unsigned char *, size_t, struct msg *);

/* Sends m with no answer.  0, or -1 with errno. */
int	msg_send(int sock, const struct msg *);
/*
 * Sends m with a fresh answer channel and waits for the answer: 1 (yes)
 * with *num set from it, 0 (no), or -1 with errno (the monitor is gone).
 */
int	msg_call(int sock, const struct msg *, int64_t *num);

/*
 * msg_call, with fds (at most 4) for the monitor on the answer channel
 * itself, queued there before m is sent: the monitor takes them with
 * msg_take_fds.  Returns as msg_call.
 */
int	msg_call_fds(int sock, const struct msg *, const int *fds, size_t nfds,
	    int64_t *num);
/*
 * The monitor's side of msg_call_fds: exactly nfds fds from the answer
 * channel, without waiting.  0, or -1 (nothing kept: every fd closed).
 */
int	msg_take_fds(int reply, int *fds, size_t nfds);

/*
 * The monitor's side: receives one datagram into buf (bufsize bytes)
 * and decodes it into m; *reply is the answer channel sent with it, or
 * -1.  1 with a message, 0 at EOF, -1 with errno (EPROTO for a
 * datagram too large or malformed, EAGAIN with MSG_DONTWAIT semantics
 * when dontwait is set and nothing is there).  On -1 *reply may still
 * be an fd (to answer "no" on).
 */
int	msg_recv(int sock, unsigned char *buf, size_t bufsize, int dontwait,
	    struct msg *, int *reply);
/* Answers on a channel and closes it. */
void	msg_answer(int reply, int yes, int64_t num);

#endif
