/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parser tests: golden files (tests/parse/NN.in -> NN.out), the real
 * Capistrano session lines, the language-level attack lines, and unit
 * cases for limits, bad bytes and every refusal.
 */
#include <errno.h>
#include <stdarg.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "ast.h"
#include "parse.h"
#include "slurp.h"
#include "xmalloc.h"

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL && *s != '\0' ? s : ".";
}

/*
 * Parses a copy of exactly len bytes (no NUL after it), so that ASan
 * catches any read past the end.
 */
static struct list *
parse_exact(const char *s, size_t len, const struct parse_limits *lim,
    struct parse_error *err)
{
	struct list *l;
	char *copy;

	copy = xmalloc(len);
	memcpy(copy, s, len);
	l = parse_line(len ? copy : NULL, len, lim, err);
	free(copy);
	return l;
}

/*
 * One check: the len bytes at s parse under lim (PARSE_OK), or are
 * refused with want.
 */
static void __attribute__((format(printf, 5, 6)))
expect(const char *s, size_t len, const struct parse_limits *lim,
    enum parse_err want, const char *fmt, ...)
{
	struct parse_error err;
	struct list *l;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	l = parse_exact(s, len, lim, &err);
	if (want == PARSE_OK)
		ok(l != NULL, "%s", what);
	else
		ok(l == NULL && err.code == want, "%s", what);
	if ((l == NULL) != (want != PARSE_OK))
		tap_diag("  got %s: %s", parse_strerror(err.code), err.msg);
	ast_free(l);
}

struct limit_case {
	const char	*line;
	enum parse_err	 want;
	const char	*what;
};

static void
limit_cases(const struct limit_case *c, size_t n,
    const struct parse_limits *lim)
{
	for (; n > 0; c++, n--)
		expect(c->line, strlen(c->line), lim, c->want, "%s", c->what);
}

static char *
render(const char *s, size_t len, const struct parse_limits *lim)
{
	struct parse_error err;
	struct sbuf b;
	struct list *l;

	memset(&b, 0, sizeof(b));
	sbuf_addn(&b, "", 0);
	if ((l = parse_exact(s, len, lim, &err)) == NULL)
		sbuf_addf(&b, "error: %s: %s\n", parse_strerror(err.code),
		    err.msg);
	else
		ast_dump(l, &b);
	ast_free(l);
	return sbuf_take(&b);
}

/* Prints the first differing line of got and want. */
static void
diff_diag(const char *got, const char *want)
{
	const char *g = got, *w = want, *ge, *we;
	int line = 1;

	for (;;) {
		ge = strchr(g, '\n');
		we = strchr(w, '\n');
		ge = ge ? ge : g + strlen(g);
		we = we ? we : w + strlen(w);
		if (ge - g != we - w || memcmp(g, w, (size_t)(ge - g)) != 0)
			break;
		if (*ge == '\0' || *we == '\0')
			break;
		g = ge + 1;
		w = we + 1;
		line++;
	}
	tap_diag("  first difference at line %d", line);
	tap_diag("  got:  %.*s", (int)(ge - g), g);
	tap_diag("  want: %.*s", (int)(we - w), w);
}

static void
golden(void)
{
	struct parse_limits lim;
	glob_t gl;
	char *pat, *in, *want, *got, *outpath;
	size_t i, inlen, wantlen, n;
	const char *regen = getenv("CAGESH_REGEN");
	FILE *f;

	xasprintf(&pat, "%s/tests/parse/*.in", srcdir());
	if (glob(pat, 0, NULL, &gl) != 0) {
		ok(0, "golden files found at %s", pat);
		free(pat);
		return;
	}
	free(pat);
	ok(gl.gl_pathc >= 60, "at least 60 golden files (%zu)",
	    gl.gl_pathc);
	for (i = 0; i < gl.gl_pathc; i++) {
		if ((in = slurp(gl.gl_pathv[i], &inlen)) == NULL) {
			ok(0, "read %s", gl.gl_pathv[i]);
			continue;
		}
		if (inlen > 0 && in[inlen - 1] == '\n')
			inlen--;
		parse_limits_default(&lim);
		if (strncmp(in, "# limits:", 9) == 0 &&
		    sscanf(in, "# limits: line=%zu words=%zu depth=%zu",
		    &lim.line_max, &lim.words_max, &lim.depth_max) != 3)
			tap_diag("bad limits line in %s", gl.gl_pathv[i]);
		got = render(in, inlen, &lim);
		n = strlen(gl.gl_pathv[i]);
		xasprintf(&outpath, "%.*s.out", (int)(n - 3),
		    gl.gl_pathv[i]);
		if (regen != NULL && strcmp(regen, "1") == 0) {
			f = fopen(outpath, "w");
			ok(f != NULL && fputs(got, f) >= 0 && fclose(f) == 0,
			    "regen %s", outpath);
		} else if ((want = slurp(outpath, &wantlen)) == NULL) {
			ok(0, "%s: %s", outpath, strerror(errno));
		} else {
			ok(strcmp(got, want) == 0, "golden %s",
			    strrchr(gl.gl_pathv[i], '/') + 1);
			if (strcmp(got, want) != 0)
				diff_diag(got, want);
			free(want);
		}
		free(outpath);
		free(got);
		free(in);
	}
	globfree(&gl);
}

