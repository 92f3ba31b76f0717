/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shell's variables: what the session put in the environment and
 * what a line set.  Only exported ones reach the commands it runs.
 * Runs in the caged shell, as the user.
 */
#ifndef CAGESH_VARS_H
#define CAGESH_VARS_H

#include <stddef.h>

struct vars;

struct vars	*vars_new(void);
void		 vars_free(struct vars *);
void		 vars_set(struct vars *, const char *name, const char *value,
		    int export);
void		 vars_export(struct vars *, const char *name);
const char	*vars_get(const struct vars *, const char *name);
/*
 * A NULL-terminated "NAME=value" vector of the exported variables with
 * extra (NAME=value strings, may be NULL) applied on top; free with
 * vars_envp_free().
 */
char		**vars_envp(const struct vars *, char *const *extra,
		    size_t nextra);
void		 vars_envp_free(char **);

#endif
