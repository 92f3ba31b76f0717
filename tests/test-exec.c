/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The executor, through the real parser, config loader and policy
 * (tests/exec/run.conf).  Each line must pass the static judgement, then
 * runs with fds 1 and 2 on capture files and cwd in a scratch directory;
 * status, output and errors are compared.  No root needed.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "exec.h"
#include "parse.h"
#include "policy.h"
#include "status.h"
#include "vars.h"
#include "vis.h"
#include "xmalloc.h"
#include "tap.h"


static const struct profile *prof;
static char work[] = "/tmp/cagesh-exec-XXXXXX";
static char capdir[] = "/tmp/cagesh-cap-XXXXXX";
static char outpath[128], errpath[128], hookpath[128];
static int hookfd = -1;
static int hook_fail;
static long hook_seq;

struct res {
	int	 status;
	char	*out;
	char	*err;
	char	*hook;
};

static char *
slurp(const char *path)
{
	struct sbuf b;
	char buf[4096];
	ssize_t n;
	int fd;

	sbuf_init(&b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return sbuf_take(&b);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sbuf_addn(&b, buf, (size_t)n);
	close(fd);
	return sbuf_take(&b);
}

static int
hook(void *arg, char *const *argv, size_t argc, const struct exec_redir *r,
    size_t nr, enum verdict v, const char *why, long *seq)
{
	struct sbuf b;
	size_t i;

	(void)arg;
	(void)why;
	/* a number, as the audit log gives, for the daemon hook */
	*seq = ++hook_seq;
	sbuf_init(&b);
	sbuf_adds(&b, v == V_ALLOW ? "allow" : "deny");
	for (i = 0; i < argc; i++)
		sbuf_addf(&b, " %s", argv[i]);
	for (i = 0; i < nr; i++)
		sbuf_addf(&b, " [%d%s%s]", r[i].fd, r[i].op, r[i].target);
	sbuf_addc(&b, '\n');
	if (write(hookfd, b.s, b.len) != (ssize_t)b.len)
		tap_diag("hook: short write");
	sbuf_free(&b);
	return hook_fail ? -1 : 0;
}

/* In the child, before a daemon command's exec: its record's number. */
static int
hook_daemon(void *arg, long seq)
{
	char b[64];
	int n;

	(void)arg;
	n = snprintf(b, sizeof(b), "daemon %s\n", seq > 0 ? "seq" : "none");
	if (write(hookfd, b, (size_t)n) != n)
		tap_diag("hook_daemon: short write");
	return 0;
}

static int
capture(const char *path, int to)
{
	int fd, save;

	save = fcntl(to, F_DUPFD_CLOEXEC, 20);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || save == -1 || dup2(fd, to) == -1) {
		perror("capture");
		exit(99);
	}
	close(fd);
	return save;
}

static struct vars *
fresh_vars(void)
{
	struct vars *vs;

	vs = vars_new();
	vars_set(vs, "HOME", work, 1);
	vars_set(vs, "LANG", "C", 1);
	return vs;
}

