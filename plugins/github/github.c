/* SPDX-License-Identifier: MIT */
/*
 * The github forge plugin: api.github.com, any REST root with api.github.com's
 * rules (--api-url, GITHUB_API_URL as GitHub Actions sets it), and GitHub
 * Enterprise Server (URL + /api/v3).
 *
 * Everything reaches GitHub through the host's services: the host owns the
 * token, pacing, rate limits, retries and the ETag cache, so this file only
 * builds requests and maps answers (JSON mapping in github-parse.c; what
 * gitea does the same way, requests, statuses and paged lists, in
 * ../common/plugin-kit.c).
 *
 * Threading: a session is immutable after open(), and every call keeps its
 * state on its own stack, so the host may run reads concurrently.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json.h>

#include "epithet/forge.h"
#include "github-graphql.h"
#include "github-parse.h"
#include "../common/plugin-kit.h"

#define GH_DOTCOM_API "https://api.github.com"
#define GH_DOTCOM_WEB "https://github.com"
#define GH_GHES_SUFFIX "/api/v3"

/* Longest summary of a 422 validation error quoted in a message. */
#define GH_QUOTE_MAX 200

struct epithet_forge_session {
	const struct epithet_host *host;
	char *api_root;     /* REST root, no trailing '/' */
	char *display;      /* web-ish URL for messages (info->display) */
	char *graphql_url;  /* GraphQL endpoint, for list_labels_many (github-graphql.c) */
	bool ghes;          /* GitHub Enterprise Server: its own tokens, no pacing */
};

/* ---- URLs ---------------------------------------------------------------- */

static bool host_is(const char *host, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(host, name, len) == 0;
}

/* Check an http(s) base URL (kit_check_base_url) with GitHub's advice. */
static const char *check_base_url(const char *url, const char **host, size_t *host_len)
{
	return kit_check_base_url(url,
				  "credentials in the URL are not supported "
				  "(use a token variable or --token-file)",
				  host, host_len);
}

/* Report a bad URL. The URL is quoted unless it carries credentials, which
 * must never reach a message or a log. */
static int bad_url(struct epithet_forge_session *s, const char *source, const char *url,
		   const char *why, struct epithet_error *err)
{
	if (strchr(url, '@') != NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "invalid GitHub URL from %s: %s",
				   source, why);
	} else {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "invalid GitHub URL \"%s\" from %s: %s", url, source, why);
	}
	return EPITHET_EINVALID;
}

/* An exact REST root with api.github.com's rules (tokens, write pacing). */
static int use_api_root(struct epithet_forge_session *s, const char *root, const char *source,
			struct epithet_error *err)
{
	const char *host, *why;
	size_t host_len;

	why = check_base_url(root, &host, &host_len);
	if (why != NULL) {
		return bad_url(s, source, root, why, err);
	}
	s->ghes = false;
	/* No trailing '/': GitHub answers 404 to a doubled slash. */
	s->api_root = kit_strip_slashes(root);
	if (s->api_root == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	if (host_is(host, host_len, "api.github.com")) {
		s->display = strdup(GH_DOTCOM_WEB);
	} else if (kit_ends_with(s->api_root, GH_GHES_SUFFIX)) {
		/* GitHub Actions on GHES sets GITHUB_API_URL=https://HOST/api/v3. */
		s->display = strndup(s->api_root, strlen(s->api_root) - strlen(GH_GHES_SUFFIX));
	} else {
		s->display = strdup(s->api_root);
	}
	return s->display != NULL ? 0 : kit_out_of_memory(s->host, err);
}

/* --url: api.github.com itself, or a GitHub Enterprise Server's base URL. */
static int use_url(struct epithet_forge_session *s, const char *url, struct epithet_error *err)
{
	const char *host, *why;
	size_t host_len;

	why = check_base_url(url, &host, &host_len);
	if (why != NULL) {
		return bad_url(s, "--url", url, why, err);
	}
	/* The web host github.com has its API elsewhere, never under /api/v3:
	 * a user writing --url https://github.com means dotcom. */
	if (host_is(host, host_len, "github.com") || host_is(host, host_len, "www.github.com")) {
		return use_api_root(s, GH_DOTCOM_API, "--url", err);
	}
	if (host_is(host, host_len, "api.github.com")) {
		return use_api_root(s, url, "--url", err);
	}
	s->ghes = true;
	/* A URL that is already the REST root is not made /api/v3/api/v3. */
	if (!kit_api_root_under(url, GH_GHES_SUFFIX, &s->api_root, &s->display)) {
		return kit_out_of_memory(s->host, err);
	}
	return 0;
}

/* --api-url wins over --url, which wins over GITHUB_API_URL (SPEC 2). */
static int resolve_target(struct epithet_forge_session *s, const struct epithet_forge_config *cfg,
			  struct epithet_error *err)
{
	const char *env;

