/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the policy (not built by default; run by
 * tests/fuzz/run): lines, and argv arrays as the run-time check sees
 * them, judged by the shipped profiles of etc/cagesh.conf (or
 * $CAGESH_FUZZ_CONF), wrappers, paths and all.  The first byte picks
 * the profile and the mode; in argv mode the words are split at '\n'
 * and programs named by path are compared with the host's files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "judge.h"
#include "policy.h"
#include "progpath.h"
#include "xmalloc.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct conf *conf;
static const struct profile *prof[3];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const names[] = { "rails", "capistrano",
	    "git-only" };
	struct conf_errors errs;
	const char *path;
	size_t i;

	(void)argc;
	(void)argv;
	if ((path = getenv("CAGESH_FUZZ_CONF")) == NULL)
		path = "etc/cagesh.conf";
	memset(&errs, 0, sizeof(errs));
	if ((conf = conf_load_file(path, &errs)) == NULL) {
		fprintf(stderr, "fuzz-policy: %s does not load\n", path);
		exit(1);
	}
	for (i = 0; i < 3; i++)
		if ((prof[i] = conf_find_profile(conf, names[i])) == NULL) {
			fprintf(stderr, "fuzz-policy: no profile %s\n",
			    names[i]);
			exit(1);
		}
	conf_errors_free(&errs);
	return 0;
}

static void
judge_argv(const struct profile *p, const char *s, size_t len)
{
	struct presolve res;
	struct pword w[64];
	struct pcmd c;
	struct pjudge j;
	char *copy, *at, *nl;
	size_t n = 0;

	copy = xstrndup(s, len);
	for (at = copy; n < 64; at = nl + 1) {
		w[n].text = at;
		w[n++].dynamic = 0;
		if ((nl = strchr(at, '\n')) == NULL)
			break;
		*nl = '\0';
	}
	memset(&c, 0, sizeof(c));
	c.words = w;
	c.nwords = n;
	res.same = progpath_same;
	res.arg = (void *)"";
	policy_judge_r(p, &res, &c, &j);
	/* what runs is a subset of the words, in order */
	if (j.verdict == V_ALLOW)
		for (n = 1; n < j.nkeep; n++)
			if (j.keep[n] <= j.keep[n - 1])
				abort();
	pjudge_free(&j);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct profile *p;
	struct judged j;
	char *copy;
	int mode;

	if (size == 0)
		return 0;
	p = prof[data[0] % 3];
	mode = (data[0] / 3) % 2;
	data++;
	size--;
	if (mode == 1) {
		judge_argv(p, (const char *)data, size);
		return 0;
	}
	/* An exact-size copy: any read past len is caught. */
	copy = xmalloc(size > 0 ? size : 1);
	memcpy(copy, data, size);
	(void)judge_line(p, &conf->limits, copy, size, &j);
	judged_free(&j);
	free(copy);
	return 0;
}
