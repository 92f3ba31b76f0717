/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A forged compiled config, for tests/test-confcache.sh: the config
 * MODEL's profiles, claiming to be made from the bytes of the file
 * CLAIM (its digest), under the name NAME.  Only root can put such a
 * file where a session reads it; the test shows that whatever else
 * is wrong with the file (owner, mode, links, directory) keeps it
 * unused.  No privilege.
 *
 *	cc-forge MODEL CLAIM NAME OUT
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "conf.h"
#include "confcache.h"
#include "xmalloc.h"

int
main(int argc, char **argv)
{
	struct conf_errors errs = { .msg = NULL };
	unsigned char digest[AUDIT_SHA256_LEN];
	struct sbuf text, out;
	struct conf *c;
	char buf[8192];
	ssize_t n;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: cc-forge MODEL CLAIM NAME OUT\n");
		return 2;
	}
	if ((c = conf_load_file(argv[1], &errs)) == NULL) {
		fprintf(stderr, "cc-forge: %s: %s\n", argv[1],
		    errs.n > 0 ? errs.msg[0] : "?");
		return 1;
	}
	free(c->file);
	c->file = xstrdup(argv[3]);
	if ((fd = open(argv[2], O_RDONLY)) == -1) {
		perror(argv[2]);
		return 1;
	}
	sbuf_init(&text);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sbuf_addn(&text, buf, (size_t)n);
	close(fd);
	sha256(text.s, text.len, digest);
	sbuf_init(&out);
	confcache_encode(&out, c, digest);
	if ((fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    sbuf_write(&out, fd) == -1 || close(fd) == -1) {
		perror(argv[4]);
		return 1;
	}
	sbuf_free(&out);
	sbuf_free(&text);
	conf_free(c);
	return 0;
}
