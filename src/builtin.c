/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The builtins, unprivileged (the caged shell): their table, their
 * judges (pure) and what they run.  `test` follows POSIX: 0 to 4
 * arguments are decided by their count, more by a small
 * recursive-descent parser (! ( ) -a -o).  Bad syntax is status 2 with
 * a message, never a silent false.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "errmsg.h"
#include "exec.h"
#include "expand.h"
#include "help.h"
#include "parse.h"
#include "policy.h"
#include "status.h"
#include "vars.h"
#include "vis.h"
#include "xmalloc.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Output to fd 1; a closed or broken stdout makes the builtin fail. */
static int
out(const char *name, struct sbuf *b)
{
	if (sbuf_write(b, STDOUT_FILENO) == -1) {
		/* a reader that left early (head) is no error to report */
		if (errno != EPIPE)
			err_warnx("%s: write error: %s", name, strerror(errno));
		return 1;
	}
	return 0;
}

static int
b_true(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	(void)ctx;
	(void)argv;
	(void)argc;
	return 0;
}

static int
b_false(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	(void)ctx;
	(void)argv;
	(void)argc;
	return 1;
}

/* echo as bash's default: -n only, no backslash escapes. */
static int
b_echo(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	struct sbuf b;
	size_t i = 1;
	int nl = 1, rc;

	(void)ctx;
	while (i < argc && strcmp(argv[i], "-n") == 0) {
		nl = 0;
		i++;
	}
	sbuf_init(&b);
	for (; i < argc; i++) {
		sbuf_adds(&b, argv[i]);
		if (i + 1 < argc)
			sbuf_addc(&b, ' ');
	}
	if (nl)
		sbuf_addc(&b, '\n');
	rc = out(argv[0], &b);
	sbuf_free(&b);
	return rc;
}

/*
 * $PWD when it names the directory we are in, written plainly (sh's
 * logical pwd: the path cd was given, symlinks and all), else NULL.
 */
