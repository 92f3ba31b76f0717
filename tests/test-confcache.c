/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compiled config (src/confcache.c), no root: what comes back is
 * the config that went in (its bytes again, and the same verdict with
 * the same reason for every line of the corpora, in every profile), and
 * a cache that is not exactly the one made from these bytes of this
 * file (another digest, name, format, cut short, damaged, mutated with
 * its checksum made good again) gives no config at all.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "audit.h"
#include "conf.h"
#include "confcache.h"
#include "optspec.h"
#include "parse.h"
#include "policy.h"
#include "xmalloc.h"
#include "slurp.h"
#include "tap.h"
#include "xorshift.h"

static const char *srcdir;

static struct conf *
load(const char *path, unsigned char digest[AUDIT_SHA256_LEN])
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *c;
	size_t len;
	char *text;

	if ((text = slurp(path, &len)) == NULL)
		return NULL;
	sha256(text, len, digest);
	free(text);
	c = conf_load_file(path, &errs);
	if (c == NULL && errs.n > 0)
		tap_diag("%s: %s", path, errs.msg[0]);
	conf_errors_free(&errs);
	return c;
}

/* Lines of the corpora: the rails corpus and the policy cases. */
struct lines {
	char	**s;
	size_t	  n;
};

static void
add_line(struct lines *l, const char *s)
{
	l->s = xreallocarray(l->s, l->n + 1, sizeof(*l->s));
	l->s[l->n++] = xstrdup(s);
}

static void
read_lines(struct lines *l, const char *dir, const char *suffix)
{
	char *path, *text, *p, *nl, *tab;
	struct dirent *d;
	size_t len, sl = strlen(suffix);
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		len = strlen(d->d_name);
		if (len <= sl || strcmp(d->d_name + len - sl, suffix) != 0)
			continue;
		xasprintf(&path, "%s/%s", dir, d->d_name);
		if ((text = slurp(path, &len)) != NULL) {
			for (p = text; *p != '\0'; p = nl + 1) {
				if ((nl = strchr(p, '\n')) == NULL)
					nl = p + strlen(p);
				*nl = '\0';
				if (*p == '#' || *p == '\0')
					goto next;
				/* a case: allow<TAB>LINE or deny<TAB>LINE */
				if ((tab = strchr(p, '\t')) != NULL &&
				    strcmp(suffix, ".cases") == 0)
					add_line(l, tab + 1);
				else if (strcmp(suffix, ".lines") == 0)
					add_line(l, p);
next:
				if (nl == p + len)
					break;
			}
			free(text);
		}
		free(path);
	}
	closedir(dp);
}

/* "VERDICT|why|...": the whole judgement of a line, as one string. */
static char *
judge(const struct profile *p, const char *line)
{
	struct parse_limits lim;
	struct parse_error perr;
	struct list *ast;
	struct pline pl;
	struct sbuf b;
	size_t i;

	parse_limits_default(&lim);
	sbuf_init(&b);
	if ((ast = parse_line(line, strlen(line), &lim, &perr)) == NULL) {
		sbuf_adds(&b, "parse error");
		return sbuf_take(&b);
	}
	policy_judge_line(p, ast, &pl);
	sbuf_addf(&b, "%s", policy_verdict_name(pl.verdict));
	for (i = 0; i < pl.n; i++)
		sbuf_addf(&b, "|%s:%s", policy_verdict_name(pl.e[i].verdict),
		    pl.e[i].why != NULL ? pl.e[i].why : "");
	pline_free(&pl);
	ast_free(ast);
	return sbuf_take(&b);
}

static void
same_verdicts(const struct conf *a, const struct conf *b,
    const struct lines *l, const char *name)
{
	size_t i, k, differ = 0, judged = 0;
	char *ja, *jb;

	for (k = 0; k < a->nprofiles && k < b->nprofiles; k++)
		for (i = 0; i < l->n; i++) {
			ja = judge(&a->profiles[k], l->s[i]);
			jb = judge(&b->profiles[k], l->s[i]);
			judged++;
			if (strcmp(ja, jb) != 0) {
				if (differ++ < 3)
					tap_diag("profile %s: '%s': %s vs %s",
					    a->profiles[k].name, l->s[i], ja,
					    jb);
			}
			free(ja);
			free(jb);
		}
	ok(differ == 0 && judged > 0, "%s: %zu judgements, the same from "
	    "the cache as from the file (%zu differ)", name, judged, differ);
}

