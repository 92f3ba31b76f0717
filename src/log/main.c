/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cagesh-log: the audit log for the admin: list, one session as a
 * timeline, a summary, or follow (logtool.h).  Needs no privilege of its
 * own: it refuses to run setuid or setgid, runs nothing, opens only the
 * files it is given and writes only to stdout and stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
#include "logtool.h"
#include "status.h"
#include "vis.h"
#include "xmalloc.h"

#define POLL_MS		200	/* follow: how often the file is read */
#define MAX_FILES	256

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static const char usage_text[] =
"usage: cagesh-log [-f FILE]... [FILTER]... [--json] [list]\n"
"       cagesh-log [-f FILE]... [FILTER]... [--json] session ID\n"
"       cagesh-log [-f FILE]... [FILTER]... [--json] [-n N] summary\n"
"       cagesh-log [-f FILE] [FILTER]... [--json] follow | -F\n";

static const char help_text[] =
"Reads the cagesh audit log (default " LOG_DEFAULT_FILE ").\n"
"\n"
"Views:\n"
"  list          one row per line a user ran (command records; with\n"
"                --event, records of that kind): time, user, session,\n"
"                verdict, status, duration, the line (the default)\n"
"  session ID    one session as a timeline: its start, each line with\n"
"                every command it ran or was denied, and its end (ID:\n"
"                the id, or enough of its start)\n"
"  summary       counts: sessions per user, lines, exec commands,\n"
"                denials by reason, top commands, refusals, ends\n"
"  follow, -F    the records appended from now on, as tail -F does:\n"
"                the file is looked at every 200 ms and reopened when\n"
"                it is rotated; ^C ends it\n"
"\n"
"Input:\n"
"  -f, --file FILE    read FILE (\"-\": stdin); give rotated files\n"
"                     oldest first; gzip files "
#ifdef HAVE_ZLIB
"are decompressed"
#else
"need zcat (no zlib)"
#endif
"\n"
"\n"
"Filters (a record is shown when it matches every one given):\n"
"  --user USER        records of this user\n"
"  --session ID       of sessions whose id starts with ID\n"
"  --since TIME       at or after TIME\n"
"  --until TIME       at or before TIME; TIME is RFC 3339\n"
"                     (2026-01-02T10:00:00Z, ...+02:00), YYYY-MM-DD\n"
"                     [HH:MM[:SS]] (UTC, as in the log), now, today,\n"
"                     yesterday, or an age: 30s 15m 1h 2d 1w\n"
"  --verdict V        allow, deny or partial\n"
"  --event KIND       session_start, exec, command, session_end,\n"
"                     session_refused\n"
"  --command NAME     exec and command records that run NAME (the\n"
"                     program's basename, or a path to match whole)\n"
"  --from ADDR        from this client address (or \"ADDR PORT\", local)\n"
"\n"
"Output:\n"
"  --json             one JSON object per line: the records as read\n"
"                     (list, session, follow), or a row per count\n"
"                     (summary)\n"
"  -n, --top N        summary: rows per table (default 10, 0: all)\n"
"  -v, --verbose      name each line that is not a record, and why\n"
"  -h, --help, --version\n"
"\n"
"Every value is shown with control bytes, C1 controls and bytes that\n"
"are not UTF-8 as \\xHH (a backslash as \\\\); a value the log cut is\n"
"marked \xe2\x80\xa6[cut: N bytes, sha256 XXXXXXXX].  Lines that are not\n"
"records are counted on stderr.  Exit status: 0 records were shown,\n"
"1 none matched, 2 an error.\n";

static void __attribute__((noreturn))
usage(void)
{
	fputs(usage_text, stderr);
	exit(CAGESH_EXIT_USAGE);
}

struct run {
	struct lfilter	 f;
	struct lview	 v;
	struct lj_doc	*doc;
	unsigned long long unreadable, shown;
	char		 first_bad[512];
	int		 failed;	/* a read or write error */
	int		 verbose;	/* every unreadable line said */
};

static void
bad_line(struct run *run, const struct lin *in, const char *why)
{
	if (run->unreadable++ == 0)
		snprintf(run->first_bad, sizeof(run->first_bad),
		    "%s:%lld: %s", in->name, in->lineno, why);
	if (run->verbose)
		err_warnx("%s:%lld: %s", in->name,
		    in->lineno, why);
}

