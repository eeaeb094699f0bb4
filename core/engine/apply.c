/* SPDX-License-Identifier: MIT */
/*
 * Applying the plans: each op through the plugin, its journal entry
 * written before the change and marked done after it, a failed write
 * checked against the forge (did it land after all?), and the rest of a repo
 * or the run skipped after errors that doom it. Plans nothing.
 */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "output.h"
#include "repopath.h"
#include "util.h"

/* Threads writing to one target at once, at most (like the read threads). */
#define MAX_WRITERS 64

/* ---- applying ---- */

static void op_fail(struct op_run *orun, int code, const struct epithet_error *err, const char *what)
{
	orun->state = OPST_FAILED;
	orun->code = code;
	free(orun->error);
	orun->error = xstrdup(err && err->message[0] ? err->message : what);
}

static void want_label_of(const struct op *op, struct epithet_label *out)
{
	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	out->fields = op->fields;
	out->name = op->name;
	out->color = op->color;
	out->description = op->description;
	out->flags = op->flags;
	out->issues = -1;
	out->pulls = -1;
}

/* Is the label now on the forge as @op meant to create it? Used when a
 * create's outcome is unknown (the request may have been applied). */
static bool create_landed(struct target_run *tr, struct repo_run *r, const struct op *op)
{
	struct repo_run probe = {.names_mode = r->names_mode, .w = REPO_WORK_NONE};
	struct epithet_error err = {0};
	char *key = names_key_mode(op->name, r->names_mode);
	bool found = false;

	if (tr->plugin->forge->list_labels(tr->session, r->owner, r->name, collect_label, &probe,
					   &err) == 0) {
		for (size_t i = 0; i < probe.w->n_labels; i++)
			if (key && strcmp(probe.w->labels[i].key, key) == 0)
				found = true;
	}
	repo_work_free(&probe);
	free(key);
	return found;
}

/* Is the label now on the forge as the update @op makes it? Used when an
 * update's outcome is unknown: a rename that landed cannot be sent again
 * (the old name is gone), so look before repeating. */
static bool update_landed(struct target_run *tr, struct repo_run *r, const struct op *op)
{
	struct repo_run probe = {.names_mode = r->names_mode, .w = REPO_WORK_NONE};
	struct epithet_error err = {0};
	const char *name = (op->fields & EPITHET_FIELD_NAME) && op->name ? op->name : op->cur->name;
	char *key = names_key_mode(name, r->names_mode);
	bool found = false;

	if (tr->plugin->forge->list_labels(tr->session, r->owner, r->name, collect_label, &probe,
					   &err) == 0) {
		for (size_t i = 0; i < probe.w->n_labels && !found; i++) {
			const struct label *l = &probe.w->labels[i];
			const char *d = l->description ? l->description : "";

			if (!key || strcmp(l->key, key) != 0)
				continue;
			found = (!(op->fields & EPITHET_FIELD_NAME) || strcmp(l->name, name) == 0) &&
				(!(op->fields & EPITHET_FIELD_COLOR) || !op->color ||
				 (l->color && strcmp(l->color, op->color) == 0)) &&
				(!(op->fields & EPITHET_FIELD_DESCRIPTION) ||
				 strcmp(d, op->description ? op->description : "") == 0) &&
				(!(op->fields & EPITHET_FIELD_EXCLUSIVE) ||
				 !((l->flags ^ op->flags) & EPITHET_LABEL_EXCLUSIVE)) &&
				(!(op->fields & EPITHET_FIELD_ARCHIVED) ||
				 !((l->flags ^ op->flags) & EPITHET_LABEL_ARCHIVED));
		}
	}
	repo_work_free(&probe);
	free(key);
	return found;
}

/* Whether labels can be put (back) on issues: add_label, or its 1.1 form. */
static bool can_attach(const struct epithet_forge *f)
{
	return EPITHET_HAS_METHOD(struct epithet_forge, f, add_item_label) ||
	       EPITHET_HAS_METHOD(struct epithet_forge, f, add_label);
}

/* Put @label on @item. add_item_label (ABI 1.1) also tells the plugin
 * whether the number is an issue's or a pull request's, for forges that
 * number them apart; a plugin without it gets add_label. */
