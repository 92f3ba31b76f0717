/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session's seccomp filter, built from named tables of system calls
 * (in the manner of systemd's syscall groups) by one function.
 * Installed in the caged shell as the user, after the drop.
 *
 * It is a deny list: the session's programs are ordinary ones (git,
 * ssh, rsync, tar, ruby) and an allow list would break them with every
 * libc and kernel upgrade.  What it refuses is what container runtimes'
 * default profiles refuse to an unprivileged container, minus what a
 * deploy uses.  Each call is named by its <sys/syscall.h> macro behind
 * #ifdef, since architectures lack some (arm64 has no open or chmod,
 * only openat and fchmodat).
 *
 * Only the build's own system call ABI is let through: a process can
 * enter the kernel through another one (int 0x80 on x86_64, a far jump
 * to 64-bit code on i386, another thousand of numbers on mips64), and a
 * 64-bit kernel runs 32-bit programs (arm on arm64, s390 on s390x),
 * where every call has another number and another filter would be
 * needed.  Those calls, and x32 calls (x86_64 numbers from 0x40000000),
 * fail with ENOSYS; so a session runs programs of its build's ABI only.
 *
 * Arguments are compared on their low 32 bits: the kernel takes every
 * one tested here (a mode, open flags, an ioctl request, clone flags, a
 * persona) as 32 bits or fewer, so high bits cannot hide a value.
 */
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

/*
 * The build's ABI, as the kernel reports it in seccomp_data.arch (its
 * syscall_get_arch()), and the other ABIs the same kernel may run, all
 * refused by the arch test at the top of the program:
 *	amd64		i386 (int 0x80, sysenter), x32 (same arch: bit 30
 *			of the number, tested apart)
 *	x32 (port)	amd64 (the same arch without bit 30), i386
 *	i386		amd64 and x32 on a 64-bit kernel (a far jump to the
 *			64-bit code segment, then syscall)
 *	arm64		arm (AArch32)
 *	armel, armhf	none: AUDIT_ARCH_ARM whatever the byte order
 *	mips64el n64	o32, n32: see NR_LO below, the arch is not enough
 *	mipsel o32	n64, n32 on a 64-bit kernel: the same
 *	ppc64el		ppc (32-bit); ppc64 (big-endian) is another arch
 *	s390x		s390 (31-bit)
 *	riscv64		riscv32 where the kernel has its compat ABI
 *	loong64		none
 * tests/cross-filter.sh builds each of these that has a cross compiler
 * (not loong64 on Debian 12) and runs the test's program part under
 * qemu; the other ports below are neither built nor run.
 */
#if defined(__x86_64__) && defined(__ILP32__)
#define ARCH_NATIVE	AUDIT_ARCH_X86_64
#define X32_BIT		0x40000000u
#define X32_NATIVE	1
#elif defined(__x86_64__)
#define ARCH_NATIVE	AUDIT_ARCH_X86_64
#define X32_BIT		0x40000000u
#define X32_NATIVE	0
#elif defined(__i386__)
#define ARCH_NATIVE	AUDIT_ARCH_I386
#elif defined(__aarch64__)
/* arm64 and arm report one arch in both byte orders (never ..._ARMEB). */
#define ARCH_NATIVE	AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define ARCH_NATIVE	AUDIT_ARCH_ARM
#elif defined(__mips__) && _MIPS_SIM == _ABI64 && defined(__MIPSEL__)
#define ARCH_NATIVE	AUDIT_ARCH_MIPSEL64
#elif defined(__mips__) && _MIPS_SIM == _ABI64
#define ARCH_NATIVE	AUDIT_ARCH_MIPS64
#elif defined(__mips__) && _MIPS_SIM == _ABIN32 && defined(__MIPSEL__)
#define ARCH_NATIVE	AUDIT_ARCH_MIPSEL64N32
#elif defined(__mips__) && _MIPS_SIM == _ABIN32
#define ARCH_NATIVE	AUDIT_ARCH_MIPS64N32
#elif defined(__mips__) && defined(__MIPSEL__)
#define ARCH_NATIVE	AUDIT_ARCH_MIPSEL
#elif defined(__mips__)
#define ARCH_NATIVE	AUDIT_ARCH_MIPS
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARCH_NATIVE	AUDIT_ARCH_PPC64LE
#elif defined(__powerpc64__)
#define ARCH_NATIVE	AUDIT_ARCH_PPC64
#elif defined(__powerpc__)
#define ARCH_NATIVE	AUDIT_ARCH_PPC
#elif defined(__s390x__)
#define ARCH_NATIVE	AUDIT_ARCH_S390X
#elif defined(__s390__)
#define ARCH_NATIVE	AUDIT_ARCH_S390
#elif defined(__riscv) && __riscv_xlen == 64 && defined(AUDIT_ARCH_RISCV64)
#define ARCH_NATIVE	AUDIT_ARCH_RISCV64
#elif defined(__riscv) && __riscv_xlen == 32 && defined(AUDIT_ARCH_RISCV32)
#define ARCH_NATIVE	AUDIT_ARCH_RISCV32
#elif defined(__loongarch64) && defined(AUDIT_ARCH_LOONGARCH64)
#define ARCH_NATIVE	AUDIT_ARCH_LOONGARCH64
#elif defined(__sparc__) && defined(__arch64__)
#define ARCH_NATIVE	AUDIT_ARCH_SPARC64
#elif defined(__alpha__)
#define ARCH_NATIVE	AUDIT_ARCH_ALPHA
#elif defined(__hppa__)
#define ARCH_NATIVE	AUDIT_ARCH_PARISC
#elif defined(__m68k__)
#define ARCH_NATIVE	AUDIT_ARCH_M68K
#elif defined(__sh__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARCH_NATIVE	AUDIT_ARCH_SHEL
#else
#error "no seccomp architecture for this build: add it to src/filter.c"
#endif

