/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit file (auditfile.c): the refusals of auditfile_open (what
 * someone other than root could swap, edit or truncate), the file it
 * creates or repairs (root:root 0600), records appended whole or not at
 * all (ftruncate rollback at a file size limit, on a full file system),
 * each on a fresh line, under the lock, and 8 writers at once.  Runs
 * without root; the checks that need root are skipped one by one.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auditfile.h"
#include "xmalloc.h"
#include "tap.h"

#define NWRITER	8
#define NREC	300
#define NOBODY	65534
#define NROOT_OPEN	35	/* the checks of test_open_root */

static char tmpdir[] = "/tmp/test-auditfile.XXXXXX";

#define SKIP_ROOT(what) ok(1, "# SKIP %s: needs root", what)

static void
path_of(char *p, size_t n, const char *name)
{
	snprintf(p, n, "%s/%s", tmpdir, name);
}

/* A file with mode and content, made by hand. */
static int
mkfile(const char *path, mode_t mode, const char *content)
{
	int fd;

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (content != NULL && write(fd, content, strlen(content)) !=
	    (ssize_t)strlen(content)) {
		close(fd);
		return -1;
	}
	close(fd);
	return chmod(path, mode);
}

/* The whole file, NUL-ended ("" when it cannot be read). */
static char *
slurp(const char *path, size_t *lenp)
{
	struct sbuf b;
	char chunk[65536];
	ssize_t n;
	int fd;

	sbuf_init(&b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		while ((n = read(fd, chunk, sizeof(chunk))) > 0)
			sbuf_addn(&b, chunk, (size_t)n);
		close(fd);
	}
	if (lenp != NULL)
		*lenp = b.len;
	return sbuf_take(&b);
}

static int
file_is(const char *path, const char *want)
{
	char *s = slurp(path, NULL);
	int same = strcmp(s, want) == 0;

	if (!same)
		tap_diag("  %s holds \"%s\", want \"%s\"", path, s, want);
	free(s);
	return same;
}

/*
 * auditfile_open of path fails with errno want (0: any), in a child
 * with an alarm (a FIFO must not hang the login).  1 if so.
 */
static int
refused(const char *path, int want)
{
	pid_t pid;
	int st, fd;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		alarm(5);
		errno = 0;
		if ((fd = auditfile_open(path)) != -1)
			_exit(1);
		_exit(want == 0 || errno == want ? 0 : 2);
	}
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
}

/* auditfile_open of path succeeds. */
static int
accepted(const char *path)
{
	int fd;

	if ((fd = auditfile_open(path)) == -1)
		return 0;
	close(fd);
	return 1;
}

static int
mode_is(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	return lstat(path, &st) == 0 && (st.st_mode & 07777) == mode &&
	    st.st_uid == uid && st.st_gid == gid;
}

/* Refusals that need no root. */
static void
test_open_any(void)
{
	char p[256];

	ok(refused("", EINVAL), "open: an empty path: EINVAL");
	ok(refused("/nonexistent-dir-cagesh/a.log", ENOENT),
	    "open: a missing directory: ENOENT");
	ok(refused("/dev/null", EPERM), "open: not a regular file "
	    "(/dev/null): EPERM");
	snprintf(p, sizeof(p), "%s/", tmpdir);
	ok(refused(p, EISDIR), "open: a path ending in /: EISDIR");
	path_of(p, sizeof(p), "nonexistent/a.log");
	ok(refused(p, ENOENT), "open: a missing directory in ours: ENOENT");
}

