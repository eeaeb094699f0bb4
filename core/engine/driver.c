/* SPDX-License-Identifier: MIT */
/*
 * The run driver: engine_run (ensure, delete, rename, sync, plan, copy,
 * list, export) and engine_plugins, in order: load the plugins, check the
 * labels against their limits, open the targets, select and read, plan,
 * show, confirm, apply, report; and the exit status that sums it up. Each
 * step is done in its own room; this one only orders them. Also the signal
 * that stops a run at the next request boundary.
 */
#include "internal.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "labelsfile.h"
#include "log.h"
#include "names.h"
#include "output.h"
#include "repopath.h"
#include "status.h"
#include "strpool.h"
#include "util.h"

static volatile sig_atomic_t got_signal;

void engine_signal(int sig)
{
	got_signal = sig;
	hostsvc_interrupt();
}

bool run_stopping(void)
{
	return got_signal != 0 || hostsvc_interrupted();
}

/* ---- list and export ---- */

/* A plugin's name_forbidden (ABI 1.1), or NULL. */
static const char *forbidden_of(const struct epithet_forge *f)
{
	return EPITHET_HAS_MEMBER(struct epithet_forge, f, name_forbidden) ? f->name_forbidden : NULL;
}

static void build_copy_desired(const struct repo_run *src, struct desired *d)
{
	memset(d, 0, sizeof(*d));
	d->labels = xcalloc(src->w->n_labels ? src->w->n_labels : 1, sizeof(*d->labels));
	for (size_t i = 0; i < src->w->n_labels; i++) {
		const struct label *l = &src->w->labels[i];
		struct want_label *w;

		/* A label the source inherits from its owner is the owner's,
		 * not the source's: copying it would make repo copies of it. */
		if (l->flags & EPITHET_LABEL_OWNER)
			continue;
		w = &d->labels[d->n_labels++];
		w->name = xstrdup(l->name);
		w->key = names_key(l->name);  /* a desired label's key is plain (model.h) */
		w->color = xstrdup(l->color);
		w->has_description = true;
		w->description = xstrdup(l->description ? l->description : "");
		/* the source's scoped state too, like its description (forges
		 * without scoped labels never set the flag, and ignore it) */
		w->exclusive = (l->flags & EPITHET_LABEL_EXCLUSIVE) ? 1 : 0;
	}
}

/* ---- the run ---- */

/* Whether a set selects repos by topic: only then are the repos' topics
 * kept from the listing to the planning (SPEC 9). */
static bool sets_use_topics(const struct desired *want)
{
	for (size_t i = 0; want && i < want->n_sets; i++)
		if (want->sets[i].topics && want->sets[i].topics[0])
			return true;
	return false;
}

/* Repos read and planned at a time: what a run holds of the forge's labels
 * (SPEC 11: memory bounded by the batch, not the estate). Ten batch reads
 * of 100: 4 readers busy at --jobs 4. */
#define WINDOW_REPOS 400

/*
 * A target's repos, a window at a time: read, owner labels added, planned,
 * and every label no op acts on freed. The plan (and so the summary, the
 * confirmation and the journal) still covers every repo before any write.
 */
static void read_and_plan(struct run *run, struct target_run *tr, const struct desired *want)
{
	int jobs = run->opt->jobs > 0 ? run->opt->jobs : 4;
	struct repo_run *owner = read_owner_labels(tr);

	for (size_t first = 0; first < tr->n_repos && !run_stopping(); first += WINDOW_REPOS) {
		size_t n = tr->n_repos - first < WINDOW_REPOS ? tr->n_repos - first : WINDOW_REPOS;

		read_labels(tr, first, n, jobs);
		add_owner_labels(tr, owner, first, n);
		plan_repos(run, tr, want, first, n);
	}
	owner_labels_free(owner);
}

/*
 * list and export: a target's repos read a window at a time, each window
 * handed to the inventory (and list's per-repo output), then its labels
 * freed. Every window is read even when stopping: read_labels says why a
 * repo was not read.
 */
static void read_and_list(struct run *run, struct target_run *tr, struct list_acc *acc)
{
	int jobs = run->opt->jobs > 0 ? run->opt->jobs : 4;

	for (size_t first = 0; first < tr->n_repos; first += WINDOW_REPOS) {
		size_t n = tr->n_repos - first < WINDOW_REPOS ? tr->n_repos - first : WINDOW_REPOS;

		read_labels(tr, first, n, jobs);
		output_list_add(acc, run, tr, first, n);
		for (size_t j = first; j < first + n; j++) {
			repo_labels_free(&tr->repos[j]);
			repo_work_settle(&tr->repos[j]);
		}
	}
}