	if (cfg != NULL && cfg->api_url != NULL && cfg->api_url[0] != '\0') {
		return use_api_root(s, cfg->api_url, "--api-url", err);
	}
	if (cfg != NULL && cfg->url != NULL && cfg->url[0] != '\0') {
		return use_url(s, cfg->url, err);
	}
	env = getenv("GITHUB_API_URL");
	if (env != NULL && env[0] != '\0') {
		return use_api_root(s, env, "GITHUB_API_URL", err);
	}
	return use_api_root(s, GH_DOTCOM_API, "the default", err);
}

/* ---- statuses ------------------------------------------------------------- */

/*
 * GitHub's own statuses, before the common mapping (kit_map_status). Rate
 * limits were handled by the host before the answer got here; a 429 still
 * arriving means the host gave up waiting.
 */
static int github_statuses(const struct kit_answer *a, struct epithet_error *err)
{
	const struct epithet_host *h = a->host;
	int st = a->status;

	if (st == 403 && h->http_header(h->host_data, a->resp, "X-GitHub-SSO") != NULL) {
		/* An org enforcing SAML SSO refuses tokens not authorized for
		 * it and says so only in this header (trap 13). */
		h->error_set(err, EPITHET_EFORBIDDEN, st,
			     "%s: GitHub refused (403)%s%s (the token must be authorized "
			     "for the organization's SSO)", a->what, a->sep, a->msg);
		return EPITHET_EFORBIDDEN;
	}
	if (st == 410) {
		/* Gone, as 404: GitHub hides private resources behind 404
		 * (trap 13), and kit_map_status says so. */
		h->error_set(err, EPITHET_ENOTFOUND, st,
			     "%s: not found, or not visible with these credentials (%d)%s%s",
			     a->what, st, a->sep, a->msg);
		return EPITHET_ENOTFOUND;
	}
	if (st == 422) {
		struct json_object *root = NULL;
		char summary[GH_QUOTE_MAX];
		bool exists;

		/* Branch on errors[].code, not the status alone (trap 4). */
		(void)gh_parse_body(a->resp->body, a->resp->body_len, &root);
		exists = gh_validation_summary(root, summary, sizeof(summary));
		json_object_put(root);
		if (exists) {
			h->error_set(err, EPITHET_EEXISTS, st,
				     "%s: a label of that name already exists "
				     "(GitHub compares label names ignoring case)", a->what);
			return EPITHET_EEXISTS;
		}
		h->error_set(err, EPITHET_EINVALID, st, "%s: GitHub refused the values (422)%s%s",
			     a->what, summary[0] != '\0' ? ": " : "", summary);
		return EPITHET_EINVALID;
	}
	if (st == 429) {
		h->error_set(err, EPITHET_ERATELIMIT, st, "%s: GitHub rate limit (429)%s%s",
			     a->what, a->sep, a->msg);
		return EPITHET_ERATELIMIT;
	}
	return 0;
}

static const struct kit_forge github_kit = {
	.name = "GitHub",
	.statuses = github_statuses,
	/* GitHub lists carry Link headers: follow them, never build page URLs. */
	.page_param = NULL,
};

/* ---- paginated lists ------------------------------------------------------ */

static int repo_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct gh_repo_scratch scratch;
	struct epithet_repo repo;
	int rc;

	rc = gh_parse_repo(obj, &repo, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	if (w->items_key != NULL && strcasecmp(repo.owner, w->who.owner) != 0) {
		/* an installation's list: only the owner asked for */
		gh_repo_scratch_finish(&scratch);
		return 0;
	}
	rc = kit_walk_deliver(w, w->repo_cb(&repo, w->payload));
	gh_repo_scratch_finish(&scratch);
	return rc;
}

static int label_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct gh_label_scratch scratch;
	struct epithet_label label;
	int rc;

	rc = gh_parse_label(obj, &label, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	return kit_walk_deliver(w, w->label_cb(&label, w->payload));
}

/* w->filter: NULL, or the label name an issue must carry to be kept. */
static int issue_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct epithet_item item;
	int rc;