static void
test_open_root(void)
{
	char p[512], q[512], d[256], buf[16];
	struct stat st, st2;
	int fd, fl, rfd, stt, before = tap_count;
	pid_t pid;

	if (geteuid() != 0) {
		for (fd = 0; fd < NROOT_OPEN; fd++)
			SKIP_ROOT("auditfile_open: ownership and modes");
		return;
	}
	umask(0);	/* the modes below are the code's, not the umask's */

	/* a new file */
	path_of(p, sizeof(p), "new.log");
	fd = auditfile_open(p);
	ok(fd != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == 0 && st.st_gid == 0 && (st.st_mode & 07777) == 0600 &&
	    st.st_nlink == 1, "new file: created root:root 0600 (umask 0)");
	ok(fd != -1 && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
	    "new file: close-on-exec");
	fl = fd != -1 ? fcntl(fd, F_GETFL) : 0;
	ok(fd != -1 && (fl & O_APPEND) && (fl & O_ACCMODE) == O_RDWR &&
	    !(fl & O_NONBLOCK), "new file: read-write (the last byte is "
	    "read), append, blocking");
	if (fd != -1) {
		ok(auditfile_write(fd, "{\"a\":1}\n", 8) == 0,
		    "new file: a record written");
		close(fd);
	} else
		ok(0, "new file: a record written");
	fd = auditfile_open(p);
	ok(fd != -1 && fstat(fd, &st2) == 0 && st2.st_ino == st.st_ino &&
	    st2.st_size == 8, "an existing root:root 0600 file: opened, "
	    "not truncated");
	ok(fd != -1 && auditfile_write(fd, "{\"b\":2}\n", 8) == 0 &&
	    auditfile_write(fd, "{\"c\":3}\n", 8) == 0 &&
	    file_is(p, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"),
	    "its descriptor takes more records, appended");
	if (fd != -1)
		close(fd);

	/* root's, but shared: made root:root 0600 */
	(void)chown(p, 0, 1234);
	(void)chmod(p, 0640);
	fd = auditfile_open(p);
	ok(fd != -1 && mode_is(p, 0600, 0, 0), "root:1234 0640: becomes "
	    "root:root 0600");
	if (fd != -1)
		close(fd);
	(void)chmod(p, 0644);
	fd = auditfile_open(p);
	ok(fd != -1 && mode_is(p, 0600, 0, 0), "root:root 0644: becomes 0600");
	if (fd != -1)
		close(fd);
	(void)chmod(p, 04600);
	fd = auditfile_open(p);
	ok(fd != -1 && mode_is(p, 0600, 0, 0), "root:root 04600: becomes "
	    "0600");
	if (fd != -1)
		close(fd);
	(void)chmod(p, 0400);
	fd = auditfile_open(p);
	ok(fd != -1 && mode_is(p, 0600, 0, 0), "root:root 0400: becomes "
	    "0600");
	if (fd != -1)
		close(fd);

	/* what others could write: refused, and left as it was */
	(void)chmod(p, 0620);
	ok(refused(p, EPERM) && mode_is(p, 0620, 0, 0),
	    "group-writable file: EPERM, not repaired");
	(void)chmod(p, 0602);
	ok(refused(p, EPERM) && mode_is(p, 0602, 0, 0),
	    "other-writable file: EPERM, not repaired");
	(void)chmod(p, 0600);
	(void)chown(p, NOBODY, NOBODY);
	ok(refused(p, EPERM) && mode_is(p, 0600, NOBODY, NOBODY),
	    "a file of another user: EPERM, still theirs");
	(void)chown(p, NOBODY, 0);
	ok(refused(p, EPERM), "a file of another user, group root: EPERM");
	(void)chown(p, 0, 0);
	ok(accepted(p), "back to root:root 0600: accepted");
	path_of(q, sizeof(q), "hard.log");
	ok(link(p, q) == 0 && refused(p, EPERM) && refused(q, EPERM),
	    "a second hard link: both names EPERM");
	(void)unlink(q);
	ok(accepted(p), "one link again: accepted");

	/* symlinks: refused, nothing touched or made through them */
	path_of(q, sizeof(q), "link.log");
	(void)symlink(p, q);
	(void)stat(p, &st);
	ok(refused(q, ELOOP), "a symlink to root's log: ELOOP");
	ok(stat(p, &st2) == 0 && st2.st_size == st.st_size &&
	    st2.st_mtime == st.st_mtime, "its target untouched");
	path_of(q, sizeof(q), "dangling.log");
	path_of(d, sizeof(d), "notthere.log");
	(void)symlink(d, q);
	ok(refused(q, ELOOP) && access(d, F_OK) == -1,
	    "a dangling symlink: ELOOP, its target not created");

	/* not a regular file */
	path_of(q, sizeof(q), "fifo");
	ok(mkfifo(q, 0600) == 0 && refused(q, 0), "a FIFO, no reader: "
	    "refused at once (O_NONBLOCK)");
	rfd = open(q, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ok(rfd != -1 && refused(q, EPERM), "a FIFO with a reader: EPERM");
	if (rfd != -1) {
		ok(read(rfd, buf, sizeof(buf)) <= 0, "nothing written to it");
		close(rfd);
	} else
		ok(0, "nothing written to it");
	path_of(q, sizeof(q), "adir");
	(void)mkdir(q, 0700);
	ok(refused(q, EISDIR), "a directory: EISDIR");

	/* the directory: root's, writable by root alone, no symlink */
	path_of(d, sizeof(d), "gw");
	(void)mkdir(d, 0755);
	snprintf(q, sizeof(q), "%s/a.log", d);
	(void)chmod(d, 0770);
	ok(refused(q, EPERM) && access(q, F_OK) == -1,
	    "a group-writable directory: EPERM, nothing created");
	(void)chmod(d, 0757);
	ok(refused(q, EPERM), "an other-writable directory: EPERM");
	(void)chmod(d, 01777);
	ok(refused(q, EPERM), "a sticky 1777 directory (/tmp): EPERM");
	(void)chmod(d, 0755);
	(void)chown(d, NOBODY, NOBODY);
	ok(refused(q, EPERM), "a directory of another user: EPERM");
	(void)chown(d, 0, 0);
	(void)chmod(d, 0711);
	fd = auditfile_open(q);
	ok(fd != -1, "a root-owned 0711 directory: accepted");
	if (fd != -1)
		close(fd);
	(void)chmod(d, 0755);
	path_of(q, sizeof(q), "dirlink");
	(void)symlink(d, q);
	path_of(q, sizeof(q), "dirlink/b.log");
	snprintf(p, sizeof(p), "%s/b.log", d);
	ok(refused(q, ENOTDIR), "a symlinked directory: ENOTDIR (O_DIRECTORY "
	    "O_NOFOLLOW)");
	ok(access(p, F_OK) == -1, "nothing created through it");
	path_of(q, sizeof(q), "afile");
	(void)mkfile(q, 0600, NULL);
	path_of(q, sizeof(q), "afile/c.log");
	ok(refused(q, ENOTDIR), "a file where the directory is: ENOTDIR");

	/* a relative path: the working directory is checked */
	if (chdir(tmpdir) == 0) {
		fd = auditfile_open("rel.log");
		ok(fd != -1 && access("rel.log", F_OK) == 0,
		    "a relative path in a root-only directory: accepted");
		if (fd != -1)
			close(fd);
		if (chdir(d) == 0 && chmod(".", 0775) == 0)
			ok(refused("rel.log", EPERM), "a relative path in a "
			    "group-writable directory: EPERM");
		else
			ok(0, "a relative path in a group-writable directory");
		(void)chmod(d, 0755);
		(void)chdir("/");
	} else {
		ok(0, "chdir %s", tmpdir);
		ok(0, "chdir %s", tmpdir);
	}

	/* a user, in a directory of its own, with its own file */
	(void)chmod(tmpdir, 0711);
	path_of(d, sizeof(d), "nobody");
	(void)mkdir(d, 0700);
	(void)chown(d, NOBODY, NOBODY);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) == -1 || setgid(NOBODY) == -1 ||
		    setuid(NOBODY) == -1)
			_exit(2);
		snprintf(q, sizeof(q), "%s/a.log", d);
		if (mkfile(q, 0600, NULL) == -1)
			_exit(3);
		errno = 0;
		_exit(auditfile_open(q) == -1 && errno == EPERM ? 0 : 1);
	}
	ok(pid > 0 && waitpid(pid, &stt, 0) == pid && WIFEXITED(stt) &&
	    WEXITSTATUS(stt) == 0,
	    "as uid %d: its own 0600 file in its own directory: EPERM",
	    NOBODY);
	(void)chmod(tmpdir, 0700);
	umask(077);
	if (tap_count - before != NROOT_OPEN)
		ok(0, "NROOT_OPEN is %d, the root checks are %d", NROOT_OPEN,
		    tap_count - before);
}

