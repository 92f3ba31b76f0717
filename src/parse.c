/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Recursive-descent parser for the accepted subset of the POSIX shell
 * language.  Every recursion (subshell, if, $( ), ` `) goes through a
 * depth check first, so no input can exhaust the stack.  A node is put
 * into its parent (zeroed) before it is filled, so on any error the
 * whole partial tree is released by one ast_free() of the root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lex.h"
#include "parse.h"
#include "xmalloc.h"

struct parser {
	struct lexer	 lx;
	struct token	 tok;		/* lookahead, when have */
	int		 have;
	size_t		 depth;
};

static int	parse_list(struct parser *, struct list *);

static const struct {
	const char	*name;
	const char	*why;
} refused[] = {
	{ "eval",	"eval is not supported" },
	{ "exec",	"exec is not supported" },
	{ ".",		". is not supported" },
	{ "source",	"source is not supported" },
	{ "alias",	"alias is not supported" },
	{ "unalias",	"unalias is not supported" },
	{ "function",	"function definitions are not supported" },
	{ "for",	"loops are not supported" },
	{ "while",	"loops are not supported" },
	{ "until",	"loops are not supported" },
	{ "do",		"loops are not supported" },
	{ "done",	"loops are not supported" },
	{ "select",	"select is not supported" },
	{ "case",	"case is not supported" },
	{ "esac",	"case is not supported" },
	{ "{",		"brace groups are not supported" },
	{ "}",		"brace groups are not supported" },
	{ "[[",		"[[ is not supported" },
	{ "]]",		"[[ is not supported" },
	{ "let",	"arithmetic is not supported" },
	{ "coproc",	"coproc is not supported" },
	{ "trap",	"trap is not supported" },
	{ "set",	"set is not supported" },
	{ "unset",	"unset is not supported" },
	{ "readonly",	"readonly is not supported" },
	{ "local",	"local is not supported" },
	{ "typeset",	"typeset is not supported" },
	{ "declare",	"declare is not supported" },
	{ "command",	"command is not supported" },
	{ "builtin",	"builtin is not supported" },
	{ "enable",	"enable is not supported" },
	{ "shopt",	"shopt is not supported" },
	{ "hash",	"hash is not supported" },
	{ "read",	"read is not supported" },
};

static const char *const keywords[] = {
	"if", "then", "elif", "else", "fi", "!",
};

const char *
parse_refused_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strcmp(name, refused[i].name) == 0)
			return refused[i].why;
	return NULL;
}

void
parse_limits_default(struct parse_limits *lim)
{
	lim->line_max = PARSE_LINE_MAX;
	lim->words_max = PARSE_WORDS_MAX;
	lim->depth_max = PARSE_DEPTH_MAX;
}

const char *
parse_strerror(enum parse_err e)
{
	switch (e) {
	case PARSE_OK:
		return "no error";
	case PARSE_SYNTAX:
		return "syntax error";
	case PARSE_UNSUPPORTED:
		return "not supported";
	case PARSE_BADBYTE:
		return "forbidden byte";
	case PARSE_TOOLONG:
		return "line too long";
	case PARSE_TOOMANYWORDS:
		return "too many words";
	case PARSE_TOODEEP:
		return "nesting too deep";
	}
	return "unknown error";
}

/* Makes room for element n of arr, zeroed; returns the array. */
static void *
grow(void *arr, size_t n, size_t *cap, size_t size)
{
	if (n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		arr = xreallocarray(arr, *cap, size);
	}
	memset((char *)arr + n * size, 0, size);
	return arr;
}

/* Appends a zeroed element to arr (counted by n) and points to it. */
#define PUSH(arr, n, cap) \
	((arr) = grow((arr), (n), &(cap), sizeof(*(arr))), &(arr)[(n)++])

static struct token *
peek(struct parser *p)
{
	if (!p->have) {
		if (lex_next(&p->lx, &p->tok) == -1)
			return NULL;
		p->have = 1;
	}
	return &p->tok;
}

static void
drop(struct parser *p)
{
	token_clear(&p->tok);
	p->have = 0;
}

/* Moves the lookahead word into w. */
static void
take_word(struct parser *p, struct word *w)
{
	*w = p->tok.word;
	memset(&p->tok.word, 0, sizeof(p->tok.word));
	drop(p);
}

/* An unquoted word spelled exactly kw. */
static int
is_kw(const struct token *t, const char *kw)
{
	return t->kind == T_WORD && strcmp(t->word.src, kw) == 0;
}

static int
is_any_kw(const struct token *t)
{
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (is_kw(t, keywords[i]))
			return 1;
	return 0;
}

