/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * confcache.c: the compiled config, so that a session need not parse
 * /etc/cagesh.conf again (confcache.h).  Runs as root in a session,
 * before the privileges are dropped: it reads and writes files only in
 * the cache directory, which must be root's.
 *
 * Why it is as trustworthy as the file: a cache is used only when the
 * SHA-256 of the config's bytes, read now from the fd conf.c checked,
 * and the config's name are the ones it was made from; so any change
 * to the file, whatever its time stamps say, makes it unused.  Only a
 * config that passed every check of conf.c, every pattern compiled,
 * is written.  The directory and the file must be root's and writable
 * by no one else (so only root could have put the bytes there), the
 * file a regular one with one link; its own checksum and length catch
 * a file cut short or damaged.  The decoder checks every length and
 * count against the bytes left, and is used on nothing else.
 *
 * The bytes are this build's own (native byte order and sizes, one
 * format number, and CONFCACHE_BUILD, a digest of the loader's sources
 * made by make): a cache another build wrote is not used, so an upgrade
 * that changes how a config is read never meets an old reading of it.
 * CONFCACHE_FORMAT changes with any change of what is written; the size
 * checks below fail to compile when a struct of the model grows, so
 * that a new field cannot be forgotten here.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "conf.h"
#include "confcache.h"
#include "confcache-id.h"
#include "model.h"
#include "optspec.h"
#include "xmalloc.h"

const char confcache_nodir[] = "no cache directory";

#define CONFCACHE_MAGIC		"CAGESHc\n"
#define CONFCACHE_FORMAT	1u
#define NO_PROFILE		UINT32_MAX

/*
 * What is written, field by field, is each struct's whole content: a
 * struct that grows must be written here too (then the size below and
 * CONFCACHE_FORMAT change).  Checked on the ABI the sizes were read on.
 */
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(struct conf) == 128, "confcache: struct conf changed");
_Static_assert(sizeof(struct userent) == 88, "confcache: struct userent changed");
_Static_assert(sizeof(struct profile) == 296, "confcache: struct profile changed");
_Static_assert(sizeof(struct rule) == 200, "confcache: struct rule changed");
_Static_assert(sizeof(struct optspec) == 40, "confcache: struct optspec changed");
_Static_assert(sizeof(struct pattern) == 88, "confcache: struct pattern changed");
_Static_assert(sizeof(struct action) == 96, "confcache: struct action changed");
_Static_assert(sizeof(struct action_form) == 16, "confcache: struct action_form changed");
_Static_assert(sizeof(struct action_word) == 16, "confcache: struct action_word changed");
#endif

/*
 * header: magic, format, byte-order mark, build, digest, payload
 * length, sum
 */
#define BUILD_LEN	32
#define OFF_DIGEST	(8 + 4 + 4 + BUILD_LEN)
#define OFF_PLEN	(OFF_DIGEST + AUDIT_SHA256_LEN)
#define OFF_SUM		(OFF_PLEN + 8)
#define HDR_LEN		(OFF_SUM + 8)
_Static_assert(sizeof(CONFCACHE_BUILD) == BUILD_LEN + 1,
    "confcache: CONFCACHE_BUILD is 32 hex digits");
#define BOM	0x01020304u

/*
 * Catches a file cut short or damaged, not an attacker (who would need
 * root to write the file at all).
 */
static uint64_t
checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	for (; n > 0; p++, n--) {
		h = (h ^ *p) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	return h;
}

/* Writing */

static void
put_u32(struct sbuf *b, uint32_t v)
{
	sbuf_addn(b, (const char *)&v, sizeof(v));
}

static void
put_u64(struct sbuf *b, uint64_t v)
{
	sbuf_addn(b, (const char *)&v, sizeof(v));
}

static void
put_int(struct sbuf *b, int v)
{
	put_u32(b, (uint32_t)(int32_t)v);
}

static void
put_long(struct sbuf *b, long v)
{
	put_u64(b, (uint64_t)(int64_t)v);
}

/* A count: the model's counts are far below 2^32 (the file is 1 MiB). */
static void
put_n(struct sbuf *b, size_t n)
{
	put_u32(b, (uint32_t)n);
}