static void
round_trip(const char *path, const struct lines *l)
{
	unsigned char digest[AUDIT_SHA256_LEN];
	struct conf *c, *c2;
	struct sbuf b1, b2;
	const char *why = NULL;

	if ((c = load(path, digest)) == NULL) {
		ok(0, "%s loads", path);
		return;
	}
	sbuf_init(&b1);
	sbuf_init(&b2);
	confcache_encode(&b1, c, digest);
	c2 = confcache_decode(b1.s, b1.len, path, digest, &why);
	ok(c2 != NULL, "%s: its cache (%zu bytes) decodes%s%s", path, b1.len,
	    why != NULL ? ": " : "", why != NULL ? why : "");
	if (c2 != NULL) {
		confcache_encode(&b2, c2, digest);
		ok(b1.len == b2.len && memcmp(b1.s, b2.s, b1.len) == 0,
		    "%s: encoding what came back gives the same bytes", path);
		is_int(c2->nprofiles, c->nprofiles, "%s: profiles", path);
		is_int(c2->nusers, c->nusers, "%s: user entries", path);
		ok(c2->nusers == 0 || c2->users[0].profile == NULL ||
		    c2->users[0].profile == &c2->profiles[
		    c->users[0].profile - c->profiles],
		    "%s: a user entry points at its own profile", path);
		same_verdicts(c, c2, l, path);
	}
	sbuf_free(&b1);
	sbuf_free(&b2);
	conf_free(c);
	conf_free(c2);
}

/* The bytes of the shipped config's cache, and what they came from. */
static struct sbuf shipped;
static unsigned char shipped_digest[AUDIT_SHA256_LEN];
static char *shipped_path;

static int
decodes(const char *buf, size_t len, const char *name,
    const unsigned char *digest, const char **why)
{
	struct conf *c;

	*why = NULL;
	if ((c = confcache_decode(buf, len, name, digest, why)) == NULL)
		return 0;
	conf_free(c);
	return 1;
}

static void
refusals(void)
{
	unsigned char other[AUDIT_SHA256_LEN];
	const char *why;
	size_t len = shipped.len, n, bad;
	char *buf;
	int used;

	ok(decodes(shipped.s, len, shipped_path, shipped_digest, &why),
	    "the shipped config's cache decodes");
	memcpy(other, shipped_digest, sizeof(other));
	other[7] ^= 1;
	used = decodes(shipped.s, len, shipped_path, other, &why);
	ok(!used && why != NULL && strstr(why, "other contents") != NULL,
	    "a cache made from other bytes of the config is not used (%s)",
	    why);
	used = decodes(shipped.s, len, "/etc/other.conf", shipped_digest,
	    &why);
	ok(!used && strstr(why, "another config file") != NULL,
	    "a cache made from another file is not used (%s)", why);
	buf = xmalloc(len);
	memcpy(buf, shipped.s, len);
	buf[8] ^= 1;		/* the format number */
	used = decodes(buf, len, shipped_path, shipped_digest, &why);
	ok(!used, "a cache of another format is not used (%s)", why);
	memcpy(buf, shipped.s, len);
	buf[20] ^= 1;		/* the build's digest */
	used = decodes(buf, len, shipped_path, shipped_digest, &why);
	ok(!used, "a cache another build wrote is not used (%s)", why);
	memcpy(buf, shipped.s, len);
	buf[0] = 'X';
	used = decodes(buf, len, shipped_path, shipped_digest, &why);
	ok(!used, "a file that is not a cache is not used (%s)", why);

	/* every length short of the whole */
	for (n = 0, bad = 0; n < len; n += (n < 256 ? 1 : 61))
		if (decodes(shipped.s, n, shipped_path, shipped_digest, &why))
			bad++;
	ok(bad == 0, "cut short anywhere, the cache is not used (%zu used)",
	    bad);
	/* a byte changed anywhere in the payload */
	for (n = 64, bad = 0; n < len; n += 37) {
		memcpy(buf, shipped.s, len);
		buf[n] ^= 0x20;
		if (decodes(buf, len, shipped_path, shipped_digest, &why))
			bad++;
	}
	ok(bad == 0, "a byte changed anywhere, the cache is not used "
	    "(checksum; %zu used)", bad);
	free(buf);
	buf = xmalloc(len + 1);
	memcpy(buf, shipped.s, len);
	buf[len] = 0;
	used = decodes(buf, len + 1, shipped_path, shipped_digest, &why);
	ok(!used, "a byte more at the end, the cache is not used (%s)", why);
	free(buf);
}

