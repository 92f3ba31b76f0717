/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cagesh-jail: builds (init), refreshes (update) and audits (check) the
 * cages named in /etc/cagesh.conf, and makes a cage's absolute symlinks
 * relative (relink).  Run by root.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "conf.h"
#include "errmsg.h"
#include "jail.h"
#include "status.h"
#include "xmalloc.h"

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: cagesh-jail [-q] [--config FILE] init "
	    "(--user U | --cage DIR)\n"
	    "       cagesh-jail [-q] [--config FILE] update "
	    "(--user U | --cage DIR)\n"
	    "       cagesh-jail [-q] [--config FILE] check [--json] "
	    "(--user U | --cage DIR)\n"
	    "       cagesh-jail [-q] relink [--dry-run] [--cage DIR] DIR\n"
	    "       cagesh-jail --version | --help\n"
	    "  -q, --quiet    only errors and the summary line\n"
	    "  FILE defaults to %s; see cagesh-jail(8)\n", CAGESH_CONF);
	exit(status);
}

/*
 * We run as root and copy into the cage whatever host files the config
 * names: only a config that root alone can change is followed, as in a
 * session (conf_open_trusted), whichever file --config names.
 */
static struct conf *
load(const char *file)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *c;
	char why[512];
	size_t i;
	int fd;

	if ((fd = conf_open_trusted(file, why, sizeof(why))) == -1) {
		err_warnx("%s", why);
		return NULL;
	}
	c = conf_load_fd(fd, file, &errs);
	(void)close(fd);
	if (c == NULL) {
		for (i = 0; i < errs.n; i++)
			err_warnx("%s", errs.msg[i]);
		if (errs.n == 0)
			err_warnx("%s: cannot load",
			    file);
	}
	conf_errors_free(&errs);
	return c;
}

/* The cage of user U, found as cagesh finds the user's entry. */
static const char *
user_cage(const struct conf *c, const char *user)
{
	const struct userent *u;
	struct account a;
	enum account_err e;
	enum conf_match m;

	if ((e = account_named(user, &a)) == ACCOUNT_NONE) {
		err_warnx("unknown user %s", user);
		return NULL;
	}
	if (e != ACCOUNT_OK) {
		err_warnx("%s: %s", user,
		    account_strerror(e));
		return NULL;
	}
	m = account_entry(c, &a, &u);
	account_free(&a);
	if (m != MATCH_ONE) {
		err_warnx("%s: no single user entry in "
		    "%s", user, c->file);
		return NULL;
	}
	return u->cage;
}

static int
cage_known(const struct conf *c, const char *cage)
{
	size_t i;

	for (i = 0; i < c->nusers; i++)
		if (strcmp(c->users[i].cage, cage) == 0)
			return 1;
	err_warnx("%s: no user entry has this cage",
	    cage);
	return 0;
}

static int
build(const struct conf *c, const char *cage, int init)
{
	struct jplan plan, old;
	char why[2048];
	size_t changes;
	int cfd = -1, ret;

	memset(&old, 0, sizeof(old));
	/* Planned first: a missing command leaves nothing behind. */
	if ((ret = jplan_build(c, cage, &plan, why, sizeof(why))) != JE_OK) {
		err_warnx("%s", why);
		goto out;
	}
	if (jpath_cage_safe(cage, init, why, sizeof(why)) != JE_OK) {
		err_warnx("unsafe cage: %s", why);
		ret = JE_UNSAFE;
		goto out;
	}
	if ((cfd = jpath_cage_open(cage, why, sizeof(why))) == -1 ||
	    (ret = jmanifest_read(cfd, cage, &old, why, sizeof(why))) !=
	    JE_OK) {
		err_warnx("%s", why);
		ret = JE_SYS;
		goto out;
	}
	if (!init && old.n == 0) {
		err_warnx("%s: no manifest; run init "
		    "first", cage);
		ret = JE_SYS;
		goto out;
	}
	ret = jail_apply(cfd, cage, &plan, &old, &changes, why, sizeof(why));
	if (ret != JE_OK)
		err_warnx("%s%s", why, ret == JE_NOSPACE ?
		    " (disk full; nothing half-written was left)" : "");
	else
		err_report("%s: %zu change%s", cage,
		    changes, changes == 1 ? "" : "s");
out:
	if (cfd != -1)
		close(cfd);
	jplan_free(&plan);
	jplan_free(&old);
	return ret == JE_OK ? 0 : 1;
}

