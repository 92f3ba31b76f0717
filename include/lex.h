/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lexer behind parse_line().  Only parse.c uses it.  It turns bytes
 * into tokens and builds each word's parts (quoting, $NAME, ~, $( ) and
 * ` `).  A command substitution is parsed on the spot through the
 * subst callback, so the extent of $( ) is found by the grammar itself
 * and cannot disagree with it.
 */
#ifndef CAGESH_LEX_H
#define CAGESH_LEX_H

#include <stddef.h>

#include "ast.h"
#include "parse.h"

enum tok_kind {
	T_EOF,
	T_NEWLINE,
	T_SEMI,		/* ; */
	T_AMP,		/* & */
	T_AND,		/* && */
	T_OR,		/* || */
	T_PIPE,		/* | */
	T_LPAREN,	/* ( */
	T_DLPAREN,	/* (( */
	T_RPAREN,	/* ) */
	T_WORD,
	T_ASSIGN,	/* NAME=value, only when the lexer is told to look */
	T_REDIR,	/* [N]< [N]> [N]>> [N]<& [N]>&; the target follows */
};

struct token {
	enum tok_kind	 kind;
	size_t		 start;		/* extent in the lexer's buffer */
	size_t		 end;
	size_t		 off;		/* offset in the whole line */
	struct word	 word;		/* T_WORD; T_ASSIGN: the value */
	char		*name;		/* T_ASSIGN */
	int		 fd;		/* T_REDIR: -1 for the default */
	enum redir_op	 op;		/* T_REDIR */
};

/* State shared by every lexer and parser working on one line. */
struct lex_shared {
	const struct parse_limits	*lim;
	struct parse_error		*err;
	size_t				 nwords;
};

/*
 * Parses a command substitution whose contents start at pos in s.
 * paren: the list ends at an unmatched ')' ($( )), whose end is stored
 * in *end; otherwise it ends at len (` `, already unescaped).  base is
 * the offset of s in the line.  Returns 0, or -1 with the error set.
 */
typedef int	(*lex_subst_fn)(void *arg, const char *s, size_t len,
		    size_t pos, size_t base, int paren, size_t *end,
		    struct list **out);

struct lexer {
	const char		*s;
	size_t			 len;
	size_t			 pos;
	size_t			 base;		/* offset of s in the line */
	int			 assign_ok;	/* NAME=value assigns */
	struct lex_shared	*g;
	lex_subst_fn		 subst;
	void			*arg;
};

void	lex_init(struct lexer *, const char *, size_t, size_t,
	    struct lex_shared *, lex_subst_fn, void *);
int	lex_next(struct lexer *, struct token *);
void	token_clear(struct token *);
int	lex_error(struct lex_shared *, enum parse_err, size_t,
	    const char *, ...) __attribute__((format(printf, 4, 5)));

/* ast.c: frees what a word owns (the parser's error paths need it). */
void	ast_word_clear(struct word *);

#endif
