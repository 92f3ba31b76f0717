/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * syscheck.c: the host's part of a session (the PAM service file, a
 * syslog listener), for the session and --check-config.  Looks, never
 * changes; runs as root in a session, as the caller with --check-config.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auditfile.h"
#include "syscheck.h"

/*
 * Where Linux-PAM looks for a service, in order; with no /etc/pam.d it
 * reads /etc/pam.conf instead.  A service found nowhere runs "other".
 */
static const char *const pam_dirs[] = { "/etc/pam.d", "/usr/lib/pam.d" };
#define NPAM_DIRS	(sizeof(pam_dirs) / sizeof(pam_dirs[0]))

int
syscheck_pam(char *why, size_t len)
{
	struct stat st;
	char path[256];
	size_t i;
	int looked = 0;

	if (stat(pam_dirs[0], &st) == -1 || !S_ISDIR(st.st_mode))
		return 0;	/* /etc/pam.conf: its lines are not ours to parse */
	for (i = 0; i < NPAM_DIRS; i++) {
		snprintf(path, sizeof(path), "%s/cagesh", pam_dirs[i]);
		if (stat(path, &st) == 0) {
			if (S_ISREG(st.st_mode))
				return 0;
			snprintf(why, len, "the PAM service file %s is not a "
			    "regular file", path);
			return -1;
		}
		if (errno != ENOENT) {
			snprintf(why, len, "the PAM service file %s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (strcmp(pam_dirs[i], CAGESH_PAMDIR) == 0)
			looked = 1;
	}
	snprintf(why, len, "the PAM service file %s/cagesh is missing: "
	    "without it PAM runs its \"other\" service (pam_deny on some "
	    "systems) for cagesh; make install puts it in %s, the Debian "
	    "package in /etc/pam.d (the shipped one: pam/cagesh)", pam_dirs[0],
	    CAGESH_PAMDIR);
	if (!looked) {
		/* where make install put it, and PAM does not look */
		snprintf(path, sizeof(path), "%s/cagesh", CAGESH_PAMDIR);
		if (stat(path, &st) == 0)
			snprintf(why, len, "the PAM service file is %s, where "
			    "PAM does not look: move it to %s/ (and configure "
			    "--with-pamdir=%s)", path, pam_dirs[0],
			    pam_dirs[0]);
	}
	return -1;
}

static int
log_listens(int type)
{
	struct sockaddr_un sa;
	int fd, r;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/dev/log");
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r;
}

int
syscheck_syslog(void)
{
	/* as syslog(3): a datagram socket, else a stream one (journald) */
	if (log_listens(SOCK_DGRAM) == 0 || log_listens(SOCK_STREAM) == 0)
		return 0;
	return -1;
}

size_t
syscheck_installed(const struct conf *c, FILE *fp)
{
	struct auditfile_why w;
	char why[512];
	size_t errors = 0;

	if (syscheck_pam(why, sizeof(why)) == -1) {
		fprintf(fp, "%s: %s\n", c->file, why);
		errors++;
	}
	if (c->log.file != NULL &&
	    auditfile_check(c->log.file, &w) == -1) {
		if (errno == EACCES && geteuid() != 0)
			fprintf(fp, "%s: warning: log.file %s not checked: "
			    "uid %u cannot look into its directory (run "
			    "cagesh --check-config as root)\n", c->file,
			    c->log.file, (unsigned)geteuid());
		else {
			fprintf(fp, "%s: log.file: %s\n", c->file, w.msg);
			errors++;
		}
	}
	if (c->log.syslog && syscheck_syslog() == -1)
		fprintf(fp, "%s: warning: log.syslog is true but nothing "
		    "listens on /dev/log: %s (start rsyslog or "
		    "systemd-journald, or set syslog = false)\n", c->file,
		    c->log.file != NULL ? "records reach only the audit file" :
		    "no record goes anywhere");
	return errors;
}
