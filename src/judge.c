/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line to its syntax tree and its static judgement, pure code (no
 * I/O): for --explain and for the caged shell alike.
 */
#include <string.h>

#include "ast.h"
#include "judge.h"

int
judge_line(const struct profile *p, const struct parse_limits *limits,
    const char *line, size_t len, struct judged *j)
{
	return judge_line_r(p, NULL, limits, line, len, j);
}

int
judge_line_r(const struct profile *p, const struct presolve *res,
    const struct parse_limits *limits, const char *line, size_t len,
    struct judged *j)
{
	memset(j, 0, sizeof(*j));
	if ((j->ast = parse_line(line, len, limits, &j->perr)) == NULL)
		return -1;
	policy_judge_line_r(p, res, j->ast, &j->pl);
	return 0;
}

void
judged_free(struct judged *j)
{
	if (j->ast != NULL) {
		pline_free(&j->pl);
		ast_free(j->ast);
	}
	memset(j, 0, sizeof(*j));
}
