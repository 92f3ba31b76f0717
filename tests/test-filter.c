/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session's seccomp filter, two ways.  Needs no root.
 *
 * 1. The program filter_build() writes is run here, by a small BPF
 *    interpreter, on made-up calls: every call this file lists as
 *    refused must be refused with its errno, for any arguments; the
 *    argument rules refuse exactly the values they name; another ABI
 *    and x32 get ENOSYS; ordinary calls pass.  The list below is written
 *    apart from src/filter.c's tables on purpose.
 * 2. The filter is installed (no_new_privs) in a child whose controlling
 *    terminal is a pseudo-terminal of its own, and real calls are made:
 *    each refused call is first made without the filter, with arguments
 *    the kernel rejects differently or accepts harmlessly, so that an
 *    EPERM afterwards is the filter's.  Calls that change the process
 *    (unshare, personality, clone, ptrace) run in a grandchild.  The
 *    other ABI's entry is tried where a process can take it: int 0x80
 *    on x86_64, the 64-bit code segment on i386 (on an amd64 kernel).
 * tests/cross-filter.sh builds this for other architectures and runs
 * part 1 alone under qemu-user (--program-only), which loads no filter.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "filter.h"
#include "tap.h"

#ifndef __NR_fchmodat2
#if defined(__mips__)
#define __NR_fchmodat2	(__NR_Linux + 452)
#else
#define __NR_fchmodat2	452	/* the generic number */
#endif
#endif

/* clone(flags, stack, ...), but clone(stack, flags, ...) on s390 */
#if defined(__s390__)
#define CLONE_ARGS(f)	0, (f)
#else
#define CLONE_ARGS(f)	(f), 0
#endif

/* ---------------------------------------------------------------- */
/* 1. The program, run here */

/*
 * The ABI of the build, as the kernel names it in seccomp_data.arch, and
 * other arches of the same machine (FOREIGN), for Debian's
 * architectures.  Written here apart from src/filter.c on purpose.
 */
#if defined(__x86_64__) && defined(__ILP32__)
#define NATIVE	AUDIT_ARCH_X86_64	/* x32: tested by its number's bit */
#define FOREIGN	AUDIT_ARCH_I386
#elif defined(__x86_64__)
#define NATIVE	AUDIT_ARCH_X86_64
#define FOREIGN	AUDIT_ARCH_I386
#elif defined(__i386__)
#define NATIVE	AUDIT_ARCH_I386
#define FOREIGN	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE	AUDIT_ARCH_AARCH64
#define FOREIGN	AUDIT_ARCH_ARM
#elif defined(__arm__)
#define NATIVE	AUDIT_ARCH_ARM
#define FOREIGN	AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE	AUDIT_ARCH_RISCV64
#define FOREIGN	AUDIT_ARCH_RISCV32
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE	AUDIT_ARCH_PPC64LE
#define FOREIGN	AUDIT_ARCH_PPC, AUDIT_ARCH_PPC64
#elif defined(__s390x__)
#define NATIVE	AUDIT_ARCH_S390X
#define FOREIGN	AUDIT_ARCH_S390
#elif defined(__mips__) && _MIPS_SIM == _ABI64 && defined(__MIPSEL__)
#define NATIVE	AUDIT_ARCH_MIPSEL64
#define FOREIGN	AUDIT_ARCH_MIPSEL, AUDIT_ARCH_MIPSEL64N32
#elif defined(__mips__) && _MIPS_SIM == _ABI64
#define NATIVE	AUDIT_ARCH_MIPS64
#define FOREIGN	AUDIT_ARCH_MIPS, AUDIT_ARCH_MIPS64N32
#elif defined(__mips__) && _MIPS_SIM == _ABIO32 && defined(__MIPSEL__)
#define NATIVE	AUDIT_ARCH_MIPSEL
#define FOREIGN	AUDIT_ARCH_MIPSEL64, AUDIT_ARCH_MIPSEL64N32
#elif defined(__mips__) && _MIPS_SIM == _ABIO32
#define NATIVE	AUDIT_ARCH_MIPS
#define FOREIGN	AUDIT_ARCH_MIPS64, AUDIT_ARCH_MIPS64N32
#elif defined(__loongarch64)
#define NATIVE	AUDIT_ARCH_LOONGARCH64
#define FOREIGN	AUDIT_ARCH_LOONGARCH32
#endif

static struct sock_filter prog[BPF_MAXINSNS];
static size_t nprog;

#ifdef NATIVE
#define BAD	0xdeadbeefu

static uint32_t
run(const struct sock_filter *p, size_t n, const struct seccomp_data *d)
{
	const struct sock_filter *f;
	uint32_t a = 0;
	size_t pc = 0;

	while (pc < n) {
		f = &p[pc++];
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k % 4 != 0 || f->k + 4 > sizeof(*d))
				return BAD;
			memcpy(&a, (const char *)d + f->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) != 0 ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			return BAD;
		}
	}
	return BAD;	/* the kernel refuses a program that can run off */
}

static uint32_t
verdict(int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = NATIVE;
	d.args[0] = a0;
	d.args[1] = a1;
	d.args[2] = a2;
	d.args[3] = a3;
	return run(prog, nprog, &d);
}

#define ALLOW		SECCOMP_RET_ALLOW
#define EPERM_		(SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_		(SECCOMP_RET_ERRNO | ENOSYS)