/* A file of ours for the write checks, opened as the monitor would. */
static int
open_log(const char *path, int trunc)
{
	return open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
	    (trunc ? O_TRUNC : 0), 0600);
}

static int
exited0(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
}

/*
 * In a child: at a file size limit of the current size + 10 bytes (and
 * SIGXFSZ ignored, as in the monitor), a 100-byte record fails with
 * EFBIG and leaves the file as it was.
 */
static pid_t
write_at_limit(const char *path)
{
	struct rlimit rl;
	struct stat st;
	char rec[101];
	pid_t pid;
	int fd, lk;

	fflush(stdout);
	if ((pid = fork()) != 0)
		return pid;
	signal(SIGXFSZ, SIG_IGN);
	if ((fd = open_log(path, 0)) == -1 || fstat(fd, &st) == -1)
		_exit(2);
	rl.rlim_cur = rl.rlim_max = (rlim_t)st.st_size + 10;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		_exit(3);
	memset(rec, 'r', 99);
	rec[99] = '\n';
	errno = 0;
	if (auditfile_write(fd, rec, 100) != -1 || errno != EFBIG)
		_exit(4);
	if (fstat(fd, &st) == -1)
		_exit(5);
	/* the lock is not left held */
	if ((lk = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    flock(lk, LOCK_EX | LOCK_NB) == -1)
		_exit(6);
	_exit(0);
}

static void
test_write(void)
{
	struct stat st;
	char p[256];
	size_t len;
	pid_t pid;
	int fd, fd2;

	path_of(p, sizeof(p), "w.log");
	fd = open_log(p, 1);

	/* not one line */
	errno = 0;
	ok(auditfile_write(fd, "", 0) == -1 && errno == EINVAL,
	    "write: an empty record: EINVAL");
	errno = 0;
	ok(auditfile_write(fd, NULL, 4) == -1 && errno == EINVAL,
	    "write: NULL: EINVAL");
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":1}", 7) == -1 && errno == EINVAL,
	    "write: no newline at the end: EINVAL");
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":1}\n{\"b\":2}\n", 16) == -1 &&
	    errno == EINVAL, "write: two lines: EINVAL");
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":\n1}\n", 9) == -1 && errno == EINVAL,
	    "write: an embedded newline: EINVAL");
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":1}\n\n", 9) == -1 && errno == EINVAL,
	    "write: an empty line after it: EINVAL");
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":1}\nx", 9) == -1 && errno == EINVAL,
	    "write: bytes after the newline: EINVAL");
	ok(fstat(fd, &st) == 0 && st.st_size == 0, "nothing was written");

	/* appended, each on a line */
	ok(auditfile_write(fd, "{\"a\":1}\n", 8) == 0 &&
	    auditfile_write(fd, "{\"bb\":22}\n", 10) == 0,
	    "two records written");
	ok(file_is(p, "{\"a\":1}\n{\"bb\":22}\n"), "the file holds both, in "
	    "order");
	/* a record torn before us: ours starts on a fresh line */
	ok(write(fd, "partial", 7) == 7, "\"partial\" written by hand");
	ok(auditfile_write(fd, "{\"c\":3}\n", 8) == 0 &&
	    file_is(p, "{\"a\":1}\n{\"bb\":22}\npartial\n{\"c\":3}\n"),
	    "the next record on a fresh line, \"partial\" left as it was");
	ok(auditfile_write(fd, "{\"d\":4}\n", 8) == 0 &&
	    file_is(p, "{\"a\":1}\n{\"bb\":22}\npartial\n{\"c\":3}\n"
	    "{\"d\":4}\n"), "no empty line after a whole record");
	close(fd);

	/* whole or nothing: the file size limit */
	path_of(p, sizeof(p), "limit.log");
	(void)mkfile(p, 0600, "first\n");
	ok(exited0(write_at_limit(p)), "a record past the file size limit: "
	    "-1 EFBIG, the lock released");
	ok(file_is(p, "first\n"), "no partial bytes left (rolled back)");
	(void)mkfile(p, 0600, "partial");
	ok(exited0(write_at_limit(p)) && file_is(p, "partial"),
	    "after a torn record: its fresh-line newline rolled back too");

	/* other failures */
	if ((fd = open("/dev/full", O_WRONLY | O_CLOEXEC)) != -1) {
		errno = 0;
		ok(auditfile_write(fd, "{\"a\":1}\n", 8) == -1 &&
		    errno == ENOSPC, "/dev/full: -1 ENOSPC");
		close(fd);
	} else
		ok(1, "# SKIP no /dev/full");
	path_of(p, sizeof(p), "ro.log");
	(void)mkfile(p, 0600, "ro\n");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":1}\n", 8) == -1 && errno == EBADF &&
	    file_is(p, "ro\n"), "a read-only descriptor: -1 EBADF, file "
	    "unchanged");
	close(fd);
	fd = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":1}\n", 8) == -1 && errno == EBADF &&
	    file_is(p, "ro\n"), "a write-only descriptor (its last byte "
	    "cannot be read): -1 EBADF, file unchanged");
	close(fd);
	errno = 0;
	ok(auditfile_write(fd, "{\"a\":1}\n", 8) == -1 && errno == EBADF,
	    "a closed descriptor: -1 EBADF");

	/* the lock: a write waits for it, and releases it */
	path_of(p, sizeof(p), "lock.log");
	fd = open_log(p, 1);
	fd2 = open(p, O_RDONLY | O_CLOEXEC);
	(void)flock(fd2, LOCK_EX);
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(auditfile_write(fd, "{\"l\":1}\n", 8) == 0 ? 0 : 1);
	usleep(300000);
	ok(waitpid(pid, NULL, WNOHANG) == 0 && file_is(p, ""),
	    "a write waits while another holds the lock");
	(void)flock(fd2, LOCK_UN);
	ok(exited0(pid) && file_is(p, "{\"l\":1}\n"), "and goes on once it is "
	    "released");
	ok(auditfile_write(fd, "{\"l\":2}\n", 8) == 0 &&
	    flock(fd2, LOCK_EX | LOCK_NB) == 0, "a write leaves the lock "
	    "released");
	(void)flock(fd2, LOCK_UN);
	close(fd);
	close(fd2);
	free(slurp(p, &len));
	ok(len == 16, "lock.log: both records");
}