static int exit_status(const struct run *run, const struct totals *t)
{
	bool auth = false, failed = false, usage = false, bad = false;

	if (run->interrupted || got_signal)
		return got_signal == SIGTERM ? EXIT_SIGTERM : EXIT_SIGINT;
	for (size_t i = 0; i < run->n_targets; i++) {
		/* An owner the App cannot act for (not installed, its renewed
		 * token refused): exit 77 when it is the only target, else that
		 * target failed and the others went on (SPEC.md 10). */
		if (hostsvc_app_failed(run->targets[i].hs) && run->n_targets > 1) {
			failed = true;
			continue;
		}
		auth |= hostsvc_app_failed(run->targets[i].hs);
		auth |= run->targets[i].no_access;
		usage |= run->targets[i].usage_error;
		bad |= run->targets[i].bad_value;
		failed |= run->targets[i].code != 0;
	}
	if (usage)
		return EXIT_USAGE;
	if (bad)
		return EXIT_DATAERR;
	if (auth)
		return EXIT_NOPERM;
	if (failed || t->failed_repos || run->refused)
		return EXIT_FAILED;
	if ((run->opt->dry_run || run->opt->cmd == CMD_PLAN) && t->changes)
		return EXIT_CHANGES;
	return EXIT_OK;
}

int load_plugins(struct run *run, const struct desired *want)
{
	struct lf_diags diags = {0};
	int bad = 0;

	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];
		const struct epithet_forge *f;
		char msg[1024];

		tr->plugin = loader_load(tr->t->forge, msg, sizeof(msg));
		if (!tr->plugin) {
			log_error("%s", msg);
			return EXIT_UNAVAILABLE;
		}
		f = tr->plugin->forge;
		/* Each forge's limits are checked once, however many targets use it. */
		for (size_t k = 0; k < i && want; k++)
			if (run->targets[k].plugin->forge == f)
				goto checked;
		if (want && run->opt->config_path &&
		    (run->opt->cmd == CMD_SYNC || run->opt->cmd == CMD_PLAN)) {
			/* The labels came from the file (and its bases): a value
			 * too long is reported where it is (the file, the line
			 * and column of the value). Not read again: that would
			 * read the forge bases twice. */
			struct lf_limits lim = {f->name_max, f->description_max, forbidden_of(f)};

			bad |= lf_check_policy_limits(want, &lim, &diags) != 0;
		} else if (want) {
			/* The labels came from the command (with -c, the file
			 * only brings targets): do not blame the file. */
			struct lf_limits lim = {f->name_max, f->description_max, forbidden_of(f)};

			bad |= lf_check_limits("command line", want, &lim, &diags) != 0;
		}
checked:;
	}
	if (bad) {
		for (size_t i = 0; i < diags.n; i++) {
			char *m = lf_diag_format(&diags.v[i]);

			log_error("%s", m);
			free(m);
		}
		lf_diags_finish(&diags);
		return EXIT_DATAERR;
	}
	lf_diags_finish(&diags);
	return 0;
}

static void uses_fields(const struct want_label *v, size_t n, bool *excl, bool *desc)
{
	for (size_t k = 0; k < n; k++) {
		*excl |= v[k].exclusive > 0;
		*desc |= v[k].has_description && v[k].description && *v[k].description;
	}
}

/* Notices about fields a forge ignores: said once per forge, not per repo. */
static void capability_notices(const struct run *run, const struct desired *want)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct epithet_forge *f = run->targets[i].plugin->forge;
		bool excl = false, desc = false, seen = false;

		for (size_t k = 0; k < i; k++)
			seen |= run->targets[k].plugin->forge == f;
		if (seen)
			continue;
		uses_fields(want->labels, want->n_labels, &excl, &desc);
		for (size_t k = 0; k < want->n_sets; k++)
			uses_fields(want->sets[k].labels, want->sets[k].n_labels, &excl, &desc);
		if (excl && !(f->capabilities & EPITHET_CAP_EXCLUSIVE))
			log_notice("forge '%s' has no exclusive (scoped) labels: 'exclusive' is ignored there",
				   f->name);
		for (size_t k = 0; exclusive_by_name(f) && k < want->n_labels; k++) {
			const struct want_label *w = &want->labels[k];
			bool scoped = strstr(w->name, exclusive_by_name(f)) != NULL;

			if (w->exclusive > 0 && !scoped)
				log_notice("%s: 'exclusive: true' means nothing on forge '%s', where a "
					   "label is scoped by a '%s' in its name", w->name, f->name,
					   exclusive_by_name(f));
			else if (w->exclusive == 0 && scoped)
				log_notice("%s: the '%s' in its name makes it scoped on forge '%s'; "
					   "'exclusive: false' cannot change that", w->name,
					   exclusive_by_name(f), f->name);
		}
		if (desc && !(f->capabilities & EPITHET_CAP_DESCRIPTION))
			log_notice("forge '%s' has no label descriptions: they are ignored there", f->name);
	}
}

