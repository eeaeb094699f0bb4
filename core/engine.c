/* SPDX-License-Identifier: MIT */
#include "engine.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "journal.h"
#include "labelsfile.h"
#include "log.h"
#include "names.h"
#include "output.h"
#include "strpool.h"
#include "util.h"

static volatile sig_atomic_t got_signal;

void engine_signal(int sig)
{
	got_signal = sig;
	hostsvc_interrupt();
}

static bool stopping(void)
{
	return got_signal != 0 || hostsvc_interrupted();
}

/* ---- copies of what plugins hand to callbacks ---- */

#define LABEL_V1_SIZE (offsetof(struct epithet_label, pulls) + sizeof(int64_t))
#define REPO_V1_SIZE (offsetof(struct epithet_repo, id) + sizeof(const char *))

/* Names, colours, descriptions and keys repeat across an org's repos: they
 * are pooled (strpool.h), one copy each; label_finish frees the rest. */
static void label_copy(struct label *d, const struct epithet_label *l)
{
	char *color, *key;

	memset(d, 0, sizeof(*d));
	d->name = (char *)strpool_intern(l->name ? l->name : "");
	if (l->color) {
		color = xstrdup(l->color);
		for (char *c = color; *c; c++)
			*c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
		d->color = (char *)strpool_intern(color);
		free(color);
	}
	d->description = (char *)strpool_intern(l->description);
	d->id = xstrdup(l->id);
	key = names_key(d->name);
	d->key = (char *)strpool_intern(key ? key : d->name);
	free(key);
	d->flags = l->flags;
	d->issues = l->issues;
	d->pulls = l->pulls;
}

static void label_finish(struct label *l)
{
	strpool_free(l->name);
	strpool_free(l->color);
	strpool_free(l->description);
	strpool_free(l->id);
	strpool_free(l->key);
	memset(l, 0, sizeof(*l));
}

static int collect_label(const struct epithet_label *l, void *payload)
{
	struct repo_run *r = payload;

	if (!l || l->struct_size < LABEL_V1_SIZE || !l->name)
		return EPITHET_EPROTOCOL;
	grow(&r->labels, &r->cap_labels, r->n_labels + 1, sizeof(*r->labels));
	label_copy(&r->labels[r->n_labels++], l);
	return 0;
}

/* ---- selecting repos ---- */

struct select_ctx {
	struct target_run *tr;
	size_t cap;
};

/* A glob with a '/' matches "owner/name", any other the name alone (so that
 * `--exclude 'a*'` does not match every repo of an owner "acme"). */
static bool glob_repo(char *const *globs, const char *name, const char *full)
{
	for (size_t i = 0; globs && globs[i]; i++)
		if (glob_match(globs[i], strchr(globs[i], '/') ? full : name, false))
			return true;
	return false;
}

static bool wanted_repo(const struct target *t, const struct epithet_repo *repo, bool named)
{
	char *full;
	bool ok = true;

	if (repo->flags & EPITHET_REPO_DISABLED)
		return false;
	if ((repo->flags & EPITHET_REPO_ARCHIVED) && !t->archived)
		return false;
	if (named)
		return true;
	if ((repo->flags & EPITHET_REPO_FORK) && !t->forks)
		return false;
	full = xasprintf("%s/%s", repo->owner, repo->name);
	if (t->include && !glob_repo(t->include, repo->name, full))
		ok = false;
	if (ok && glob_repo(t->exclude, repo->name, full))
		ok = false;
	free(full);
	if (ok && t->topics) {
		bool any = false;

		for (size_t i = 0; i < repo->n_topics && !any; i++)
			for (size_t j = 0; t->topics[j] && !any; j++)
				any = repo->topics[i] && strcmp(repo->topics[i], t->topics[j]) == 0;
		ok = any;
	}
	return ok;
}

static void add_repo(struct target_run *tr, size_t *cap, const char *owner, const char *name,
		     uint32_t flags, const char *const *topics, size_t n_topics)
{
	struct repo_run *r;

	grow(&tr->repos, cap, tr->n_repos + 1, sizeof(*tr->repos));
	r = &tr->repos[tr->n_repos++];
	memset(r, 0, sizeof(*r));
	r->owner = xstrdup(owner);
	r->name = xstrdup(name);
	r->full = name ? xasprintf("%s/%s", owner, name) : xasprintf("%s (owner labels)", owner);
	r->flags = flags;
	r->read_only = flags & (EPITHET_REPO_ARCHIVED | EPITHET_REPO_DISABLED);
	for (size_t i = 0; i < n_topics; i++)
		if (topics[i])
			strv_push(&r->topics, topics[i]);
}

static int select_cb(const struct epithet_repo *repo, void *payload, bool named)
{
	struct select_ctx *c = payload;

	if (!repo || repo->struct_size < REPO_V1_SIZE || !repo->name || !repo->owner)
		return EPITHET_EPROTOCOL;
	if (!wanted_repo(c->tr->t, repo, named)) {
		c->tr->skipped_repos++;
		return 0;
	}
	add_repo(c->tr, &c->cap, repo->owner, repo->name, repo->flags, repo->topics, repo->n_topics);
	return 0;
}