/* 0 for NULL, else the length + 1 and the bytes. */
static void
put_str(struct sbuf *b, const char *s)
{
	size_t n;

	if (s == NULL) {
		put_u32(b, 0);
		return;
	}
	n = strlen(s);
	put_u32(b, (uint32_t)n + 1);
	sbuf_addn(b, s, n);
}

static void
put_strv(struct sbuf *b, char *const *v, size_t n)
{
	size_t i;

	put_n(b, n);
	for (i = 0; i < n; i++)
		put_str(b, v[i]);
}

/* A pattern is its source: it compiles again on first use. */
static void
put_pattern(struct sbuf *b, const struct pattern *p)
{
	put_str(b, p->src);
}

static void
put_optv(struct sbuf *b, const struct optspec *v, size_t n)
{
	size_t i;

	put_n(b, n);
	for (i = 0; i < n; i++) {
		put_u32(b, (uint32_t)v[i].kind);
		put_u32(b, (uint32_t)v[i].arg);
		put_str(b, v[i].name);
		put_str(b, v[i].spec);
		put_u32(b, v[i].pattern != NULL);
		if (v[i].pattern != NULL)
			put_pattern(b, v[i].pattern);
		put_int(b, v[i].line);
	}
}

static void
put_patterns(struct sbuf *b, const struct pattern *p, char *const *src,
    size_t n)
{
	size_t i;

	put_n(b, n);
	for (i = 0; i < n; i++) {
		put_pattern(b, &p[i]);
		put_str(b, src[i]);
	}
}

static void
put_rule(struct sbuf *b, const struct rule *r)
{
	size_t i;

	put_str(b, r->name);
	put_str(b, r->label);
	put_str(b, r->where);
	put_str(b, r->path);
	put_str(b, r->description);
	put_optv(b, r->opts, r->nopts);
	put_optv(b, r->deny, r->ndeny);
	put_int(b, r->any_options);
	put_int(b, r->oldstyle);
	put_patterns(b, r->operands, r->operand_src, r->noperands);
	put_int(b, r->operands_set);
	put_long(b, r->operands_max);
	put_optv(b, r->require, r->nrequire);
	put_n(b, r->nsubs);
	for (i = 0; i < r->nsubs; i++)
		put_rule(b, &r->subs[i]);
	put_int(b, r->entry_home);
	put_u32(b, (uint32_t)r->wrap);
	put_int(b, r->wrap_assigns);
	put_optv(b, r->cmdopts, r->ncmdopts);
	put_int(b, r->daemon);
}

static void
put_ports(struct sbuf *b, const unsigned short *v, size_t n)
{
	size_t i;

	put_n(b, n);
	for (i = 0; i < n; i++)
		put_u32(b, v[i]);
}

static void
put_action(struct sbuf *b, const struct action *a)
{
	size_t i, k;

	put_str(b, a->name);
	put_str(b, a->where);
	put_str(b, a->description);
	put_n(b, a->nforms);
	for (i = 0; i < a->nforms; i++) {
		put_n(b, a->forms[i].n);
		for (k = 0; k < a->forms[i].n; k++) {
			put_str(b, a->forms[i].w[k].lit);
			put_int(b, a->forms[i].w[k].op);
		}
	}
	put_patterns(b, a->operands, a->operand_src, a->noperands);
	put_strv(b, a->argv, a->argc);
	put_str(b, a->user);
	put_long(b, a->timeout);
}

