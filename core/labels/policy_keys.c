/* SPDX-License-Identifier: MIT */
/*
 * Validation of the policy keys (SPEC.md 9): `sets` (their names, selectors
 * and labels), the `name`s of targets, and the items of `extends`, from the
 * tree of lf.h into a struct desired and the list of bases. Reads no file:
 * resolving the bases is extends.c's.
 */
#include "lf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "labels/policy.h"
#include "repopath.h"

static const char *const set_keys[] = { "name", "repos", "topics", "targets", "labels", NULL };
static const char *const base_keys[] = { "repo", "path", "ref", "forge", "url", NULL };

static void parse_set(struct ctx *c, const struct node *m, struct label_set *set)
{
	const struct node *v, *key = NULL;

	set->pos.line = m->line;
	set->pos.col = m->col;
	set->file = c->file_ref;
	if (m->kind != NK_MAP) {
		diag_at(c, m, "a set is a mapping (name, repos or topics, labels), not %s", kind_name(m));
		return;
	}
	check_keys(c, m, set_keys, "a set");
	v = map_get(m, "name", NULL);
	if (!v || v->kind == NK_NULL)
		diag_at(c, v ? v : m, "this set has no 'name' (sets are named in plans and messages)");
	else
		opt_text(c, m, "name", &set->name);
	opt_list(c, m, "repos", &set->repos);
	opt_list(c, m, "topics", &set->topics);
	v = map_get(m, "targets", NULL);
	if (v && opt_list(c, m, "targets", &set->targets) && set->targets) {
		set->target_pos = calloc(v->n, sizeof(*set->target_pos));
		if (!set->target_pos) {
			c->oom = true;
			return;
		}
		for (size_t i = 0; i < v->n; i++) {
			set->target_pos[i].line = v->items[i].line;
			set->target_pos[i].col = v->items[i].col;
		}
	}
	/* The set's name is shown at each use: show_str's text lives only
	 * until four more calls, and the checks above make some. */
	if (!set->repos && !set->topics)
		diag_at(c, m, "set '%s' selects no repos: give 'repos' (globs, like --include) or "
			"'topics'", set->name ? show_str(c, set->name) : "?");
	v = map_get(m, "labels", &key);
	if (!v)
		diag_at(c, m, "set '%s' has no 'labels' (write 'labels: []' for a set of none)",
			set->name ? show_str(c, set->name) : "?");
	else if (v->kind == NK_NULL)
		diag_at(c, key, "'labels' is empty (write 'labels: []' for a set of none)");
	else
		parse_label_list(c, v, &set->labels, &set->n_labels);
}

void parse_sets(struct ctx *c, const struct node *v, struct desired *d)
{
	if (v->kind == NK_NULL)
		return;
	if (v->kind != NK_SEQ) {
		diag_at(c, v, "'sets' must be a list of sets, not %s", kind_name(v));
		return;
	}
	if (!v->n)
		return;
	d->sets = calloc(v->n, sizeof(*d->sets));
	if (!d->sets) {
		c->oom = true;
		return;
	}
	d->n_sets = v->n;
	for (size_t i = 0; i < v->n && !c->oom; i++) {
		parse_set(c, &v->items[i], &d->sets[i]);
		for (size_t k = 0; k < i && d->sets[i].name; k++) {
			if (d->sets[k].name && strcmp(d->sets[k].name, d->sets[i].name) == 0) {
				diag_at(c, &v->items[i], "set '%s' is given twice (first at line %u)",
					show_str(c, d->sets[i].name), d->sets[k].pos.line);
				break;
			}
		}
	}
}

void check_target_names(struct ctx *c, const struct node *v, const struct desired *d)
{
	for (size_t i = 0; i < d->n_targets; i++) {
		for (size_t k = 0; k < i && d->targets[i].name; k++) {
			if (d->targets[k].name && strcmp(d->targets[k].name, d->targets[i].name) == 0) {
				diag_at(c, &v->items[i], "target '%s' is given twice (first at line %u)",
					show_str(c, d->targets[i].name), d->targets[k].pos.line);
				break;
			}
		}
	}
}

static bool add_base(struct ctx *c, struct lf_base *b)
{
	struct lf_base *v = realloc(c->bases->v, (c->bases->n + 1) * sizeof(*v));

	if (!v) {
		c->oom = true;
		return false;
	}
	c->bases->v = v;
	v[c->bases->n++] = *b;
	return true;
}

static void parse_base(struct ctx *c, const struct node *m)
{
	struct lf_base b = { .line = m->line, .col = m->col };
	bool ok = true;

	if (m->kind == NK_STR) {
		ok = get_text(c, m, "extends", true, &b.path);
		if (ok && !*b.path) {
			diag_at(c, m, "'extends' holds an empty path");
			ok = false;
		}
	} else if (m->kind == NK_MAP) {
		check_keys(c, m, base_keys, "a base");
		ok = opt_text(c, m, "repo", &b.repo) && ok;
		ok = opt_text(c, m, "path", &b.path) && ok;
		ok = opt_text(c, m, "ref", &b.ref) && ok;
		ok = opt_text(c, m, "forge", &b.forge) && ok;
		ok = opt_text(c, m, "url", &b.url) && ok;
		check_url(c, m, "url", b.url);
		if (!b.repo && ok) {
			diag_at(c, m, "this base has no 'repo' (OWNER/NAME); a local base is written as "
				"its path alone");
			ok = false;
		} else if (b.repo) {
			if (!repopath_ok(b.repo)) {
				diag_at(c, map_get(m, "repo", NULL), "repo '%s' is not OWNER/NAME",
					show_str(c, b.repo));
				ok = false;
			}
		}
		if (!b.path && ok) {
			diag_at(c, m, "this base has no 'path' (the labels file in the repo)");
			ok = false;
		}
	} else {
		diag_at(c, m, "an item of 'extends' is a path or a mapping (repo, path, ref, forge, "
			"url), not %s", kind_name(m));
		ok = false;
	}
	if (!ok || !add_base(c, &b))
		lf_base_clear(&b);
}

void parse_extends(struct ctx *c, const struct node *v)
{
	if (v->kind == NK_NULL)
		return;
	if (!c->bases) {
		diag_at(c, v, "'extends' cannot be used here (a labels file read from a buffer has "
			"no place its bases could be relative to)");
		return;
	}
	if (v->kind != NK_SEQ) {
		/* `extends: base.yml`: one base. */
		parse_base(c, v);
		return;
	}
	for (size_t i = 0; i < v->n && !c->oom; i++)
		parse_base(c, &v->items[i]);
}
