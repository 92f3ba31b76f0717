/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the config loader on arbitrary bytes.  The config is
 * root's, but --check-config parses drafts for anyone, so it must not
 * crash, leak or read out of bounds on any input.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors errs = { .msg = NULL };
	struct conf *conf;
	int fd;

	if ((fd = memfd_create("fuzz.conf", MFD_CLOEXEC)) == -1)
		return 0;
	if (write(fd, data, size) == (ssize_t)size &&
	    lseek(fd, 0, SEEK_SET) == 0) {
		conf = conf_load_fd(fd, "fuzz.conf", &errs);
		conf_free(conf);
		conf_errors_free(&errs);
	}
	close(fd);
	return 0;
}