static void
put_profile(struct sbuf *b, const struct profile *p)
{
	const struct confine *c = &p->confine;
	size_t i;

	put_str(b, p->name);
	put_str(b, p->where);
	put_strv(b, p->path, p->npath);
	put_strv(b, p->env, p->nenv);
	put_n(b, p->nsetenv);
	for (i = 0; i < p->nsetenv; i++) {
		put_str(b, p->setenv[i].name);
		put_str(b, p->setenv[i].value);
	}
	put_strv(b, p->env_ignore, p->nenv_ignore);
	put_n(b, p->ncmds);
	for (i = 0; i < p->ncmds; i++)
		put_rule(b, &p->cmds[i]);
	put_strv(b, p->cage_files, p->ncage_files);
	put_str(b, p->program_home);
	put_int(b, p->ssh_agent);
	put_u32(b, (uint32_t)c->landlock);
	put_strv(b, c->exec, c->nexec);
	put_strv(b, c->write, c->nwrite);
	put_strv(b, c->exec_writable, c->nexec_writable);
	put_int(b, c->tcp);
	put_ports(b, c->connect, c->nconnect);
	put_ports(b, c->bind, c->nbind);
	put_u32(b, (uint32_t)c->signal);
	put_u64(b, p->limits.nproc);
	put_u64(b, p->limits.nofile);
	put_u64(b, p->limits.cpu);
	put_u64(b, p->limits.fsize);
	put_u64(b, p->limits.as);
	put_long(b, p->limits.session);
	put_n(b, p->nactions);
	for (i = 0; i < p->nactions; i++)
		put_action(b, &p->actions[i]);
}

static uint32_t
profile_index(const struct conf *c, const struct profile *p)
{
	if (p == NULL)
		return NO_PROFILE;
	return (uint32_t)(p - c->profiles);
}

static void
put_conf(struct sbuf *b, const struct conf *c)
{
	const struct userent *u;
	size_t i;

	put_str(b, c->file);
	put_u64(b, c->limits.line_max);
	put_u64(b, c->limits.words_max);
	put_u64(b, c->limits.depth_max);
	put_int(b, c->log.syslog);
	put_str(b, c->log.file);
	put_u32(b, (uint32_t)c->log.on_failure);
	put_long(b, c->log.record_max);
	put_str(b, c->shell.prompt);
	put_long(b, c->shell.idle_timeout);
	put_long(b, c->shell.history_size);
	put_str(b, c->shell.history_file);
	put_n(b, c->nprofiles);
	for (i = 0; i < c->nprofiles; i++)
		put_profile(b, &c->profiles[i]);
	put_n(b, c->nusers);
	for (i = 0; i < c->nusers; i++) {
		u = &c->users[i];
		put_str(b, u->user);
		put_str(b, u->group);
		put_str(b, u->cage);
		put_str(b, u->home);
		put_str(b, u->profile_name);
		put_u32(b, profile_index(c, u->profile));
		put_int(b, u->interactive);
		put_long(b, u->home_mode);
		put_str(b, u->home_owner);
		put_str(b, u->home_group);
		put_str(b, u->where);
	}
}

void
confcache_encode(struct sbuf *b, const struct conf *c,
    const unsigned char digest[AUDIT_SHA256_LEN])
{
	size_t start, plen;
	uint64_t sum;

	sbuf_addn(b, CONFCACHE_MAGIC, 8);
	put_u32(b, CONFCACHE_FORMAT);
	put_u32(b, BOM);
	sbuf_addn(b, CONFCACHE_BUILD, BUILD_LEN);
	sbuf_addn(b, (const char *)digest, AUDIT_SHA256_LEN);
	start = b->len;
	put_u64(b, 0);		/* payload length */
	put_u64(b, 0);		/* checksum */
	put_conf(b, c);
	plen = b->len - (start + 16);
	memcpy(b->s + start, &(uint64_t){ plen }, 8);
	sum = checksum((const unsigned char *)b->s + start + 16, plen);
	memcpy(b->s + start + 8, &sum, 8);
}

void
confcache_seal(char *buf, size_t len)
{
	uint64_t sum;

	if (len < HDR_LEN)
		return;
	sum = checksum((const unsigned char *)buf + HDR_LEN, len - HDR_LEN);
	memcpy(buf + OFF_SUM, &sum, 8);
}

/* Reading: every get checks what is left; one failure spoils the rest. */

struct rd {
	const unsigned char *p;
	const unsigned char *end;
	const char	*why;
};

static int
need(struct rd *r, size_t n, const char *what)
{
	if (r->why != NULL)
		return -1;
	if ((size_t)(r->end - r->p) < n) {
		r->why = what;
		return -1;
	}
	return 0;
}

