/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * vars.c: the shell's variables.  Runs in the caged shell, as the user
 * (never root).
 *
 * A small table of (name, value, exported): lines are short and set
 * few variables, so a linear table is enough.  A variable exported
 * before it has a value (`export NAME`) is kept with a NULL value and
 * reaches no environment until it is set.
 */
#include <stdlib.h>
#include <string.h>

#include "vars.h"
#include "xmalloc.h"

struct var {
	char	*name;
	char	*value;		/* NULL: exported but not set */
	int	 exported;
};

struct vars {
	struct var	*v;
	size_t		 n;
	size_t		 cap;
};

struct vars *
vars_new(void)
{
	return xcalloc(1, sizeof(struct vars));
}

void
vars_free(struct vars *vs)
{
	size_t i;

	if (vs == NULL)
		return;
	for (i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	free(vs->v);
	free(vs);
}

static struct var *
find(const struct vars *vs, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (strlen(vs->v[i].name) == len &&
		    strncmp(vs->v[i].name, name, len) == 0)
			return &vs->v[i];
	return NULL;
}

static struct var *
get_or_add(struct vars *vs, const char *name)
{
	struct var *v;

	if ((v = find(vs, name, strlen(name))) != NULL)
		return v;
	if (vs->n == vs->cap) {
		vs->cap = vs->cap == 0 ? 16 : vs->cap * 2;
		vs->v = xreallocarray(vs->v, vs->cap, sizeof(*vs->v));
	}
	v = &vs->v[vs->n++];
	v->name = xstrdup(name);
	v->value = NULL;
	v->exported = 0;
	return v;
}

/*
 * export != 0 exports the variable; 0 keeps its flag, as sh does: a
 * variable exported earlier stays exported when a line sets it again.
 */
void
vars_set(struct vars *vs, const char *name, const char *value, int export)
{
	struct var *v;
	char *nv;

	v = get_or_add(vs, name);
	nv = value != NULL ? xstrdup(value) : NULL;
	free(v->value);
	v->value = nv;
	if (export)
		v->exported = 1;
}

void
vars_export(struct vars *vs, const char *name)
{
	get_or_add(vs, name)->exported = 1;
}

const char *
vars_get(const struct vars *vs, const char *name)
{
	const struct var *v;

	if ((v = find(vs, name, strlen(name))) == NULL)
		return NULL;
	return v->value;
}

/* extra[i] overrides a variable of the same name; a later extra wins. */
static int
overridden(const char *name, size_t len, char *const *extra, size_t nextra,
    size_t from)
{
	size_t i;

	for (i = from; i < nextra; i++)
		if (extra[i] != NULL && strncmp(extra[i], name, len) == 0 &&
		    extra[i][len] == '=')
			return 1;
	return 0;
}

char **
vars_envp(const struct vars *vs, char *const *extra, size_t nextra)
{
	char **envp;
	size_t i, n = 0, len;

	envp = xcalloc(vs->n + nextra + 1, sizeof(*envp));
	for (i = 0; i < vs->n; i++) {
		if (!vs->v[i].exported || vs->v[i].value == NULL)
			continue;
		len = strlen(vs->v[i].name);
		if (overridden(vs->v[i].name, len, extra, nextra, 0))
			continue;
		xasprintf(&envp[n++], "%s=%s", vs->v[i].name,
		    vs->v[i].value);
	}
	for (i = 0; i < nextra; i++) {
		if (extra[i] == NULL || strchr(extra[i], '=') == NULL)
			continue;
		len = strcspn(extra[i], "=");
		if (overridden(extra[i], len, extra, nextra, i + 1))
			continue;
		envp[n++] = xstrdup(extra[i]);
	}
	envp[n] = NULL;
	return envp;
}

void
vars_envp_free(char **envp)
{
	size_t i;

	if (envp == NULL)
		return;
	for (i = 0; envp[i] != NULL; i++)
		free(envp[i]);
	free(envp);
}
