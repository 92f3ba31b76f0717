/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The interactive shell, unprivileged: prompt, history, completion.
 * Everything here runs caged: the history file is the user's own file
 * in the cage home, read and written with the user's rights, and
 * checked on the open fd (a regular file owned by the user; never a
 * FIFO, a device or a symlink).  Completion reads words with the
 * policy's own option grammar (optspec.h).
 *
 * Input is read through readline's callback interface in a pselect()
 * loop, so that the idle timeout, ^C at the prompt and SIGHUP/SIGTERM
 * are handled here and not inside readline.  readline's init files
 * (~/.inputrc, /etc/inputrc) are not read: key bindings are readline's
 * defaults, the same for every user, and no file can rebind them.
 *
 * Each line goes to the session's run(), exactly as a -c line does: the
 * same parser, policy, executor and audit record.  A denied line prints
 * its reason there and the session goes on.
 *
 * The terminal obeys control bytes, and names in the cage are the
 * user's to choose: whatever a name, a line or the config brings to the
 * prompt, a completion or a message is made visible first (vis.h).
 */
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "builtin.h"
#include "conf.h"
#include "errmsg.h"
#include "exec.h"
#include "interactive.h"
#include "jsonw.h"
#include "model.h"
#include "optspec.h"
#include "parse.h"
#include "policy.h"
#include "vis.h"
#include "xmalloc.h"

#define HISTFILE_MAX	(1024 * 1024)	/* bytes read from a history file */

static const struct interactive *sh;
static char		*histpath;	/* NULL: history in memory only */
static int		 histbad;	/* the file failed once: memory only */

static char		*got_line;
static int		 got_done;
static volatile sig_atomic_t winch;

static int
has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

/* The prompt */

static void
add_cwd(struct sbuf *b, int base)
{
	char cwd[PATH_MAX];
	const char *p;
	size_t hl = strlen(sh->home);

	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		sbuf_addc(b, '?');
		return;
	}
	if (strncmp(cwd, sh->home, hl) == 0 && (cwd[hl] == '\0' ||
	    cwd[hl] == '/') && strcmp(sh->home, "/") != 0) {
		if (base && cwd[hl] == '\0') {
			sbuf_addc(b, '~');
			return;
		}
		if (!base) {
			sbuf_addc(b, '~');
			vis_adds(b, cwd + hl);
			return;
		}
	}
	if (base && (p = strrchr(cwd, '/')) != NULL && p[1] != '\0')
		vis_adds(b, p + 1);
	else
		vis_adds(b, cwd);
}

static char *
make_prompt(void)
{
	struct sbuf b;
	const char *p;
	char host[256];

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	sbuf_init(&b);
	for (p = sh->conf->prompt; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			sbuf_addc(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'u':
			vis_adds(&b, sh->user);
			break;
		case 'H':
			vis_adds(&b, host);
			break;
		case 'h':
			host[strcspn(host, ".")] = '\0';
			vis_adds(&b, host);
			break;
		case 'w':
			add_cwd(&b, 0);
			break;
		case 'W':
			add_cwd(&b, 1);
			break;
		case '$':
			sbuf_addc(&b, getuid() == 0 ? '#' : '$');
			break;
		default:
			sbuf_addc(&b, *p);
			break;
		}
	}
	return sbuf_take(&b);
}

/* History */

static int
histfile_ok(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_uid != getuid()) {
		errno = EPERM;
		return -1;
	}
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) == -1)
		return -1;
	return 0;
}

static void
hist_failed(const char *what)
{
	if (!histbad)
		err_warnx("history file %s: %s: %s; history is kept in memory "
		    "only", histpath, what, strerror(errno));
	histbad = 1;
}

/*
 * Rewrites the file with what is in memory (the last history_size lines)
 * through a new file renamed over it: a crash leaves the old or the new
 * file, never half of one.  Done at login, when the file holds more
 * lines than history_size: during a session it only grows.
 */
static void
hist_rewrite(void)
{
	HIST_ENTRY **list;
	struct sbuf b;
	char *tmp;
	int bad, fd, i;

	xasprintf(&tmp, "%s.XXXXXX", histpath);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		hist_failed("cannot trim it");
		free(tmp);
		return;
	}
	(void)fchmod(fd, 0600);
	sbuf_init(&b);
	if ((list = history_list()) != NULL)
		for (i = 0; list[i] != NULL; i++) {
			sbuf_adds(&b, list[i]->line);
			sbuf_addc(&b, '\n');
		}
	bad = sbuf_write(&b, fd) == -1;
	if (close(fd) == -1)
		bad = 1;
	if (bad || rename(tmp, histpath) == -1) {
		hist_failed("cannot trim it");
		(void)unlink(tmp);
	}
	sbuf_free(&b);
	free(tmp);
}

