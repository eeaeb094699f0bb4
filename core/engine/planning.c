/* SPDX-License-Identifier: MIT */
/*
 * Planning every repo of a run with the planner (core/plan.c), and adding
 * the plans up (struct totals) for the report, the confirmation and the
 * exit status. Reads and writes nothing on the forge.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "labelsfile.h"
#include "util.h"

/* ---- planning ---- */

/* SPEC 9: each repo is planned against its own desired labels: the
 * top-level ones and those of the sets that select it. Two of them asking
 * for one label differently fail that repo alone. */
static void plan_for_repo(const struct target_run *tr, struct repo_run *r, const struct desired *want,
			  const struct plan_opts *po)
{
	struct repo_work *w = repo_work(r);
	struct lf_repo who = {
		.target = tr->t->name, .owner = r->owner, .name = r->name, .topics = w->topics,
	};
	struct desired mine;
	char *error = NULL;

	if (!want->n_sets) {
		plan_repo(want, w->labels, w->n_labels, po, &w->plan);
		return;
	}
	if (lf_repo_desired(want, &who, &mine, &r->sets, &error) != 0) {
		r->read_code = EPITHET_EINVALID;
		w->read_error = error;
		return;
	}
	plan_repo(&mine, w->labels, w->n_labels, po, &w->plan);
	lf_repo_desired_finish(&mine);
}

/* A duplicate the repo has fails its label there before anything is sent
 * (SPEC 4: reported, never picked), so the run ends with 1. */
static void fail_duplicates(struct repo_run *r)
{
	for (size_t k = 0; k < r->w->plan.n; k++) {
		if (!r->w->plan.ops[k].fails)
			continue;
		r->w->ops[k].state = OPST_FAILED;
		r->w->ops[k].code = EPITHET_EEXISTS;
		r->w->ops[k].error = xstrdup("duplicate names; resolve them first");
	}
}

static bool op_uses(const struct plan *p, const struct label *l)
{
	for (size_t k = 0; k < p->n; k++)
		if (p->ops[k].cur == l || p->ops[k].into_cur == l)
			return true;
	return false;
}

/*
 * Once a repo is planned, only the labels its ops act on are needed (by
 * the confirmation, the apply and the journal): the others are freed, so
 * that a run's memory is its plan's, not the estate's labels (SPEC 11).
 */
static void keep_planned_labels(struct repo_run *r)
{
	struct label *kept = NULL;
	size_t n = 0;

	for (size_t i = 0; i < r->w->n_labels; i++)
		n += op_uses(&r->w->plan, &r->w->labels[i]);
	if (n)
		kept = xcalloc(n, sizeof(*kept));
	n = 0;
	for (size_t i = 0; i < r->w->n_labels; i++) {
		struct label *l = &r->w->labels[i];

		if (!op_uses(&r->w->plan, l)) {
			label_finish(l);
			continue;
		}
		kept[n] = *l;
		for (size_t k = 0; k < r->w->plan.n; k++) {
			if (r->w->plan.ops[k].cur == l)
				r->w->plan.ops[k].cur = &kept[n];
			if (r->w->plan.ops[k].into_cur == l)
				r->w->plan.ops[k].into_cur = &kept[n];
		}
		n++;
	}
	if (r->w != REPO_WORK_NONE) {
		struct repo_work *w = repo_work(r);

		free(w->labels);
		w->labels = kept;
		w->n_labels = w->cap_labels = n;
	}
}

/* The planner grows a plan's ops by doubling (8 at first): cut them to the
 * ops it has, since the plans of the repos that change are kept for the whole
 * run (measured: 1.4 MB of 6,000 ops at 20,000 repos, 0.6 MB once fitted). */
static void fit_plan(struct plan *p)
{
	if (p->cap <= p->n)
		return;
	if (!p->n) {
		free(p->ops);
		p->ops = NULL;
	} else {
		p->ops = xrealloc(p->ops, p->n * sizeof(*p->ops));
	}
	p->cap = p->n;
}

void plan_repos(struct run *run, struct target_run *tr, const struct desired *want,
		size_t first, size_t count)
{
	struct plan_opts po = {
		.caps = tr->plugin ? tr->plugin->forge->capabilities : 0,
		.prune = run->opt->prune,
		.prune_archive = run->opt->prune_archive,
		.default_color = "ededed",
		.now = (int64_t)time(NULL),
	};

	if (tr->code)
		return;
	/* Exclusive by name: nothing to write, so nothing to plan
	 * (capability_notices said what the file asks in vain). */
	if (exclusive_by_name(tr->plugin->forge))
		po.caps &= ~EPITHET_CAP_EXCLUSIVE;
	for (size_t j = first; j < first + count && j < tr->n_repos; j++) {
		struct repo_run *r = &tr->repos[j];

		if (!r->read_code && !r->read_only) {
			plan_for_repo(tr, r, want, &po);
			fit_plan(&repo_work(r)->plan);
		}
		if (!r->read_code && !r->read_only) {
			if (r->w->plan.n) {
				struct repo_work *w = repo_work(r);

				w->ops = xcalloc(w->plan.n, sizeof(*w->ops));
			}
			fail_duplicates(r);
			find_items(tr, r);
		}
		keep_planned_labels(r);
		/* topics only chose its sets; a repo with nothing to do is left
		 * with its small record alone */
		if (r->w->topics) {
			strv_free(r->w->topics);
			repo_work(r)->topics = NULL;
		}
		repo_work_settle(r);
	}
}

void plan_totals(const struct run *run, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];
			bool failed = r->read_code != 0;

			t->repos++;
			if (plan_changes(&r->w->plan))
				t->repos_changed++;
			for (size_t k = 0; k < r->w->plan.n; k++) {
				t->by_kind[r->w->plan.ops[k].kind]++;
				if (r->w->plan.ops[k].kind != OP_NOTICE)
					t->changes++;
				t->destructive += r->w->plan.ops[k].destructive;
				if (r->w->ops && r->w->ops[k].state == OPST_FAILED) {
					t->failed_ops++;
					failed = true;
				}
				if (r->w->ops && r->w->ops[k].state == OPST_DONE)
					t->done++;
			}
			t->failed_repos += failed;
		}
	}
}

