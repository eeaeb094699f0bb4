/* SPDX-License-Identifier: MIT */
/*
 * Sets (SPEC.md 9): which sets select a repo, and the labels that repo is
 * then asked for: the top-level labels followed by those of each selecting
 * set, in file order. The same label (names and aliases matched as the forge
 * matches them, names.c) given twice with the same fields counts once; with
 * different fields the repo cannot be planned, and the error names both
 * places. Also which of the file's targets the command line's target
 * stands for (its name, for sets with `targets`). Pure functions:
 * unit-tested in tests/unit/test-policy.c.
 */
#include "labels/policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int lf_check_set_targets(const struct desired *d, struct lf_diags *diags)
{
	int rc = 0;

	for (size_t i = 0; i < d->n_sets; i++) {
		const struct label_set *s = &d->sets[i];

		for (size_t k = 0; s->targets && s->targets[k]; k++) {
			bool found = false;

			for (size_t t = 0; t < d->n_targets && !found; t++)
				found = d->targets[t].name && strcmp(d->targets[t].name, s->targets[k]) == 0;
			if (found)
				continue;
			lf_diag_add(diags, s->file, s->target_pos ? s->target_pos[k].line : s->pos.line,
				    s->target_pos ? s->target_pos[k].col : s->pos.col,
				    "set '%s' names the target '%s', but no target has that name%s",
				    s->name ? s->name : "?", s->targets[k],
				    d->n_targets ? "" : " (the file has no targets)");
			rc = -EINVAL;
		}
	}
	return rc;
}

static bool owner_is(const char *repo, const char *owner)
{
	size_t n = strlen(owner);

	return strncmp(repo, owner, n) == 0 && repo[n] == '/';
}

static bool covers(const struct target *t, const struct target *cli)
{
	if (cli->org)
		return t->org && strcmp(t->org, cli->org) == 0;
	for (size_t i = 0; cli->repos && cli->repos[i]; i++) {
		bool in = t->org && owner_is(cli->repos[i], t->org);

		for (size_t k = 0; !in && t->repos && t->repos[k]; k++)
			in = strcmp(t->repos[k], cli->repos[i]) == 0;
		if (!in)
			return false;
	}
	return cli->repos != NULL;
}

const struct target *lf_target_like(const struct desired *p, const struct target *cli)
{
	for (size_t i = 0; i < p->n_targets; i++) {
		const struct target *t = &p->targets[i];

		if (t->name && str_same(t->forge, cli->forge) && str_same(t->url, cli->url) &&
		    str_same(t->api_url, cli->api_url) && covers(t, cli))
			return t;
	}
	return NULL;
}

static bool set_selects(const struct label_set *s, const struct lf_repo *repo)
{
	bool hit = false;
	char *full;

	if (!repo->name)
		return false;
	if (s->targets) {
		bool in = false;

		for (size_t k = 0; s->targets[k] && repo->target && !in; k++)
			in = strcmp(s->targets[k], repo->target) == 0;
		if (!in)
			return false;
	}
	full = xasprintf("%s/%s", repo->owner, repo->name);
	/* As --include: a glob with a '/' matches OWNER/NAME, others NAME. */
	for (size_t k = 0; s->repos && s->repos[k] && !hit; k++)
		hit = glob_match(s->repos[k], strchr(s->repos[k], '/') ? full : repo->name, false);
	free(full);
	for (size_t k = 0; s->topics && s->topics[k] && !hit; k++)
		for (size_t t = 0; repo->topics && repo->topics[t] && !hit; t++)
			hit = strcmp(repo->topics[t], s->topics[k]) == 0;
	return hit;
}