static void
hist_load(void)
{
	struct stat st;
	char *buf, *p, *nl;
	off_t from = 0;
	size_t len;
	int fd, err, lines = 0;

	fd = open(histpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno != ENOENT)
			hist_failed("cannot read it");
		return;
	}
	if (histfile_ok(fd) == -1 || fstat(fd, &st) == -1) {
		hist_failed("not a regular file of yours");
		close(fd);
		return;
	}
	if (st.st_size > HISTFILE_MAX)
		from = st.st_size - HISTFILE_MAX;
	buf = xmalloc(HISTFILE_MAX + 1);
	/* what came before a failed read is still history */
	len = pread_full(fd, buf, HISTFILE_MAX, from, &err);
	close(fd);
	buf[len] = '\0';
	p = buf;
	if (from > 0 && (p = strchr(buf, '\n')) != NULL)
		p++;		/* the first line was cut */
	for (; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		lines++;
		if (*p != '\0' && !has_ctl(p))
			add_history(p);
	}
	free(buf);
	if (from > 0 || lines > history_length)
		hist_rewrite();
}

/* The user's own file; a line with a newline or a control byte stays in memory. */
static void
hist_append(const char *line)
{
	struct stat st;
	struct sbuf b;
	int fd;

	if (histpath == NULL || histbad || strchr(line, '\n') != NULL ||
	    has_ctl(line))
		return;
	fd = open(histpath, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd == -1 || histfile_ok(fd) == -1 || fstat(fd, &st) == -1) {
		hist_failed("cannot write it");
		if (fd != -1)
			close(fd);
		return;
	}
	sbuf_init(&b);
	sbuf_adds(&b, line);
	sbuf_addc(&b, '\n');
	if (sbuf_write(&b, fd) == -1) {
		/* a full disk: no half line is left behind */
		hist_failed("cannot write it");
		(void)ftruncate(fd, st.st_size);
	}
	close(fd);
	sbuf_free(&b);
}

static void
hist_add(const char *line)
{
	if (sh->conf->history_size == 0)
		return;
	add_history(line);
	hist_append(line);
}

void
interactive_history(void *arg, long n, struct sbuf *out)
{
	HIST_ENTRY **list;
	int i = 0;

	(void)arg;
	if ((list = history_list()) == NULL)
		return;
	if (n >= 0 && n < history_length)
		i = history_length - (int)n;
	for (; i < history_length && list[i] != NULL; i++) {
		sbuf_addf(out, "%5d  ", history_base + i);
		vis_adds(out, list[i]->line);
		sbuf_addc(out, '\n');
	}
}

/* Completion */

static char	**cands;	/* what the word being completed may become */
static size_t	  ncands;

static void
cands_reset(void)
{
	size_t i;

	for (i = 0; i < ncands; i++)
		free(cands[i]);
	free(cands);
	cands = NULL;
	ncands = 0;
}

static void
cand_add(const char *s)
{
	cands = xreallocarray(cands, ncands + 1, sizeof(*cands));
	cands[ncands++] = xstrdup(s);
}

static char *
cand_next(const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);

	if (state == 0)
		i = 0;
	while (i < ncands)
		if (strncmp(cands[i++], text, len) == 0)
			return xstrdup(cands[i - 1]);
	return NULL;
}

static int
is_assign(const char *w)
{
	size_t n = parse_name_len(w, strlen(w));

	return n > 0 && w[n] == '=';
}

enum slot { SLOT_COMMAND, SLOT_SUB, SLOT_OPTION, SLOT_FILE };

/*
 * What the word at start is: a command name, a subcommand, an option of
 * the rule reached, or anything else (a file).  A rough reading of the
 * words before it, good enough to offer candidates: the policy judges
 * the line that is finally run, not this.
 */
