/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The config loader: a full config lands field by field; every class of
 * mistake is reported with its line (the bad-*.conf fixtures carry their
 * expected messages as "# expect: " comments); the file checks (size,
 * type, @include) hold; user lookup and account checks work unprivileged.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "conf.h"
#include "xmalloc.h"
#include "tap.h"

static const char *srcdir;
static char tmpdir[] = "/tmp/test-conf.XXXXXX";

static char *
fixture(const char *name)
{
	char *p;

	xasprintf(&p, "%s/tests/conf/%s", srcdir, name);
	return p;
}

static char *
tmpfile_with(const char *name, const char *text, size_t len)
{
	char *p;
	int fd;

	xasprintf(&p, "%s/%s", tmpdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, text, len) != (ssize_t)len || close(fd)) {
		printf("Bail out! %s: %s\n", p, strerror(errno));
		exit(1);
	}
	return p;
}

static int
matches(struct pattern *p, const char *s)
{
	const char *why;

	return p != NULL && pattern_match(p, s, &why) == 1;
}

/* Expected text with %F replaced by the file name. */
static char *
expand_expect(const char *text, const char *file)
{
	struct sbuf b;
	const char *p;

	sbuf_init(&b);
	sbuf_adds(&b, file);
	for (p = text; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'F') {
			sbuf_adds(&b, file);
			p++;
		} else
			sbuf_addc(&b, *p);
	}
	return sbuf_take(&b);
}

/* A trailing '*' in an expectation matches any rest (another file's text). */
static int
msg_matches(const char *got, const char *want)
{
	size_t n = strlen(want);

	if (n > 0 && want[n - 1] == '*')
		return strncmp(got, want, n - 1) == 0;
	return strcmp(got, want) == 0;
}

static void
test_bad_fixture(const char *name)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *c;
	char line[1024], *path, *want[64];
	size_t nwant = 0, i;
	FILE *f;

	path = fixture(name);
	if ((f = fopen(path, "r")) == NULL) {
		ok(0, "%s: open: %s", name, strerror(errno));
		free(path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL && nwant < 64) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "# expect: ", 10) == 0)
			want[nwant++] = expand_expect(line + 10, path);
	}
	fclose(f);

	c = conf_load_file(path, &errs);
	ok(c == NULL && nwant > 0, "%s: refused", name);
	is_int(errs.n, nwant, "%s: %zu problems reported", name, nwant);
	for (i = 0; i < nwant; i++) {
		const char *got = i < errs.n ? errs.msg[i] : "(none)";

		ok(msg_matches(got, want[i]), "%s: message %zu", name, i + 1);
		if (!msg_matches(got, want[i]))
			tap_diag("  got \"%s\"\n#   want \"%s\"", got, want[i]);
		free(want[i]);
	}
	for (i = nwant; i < errs.n; i++)
		tap_diag("  extra: %s", errs.msg[i]);
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
}

