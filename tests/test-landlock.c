/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * landlock_confine() on this kernel, in forked children with
 * no_new_privs, on a temporary tree (the host's root stands for the
 * cage's: /usr, /bin, /lib, /lib64 are the exec directories).  Needs no
 * root; skipped when the kernel has no Landlock.
 *
 *   T/home/            the home, writable ("~")
 *   T/home/true        a copy of true the user "wrote": must not run
 *   T/home/bundle/true exec_writable "~/bundle": runs
 *   T/ro/              neither listed: readable only
 *   T/ro/true, T/ro/file
 *   T/mine/            not root's: refused as an exec directory, as is
 *                      /tmp (root's, 1777)
 *   T/home/link -> /   a symlink not root's: refused on the way
 *
 * Outside each confined child: TCP listeners on 127.0.0.1 (one port
 * listed, one not), an abstract unix socket listener, and a sleeping
 * "victim" process (a sibling of the confined child).  Older kernels
 * are played with landlock_confine_abi().
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "landlock.h"
#include "tap.h"

static int report = -1;
static int kabi;
static char top[] = "/tmp/test-landlock.XXXXXX";
static char home[512], ro[512];
static unsigned short port_ok, port_no;
static pid_t victim;
static char abstract[64];

static void
say(int good, const char *what)
{
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "%d %s\n", good, what);
	(void)write(report, line, (size_t)n);
}

static void __attribute__((format(printf, 2, 3)))
sayf(int good, const char *fmt, ...)
{
	char line[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	say(good, line);
}

/* dir/name, or dir/a/b: in one of a few buffers that take turns */
static char *
at3(const char *dir, const char *a, const char *b)
{
	static char buf[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s%s%s", dir, a,
	    b != NULL ? "/" : "", b != NULL ? b : "");
	return buf[i];
}

static char *
at(const char *dir, const char *name)
{
	return at3(dir, name, NULL);
}

/* ---------------------------------------------------------------- */
/* What a confined child tries */

/* exit status of path run with no arguments: its errno when exec fails */
static int
run_prog(const char *path)
{
	static char arg0[] = "prog";
	char *argv[] = { arg0, NULL }, *envp[] = { NULL };
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		execve(path, argv, envp);
		_exit(errno);
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd == -1)
		return errno;
	if (write(fd, "x", 1) != 1) {
		close(fd);
		return EIO;
	}
	close(fd);
	return 0;
}

enum { IN_CONNECT, IN_BIND, IN_SEND };

/* 0, or the errno of op (connect, bind, or sending a byte) on 127.0.0.1 */
static int
inet_try(int type, int op, unsigned short port)
{
	struct sockaddr_in sin;
	struct sockaddr *sa = (struct sockaddr *)&sin;
	int s, r, e = 0;

	if ((s = socket(AF_INET, type | SOCK_CLOEXEC, 0)) == -1)
		return errno;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (op == IN_CONNECT)
		r = connect(s, sa, sizeof(sin));
	else if (op == IN_BIND)
		r = bind(s, sa, sizeof(sin));
	else
		r = sendto(s, "x", 1, 0, sa, sizeof(sin)) == 1 ? 0 : -1;
	if (r == -1)
		e = errno;
	close(s);
	return e;
}

#define tcp_connect(port)	inet_try(SOCK_STREAM, IN_CONNECT, (port))
#define tcp_bind(port)		inet_try(SOCK_STREAM, IN_BIND, (port))
#define udp_send(port)		inet_try(SOCK_DGRAM, IN_SEND, (port))

static int
unix_abstract(void)
{
	struct sockaddr_un sun;
	socklen_t n;
	int s, e = 0;

	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return errno;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, abstract, strlen(abstract));
	n = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(abstract));
	if (connect(s, (struct sockaddr *)&sun, n) == -1)
		e = errno;
	close(s);
	return e;
}

static int
nfds(void)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

#define ERR(call)	((call) == -1 ? errno : 0)

static const char *
en(int e)
{
	return e == 0 ? "works" : strerror(e);
}