/* Parses, judges statically (must be allowed) and runs one line. */
static int
run(const char *line, struct res *r)
{
	struct parse_limits lim;
	struct parse_error pe;
	struct pline pl;
	struct exec_ctx ctx;
	struct list *l;
	int o, e;

	memset(r, 0, sizeof(*r));
	parse_limits_default(&lim);
	if ((l = parse_line(line, strlen(line), &lim, &pe)) == NULL) {
		tap_diag("parse %s: %s", line, pe.msg);
		r->status = -1;
		return -1;
	}
	policy_judge_line(prof, l, &pl);
	if (pl.verdict != V_ALLOW) {
		tap_diag("statically denied: %s", line);
		pline_free(&pl);
		ast_free(l);
		r->status = -1;
		return -1;
	}
	pline_free(&pl);
	hookfd = open(hookpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0600);
	/* where the session keeps its audit socket: above the line's fds */
	if ((o = fcntl(hookfd, F_DUPFD_CLOEXEC, 10)) != -1) {
		close(hookfd);
		hookfd = o;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.profile = prof;
	ctx.limits = &lim;
	ctx.vars = fresh_vars();
	ctx.hooks.command = hook;
	ctx.hooks.daemon = hook_daemon;

	fflush(stdout);
	o = capture(outpath, STDOUT_FILENO);
	e = capture(errpath, STDERR_FILENO);
	r->status = exec_run(&ctx, l);
	dup2(o, STDOUT_FILENO);
	dup2(e, STDERR_FILENO);
	close(o);
	close(e);
	close(hookfd);
	if (chdir(work) == -1)
		perror("chdir");

	r->out = slurp(outpath);
	r->err = slurp(errpath);
	r->hook = slurp(hookpath);
	vars_free(ctx.vars);
	ast_free(l);
	return 0;
}

static void
res_free(struct res *r)
{
	free(r->out);
	free(r->err);
	free(r->hook);
}

/* Two assertions: status and stdout; err (if not NULL) must occur in stderr. */
static void
t(const char *line, int status, const char *out, const char *err)
{
	struct res r;

	run(line, &r);
	is_int(r.status, status, "status of: %s", line);
	if (out != NULL)
		is_str(r.out, out, "stdout of: %s", line);
	if (err != NULL) {
		ok(r.err != NULL && strstr(r.err, err) != NULL,
		    "stderr of: %s has \"%s\"", line, err);
		if (r.err != NULL && strstr(r.err, err) == NULL)
			tap_diag("  stderr: %s", r.err);
	}
	res_free(&r);
}

static void
touch(const char *name)
{
	int fd;

	if ((fd = open(name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) != -1)
		close(fd);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_expansion(void)
{
	char want[512];
	struct res r;

	t("echo hello   world", 0, "hello world\n", NULL);
	t("echo 'a  b' \"c  d\" e\\ \\ f", 0, "a  b c  d e  f\n", NULL);
	t("FOO='a  b'; echo $FOO", 0, "a b\n", NULL);
	t("FOO='a  b'; echo \"$FOO\"", 0, "a  b\n", NULL);
	t("FOO=' x  y '; echo =$FOO=", 0, "= x y =\n", NULL);
	t("FOO='x  y'; echo =$FOO=", 0, "=x y=\n", NULL);
	t("FOO=; echo a $FOO b \"\" $EMPTY", 0, "a b \n", NULL);
	t("FOO=; echo \"$FOO\" | wc -c", 0, "1\n", NULL);
	t("echo ${BAR}x$BAR'$BAR'", 0, "x$BAR\n", NULL);
	snprintf(want, sizeof(want), "%s %s/x ~ ~\n", work, work);
	t("echo ~ ~/x \"~\" \\~", 0, want, NULL);
	t("false; echo $?", 0, "1\n", NULL);
	t("true; echo $?", 0, "0\n", NULL);
	snprintf(want, sizeof(want), "%ld %ld\n", (long)getpid(),
	    (long)getpid());
	t("echo $$ $(echo $$)", 0, want, NULL);

	/* globbing in the scratch directory */
	touch("a.txt");
	touch("b.txt");
	touch("c.log");
	touch("*.txt");
	t("echo *.log [ab].txt", 0, "c.log a.txt b.txt\n", NULL);
	t("echo '*'.txt \"*\".txt", 0, "*.txt *.txt\n", NULL);
	t("echo *.none", 0, "*.none\n", NULL);
	t("echo *.tx?", 0, "*.txt a.txt b.txt\n", NULL);
	t("FOO='[ab].txt'; echo $FOO \"$FOO\"", 0, "a.txt b.txt [ab].txt\n",
	    NULL);
	t("echo \"a\"*.txt 'b'*", 0, "a.txt b.txt\n", NULL);
	unlink("*.txt");

	/* a value with blanks is one field after export and in assignments */
	t("export FOO='p  q'; printenv FOO", 0, "p  q\n", NULL);
	t("BAR='1  2'; FOO=$BAR; echo \"$FOO\"", 0, "1  2\n", NULL);

	run("echo $EMPTY", &r);
	is_str(r.out, "\n", "an empty unquoted expansion vanishes");
	res_free(&r);
}

static void
test_status(void)
{
	t("true", 0, "", NULL);
	t("false", 1, "", NULL);
	t("! true", 1, "", NULL);
	t("! false", 0, "", NULL);
	t("false && echo no", 1, "", NULL);
	t("false || echo yes", 0, "yes\n", NULL);
	t("true && false || echo z", 0, "z\n", NULL);
	t("true || false && echo w", 0, "w\n", NULL);
	t("echo a; false", 1, "a\n", NULL);
	t("false; true", 0, "", NULL);
	t("nosuchprog", 127, "", "cagesh: nosuchprog: not found");
	t("ls /nonexistent-cagesh", 2, "", "nonexistent-cagesh");
}

static void
test_pipelines(void)
{
	char want[512];

	t("echo abc | tr a b", 0, "bbc\n", NULL);
	t("echo abc | tr a b | tr b c", 0, "ccc\n", NULL);
	t("false | true", 0, "", NULL);
	t("true | false", 1, "", NULL);
	t("! echo x | tr x y", 1, "y\n", NULL);
	t("echo a | cat | cat | cat | wc -l", 0, "1\n", NULL);
	t("(echo a; echo b) | wc -l", 0, "2\n", NULL);
	snprintf(want, sizeof(want), "%s\n", work);
	t("cd / | true; pwd", 0, want, NULL);
}

static void
test_subshells(void)
{
	char want[512];

	snprintf(want, sizeof(want), "/\n%s\n", work);
	t("(cd /; pwd); pwd", 0, want, NULL);
	t("FOO=1; (FOO=2; echo $FOO); echo $FOO", 0, "2\n1\n", NULL);
	t("(exit 3); echo $?", 0, "3\n", NULL);
	t("(exit 4)", 4, "", NULL);
	t("umask 022; (umask 077; umask); umask", 0, "0077\n0022\n", NULL);
	t("(export FOO=x); printenv FOO", 1, "", NULL);
	t("if true; then echo y; else echo n; fi", 0, "y\n", NULL);
	t("if false; then echo y; else echo n; fi", 0, "n\n", NULL);
	t("if false; then echo a; elif true; then echo b; else echo c; fi",
	    0, "b\n", NULL);
	t("if false; then echo a; fi", 0, "", NULL);
	t("if false; then echo a; elif false; then echo b; fi; echo $?", 0,
	    "0\n", NULL);
	t("if true; then false; fi", 1, "", NULL);
	t("if echo c; then echo d; fi > f; cat f", 0, "c\nd\n", NULL);
}

static void
test_redirections(void)
{
	int fd;
	struct stat st;
	mode_t old;
	struct res r;

	t("echo hi > out; cat out", 0, "hi\n", NULL);
	t("echo a >> out; echo b >>out; cat out", 0, "hi\na\nb\n", NULL);
	t("cat < out", 0, "hi\na\nb\n", NULL);
	t("tr a-z A-Z <out >up; cat up", 0, "HI\nA\nB\n", NULL);

	run("echo err 1>&2", &r);
	is_str(r.out, "", "1>&2: nothing on stdout");
	is_str(r.err, "err\n", "1>&2: the text on stderr");
	res_free(&r);

	run("ls /nonexistent-x 2>&1", &r);
	ok(strstr(r.out, "nonexistent-x") != NULL, "2>&1: error on stdout");
	is_str(r.err, "", "2>&1: stderr empty");
	res_free(&r);

	run("ls /nonexistent-y 2>&1 >f; cat f >&2", &r);
	ok(strstr(r.out, "nonexistent-y") != NULL,
	    "2>&1 >f: the error goes to the old stdout");
	is_str(r.err, "", "2>&1 >f: f is empty");
	res_free(&r);

	run("ls /nonexistent-z >f 2>&1; cat f >&2", &r);
	is_str(r.out, "", ">f 2>&1: nothing on stdout");
	ok(strstr(r.err, "nonexistent-z") != NULL, ">f 2>&1: the error in f");
	res_free(&r);

	t("echo x 3>f3 1>&3; cat f3", 0, "x\n", NULL);
	/* the hook's fd (>= 10) stands for the session's audit socket */
	t("cat <&3", 1, "", "3: Bad file descriptor");
	t("echo x >&3", 1, "", "3: Bad file descriptor");
	run("(echo in) 3>f 4>g 9>h", &r);
	is_str(r.hook, "allow [3>f] [4>g] [9>h]\nallow echo in\n",
	    "a subshell's 3>f does not take the hook's fd");
	res_free(&r);
	t("(cat <&3) 3<out", 0, "hi\na\nb\n", NULL);
	t("if true; then cat <&4; fi 4<out", 0, "hi\na\nb\n", NULL);
	t("if true; then true; fi 4<out; cat <&4", 1, "",
	    "4: Bad file descriptor");
	/* the saved fd 3 gets FD_CLOEXEC back after a builtin's 3>f */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd != -1 && fd <= 9)
		t("echo never", 1, "", "fd 3 is open");
	else
		ok(0, "fd 3 for the test");
	close(fd);
	t("echo x 3>f; ls /proc/self/fd", 0, "x\n0\n1\n2\n3\n", NULL);
	t("echo x 3>f; echo $(ls /proc/self/fd)", 0, "x\n0 1 2 3\n", NULL);
	t("cat <&7; echo next", 0, "next\n", "7: Bad file descriptor");
	t("echo x > $EMPTY", 1, "", "ambiguous redirect");
	t("echo x > /nonexistent-dir/f", 1, "",
	    "/nonexistent-dir/f: No such file or directory");
	t("FOO=sp; echo a > \"$FOO  ace\"; cat 'sp  ace'", 0, "a\n", NULL);
	t("> made; test -f made", 0, "", NULL);
	t("echo x > f; echo y", 0, "y\n", NULL);
	t("echo x 2>/dev/null; echo y >&2", 0, "x\n", "y");

	old = umask(022);
	t("umask 027; > moded", 0, "", NULL);
	umask(old);
	ok(stat("moded", &st) == 0 && (st.st_mode & 0777) == 0640,
	    "a created file has mode 0666 & ~umask");
}

static void
test_cmdsub(void)
{
	struct res r;

	t("echo $(echo hi)", 0, "hi\n", NULL);
	t("echo \"$(echo a; echo b)\"", 0, "a\nb\n", NULL);
	t("echo $(echo a; echo b)", 0, "a b\n", NULL);
	t("echo `echo \\`echo deep\\``", 0, "deep\n", NULL);
	t("echo $(echo $(echo nested))", 0, "nested\n", NULL);
	t("echo \"[$(echo x; echo; echo)]\"", 0, "[x]\n", NULL);
	t("echo $(false)$?", 0, "1\n", NULL);
	t("FOO=$(false); echo $?", 0, "1\n", NULL);
	t("FOO=$(echo v); echo $FOO", 0, "v\n", NULL);
	t("echo $(echo a | tr a b)", 0, "b\n", NULL);
	t("echo $(cd /; pwd) $(pwd | wc -l)", 0, "/ 1\n", NULL);

	run("echo $(head -c 1100000 /dev/zero); echo after", &r);
	is_int(r.status, 1, "too large a substitution: status 1");
	is_str(r.out, "", "too large a substitution: the line stops");
	ok(strstr(r.err, "command substitution output too large") != NULL,
	    "too large a substitution: the message");
	res_free(&r);

	run("FOO=$(head -c 1048576 /dev/zero | tr '\\0' a); echo ${FOO} | "
	    "wc -c", &r);
	is_str(r.out, "1048577\n", "exactly 1 MiB of substitution is kept");
	res_free(&r);
}

static void
test_builtins(void)
{
	char want[512], *line;

	t("cd /; pwd", 0, "/\n", NULL);
	snprintf(want, sizeof(want), "%s\n%s\n", work, work);
	t("cd /; cd -; pwd", 0, want, NULL);
	snprintf(want, sizeof(want), "%s\n", work);
	t("cd /; cd; pwd", 0, want, NULL);
	t("cd /nonexistent-cd; echo $?", 0, "1\n", "cd: /nonexistent-cd");
	t("cd /tmp; echo $PWD", 0, "/tmp\n", NULL);

	/* logical cd and pwd, as sh's default: the link, not its target */
	if (mkdir("rel-1", 0755) == -1 || symlink("rel-1", "cur") == -1)
		printf("# mkdir, symlink: %s\n", strerror(errno));
	snprintf(want, sizeof(want), "%s/cur\n", work);
	xasprintf(&line, "cd %s/cur; pwd", work);
	t(line, 0, want, NULL);
	free(line);
	xasprintf(&line, "cd %s/cur; cd .; echo $PWD", work);
	t(line, 0, want, NULL);
	free(line);
	snprintf(want, sizeof(want), "%s\n", work);
	xasprintf(&line, "cd %s/cur/../cur/..; pwd", work);
	t(line, 0, want, NULL);
	free(line);
	snprintf(want, sizeof(want), "%s/rel-1\n", work);
	xasprintf(&line, "cd %s/rel-1; pwd", work);
	t(line, 0, want, NULL);
	free(line);
	snprintf(want, sizeof(want), "%s/cur\n%s/cur\n", work, work);
	xasprintf(&line, "cd %s/cur; cd /; cd -; pwd", work);
	t(line, 0, want, NULL);
	free(line);

	t("export FOO=v; printenv FOO", 0, "v\n", NULL);
	t("FOO=w; printenv FOO", 1, "", NULL);
	t("FOO=w; export FOO; printenv FOO", 0, "w\n", NULL);
	t("export FOO; FOO=z; printenv FOO", 0, "z\n", NULL);
	snprintf(want, sizeof(want),
	    "export FOO='it'\\''s'\nexport HOME='%s'\nexport LANG='C'\n", work);
	t("export FOO=\"it's\"; export", 0, want, NULL);
	t("export GIT_SSH=/tmp/x; printenv GIT_SSH", 1, "", NULL);

	t("umask 022; umask", 0, "0022\n", NULL);
	t("umask 0; umask", 0, "0000\n", NULL);

	t("test -d /", 0, "", NULL);
	t("test -f /", 1, "", NULL);
	t("[ -f /etc/passwd ]", 0, "", NULL);
	t("[ a = a ]", 0, "", NULL);
	t("[ a != a ]", 1, "", NULL);
	t("[ 3 -lt 5 ]", 0, "", NULL);
	t("[ 10 -gt 9 ] && [ 9 -ge 9 ] && [ 1 -ne 2 ] && [ 2 -le 2 ]", 0, "",
	    NULL);
	t("[ x -lt 5 ]", 2, "", "integer expression expected");
	t("[ ! -e /nonexistent ]", 0, "", NULL);
	t("[ -n \"\" ]", 1, "", NULL);
	t("[ -z \"\" ]", 0, "", NULL);
	t("[ \"\" ]", 1, "", NULL);
	t("[ ]", 1, "", NULL);
	t("[ -n ]", 0, "", NULL);
	t("test a = a -o b = c", 0, "", NULL);
	t("test a = b -o b = c", 1, "", NULL);
	t("test a = a -a ! b = c", 0, "", NULL);
	t("test '(' a = a ')' -a '(' b = c ')'", 1, "", NULL);
	t("test ! '(' a = b ')'", 0, "", NULL);
	t("[ a = a", 2, "", "missing ]");
	t("test a b", 2, "", "unary operator expected");
	t("test a b c", 2, "", "binary operator expected");
	t("touch old; [ out -nt /etc/hostname ] || [ -e /etc/hostname ]", 0,
	    "", NULL);
	t("[ / -ef /. ] && [ -x / ] && [ -r out ] && [ -s out ]", 0, "", NULL);

	t("echo -n a; echo b", 0, "ab\n", NULL);
	t("echo -n -n a; echo", 0, "a\n", NULL);
	t("echo -e 'a\\nb'", 0, "-e a\\nb\n", NULL);
	t("echo", 0, "\n", NULL);

	t("exit 7; echo no", 7, "", NULL);
	t("false; exit", 1, "", NULL);
	t("if true; then exit 5; fi; echo no", 5, "", NULL);
	t("echo $(exit 9; echo no) $?", 0, "9\n", NULL);
}

static void
test_env(void)
{
	struct res r;
	int fd;

	t("env FOO=bar printenv FOO", 0, "bar\n", NULL);
	t("/usr/bin/env GIT_SSH=x printenv GIT_SSH", 1, "", NULL);
	t("FOO=bar printenv FOO; printenv FOO", 1, "bar\n", NULL);
	t("LANG=xx printenv LANG", 0, "C\n", NULL);
	t("GIT_SSH=/tmp/x printenv GIT_SSH", 1, "", NULL);
	t("env echo hi", 0, "hi\n", NULL);
	t("env FOO=1 BAR=2 printenv BAR FOO", 0, "2\n1\n", NULL);
	t("mycat out", 0, "hi\na\nb\n", NULL);
	t("/usr/bin/cat out", 0, "hi\na\nb\n", NULL);

	/*
	 * A program named by path runs only when it is the file the
	 * profile's path finds: a link to it does, a file of the user's
	 * named like it does not (nothing runs).
	 */
	if (mkdir("lnk", 0755) == -1 || symlink("/usr/bin/cat", "lnk/cat") ||
	    mkdir("own", 0755) == -1 || (fd = open("own/cat", O_WRONLY |
	    O_CREAT | O_TRUNC, 0755)) == -1 || write(fd, "#!/bin/sh\necho "
	    "pwned\n", 19) != 19 || close(fd) == -1)
		printf("# own/cat: %s\n", strerror(errno));
	t("$HOME/lnk/cat out", 0, "hi\na\nb\n", NULL);

	/* a program wrapper: nohup gets env's command, env's values applied */
	t("nohup env FOO=x GIT_SSH=y printenv FOO GIT_SSH", 1, "x\n", NULL);
	t("nohup /usr/bin/env FOO=x /usr/bin/printenv FOO", 0, "x\n", NULL);
	run("nohup printenv FOO", &r);
	ok(r.hook != NULL && strstr(r.hook, "daemon seq\n") != NULL,
	    "nohup: the daemon hook runs before its exec, with its number");
	res_free(&r);
	run("printenv FOO", &r);
	ok(r.hook != NULL && strstr(r.hook, "daemon") == NULL,
	    "printenv: no daemon hook");
	res_free(&r);
	/* a line's PATH in env_ignore: dropped, the programs never see it */
	t("export PATH=/tmp; printenv PATH", 1, "", NULL);
	t("PATH=/tmp printenv PATH", 1, "", NULL);
	t("$HOME/own/cat out; echo after", 126, "",
	    "not the program the profile's path finds for 'cat'");
}

static void
test_denial(void)
{
	struct res r;

	touch("--foo");
	run("cat *; echo after", &r);
	is_int(r.status, 126, "a glob matching --foo: denied at run time");
	is_str(r.out, "", "a glob matching --foo: nothing after runs");
	ok(strstr(r.err, "cagesh: denied: ") != NULL,
	    "a glob matching --foo: the message");
	ok(strncmp(r.hook, "deny cat --foo ", 15) == 0,
	    "a glob matching --foo: the hook saw the denial");
	res_free(&r);

	t("FOO=--foo; cat $FOO; echo after", 126, "", "denied");
	t("FOO=--foo; (cat $FOO); echo after", 126, "", "denied");
	t("FOO=--foo; (echo a; (cat $FOO; echo in)); echo after", 126, "a\n",
	    "denied");
	t("FOO=--foo; cat $FOO | tr a b; echo after", 126, "", "denied");
	t("FOO=--foo; echo x | cat $FOO; echo after", 126, "", "denied");
	t("FOO=--foo; echo $(cat $FOO) after; echo after", 126, "",
	    "denied");
	t("FOO=--foo; ! cat $FOO", 126, "", "denied");
	t("FOO=--foo; if cat $FOO; then echo a; else echo b; fi", 126, "",
	    "denied");
	/* in the background too; whether `echo fg` ran first is a race */
	t("FOO=--foo; cat $FOO & echo fg", 126, NULL, "denied");
	unlink("--foo");

	run("FOO=x; echo $FOO; cat /dev/null", &r);
	is_str(r.hook, "allow FOO=x\nallow echo x\nallow cat /dev/null\n",
	    "the hook sees each command after expansion, in order");
	res_free(&r);

	run("echo $(echo in) out", &r);
	is_str(r.hook, "allow echo in\nallow echo in out\n",
	    "a substitution's commands reach the hook first");
	res_free(&r);
	run("echo x > $(echo out.txt)", &r);
	is_str(r.hook, "allow echo out.txt\nallow echo x [1>out.txt]\n",
	    "a redirection's target reaches the hook after expansion");
	res_free(&r);
	run("( echo y ) 2>&1 >> $(echo out.txt)", &r);
	is_str(r.hook, "allow echo out.txt\nallow [2>&1] [1>>out.txt]\n"
	    "allow echo y\n",
	    "a compound command's redirections reach the hook too");
	unlink("out.txt");
	res_free(&r);

	hook_fail = 1;
	run("echo a; echo b", &r);
	hook_fail = 0;
	is_int(r.status, 126, "a failing hook stops the line");
	is_str(r.out, "", "a failing hook: nothing ran");
	res_free(&r);
}

/* Bytes a line or a file name brought reach stderr escaped (vis.h). */
static int
raw_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\033' || (unsigned char)*s == 0x9b)
			return 1;
	return 0;
}

static void
t_vis(const char *what, const char *line, int status, const char *err)
{
	struct res r;

	run(line, &r);
	is_int(r.status, status, "%s: status", what);
	ok(r.err != NULL && strstr(r.err, err) != NULL, "%s: the message "
	    "shows the name escaped", what);
	ok(r.err != NULL && !raw_ctl(r.err), "%s: no ESC or 0x9b reaches "
	    "stderr", what);
	if (r.err != NULL && (strstr(r.err, err) == NULL || raw_ctl(r.err))) {
		char *v = vis_str(r.err);

		tap_diag("  stderr: %s", v);
		free(v);
	}
	res_free(&r);
}

static void
test_visible(void)
{
	touch("-zz\033[2J\233\302\233");
	touch("zzF\033[2J\233");
	t_vis("a denial of a glob's word with ESC and C1", "cat -zz*", 126,
	    "-zz\\x1b[2J\\x9b\\xc2\\x9b");
	t_vis("cd to a file named with ESC", "cd zzF*", 1,
	    "cagesh: cd: zzF\\x1b[2J\\x9b: Not a directory");
	t_vis("a redirection from a name with C1", "cat < zzN\233\302\233", 1,
	    "cagesh: zzN\\x9b\\xc2\\x9b: No such file or directory");
	t_vis("cd to a missing name with UTF-8 C1", "cd zzN\302\233", 1,
	    "cagesh: cd: zzN\\xc2\\x9b: No such file or directory");
	t("cd 'no\\dir'", 1, "", "cagesh: cd: no\\\\dir: No such file");
	unlink("-zz\033[2J\233\302\233");
	unlink("zzF\033[2J\233");
}

static void
test_children(void)
{
	struct res r;
	double t0;

	t0 = now();
	run("sleep 0.3 & echo fg", &r);
	is_str(r.out, "fg\n", "a background job does not hold the line");
	is_int(r.status, 0, "a background job: status 0");
	ok(now() - t0 >= 0.28, "exec_run waits for background jobs");
	ok(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	    "no child is left behind");
	res_free(&r);

	t("(sleep 0.1; echo bg) & echo fg", 0, "fg\nbg\n", NULL);
	t("echo a | (sleep 0.1; cat) & true", 0, "a\n", NULL);
	ok(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	    "no zombie after pipelines in the background");

	t("ls /proc/self/fd", 0, "0\n1\n2\n3\n", NULL);
	t("ls /proc/self/fd | cat", 0, "0\n1\n2\n3\n", NULL);
	t("ls /proc/self/fd 5</dev/null", 0, "0\n1\n2\n3\n5\n", NULL);
	t("echo $(ls /proc/self/fd)", 0, "0 1 2 3\n", NULL);
	t("(ls /proc/self/fd)", 0, "0\n1\n2\n3\n", NULL);
}

/* SIGTERM to the shell goes to the children; the line ends with 143. */
static void
test_signal(const char *line)
{
	struct parse_limits lim;
	struct parse_error pe;
	struct exec_ctx ctx;
	struct list *l;
	double t0;
	pid_t pid;
	int st = 0, fd;

	parse_limits_default(&lim);
	fflush(stdout);
	t0 = now();
	if ((pid = fork()) == 0) {
		exec_signals_install();
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDOUT_FILENO);
		close(fd);
		l = parse_line(line, strlen(line), &lim, &pe);
		memset(&ctx, 0, sizeof(ctx));
		ctx.profile = prof;
		ctx.limits = &lim;
		ctx.vars = fresh_vars();
		_exit(l == NULL ? 99 : exec_run(&ctx, l));
	}
	usleep(300000);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 143,
	    "SIGTERM during `%s`: status 143", line);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 143)
		tap_diag("  wait status %#x", st);
	ok(now() - t0 < 3.0, "SIGTERM during `%s`: ends quickly", line);
}