static const struct rule *
find_rule(const struct rule *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void
test_good(void)
{
	struct conf_errors errs = { .msg = NULL };
	const struct profile *p, *g;
	const struct rule *git, *clone, *remote, *seturl, *r;
	struct conf *c;
	char *path, *w;

	path = fixture("good.conf");
	c = conf_load_file(path, &errs);
	ok(c != NULL, "good.conf loads");
	is_int(errs.n, 0, "good.conf: no problems");
	if (c == NULL) {
		while (errs.n > 0)
			tap_diag("%s", errs.msg[--errs.n]);
		conf_errors_free(&errs);
		free(path);
		return;
	}
	is_str(c->file, path, "file name kept");
	is_int(c->limits.line_max, 1000, "limits.line_max");
	is_int(c->limits.words_max, 200, "limits.words_max (int64 form)");
	is_int(c->limits.depth_max, 8, "limits.depth_max");
	is_int(c->log.syslog, 0, "log.syslog");
	is_str(c->log.file, "/var/log/cagesh/audit.jsonl", "log.file");
	is_int(c->log.on_failure, LOGFAIL_ALLOW, "log.on_failure");
	is_int(c->nprofiles, 2, "two profiles");

	p = conf_find_profile(c, "capistrano");
	g = conf_find_profile(c, "git-only");
	ok(p != NULL && g != NULL, "profiles found by name");
	ok(conf_find_profile(c, "nope") == NULL, "unknown profile: NULL");
	if (p == NULL || g == NULL)
		goto out;
	xasprintf(&w, "%s:10", path);
	is_str(p->where, w, "profile where");
	free(w);
	is_int(p->npath, 3, "profile path: 3 dirs");
	is_str(p->path[0], "/usr/local/bin", "path[0]");
	is_str(p->path[2], "/bin", "path[2]");
	is_int(p->nenv, 2, "env: 2 names");
	is_str(p->env[1], "RACK_ENV", "env[1]");
	is_int(p->nsetenv, 2, "setenv: 2 names");
	is_str(p->setenv[0].name, "GIT_ASKPASS", "setenv[0] name");
	is_str(p->setenv[0].value, "/bin/echo", "setenv[0] value");
	is_int(p->nenv_ignore, 1, "env_ignore: 1 name");
	is_str(p->env_ignore[0], "GIT_SSH", "env_ignore[0]");
	is_int(p->ncage_files, 2, "cage_files: 2 paths");
	if (p->ncage_files == 2)
		is_str(p->cage_files[1], "/usr/lib/git-core", "cage_files[1]");
	is_int(g->ncage_files, 0, "no cage_files: none");
	is_int(p->ncmds, 6, "6 commands");

	git = find_rule(p->cmds, p->ncmds, "git");
	ok(git != NULL, "rule git");
	if (git == NULL)
		goto out;
	is_str(git->label, "git", "git label");
	xasprintf(&w, "%s:16", path);
	is_str(git->where, w, "git where");
	free(w);
	ok(git->parent == NULL, "git has no parent");
	is_str(git->description, "the git client", "git description");
	is_int(git->nopts, 2, "git: 2 options");
	is_int(git->opts[0].kind, OPT_SHORT, "-C= is short");
	is_int(git->opts[0].arg, ARG_REQ, "-C= takes a value");
	is_str(git->opts[0].name, "C", "-C= name");
	is_str(git->opts[0].spec, "-C=", "-C= spec kept");
	ok(git->opts[0].pattern == NULL, "-C= has no pattern");
	is_int(git->opts[1].kind, OPT_LONG, "--no-pager is long");
	is_int(git->opts[1].arg, ARG_NONE, "--no-pager takes no value");
	is_int(git->ndeny, 3, "git: 3 denied");
	is_str(git->deny[0].name, "upload-pack", "git deny[0]");
	is_int(git->deny[1].kind, OPT_SHORT, "git deny -c is short");
	is_int(git->nsubs, 2, "git: 2 subcommands");
	ok(git->operands_set == 0 && git->operands_max == -1,
	    "git: operands unrestricted");

	clone = find_rule(git->subs, git->nsubs, "clone");
	remote = find_rule(git->subs, git->nsubs, "remote");
	ok(clone != NULL && remote != NULL, "git clone, git remote");
	if (clone == NULL || remote == NULL)
		goto out;
	is_str(clone->label, "git clone", "clone label");
	ok(clone->parent == git, "clone's parent is git");
	is_int(clone->nopts, 5, "clone: 5 options");
	is_int(clone->opts[1].arg, ARG_REQ, "--depth= takes a value");
	ok(matches(clone->opts[1].pattern, "12"), "--depth pattern: 12");
	ok(!matches(clone->opts[1].pattern, "1x"), "--depth pattern "
	    "anchored: 1x refused");
	ok(!matches(clone->opts[1].pattern, ""), "--depth pattern: empty "
	    "refused");
	is_int(clone->opts[3].arg, ARG_OPT, "--color[=] optional value");
	is_str(clone->opts[3].name, "color", "--color[=] name");
	ok(clone->opts[3].pattern == NULL, "--color[=] no pattern");
	is_int(clone->opts[4].kind, OPT_SHORT, "-b= short");
	is_int(clone->ndeny, 4, "clone deny: own + git's");
	is_str(clone->deny[0].name, "template", "clone deny: own first");
	is_str(clone->deny[1].name, "upload-pack", "clone deny: then git's");
	is_str(clone->deny[3].name, "exec-path", "clone deny: all of git's");
	ok(clone->operands_set, "clone operands set");
	is_int(clone->noperands, 2, "clone: 2 operand patterns");
	is_str(clone->operand_src[0], "/srv/[a-z]+\\.git", "operand src");
	ok(matches(&clone->operands[0], "/srv/repo.git"), "operand match");
	ok(!matches(&clone->operands[0], "/srv/repo.git;x"),
	    "operand anchored at the end");
	ok(!matches(&clone->operands[0], "x/srv/repo.git"),
	    "operand anchored at the start");
	ok(matches(&clone->operands[1], "/var/www/app/repo") &&
	    !matches(&clone->operands[1], "/var/www/app/repo2"),
	    "second operand pattern");
	is_int(clone->operands_max, 2, "clone operands_max");

	is_str(remote->label, "git remote", "remote label");
	seturl = remote->nsubs == 1 ? &remote->subs[0] : NULL;
	ok(seturl != NULL, "git remote set-url");
	if (seturl != NULL) {
		is_str(seturl->name, "set-url", "set-url name");
		is_str(seturl->label, "git remote set-url", "set-url label");
		ok(seturl->parent == remote && seturl->parent->parent == git,
		    "set-url parents");
		is_int(seturl->ndeny, 3, "set-url inherits git's deny");
		is_int(seturl->operands_max, 2, "set-url operands_max");
	}

	r = find_rule(p->cmds, p->ncmds, "scp");
	ok(r != NULL && r->nrequire == 2 && r->nopts == 6, "scp: 6 options, "
	    "2 required");
	if (r != NULL && r->nrequire == 2) {
		is_str(r->require[0].name, "t", "scp require -t");
		is_int(r->require[1].kind, OPT_SHORT, "scp require -f short");
	}
	r = find_rule(p->cmds, p->ncmds, "tar");
	ok(r != NULL && r->oldstyle && !r->any_options, "tar oldstyle");
	if (r != NULL && r->nopts == 4) {
		ok(matches(r->opts[3].pattern, "/var/www/app"),
		    "tar -C pattern matches");
		ok(!matches(r->opts[3].pattern, "/etc"), "tar -C pattern "
		    "refuses");
	}
	r = find_rule(p->cmds, p->ncmds, "sftp-server");
	ok(r != NULL && r->path != NULL &&
	    strcmp(r->path, "/usr/lib/openssh/sftp-server") == 0,
	    "sftp-server path");
	ok(r != NULL && r->operands_set && r->noperands == 0,
	    "sftp-server: operands = [] means none");
	r = find_rule(p->cmds, p->ncmds, "python3.11");
	ok(r != NULL && r->any_options && r->ndeny == 1,
	    "name = \"python3.11\" replaces the key");
	ok(find_rule(p->cmds, p->ncmds, "python") == NULL, "key not used "
	    "when name is given");
	r = find_rule(p->cmds, p->ncmds, "find");
	ok(r != NULL && r->nopts == 3, "find: 3 options");
	if (r != NULL && r->nopts == 3) {
		is_int(r->opts[0].kind, OPT_WORD, "-name= is a word option");
		is_int(r->opts[0].arg, ARG_REQ, "-name= takes a value");
		is_str(r->opts[0].name, "name", "-name= name");
		ok(matches(r->opts[1].pattern, "f") &&
		    !matches(r->opts[1].pattern, "l"), "-type=[fd] pattern");
		is_int(r->opts[2].kind, OPT_WORD, "-print is a word option");
		is_int(r->opts[2].arg, ARG_NONE, "-print takes no value");
	}

	is_int(g->ncmds, 1, "git-only: one command");
	ok(g->ncmds == 1 && g->cmds[0].noperands == 1 &&
	    matches(&g->cmds[0].operands[0], "'/srv/repo.git'"),
	    "git-upload-pack operand pattern");
	ok(g->nenv == 0 && g->nsetenv == 0 && g->nenv_ignore == 0,
	    "git-only: no env lists");

	is_int(c->nusers, 2, "two user entries");
	if (c->nusers == 2) {
		is_str(c->users[0].user, "deploy", "users[0].user");
		ok(c->users[0].group == NULL, "users[0] has no group");
		is_str(c->users[0].cage, "/srv/cages/app", "users[0].cage");
		is_str(c->users[0].home, "/var/www/app", "users[0].home");
		ok(c->users[0].profile == p, "users[0].profile resolved");
		is_int(c->users[0].interactive, 1, "users[0].interactive");
		xasprintf(&w, "%s:49", path);
		is_str(c->users[0].where, w, "users[0] where");
		free(w);
		is_str(c->users[1].group, "deployers", "users[1].group");
		ok(c->users[1].profile == g, "users[1].profile resolved");
		is_int(c->users[1].interactive, 0, "interactive default false");
	}
	is_str(c->shell.prompt, "[%u@%H %W]%$ %%", "shell.prompt");
	is_int(c->shell.idle_timeout, 0, "shell.idle_timeout 0: none");
	is_int(c->shell.history_size, 100000, "shell.history_size");
	is_str(c->shell.history_file, ".cagesh_history", "shell.history_file");
out:
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
}

/* What a profile without confine and limits gets. */
static void
test_confine_defaults(const struct profile *p)
{
	const struct confine *k = &p->confine;
	const struct rlimits *l = &p->limits;

	is_int(k->landlock, CONFINE_REQUIRE, "default landlock: require");
	is_int(k->signal, CONFINE_SIGNAL_SESSION, "default signal: session");
	is_int(k->nexec, 5, "default exec: 5 directories");
	if (k->nexec == 5) {
		is_str(k->exec[0], "/usr", "default exec[0]");
		is_str(k->exec[4], "/lib64", "default exec[4]");
	}
	is_int(k->nwrite, 3, "default write: 3 places");
	if (k->nwrite == 3) {
		is_str(k->write[0], "~", "default write[0]: the home");
		is_str(k->write[2], "/var/tmp", "default write[2]");
	}
	is_int(k->nexec_writable, 0, "default exec_writable: none");
	is_int(k->tcp, 0, "default: TCP not restricted");
	is_int(l->nproc, RLIMITS_NPROC_DEFAULT, "default nproc");
	is_int(l->nofile, RLIMITS_NOFILE_DEFAULT, "default nofile");
	is_int(l->cpu, RLIMITS_CPU_DEFAULT, "default cpu");
	ok(l->fsize == RLIMITS_FSIZE_DEFAULT, "default fsize 16G");
	ok(l->as == RLIMITS_UNLIMITED, "default as: not limited");
	is_int(l->session, RLIMITS_SESSION_DEFAULT, "default session 7200 s");
}

static void
test_confine_good(void)
{
	struct conf_errors errs = { .msg = NULL };
	const struct profile *app, *ro, *plain;
	const struct confine *k;
	struct conf *c;
	char *path;

	path = fixture("good-confine.conf");
	c = conf_load_file(path, &errs);
	ok(c != NULL && errs.n == 0, "good-confine.conf loads");
	while (errs.n > 0)
		tap_diag("%s", errs.msg[--errs.n]);
	if (c == NULL)
		goto out;
	app = conf_find_profile(c, "app");
	ro = conf_find_profile(c, "ro");
	plain = conf_find_profile(c, "plain");
	if (app == NULL || ro == NULL || plain == NULL) {
		ok(0, "profiles app, ro, plain");
		goto out;
	}
	k = &app->confine;
	is_int(k->landlock, CONFINE_WARN, "confine.landlock warn");
	is_int(k->signal, CONFINE_SIGNAL_USER, "confine.signal user");
	is_int(k->nexec, 2, "confine.exec replaces the default");
	if (k->nexec == 2)
		is_str(k->exec[1], "/opt/ruby", "confine.exec[1]");
	is_int(k->nwrite, 3, "confine.write: 3 places");
	if (k->nwrite == 3)
		is_str(k->write[2], "/srv/uploads", "confine.write[2]");
	is_int(k->nexec_writable, 2, "confine.exec_writable: 2 places");
	if (k->nexec_writable == 2)
		is_str(k->exec_writable[0], "~/shared/bundle",
		    "confine.exec_writable[0], beneath the home");
	is_int(k->tcp, 1, "connect given: TCP restricted");
	is_int(k->nconnect, 3, "confine.connect: 3 ports");
	if (k->nconnect == 3)
		is_int(k->connect[2], 3690, "confine.connect[2]");
	is_int(k->nbind, 0, "no bind list: no port may be bound");
	is_int(app->limits.nproc, 64, "limits.nproc");
	is_int(app->limits.nofile, 256, "limits.nofile");
	ok(app->limits.cpu == RLIMITS_UNLIMITED, "limits.cpu unlimited");
	ok(app->limits.fsize == 4ULL << 30, "limits.fsize \"4G\"");
	ok(app->limits.as == 1ULL << 30, "limits.as 1073741824L");
	is_int(app->limits.session, 600, "limits.session");
	is_str(app->program_home, "/etc/cagesh/home", "program_home");
	ok(plain->program_home == NULL, "no program_home: NULL");
	ok(app->ncmds == 2 && !app->cmds[0].entry_home &&
	    !app->cmds[0].subs[0].entry_home && app->cmds[1].entry_home,
	    "entry_home on git-upload-pack only");

	k = &ro->confine;
	is_int(k->nwrite, 0, "confine.write [ ]: nothing writable");
	is_int(k->tcp, 1, "bind given: TCP restricted");
	is_int(k->nconnect, 0, "no connect list: no port may be reached");
	is_int(k->nbind, 2, "confine.bind: 2 ports");
	if (k->nbind == 2)
		is_int(k->bind[0], 0, "bind port 0 (any port) may be listed");
	is_int(k->nexec, 5, "no exec: the default");
	ok(ro->limits.nproc == RLIMITS_UNLIMITED, "limits.nproc unlimited");
	ok(ro->limits.fsize == 2ULL << 20, "limits.fsize \"2M\"");
	ok(ro->limits.as == RLIMITS_UNLIMITED, "limits.as unlimited");
	is_int(ro->limits.session, 0, "limits.session unlimited: 0");
	is_int(ro->limits.cpu, 60, "limits.cpu 60");
	is_int(ro->limits.nofile, RLIMITS_NOFILE_DEFAULT,
	    "limits.nofile not given: the default");
	test_confine_defaults(plain);
out:
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
}

static const char minimal[] =
    "profiles = { p = { path = [ \"/bin\" ]; }; };\nusers = ( );\n";

static void
test_defaults(void)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *c;
	char *path;

	path = tmpfile_with("minimal.conf", minimal, sizeof(minimal) - 1);
	c = conf_load_file(path, &errs);
	ok(c != NULL && errs.n == 0, "minimal config loads");
	if (c != NULL) {
		is_int(c->limits.line_max, PARSE_LINE_MAX, "default line_max");
		is_int(c->limits.words_max, PARSE_WORDS_MAX,
		    "default words_max");
		is_int(c->limits.depth_max, PARSE_DEPTH_MAX,
		    "default depth_max");
		is_int(c->log.syslog, 1, "default syslog on");
		ok(c->log.file == NULL, "default: no log file");
		is_int(c->log.on_failure, LOGFAIL_DENY, "default on_failure");
		is_int(c->nusers, 0, "empty users list");
		is_int(c->profiles[0].ncmds, 0, "no commands: builtins only");
		is_str(c->shell.prompt, SHELL_PROMPT_DEFAULT, "default prompt");
		is_int(c->shell.idle_timeout, 900, "default idle timeout 15 min");
		is_int(c->shell.history_size, SHELL_HISTORY_DEFAULT,
		    "default history_size");
		ok(c->shell.history_file == NULL, "default: no history file");
		test_confine_defaults(&c->profiles[0]);
	}
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
}