static int select_listed(const struct epithet_repo *repo, void *payload)
{
	return select_cb(repo, payload, false);
}

static int select_named(const struct epithet_repo *repo, void *payload)
{
	return select_cb(repo, payload, true);
}

static int cmp_repo(const void *a, const void *b)
{
	return strcmp(((const struct repo_run *)a)->full, ((const struct repo_run *)b)->full);
}

static void target_fail(struct target_run *tr, int code, const char *what, const struct epithet_error *err)
{
	tr->code = code ? code : EPITHET_ERROR;
	free(tr->error);
	tr->error = xasprintf("%s: %s", what, err && err->message[0] ? err->message : "failed");
}

static int select_repo_list(struct target_run *tr);

static int select_repos(struct target_run *tr)
{
	const struct epithet_forge *f = tr->plugin->forge;
	struct select_ctx c = {.tr = tr};

	if (tr->t->org_labels) {
		if (!(f->capabilities & EPITHET_CAP_ORG_LABELS)) {
			tr->code = EPITHET_ENOTSUPPORTED;
			tr->error = xasprintf("forge '%s' has no owner-level labels (org_labels)", f->name);
			return -1;
		}
		add_repo(tr, &c.cap, tr->owner, NULL, 0, NULL, 0);
		return 0;
	}
	return select_repo_list(tr);
}

/* The repos of the target: named ones (--repo), or the owner's, filtered. */
static int select_repo_list(struct target_run *tr)
{
	const struct epithet_forge *f = tr->plugin->forge;
	struct select_ctx c = {.tr = tr};
	struct epithet_error err = {0};
	int rc;

	if (tr->t->repos) {
		for (size_t i = 0; tr->t->repos[i]; i++) {
			char *owner = xstrdup(tr->t->repos[i]);
			char *name = strchr(owner, '/');

			*name++ = '\0';
			memset(&err, 0, sizeof(err));
			rc = f->get_repo(tr->session, owner, name, select_named, &c, &err);
			if (rc != 0) {
				/* A missing repo is that repo's failure, not the run's. */
				struct repo_run *r;

				add_repo(tr, &c.cap, owner, name, 0, NULL, 0);
				r = &tr->repos[tr->n_repos - 1];
				r->read_code = rc;
				r->read_error = xstrdup(err.message[0] ? err.message : "cannot read repository");
			}
			free(owner);
		}
	} else {
		rc = f->list_repos(tr->session, tr->owner, select_listed, &c, &err);
		if (rc != 0) {
			char *what = xasprintf("cannot list the repositories of '%s'", tr->owner);

			target_fail(tr, rc, what, &err);
			free(what);
			/* The credentials cannot read the owner at all: exit 77. */
			tr->no_access = rc == EPITHET_EAUTH || rc == EPITHET_ENOTFOUND ||
					rc == EPITHET_EFORBIDDEN;
			return -1;
		}
	}
	if (tr->n_repos > 1)
		qsort(tr->repos, tr->n_repos, sizeof(*tr->repos), cmp_repo);
	return 0;
}

/* ---- reading labels, in parallel ---- */

/* Repos per list_labels_many call (EPITHET_CAP_BATCH_READ). */
#define BATCH_REPOS 100

struct reader {
	struct target_run *tr;
	pthread_mutex_t lock;
	size_t next;
	size_t done;
	size_t batch;              /* repos per list_labels_many call; 0: one by one */
};

static void drop_labels(struct repo_run *r)
{
	for (size_t i = 0; i < r->n_labels; i++)
		label_finish(&r->labels[i]);
	r->n_labels = 0;
}

static void read_one(struct target_run *tr, struct repo_run *r)
{
	struct epithet_error err = {0};
	int rc;

	if (r->read_code)
		return;
	rc = tr->plugin->forge->list_labels(tr->session, r->owner, r->name, collect_label, r, &err);
	if (rc != 0) {
		drop_labels(r);
		r->read_code = rc;
		r->read_error = xstrdup(err.message[0] ? err.message : "cannot read labels");
	}
}

struct batch_ctx {
	struct repo_run **runs;
	size_t n;
};

static int collect_batch_label(size_t index, const struct epithet_label *l, void *payload)
{
	struct batch_ctx *b = payload;

	if (index >= b->n)
		return EPITHET_EPROTOCOL;
	return collect_label(l, b->runs[index]);
}

/* A failed batch is read again repo by repo, unless that cannot help. */
static bool batch_retry_alone(int rc)
{
	return rc != EPITHET_EINTERRUPTED && rc != EPITHET_ENOMEM && rc != EPITHET_ENETWORK &&
	       rc != EPITHET_EAUTH;
}

/* A failed batch that says nothing against batching: one repo of it was not
 * found or not allowed. Anything else (ENOTSUPPORTED: no batch reads here;
 * ERATELIMIT: their budget, maybe not the plain reads', is spent; an answer
 * not understood) will fail the next batch too. */
