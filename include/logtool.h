/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cagesh-log: reads the audit log for the admin (src/log/).  It trusts
 * nothing in the file: every line is parsed by a strict reader of the
 * JSON that audit.c writes, every record is checked against the schema
 * (README, THE RECORD SCHEMA), and every value that reaches a terminal
 * goes through vis.  It needs no privilege of its own, runs nothing and
 * writes only to stdout and stderr.
 */
#ifndef CAGESH_LOGTOOL_H
#define CAGESH_LOGTOOL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

struct sbuf;

#define LOG_DEFAULT_FILE	"/var/log/cagesh/audit.jsonl"
/* A longer line is no record (audit.h: AUDIT_RECORD_MAX, newline included). */
#define LOG_LINE_MAX		(16u * 1024 * 1024)

/*
 * json.c: one line -> a tree.  Objects, arrays, strings (every JSON
 * escape; \uXXXX with surrogate pairs), integers and null; nothing else
 * (no true, false, fractions or exponents).  Strings are UTF-8 without
 * raw controls, DEL or C1 (audit.c escapes those), so a line it accepts
 * is valid JSON and safe to copy to a terminal.  Objects have at most
 * LJ_MEMBERS_MAX members, no key twice; nesting is at most
 * LJ_DEPTH_MAX deep.
 */
enum lj_type { LJ_NULL, LJ_INT, LJ_STR, LJ_ARR, LJ_OBJ };

#define LJ_DEPTH_MAX	8
#define LJ_MEMBERS_MAX	64
/* Values in a line: 96 MB of nodes at most (a record has far fewer). */
#define LJ_NODES_MAX	(2u * 1024 * 1024)

/* A value: read s, i or child only after looking at type. */
struct lj {
	unsigned char	 type;		/* enum lj_type */
	unsigned char	 escaped;	/* rec.c: in "escaped"; decoded */
	unsigned int	 klen;
	const char	*key;		/* as a member of an object */
	const struct lj	*cut;		/* rec.c: its "cut" entry */
	size_t		 len;		/* bytes; LJ_ARR, LJ_OBJ: members */
	union {
		char		*s;	/* LJ_STR: bytes, NUL-ended */
		long long	 i;	/* LJ_INT */
		struct lj	*child;	/* LJ_ARR, LJ_OBJ: the first */
	};
	struct lj	*next;
};

struct lj_doc;

struct lj_doc	*lj_new(void);
void		 lj_free(struct lj_doc *);
/*
 * Parses one line (its newline left out) into d, replacing what d held.
 * The root, an object; or NULL with *why set.
 */
struct lj	*lj_parse(struct lj_doc *d, const char *, size_t,
		    const char **why);
struct lj	*lj_get(const struct lj *obj, const char *key);
/* The node at a JSON pointer ("/commands/0/argv/1"), or NULL. */
struct lj	*lj_pointer(struct lj *root, const char *, size_t);

/*
 * rec.c: a parsed line -> a record, checked: the fields every record
 * has, the type of every field it knows, "escaped" values decoded back
 * to their bytes and "cut" entries attached to their values.  Fields it
 * does not know are ignored; an absent or null string is NULL here.
 */
enum lev { LEV_START, LEV_EXEC, LEV_COMMAND, LEV_END, LEV_REFUSED,
	LEV_OTHER };

struct lrec {
	const char	*raw;		/* the line as read */
	size_t		 rawlen;
	long long	 t;		/* ms since the epoch */
	enum lev	 ev;
	const struct lj	*event, *session, *user, *from, *mode;
	long long	 uid;
	long long	 line_no, cmd_no;	/* 0: none */
	const struct lj	*cwd, *line, *verdict, *rule, *reason, *warning;
	const struct lj	*error;
	const struct lj	*argv, *redirs;	/* exec */
	const struct lj	*commands;	/* command */
	const struct lj	*omitted;	/* exec: words left out */
	int		 has_status;
	long long	 status;
	long long	 duration_ms;	/* -1: none */
	long long	 signal, killed, commands_omitted;
};