/* A prompt with an escape the shell does not know, or one cut off. */
static void
test_prompt_escapes(void)
{
	static const struct {
		const char	*prompt;
		const char	*msg;
	} cases[] = {
		{ "%x ", "shell.prompt: unknown escape '%x' (%u %h %H %w %W "
		    "%$ %%)" },
		{ "cut %", "shell.prompt: unknown escape '%' (%u %h %H %w %W "
		    "%$ %%)" },
	};
	struct conf_errors errs = { .msg = NULL };
	struct conf *c;
	char *text, *path, *want;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xasprintf(&text, "shell = { prompt = \"%s\"; };\n%s",
		    cases[i].prompt, minimal);
		path = tmpfile_with("prompt.conf", text, strlen(text));
		c = conf_load_file(path, &errs);
		xasprintf(&want, "%s:1: %s", path, cases[i].msg);
		ok(c == NULL && errs.n == 1, "prompt \"%s\" refused",
		    cases[i].prompt);
		is_str(errs.n > 0 ? errs.msg[0] : NULL, want,
		    "prompt \"%s\": message", cases[i].prompt);
		conf_free(c);
		conf_errors_free(&errs);
		free(want);
		free(path);
		free(text);
	}
}

static void
test_files(void)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *c;
	const char *text;
	char *path, *big, *want, *dir;
	size_t n, len;
	int fd;

	/* Exactly the limit loads; one byte more does not. */
	n = 1024 * 1024;
	big = xmalloc(n + 2);
	memset(big, '#', n + 1);
	memcpy(big, minimal, sizeof(minimal) - 1);
	big[n - 1] = '\n';
	path = tmpfile_with("limit.conf", big, n);
	c = conf_load_file(path, &errs);
	ok(c != NULL && errs.n == 0, "a 1 MiB config loads");
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
	big[n] = '\n';
	path = tmpfile_with("big.conf", big, n + 1);
	c = conf_load_file(path, &errs);
	xasprintf(&want, "%s: too large (more than 1048576 bytes)", path);
	ok(c == NULL && errs.n == 1, "1 MiB + 1 refused");
	is_str(errs.n > 0 ? errs.msg[0] : NULL, want, "too large message");
	conf_free(c);
	conf_errors_free(&errs);
	free(want);
	free(path);
	free(big);

	/* A directory is opened fine, and refused by fstat. */
	dir = fixture("");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	c = fd == -1 ? NULL : conf_load_fd(fd, "confdir", &errs);
	ok(fd != -1 && c == NULL && errs.n == 1, "directory fd refused");
	is_str(errs.n > 0 ? errs.msg[0] : NULL, "confdir: not a regular file",
	    "not a regular file message");
	if (fd != -1)
		close(fd);
	conf_errors_free(&errs);
	free(dir);

	xasprintf(&path, "%s/no-such.conf", tmpdir);
	c = conf_load_file(path, &errs);
	xasprintf(&want, "%s: %s", path, strerror(ENOENT));
	ok(c == NULL && errs.n == 1, "missing file refused");
	is_str(errs.n > 0 ? errs.msg[0] : NULL, want, "missing file message");
	conf_errors_free(&errs);
	free(want);
	free(path);

	path = tmpfile_with("noread.conf", minimal, sizeof(minimal) - 1);
	if (geteuid() == 0 || chmod(path, 0) == -1)
		ok(1, "# SKIP unreadable file: running as root");
	else {
		c = conf_load_file(path, &errs);
		xasprintf(&want, "%s: %s", path, strerror(EACCES));
		is_str(errs.n > 0 ? errs.msg[0] : NULL, want,
		    "unreadable file message");
		conf_free(c);
		conf_errors_free(&errs);
		free(want);
	}
	free(path);

	/* The caller's offset is neither used nor moved (pread). */
	path = tmpfile_with("offset.conf", minimal, sizeof(minimal) - 1);
	fd = open(path, O_RDONLY);
	if (fd != -1)
		(void)lseek(fd, 7, SEEK_SET);
	c = fd == -1 ? NULL : conf_load_fd(fd, path, &errs);
	ok(c != NULL && errs.n == 0, "conf_load_fd reads from offset 0");
	is_int(fd == -1 ? -1 : lseek(fd, 0, SEEK_CUR), 7,
	    "conf_load_fd leaves the offset alone");
	if (fd != -1)
		close(fd);
	conf_free(c);
	conf_errors_free(&errs);
	free(path);

	/* A NUL would hide the rest of the file from libconfig. */
	len = sizeof(minimal) - 1;
	big = xmalloc(len + 16);
	memcpy(big, minimal, len);
	memcpy(big + len, "\0users = 1;\n", 12);
	path = tmpfile_with("nul.conf", big, len + 12);
	c = conf_load_file(path, &errs);
	xasprintf(&want, "%s:3: the file contains a NUL byte", path);
	ok(c == NULL, "NUL byte refused");
	is_str(errs.n > 0 ? errs.msg[0] : NULL, want, "NUL byte message");
	conf_errors_free(&errs);
	free(want);
	free(path);
	free(big);

	/* The file's bytes are quoted in messages: control bytes escaped. */
	text = "profiles = { p = { path = [ \"/bin\" ]; commands = {\n"
	    "  a = { options = [ \"-\\x1b[2J\" ]; }; }; }; };\n"
	    "users = ( );\n";
	path = tmpfile_with("esc.conf", text, strlen(text));
	c = conf_load_file(path, &errs);
	ok(c == NULL && errs.n == 1 && strchr(errs.msg[0], '\033') == NULL &&
	    strstr(errs.msg[0], "'-\\x1b[2J'") != NULL,
	    "control bytes in messages are escaped");
	conf_errors_free(&errs);
	free(path);

	/* errs may be NULL: the result alone says valid or not. */
	path = fixture("bad-keys.conf");
	ok(conf_load_file(path, NULL) == NULL, "errs NULL: still refused");
	free(path);
}

