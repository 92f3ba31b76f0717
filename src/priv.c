/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * priv.c: giving root up for good and proving it (priv.h).  Runs as
 * root until it returns; --check-config and --explain call it first.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "priv.h"

int
priv_drop_caller(void)
{
	uid_t uid = getuid(), ruid, euid, suid;
	gid_t gid = getgid(), rgid, egid, sgid;

	if (setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1)
		return -1;
	if (getresgid(&rgid, &egid, &sgid) == -1 ||
	    getresuid(&ruid, &euid, &suid) == -1)
		return -1;
	if (rgid != gid || egid != gid || sgid != gid ||
	    ruid != uid || euid != uid || suid != uid) {
		errno = EPERM;
		return -1;
	}
	/* A caller who was not root must not be able to become root again. */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static int
no_capabilities(void)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		return 0;
	return data[0].effective == 0 && data[1].effective == 0 &&
	    data[0].permitted == 0 && data[1].permitted == 0 &&
	    data[0].inheritable == 0 && data[1].inheritable == 0;
}

int
priv_drop_user(uid_t uid, gid_t gid, const gid_t *gids, size_t ngids,
    char *why, size_t len)
{
	gid_t rgid, egid, sgid, got[NGROUPS_MAX + 1];
	uid_t ruid, euid, suid;
	int cap, n;
	size_t i;

	if (uid == 0 || gid == 0)
		return err_why(why, len, "refusing to run a session as root");
	if (geteuid() != 0)
		return err_why(why, len, "not running as root");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return err_why(why, len, "clearing ambient capabilities: %s",
		    strerror(errno));
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			return err_why(why, len, "dropping capability %d: %s",
			    cap, strerror(errno));
	if (setgroups(ngids, gids) == -1)
		return err_why(why, len, "setgroups: %s", strerror(errno));
	if (setresgid(gid, gid, gid) == -1)
		return err_why(why, len, "setresgid: %s", strerror(errno));
	if (setresuid(uid, uid, uid) == -1)
		return err_why(why, len, "setresuid: %s", strerror(errno));

	/* Trust nothing: check every id, then try to get root back. */
	if (getresgid(&rgid, &egid, &sgid) == -1 ||
	    getresuid(&ruid, &euid, &suid) == -1)
		return err_why(why, len, "getresuid: %s", strerror(errno));
	if (rgid != gid || egid != gid || sgid != gid ||
	    ruid != uid || euid != uid || suid != uid)
		return err_why(why, len, "ids did not change");
	if ((n = getgroups(NGROUPS_MAX + 1, got)) == -1 ||
	    (size_t)n != ngids)
		return err_why(why, len, "supplementary groups did not change");
	for (i = 0; i < ngids; i++)
		if (got[i] != gids[i])
			return err_why(why, len, "supplementary groups differ");
	if (setuid(0) != -1 || seteuid(0) != -1 || setgid(0) != -1 ||
	    setegid(0) != -1)
		return err_why(why, len, "root could be regained");
	if (!no_capabilities())
		return err_why(why, len, "capabilities remain");

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return err_why(why, len, "no_new_privs: %s", strerror(errno));
	/* Not dumpable: the user's own processes cannot ptrace the shell. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return err_why(why, len, "dumpable: %s", strerror(errno));
	return 0;
}