/* n bytes into v, or zeroes when they are not there */
static void
get_raw(struct rd *r, void *v, size_t n)
{
	if (need(r, n, "cut short") == -1) {
		memset(v, 0, n);
		return;
	}
	memcpy(v, r->p, n);
	r->p += n;
}

static uint32_t
get_u32(struct rd *r)
{
	uint32_t v;

	get_raw(r, &v, sizeof(v));
	return v;
}

static uint64_t
get_u64(struct rd *r)
{
	uint64_t v;

	get_raw(r, &v, sizeof(v));
	return v;
}

static int
get_int(struct rd *r)
{
	return (int)(int32_t)get_u32(r);
}

static long
get_long(struct rd *r)
{
	int64_t v = (int64_t)get_u64(r);

	if (v < LONG_MIN || v > LONG_MAX) {
		r->why = "a number out of range";
		return 0;
	}
	return (long)v;
}

/* An enum's value, checked against its last member. */
static uint32_t
get_enum(struct rd *r, uint32_t last)
{
	uint32_t v = get_u32(r);

	if (v > last && r->why == NULL)
		r->why = "an unknown kind";
	return v > last ? 0 : v;
}

/*
 * A count of things that each take at least min bytes: never more than
 * the bytes left can hold, so no count makes a big allocation.
 */
static size_t
get_n(struct rd *r, size_t min)
{
	uint32_t n = get_u32(r);

	if (r->why != NULL)
		return 0;
	if ((size_t)n > (size_t)(r->end - r->p) / min) {
		r->why = "a count larger than the file";
		return 0;
	}
	return n;
}

/* n things of size sz, zeroed (conf_free frees a partial one), or NULL. */
static void *
alloc_n(size_t n, size_t sz)
{
	return n == 0 ? NULL : xcalloc(n, sz);
}

static char *
get_str(struct rd *r)
{
	uint32_t n = get_u32(r);
	char *s;

	if (n == 0 || r->why != NULL)
		return NULL;
	n--;
	if (need(r, n, "a string cut short") == -1)
		return NULL;
	if (memchr(r->p, '\0', n) != NULL) {
		r->why = "a string with a NUL byte";
		return NULL;
	}
	s = xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

/* n strings and a NULL after them (argv is run as it is). */
static char **
get_strv(struct rd *r, size_t *np)
{
	size_t i, n = get_n(r, 4);
	char **v;

	*np = n;
	if (n == 0)
		return NULL;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = get_str(r);
	return v;
}

static void
get_pattern(struct rd *r, struct pattern *p)
{
	memset(p, 0, sizeof(*p));
	p->state = PATTERN_NEW;
	if ((p->src = get_str(r)) == NULL && r->why == NULL)
		r->why = "a pattern without its text";
}

static struct optspec *
get_optv(struct rd *r, size_t *np)
{
	struct optspec *v;
	size_t i, n = get_n(r, 24);

	*np = n;
	v = alloc_n(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].kind = (enum opt_kind)get_enum(r, OPT_WORD);
		v[i].arg = (enum opt_arg)get_enum(r, ARG_OPT);
		v[i].name = get_str(r);
		v[i].spec = get_str(r);
		if (get_u32(r) != 0) {
			v[i].pattern = xcalloc(1, sizeof(*v[i].pattern));
			get_pattern(r, v[i].pattern);
		}
		v[i].line = get_int(r);
	}
	return v;
}

static void
get_patterns(struct rd *r, struct pattern **pp, char ***srcp, size_t *np)
{
	size_t i, n = get_n(r, 8);

	*np = n;
	*pp = alloc_n(n, sizeof(**pp));
	*srcp = alloc_n(n, sizeof(**srcp));
	for (i = 0; i < n; i++) {
		get_pattern(r, &(*pp)[i]);
		(*srcp)[i] = get_str(r);
	}
}

/* Rules nest (subcommands); a file that nests deeper is not a config's. */
#define RULE_DEPTH_MAX	32