static bool batch_repo_failure(int rc)
{
	return rc == EPITHET_ENOTFOUND || rc == EPITHET_EFORBIDDEN;
}

/*
 * tr->repos[first, first + n) in one list_labels_many call. A batch that
 * fails as a whole is read again one repo at a time (the ABI has no per-repo
 * failure for batches, so this is how one bad repo fails alone), except
 * when that cannot help: interrupted, out of memory, no network, rejected
 * credentials. Returns the batch's status. With @probe (the first batch of
 * a target), a failure that is not one repo's leaves the repos unread: the
 * caller stops batching and reads every repo, in parallel.
 */
static int read_batch(struct target_run *tr, size_t first, size_t n, bool probe)
{
	struct epithet_repo *repos = xcalloc(n, sizeof(*repos));
	const struct epithet_repo **ptrs = xcalloc(n, sizeof(*ptrs));
	struct batch_ctx ctx = {.runs = xcalloc(n, sizeof(*ctx.runs))};
	struct epithet_error err = {0};
	int rc = 0;

	for (size_t i = first; i < first + n; i++) {
		struct repo_run *r = &tr->repos[i];

		if (r->read_code)
			continue;
		repos[ctx.n].struct_size = sizeof(*repos);
		repos[ctx.n].flags = r->flags;
		repos[ctx.n].owner = r->owner;
		repos[ctx.n].name = r->name;
		repos[ctx.n].topics = (const char *const *)r->topics;
		repos[ctx.n].n_topics = strv_len(r->topics);
		ptrs[ctx.n] = &repos[ctx.n];
		ctx.runs[ctx.n++] = r;
	}
	/* One repo is one request either way, and a plain list is cacheable. */
	if (ctx.n >= 2)
		rc = tr->plugin->forge->list_labels_many(tr->session, ptrs, ctx.n,
							 collect_batch_label, &ctx, &err);
	if (ctx.n < 2 || rc != 0) {
		if (probe && rc != 0 && batch_retry_alone(rc) && !batch_repo_failure(rc)) {
			log_info("reading labels one repo at a time: %s", err.message);
			for (size_t k = 0; k < ctx.n; k++)
				drop_labels(ctx.runs[k]);
			goto out;
		}
		if (ctx.n >= 2)
			log_info("reading the labels of %zu repos one by one: %s", ctx.n,
				 err.message[0] ? err.message : "the batch read failed");
		for (size_t k = 0; k < ctx.n; k++) {
			struct repo_run *r = ctx.runs[k];

			drop_labels(r);
			if (ctx.n < 2 || batch_retry_alone(rc)) {
				if (!stopping())
					read_one(tr, r);
			} else {
				r->read_code = rc;
				r->read_error = xstrdup(err.message[0] ? err.message : "cannot read labels");
			}
		}
	}
out:
	free(ctx.runs);
	free(ptrs);
	free(repos);
	return rc;
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;

	for (;;) {
		size_t i, n = 1;

		pthread_mutex_lock(&rd->lock);
		i = rd->next;
		if (rd->batch && i < rd->tr->n_repos)
			n = rd->tr->n_repos - i < rd->batch ? rd->tr->n_repos - i : rd->batch;
		rd->next += n;
		pthread_mutex_unlock(&rd->lock);
		if (i >= rd->tr->n_repos || stopping())
			break;
		if (rd->batch)
			read_batch(rd->tr, i, n, false);
		else
			read_one(rd->tr, &rd->tr->repos[i]);
		pthread_mutex_lock(&rd->lock);
		rd->done += n;
		log_progress("reading labels: %zu/%zu repos", rd->done, rd->tr->n_repos);
		pthread_mutex_unlock(&rd->lock);
	}
	return NULL;
}

static void read_labels(struct target_run *tr, int jobs)
{
	const struct epithet_forge *f = tr->plugin->forge;
	struct reader rd = {.tr = tr};
	pthread_t th[64];
	int n = jobs < 1 ? 1 : (jobs > 64 ? 64 : jobs);
	int started = 0;
	size_t units = tr->n_repos;

	/* Many repos per request where the forge can (a GraphQL query). The
	 * first batch goes alone: if the forge cannot batch here after all
	 * (ENOTSUPPORTED, ERATELIMIT: that budget is spent, an answer not
	 * understood...), every repo is read one by one, in parallel, without
	 * more tries. */
	if ((f->capabilities & EPITHET_CAP_BATCH_READ) &&
	    EPITHET_HAS_METHOD(struct epithet_forge, f, list_labels_many) && tr->n_repos >= 2) {
		int rc;

		rd.next = rd.done = tr->n_repos < BATCH_REPOS ? tr->n_repos : BATCH_REPOS;
		rd.batch = BATCH_REPOS;
		rc = read_batch(tr, 0, rd.next, true);
		if (rc != 0 && batch_retry_alone(rc) && !batch_repo_failure(rc))
			rd.batch = rd.next = rd.done = 0;
		units = rd.batch ? (tr->n_repos - rd.next + BATCH_REPOS - 1) / BATCH_REPOS
				 : tr->n_repos;
	}
	if ((size_t)n > units)
		n = (int)units;
	pthread_mutex_init(&rd.lock, NULL);
	if (n <= 1) {
		reader_main(&rd);
		pthread_mutex_destroy(&rd.lock);
		log_progress_done();
		return;
	}
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, reader_main, &rd) == 0)
			started++;
	if (!started)
		reader_main(&rd);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&rd.lock);
	log_progress_done();
}

