/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tiocsti TEXT: tries to push TEXT into the input of its terminal (fd 0)
 * with TIOCSTI, then with high bits set in the request.  Prints what
 * happened; exits 0 when any byte went in, 1 when all were refused.
 * A program for the root tests to run inside a cage.
 */
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	const char *p;
	int in = 0, err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: tiocsti TEXT\n");
		return 2;
	}
	for (p = argv[1]; *p != '\0'; p++) {
		if (syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI, p) == 0 ||
		    syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI | (1UL << 32),
		    p) == 0)
			in++;
		else
			err = errno;
	}
	printf("tiocsti: %d of %zu bytes injected%s%s\n", in,
	    strlen(argv[1]), err ? ": " : "", err ? strerror(err) : "");
	return in > 0 ? 0 : 1;
}
