/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The policy, judged through the real parser and config loader against
 * tests/policy/capistrano.conf: whole lines (policy_judge_line), argv
 * arrays as the run-time re-check sees them (policy_judge), the env
 * helpers, the public attack lines (all denied) and the recorded
 * Capistrano sessions (all allowed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "conf.h"
#include "help.h"
#include "model.h"
#include "optspec.h"
#include "parse.h"
#include "policy.h"
#include "xmalloc.h"
#include "tap.h"

#define A	V_ALLOW
#define D	V_DENY

struct lcase {
	const char	*line;
	enum verdict	 v;
	const char	*why;	/* must occur in some entry's why */
};

static const struct lcase lines[] = {
	/* the deploy tools, as Capistrano and OpenSSH clients use them */
	{ "git clone --mirror /srv/repo.git /var/www/app/repo", A,
	    "git clone (" },
	{ "git ls-remote /srv/repo.git HEAD", A, "git ls-remote (" },
	{ "git remote set-url origin /srv/repo.git", A,
	    "git remote set-url (" },
	{ "git remote update --prune", A, "git remote update (" },
	{ "git archive main | tar -x -f - -C /tmp/r", A, "tar (" },
	{ "git rev-list --max-count=1 main", A, "git rev-list (" },
	{ "git rev-list -n1 main", A, "git rev-list" },
	{ "git rev-list -n 1 main", A, "git rev-list" },
	{ "git clone --depth 5 /srv/a /var/www/b", A, "git clone" },
	{ "git --no-pager ls-remote /srv/repo.git", A, "git ls-remote" },
	{ "git", A, "git (" },
	{ "git archive --format=zip main", A, "git archive" },
	{ "tar xzf /tmp/a.tar", A, "tar (" },
	{ "tar xzfC /tmp/a.tar /tmp/out", A, "tar (" },
	{ "tar -czf /var/www/x.tar.gz /var/www/app", A, "tar" },
	{ "tar -xzf/tmp/a.tar", A, "tar" },
	{ "tar --color=auto -tf x", A, "tar" },
	{ "tar --color -tf x", A, "tar" },
	{ "scp -t /tmp/x", A, "scp (" },
	{ "scp -f /tmp/scp-*.txt", A, "scp" },
	{ "rsync --server -logDtprze.iLsfxCIvu . /tmp/rsync-dst/", A,
	    "rsync (" },
	{ "rsync --server -vlogDtpre.iLsfxCIvu --delete . '/tmp/rsync dst2/'",
	    A, "rsync" },
	{ "kill -USR2 123", A, "kill (" },
	{ "kill -s USR2 123", A, "kill" },
	{ "kill -sUSR2 123", A, "kill" },
	{ "mkdir -p /var/www/a /var/www/b", A, "mkdir (" },
	{ "mkdir -pv /x", A, "mkdir" },
	{ "mkdir -m 755 /x", A, "mkdir" },
	{ "mkdir -pm0755 /x", A, "mkdir" },
	{ "chmod 700 /tmp/git-ssh-f7b83b.sh", A, "chmod (" },
	{ "rm -- -i", A, "rm (" },
	{ "rm -rf /var/www/app/releases/1", A, "rm" },
	{ "/usr/lib/openssh/sftp-server", A, "sftp-server (" },
	{ "sftp-server", A, "sftp-server (" },
	{ "python3.11", A, "python3.11 (" },
	{ "/usr/bin/python3.11", A, "python3.11 (" },
	{ "bundle exec rake --trace -x", A, "bundle (" },
	{ "find . -name '*.rb' -type f", A, "find (" },
	{ "git-upload-pack '/srv/repo.git'", A, "git-upload-pack (" },
	{ "git-upload-pack --strict --timeout=5 '~/push.git'", A,
	    "git-upload-pack" },
	{ "svn export --force . /var/www/r", A, "svn export (" },
	{ "ls -xt /var/www/app/releases", A, "ls (" },
	/* a path to a rule's program (by path: no resolver here) */
	{ "/usr/bin/git ls-remote /srv/r", A, "git ls-remote (" },
	/* wrappers: the command is judged like any other */
	{ "nohup git ls-remote /srv/r", A, "nohup (" },
	{ "nohup git ls-remote /srv/r", A, "> git ls-remote (" },
	{ "rbenv exec nohup /usr/bin/env RAILS_ENV=x git ls-remote /srv/r", A,
	    "rbenv exec (" },
	{ "$HOME/.rbenv/bin/git ls-remote /srv/r", A,
	    "must be the file the profile's path finds for 'git'" },
	{ "xfind . -name x -exec git ls-remote {} ';' -type f", A,
	    "xfind -exec runs git ls-remote (" },
	/* env wrapper and assignments */
	{ "/usr/bin/env mkdir -p /tmp", A, "mkdir (" },
	{ "/bin/env RAILS_ENV=production git ls-remote /srv/r", A,
	    "git ls-remote" },
	{ "RAILS_ENV=production git ls-remote /srv/r", A, "git ls-remote" },
	{ "GIT_SSH=/tmp/x git ls-remote /srv/r", A, "GIT_SSH ignored" },
	{ "env GIT_SSH=/tmp/x git ls-remote /srv/r", A, "GIT_SSH ignored" },
	{ "GIT_ASKPASS=/tmp/x git ls-remote /srv/r", A, "GIT_ASKPASS fixed" },
	{ "export GIT_ASKPASS=\"/bin/echo\" GIT_SSH=\"/tmp/x.sh\"", A,
	    "builtin export; GIT_ASKPASS fixed by the profile; GIT_SSH "
	    "ignored" },
	{ "export RAILS_ENV=production RACK_ENV", A, "builtin export" },
	{ "RAILS_ENV=production", A, "assignment only" },
	{ "> /tmp/x", A, "redirection only" },
	{ "/usr/bin/env echo \"x\" > REVISION", A, "builtin echo" },
	{ "env pwd", A, "builtin pwd" },
	/* builtins */
	{ "cd /var/www/app && git ls-remote /srv/repo.git", A,
	    "builtin cd" },
	{ "cd", A, "builtin cd" },
	{ "cd -", A, "builtin cd" },
	{ "umask 022", A, "builtin umask" },
	{ "exit 3", A, "builtin exit" },
	{ "echo -n x", A, "builtin echo" },
	{ "[ -f /x ]", A, "builtin [" },
	{ "test ! -d /x", A, "builtin test" },
	{ "pwd; true; false", A, "builtin false" },
	/* dynamic words: checked again on the expanded argv */
	{ "kill -USR2 $(cat /var/www/app/shared/tmp/pids/unicorn.pid)", A,
	    "kill (" },
	{ "kill -USR2 $(cat /run/u.pid)", A, "(checked again at run time)" },
	{ "cd $HOME", A, "(checked again at run time)" },
	{ "git clone --depth $N /srv/a /var/www/b", A,
	    "(checked again at run time)" },
	{ "echo \"$(pwd)\"", A, "builtin pwd" },
	{ "export RAILS_ENV=$X", A, "builtin export" },
	/* compound commands */
	{ "if test -d /x; then echo a; elif true; then pwd; else echo b; fi",
	    A, "builtin pwd" },
	{ "( export GIT_SSH=/tmp/x ; /usr/bin/env git ls-remote /srv/r HEAD )",
	    A, "git ls-remote" },

	/* combined short flags, glued values */
	{ "scp -vS /tmp/evil -t /tmp/x", D, "-S is denied (in -vS)" },
	{ "scp -oProxyCommand=x -t /tmp/x", D,
	    "-o is denied (in -oProxyCommand=x)" },
	{ "scp -o ProxyCommand=x -t /tmp/x", D, "scp: -o is denied" },
	{ "tar -vI /tmp/evil -xf x", D, "-I is denied (in -vI)" },
	{ "rm -ri x", D, "rm: option -i is not allowed (in -ri)" },
	{ "rsync --rsh=x --server . /tmp", D, "rsync: --rsh is denied" },
	{ "rsync -e 'sh -c x' /dev/null h:/x", D,
	    "value 'sh -c x' of -e does not match" },
	{ "rsync --server -ve'sh' . /tmp", D, "of -e does not match" },
	/* long options: denied, abbreviations, arity, values */
	{ "git clone --upload-pack=x /srv/a /var/www/b", D,
	    "git clone: --upload-pack is denied" },
	{ "git clone --upload-pa=x /srv/a /var/www/b", D,
	    "--upload-pa abbreviates --upload-pack, which is denied" },
	{ "git clone /srv/a /var/www/b --upload-pack x", D,
	    "--upload-pack is denied" },
	{ "git remote update --pru", D,
	    "--pru abbreviates --prune: write options in full" },
	{ "git clone --depth=x /srv/a /var/www/b", D,
	    "value 'x' of --depth=[0-9]+ does not match [0-9]+" },
	{ "git clone /srv/a /var/www/b --depth", D, "--depth needs a value" },
	{ "git clone --mirror=yes /srv/a /var/www/b", D,
	    "--mirror takes no value" },
	{ "git clone --foo /srv/a /var/www/b", D,
	    "git clone: option --foo is not allowed" },
	{ "git archive --format=tar.gz main", D, "does not match" },
	{ "tar --color=always -tf x", D, "does not match (auto|never)" },
	{ "bundle exec --gemfile=/tmp/G", D, "bundle: --gemfile is denied" },
	{ "bundle --gem=/tmp/G exec", D,
	    "--gem abbreviates --gemfile, which is denied" },
	{ "bundle -gemfile=/tmp/G exec", D,
	    "-gemfile can be read as --gemfile, which is denied" },
	{ "bundle -gem exec", D, "-gem can be read as --gemfile" },
	{ "bundle -qv exec", A, "bundle (" },
	/* deny lists inherited by subcommands, nested subcommands */
	{ "git -c core.sshCommand=x clone /srv/a /var/www/b", D,
	    "git: -c is denied" },
	{ "git clone -c core.sshCommand=x /srv/a /var/www/b", D,
	    "git clone: -c is denied" },
	{ "git clone -u x /srv/a /var/www/b", D, "git clone: -u is denied" },
	{ "git ls-remote --upload-pack=x /srv/r", D,
	    "git ls-remote: --upload-pack is denied" },
	{ "git remote update --exec-path=/tmp", D,
	    "git remote update: --exec-path is denied" },
	{ "git archive --rem=h main", D,
	    "--rem abbreviates --remote, which is denied" },
	{ "git daemon", D, "git: subcommand 'daemon' is not allowed" },
	{ "git remote add x y", D,
	    "git remote: subcommand 'add' is not allowed" },
	{ "git $X", D, "git: subcommand must be a literal word" },
	{ "git -- daemon", D, "subcommand 'daemon' is not allowed" },
	/* operands */
	{ "git clone /etc/passwd /var/www/b", D,
	    "operand '/etc/passwd' does not match" },
	{ "git clone /srv/a /var/www/b /var/www/c", D,
	    "git clone: at most 2 operands are allowed" },
	{ "git remote update origin", D, "takes no operands ('origin')" },
	{ "chmod 4755 /tmp/x", D, "operand '4755' does not match" },
	{ "chmod 700 /etc/shadow", D, "operand '/etc/shadow' does not match" },
	{ "python3.11 -c x", D, "option -c is not allowed" },
	{ "python3.11 x", D, "takes no operands" },
	{ "git-upload-pack '--help'", D,
	    "git-upload-pack: option --help is not allowed" },
	{ "git-upload-pack -- '--help'", D,
	    "operand '--help' does not match" },
	{ "git-upload-pack /etc", D, "operand '/etc' does not match" },
	{ "/usr/lib/openssh/sftp-server -d /", D, "option -d is not allowed" },
	/* require */
	{ "scp /etc/hostname", D, "scp: one of -t, -f is required" },
	{ "scp -t /a /b", D, "at most 1 operand is allowed" },
	{ "rsync /dev/null h:/x", D, "rsync: --server is required" },
	/* whole-word options vs clusters */
	{ "kill -9 1", D, "kill: option -9 is not allowed" },
	{ "kill -USR2x 1", D, "option -U is not allowed (in -USR2x)" },
	{ "kill -USR2 abc", D, "operand 'abc' does not match" },
	{ "kill -s kill 1", D, "does not match" },
	{ "find . -exec touch /tmp/pwned \\;", D, "find: -exec is denied" },
	{ "find . -exe x", D, "-exe abbreviates -exec, which is denied" },
	{ "find . -newer x", D, "option -n is not allowed (in -newer)" },
	{ "find . -name", D, "-name needs a value" },
	{ "find . -type x", D, "value 'x' of -type does not match [fdl]" },
	/* old-style tar */
	{ "tar xf f --to-command=x", D, "tar: --to-command is denied" },
	{ "tar xzf", D, "tar: -f needs a value" },
	{ "tar xf host:/a.tar", D, "value 'host:/a.tar' of -f does not match" },
	{ "tar xqf a.tar", D, "option -q is not allowed (in xqf)" },
	{ "tar xIf a.tar b", D, "-I is denied (in xIf)" },
	{ "tar -cf /dev/null /dev/null --checkpoint=1", D,
	    "--checkpoint is denied" },
	/* command names */
	{ "/bin/sh", D, "/bin/sh: no rule names this path" },
	{ "/tmp/git ls-remote /srv/r", D, "its directory is not in the path" },
	{ "/usr/bin/../bin/git ls-remote /srv/r", D,
	    "not a path in normal form" },
	{ "/usr/bin//git ls-remote /srv/r", D, "not a path in normal form" },
	{ "/usr/bin/bash", D, "/usr/bin/bash: no rule names this path" },
	{ "./evil", D, "./evil: relative command paths are not allowed" },
	{ "bin/git", D, "relative command paths are not allowed" },
	{ "bash -i", D, "bash: not an allowed command" },
	/* wrappers */
	{ "nohup bash", D, "bash: not an allowed command" },
	{ "nohup", D, "nohup: a command is required" },
	{ "rbenv exec", D, "rbenv exec: a command is required" },
	{ "nohup cd /", D, "cd is a shell builtin; it cannot run under nohup" },
	{ "nohup echo x", D, "echo is a shell builtin; it cannot run under" },
	{ "nohup env LD_PRELOAD=/tmp/x git ls-remote /srv/r", D,
	    "LD_PRELOAD" },
	{ "nohup git -c core.pager=sh log", D, "git: -c is denied" },
	{ "rbenv exec rbenv exec sh", D, "sh: not an allowed command" },
	{ "nohup nohup nohup nohup nohup nohup nohup nohup nohup git "
	    "ls-remote /srv/r", D, "more than 8 wrappers" },
	{ "nohup $X", D, "nohup: the command must be a literal word" },
	{ "$X/bash", D, "the command name must be a literal word" },
	{ "~/sh", D, "the command name must be a literal word" },
	{ "nohup /tmp/git ls-remote /srv/r", D, "not the program" },
	{ "xfind . -exec sh -c id ';'", D, "sh: not an allowed command" },
	{ "xfind . -exec git ls-remote {}", D, "needs ';' or '+'" },
	{ "xfind . -exec ';'", D, "-exec needs a command" },
	{ "xfind . -exec cd / ';'", D, "cd is a shell builtin" },
	{ "xfind . -exec xfind . -exec sh ';' ';'", D, "-exec needs ';'" },
	/* env wrapper */
	{ "/usr/bin/env bash", D, "bash: not an allowed command" },
	{ "/usr/bin/env -i sh", D, "env: option -i is not allowed" },
	{ "/usr/bin/env", D, "env: a command is required" },
	{ "env RAILS_ENV=x", D, "env: a command is required" },
	{ "env A=b git ls-remote /srv/r", D, "A may not be set by a line" },
	{ "/usr/bin/env cd x", D,
	    "cd is a shell builtin; it cannot run under env" },
	{ "env export X=1", D, "export is a shell builtin" },
	{ "/usr/bin/env env git", D, "env: env may not run under env" },
	{ "env LD_PRELOAD=/tmp/x.so ls", D,
	    "LD_PRELOAD names code to run; it may never be set by a line" },
	{ "env a/b=c ls", D, "env: 'a/b' is not a valid variable name" },
	{ "env $CMD", D, "env: the command must be a literal word" },
	/* assignments */
	{ "LD_PRELOAD=/tmp/evil.so ls", D, "LD_PRELOAD names code to run" },
	{ "PATH=/tmp ls", D, "PATH may not be set by a line" },
	{ "BASH_ENV=/tmp/evil.sh true", D, "BASH_ENV names code to run" },
	{ "GIT_SSH_COMMAND='touch /tmp/pwned' git ls-remote ssh://h/x", D,
	    "GIT_SSH_COMMAND can name a program or config file" },
	{ "RAILS_ENV=x FOO=y git", D, "FOO may not be set by a line" },
	{ "PATH=/tmp", D, "PATH may not be set by a line" },
	/* export */
	{ "export LD_PRELOAD=/tmp/evil.so; ls", D,
	    "LD_PRELOAD names code to run" },
	{ "export PATH=/tmp:$PATH", D, "PATH may not be set by a line" },
	{ "export -p", D, "export: options are not supported" },
	{ "export FOO", D, "FOO may not be set by a line" },
	{ "export \"$N\"=1", D, "export: the variable name must be a literal" },
	/* builtin arguments */
	{ "cd /a /b", D, "cd: at most one operand is allowed" },
	{ "cd -P /x", D, "cd: options are not supported" },
	{ "umask 0999", D, "umask: '0999' is not an octal mode" },
	{ "umask 00222", D, "is not an octal mode" },
	{ "umask 022 077", D, "umask: at most one operand" },
	{ "exit abc", D, "exit: 'abc' is not a number" },
	{ "help", A, "builtin help" },
	{ "help git remote set-url", A, "builtin help" },
	{ "help -v", D, "help: options are not supported" },
	{ "history", A, "builtin history" },
	{ "history 20", A, "builtin history" },
	{ "history -c", D, "history: '-c' is not a number" },
	{ "history 1 2", D, "history: at most one operand" },
	{ "history 99999999", D, "is not a number" },
	{ "env help", D, "help is a shell builtin" },
	/* substitutions and branches that would not run are judged too */
	{ "echo \"$(bash)\"", D, "bash: not an allowed command" },
	{ "echo `sh`", D, "sh: not an allowed command" },
	{ "echo ok > \"$(sh)\"", D, "sh: not an allowed command" },
	{ "RAILS_ENV=$(bash) true", D, "bash: not an allowed command" },
	{ "if true; then echo ok; else bash; fi", D,
	    "bash: not an allowed command" },
	{ "if false; then sh; fi", D, "sh: not an allowed command" },
	{ "if true; then echo; elif sh; then echo; fi", D,
	    "sh: not an allowed command" },
	{ "( true; sh )", D, "sh: not an allowed command" },
	{ "true && git clone -u x /srv/a /var/www/b", D, "-u is denied" },
};

static char *
join_whys(const struct pline *pl)
{
	struct sbuf b;
	size_t i;

	sbuf_init(&b);
	for (i = 0; i < pl->n; i++)
		sbuf_addf(&b, "%s%s", i > 0 ? " | " : "",
		    pl->e[i].why != NULL ? pl->e[i].why : "(null)");
	return sbuf_take(&b);
}

/* Parses and judges line; returns -1 when the parser refused it. */
static int
judge_line(const struct profile *p, const char *line, struct pline *pl,
    struct parse_error *perr)
{
	struct parse_limits lim;
	struct list *l;

	parse_limits_default(&lim);
	memset(perr, 0, sizeof(*perr));
	if ((l = parse_line(line, strlen(line), &lim, perr)) == NULL)
		return -1;
	policy_judge_line(p, l, pl);
	ast_free(l);
	return 0;
}

static void
test_lines(const struct profile *p)
{
	struct parse_error perr;
	struct pline pl;
	size_t i;
	char *why;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const struct lcase *c = &lines[i];

		if (judge_line(p, c->line, &pl, &perr) == -1) {
			ok(0, "%s: parses", c->line);
			tap_diag("  %s", perr.msg);
			continue;
		}
		why = join_whys(&pl);
		ok(pl.verdict == c->v && strstr(why, c->why) != NULL,
		    "%s %s: %s", c->v == V_ALLOW ? "allow" : "deny", c->line,
		    c->why);
		if (pl.verdict != c->v || strstr(why, c->why) == NULL)
			tap_diag("  got %s: %s", pl.verdict == V_ALLOW ?
			    "allow" : "deny", why);
		free(why);
		pline_free(&pl);
	}
}