static int
near(struct parser *p, const struct token *t)
{
	char buf[48];
	size_t i, n;
	unsigned char c;

	if (t->kind == T_EOF)
		return lex_error(p->lx.g, PARSE_SYNTAX, t->off,
		    "unexpected end of line");
	if (t->kind == T_NEWLINE)
		return lex_error(p->lx.g, PARSE_SYNTAX, t->off,
		    "syntax error near newline");
	n = t->end - t->start;
	if (n > 32)
		n = 32;
	for (i = 0; i < n; i++) {
		c = (unsigned char)p->lx.s[t->start + i];
		buf[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	buf[i] = '\0';
	return lex_error(p->lx.g, PARSE_SYNTAX, t->off,
	    "syntax error near '%s%s'", buf,
	    t->end - t->start > n ? "..." : "");
}

/* The lookahead must be the keyword kw. */
static int
expect_kw(struct parser *p, const char *kw)
{
	struct token *t;

	if ((t = peek(p)) == NULL)
		return -1;
	if (t->kind == T_EOF)
		return lex_error(p->lx.g, PARSE_SYNTAX, t->off,
		    "missing '%s'", kw);
	if (!is_kw(t, kw))
		return near(p, t);
	drop(p);
	return 0;
}

static int
enter(struct parser *p, size_t off)
{
	if (p->depth + 1 > p->lx.g->lim->depth_max)
		return lex_error(p->lx.g, PARSE_TOODEEP, off,
		    "nesting deeper than %zu", p->lx.g->lim->depth_max);
	p->depth++;
	return 0;
}

static int
skip_newlines(struct parser *p)
{
	struct token *t;

	while ((t = peek(p)) != NULL && t->kind == T_NEWLINE)
		drop(p);
	return t == NULL ? -1 : 0;
}

/* Parses a list that must have at least one item. */
static int
parse_body(struct parser *p, struct list **lp)
{
	struct token *t;

	*lp = xcalloc(1, sizeof(**lp));
	if (parse_list(p, *lp) == -1)
		return -1;
	if ((*lp)->nitems == 0) {
		if ((t = peek(p)) == NULL)
			return -1;
		return near(p, t);
	}
	return 0;
}

static int
parse_redir(struct parser *p, struct command *c, size_t *cap)
{
	struct redir *r;
	struct token *t;
	const char *s;
	int saved, fd = p->tok.fd;

	r = PUSH(c->redirs, c->nredirs, *cap);
	r->op = p->tok.op;
	r->fd = fd >= 0 ? fd : (r->op == R_IN || r->op == R_DUPIN) ? 0 : 1;
	drop(p);
	saved = p->lx.assign_ok;
	p->lx.assign_ok = 0;
	t = peek(p);
	p->lx.assign_ok = saved;
	if (t == NULL)
		return -1;
	if (t->kind != T_WORD) {
		if (t->kind == T_EOF)
			return lex_error(p->lx.g, PARSE_SYNTAX, t->off,
			    "missing redirection target");
		return near(p, t);
	}
	if (r->op != R_DUPIN && r->op != R_DUPOUT) {
		take_word(p, &r->target);
		return 0;
	}
	/*
	 * Only a literal descriptor: >&- (closing) and >&file would give
	 * the command a different stdin/stdout than the policy judged.
	 */
	if (!(t->word.flags & W_LITERAL))
		return lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
		    "redirection to a non-literal descriptor is not "
		    "supported");
	s = t->word.lit;
	if (strcmp(s, "-") == 0)
		return lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
		    "closing file descriptors is not supported");
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
		return lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
		    "%s with a file name is not supported",
		    r->op == R_DUPIN ? "<&" : ">&");
	s += strspn(s, "0");
	if (strlen(s) > 1)
		return lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
		    "file descriptors above 9 are not supported");
	r->dupfd = *s == '\0' ? 0 : *s - '0';
	drop(p);
	return 0;
}

/* Redirections after ) or fi. */
static int
parse_redirs(struct parser *p, struct command *c, size_t *cap)
{
	struct token *t;

	while ((t = peek(p)) != NULL && t->kind == T_REDIR)
		if (parse_redir(p, c, cap) == -1)
			return -1;
	return t == NULL ? -1 : 0;
}

/*
 * A command named by a path with expansions before its last '/' and a
 * plain last component ($HOME/.rbenv/bin/rbenv): once expanded it is
 * still a path, never a keyword or a refused name, and the policy
 * judges it again then (it must be the rule's program).
 */
static int
dynamic_path(const struct word *w)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-:@,%";
	const char *last;

	if (w->src == NULL || (last = strrchr(w->src, '/')) == NULL)
		return 0;
	last++;
	return *last != '\0' && *last != '-' &&
	    strspn(last, plain) == strlen(last);
}

