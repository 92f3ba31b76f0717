/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lexer, pure code: bytes -> tokens, and each word -> parts with
 * their quoting; and the one test of a NAME (parse.h).
 * Every access to the input is bounded by len: the line handed to
 * parse_line() need not be NUL-terminated.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lex.h"
#include "parse.h"
#include "xmalloc.h"

/* A word under construction: parts so far plus pending literal bytes. */
struct wbuild {
	struct word	 w;
	size_t		 cap;
	struct sbuf	 pend;
	int		 pend_on;
	int		 pend_q;
	size_t		 events;	/* bytes or parts added so far */
};

static int	lex_dollar(struct lexer *, struct wbuild *, int);
static int	lex_backtick(struct lexer *, struct wbuild *, int);

int
lex_error(struct lex_shared *g, enum parse_err code, size_t off,
    const char *fmt, ...)
{
	va_list ap;

	if (g->err->code != PARSE_OK)
		return -1;
	g->err->code = code;
	g->err->offset = off;
	va_start(ap, fmt);
	(void)vsnprintf(g->err->msg, sizeof(g->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
lex_init(struct lexer *lx, const char *s, size_t len, size_t base,
    struct lex_shared *g, lex_subst_fn subst, void *arg)
{
	memset(lx, 0, sizeof(*lx));
	lx->s = s;
	lx->len = len;
	lx->base = base;
	lx->assign_ok = 1;
	lx->g = g;
	lx->subst = subst;
	lx->arg = arg;
}

void
token_clear(struct token *t)
{
	ast_word_clear(&t->word);
	free(t->name);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

/* The byte at i, or -1 past the end. */
static int
at(const struct lexer *lx, size_t i)
{
	return i < lx->len ? (unsigned char)lx->s[i] : -1;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Bytes that end an unquoted word. */
static int
is_delim(int c)
{
	return c == -1 || is_blank(c) || (c != '\0' &&
	    strchr(";&|()<>\n", c) != NULL);
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_namestart(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

size_t
parse_name_len(const char *s, size_t len)
{
	size_t n;

	if (len == 0 || !is_namestart((unsigned char)s[0]))
		return 0;
	for (n = 1; n < len && (is_namestart((unsigned char)s[n]) ||
	    is_digit((unsigned char)s[n])); n++)
		;
	return n;
}

int
parse_is_name(const char *s, size_t len)
{
	return len > 0 && parse_name_len(s, len) == len;
}

/* Length of the NAME at i, 0 if none. */
static size_t
name_len(const struct lexer *lx, size_t i)
{
	return i < lx->len ? parse_name_len(lx->s + i, lx->len - i) : 0;
}

static void
wb_push(struct wbuild *b, enum wpart_kind kind, int quoted, char *text,
    struct list *sub)
{
	struct wpart *p;

	if (b->w.nparts == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4;
		b->w.parts = xreallocarray(b->w.parts, b->cap,
		    sizeof(*b->w.parts));
	}
	p = &b->w.parts[b->w.nparts++];
	p->kind = kind;
	p->quoted = quoted;
	p->text = text;
	p->sub = sub;
	b->events++;
}

static void
wb_flush(struct wbuild *b)
{
	if (!b->pend_on)
		return;
	b->pend_on = 0;
	wb_push(b, WP_LIT, b->pend_q, sbuf_take(&b->pend), NULL);
}

static void
wb_addn(struct wbuild *b, const char *s, size_t n, int quoted)
{
	if (b->pend_on && b->pend_q != quoted)
		wb_flush(b);
	b->pend_on = 1;
	b->pend_q = quoted;
	sbuf_addn(&b->pend, s, n);
	b->events++;
}

static void
wb_addc(struct wbuild *b, char c, int quoted)
{
	wb_addn(b, &c, 1, quoted);
}

/*
 * '' and "" yield an empty quoted literal, so that the word still
 * expands to one (empty) argument.
 */
static void
wb_touch(struct wbuild *b)
{
	wb_addn(b, "", 0, 1);
}

static void
wb_free(struct wbuild *b)
{
	ast_word_clear(&b->w);
	sbuf_free(&b->pend);
}

/* Sets W_GLOB, W_LITERAL and lit from the parts. */
static void
word_finish(struct word *w)
{
	struct sbuf lit;
	const char *p;
	size_t i;
	int literal = 1, glob = 0, bracket = 0;

	for (i = 0; i < w->nparts; i++) {
		if (w->parts[i].kind != WP_LIT) {
			literal = 0;
			continue;
		}
		if (w->parts[i].quoted)
			continue;
		for (p = w->parts[i].text; *p != '\0'; p++) {
			if (*p == '*' || *p == '?')
				glob = 1;
			else if (*p == '[')
				bracket = 1;
			else if (*p == ']' && bracket)
				glob = 1;
		}
	}
	w->flags = glob ? W_GLOB : 0;
	if (!literal || glob)
		return;
	w->flags |= W_LITERAL;
	memset(&lit, 0, sizeof(lit));
	for (i = 0; i < w->nparts; i++)
		sbuf_adds(&lit, w->parts[i].text);
	w->lit = sbuf_take(&lit);
}

static void
wb_finish(struct wbuild *b, struct word *out, const char *src, size_t n)
{
	wb_flush(b);
	sbuf_free(&b->pend);
	*out = b->w;
	memset(&b->w, 0, sizeof(b->w));
	out->src = xstrndup(src, n);
	word_finish(out);
}

/* An unquoted ~ at the start of a word or an assignment value. */
static int
lex_tilde(struct lexer *lx, struct wbuild *b)
{
	int c = at(lx, lx->pos + 1);

	/*
	 * ~user, ~+, ~- and ~ followed by quotes would make the line mean
	 * something else to a reader than to a shell: refused.
	 */
	if (c != '/' && !is_delim(c))
		return lex_error(lx->g, PARSE_UNSUPPORTED,
		    lx->base + lx->pos, "~user is not supported");
	wb_push(b, WP_TILDE, 0, xstrdup("~"), NULL);
	lx->pos++;
	return 0;
}

static int
lex_squote(struct lexer *lx, struct wbuild *b)
{
	const char *end;
	size_t start = lx->pos + 1;

	end = memchr(lx->s + start, '\'', lx->len - start);
	if (end == NULL)
		return lex_error(lx->g, PARSE_SYNTAX, lx->base + lx->pos,
		    "unterminated \"'\"");
	if (end == lx->s + start)
		wb_touch(b);
	else
		wb_addn(b, lx->s + start, (size_t)(end - (lx->s + start)), 1);
	lx->pos = (size_t)(end - lx->s) + 1;
	return 0;
}

static int
lex_dquote(struct lexer *lx, struct wbuild *b)
{
	size_t open = lx->pos, events = b->events;
	int c, n;

	lx->pos++;
	for (;;) {
		if ((c = at(lx, lx->pos)) == -1)
			return lex_error(lx->g, PARSE_SYNTAX, lx->base + open,
			    "unterminated '\"'");
		if (c == '"')
			break;
		if (c == '\\') {
			n = at(lx, lx->pos + 1);
			if (n == '\n') {
				lx->pos += 2;
			} else if (n == '"' || n == '\\' || n == '$' ||
			    n == '`') {
				wb_addc(b, (char)n, 1);
				lx->pos += 2;
			} else {
				wb_addc(b, '\\', 1);
				lx->pos++;
			}
		} else if (c == '$') {
			if (lex_dollar(lx, b, 1) == -1)
				return -1;
		} else if (c == '`') {
			if (lex_backtick(lx, b, 1) == -1)
				return -1;
		} else {
			wb_addc(b, (char)c, 1);
			lx->pos++;
		}
	}
	lx->pos++;
	if (b->events == events)
		wb_touch(b);
	return 0;
}

/* $NAME ${NAME} $? $$ $( ); anything else after $ is refused or literal. */
static int
lex_dollar(struct lexer *lx, struct wbuild *b, int quoted)
{
	size_t pos = lx->pos, off = lx->base + lx->pos, n, end;
	struct list *sub;
	int c = at(lx, pos + 1);

	if (c == '(') {
		if (at(lx, pos + 2) == '(')
			return lex_error(lx->g, PARSE_UNSUPPORTED, off,
			    "arithmetic is not supported");
		if (lx->subst(lx->arg, lx->s, lx->len, pos + 2, lx->base, 1,
		    &end, &sub) == -1)
			return -1;
		wb_flush(b);
		wb_push(b, WP_CMDSUB, quoted,
		    xstrndup(lx->s + pos + 2, end - 1 - (pos + 2)), sub);
		lx->pos = end;
		return 0;
	}
	if (c == '{') {
		n = name_len(lx, pos + 2);
		if (n > 0 && at(lx, pos + 2 + n) == '}') {
			wb_flush(b);
			wb_push(b, WP_PARAM, quoted,
			    xstrndup(lx->s + pos + 2, n), NULL);
			lx->pos = pos + 3 + n;
			return 0;
		}
		if (memchr(lx->s + pos, '}', lx->len - pos) == NULL)
			return lex_error(lx->g, PARSE_SYNTAX, off,
			    "unterminated '${'");
		return lex_error(lx->g, PARSE_UNSUPPORTED, off,
		    "parameter operators are not supported");
	}
	if ((n = name_len(lx, pos + 1)) > 0) {
		wb_flush(b);
		wb_push(b, WP_PARAM, quoted, xstrndup(lx->s + pos + 1, n),
		    NULL);
		lx->pos = pos + 1 + n;
		return 0;
	}
	if (c == '?' || c == '$') {
		wb_flush(b);
		wb_push(b, WP_PARAM, quoted, xstrndup(lx->s + pos + 1, 1),
		    NULL);
		lx->pos = pos + 2;
		return 0;
	}
	/* bash reads $'..' as C escapes and $".." as a translation. */
	if (!quoted && (c == '\'' || c == '"'))
		return lex_error(lx->g, PARSE_UNSUPPORTED, off,
		    "$%c...%c quoting is not supported", c, c);
	if (is_digit(c) || (c != -1 && c != '\0' &&
	    strchr("@*#!-", c) != NULL))
		return lex_error(lx->g, PARSE_UNSUPPORTED, off,
		    "special parameter $%c is not supported", c);
	wb_addc(b, '$', quoted);
	lx->pos++;
	return 0;
}

/*
 * `...`: the extent ends at the first unescaped backquote.  Inside,
 * \$ \` \\ (and \" within double quotes) lose their backslash before
 * the contents are parsed as a list of their own.
 */
static int
lex_backtick(struct lexer *lx, struct wbuild *b, int quoted)
{
	struct sbuf un;
	struct list *sub;
	size_t open = lx->pos, close, i;
	int c, n, ret;

	for (close = open + 1; ; close++) {
		if ((c = at(lx, close)) == -1)
			return lex_error(lx->g, PARSE_SYNTAX, lx->base + open,
			    "unterminated '`'");
		if (c == '`')
			break;
		if (c == '\\' && at(lx, close + 1) != -1)
			close++;
	}
	memset(&un, 0, sizeof(un));
	sbuf_addn(&un, "", 0);
	for (i = open + 1; i < close; i++) {
		c = at(lx, i);
		n = at(lx, i + 1);
		if (c == '\\' && i + 1 < close && (n == '$' || n == '`' ||
		    n == '\\' || (quoted && n == '"'))) {
			sbuf_addc(&un, (char)n);
			i++;
		} else
			sbuf_addc(&un, (char)c);
	}
	ret = lx->subst(lx->arg, un.s, un.len, 0, lx->base + open + 1, 0,
	    NULL, &sub);
	sbuf_free(&un);
	if (ret == -1)
		return -1;
	wb_flush(b);
	wb_push(b, WP_CMDSUB, quoted, xstrndup(lx->s + open + 1,
	    close - open - 1), sub);
	lx->pos = close + 1;
	return 0;
}

static int
lex_word(struct lexer *lx, struct token *t)
{
	struct wbuild b;
	size_t n, vstart;
	int c, nc;

	memset(&b, 0, sizeof(b));
	t->kind = T_WORD;
	n = name_len(lx, lx->pos);
	if (lx->assign_ok && n > 0 && at(lx, lx->pos + n) == '=') {
		t->kind = T_ASSIGN;
		t->name = xstrndup(lx->s + lx->pos, n);
		lx->pos += n + 1;
	}
	vstart = lx->pos;
	if (at(lx, lx->pos) == '~' && lex_tilde(lx, &b) == -1)
		goto fail;
	while (!is_delim(c = at(lx, lx->pos))) {
		switch (c) {
		case '\\':
			/* \<newline> joins lines; a final \ stays as is. */
			nc = at(lx, lx->pos + 1);
			if (nc == -1) {
				wb_addc(&b, '\\', 1);
				lx->pos++;
			} else {
				if (nc != '\n')
					wb_addc(&b, (char)nc, 1);
				lx->pos += 2;
			}
			break;
		case '\'':
			if (lex_squote(lx, &b) == -1)
				goto fail;
			break;
		case '"':
			if (lex_dquote(lx, &b) == -1)
				goto fail;
			break;
		case '$':
			if (lex_dollar(lx, &b, 0) == -1)
				goto fail;
			break;
		case '`':
			if (lex_backtick(lx, &b, 0) == -1)
				goto fail;
			break;
		default:
			wb_addc(&b, (char)c, 0);
			lx->pos++;
			break;
		}
	}
	if (++lx->g->nwords > lx->g->lim->words_max) {
		lex_error(lx->g, PARSE_TOOMANYWORDS, t->off,
		    "more than %zu words", lx->g->lim->words_max);
		goto fail;
	}
	wb_finish(&b, &t->word, lx->s + vstart, lx->pos - vstart);
	return 0;
fail:
	wb_free(&b);
	free(t->name);
	t->name = NULL;
	return -1;
}

/* After an optional IO number: < > >> <& >&, and what is refused. */
static int
lex_redir(struct lexer *lx, struct token *t, int fd)
{
	size_t off = lx->base + lx->pos;
	int c = at(lx, lx->pos), n = at(lx, lx->pos + 1);

	t->kind = T_REDIR;
	t->fd = fd;
	if (n == '(')
		return lex_error(lx->g, PARSE_UNSUPPORTED, off,
		    "process substitution is not supported");
	if (c == '<') {
		if (n == '<')
			return lex_error(lx->g, PARSE_UNSUPPORTED, off,
			    "here-documents are not supported");
		if (n == '>')
			return lex_error(lx->g, PARSE_UNSUPPORTED, off,
			    "<> is not supported");
		t->op = n == '&' ? R_DUPIN : R_IN;
	} else {
		if (n == '|')
			return lex_error(lx->g, PARSE_UNSUPPORTED, off,
			    ">| is not supported");
		t->op = n == '>' ? R_APPEND : n == '&' ? R_DUPOUT : R_OUT;
	}
	lx->pos += t->op == R_IN || t->op == R_OUT ? 1 : 2;
	if (fd > 9)
		return lex_error(lx->g, PARSE_UNSUPPORTED, t->off,
		    "file descriptors above 9 are not supported");
	return 0;
}

static int
lex_op(struct lexer *lx, struct token *t)
{
	int c = at(lx, lx->pos), n = at(lx, lx->pos + 1);

	lx->pos++;
	switch (c) {
	case '\n':
		t->kind = T_NEWLINE;
		break;
	case ';':
		t->kind = T_SEMI;
		break;
	case '&':
		if (n == '>')
			return lex_error(lx->g, PARSE_UNSUPPORTED, t->off,
			    "&> is not supported");
		t->kind = n == '&' ? T_AND : T_AMP;
		break;
	case '|':
		t->kind = n == '|' ? T_OR : T_PIPE;
		break;
	case '(':
		t->kind = n == '(' ? T_DLPAREN : T_LPAREN;
		break;
	default:
		t->kind = T_RPAREN;
		return 0;
	}
	if (t->kind == T_AND || t->kind == T_OR || t->kind == T_DLPAREN)
		lx->pos++;
	return 0;
}

int
lex_next(struct lexer *lx, struct token *t)
{
	size_t i;
	int c, fd;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	for (;;) {
		c = at(lx, lx->pos);
		if (is_blank(c))
			lx->pos++;
		else if (c == '\\' && at(lx, lx->pos + 1) == '\n')
			lx->pos += 2;
		else if (c == '#') {
			while ((c = at(lx, lx->pos)) != -1 && c != '\n')
				lx->pos++;
		} else
			break;
	}
	t->start = lx->pos;
	t->off = lx->base + lx->pos;
	if (c == -1)
		t->kind = T_EOF;
	else if (c == '<' || c == '>') {
		if (lex_redir(lx, t, -1) == -1)
			return -1;
	} else if (is_delim(c)) {
		if (lex_op(lx, t) == -1)
			return -1;
	} else {
		for (i = lx->pos, fd = 0; is_digit(at(lx, i)); i++)
			if ((fd = fd * 10 + at(lx, i) - '0') > 9)
				fd = 10;
		if (i > lx->pos && (at(lx, i) == '<' || at(lx, i) == '>')) {
			lx->pos = i;
			if (lex_redir(lx, t, fd) == -1)
				return -1;
		} else if (lex_word(lx, t) == -1)
			return -1;
	}
	t->end = lx->pos;
	return 0;
}