struct sc {
	const char	*name;
	int		 nr;
	uint32_t	 want;
};

#define SC(n, w)	{ #n, __NR_##n, w }

/* Refused whatever the arguments. */
static const struct sc refused[] = {
#ifdef __NR_ptrace
	SC(ptrace, EPERM_),
#endif
#ifdef __NR_process_vm_readv
	SC(process_vm_readv, EPERM_),
#endif
#ifdef __NR_process_vm_writev
	SC(process_vm_writev, EPERM_),
#endif
#ifdef __NR_perf_event_open
	SC(perf_event_open, EPERM_),
#endif
#ifdef __NR_kcmp
	SC(kcmp, EPERM_),
#endif
#ifdef __NR_pidfd_getfd
	SC(pidfd_getfd, EPERM_),
#endif
#ifdef __NR_process_madvise
	SC(process_madvise, EPERM_),
#endif
#ifdef __NR_lookup_dcookie
	SC(lookup_dcookie, EPERM_),
#endif
#ifdef __NR_bpf
	SC(bpf, EPERM_),
#endif
#ifdef __NR_userfaultfd
	SC(userfaultfd, EPERM_),
#endif
#ifdef __NR_io_uring_setup
	SC(io_uring_setup, EPERM_),
#endif
#ifdef __NR_io_uring_enter
	SC(io_uring_enter, EPERM_),
#endif
#ifdef __NR_io_uring_register
	SC(io_uring_register, EPERM_),
#endif
#ifdef __NR_keyctl
	SC(keyctl, EPERM_),
#endif
#ifdef __NR_add_key
	SC(add_key, EPERM_),
#endif
#ifdef __NR_request_key
	SC(request_key, EPERM_),
#endif
#ifdef __NR_unshare
	SC(unshare, EPERM_),
#endif
#ifdef __NR_setns
	SC(setns, EPERM_),
#endif
#ifdef __NR_mount
	SC(mount, EPERM_),
#endif
#ifdef __NR_umount2
	SC(umount2, EPERM_),
#endif
#ifdef __NR_umount
	SC(umount, EPERM_),
#endif
#ifdef __NR_pivot_root
	SC(pivot_root, EPERM_),
#endif
#ifdef __NR_chroot
	SC(chroot, EPERM_),
#endif
#ifdef __NR_fsopen
	SC(fsopen, EPERM_),
#endif
#ifdef __NR_fsconfig
	SC(fsconfig, EPERM_),
#endif
#ifdef __NR_fsmount
	SC(fsmount, EPERM_),
#endif
#ifdef __NR_fspick
	SC(fspick, EPERM_),
#endif
#ifdef __NR_move_mount
	SC(move_mount, EPERM_),
#endif
#ifdef __NR_open_tree
	SC(open_tree, EPERM_),
#endif
#ifdef __NR_mount_setattr
	SC(mount_setattr, EPERM_),
#endif
#ifdef __NR_init_module
	SC(init_module, EPERM_),
#endif
#ifdef __NR_finit_module
	SC(finit_module, EPERM_),
#endif
#ifdef __NR_delete_module
	SC(delete_module, EPERM_),
#endif
#ifdef __NR_kexec_load
	SC(kexec_load, EPERM_),
#endif
#ifdef __NR_kexec_file_load
	SC(kexec_file_load, EPERM_),
#endif
#ifdef __NR_reboot
	SC(reboot, EPERM_),
#endif
#ifdef __NR_swapon
	SC(swapon, EPERM_),
#endif
#ifdef __NR_swapoff
	SC(swapoff, EPERM_),
#endif
#ifdef __NR_acct
	SC(acct, EPERM_),
#endif
#ifdef __NR_quotactl
	SC(quotactl, EPERM_),
#endif
#ifdef __NR_quotactl_fd
	SC(quotactl_fd, EPERM_),
#endif
#ifdef __NR_syslog
	SC(syslog, EPERM_),
#endif
#ifdef __NR_vhangup
	SC(vhangup, EPERM_),
#endif
#ifdef __NR_sethostname
	SC(sethostname, EPERM_),
#endif
#ifdef __NR_setdomainname
	SC(setdomainname, EPERM_),
#endif
#ifdef __NR_open_by_handle_at
	SC(open_by_handle_at, EPERM_),
#endif
#ifdef __NR_settimeofday
	SC(settimeofday, EPERM_),
#endif
#ifdef __NR_clock_settime
	SC(clock_settime, EPERM_),
#endif
#ifdef __NR_clock_settime64
	SC(clock_settime64, EPERM_),
#endif
#ifdef __NR_stime
	SC(stime, EPERM_),
#endif
#ifdef __NR_iopl
	SC(iopl, EPERM_),
#endif
#ifdef __NR_ioperm
	SC(ioperm, EPERM_),
#endif
#ifdef __NR_modify_ldt
	SC(modify_ldt, EPERM_),
#endif
#ifdef __NR_uselib
	SC(uselib, EPERM_),
#endif
#ifdef __NR__sysctl
	SC(_sysctl, EPERM_),
#endif
#ifdef __NR_sysfs
	SC(sysfs, EPERM_),
#endif
#ifdef __NR_ustat
	SC(ustat, EPERM_),
#endif
#ifdef __NR_bdflush
	SC(bdflush, EPERM_),
#endif
#ifdef __NR_create_module
	SC(create_module, EPERM_),
#endif
#ifdef __NR_get_kernel_syms
	SC(get_kernel_syms, EPERM_),
#endif
#ifdef __NR_query_module
	SC(query_module, EPERM_),
#endif
#ifdef __NR_nfsservctl
	SC(nfsservctl, EPERM_),
#endif
#ifdef __NR_pciconfig_read
	SC(pciconfig_read, EPERM_),
#endif
#ifdef __NR_pciconfig_write
	SC(pciconfig_write, EPERM_),
#endif
#ifdef __NR_pciconfig_iobase
	SC(pciconfig_iobase, EPERM_),
#endif
#ifdef __NR_vm86
	SC(vm86, EPERM_),
#endif
#ifdef __NR_vm86old
	SC(vm86old, EPERM_),
#endif
#ifdef __NR_clone3
	SC(clone3, ENOSYS_),
#endif
#ifdef __NR_openat2
	SC(openat2, ENOSYS_),
#endif
};

