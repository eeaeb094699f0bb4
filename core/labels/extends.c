/* SPDX-License-Identifier: MIT */
/*
 * `extends` (SPEC.md 9): a labels file built on others. The top file is read
 * and checked first; then its bases, depth first and in order (local ones
 * from disk, relative to the file naming them; forge ones through the
 * caller's reader), each checked as it is read; then every file is laid over
 * the ones before it (lf_merge). Nothing but the reads of forge bases happens
 * before the whole policy is known to be valid, and none of them once it is
 * known not to be: the top file's sets are checked against its targets
 * before any base is read, and after the first error no forge base is read.
 *
 * A base named by a forge base without `repo` is a file of the same
 * repository and ref, relative to the naming file (a central policy repo's
 * files refer to each other as local files do).
 */
#include "labels/policy.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Where a file of the policy is. */
struct source {
	bool remote;
	char *path;              /* local: the path to open; remote: the file in the repo */
	char *forge, *url, *api_url, *owner, *repo, *ref;
	char *shown;             /* its name in messages */
	char *id;                /* the same file has the same id: for cycles */
};

struct resolver {
	lf_read_fn read;
	void *data;
	const struct lf_limits *limits;
	struct lf_diags *diags;
	const struct target *targets; /* the top file's (NULL while none) */
	size_t n_targets;
	bool failed;                 /* an error is known: no more forge reads */
	const char *chain[LF_MAX_EXTENDS_DEPTH + 2];
	const char *ids[LF_MAX_EXTENDS_DEPTH + 2];
	size_t depth;                /* entries in chain */
};

static void source_finish(struct source *s)
{
	free(s->path);
	free(s->forge);
	free(s->url);
	free(s->api_url);
	free(s->owner);
	free(s->repo);
	free(s->ref);
	free(s->shown);
	free(s->id);
	memset(s, 0, sizeof(*s));
}

void lf_base_clear(struct lf_base *b)
{
	free(b->path);
	free(b->repo);
	free(b->ref);
	free(b->forge);
	free(b->url);
	memset(b, 0, sizeof(*b));
}