/*
 * A mips64 kernel picks the ABI of a call by its number, whatever the
 * process: o32 from 4000, n64 from 5000, n32 from 6000.  But arch says
 * the process's ABI, so an n64 process's o32 ptrace (4026) would pass
 * a filter that names n64's (5099).  Only the build's thousand pass.
 */
#if defined(__mips__)
#define NR_LO		((uint32_t)__NR_Linux)
#define NR_HI		((uint32_t)__NR_Linux + 1000)
#endif

/*
 * fchmodat2 (Linux 6.6) is newer than Debian 12's headers, but a kernel
 * from backports has it, and it sets a mode like fchmodat: its number
 * is written here when the headers lack it.  It is 452 in every table
 * (numbers from 424 on are shared) after the ABI's base: mips's
 * __NR_Linux, arm's __NR_SYSCALL_BASE (0 with EABI), x32's bit; alpha
 * alone adds 110.  A kernel without it answers ENOSYS to the number.
 */
#ifndef __NR_fchmodat2
#if defined(__x86_64__) && defined(__ILP32__)
#define __NR_fchmodat2	(0x40000000 + 452)
#elif defined(__mips__)
#define __NR_fchmodat2	(__NR_Linux + 452)
#elif defined(__arm__) && defined(__NR_SYSCALL_BASE)
#define __NR_fchmodat2	(__NR_SYSCALL_BASE + 452)
#elif defined(__alpha__)
#define __NR_fchmodat2	562
#else
#define __NR_fchmodat2	452
#endif
#endif

/* s390 takes clone's stack first and its flags second. */
#if defined(__s390__) || defined(__CRIS__)
#define CLONE_FLAGS_ARG	1
#else
#define CLONE_FLAGS_ARG	0
#endif

#define CLONE_NEW_ANY	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | \
			    CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
			    CLONE_NEWNET)
#define SUID_SGID	(S_ISUID | S_ISGID)
/* The flags with which open() creates a file, and so reads its mode. */
#ifdef O_TMPFILE
#define O_MAKES_FILE	(O_CREAT | (O_TMPFILE & ~O_DIRECTORY))
#else
#define O_MAKES_FILE	O_CREAT
#endif
#define PERSONA_QUERY	0xffffffffu

/*
 * The offset of the low 32 bits of args[i].  The kernel stores each
 * argument register, an unsigned long, into the __u64 args[i] by value,
 * in its own byte order: on a big-endian machine (s390x, mips, ppc64)
 * the low word is the second one, at +4, on a 32-bit one (mips o32)
 * too, since the value is widened before it is stored.  The kernel's
 * byte order is the build's, since a program runs only on a kernel of
 * its order.  The test runs this program on made-up calls laid out in
 * the build's order (under qemu for the other architectures).
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LOW(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LOW(i)	(offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

/* ---------------------------------------------------------------- */
/* Calls refused whatever their arguments. */