/* Entries, run order and argv of one line. */
static void
test_entries(const struct profile *p)
{
	struct parse_error perr;
	struct pline pl;

	if (judge_line(p, "RAILS_ENV=x git ls-remote \"$(cat f)\" | "
	    "tar xf - && bash", &pl, &perr) == -1) {
		ok(0, "entries: parses");
		return;
	}
	is_int(pl.n, 4, "entries: one per simple command");
	if (pl.n == 4) {
		is_str(pl.e[0].argv[0], "cat", "entries: substitution first");
		is_int(pl.e[1].argc, 4, "entries: assignment + 3 words");
		is_str(pl.e[1].argv[0], "RAILS_ENV=x",
		    "entries: assignment as NAME=value");
		is_str(pl.e[1].argv[3], "\"$(cat f)\"",
		    "entries: a dynamic word as written");
		ok(pl.e[1].deferred, "entries: dynamic operand deferred");
		ok(pl.e[2].verdict == V_ALLOW && pl.e[3].verdict == V_DENY,
		    "entries: tar allowed, bash denied");
	}
	ok(pl.verdict == V_DENY, "entries: one deny denies the line");
	pline_free(&pl);

	if (judge_line(p, "", &pl, &perr) == -1) {
		ok(0, "empty line: parses");
		return;
	}
	ok(pl.n == 0 && pl.verdict == V_ALLOW, "empty line: allowed, no "
	    "entries");
	pline_free(&pl);
}