static void
check_confined_fs(const char *tag)
{
	int e;

	e = run_prog(at(ro, "true"));
	sayf(e == EACCES, "%s: a program in a place not listed does not run "
	    "(%s)", tag, en(e));
	e = run_prog(at(home, "true"));
	sayf(e == EACCES, "%s: a program in the writable home does not run "
	    "(%s)", tag, en(e));
	e = run_prog("/bin/true");
	sayf(e == 0, "%s: /bin/true runs (beneath /usr, through root's "
	    "/bin -> usr/bin) (%s)", tag, en(e));
	e = create(at(ro, "new"));
	sayf(e == EACCES, "%s: no file is made outside the writable places "
	    "(%s)", tag, en(e));
	e = create(at(home, "new"));
	sayf(e == 0, "%s: a file is made in the home (%s)", tag, en(e));
	(void)unlink(at(home, "new"));
}

/* Each case runs in a child of its own: what it allocates dies with it. */
static char *
sdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		_exit(1);
	return p;
}

/* A confine the tests below vary. */
static char *v_exec[4], *v_write[2], *v_xw[2];
static unsigned short v_connect[1];

static void
base(struct confine *c, enum confine_landlock mode)
{
	memset(c, 0, sizeof(*c));
	v_exec[0] = sdup("/usr");
	v_exec[1] = sdup("/bin");
	v_exec[2] = sdup("/lib");
	v_exec[3] = sdup("/lib64");
	v_write[0] = sdup("~");
	v_connect[0] = port_ok;
	c->landlock = mode;
	c->exec = v_exec;
	c->nexec = 4;
	c->write = v_write;
	c->nwrite = 1;
	c->exec_writable = v_xw;
	c->signal = CONFINE_SIGNAL_SESSION;
}

static void
child_full(void)
{
	struct confine c;
	char why[512], buf[4];
	pid_t kid;
	int r, e, fd, before;

	base(&c, CONFINE_REQUIRE);
	v_xw[0] = sdup("~/bundle");
	c.nexec_writable = 1;
	c.tcp = 1;
	c.connect = v_connect;
	c.nconnect = 1;

	before = nfds();
	r = landlock_confine(&c, home, why, sizeof(why));
	sayf(r == 0, "confined with every right of ABI %d (returned %d%s%s)",
	    kabi, r, r != 0 ? ": " : "", r != 0 ? why : "");
	if (r == -1)
		return;
	sayf(nfds() == before, "no descriptor is left open (%d, was %d)",
	    nfds(), before);

	check_confined_fs("full");
	e = run_prog(at3(home, "bundle", "true"));
	sayf(e == 0, "exec_writable ~/bundle: its program runs (%s)", en(e));
	e = create(at(home, "m"));
	if (e == 0)
		e = ERR(rename(at(home, "m"), at3(home, "bundle", "m")));
	sayf(e == EXDEV, "a file moved into exec_writable from the home: "
	    "EXDEV, it would gain the right to run (%s)", en(e));
	(void)unlink(at(home, "m"));
	e = create(at3(home, "bundle", "n"));
	if (e == 0)
		e = ERR(rename(at3(home, "bundle", "n"), at(home, "n")));
	sayf(e == 0, "a file moved out of it works (%s)", en(e));
	(void)unlink(at(home, "n"));
	e = ERR(open(at(ro, "file"), O_WRONLY));
	sayf(e == EACCES, "an existing file outside is not opened for writing "
	    "(%s)", en(e));
	e = ERR(truncate(at(ro, "file"), 0));
	sayf(e == EACCES, "nor truncated (%s)", en(e));
	e = ERR(unlink(at(ro, "file")));
	sayf(e == EACCES, "nor removed (%s)", en(e));
	e = ERR(mkdir(at(ro, "d"), 0755));
	sayf(e == EACCES, "no directory is made outside (%s)", en(e));
	e = ERR(symlink("/etc/passwd", at(ro, "l")));
	sayf(e == EACCES, "no symlink is made outside (%s)", en(e));
	fd = open(at(ro, "file"), O_RDONLY);
	sayf(fd != -1 && read(fd, buf, 1) == 1, "files outside are read "
	    "(%s)", en(fd == -1 ? errno : 0));
	if (fd != -1)
		close(fd);
	e = ERR(mkdir(at(home, "d"), 0755));
	if (e == 0)
		e = ERR(symlink("d", at(home, "l")));
	if (e == 0)
		e = create(at(home, "f"));
	if (e == 0)
		e = ERR(rename(at(home, "f"), at3(home, "d", "f")));
	if (e == 0)
		e = ERR(truncate(at3(home, "d", "f"), 0));
	if (e == 0)
		e = ERR(unlink(at3(home, "d", "f")));
	if (e == 0)
		e = ERR(unlink(at(home, "l")));
	if (e == 0)
		e = ERR(rmdir(at(home, "d")));
	sayf(e == 0, "in the home: mkdir, symlink, create, rename across "
	    "directories, truncate, unlink, rmdir (%s)", en(e));
	fd = open("/dev/null", O_WRONLY | O_TRUNC);
	sayf(fd != -1 && write(fd, "x", 1) == 1, "> /dev/null works (%s)",
	    en(fd == -1 ? errno : 0));
	if (fd != -1)
		close(fd);
	e = tcp_connect(port_ok);
	sayf(e == 0, "TCP connect to the listed port %u (%s)", port_ok, en(e));
	e = tcp_connect(port_no);
	sayf(e == EACCES, "TCP connect to port %u, not listed (%s)", port_no,
	    en(e));
	e = tcp_bind(0);
	sayf(e == EACCES, "no TCP port may be bound (bind port 0: %s)", en(e));
	e = udp_send(port_no);
	sayf(e == 0, "UDP is not restricted (%s)", en(e));
	e = ERR(kill(victim, 0));
	sayf(e == EPERM, "no signal reaches a process outside the session "
	    "(kill %d: %s)", (int)victim, en(e));
	e = ERR(kill(getppid(), 0));
	sayf(e == EPERM, "nor the parent (%s)", en(e));
	if ((kid = fork()) == 0) {
		pause();
		_exit(0);
	}
	e = ERR(kill(kid, SIGTERM));
	sayf(e == 0, "a process the session started is signalled (%s)",
	    en(e));
	(void)waitpid(kid, NULL, 0);
	e = unix_abstract();
	sayf(e == EPERM, "no abstract unix socket outside the session is "
	    "reached (%s)", en(e));
}