/* An account that is neither root nor in gid 0, with a named group. */
static int
pick_account(char **user, char **group, gid_t *gid)
{
	struct passwd *pw;
	struct group *gr;
	int found = 0;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (pw->pw_uid == 0 || pw->pw_gid == 0)
			continue;
		if ((gr = getgrgid(pw->pw_gid)) == NULL)
			continue;
		*user = xstrdup(pw->pw_name);
		*group = xstrdup(gr->gr_name);
		*gid = gr->gr_gid;
		found = 1;
		break;
	}
	endpwent();
	return found;
}

static void
test_users(void)
{
	struct conf_errors errs = { .msg = NULL };
	const struct userent *ent;
	struct passwd *pw;
	struct group *gr;
	struct conf *c;
	char *text, *path, *me, *mygroup, *want;
	gid_t mygid, other = (gid_t)-2;
	size_t i, n;
	int seen;

	if ((pw = getpwuid(getuid())) == NULL ||
	    (gr = getgrgid(pw->pw_gid)) == NULL) {
		ok(1, "# SKIP no name for the current user or group");
		return;
	}
	me = xstrdup(pw->pw_name);
	mygroup = xstrdup(gr->gr_name);
	mygid = gr->gr_gid;
	xasprintf(&text, "profiles = { p = { path = [ \"/bin\" ]; }; };\n"
	    "users = (\n"
	    "  { user = \"%s\"; cage = \"/c1\"; home = \"/h\"; "
	    "profile = \"p\"; },\n"
	    "  { group = \"%s\"; cage = \"/c2\"; home = \"/h\"; "
	    "profile = \"p\"; }\n"
	    ");\n", me, mygroup);
	path = tmpfile_with("users.conf", text, strlen(text));
	c = conf_load_file(path, &errs);
	ok(c != NULL, "user + group config loads");
	if (c == NULL)
		goto out;
	is_int(conf_find_user(c, me, NULL, 0, &ent), MATCH_ONE,
	    "user entry matches by name");
	ok(ent == &c->users[0], "user entry returned");
	is_int(conf_find_user(c, "cagesh-nobody", &mygid, 1, &ent), MATCH_ONE,
	    "group entry matches by gid");
	ok(ent == &c->users[1], "group entry returned");
	is_int(conf_find_user(c, me, &mygid, 1, &ent), MATCH_MANY,
	    "user and group entry: many");
	ok(ent == NULL, "many: no entry returned");
	is_int(conf_find_user(c, "cagesh-nobody", &other, 1, &ent),
	    MATCH_NONE, "no entry matches");
	ok(ent == NULL, "none: no entry returned");
	conf_free(c);
	free(path);
	free(text);

	/* Accounts: missing user, missing group, root, root's group. */
	xasprintf(&text, "profiles = { p = { path = [ \"/bin\" ]; }; };\n"
	    "users = (\n"
	    "  { user = \"cagesh-no-such-user\"; cage = \"/c\"; home = \"/h\"; "
	    "profile = \"p\"; },\n"
	    "  { group = \"cagesh-no-such-group\"; cage = \"/c\"; "
	    "home = \"/h\"; profile = \"p\"; },\n"
	    "  { user = \"root\"; cage = \"/c\"; home = \"/h\"; "
	    "profile = \"p\"; }\n"
	    ");\n");
	path = tmpfile_with("accounts.conf", text, strlen(text));
	c = conf_load_file(path, &errs);
	ok(c != NULL, "accounts config loads (accounts are checked apart)");
	if (c != NULL) {
		n = conf_check_accounts(c, &errs);
		is_int(n, 3, "3 account problems");
		is_int(errs.n, n, "each appended");
		xasprintf(&want, "%s:3: no such user 'cagesh-no-such-user'",
		    path);
		is_str(errs.n > 0 ? errs.msg[0] : NULL, want, "no such user");
		free(want);
		xasprintf(&want, "%s:4: no such group 'cagesh-no-such-group'",
		    path);
		is_str(errs.n > 1 ? errs.msg[1] : NULL, want, "no such group");
		free(want);
		xasprintf(&want, "%s:5: root cannot be caged", path);
		is_str(errs.n > 2 ? errs.msg[2] : NULL, want, "root refused");
		free(want);
	}
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
	free(text);

	if ((gr = getgrgid(0)) != NULL) {
		xasprintf(&text, "profiles = { p = { path = [ \"/bin\" ]; }; };"
		    "\nusers = ( { group = \"%s\"; cage = \"/c\"; "
		    "home = \"/h\";"
		    " profile = \"p\"; } );\n", gr->gr_name);
		path = tmpfile_with("rootgroup.conf", text, strlen(text));
		c = conf_load_file(path, &errs);
		n = c != NULL ? conf_check_accounts(c, &errs) : 0;
		xasprintf(&want, "%s:2: root cannot be caged*", path);
		seen = 0;
		for (i = 0; i < errs.n; i++)
			seen |= msg_matches(errs.msg[i], want);
		ok(n > 0 && seen, "a group holding root is refused");
		free(want);
		conf_free(c);
		conf_errors_free(&errs);
		free(path);
		free(text);
	} else
		ok(1, "# SKIP gid 0 has no name");

	/* An account in a user entry and in its primary group's entry. */
	free(me);
	free(mygroup);
	if (!pick_account(&me, &mygroup, &mygid)) {
		ok(1, "# SKIP no unprivileged account with a named group");
		return;
	}
	xasprintf(&text, "profiles = { p = { path = [ \"/bin\" ]; }; };\n"
	    "users = (\n"
	    "  { user = \"%s\"; cage = \"/c1\"; home = \"/h\"; "
	    "profile = \"p\"; },\n"
	    "  { group = \"%s\"; cage = \"/c2\"; home = \"/h\"; "
	    "profile = \"p\"; }\n"
	    ");\n", me, mygroup);
	path = tmpfile_with("twice.conf", text, strlen(text));
	c = conf_load_file(path, &errs);
	n = c != NULL ? conf_check_accounts(c, &errs) : 0;
	xasprintf(&want, "%s:4: user '%s' is matched by two entries (%s:3 and "
	    "%s:4)", path, me, path, path);
	seen = 0;
	for (i = 0; i < errs.n; i++)
		seen |= strcmp(errs.msg[i], want) == 0;
	ok(n > 0 && seen, "user and its group's entry: matched twice");
	if (!seen)
		for (i = 0; i < errs.n; i++)
			tap_diag("  %s", errs.msg[i]);
	free(want);
out:
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
	free(text);
	free(me);
	free(mygroup);
}