/* Left alone: a deploy's programs need them, or they are harmless. */
static const struct sc allowed[] = {
#ifdef __NR_read
	SC(read, ALLOW),
#endif
#ifdef __NR_write
	SC(write, ALLOW),
#endif
#ifdef __NR_openat
	SC(openat, ALLOW),
#endif
#ifdef __NR_close
	SC(close, ALLOW),
#endif
#ifdef __NR_execve
	SC(execve, ALLOW),
#endif
#ifdef __NR_execveat
	SC(execveat, ALLOW),
#endif
#ifdef __NR_wait4
	SC(wait4, ALLOW),
#endif
#ifdef __NR_kill
	SC(kill, ALLOW),
#endif
#ifdef __NR_getpid
	SC(getpid, ALLOW),
#endif
#ifdef __NR_socket
	SC(socket, ALLOW),
#endif
#ifdef __NR_connect
	SC(connect, ALLOW),
#endif
#ifdef __NR_bind
	SC(bind, ALLOW),
#endif
#ifdef __NR_mmap
	SC(mmap, ALLOW),
#endif
#ifdef __NR_mprotect
	SC(mprotect, ALLOW),
#endif
#ifdef __NR_prctl
	SC(prctl, ALLOW),
#endif
#ifdef __NR_seccomp
	SC(seccomp, ALLOW),
#endif
#ifdef __NR_landlock_create_ruleset
	SC(landlock_create_ruleset, ALLOW),
#endif
#ifdef __NR_landlock_restrict_self
	SC(landlock_restrict_self, ALLOW),
#endif
#ifdef __NR_memfd_create
	SC(memfd_create, ALLOW),
#endif
#ifdef __NR_adjtimex
	SC(adjtimex, ALLOW),
#endif
#ifdef __NR_clock_adjtime
	SC(clock_adjtime, ALLOW),
#endif
#ifdef __NR_name_to_handle_at
	SC(name_to_handle_at, ALLOW),
#endif
#ifdef __NR_pidfd_open
	SC(pidfd_open, ALLOW),
#endif
#ifdef __NR_setrlimit
	SC(setrlimit, ALLOW),
#endif
#ifdef __NR_fchown
	SC(fchown, ALLOW),
#endif
#ifdef __NR_mkdirat
	SC(mkdirat, ALLOW),
#endif
};

static const struct {
	const char	*name;
	unsigned long	 flag;
} newns[] = {
	{ "CLONE_NEWNS", CLONE_NEWNS }, { "CLONE_NEWCGROUP", CLONE_NEWCGROUP },
	{ "CLONE_NEWUTS", CLONE_NEWUTS }, { "CLONE_NEWIPC", CLONE_NEWIPC },
	{ "CLONE_NEWUSER", CLONE_NEWUSER }, { "CLONE_NEWPID", CLONE_NEWPID },
	{ "CLONE_NEWNET", CLONE_NEWNET },
};

static const uint32_t foreign[] = { FOREIGN, 0x12345678u };

#if defined(__mips__)
static const int mips_ptrace[] = { 4000 + 26, 5000 + 99, 6000 + 99 };
#endif

/* This ABI's first call number, and how many there may be. */
#if defined(__mips__)
#define ABI_BASE	__NR_Linux
#define ABI_COUNT	1000
#elif defined(__x86_64__) && defined(__ILP32__)
#define ABI_BASE	0x40000000
#elif defined(__arm__) && defined(__NR_SYSCALL_BASE)
#define ABI_BASE	__NR_SYSCALL_BASE
#else
#define ABI_BASE	0
#endif
#ifndef ABI_COUNT
#define ABI_COUNT	1024
#endif

