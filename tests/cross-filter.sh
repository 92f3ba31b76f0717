#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/cross-filter.sh: the seccomp filter (src/filter.c) and its test
# (tests/test-filter.c) built for each Linux architecture of Debian that
# has a cross compiler here, and run:
#  - natively for amd64 and i386 (static, so no i386 libc is needed):
#    the whole test, the filter loaded by this kernel; i386 checks the
#    64-bit entry that any 32-bit process can take is refused;
#  - under qemu-user for the others, with --program-only: the program
#    filter_build() writes, run on made-up calls laid out in that
#    architecture's byte order and numbers.  qemu-user refuses to load a
#    seccomp filter (PR_SET_SECCOMP fails with EINVAL), so the kernel
#    never runs these programs here.
# Not part of make check or CI: the cross compilers are big.  Packages:
#   apt-get install qemu-user gcc-aarch64-linux-gnu gcc-arm-linux-gnueabi \
#     gcc-arm-linux-gnueabihf gcc-i686-linux-gnu gcc-mips-linux-gnu \
#     gcc-mipsel-linux-gnu gcc-mips64-linux-gnuabi64 \
#     gcc-mips64el-linux-gnuabi64 gcc-powerpc64le-linux-gnu \
#     gcc-riscv64-linux-gnu gcc-s390x-linux-gnu libc6-dev-x32
# (gcc-multilib conflicts with them on Debian 12; libc6-dev-x32 alone
# is enough for gcc -mx32, which is built but runs only on a kernel
# with CONFIG_X86_X32_ABI.)  A missing compiler is a skip, not a
# failure; exit 1 when a build or a run fails.
#
# Usage: tests/cross-filter.sh [-k]	(-k: keep the binaries, say where)
set -u
cd "$(dirname "$0")/.." || exit 1
keep=0
[ "${1:-}" = -k ] && keep=1

# configure.ac's WARN_CFLAGS, with -Werror
warn="-Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes
-Wmissing-prototypes -Wwrite-strings -Wvla -Wno-unused-parameter -Werror"
out=$(mktemp -d "${TMPDIR:-/tmp}/cross-filter.XXXXXX") || exit 1
[ $keep = 1 ] || trap 'rm -rf "$out"' EXIT

# debian-arch compiler extra-flags how-to-run
targets="
amd64		gcc				-		native
i386		i686-linux-gnu-gcc		-		native
x32		gcc				-mx32		native
arm64		aarch64-linux-gnu-gcc		-		qemu-aarch64
armel		arm-linux-gnueabi-gcc		-		qemu-arm
armhf		arm-linux-gnueabihf-gcc		-		qemu-arm
mips		mips-linux-gnu-gcc		-		qemu-mips
mipsel		mipsel-linux-gnu-gcc		-		qemu-mipsel
mips64		mips64-linux-gnuabi64-gcc	-		qemu-mips64
mips64el	mips64el-linux-gnuabi64-gcc	-		qemu-mips64el
ppc64el		powerpc64le-linux-gnu-gcc	-		qemu-ppc64le
ppc64		powerpc64-linux-gnu-gcc		-		qemu-ppc64
powerpc		powerpc-linux-gnu-gcc		-		qemu-ppc
s390x		s390x-linux-gnu-gcc		-		qemu-s390x
riscv64		riscv64-linux-gnu-gcc		-		qemu-riscv64
loong64		loongarch64-linux-gnu-gcc	-		qemu-loongarch64
"

fail=0
printf '%-9s %-7s %-14s %s\n' arch built ran result
while read -r arch cc extra how; do
	[ -n "$arch" ] || continue
	[ "$extra" = - ] && extra=
	bin=$out/test-filter.$arch
	built=no ran=no result=
	if ! command -v "$cc" >/dev/null 2>&1; then
		result="skipped: no $cc"
	else
		# -mx32 finds the x32 asm headers in amd64's directory
		inc=
		[ "$extra" = -mx32 ] &&
		    inc="-idirafter /usr/include/x86_64-linux-gnu"
		# shellcheck disable=SC2086
		if $cc $extra $warn $inc -O2 -D_GNU_SOURCE -Iinclude -static \
		    -o "$bin" src/filter.c tests/test-filter.c -lpthread \
		    2> "$bin.log"; then
			built=yes
		elif [ "$extra" = -mx32 ] && $cc $extra $warn $inc -O2 \
		    -D_GNU_SOURCE -Iinclude -c -o "$bin.o" src/filter.c \
		    2> "$bin.log"; then
			built=filter.o
			result="not linked (no x32 libc here)"
		else
			result="BUILD FAILED: $(head -3 "$bin.log" |
			    tr '\n' ' ')"
			fail=1
		fi
	fi
	if [ "$built" = yes ]; then
		args='' run=''
		if [ "$how" = native ]; then
			run=
		elif command -v "$how" >/dev/null 2>&1; then
			run=$how args=--program-only
		else
			result="not run: no $how"
		fi
		# --exit: the test exits 0 at once, if it runs at all
		if [ -z "$result" ] && ! $run "$bin" --exit 2> /dev/null; then
			result="not run: cannot exec it here"
		elif [ -z "$result" ]; then
			# shellcheck disable=SC2086
			timeout 300 $run "$bin" $args > "$bin.tap" 2>&1
			rc=$?
			ran=${run:-native}
			n=$(grep -ac '^ok' "$bin.tap")
			bad=$(grep -ac '^not ok' "$bin.tap")
			result="$n ok, $bad not ok"
			if [ $rc != 0 ] || [ "$bad" != 0 ] ||
			    ! grep -aq '^1\.\.' "$bin.tap"; then
				result="FAILED (exit $rc): $result"
				grep -a '^not ok' "$bin.tap" | head -5 |
				    sed 's/^/	/' >&2
				fail=1
			fi
		fi
	fi
	printf '%-9s %-7s %-14s %s\n' "$arch" "$built" "$ran" "$result"
done <<EOF
$targets
EOF
[ $keep = 1 ] && echo "binaries and TAP output: $out"
exit $fail
