/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which key logged in (sshd's ExposeAuthInfo, SSH_USER_AUTH): the
 * methods and, for a public key, "publickey TYPE SHA256:FP", for the
 * session's records.
 */
#ifndef CAGESH_SSHAUTH_H
#define CAGESH_SSHAUTH_H

#include <sys/types.h>

#include <stddef.h>

/*
 * ROOT.  The file at path, when it is a small regular file owned by uid
 * (not a link): its methods, "publickey ssh-ed25519 SHA256:...", joined
 * by ", ".  Allocated; NULL when there is none or it is not what sshd
 * writes.
 */
char	*sshauth_read(const char *path, uid_t uid);
/* The same from the file's text.  Pure. */
char	*sshauth_parse(const char *, size_t);

#endif
