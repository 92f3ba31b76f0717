/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The language alone (BENCHMARKS.md, item 2): parse_line() and
 * policy_judge_line() over every command line of
 * ../shared/capistrano/sessions.txt with the shipped config's capistrano
 * profile, in one process, REPS times over.  Prints key=value pairs.
 *
 *	bench-lang [-m lang|parse|conf|defer|cached] [-n REPS] [-c CONF]
 *	    [-d CACHEDIR] [-p PROFILE] [SESSIONS]
 *
 * -m lang   parse and judge each line (default)
 * -m parse  parse only
 * -m conf   load CONF REPS times, every pattern compiled (--check-config)
 * -m defer  the same with patterns compiled on first use (a session
 *           without the compiled config)
 * -m cached load it from CACHEDIR's compiled config (confcache.h; root,
 *           the directory root's): what a session pays before PAM
 *
 * Under valgrind --tool=callgrind, --toggle-collect=bench_lines (or
 * bench_confs) counts the timed loop alone; divide by lines * reps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "optspec.h"
#include "parse.h"
#include "policy.h"
#include "xmalloc.h"

struct lines {
	char	**s;
	size_t	 *len;
	size_t	  n;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: bench-lang [-m lang|parse|conf|defer|cached] "
	    "[-n REPS] [-c CONF] [-d CACHEDIR] [-p PROFILE] [SESSIONS]\n");
	exit(2);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every line but blanks and # comments, as tests/test-parse.c reads them. */
static void
read_lines(const char *path, struct lines *l)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "bench-lang: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	memset(l, 0, sizeof(*l));
	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		l->s = xreallocarray(l->s, l->n + 1, sizeof(*l->s));
		l->len = xreallocarray(l->len, l->n + 1, sizeof(*l->len));
		l->s[l->n] = xstrndup(line, (size_t)len);
		l->len[l->n] = (size_t)len;
		l->n++;
	}
	free(line);
	fclose(f);
}

/* The timed loop; not inlined so that callgrind can toggle on it. */
static size_t __attribute__((noinline))
bench_lines(const struct lines *l, const struct profile *p,
    const struct parse_limits *lim, long reps, int judge, size_t *bad)
{
	struct parse_error perr;
	struct list *ast;
	struct pline pl;
	size_t i, denied = 0;
	long r;

	*bad = 0;
	for (r = 0; r < reps; r++) {
		for (i = 0; i < l->n; i++) {
			if ((ast = parse_line(l->s[i], l->len[i], lim,
			    &perr)) == NULL) {
				(*bad)++;
				continue;
			}
			if (judge) {
				policy_judge_line(p, ast, &pl);
				if (pl.verdict != V_ALLOW)
					denied++;
				pline_free(&pl);
			}
			ast_free(ast);
		}
	}
	return denied;
}

/*
 * conf: every pattern compiled (--check-config); defer: as a session
 * without the cache; cached: as a session with cachedir's compiled
 * config (the first load writes it; a load that is not a hit counts
 * as failed).
 */
static size_t __attribute__((noinline))
bench_confs(const char *path, long reps, const char *mode,
    const char *cachedir)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf_cache_use use;
	struct conf *conf;
	size_t bad = 0;
	long r;
	int fd;

	pattern_defer(strcmp(mode, "conf") != 0);
	for (r = 0; r < reps; r++) {
		if (cachedir == NULL) {
			conf = conf_load_file(path, &errs);
		} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			conf = NULL;
		} else {
			conf = conf_load_cached(fd, path, cachedir, &errs,
			    &use);
			close(fd);
			if (r > 0 && !use.hit) {
				fprintf(stderr, "bench-lang: not a hit: %s\n",
				    use.why);
				bad++;
			}
		}
		if (conf == NULL)
			bad++;
		conf_errors_free(&errs);
		conf_free(conf);
	}
	return bad;
}

