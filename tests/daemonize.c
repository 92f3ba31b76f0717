/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * daemonize PIDFILE SECONDS: what a server's --daemon does, for the
 * root tests of the daemon rule: forks; the child starts a session of
 * its own, writes its pid and sleeps; the parent exits once the pid is
 * written (so a test never races the file).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	FILE *f;
	pid_t pid;
	int fd, p[2];
	char c;

	if (argc != 3 || pipe(p) == -1)
		return 2;
	if ((pid = fork()) == -1)
		return 1;
	if (pid > 0) {
		close(p[1]);
		return read(p[0], &c, 1) == 1 ? 0 : 1;
	}
	close(p[0]);
	(void)setsid();
	if ((f = fopen(argv[1], "w")) == NULL)
		_exit(1);
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	(void)write(p[1], "", 1);
	close(p[1]);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	sleep((unsigned)atoi(argv[2]));
	_exit(0);
}