static void
get_rule(struct rd *r, struct rule *x, const struct rule *parent,
    int depth)
{
	size_t i;

	if (depth > RULE_DEPTH_MAX) {
		if (r->why == NULL)
			r->why = "subcommands nested too deep";
		return;
	}
	x->parent = parent;
	x->name = get_str(r);
	x->label = get_str(r);
	x->where = get_str(r);
	x->path = get_str(r);
	x->description = get_str(r);
	x->opts = get_optv(r, &x->nopts);
	x->deny = get_optv(r, &x->ndeny);
	x->any_options = get_int(r);
	x->oldstyle = get_int(r);
	get_patterns(r, &x->operands, &x->operand_src, &x->noperands);
	x->operands_set = get_int(r);
	x->operands_max = get_long(r);
	x->require = get_optv(r, &x->nrequire);
	x->nsubs = get_n(r, 64);
	x->subs = alloc_n(x->nsubs, sizeof(*x->subs));
	for (i = 0; i < x->nsubs; i++)
		get_rule(r, &x->subs[i], x, depth + 1);
	x->entry_home = get_int(r);
	x->wrap = (enum rule_wrap)get_enum(r, WRAP_SHELL);
	x->wrap_assigns = get_int(r);
	x->cmdopts = get_optv(r, &x->ncmdopts);
	x->daemon = get_int(r);
	if (x->name == NULL && r->why == NULL)
		r->why = "a rule without a name";
}

static unsigned short *
get_ports(struct rd *r, size_t *np)
{
	unsigned short *v;
	size_t i, n = get_n(r, 4);
	uint32_t port;

	*np = n;
	v = alloc_n(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		if ((port = get_u32(r)) > 65535 && r->why == NULL)
			r->why = "a port out of range";
		v[i] = (unsigned short)port;
	}
	return v;
}

static void
get_action(struct rd *r, struct action *a)
{
	struct action_form *f;
	size_t i, k;

	a->name = get_str(r);
	a->where = get_str(r);
	a->description = get_str(r);
	a->nforms = get_n(r, 4);
	a->forms = alloc_n(a->nforms, sizeof(*a->forms));
	for (i = 0; i < a->nforms; i++) {
		f = &a->forms[i];
		f->n = get_n(r, 8);
		f->w = alloc_n(f->n, sizeof(*f->w));
		for (k = 0; k < f->n; k++) {
			f->w[k].lit = get_str(r);
			f->w[k].op = get_int(r);
		}
	}
	get_patterns(r, &a->operands, &a->operand_src, &a->noperands);
	a->argv = get_strv(r, &a->argc);
	a->user = get_str(r);
	a->timeout = get_long(r);
}

static void
get_profile(struct rd *r, struct profile *p)
{
	struct confine *c = &p->confine;
	size_t i;

	p->name = get_str(r);
	p->where = get_str(r);
	p->path = get_strv(r, &p->npath);
	p->env = get_strv(r, &p->nenv);
	p->nsetenv = get_n(r, 8);
	p->setenv = alloc_n(p->nsetenv, sizeof(*p->setenv));
	for (i = 0; i < p->nsetenv; i++) {
		p->setenv[i].name = get_str(r);
		p->setenv[i].value = get_str(r);
	}
	p->env_ignore = get_strv(r, &p->nenv_ignore);
	p->ncmds = get_n(r, 64);
	p->cmds = alloc_n(p->ncmds, sizeof(*p->cmds));
	for (i = 0; i < p->ncmds; i++)
		get_rule(r, &p->cmds[i], NULL, 0);
	p->cage_files = get_strv(r, &p->ncage_files);
	p->program_home = get_str(r);
	p->ssh_agent = get_int(r);
	c->landlock = (enum confine_landlock)get_enum(r, CONFINE_WARN);
	c->exec = get_strv(r, &c->nexec);
	c->write = get_strv(r, &c->nwrite);
	c->exec_writable = get_strv(r, &c->nexec_writable);
	c->tcp = get_int(r);
	c->connect = get_ports(r, &c->nconnect);
	c->bind = get_ports(r, &c->nbind);
	c->signal = (enum confine_signal)get_enum(r, CONFINE_SIGNAL_USER);
	p->limits.nproc = get_u64(r);
	p->limits.nofile = get_u64(r);
	p->limits.cpu = get_u64(r);
	p->limits.fsize = get_u64(r);
	p->limits.as = get_u64(r);
	p->limits.session = get_long(r);
	p->nactions = get_n(r, 32);
	p->actions = alloc_n(p->nactions, sizeof(*p->actions));
	for (i = 0; i < p->nactions; i++)
		get_action(r, &p->actions[i]);
	if (p->name == NULL && r->why == NULL)
		r->why = "a profile without a name";
}