/* An argv for policy_judge; a word "@src" is dynamic with source src. */
static void
judge_argv(const struct profile *p, const char *const *argv,
    struct pjudge *pj)
{
	struct pword w[16];
	struct pcmd c;
	size_t n;

	for (n = 0; argv[n] != NULL && n < 16; n++) {
		w[n].dynamic = argv[n][0] == '@';
		w[n].text = argv[n] + w[n].dynamic;
	}
	memset(&c, 0, sizeof(c));
	c.words = w;
	c.nwords = n;
	policy_judge(p, &c, pj);
}

struct acase {
	const char	*argv[12];
	enum verdict	 v;
	const char	*why;
	int		 deferred;
};

/* The run-time re-check: argv after expansion, and a few dynamic ones. */
static const struct acase argvs[] = {
	{ { "kill", "-USR2", "1234" }, A, "kill (", 0 },
	{ { "kill", "-USR2", "-9" }, D, "option -9 is not allowed", 0 },
	{ { "kill", "-USR2", "--", "-9" }, D, "operand '-9' does not match",
	    0 },
	{ { "git", "clone", "/srv/a", "--upload-pack=touch x" }, D,
	    "--upload-pack is denied", 0 },
	{ { "git", "clone", "/srv/a", "/var/www/b" }, A, "git clone (", 0 },
	{ { "cd", "/var/www/app" }, A, "builtin cd", 0 },
	{ { "cd", "-L" }, D, "cd: options are not supported", 0 },
	{ { "kill", "-USR2", "@$(cat p)" }, A,
	    "kill (", 1 },
	{ { "git", "clone", "@$SRC", "/var/www/b" }, A,
	    "(checked again at run time)", 1 },
	{ { "git", "clone", "--depth", "@$N", "/srv/a", "/var/www/b" }, A,
	    "git clone", 1 },
	{ { "git", "clone", "-b", "@$B", "/srv/a", "/var/www/b" }, A,
	    "git clone", 1 },
	{ { "git", "clone", "-b@$B", "/srv/a", "/var/www/b" }, D,
	    "value '@$B' of -b does not match", 0 },
	{ { "env", "@$X", "git" }, D, "env: the command must be a literal",
	    0 },
	{ { "env", "@A=$x", "git" }, D, "A may not be set by a line", 0 },
	{ { "env", "@RAILS_ENV=$x", "git", "ls-remote", "/srv/r" }, A,
	    "git ls-remote", 0 },
	{ { "@$CMD", "x" }, D, "the command name must be a literal word", 0 },
	{ { "scp", "@$OPT" }, D, "one of -t, -f is required", 0 },
	{ { "" }, D, ": not an allowed command", 0 },
	{ { NULL }, A, "redirection only", 0 },
};

