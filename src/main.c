/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cagesh: a restricted login shell for caged deploy users.  Installed
 * setuid root: a session keeps root in its set-up and monitor only
 * (session.h); --check-config and --explain give it up first.
 *
 * main() only holds the sequence of each mode; every step lives in the
 * file of its concern.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "account.h"
#include "actionrun.h"
#include "bench.h"
#include "conf.h"
#include "errmsg.h"
#include "explain.h"
#include "judge.h"
#include "parse.h"
#include "policy.h"
#include "priv.h"
#include "progpath.h"
#include "session.h"
#include "status.h"
#include "syscheck.h"
#include "xmalloc.h"

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: cagesh -c LINE\n"
	    "       cagesh --check-config [FILE]\n"
	    "       cagesh [--config FILE] [--json] --explain USER [--] LINE\n"
	    "       cagesh --version | --help\n"
	    "       cagesh    (as a login shell: an interactive session)\n");
	exit(status);
}

/* fds 0-2 open (on /dev/null if need be) so no file we open takes them. */
static void
sane_stdfds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(CAGESH_EXIT_SETUP);
	}
}

/*
 * trusted: the installed config, checked as a session checks it
 * (conf_open_trusted) before it is read; else a draft, read as given.
 */
static struct conf *
load_conf(const char *path, int accounts, int trusted)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *conf;
	char why[512];
	size_t i;
	int fd;

	if (trusted) {
		if ((fd = conf_open_trusted(path, why, sizeof(why))) == -1) {
			fprintf(stderr, "%s\n", why);
			return NULL;
		}
		conf = conf_load_fd(fd, path, &errs);
		(void)close(fd);
	} else
		conf = conf_load_file(path, &errs);
	if (conf != NULL && accounts) {
		conf_check_accounts(conf, &errs);
		actionrun_check_conf(conf, &errs);
	}
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msg[i]);
	if (errs.n > 0) {
		conf_errors_free(&errs);
		conf_free(conf);
		return NULL;
	}
	return conf;
}

/*
 * The installed config gets every check a session makes: its owner and
 * mode, then the PAM service, the audit log and syslog (syscheck.c), so
 * that a pass here is not refused at login.
 */
static int
check_config(const char *path)
{
	struct conf *conf;
	int installed = strcmp(path, CAGESH_CONF) == 0, bad = 0;

	if ((conf = load_conf(path, 1, installed)) == NULL)
		return 1;
	if (installed)
		bad = syscheck_installed(conf, stderr) > 0;
	conf_free(conf);
	return bad;
}

static int
explain(const char *path, const char *user, const char *line, int json)
{
	const struct userent *ent;
	struct account me, a;
	struct presolve res;
	struct stat st;
	struct judged j;
	int have_cage;
	struct conf *conf;
	struct sbuf out;
	size_t len = strlen(line);
	enum account_err e;
	int status;

	if (getuid() != 0) {
		if (account_caller(&me) != ACCOUNT_OK ||
		    strcmp(me.name, user) != 0)
			err_errx(CAGESH_EXIT_SETUP, "--explain: only root "
			    "or %s may explain for %s", user, user);
		account_free(&me);
	}
	if ((conf = load_conf(path, 0, 0)) == NULL)
		return 1;
	/* no account: its name alone, for the user entries by name */
	if ((e = account_named(user, &a)) == ACCOUNT_GROUPS)
		err_errx(CAGESH_EXIT_SETUP, "%s: %s", user,
		    account_strerror(e));
	if (e == ACCOUNT_NONE)
		a.name = xstrdup(user);
	switch (account_entry(conf, &a, &ent)) {
	case MATCH_ONE:
		break;
	case MATCH_MANY:
		err_errx(CAGESH_EXIT_SETUP, "%s: user '%s' is matched by two "
		    "entries", path, user);
	default:
		err_errx(CAGESH_EXIT_SETUP, "%s: no entry for user '%s'", path,
		    user);
	}
	account_free(&a);

	/*
	 * A program named by path is compared with the one the profile's
	 * path finds in the cage, as seen from the host (an absolute
	 * symlink in the cage points at the host's file): the session
	 * compares inside the cage.  No cage here: by path alone, which
	 * the reasons say.
	 */
	res.same = progpath_same;
	res.arg = ent->cage;
	have_cage = stat(ent->cage, &st) == 0 && S_ISDIR(st.st_mode);
	sbuf_init(&out);
	if (judge_line_r(ent->profile, have_cage ? &res : NULL,
	    &conf->limits, line, len, &j) == -1) {
		if (json)
			explain_json(&out, user, ent->profile->name, line, len,
			    NULL, &j.perr);
		else
			explain_text(&out, NULL, &j.perr);
		status = 1;
	} else {
		if (json)
			explain_json(&out, user, ent->profile->name, line, len,
			    &j.pl, NULL);
		else
			explain_text(&out, &j.pl, NULL);
		status = j.pl.verdict == V_ALLOW ? 0 : 1;
	}
	judged_free(&j);
	fwrite(out.s, 1, out.len, stdout);
	sbuf_free(&out);
	conf_free(conf);
	if (fflush(stdout) == EOF || ferror(stdout))
		err_errx(CAGESH_EXIT_SETUP, "stdout: %s", strerror(errno));
	return status;
}