static char *
default_sessions(void)
{
	const char *shared = getenv("CAGESH_SHARED");
	const char *top = getenv("top_srcdir");
	char *path;

	if (shared != NULL && *shared != '\0')
		xasprintf(&path, "%s/capistrano/sessions.txt", shared);
	else
		xasprintf(&path, "%s/../shared/capistrano/sessions.txt",
		    top != NULL ? top : ".");
	return path;
}

static char *
default_conf(void)
{
	const char *top = getenv("top_srcdir");
	char *path;

	xasprintf(&path, "%s/etc/cagesh.conf", top != NULL ? top : ".");
	return path;
}

int
main(int argc, char *argv[])
{
	struct conf_errors errs = { .msg = NULL };
	const struct profile *p;
	const char *mode = "lang", *pname = "capistrano", *cachedir = NULL;
	char *confpath = NULL, *sessions = NULL, *end;
	struct conf *conf;
	struct lines l;
	size_t i, denied, bad;
	double t0, t1;
	long reps = 200;
	int ch;

	while ((ch = getopt(argc, argv, "c:d:m:n:p:")) != -1) {
		switch (ch) {
		case 'c':
			confpath = xstrdup(optarg);
			break;
		case 'm':
			mode = optarg;
			break;
		case 'n':
			errno = 0;
			reps = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || reps < 0)
				usage();
			break;
		case 'p':
			pname = optarg;
			break;
		case 'd':
			cachedir = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage();
	if (confpath == NULL)
		confpath = default_conf();

	if (strcmp(mode, "conf") == 0 || strcmp(mode, "defer") == 0 ||
	    strcmp(mode, "cached") == 0) {
		if (strcmp(mode, "cached") == 0 && cachedir == NULL)
			usage();
		if (strcmp(mode, "cached") == 0)	/* writes it */
			(void)bench_confs(confpath, 1, mode, cachedir);
		t0 = now();
		bad = bench_confs(confpath, reps, mode,
		    strcmp(mode, "cached") == 0 ? cachedir : NULL);
		t1 = now();
		printf("mode=%s loads=%ld seconds=%.6f loads_per_sec=%.1f "
		    "us_per_load=%.1f failed=%zu\n", mode, reps, t1 - t0,
		    reps > 0 ? (double)reps / (t1 - t0) : 0.0,
		    reps > 0 ? (t1 - t0) * 1e6 / (double)reps : 0.0, bad);
		free(confpath);
		return bad == 0 ? 0 : 1;
	}
	if (strcmp(mode, "lang") != 0 && strcmp(mode, "parse") != 0)
		usage();

	if ((conf = conf_load_file(confpath, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		return 1;
	}
	if ((p = conf_find_profile(conf, pname)) == NULL) {
		fprintf(stderr, "bench-lang: %s: no profile %s\n", confpath,
		    pname);
		return 1;
	}
	sessions = argc == 1 ? xstrdup(argv[0]) : default_sessions();
	read_lines(sessions, &l);
	if (l.n == 0) {
		fprintf(stderr, "bench-lang: %s: no lines\n", sessions);
		return 1;
	}

	t0 = now();
	denied = bench_lines(&l, p, &conf->limits, reps,
	    strcmp(mode, "lang") == 0, &bad);
	t1 = now();
	printf("mode=%s lines=%zu reps=%ld seconds=%.6f lines_per_sec=%.0f "
	    "ns_per_line=%.1f denied=%zu parse_errors=%zu\n", mode, l.n, reps,
	    t1 - t0, reps > 0 ? (double)l.n * (double)reps / (t1 - t0) : 0.0,
	    reps > 0 ? (t1 - t0) * 1e9 / ((double)l.n * (double)reps) : 0.0,
	    reps > 0 ? denied / (size_t)reps : 0,
	    reps > 0 ? bad / (size_t)reps : 0);

	for (i = 0; i < l.n; i++)
		free(l.s[i]);
	free(l.s);
	free(l.len);
	free(sessions);
	free(confpath);
	conf_free(conf);
	return denied == 0 && bad == 0 ? 0 : 1;
}