/* The options that go before and after the subcommand alike. */
static int
global_opt(int ch, const char **file)
{
	switch (ch) {
	case 'C':
		*file = optarg;
		return 1;
	case 'q':
		jail_quiet = 1;
		return 1;
	case 'h':
		usage(0);
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config",	required_argument,	NULL, 'C' },
		{ "user",	required_argument,	NULL, 'u' },
		{ "cage",	required_argument,	NULL, 'c' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "dry-run",	no_argument,		NULL, 'n' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 },
	};
	const char *file = CAGESH_CONF, *user = NULL, *cagearg = NULL;
	const char *cmd, *cage;
	char *real = NULL, *rcage = NULL;
	struct conf *c = NULL;
	int ch, json = 0, dry = 0, ret = 1;

	err_setprog("cagesh-jail");
	/* "+": the subcommand ends the global options; then they go on. */
	while ((ch = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
		if (global_opt(ch, &file))
			continue;
		switch (ch) {
		case 'V':
			printf("cagesh-jail %s (config %s)\n", PACKAGE_VERSION,
			    CAGESH_CONF);
			return 0;
		default:
			usage(CAGESH_EXIT_USAGE);
		}
	}
	if (optind >= argc)
		usage(CAGESH_EXIT_USAGE);
	cmd = argv[optind];
	optind++;
	while ((ch = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		if (global_opt(ch, &file))
			continue;
		switch (ch) {
		case 'u':
			user = optarg;
			break;
		case 'c':
			cagearg = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'n':
			dry = 1;
			break;
		default:
			usage(CAGESH_EXIT_USAGE);
		}
	}
	if (geteuid() != 0) {
		err_warnx("must be run as root (it creates "
		    "root-owned files and device nodes)");
		return 1;
	}
	umask(022);
	if (strcmp(cmd, "relink") == 0) {
		if (optind + 1 != argc || user != NULL || json)
			usage(CAGESH_EXIT_USAGE);
		if ((real = realpath(argv[optind], NULL)) == NULL) {
			err_warnx("%s: %s", argv[optind],
			    strerror(errno));
			return 1;
		}
		if (cagearg != NULL &&
		    (rcage = realpath(cagearg, NULL)) == NULL) {
			err_warnx("%s: %s", cagearg,
			    strerror(errno));
			goto out;
		}
		if (rcage == NULL && (rcage = jail_find_cage(real)) == NULL) {
			err_warnx("%s: not inside a cage "
			    "(no root-only %s above it)", real, JAIL_DIR);
			goto out;
		}
		ret = jail_relink(rcage, real, dry) == 0 ? 0 : 1;
		goto out;
	}
	if ((strcmp(cmd, "init") != 0 && strcmp(cmd, "update") != 0 &&
	    strcmp(cmd, "check") != 0) || optind != argc ||
	    (user == NULL) == (cagearg == NULL) ||
	    (json && strcmp(cmd, "check") != 0) || dry)
		usage(CAGESH_EXIT_USAGE);
	if ((c = load(file)) == NULL)
		goto out;
	if (user != NULL)
		cage = user_cage(c, user);
	else
		cage = cage_known(c, cagearg) ? cagearg : NULL;
	if (cage == NULL)
		goto out;
	if (strcmp(cmd, "check") == 0)
		ret = jail_check(c, cage, json);
	else
		ret = build(c, cage, strcmp(cmd, "init") == 0);
out:
	free(real);
	free(rcage);
	if (c != NULL)
		conf_free(c);
	return ret;
}
