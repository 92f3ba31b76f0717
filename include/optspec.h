/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The option grammar of rules, pure code: a spec from the config ("-v",
 * "-f=RE", "--depth=", "--color[=]", "-name="), how an argv word names
 * one and where its value is, and its text for help and completion.
 */
#ifndef CAGESH_OPTSPEC_H
#define CAGESH_OPTSPEC_H

#include <sys/types.h>
#include <regex.h>
#include <stddef.h>

struct sbuf;

enum opt_kind {
	OPT_SHORT,	/* -x: one letter, may be combined (-xv) or glued (-xVAL) */
	OPT_LONG,	/* --name */
	OPT_WORD,	/* -name: a whole word with one dash (find -name, kill -USR2) */
};

enum opt_arg {
	ARG_NONE,	/* takes no value */
	ARG_REQ,	/* "=": needs a value, glued (-fX, --f=X) or the next word */
	ARG_OPT,	/* "[=]": long only, value only glued (--color=auto) */
};

/*
 * An ERE of the config that must match a whole word.  Compiled when the
 * config is loaded, or, once pattern_defer(1) is called, on first use:
 * most of a session's config time was regcomp of patterns that no line
 * of the session reaches.
 */
enum pattern_state {
	PATTERN_NEW,	/* not compiled yet (deferred) */
	PATTERN_OK,	/* re is the anchored pattern */
	PATTERN_BAD,	/* it does not compile: why */
};

struct pattern {
	char		*src;		/* as written */
	regex_t		 re;		/* "^(src)$" once PATTERN_OK */
	enum pattern_state state;
	char		*why;		/* PATTERN_BAD: what is wrong */
};

struct optspec {
	enum opt_kind	 kind;
	enum opt_arg	 arg;
	char		*name;		/* without dashes: "v", "file", "name" */
	char		*spec;		/* as written in the config */
	struct pattern	*pattern;	/* value must match (anchored), or NULL */
	int		 line;
};

/*
 * Parses spec into o.  bare: a deny or require entry, where a value or a
 * pattern would mean nothing.  Returns NULL, or what is wrong (malloc'd,
 * naming spec) with o cleared.
 */
char		*optspec_parse(const char *spec, int bare, struct optspec *o);
/* dst is src without its pattern (deny entries have none). */
void		 optspec_copy(struct optspec *dst, const struct optspec *src);
void		 optspec_clear(struct optspec *);

/*
 * Compiles an ERE that must match a whole word: "a|b" is "^(a|b)$", not
 * "^a|b$".  Returns NULL, or what is wrong (malloc'd, naming re).
 */
char		*optspec_compile(const char *re, regex_t *dst);
/*
 * Whether later pattern_init() calls compile (0, the default: whatever
 * validates a config) or leave it to the first pattern_match() (1: a
 * session, whose config passed --check-config).
 */
void		 pattern_defer(int);
int		 pattern_deferred(void);
/*
 * Takes a copy of re into p.  Unless deferred, compiles it: NULL, or
 * what is wrong (malloc'd, as optspec_compile says it) with p cleared.
 */
char		*pattern_init(struct pattern *p, const char *re);
/*
 * Whether word matches p (1 or 0), compiling p first if deferred; -1
 * when p does not compile, *why then says why (p's, not to be freed).
 */
int		 pattern_match(struct pattern *p, const char *word,
		    const char **why);
void		 pattern_clear(struct pattern *);
/* regcomp() calls made by this process so far (tests, bench). */
unsigned long	 pattern_compiles(void);

/* The spec of this kind named name[0..len), or NULL. */
const struct optspec *optspec_find(const struct optspec *, size_t n,
		    enum opt_kind, const char *name, size_t len);
/* The spec of this kind that name[0..len) abbreviates, or NULL. */
const struct optspec *optspec_abbrev(const struct optspec *, size_t n,
		    enum opt_kind, const char *name, size_t len);

enum optval {
	OV_NONE,	/* o takes no value here */
	OV_GLUED,	/* in the same word: *glued */
	OV_NEXT,	/* the next word */
};

/*
 * Where the value of o is when a word names it and rest follows its
 * name in that word: "=x" or "" after a long name, the rest of the
 * cluster after a letter, "" after a whole word.
 */
enum optval	 optspec_value(const struct optspec *o, const char *rest,
		    const char **glued);
/*
 * Whether the word after word is the value of an option in v, read as
 * getopt_long reads it (completion: which word is an operand).
 */
int		 optspec_takes_next(const struct optspec *v, size_t n,
		    const char *word);

/* The pattern of a spec as written ("--depth=[0-9]+": "[0-9]+"), or NULL. */
const char	*optspec_pattern(const struct optspec *);

enum optform {
	OF_USAGE,	/* help: "-f VALUE", "--depth=VALUE", "--c[=VALUE]" */
	OF_TYPED,	/* completion: "-f", "--depth=", "--color" */
};

void		 optspec_text(struct sbuf *, const struct optspec *,
		    enum optform);
const char	*optspec_dash(enum opt_kind);

#endif
