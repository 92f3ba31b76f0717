/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cage's /bin/sh: runs as the caged user, inside the cage, and only
 * what git hands to "sh -c" for a repository on a local path:
 * "git-upload-pack '/path'" (and receive-pack, upload-archive), and what
 * GNU tar hands it to compress ("gzip", "bzip2"...: the command
 * alone).  Anything else is refused with 126, so that config a user can
 * write (a repository's remote.<name>.uploadpack, a filter driver,
 * core.gitProxy) can never give a shell a command: there is no shell in
 * the cage.  No line runs this program (no rule names sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "status.h"	/* defines only: this program needs nothing but libc */

#define SH_REFUSED	CAGESH_EXIT_DENIED
#define SH_NOTFOUND	CAGESH_EXIT_NOTFOUND
#define SH_ARG_MAX	4096

/* Commands with one single-quoted path operand, as git quotes it. */
static const char *const transports[] = {
	"git-upload-pack", "git-receive-pack", "git-upload-archive",
};

/* Whole commands: GNU tar's -z, -j, -J... when it compresses (-c). */
static const char *const compressors[] = {
	"gzip", "bzip2", "xz", "lzip", "lzma", "lzop", "zstd",
};

static void
refuse(const char *what, const char *cmd)
{
	const unsigned char *s;
	size_t n = 0;

	fprintf(stderr, "sh: refused (%s; the cage's /bin/sh is cagesh-sh, "
	    "which runs only git's local transports and tar's compressors): ",
	    what);
	for (s = (const unsigned char *)cmd; *s != '\0' && n < 200; s++, n++)
		if (*s >= 0x20 && *s < 0x7f && *s != '\\')
			fputc(*s, stderr);
		else
			fprintf(stderr, "\\x%02x", *s);
	fputs(*s != '\0' ? "...\n" : "\n", stderr);
	exit(SH_REFUSED);
}

/*
 * git's sq_quote: 'text', where ' and ! are written '\'' and '\!'.
 * Returns the unquoted text, or NULL when s is not exactly that.
 */
static char *
sq_unquote(const char *s)
{
	static char buf[SH_ARG_MAX];
	size_t n = 0;

	if (*s++ != '\'')
		return NULL;
	for (;;) {
		for (; *s != '\'' && *s != '\0'; s++) {
			if (n + 1 >= sizeof(buf))
				return NULL;
			buf[n++] = *s;
		}
		if (*s++ != '\'')
			return NULL;
		if (*s == '\0')
			break;
		if (s[0] != '\\' || (s[1] != '\'' && s[1] != '!') ||
		    s[2] != '\'' || n + 1 >= sizeof(buf))
			return NULL;
		buf[n++] = s[1];
		s += 3;
	}
	buf[n] = '\0';
	return n > 0 ? buf : NULL;
}

/* PATH is the profile's, set by the session; only absolute entries. */
static void
run(const char *cmd, char *const argv[])
{
	static char file[SH_ARG_MAX];
	const char *path, *p, *e;
	int saved = ENOENT;

	if ((path = getenv("PATH")) == NULL)
		path = "/usr/bin:/bin";
	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		if ((e = strchr(p, ':')) == NULL)
			e = p + strlen(p);
		if (*p != '/' || (size_t)(e - p) + strlen(argv[0]) + 2 >
		    sizeof(file))
			continue;
		snprintf(file, sizeof(file), "%.*s/%s", (int)(e - p), p,
		    argv[0]);
		execv(file, argv);
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno;
	}
	fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(saved));
	(void)cmd;
	exit(saved == ENOENT ? SH_NOTFOUND : SH_REFUSED);
}

int
main(int argc, char *argv[])
{
	char *av[3], *cmd, *sp, *arg;
	size_t i, len;

	/* sh -c CMD [NAME]: git passes CMD again as $0; no more args. */
	if (argc < 3 || argc > 4 || strcmp(argv[1], "-c") != 0)
		refuse("not -c COMMAND", argc > 1 ? argv[1] : "");
	cmd = argv[2];
	if (strlen(cmd) >= SH_ARG_MAX)
		refuse("command too long", cmd);
	if ((sp = strchr(cmd, ' ')) == NULL)
		sp = cmd + strlen(cmd);
	len = (size_t)(sp - cmd);
	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		if (strlen(transports[i]) != len ||
		    strncmp(cmd, transports[i], len) != 0 || *sp != ' ')
			continue;
		if ((arg = sq_unquote(sp + 1)) == NULL)
			refuse("not one quoted path", cmd);
		av[0] = (char *)transports[i];
		av[1] = arg;
		av[2] = NULL;
		run(cmd, av);
	}
	for (i = 0; i < sizeof(compressors) / sizeof(compressors[0]); i++) {
		if (strcmp(cmd, compressors[i]) != 0)
			continue;
		av[0] = (char *)compressors[i];
		av[1] = NULL;
		run(cmd, av);
	}
	refuse("not one of git's transports or tar's compressors", cmd);
	return SH_REFUSED;	/* not reached */
}
