/* SPDX-License-Identifier: MIT */
/*
 * Reading the selected repos' labels from the forge: copying what the
 * plugin hands to callbacks into the run (pooled strings), one repo at a
 * time or in batches of BATCH_REPOS where the plugin can, spread over
 * --jobs threads. Decides nothing about the labels it reads.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "strpool.h"
#include "util.h"

/* Names, colours, descriptions and keys repeat across an org's repos: they
 * are pooled (strpool.h), one copy each; label_finish frees the rest. */
static void label_copy(struct label *d, const struct epithet_label *l, unsigned names_mode)
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
	key = names_key_mode(d->name, names_mode);
	d->key = (char *)strpool_intern(key ? key : d->name);
	free(key);
	d->flags = l->flags;
	d->issues = l->issues;
	d->pulls = l->pulls;
	if (EPITHET_HAS_MEMBER(struct epithet_label, l, holder) && l->holder)
		d->holder = (char *)strpool_intern(l->holder);
}

void label_finish(struct label *l)
{
	strpool_free(l->name);
	strpool_free(l->color);
	strpool_free(l->description);
	strpool_free(l->id);
	strpool_free(l->key);
	strpool_free(l->holder);
	memset(l, 0, sizeof(*l));
}

/* Empties a repo's labels, keeping their array for a second read. */
static void drop_labels(struct repo_run *r)
{
	struct repo_work *w;

	if (r->w == REPO_WORK_NONE)
		return;
	w = repo_work(r);
	for (size_t i = 0; i < w->n_labels; i++)
		label_finish(&w->labels[i]);
	w->n_labels = 0;
}

void repo_labels_free(struct repo_run *r)
{
	struct repo_work *w;

	drop_labels(r);
	if (r->w == REPO_WORK_NONE)
		return;
	w = repo_work(r);
	free(w->labels);
	w->labels = NULL;
	w->cap_labels = 0;
}

int collect_label(const struct epithet_label *l, void *payload)
{
	struct repo_run *r = payload;
	struct repo_work *w;

	if (!l || l->struct_size < LABEL_V1_SIZE || !l->name)
		return EPITHET_EPROTOCOL;
	w = repo_work(r);
	grow(&w->labels, &w->cap_labels, w->n_labels + 1, sizeof(*w->labels));
	label_copy(&w->labels[w->n_labels++], l, r->names_mode);
	return 0;
}

/* ---- reading labels, in parallel ---- */

/* Repos per list_labels_many call (EPITHET_CAP_BATCH_READ). */
#define BATCH_REPOS 100

struct reader {
	struct target_run *tr;
	pthread_mutex_t lock;
	size_t next;
	size_t end;                /* the repos read: [next as first set, end) */
	size_t done;
	size_t batch;              /* repos per list_labels_many call; 0: one by one */
};

void read_one(struct target_run *tr, struct repo_run *r)
{
	struct epithet_error err = {0};
	int rc;

	if (r->read_code)
		return;
	rc = tr->plugin->forge->list_labels(tr->session, r->owner, r->name, collect_label, r, &err);
	if (rc != 0) {
		drop_labels(r);
		repo_set_read_code(r, rc);
		repo_work(r)->read_error = xstrdup(err.message[0] ? err.message : "cannot read labels");
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
		repos[ctx.n].topics = (const char *const *)r->w->topics;
		repos[ctx.n].n_topics = strv_len(r->w->topics);
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
				if (!run_stopping())
					read_one(tr, r);
			} else {
				repo_set_read_code(r, rc);
				repo_work(r)->read_error = xstrdup(err.message[0] ? err.message : "cannot read labels");
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
		if (rd->batch && i < rd->end)
			n = rd->end - i < rd->batch ? rd->end - i : rd->batch;
		rd->next += n;
		pthread_mutex_unlock(&rd->lock);
		if (i >= rd->end || run_stopping())
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

void read_labels(struct target_run *tr, size_t first, size_t count, int jobs)
{
	const struct epithet_forge *f = tr->plugin->forge;
	struct reader rd = {.tr = tr, .next = first, .end = first + count, .done = first};
	pthread_t th[64];
	int n = jobs < 1 ? 1 : (jobs > 64 ? 64 : jobs);
	int started = 0;
	size_t units = count;

	if (rd.end > tr->n_repos)
		rd.end = tr->n_repos;
	/* Many repos per request where the forge can (a GraphQL query). The
	 * target's first batch goes alone: if the forge cannot batch here
	 * after all (ENOTSUPPORTED, ERATELIMIT: that budget is spent, an
	 * answer not understood...), every repo is read one by one, in
	 * parallel, without more tries (tr->batch_reads remembers it for the
	 * target's next window of repos). */
	if (!tr->batch_reads)
		tr->batch_reads = (f->capabilities & EPITHET_CAP_BATCH_READ) &&
				  EPITHET_HAS_METHOD(struct epithet_forge, f, list_labels_many) &&
				  tr->n_repos >= 2 ? 0 : -1;
	if (tr->batch_reads >= 0 && rd.end - rd.next >= 1) {
		rd.batch = BATCH_REPOS;
		if (tr->batch_reads == 0) {
			size_t probe = rd.end - rd.next < BATCH_REPOS ? rd.end - rd.next : BATCH_REPOS;
			int rc = read_batch(tr, rd.next, probe, true);

			if (rc != 0 && batch_retry_alone(rc) && !batch_repo_failure(rc)) {
				tr->batch_reads = -1;
				rd.batch = 0;
			} else {
				tr->batch_reads = 1;
				rd.next += probe;
				rd.done += probe;
			}
		}
		if (rd.batch)
			units = (rd.end - rd.next + BATCH_REPOS - 1) / BATCH_REPOS;
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