/*
 * On forges with owner-level labels, a repo also shows its owner's labels,
 * and a repo label may share a name with one (names are not unique there).
 * When the target manages repo labels, each repo's set gets the owner's
 * labels flagged EPITHET_LABEL_OWNER, so that the planner reports such
 * duplicates and never creates a repo label shadowing an owner label. One
 * extra read per target.
 */
static void add_owner_labels(struct target_run *tr)
{
	struct repo_run owner = {0};

	if (tr->code || tr->t->org_labels || !tr->owner ||
	    !(tr->plugin->forge->capabilities & EPITHET_CAP_ORG_LABELS))
		return;
	owner.owner = tr->owner;
	read_one(tr, &owner);
	if (owner.read_code) {
		log_warn("%s: cannot read the owner-level labels: %s", tr->owner, owner.read_error);
	} else {
		for (size_t j = 0; j < tr->n_repos; j++) {
			struct repo_run *r = &tr->repos[j];

			for (size_t k = 0; k < owner.n_labels && !r->read_code; k++) {
				struct label *l;

				grow(&r->labels, &r->cap_labels, r->n_labels + 1, sizeof(*r->labels));
				l = &r->labels[r->n_labels++];
				*l = owner.labels[k];
				l->name = xstrdup(l->name);
				l->color = xstrdup(l->color);
				l->description = xstrdup(l->description);
				l->id = xstrdup(l->id);
				l->key = xstrdup(l->key);
				l->flags |= EPITHET_LABEL_OWNER;
			}
		}
	}
	for (size_t k = 0; k < owner.n_labels; k++)
		label_finish(&owner.labels[k]);
	free(owner.labels);
	free(owner.read_error);
}

/* ---- sessions ---- */

static int open_target(struct run *run, struct target_run *tr)
{
	const struct run_options *o = run->opt;
	const struct epithet_forge *f = tr->plugin->forge;
	struct epithet_forge_config cfg = {.struct_size = sizeof(cfg)};
	struct epithet_error err = {0};
	int rc;

	tr->hopt = o->host;
	tr->hopt.plugin_name = f->name;
	tr->hopt.target_token_env = tr->t->token_env;
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
			 "%llu writes, %llu retries", tr->owner ? tr->owner : "target",
			 (unsigned long long)tr->stats.requests, (unsigned long long)tr->stats.reads,
			 (unsigned long long)tr->stats.not_modified,
			 (unsigned long long)tr->stats.writes, (unsigned long long)tr->stats.retries);
	}
	if (tr->plugin && tr->session)
		tr->plugin->forge->close(tr->session);
	tr->session = NULL;
	hostsvc_free(tr->hs);
	tr->hs = NULL;
}

static void repos_free(struct repo_run *repos, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		struct repo_run *r = &repos[j];

		for (size_t k = 0; k < r->plan.n && r->ops; k++) {
			free(r->ops[k].error);
			free(r->ops[k].items.v);
		}
		free(r->ops);
		plan_finish(&r->plan);
		for (size_t k = 0; k < r->n_labels; k++)
			label_finish(&r->labels[k]);
		free(r->labels);
		free(r->owner);
		free(r->name);
		free(r->full);
		free(r->read_error);
		strv_free(r->topics);
	}
	free(repos);
}

static void free_run(struct run *run)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];

		close_target(tr);
		repos_free(tr->repos, tr->n_repos);
		free(tr->owner);
		free(tr->error);
		plugin_free(tr->plugin);
	}
	free(run->targets);
	free(run->journal_path);
}

/* ---- issues carrying labels (for destructive changes and the journal) ---- */

static int collect_item(const struct epithet_item *it, void *payload)
{
	struct items *items = payload;

	grow(&items->v, &items->cap, items->n + 1, sizeof(*items->v));
	items->v[items->n] = *it;
	items->v[items->n].struct_size = sizeof(struct epithet_item);
	items->n++;
	return 0;
}

static void to_epithet_label(const struct label *l, struct epithet_label *out)
{
	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	out->fields = EPITHET_FIELD_NAME | (l->color ? EPITHET_FIELD_COLOR : 0) |
		      EPITHET_FIELD_DESCRIPTION;
	out->name = l->name;
	out->color = l->color;
	out->description = l->description;
	out->id = l->id;
	out->flags = l->flags;
	out->issues = l->issues;
	out->pulls = l->pulls;
}