/*
 * A file under ../shared (or $CAGESH_SHARED), NUL-terminated.  Missing,
 * it is skipped, or a failure when CAGESH_SHARED asked for it.
 */
static char *
shared_file(const char *rel)
{
	const char *shared = getenv("CAGESH_SHARED");
	char *path, *data;
	size_t len;

	if (shared != NULL)
		xasprintf(&path, "%s/%s", shared, rel);
	else
		xasprintf(&path, "%s/../shared/%s", srcdir(), rel);
	if ((data = slurp(path, &len)) == NULL) {
		if (shared != NULL)
			ok(0, "%s: %s", path, strerror(errno));
		else
			tap_diag("%s not found, skipped", path);
	}
	free(path);
	return data;
}

/* The next line of a buffer, cut in place; NULL at its end. */
static char *
next_line(char **p)
{
	char *line = *p, *nl;

	if (*line == '\0')
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL)
		*nl++ = '\0';
	else
		nl = line + strlen(line);
	*p = nl;
	return line;
}

static void
sessions(void)
{
	struct parse_error err;
	struct list *l;
	char *data, *p, *line;
	size_t n = 0, bad = 0;

	if ((p = data = shared_file("capistrano/sessions.txt")) == NULL)
		return;
	while ((line = next_line(&p)) != NULL) {
		if (*line == '\0' || *line == '#')
			continue;
		n++;
		if ((l = parse_exact(line, strlen(line), NULL, &err)) ==
		    NULL) {
			bad++;
			tap_diag("%s: %s: %s", line, parse_strerror(err.code),
			    err.msg);
		}
		ast_free(l);
	}
	ok(n > 100 && bad == 0, "%zu session lines parse (%zu failed)", n,
	    bad);
	free(data);
}

struct refusal {
	const char	*line;
	enum parse_err	 code;
	const char	*msg;		/* a substring of err.msg */
};

/* s with control bytes shown as ^X, for a one-line TAP description. */
static const char *
printable(const char *s, char *buf, size_t size)
{
	size_t i = 0;

	for (; *s != '\0' && i + 3 < size; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			buf[i++] = '^';
			buf[i++] = (char)(*s ^ 0x40);
		} else
			buf[i++] = *s;
	}
	buf[i] = '\0';
	return buf;
}

static void
expect_refusals(const char *what, const struct refusal *r, size_t n)
{
	struct parse_error err;
	struct list *l;
	char buf[128];
	size_t i;

	for (i = 0; i < n; i++) {
		l = parse_exact(r[i].line, strlen(r[i].line), NULL, &err);
		ok(l == NULL && err.code == r[i].code &&
		    strstr(err.msg, r[i].msg) != NULL, "%s: %s", what,
		    printable(r[i].line, buf, sizeof(buf)));
		if (l != NULL || err.code != r[i].code ||
		    strstr(err.msg, r[i].msg) == NULL)
			tap_diag("  got %s: %s", parse_strerror(err.code),
			    err.msg);
		ast_free(l);
	}
}

