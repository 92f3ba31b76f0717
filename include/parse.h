/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Line -> syntax tree.  The grammar is the part of the POSIX shell
 * language that deploy clients send (see cagesh(8), THE COMMAND LANGUAGE).
 * Everything else is refused with a reason; nothing is ever truncated.
 */
#ifndef CAGESH_PARSE_H
#define CAGESH_PARSE_H

#include <stddef.h>

#include "ast.h"

struct parse_limits {
	size_t	line_max;	/* bytes in a line */
	size_t	words_max;	/* words in a line, substitutions included */
	size_t	depth_max;	/* nesting of ( ), if, $( ) and ` ` */
};

#define PARSE_LINE_MAX		65536
#define PARSE_WORDS_MAX		4096
#define PARSE_DEPTH_MAX		16

enum parse_err {
	PARSE_OK = 0,
	PARSE_SYNTAX,		/* not shell syntax: unbalanced, misplaced token */
	PARSE_UNSUPPORTED,	/* valid shell that cagesh refuses to run */
	PARSE_BADBYTE,		/* NUL or a control byte other than tab, newline */
	PARSE_TOOLONG,
	PARSE_TOOMANYWORDS,
	PARSE_TOODEEP,
};

struct parse_error {
	enum parse_err	code;
	size_t		offset;		/* byte offset in the line */
	char		msg[256];	/* human reason, without a prefix */
};

/*
 * Parses len bytes of line.  Returns the tree, or NULL with *err set.
 * An empty line (or only blanks and comments) yields an empty list.
 */
struct list	*parse_line(const char *line, size_t len,
		    const struct parse_limits *, struct parse_error *err);
void		 parse_limits_default(struct parse_limits *);
const char	*parse_strerror(enum parse_err);

/*
 * The reason a literal command name is refused by the language (eval,
 * exec, source, loops, ...), or NULL when the name is not refused.
 */
const char	*parse_refused_name(const char *name);

/*
 * A NAME of the language, [A-Za-z_][A-Za-z0-9_]*: the one test of a
 * variable name, for the lexer, the policy, export, env and the config
 * alike (lex.c).  parse_name_len: the length of the NAME that starts
 * s[0..len), 0 if none.  parse_is_name: s[0..len) is a NAME.
 */
size_t		 parse_name_len(const char *s, size_t len);
int		 parse_is_name(const char *s, size_t len);

#endif