static void find_items(struct target_run *tr, struct repo_run *r)
{
	const struct epithet_forge *f = tr->plugin->forge;
	bool can = (f->capabilities & EPITHET_CAP_ISSUE_LABELS) &&
		   EPITHET_HAS_METHOD(struct epithet_forge, f, list_labelled) && r->name;

	for (size_t k = 0; k < r->plan.n && can; k++) {
		struct op *op = &r->plan.ops[k];
		struct op_run *orun = &r->ops[k];
		struct epithet_error err = {0};
		struct epithet_label cur;

		if (!(op->kind == OP_DELETE || op->kind == OP_MERGE) || !op->cur || stopping())
			continue;
		to_epithet_label(op->cur, &cur);
		if (f->list_labelled(tr->session, r->owner, r->name, &cur, collect_item,
				     &orun->items, &err) == 0) {
			orun->items.known = true;
		} else {
			log_warn("%s: cannot list the issues labelled '%s': %s", r->full,
				 op->cur->name, err.message);
			orun->items.n = 0;
		}
	}
}

/* ---- planning ---- */

static void plan_all(struct run *run, const struct desired *want)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];
		struct plan_opts po = {
			.caps = tr->plugin ? tr->plugin->forge->capabilities : 0,
			.prune = run->opt->prune,
			.prune_archive = run->opt->prune_archive,
			.default_color = "ededed",
		};

		if (tr->code)
			continue;
		for (size_t j = 0; j < tr->n_repos; j++) {
			struct repo_run *r = &tr->repos[j];

			if (r->read_code || r->read_only)
				continue;
			plan_repo(want, r->labels, r->n_labels, &po, &r->plan);
			r->ops = xcalloc(r->plan.n ? r->plan.n : 1, sizeof(*r->ops));
			find_items(tr, r);
		}
	}
}

/*
 * org_labels: an owner-level label created (or renamed into) where repos
 * already have a repo label of that name would make the duplicate SPEC 4 asks
 * to report, never to pick between. Only when the owner's plan would add a
 * name are the repos read (a normal run's reads); such an op becomes a
 * notice naming the repos.
 */
static void check_owner_duplicates(struct target_run *tr, int jobs)
{
	struct target_run scan;
	struct repo_run *owner;
	bool adds = false;

	if (tr->code || !tr->t->org_labels || tr->n_repos != 1 || tr->repos[0].name)
		return;
	owner = &tr->repos[0];
	for (size_t k = 0; k < owner->plan.n; k++)
		adds |= owner->plan.ops[k].kind == OP_CREATE ||
			(owner->plan.ops[k].kind == OP_RENAME && owner->plan.ops[k].name);
	if (!adds)
		return;
	scan = *tr;
	scan.repos = NULL;
	scan.n_repos = 0;
	scan.error = NULL;
	if (select_repo_list(&scan) != 0) {
		log_warn("%s: cannot list the repos to check for repo labels an owner label would "
			 "duplicate: %s", tr->owner, scan.error ? scan.error : "failed");
		free(scan.error);
		return;
	}
	read_labels(&scan, jobs);
	for (size_t k = 0; k < owner->plan.n; k++) {
		struct op *op = &owner->plan.ops[k];
		char *key;
		struct strbuf where = {0};
		size_t hits = 0;

		if (!(op->kind == OP_CREATE || op->kind == OP_RENAME) || !op->name)
			continue;
		key = names_key(op->name);
		for (size_t j = 0; j < scan.n_repos && key; j++) {
			const struct repo_run *r = &scan.repos[j];
			bool has = false;

			for (size_t m = 0; m < r->n_labels && !has; m++)
				has = strcmp(r->labels[m].key, key) == 0;
			if (has && hits++ < 3)
				sb_addf(&where, "%s%s", where.len ? ", " : "", r->full);
		}
		if (hits) {
			char *why = xasprintf("%s: %zu repo%s already have a repo label of this name "
					      "(%s%s); an owner label would duplicate it, so it is left "
					      "alone (remove or rename the repo labels first)",
					      op->name, hits, hits == 1 ? "" : "s", where.s,
					      hits > 3 ? ", ..." : "");

			free(op->why);
			op->why = why;
			op->kind = OP_NOTICE;
			op->destructive = false;
		}
		for (size_t j = 0; j < scan.n_repos && !hits; j++)
			if (scan.repos[j].read_code)
				log_warn("%s: cannot check for a repo label '%s' would duplicate: %s",
					 scan.repos[j].full, op->name, scan.repos[j].read_error);
		sb_finish(&where);
		free(key);
	}
	repos_free(scan.repos, scan.n_repos);
	free(scan.error);
}

struct totals {
	size_t by_kind[OP_NOTICE + 1];
	size_t changes;
	size_t destructive;
	size_t repos_changed;
	size_t repos;
	size_t failed_ops;
	size_t failed_repos;
	size_t done;
};