static const struct refusal attacks[] = {
	{ "echo FREEDOM! && help () sh && help", PARSE_UNSUPPORTED,
	    "function definitions" },
	{ "echo () bash && echo", PARSE_UNSUPPORTED, "function definitions" },
	{ "f() { sh; }; f", PARSE_UNSUPPORTED, "function definitions" },
	{ "echo ok ||| echo pwn", PARSE_SYNTAX, "near '|'" },
	{ "exec sh", PARSE_UNSUPPORTED, "exec is not supported" },
	{ "eval sh", PARSE_UNSUPPORTED, "eval is not supported" },
	{ ". /tmp/evil.sh", PARSE_UNSUPPORTED, ". is not supported" },
	{ "source /tmp/evil.sh", PARSE_UNSUPPORTED,
	    "source is not supported" },
	{ "echo \001x", PARSE_BADBYTE, "control byte 0x01 at offset 5" },
};

/* The language-level lines of attacks/public.txt, when it is there. */
static void
attacks_file(void)
{
	char *data, *p, *line;
	size_t i, found = 0;

	if ((p = data = shared_file("attacks/public.txt")) == NULL)
		return;
	while ((line = next_line(&p)) != NULL) {
		for (i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
			if (strcmp(line, attacks[i].line) == 0) {
				found++;
				expect_refusals("public.txt", &attacks[i], 1);
			}
	}
	ok(found == sizeof(attacks) / sizeof(attacks[0]),
	    "every language attack is in public.txt (%zu)", found);
	free(data);
}

static const struct refusal refusals[] = {
	{ "( )", PARSE_SYNTAX, "near ')'" },
	{ "a ;;", PARSE_SYNTAX, "near ';'" },
	{ ";;", PARSE_SYNTAX, "near ';'" },
	{ "; a", PARSE_SYNTAX, "near ';'" },
	{ "a && && b", PARSE_SYNTAX, "near '&&'" },
	{ "a ||| b", PARSE_SYNTAX, "near '|'" },
	{ "|a", PARSE_SYNTAX, "near '|'" },
	{ "a |", PARSE_SYNTAX, "unexpected end of line" },
	{ "(a", PARSE_SYNTAX, "missing ')'" },
	{ "a)", PARSE_SYNTAX, "near ')'" },
	{ "if a; then b", PARSE_SYNTAX, "missing 'fi'" },
	{ "if a; b; fi", PARSE_SYNTAX, "near 'fi'" },
	{ "then a", PARSE_SYNTAX, "near 'then'" },
	{ "fi", PARSE_SYNTAX, "near 'fi'" },
	{ "a | ! b", PARSE_SYNTAX, "near '!'" },
	{ "echo \"ab", PARSE_SYNTAX, "unterminated '\"'" },
	{ "echo 'ab", PARSE_SYNTAX, "unterminated \"'\"" },
	{ "echo `ab", PARSE_SYNTAX, "unterminated '`'" },
	{ "echo $(ab", PARSE_SYNTAX, "unterminated '$('" },
	{ "echo ${ab", PARSE_SYNTAX, "unterminated '${'" },
	{ "echo >", PARSE_SYNTAX, "missing redirection target" },
	{ "echo > ;", PARSE_SYNTAX, "near ';'" },
	{ "~user/x", PARSE_UNSUPPORTED, "~user is not supported" },
	{ "echo ~root", PARSE_UNSUPPORTED, "~user is not supported" },
	{ "echo $0", PARSE_UNSUPPORTED, "special parameter $0" },
	{ "echo $9", PARSE_UNSUPPORTED, "special parameter $9" },
	{ "echo $@", PARSE_UNSUPPORTED, "special parameter $@" },
	{ "echo $*", PARSE_UNSUPPORTED, "special parameter $*" },
	{ "echo $#", PARSE_UNSUPPORTED, "special parameter $#" },
	{ "echo $!", PARSE_UNSUPPORTED, "special parameter $!" },
	{ "echo $-", PARSE_UNSUPPORTED, "special parameter $-" },
	{ "echo ${X:-x}", PARSE_UNSUPPORTED, "parameter operators" },
	{ "echo ${#X}", PARSE_UNSUPPORTED, "parameter operators" },
	{ "echo ${?}", PARSE_UNSUPPORTED, "parameter operators" },
	{ "echo $((1 + 2))", PARSE_UNSUPPORTED, "arithmetic" },
	{ "echo \"$((1))\"", PARSE_UNSUPPORTED, "arithmetic" },
	{ "((x = 1))", PARSE_UNSUPPORTED, "arithmetic" },
	{ "echo >&-", PARSE_UNSUPPORTED, "closing" },
	{ "echo <&-", PARSE_UNSUPPORTED, "closing" },
	{ "echo <>x", PARSE_UNSUPPORTED, "<> is not supported" },
	{ "echo >|x", PARSE_UNSUPPORTED, ">| is not supported" },
	{ "echo &>x", PARSE_UNSUPPORTED, "&> is not supported" },
	{ "echo >&file", PARSE_UNSUPPORTED, "file name" },
	{ "echo >&$x", PARSE_UNSUPPORTED, "non-literal" },
	{ "echo 10>x", PARSE_UNSUPPORTED, "above 9" },
	{ "echo 2>&10", PARSE_UNSUPPORTED, "above 9" },
	{ "cat <<EOF", PARSE_UNSUPPORTED, "here-documents" },
	{ "cat <<-EOF", PARSE_UNSUPPORTED, "here-documents" },
	{ "cat <<<x", PARSE_UNSUPPORTED, "here-documents" },
	{ "cat <(ls)", PARSE_UNSUPPORTED, "process substitution" },
	{ "tee >(ls)", PARSE_UNSUPPORTED, "process substitution" },
	{ "f () cmd", PARSE_UNSUPPORTED, "function definitions" },
	{ "help () sh", PARSE_UNSUPPORTED, "function definitions" },
	{ "alias x=y", PARSE_UNSUPPORTED, "alias is not supported" },
	{ "unalias x", PARSE_UNSUPPORTED, "unalias is not supported" },
	{ "function f { a; }", PARSE_UNSUPPORTED, "function definitions" },
	{ "for i in a; do b; done", PARSE_UNSUPPORTED, "loops" },
	{ "while a; do b; done", PARSE_UNSUPPORTED, "loops" },
	{ "until a; do b; done", PARSE_UNSUPPORTED, "loops" },
	{ "do a", PARSE_UNSUPPORTED, "loops" },
	{ "done", PARSE_UNSUPPORTED, "loops" },
	{ "case x in a) b;; esac", PARSE_UNSUPPORTED, "case" },
	{ "esac", PARSE_UNSUPPORTED, "case" },
	{ "select x in a; do b; done", PARSE_UNSUPPORTED, "select" },
	{ "{ a; }", PARSE_UNSUPPORTED, "brace groups" },
	{ "}", PARSE_UNSUPPORTED, "brace groups" },
	{ "[[ -f x ]]", PARSE_UNSUPPORTED, "[[" },
	{ "]]", PARSE_UNSUPPORTED, "[[" },
	{ "let x=1", PARSE_UNSUPPORTED, "arithmetic" },
	{ "coproc a", PARSE_UNSUPPORTED, "coproc" },
	{ "trap a EXIT", PARSE_UNSUPPORTED, "trap" },
	{ "set -e", PARSE_UNSUPPORTED, "set is not" },
	{ "unset X", PARSE_UNSUPPORTED, "unset" },
	{ "readonly X", PARSE_UNSUPPORTED, "readonly" },
	{ "local X", PARSE_UNSUPPORTED, "local" },
	{ "typeset X", PARSE_UNSUPPORTED, "typeset" },
	{ "declare X", PARSE_UNSUPPORTED, "declare" },
	{ "command sh", PARSE_UNSUPPORTED, "command is not" },
	{ "builtin cd", PARSE_UNSUPPORTED, "builtin" },
	{ "enable -f x y", PARSE_UNSUPPORTED, "enable" },
	{ "shopt -s x", PARSE_UNSUPPORTED, "shopt" },
	{ "hash -p /bin/sh ls", PARSE_UNSUPPORTED, "hash" },
	{ "read x", PARSE_UNSUPPORTED, "read" },
	{ "'eval' sh", PARSE_UNSUPPORTED, "eval is not supported" },
	{ "\"exec\" sh", PARSE_UNSUPPORTED, "exec is not supported" },
	{ "e\\val sh", PARSE_UNSUPPORTED, "eval is not supported" },
	{ "A=1 exec sh", PARSE_UNSUPPORTED, "exec is not supported" },
	{ ">x exec sh", PARSE_UNSUPPORTED, "exec is not supported" },
	{ "echo $(eval sh)", PARSE_UNSUPPORTED, "eval is not supported" },
	{ "echo `exec sh`", PARSE_UNSUPPORTED, "exec is not supported" },
	{ "$x args", PARSE_UNSUPPORTED, "literal word" },
	{ "$(ls) args", PARSE_UNSUPPORTED, "literal word" },
	{ "`ls` args", PARSE_UNSUPPORTED, "literal word" },
	{ "~/bin/$X", PARSE_UNSUPPORTED, "literal word" },
	{ "$HOME/bin/x$Y", PARSE_UNSUPPORTED, "literal word" },
	{ "$HOME/bin/-x", PARSE_UNSUPPORTED, "literal word" },
	{ "/bin/s*", PARSE_UNSUPPORTED, "literal word" },
	{ "/bin/s[h]", PARSE_UNSUPPORTED, "literal word" },
	{ "\"$SHELL\"", PARSE_UNSUPPORTED, "literal word" },
	{ "A=1 if a; then b; fi", PARSE_SYNTAX, "near 'if'" },
};

static const struct limit_case words4[] = {
	{ "a $(b c)", PARSE_OK, "words_max=4: a $(b c) is 4 words" },
	{ "a $(b c d)", PARSE_TOOMANYWORDS,
	    "words_max=4: a $(b c d) is 5 words" },
	{ "A=1 b >c d", PARSE_OK, "words_max=4: A=1 b >c d is 4 words" },
	{ "A=1 B=2 b >c d", PARSE_TOOMANYWORDS,
	    "words_max=4: assignments count" },
	{ "a `b c` d", PARSE_TOOMANYWORDS,
	    "words_max=4: backquoted words count" },
};

static const struct limit_case depth2[] = {
	{ "echo `echo \\`a\\``", PARSE_OK,
	    "depth_max=2: nested backquotes, 2 deep" },
	{ "(echo `echo \\`a\\``)", PARSE_TOODEEP,
	    "depth_max=2: subshell + 2 backquotes is 3 deep" },
};

static const struct limit_case depth0[] = {
	{ "a; b | c", PARSE_OK, "depth_max=0: flat lines parse" },
	{ "(a)", PARSE_TOODEEP, "depth_max=0: (a)" },
};

static void
limits(void)
{
	struct parse_limits lim;
	struct parse_error err;
	struct list *l;
	struct sbuf b;
	size_t i;

	/* line_max: at the limit and one over, never truncated. */
	parse_limits_default(&lim);
	memset(&b, 0, sizeof(b));
	sbuf_adds(&b, "echo ");
	while (b.len < PARSE_LINE_MAX)
		sbuf_addc(&b, 'a');
	expect(b.s, b.len, NULL, PARSE_OK, "line of exactly %d bytes parses",
	    PARSE_LINE_MAX);
	sbuf_addc(&b, 'a');
	expect(b.s, b.len, NULL, PARSE_TOOLONG, "one byte over: TOOLONG");
	sbuf_free(&b);
	lim.line_max = 4;
	expect("ls a", 4, &lim, PARSE_OK, "line_max=4: 4 bytes parse");
	l = parse_exact("ls ab", 5, &lim, &err);
	ok(l == NULL && err.code == PARSE_TOOLONG && err.offset == 4,
	    "line_max=4: 5 bytes TOOLONG at offset 4");
	ast_free(l);

	/* words_max: default, at and one over. */
	memset(&b, 0, sizeof(b));
	for (i = 0; i < PARSE_WORDS_MAX; i++)
		sbuf_adds(&b, "a ");
	expect(b.s, b.len, NULL, PARSE_OK, "%d words parse", PARSE_WORDS_MAX);
	sbuf_adds(&b, "a");
	expect(b.s, b.len, NULL, PARSE_TOOMANYWORDS, "%d words: TOOMANYWORDS",
	    PARSE_WORDS_MAX + 1);
	sbuf_free(&b);

	/* Words in substitutions, assignments and targets count too. */
	parse_limits_default(&lim);
	lim.words_max = 4;
	limit_cases(words4, sizeof(words4) / sizeof(words4[0]), &lim);
}

/* n nested levels of open + "a" + close. */
static char *
nest(const char *open, const char *close, size_t n)
{
	struct sbuf b;
	size_t i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < n; i++)
		sbuf_adds(&b, open);
	sbuf_adds(&b, "a");
	for (i = 0; i < n; i++)
		sbuf_adds(&b, close);
	return sbuf_take(&b);
}

