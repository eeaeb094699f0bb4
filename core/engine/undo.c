/* SPDX-License-Identifier: MIT */
/*
 * `epithet undo`: the journal of an earlier run read back, each entry
 * turned into the op that reverts it, planned against the repo as it is now,
 * then shown, confirmed and applied like any run (journalled in turn).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "appcreds.h"
#include "labelsfile.h"
#include "log.h"
#include "names.h"
#include "status.h"
#include "strpool.h"
#include "util.h"

/* ---- undo ---- */

/* The target a journal entry was applied to, made once per distinct target. */
static struct target_run *undo_target(struct run *run, struct target **targets, size_t *n,
				      const struct journal_entry *e)
{
	struct target *t;

	for (size_t i = 0; i < *n; i++) {
		t = &(*targets)[i];
		if (str_same(t->forge, e->forge) && str_same(t->url, e->url) &&
		    str_same(t->api_url, e->api_url) && str_same(t->org, e->owner) &&
		    str_same(t->token_env, e->token_env) && str_same(t->app_id, e->app_id))
			return &run->targets[i];
	}
	*targets = xrealloc(*targets, (*n + 1) * sizeof(**targets));
	run->targets = xrealloc(run->targets, (*n + 1) * sizeof(*run->targets));
	/* Re-point the runs at the moved targets. */
	for (size_t i = 0; i < *n; i++)
		run->targets[i].t = &(*targets)[i];
	t = &(*targets)[*n];
	memset(t, 0, sizeof(*t));
	t->forge = xstrdup(e->forge);
	t->url = xstrdup(e->url);
	t->api_url = xstrdup(e->api_url);
	t->org = xstrdup(e->owner);
	t->token_env = xstrdup(e->token_env);
	t->app_id = xstrdup(e->app_id);
	t->app_key_file = xstrdup(e->app_key_file);
	t->app_key_env = xstrdup(e->app_key_env);
	memset(&run->targets[*n], 0, sizeof(run->targets[*n]));
	run->targets[*n].t = t;
	(*n)++;
	run->n_targets = *n;
	return &run->targets[*n - 1];
}

static struct repo_run *undo_repo(struct target_run *tr, const struct journal_entry *e)
{
	size_t cap = tr->n_repos;

	for (size_t i = 0; i < tr->n_repos; i++)
		if (str_same(tr->repos[i].owner, e->owner) && str_same(tr->repos[i].name, e->repo))
			return &tr->repos[i];
	add_repo(tr, &cap, e->owner, e->repo, 0, NULL, 0);
	return &tr->repos[tr->n_repos - 1];
}

/* The label of @r named @name (matched as the forge matches names), or NULL. */
static const struct label *find_label(const struct repo_run *r, const char *name)
{
	char *key = name ? names_key_mode(name, r->names_mode) : NULL;
	const struct label *l = NULL;

	for (size_t i = 0; key && i < r->w->n_labels && !l; i++)
		if (strcmp(r->w->labels[i].key, key) == 0)
			l = &r->w->labels[i];
	free(key);
	return l;
}

