/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The profile model, plain data: what conf.c fills from the config and
 * policy, completion, help and the confinement read.  A profile's
 * rules, their options (optspec.h), its variables, cage files,
 * confinement and limits.  No libconfig type appears here.
 */
#ifndef CAGESH_MODEL_H
#define CAGESH_MODEL_H

#include <sys/types.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "optspec.h"

struct action;

/*
 * A wrapper runs another command, which the profile judges like any
 * other (policy.c): bundle exec, rbenv exec, nohup run it themselves;
 * env's is run by the shell, which drops env and applies its NAME=value.
 */
enum rule_wrap {
	WRAP_NONE,
	WRAP_PROGRAM,	/* the program runs its first operand */
	WRAP_SHELL,	/* the shell runs it in place of the wrapper (env) */
};

struct rule {
	char		*name;		/* command or subcommand name */
	char		*label;		/* "git clone" */
	char		*where;		/* "FILE:LINE" of the rule */
	char		*path;		/* absolute path that may name it, or NULL */
	char		*description;	/* one line for help, or NULL */
	struct optspec	*opts;		/* allowed options */
	size_t		 nopts;
	struct optspec	*deny;		/* denied options (also own and ancestors') */
	size_t		 ndeny;
	int		 any_options;	/* options not listed are allowed */
	int		 oldstyle;	/* tar: first word may be a bare cluster */
	struct pattern	*operands;	/* each operand matches one (anchored) */
	char		**operand_src;
	size_t		 noperands;
	int		 operands_set;	/* operands given (empty list: none allowed) */
	long		 operands_max;	/* -1: no limit */
	struct optspec	*require;	/* at least one of these options must be given */
	size_t		 nrequire;
	struct rule	*subs;		/* subcommands: first operand names one */
	size_t		 nsubs;
	int		 entry_home;	/* HOME is the entry's home, whatever
					   program_home says (top-level) */
	enum rule_wrap	 wrap;		/* its first operand is a command */
	int		 wrap_assigns;	/* NAME=value words may come first */
	struct optspec	*cmdopts;	/* -exec: words up to ';' or '+' are
					   a command (find) */
	size_t		 ncmdopts;
	int		 daemon;	/* what it starts may outlive the
					   session (the monitor decides) */
	const struct rule *parent;
};

struct envfix {
	char		*name;
	char		*value;
};

/*
 * Kernel confinement of a profile's sessions (src/landlock.c).  Paths
 * are inside the cage, absolute and in normal form; in write and
 * exec_writable, "~" and "~/..." are the user entry's home.
 */
enum confine_landlock {
	CONFINE_REQUIRE,	/* no session without what is asked */
	CONFINE_WARN,		/* run with less, and log why */
};

enum confine_signal {
	CONFINE_SIGNAL_SESSION,	/* only to the session's processes */
	CONFINE_SIGNAL_USER,	/* to the user's, as without Landlock */
};

struct confine {
	enum confine_landlock landlock;
	char		**exec;		/* programs run only beneath these */
	size_t		 nexec;
	char		**write;	/* writes go only beneath these */
	size_t		 nwrite;
	char		**exec_writable; /* write places that may run programs */
	size_t		 nexec_writable;
	int		 tcp;		/* connect or bind given: TCP restricted */
	unsigned short	*connect;	/* TCP ports a connect may reach */
	size_t		 nconnect;
	unsigned short	*bind;		/* TCP ports a socket may bind */
	size_t		 nbind;
	enum confine_signal signal;
};

/*
 * Resource limits of a profile's sessions (src/rlimits.c).  64 bits
 * whatever rlim_t is: on a 32-bit build without large files, "16G" is
 * more than an rlim_t holds.
 */
#define RLIMITS_UNLIMITED	UINT64_MAX

struct rlimits {
	uint64_t	 nproc;		/* RLIMITS_UNLIMITED: not limited */
	uint64_t	 nofile;
	uint64_t	 cpu;		/* seconds of CPU, per process */
	uint64_t	 fsize;		/* bytes */
	uint64_t	 as;		/* bytes of address space */
	long		 session;	/* wall-clock seconds; 0: none */
};

#define RLIMITS_NPROC_DEFAULT	1024
#define RLIMITS_NOFILE_DEFAULT	4096
#define RLIMITS_CPU_DEFAULT	3600
#define RLIMITS_FSIZE_DEFAULT	(16ULL << 30)
#define RLIMITS_SESSION_DEFAULT	7200

struct profile {
	char		*name;
	char		*where;
	char		**path;		/* command lookup, inside the cage */
	size_t		 npath;
	char		**env;		/* names a line may set */
	size_t		 nenv;
	struct envfix	*setenv;	/* always set; a line cannot change them */
	size_t		 nsetenv;
	char		**env_ignore;	/* a line may set them; the value is dropped */
	size_t		 nenv_ignore;
	struct rule	*cmds;
	size_t		 ncmds;
	char		**cage_files;	/* host paths cagesh-jail copies in */
	size_t		 ncage_files;
	/*
	 * HOME of the programs a line runs (inside the cage, root's), or
	 * NULL: the entry's home.  The shell's own HOME is the entry's.
	 */
	char		*program_home;
	/*
	 * ssh in the cage may use the agent sshd forwarded for the login,
	 * through the monitor's relay (agent.h): identities and signatures.
	 */
	int		 ssh_agent;
	struct confine	 confine;
	struct rlimits	 limits;
	/* admin actions the monitor runs outside the cage (action.h) */
	struct action	*actions;
	size_t		 nactions;
};

/* A profile's rule for a command name, or for an absolute path; NULL if none. */
const struct rule *model_rule(const struct profile *, const char *name);
const struct rule *model_rule_path(const struct profile *, const char *path);
/* The subcommand of r named name, or NULL. */
const struct rule *model_sub(const struct rule *, const char *name);

/* Frees what a rule or a profile holds, and zeroes it. */
void		 model_rule_clear(struct rule *);
void		 model_profile_clear(struct profile *);
void		 model_strv_free(char **, size_t);

#endif