static void
depth_case(const char *name, const char *open, const char *close,
    size_t n, enum parse_err want)
{
	char *s;

	s = nest(open, close, n);
	if (want == PARSE_OK)
		expect(s, strlen(s), NULL, want, "%s nested %zu deep parses",
		    name, n);
	else
		expect(s, strlen(s), NULL, want, "%s nested %zu deep: %s",
		    name, n, parse_strerror(want));
	free(s);
}

static void
depth(void)
{
	struct parse_limits lim;

	depth_case("( )", "( ", " )", PARSE_DEPTH_MAX, PARSE_OK);
	depth_case("( )", "( ", " )", PARSE_DEPTH_MAX + 1, PARSE_TOODEEP);
	depth_case("$( )", "echo $(", ")", PARSE_DEPTH_MAX, PARSE_OK);
	depth_case("$( )", "echo $(", ")", PARSE_DEPTH_MAX + 1,
	    PARSE_TOODEEP);
	depth_case("if", "if ", "; then b; fi", PARSE_DEPTH_MAX, PARSE_OK);
	depth_case("if", "if ", "; then b; fi", PARSE_DEPTH_MAX + 1,
	    PARSE_TOODEEP);
	depth_case("\"$( )\"", "echo \"$(", ")\"", PARSE_DEPTH_MAX,
	    PARSE_OK);
	depth_case("\"$( )\"", "echo \"$(", ")\"", PARSE_DEPTH_MAX + 1,
	    PARSE_TOODEEP);
	depth_case("( )", "( ", " )", 200, PARSE_TOODEEP);
	depth_case("$( )", "$(", ")", 200, PARSE_TOODEEP);
	depth_case("((", "(", ")", 200, PARSE_UNSUPPORTED);
	depth_case("( ( unbalanced", "( ", "", 30000, PARSE_TOODEEP);
	depth_case("$( unbalanced", "$(", "", 30000, PARSE_TOODEEP);

	parse_limits_default(&lim);
	lim.depth_max = 2;
	limit_cases(depth2, sizeof(depth2) / sizeof(depth2[0]), &lim);
	lim.depth_max = 0;
	limit_cases(depth0, sizeof(depth0) / sizeof(depth0[0]), &lim);
}

