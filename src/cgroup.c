/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cgroup.c: every process of a session in one cgroup (v2) of its own,
 * made by the monitor, so that the session's end ends them all, however
 * they detached themselves (setsid, double fork, nohup, a new process
 * group): cgroup.kill, then wait until the cgroup is empty.  Unlike a
 * PID namespace it leaves the session able to signal the user's own
 * processes outside it (kill -USR2 of an app server, as deploys do).
 * Runs as root, in the monitor.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "xmalloc.h"

/* The mount point of the cgroup2 hierarchy, from /proc/self/mountinfo. */
static char *
cgroup2_mount(void)
{
	char line[4096], *p, *mnt, *fields[10], *sep, *save;
	FILE *f;
	int n;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return NULL;
	mnt = NULL;
	while (mnt == NULL && fgets(line, sizeof(line), f) != NULL) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE ... */
		if ((sep = strstr(line, " - ")) == NULL ||
		    strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		*sep = '\0';
		n = 0;
		for (p = strtok_r(line, " ", &save); p != NULL && n < 10;
		    p = strtok_r(NULL, " ", &save))
			fields[n++] = p;
		/* a mount point with a space is written \040: not ours */
		if (n >= 5 && strcmp(fields[3], "/") == 0 &&
		    strchr(fields[4], '\\') == NULL)
			mnt = xstrdup(fields[4]);
	}
	fclose(f);
	return mnt;
}

/* A process's cgroup (v2): "0::PATH" in FILE (/proc/PID/cgroup). */
static char *
proc_cgroup(const char *file)
{
	char line[4096];
	size_t n;
	FILE *f;
	char *path = NULL;

	if ((f = fopen(file, "re")) == NULL)
		return NULL;
	while (path == NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "0::/", 4) != 0)
			continue;
		n = strcspn(line + 3, "\n");
		path = xstrndup(line + 3, n);
	}
	fclose(f);
	return path;
}

static char *
own_cgroup(void)
{
	return proc_cgroup("/proc/self/cgroup");
}