static void
test_argv(const struct profile *p)
{
	struct pjudge pj;
	size_t i, k;
	char buf[512];

	for (i = 0; i < sizeof(argvs) / sizeof(argvs[0]); i++) {
		const struct acase *c = &argvs[i];

		buf[0] = '\0';
		for (k = 0; c->argv[k] != NULL; k++) {
			strncat(buf, k > 0 ? " " : "", sizeof(buf) -
			    strlen(buf) - 1);
			strncat(buf, c->argv[k], sizeof(buf) - strlen(buf) - 1);
		}
		judge_argv(p, c->argv, &pj);
		ok(pj.verdict == c->v && pj.why != NULL &&
		    strstr(pj.why, c->why) != NULL &&
		    pj.deferred == c->deferred, "argv %s: %s%s", buf, c->why,
		    c->deferred ? " (deferred)" : "");
		if (!(pj.verdict == c->v && pj.why != NULL &&
		    strstr(pj.why, c->why) != NULL &&
		    pj.deferred == c->deferred))
			tap_diag("  got %s deferred=%d: %s", pj.verdict ==
			    V_ALLOW ? "allow" : "deny", pj.deferred, pj.why);
		pjudge_free(&pj);
	}
}

/* argv0, builtin and rule, which exec relies on. */
static void
test_judge_fields(const struct profile *p)
{
	static const char *const envgit[] = { "/usr/bin/env", "RAILS_ENV=x",
	    "GIT_SSH=y", "git", "remote", "update", NULL };
	static const char *const cd[] = { "cd", "/x", NULL };
	static const char *const nohup[] = { "nohup", "env", "GIT_SSH=/x",
	    "RAILS_ENV=y", "git", "ls-remote", "/srv/r", NULL };
	static const char *const sftp[] = { "/usr/lib/openssh/sftp-server",
	    NULL };
	static const char *const bash[] = { "bash", NULL };
	struct passign as[2];
	struct pword w[2];
	struct pcmd c;
	struct pjudge pj;

	judge_argv(p, envgit, &pj);
	ok(pj.verdict == V_ALLOW && pj.argv0 == 3, "env: argv0 is the "
	    "command word");
	ok(pj.rule != NULL && strcmp(pj.rule->name, "git") == 0 &&
	    pj.builtin == NULL, "env: rule is the program's (git)");
	ok(pj.why != NULL && strstr(pj.why, "git remote update (") != NULL &&
	    strstr(pj.why, "GIT_SSH ignored") != NULL,
	    "env: why names the subrule and the ignored variable");
	pjudge_free(&pj);

	judge_argv(p, nohup, &pj);
	ok(pj.verdict == V_ALLOW && pj.nkeep == 4 && pj.keep[0] == 0 &&
	    pj.keep[1] == 4 && pj.keep[3] == 6, "nohup env: env and its "
	    "NAME=value leave nohup's argv");
	ok(pj.nenvw == 1 && pj.envw[0] == 3, "nohup env: RAILS_ENV goes "
	    "into the environment, GIT_SSH does not");
	ok(pj.daemon && pj.rule != NULL && strcmp(pj.rule->name, "nohup") == 0,
	    "nohup: daemon, and the rule of what runs is nohup's");
	pjudge_free(&pj);

	judge_argv(p, cd, &pj);
	ok(pj.verdict == V_ALLOW && pj.builtin != NULL &&
	    strcmp(pj.builtin->name, "cd") == 0 && pj.rule == NULL,
	    "cd: the builtin cd, no rule");
	pjudge_free(&pj);

	judge_argv(p, sftp, &pj);
	ok(pj.verdict == V_ALLOW && pj.rule != NULL && pj.rule->path != NULL &&
	    strcmp(pj.rule->path, sftp[0]) == 0, "sftp-server: found by path");
	pjudge_free(&pj);

	judge_argv(p, bash, &pj);
	ok(pj.verdict == V_DENY && pj.rule == NULL && pj.why != NULL,
	    "bash: denied with a reason, no rule");
	pjudge_free(&pj);

	/* prefix assignments of a pcmd; a dynamic value is fine */
	as[0].name = "RAILS_ENV";
	as[0].value.text = "$E";
	as[0].value.dynamic = 1;
	as[1].name = "GIT_SSH_COMMAND";
	as[1].value.text = "x";
	as[1].value.dynamic = 0;
	w[0].text = "true";
	w[0].dynamic = 0;
	memset(&c, 0, sizeof(c));
	c.assigns = as;
	c.nassigns = 1;
	c.words = w;
	c.nwords = 1;
	policy_judge(p, &c, &pj);
	ok(pj.verdict == V_ALLOW, "assign RAILS_ENV=$E true: allowed");
	pjudge_free(&pj);
	c.nassigns = 2;
	policy_judge(p, &c, &pj);
	ok(pj.verdict == V_DENY && pj.why != NULL &&
	    strstr(pj.why, "GIT_SSH_COMMAND") != NULL,
	    "assign GIT_SSH_COMMAND=x true: denied");
	pjudge_free(&pj);
}

