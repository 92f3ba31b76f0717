/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compiled config (confcache.c): a struct conf that passed every
 * check of conf.c, written as bytes a session reads back instead of
 * parsing the file again.  It is used only when it was made from the
 * very bytes the config holds now (their SHA-256 and the file's name
 * are in it), and only from a root-owned directory and file that no one
 * else can write: as trustworthy as the config itself, and never a
 * different answer.  Anything wrong with it means it is not used.
 */
#ifndef CAGESH_CONFCACHE_H
#define CAGESH_CONFCACHE_H

#include <stddef.h>

#include "audit.h"
#include "conf.h"
#include "xmalloc.h"

/* The file in the cache directory (CAGESH_CACHEDIR). */
#define CONFCACHE_FILE		"conf.cache"
/* The one name a new one is written under before it is renamed. */
#define CONFCACHE_TMP		"conf.cache.new"
/* Bigger is not a cache of a config of at most 1 MiB. */
#define CONFCACHE_SIZE_MAX	(64 * 1024 * 1024)

/* The bytes of c, made from a config whose text has SHA-256 digest. */
void		 confcache_encode(struct sbuf *, const struct conf *c,
		    const unsigned char digest[AUDIT_SHA256_LEN]);
/*
 * The conf in buf if it is whole, of this build's format, and made
 * from the config named name whose text has this digest; else NULL and
 * *why says what was wrong.  Patterns come back uncompiled (they
 * compile on first use, as in a session; they all compiled when the
 * cache was made).
 */
struct conf	*confcache_decode(const char *buf, size_t len,
		    const char *name,
		    const unsigned char digest[AUDIT_SHA256_LEN],
		    const char **why);

/* Makes the checksum of buf's payload good again (the tests' mutations). */
void		 confcache_seal(char *buf, size_t len);

/* The why of confcache_read when there is no cache directory at all. */
extern const char confcache_nodir[];

/*
 * dir/conf.cache, if dir and the file are root's and not writable by
 * anyone else, and it matches: the conf, or NULL with *why.
 */
struct conf	*confcache_read(const char *dir, const char *name,
		    const unsigned char digest[AUDIT_SHA256_LEN],
		    const char **why);
/*
 * Writes c as dir/conf.cache (root's, 0600), replacing the old one at
 * once (rename): a reader sees the old file or the new, never part of
 * one.  0, or -1 with why; nothing is left behind but at most
 * conf.cache.new, which the next write replaces.
 */
int		 confcache_write(const char *dir, const struct conf *c,
		    const unsigned char digest[AUDIT_SHA256_LEN], char *why,
		    size_t len);

#endif