/* Patterns of rule r and its subcommands in each state (counts[state]). */
static void
rule_patterns(const struct rule *r, size_t counts[3])
{
	size_t i;

	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].pattern != NULL)
			counts[r->opts[i].pattern->state]++;
	for (i = 0; i < r->ncmdopts; i++)
		if (r->cmdopts[i].pattern != NULL)
			counts[r->cmdopts[i].pattern->state]++;
	for (i = 0; i < r->noperands; i++)
		counts[r->operands[i].state]++;
	for (i = 0; i < r->nsubs; i++)
		rule_patterns(&r->subs[i], counts);
}

static void
conf_patterns(const struct conf *c, size_t counts[3])
{
	const struct profile *p;
	size_t i, k, n;

	counts[0] = counts[1] = counts[2] = 0;
	for (i = 0; i < c->nprofiles; i++) {
		p = &c->profiles[i];
		for (k = 0; k < p->ncmds; k++)
			rule_patterns(&p->cmds[k], counts);
		for (k = 0; k < p->nactions; k++)
			for (n = 0; n < p->actions[k].noperands; n++)
				counts[p->actions[k].operands[n].state]++;
	}
}

static const char badre[] =
    "profiles = { p = { path = [ \"/bin\" ];\n"
    "  commands = { ls = { options = [ \"-w=[0-9\" ];\n"
    "    operands = [ \"a)|b\" ]; }; }; }; };\nusers = ( );\n";