	rc = gh_parse_item(obj, &item, why);
	if (rc != 0) {
		return rc;
	}
	if (w->filter != NULL && !gh_item_has_label(obj, w->filter)) {
		return 0;
	}
	return kit_walk_deliver(w, w->item_cb(&item, w->payload));
}

/* ---- the vtable ----------------------------------------------------------- */

static void session_free(struct epithet_forge_session *s)
{
	if (s == NULL) {
		return;
	}
	free(s->display);
	free(s->api_root);
	free(s->graphql_url);
	free(s);
}

static int impl_open(const struct epithet_host *host, const struct epithet_forge_config *cfg,
		     struct epithet_session_info *info, epithet_forge_session **out,
		     struct epithet_error *err)
{
	static const char *const dotcom_env[] = {"GH_TOKEN", "GITHUB_TOKEN", NULL};
	/* gh's convention: enterprise tokens have their own variables, so a
	 * dotcom token is never sent to a GHES host, nor the reverse. */
	static const char *const ghes_env[] = {
		"GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", NULL,
	};
	static const char *const headers[] = {
		"Accept: application/vnd.github+json",
		/* Valid on dotcom and on GHES >= 3.8 (trap 14). */
		"X-GitHub-Api-Version: 2022-11-28",
		NULL,
	};
	static const char *const app_owner_paths[] = {
		"/orgs/{owner}/installation", "/users/{owner}/installation", NULL,
	};
	struct epithet_forge_session *s;
	struct epithet_endpoint ep;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return kit_out_of_memory(host, err);
	}
	s->host = host;
	rc = resolve_target(s, cfg, err);
	if (rc != 0) {
		goto fail;
	}
	/* GITHUB_GRAPHQL_URL goes with GITHUB_API_URL (GitHub Actions sets
	 * both), so only when neither --api-url nor --url chose the root. */
	s->graphql_url = gh_graphql_endpoint(s->api_root,
		(cfg == NULL || ((cfg->api_url == NULL || cfg->api_url[0] == '\0') &&
				 (cfg->url == NULL || cfg->url[0] == '\0')))
		? getenv("GITHUB_GRAPHQL_URL") : NULL);
	if (s->graphql_url == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto fail;
	}

	memset(&ep, 0, sizeof(ep));
	ep.struct_size = sizeof(ep);
	ep.api_root = s->api_root;
	ep.token_env = s->ghes ? ghes_env : dotcom_env;
	ep.auth_scheme = "Bearer";
	ep.headers = headers;
	if (!s->ghes) {
		/* GitHub's published guidance for mutations (SPEC 6, traps
		 * 1-2); GHES usually has no limits and the user sets them. */
		ep.write_interval_ms = 1000;
		ep.writes_per_minute = 80;
		ep.writes_per_hour = 500;
	}
	ep.default_jobs = 4;
	/* App authentication (SPEC 10): the host signs, looks up, exchanges
	 * and renews; an owner is an organization or a user. */
	ep.app_owner_installation = app_owner_paths;
	ep.app_repo_installation = "/repos/{owner}/{repo}/installation";
	ep.app_token_exchange = "/app/installations/{id}/access_tokens";
	rc = host->set_endpoint(host->host_data, &ep, err);
	if (rc != 0) {
		goto fail;
	}

	if (info != NULL) {
		info->default_owner = NULL;
		info->display = s->display;
	}
	host->log(host->host_data, EPITHET_LOG_DEBUG, "REST root %s (%s)", s->api_root,
		  s->ghes ? "GitHub Enterprise Server" : "api.github.com rules");
	*out = s;
	return 0;

fail:
	session_free(s);
	return rc;
}

static void impl_close(epithet_forge_session *s)
{
	session_free(s);
}

/*
 * /users/{u}/repos lists public repos only, even of the token's own user.
 * When the owner is that user, /user/repos?affiliation=owner lists the
 * private ones too. Asked only after /orgs/ said 404: one GET /user, and
 * none at all for an organization. An installation token (403 there) lists
 * /installation/repositories instead.
 */