static void
test_program(void)
{
	struct seccomp_data d;
	size_t i;
	int bad = 0, n;

	nprog = filter_build(prog, BPF_MAXINSNS);
	ok(nprog > 0 && nprog < BPF_MAXINSNS, "the filter builds (%zu "
	    "instructions)", nprog);
	ok(filter_build(prog, 10) == 0, "a program that does not fit is "
	    "not half built");
	nprog = filter_build(prog, BPF_MAXINSNS);

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (verdict(refused[i].nr, 0, 0, 0, 0) != refused[i].want ||
		    verdict(refused[i].nr, ~0ULL, ~0ULL, ~0ULL, ~0ULL) !=
		    refused[i].want) {
			tap_diag("  %s is not refused", refused[i].name);
			bad++;
		}
	}
	ok(bad == 0, "%zu calls are refused whatever their arguments",
	    sizeof(refused) / sizeof(refused[0]));
	bad = 0;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (verdict(allowed[i].nr, 0, 0, 0, 0) != ALLOW) {
			tap_diag("  %s is refused", allowed[i].name);
			bad++;
		}
	}
	ok(bad == 0, "%zu ordinary calls pass",
	    sizeof(allowed) / sizeof(allowed[0]));
	/*
	 * Every other number of this ABI passes (with arguments that no
	 * argument rule refuses): the search tree refuses nothing more
	 * than the tables.
	 */
	bad = 0;
	for (n = 0; n < ABI_COUNT; n++) {
		for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			if (refused[i].nr == ABI_BASE + n)
				break;
		if (i < sizeof(refused) / sizeof(refused[0]))
			continue;
		if (verdict(ABI_BASE + n, 0, 0, 0, 0) != ALLOW) {
			if (bad++ < 5)
				tap_diag("  %d is refused", ABI_BASE + n);
		}
	}
	ok(bad == 0, "every other number from %d to %d passes", ABI_BASE,
	    ABI_BASE + ABI_COUNT - 1);

	/* setuid and setgid bits, in every call that sets a mode */
	is_int(verdict(__NR_fchmod, 3, 04755, 0, 0), EPERM_, "fchmod 04755");
	is_int(verdict(__NR_fchmod, 3, 02750, 0, 0), EPERM_, "fchmod 02750");
	is_int(verdict(__NR_fchmod, 3, 0755, 0, 0), ALLOW, "fchmod 0755");
	is_int(verdict(__NR_fchmod, 3, 01777, 0, 0), ALLOW,
	    "fchmod 01777 (sticky is fine)");
	is_int(verdict(__NR_fchmod, 3, 0x100000000ULL | 04755, 0, 0), EPERM_,
	    "fchmod 04755 with high bits");
	is_int(verdict(__NR_fchmod, 3, 0x100000000ULL | 0755, 0, 0), ALLOW,
	    "fchmod 0755 with high bits");
	is_int(verdict(__NR_fchmodat, AT_FDCWD, 0, 06755, 0), EPERM_,
	    "fchmodat 06755");
	is_int(verdict(__NR_fchmodat, AT_FDCWD, 04755, 0644, 0), ALLOW,
	    "fchmodat reads its third argument, not its second");
	is_int(verdict(__NR_fchmodat2, AT_FDCWD, 0, 04755, 0), EPERM_,
	    "fchmodat2 04755");
	is_int(verdict(__NR_fchmodat2, AT_FDCWD, 0, 0644, 0), ALLOW,
	    "fchmodat2 0644");
#ifdef __NR_chmod
	is_int(verdict(__NR_chmod, 0, 04755, 0, 0), EPERM_, "chmod 04755");
	is_int(verdict(__NR_chmod, 0, 0700, 0, 0), ALLOW, "chmod 0700");
#endif
	is_int(verdict(__NR_mknodat, AT_FDCWD, 0, S_IFREG | 04755, 0),
	    EPERM_, "mknodat S_IFREG|04755");
	is_int(verdict(__NR_mknodat, AT_FDCWD, 0, S_IFIFO | 0644, 0), ALLOW,
	    "mknodat a FIFO");
	is_int(verdict(__NR_openat, AT_FDCWD, 0, O_CREAT | O_WRONLY, 04755),
	    EPERM_, "openat O_CREAT 04755");
	is_int(verdict(__NR_openat, AT_FDCWD, 0, O_TMPFILE | O_RDWR, 02755),
	    EPERM_, "openat O_TMPFILE 02755");
	is_int(verdict(__NR_openat, AT_FDCWD, 0, O_CREAT | O_WRONLY, 0644),
	    ALLOW, "openat O_CREAT 0644");
	is_int(verdict(__NR_openat, AT_FDCWD, 0, O_RDONLY, 04755), ALLOW,
	    "openat without O_CREAT: the mode means nothing");
#ifdef __NR_open
	is_int(verdict(__NR_open, 0, O_CREAT, 06000, 0), EPERM_,
	    "open O_CREAT 06000");
	is_int(verdict(__NR_open, 0, O_RDWR, 06000, 0), ALLOW,
	    "open without O_CREAT");
#endif
#ifdef __NR_creat
	is_int(verdict(__NR_creat, 0, 04700, 0, 0), EPERM_, "creat 04700");