/*
 * A session loads the config with its patterns deferred (pattern_defer):
 * none is compiled until a line needs it; everything else that loads a
 * config (--check-config, cagesh-jail, --explain) compiles them all.
 */
static void
test_deferred(void)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *c;
	struct pattern *pat;
	size_t st[3];
	unsigned long before;
	const char *why = NULL;
	char *path, *want;
	size_t k;

	path = fixture("../../etc/cagesh.conf");
	before = pattern_compiles();
	c = conf_load_file(path, &errs);
	ok(c != NULL && errs.n == 0, "shipped config loads");
	if (c != NULL) {
		conf_patterns(c, st);
		ok(st[PATTERN_OK] > 20 && st[PATTERN_NEW] == 0 &&
		    st[PATTERN_BAD] == 0, "not deferred: all %zu patterns "
		    "compiled at load", st[PATTERN_OK]);
		is_int(pattern_compiles() - before, 2 * st[PATTERN_OK],
		    "not deferred: two regcomp per pattern (alone, anchored)");
	}
	conf_free(c);
	conf_errors_free(&errs);

	pattern_defer(1);
	before = pattern_compiles();
	c = conf_load_file(path, &errs);
	ok(c != NULL && errs.n == 0, "deferred: shipped config loads");
	if (c != NULL) {
		conf_patterns(c, st);
		ok(st[PATTERN_NEW] > 20 && st[PATTERN_OK] == 0 &&
		    st[PATTERN_BAD] == 0, "deferred: none of %zu patterns "
		    "compiled at load", st[PATTERN_NEW]);
		is_int(pattern_compiles() - before, 0,
		    "deferred: no regcomp at load");
		/* the first rule with an operand pattern, at top level */
		pat = NULL;
		for (k = 0; k < c->profiles[0].ncmds && pat == NULL; k++)
			if (c->profiles[0].cmds[k].noperands > 0)
				pat = &c->profiles[0].cmds[k].operands[0];
		ok(pat != NULL && pattern_match(pat, "\001", &why) == 0 &&
		    pat->state == PATTERN_OK, "deferred: compiled on first "
		    "use");
		is_int(pattern_compiles() - before, 2,
		    "deferred: only that pattern compiled");
		conf_patterns(c, st);
		is_int(st[PATTERN_OK], 1, "deferred: one pattern compiled");
		before = pattern_compiles();
		(void)pattern_match(pat, "x", &why);
		is_int(pattern_compiles() - before, 0,
		    "deferred: compiled once, not per match");
	}
	conf_free(c);
	conf_errors_free(&errs);
	pattern_defer(0);
	free(path);

	/* a bad pattern: refused when not deferred, a -1 match when it is */
	path = tmpfile_with("badre.conf", badre, sizeof(badre) - 1);
	c = conf_load_file(path, &errs);
	ok(c == NULL && errs.n == 2, "bad patterns: refused, both reported");
	xasprintf(&want, "%s:2: profiles.p.commands.ls.options[0]: bad "
	    "pattern '[0-9': ", path);
	ok(errs.n > 0 && strncmp(errs.msg[0], want, strlen(want)) == 0,
	    "bad pattern: FILE:LINE and what is wrong");
	if (errs.n > 0 && strncmp(errs.msg[0], want, strlen(want)) != 0)
		tap_diag("  got \"%s\"", errs.msg[0]);
	free(want);
	conf_free(c);
	conf_errors_free(&errs);
	pattern_defer(1);
	c = conf_load_file(path, &errs);
	pattern_defer(0);
	ok(c != NULL && errs.n == 0, "deferred: bad patterns not seen at "
	    "load");
	if (c != NULL) {
		const struct rule *ls = &c->profiles[0].cmds[0];

		why = NULL;
		ok(pattern_match(ls->opts[0].pattern, "5", &why) == -1 &&
		    why != NULL && strncmp(why, "bad pattern '[0-9': ", 20) ==
		    0 && ls->opts[0].pattern->state == PATTERN_BAD,
		    "deferred: a bad pattern fails at use, saying why");
		why = NULL;
		ok(pattern_match(&ls->operands[0], "a", &why) == -1 &&
		    why != NULL && strstr(why, "closes no '('") != NULL,
		    "deferred: the lone-')' check holds at use");
		why = NULL;
		ok(pattern_match(ls->opts[0].pattern, "5", &why) == -1 &&
		    why != NULL, "deferred: still bad on the next use");
	}
	conf_free(c);
	conf_errors_free(&errs);
	free(path);
}

