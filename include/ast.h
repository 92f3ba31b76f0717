/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The syntax tree of one command line, as produced by parse_line().
 * It holds words as written (parts, with their quoting); nothing is
 * expanded here.  Expansion happens at run time (expand.c) and the
 * policy judges both the tree (before anything runs) and the expanded
 * argv (just before each command runs).
 */
#ifndef CAGESH_AST_H
#define CAGESH_AST_H

#include <stddef.h>

struct sbuf;
struct list;

enum wpart_kind {
	WP_LIT,		/* text as is */
	WP_PARAM,	/* $NAME ${NAME} $? $$: text is the name ("?", "$") */
	WP_CMDSUB,	/* $(...) or `...`: sub is the parsed list, text the source */
	WP_TILDE,	/* unquoted ~ that starts a word or an assignment value */
};

struct wpart {
	enum wpart_kind	 kind;
	int		 quoted;	/* from '...', "..." or a backslash */
	char		*text;
	struct list	*sub;		/* WP_CMDSUB */
};

#define W_LITERAL	0x01	/* no expansion, no glob: lit is the final word */
#define W_GLOB		0x02	/* has an unquoted *, ? or [...] */

struct word {
	struct wpart	*parts;
	size_t		 nparts;
	int		 flags;
	char		*lit;		/* W_LITERAL: the word after quote removal */
	char		*src;		/* the word as written in the line */
};

struct assign {
	char		*name;
	struct word	 value;
};

enum redir_op {
	R_IN,		/* N<word   (N defaults to 0) */
	R_OUT,		/* N>word   (N defaults to 1) */
	R_APPEND,	/* N>>word  (N defaults to 1) */
	R_DUPIN,	/* N<&M     (N defaults to 0) */
	R_DUPOUT,	/* N>&M     (N defaults to 1) */
};

struct redir {
	int		 fd;
	enum redir_op	 op;
	int		 dupfd;		/* R_DUPIN, R_DUPOUT */
	struct word	 target;	/* R_IN, R_OUT, R_APPEND */
};

enum cmd_kind {
	C_SIMPLE,
	C_SUBSHELL,
	C_IF,
};

struct ifclause {
	struct list	*cond;
	struct list	*body;
};

struct command {
	enum cmd_kind	 kind;
	/* C_SIMPLE */
	struct assign	*assigns;
	size_t		 nassigns;
	struct word	*words;
	size_t		 nwords;
	/* C_SUBSHELL */
	struct list	*body;
	/* C_IF: if/elif clauses in order, then the else part (may be NULL) */
	struct ifclause	*clauses;
	size_t		 nclauses;
	struct list	*elsebody;
	/* any kind */
	struct redir	*redirs;
	size_t		 nredirs;
};

struct pipeline {
	int		 bang;		/* leading ! */
	struct command	*cmds;
	size_t		 ncmds;
};

enum andor_op {
	AO_AND,		/* && */
	AO_OR,		/* || */
};

struct andor {
	struct pipeline	*pipes;
	enum andor_op	*ops;		/* ops[i] joins pipes[i] and pipes[i + 1] */
	size_t		 npipes;
	int		 bg;		/* terminated by & */
};

struct list {
	struct andor	*items;
	size_t		 nitems;
};

void	ast_free(struct list *);
void	ast_dump(const struct list *, struct sbuf *);

#endif