static void
test_env(const struct profile *p)
{
	const char *why = NULL;

	ok(policy_env_dangerous("LD_PRELOAD"), "dangerous: LD_PRELOAD");
	ok(policy_env_dangerous("GIT_SSH"), "dangerous: GIT_SSH");
	ok(policy_env_dangerous("BASH_FUNC_x%%"), "dangerous: BASH_FUNC_x%%%%");
	ok(policy_env_dangerous("PATH"), "dangerous: PATH");
	ok(policy_env_dangerous("LESSOPEN"), "dangerous: LESSOPEN");
	ok(policy_env_dangerous("TAR_OPTIONS"), "dangerous: TAR_OPTIONS");
	ok(policy_env_dangerous("RBENV_ROOT") &&
	    policy_env_dangerous("RBENV_VERSION") &&
	    policy_env_dangerous("RUBYOPT") &&
	    policy_env_dangerous("RUBYLIB") &&
	    policy_env_dangerous("GEM_HOME") &&
	    policy_env_dangerous("GEM_PATH") &&
	    policy_env_dangerous("BUNDLE_GEMFILE") &&
	    policy_env_dangerous("BUNDLER_VERSION") &&
	    policy_env_dangerous("NODE_OPTIONS") &&
	    policy_env_dangerous("PERL5OPT") &&
	    policy_env_dangerous("PYTHONPATH") &&
	    policy_env_dangerous("RAKEOPT"),
	    "dangerous: the variables that choose ruby, gems, node ...");
	ok(!policy_env_dangerous("LC_ALL"), "not dangerous: LC_ALL");
	ok(!policy_env_dangerous("RAILS_ENV"), "not dangerous: RAILS_ENV");
	ok(!policy_env_dangerous("TMPDIR"), "not dangerous: TMPDIR");
	ok(!policy_env_dangerous("PATHX") && !policy_env_dangerous("XPATH"),
	    "exact names are exact: PATHX, XPATH");

	is_int(policy_env(p, "RAILS_ENV", &why), ENV_SET, "env: RAILS_ENV set");
	is_int(policy_env(p, "GIT_SSH", &why), ENV_IGNORE,
	    "env: GIT_SSH ignored");
	is_int(policy_env(p, "GIT_ASKPASS", &why), ENV_FIXED,
	    "env: GIT_ASKPASS fixed");
	is_int(policy_env(p, "PATH", &why), ENV_DENY, "env: PATH denied");
	is_str(why, "may not be set by a line", "env: PATH why");
	is_int(policy_env(p, "FOO", NULL), ENV_DENY, "env: FOO denied, "
	    "why may be NULL");
	is_int(policy_env(p, "1X", &why), ENV_DENY, "env: 1X denied");
	is_int(policy_env(p, "", &why), ENV_DENY, "env: empty name denied");

	is_int(parse_is_name("RAILS_ENV", 9), 1, "name: RAILS_ENV");
	is_int(parse_is_name("_x1", 3), 1, "name: _x1");
	is_int(parse_is_name("1X", 2) || parse_is_name("", 0) ||
	    parse_is_name("A-B", 3) || parse_is_name("A=", 2), 0,
	    "not names: 1X, empty, A-B, A=");
	is_int((int)parse_name_len("AB=c", 4), 2, "name length: AB=c");
	is_int((int)parse_name_len("ABC", 2), 2, "name length: bounded");
}