static void
test_room(void)
{
	char p[256];
	int fd;

	path_of(p, sizeof(p), "room.log");
	fd = open_log(p, 1);
	ok(auditfile_room(fd) == 0, "room: a file on /tmp: 0");
	close(fd);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	errno = 0;
	ok(auditfile_room(fd) == -1 && errno == EBADF,
	    "room: a read-only descriptor: -1 EBADF");
	close(fd);
	errno = 0;
	ok(auditfile_room(fd) == -1 && errno == EBADF,
	    "room: a closed descriptor: -1 EBADF");
}

/*
 * As root, on small tmpfs mounts of a private mount namespace: the room
 * check on both sides of AUDITFILE_MIN_FREE, and a write to a full file
 * system rolled back.  The child's results as bits of its exit status.
 */
#define FS_ROOM_EMPTY	0x01
#define FS_ROOM_FULL	0x02
#define FS_ROOM_TINY	0x04
#define FS_ENOSPC	0x08
#define FS_ROLLBACK	0x10
#define FS_SKIP		0x80

static int
fill(const char *path)
{
	static char chunk[4096];
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	memset(chunk, 'f', sizeof(chunk));
	while (write(fd, chunk, sizeof(chunk)) > 0)
		;
	/* the last bytes of the last page */
	while (write(fd, chunk, 1) == 1)
		;
	close(fd);
	return 0;
}