static void
get_conf(struct rd *r, struct conf *c)
{
	struct userent *u;
	uint32_t k;
	size_t i;

	c->file = get_str(r);
	c->limits.line_max = (size_t)get_u64(r);
	c->limits.words_max = (size_t)get_u64(r);
	c->limits.depth_max = (size_t)get_u64(r);
	c->log.syslog = get_int(r);
	c->log.file = get_str(r);
	c->log.on_failure = (enum log_failure)get_enum(r, LOGFAIL_ALLOW);
	c->log.record_max = get_long(r);
	c->shell.prompt = get_str(r);
	c->shell.idle_timeout = get_long(r);
	c->shell.history_size = get_long(r);
	c->shell.history_file = get_str(r);
	c->nprofiles = get_n(r, 64);
	c->profiles = alloc_n(c->nprofiles, sizeof(*c->profiles));
	for (i = 0; i < c->nprofiles; i++)
		get_profile(r, &c->profiles[i]);
	c->nusers = get_n(r, 48);
	c->users = alloc_n(c->nusers, sizeof(*c->users));
	for (i = 0; i < c->nusers; i++) {
		u = &c->users[i];
		u->user = get_str(r);
		u->group = get_str(r);
		u->cage = get_str(r);
		u->home = get_str(r);
		u->profile_name = get_str(r);
		k = get_u32(r);
		if (k != NO_PROFILE && k >= c->nprofiles && r->why == NULL)
			r->why = "a user entry's profile out of range";
		else if (k != NO_PROFILE && r->why == NULL)
			u->profile = &c->profiles[k];
		u->interactive = get_int(r);
		u->home_mode = get_long(r);
		u->home_owner = get_str(r);
		u->home_group = get_str(r);
		u->where = get_str(r);
	}
}

struct conf *
confcache_decode(const char *buf, size_t len, const char *name,
    const unsigned char digest[AUDIT_SHA256_LEN], const char **why)
{
	const unsigned char *p = (const unsigned char *)buf;
	uint32_t format, bom;
	uint64_t plen, sum;
	struct rd r;
	struct conf *c;

	if (len < HDR_LEN || memcmp(p, CONFCACHE_MAGIC, 8) != 0) {
		*why = "not a cagesh config cache";
		return NULL;
	}
	memcpy(&format, p + 8, 4);
	memcpy(&bom, p + 12, 4);
	if (format != CONFCACHE_FORMAT || bom != BOM ||
	    memcmp(p + 16, CONFCACHE_BUILD, BUILD_LEN) != 0) {
		*why = "made by another build of cagesh";
		return NULL;
	}
	if (memcmp(p + OFF_DIGEST, digest, AUDIT_SHA256_LEN) != 0) {
		*why = "made from other contents of the config";
		return NULL;
	}
	memcpy(&plen, p + OFF_PLEN, 8);
	memcpy(&sum, p + OFF_SUM, 8);
	if (plen != len - HDR_LEN) {
		*why = "cut short or too long";
		return NULL;
	}
	if (checksum(p + HDR_LEN, (size_t)plen) != sum) {
		*why = "damaged (checksum)";
		return NULL;
	}
	r.p = p + HDR_LEN;
	r.end = p + len;
	r.why = NULL;
	c = xcalloc(1, sizeof(*c));
	get_conf(&r, c);
	if (r.why == NULL && r.p != r.end)
		r.why = "bytes after the end";
	if (r.why == NULL && (c->file == NULL || strcmp(c->file, name) != 0))
		r.why = "made from another config file";
	if (r.why == NULL && c->shell.prompt == NULL)
		r.why = "no prompt";
	if (r.why != NULL) {
		*why = r.why;
		conf_free(c);
		return NULL;
	}
	return c;
}