static void
bytes(void)
{
	static const char allowed[] = "echo \t\xc3\xa9\xff x\n";
	struct parse_error err;
	struct list *l;
	char buf[16];
	int c, bad = 0;

	l = parse_exact("echo a\0b", 8, NULL, &err);
	ok(l == NULL && err.code == PARSE_BADBYTE && err.offset == 6 &&
	    strcmp(err.msg, "control byte 0x00 at offset 6") == 0,
	    "NUL inside len is refused");
	ast_free(l);
	for (c = 0; c < 0x80; c++) {
		if (c == '\t' || c == '\n' || (c >= 0x20 && c < 0x7f))
			continue;
		snprintf(buf, sizeof(buf), "ab %c", 'x');
		buf[3] = (char)c;
		l = parse_exact(buf, 4, NULL, &err);
		if (l != NULL || err.code != PARSE_BADBYTE ||
		    err.offset != 3) {
			bad++;
			tap_diag("byte 0x%02x not refused", c);
		}
		ast_free(l);
	}
	ok(bad == 0, "every control byte but tab and newline is refused");
	l = parse_exact(allowed, sizeof(allowed) - 1, NULL, &err);
	ok(l != NULL, "tab, newline and bytes >= 0x80 are allowed");
	ast_free(l);
	l = parse_exact("echo \"a\x7f\"", 9, NULL, &err);
	ok(l == NULL && err.code == PARSE_BADBYTE && err.offset == 7,
	    "DEL inside quotes is refused");
	ast_free(l);
	l = parse_line(NULL, 0, NULL, &err);
	ok(l != NULL && l->nitems == 0, "empty line: empty list");
	ast_free(l);
}