/*
 * The end every changing command shares: show the plan, stop there on a dry
 * run (or when nothing is to change), ask, open the journal, apply, report.
 * *nothing_left (optional) says the plan was empty and nothing failed.
 * Returns the exit status.
 */
int show_and_apply(struct run *run, const char *journal_cmd, bool dry_run,
		   bool *nothing_left)
{
	struct journal *j;
	struct totals t;
	char msg[512];

	plan_totals(run, &t);
	estimate_writes(run);
	output_plan(run);
	if (nothing_left)
		*nothing_left = t.changes == 0 && !t.failed_repos && !run_stopping();
	if (dry_run || t.changes == 0 || run_stopping() || !confirm_changes(run, &t)) {
		output_result(run);
		return exit_status(run, &t);
	}
	j = journal_create(journal_cmd, &run->journal_path, msg, sizeof(msg));
	if (!j) {
		log_error("%s; nothing was changed (without a journal no change could be undone)",
			  msg);
		return EXIT_FAILED;
	}
	run->applied = true;
	apply_all(run, j);
	journal_close(j);
	plan_totals(run, &t);
	output_result(run);
	return exit_status(run, &t);
}

int engine_run(const struct run_options *o, const struct desired *want_in,
	       struct target *targets, size_t n_targets)
{
	struct run run = {.opt = o, .want = want_in};
	struct desired copied = {0};
	const struct desired *want = want_in;
	struct totals t;
	int status;
	bool reads_only = o->cmd == CMD_LIST || o->cmd == CMD_EXPORT;
	struct list_acc *acc = NULL;

	run.n_targets = n_targets;
	run.targets = xcalloc(n_targets ? n_targets : 1, sizeof(*run.targets));
	for (size_t i = 0; i < n_targets; i++)
		run.targets[i].t = &targets[i];

	status = load_plugins(&run, reads_only || o->cmd == CMD_COPY ? NULL : want);
	if (status)
		goto out;
	if (!reads_only && o->cmd != CMD_COPY)
		capability_notices(&run, want);

	for (size_t i = 0; i < n_targets && !run_stopping(); i++) {
		struct target_run *tr = &run.targets[i];

		if (open_target(&run, tr) != 0)
			continue;
		if (o->cmd == CMD_COPY && !copied.labels) {
			struct repo_run src = {.w = REPO_WORK_NONE};
			char *owner = xstrdup(o->copy_from), *name = repopath_split(owner);

			src.owner = owner;
			src.name = xstrdup(name);
			src.full = xstrdup(o->copy_from);
			read_one(tr, &src);
			if (src.read_code) {
				log_error("cannot read the labels of %s: %s", o->copy_from,
					  src.w->read_error);
				status = src.read_code == EPITHET_EAUTH ? EXIT_NOPERM : EXIT_FAILED;
			} else {
				build_copy_desired(&src, &copied);
				want = &copied;
				run.want = want;
			}
			repo_work_free(&src);
			free(src.owner);
			free(src.name);
			free(src.full);
			if (status)
				goto out;
		}
		tr->keep_topics = !reads_only && sets_use_topics(want);
		if (select_repos(tr) != 0)
			continue;
		if (reads_only) {
			if (!acc)
				acc = output_list_start(&run);
			read_and_list(&run, tr, acc);
			continue;
		}
		read_and_plan(&run, tr, want);
	}

	if (reads_only) {
		if (!acc)
			acc = output_list_start(&run);
		status = output_list_end(&run, acc);
		plan_totals(&run, &t);
		if (!status)
			status = exit_status(&run, &t);
		goto out;
	}

	for (size_t i = 0; i < run.n_targets; i++)
		check_owner_duplicates(&run.targets[i], o->jobs > 0 ? o->jobs : 4);
	status = show_and_apply(&run, o->cmd_name, o->dry_run || o->cmd == CMD_PLAN, NULL);
out:
	desired_finish(&copied);
	free_run(&run);
	strpool_clear();
	return status;
}

/* ---- plugins ---- */

int engine_plugins(const struct run_options *o)
{
	struct plugin_entry *v = NULL;
	size_t n = 0;
	int rc;

	loader_scan(&v, &n);
	rc = output_plugins(o, v, n);
	loader_scan_free(v, n);
	return rc;
}
