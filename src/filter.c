/*
 * The filter checks the architecture first: a 64-bit process can make
 * 32-bit system calls (int 0x80 on x86_64), where ioctl has another
 * number, and the x32 ABI numbers calls from 0x40000000.  Both are
 * covered.  It compares only the low 32 bits of the request, since the
 * kernel takes ioctl's cmd as an unsigned int: TIOCSTI | 1 << 32 is
 * still TIOCSTI to it.
 */
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"

/* The 32-bit compat ioctl is 54 on both i386 and arm. */
#if defined(__x86_64__)
#define ARCH_NATIVE	AUDIT_ARCH_X86_64
#define ARCH_COMPAT	AUDIT_ARCH_I386
#define NR_HIGH		0x40000000u	/* x32 */
#elif defined(__aarch64__)
#define ARCH_NATIVE	AUDIT_ARCH_AARCH64
#define ARCH_COMPAT	AUDIT_ARCH_ARM
#define NR_HIGH		0xffffffffu	/* none: only the invalid nr -1 */
#else
#error "no seccomp filter for this architecture: add it to src/filter.c"
#endif
#define NR_COMPAT_IOCTL	54

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG1_LOW	offsetof(struct seccomp_data, args[1])
#else
#define ARG1_LOW	(offsetof(struct seccomp_data, args[1]) + 4)
#endif

#define LOAD(off)	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(k, t, f)	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define JGE(k, t, f)	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (t), (f))
#define RET(k)		BPF_STMT(BPF_RET | BPF_K, (k))

int
filter_tty_inject(char *why, size_t len)
{
	/* jump offsets count from the next instruction */
	static struct sock_filter prog[] = {
		/* 0 */ LOAD(offsetof(struct seccomp_data, arch)),
		/* 1 */ JEQ(ARCH_NATIVE, 2, 0),		/* 4 : 2 */
		/* 2 */ JEQ(ARCH_COMPAT, 4, 0),		/* 7 : 3 */
		/* 3 */ RET(SECCOMP_RET_KILL_PROCESS),
		/* 4 */ LOAD(offsetof(struct seccomp_data, nr)),
		/* 5 */ JGE(NR_HIGH, 8, 0),		/* 14 : 6 */
		/* 6 */ JEQ(__NR_ioctl, 2, 5),		/* 9 : 12 */
		/* 7 */ LOAD(offsetof(struct seccomp_data, nr)),
		/* 8 */ JEQ(NR_COMPAT_IOCTL, 0, 3),	/* 9 : 12 */
		/* 9 */ LOAD(ARG1_LOW),
		/* 10 */ JEQ(TIOCSTI, 2, 0),		/* 13 : 11 */
		/* 11 */ JEQ(TIOCLINUX, 1, 0),		/* 13 : 12 */
		/* 12 */ RET(SECCOMP_RET_ALLOW),
		/* 13 */ RET(SECCOMP_RET_ERRNO | EPERM),
		/* 14 */ RET(SECCOMP_RET_ERRNO | ENOSYS),
	};
	struct sock_fprog fprog = {
		.len = (unsigned short)(sizeof(prog) / sizeof(prog[0])),
		.filter = prog,
	};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == -1) {
		snprintf(why, len, "seccomp filter: %s", strerror(errno));
		return -1;
	}
	return 0;
}