/* Inputs that end exactly at len in the middle of a construct. */
static void
boundaries(void)
{
	static const struct {
		const char	*line;
		enum parse_err	 code;
	} cut[] = {
		{ "echo \"abc", PARSE_SYNTAX },
		{ "echo $", PARSE_OK },
		{ "a\\", PARSE_OK },
		{ "echo ${x", PARSE_SYNTAX },
		{ "echo ${", PARSE_SYNTAX },
		{ "~", PARSE_UNSUPPORTED },
		{ "echo `a\\", PARSE_SYNTAX },
		{ "echo $(a", PARSE_SYNTAX },
		{ "a 2", PARSE_OK },
		{ "a 2>", PARSE_SYNTAX },
		{ "a >&", PARSE_SYNTAX },
		{ "a &", PARSE_OK },
		{ "a |", PARSE_SYNTAX },
		{ "a '", PARSE_SYNTAX },
		{ "if", PARSE_SYNTAX },
		{ "(", PARSE_SYNTAX },
		{ "a=", PARSE_OK },
		{ "A=~", PARSE_OK },
		{ "echo $(", PARSE_SYNTAX },
		{ "echo \"$(", PARSE_SYNTAX },
		{ "echo \"`", PARSE_SYNTAX },
		{ "echo \"\\", PARSE_SYNTAX },
		{ "# x", PARSE_OK },
		{ "a\\\n", PARSE_OK },
		{ "\"$", PARSE_SYNTAX },
		{ "a 2>&", PARSE_SYNTAX },
		{ "a <", PARSE_SYNTAX },
		{ "a $(b", PARSE_SYNTAX },
		{ "a ${b}", PARSE_OK },
	};
	struct parse_error err;
	struct list *l;
	size_t i;

	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		l = parse_exact(cut[i].line, strlen(cut[i].line), NULL, &err);
		ok((l != NULL) == (cut[i].code == PARSE_OK) &&
		    err.code == cut[i].code, "ends at len: case %zu (%s)", i,
		    parse_strerror(cut[i].code));
		ast_free(l);
	}
}