static void
test_builtins(void)
{
	const struct builtin *b;
	size_t i;
	int good = 1;

	ok(builtin_find("cd") != NULL &&
	    strcmp(builtin_find("cd")->name, "cd") == 0, "builtin: cd");
	ok(builtin_find("[") != NULL && builtin_find("test") != NULL &&
	    builtin_find("[")->run == builtin_find("test")->run,
	    "builtin: [ runs as test");
	ok(builtin_find("exit") != NULL && !builtin_find("exit")->under_env &&
	    builtin_find("pwd")->under_env, "builtin: exit not under env, "
	    "pwd is");
	ok(builtin_find("git") == NULL, "builtin: git is not");
	ok(builtin_find("env") == NULL, "builtin: env is not");
	for (i = 0; (b = builtin_at(i)) != NULL; i++)
		if (b->run == NULL || b->usage == NULL ||
		    strncmp(b->usage, b->name, strlen(b->name)) != 0 ||
		    builtin_find(b->name) != b)
			good = 0;
	ok(good && i == 13, "builtin table: 13 builtins, each runs, each "
	    "has its usage, each found by its name");
}

/* The option grammar as completion and help read it (optspec.h). */
static void
test_optspec(const struct profile *p)
{
	const struct rule *git = model_rule(p, "git"), *clone, *tar;
	const struct optspec *depth;
	struct optspec o;
	const char *bad;
	struct sbuf b;
	char *why;

	clone = git != NULL ? model_sub(git, "clone") : NULL;
	tar = model_rule(p, "tar");
	depth = clone != NULL ? optspec_find(clone->opts, clone->nopts,
	    OPT_LONG, "depth", 5) : NULL;
	if (git == NULL || clone == NULL || tar == NULL || depth == NULL) {
		ok(0, "optspec: git, git clone and tar rules");
		return;
	}
	ok(optspec_takes_next(clone->opts, clone->nopts, "-b"),
	    "takes next: git clone -b BRANCH");
	ok(!optspec_takes_next(clone->opts, clone->nopts, "-bmain"),
	    "takes next: git clone -bmain (glued) does not");
	ok(!optspec_takes_next(git->opts, git->nopts, "-C"),
	    "takes next: a denied option (git -C) names nothing");
	ok(optspec_takes_next(clone->opts, clone->nopts, "--depth"),
	    "takes next: --depth N");
	ok(!optspec_takes_next(clone->opts, clone->nopts, "--depth=5"),
	    "takes next: --depth=5 does not");
	ok(optspec_takes_next(tar->opts, tar->nopts, "-xzf"),
	    "takes next: tar -xzf FILE (cluster ending in f)");
	ok(!optspec_takes_next(tar->opts, tar->nopts, "--color"),
	    "takes next: --color[=] does not");
	ok(!optspec_takes_next(clone->opts, clone->nopts, "--dep"),
	    "takes next: an abbreviation names nothing");

	is_str(optspec_pattern(depth), "[0-9]+", "pattern of --depth=[0-9]+");
	sbuf_init(&b);
	optspec_text(&b, depth, OF_USAGE);
	sbuf_addc(&b, ' ');
	optspec_text(&b, depth, OF_TYPED);
	is_str(b.s, "--depth=VALUE --depth=", "text of --depth=: usage, typed");
	sbuf_free(&b);

	why = optspec_parse("--x[=]", 1, &o);
	ok(why != NULL && strstr(why, "without a value") != NULL,
	    "parse: a bare entry takes no value");
	free(why);
	why = optspec_parse("-ab[=]", 0, &o);
	ok(why != NULL && strstr(why, "only --long") != NULL,
	    "parse: [=] only on long options");
	free(why);
	why = optspec_parse("--a=a)|b", 0, &o);
	ok(why != NULL && strstr(why, "closes no") != NULL,
	    "parse: a pattern's lone ) is refused");
	free(why);
	why = optspec_parse("--a=b|c", 0, &o);
	ok(why == NULL && o.pattern != NULL &&
	    pattern_match(o.pattern, "c", &bad) == 1 &&
	    pattern_match(o.pattern, "xc", &bad) == 0 &&
	    pattern_match(o.pattern, "bc", &bad) == 0, "parse: a pattern "
	    "matches whole words only");
	optspec_clear(&o);
}