static void
fs_child(const char *mnt)
{
	char p[512], q[512], *rec, *s;
	struct stat st;
	size_t len;
	int fd, bits = 0;

	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("tmpfs", mnt, "tmpfs", 0, "size=4m") == -1)
		_exit(FS_SKIP);
	snprintf(p, sizeof(p), "%s/audit.log", mnt);
	snprintf(q, sizeof(q), "%s/filler", mnt);
	if ((fd = open_log(p, 1)) == -1)
		_exit(FS_SKIP);
	if (auditfile_room(fd) == 0)
		bits |= FS_ROOM_EMPTY;
	/* 4 MiB less 3.5: under AUDITFILE_MIN_FREE left */
	if ((s = xcalloc(1, 3584 * 1024)) != NULL &&
	    mkfile(q, 0600, NULL) == 0) {
		int ffd = open(q, O_WRONLY | O_CLOEXEC);

		if (ffd != -1 && write(ffd, s, 3584 * 1024) == 3584 * 1024 &&
		    auditfile_room(fd) == -1 && errno == ENOSPC)
			bits |= FS_ROOM_FULL;
		if (ffd != -1)
			close(ffd);
	}
	free(s);
	close(fd);
	if (umount(mnt) == -1 ||
	    mount("tmpfs", mnt, "tmpfs", 0, "size=512k") == -1)
		_exit(bits);
	if ((fd = open_log(p, 1)) == -1)
		_exit(bits);
	if (auditfile_room(fd) == -1 && errno == ENOSPC)
		bits |= FS_ROOM_TINY;
	/* full: a record larger than the room in the last page */
	if (write(fd, "first\n", 6) == 6 && fill(q) == 0) {
		rec = xmalloc(20000);
		memset(rec, 'r', 19999);
		rec[19999] = '\n';
		errno = 0;
		if (auditfile_write(fd, rec, 20000) == -1 && errno == ENOSPC)
			bits |= FS_ENOSPC;
		free(rec);
		s = slurp(p, &len);
		if (fstat(fd, &st) == 0 && st.st_size == 6 && len == 6 &&
		    memcmp(s, "first\n", 6) == 0)
			bits |= FS_ROLLBACK;
		free(s);
	}
	close(fd);
	_exit(bits);
}

