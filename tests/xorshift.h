/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small reproducible generator (xorshift64*) for the tests: a test
 * keeps its own seed, so a failing run is the same run again.
 */
#ifndef TESTS_XORSHIFT_H
#define TESTS_XORSHIFT_H

#include <stdint.h>

static inline uint64_t
xorshift(uint64_t *seed)
{
	*seed ^= *seed >> 12;
	*seed ^= *seed << 25;
	*seed ^= *seed >> 27;
	return *seed * 0x2545f4914f6cdd1dull;
}

#endif