#endif

	/* terminal injection, namespaces, persona */
	is_int(verdict(__NR_ioctl, 0, TIOCSTI, 0, 0), EPERM_, "ioctl TIOCSTI");
	is_int(verdict(__NR_ioctl, 0, TIOCSTI | (1ULL << 32), 0, 0), EPERM_,
	    "ioctl TIOCSTI with high bits");
	is_int(verdict(__NR_ioctl, 0, TIOCLINUX, 0, 0), EPERM_,
	    "ioctl TIOCLINUX");
	is_int(verdict(__NR_ioctl, 0, TIOCGWINSZ, 0, 0), ALLOW,
	    "ioctl TIOCGWINSZ");
	for (i = 0; i < sizeof(newns) / sizeof(newns[0]); i++)
		is_int(verdict(__NR_clone, CLONE_ARGS(newns[i].flag | SIGCHLD),
		    0, 0), EPERM_, "clone %s", newns[i].name);
	is_int(verdict(__NR_clone, CLONE_ARGS(CLONE_VM | CLONE_FS |
	    CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
	    CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID), 0, 0),
	    ALLOW, "clone for a thread");
	is_int(verdict(__NR_clone, CLONE_ARGS(SIGCHLD), 0, 0), ALLOW,
	    "clone for fork");
	is_int(verdict(__NR_personality, PER_LINUX, 0, 0, 0), ALLOW,
	    "personality(PER_LINUX)");
	is_int(verdict(__NR_personality, 0xffffffffu, 0, 0, 0), ALLOW,
	    "personality query");
	is_int(verdict(__NR_personality, PER_LINUX32, 0, 0, 0), EPERM_,
	    "personality(PER_LINUX32)");
	is_int(verdict(__NR_personality, ADDR_NO_RANDOMIZE, 0, 0, 0), EPERM_,
	    "personality(ADDR_NO_RANDOMIZE)");

	/* other ABIs, by arch: any call, even one this ABI allows */
	memset(&d, 0, sizeof(d));
	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		d.arch = foreign[i];
		d.nr = __NR_getpid;
		is_int(run(prog, nprog, &d), ENOSYS_, "a call of arch %#x "
		    "(%s): ENOSYS", foreign[i], i + 1 ==
		    sizeof(foreign) / sizeof(foreign[0]) ? "unknown" :
		    "another ABI of this machine");
	}
#if defined(__x86_64__) && !defined(__ILP32__)
	is_int(verdict(0x40000000 | __NR_getpid, 0, 0, 0, 0), ENOSYS_,
	    "an x32 call: ENOSYS");
	is_int(verdict(0x40000000 | __NR_chmod, 0, 04755, 0, 0), ENOSYS_,
	    "an x32 chmod: ENOSYS");
#elif defined(__x86_64__)
	is_int(verdict(__NR_getpid & ~0x40000000, 0, 0, 0, 0), ENOSYS_,
	    "an x86_64 call (no x32 bit): ENOSYS");
#endif
#if defined(__mips__)
	/* o32 at 4000, n64 at 5000, n32 at 6000: ptrace in each */
	for (i = 0; i < sizeof(mips_ptrace) / sizeof(mips_ptrace[0]); i++) {
		if (mips_ptrace[i] == __NR_ptrace)
			continue;
		is_int(verdict(mips_ptrace[i], 0, 0, 0, 0), ENOSYS_,
		    "%d, ptrace of another mips ABI: ENOSYS",
		    mips_ptrace[i]);
	}
	is_int(verdict(__NR_Linux - 1, 0, 0, 0, 0), ENOSYS_,
	    "%d, just below this ABI's numbers: ENOSYS", __NR_Linux - 1);
	is_int(verdict(__NR_Linux + 1000, 0, 0, 0, 0), ENOSYS_,
	    "%d, just above them: ENOSYS", __NR_Linux + 1000);
	is_int(verdict(__NR_Linux + 999, 0, 0, 0, 0), ALLOW,
	    "%d, the last of them, is not refused", __NR_Linux + 999);
#endif
}
#else
static void
test_program(void)
{
	nprog = filter_build(prog, BPF_MAXINSNS);
	ok(nprog > 0, "the filter builds");
	tap_diag("the made-up calls are checked on Debian's "
	    "architectures only");
}
#endif

/* ---------------------------------------------------------------- */
/* 2. The filter in a real process */

static int report = -1;

static void
say(int good, const char *what)
{
	char line[256];
	int n;

	n = snprintf(line, sizeof(line), "%d %s\n", good, what);
	(void)write(report, line, (size_t)n);
}

/* good: 1 passed, 0 failed, 2 only worth a note */

/* In a new session, a pty slave opened without O_NOCTTY becomes ours. */
static int
own_terminal(void)
{
	int m, s;

	if (setsid() == -1)
		return -1;
	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1 || grantpt(m) == -1 ||
	    unlockpt(m) == -1)
		return -1;
	if ((s = open(ptsname(m), O_RDWR)) == -1)
		return -1;
	return s;
}

static int
inject(int fd, unsigned long req)
{
	char c = 'x';

	return (int)syscall(SYS_ioctl, fd, req, &c);
}

#if defined(__x86_64__) && !defined(__ILP32__)
/* ioctl through the 32-bit entry (int 0x80, i386 number 54) */
static long
inject32(int fd)
{
	char *c;
	long r;

	c = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (c == MAP_FAILED)
		return -ENOMEM;
	*c = 'y';
	__asm__ volatile ("int $0x80" : "=a"(r) : "a"(54), "b"(fd),
	    "c"(TIOCSTI), "d"(c) : "memory");
	munmap(c, 4096);
	return r;
}

/* getpid through the 32-bit entry (i386 number 20) */
static long
getpid32(void)
{
	long r;

	__asm__ volatile ("int $0x80" : "=a"(r) : "a"(20) : "memory");
	return r;
}
#endif

#if defined(__i386__)
/*
 * getpid through the 64-bit entry of an amd64 kernel, which any 32-bit
 * process can take: a far return into the 64-bit code segment (0x33),
 * syscall there (getpid is 39), and a far return to the 32-bit one
 * (0x23).  The high halves of esp and edx are undefined in 64-bit mode
 * until a 32-bit write.  On an i386 kernel the jump faults.
 */
