/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a session needs of the host beyond its config file: the PAM
 * service file of cagesh where PAM looks for it, and, when the config
 * logs to syslog, something that listens on /dev/log.  A session
 * refuses without the first; --check-config of the installed config
 * reports both, with the config's trust and the audit log's (conf.c,
 * auditfile.c), so that it passes only what a session would accept.
 */
#ifndef CAGESH_SYSCHECK_H
#define CAGESH_SYSCHECK_H

#include <stddef.h>
#include <stdio.h>

#include "conf.h"

/* 0 when PAM finds a cagesh service, else -1 and why (how to fix it). */
int	syscheck_pam(char *why, size_t len);
/* 0 when something accepts datagrams or a connection on /dev/log. */
int	syscheck_syslog(void);
/*
 * The checks of the installed config beyond its text: the PAM service,
 * the audit log and its directory, syslog.  One line each to fp, "FILE:
 * message" or "FILE: warning: message"; returns the number of errors.
 */
size_t	syscheck_installed(const struct conf *, FILE *fp);

#endif