int
main(int argc, char *argv[])
{
	const char *config = NULL, *line = NULL, *user = NULL;
	int i, json = 0, mode_check = 0, mode_explain = 0, status;
	struct session s;

	sane_stdfds();
	BENCH_MARK("main");

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--check-config") == 0)
			mode_check = 1;
		else if (strcmp(argv[i], "--explain") == 0)
			mode_explain = 1;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--config") == 0) {
			if (++i == argc)
				usage(CAGESH_EXIT_USAGE);
			config = argv[i];
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("cagesh %s (config %s)\n", PACKAGE_VERSION,
			    CAGESH_CONF);
			exit(0);
		} else if (strcmp(argv[i], "--help") == 0)
			usage(0);
		else
			break;
	}

	if (mode_check || mode_explain) {
		/* These modes read only what the caller may read. */
		if (priv_drop_caller() == -1)
			err_errx(CAGESH_EXIT_SETUP, "cannot drop "
			    "privileges: %s", strerror(errno));
	}
	if (mode_check && !mode_explain) {
		if (i < argc && config == NULL)
			config = argv[i++];
		if (i != argc)
			usage(CAGESH_EXIT_USAGE);
		exit(check_config(config ? config : CAGESH_CONF));
	}
	if (mode_explain && !mode_check) {
		if (i < argc)
			user = argv[i++];
		if (i < argc && strcmp(argv[i], "--") == 0)
			i++;
		if (i < argc)
			line = argv[i++];
		if (user == NULL || line == NULL || i != argc)
			usage(CAGESH_EXIT_USAGE);
		exit(explain(config ? config : CAGESH_CONF, user, line,
		    json));
	}
	if (mode_check || mode_explain || json || config != NULL)
		usage(CAGESH_EXIT_USAGE);

	/* A session: -c LINE, a login, or a forced command. */
	openlog("cagesh", LOG_PID, LOG_AUTHPRIV);
	session_begin(&s, argc, argv);
	BENCH_MARK("begin");
	if (geteuid() != 0)
		session_refuse(&s, NULL, "not installed setuid root");
	session_identify(&s);
	BENCH_MARK("identify");
	session_load_conf(&s);
	BENCH_MARK("config");
	session_open_log(&s);
	BENCH_MARK("log_open");
	session_find_entry(&s);
	session_fork_monitor(&s);
	BENCH_MARK("monitor");
	session_pam_open(&s);
	BENCH_MARK("pam_open");
	status = session_run(&s);
	BENCH_MARK("run");
	session_end(&s);
	BENCH_MARK("end");
	exit(status);
	exit(CAGESH_EXIT_SETUP);	/* fail safe */
}