/*
 * The decoder alone, on bytes mutated with the checksum made good
 * again: it must never read past the end or crash (ASan builds run
 * this), and what it accepts must be freed cleanly.
 */
static char *shipped_first_profile;

/* Where the bytes of string s, its length + 1 first, start in buf; 0 if nowhere. */
static size_t
find_str(const char *buf, size_t len, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;
	size_t i, sl = strlen(s);

	for (i = 0; i + 4 + sl <= len; i++)
		if (memcmp(buf + i, &n, 4) == 0 &&
		    memcmp(buf + i + 4, s, sl) == 0)
			return i;
	return 0;
}

static void
mutations(void)
{
	uint64_t seed = 0x5eedcafe;
	size_t i, k, len = shipped.len, used = 0;
	const char *why;
	char *buf;
	size_t pos;
	int rc, hdr = 8 + 4 + 4 + 32 + AUDIT_SHA256_LEN + 8 + 8;

	buf = xmalloc(len);
	for (i = 0; i < 3000; i++) {
		memcpy(buf, shipped.s, len);
		for (k = 0; k < 1 + i % 4; k++) {
			size_t at = (size_t)hdr + (size_t)(xorshift(&seed) %
			    (uint64_t)(len - (size_t)hdr));
			buf[at] = (char)xorshift(&seed);
		}
		confcache_seal(buf, len);
		if (decodes(buf, len, shipped_path, shipped_digest, &why))
			used++;
	}
	ok(1, "3000 mutated caches decoded or refused without a crash "
	    "(%zu decoded)", used);
	/*
	 * The count of profiles made huge (it comes just before the first
	 * profile's name, its length first): refused before any
	 * allocation of that size (without the check, xcalloc of 2^31
	 * profiles aborts).  The first string of the payload, the file's
	 * name, given a length past the end: refused too.
	 */
	memcpy(buf, shipped.s, len);
	pos = find_str(buf, len, shipped_first_profile);
	ok(pos >= (size_t)hdr + 8, "the count of profiles is found (at %zu)",
	    pos);
	if (pos >= (size_t)hdr + 8) {
		memcpy(buf + pos - 4, &(uint32_t){ 0x7fffffff }, 4);
		confcache_seal(buf, len);
		rc = decodes(buf, len, shipped_path, shipped_digest, &why);
		ok(!rc && why != NULL && strstr(why, "count") != NULL,
		    "a count larger than the file is refused (%s)", why);
	}
	memcpy(buf, shipped.s, len);
	memcpy(buf + hdr, &(uint32_t){ 0x7fffffff }, 4);
	confcache_seal(buf, len);
	rc = decodes(buf, len, shipped_path, shipped_digest, &why);
	ok(!rc && why != NULL && strstr(why, "string") != NULL,
	    "a string longer than the file is refused (%s)", why);
	free(buf);
}

int
main(void)
{
	static const char *confs[] = { "etc/cagesh.conf", "tests/conf/good.conf",
	    "tests/conf/good-confine.conf", "tests/policy/capistrano.conf" };
	struct lines l = { NULL, 0 };
	struct conf *c;
	char *path, *dir;
	size_t i;

	if ((srcdir = getenv("top_srcdir")) == NULL)
		srcdir = ".";
	pattern_defer(0);
	xasprintf(&dir, "%s/tests/rails/corpus", srcdir);
	read_lines(&l, dir, ".lines");
	free(dir);
	xasprintf(&dir, "%s/tests/policy-cases", srcdir);
	read_lines(&l, dir, ".cases");
	free(dir);
	ok(l.n > 1000, "%zu lines from the corpora", l.n);

	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		xasprintf(&path, "%s/%s", srcdir, confs[i]);
		round_trip(path, &l);
		free(path);
	}

	xasprintf(&shipped_path, "%s/etc/cagesh.conf", srcdir);
	if ((c = load(shipped_path, shipped_digest)) == NULL) {
		ok(0, "the shipped config loads");
	} else {
		sbuf_init(&shipped);
		confcache_encode(&shipped, c, shipped_digest);
		shipped_first_profile = xstrdup(c->profiles[0].name);
		conf_free(c);
		refusals();
		mutations();
		sbuf_free(&shipped);
		free(shipped_first_profile);
	}
	free(shipped_path);
	for (i = 0; i < l.n; i++)
		free(l.s[i]);
	free(l.s);
	return tap_done();
}
