/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Freeing and dumping the syntax tree.  The dump format is pinned by
 * the golden files and documented in tests/parse/README.
 * Pure code, no privilege.
 */
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lex.h"
#include "xmalloc.h"

static void	dump_list(const struct list *, struct sbuf *, int);

void
ast_word_clear(struct word *w)
{
	size_t i;

	for (i = 0; i < w->nparts; i++) {
		free(w->parts[i].text);
		ast_free(w->parts[i].sub);
	}
	free(w->parts);
	free(w->lit);
	free(w->src);
	memset(w, 0, sizeof(*w));
}

static void
command_clear(struct command *c)
{
	size_t i;

	for (i = 0; i < c->nassigns; i++) {
		free(c->assigns[i].name);
		ast_word_clear(&c->assigns[i].value);
	}
	free(c->assigns);
	for (i = 0; i < c->nwords; i++)
		ast_word_clear(&c->words[i]);
	free(c->words);
	ast_free(c->body);
	for (i = 0; i < c->nclauses; i++) {
		ast_free(c->clauses[i].cond);
		ast_free(c->clauses[i].body);
	}
	free(c->clauses);
	ast_free(c->elsebody);
	for (i = 0; i < c->nredirs; i++)
		ast_word_clear(&c->redirs[i].target);
	free(c->redirs);
}

void
ast_free(struct list *l)
{
	struct andor *ao;
	struct pipeline *pl;
	size_t i, j, k;

	if (l == NULL)
		return;
	for (i = 0; i < l->nitems; i++) {
		ao = &l->items[i];
		for (j = 0; j < ao->npipes; j++) {
			pl = &ao->pipes[j];
			for (k = 0; k < pl->ncmds; k++)
				command_clear(&pl->cmds[k]);
			free(pl->cmds);
		}
		free(ao->pipes);
		free(ao->ops);
	}
	free(l->items);
	free(l);
}

static void
indent(struct sbuf *b, int lvl)
{
	int i;

	for (i = 0; i < lvl; i++)
		sbuf_addn(b, "  ", 2);
}

/* A C-style quoted string: user bytes never reach the dump raw. */
static void
dump_str(struct sbuf *b, const char *s)
{
	unsigned char c;

	sbuf_addc(b, '"');
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '"' || c == '\\') {
			sbuf_addc(b, '\\');
			sbuf_addc(b, (char)c);
		} else if (c == '\n')
			sbuf_adds(b, "\\n");
		else if (c == '\t')
			sbuf_adds(b, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			sbuf_addf(b, "\\x%02x", c);
		else
			sbuf_addc(b, (char)c);
	}
	sbuf_addc(b, '"');
}

static void
dump_word(const struct word *w, struct sbuf *b, int lvl)
{
	const struct wpart *p;
	size_t i;

	indent(b, lvl);
	sbuf_adds(b, "word");
	if (w->flags & W_LITERAL) {
		sbuf_adds(b, " literal ");
		dump_str(b, w->lit);
	}
	if (w->flags & W_GLOB)
		sbuf_adds(b, " glob");
	sbuf_adds(b, " src ");
	dump_str(b, w->src ? w->src : "");
	sbuf_addc(b, '\n');
	for (i = 0; i < w->nparts; i++) {
		p = &w->parts[i];
		indent(b, lvl + 1);
		switch (p->kind) {
		case WP_LIT:
			sbuf_adds(b, "lit");
			break;
		case WP_PARAM:
			sbuf_adds(b, "param");
			break;
		case WP_CMDSUB:
			sbuf_adds(b, "cmdsub");
			break;
		case WP_TILDE:
			sbuf_adds(b, "tilde");
			break;
		}
		if (p->quoted)
			sbuf_adds(b, " quoted");
		if (p->kind != WP_TILDE) {
			sbuf_addc(b, ' ');
			dump_str(b, p->text);
		}
		sbuf_addc(b, '\n');
		if (p->kind == WP_CMDSUB && p->sub != NULL)
			dump_list(p->sub, b, lvl + 2);
	}
}

static void
dump_redir(const struct redir *r, struct sbuf *b, int lvl)
{
	static const char *const ops[] = {
		[R_IN] = "<", [R_OUT] = ">", [R_APPEND] = ">>",
		[R_DUPIN] = "<&", [R_DUPOUT] = ">&",
	};

	indent(b, lvl);
	sbuf_addf(b, "redir %d%s", r->fd, ops[r->op]);
	if (r->op == R_DUPIN || r->op == R_DUPOUT) {
		sbuf_addf(b, "%d\n", r->dupfd);
		return;
	}
	sbuf_addc(b, '\n');
	dump_word(&r->target, b, lvl + 1);
}

static void
dump_labelled(const char *label, const struct list *l, struct sbuf *b,
    int lvl)
{
	indent(b, lvl);
	sbuf_adds(b, label);
	sbuf_addc(b, '\n');
	dump_list(l, b, lvl + 1);
}

static void
dump_command(const struct command *c, struct sbuf *b, int lvl)
{
	size_t i;

	indent(b, lvl);
	switch (c->kind) {
	case C_SIMPLE:
		sbuf_adds(b, "simple\n");
		for (i = 0; i < c->nassigns; i++) {
			indent(b, lvl + 1);
			sbuf_adds(b, "assign ");
			dump_str(b, c->assigns[i].name);
			sbuf_addc(b, '\n');
			dump_word(&c->assigns[i].value, b, lvl + 2);
		}
		for (i = 0; i < c->nwords; i++)
			dump_word(&c->words[i], b, lvl + 1);
		break;
	case C_SUBSHELL:
		sbuf_adds(b, "subshell\n");
		dump_list(c->body, b, lvl + 1);
		break;
	case C_IF:
		sbuf_adds(b, "if\n");
		for (i = 0; i < c->nclauses; i++) {
			dump_labelled("cond", c->clauses[i].cond, b, lvl + 1);
			dump_labelled("then", c->clauses[i].body, b, lvl + 1);
		}
		if (c->elsebody != NULL)
			dump_labelled("else", c->elsebody, b, lvl + 1);
		break;
	}
	for (i = 0; i < c->nredirs; i++)
		dump_redir(&c->redirs[i], b, lvl + 1);
}

static void
dump_list(const struct list *l, struct sbuf *b, int lvl)
{
	const struct andor *ao;
	const struct pipeline *pl;
	size_t i, j, k;

	indent(b, lvl);
	if (l == NULL) {
		sbuf_adds(b, "(null)\n");
		return;
	}
	sbuf_adds(b, "list\n");
	for (i = 0; i < l->nitems; i++) {
		ao = &l->items[i];
		indent(b, lvl + 1);
		sbuf_adds(b, ao->bg ? "andor &\n" : "andor\n");
		for (j = 0; j < ao->npipes; j++) {
			if (j > 0) {
				indent(b, lvl + 2);
				sbuf_adds(b, ao->ops[j - 1] == AO_AND ?
				    "&&\n" : "||\n");
			}
			pl = &ao->pipes[j];
			indent(b, lvl + 2);
			sbuf_adds(b, pl->bang ? "pipeline !\n" :
			    "pipeline\n");
			for (k = 0; k < pl->ncmds; k++)
				dump_command(&pl->cmds[k], b, lvl + 3);
		}
	}
}

void
ast_dump(const struct list *l, struct sbuf *b)
{
	dump_list(l, b, 0);
}