/*
 * A command that cannot be started (no fork) or whose status is lost (no
 * waitpid) ends with CAGESH_EXIT_FAILED: not 126, which says "denied by
 * policy", nor 127, "not found".  Run in a child, with stdio on
 * /dev/null: it gives up processes or its children's statuses.  how: 'f'
 * no process may be forked (RLIMIT_NPROC 0; root ignores the limit, so
 * the child becomes nobody first), 'w' children are reaped by the
 * kernel (SIGCHLD ignored), so waitpid finds none.
 */
static void
t_cannot(int how, const char *line)
{
	struct parse_limits lim;
	struct parse_error pe;
	struct exec_ctx ctx;
	struct rlimit rl = { 0, 0 };
	struct list *l;
	pid_t pid;
	int st = 0, fd;

	parse_limits_default(&lim);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
		if (how == 'f' && ((getuid() == 0 && (chdir("/") == -1 ||
		    setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)) || setrlimit(RLIMIT_NPROC, &rl) == -1))
			_exit(90);
		if (how == 'w')
			signal(SIGCHLD, SIG_IGN);
		if ((l = parse_line(line, strlen(line), &lim, &pe)) == NULL)
			_exit(91);
		memset(&ctx, 0, sizeof(ctx));
		ctx.profile = prof;
		ctx.limits = &lim;
		ctx.vars = fresh_vars();
		st = exec_run(&ctx, l);
		_exit(ctx.denied ? 92 : st);
	}
	waitpid(pid, &st, 0);
	is_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, CAGESH_EXIT_FAILED,
	    "%s: `%s` fails with %d, neither denied nor not found",
	    how == 'f' ? "no fork" : "no waitpid", line, CAGESH_EXIT_FAILED);
}

