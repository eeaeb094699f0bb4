/* SPDX-License-Identifier: MIT */
/*
 * Owner-level labels: adding the owner's labels to each repo's set so the
 * planner sees names shared with them, and reporting a planned owner label
 * that repos already have as a repo label (a duplicate reported, never
 * resolved). Changes nothing on the forge itself.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "strpool.h"
#include "util.h"

/* Whether @r lists @l itself (same id) already: forges whose repo lists
 * include the owner's labels (flagged EPITHET_LABEL_OWNER) must not get
 * them twice, which would read as a duplicate. */
static bool listed_by_id(const struct repo_run *r, const struct label *l)
{
	for (size_t m = 0; l->id && m < r->w->n_labels; m++)
		if (r->w->labels[m].id && (r->w->labels[m].flags & EPITHET_LABEL_OWNER) &&
		    strcmp(r->w->labels[m].id, l->id) == 0)
			return true;
	return false;
}

/*
 * On forges with owner-level labels, a repo also shows its owner's labels,
 * and a repo label may share a name with one (names are not unique there).
 * When the target manages repo labels, each repo's set gets the owner's
 * labels flagged EPITHET_LABEL_OWNER, so that the planner reports such
 * duplicates and never creates a repo label shadowing an owner label. One
 * extra read per target.
 */
struct repo_run *read_owner_labels(struct target_run *tr)
{
	struct repo_run *owner;

	if (tr->code || tr->t->org_labels || !tr->owner ||
	    !(tr->plugin->forge->capabilities & EPITHET_CAP_ORG_LABELS))
		return NULL;
	owner = xcalloc(1, sizeof(*owner));
	owner->w = REPO_WORK_NONE;
	owner->owner = tr->owner;
	owner->names_mode = target_names_mode(tr);
	read_one(tr, owner);
	if (owner->read_code)
		log_warn("%s: cannot read the owner-level labels: %s", tr->owner, owner->w->read_error);
	return owner;
}

void add_owner_labels(struct target_run *tr, const struct repo_run *owner, size_t first,
		      size_t count)
{
	if (!owner || owner->read_code)
		return;
	for (size_t j = first; j < first + count && j < tr->n_repos; j++) {
		struct repo_run *r = &tr->repos[j];

		for (size_t k = 0; k < owner->w->n_labels && !r->read_code; k++) {
			struct repo_work *w;
			struct label *l;

			if (listed_by_id(r, &owner->w->labels[k]))
				continue;
			w = repo_work(r);
			grow(&w->labels, &w->cap_labels, w->n_labels + 1, sizeof(*w->labels));
			l = &w->labels[w->n_labels++];
			*l = owner->w->labels[k];
			/* the pooled strings are shared; the id is the label's own */
			l->id = xstrdup(l->id);
			l->flags |= EPITHET_LABEL_OWNER;
		}
	}
}

void owner_labels_free(struct repo_run *owner)
{
	if (!owner)
		return;
	repo_work_free(owner);
	free(owner);
}

/*
 * org_labels: an owner-level label created (or renamed into) where repos
 * already have a repo label of that name would make the duplicate SPEC 4 asks
 * to report, never to pick between. Only when the owner's plan would add a
 * name are the repos read (a normal run's reads); such an op becomes a
 * notice naming the repos.
 */
void check_owner_duplicates(struct target_run *tr, int jobs)
{
	struct target_run scan;
	struct repo_run *owner;
	bool adds = false;

	if (tr->code || !tr->t->org_labels || tr->n_repos != 1 || tr->repos[0].name)
		return;
	owner = &tr->repos[0];
	for (size_t k = 0; k < owner->w->plan.n; k++)
		adds |= owner->w->plan.ops[k].kind == OP_CREATE ||
			(owner->w->plan.ops[k].kind == OP_RENAME && owner->w->plan.ops[k].name);
	if (!adds)
		return;
	scan = *tr;
	scan.repos = NULL;
	scan.names = NULL;
	scan.n_repos = 0;
	scan.error = NULL;
	if (select_repo_list(&scan) != 0) {
		log_warn("%s: cannot list the repos to check for repo labels an owner label would "
			 "duplicate: %s", tr->owner, scan.error ? scan.error : "failed");
		free(scan.error);
		repos_free(scan.repos, scan.n_repos);
		strarena_free(&scan.names);
		return;
	}
	read_labels(&scan, 0, scan.n_repos, jobs);
	for (size_t k = 0; k < owner->w->plan.n; k++) {
		struct op *op = &owner->w->plan.ops[k];
		char *key;
		struct strbuf where = {0};
		size_t hits = 0;

		if (!(op->kind == OP_CREATE || op->kind == OP_RENAME) || !op->name)
			continue;
		key = names_key_mode(op->name, target_names_mode(tr));
		for (size_t j = 0; j < scan.n_repos && key; j++) {
			const struct repo_run *r = &scan.repos[j];
			bool has = false;

			for (size_t m = 0; m < r->w->n_labels && !has; m++)
				has = strcmp(r->w->labels[m].key, key) == 0;
			if (has && hits++ < 3)
				sb_addf(&where, "%s%s", where.len ? ", " : "", r->full);
		}
		if (hits) {
			char *why = xasprintf("%s: %zu repo%s already have a repo label of this name "
					      "(%s%s); an owner label would duplicate it, so it is left "
					      "alone (remove or rename the repo labels first)",
					      op->name, hits, hits == 1 ? "" : "s", where.s,
					      hits > 3 ? ", ..." : "");

			strpool_free(op->why);
			op->why = why;
			op->kind = OP_NOTICE;
			op->destructive = false;
		}
		for (size_t j = 0; j < scan.n_repos && !hits; j++)
			if (scan.repos[j].read_code)
				log_warn("%s: cannot check for a repo label '%s' would duplicate: %s",
					 scan.repos[j].full, op->name, scan.repos[j].w->read_error);
		sb_finish(&where);
		free(key);
	}
	repos_free(scan.repos, scan.n_repos);
	strarena_free(&scan.names);
	free(scan.error);
}