static void
unconfined(const char *tag)
{
	int e = run_prog(at(ro, "true"));

	sayf(e == 0, "%s: nothing was confined (%s)", tag, en(e));
}

static void
expect_refused(struct confine *c, int abi, const char *want,
    const char *tag)
{
	char why[512];
	int r;

	r = abi < 0 ? landlock_confine(c, home, why, sizeof(why)) :
	    landlock_confine_abi(c, home, abi, why, sizeof(why));
	sayf(r == -1 && strstr(why, want) != NULL, "%s: refused (%d: %s)",
	    tag, r, r == -1 ? why : "not refused");
	unconfined(tag);
}

static void
child_tmp(void)
{
	struct confine c;

	base(&c, CONFINE_REQUIRE);
	v_exec[3] = sdup("/tmp");
	expect_refused(&c, -1, "writable by group or others",
	    "exec directory /tmp, root's but of mode 1777");
}

static void
child_mine(void)
{
	struct confine c;

	base(&c, CONFINE_REQUIRE);
	v_exec[3] = sdup(at(top, "mine"));
	expect_refused(&c, -1, "not root", "exec directory not root's");
}

static void
child_symlink(void)
{
	struct confine c;

	base(&c, CONFINE_WARN);
	v_xw[0] = sdup("~/link/tmp");
	c.nexec_writable = 1;
	expect_refused(&c, -1, "symlink on the way is not root's",
	    "exec_writable through the user's symlink ~/link -> /");
}

static void
child_nohome(void)
{
	struct confine c;
	char why[512];
	int r;

	base(&c, CONFINE_REQUIRE);
	r = landlock_confine(&c, NULL, why, sizeof(why));
	sayf(r == -1 && strstr(why, "no home") != NULL, "'~' without a home: "
	    "refused (%s)", r == -1 ? why : "not refused");
}

static void
child_missing(void)
{
	struct confine c;
	char why[512];
	int r;

	base(&c, CONFINE_REQUIRE);
	v_write[1] = sdup("/nonexistent/cagesh-test");
	c.nwrite = 2;
	r = landlock_confine(&c, home, why, sizeof(why));
	sayf(r == 0, "a place that does not exist gets no rule, and no "
	    "refusal (%d%s%s)", r, r != 0 ? ": " : "", r != 0 ? why : "");
	if (r != -1)
		check_confined_fs("with a missing place");
}

/* no_new_privs is the caller's: without it, nothing happens. */
static void
child_nonnp(void)
{
	struct confine c;

	base(&c, CONFINE_REQUIRE);
	expect_refused(&c, -1, "no_new_privs", "without no_new_privs");
}

