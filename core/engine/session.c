/* SPDX-License-Identifier: MIT */
/*
 * A target's session: opening it through its plugin over a fresh set of
 * host services (with the target's token), closing it, and freeing every
 * repo and target of a run. Selects, reads and writes nothing.
 */
#include "internal.h"

#include <stdlib.h>

#include "appauth.h"
#include "log.h"
#include "strpool.h"
#include "util.h"

/* ---- sessions ---- */

int open_target(struct run *run, struct target_run *tr)
{
	const struct run_options *o = run->opt;
	const struct epithet_forge *f = tr->plugin->forge;
	struct epithet_forge_config cfg = {.struct_size = sizeof(cfg)};
	struct epithet_error err = {0};
	int rc;

	tr->hopt = o->host;
	tr->hopt.plugin_name = f->name;
	tr->hopt.target_token_env = tr->t->token_env;
	/* App credentials (appcreds.h): the target's, else the run's (undo) */
	if (tr->t->app) {
		tr->hopt.app = tr->t->app;
		tr->hopt.app_required = tr->t->app_required;
	}
	tr->hopt.owner = tr->t->org;
	/* the host lets unpaced writes overlap; apply.c keeps them to different repos */
	tr->hopt.concurrent_writes = (f->capabilities & EPITHET_CAP_CONCURRENT_WRITES) != 0;
	/* conditional GETs: a repeated run of an unchanged org costs ~nothing */
	tr->hopt.cache = true;
	tr->hopt.dry_run = o->dry_run || o->cmd == CMD_PLAN || o->cmd == CMD_LIST ||
			   o->cmd == CMD_EXPORT;
	tr->hs = hostsvc_new(&tr->hopt);
	if (!tr->hs) {
		tr->code = EPITHET_ENOMEM;
		tr->error = xstrdup("out of memory");
		return -1;
	}
	cfg.url = tr->t->url;
	cfg.api_url = tr->t->api_url;
	cfg.owner = tr->t->org;
	cfg.flags = (tr->t->org_labels ? EPITHET_CONFIG_ORG_LABELS : 0) |
		    (tr->hopt.dry_run ? EPITHET_CONFIG_DRY_RUN : 0);
	tr->info.struct_size = sizeof(tr->info);
	/* Known before open(), so that a target failing to start (server down,
	 * bad token) is still named by its owner in the report. */
	if (tr->t->org && !tr->owner)
		tr->owner = xstrdup(tr->t->org);
	rc = f->open(hostsvc_host(tr->hs), &cfg, &tr->info, &tr->session, &err);
	if (rc != 0) {
		target_fail(tr, rc, "cannot start", &err);
		tr->no_access = rc == EPITHET_EAUTH;
		/* open() refusing a value (a malformed URL, an unreadable
		 * --token-file) is a bad argument: exit 65. */
		tr->bad_value = rc == EPITHET_EINVALID;
		tr->session = NULL;
		return -1;
	}
	if (tr->hopt.app && tr->hopt.app_required && !hostsvc_app_used(tr->hs)) {
		/* a plugin that never declared an endpoint: nothing to sign for */
		tr->code = EPITHET_EINVALID;
		tr->error = xasprintf("forge '%s' has no App authentication: App credentials (App %s) "
				      "do not apply to it", f->name, app_cred_id(tr->hopt.app));
		tr->bad_value = true;
		return -1;
	}
	if (!tr->owner && tr->info.default_owner)
		tr->owner = xstrdup(tr->info.default_owner);
	if (!tr->owner && !tr->t->repos) {
		tr->code = EPITHET_EINVALID;
		tr->error = xstrdup("no owner: give --org OWNER or --repo OWNER/NAME");
		tr->usage_error = true;
		return -1;
	}
	return 0;
}

static void close_target(struct target_run *tr)
{
	if (tr->hs) {
		hostsvc_stats(tr->hs, &tr->stats);
		/* --verbose: what the target cost (also in --output json) */
		log_info("%s: %llu requests: %llu reads (%llu not modified, from the cache), "
			 "%llu writes, %llu retries; connections opened: %llu", tr->owner ? tr->owner : "target",
			 (unsigned long long)tr->stats.requests, (unsigned long long)tr->stats.reads,
			 (unsigned long long)tr->stats.not_modified,
			 (unsigned long long)tr->stats.writes, (unsigned long long)tr->stats.retries,
			 (unsigned long long)tr->stats.connections);
	}
	if (tr->plugin && tr->session)
		tr->plugin->forge->close(tr->session);
	tr->session = NULL;
	hostsvc_free(tr->hs);
	tr->hs = NULL;
}

const struct repo_work repo_work_none;

struct repo_work *repo_work(struct repo_run *r)
{
	if (r->w == REPO_WORK_NONE || !r->w)
		r->w = xcalloc(1, sizeof(struct repo_work));
	return (struct repo_work *)r->w; /* its own: made here */
}

void repo_work_settle(struct repo_run *r)
{
	const struct repo_work *w = r->w;

	if (w == REPO_WORK_NONE || !w)
		return;
	if (!w->topics && !w->labels && !w->read_error && !w->plan.ops && !w->plan.n && !w->ops)
		repo_work_free(r);
}

void repo_work_free(struct repo_run *r)
{
	struct repo_work *w;

	if (r->w == REPO_WORK_NONE || !r->w) {
		r->w = REPO_WORK_NONE;
		return;
	}
	w = repo_work(r);
	for (size_t k = 0; k < w->plan.n && w->ops; k++) {
		free(w->ops[k].error);
		free(w->ops[k].items.v);
	}
	free(w->ops);
	plan_finish(&w->plan);
	repo_labels_free(r);
	free(w->read_error);
	strv_free(w->topics);
	free(w);
	r->w = REPO_WORK_NONE;
}

void repos_free(struct repo_run *repos, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		struct repo_run *r = &repos[j];

		repo_work_free(r);
		free(r->sets);
		strpool_free(r->owner);
		/* r->full is the target's (tr->names), r->name its tail */
	}
	free(repos);
}

void free_run(struct run *run)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];

		close_target(tr);
		repos_free(tr->repos, tr->n_repos);
		strarena_free(&tr->names);
		free(tr->owner);
		free(tr->error);
		plugin_free(tr->plugin);
	}
	free(run->targets);
	free(run->journal_path);
}