/* The directory, if it is root's and only root may write in it. */
static int
open_dir(const char *dir, const char **why)
{
	struct stat st;
	int dfd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd == -1) {
		*why = errno == ENOENT ? confcache_nodir :
		    "the cache directory cannot be opened";
		return -1;
	}
	if (fstat(dfd, &st) == -1 || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		*why = "the cache directory is not root's alone";
		close(dfd);
		return -1;
	}
	return dfd;
}

struct conf *
confcache_read(const char *dir, const char *name,
    const unsigned char digest[AUDIT_SHA256_LEN], const char **why)
{
	struct conf *c = NULL;
	struct stat st;
	size_t len;
	char *buf;
	int dfd, fd, err;

	if ((dfd = open_dir(dir, why)) == -1)
		return NULL;
	fd = openat(dfd, CONFCACHE_FILE,
	    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	close(dfd);
	if (fd == -1) {
		*why = errno == ENOENT ? "no cache yet" :
		    "the cache cannot be opened";
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077) != 0 || st.st_nlink != 1) {
		*why = "the cache is not a file of root's alone (mode 600, "
		    "one link)";
		close(fd);
		return NULL;
	}
	if (st.st_size < HDR_LEN || st.st_size > CONFCACHE_SIZE_MAX) {
		*why = "the cache has a wrong size";
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	/* one byte more than fstat said tells a file that grew */
	len = pread_full(fd, buf, (size_t)st.st_size + 1, 0, &err);
	close(fd);
	if (err != 0)
		*why = "the cache cannot be read";
	else if (len != (size_t)st.st_size)
		*why = "the cache changed while it was read";
	else
		c = confcache_decode(buf, len, name, digest, why);
	free(buf);
	return c;
}

/*
 * The new file is made without a name (O_TMPFILE), written whole, then
 * linked as CONFCACHE_TMP and renamed over the old one: killed at any
 * point, the old cache or the new one is in place, and at most
 * CONFCACHE_TMP is left (the next write replaces it).
 */
static int
link_tmp(int fd, int dfd)
{
	char proc[64];

	if (linkat(fd, "", dfd, CONFCACHE_TMP, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM && errno != EINVAL)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dfd, CONFCACHE_TMP, AT_SYMLINK_FOLLOW);
}

int
confcache_write(const char *dir, const struct conf *c,
    const unsigned char digest[AUDIT_SHA256_LEN], char *why, size_t len)
{
	const char *w = NULL;
	struct sbuf b;
	int dfd, fd = -1, rc = -1, tries;

	if ((dfd = open_dir(dir, &w)) == -1) {
		snprintf(why, len, "%s: %s", dir, w);
		return -1;
	}
	sbuf_init(&b);
	confcache_encode(&b, c, digest);
	if ((fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(why, len, "%s: a new file: %s", dir, strerror(errno));
		goto out;
	}
	if (fchown(fd, 0, 0) == -1 || fchmod(fd, 0600) == -1 ||
	    sbuf_write(&b, fd) == -1) {
		snprintf(why, len, "%s/%s: %s", dir, CONFCACHE_TMP,
		    strerror(errno));
		goto out;
	}
	for (tries = 0; link_tmp(fd, dfd) == -1; tries++) {
		if (errno != EEXIST || tries > 0 ||
		    (unlinkat(dfd, CONFCACHE_TMP, 0) == -1 && errno != ENOENT)) {
			snprintf(why, len, "%s/%s: %s", dir, CONFCACHE_TMP,
			    strerror(errno));
			goto out;
		}
	}
	if (renameat(dfd, CONFCACHE_TMP, dfd, CONFCACHE_FILE) == -1) {
		snprintf(why, len, "%s/%s: %s", dir, CONFCACHE_FILE,
		    strerror(errno));
		(void)unlinkat(dfd, CONFCACHE_TMP, 0);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	close(dfd);
	sbuf_free(&b);
	return rc;
}