static void
one_line(struct run *run, const struct lin *in, enum lin_ret lr,
    const char *line, size_t len)
{
	struct lrec r;
	struct lj *root;
	const char *why = NULL;
	int ret;

	if (lr == LIN_LONG) {
		bad_line(run, in, "longer than any record");
		return;
	}
	if ((root = lj_parse(run->doc, line, len, &why)) == NULL ||
	    lrec_read(&r, root, &why) == -1) {
		bad_line(run, in, why != NULL ? why : "not a record");
		return;
	}
	r.raw = line;
	r.rawlen = len;
	if (!lf_match(&run->f, &r))
		return;
	if ((ret = run->v.rec(&run->v, &r)) == -1)
		run->failed = 1;
	else if (ret == 0)
		run->shown++;
}

/* The lines there are now.  -1: a read error (said). */
static int
drain(struct run *run, struct lin *in, int final)
{
	enum lin_ret lr;
	const char *line;
	size_t len;

	while ((lr = lin_next(in, final, &line, &len)) == LIN_LINE ||
	    lr == LIN_LONG) {
		one_line(run, in, lr, line, len);
		if (stop || run->failed)
			return 0;
	}
	if (lr == LIN_ERR) {
		err_warnx("%s: %s", in->name,
		    in->err != NULL ? in->err : strerror(errno));
		return -1;
	}
	return 0;
}

static void
nap(void)
{
	struct timespec ts = { 0, POLL_MS * 1000000L };

	(void)nanosleep(&ts, NULL);	/* EINTR: stop is looked at */
}

/*
 * Follows path as tail -F does.  After a rotation the old file is read
 * on too, until the next one: a running session keeps writing to the
 * file it opened.
 */
static int
follow(struct run *run, const char *path)
{
	struct lin cur, old, next;
	struct sigaction sa;
	char why[512];
	int have_old = 0, said = 0, r, pipe_in = strcmp(path, "-") == 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocked read returns, and stop is seen */
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1) {
		err_warn("sigaction");
		return -1;
	}
	if (lin_open(&cur, path, why, sizeof(why)) == -1) {
		err_warnx("%s", why);
		return -1;
	}
	if (cur.gz != NULL) {
		err_warnx("%s: cannot follow a gzip file",
		    path);
		lin_close(&cur);
		return -1;
	}
	if (!pipe_in)
		(void)lin_to_end(&cur);
	while (!stop && !run->failed) {
		if (drain(run, &cur, 0) == -1 ||
		    (have_old && drain(run, &old, 0) == -1)) {
			run->failed = 1;
			break;
		}
		if (fflush(run->v.out) == EOF)
			run->failed = 1;
		if (pipe_in) {
			if (cur.eof) {
				(void)drain(run, &cur, 1);
				break;
			}
			continue;
		}
		if ((r = lin_rotated(&cur, path)) == 1) {
			if (lin_open(&next, path, why, sizeof(why)) == -1) {
				/* not readable (yet): read on, say it once */
				if (!said++)
					err_warnx("%s", why);
				nap();
				continue;
			}
			said = 0;
			if (have_old) {
				(void)drain(run, &old, 1);
				lin_close(&old);
			}
			old = cur;
			cur = next;
			have_old = 1;
			err_warnx("%s: a new file; following "
			    "it", path);
			continue;
		}
		if (r == 2) {
			err_warnx("%s: truncated; reading it "
			    "from its start", path);
			if (lin_reopen(&cur, path, why, sizeof(why)) == -1) {
				err_warnx("%s", why);
				run->failed = 1;
				break;
			}
			continue;
		}
		nap();
	}
	if (have_old)
		lin_close(&old);
	lin_close(&cur);
	return 0;
}

static int
read_file(struct run *run, const char *path)
{
	struct lin in;
	char why[512];
	int ret;

	if (lin_open(&in, path, why, sizeof(why)) == -1) {
		err_warnx("%s", why);
		return -1;
	}
	ret = drain(run, &in, 1);
	lin_close(&in);
	return ret;
}