/* help: the same rules, in words */
static void
help_is(const struct profile *p, const char *words, int rc,
    const char *want)
{
	char *v[8], *copy = xstrdup(words), *w;
	struct sbuf b;
	size_t n = 0;
	int got;

	for (w = strtok(copy, " "); w != NULL && n < 8; w = strtok(NULL, " "))
		v[n++] = w;
	sbuf_init(&b);
	got = help_command(p, v, n, &b);
	ok(got == rc && strstr(b.s, want) != NULL, "help %s: %s", words, want);
	if (got != rc || strstr(b.s, want) == NULL)
		tap_diag("  got %d: %s", got, b.s);
	sbuf_free(&b);
	free(copy);
}

static void
test_help(const struct profile *p)
{
	struct sbuf b;
	const char *line;

	sbuf_init(&b);
	help_list(p, &b);
	line = strstr(b.s, "\n  git ");
	ok(line != NULL && strncmp(line + 6 + strspn(line + 6, " "),
	    "git for deploys\n", 16) == 0,
	    "help lists git with its description");
	ok(strstr(b.s, "\n  tar\n") != NULL, "and tar, which has none");
	ok(strstr(b.s, "Builtins: cd pwd which export umask test [ echo true "
	    "false exit help history\n") != NULL, "and the builtins");
	ok(strstr(b.s, "Variables a line may set: RAILS_ENV, RACK_ENV\n") !=
	    NULL, "and the variables a line may set");
	ok(strstr(b.s, "Fixed variables: GIT_ASKPASS\n") != NULL &&
	    strstr(b.s, "their values dropped: GIT_SSH\n") != NULL,
	    "and the fixed and ignored ones");
	sbuf_free(&b);

	help_is(p, "git", 0, "git: git for deploys\n  Found in: "
	    "/usr/local/bin:/usr/bin:/bin\n  Options: --no-pager, --bare\n");
	help_is(p, "git", 0, "  Never, nor abbreviated: -c, -C, -p, ");
	help_is(p, "git", 0, "  Subcommands: clone, ls-remote, remote, "
	    "archive, rev-list\n    ('help git SUBCOMMAND' for each)\n");
	help_is(p, "git clone", 0, "--depth=VALUE (VALUE: [0-9]+)");
	help_is(p, "git clone", 0, "-b VALUE (VALUE: [-A-Za-z0-9_./]+)");
	help_is(p, "git clone", 0, "  Operands: each must match one of "
	    "/srv/[-A-Za-z0-9_./]+, /var/www/[-A-Za-z0-9_./]+; at most 2\n");
	help_is(p, "git remote update", 0, "git remote update\n  Options: "
	    "--prune\n");
	help_is(p, "git remote update", 0, "  Operands: none\n");
	help_is(p, "scp", 0, "  Needs one of: -t, -f\n");
	help_is(p, "scp", 0, "(one-letter options may be combined");
	help_is(p, "tar", 0, "--color[=VALUE] (VALUE: (auto|never))");
	help_is(p, "tar", 0, "tar xzf FILE");
	help_is(p, "cd", 0, "cd [DIR]: change the directory");
	help_is(p, "history", 0, "history [N]: ");
	help_is(p, "bash", -1, "bash: not a command you may run");
	help_is(p, "cd x", -1, "cd: not a command you may run");
	help_is(p, "git nope", -1, "git has no subcommand nope");
	help_is(p, "rbenv exec", 0, "  Then: a command this profile allows");
	help_is(p, "xfind", 0, "  Followed by a command this profile "
	    "allows, up to ';' or '+': -exec\n");
}

static const char *
shared_dir(int *required)
{
	const char *s;

	*required = 0;
	if ((s = getenv("CAGESH_SHARED")) != NULL && *s != '\0') {
		*required = 1;
		return s;
	}
	return NULL;
}

/*
 * Each line of a shared file through fn; a missing file is skipped
 * unless CAGESH_SHARED is set.
 */
static void
each_shared_line(const char *rel, const char *top,
    void (*fn)(const struct profile *, const char *, size_t),
    const struct profile *p)
{
	char *path, *line = NULL;
	const char *dir;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int required;
	FILE *f;

	if ((dir = shared_dir(&required)) != NULL)
		xasprintf(&path, "%s/%s", dir, rel);
	else
		xasprintf(&path, "%s/../shared/%s", top, rel);
	if ((f = fopen(path, "r")) == NULL) {
		if (required)
			ok(0, "%s is readable", path);
		else
			tap_diag("skipped: no %s", path);
		free(path);
		return;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		fn(p, line, lineno);
	}
	free(line);
	fclose(f);
	free(path);
}

static void
printable(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	dst[i] = '\0';
}