/* The first word that is not an assignment or a redirection. */
static int
check_name(struct parser *p, const struct token *t)
{
	const char *why;

	if (is_any_kw(t))
		return near(p, t);
	if (!(t->word.flags & W_LITERAL) && dynamic_path(&t->word))
		return 0;
	if (!(t->word.flags & W_LITERAL))
		return lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
		    "command name must be a literal word");
	if ((why = parse_refused_name(t->word.lit)) != NULL)
		return lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
		    "%s", why);
	return 0;
}

static int
parse_simple(struct parser *p, struct command *c, size_t *rcap)
{
	struct token *t;
	struct assign *a;
	size_t acap = 0, wcap = 0;
	int ret = -1;

	c->kind = C_SIMPLE;
	for (;;) {
		p->lx.assign_ok = c->nwords == 0;
		if ((t = peek(p)) == NULL)
			goto out;
		if (t->kind == T_ASSIGN) {
			a = PUSH(c->assigns, c->nassigns, acap);
			a->name = t->name;
			t->name = NULL;
			take_word(p, &a->value);
		} else if (t->kind == T_REDIR) {
			if (parse_redir(p, c, rcap) == -1)
				goto out;
		} else if (t->kind == T_WORD) {
			if (c->nwords == 0 && check_name(p, t) == -1)
				goto out;
			take_word(p, PUSH(c->words, c->nwords, wcap));
			if (c->nwords > 1)
				continue;
			/* f() body, echo () bash: a function definition. */
			p->lx.assign_ok = 0;
			if ((t = peek(p)) == NULL)
				goto out;
			if (t->kind == T_LPAREN || t->kind == T_DLPAREN) {
				lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
				    "function definitions are not supported");
				goto out;
			}
		} else
			break;
	}
	ret = 0;
out:
	p->lx.assign_ok = 1;
	return ret;
}

static int
parse_subshell(struct parser *p, struct command *c)
{
	struct token *t = &p->tok;

	c->kind = C_SUBSHELL;
	if (enter(p, t->off) == -1)
		return -1;
	drop(p);
	if (parse_body(p, &c->body) == -1)
		return -1;
	if ((t = peek(p)) == NULL)
		return -1;
	if (t->kind == T_EOF)
		return lex_error(p->lx.g, PARSE_SYNTAX, t->off,
		    "missing ')'");
	if (t->kind != T_RPAREN)
		return near(p, t);
	drop(p);
	p->depth--;
	return 0;
}

static int
parse_if(struct parser *p, struct command *c)
{
	struct ifclause *cl;
	struct token *t = &p->tok;
	size_t cap = 0;

	c->kind = C_IF;
	if (enter(p, t->off) == -1)
		return -1;
	drop(p);
	for (;;) {
		cl = PUSH(c->clauses, c->nclauses, cap);
		if (parse_body(p, &cl->cond) == -1 ||
		    expect_kw(p, "then") == -1 ||
		    parse_body(p, &cl->body) == -1)
			return -1;
		if ((t = peek(p)) == NULL)
			return -1;
		if (is_kw(t, "elif")) {
			drop(p);
			continue;
		}
		if (is_kw(t, "else")) {
			drop(p);
			if (parse_body(p, &c->elsebody) == -1)
				return -1;
		}
		break;
	}
	if (expect_kw(p, "fi") == -1)
		return -1;
	p->depth--;
	return 0;
}

static int
parse_command(struct parser *p, struct command *c)
{
	struct token *t;
	size_t rcap = 0;

	if ((t = peek(p)) == NULL)
		return -1;
	switch (t->kind) {
	case T_LPAREN:
		if (parse_subshell(p, c) == -1)
			return -1;
		return parse_redirs(p, c, &rcap);
	case T_DLPAREN:
		return lex_error(p->lx.g, PARSE_UNSUPPORTED, t->off,
		    "arithmetic is not supported");
	case T_WORD:
		if (is_kw(t, "if")) {
			if (parse_if(p, c) == -1)
				return -1;
			return parse_redirs(p, c, &rcap);
		}
		if (is_any_kw(t))
			return near(p, t);
		return parse_simple(p, c, &rcap);
	case T_ASSIGN:
	case T_REDIR:
		return parse_simple(p, c, &rcap);
	default:
		return near(p, t);
	}
}

static int
parse_pipeline(struct parser *p, struct pipeline *pl)
{
	struct token *t;
	size_t cap = 0;

	if ((t = peek(p)) == NULL)
		return -1;
	if (is_kw(t, "!")) {
		pl->bang = 1;
		drop(p);
	}
	for (;;) {
		if (parse_command(p, PUSH(pl->cmds, pl->ncmds, cap)) == -1)
			return -1;
		if ((t = peek(p)) == NULL)
			return -1;
		if (t->kind != T_PIPE)
			return 0;
		drop(p);
		if (skip_newlines(p) == -1)
			return -1;
	}
}

