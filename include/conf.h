/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /etc/cagesh.conf (libconfig syntax) -> plain structs.  No libconfig
 * type escapes conf.c.  Every problem found is reported as
 * "FILE:LINE: message"; a config with any problem is not used.
 */
#ifndef CAGESH_CONF_H
#define CAGESH_CONF_H

#include <sys/types.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

/* One option a rule names: "-v", "-f=", "--file=RE", "--color[=]", "-name=" */
enum opt_kind {
	OPT_SHORT,	/* -x: one letter, may be combined (-xv) or glued (-xVAL) */
	OPT_LONG,	/* --name */
	OPT_WORD,	/* -name: a whole word with one dash (find -name, kill -USR2) */
};

enum opt_arg {
	ARG_NONE,	/* takes no value */
	ARG_REQ,	/* "=": needs a value, glued (-fX, --f=X) or the next word */
	ARG_OPT,	/* "[=]": long only, value only glued (--color=auto) */
};

struct optspec {
	enum opt_kind	 kind;
	enum opt_arg	 arg;
	char		*name;		/* without dashes: "v", "file", "name" */
	char		*spec;		/* as written in the config */
	regex_t		*pattern;	/* value must match (anchored), or NULL */
	int		 line;
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
	regex_t		*operands;	/* each operand matches one (anchored) */
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
	struct confine	 confine;
	struct rlimits	 limits;
};

struct userent {
	char		*user;		/* exactly one of user, group */
	char		*group;
	char		*cage;
	char		*home;
	char		*profile_name;
	const struct profile *profile;
	int		 interactive;
	/*
	 * The home as cagesh-jail makes it: its mode (-1: 0750, for a
	 * group entry 0770), owner (NULL: the user; a group entry's:
	 * root) and group (NULL: the user's primary group, or the entry's).
	 */
	long		 home_mode;
	char		*home_owner;
	char		*home_group;
	char		*where;
};

enum log_failure {
	LOGFAIL_DENY,		/* nothing runs when its record cannot be written */
	LOGFAIL_ALLOW,
};

struct logconf {
	int		 syslog;
	char		*file;		/* NULL: no file */
	enum log_failure on_failure;
	long		 record_max;	/* bytes in one record, newline included */
};

/* The interactive shell (logins with interactive = true). */
struct shellconf {
	char		*prompt;	/* %u %h %H %w %W %$ %%, printable */
	long		 idle_timeout;	/* seconds idle at the prompt; 0: none */
	long		 history_size;	/* lines remembered; 0: no history */
	char		*history_file;	/* a file name in the cage home, or NULL */
};

#define SHELL_PROMPT_DEFAULT	"%u@%h:%w%$ "
#define SHELL_IDLE_DEFAULT	900
#define SHELL_HISTORY_DEFAULT	500

struct conf {
	char		*file;
	struct parse_limits limits;
	struct logconf	 log;
	struct shellconf shell;
	struct profile	*profiles;
	size_t		 nprofiles;
	struct userent	*users;
	size_t		 nusers;
};

/*
 * Problems found while loading: each "FILE:LINE: message".  When the
 * config parsed and its log group had no problem of its own, log holds
 * that group (log_ok), so a refusal can still be written where the
 * admin reads the log.
 */
struct conf_errors {
	char		**msg;
	size_t		 n;
	struct logconf	 log;
	int		 log_ok;
};

/*
 * Loads the config from an open fd (the caller has checked it) or a
 * path.  Returns NULL and fills errs when anything is wrong.
 */
struct conf	*conf_load_fd(int fd, const char *name, struct conf_errors *errs);
struct conf	*conf_load_file(const char *path, struct conf_errors *errs);
/*
 * The config a privileged program acts on (a session, cagesh-jail,
 * --check-config of the installed file): opened without following a
 * symlink and checked on that fd, so what is checked is what is read:
 * a regular file owned by root, not writable by group or others.  The
 * fd, or -1 with errno and why ("PATH is group-writable: chmod ...").
 */
int		 conf_open_trusted(const char *path, char *why, size_t len);
void		 conf_free(struct conf *);
void		 conf_errors_free(struct conf_errors *);

/*
 * Checks that need the user database: every user entry's user or group
 * exists, and no account is matched by two entries.  Appends to errs;
 * returns the number of problems added.
 */
size_t		 conf_check_accounts(const struct conf *, struct conf_errors *);

enum conf_match {
	MATCH_NONE,
	MATCH_ONE,
	MATCH_MANY,	/* the user is matched by two or more entries */
};

/* The entry for a user with these groups (gid list includes the primary). */
enum conf_match	 conf_find_user(const struct conf *, const char *user,
		    const gid_t *gids, size_t ngids, const struct userent **);
const struct profile *conf_find_profile(const struct conf *, const char *);

#endif
