/* SPDX-License-Identifier: MIT */
/*
 * Labels of many repositories per request, over GitHub's GraphQL API
 * (list_labels_many, EPITHET_CAP_BATCH_READ). See github-graphql.c for the
 * query, its cost, and when the core falls back to the REST list.
 *
 * The request and answer functions are pure (json-c only) so that the unit
 * tests drive them directly; gh_graphql_list_labels_many does the requests
 * through the host.
 */
#ifndef EPITHET_GITHUB_GRAPHQL_H
#define EPITHET_GITHUB_GRAPHQL_H

#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include "epithet/forge.h"

/* Repositories per GraphQL request. Each costs GitHub one label connection,
 * so a request of 100 costs 1 point of the GraphQL budget (5,000 an hour)
 * and asks for at most 100 + 100 x 100 = 10,100 nodes (the limit is 500,000). */
#define GH_GRAPHQL_BATCH 100

/* Labels per page of one repository's label connection (GitHub's maximum). */
#define GH_GRAPHQL_PAGE 100

/*
 * The GraphQL endpoint that goes with REST root @p api_root: @p override
 * when it is a non-empty http(s) URL (GITHUB_GRAPHQL_URL, as GitHub Actions
 * sets it), else the root with /api/v3 replaced by /api/graphql (GitHub
 * Enterprise Server), else the root + /graphql (api.github.com and --api-url).
 * malloc'd; NULL when out of memory.
 */
char *gh_graphql_endpoint(const char *api_root, const char *override);

/* One repository of a request: its owner and name, and the cursor to read
 * its labels after (NULL: from the first). */
struct gh_graphql_repo {
	const char *owner;
	const char *name;
	const char *after;
};

/*
 * The JSON body of one request reading the labels of @p repos (at most
 * GH_GRAPHQL_BATCH): {"query": "...", "variables": {...}}, repo k under the
 * alias "r<k>". malloc'd; NULL when out of memory.
 */
char *gh_graphql_labels_body(const struct gh_graphql_repo *repos, size_t n);

/*
 * Map the top-level "errors" array of a GraphQL answer (HTTP 200 carries
 * them, trap 16; NULL: none). Returns 0 when it is empty; otherwise a status
 * with @p msg (of @p n bytes) saying why: EPITHET_ERATELIMIT for a
 * RATE_LIMITED error anywhere, EPITHET_ENOTFOUND / EPITHET_EFORBIDDEN for a
 * NOT_FOUND / FORBIDDEN error on one repository (*bad_alias gets its alias
 * index, else -1), or EPITHET_EPROTOCOL for anything else.
 */
int gh_graphql_errors(struct json_object *errors, long *bad_alias, char *msg, size_t n);

/* What gh_graphql_scan hands on. A non-zero return stops the scan and is
 * returned by it. */
struct gh_graphql_sink {
	/* a label of alias r<alias>, borrowed for the call */
	int (*label)(void *ctx, size_t alias, const struct epithet_label *label);
	/* the end of alias r<alias>: @p null when the repository was null;
	 * else whether it has more labels, and the cursor to read them after */
	int (*repo)(void *ctx, size_t alias, bool null, bool has_next, const char *cursor);
	void *ctx;
};

/*
 * Scan a GraphQL answer (a JSON object) in place, without building a tree:
 * each label of data.r<k>.labels.nodes (k < @p n_alias; other members are
 * checked and skipped) goes to @p sink as soon as it is read, then the
 * repo's page end. *errors / *errors_len get the text of the top-level
 * "errors" value (NULL when there is none) for gh_graphql_errors.
 * Returns 0; a sink's non-zero return; EPITHET_ENOMEM; or EPITHET_EPROTOCOL
 * with *why saying what is wrong (not strict JSON, a label without a name
 * or with a bad colour, a repository without labels{nodes}...).
 */
int gh_graphql_scan(const char *body, size_t len, size_t n_alias, const struct gh_graphql_sink *sink,
		    const char **errors, size_t *errors_len, const char **why);

/*
 * list_labels_many (see forge.h) over GraphQL at @p url: @p repos in
 * requests of GH_GRAPHQL_BATCH, each repo's labels delivered whole to @p cb
 * with its index. Returns 0; the callback's non-zero return; or a status
 * with @p err set (github-graphql.c says which, and why the whole call
 * fails when one repo does).
 */
int gh_graphql_list_labels_many(const struct epithet_host *host, const char *url,
				const struct epithet_repo *const *repos, size_t n_repos,
				epithet_batch_label_cb cb, void *payload, struct epithet_error *err);

#endif
