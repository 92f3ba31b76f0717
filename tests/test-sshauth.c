/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which key logged in: sshd's ExposeAuthInfo text made into the record's
 * "auth" (fingerprints as ssh-keygen -l gives them), and what is not
 * taken: another's file, a link, a file that is not what sshd writes.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshauth.h"
#include "tap.h"

static void
parse_is(const char *in, const char *want, const char *what)
{
	char *got = sshauth_parse(in, strlen(in));

	if (want == NULL)
		ok(got == NULL, "%s: refused (got %s)", what, got ? got : "NULL");
	else
		is_str(got != NULL ? got : "(null)", want, "%s", what);
	free(got);
}

int
main(void)
{
	char path[] = "/tmp/cagesh-sshauth.XXXXXX", link[64];
	const char *ed = "publickey ssh-ed25519 "
	    "AAAAC3NzaC1lZDI1NTE5AAAAIG9G+MkRMVhNyi6GM8qutdfZeE8PIdrwlTTkUyfEWZ6R\n";
	char *r;
	int fd;

	/* both fingerprints from ssh-keygen -l of the same keys */
	parse_is(ed, "publickey ssh-ed25519 "
	    "SHA256:mmJxXTIyO7uUy/K4IRCArah3AhJTu0Y4t0sdcvOGLkc", "ed25519 key");
	parse_is("publickey ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEbpHDN4CEAQboRhOfG6vxJH0pbpqEGYMH1a5KVJ3Zp9ub19p5oOHaf2QF0orePGATHsp+SM6k/xWwnnE9OMQkfNbSOvhwaakRT7Ap56QoIaO2EBAy/s8ZR7Z8OXO/g2VaKLUmKg5R68//iiQHTYMAImB30jfCQMQbTgxTOTQZaQ==\n",
	    "publickey ssh-rsa SHA256:YAt5XG+Umlyxr40GcuV8OxYRx8SHvA5xFZU6Gb4Hkgw",
	    "rsa key (base64 with padding)");
	parse_is("password\n", "password", "a method without a key");
	parse_is("publickey ssh-ed25519 "
	    "AAAAC3NzaC1lZDI1NTE5AAAAIG9G+MkRMVhNyi6GM8qutdfZeE8PIdrwlTTkUyfEWZ6R\n"
	    "keyboard-interactive\n", "publickey ssh-ed25519 "
	    "SHA256:mmJxXTIyO7uUy/K4IRCArah3AhJTu0Y4t0sdcvOGLkc, "
	    "keyboard-interactive", "two methods (AuthenticationMethods)");
	parse_is("publickey ssh-ed25519 not*base64\n", NULL, "a broken key");
	parse_is("publickey\n", NULL, "publickey without a key");
	parse_is("pass\x1b[2Jword\n", NULL, "control bytes in a method");
	parse_is("", NULL, "empty");

	/* the file: the user's own, regular, not a link */
	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, ed, strlen(ed)) != (ssize_t)strlen(ed))
		return 1;
	close(fd);
	r = sshauth_read(path, getuid());
	ok(r != NULL && strstr(r, "SHA256:mmJxXT") != NULL,
	    "the user's own file is read");
	free(r);
	r = sshauth_read(path, getuid() + 1);
	ok(r == NULL, "a file of another uid is not");
	free(r);
	snprintf(link, sizeof(link), "%s.link", path);
	if (symlink(path, link) == 0) {
		r = sshauth_read(link, getuid());
		ok(r == NULL, "a symbolic link is not followed");
		free(r);
		unlink(link);
	} else
		ok(0, "symlink");
	r = sshauth_read("relative/path", getuid());
	ok(r == NULL, "a relative path is not read");
	free(r);
	unlink(path);
	r = sshauth_read(path, getuid());
	ok(r == NULL, "a missing file gives nothing");
	free(r);
	return tap_done();
}