static void count(const struct run *run, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];
			bool failed = r->read_code != 0;

			t->repos++;
			if (plan_changes(&r->plan))
				t->repos_changed++;
			for (size_t k = 0; k < r->plan.n; k++) {
				t->by_kind[r->plan.ops[k].kind]++;
				if (r->plan.ops[k].kind != OP_NOTICE)
					t->changes++;
				t->destructive += r->plan.ops[k].destructive;
				if (r->ops && r->ops[k].state == OPST_FAILED) {
					t->failed_ops++;
					failed = true;
				}
				if (r->ops && r->ops[k].state == OPST_DONE)
					t->done++;
			}
			t->failed_repos += failed;
		}
	}
}

/* ---- confirming ---- */

static bool ask(const char *question)
{
	char line[64];

	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* Writes the plan needs, for the rate-limit budget check. */
static size_t planned_writes(const struct target_run *tr)
{
	size_t n = 0;

	for (size_t j = 0; j < tr->n_repos; j++) {
		const struct repo_run *r = &tr->repos[j];

		for (size_t k = 0; k < r->plan.n; k++) {
			const struct op *op = &r->plan.ops[k];

			if (op->kind == OP_NOTICE)
				continue;
			n++;
			if (op->kind == OP_MERGE && r->ops)
				n += r->ops[k].items.n;
		}
	}
	return n;
}

/* True when the run may go on to apply. */
static bool confirm(struct run *run, const struct totals *t)
{
	bool tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	struct strbuf why = {0};
	bool ok = true;

	if (run->is_undo && t->changes)
		sb_addf(&why, "%zu change%s that undo an earlier run", t->changes,
			t->changes == 1 ? "" : "s");
	else if (t->destructive)
		sb_addf(&why, "%zu destructive change%s (delete, merge, archive)", t->destructive,
			t->destructive == 1 ? "" : "s");
	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];
		struct hostsvc_stats st;
		size_t need;

		if (tr->code || !tr->hs)
			continue;
		hostsvc_stats(tr->hs, &st);
		need = planned_writes(tr);
		if (st.rate_remaining >= 0 && need > (size_t)st.rate_remaining)
			sb_addf(&why, "%s%s needs about %zu requests but only %ld remain in the rate limit",
				why.len ? "; " : "", tr->owner ? tr->owner : "target", need,
				st.rate_remaining);
	}
	if (!why.len || run->opt->yes)
		goto out;
	if (!tty) {
		log_error("refusing to apply: %s; not on a terminal, so nothing was changed "
			  "(rerun with --yes to apply)", why.s);
		run->refused = true;
		ok = false;
		goto out;
	}
	{
		char *q = xasprintf("Apply the plan, including %s?", why.s);

		ok = ask(q);
		free(q);
	}
	if (!ok) {
		log_notice("nothing was changed");
		run->refused = true;
	}
out:
	sb_finish(&why);
	return ok;
}

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
	struct repo_run probe = {0};
	struct epithet_error err = {0};
	char *key = names_key(op->name);
	bool found = false;

	if (tr->plugin->forge->list_labels(tr->session, r->owner, r->name, collect_label, &probe,
					   &err) == 0) {
		for (size_t i = 0; i < probe.n_labels; i++)
			if (key && strcmp(probe.labels[i].key, key) == 0)
				found = true;
	}
	for (size_t i = 0; i < probe.n_labels; i++)
		label_finish(&probe.labels[i]);
	free(probe.labels);
	free(key);
	return found;
}

/* Is the label now on the forge as the update @op makes it? Used when an
 * update's outcome is unknown: a rename that landed cannot be sent again
 * (the old name is gone), so look before repeating. */