int
cgroup_make(struct cgroup *cg, const char *id, char *why, size_t len)
{
	char *mnt = NULL, *own = NULL;
	struct stat st;

	memset(cg, 0, sizeof(*cg));
	cg->fd = -1;
	if ((mnt = cgroup2_mount()) == NULL || (own = own_cgroup()) == NULL) {
		snprintf(why, len, "no cgroup2 hierarchy is mounted (a "
		    "session's processes must end with it)");
		goto fail;
	}
	/* a sibling of no one: under our own cgroup, where we may write */
	xasprintf(&cg->rel, "%s%scagesh-%s", own,
	    strcmp(own, "/") == 0 ? "" : "/", id);
	xasprintf(&cg->path, "%s%s", mnt, cg->rel);
	if (mkdir(cg->path, 0700) == -1) {
		snprintf(why, len, "cgroup %s: %s", cg->path, strerror(errno));
		goto fail;
	}
	if ((cg->fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fstat(cg->fd, &st) == -1 ||
	    st.st_uid != 0) {
		snprintf(why, len, "cgroup %s: %s", cg->path, strerror(errno));
		goto fail;
	}
	free(mnt);
	free(own);
	return 0;
fail:
	free(mnt);
	free(own);
	cgroup_remove(cg);
	return -1;
}

static int
write_file(int dfd, const char *name, const char *s)
{
	ssize_t n;
	int fd, saved;

	if ((fd = openat(dfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	n = write(fd, s, strlen(s));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/*
 * Moving a process into a cgroup waits for an RCU grace period (the
 * kernel's threadgroup lock): 10-15 ms here, on every session.  A
 * process cloned into the cgroup (clone3 CLONE_INTO_CGROUP) costs
 * nothing of the kind.  libc knows nothing of a raw clone3 child (its
 * thread id is the parent's), so that child only forks the real one
 * with fork(2) and exits; we are the subreaper that gets it.
 */
pid_t
cgroup_fork(struct cgroup *cg)
{
	struct clone_args ca;
	pid_t mid, pid = -1;
	ssize_t n;
	int p[2], st, saved;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)cg->fd;
	if ((mid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca))) == 0) {
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			close(p[1]);
			return 0;
		}
		n = write(p[1], &pid, sizeof(pid));
		_exit(pid == -1 || n != (ssize_t)sizeof(pid));
	}
	close(p[1]);
	if (mid == -1) {
		/* no clone3 into a cgroup: fork, then move (slowly) */
		saved = errno;
		close(p[0]);
		if (saved != ENOSYS && saved != EINVAL && saved != E2BIG) {
			errno = saved;
			return -1;
		}
		if ((pid = fork()) <= 0)
			return pid;
		if (cgroup_add(cg, pid) == -1) {
			saved = errno;
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
			errno = saved;
			return -1;
		}
		return pid;
	}
	do
		n = read(p[0], &pid, sizeof(pid));
	while (n == -1 && errno == EINTR);
	saved = errno;
	close(p[0]);
	while (waitpid(mid, &st, 0) == -1 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(pid) || pid <= 0) {
		errno = n == -1 ? saved : EAGAIN;
		return -1;
	}
	return pid;
}

int
cgroup_add(struct cgroup *cg, pid_t pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
	return write_file(cg->fd, "cgroup.procs", buf);
}

/* How many processes are left in it (cgroup.procs lines), or -1. */
static long
count(const struct cgroup *cg)
{
	char buf[4096];
	ssize_t n;
	long lines = 0;
	int fd, i;

	if ((fd = openat(cg->fd, "cgroup.procs", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return n == -1 ? -1 : lines;
}

/* Is cgroup.events "populated 0"? 1 yes, 0 no, -1 cannot tell. */
static int
empty(const struct cgroup *cg)
{
	char buf[256];
	ssize_t n;
	int fd;

	if ((fd = openat(cg->fd, "cgroup.events", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strstr(buf, "populated 0") != NULL;
}

long
cgroup_kill(struct cgroup *cg, int timeout_ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	long left;
	int waited;

	if (cg->fd == -1)
		return -1;
	if ((left = count(cg)) <= 0)
		return left;
	if (write_file(cg->fd, "cgroup.kill", "1") == -1)
		return -1;
	for (waited = 0; waited < timeout_ms; waited += 10) {
		if (empty(cg) == 1)
			return left;
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

void
cgroup_remove(struct cgroup *cg)
{
	if (cg->fd != -1)
		close(cg->fd);
	cg->fd = -1;
	if (cg->path != NULL)
		(void)rmdir(cg->path);
	free(cg->path);
	cg->path = NULL;
	free(cg->rel);
	cg->rel = NULL;
}

int
cgroup_has(const struct cgroup *cg, pid_t pid)
{
	char file[64], *path;
	int in;

	if (cg->rel == NULL)
		return 0;
	snprintf(file, sizeof(file), "/proc/%ld/cgroup", (long)pid);
	path = proc_cgroup(file);
	in = path != NULL && strcmp(path, cg->rel) == 0;
	free(path);
	return in;
}

/*
 * ROOT.  pid (a process of the session, about to run a command a rule
 * marks daemon = true) moves to a cgroup of its own beside the
 * session's, "cagesh-daemon-ID-SEQ", which the session's end does not
 * kill: what it starts may outlive the session.  Empty ones earlier
 * sessions left are removed on the way (rmdir fails on a busy one).
 * 0, or -1 with why.
 */
int
cgroup_daemon(const struct cgroup *cg, const char *id, long seq, pid_t pid,
    char *why, size_t len)
{
	struct cgroup d;
	struct dirent *de;
	char *parent, *slash;
	DIR *dir;
	int ret;

	if (cg->path == NULL || (slash = strrchr(cg->path, '/')) == NULL) {
		snprintf(why, len, "the session has no cgroup");
		return -1;
	}
	parent = xstrndup(cg->path, (size_t)(slash - cg->path));
	if ((dir = opendir(parent)) != NULL) {
		while ((de = readdir(dir)) != NULL)
			if (strncmp(de->d_name, "cagesh-daemon-", 14) == 0)
				(void)unlinkat(dirfd(dir), de->d_name,
				    AT_REMOVEDIR);
		closedir(dir);
	}
	memset(&d, 0, sizeof(d));
	xasprintf(&d.path, "%s/cagesh-daemon-%s-%ld", parent, id, seq);
	free(parent);
	if (mkdir(d.path, 0700) == -1 || (d.fd = open(d.path, O_RDONLY |
	    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(why, len, "cgroup %s: %s", d.path, strerror(errno));
		(void)rmdir(d.path);
		free(d.path);
		return -1;
	}
	ret = cgroup_add(&d, pid);
	if (ret == -1) {
		snprintf(why, len, "cgroup %s: cannot move %ld: %s", d.path,
		    (long)pid, strerror(errno));
		(void)rmdir(d.path);
	}
	close(d.fd);
	free(d.path);
	return ret;
}
