/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the lexer/parser (not built by default; run by
 * tests/fuzz/run, or by hand):
 *	clang -g -fsanitize=fuzzer,address,undefined -Iinclude \
 *	    tests/fuzz/fuzz-parse.c src/lex.c src/parse.c src/ast.c \
 *	    src/xmalloc.c
 *	./a.out -max_total_time=60 CORPUS_DIR
 * The first input byte picks small limits, so that the limit paths are
 * reached as often as the grammar.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "parse.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_limits lim;
	struct parse_error err;
	struct list *l;
	struct sbuf b;
	char *copy;

	parse_limits_default(&lim);
	if (size > 0 && data[0] < 8) {
		lim.depth_max = data[0];
		lim.words_max = 4 + data[0] * 3;
		data++;
		size--;
	}
	/* An exact-size copy: any read past len is caught. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	l = parse_line(copy, size, &lim, &err);
	if (l == NULL && (err.code == PARSE_OK || err.msg[0] == '\0'))
		abort();
	if (l != NULL && err.code != PARSE_OK)
		abort();
	memset(&b, 0, sizeof(b));
	ast_dump(l, &b);
	sbuf_free(&b);
	ast_free(l);
	free(copy);
	return 0;
}