/* Each list ends with NR_END: on some architectures a list has no call. */
#define NR_END	(-1)

struct sysgroup {
	const char	*name;
	const int	*nr;
	int		 err;
};

/* Reading or steering another process. */
static const int debug[] = {
#ifdef __NR_ptrace
	__NR_ptrace,
#endif
#ifdef __NR_process_vm_readv
	__NR_process_vm_readv,
#endif
#ifdef __NR_process_vm_writev
	__NR_process_vm_writev,
#endif
#ifdef __NR_process_madvise
	__NR_process_madvise,
#endif
#ifdef __NR_pidfd_getfd
	__NR_pidfd_getfd,
#endif
#ifdef __NR_kcmp
	__NR_kcmp,
#endif
#ifdef __NR_perf_event_open
	__NR_perf_event_open,
#endif
#ifdef __NR_lookup_dcookie
	__NR_lookup_dcookie,
#endif
	NR_END
};

/* Large kernel interfaces behind many past privilege escalations. */
static const int surface[] = {
#ifdef __NR_bpf
	__NR_bpf,
#endif
#ifdef __NR_userfaultfd
	__NR_userfaultfd,
#endif
#ifdef __NR_io_uring_setup
	__NR_io_uring_setup,
#endif
#ifdef __NR_io_uring_enter
	__NR_io_uring_enter,
#endif
#ifdef __NR_io_uring_register
	__NR_io_uring_register,
#endif
#ifdef __NR_keyctl
	__NR_keyctl,
#endif
#ifdef __NR_add_key
	__NR_add_key,
#endif
#ifdef __NR_request_key
	__NR_request_key,
#endif
	NR_END
};

/* New namespaces would give the user root in them. */
static const int namespaces[] = {
#ifdef __NR_unshare
	__NR_unshare,
#endif
#ifdef __NR_setns
	__NR_setns,
#endif
	NR_END
};

static const int mounts[] = {
#ifdef __NR_mount
	__NR_mount,
#endif
#ifdef __NR_umount
	__NR_umount,
#endif
#ifdef __NR_umount2
	__NR_umount2,
#endif
#ifdef __NR_pivot_root
	__NR_pivot_root,
#endif
#ifdef __NR_chroot
	__NR_chroot,
#endif
#ifdef __NR_fsopen
	__NR_fsopen,
#endif
#ifdef __NR_fsconfig
	__NR_fsconfig,
#endif
#ifdef __NR_fsmount
	__NR_fsmount,
#endif
#ifdef __NR_fspick
	__NR_fspick,
#endif
#ifdef __NR_move_mount
	__NR_move_mount,
#endif
#ifdef __NR_open_tree
	__NR_open_tree,
#endif
#ifdef __NR_mount_setattr
	__NR_mount_setattr,
#endif
	NR_END
};

/* Administration of the machine: none is for a deploy user. */
static const int admin[] = {
#ifdef __NR_init_module
	__NR_init_module,
#endif
#ifdef __NR_finit_module
	__NR_finit_module,
#endif
#ifdef __NR_delete_module
	__NR_delete_module,
#endif
#ifdef __NR_kexec_load
	__NR_kexec_load,
#endif
#ifdef __NR_kexec_file_load
	__NR_kexec_file_load,
#endif
#ifdef __NR_reboot
	__NR_reboot,
#endif
#ifdef __NR_swapon
	__NR_swapon,
#endif
#ifdef __NR_swapoff
	__NR_swapoff,
#endif
#ifdef __NR_acct
	__NR_acct,
#endif
#ifdef __NR_quotactl
	__NR_quotactl,
#endif
#ifdef __NR_quotactl_fd
	__NR_quotactl_fd,
#endif
#ifdef __NR_syslog
	__NR_syslog,
#endif
#ifdef __NR_vhangup
	__NR_vhangup,
#endif
#ifdef __NR_sethostname
	__NR_sethostname,
#endif
#ifdef __NR_setdomainname
	__NR_setdomainname,
#endif
#ifdef __NR_open_by_handle_at
	__NR_open_by_handle_at,
#endif
#ifdef __NR_nfsservctl
	__NR_nfsservctl,
#endif
	NR_END
};