static const char *const bad[] = {
	"bad-keys.conf",
	"bad-types.conf",
	"bad-missing.conf",
	"bad-missing2.conf",
	"bad-paths.conf",
	"bad-env.conf",
	"bad-users.conf",
	"bad-options.conf",
	"bad-names.conf",
	"bad-limits.conf",
	"bad-shell.conf",
	"bad-syntax.conf",
	"bad-include.conf",
	"bad-confine.conf",
	"bad-rlimits.conf",
	"bad-home.conf",
};

static void
rm_tmpdir(void)
{
	static const char *const files[] = {
		"minimal.conf", "limit.conf", "big.conf", "noread.conf",
		"offset.conf", "nul.conf", "users.conf", "accounts.conf",
		"rootgroup.conf", "twice.conf", "esc.conf", "prompt.conf",
		"badre.conf",
	};
	char *p;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		xasprintf(&p, "%s/%s", tmpdir, files[i]);
		(void)unlink(p);
		free(p);
	}
	(void)rmdir(tmpdir);
}

int
main(void)
{
	size_t i;

	if ((srcdir = getenv("top_srcdir")) == NULL)
		srcdir = ".";
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_good();
	test_defaults();
	test_confine_good();
	test_prompt_escapes();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		test_bad_fixture(bad[i]);
	test_files();
	test_users();
	test_deferred();
	rm_tmpdir();
	return tap_done();
}