static const char *
logical_pwd(struct exec_ctx *ctx)
{
	const char *pwd, *c;
	struct stat a, b;
	size_t len;

	if ((pwd = vars_get(ctx->vars, "PWD")) == NULL || pwd[0] != '/')
		return NULL;
	for (c = pwd + 1; *c != '\0'; c += len + (c[len] == '/')) {
		len = strcspn(c, "/");
		if (len == 0 || (len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return NULL;
	}
	if (stat(pwd, &a) == -1 || stat(".", &b) == -1 ||
	    a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return NULL;
	return pwd;
}

static int
b_pwd(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	const char *pwd;
	struct sbuf b;
	char *cwd = NULL;
	int rc;

	(void)argc;
	if ((pwd = logical_pwd(ctx)) == NULL) {
		if ((cwd = getcwd(NULL, 0)) == NULL) {
			err_warnx("%s: %s", argv[0], strerror(errno));
			return 1;
		}
		pwd = cwd;
	}
	sbuf_init(&b);
	sbuf_adds(&b, pwd);
	sbuf_addc(&b, '\n');
	rc = out(argv[0], &b);
	sbuf_free(&b);
	free(cwd);
	return rc;
}

/*
 * sh's cd -L: dir is taken relative to $PWD and "." and ".." are
 * removed as text, so that `cd /var/www/app/current; pwd` prints that
 * path, not the release the link points at.  NULL when there is no
 * $PWD to start from.
 */
static char *
logical_dir(struct exec_ctx *ctx, const char *dir)
{
	const char *base, *c;
	char *in, *o;
	size_t len, cut = 0;

	if (dir[0] == '/')
		base = "";
	else if ((base = logical_pwd(ctx)) == NULL)
		return NULL;
	xasprintf(&in, "%s/%s", base, dir);
	o = xmalloc(strlen(in) + 2);
	for (c = in; *c != '\0'; c += len) {
		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (cut > 0 && o[--cut] != '/')
				;
			continue;
		}
		o[cut++] = '/';
		memcpy(o + cut, c, len);
		cut += len;
	}
	if (cut == 0)
		o[cut++] = '/';
	o[cut] = '\0';
	free(in);
	return o;
}

static int
b_cd(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	const char *dir, *lp;
	char *old, *cwd, *logical;
	struct sbuf b;
	int print = 0, rc = 0;

	if (argc > 2) {
		err_warnx("cd: too many arguments");
		return 1;
	}
	if (argc == 1) {
		if ((dir = vars_get(ctx->vars, "HOME")) == NULL) {
			err_warnx("cd: HOME not set");
			return 1;
		}
	} else if (strcmp(argv[1], "-") == 0) {
		if ((dir = vars_get(ctx->vars, "OLDPWD")) == NULL) {
			err_warnx("cd: OLDPWD not set");
			return 1;
		}
		print = 1;
	} else if (argv[1][0] == '-') {
		err_warnx("cd: options are not supported");
		return CAGESH_EXIT_USAGE;
	} else
		dir = argv[1];
	if (dir[0] == '\0') {
		err_warnx("cd: empty directory name");
		return 1;
	}
	if ((lp = logical_pwd(ctx)) != NULL)
		old = xstrdup(lp);
	else
		old = getcwd(NULL, 0);
	/* the logical path first; as given when that is not a directory */
	logical = logical_dir(ctx, dir);
	if (logical == NULL || chdir(logical) == -1) {
		free(logical);
		logical = NULL;
		if (chdir(dir) == -1) {
			err_warnx("cd: %s: %s", dir, strerror(errno));
			free(old);
			return 1;
		}
	}
	if (old != NULL)
		vars_set(ctx->vars, "OLDPWD", old, 0);
	free(old);
	cwd = logical != NULL ? logical : getcwd(NULL, 0);
	if (cwd != NULL) {
		vars_set(ctx->vars, "PWD", cwd, 0);
		if (print) {
			sbuf_init(&b);
			sbuf_adds(&b, cwd);
			sbuf_addc(&b, '\n');
			rc = out("cd", &b);
			sbuf_free(&b);
		}
		free(cwd);
	}
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* export alone: export NAME='value', single quotes escaped as '\'' */
static int
export_list(struct exec_ctx *ctx)
{
	struct sbuf b;
	char **envp, *eq;
	size_t i, n;
	int rc;

	envp = vars_envp(ctx->vars, NULL, 0);
	for (n = 0; envp[n] != NULL; n++)
		;
	qsort(envp, n, sizeof(*envp), cmp_str);
	sbuf_init(&b);
	for (i = 0; i < n; i++) {
		eq = strchr(envp[i], '=');
		sbuf_adds(&b, "export ");
		sbuf_addn(&b, envp[i], (size_t)(eq - envp[i]));
		sbuf_adds(&b, "='");
		for (eq++; *eq != '\0'; eq++)
			if (*eq == '\'')
				sbuf_adds(&b, "'\\''");
			else
				sbuf_addc(&b, *eq);
		sbuf_adds(&b, "'\n");
	}
	rc = out("export", &b);
	sbuf_free(&b);
	vars_envp_free(envp);
	return rc;
}

/*
 * export NAME=value sets NAME only when the profile lets a line set
 * it; a fixed or ignored name is exported with the value it has.
 */
static int
b_export(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	const char *why, *eq;
	char *name;
	size_t i, len;
	int rc = 0;

	if (argc == 1)
		return export_list(ctx);
	for (i = 1; i < argc; i++) {
		eq = strchr(argv[i], '=');
		len = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (!parse_is_name(argv[i], len)) {
			err_warnx("export: '%.*s' is not a valid variable name",
			    (int)len, argv[i]);
			rc = 1;
			continue;
		}
		name = xstrndup(argv[i], len);
		if (eq == NULL)
			vars_export(ctx->vars, name);
		else switch (policy_env(ctx->profile, name, &why)) {
		case ENV_SET:
			vars_set(ctx->vars, name, eq + 1, 1);
			break;
		case ENV_IGNORE:
		case ENV_FIXED:
			vars_export(ctx->vars, name);
			break;
		case ENV_DENY:
			err_warnx("export: %s %s", name, why);
			rc = 1;
			break;
		}
		free(name);
	}
	return rc;
}

static int
b_umask(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	struct sbuf b;
	mode_t m;
	size_t i;
	int rc;

	(void)ctx;
	if (argc == 1) {
		m = umask(0);
		umask(m);
		sbuf_init(&b);
		sbuf_addf(&b, "%04o\n", (unsigned)m);
		rc = out("umask", &b);
		sbuf_free(&b);
		return rc;
	}
	m = 0;
	for (i = 0; argv[1][i] != '\0'; i++) {
		if (argv[1][i] < '0' || argv[1][i] > '7' || i >= 4) {
			err_warnx("umask: '%s' is not an octal mode", argv[1]);
			return 1;
		}
		m = (mode_t)(m * 8 + (mode_t)(argv[1][i] - '0'));
	}
	if (i == 0) {
		err_warnx("umask: '' is not an octal mode");
		return 1;
	}
	umask(m & 0777);
	return 0;
}

static int
b_exit(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	long n;
	char *end;

	ctx->stop = 1;
	/* in a subshell or a pipeline, exit ends only that process */
	if (getpid() == exec_shell_pid(ctx))
		ctx->exited = 1;
	if (argc == 1)
		return ctx->status;
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (argv[1][0] == '\0' || *end != '\0' || errno != 0 || n < 0) {
		err_warnx("exit: '%s' is not a number", argv[1]);
		return CAGESH_EXIT_USAGE;
	}
	return (int)(n & 0xff);
}

static int
b_help(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	struct sbuf b;
	int rc;

	sbuf_init(&b);
	if (argc == 1)
		help_list(ctx->profile, &b);
	else if (help_command(ctx->profile, argv + 1, argc - 1, &b) == -1) {
		err_warnx("help: %s", b.s);
		sbuf_free(&b);
		return 1;
	}
	rc = out("help", &b);
	sbuf_free(&b);
	return rc;
}

static int
b_history(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	struct sbuf b;
	int rc;

	if (ctx->hooks.history == NULL) {
		err_warnx("history: only an interactive session has a history");
		return 1;
	}
	sbuf_init(&b);
	ctx->hooks.history(ctx->hooks.arg, argc > 1 ? atol(argv[1]) : -1,
	    &b);
	rc = out("history", &b);
	sbuf_free(&b);
	return rc;
}

/* test and [ */

struct tst {
	char *const	*a;
	size_t		 n;
	size_t		 i;
	int		 err;
};

static void
tst_error(struct tst *t, const char *what, const char *arg)
{
	if (!t->err)
		err_warnx("test: %s: %s", arg, what);
	t->err = 1;
}

static const char *const unops[] = {
	"-e", "-f", "-d", "-L", "-h", "-r", "-w", "-x", "-s", "-n", "-z",
	"-b", "-c", "-p", "-S", "-u", "-g", "-k", "-t",
};

static const char *const binops[] = {
	"=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot",
	"-ef",
};

static int
in(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
is_unop(const char *s)
{
	return in(unops, NELEM(unops), s);
}

static int
is_binop(const char *s)
{
	return in(binops, NELEM(binops), s);
}

static long long
tst_int(struct tst *t, const char *s)
{
	long long v;
	char *end;
	const char *p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	v = strtoll(p, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*p == '\0' || *end != '\0' || errno != 0) {
		tst_error(t, "integer expression expected", s);
		return 0;
	}
	return v;
}

static int
tst_unary(struct tst *t, const char *op, const char *arg)
{
	struct stat st;
	long long fd;

	switch (op[1]) {
	case 'n':
		return arg[0] != '\0';
	case 'z':
		return arg[0] == '\0';
	case 't':
		fd = tst_int(t, arg);
		return fd >= 0 && fd <= INT_MAX && isatty((int)fd);
	case 'r':
		return faccessat(AT_FDCWD, arg, R_OK, AT_EACCESS) == 0;
	case 'w':
		return faccessat(AT_FDCWD, arg, W_OK, AT_EACCESS) == 0;
	case 'x':
		return faccessat(AT_FDCWD, arg, X_OK, AT_EACCESS) == 0;
	case 'L':
	case 'h':
		return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
	}
	if (stat(arg, &st) == -1)
		return 0;
	switch (op[1]) {
	case 'e':
		return 1;
	case 'f':
		return S_ISREG(st.st_mode);
	case 'd':
		return S_ISDIR(st.st_mode);
	case 's':
		return st.st_size > 0;
	case 'b':
		return S_ISBLK(st.st_mode);
	case 'c':
		return S_ISCHR(st.st_mode);
	case 'p':
		return S_ISFIFO(st.st_mode);
	case 'S':
		return S_ISSOCK(st.st_mode);
	case 'u':
		return (st.st_mode & S_ISUID) != 0;
	case 'g':
		return (st.st_mode & S_ISGID) != 0;
	case 'k':
		return (st.st_mode & S_ISVTX) != 0;
	}
	return 0;
}

static int
newer(const struct stat *a, const struct stat *b)
{
	if (a->st_mtim.tv_sec != b->st_mtim.tv_sec)
		return a->st_mtim.tv_sec > b->st_mtim.tv_sec;
	return a->st_mtim.tv_nsec > b->st_mtim.tv_nsec;
}

static int
tst_binary(struct tst *t, const char *l, const char *op, const char *r)
{
	struct stat a, b;
	int ha, hb;
	long long x, y;

	if (strcmp(op, "=") == 0)
		return strcmp(l, r) == 0;
	if (strcmp(op, "!=") == 0)
		return strcmp(l, r) != 0;
	if (op[1] == 'n' && op[2] == 't') {
		ha = stat(l, &a) == 0;
		hb = stat(r, &b) == 0;
		return ha && (!hb || newer(&a, &b));
	}
	if (op[1] == 'o' && op[2] == 't') {
		ha = stat(l, &a) == 0;
		hb = stat(r, &b) == 0;
		return hb && (!ha || newer(&b, &a));
	}
	if (op[1] == 'e' && op[2] == 'f')
		return stat(l, &a) == 0 && stat(r, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	x = tst_int(t, l);
	y = tst_int(t, r);
	if (strcmp(op, "-eq") == 0)
		return x == y;
	if (strcmp(op, "-ne") == 0)
		return x != y;
	if (strcmp(op, "-lt") == 0)
		return x < y;
	if (strcmp(op, "-le") == 0)
		return x <= y;
	if (strcmp(op, "-gt") == 0)
		return x > y;
	return x >= y;
}

static int	tst_or(struct tst *);

static const char *
tst_next(struct tst *t)
{
	if (t->i >= t->n) {
		tst_error(t, "argument expected", t->n > 0 ?
		    t->a[t->n - 1] : "");
		return "";
	}
	return t->a[t->i++];
}

static int
tst_primary(struct tst *t)
{
	const char *s, *op;
	int v;

	s = tst_next(t);
	if (t->err)
		return 0;
	if (strcmp(s, "(") == 0) {
		v = tst_or(t);
		if (t->i >= t->n || strcmp(t->a[t->i], ")") != 0) {
			tst_error(t, "')' expected", t->i < t->n ?
			    t->a[t->i] : "end of arguments");
			return 0;
		}
		t->i++;
		return v;
	}
	if (t->i + 1 < t->n && is_binop(t->a[t->i])) {
		op = t->a[t->i++];
		return tst_binary(t, s, op, t->a[t->i++]);
	}
	if (is_unop(s) && t->i < t->n)
		return tst_unary(t, s, t->a[t->i++]);
	return s[0] != '\0';
}

static int
tst_not(struct tst *t)
{
	if (t->i < t->n && strcmp(t->a[t->i], "!") == 0) {
		t->i++;
		return !tst_not(t);
	}
	return tst_primary(t);
}

static int
tst_and(struct tst *t)
{
	int v, w;

	v = tst_not(t);
	while (!t->err && t->i < t->n && strcmp(t->a[t->i], "-a") == 0) {
		t->i++;
		w = tst_not(t);
		v = v && w;
	}
	return v;
}

static int
tst_or(struct tst *t)
{
	int v, w;

	v = tst_and(t);
	while (!t->err && t->i < t->n && strcmp(t->a[t->i], "-o") == 0) {
		t->i++;
		w = tst_and(t);
		v = v || w;
	}
	return v;
}

/* POSIX: the number of arguments decides first; -1 means "use the parser". */
static int
tst_count(struct tst *t, char *const *a, size_t n)
{
	int v;

	switch (n) {
	case 0:
		return 0;
	case 1:
		return a[0][0] != '\0';
	case 2:
		if (strcmp(a[0], "!") == 0)
			return a[1][0] == '\0';
		if (is_unop(a[0]))
			return tst_unary(t, a[0], a[1]);
		tst_error(t, "unary operator expected", a[0]);
		return 0;
	case 3:
		if (is_binop(a[1]))
			return tst_binary(t, a[0], a[1], a[2]);
		if (strcmp(a[1], "-a") == 0)
			return a[0][0] != '\0' && a[2][0] != '\0';
		if (strcmp(a[1], "-o") == 0)
			return a[0][0] != '\0' || a[2][0] != '\0';
		if (strcmp(a[0], "!") == 0) {
			v = tst_count(t, a + 1, 2);
			return v < 0 ? v : !v;
		}
		if (strcmp(a[0], "(") == 0 && strcmp(a[2], ")") == 0)
			return a[1][0] != '\0';
		tst_error(t, "binary operator expected", a[1]);
		return 0;
	case 4:
		if (strcmp(a[0], "!") == 0) {
			v = tst_count(t, a + 1, 3);
			return v < 0 ? v : !v;
		}
		if (strcmp(a[0], "(") == 0 && strcmp(a[3], ")") == 0)
			return tst_count(t, a + 1, 2);
		return -1;
	default:
		return -1;
	}
}

static int
b_test(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	struct tst t;
	int v;

	(void)ctx;
	memset(&t, 0, sizeof(t));
	t.a = argv + 1;
	t.n = argc - 1;
	if (strcmp(argv[0], "[") == 0) {
		if (t.n == 0 || strcmp(argv[argc - 1], "]") != 0) {
			err_warnx("[: missing ]");
			return CAGESH_EXIT_USAGE;
		}
		t.n--;
	}
	if ((v = tst_count(&t, t.a, t.n)) < 0) {
		v = tst_or(&t);
		if (!t.err && t.i < t.n)
			tst_error(&t, "unexpected argument", t.a[t.i]);
	}
	if (t.err)
		return CAGESH_EXIT_USAGE;
	return v ? 0 : 1;
}

/* The judges: pure, before anything runs (policy.h). */

static int
j_cd(struct pstate *j, const char *name, const struct pword *w, size_t n)
{
	size_t i;

	(void)name;
	for (i = 0; i < n; i++) {
		if (w[i].dynamic)
			policy_defer(j);
		else if (w[i].text[0] == '-' && strcmp(w[i].text, "-") != 0)
			return policy_deny(j, "cd: options are not supported");
	}
	if (n > 1)
		return policy_deny(j, "cd: at most one operand is allowed");
	return 0;
}

static int
j_help(struct pstate *j, const char *name, const struct pword *w, size_t n)
{
	size_t i;

	(void)name;
	for (i = 0; i < n; i++)
		if (!w[i].dynamic && w[i].text[0] == '-')
			return policy_deny(j, "help: options are not "
			    "supported");
	if (n > 8)
		return policy_deny(j, "help: at most 8 operands are allowed");
	return 0;
}

/* At most one operand: digits '0' to top, at most max of them (0: any). */
static int
j_number(struct pstate *j, const char *name, const struct pword *w, size_t n,
    char top, size_t max, const char *what)
{
	const char *t;
	size_t k;

	if (n > 1)
		return policy_deny(j, "%s: at most one operand is allowed",
		    name);
	if (n == 0)
		return 0;
	if (w[0].dynamic) {
		policy_defer(j);
		return 0;
	}
	t = w[0].text;
	for (k = 0; t[k] >= '0' && t[k] <= top; k++)
		;
	if (k == 0 || t[k] != '\0' || (max > 0 && k > max))
		return policy_deny(j, "%s: '%s' is not %s", name, t, what);
	return 0;
}

static int
j_umask(struct pstate *j, const char *name, const struct pword *w, size_t n)
{
	return j_number(j, name, w, n, '7', 4, "an octal mode");
}

static int
j_exit(struct pstate *j, const char *name, const struct pword *w, size_t n)
{
	return j_number(j, name, w, n, '9', 0, "a number");
}

static int
j_history(struct pstate *j, const char *name, const struct pword *w,
    size_t n)
{
	return j_number(j, name, w, n, '9', 6, "a number");
}

static int
j_export(struct pstate *j, const char *name, const struct pword *w, size_t n)
{
	const char *t;
	char *var;
	size_t i, k;
	int rc;

	(void)name;
	for (i = 0; i < n; i++) {
		t = w[i].text;
		if (t[0] == '-')
			return policy_deny(j, "export: options are not "
			    "supported");
		if (w[i].dynamic) {
			if ((var = policy_dynamic_name(t)) == NULL)
				return policy_deny(j, "export: the variable "
				    "name must be a literal word");
		} else {
			k = strcspn(t, "=");
			if (!parse_is_name(t, k))
				return policy_deny(j, "export: '%.*s' is not a "
				    "valid variable name", (int)k, t);
			var = xstrndup(t, k);
		}
		rc = policy_assign(j, var);
		free(var);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * which: where a command is, as the session would find it (the
 * profile's path), without a program: Debian's which is a sh script,
 * which would need a real /bin/sh in the cage.
 */
static int
j_which(struct pstate *j, const char *name, const struct pword *w, size_t n)
{
	size_t i, ops = 0;

	for (i = 0; i < n; i++) {
		if (w[i].dynamic)
			continue;	/* judged again once expanded */
		if (ops == 0 && strcmp(w[i].text, "-a") == 0)
			continue;
		if (w[i].text[0] == '-' || w[i].text[0] == '\0')
			return policy_deny(j, "%s: only -a and command names",
			    name);
		ops++;
	}
	return 0;
}

static int
runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

static int
b_which(struct exec_ctx *ctx, char *const *argv, size_t argc)
{
	struct sbuf b;
	char *p;
	size_t i = 1, k;
	int all = 0, missing = 0, found;

	if (argc > 1 && strcmp(argv[1], "-a") == 0) {
		all = 1;
		i = 2;
	}
	sbuf_init(&b);
	for (; i < argc; i++) {
		found = 0;
		if (strchr(argv[i], '/') != NULL) {
			if ((found = runnable(argv[i])) != 0) {
				vis_adds(&b, argv[i]);
				sbuf_addc(&b, '\n');
			}
		} else
			for (k = 0; k < ctx->profile->npath &&
			    (all || !found); k++) {
				xasprintf(&p, "%s/%s", ctx->profile->path[k],
				    argv[i]);
				if (runnable(p)) {
					found = 1;
					vis_adds(&b, p);
					sbuf_addc(&b, '\n');
				}
				free(p);
			}
		missing |= !found;
	}
	if (out(argv[0], &b) != 0)
		missing = 1;
	sbuf_free(&b);
	return missing;
}

static const struct builtin table[] = {
	{ "cd", j_cd, b_cd, "cd [DIR]: change the directory (~ is your "
	    "home; cd - goes back)", 0 },
	{ "pwd", NULL, b_pwd, "pwd: print the directory you are in", 1 },
	{ "which", j_which, b_which, "which [-a] NAME...: where a command "
	    "is, in the profile's path", 1 },
	{ "export", j_export, b_export, "export NAME[=VALUE]...: set "
	    "variables for the commands that follow (only the names listed "
	    "below)", 0 },
	{ "umask", j_umask, b_umask, "umask [MODE]: show or set the file "
	    "creation mask (octal)", 0 },
	{ "test", NULL, b_test, "test EXPR: evaluate a condition (-f FILE, "
	    "-d DIR, A = B, ...)", 1 },
	{ "[", NULL, b_test, "[ EXPR ]: the same as test", 1 },
	{ "echo", NULL, b_echo, "echo [-n] WORD...: print the words", 1 },
	{ "true", NULL, b_true, "true: do nothing, successfully", 1 },
	{ "false", NULL, b_false, "false: do nothing, unsuccessfully", 1 },
	{ "exit", j_exit, b_exit, "exit [N]: end the session with status N",
	    0 },
	{ "help", j_help, b_help, "help [COMMAND [SUBCOMMAND]]: what you may "
	    "run, and the arguments a command takes", 0 },
	{ "history", j_history, b_history, "history [N]: the last N lines "
	    "you typed (all of them without N)", 0 },
};

const struct builtin *
builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < NELEM(table); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const struct builtin *
builtin_at(size_t i)
{
	return i < NELEM(table) ? &table[i] : NULL;
}

int
builtin_run(struct exec_ctx *ctx, const struct builtin *b, char *const *argv,
    size_t argc)
{
	return b->run(ctx, argv, argc);
}