/* Setting the clock; reading it through adjtimex needs no filter. */
static const int clock_set[] = {
#ifdef __NR_settimeofday
	__NR_settimeofday,
#endif
#ifdef __NR_clock_settime
	__NR_clock_settime,
#endif
#ifdef __NR_clock_settime64
	__NR_clock_settime64,
#endif
#ifdef __NR_stime
	__NR_stime,
#endif
	NR_END
};

/* Port I/O, and the CPU emulation and obsolete calls nothing uses. */
static const int raw_obsolete[] = {
#ifdef __NR_iopl
	__NR_iopl,
#endif
#ifdef __NR_ioperm
	__NR_ioperm,
#endif
#ifdef __NR_modify_ldt
	__NR_modify_ldt,
#endif
#ifdef __NR_vm86
	__NR_vm86,
#endif
#ifdef __NR_vm86old
	__NR_vm86old,
#endif
#ifdef __NR_pciconfig_read
	__NR_pciconfig_read,
#endif
#ifdef __NR_pciconfig_write
	__NR_pciconfig_write,
#endif
#ifdef __NR_pciconfig_iobase
	__NR_pciconfig_iobase,
#endif
#ifdef __NR_uselib
	__NR_uselib,
#endif
#ifdef __NR__sysctl
	__NR__sysctl,
#endif
#ifdef __NR_sysfs
	__NR_sysfs,
#endif
#ifdef __NR_ustat
	__NR_ustat,
#endif
#ifdef __NR_bdflush
	__NR_bdflush,
#endif
#ifdef __NR_create_module
	__NR_create_module,
#endif
#ifdef __NR_get_kernel_syms
	__NR_get_kernel_syms,
#endif
#ifdef __NR_query_module
	__NR_query_module,
#endif
	NR_END
};

/* Their arguments are structs in memory a filter cannot read. */
static const int no_filter[] = {
#ifdef __NR_clone3
	__NR_clone3,
#endif
#ifdef __NR_openat2
	__NR_openat2,
#endif
	NR_END
};

static const struct sysgroup groups[] = {
	{ "debug", debug, EPERM },
	{ "surface", surface, EPERM },
	{ "namespaces", namespaces, EPERM },
	{ "mounts", mounts, EPERM },
	{ "admin", admin, EPERM },
	{ "clock_set", clock_set, EPERM },
	{ "raw_obsolete", raw_obsolete, EPERM },
	{ "no_filter", no_filter, ENOSYS },
};

/* ---------------------------------------------------------------- */
/* Calls refused for some arguments only. */

enum argtest {
	T_BITS,		/* refused when the argument has a bit of v[0] */
	T_IN,		/* refused when the argument is one of v */
	T_NOT_IN,	/* refused unless the argument is one of v */
};

struct argrule {
	const char	*name;
	int		 nr;
	int		 arg;
	enum argtest	 test;
	uint32_t	 v[2];
	int		 nv;
	int		 if_arg;	/* -1, or: tested only when */
	uint32_t	 if_bits;	/* that argument has one of these */
};

static const struct argrule argrules[] = {
	{ "ioctl TIOCSTI TIOCLINUX", __NR_ioctl, 1, T_IN,
	    { TIOCSTI, TIOCLINUX }, 2, -1, 0 },
#ifdef __NR_chmod
	{ "chmod", __NR_chmod, 1, T_BITS, { SUID_SGID }, 1, -1, 0 },
#endif
	{ "fchmod", __NR_fchmod, 1, T_BITS, { SUID_SGID }, 1, -1, 0 },
	{ "fchmodat", __NR_fchmodat, 2, T_BITS, { SUID_SGID }, 1, -1, 0 },
	{ "fchmodat2", __NR_fchmodat2, 2, T_BITS, { SUID_SGID }, 1, -1, 0 },
#ifdef __NR_open
	{ "open", __NR_open, 2, T_BITS, { SUID_SGID }, 1, 1, O_MAKES_FILE },
#endif
	{ "openat", __NR_openat, 3, T_BITS, { SUID_SGID }, 1, 2, O_MAKES_FILE },
#ifdef __NR_creat
	{ "creat", __NR_creat, 1, T_BITS, { SUID_SGID }, 1, -1, 0 },
#endif
#ifdef __NR_mknod
	{ "mknod", __NR_mknod, 1, T_BITS, { SUID_SGID }, 1, -1, 0 },
#endif
	{ "mknodat", __NR_mknodat, 2, T_BITS, { SUID_SGID }, 1, -1, 0 },
	/* mkdir needs no rule: the kernel drops S_ISUID and S_ISGID there. */
	{ "clone", __NR_clone, CLONE_FLAGS_ARG, T_BITS, { CLONE_NEW_ANY }, 1,
	    -1, 0 },
	/* Only Linux's own persona, and the query; no ADDR_NO_RANDOMIZE. */
	{ "personality", __NR_personality, 0, T_NOT_IN,
	    { PER_LINUX, PERSONA_QUERY }, 2, -1, 0 },
};