static void
child_abi0_require(void)
{
	struct confine c;

	base(&c, CONFINE_REQUIRE);
	expect_refused(&c, 0, "offers none", "no Landlock, \"require\"");
}

static void
child_abi0_warn(void)
{
	struct confine c;
	char why[512];
	int r;

	base(&c, CONFINE_WARN);
	r = landlock_confine_abi(&c, home, 0, why, sizeof(why));
	sayf(r == 1 && strstr(why, "runs without it") != NULL,
	    "no Landlock, \"warn\": runs, with a warning (%d: %s)", r,
	    r == 1 ? why : "no warning");
	unconfined("no Landlock, \"warn\"");
}

static void
child_abi1(void)
{
	struct confine c;
	char why[512];
	int r;

	base(&c, CONFINE_REQUIRE);
	r = landlock_confine_abi(&c, home, 1, why, sizeof(why));
	sayf(r == -1 && strstr(why, "ABI 2") != NULL, "ABI 1, \"require\": "
	    "refused (%d: %s)", r, why);
	c.landlock = CONFINE_WARN;
	r = landlock_confine_abi(&c, home, 1, why, sizeof(why));
	sayf(r == 1, "ABI 1, \"warn\": runs without Landlock (%d: %s)", r,
	    why);
	unconfined("ABI 1, \"warn\"");
}

static void
child_abi3_ports_require(void)
{
	struct confine c;

	base(&c, CONFINE_REQUIRE);
	c.tcp = 1;
	c.connect = v_connect;
	c.nconnect = 1;
	expect_refused(&c, 3, "no TCP rules", "ports listed, ABI 3, "
	    "\"require\"");
}

static void
child_abi3_ports_warn(void)
{
	struct confine c;
	char why[512];
	int r, e;

	base(&c, CONFINE_WARN);
	c.tcp = 1;
	c.connect = v_connect;
	c.nconnect = 1;
	r = landlock_confine_abi(&c, home, 3, why, sizeof(why));
	sayf(r == 1 && strstr(why, "no TCP rules") != NULL, "ports listed, "
	    "ABI 3, \"warn\": runs without TCP rules (%d: %s)", r, why);
	if (r == -1)
		return;
	check_confined_fs("ABI 3");
	e = tcp_connect(port_no);
	sayf(e == 0, "ABI 3: TCP is not restricted (%s)", en(e));
}

/* What ABI 2 cannot control is named, and the rest still holds. */
static void
child_abi2(void)
{
	struct confine c;
	char why[512];
	int r, e;

	base(&c, CONFINE_REQUIRE);
	r = landlock_confine_abi(&c, home, 2, why, sizeof(why));
	sayf(r == 1 && strstr(why, "truncation (ABI 3)") != NULL &&
	    strstr(why, "device ioctls (ABI 5)") != NULL &&
	    strstr(why, "signals and abstract sockets") != NULL,
	    "ABI 2, \"require\": runs; the log line names what is not "
	    "controlled (%d: %s)", r, why);
	if (r == -1)
		return;
	check_confined_fs("ABI 2");
	e = ERR(kill(victim, 0));
	sayf(e == 0, "ABI 2: signals are not scoped (%s)", en(e));
}

/* signal = "user": the restart task's kill reaches a server outside. */
static void
child_signal_user(void)
{
	struct confine c;
	char why[512];
	int r, e;

	base(&c, CONFINE_REQUIRE);
	c.signal = CONFINE_SIGNAL_USER;
	r = landlock_confine(&c, home, why, sizeof(why));
	sayf(r == 0, "signal = \"user\": confined (%d%s%s)", r,
	    r != 0 ? ": " : "", r != 0 ? why : "");
	if (r == -1)
		return;
	e = ERR(kill(victim, 0));
	sayf(e == 0, "signal = \"user\": a process outside is signalled (%s)",
	    en(e));
	e = unix_abstract();
	sayf(e == EPERM, "signal = \"user\": abstract sockets stay scoped "
	    "(%s)", en(e));
}

/* ---------------------------------------------------------------- */

static void
run_case(void (*fn)(void), int nnp)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
			say(0, "no_new_privs");
			_exit(1);
		}
		fn();
		_exit(0);
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		say(0, "a case's child ended badly");
}