static int attach_label(struct target_run *tr, struct repo_run *r, const struct epithet_item *item,
			const struct epithet_label *label, struct epithet_error *err)
{
	const struct epithet_forge *f = tr->plugin->forge;

	if (!r->name && item->repo) {
		/* an owner-level label's item names its repo */
		char *owner = xstrdup(item->repo), *name;
		int rc;

		if (!repopath_ok(owner) || !EPITHET_HAS_METHOD(struct epithet_forge, f, add_item_label)) {
			free(owner);
			snprintf(err->message, sizeof(err->message), "cannot relabel an item of '%s'",
				 item->repo);
			return err->code = EPITHET_EINVALID;
		}
		name = repopath_split(owner);
		rc = f->add_item_label(tr->session, owner, name, item, label, err);
		free(owner);
		return rc;
	}
	if (EPITHET_HAS_METHOD(struct epithet_forge, f, add_item_label))
		return f->add_item_label(tr->session, r->owner, r->name, item, label, err);
	if (!EPITHET_HAS_METHOD(struct epithet_forge, f, add_label)) {
		snprintf(err->message, sizeof(err->message), "this forge cannot label issues");
		return err->code = EPITHET_ENOTSUPPORTED;
	}
	return f->add_label(tr->session, r->owner, r->name, item->number, label, err);
}

static int apply_op(struct target_run *tr, struct repo_run *r, const struct op *op,
		    struct op_run *orun)
{
	const struct epithet_forge *f = tr->plugin->forge;
	struct epithet_error err = {0};
	struct epithet_label cur, want;
	int rc = 0;

	want_label_of(op, &want);
	if (op->cur)
		to_epithet_label(op->cur, &cur);
	switch (op->kind) {
	case OP_CREATE:
		rc = f->create_label(tr->session, r->owner, r->name, &want, &err);
		if (rc == EPITHET_ENETWORK || rc == EPITHET_ESERVER) {
			/* The create may have happened: look before repeating,
			 * so that a forge allowing duplicate names never gets two. */
			if (create_landed(tr, r, op)) {
				rc = 0;
			} else {
				memset(&err, 0, sizeof(err));
				rc = f->create_label(tr->session, r->owner, r->name, &want, &err);
			}
		}
		/* A label recreated by undo goes back on the issues that had it. */
		for (size_t i = 0; rc == 0 && orun->items.known && i < orun->items.n; i++) {
			struct epithet_label made = want;

			if (!can_attach(f)) {
				rc = EPITHET_ENOTSUPPORTED;
				snprintf(err.message, sizeof(err.message),
					 "created, but this forge cannot put it back on its issues");
				break;
			}
			rc = attach_label(tr, r, &orun->items.v[i], &made, &err);
		}
		break;
	case OP_UPDATE:
	case OP_RENAME:
	case OP_ARCHIVE:
		rc = f->update_label(tr->session, r->owner, r->name, &cur, &want, &err);
		if (rc == EPITHET_ENETWORK || rc == EPITHET_ESERVER) {
			/* The update may have happened: look, then repeat only if not. */
			if (update_landed(tr, r, op)) {
				rc = 0;
			} else {
				memset(&err, 0, sizeof(err));
				rc = f->update_label(tr->session, r->owner, r->name, &cur, &want, &err);
			}
		}
		break;
	case OP_DELETE:
		rc = f->delete_label(tr->session, r->owner, r->name, &cur, &err);
		if (rc == EPITHET_ENOTFOUND)
			rc = 0; /* already gone: what was asked is true */
		break;
	case OP_MERGE: {
		struct epithet_label into = {.struct_size = sizeof(into)};

		into.fields = EPITHET_FIELD_NAME;
		into.name = op->into;
		into.id = op->into_cur ? op->into_cur->id : NULL;
		into.issues = into.pulls = -1;
		if (!orun->items.known) {
			rc = EPITHET_ENOTSUPPORTED;
			snprintf(err.message, sizeof(err.message),
				 "cannot tell which issues carry '%s'; not merged", op->cur->name);
			break;
		}
		for (size_t i = 0; i < orun->items.n && rc == 0; i++) {
			if (run_stopping()) {
				rc = EPITHET_EINTERRUPTED;
				snprintf(err.message, sizeof(err.message), "interrupted");
				break;
			}
			rc = attach_label(tr, r, &orun->items.v[i], &into, &err);
		}
		/* The alias is deleted only once every issue carries the label:
		 * a failure half-way leaves both, never an unlabelled issue. */
		if (rc == 0) {
			rc = f->delete_label(tr->session, r->owner, r->name, &cur, &err);
			if (rc == EPITHET_ENOTFOUND)
				rc = 0;
		}
		break;
	}
	case OP_NOTICE:
		return 0;
	}
	if (rc != 0)
		op_fail(orun, rc, &err, "failed");
	else
		orun->state = OPST_DONE;
	return rc;
}