static long
getpid64(void)
{
	long r;

	__asm__ volatile (
	    "call 0f\n"
	    "0:\tpopl %%ecx\n\t"
	    "leal 2f-0b(%%ecx), %%edx\n\t"
	    "addl $1f-0b, %%ecx\n\t"
	    "pushl $0x33\n\t"
	    "pushl %%ecx\n\t"
	    "lret\n"
	    ".code64\n"
	    "1:\tmovl %%esp, %%esp\n\t"
	    "movl %%edx, %%edx\n\t"
	    "movl $39, %%eax\n\t"
	    "syscall\n\t"
	    "pushq $0x23\n\t"
	    "pushq %%rdx\n\t"
	    "lretq\n"
	    ".code32\n"
	    "2:"
	    : "=a"(r) : : "ecx", "edx", "memory", "cc");
	return r;
}

/* 0 when it works, ENOSYS when refused; in a child, for the fault */
static int
do_getpid64(void)
{
	long r = getpid64();

	return r == getpid() ? 0 : r == -ENOSYS ? ENOSYS : 99;
}
#endif

/* errno of a call, 0 when it worked */
#define ERR(call)	((call) == -1 ? errno : 0)

/* A call that changes the process runs in a child: its errno, or -1. */
static int
in_child(int (*fn)(void))
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int
do_traceme(void)
{
	return ERR(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
}

static int
do_unshare_user(void)
{
	return ERR(unshare(CLONE_NEWUSER));
}

/* glibc's personality() returns -EPERM and leaves errno: ask the kernel */
static int
do_persona32(void)
{
	errno = 0;
	return ERR(syscall(SYS_personality, PER_LINUX32));
}

static int
do_no_aslr(void)
{
	errno = 0;
	return ERR(syscall(SYS_personality, ADDR_NO_RANDOMIZE));
}

/* clone as fork does it, with namespace flags added */
static int
raw_clone(unsigned long flags)
{
	long pid;
	int st;

#if defined(__s390__)
	pid = syscall(SYS_clone, 0, flags | SIGCHLD, 0, 0, 0);
#else
	pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
#endif
	if (pid == 0)
		_exit(0);
	if (pid == -1)
		return errno;
	(void)waitpid((pid_t)pid, &st, 0);
	return 0;
}

static int
do_clone_user(void)
{
	return raw_clone(CLONE_NEWUSER);
}

static int
do_clone_ns(void)
{
	return raw_clone(CLONE_NEWUSER | CLONE_NEWNS);
}

/*
 * This program again, which exits at once: /bin/true may be of another
 * ABI (amd64 for an i386 build), whose calls all fail under the filter.
 */
static int
do_exec_self(void)
{
	static char arg0[] = "test-filter", arg1[] = "--exit";
	char *argv[] = { arg0, arg1, NULL }, *envp[] = { NULL };

	execve("/proc/self/exe", argv, envp);
	return errno;
}

static void *
thread_main(void *arg)
{
	return arg;
}

/* Every call the live tests make, unfiltered first and then filtered. */
struct probe {
	const char	*what;
	int		 err;	/* expected errno with the filter */
	int		 (*fn)(void);
	int		 before;
};

static const char *dir;
static char path[512], path2[512], path3[512];

static int
p_chmod_suid(void)
{
	return ERR(chmod(path, 04755));
}

static int
p_chmod_sgid(void)
{
	return ERR(chmod(path, 02755));
}

static int
p_fchmod(void)
{
	int fd, e;

	if ((fd = open(path, O_RDONLY)) == -1)
		return 99;
	e = ERR(fchmod(fd, 04711));
	close(fd);
	return e;
}

static int
p_fchmodat(void)
{
	return ERR(fchmodat(AT_FDCWD, path, 06755, 0));
}

static int
p_open_creat(void)
{
	int fd = open(path2, O_WRONLY | O_CREAT | O_EXCL, 04755);

	if (fd == -1)
		return errno;
	close(fd);
	(void)unlink(path2);
	return 0;
}

static int
p_tmpfile(void)
{
	int fd = open(dir, O_TMPFILE | O_RDWR, 02755);

	if (fd == -1)
		return errno;
	close(fd);
	return 0;
}

static int
p_mknod(void)
{
	if (mknod(path3, S_IFREG | 04755, 0) == -1)
		return errno;
	(void)unlink(path3);
	return 0;
}

static int
p_bpf(void)
{
	return ERR(syscall(__NR_bpf, 9999, NULL, 0));
}

static int
p_perf(void)
{
	return ERR(syscall(__NR_perf_event_open, NULL, 0, -1, -1, 0));
}

static int
p_uffd(void)
{
	return ERR(syscall(__NR_userfaultfd, ~0));
}

static int
p_keyctl(void)
{
	return ERR(syscall(__NR_keyctl, 9999, 0, 0, 0, 0));
}

static int
p_add_key(void)
{
	return ERR(syscall(__NR_add_key, NULL, NULL, NULL, 0, 0));
}

static int
p_io_uring(void)
{
	return ERR(syscall(__NR_io_uring_setup, 1, NULL));
}

static int
p_vm_readv(void)
{
	return ERR(syscall(__NR_process_vm_readv, getpid(), NULL, 0, NULL,
	    0, 0));
}

static int
p_setns(void)
{
	return ERR(setns(-1, 0));
}

static int
p_mount(void)
{
	return ERR(syscall(__NR_mount, NULL, NULL, NULL, 0, NULL));
}

static int
p_chroot(void)
{
	return ERR(syscall(__NR_chroot, NULL));
}

static int
p_clone3(void)
{
	return ERR(syscall(__NR_clone3, NULL, 0));
}

static int
p_traceme(void)
{
	return in_child(do_traceme);
}

static int
p_unshare(void)
{
	return in_child(do_unshare_user);
}

static int
p_persona(void)
{
	return in_child(do_persona32);
}

static int
p_no_aslr(void)
{
	return in_child(do_no_aslr);
}

static int
p_clone_user(void)
{
	return in_child(do_clone_user);
}

static int
p_clone_ns(void)
{
	return in_child(do_clone_ns);
}

static struct probe probes[] = {
	{ "chmod 04755", EPERM, p_chmod_suid, 0 },
	{ "chmod 02755", EPERM, p_chmod_sgid, 0 },
	{ "fchmod 04711", EPERM, p_fchmod, 0 },
	{ "fchmodat 06755", EPERM, p_fchmodat, 0 },
	{ "open O_CREAT 04755", EPERM, p_open_creat, 0 },
	{ "open O_TMPFILE 02755", EPERM, p_tmpfile, 0 },
	{ "mknod S_IFREG|04755", EPERM, p_mknod, 0 },
	{ "ptrace(PTRACE_TRACEME)", EPERM, p_traceme, 0 },
	{ "process_vm_readv", EPERM, p_vm_readv, 0 },
	{ "bpf", EPERM, p_bpf, 0 },
	{ "perf_event_open", EPERM, p_perf, 0 },
	{ "userfaultfd", EPERM, p_uffd, 0 },
	{ "keyctl", EPERM, p_keyctl, 0 },
	{ "add_key", EPERM, p_add_key, 0 },
	{ "io_uring_setup", EPERM, p_io_uring, 0 },
	{ "unshare(CLONE_NEWUSER)", EPERM, p_unshare, 0 },
	{ "setns", EPERM, p_setns, 0 },
	{ "clone(CLONE_NEWUSER)", EPERM, p_clone_user, 0 },
	{ "clone(CLONE_NEWUSER|CLONE_NEWNS)", EPERM, p_clone_ns, 0 },
	{ "clone3: ENOSYS, for libc to use clone", ENOSYS, p_clone3, 0 },
	{ "mount", EPERM, p_mount, 0 },
	{ "chroot", EPERM, p_chroot, 0 },
	{ "personality(PER_LINUX32)", EPERM, p_persona, 0 },
	{ "personality(ADDR_NO_RANDOMIZE)", EPERM, p_no_aslr, 0 },
};

#define NPROBES	(sizeof(probes) / sizeof(probes[0]))

static void
fresh_file(void)
{
	int fd;

	(void)unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1)
		close(fd);
	(void)chmod(path, 0644);
	(void)unlink(path2);
	(void)unlink(path3);
}