static enum slot
slot_of(const char *buf, int start, const struct rule **rp)
{
	static const char *const resets[] = { "if", "then", "elif", "else",
	    "!" };
	const struct rule *r = NULL, *sub;
	char **w = NULL, q = 0;
	size_t nw = 0, i, k;
	int a, skip = 0, operand = 0;
	struct sbuf cur;

	sbuf_init(&cur);
	for (a = 0; a <= start; a++) {
		char c = a < start ? buf[a] : ' ';

		if (q != 0) {
			if (c == q)
				q = 0;
			else
				sbuf_addc(&cur, c);
			continue;
		}
		if (c == '\'' || c == '"') {
			q = c;
			continue;
		}
		if (c == ' ' || c == '\t' || strchr(";&|()\n", c) != NULL) {
			if (cur.len > 0) {
				w = xreallocarray(w, nw + 1, sizeof(*w));
				w[nw++] = sbuf_take(&cur);
			}
			if (c != ' ' && c != '\t') {
				for (i = 0; i < nw; i++)
					free(w[i]);
				nw = 0;
			}
			continue;
		}
		sbuf_addc(&cur, c);
	}
	sbuf_free(&cur);
	/* keywords, assignments and env come before the command name */
	for (i = 0; i < nw; i++) {
		for (k = 0; k < sizeof(resets) / sizeof(resets[0]); k++)
			if (strcmp(w[i], resets[k]) == 0)
				break;
		if (k == sizeof(resets) / sizeof(resets[0]) &&
		    !is_assign(w[i]) && !policy_is_env(w[i]))
			break;
	}
	if (i < nw && (r = model_rule(sh->profile, w[i])) != NULL) {
		for (i++; i < nw; i++) {
			if (skip) {
				skip = 0;
				continue;
			}
			if (w[i][0] == '-') {
				skip = optspec_takes_next(r->opts, r->nopts,
				    w[i]);
				continue;
			}
			if (!operand && (sub = model_sub(r, w[i])) != NULL)
				r = sub;
			else
				operand = 1;
		}
	}
	a = i >= nw && r == NULL;
	for (i = 0; i < nw; i++)
		free(w[i]);
	free(w);
	*rp = r;
	if (a)
		return SLOT_COMMAND;
	if (r == NULL)
		return SLOT_FILE;
	if (buf[start] == '-')
		return SLOT_OPTION;
	if (r->nsubs > 0 && !operand)
		return SLOT_SUB;
	return SLOT_FILE;
}

/* s[0..len) shows as itself (vis.h) */
static int
plain(const char *s, size_t len)
{
	struct sbuf b;
	int same;

	sbuf_init(&b);
	vis_addn(&b, s, len);
	same = b.len == len && memcmp(b.s, s, len) == 0;
	sbuf_free(&b);
	return same;
}

/* How much of s shows as itself (a backslash too: readline quotes it) */
static size_t
plain_len(const char *s)
{
	size_t i, len, n = strlen(s);

	for (i = 0; i < n; i += len)
		if ((len = jsonw_utf8_len((const unsigned char *)s + i,
		    n - i)) == 0 || (s[i] != '\\' && !plain(s + i, len)))
			break;
	return i;
}

/*
 * Every match goes to the line or the terminal through here.  The
 * matches listed (m[1]...) are made visible.  What Tab inserts (m[0])
 * ends before the first byte after the typed text that would not show
 * as itself: a name with control bytes is listed, never put on the
 * line, so the line holds what the user sees.  A single such match
 * becomes a list of one, and Tab inserts only its plain start.
 */
static char **
visible_matches(char **m, const char *text)
{
	size_t i, n, base, cut;
	char *v;

	if (m == NULL)
		return NULL;
	for (n = 0; m[n] != NULL; n++)
		;
	base = strncmp(m[0], text, strlen(text)) == 0 ? strlen(text) : 0;
	cut = base + plain_len(m[0] + base);
	if (n == 1 && m[0][cut] != '\0') {
		m = xreallocarray(m, 3, sizeof(*m));
		m[1] = m[0];
		m[0] = xstrndup(m[1], cut);
		m[2] = NULL;
		n = 2;
	}
	m[0][cut] = '\0';
	for (i = 1; i < n; i++)
		if (m[i][plain_len(m[i])] != '\0') {
			v = vis_str(m[i]);
			free(m[i]);
			m[i] = v;
		}
	return m;
}

static char **
files(const char *text)
{
	return visible_matches(rl_completion_matches(text,
	    rl_filename_completion_function), text);
}