/* Errors after which the rest of a repo (or the run) is not attempted. */
static bool fatal_for_repo(int rc)
{
	return rc == EPITHET_EAUTH || rc == EPITHET_EFORBIDDEN || rc == EPITHET_ERATELIMIT ||
	       rc == EPITHET_EINTERRUPTED;
}

/*
 * The writes of one target. Each repo's ops go one at a time, in plan
 * order, on one thread; with a plugin that allows concurrent writes and
 * unpaced writes (hostsvc_writes_paced), up to --jobs repos are worked on at
 * once, else one. The lock guards everything below it and the output.
 */
struct applier {
	struct run *run;
	struct target_run *tr;
	struct journal *j;
	pthread_mutex_t lock;
	size_t next;               /* the next repo to take */
	size_t applied, total;     /* changes made or tried, of the run's */
	bool stop_all;             /* a rate limit or an interrupt: stop the run */
};

static bool stopping_all(struct applier *ap)
{
	bool stop;

	pthread_mutex_lock(&ap->lock);
	stop = ap->stop_all;
	pthread_mutex_unlock(&ap->lock);
	return stop || run_stopping();
}

static void apply_repo(struct applier *ap, struct repo_run *r)
{
	struct target_run *tr = ap->tr;
	bool stop_repo = false;
	char left[64];

	for (size_t k = 0; k < r->w->plan.n; k++) {
		const struct op *op = &r->w->plan.ops[k];
		struct op_run *orun = &r->w->ops[k];
		long seq;
		int rc;

		if (op->kind == OP_NOTICE)
			continue;
		if (stop_repo || stopping_all(ap)) {
			orun->state = OPST_SKIPPED;
			continue;
		}
		seq = journal_intent(ap->j, tr, r, op, orun);
		rc = apply_op(tr, r, op, orun);
		journal_done(ap->j, seq, rc);
		pthread_mutex_lock(&ap->lock);
		output_progress(ap->run, tr, r, op, orun);
		estimate_left(ap->run, left, sizeof(left));
		log_progress("applying: %zu/%zu changes%s", ++ap->applied, ap->total, left);
		if (rc == EPITHET_ERATELIMIT || rc == EPITHET_EINTERRUPTED)
			ap->stop_all = true;
		pthread_mutex_unlock(&ap->lock);
		if (fatal_for_repo(rc))
			stop_repo = true;
	}
}

static void *applier_main(void *arg)
{
	struct applier *ap = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&ap->lock);
		i = ap->next++;
		pthread_mutex_unlock(&ap->lock);
		if (i >= ap->tr->n_repos)
			break;
		apply_repo(ap, &ap->tr->repos[i]);
	}
	return NULL;
}

/* How many repos of @tr are written at once: see struct applier. */
static int write_jobs(const struct run *run, const struct target_run *tr)
{
	const struct epithet_forge *f = tr->plugin->forge;
	int jobs = run->opt->jobs > 0 ? run->opt->jobs : 4;
	size_t busy = 0;

	if (!(f->capabilities & EPITHET_CAP_CONCURRENT_WRITES) || hostsvc_writes_paced(tr->hs))
		return 1;
	for (size_t i = 0; i < tr->n_repos; i++)
		busy += plan_changes(&tr->repos[i].w->plan) > 0;
	if ((size_t)jobs > busy)
		jobs = busy ? (int)busy : 1;
	return jobs > MAX_WRITERS ? MAX_WRITERS : jobs;
}

void apply_all(struct run *run, struct journal *j)
{
	struct applier ap = {.run = run, .j = j};

	for (size_t i = 0; i < run->n_targets; i++)
		for (size_t jr = 0; jr < run->targets[i].n_repos; jr++)
			ap.total += plan_changes(&run->targets[i].repos[jr].w->plan);
	pthread_mutex_init(&ap.lock, NULL);

	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];
		pthread_t th[MAX_WRITERS];
		int n, started = 0;

		if (tr->code)
			continue;
		ap.tr = tr;
		ap.next = 0;
		n = write_jobs(run, tr);
		for (int k = 0; k < n && n > 1; k++)
			if (pthread_create(&th[k], NULL, applier_main, &ap) == 0)
				started++;
		if (!started)
			applier_main(&ap);
		for (int k = 0; k < started; k++)
			pthread_join(th[k], NULL);
	}
	pthread_mutex_destroy(&ap.lock);
	log_progress_done();
	if (run_stopping())
		run->interrupted = true;
}