static void
check_sockets(void)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int l, c, a = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	say(l != -1 && c != -1 &&
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    listen(l, 1) == 0 &&
	    getsockname(l, (struct sockaddr *)&sin, &slen) == 0 &&
	    connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    (a = accept(l, NULL, NULL)) != -1 &&
	    write(c, "x", 1) == 1,
	    "TCP sockets work (bind, listen, connect, accept)");
	if (a != -1)
		close(a);
	close(l);
	close(c);
}

static void __attribute__((noreturn))
child(void)
{
	struct winsize ws;
	struct termios t;
	struct stat st;
	pthread_t th;
	char why[256], line[256], buf[8];
	size_t i;
	int tty, r, fd, st2, fchmodat2_ok;
	pid_t pid;
#if defined(__x86_64__) && !defined(__ILP32__)
	long r32, pid32;
#elif defined(__i386__)
	int r64;
#endif

	if ((tty = own_terminal()) == -1) {
		say(0, "a pseudo-terminal of our own");
		_exit(1);
	}
#if defined(__x86_64__) && !defined(__ILP32__)
	r32 = inject32(tty);
	pid32 = getpid32();
#elif defined(__i386__)
	r64 = in_child(do_getpid64);
#endif
	r = inject(tty, TIOCSTI);
	say(2, r == 0 ? "control: TIOCSTI works here without the filter" :
	    "control: TIOCSTI is refused here even without the filter");
	for (i = 0; i < NPROBES; i++) {
		fresh_file();
		probes[i].before = probes[i].fn();
	}
	fresh_file();
	fchmodat2_ok = syscall(__NR_fchmodat2, AT_FDCWD, path, 0644, 0) == 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		snprintf(why, sizeof(why), "no_new_privs: %s", strerror(errno));
	else if (filter_install(why, sizeof(why)) == 0)
		why[0] = '\0';
	if (why[0] != '\0') {
		snprintf(line, sizeof(line), "the filter installs (%.200s)",
		    why);
		say(0, line);
		_exit(1);
	}
	say(1, "the filter installs (no_new_privs, no root)");

	errno = 0;
	r = inject(tty, TIOCSTI);
	say(r == -1 && errno == EPERM, "TIOCSTI is refused with EPERM");
#if __SIZEOF_LONG__ == 8
	errno = 0;
	r = inject(tty, (unsigned long)TIOCSTI | (1UL << 32));
	say(r == -1 && errno == EPERM,
	    "TIOCSTI with high bits set in the request is refused too");
#endif
	errno = 0;
	r = inject(tty, TIOCLINUX);
	say(r == -1 && errno == EPERM, "TIOCLINUX is refused");
#if defined(__x86_64__) && !defined(__ILP32__)
	if (r32 == 0 && pid32 > 0) {
		say(inject32(tty) == -ENOSYS, "TIOCSTI through the 32-bit "
		    "system call entry is refused (ENOSYS)");
		say(getpid32() == -ENOSYS, "every call through the 32-bit "
		    "entry is refused (getpid: ENOSYS)");
	} else
		say(2, "no 32-bit system call entry here: not checked");
	errno = 0;
	r = (int)syscall(0x40000000 | __NR_getpid);
	say(r == -1 && errno == ENOSYS, "an x32 call is refused (ENOSYS)");
#elif defined(__i386__)
	if (r64 == 0)
		say(in_child(do_getpid64) == ENOSYS, "every call through the "
		    "64-bit entry is refused (getpid: ENOSYS)");
	else
		say(2, "no 64-bit system call entry here: not checked");
#endif

	for (i = 0; i < NPROBES; i++) {
		fresh_file();
		r = probes[i].fn();
		snprintf(line, sizeof(line), "%s: %s (unfiltered: %s)",
		    probes[i].what, r == probes[i].err ? "refused" :
		    r == 0 ? "allowed" : strerror(r),
		    probes[i].before == 0 ? "allowed" :
		    strerror(probes[i].before));
		say(r == probes[i].err, line);
		if (probes[i].before == probes[i].err) {
			snprintf(line, sizeof(line), "  (the kernel refuses "
			    "%s here anyway)", probes[i].what);
			say(2, line);
		}
	}
	fresh_file();
	if (fchmodat2_ok) {
		errno = 0;
		r = (int)syscall(__NR_fchmodat2, AT_FDCWD, path, 04755, 0);
		say(r == -1 && errno == EPERM, "fchmodat2 04755 is refused");
	} else
		say(2, "no fchmodat2 in this kernel: not checked");
	say(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644,
	    "the file's mode never changed");
	say(chmod(path, 0755) == 0 && stat(path, &st) == 0 &&
	    (st.st_mode & 07777) == 0755, "chmod 0755 works");
	say(chmod(path, 01777) == 0 && chmod(path, 0700) == 0,
	    "chmod with the sticky bit works");
	(void)unlink(path2);
	fd = open(path2, O_RDWR | O_CREAT | O_EXCL, 0640);
	say(fd != -1 && write(fd, "abc", 3) == 3 && lseek(fd, 0, SEEK_SET) == 0
	    && read(fd, buf, 3) == 3 && memcmp(buf, "abc", 3) == 0,
	    "open O_CREAT 0640, write and read work");
	if (fd != -1)
		close(fd);
	say(mkdir(path3, 02755) == 0 && rmdir(path3) == 0,
	    "mkdir works (the kernel drops S_ISGID there itself)");
	say(personality(0xffffffff) != -1 && personality(PER_LINUX) != -1,
	    "personality query and PER_LINUX work");

	pid = fork();
	if (pid == 0)
		_exit(7);
	say(pid > 0 && waitpid(pid, &st2, 0) == pid && WIFEXITED(st2) &&
	    WEXITSTATUS(st2) == 7, "fork and wait work");
	say(in_child(do_exec_self) == 0, "execve works (this program again)");
	say(pthread_create(&th, NULL, thread_main, NULL) == 0 &&
	    pthread_join(th, NULL) == 0,
	    "threads work (libc falls back from clone3 to clone)");
	check_sockets();

	say(ioctl(tty, TIOCGWINSZ, &ws) == 0, "other ioctls work (TIOCGWINSZ)");
	say(tcgetattr(tty, &t) == 0 && tcsetattr(tty, TCSANOW, &t) == 0,
	    "tcgetattr and tcsetattr work");
	_exit(0);
}