bool lf_label_matches(const struct want_label *a, const struct want_label *b)
{
	if (!a->key || !b->key)
		return false;
	if (strcmp(a->key, b->key) == 0)
		return true;
	for (size_t i = 0; i < a->n_aliases; i++) {
		if (strcmp(a->alias_keys[i], b->key) == 0)
			return true;
		for (size_t k = 0; k < b->n_aliases; k++)
			if (strcmp(a->alias_keys[i], b->alias_keys[k]) == 0)
				return true;
	}
	for (size_t k = 0; k < b->n_aliases; k++)
		if (strcmp(b->alias_keys[k], a->key) == 0)
			return true;
	return false;
}

static bool has_alias(const struct want_label *w, const char *key)
{
	for (size_t i = 0; i < w->n_aliases; i++)
		if (strcmp(w->alias_keys[i], key) == 0)
			return true;
	return false;
}

/* Every field the same: the same label asked for the same way twice. */
static bool label_identical(const struct want_label *a, const struct want_label *b)
{
	if (strcmp(a->name, b->name) != 0 || !str_same(a->color, b->color) ||
	    a->has_description != b->has_description || a->exclusive != b->exclusive ||
	    a->remove != b->remove || a->no_create != b->no_create ||
	    a->has_delete_after != b->has_delete_after || a->n_aliases != b->n_aliases)
		return false;
	if (a->has_description && !str_same(a->description, b->description))
		return false;
	if (a->has_delete_after && a->delete_after != b->delete_after)
		return false;
	for (size_t i = 0; i < a->n_aliases; i++)
		if (!has_alias(b, a->alias_keys[i]))
			return false;
	return true;
}

static char *place(const struct want_label *w, const char *set)
{
	return set ? xasprintf("%s:%u:%u (set '%s')", w->file ? w->file : "?", w->pos.line,
			       w->pos.col, set)
		   : xasprintf("%s:%u:%u (top-level labels)", w->file ? w->file : "?", w->pos.line,
			       w->pos.col);
}

int lf_repo_desired(const struct desired *p, const struct lf_repo *repo, struct desired *out,
		    const char ***sets, char **error)
{
	const char **from = NULL;    /* the set each label came from, NULL = top level */
	size_t n_sets = 0, cap = p->n_labels;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	*sets = NULL;
	*error = NULL;
	out->keep = p->keep;
	for (size_t i = 0; i < p->n_sets; i++)
		cap += p->sets[i].n_labels;
	out->labels = xcalloc(cap ? cap : 1, sizeof(*out->labels));
	from = xcalloc(cap ? cap : 1, sizeof(*from));
	for (size_t i = 0; i < p->n_labels; i++)
		out->labels[out->n_labels++] = p->labels[i];
	for (size_t i = 0; i < p->n_sets && !rc; i++) {
		const struct label_set *s = &p->sets[i];

		if (!set_selects(s, repo))
			continue;
		*sets = xrealloc(*sets, (n_sets + 2) * sizeof(**sets));
		(*sets)[n_sets++] = s->name;
		(*sets)[n_sets] = NULL;
		for (size_t k = 0; k < s->n_labels && !rc; k++) {
			const struct want_label *w = &s->labels[k];
			size_t m;

			for (m = 0; m < out->n_labels; m++)
				if (lf_label_matches(&out->labels[m], w))
					break;
			if (m == out->n_labels) {
				from[out->n_labels] = s->name;
				out->labels[out->n_labels++] = *w;
			} else if (!label_identical(&out->labels[m], w)) {
				char *a = place(&out->labels[m], from[m]), *b = place(w, s->name);

				*error = xasprintf("label '%s' is given twice with different fields, at %s and "
						   "at %s; nothing is written to this repo",
						   w->name, a, b);
				free(a);
				free(b);
				rc = -EINVAL;
			}
		}
	}
	free(from);
	if (rc) {
		lf_repo_desired_finish(out);
		free(*sets);
		*sets = NULL;
	}
	return rc;
}

void lf_repo_desired_finish(struct desired *out)
{
	if (!out)
		return;
	free(out->labels);
	memset(out, 0, sizeof(*out));
}
