/*
 * The audit trail: exact records, escaping of every hostile byte in
 * JSON and key=value, the check of fragments sent by the caged child,
 * the child -> parent transport, the refusals of audit_open and
 * records written by 200 processes at once (none lost, none mixed).
 * Runs without root; as root it also checks the ownership refusals.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "xmalloc.h"
#include "tap.h"

#define NPROC	200
#define NREC	20
#define TIMELEN	24	/* 2026-11-23T15:04:05.123Z */

static char tmpdir[] = "/tmp/test-audit.XXXXXX";
static time_t started;

/*
 * An independent JSON checker (whole values, white space not allowed
 * since the writer never emits it).  Returns the end or NULL.
 */
static const char *jv(const char *, int);

static const char *
jv_str(const char *p)
{
	int i;

	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p++ != '\\')
			continue;
		if (*p == 'u') {
			for (i = 1; i <= 4; i++)
				if (strchr("0123456789abcdefABCDEF", p[i]) ==
				    NULL || p[i] == '\0')
					return NULL;
			p += 5;
		} else if (*p != '\0' && strchr("\"\\/bfnrt", *p) != NULL)
			p++;
		else
			return NULL;
	}
	return p + 1;
}

static const char *
jv(const char *p, int depth)
{
	char close;

	if (depth > 16)
		return NULL;
	if (*p == '"')
		return jv_str(p);
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		p += *p == '-';
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
		return p;
	}
	if (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	if (*p != '[' && *p != '{')
		return NULL;
	close = *p == '[' ? ']' : '}';
	if (*++p == close)
		return p + 1;
	for (;;) {
		if (close == '}' && ((p = jv_str(p)) == NULL || *p++ != ':'))
			return NULL;
		if ((p = jv(p, depth + 1)) == NULL)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

/* One whole record: an object, then exactly one newline. */
static int
json_line_ok(const char *s)
{
	const char *e;

	return *s == '{' && (e = jv(s, 0)) != NULL && strcmp(e, "\n") == 0;
}

/*
 * An independent key=value reader: the keys in order, joined by ",",
 * or NULL when the line is malformed.  *user gets the user's value.
 */
static char *
kv_keys(const char *p, char *user, size_t usersz)
{
	struct sbuf keys, val;
	const char *k;

	memset(&keys, 0, sizeof(keys));
	memset(&val, 0, sizeof(val));
	sbuf_init(&keys);
	while (*p != '\0') {
		memset(&val, 0, sizeof(val));
		sbuf_init(&val);
		for (k = p; *p != '=' && *p != '\0'; p++)
			if (*p == ' ' || *p == '"' || (unsigned char)*p < 0x20)
				goto bad;
		if (*p++ != '=' || p == k + 1)
			goto bad;
		if (keys.len > 0)
			sbuf_addc(&keys, ',');
		sbuf_addn(&keys, k, (size_t)(p - k - 1));
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0' || (unsigned char)*p < 0x20)
					goto bad;
				if (*p == '\\')
					p++;
				sbuf_addc(&val, *p);
			}
			p++;
		} else {
			while (*p != ' ' && *p != '\0') {
				if ((unsigned char)*p < 0x20 || *p == '"')
					goto bad;
				sbuf_addc(&val, *p++);
			}
		}
		if (p - k >= 5 && strncmp(k, "user=", 5) == 0)
			snprintf(user, usersz, "%s", val.s);
		sbuf_free(&val);
		if (*p == ' ')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	return sbuf_take(&keys);
bad:
	sbuf_free(&val);
	sbuf_free(&keys);
	return NULL;
}

/* The time stamp of a record: RFC 3339 UTC, ms, during this test. */
static int
time_ok(const char *json)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	struct tm tm;
	const char *t;
	time_t when;
	size_t i;

	if (strncmp(json, "{\"time\":\"", 9) != 0)
		return 0;
	t = json + 9;
	for (i = 0; i < TIMELEN; i++) {
		if (pat[i] == 'd' ? (t[i] < '0' || t[i] > '9') :
		    t[i] != pat[i])
			return 0;
	}
	if (t[TIMELEN] != '"')
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (strptime(t, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	when = timegm(&tm);
	return when >= started && when <= time(NULL);
}

/* The record with its time stamp cut out. */
static const char *
untimed(const char *json)
{
	return strlen(json) > 9 + TIMELEN ? json + 9 + TIMELEN : "";
}

static const struct audit_ident ident = {
	"4f2a-01", "deploy", 1001, "127.0.0.1 52314", "command"
};

static void
test_records(void)
{
	static char w0[] = "git", w1[] = "ls-remote", w2[] = "/srv/repo.git";
	static char w3[] = "bash";
	char *const git[] = { w0, w1, w2 };
	char *const bash[] = { w3 };
	const struct audit_cmd cmds[] = {
		{ git, 3, V_ALLOW, "git ls-remote (rule 2)" },
		{ bash, 1, V_DENY, "bash: no rule" },
	};
	static const char line[] = "git ls-remote /srv/repo.git; bash";
	struct audit_line al;
	struct audit_ident anon = ident;
	struct sbuf fj, fk, j, k;
	char user[64];
	char *keys;

	memset(&al, 0, sizeof(al));
	al.cwd = "/var/www/app";
	al.line = line;
	al.linelen = strlen(line);
	al.cmds = cmds;
	al.ncmds = 2;
	al.verdict = V_DENY;
	al.duration_ms = 3;
	memset(&fj, 0, sizeof(fj));
	memset(&fk, 0, sizeof(fk));
	memset(&j, 0, sizeof(j));
	memset(&k, 0, sizeof(k));
	audit_line_fields(&al, &fj, &fk);
	is_str(fj.s, "\"cwd\":\"/var/www/app\","
	    "\"line\":\"git ls-remote /srv/repo.git; bash\","
	    "\"commands\":[{\"argv\":[\"git\",\"ls-remote\",\"/srv/repo.git\"],"
	    "\"verdict\":\"allow\",\"rule\":\"git ls-remote (rule 2)\"},"
	    "{\"argv\":[\"bash\"],\"verdict\":\"deny\","
	    "\"reason\":\"bash: no rule\"}],\"verdict\":\"deny\","
	    "\"duration_ms\":3",
	    "line fields: exact JSON, no status when not run");
	is_str(fk.s, "cwd=/var/www/app verdict=deny duration_ms=3 "
	    "line=\"git ls-remote /srv/repo.git; bash\" "
	    "commands=\"git ls-remote /srv/repo.git [allow: git ls-remote "
	    "(rule 2)]; bash [deny: bash: no rule]\"",
	    "line fields: exact key=value");
	ok(audit_fragment_ok(fj.s, fk.s), "our own fragments pass the check");

	audit_record(&ident, AE_COMMAND, fj.s, fk.s, &j, &k);
	ok(time_ok(j.s), "time is RFC 3339 UTC with ms, now: %.40s", j.s);
	is_str(untimed(j.s), "\",\"event\":\"command\",\"session\":\"4f2a-01\","
	    "\"user\":\"deploy\",\"uid\":1001,\"from\":\"127.0.0.1 52314\","
	    "\"mode\":\"command\",\"cwd\":\"/var/www/app\","
	    "\"line\":\"git ls-remote /srv/repo.git; bash\","
	    "\"commands\":[{\"argv\":[\"git\",\"ls-remote\",\"/srv/repo.git\"],"
	    "\"verdict\":\"allow\",\"rule\":\"git ls-remote (rule 2)\"},"
	    "{\"argv\":[\"bash\"],\"verdict\":\"deny\","
	    "\"reason\":\"bash: no rule\"}],\"verdict\":\"deny\","
	    "\"duration_ms\":3}\n", "command record: exact JSON");
	ok(json_line_ok(j.s), "command record is one valid JSON line");
	is_str(k.s, "event=command session=4f2a-01 user=deploy uid=1001 "
	    "from=\"127.0.0.1 52314\" mode=command cwd=/var/www/app "
	    "verdict=deny duration_ms=3 "
	    "line=\"git ls-remote /srv/repo.git; bash\" "
	    "commands=\"git ls-remote /srv/repo.git [allow: git ls-remote "
	    "(rule 2)]; bash [deny: bash: no rule]\"",
	    "command record: exact key=value");
	sbuf_free(&fj);
	sbuf_free(&fk);
	sbuf_free(&j);
	sbuf_free(&k);

	al.ncmds = 1;
	al.verdict = V_ALLOW;
	al.ran = 1;
	al.status = 2;
	al.duration_ms = 1250;
	audit_line_fields(&al, &fj, &fk);
	ok(strstr(fj.s, ",\"verdict\":\"allow\",\"status\":2,"
	    "\"duration_ms\":1250") != NULL, "status when it ran");
	ok(strstr(fk.s, " verdict=allow status=2 duration_ms=1250 ") != NULL,
	    "key=value status when it ran");
	sbuf_free(&fj);
	sbuf_free(&fk);

	anon.user = NULL;
	audit_record(&anon, AE_SESSION_START, NULL, NULL, &j, &k);
	is_str(untimed(j.s), "\",\"event\":\"session_start\","
	    "\"session\":\"4f2a-01\",\"user\":null,\"uid\":1001,"
	    "\"from\":\"127.0.0.1 52314\",\"mode\":\"command\"}\n",
	    "session_start, unknown user: null, no fragment");
	is_str(k.s, "event=session_start session=4f2a-01 user=- uid=1001 "
	    "from=\"127.0.0.1 52314\" mode=command",
	    "session_start key=value: user=-");
	sbuf_free(&j);
	sbuf_free(&k);

	anon.user = "-";
	audit_end_fields("no such user", -1, &fj, &fk);
	is_str(fj.s, "\"reason\":\"no such user\"", "end fields: reason only");
	is_str(fk.s, "reason=\"no such user\"", "end fields kv: reason only");
	audit_record(&anon, AE_SESSION_REFUSED, fj.s, fk.s, &j, &k);
	ok(strstr(j.s, "\"event\":\"session_refused\"") != NULL &&
	    strstr(j.s, ",\"mode\":\"command\",\"reason\":\"no such user\"}\n")
	    != NULL, "session_refused record");
	ok(strstr(k.s, " user=\"-\" ") != NULL, "a real user \"-\" is quoted");
	ok(json_line_ok(j.s), "session_refused is one valid JSON line");
	sbuf_free(&fj);
	sbuf_free(&fk);
	sbuf_free(&j);
	sbuf_free(&k);

	audit_end_fields(NULL, 0, &fj, &fk);
	is_str(fj.s, "\"status\":0", "end fields: status only");
	is_str(fk.s, "status=0", "end fields kv: status only");
	audit_record(&ident, AE_SESSION_END, fj.s, fk.s, &j, &k);
	ok(json_line_ok(j.s) &&
	    strstr(j.s, "\"event\":\"session_end\"") != NULL,
	    "session_end record");
	keys = kv_keys(k.s, user, sizeof(user));
	is_str(keys, "event,session,user,uid,from,mode,status",
	    "session_end key=value fields");
	free(keys);
	sbuf_free(&fj);
	sbuf_free(&fk);
	sbuf_free(&j);
	sbuf_free(&k);
}

static int
have_python(void)
{
	return system("command -v python3 >/dev/null 2>&1") == 0;
}

/* The one line of path loads as JSON in Python, "line" as expected. */
static int
python_ok(const char *path, const char *pyline)
{
	char *cmd;
	int st;

	xasprintf(&cmd, "python3 -c 'import json, sys\n"
	    "n = 0\n"
	    "for l in open(sys.argv[1], \"rb\"):\n"
	    "    r = json.loads(l)\n"
	    "    assert l.endswith(b\"\\n\") and l.count(b\"\\n\") == 1\n"
	    "    assert r[\"line\"] == %s, repr(r[\"line\"])\n"
	    "    n += 1\n"
	    "assert n == 1\n' '%s'", pyline, path);
	st = system(cmd);
	free(cmd);
	return st == 0;
}

static void
test_escaping(void)
{
	static char w0[] = "echo", w1[] = "a\"b\\c\nd\x01" "e\xff", w2[] = "";
	static char x[] = "x";
	char *const argv[] = { w0, w1, w2 };
	const struct audit_cmd cmds[] = {
		{ argv, 3, V_DENY, "echo: \"quoted\"\n" },
	};
	static const char line[] = "echo \"a\\b\nc\x01\x7f\xff\xc3\xa9 x";
	static const char inj[] = "ls\" user=root uid=0\nevent=session_start "
	    "mode=\\\" \r";
	struct audit_line al;
	struct sbuf fj, fk, j, k;
	char user[64], path[64];
	char *keys;
	unsigned seed = 1;
	int i, m, n, bad, fd;
	char rnd[64];
	char *rargv[3];
	struct audit_cmd rcmd;

	memset(&al, 0, sizeof(al));
	al.cwd = "/tmp/a \"dir\"";
	al.line = line;
	al.linelen = sizeof(line) - 1;
	al.cmds = cmds;
	al.ncmds = 1;
	al.verdict = V_DENY;
	memset(&fj, 0, sizeof(fj));
	memset(&fk, 0, sizeof(fk));
	memset(&j, 0, sizeof(j));
	memset(&k, 0, sizeof(k));
	audit_line_fields(&al, &fj, &fk);
	ok(strstr(fj.s, "\"line\":\"echo \\\"a\\\\b\\nc\\u0001\\u007f"
	    "\\u00ff\xc3\xa9 x\"") != NULL,
	    "line: quote, backslash, newline, \\x01, DEL, bad UTF-8 escaped");
	ok(strstr(fj.s, "\"argv\":[\"echo\",\"a\\\"b\\\\c\\nd\\u0001"
	    "e\\u00ff\",\"\"]") != NULL, "argv escaped the same way");
	ok(strstr(fj.s, "\"reason\":\"echo: \\\"quoted\\\"\\n\"") != NULL,
	    "reason escaped");
	ok(strstr(fk.s, "line=\"echo \\\"a\\\\b\\x0ac\\x01\\x7f\\xff\\xc3\\xa9"
	    " x\"") != NULL, "key=value line: \\\" \\\\ and \\xHH");
	ok(strstr(fk.s, "cwd=\"/tmp/a \\\"dir\\\"\"") != NULL,
	    "key=value cwd quoted");
	ok(audit_fragment_ok(fj.s, fk.s), "hostile fragments still pass");
	audit_record(&ident, AE_COMMAND, fj.s, fk.s, &j, &k);
	ok(json_line_ok(j.s), "escaped record is valid JSON, one line");
	ok(strchr(k.s, '\n') == NULL && strchr(k.s, '\r') == NULL &&
	    strchr(k.s, '\x01') == NULL, "key=value has no control byte");
	snprintf(path, sizeof(path), "%s/esc.json", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ok(fd != -1 && audit_write(fd, &j) == 0, "escaped record written");
	if (fd != -1)
		close(fd);
	if (have_python())
		ok(python_ok(path, "\"echo \\\"a\\\\b\\nc\\x01\\x7f\\xff"
		    "\\xe9 x\""), "python3 json.loads reads it back");
	else
		ok(1, "# SKIP python3 not found");
	sbuf_free(&fj);
	sbuf_free(&fk);
	sbuf_free(&j);
	sbuf_free(&k);

	/* Log injection: the whole line stays the value of one field. */
	al.cwd = "/";
	al.line = inj;
	al.linelen = sizeof(inj) - 1;
	al.ncmds = 0;
	audit_line_fields(&al, &fj, &fk);
	audit_record(&ident, AE_COMMAND, fj.s, fk.s, &j, &k);
	user[0] = '\0';
	keys = kv_keys(k.s, user, sizeof(user));
	is_str(keys, "event,session,user,uid,from,mode,cwd,verdict,"
	    "duration_ms,line,commands", "injected \" user=root stays in line");
	is_str(user, "deploy", "the user is still the stamped one");
	ok(strchr(k.s, '\n') == NULL && strchr(k.s, '\r') == NULL,
	    "injected newline escaped in key=value");
	ok(json_line_ok(j.s), "injected line: JSON still one valid line");
	free(keys);
	sbuf_free(&fj);
	sbuf_free(&fk);
	sbuf_free(&j);
	sbuf_free(&k);

	/* Any bytes at all: the writers' output always passes both checks. */
	bad = 0;
	rargv[0] = x;
	rargv[1] = rnd;
	rargv[2] = NULL;
	rcmd.argv = rargv;
	rcmd.argc = 2;
	rcmd.verdict = V_ALLOW;
	rcmd.why = rnd;
	for (i = 0; i < 2000; i++) {
		n = (int)(rand_r(&seed) % (sizeof(rnd) - 1));
		for (m = 0; m < n; m++)
			rnd[m] = (char)(rand_r(&seed) % 255 + 1);
		rnd[n] = '\0';
		al.cwd = rnd;
		al.line = rnd;
		al.linelen = (size_t)n;
		al.cmds = &rcmd;
		al.ncmds = 1;
		al.ran = i & 1;
		al.status = i;
		audit_line_fields(&al, &fj, &fk);
		audit_record(&ident, AE_COMMAND, fj.s, fk.s, &j, &k);
		keys = kv_keys(k.s, user, sizeof(user));
		if (!audit_fragment_ok(fj.s, fk.s) || !json_line_ok(j.s) ||
		    keys == NULL || strcmp(user, "deploy") != 0)
			bad++;
		free(keys);
		sbuf_free(&fj);
		sbuf_free(&fk);
		sbuf_free(&j);
		sbuf_free(&k);
	}
	is_int(bad, 0, "2000 random byte strings: fragments pass, records "
	    "valid, key=value well-formed");
}

static void
test_fragment_ok(void)
{
	static const struct {
		const char *json, *kv;
		int want;
		const char *what;
	} c[] = {
		{ "\"cwd\":\"/\",\"verdict\":\"allow\",\"status\":0",
		    "cwd=/ verdict=allow status=0", 1, "good fragment" },
		{ "\"commands\":[{\"argv\":[\"a\",\"\\u0001\"],\"x\":null}],"
		    "\"duration_ms\":-1", "commands=\"a \\x01\"", 1,
		    "nested, escapes, negative number" },
		{ "\"reason\":\"\xc3\xa9\"", "reason=\"\\xc3\\xa9\"", 1,
		    "UTF-8 in a string" },
		{ "\",\"user\":\"root", "cwd=/", 0,
		    "forged \",\"user\":\"root (ends inside a string)" },
		{ "\"cwd\":\"/\",\"user\":\"root\"", "cwd=/", 0,
		    "identity key user in JSON" },
		{ "\"cwd\":\"/\",\"session\":\"x\"", "cwd=/", 0,
		    "identity key session in JSON" },
		{ "\"cwd\":\"/\",\"cwd\":\"/etc\"", "cwd=/", 0,
		    "duplicate key" },
		{ "\"commands\":[{\"argv\":[]}", "cwd=/", 0, "unbalanced [" },
		{ "\"commands\":[]]", "cwd=/", 0, "unbalanced ]" },
		{ "\"cwd\":\"/\"},{\"event\":\"x\"", "cwd=/", 0,
		    "closes the record and opens another" },
		{ "\"cwd\":\"/\"}\n{\"time\":\"x\"", "cwd=/", 0,
		    "raw newline" },
		{ "\"line\":\"a\nb\"", "cwd=/", 0, "raw newline in a string" },
		{ "\"line\":\"a\\\"", "cwd=/", 0, "escaped closing quote" },
		{ "\"line\":\"\\q\"", "cwd=/", 0, "bad escape" },
		{ "\"line\":\"\\u00\"", "cwd=/", 0, "short \\u escape" },
		{ "\"line\":\"\xff\"", "cwd=/", 0, "invalid UTF-8" },
		{ "\"line\":\"\x7f\"", "cwd=/", 0, "raw DEL" },
		{ "", "cwd=/", 0, "empty JSON fragment" },
		{ ",\"cwd\":\"/\"", "cwd=/", 0, "does not start with a quote" },
		{ "\"cwd\":\"/\",", "cwd=/", 0, "trailing comma" },
		{ "\"cwd\": \"/\"", "cwd=/", 0, "white space" },
		{ "\"cwd\":/", "cwd=/", 0, "bare word value" },
		{ "\"cwd\":\"/\"", "cwd=/ user=root", 0, "kv: forged user=" },
		{ "\"cwd\":\"/\"", "cwd=\"/\" user=root", 0,
		    "kv: user= after a quoted value" },
		{ "\"cwd\":\"/\"", "cwd=/\nevent=x", 0, "kv: newline" },
		{ "\"cwd\":\"/\"", "line=\"a\\\"", 0,
		    "kv: unterminated quote" },
		{ "\"cwd\":\"/\"", "line=\"a\x01\"", 0,
		    "kv: raw control byte" },
		{ "\"cwd\":\"/\"", "line=\"\\q\"", 0, "kv: bad escape" },
		{ "\"cwd\":\"/\"", "cwd=/  verdict=deny", 0,
		    "kv: empty field" },
		{ "\"cwd\":\"/\"", "cwd=", 0, "kv: empty plain value" },
		{ "\"cwd\":\"/\"", "", 0, "kv: empty" },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		is_int(audit_fragment_ok(c[i].json, c[i].kv), c[i].want,
		    "fragment check: %s", c[i].what);
	ok(!audit_fragment_ok(NULL, "cwd=/") && !audit_fragment_ok("\"a\"",
	    NULL), "fragment check: NULL refused");
}

static void
be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static int
seqpair(int sv[2], int bufsize)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		return -1;
	if (bufsize > 0) {
		/* Root may go past wmem_max, as the session does. */
		if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &bufsize,
		    sizeof(bufsize)) == -1)
			return -1;
	}
	return 0;
}

static void
test_transport(void)
{
	static const char bin[] = "a\0b\nc";
	unsigned char hdr[9];
	char type, *a, *b, *big;
	size_t alen, blen, i;
	int sv[2], r, st, good, k, seen[8];
	pid_t pid, pids[8];

	if (seqpair(sv, 0) == -1) {
		ok(0, "socketpair: %s", strerror(errno));
		return;
	}
	ok(audit_send(sv[0], 'C', "json", 4, bin, sizeof(bin)) == 0 &&
	    audit_send(sv[0], 'E', NULL, 0, NULL, 0) == 0, "two messages sent");
	r = audit_recv(sv[1], &type, &a, &alen, &b, &blen);
	ok(r == 1 && type == 'C' && alen == 4 && strcmp(a, "json") == 0 &&
	    blen == sizeof(bin) && memcmp(b, bin, blen) == 0 &&
	    b[blen] == '\0', "first message intact, binary-safe, NUL-ended");
	free(a);
	free(b);
	r = audit_recv(sv[1], &type, &a, &alen, &b, &blen);
	ok(r == 1 && type == 'E' && alen == 0 && blen == 0 && *a == '\0' &&
	    *b == '\0', "empty message");
	free(a);
	free(b);
	close(sv[0]);
	r = audit_recv(sv[1], &type, &a, &alen, &b, &blen);
	ok(r == 0 && a == NULL && b == NULL, "clean EOF: 0");
	close(sv[1]);

	/* Eight processes sending at once: every datagram arrives whole. */
	(void)seqpair(sv, 0);
	big = xmalloc(60000);
	for (k = 0; k < 8; k++) {
		if ((pids[k] = fork()) == 0) {
			close(sv[1]);
			memset(big, 'a' + k, 60000);
			for (i = 0; i < 50; i++)
				if (audit_send(sv[0], (char)('0' + k), big,
				    1000 + i * 1000, "x", 1) == -1)
					_exit(1);
			_exit(0);
		}
		seen[k] = 0;
	}
	close(sv[0]);
	good = 1;
	while ((r = audit_recv(sv[1], &type, &a, &alen, &b, &blen)) == 1) {
		k = type - '0';
		if (k < 0 || k > 7 || alen != 1000 + (size_t)seen[k] * 1000)
			good = 0;
		else {
			for (i = 0; i < alen; i++)
				if (a[i] != 'a' + k)
					good = 0;
			seen[k]++;
		}
		free(a);
		free(b);
	}
	for (k = 0; k < 8; k++) {
		if (seen[k] != 50)
			good = 0;
		if (waitpid(pids[k], &st, 0) != pids[k] || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			good = 0;
	}
	ok(good && r == 0, "8 concurrent senders: 400 whole messages, in "
	    "order per sender");
	close(sv[1]);
	free(big);

	/* A large record: needs the buffer the session sets as root. */
	if (geteuid() == 0 && seqpair(sv, 4 * 1024 * 1024) == 0) {
		big = xmalloc(1024 * 1024);
		for (i = 0; i < 1024 * 1024; i++)
			big[i] = (char)('a' + i % 26);
		if ((pid = fork()) == 0) {
			close(sv[1]);
			r = audit_send(sv[0], 'B', big, 1024 * 1024, "x", 1);
			_exit(r == 0 ? 0 : 1);
		}
		close(sv[0]);
		r = audit_recv(sv[1], &type, &a, &alen, &b, &blen);
		good = r == 1 && alen == 1024 * 1024 &&
		    memcmp(a, big, alen) == 0 && strcmp(b, "x") == 0;
		ok(good, "1 MiB message intact");
		free(a);
		free(b);
		ok(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0, "1 MiB sender succeeded");
		close(sv[1]);
		free(big);
	} else
		ok(1, "# SKIP 1 MiB message: needs root for SO_SNDBUFFORCE");

	(void)seqpair(sv, 0);
	errno = 0;
	ok(audit_send(sv[0], 'C', "", AUDIT_MSG_MAX, "", 0) == -1 &&
	    errno == EMSGSIZE, "send: over AUDIT_MSG_MAX refused (EMSGSIZE)");
	ok(audit_send(sv[0], 'C', "", SIZE_MAX - 4, "", 8) == -1 &&
	    errno == EMSGSIZE, "send: length overflow refused");
	/* Hostile headers: lengths that do not add up to the datagram. */
	hdr[0] = 'C';
	be32(hdr + 1, AUDIT_MSG_MAX / 2);
	be32(hdr + 5, AUDIT_MSG_MAX / 2);
	(void)send(sv[0], hdr, sizeof(hdr), 0);
	errno = 0;
	r = audit_recv(sv[1], &type, &a, &alen, &b, &blen);
	ok(r == -1 && errno == EPROTO && a == NULL,
	    "recv: header lengths larger than the message refused");
	memcpy(hdr, "C\0\0\0\x05\0\0\0\x02", 9);
	(void)send(sv[0], hdr, sizeof(hdr), 0);
	r = audit_recv(sv[1], &type, &a, &alen, &b, &blen);
	ok(r == -1 && errno == EPROTO && a == NULL && b == NULL,
	    "recv: a message shorter than its header says: -1");
	(void)send(sv[0], "C\0\0", 3, 0);
	r = audit_recv(sv[1], &type, &a, &alen, &b, &blen);
	ok(r == -1 && a == NULL, "recv: shorter than a header: -1");
	ok(audit_send(sv[0], 'C', "x", 1, "y", 1) == 0 &&
	    audit_recv(sv[1], &type, &a, &alen, &b, &blen) == 1 &&
	    strcmp(a, "x") == 0, "the socket still works after bad messages");
	free(a);
	free(b);
	close(sv[0]);
	close(sv[1]);

	(void)seqpair(sv, 0);
	close(sv[1]);
	errno = 0;
	ok(audit_send(sv[0], 'C', "x", 1, "y", 1) == -1 && errno == EPIPE,
	    "send to a closed peer: EPIPE, no SIGPIPE");
	close(sv[0]);
}

static int
mkfile(const char *path, mode_t mode)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1)
		return -1;
	close(fd);
	return chmod(path, mode);
}