static char *own_repos_url(struct kit_walk *w, const char *owner, char *user_url)
{
	struct epithet_forge_session *s = w->hook_data;
	struct epithet_error ignored = {0};
	struct json_object *root = NULL, *login;
	const struct kit_for who = {owner, NULL};
	char *mine;
	int rc;

	rc = kit_get_json_for(s->host, &github_kit, &who, "/user", "the authenticated user", &root,
			      NULL, &ignored);
	if (rc == EPITHET_EFORBIDDEN && ignored.http_status == 403) {
		/* An installation token (an App's, GitHub Actions') has no
		 * user: it lists the repositories it may act on, private ones
		 * included, and repo_item keeps the owner's. */
		mine = strdup("/installation/repositories?per_page=100");
		if (mine == NULL) {
			return user_url;
		}
		w->items_key = "repositories";
		free(user_url);
		return mine;
	}
	if (rc != 0) {
		return user_url; /* no token, or no such endpoint: the public list */
	}
	if (!json_object_object_get_ex(root, "login", &login) ||
	    !json_object_is_type(login, json_type_string) ||
	    strcasecmp(json_object_get_string(login), owner) != 0) {
		json_object_put(root);
		return user_url;
	}
	json_object_put(root);
	mine = strdup("/user/repos?per_page=100&sort=full_name&affiliation=owner");
	if (mine == NULL) {
		return user_url;
	}
	free(user_url);
	return mine;
}

static int impl_list_repos(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			   void *payload, struct epithet_error *err)
{
	struct kit_walk w;
	char what[256], user_what[256];
	int rc;

	if (owner == NULL || owner[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "listing repositories needs an owner");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "repositories of %s", owner);
	snprintf(user_what, sizeof(user_what), "repositories of the user %s", owner);
	kit_walk_init(&w, s->host, &github_kit, what, repo_item, payload);
	w.repo_cb = cb;
	w.user_url_hook = own_repos_url;
	w.hook_data = s;
	w.who.owner = owner;
	/* An owner may be a user account: /orgs/ answers 404 for those.
	 * full_name order: stable across runs (trap 9; the default is
	 * created desc). */
	rc = kit_walk_owner_repos(&w, owner,
		kit_build_path(s->host, "/orgs/{}/repos?per_page=100&sort=full_name&direction=asc",
			       owner),
		kit_build_path(s->host, "/users/{}/repos?per_page=100&sort=full_name&type=owner",
			       owner),
		user_what, err);
	if (rc == EPITHET_ENOTFOUND && w.as_user && !w.stopped) {
		s->host->error_set(err, EPITHET_ENOTFOUND, 404,
				   "no organization or user named \"%s\" is visible "
				   "with these credentials (404)", owner);
	}
	return rc;
}

static int impl_get_repo(epithet_forge_session *s, const char *owner, const char *name,
			 epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	struct json_object *root = NULL;
	struct gh_repo_scratch scratch = {0};
	struct epithet_repo repo;
	const char *why = NULL;
	char what[256];
	char *url;
	int rc, status = 0;

	if (owner == NULL || name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "looking up a repository needs an owner and a name");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "repository %s/%s", owner, name);
	url = kit_build_path(s->host, "/repos/{}/{}", owner, name);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_get_json_for(s->host, &github_kit, &(const struct kit_for){owner, name}, url, what,
			      &root, &status, err);
	if (rc != 0) {
		goto cleanup;
	}
	rc = gh_parse_repo(root, &repo, &scratch, &why);
	if (rc != 0) {
		rc = rc == EPITHET_ENOMEM ? kit_out_of_memory(s->host, err)
					  : kit_protocol_error(s->host, &github_kit, status, what, why, err);
		goto cleanup;
	}
	rc = cb(&repo, payload);
	gh_repo_scratch_finish(&scratch);

cleanup:
	json_object_put(root);
	free(url);
	return rc;
}

static int impl_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			    epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	struct kit_walk w;
	char what[256];
	char *url;
	int rc;

	if (repo == NULL) {
		/* No capability ORG_LABELS: the core should never ask. */
		s->host->error_set(err, EPITHET_ENOTSUPPORTED, 0,
				   "GitHub has no owner-level labels (%s): "
				   "labels live in each repository",
				   owner != NULL ? owner : "?");
		return EPITHET_ENOTSUPPORTED;
	}
	if (owner == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "listing labels needs an owner");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "labels of %s/%s", owner, repo);
	kit_walk_init(&w, s->host, &github_kit, what, label_item, payload);
	w.label_cb = cb;
	w.who = (struct kit_for){owner, repo};
	url = kit_build_path(s->host, "/repos/{}/{}/labels?per_page=100", owner, repo);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_walk_list(&w, url, err);
	free(url);
	return rc;
}

