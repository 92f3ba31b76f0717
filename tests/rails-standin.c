/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * rails-standin: bundle, rake, puma, pumactl, passenger, sidekiq and
 * rbenv for tests/test-rails-e2e.sh, by the name it is run as.  The
 * cage's /bin/sh is cagesh-sh, so the shell stand-ins of tests/rails/
 * standin cannot run there; this does the same (prints what the real
 * one would, exits 0) and, for the wrappers (bundle exec, rbenv exec),
 * execs the command.  What ran is in the audit log, which the test
 * reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char manifest[] =
    "public/assets/.sprockets-manifest-0123456789abcdef0123456789abcdef.json";

static int
touch(const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
		fprintf(stderr, "stand-in: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (write(fd, "{}\n", 3) != 3) {
		close(fd);
		return 1;
	}
	return close(fd) == -1;
}

static int
run(char *argv[])
{
	execvp(argv[0], argv);
	fprintf(stderr, "stand-in: %s: %s\n", argv[0], strerror(errno));
	return 127;
}

static int
bundle(int argc, char *argv[])
{
	struct stat sb;

	if (argc < 2)
		return 0;
	if (strcmp(argv[1], "exec") == 0 && argc > 2)
		return run(argv + 2);
	if (strcmp(argv[1], "check") == 0) {
		/* fails until install ran here: each release installs */
		if (stat(".bundle/standin-installed", &sb) == 0) {
			puts("The Gemfile's dependencies are satisfied");
			return 0;
		}
		puts("The Gemfile's dependencies are not satisfied");
		return 1;
	}
	if (strcmp(argv[1], "install") == 0) {
		if (mkdir(".bundle", 0755) == -1 && errno != EEXIST)
			return 1;
		if (touch(".bundle/standin-installed"))
			return 1;
		puts("Bundle complete! 12 Gemfile dependencies, "
		    "68 gems now installed.");
		return 0;
	}
	if (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)
		puts("Bundler version 2.4.22");
	return 0;
}

static int
rake(int argc, char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "assets:precompile") != 0)
			continue;
		/* capistrano-rails backs the manifest up with ls and cp */
		if ((mkdir("public", 0755) == -1 && errno != EEXIST) ||
		    (mkdir("public/assets", 0755) == -1 && errno != EEXIST) ||
		    touch(manifest))
			return 1;
	}
	printf("rake stand-in:");
	for (i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	putchar('\n');
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *name;

	if (argc < 1)
		return 2;
	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strcmp(name, "bundle") == 0)
		return bundle(argc, argv);
	if (strcmp(name, "rake") == 0)
		return rake(argc, argv);
	if (strcmp(name, "rbenv") == 0) {
		if (argc > 2 && strcmp(argv[1], "exec") == 0)
			return run(argv + 2);
		if (argc > 1 && strcmp(argv[1], "--version") == 0)
			puts("rbenv 1.2.0");
		else if (argc > 1 && strcmp(argv[1], "version") == 0)
			puts("3.2.2 (set by /usr/local/rbenv/version)");
		return 0;
	}
	if (strcmp(name, "passenger") == 0) {
		if (argc > 1 && (strcmp(argv[1], "-v") == 0 ||
		    strcmp(argv[1], "--version") == 0))
			puts("Phusion Passenger(R) 6.0.18");
		return 0;
	}
	if (strcmp(name, "puma") == 0)
		puts("Puma starting in single mode...");
	else if (strcmp(name, "pumactl") == 0)
		puts("Command sent success");
	else if (strcmp(name, "sidekiq") == 0)
		puts("sidekiq stand-in");
	else {
		fprintf(stderr, "stand-in: unknown name %s\n", name);
		return 2;
	}
	return 0;
}