static int
parse_andor(struct parser *p, struct andor *ao)
{
	struct token *t;
	size_t cap = 0, ocap = 0, nops = 0;
	enum andor_op *op;

	for (;;) {
		if (parse_pipeline(p, PUSH(ao->pipes, ao->npipes, cap)) == -1)
			return -1;
		if ((t = peek(p)) == NULL)
			return -1;
		if (t->kind != T_AND && t->kind != T_OR)
			return 0;
		op = PUSH(ao->ops, nops, ocap);
		*op = t->kind == T_AND ? AO_AND : AO_OR;
		drop(p);
		if (skip_newlines(p) == -1)
			return -1;
	}
}

/* Where a list ends: end of input, ')' or a keyword closing an if. */
static int
list_end(const struct token *t)
{
	return t->kind == T_EOF || t->kind == T_RPAREN || is_kw(t, "then") ||
	    is_kw(t, "elif") || is_kw(t, "else") || is_kw(t, "fi");
}

static int
parse_list(struct parser *p, struct list *l)
{
	struct token *t;
	size_t cap = 0;

	for (;;) {
		if (skip_newlines(p) == -1)
			return -1;
		if (list_end(&p->tok))
			return 0;
		if (parse_andor(p, PUSH(l->items, l->nitems, cap)) == -1)
			return -1;
		if ((t = peek(p)) == NULL)
			return -1;
		switch (t->kind) {
		case T_AMP:
			l->items[l->nitems - 1].bg = 1;
			/* FALLTHROUGH */
		case T_SEMI:
		case T_NEWLINE:
			drop(p);
			break;
		default:
			if (list_end(t))
				return 0;
			return near(p, t);
		}
	}
}

/* lex_subst_fn: $( ) in place, or the unescaped contents of ` `. */
static int
parse_subst(void *arg, const char *s, size_t len, size_t pos, size_t base,
    int paren, size_t *end, struct list **out)
{
	struct parser *outer = arg, sub;
	struct token *t;
	struct list *l = NULL;
	int ret = -1;

	memset(&sub, 0, sizeof(sub));
	lex_init(&sub.lx, s, len, base, outer->lx.g, parse_subst, &sub);
	sub.lx.pos = pos;
	sub.depth = outer->depth;
	if (enter(&sub, base + pos) == -1)
		goto out;
	l = xcalloc(1, sizeof(*l));
	if (parse_list(&sub, l) == -1 || (t = peek(&sub)) == NULL)
		goto out;
	if (paren && t->kind == T_RPAREN) {
		*end = t->end;
		drop(&sub);
	} else if (paren && t->kind == T_EOF) {
		lex_error(sub.lx.g, PARSE_SYNTAX, base + pos - 2,
		    "unterminated '$('");
		goto out;
	} else if (paren || t->kind != T_EOF) {
		near(&sub, t);
		goto out;
	}
	*out = l;
	l = NULL;
	ret = 0;
out:
	if (sub.have)
		token_clear(&sub.tok);
	ast_free(l);
	return ret;
}

static int
check_bytes(const char *line, size_t len, struct lex_shared *g)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			return lex_error(g, PARSE_BADBYTE, i,
			    "control byte 0x%02x at offset %zu", c, i);
	}
	return 0;
}

struct list *
parse_line(const char *line, size_t len, const struct parse_limits *lim,
    struct parse_error *err)
{
	struct parse_limits def;
	struct parse_error dummy;
	struct lex_shared g;
	struct parser p;
	struct list *l = NULL;
	struct token *t;

	if (err == NULL)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	if (lim == NULL) {
		parse_limits_default(&def);
		lim = &def;
	}
	memset(&g, 0, sizeof(g));
	g.lim = lim;
	g.err = err;
	if (line == NULL)
		len = 0;
	if (len > lim->line_max) {
		lex_error(&g, PARSE_TOOLONG, lim->line_max,
		    "line is longer than %zu bytes", lim->line_max);
		return NULL;
	}
	if (check_bytes(line, len, &g) == -1)
		return NULL;
	memset(&p, 0, sizeof(p));
	lex_init(&p.lx, line == NULL ? "" : line, len, 0, &g, parse_subst,
	    &p);
	l = xcalloc(1, sizeof(*l));
	if (parse_list(&p, l) == -1 || (t = peek(&p)) == NULL)
		goto fail;
	if (t->kind != T_EOF) {
		near(&p, t);
		goto fail;
	}
	drop(&p);
	return l;
fail:
	if (p.have)
		token_clear(&p.tok);
	ast_free(l);
	return NULL;
}