static char **
complete(const char *text, int start, int end)
{
	const struct builtin *b;
	const struct rule *r;
	struct sbuf s;
	char **m;
	size_t i;

	(void)end;
	/* never readline's own file names, which nothing here would filter */
	rl_attempted_completion_over = 1;
	cands_reset();
	switch (slot_of(rl_line_buffer, start, &r)) {
	case SLOT_COMMAND:
		if (strchr(text, '/') != NULL)
			return files(text);	/* a path */
		for (i = 0; (b = builtin_at(i)) != NULL; i++)
			if (strcmp(b->name, "[") != 0)
				cand_add(b->name);
		for (i = 0; i < sh->profile->ncmds; i++)
			cand_add(sh->profile->cmds[i].name);
		break;
	case SLOT_SUB:
		for (i = 0; i < r->nsubs; i++)
			cand_add(r->subs[i].name);
		break;
	case SLOT_OPTION:
		for (i = 0; i < r->nopts; i++) {
			sbuf_init(&s);
			optspec_text(&s, &r->opts[i], OF_TYPED);
			cand_add(s.s);
			sbuf_free(&s);
		}
		break;
	case SLOT_FILE:
		return files(text);
	}
	m = rl_completion_matches(text, cand_next);
	if (m != NULL && m[1] == NULL && m[0][strlen(m[0]) - 1] == '=')
		rl_completion_suppress_append = 1;
	return visible_matches(m, text);
}

/* Reading a line */

static void
on_line(char *line)
{
	rl_callback_handler_remove();
	got_line = line;
	got_done = 1;
}

static void
on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static long
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

/* ^C at the prompt: the line typed so far is dropped, a new prompt. */
static void
drop_input(void)
{
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_cleanup_after_signal();
	rl_callback_handler_remove();
	rl_echo_signal_char(SIGINT);
	fputc('\n', rl_outstream);
	fflush(rl_outstream);
}

static const int read_sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGWINCH };

/*
 * Whether one of read_sigs is pending.  A pselect() that finds input
 * leaves a signal that came meanwhile blocked, and so does every later
 * one while typed-ahead input lasts: ^C and typing right after it would
 * put the typing on the line ^C was to drop, and lose the ^C.
 */
static int
sig_waiting(void)
{
	sigset_t set;
	size_t i;

	if (sigpending(&set) == -1)
		return 0;
	for (i = 0; i < sizeof(read_sigs) / sizeof(read_sigs[0]); i++)
		if (sigismember(&set, read_sigs[i]) == 1)
			return 1;
	return 0;
}

