/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The seccomp filter of a caged session: what no program of a deploy
 * needs from the kernel, refused to every process of the session.
 *
 * - Terminal input injection (TIOCSTI, TIOCLINUX): a program could type
 *   a line into the interactive shell's terminal once it has ended.
 * - setuid and setgid bits (chmod, fchmod, fchmodat, fchmodat2, and
 *   open, openat, creat, mknod, mknodat creating a file with them): a
 *   program the user wrote would run as the user for whoever starts it.
 * - The kernel's larger attack surfaces and administration calls:
 *   ptrace and process_vm_*, bpf, perf_event_open, userfaultfd, io_uring,
 *   keyrings, namespaces (unshare, setns, clone with CLONE_NEW*),
 *   mounts, modules, kexec, reboot, swap, raw I/O, clock setting,
 *   personality changes and obsolete calls.  clone3 and openat2 return
 *   ENOSYS, so that libc and programs fall back to clone and openat,
 *   whose arguments the filter can read.
 * - Every system call of another ABI than the build's (i386 and x32 on
 *   x86_64, x86_64 on i386, arm on arm64, s390 on s390x, ppc on ppc64el,
 *   and on mips any number outside the build's ABI's thousand): ENOSYS.
 *   So a session runs programs of the build's ABI only: an i386 cagesh
 *   on an amd64 kernel cannot run amd64 programs, nor the reverse.
 * Refusals are EPERM unless said.  The groups are tables in filter.c.
 */
#ifndef CAGESH_FILTER_H
#define CAGESH_FILTER_H

#include <stddef.h>

struct sock_filter;

/*
 * Requires no_new_privs (or CAP_SYS_ADMIN).  The filter is inherited by
 * every child and cannot be removed.  Call it last of the session's
 * confinement, after rlimits_apply() and landlock_confine(): nothing it
 * refuses is needed after it.  Returns 0, or -1 with why filled.
 */
int	filter_install(char *why, size_t len);

/*
 * Writes the BPF program into prog (room for max instructions).
 * Returns the number of instructions, or 0 when max is too small.
 * filter_install() loads what it builds; tests run it on made-up calls.
 */
size_t	filter_build(struct sock_filter *prog, size_t max);

#endif
