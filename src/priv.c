#include <sys/types.h>

#include <errno.h>
#include <unistd.h>

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