static const struct word *
first_word(const struct list *l, size_t n)
{
	return &l->items[0].pipes[0].cmds[0].words[n];
}

static void
words(void)
{
	struct parse_error err;
	struct list *l;
	const struct word *w;
	const char *s;

	s = "echo \"a*\"b* '' [ x ] [x]";
	l = parse_exact(s, strlen(s), NULL, &err);
	ok(l != NULL, "parse %s", s);
	if (l == NULL)
		return;
	w = first_word(l, 1);
	ok(w->flags == W_GLOB && w->nparts == 2 && w->parts[0].quoted &&
	    !w->parts[1].quoted && strcmp(w->parts[1].text, "b*") == 0,
	    "\"a*\"b*: quoted part then glob part");
	w = first_word(l, 2);
	ok(w->flags == W_LITERAL && strcmp(w->lit, "") == 0,
	    "'' is the literal empty word");
	ok((first_word(l, 3)->flags & W_GLOB) == 0 &&
	    (first_word(l, 5)->flags & W_GLOB) == 0,
	    "lone [ and ] are not globs");
	ok(first_word(l, 6)->flags == W_GLOB, "[x] is a glob");
	ast_free(l);

	is_str(parse_refused_name("eval"), "eval is not supported",
	    "parse_refused_name(eval)");
	is_str(parse_refused_name("while"), "loops are not supported",
	    "parse_refused_name(while)");
	is_str(parse_refused_name("{"), "brace groups are not supported",
	    "parse_refused_name({)");
	ok(parse_refused_name("git") == NULL, "parse_refused_name(git)");
	ok(parse_refused_name(NULL) == NULL, "parse_refused_name(NULL)");
	is_str(parse_strerror(PARSE_TOODEEP), "nesting too deep",
	    "parse_strerror");

	l = parse_exact("echo a ; b", 10, NULL, &err);
	ok(l != NULL && err.code == PARSE_OK && err.msg[0] == '\0',
	    "success clears err");
	ast_free(l);
	l = parse_exact("echo a |", 8, NULL, &err);
	is_int(err.offset, 8, "offset of end of line");
	ast_free(l);
	l = parse_exact("echo a; exec sh", 15, NULL, &err);
	is_int(err.offset, 8, "offset of exec");
	ast_free(l);
}

int
main(void)
{
	golden();
	sessions();
	attacks_file();
	expect_refusals("attack", attacks,
	    sizeof(attacks) / sizeof(attacks[0]));
	expect_refusals("refused", refusals,
	    sizeof(refusals) / sizeof(refusals[0]));
	limits();
	depth();
	bytes();
	boundaries();
	words();
	return tap_done();
}