static int
one_of(const char *s, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return 0;
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
time_arg(const char *opt, const char *arg, long long now, long long *ms)
{
	if (lf_time_arg(arg, now, ms) == -1) {
		err_warnx("%s %s: not a time (RFC 3339, "
		    "\"YYYY-MM-DD HH:MM\", or an age such as 1h or 2d)",
		    opt, arg);
		exit(CAGESH_EXIT_USAGE);
	}
}

int
main(int argc, char *argv[])
{
	static const char *const verdicts[] = { "allow", "deny", "partial",
	    NULL };
	static const char *const events[] = { "session_start", "exec",
	    "command", "session_end", "session_refused", NULL };
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "session", required_argument, NULL, 's' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "verdict", required_argument, NULL, 'r' },
		{ "event", required_argument, NULL, 'e' },
		{ "command", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 'n' },
		{ "follow", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *files[MAX_FILES], *view = NULL;
	static char outbuf[1 << 16];
	struct run run;
	long long now = now_ms();
	size_t nfiles = 0, i;
	char *end;
	unsigned long top = 10;
	int ch, ret, status;

	err_setprog("cagesh-log");
	/* an admin's tool: it has no privilege to lend anyone */
	if (getuid() != geteuid() || getgid() != getegid()) {
		err_warnx("must not be setuid or setgid");
		exit(CAGESH_EXIT_USAGE);
	}
	/* 0x80..0x9f are controls on a terminal that is not UTF-8 */
	vis_set_utf8(vis_locale_utf8(getenv("LC_ALL"), getenv("LC_CTYPE"),
	    getenv("LANG")));
	memset(&run, 0, sizeof(run));
	while ((ch = getopt_long(argc, argv, "f:n:Fhv", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f':
			if (nfiles == MAX_FILES) {
				err_warnx("more than %d "
				    "files", MAX_FILES);
				exit(CAGESH_EXIT_USAGE);
			}
			files[nfiles++] = optarg;
			break;
		case 'u':
			run.f.user = optarg;
			break;
		case 's':
			run.f.session = optarg;
			break;
		case 'S':
			time_arg("--since", optarg, now, &run.f.since);
			run.f.has_since = 1;
			break;
		case 'U':
			time_arg("--until", optarg, now, &run.f.until);
			run.f.has_until = 1;
			break;
		case 'r':
			if (!one_of(optarg, verdicts)) {
				err_warnx("--verdict: allow, "
				    "deny or partial");
				exit(CAGESH_EXIT_USAGE);
			}
			run.f.verdict = optarg;
			break;
		case 'e':
			if (!one_of(optarg, events)) {
				err_warnx("--event: "
				    "session_start, exec, command, "
				    "session_end or session_refused");
				exit(CAGESH_EXIT_USAGE);
			}
			run.f.event = optarg;
			break;
		case 'c':
			run.f.command = optarg;
			break;
		case 'a':
			run.f.from = optarg;
			break;
		case 'j':
			run.v.json = 1;
			break;
		case 'n':
			errno = 0;
			top = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' ||
			    *end != '\0' || errno != 0 || top > 1000000) {
				err_warnx("-n: a number");
				exit(CAGESH_EXIT_USAGE);
			}
			break;
		case 'F':
			view = "follow";
			break;
		case 'v':
			run.verbose = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs("\n", stdout);
			fputs(help_text, stdout);
			exit(0);
		case 'V':
			printf("cagesh-log %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && view == NULL) {
		view = argv[0];
		argc--;
		argv++;
	}
	if (view == NULL)
		view = "list";
	run.v.top = top;
	run.v.out = stdout;
	if (strcmp(view, "list") == 0 && argc == 0) {
		if (run.f.event == NULL)
			run.f.event = "command";
		lv_list(&run.v);
	} else if (strcmp(view, "follow") == 0 && argc == 0) {
		run.v.event_col = run.f.event == NULL;
		lv_list(&run.v);
	} else if (strcmp(view, "summary") == 0 && argc == 0)
		lv_summary(&run.v);
	else if (strcmp(view, "session") == 0 && argc == 1) {
		if (run.f.session != NULL) {
			err_warnx("session ID, or --session "
			    "ID: not both");
			exit(CAGESH_EXIT_USAGE);
		}
		run.f.session = run.v.session = argv[0];
		lv_session(&run.v);
	} else
		usage();
	if (nfiles == 0)
		files[nfiles++] = LOG_DEFAULT_FILE;
	if (strcmp(view, "follow") == 0 && nfiles > 1) {
		err_warnx("follow reads one file");
		exit(CAGESH_EXIT_USAGE);
	}
	if (setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf)) != 0)
		exit(CAGESH_EXIT_USAGE);

	run.doc = lj_new();
	if (strcmp(view, "follow") == 0) {
		if (follow(&run, files[0]) == -1)
			run.failed = 1;
	} else
		for (i = 0; i < nfiles && !run.failed; i++)
			if (read_file(&run, files[i]) == -1)
				run.failed = 1;
	ret = run.v.end(&run.v, run.unreadable);
	lj_free(run.doc);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		err_warn("stdout");
		run.failed = 1;
	}
	if (run.unreadable > 0)
		err_warnx("%llu line%s could not be read "
		    "(first: %s)", run.unreadable,
		    run.unreadable == 1 ? "" : "s", run.first_bad);
	if (run.failed || ret == -1 || ret == 2)
		status = 2;
	else if (ret == 1 || (run.shown == 0 && strcmp(view, "follow") != 0))
		status = 1;
	else
		status = 0;
	exit(status);
}