static void
attack_line(const struct profile *p, const char *line, size_t lineno)
{
	struct parse_error perr;
	struct pline pl;
	char show[200];

	printable(show, sizeof(show), line);
	if (judge_line(p, line, &pl, &perr) == -1) {
		ok(1, "attack %zu refused by the parser: %s", lineno, show);
		return;
	}
	ok(pl.verdict == V_DENY, "attack %zu denied: %s", lineno, show);
	pline_free(&pl);
}

static void
session_line(const struct profile *p, const char *line, size_t lineno)
{
	struct parse_error perr;
	struct pline pl;
	char show[200], *why;

	printable(show, sizeof(show), line);
	if (judge_line(p, line, &pl, &perr) == -1) {
		ok(0, "session %zu parses: %s", lineno, show);
		tap_diag("  %s", perr.msg);
		return;
	}
	ok(pl.verdict == V_ALLOW, "session %zu allowed: %s", lineno, show);
	if (pl.verdict != V_ALLOW) {
		why = join_whys(&pl);
		tap_diag("  %s", why);
		free(why);
	}
	pline_free(&pl);
}

/*
 * A session defers its patterns (pattern_defer): one that does not
 * compile when a line first needs it (the file changed since
 * --check-config) denies that command, saying why; one the line does
 * not reach costs nothing and denies nothing.
 */
static const char badre_conf[] =
    "profiles = { p = { path = [ \"/bin\" ];\n"
    "  commands = { ls = { options = [ \"-w=[0-9\", \"-a\" ];\n"
    "      operands = [ \"[a-z]+\", \"b(\" ]; };\n"
    "    sudo = { any_options = true; }; };\n"
    "  actions = ( { name = \"restart\";\n"
    "    match = [ \"sudo systemctl restart $1\" ];\n"
    "    operands = [ \"app_(puma\" ]; run = [ \"/bin/true\", \"$1\" ];\n"
    "    user = \"root\"; } ); }; };\nusers = ( );\n";

static void
deferred_case(const struct profile *p, const char *line, int allow,
    const char *want)
{
	struct parse_error perr;
	struct pline pl;
	char *why;

	if (judge_line(p, line, &pl, &perr) == -1) {
		ok(0, "deferred: %s: parses", line);
		return;
	}
	why = join_whys(&pl);
	ok((pl.verdict == V_ALLOW) == allow &&
	    (want == NULL || strstr(why, want) != NULL), "deferred: %s: %s%s%s",
	    line, allow ? "allowed" : "denied", want ? ": " : "",
	    want ? want : "");
	if ((pl.verdict == V_ALLOW) != allow ||
	    (want != NULL && strstr(why, want) == NULL))
		tap_diag("  got %d: %s", pl.verdict, why);
	free(why);
	pline_free(&pl);
}

static void
test_deferred(void)
{
	struct conf_errors errs;
	struct conf *conf;
	const struct profile *p;
	char path[] = "/tmp/test-policy.XXXXXX";
	size_t len = sizeof(badre_conf) - 1;
	int fd;

	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, badre_conf, len) != (ssize_t)len || close(fd) == -1) {
		ok(0, "deferred: write %s", path);
		return;
	}
	memset(&errs, 0, sizeof(errs));
	conf = conf_load_file(path, &errs);
	/* and the action's forms then name an operand it lacks */
	ok(conf == NULL && errs.n == 5 && strstr(errs.msg[0],
	    ":2: profiles.p.commands.ls.options[0]: bad pattern '[0-9'") &&
	    strstr(errs.msg[1], ":3: profiles.p.commands.ls.operands[1]: "
	    "bad pattern 'b('") && strstr(errs.msg[2], ":7: profiles.p."
	    "actions[0].operands[0]: bad pattern 'app_(puma'"),
	    "not deferred: the bad patterns refused at load, at FILE:LINE");
	conf_errors_free(&errs);
	conf_free(conf);

	pattern_defer(1);
	memset(&errs, 0, sizeof(errs));
	conf = conf_load_file(path, &errs);
	pattern_defer(0);
	(void)unlink(path);
	ok(conf != NULL && errs.n == 0, "deferred: loads");
	conf_errors_free(&errs);
	if (conf == NULL || (p = conf_find_profile(conf, "p")) == NULL) {
		conf_free(conf);
		return;
	}
	deferred_case(p, "ls -a", 1, NULL);
	deferred_case(p, "ls -w 5", 0, "ls: the rule at ");
	deferred_case(p, "ls -w5 -a", 0, "cannot be checked: bad pattern "
	    "'[0-9': ");
	deferred_case(p, "ls abc", 1, NULL);
	deferred_case(p, "ls ABC", 0, "cannot be checked: bad pattern 'b(': ");
	deferred_case(p, "ls -a ABC; ls", 0, "cagesh --check-config");
	deferred_case(p, "sudo systemctl restart app_puma", 0,
	    "action restart (");
	deferred_case(p, "sudo systemctl restart x", 0,
	    "cannot be checked: bad pattern 'app_(puma': ");
	deferred_case(p, "sudo -n ls", 1, NULL);
	conf_free(conf);
}

int
main(void)
{
	struct conf_errors errs;
	struct conf *conf;
	const struct profile *p;
	const char *top;
	char *path;
	size_t i;

	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	xasprintf(&path, "%s/tests/policy/capistrano.conf", top);
	memset(&errs, 0, sizeof(errs));
	conf = conf_load_file(path, &errs);
	ok(conf != NULL, "fixture %s loads", path);
	for (i = 0; i < errs.n; i++)
		tap_diag("  %s", errs.msg[i]);
	conf_errors_free(&errs);
	free(path);
	if (conf == NULL)
		return tap_done();
	p = conf_find_profile(conf, "capistrano");
	ok(p != NULL, "fixture has the capistrano profile");
	if (p != NULL) {
		test_lines(p);
		test_entries(p);
		test_argv(p);
		test_judge_fields(p);
		test_env(p);
		test_builtins();
		test_optspec(p);
		test_help(p);
		each_shared_line("attacks/public.txt", top, attack_line, p);
		each_shared_line("capistrano/sessions.txt", top,
		    session_line, p);
	}
	conf_free(conf);
	test_deferred();
	return tap_done();
}