static void
test_cannot_run(void)
{
	t_cannot('f', "sleep 0");
	t_cannot('f', "(sleep 0)");
	t_cannot('f', "sleep 0 | sleep 0");
	t_cannot('f', "sleep 0 &");
	t_cannot('w', "sleep 0");
	t_cannot('w', "(sleep 0)");
}

/*
 * program_home is HOME for the programs a line runs; the shell's own ~
 * and cd stay the entry's (HOME of the shell's variables), and so does
 * a program whose rule says entry_home.
 */
static void
test_program_home(const struct conf *conf)
{
	const struct profile *saved = prof;
	char *want;

	if ((prof = conf_find_profile(conf, "home")) == NULL) {
		ok(0, "profile home in run.conf");
		prof = saved;
		return;
	}
	xasprintf(&want, "%s\n", work);
	t("printenv HOME", 0, "/nonexistent/program-home\n", NULL);
	t("printenv HOME | cat", 0, "/nonexistent/program-home\n", NULL);
	t("(printenv HOME)", 0, "/nonexistent/program-home\n", NULL);
	t("echo $(printenv HOME)", 0, "/nonexistent/program-home\n", NULL);
	t("echo ~", 0, want, NULL);
	t("echo $HOME", 0, want, NULL);
	t("cd /; cd ~; pwd", 0, want, NULL);
	t("/usr/bin/printenv HOME", 0, want, NULL);
	free(want);
	prof = saved;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/*
 * "No such file" for a file that is there: the session says it is the
 * script's interpreter that the cage lacks.
 */
static void
test_no_interp(void)
{
	static const char script[] = "#!/nonexistent/interp -w\necho hi\n";
	const char *p = "/tmp/cagesh-exec-noint";
	int fd;

	(void)unlink(p);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0755)) == -1 || write(fd, script, sizeof(script) - 1) !=
	    (ssize_t)(sizeof(script) - 1)) {
		ok(0, "%s: %s", p, strerror(errno));
		if (fd != -1)
			close(fd);
		return;
	}
	close(fd);
	t("noint", 127, "", "noint: its interpreter /nonexistent/interp is "
	    "not in the cage");
	(void)unlink(p);
}

