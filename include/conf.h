/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The config loader, pure but for reading its file: /etc/cagesh.conf
 * (libconfig syntax) -> plain structs (the profiles: model.h).  No
 * libconfig type escapes conf.c.  Every problem found is reported as
 * "FILE:LINE: message"; a config with any problem is not used.
 */
#ifndef CAGESH_CONF_H
#define CAGESH_CONF_H

#include <sys/types.h>
#include <stddef.h>

#include "model.h"
#include "parse.h"

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
 * What a session did with the compiled config (confcache.h) in
 * cachedir: read it (hit), or loaded the file and wrote it, or could
 * not write it (write_failed, why).  No cache directory: neither, and
 * nothing is written.
 */
struct conf_cache_use {
	int		 hit;
	int		 write_failed;
	char		 why[256];	/* why it was not read, or not written */
};

/*
 * conf_load_fd, but from cachedir's compiled config when it was made
 * from exactly the bytes fd holds now; else the file is loaded and, if
 * it is sound, the cache written (then every pattern is compiled
 * first; with no cache directory they stay as pattern_defer says).
 */
struct conf	*conf_load_cached(int fd, const char *name,
		    const char *cachedir, struct conf_errors *errs,
		    struct conf_cache_use *);
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
