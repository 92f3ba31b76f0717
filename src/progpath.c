/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Programs by the profile's path.  A line may name a program by path
 * (/usr/bin/git, $HOME/.rbenv/bin/rbenv); it runs only when that path
 * is the very file the profile's path finds for its last component,
 * and then that file (root's, in a root-owned directory) is what is
 * executed: the line's path only chose the rule, so a file the user
 * can rename or replace between the check and the exec never runs.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progpath.h"
#include "xmalloc.h"

char *
progpath_find(const char *root, const struct profile *p, const char *name)
{
	struct stat st;
	char *full;
	size_t i;

	for (i = 0; i < p->npath; i++) {
		xasprintf(&full, "%s%s/%s", root, p->path[i], name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(full, X_OK) == 0) {
			free(full);
			xasprintf(&full, "%s/%s", p->path[i], name);
			return full;
		}
		free(full);
	}
	return NULL;
}

int
progpath_same(void *arg, const struct profile *p, const char *path,
    const char *name, char **found, char **how)
{
	const char *root = arg;
	struct stat a, b;
	char *prog, *full;
	int rc;

	*found = NULL;
	*how = NULL;
	if ((prog = progpath_find(root, p, name)) == NULL) {
		xasprintf(how, "the profile's path finds no program '%s'",
		    name);
		return -1;
	}
	xasprintf(&full, "%s%s", root, prog);
	rc = stat(full, &a);
	free(full);
	xasprintf(&full, "%s%s", root, path);
	if (rc == 0)
		rc = stat(full, &b);
	free(full);
	if (rc == -1 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		xasprintf(how, "not the program the profile's path finds for "
		    "'%s' (%s)", name, prog);
		free(prog);
		return -1;
	}
	if (*root != '\0')
		xasprintf(how, "%s is %s in the cage %s", path, prog, root);
	*found = prog;
	return 0;
}