static int impl_create_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *want, struct epithet_error *err)
{
	char what[256];
	char *url = NULL, *body = NULL;
	int rc;

	if (owner == NULL || repo == NULL || want == NULL || want->name == NULL ||
	    want->name[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "creating a label on GitHub needs a repository and a name");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "creating label \"%s\" in %s/%s", want->name, owner, repo);
	url = kit_build_path(s->host, "/repos/{}/{}/labels", owner, repo);
	/* Without a colour GitHub picks ededed; only what is asked is sent. */
	body = gh_label_body(want, true, NULL);
	if (url == NULL || body == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	rc = kit_send_write_for(s->host, &github_kit, &(const struct kit_for){owner, repo}, "POST",
				url, body, 0, what, err);

cleanup:
	free(body);
	free(url);
	return rc;
}

static int impl_update_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, const struct epithet_label *want,
			     struct epithet_error *err)
{
	char what[256];
	char *url = NULL, *body = NULL;
	size_t n_fields;
	int rc;

	if (owner == NULL || repo == NULL || cur == NULL || cur->name == NULL || want == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "updating a label on GitHub needs a repository "
				   "and the current label");
		return EPITHET_EINVALID;
	}
	if ((want->fields & EPITHET_FIELD_NAME) && (want->name == NULL || want->name[0] == '\0')) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "renaming label \"%s\" in %s/%s: the new name is empty",
				   cur->name, owner, repo);
		return EPITHET_EINVALID;
	}
	if ((want->fields & EPITHET_FIELD_NAME) && strcmp(want->name, cur->name) != 0) {
		snprintf(what, sizeof(what), "renaming label \"%s\" to \"%s\" in %s/%s",
			 cur->name, want->name, owner, repo);
	} else {
		snprintf(what, sizeof(what), "updating label \"%s\" in %s/%s",
			 cur->name, owner, repo);
	}
	body = gh_label_body(want, false, &n_fields);
	if (body == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	if (n_fields == 0) {
		/* Nothing GitHub stores was asked for: no request. */
		free(body);
		return 0;
	}
	/* Address the label by its exact stored name (trap 7). */
	url = kit_build_path(s->host, "/repos/{}/{}/labels/{}", owner, repo, cur->name);
	if (url == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	rc = kit_send_write_for(s->host, &github_kit, &(const struct kit_for){owner, repo}, "PATCH",
				url, body, 0, what, err);

cleanup:
	free(url);
	free(body);
	return rc;
}

static int impl_delete_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, struct epithet_error *err)
{
	char what[256];
	char *url;
	int rc;

	if (owner == NULL || repo == NULL || cur == NULL || cur->name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "deleting a label on GitHub needs a repository and a name");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "deleting label \"%s\" in %s/%s", cur->name, owner, repo);
	url = kit_build_path(s->host, "/repos/{}/{}/labels/{}", owner, repo, cur->name);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_send_write_for(s->host, &github_kit, &(const struct kit_for){owner, repo}, "DELETE",
				url, NULL, 0, what, err);
	free(url);
	return rc;
}

static int impl_list_labelled(epithet_forge_session *s, const char *owner, const char *repo,
			      const struct epithet_label *label, epithet_item_cb cb, void *payload,
			      struct epithet_error *err)
{
	struct kit_walk w;
	char what[256];
	char *url;
	int rc;

	if (owner == NULL || repo == NULL || label == NULL || label->name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "listing labelled issues on GitHub needs a repository "
				   "and a label");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "issues labelled \"%s\" in %s/%s", label->name, owner, repo);
	kit_walk_init(&w, s->host, &github_kit, what, issue_item, payload);
	w.item_cb = cb;
	w.who = (struct kit_for){owner, repo};
	if (strchr(label->name, ',') != NULL) {
		/* labels= is a comma-separated list, decoded before it is
		 * split: %2C does not help. A name with a comma can only be
		 * found by reading every issue and filtering here. */
		s->host->log(s->host->host_data, EPITHET_LOG_INFO,
			     "label \"%s\" has a comma, which GitHub's issue filter cannot take: "
			     "reading every issue of %s/%s instead", label->name, owner, repo);
		w.filter = label->name;
		url = kit_build_path(s->host, "/repos/{}/{}/issues?state=all&per_page=100", owner, repo);
	} else {
		url = kit_build_path(s->host, "/repos/{}/{}/issues?labels={}&state=all&per_page=100",
				 owner, repo, label->name);
	}
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_walk_list(&w, url, err);
	free(url);
	return rc;
}