/* audit_open of path fails with errno want (0: any errno). */
static int
refused(const char *path, int want)
{
	int fd;

	errno = 0;
	if ((fd = audit_open(path)) != -1) {
		close(fd);
		return 0;
	}
	return want == 0 || errno == want;
}

static void
test_open(void)
{
	char p[256], q[256], d[128];
	struct stat st;
	int fd, stt;
	pid_t pid;

	snprintf(p, sizeof(p), "%s/mine.log", tmpdir);
	(void)mkfile(p, 0600);
	if (geteuid() == 0)
		(void)chown(p, 65534, 65534);
	ok(refused(p, EPERM), "file owned by a user (not root) refused");
	snprintf(q, sizeof(q), "%s/link.log", tmpdir);
	(void)symlink(p, q);
	ok(refused(q, 0), "symlink refused");
	ok(refused("/dev/null", EPERM), "not a regular file (/dev/null)");
	ok(refused("", EINVAL), "empty path");
	ok(refused("/nonexistent-dir-cagesh/a.log", ENOENT),
	    "missing parent directory");
	if (geteuid() != 0) {
		ok(1, "# SKIP ownership refusals need root");
		return;
	}

	ok(lstat(q, &st) == 0 && S_ISLNK(st.st_mode) && refused(q, ELOOP),
	    "root: symlink target refused with ELOOP");
	ok(stat(p, &st) == 0 && st.st_size == 0, "symlink target untouched");
	snprintf(p, sizeof(p), "%s/new.log", tmpdir);
	fd = audit_open(p);
	ok(fd != -1 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600 &&
	    st.st_uid == 0, "root: new log created 0600, owned by root");
	ok(fd != -1 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
	    (fcntl(fd, F_GETFL) & O_APPEND), "close-on-exec and append-only");
	ok(fd != -1 && audit_writable(fd) == 0, "audit_writable on the log");
	if (fd != -1)
		close(fd);
	fd = audit_open(p);
	ok(fd != -1, "root: existing root-owned log opened again");
	if (fd != -1)
		close(fd);
	(void)chmod(p, 0620);
	ok(refused(p, EPERM), "root: group-writable file refused");
	(void)chmod(p, 0602);
	ok(refused(p, EPERM), "root: other-writable file refused");
	(void)chmod(p, 0600);
	(void)chown(p, 65534, 65534);
	ok(refused(p, EPERM), "root: file owned by another user refused");
	(void)chown(p, 0, 0);
	snprintf(q, sizeof(q), "%s/hard.log", tmpdir);
	ok(link(p, q) == 0 && refused(p, EPERM) && refused(q, EPERM),
	    "root: hard-linked file refused");
	(void)unlink(q);
	snprintf(q, sizeof(q), "%s/fifo", tmpdir);
	/* Refused at once (ENXIO: no reader), not blocked in open(2). */
	ok(mkfifo(q, 0600) == 0 && refused(q, 0), "root: FIFO refused");

	snprintf(d, sizeof(d), "%s/gw", tmpdir);
	(void)mkdir(d, 0770);
	(void)chmod(d, 0770);
	snprintf(q, sizeof(q), "%s/a.log", d);
	ok(refused(q, EPERM), "root: group-writable directory refused");
	(void)chmod(d, 0755);
	(void)chown(d, 65534, 65534);
	ok(refused(q, EPERM), "root: directory owned by another user refused");
	(void)chown(d, 0, 0);
	fd = audit_open(q);
	ok(fd != -1, "root: root-owned 0755 directory accepted");
	if (fd != -1)
		close(fd);
	snprintf(q, sizeof(q), "%s/dirlink", tmpdir);
	(void)symlink(d, q);
	snprintf(q, sizeof(q), "%s/dirlink/b.log", tmpdir);
	ok(refused(q, 0), "root: symlinked directory refused");
	snprintf(q, sizeof(q), "%s/b.log", d);
	ok(access(q, F_OK) == -1, "nothing created through the symlink");

	/* As a user who owns the file: refused even with the right modes. */
	(void)chmod(tmpdir, 0711);
	snprintf(d, sizeof(d), "%s/nobody", tmpdir);
	(void)mkdir(d, 0700);
	(void)chown(d, 65534, 65534);
	if ((pid = fork()) == 0) {
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(2);
		snprintf(q, sizeof(q), "%s/a.log", d);
		if (mkfile(q, 0600) == -1)
			_exit(3);
		_exit(refused(q, EPERM) ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &stt, 0) == pid && WIFEXITED(stt) &&
	    WEXITSTATUS(stt) == 0,
	    "as uid 65534: its own file in its own directory refused");
	(void)chmod(tmpdir, 0700);
}