static int
copy(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out, rc = 0;

	if ((in = open(from, O_RDONLY)) == -1)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755)) == -1) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = -1;
	if (n == -1)
		rc = -1;
	close(in);
	close(out);
	return rc;
}

static int
tcp_listener(unsigned short *port)
{
	struct sockaddr_in sin;
	socklen_t n = sizeof(sin);
	int s;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 16) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &n) == -1)
		return -1;
	*port = ntohs(sin.sin_port);
	return s;
}

static int
unix_listener(void)
{
	struct sockaddr_un sun;
	int s;

	snprintf(abstract, sizeof(abstract), "cagesh-test-landlock-%d",
	    (int)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, abstract, strlen(abstract));
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sun, (socklen_t)(offsetof(struct
	    sockaddr_un, sun_path) + 1 + strlen(abstract))) == -1 ||
	    listen(s, 16) == -1)
		return -1;
	return s;
}

static int
setup(void)
{
	char bundle[1024];

	snprintf(home, sizeof(home), "%s/home", top);
	snprintf(ro, sizeof(ro), "%s/ro", top);
	snprintf(bundle, sizeof(bundle), "%s/bundle", home);
	if (chmod(top, 0755) == -1 || mkdir(home, 0755) == -1 ||
	    mkdir(bundle, 0755) == -1 || mkdir(ro, 0755) == -1 ||
	    mkdir(at(top, "mine"), 0755) == -1 ||
	    symlink("/", at(home, "link")) == -1 ||
	    copy("/bin/true", at(home, "true")) == -1 ||
	    copy("/bin/true", at(bundle, "true")) == -1 ||
	    copy("/bin/true", at(ro, "true")) == -1 ||
	    create(at(ro, "file")) != 0)
		return -1;
	/* As root, what must not be root's is given to nobody. */
	if (getuid() == 0 && (chown(at(top, "mine"), 65534, 65534) == -1 ||
	    lchown(at(home, "link"), 65534, 65534) == -1))
		return -1;
	return 0;
}

static void
cleanup(void)
{
	static const char *const files[] = {
		"home/true", "home/bundle/true", "home/link", "ro/true",
		"ro/file", "home/bundle", "home", "ro", "mine",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (unlink(at(top, files[i])) == -1)
			(void)rmdir(at(top, files[i]));
	(void)rmdir(top);
}

int
main(void)
{
	char buf[32768], *line, *nl;
	size_t len = 0;
	ssize_t n;
	int fd[2], l1, l2, lu;

	if ((kabi = landlock_abi()) == 0) {
		printf("1..0 # SKIP the kernel has no Landlock\n");
		return 0;
	}
	if (mkdtemp(top) == NULL || setup() == -1) {
		printf("Bail out! setup: %s\n", strerror(errno));
		cleanup();
		return 1;
	}
	tap_diag("Landlock ABI %d", kabi);
	if ((l1 = tcp_listener(&port_ok)) == -1 ||
	    (l2 = tcp_listener(&port_no)) == -1 ||
	    (lu = unix_listener()) == -1 || pipe(fd) == -1) {
		printf("Bail out! listeners: %s\n", strerror(errno));
		cleanup();
		return 1;
	}
	fflush(stdout);
	if ((victim = fork()) == 0) {
		close(fd[0]);
		close(fd[1]);
		pause();
		_exit(0);
	}
	report = fd[1];

	if (kabi >= 6)
		run_case(child_full, 1);
	else
		tap_diag("ABI %d < 6: the full case needs scoping, skipped",
		    kabi);
	run_case(child_tmp, 1);
	run_case(child_mine, 1);
	run_case(child_symlink, 1);
	run_case(child_nohome, 1);
	run_case(child_missing, 1);
	run_case(child_nonnp, 0);
	run_case(child_abi0_require, 1);
	run_case(child_abi0_warn, 1);
	run_case(child_abi1, 1);
	if (kabi >= 3) {
		run_case(child_abi3_ports_require, 1);
		run_case(child_abi3_ports_warn, 1);
	}
	run_case(child_abi2, 1);
	if (kabi >= 6)
		run_case(child_signal_user, 1);

	close(fd[1]);
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		ok(line[0] == '1', "%s", line + 2);
	}
	kill(victim, SIGTERM);
	(void)waitpid(victim, NULL, 0);
	close(l1);
	close(l2);
	close(lu);
	cleanup();
	return tap_done();
}