/* which: the profile's path, as the session finds programs; no program. */
static void
test_which(void)
{
	t("which cat", 0, "/usr/bin/cat\n", NULL);
	t("which -a cat", 0, "/usr/bin/cat\n/bin/cat\n", NULL);
	t("which cat nosuchprog", 1, "/usr/bin/cat\n", NULL);
	t("which /usr/bin/cat", 0, "/usr/bin/cat\n", NULL);
	t("env which tr", 0, "/usr/bin/tr\n", NULL);
}

int
main(void)
{
	struct conf_errors errs;
	struct conf *conf;
	const char *top;
	char *path;

	/* as the session does: the fds children may see are ours alone */
	closefrom(3);
	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	xasprintf(&path, "%s/tests/exec/run.conf", top);
	memset(&errs, 0, sizeof(errs));
	if ((conf = conf_load_file(path, &errs)) == NULL) {
		printf("Bail out! %s: %s\n", path,
		    errs.n > 0 ? errs.msg[0] : "?");
		return 1;
	}
	free(path);
	prof = conf_find_profile(conf, "run");
	if (mkdtemp(work) == NULL || mkdtemp(capdir) == NULL ||
	    chdir(work) == -1) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(outpath, sizeof(outpath), "%s/out", capdir);
	snprintf(errpath, sizeof(errpath), "%s/err", capdir);
	snprintf(hookpath, sizeof(hookpath), "%s/hook", capdir);
	signal(SIGPIPE, SIG_IGN);

	test_expansion();
	test_status();
	test_pipelines();
	test_subshells();
	test_redirections();
	test_cmdsub();
	test_builtins();
	test_env();
	test_program_home(conf);
	test_denial();
	test_visible();
	test_children();
	test_cannot_run();
	test_no_interp();
	test_which();
	test_signal("sleep 5");
	test_signal("sleep 5 | sleep 6");
	test_signal("(sleep 5; echo no)");
	test_signal("echo $(sleep 5)");

	if (chdir("/") == -1 || nftw(work, rm_one, 16, FTW_DEPTH | FTW_PHYS) ||
	    nftw(capdir, rm_one, 16, FTW_DEPTH | FTW_PHYS))
		tap_diag("could not remove %s or %s", work, capdir);
	conf_free(conf);
	return tap_done();
}