static void
test_write(void)
{
	struct sbuf b;
	char p[256], buf[64];
	int fd, st;
	ssize_t n;
	pid_t pid;

	memset(&b, 0, sizeof(b));
	snprintf(p, sizeof(p), "%s/w.log", tmpdir);
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	sbuf_adds(&b, "{\"a\":1}");
	errno = 0;
	ok(audit_write(fd, &b) == -1 && errno == EINVAL,
	    "record without its newline refused");
	sbuf_adds(&b, "\n{\"b\":2}\n");
	ok(audit_write(fd, &b) == -1 && errno == EINVAL,
	    "two lines in one record refused");
	sbuf_free(&b);
	sbuf_adds(&b, "{\"a\":1,\"bb\":22}\n");
	ok(audit_write(fd, &b) == 0 && audit_write(fd, &b) == 0,
	    "two records appended");
	close(fd);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	is_str(buf, "{\"a\":1,\"bb\":22}\n{\"a\":1,\"bb\":22}\n",
	    "file holds both records");
	errno = 0;
	ok(audit_writable(fd) == -1 && errno == EBADF,
	    "audit_writable: read-only descriptor");
	close(fd);
	ok(audit_write(fd, &b) == -1, "audit_write on a closed descriptor");
	ok(audit_writable(fd) == -1, "audit_writable on a closed descriptor");
	/* A short write (file size limit) is an error, not a success. */
	if ((pid = fork()) == 0) {
		struct rlimit rl = { 10, 10 };

		signal(SIGXFSZ, SIG_IGN);
		snprintf(p, sizeof(p), "%s/short.log", tmpdir);
		fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd == -1 || setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(2);
		errno = 0;
		_exit(audit_write(fd, &b) == -1 && errno == EIO ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "short write: -1 with EIO");
	if ((fd = open("/dev/full", O_WRONLY | O_CLOEXEC)) != -1) {
		errno = 0;
		ok(audit_write(fd, &b) == -1 && errno == ENOSPC,
		    "full device: -1 with ENOSPC");
		close(fd);
	} else
		ok(1, "# SKIP no /dev/full");
	sbuf_free(&b);
}

/* The record process i writes as its j-th: lengths from 1 to ~8 KiB. */
static void
conc_record(int i, int j, struct sbuf *json, struct sbuf *kv)
{
	struct audit_ident id = ident;
	struct audit_line al;
	struct sbuf fj, fk;
	char session[32], *line;
	size_t len, k;

	snprintf(session, sizeof(session), "s%d-%d", i, j);
	id.session = session;
	len = 1 + (size_t)((i * NREC + j) * 7919) % 8000;
	line = xmalloc(len + 1);
	for (k = 0; k < len; k++)
		line[k] = k % 97 == 5 ? '\n' : k % 89 == 3 ? '"' :
		    (char)('a' + (i + j + (int)k) % 26);
	line[len] = '\0';
	memset(&al, 0, sizeof(al));
	al.cwd = "/";
	al.line = line;
	al.linelen = len;
	al.verdict = V_ALLOW;
	al.ran = 1;
	al.duration_ms = j;
	memset(&fj, 0, sizeof(fj));
	memset(&fk, 0, sizeof(fk));
	audit_line_fields(&al, &fj, &fk);
	audit_record(&id, AE_COMMAND, fj.s, fk.s, json, kv);
	sbuf_free(&fj);
	sbuf_free(&fk);
	free(line);
}

static void
test_concurrency(void)
{
	struct sbuf json, kv;
	char p[256], *all = NULL, *l, *nl;
	unsigned char *seen;
	size_t len = 0, cap = 0, nlines = 0, badrec = 0, dup = 0;
	ssize_t n;
	int fd, i, j, st, failed = 0;
	pid_t pid;

	snprintf(p, sizeof(p), "%s/conc.log", tmpdir);
	for (i = 0; i < NPROC; i++) {
		if ((pid = fork()) == -1) {
			failed++;
			continue;
		}
		if (pid != 0)
			continue;
		fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY, 0600);
		for (j = 0; j < NREC; j++) {
			memset(&json, 0, sizeof(json));
			memset(&kv, 0, sizeof(kv));
			conc_record(i, j, &json, &kv);
			if (audit_write(fd, &json) == -1)
				_exit(1);
			sbuf_free(&json);
			sbuf_free(&kv);
		}
		_exit(0);
	}
	while ((pid = wait(&st)) != -1)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	is_int(failed, 0, "%d processes each wrote %d records", NPROC, NREC);

	fd = open(p, O_RDONLY | O_CLOEXEC);
	for (;;) {
		if (len + 65536 + 1 > cap) {
			cap = cap == 0 ? 1 << 20 : cap * 2;
			all = xreallocarray(all, cap, 1);
		}
		if ((n = read(fd, all + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (all == NULL)
		all = xstrdup("");
	all[len] = '\0';
	ok(len > 0 && all[len - 1] == '\n', "log ends with a whole line");

	seen = xcalloc(NPROC * NREC, 1);
	for (l = all; *l != '\0'; l = nl + 1) {
		if ((nl = strchr(l, '\n')) == NULL)
			nl = l + strlen(l) - 1;
		nlines++;
		if (sscanf(l, "{\"time\":\"%*24c\",\"event\":\"command\","
		    "\"session\":\"s%d-%d\"", &i, &j) != 2 ||
		    i < 0 || i >= NPROC || j < 0 || j >= NREC) {
			badrec++;
			continue;
		}
		if (seen[i * NREC + j]++)
			dup++;
		memset(&json, 0, sizeof(json));
		memset(&kv, 0, sizeof(kv));
		conc_record(i, j, &json, &kv);
		if ((size_t)(nl - l + 1) != json.len ||
		    memcmp(untimed(l), untimed(json.s),
		    json.len - 9 - TIMELEN) != 0 || !time_ok(l))
			badrec++;
		sbuf_free(&json);
		sbuf_free(&kv);
	}
	is_int(nlines, NPROC * NREC, "exactly %d lines", NPROC * NREC);
	is_int(badrec, 0, "every line is one whole record, none interleaved");
	is_int(dup, 0, "no record twice");
	for (i = 0; i < NPROC * NREC && seen[i] == 1; i++)
		;
	is_int(i, NPROC * NREC, "every record present");
	free(seen);
	free(all);
}

static void
cleanup(void)
{
	char *cmd;

	xasprintf(&cmd, "rm -rf '%s'", tmpdir);
	(void)system(cmd);
	free(cmd);
}

int
main(void)
{
	signal(SIGPIPE, SIG_DFL);
	started = time(NULL);
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_records();
	test_escaping();
	test_fragment_ok();
	test_transport();
	test_open();
	test_write();
	test_concurrency();
	cleanup();
	return tap_done();
}