/* A line (malloc'd), or NULL with *end set. */
static char *
read_line(enum interactive_end *end)
{
	struct timespec ts;
	sigset_t set, old;
	fd_set rfds;
	char *prompt;
	long idle = sh->conf->idle_timeout, last = now_s();
	size_t i;
	int n, sig;

	sigemptyset(&set);
	for (i = 0; i < sizeof(read_sigs) / sizeof(read_sigs[0]); i++)
		sigaddset(&set, read_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	got_line = NULL;
	got_done = 0;
again:
	rl_reset_screen_size();
	prompt = make_prompt();
	rl_callback_handler_install(prompt, on_line);
	free(prompt);
	while (!got_done) {
		/* ^C drops the line; ^\ does nothing, as in bash */
		if ((sig = exec_signal_take()) == SIGINT) {
			drop_input();
			last = now_s();
			goto again;
		} else if (sig != 0 && sig != SIGQUIT) {
			rl_callback_handler_remove();
			*end = IE_SIGNAL;
			break;
		}
		if (winch) {
			winch = 0;
			rl_resize_terminal();
		}
		if (idle > 0 && now_s() - last >= idle) {
			rl_callback_handler_remove();
			/* off the prompt's line */
			(void)write_all(STDERR_FILENO, "\n", 1);
			err_warnx("no input for %ld seconds: session ended",
			    idle);
			*end = IE_IDLE;
			break;
		}
		FD_ZERO(&rfds);
		FD_SET(STDIN_FILENO, &rfds);
		ts.tv_sec = idle > 0 ? idle - (now_s() - last) : 3600;
		ts.tv_nsec = 0;
		n = pselect(STDIN_FILENO + 1, &rfds, NULL, NULL, &ts, &old);
		if (n == -1 && errno != EINTR) {
			rl_callback_handler_remove();
			*end = IE_EOF;
			break;
		}
		if (n > 0 && sig_waiting()) {
			/* handled now, acted on above before any more input */
			sigprocmask(SIG_SETMASK, &old, NULL);
			sigprocmask(SIG_BLOCK, &set, NULL);
		} else if (n > 0) {
			rl_callback_read_char();
			last = now_s();
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (got_done && got_line == NULL) {
		fputc('\n', rl_outstream);
		*end = IE_EOF;
	}
	return got_done ? got_line : NULL;
}

/*
 * dir (absolute, no symlinks: realpath's) and every directory above it
 * are root's, and only root may write them: nobody else can change what
 * is found there.
 */
static int
root_only(const char *dir)
{
	struct stat st;
	char path[PATH_MAX], *slash;

	if (dir[0] != '/' || strlen(dir) >= sizeof(path))
		return 0;
	memcpy(path, dir, strlen(dir) + 1);
	for (;;) {
		if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != 0 || (st.st_mode & 022) != 0)
			return 0;
		if (strcmp(path, "/") == 0)
			return 1;
		slash = strrchr(path, '/');
		slash[slash == path ? 1 : 0] = '\0';
	}
}

/*
 * ncurses takes $TERM's description from the first of $TERMINFO,
 * $HOME/.terminfo, $TERMINFO_DIRS and its built-in list that has one.
 * The home is the user's, and TERM is the client's choice: a planted
 * entry would be parsed in this process, which holds the audit socket,
 * and its strings written to the terminal on every redisplay.  So
 * TERMINFO is a root-owned directory of the cage, TERMINFO_DIRS goes,
 * and HOME is / while readline reads the description: ncurses keeps the
 * home it saw then (/.terminfo, root's) for good.
 */
static int
terminfo_env(void)
{
	static const char *const dirs[] = {
		"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo",
	};
	char path[PATH_MAX];
	size_t i;

	if (unsetenv("TERMINFO") == -1 || unsetenv("TERMINFO_DIRS") == -1 ||
	    unsetenv("TERMCAP") == -1 || unsetenv("TERMPATH") == -1 ||
	    setenv("HOME", "/", 1) == -1)
		return -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (realpath(dirs[i], path) != NULL && root_only(path))
			return setenv("TERMINFO", path, 1);
	return 0;
}

/*
 * The shell's own environment, for readline (the commands get theirs
 * from vars).  Without INPUTRC readline would read ~/.inputrc: a
 * failure ends the session.  HOME is the user's again once the terminal
 * is set up: readline's file name completion expands ~ with it.
 */
static int
setup(void)
{
	struct sigaction sa;

	if ((sh->term != NULL && setenv("TERM", sh->term, 1) == -1) ||
	    setenv("INPUTRC", "/dev/null", 1) == -1 || terminfo_env() == -1) {
		err_warnx("setenv: %s", strerror(errno));
		return -1;
	}
	rl_readline_name = "cagesh";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_attempted_completion_function = complete;
	rl_completer_quote_characters = "'\"";
	rl_filename_quote_characters = " \t\n\"\\'`@$><=;|&{(";
	rl_initialize();
	if (setenv("HOME", sh->home, 1) == -1) {
		err_warnx("setenv: %s", strerror(errno));
		return -1;
	}
	/* bytes above 127 (UTF-8) are text, not meta keys */
	rl_variable_bind("input-meta", "on");
	rl_variable_bind("output-meta", "on");
	rl_variable_bind("convert-meta", "off");
	using_history();
	if (sh->conf->history_size > 0)
		stifle_history((int)sh->conf->history_size);
	if (sh->conf->history_size > 0 && sh->conf->history_file != NULL) {
		xasprintf(&histpath, "%s%s%s", sh->home,
		    sh->home[strlen(sh->home) - 1] == '/' ? "" : "/",
		    sh->conf->history_file);
		hist_load();
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	return 0;
}

int
interactive_run(const struct interactive *in, enum interactive_end *end)
{
	struct termios tio;
	char *line;
	int exited = 0, saved, sig, st = 0;

	sh = in;
	*end = IE_EOF;
	if (setup() == -1)
		return 1;
	if (exec_terminal(STDIN_FILENO) == -1)
		err_warnx("no control of the terminal: ^C ends the line, not "
		    "only the program");
	err_report("caged in %s.  'help' lists what you may run.", sh->home);
	fflush(stdout);
	while ((line = read_line(end)) != NULL) {
		if (line[strspn(line, " \t")] == '\0') {
			free(line);
			continue;
		}
		hist_add(line);
		saved = tcgetattr(STDIN_FILENO, &tio) == 0;
		st = sh->run(sh->arg, line, &exited);
		/* a program that left the terminal raw does not break the prompt */
		if (saved)
			(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &tio);
		free(line);
		if (exited) {
			*end = IE_EXIT;
			break;
		}
		/* SIGHUP or SIGTERM while the line ran ends the session */
		if ((sig = exec_signal_take()) != 0 && sig != SIGINT &&
		    sig != SIGQUIT) {
			*end = IE_SIGNAL;
			break;
		}
	}
	cands_reset();
	return st;
}
