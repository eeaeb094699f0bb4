/* SPDX-License-Identifier: MIT */
/*
 * Selecting a target's repos: the ones named with --repo, or the owner's
 * listed by the plugin and filtered (archived, forks, globs, topics), in a
 * stable order. Reads no labels.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "repopath.h"
#include "strpool.h"
#include "util.h"

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

unsigned target_names_mode(const struct target_run *tr)
{
	return names_mode_for(tr->plugin ? tr->plugin->forge->capabilities : 0);
}

void add_repo(struct target_run *tr, size_t *cap, const char *owner, const char *name,
	      uint32_t flags, const char *const *topics, size_t n_topics)
{
	struct repo_run *r;

	grow(&tr->repos, cap, tr->n_repos + 1, sizeof(*tr->repos));
	r = &tr->repos[tr->n_repos++];
	memset(r, 0, sizeof(*r));
	r->w = REPO_WORK_NONE;
	r->owner = (char *)strpool_intern(owner); /* one copy for an owner's repos */
	/* r->name is the tail of r->full, "owner/NAME": one allocation a repo */
	r->full = name ? strarena_printf(&tr->names, "%s/%s", owner, name)
		       : strarena_printf(&tr->names, "%s (owner labels)", owner);
	r->name = name ? r->full + strlen(owner) + 1 : NULL;
	r->flags = flags;
	r->read_only = flags & (EPITHET_REPO_ARCHIVED | EPITHET_REPO_DISABLED);
	r->names_mode = target_names_mode(tr);
	for (size_t i = 0; tr->keep_topics && i < n_topics; i++)
		if (topics[i])
			strv_push(&repo_work(r)->topics, topics[i]);
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

void target_fail(struct target_run *tr, int code, const char *what, const struct epithet_error *err)
{
	tr->code = code ? code : EPITHET_ERROR;
	free(tr->error);
	tr->error = xasprintf("%s: %s", what, err && err->message[0] ? err->message : "failed");
}

int select_repo_list(struct target_run *tr);

int select_repos(struct target_run *tr)
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
int select_repo_list(struct target_run *tr)
{
	const struct epithet_forge *f = tr->plugin->forge;
	struct select_ctx c = {.tr = tr};
	struct epithet_error err = {0};
	int rc;

	if (tr->t->repos) {
		for (size_t i = 0; tr->t->repos[i]; i++) {
			char *owner = xstrdup(tr->t->repos[i]);
			char *name = repopath_split(owner);

			memset(&err, 0, sizeof(err));
			rc = f->get_repo(tr->session, owner, name, select_named, &c, &err);
			if (rc != 0) {
				/* A missing repo is that repo's failure, not the run's. */
				struct repo_run *r;

				add_repo(tr, &c.cap, owner, name, 0, NULL, 0);
				r = &tr->repos[tr->n_repos - 1];
				repo_set_read_code(r, rc);
				repo_work(r)->read_error = xstrdup(err.message[0] ? err.message : "cannot read repository");
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