/* ---------------------------------------------------------------- */

#define LOAD(off)	((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | \
			    BPF_ABS, (off)))
#define RET(k)		((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, \
			    (k)))
#define JUMP(op, k, t, f) ((struct sock_filter)BPF_JUMP(BPF_JMP | (op) | \
			    BPF_K, (k), (t), (f)))

struct emit {
	struct sock_filter	*prog;
	size_t			 n, max;
	int			 full;
};

static void
put(struct emit *e, struct sock_filter insn)
{
	if (e->n == e->max) {
		e->full = 1;
		return;
	}
	e->prog[e->n++] = insn;
}

/*
 * One block per argument rule, entered with the call number loaded:
 *	JEQ nr, else skip the block
 *	[LD if_arg; JSET if_bits, else ALLOW]
 *	LD arg; one jump per value, each to REFUSE, ALLOW or the next
 *	REFUSE: RET ERRNO(EPERM)
 *	ALLOW:  RET ALLOW
 * The block ends in a RET either way, so the number is loaded once.
 */
static void
put_argrule(struct emit *e, const struct argrule *r)
{
	size_t len, refuse, allow, at, i, ntest;

	ntest = r->test == T_BITS ? 1 : (size_t)r->nv;
	len = 1 + (r->if_arg >= 0 ? 2 : 0) + 1 + ntest + 2;
	refuse = len - 2;
	allow = len - 1;
	put(e, JUMP(BPF_JEQ, (uint32_t)r->nr, 0, (uint8_t)(len - 1)));
	at = 1;
	if (r->if_arg >= 0) {
		put(e, LOAD(ARG_LOW(r->if_arg)));
		at++;
		put(e, JUMP(BPF_JSET, r->if_bits, 0,
		    (uint8_t)(allow - (at + 1))));
		at++;
	}
	put(e, LOAD(ARG_LOW(r->arg)));
	at++;
	for (i = 0; i < ntest; i++, at++) {
		uint8_t next_or_refuse = 0, next_or_allow = 0;

		if (i + 1 == ntest) {
			next_or_refuse = (uint8_t)(refuse - (at + 1));
			next_or_allow = (uint8_t)(allow - (at + 1));
		}
		switch (r->test) {
		case T_BITS:
			put(e, JUMP(BPF_JSET, r->v[0],
			    (uint8_t)(refuse - (at + 1)), next_or_allow));
			break;
		case T_IN:
			put(e, JUMP(BPF_JEQ, r->v[i],
			    (uint8_t)(refuse - (at + 1)), next_or_allow));
			break;
		case T_NOT_IN:
			put(e, JUMP(BPF_JEQ, r->v[i],
			    (uint8_t)(allow - (at + 1)), next_or_refuse));
			break;
		}
	}
	put(e, RET(SECCOMP_RET_ERRNO | EPERM));
	put(e, RET(SECCOMP_RET_ALLOW));
}

/* A number the program tests: a group's (refused whatever the arguments) or a rule's. */
struct entry {
	uint32_t		 nr;
	const struct sysgroup	*g;
	const struct argrule	*r;
};

/* Enough for every table above, with room to spare; checked. */
#define MAX_ENTRIES	160

/* Numbers in a leaf, tested one after the other. */
#define LEAF		4

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

/*
 * Entries [lo, hi) of the sorted table, entered with the number loaded.
 * A leaf tests each number (a group's: RET its errno; a rule's: its
 * block, which ends in a RET), then allows.  A node splits at the
 * middle number: JGE it to the upper half, the lower half next.  Every
 * path ends in a RET, so the halves need no jump out.  -1 when a jump
 * does not fit in the 8 bits BPF has for it.
 */