static void
test_fullfs(void)
{
	char mnt[256];
	pid_t pid;
	int st, bits = FS_SKIP;

	path_of(mnt, sizeof(mnt), "mnt");
	if (geteuid() == 0 && mkdir(mnt, 0700) == 0) {
		fflush(stdout);
		if ((pid = fork()) == 0)
			fs_child(mnt);
		if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st))
			bits = WEXITSTATUS(st);
	}
	if (bits == FS_SKIP) {
		ok(1, "# SKIP full file systems: needs root and tmpfs mounts");
		ok(1, "# SKIP full file systems: needs root and tmpfs mounts");
		ok(1, "# SKIP full file systems: needs root and tmpfs mounts");
		ok(1, "# SKIP full file systems: needs root and tmpfs mounts");
		ok(1, "# SKIP full file systems: needs root and tmpfs mounts");
		return;
	}
	ok(bits & FS_ROOM_EMPTY, "room: an empty 4 MiB file system: 0");
	ok(bits & FS_ROOM_FULL, "room: under 1 MiB free: -1 ENOSPC");
	ok(bits & FS_ROOM_TINY, "room: a 512 KiB file system: -1 ENOSPC");
	ok(bits & FS_ENOSPC, "a record on a full file system: -1 ENOSPC");
	ok(bits & FS_ROLLBACK, "and its partial bytes rolled back");
}

/* Writer k's j-th record: one JSON line of 1 to ~20 KiB. */
static size_t
conc_record(int k, int j, char **out)
{
	size_t pad = 1 + (size_t)((k * NREC + j) * 7919) % 20000, n, i;
	char *s;

	s = xmalloc(pad + 64);
	n = (size_t)snprintf(s, 64, "{\"w\":%d,\"j\":%d,\"pad\":\"", k, j);
	for (i = 0; i < pad; i++)
		s[n++] = (char)('a' + (k + j + (int)i) % 26);
	memcpy(s + n, "\"}\n", 3);
	*out = s;
	return n + 3;
}

static void
test_concurrency(void)
{
	char p[256], *all, *l, *nl, *want;
	unsigned char *seen;
	size_t len, n, nlines = 0, bad = 0, dup = 0, order = 0;
	int last[NWRITER], k, j, fd, failed = 0, st;
	pid_t pid;

	path_of(p, sizeof(p), "conc.log");
	fd = open_log(p, 1);
	close(fd);
	fflush(stdout);
	for (k = 0; k < NWRITER; k++) {
		last[k] = -1;
		if ((pid = fork()) == -1) {
			failed++;
			continue;
		}
		if (pid != 0)
			continue;
		/* each its own open file, as each session's monitor has */
		fd = geteuid() == 0 ? auditfile_open(p) : open_log(p, 0);
		if (fd == -1)
			_exit(2);
		for (j = 0; j < NREC; j++) {
			n = conc_record(k, j, &want);
			if (auditfile_write(fd, want, n) == -1)
				_exit(1);
			free(want);
		}
		_exit(0);
	}
	while ((pid = wait(&st)) != -1)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	is_int(failed, 0, "%d writers of %d records each", NWRITER, NREC);

	all = slurp(p, &len);
	ok(len > 0 && all[len - 1] == '\n', "the file ends with a whole line");
	seen = xcalloc(NWRITER * NREC, 1);
	for (l = all; *l != '\0'; l = nl + 1) {
		if ((nl = strchr(l, '\n')) == NULL)
			nl = l + strlen(l) - 1;
		nlines++;
		if (sscanf(l, "{\"w\":%d,\"j\":%d,", &k, &j) != 2 || k < 0 ||
		    k >= NWRITER || j < 0 || j >= NREC) {
			bad++;
			continue;
		}
		n = conc_record(k, j, &want);
		if ((size_t)(nl - l + 1) != n || memcmp(l, want, n) != 0)
			bad++;
		free(want);
		if (seen[k * NREC + j]++)
			dup++;
		if (j <= last[k])
			order++;
		last[k] = j;
	}
	is_int(nlines, NWRITER * NREC, "exactly %d lines", NWRITER * NREC);
	is_int(bad, 0, "every line is one whole record, none torn or mixed");
	is_int(dup, 0, "no record twice");
	is_int(order, 0, "each writer's records in its order");
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
	alarm(120);		/* a write that never returns is a failure */
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_open_any();
	test_open_root();
	test_write();
	test_room();
	test_fullfs();
	test_concurrency();
	cleanup();
	return tap_done();
}