static int impl_add_label(epithet_forge_session *s, const char *owner, const char *repo,
			  uint64_t number, const struct epithet_label *label,
			  struct epithet_error *err)
{
	char what[256], num[24];
	char *url = NULL, *body = NULL;
	int rc;

	if (owner == NULL || repo == NULL || label == NULL || label->name == NULL || number == 0) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "labelling an issue on GitHub needs a repository, "
				   "an issue and a label");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "adding label \"%s\" to #%" PRIu64 " in %s/%s",
		 label->name, number, owner, repo);
	snprintf(num, sizeof(num), "%" PRIu64, number);
	url = kit_build_path(s->host, "/repos/{}/{}/issues/{}/labels", owner, repo, num);
	/* POST adds to the issue's labels; PUT would replace them all. */
	body = gh_add_labels_body(label->name);
	if (url == NULL || body == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	/* Adding a label the issue already has changes nothing: a 1.1 host
	 * retries it after a lost answer like a GET (a 1.0 host ignores it). */
	rc = kit_send_write_for(s->host, &github_kit, &(const struct kit_for){owner, repo}, "POST",
				url, body, EPITHET_HTTP_IDEMPOTENT, what, err);

cleanup:
	free(body);
	free(url);
	return rc;
}

static int impl_list_labels_many(epithet_forge_session *s, const struct epithet_repo *const *repos,
				  size_t n_repos, epithet_batch_label_cb cb, void *payload,
				  struct epithet_error *err)
{
	return gh_graphql_list_labels_many(s->host, s->graphql_url, repos, n_repos, cb, payload,
					   err);
}

/* ABI 1.1: read_file, through the contents API (a labels file that another
 * one `extends`): JSON with the content in base64; a file too large for that
 * answer (over 1 MB on GitHub) from its blob. */
static int impl_read_file(epithet_forge_session *s, const char *owner, const char *repo,
			  const char *path, const char *ref, char **out, size_t *out_len,
			  struct epithet_error *err)
{
	return kit_read_repo_file(s->host, &github_kit, owner, repo, path, ref, out, out_len, err);
}

static const struct epithet_forge github_forge = {
	.abi_major = EPITHET_FORGE_ABI_MAJOR,
	.abi_minor = EPITHET_FORGE_ABI_MINOR,
	.struct_size = sizeof(struct epithet_forge),
	.name = "github",
	.version = "0.1.0",
	.description = "GitHub (api.github.com) and GitHub Enterprise Server, REST and GraphQL",
	/* No EPITHET_CAP_LABEL_COUNTS: counts would make each GraphQL read cost
	 * 2 points per repository instead of 1 per 100 (github-graphql.c).
	 * EPITHET_CAP_EMOJI_SHORTCODES: GitHub shows ":bug:" in a label name
	 * as the emoji, so readers see one label in either spelling.
	 * CONCURRENT_WRITES: the session is immutable after open(); on
	 * api.github.com the endpoint's pacing (impl_open) keeps the host
	 * writing one at a time, as GitHub asks. */
	.capabilities = EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME |
			EPITHET_CAP_ISSUE_LABELS | EPITHET_CAP_UNIQUE_NAMES |
			EPITHET_CAP_BATCH_READ | EPITHET_CAP_READ_FILE |
			EPITHET_CAP_EMOJI_SHORTCODES | EPITHET_CAP_CONCURRENT_WRITES,
	.name_max = 50,
	.description_max = 100,
	.open = impl_open,
	.close = impl_close,
	.list_repos = impl_list_repos,
	.get_repo = impl_get_repo,
	.list_labels = impl_list_labels,
	.create_label = impl_create_label,
	.update_label = impl_update_label,
	.delete_label = impl_delete_label,
	.list_labelled = impl_list_labelled,
	.add_label = impl_add_label,
	.list_labels_many = impl_list_labels_many,
	/* ABI 1.1 */
	.read_file = impl_read_file,
};

/* Built against 1.x: a host of another major lays out its structs
 * differently. Any 1.x host has every host member used here (all 1.0); a
 * 1.0 host ignores read_file. */
EPITHET_FORGE_ENTRY_DECL
{
	return kit_forge_for_host(&github_forge, host_abi_major, host_abi_minor);
}