static bool update_landed(struct target_run *tr, struct repo_run *r, const struct op *op)
{
	struct repo_run probe = {0};
	struct epithet_error err = {0};
	const char *name = (op->fields & EPITHET_FIELD_NAME) && op->name ? op->name : op->cur->name;
	char *key = names_key(name);
	bool found = false;

	if (tr->plugin->forge->list_labels(tr->session, r->owner, r->name, collect_label, &probe,
					   &err) == 0) {
		for (size_t i = 0; i < probe.n_labels && !found; i++) {
			const struct label *l = &probe.labels[i];
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
	for (size_t i = 0; i < probe.n_labels; i++)
		label_finish(&probe.labels[i]);
	free(probe.labels);
	free(key);
	return found;
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

			if (!EPITHET_HAS_METHOD(struct epithet_forge, f, add_label)) {
				rc = EPITHET_ENOTSUPPORTED;
				snprintf(err.message, sizeof(err.message),
					 "created, but this forge cannot put it back on its issues");
				break;
			}
			rc = f->add_label(tr->session, r->owner, r->name, orun->items.v[i].number,
					  &made, &err);
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
			if (stopping()) {
				rc = EPITHET_EINTERRUPTED;
				snprintf(err.message, sizeof(err.message), "interrupted");
				break;
			}
			rc = f->add_label(tr->session, r->owner, r->name, orun->items.v[i].number,
					  &into, &err);
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

static void apply_all(struct run *run, struct journal *j)
{
	bool stop_all = false;
	size_t applied = 0, total = 0;

	for (size_t i = 0; i < run->n_targets; i++)
		for (size_t jr = 0; jr < run->targets[i].n_repos; jr++)
			total += plan_changes(&run->targets[i].repos[jr].plan);

	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];

		for (size_t jr = 0; jr < tr->n_repos && !tr->code; jr++) {
			struct repo_run *r = &tr->repos[jr];
			bool stop_repo = false;

			for (size_t k = 0; k < r->plan.n; k++) {
				const struct op *op = &r->plan.ops[k];
				struct op_run *orun = &r->ops[k];
				long seq;
				int rc;

				if (op->kind == OP_NOTICE)
					continue;
				if (stop_all || stop_repo || stopping()) {
					orun->state = OPST_SKIPPED;
					continue;
				}
				seq = journal_intent(j, tr, r, op, orun);
				rc = apply_op(tr, r, op, orun);
				journal_done(j, seq, rc);
				output_progress(run, tr, r, op, orun);
				log_progress("applying: %zu/%zu changes", ++applied, total);
				if (rc == EPITHET_ERATELIMIT || rc == EPITHET_EINTERRUPTED)
					stop_all = true;
				else if (fatal_for_repo(rc))
					stop_repo = true;
			}
		}
	}
	log_progress_done();
	if (stopping())
		run->interrupted = true;
}

/* ---- list and export ---- */

static void build_copy_desired(const struct repo_run *src, struct desired *d)
{
	memset(d, 0, sizeof(*d));
	d->labels = xcalloc(src->n_labels ? src->n_labels : 1, sizeof(*d->labels));
	for (size_t i = 0; i < src->n_labels; i++) {
		const struct label *l = &src->labels[i];
		struct want_label *w = &d->labels[d->n_labels++];

		w->name = xstrdup(l->name);
		w->key = xstrdup(l->key);
		w->color = xstrdup(l->color);
		w->has_description = true;
		w->description = xstrdup(l->description ? l->description : "");
		/* the source's scoped state too, like its description (forges
		 * without scoped labels never set the flag, and ignore it) */
		w->exclusive = (l->flags & EPITHET_LABEL_EXCLUSIVE) ? 1 : 0;
	}
}

/* ---- the run ---- */

static int exit_status(const struct run *run, const struct totals *t)
{
	bool auth = false, failed = false, usage = false, bad = false;

	if (run->interrupted || got_signal)
		return got_signal == SIGTERM ? EXIT_SIGTERM : EXIT_SIGINT;
	for (size_t i = 0; i < run->n_targets; i++) {
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

static int load_plugins(struct run *run, const struct desired *want)
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
			/* The labels came from the file: read it again with the
			 * forge's limits, so that a value too long is reported
			 * where it is (the line and column of the value). */
			struct lf_limits lim = {f->name_max, f->description_max};
			struct desired again = {0};

			bad |= lf_load(run->opt->config_path, &lim, &again, &diags) != 0;
			desired_finish(&again);
		} else if (want) {
			/* The labels came from the command (with -c, the file
			 * only brings targets): do not blame the file. */
			struct lf_limits lim = {f->name_max, f->description_max};

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
		for (size_t k = 0; k < want->n_labels; k++) {
			excl |= want->labels[k].exclusive > 0;
			desc |= want->labels[k].has_description && want->labels[k].description &&
				*want->labels[k].description;
		}
		if (excl && !(f->capabilities & EPITHET_CAP_EXCLUSIVE))
			log_notice("forge '%s' has no exclusive (scoped) labels: 'exclusive' is ignored there",
				   f->name);
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
static int show_and_apply(struct run *run, const char *journal_cmd, bool dry_run,
			  bool *nothing_left)
{
	struct journal *j;
	struct totals t;
	char msg[512];

	count(run, &t);
	output_plan(run);
	if (nothing_left)
		*nothing_left = t.changes == 0 && !t.failed_repos && !stopping();
	if (dry_run || t.changes == 0 || stopping() || !confirm(run, &t)) {
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
	count(run, &t);
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

	run.n_targets = n_targets;
	run.targets = xcalloc(n_targets ? n_targets : 1, sizeof(*run.targets));
	for (size_t i = 0; i < n_targets; i++)
		run.targets[i].t = &targets[i];

	status = load_plugins(&run, reads_only || o->cmd == CMD_COPY ? NULL : want);
	if (status)
		goto out;
	if (!reads_only && o->cmd != CMD_COPY)
		capability_notices(&run, want);

	for (size_t i = 0; i < n_targets && !stopping(); i++) {
		struct target_run *tr = &run.targets[i];

		if (open_target(&run, tr) != 0)
			continue;
		if (o->cmd == CMD_COPY && !copied.labels) {
			struct repo_run src = {0};
			char *owner = xstrdup(o->copy_from), *name = strchr(owner, '/');

			*name++ = '\0';
			src.owner = owner;
			src.name = xstrdup(name);
			src.full = xstrdup(o->copy_from);
			read_one(tr, &src);
			if (src.read_code) {
				log_error("cannot read the labels of %s: %s", o->copy_from,
					  src.read_error);
				status = src.read_code == EPITHET_EAUTH ? EXIT_NOPERM : EXIT_FAILED;
			} else {
				build_copy_desired(&src, &copied);
				want = &copied;
				run.want = want;
			}
			for (size_t k = 0; k < src.n_labels; k++)
				label_finish(&src.labels[k]);
			free(src.labels);
			free(src.owner);
			free(src.name);
			free(src.full);
			free(src.read_error);
			if (status)
				goto out;
		}
		if (select_repos(tr) != 0)
			continue;
		read_labels(tr, o->jobs > 0 ? o->jobs : 4);
		if (!reads_only)
			add_owner_labels(tr);
	}

	if (reads_only) {
		status = o->cmd == CMD_LIST ? output_list(&run) : output_export(&run);
		count(&run, &t);
		if (!status)
			status = exit_status(&run, &t);
		goto out;
	}

	plan_all(&run, want);
	for (size_t i = 0; i < run.n_targets; i++)
		check_owner_duplicates(&run.targets[i], o->jobs > 0 ? o->jobs : 4);
	status = show_and_apply(&run, o->cmd_name, o->dry_run || o->cmd == CMD_PLAN, NULL);
out:
	desired_finish(&copied);
	free_run(&run);
	strpool_clear();
	return status;
}

/* ---- undo ---- */

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The target a journal entry was applied to, made once per distinct target. */
static struct target_run *undo_target(struct run *run, struct target **targets, size_t *n,
				      const struct journal_entry *e)
{
	struct target *t;

	for (size_t i = 0; i < *n; i++) {
		t = &(*targets)[i];
		if (same(t->forge, e->forge) && same(t->url, e->url) && same(t->api_url, e->api_url) &&
		    same(t->org, e->owner) && same(t->token_env, e->token_env))
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
		if (same(tr->repos[i].owner, e->owner) && same(tr->repos[i].name, e->repo))
			return &tr->repos[i];
	add_repo(tr, &cap, e->owner, e->repo, 0, NULL, 0);
	return &tr->repos[tr->n_repos - 1];
}

static const struct label *find_label(const struct repo_run *r, const char *key)
{
	for (size_t i = 0; key && i < r->n_labels; i++)
		if (strcmp(r->labels[i].key, key) == 0)
			return &r->labels[i];
	return NULL;
}

/* The undo op of one journal entry, planned against the repo as it is now. */
static void undo_entry(struct target_run *tr, struct repo_run *r, const struct journal_entry *e)
{
	uint64_t caps = tr->plugin->forge->capabilities;
	const char *op = e->op ? e->op : "";
	const struct label *now;
	size_t before_n = r->plan.n;
	char *why = xasprintf("undo %s", op);

	if (strcmp(op, "create") == 0) {
		char *key = names_key(e->after.name ? e->after.name : "");

		plan_restore(NULL, find_label(r, key), caps, why, &r->plan);
		free(key);
	} else if (strcmp(op, "delete") == 0 || strcmp(op, "merge") == 0) {
		plan_restore(&e->before, find_label(r, e->before.key), caps, why, &r->plan);
	} else {
		/* update, rename, archive: the label now carries the new name
		 * when the name was changed. */
		now = NULL;
		if (e->after_fields & EPITHET_FIELD_NAME) {
			char *key = names_key(e->after.name ? e->after.name : "");

			now = find_label(r, key);
			free(key);
		}
		if (!now)
			now = find_label(r, e->before.key);
		if (now)
			plan_restore(&e->before, now, caps, why, &r->plan);
	}
	free(why);
	/* Deleted and merged labels go back on the issues that carried them. */
	r->ops = xrealloc(r->ops, (r->plan.n ? r->plan.n : 1) * sizeof(*r->ops));
	for (size_t k = before_n; k < r->plan.n; k++) {
		memset(&r->ops[k], 0, sizeof(r->ops[k]));
		if (r->plan.ops[k].kind == OP_CREATE && e->items_known && e->n_items) {
			struct items *it = &r->ops[k].items;

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
	status = load_plugins(&run, NULL);
	if (status)
		goto out;
	for (size_t i = 0; i < run.n_targets && !stopping(); i++) {
		struct target_run *tr = &run.targets[i];

		if (open_target(&run, tr) != 0)
			continue;
		for (size_t k = 0; k < jf.n; k++)
			if (journal_entry_to_undo(&jf.v[k]) && undo_target(&run, &targets, &n_targets, &jf.v[k]) == tr)
				undo_repo(tr, &jf.v[k]);
		read_labels(tr, o->jobs > 0 ? o->jobs : 4);
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
	strpool_clear();
	for (size_t i = 0; i < n_targets; i++)
		target_finish(&targets[i]);
	free(targets);
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
