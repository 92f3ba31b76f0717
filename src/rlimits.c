/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * setrlimit for the caged session.  RLIMIT_NPROC counts every process
 * and thread of the uid on the host, the app's own servers included;
 * the other limits count per process.  Each is read back after it is
 * set: a limit that did not take is a session that does not start.
 * Set in the caged shell as the user, after the drop.
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rlimits.h"

/*
 * An rlim_t of 32 bits (a 32-bit build without large files) cannot hold
 * more than 4 GiB: such a limit becomes the largest it can, not none.
 */
static rlim_t
to_rlim(uint64_t v)
{
	if (v == RLIMITS_UNLIMITED)
		return RLIM_INFINITY;
	if (v >= (uint64_t)RLIM_INFINITY)
		return RLIM_INFINITY - 1;
	return (rlim_t)v;
}

static int
lower(const char *name, int resource, uint64_t limit, char *why, size_t len)
{
	struct rlimit r, got;
	rlim_t want = to_rlim(limit);

	if (getrlimit(resource, &r) == -1) {
		snprintf(why, len, "getrlimit %s: %s", name, strerror(errno));
		return -1;
	}
	/* RLIM_INFINITY is the largest rlim_t: it never lowers anything. */
	if (want < r.rlim_max)
		r.rlim_max = want;
	if (r.rlim_cur > r.rlim_max)
		r.rlim_cur = r.rlim_max;
	if (setrlimit(resource, &r) == -1) {
		snprintf(why, len, "setrlimit %s: %s", name, strerror(errno));
		return -1;
	}
	if (getrlimit(resource, &got) == -1 || got.rlim_max != r.rlim_max ||
	    got.rlim_cur != r.rlim_cur) {
		snprintf(why, len, "setrlimit %s did not take", name);
		return -1;
	}
	return 0;
}

int
rlimits_apply(const struct rlimits *l, char *why, size_t len)
{
	if (lower("RLIMIT_NPROC", RLIMIT_NPROC, l->nproc, why, len) == -1 ||
	    lower("RLIMIT_NOFILE", RLIMIT_NOFILE, l->nofile, why, len) == -1 ||
	    lower("RLIMIT_CPU", RLIMIT_CPU, l->cpu, why, len) == -1 ||
	    lower("RLIMIT_FSIZE", RLIMIT_FSIZE, l->fsize, why, len) == -1 ||
	    lower("RLIMIT_AS", RLIMIT_AS, l->as, why, len) == -1)
		return -1;
	/*
	 * No core files: one lands in the working directory, which may be
	 * a public/ the web server serves, or goes to a root helper
	 * (core_pattern "|..."), a known way up.
	 */
	return lower("RLIMIT_CORE", RLIMIT_CORE, 0, why, len);
}