static int
put_node(struct emit *e, const struct entry *t, size_t lo, size_t hi)
{
	size_t i, mid, at;

	if (hi - lo <= LEAF) {
		for (i = lo; i < hi; i++) {
			if (t[i].r != NULL) {
				put_argrule(e, t[i].r);
				continue;
			}
			put(e, JUMP(BPF_JEQ, t[i].nr, 0, 1));
			put(e, RET(SECCOMP_RET_ERRNO | (uint32_t)t[i].g->err));
		}
		put(e, RET(SECCOMP_RET_ALLOW));
		return 0;
	}
	mid = lo + (hi - lo) / 2;
	at = e->n;
	put(e, JUMP(BPF_JGE, t[mid].nr, 0, 0));
	if (put_node(e, t, lo, mid) == -1)
		return -1;
	if (e->full)
		return 0;
	if (e->n - (at + 1) > UINT8_MAX)
		return -1;
	e->prog[at].jt = (uint8_t)(e->n - (at + 1));
	return put_node(e, t, mid, hi);
}

/* The table of every number, sorted; a number named twice is an error. */
static int
put_tree(struct emit *e)
{
	struct entry t[MAX_ENTRIES];
	size_t g, i, n = 0;

	for (i = 0; i < sizeof(argrules) / sizeof(argrules[0]); i++) {
		if (n == MAX_ENTRIES)
			return -1;
		t[n].nr = (uint32_t)argrules[i].nr;
		t[n].g = NULL;
		t[n++].r = &argrules[i];
	}
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (i = 0; groups[g].nr[i] != NR_END; i++) {
			if (n == MAX_ENTRIES)
				return -1;
			t[n].nr = (uint32_t)groups[g].nr[i];
			t[n].g = &groups[g];
			t[n++].r = NULL;
		}
	}
	qsort(t, n, sizeof(t[0]), entry_cmp);
	for (i = 1; i < n; i++)
		if (t[i].nr == t[i - 1].nr)
			return -1;
	return put_node(e, t, 0, n);
}

size_t
filter_build(struct sock_filter *prog, size_t max)
{
	struct emit e = { prog, 0, max, 0 };

	put(&e, LOAD(offsetof(struct seccomp_data, arch)));
	put(&e, JUMP(BPF_JEQ, ARCH_NATIVE, 1, 0));
	put(&e, RET(SECCOMP_RET_ERRNO | ENOSYS));
	put(&e, LOAD(offsetof(struct seccomp_data, nr)));
#ifdef X32_BIT
	/* x86_64 and x32 share AUDIT_ARCH_X86_64; the number tells them. */
	put(&e, JUMP(BPF_JGE, X32_BIT, X32_NATIVE ? 1 : 0, X32_NATIVE ? 0 : 1));
	put(&e, RET(SECCOMP_RET_ERRNO | ENOSYS));
#endif
#ifdef NR_LO
	/* nr >= NR_HI, or nr < NR_LO: another ABI's number */
	put(&e, JUMP(BPF_JGE, NR_HI, 1, 0));
	put(&e, JUMP(BPF_JGE, NR_LO, 1, 0));
	put(&e, RET(SECCOMP_RET_ERRNO | ENOSYS));
#endif
	/*
	 * Then a binary search on the number.  The kernel runs this program
	 * once per call number of each ABI when it is installed, to cache
	 * the verdict of every call whose path reads no argument (all but
	 * the argument rules' calls, which run it each time): a linear
	 * chain of 90 tests made that about 0.1 ms a session.
	 */
	if (put_tree(&e) == -1)
		return 0;
	return e.full ? 0 : e.n;
}

int
filter_install(char *why, size_t len)
{
	static struct sock_filter prog[BPF_MAXINSNS];
	struct sock_fprog fprog;
	size_t n;

	if ((n = filter_build(prog, sizeof(prog) / sizeof(prog[0]))) == 0) {
		snprintf(why, len, "seccomp filter: more than %d instructions",
		    BPF_MAXINSNS);
		return -1;
	}
	fprog.len = (unsigned short)n;
	fprog.filter = prog;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == -1) {
		snprintf(why, len, "seccomp filter: %s", strerror(errno));
		return -1;
	}
	return 0;
}