void lf_bases_finish(struct lf_bases *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		lf_base_clear(&b->v[i]);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* ---- laying one file over another ---- */

/* Lay @next's labels over @acc's; @next's are moved out. */
static int merge_labels(struct want_label **acc, size_t *n_acc, struct want_label *next, size_t n_next,
			struct lf_diags *diags)
{
	size_t n0 = *n_acc;
	int rc = 0;

	for (size_t i = 0; i < n_next; i++) {
		struct want_label *l = &next[i];
		size_t hit = SIZE_MAX, second = SIZE_MAX;

		for (size_t k = 0; k < n0 && second == SIZE_MAX; k++) {
			if (!lf_label_matches(l, &(*acc)[k]))
				continue;
			if (hit == SIZE_MAX)
				hit = k;
			else
				second = k;
		}
		if (second != SIZE_MAX) {
			const struct want_label *a = &(*acc)[hit], *b = &(*acc)[second];

			lf_diag_add(diags, l->file, l->pos.line, l->pos.col,
				    "label '%s' (by its name or aliases) is both '%s' (%s:%u:%u) and "
				    "'%s' (%s:%u:%u) of the files it extends; it can replace one of "
				    "them only", l->name, a->name, a->file ? a->file : "?", a->pos.line,
				    a->pos.col, b->name, b->file ? b->file : "?", b->pos.line, b->pos.col);
			rc = -EINVAL;
			continue;
		}
		if (hit != SIZE_MAX) {
			lf_want_label_clear(&(*acc)[hit]);
			(*acc)[hit] = *l;
		} else {
			*acc = xrealloc(*acc, (*n_acc + 1) * sizeof(**acc));
			(*acc)[(*n_acc)++] = *l;
		}
		memset(l, 0, sizeof(*l));
	}
	return rc;
}

static void merge_sets(struct desired *acc, struct desired *next)
{
	size_t n0 = acc->n_sets;

	for (size_t i = 0; i < next->n_sets; i++) {
		struct label_set *s = &next->sets[i];
		size_t k;

		for (k = 0; k < n0; k++)
			if (acc->sets[k].name && s->name && strcmp(acc->sets[k].name, s->name) == 0)
				break;
		if (k < n0) {
			lf_label_set_clear(&acc->sets[k]);
			acc->sets[k] = *s;
		} else {
			acc->sets = xrealloc(acc->sets, (acc->n_sets + 1) * sizeof(*acc->sets));
			acc->sets[acc->n_sets++] = *s;
		}
		memset(s, 0, sizeof(*s));
	}
}

static void merge_strv(char ***acc, char **next)
{
	for (size_t i = 0; next && next[i]; i++) {
		bool have = false;

		for (size_t k = 0; *acc && (*acc)[k] && !have; k++)
			have = strcmp((*acc)[k], next[i]) == 0;
		if (!have)
			strv_push(acc, next[i]);
	}
}

int lf_merge(struct desired *acc, struct desired *next, struct lf_diags *diags)
{
	int rc = merge_labels(&acc->labels, &acc->n_labels, next->labels, next->n_labels, diags);

	merge_sets(acc, next);
	merge_strv(&acc->keep, next->keep);
	/* Label and set texts point at their file's name: moved, not copied. */
	for (size_t i = 0; next->files && next->files[i]; i++) {
		size_t n = strv_len(acc->files);

		acc->files = xrealloc(acc->files, (n + 2) * sizeof(*acc->files));
		acc->files[n] = next->files[i];
		acc->files[n + 1] = NULL;
		next->files[i] = NULL;
	}
	if (next->n_targets) {
		for (size_t i = 0; i < acc->n_targets; i++)
			target_finish(&acc->targets[i]);
		free(acc->targets);
		acc->targets = next->targets;
		acc->n_targets = next->n_targets;
		next->targets = NULL;
		next->n_targets = 0;
	}
	desired_finish(next);
	return rc;
}

/* ---- where a base is ---- */

/* "a/b/../c" style paths kept inside a repository: NULL when @rel climbs
 * out of it. @dir is the naming file's directory ("" for the root). */
static char *repo_path(const char *dir, const char *rel)
{
	char *joined = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s%s%s", dir, *dir ? "/" : "", rel);
	char **parts = NULL;
	struct strbuf out = {0};
	char *save = NULL, *tok;
	bool ok = true;

	for (tok = strtok_r(joined, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		size_t n = strv_len(parts);

		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (!n) {
				ok = false;
				break;
			}
			free(parts[n - 1]);
			parts[n - 1] = NULL;
			continue;
		}
		strv_push(&parts, tok);
	}
	for (size_t i = 0; ok && parts && parts[i]; i++)
		sb_addf(&out, "%s%s", i ? "/" : "", parts[i]);
	strv_free(parts);
	free(joined);
	if (!ok || !out.len) {
		sb_finish(&out);
		return NULL;
	}
	return out.s;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xasprintf("%.*s", (int)(slash - path), path) : xstrdup("");
}

static void remote_names(struct source *s)
{
	s->shown = s->ref ? xasprintf("%s/%s:%s@%s", s->owner, s->repo, s->path, s->ref)
			  : xasprintf("%s/%s:%s", s->owner, s->repo, s->path);
	s->id = xasprintf("%s|%s|%s|%s/%s|%s|%s", s->forge ? s->forge : "", s->url ? s->url : "",
			  s->api_url ? s->api_url : "", s->owner, s->repo, s->path, s->ref ? s->ref : "");
}

/* Where @b, named by the file at @from, is. False (with *@why) when it
 * cannot be anywhere. */
static bool base_source(const struct resolver *r, const struct source *from, const struct lf_base *b,
			struct source *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (b->repo) {
		const char *slash = strrchr(b->repo, '/');   /* the owner may nest */
		char *p = repo_path("", b->path);

		if (!p) {
			*why = "the path climbs out of the repository";
			return false;
		}
		out->remote = true;
		out->owner = xasprintf("%.*s", (int)(slash - b->repo), b->repo);
		out->repo = xstrdup(slash + 1);
		out->path = p;
		out->ref = xstrdup(b->ref);
		if (b->forge) {
			out->forge = xstrdup(b->forge);
			out->url = xstrdup(b->url);
		} else if (r->n_targets) {
			/* The first target's forge, where it is. */
			const struct target *first = &r->targets[0];

			out->forge = xstrdup(first->forge);
			out->url = xstrdup(b->url ? b->url : first->url);
			out->api_url = b->url ? NULL : xstrdup(first->api_url);
		} else {
			out->url = xstrdup(b->url);
		}
		remote_names(out);
		return true;
	}
	if (from->remote) {
		char *dir = dir_of(from->path);

		*out = (struct source){.remote = true};
		out->path = repo_path(dir, b->path);
		free(dir);
		if (!out->path) {
			*why = "the path climbs out of the repository";
			return false;
		}
		out->forge = xstrdup(from->forge);
		out->url = xstrdup(from->url);
		out->api_url = xstrdup(from->api_url);
		out->owner = xstrdup(from->owner);
		out->repo = xstrdup(from->repo);
		out->ref = xstrdup(from->ref);
		remote_names(out);
		return true;
	}
	if (b->path[0] == '/') {
		out->path = xstrdup(b->path);
	} else {
		char *dir = dir_of(from->path);

		out->path = *dir ? xasprintf("%s/%s", dir, b->path) : xstrdup(b->path);
		free(dir);
	}
	out->shown = xstrdup(out->path);
	{
		char real[PATH_MAX];

		out->id = xstrdup(realpath(out->path, real) ? real : out->path);
	}
	return true;
}

/* "a.yml -> b.yml -> c.yml" for the files being read, then @last. */
static char *chain(const struct resolver *r, const char *last)
{
	struct strbuf b = {0};

	for (size_t i = 0; i < r->depth; i++)
		sb_addf(&b, "%s%s", i ? " -> " : "", r->chain[i]);
	if (last)
		sb_addf(&b, " -> %s", last);
	return b.s ? b.s : xstrdup("");
}

/* The token_env of the top file's first target on @s's forge and URL (both
 * without one: the forge's default URL), or NULL. */
static const char *token_env_for(const struct resolver *r, const struct source *s)
{
	for (size_t i = 0; s->forge && i < r->n_targets; i++) {
		const struct target *t = &r->targets[i];

		if (str_same(t->forge, s->forge) && str_same(t->url, s->url) && str_same(t->api_url, s->api_url))
			return t->token_env;
	}
	return NULL;
}

static int read_source(const struct resolver *r, const struct source *s, char **buf, size_t *len,
		       char **error)
{
	struct lf_remote where;

	if (!s->remote)
		return lf_read_local(s->path, buf, len, error);
	if (!r->read) {
		*error = xstrdup("a base on a forge cannot be read here");
		return -ENOTSUP;
	}
	where = (struct lf_remote){
		.forge = s->forge, .url = s->url, .api_url = s->api_url, .owner = s->owner,
		.repo = s->repo, .path = s->path, .ref = s->ref, .token_env = token_env_for(r, s),
	};
	*buf = NULL;
	*error = NULL;
	return r->read(r->data, &where, buf, len, error);
}

static int resolve(struct resolver *r, const struct source *src, const char *buf, size_t len,
		   struct desired *out);

/* One base of @from, at its item @b: read, resolved, laid over @acc. */
static int resolve_base(struct resolver *r, const struct source *from, const struct lf_base *b,
			struct desired *acc)
{
	struct source bs;
	struct desired bd = {0};
	const char *why = NULL;
	char *buf = NULL, *error = NULL, *ch = NULL;
	size_t len = 0;
	int rc = -EINVAL;

	if (!base_source(r, from, b, &bs, &why)) {
		lf_diag_add(r->diags, from->shown, b->line, b->col, "extends '%s': %s", b->path, why);
		goto out;
	}
	for (size_t i = 0; i < r->depth; i++) {
		if (strcmp(r->ids[i], bs.id) == 0) {
			ch = chain(r, bs.shown);
			lf_diag_add(r->diags, from->shown, b->line, b->col,
				    "extends '%s': a cycle (%s)", bs.shown, ch);
			goto out;
		}
	}
	if (r->depth > LF_MAX_EXTENDS_DEPTH) {
		ch = chain(r, bs.shown);
		lf_diag_add(r->diags, from->shown, b->line, b->col,
			    "extends '%s': bases more than %d deep (%s)", bs.shown,
			    LF_MAX_EXTENDS_DEPTH, ch);
		goto out;
	}
	if (bs.remote && r->failed)
		goto out;   /* the policy is already invalid: no request to tell more */
	if (read_source(r, &bs, &buf, &len, &error) != 0) {
		ch = chain(r, bs.shown);
		lf_diag_add(r->diags, from->shown, b->line, b->col, "cannot read the base '%s' (%s): %s",
			    bs.shown, ch, error ? error : "failed");
		goto out;
	}
	rc = resolve(r, &bs, buf, len, &bd);
	if (rc == 0)
		rc = lf_merge(acc, &bd, r->diags);
out:
	if (rc != 0)
		r->failed = true;
	desired_finish(&bd);
	free(buf);
	free(error);
	free(ch);
	source_finish(&bs);
	return rc;
}

static int resolve(struct resolver *r, const struct source *src, const char *buf, size_t len,
		   struct desired *out)
{
	struct desired own = {0}, acc = {0};
	struct lf_bases bases = {0};
	bool top = r->depth == 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lf_parse_one(src->shown, src->path, buf, len, r->limits, !top, &own, &bases, r->diags);
	/* The top file's own sets name its own targets: known before any
	 * base is read (the whole policy's are checked again at the end). */
	if (rc == 0 && top && lf_check_set_targets(&own, r->diags) != 0)
		rc = -EINVAL;
	if (rc != 0)
		goto out;
	if (top) {
		r->targets = own.targets;
		r->n_targets = own.n_targets;
	}
	r->chain[r->depth] = src->shown;
	r->ids[r->depth] = src->id;
	r->depth++;
	for (size_t i = 0; i < bases.n; i++)
		if (resolve_base(r, src, &bases.v[i], &acc) != 0)
			rc = -EINVAL;
	r->depth--;
	if (top) {
		r->targets = NULL;
		r->n_targets = 0;
	}
	if (rc == 0 && lf_merge(&acc, &own, r->diags) != 0)
		rc = -EINVAL;
	if (rc == 0) {
		*out = acc;
		memset(&acc, 0, sizeof(acc));
	}
out:
	desired_finish(&own);
	desired_finish(&acc);
	lf_bases_finish(&bases);
	return rc;
}

int lf_load_policy_buffer(const char *name, const char *buf, size_t len,
			  const struct lf_limits *limits, lf_read_fn read, void *data,
			  struct desired *out, struct lf_diags *diags)
{
	struct resolver r = {.read = read, .data = data, .limits = limits, .diags = diags};
	struct source top = {0};
	char real[PATH_MAX];
	int rc;

	top.path = xstrdup(name ? name : "<labels>");
	top.shown = xstrdup(top.path);
	top.id = xstrdup(realpath(top.path, real) ? real : top.path);
	rc = resolve(&r, &top, buf, len, out);
	if (rc == 0 && lf_check_set_targets(out, diags) != 0) {
		desired_finish(out);
		rc = -EINVAL;
	}
	source_finish(&top);
	return rc;
}

int lf_load_policy(const char *path, const struct lf_limits *limits, lf_read_fn read, void *data,
		   struct desired *out, struct lf_diags *diags)
{
	char *buf = NULL, *error = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lf_read_local(path, &buf, &len, &error);
	if (rc != 0) {
		lf_diag_add(diags, path, 0, 0, "%s", error ? error : "cannot read the labels file");
		free(error);
		return rc;
	}
	rc = lf_load_policy_buffer(path, buf, len, limits, read, data, out, diags);
	free(buf);
	return rc;
}