/* 0, or -1 with *why: not a record as audit.c writes it. */
int		 lrec_read(struct lrec *, struct lj *root, const char **why);
const char	*lrec_event_name(enum lev);
/* s (n bytes) as RFC 3339 (or "YYYY-MM-DD[ HH:MM[:SS]]", UTC) -> ms. */
int		 lrec_time(const char *s, size_t n, long long *ms);
/* The value made visible (vis.c), with its cut marker; "-" for NULL. */
void		 lrec_vis(struct sbuf *, const struct lj *);
/* The program name of an argv: its first word that is not NAME=value. */
const struct lj	*lrec_name(const struct lj *argv);

/* filter.c: what the options select.  Every filter set must match. */
struct lfilter {
	const char	*user;
	const char	*session;	/* a prefix */
	const char	*verdict;
	const char	*event;
	const char	*command;	/* a basename, or a path */
	const char	*from;		/* an address, or "ADDR PORT" */
	int		 has_since, has_until;
	long long	 since, until;	/* ms, both inclusive */
};

/* A time argument (RFC 3339, "YYYY-MM-DD HH:MM", 1h, 2d, today ...). */
int		 lf_time_arg(const char *, long long now, long long *ms);
int		 lf_match(const struct lfilter *, const struct lrec *);
int		 lf_word_is(const struct lj *, const char *);

/* input.c: lines of a file, stdin or a .gz file, one at a time. */
struct lin {
	const char	*name;
	int		 fd;
	void		*gz;		/* a gzFile */
	char		*buf;
	size_t		 start, len, cap;
	size_t		 scan;		/* no '\n' in [start, scan) */
	long long	 lineno;
	int		 eof;
	int		 skipping;	/* in a line too long */
	int		 drop;		/* the rest of a line: not ours */
	const char	*err;		/* LIN_ERR not told by errno */
	off_t		 pos;		/* bytes read from fd */
	dev_t		 dev;
	ino_t		 ino;
};

enum lin_ret { LIN_LINE, LIN_LONG, LIN_NONE, LIN_ERR };

/* 0, or -1 with why; "-" is stdin. */
int		 lin_open(struct lin *, const char *path, char *why, size_t);
void		 lin_close(struct lin *);
/*
 * The next line (without its newline), LIN_LONG for one too long (then
 * skipped), LIN_NONE at the end of what is there now, LIN_ERR with
 * err or errno.  With final, a last line without its newline is a line;
 * without, it waits for more (follow).
 */
enum lin_ret	 lin_next(struct lin *, int final, const char **, size_t *);
int		 lin_to_end(struct lin *);
/* follow: the file at path is another, or was truncated: reopen. */
int		 lin_rotated(struct lin *, const char *path);
int		 lin_reopen(struct lin *, const char *path, char *why,
		    size_t);

/* view.c and summary.c: what is shown. */
struct lview {
	int		 json;
	int		 event_col;	/* follow: rows of every kind */
	size_t		 top;		/* summary: rows a table; 0 all */
	const char	*session;	/* session view: the id asked for */
	FILE		*out;
	void		*state;
	int		(*rec)(struct lview *, const struct lrec *);
	int		(*end)(struct lview *, unsigned long long);
};

void		 lv_list(struct lview *);
void		 lv_session(struct lview *);
void		 lv_summary(struct lview *);

/* Formatting shared by the views. */
void		 lv_time(struct sbuf *, long long ms, int millis);
void		 lv_time_json(struct sbuf *, long long ms);
void		 lv_duration(struct sbuf *, long long ms);
void		 lv_pad(struct sbuf *, size_t from, size_t width);
void		 lv_argv(struct sbuf *, const struct lj *argv,
		    const struct lj *redirs);
void		 lv_word(struct sbuf *, const struct lj *);

#endif