/*
 * --program-only: part 1 alone, for qemu-user, which refuses to load a
 * seccomp filter (tests/cross-filter.sh).  --exit: for do_exec_self().
 */
int
main(int argc, char **argv)
{
	char buf[16384], *line, *nl;
	static char tmpl[] = "/tmp/test-filter.XXXXXX";
	size_t len = 0;
	ssize_t n;
	pid_t pid;
	int fd[2], st;

	/*
	 * _exit: no atexit handlers, so a sanitizer build's leak check
	 * (which ptraces, and the filter refuses ptrace) does not run.
	 */
	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		_exit(0);
	test_program();
	if (argc > 1 && strcmp(argv[1], "--program-only") == 0) {
		tap_diag("the filter is not installed (--program-only)");
		return tap_done();
	}

	if ((dir = mkdtemp(tmpl)) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(path2, sizeof(path2), "%s/g", dir);
	snprintf(path3, sizeof(path3), "%s/h", dir);
	if (pipe(fd) == -1)
		return 1;
	fflush(stdout);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		report = fd[1];
		child();
	}
	close(fd[1]);
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	for (line = buf; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if (line[0] == '2')
			tap_diag("%s", line + 2);
		else
			ok(line[0] == '1', "%s", line + 2);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the filtered child ended well");
	(void)unlink(path);
	(void)unlink(path2);
	(void)unlink(path3);
	(void)rmdir(dir);
	return tap_done();
}
