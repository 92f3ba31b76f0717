/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The audit file and syslog: the sinks of the records audit.c formats.
 * Runs as root, in the monitor and the root set-up only.
 *
 * The file is a regular file owned by root:root, mode 0600, with one
 * link, in a directory owned by root and writable by root alone; all
 * of it checked on the descriptors that are then used.  Each record is
 * appended whole or not at all, and always starts on a fresh line.
 */
#ifndef CAGESH_AUDITFILE_H
#define CAGESH_AUDITFILE_H

#include <stddef.h>

/* Room the file system must have for a session to start (on_failure deny). */
#define AUDITFILE_MIN_FREE	(1024ull * 1024)

/*
 * Requires root.  A descriptor, or -1 with errno (EPERM: not root's
 * alone, ELOOP: a symlink, ...).  A file root owns but shares (group
 * root's, other modes) is set to root:root 0600 first.
 */
int	auditfile_open(const char *path);

/* Why the log cannot be used: for the admin, and for the caged user. */
struct auditfile_why {
	char	 msg[1024];	/* the path, the rule broken and the fix */
	char	 rule[160];	/* the rule alone: no path, no config value */
};
/* auditfile_open, and when it fails, why. */
int	auditfile_open_why(const char *path, struct auditfile_why *);
/*
 * The same checks, making and changing nothing (--check-config): 0 when
 * a session could open the log (a missing file it makes), else -1 with
 * errno and why.  As another user than root, EACCES is likely.
 */
int	auditfile_check(const char *path, struct auditfile_why *);
/*
 * Appends the record (one line, ending in its only "\n") under an
 * exclusive lock, held for this one write.  If the file's last byte is
 * not a newline (a record torn by a crash before us), a newline comes
 * first.  A write that fails or is short is rolled back with ftruncate
 * to the size before it.  0, or -1 with errno (EINVAL: not one line).
 */
int	auditfile_write(int fd, const char *rec, size_t len);
/* Room for more records on the file system of fd? 0 or -1 (ENOSPC). */
int	auditfile_room(int fd);

/* The key=value line to syslog (authpriv, info). */
void	auditfile_syslog(const char *kv);

#endif