/* The undo op of one journal entry, planned against the repo as it is now. */
static void undo_entry(struct target_run *tr, struct repo_run *r, const struct journal_entry *e)
{
	uint64_t caps = tr->plugin->forge->capabilities;
	const char *op = e->op ? e->op : "";
	const struct label *now;
	struct repo_work *w = repo_work(r);
	size_t before_n = w->plan.n;
	char *why = xasprintf("undo %s", op);
	/* the journal keeps plain keys; this forge may match names otherwise */
	struct label before = e->before;

	before.key = before.name ? names_key_mode(before.name, r->names_mode) : NULL;
	if (strcmp(op, "create") == 0) {
		plan_restore(NULL, find_label(r, e->after.name), caps, why, &w->plan);
	} else if (strcmp(op, "delete") == 0 || strcmp(op, "merge") == 0) {
		plan_restore(&before, find_label(r, before.name), caps, why, &w->plan);
	} else {
		/* update, rename, archive: the label now carries the new name
		 * when the name was changed. */
		now = NULL;
		if (e->after_fields & EPITHET_FIELD_NAME)
			now = find_label(r, e->after.name);
		if (!now)
			now = find_label(r, before.name);
		if (now)
			plan_restore(&before, now, caps, why, &w->plan);
	}
	free(before.key);
	free(why);
	/* Deleted and merged labels go back on the issues that carried them. */
	w->ops = xrealloc(w->ops, (w->plan.n ? w->plan.n : 1) * sizeof(*w->ops));
	for (size_t k = before_n; k < w->plan.n; k++) {
		memset(&w->ops[k], 0, sizeof(w->ops[k]));
		if (w->plan.ops[k].kind == OP_CREATE && e->items_known && e->n_items) {
			struct items *it = &w->ops[k].items;

			it->v = xcalloc(e->n_items, sizeof(*it->v));
			memcpy(it->v, e->items, e->n_items * sizeof(*it->v));
			it->n = it->cap = e->n_items;
			it->known = true;
		}
	}
}

int engine_undo(const struct run_options *o)
{
	struct run run = {.opt = o, .is_undo = true};
	bool nothing_left = false;
	struct journal_file jf = {0};
	struct target *targets = NULL;
	struct app_creds creds = {0};
	size_t n_targets = 0;
	char msg[512];
	int status = 0;

	if (journal_load(o->undo_journal, &jf, msg, sizeof(msg)) != 0) {
		log_error("%s", msg);
		return o->undo_journal ? EXIT_DATAERR : EXIT_FAILED;
	}
	if (jf.undone) {
		log_notice("%s was already undone: nothing to do", jf.path);
		journal_file_finish(&jf);
		return EXIT_OK;
	}
	log_notice("undoing %s (%s)", jf.path, jf.command);
	for (size_t i = 0; i < jf.n; i++)
		if (journal_entry_to_undo(&jf.v[i]))
			undo_target(&run, &targets, &n_targets, &jf.v[i]);
	/* the targets' own App keys, as the journal says where they are
	 * (the command line's replace them, as in the run) */
	if (app_creds_load_own(targets, n_targets, o->host.app_required, &creds) != APP_CREDS_OK) {
		status = EXIT_DATAERR;
		goto out;
	}
	status = load_plugins(&run, NULL);
	if (status)
		goto out;
	for (size_t i = 0; i < run.n_targets && !run_stopping(); i++) {
		struct target_run *tr = &run.targets[i];

		if (open_target(&run, tr) != 0)
			continue;
		for (size_t k = 0; k < jf.n; k++)
			if (journal_entry_to_undo(&jf.v[k]) && undo_target(&run, &targets, &n_targets, &jf.v[k]) == tr)
				undo_repo(tr, &jf.v[k]);
		read_labels(tr, 0, tr->n_repos, o->jobs > 0 ? o->jobs : 4);
	}
	/* Newest change first. */
	for (size_t k = jf.n; k-- > 0;) {
		struct target_run *tr;
		struct repo_run *r;

		if (!journal_entry_to_undo(&jf.v[k]))
			continue;
		tr = undo_target(&run, &targets, &n_targets, &jf.v[k]);
		if (tr->code)
			continue;
		r = undo_repo(tr, &jf.v[k]);
		if (!r->read_code)
			undo_entry(tr, r, &jf.v[k]);
	}
	status = show_and_apply(&run, "undo", o->dry_run, &nothing_left);
	/* Every change reverted, or nothing was left to revert: the run is
	 * undone, and a second undo says so. */
	if (status == EXIT_OK && (run.applied || (nothing_left && !o->dry_run)))
		journal_mark_undone(jf.path);
out:
	journal_file_finish(&jf);
	free_run(&run);
	app_creds_finish(&creds); /* after the sessions that used them */
	strpool_clear();
	for (size_t i = 0; i < n_targets; i++)
		target_finish(&targets[i]);
	free(targets);
	return status;
}

