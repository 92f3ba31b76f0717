/*
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The profile model, pure code: finding a rule or a subcommand by name,
 * and freeing what conf.c built.
 */
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "model.h"

const struct rule *
model_rule(const struct profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->ncmds; i++)
		if (strcmp(p->cmds[i].name, name) == 0)
			return &p->cmds[i];
	return NULL;
}

const struct rule *
model_rule_path(const struct profile *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->ncmds; i++)
		if (p->cmds[i].path != NULL &&
		    strcmp(p->cmds[i].path, path) == 0)
			return &p->cmds[i];
	return NULL;
}

const struct rule *
model_sub(const struct rule *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nsubs; i++)
		if (strcmp(r->subs[i].name, name) == 0)
			return &r->subs[i];
	return NULL;
}

void
model_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
optv_free(struct optspec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		optspec_clear(&v[i]);
	free(v);
}

void
model_rule_clear(struct rule *r)
{
	size_t i;

	free(r->name);
	free(r->label);
	free(r->where);
	free(r->path);
	free(r->description);
	optv_free(r->opts, r->nopts);
	optv_free(r->deny, r->ndeny);
	optv_free(r->require, r->nrequire);
	optv_free(r->cmdopts, r->ncmdopts);
	for (i = 0; i < r->noperands; i++)
		pattern_clear(&r->operands[i]);
	free(r->operands);
	model_strv_free(r->operand_src, r->noperands);
	for (i = 0; i < r->nsubs; i++)
		model_rule_clear(&r->subs[i]);
	free(r->subs);
	memset(r, 0, sizeof(*r));
}

void
model_profile_clear(struct profile *p)
{
	struct confine *c = &p->confine;
	size_t i;

	free(p->name);
	free(p->where);
	model_strv_free(p->path, p->npath);
	model_strv_free(p->env, p->nenv);
	for (i = 0; i < p->nsetenv; i++) {
		free(p->setenv[i].name);
		free(p->setenv[i].value);
	}
	free(p->setenv);
	model_strv_free(p->env_ignore, p->nenv_ignore);
	model_strv_free(p->cage_files, p->ncage_files);
	free(p->program_home);
	model_strv_free(c->exec, c->nexec);
	model_strv_free(c->write, c->nwrite);
	model_strv_free(c->exec_writable, c->nexec_writable);
	free(c->connect);
	free(c->bind);
	for (i = 0; i < p->ncmds; i++)
		model_rule_clear(&p->cmds[i]);
	free(p->cmds);
	for (i = 0; i < p->nactions; i++)
		action_clear(&p->actions[i]);
	free(p->actions);
	memset(p, 0, sizeof(*p));
}
