/* SPDX-License-Identifier: MIT */
/*
 * The github forge plugin: api.github.com, any REST root with api.github.com's
 * rules (--api-url, GITHUB_API_URL as GitHub Actions sets it), and GitHub
 * Enterprise Server (URL + /api/v3).
 *
 * Everything reaches GitHub through the host's services: the host owns the
 * token, pacing, rate limits, retries and the ETag cache, so this file only
 * builds requests and maps answers (JSON mapping in github-parse.c).
 *
 * Threading: a session is immutable after open(), and every call keeps its
 * state on its own stack, so the host may run reads concurrently.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json.h>

#include "epithet/forge.h"
#include "github-graphql.h"
#include "github-parse.h"

#define GH_DOTCOM_API "https://api.github.com"
#define GH_DOTCOM_WEB "https://github.com"
#define GH_GHES_SUFFIX "/api/v3"

/* Longest quote of GitHub's own "message" in an error: enough for every
 * message GitHub sends, short enough to leave room for our context. */
#define GH_QUOTE_MAX 200

struct epithet_forge_session {
	const struct epithet_host *host;
	char *api_root;     /* REST root, no trailing '/' */
	char *display;      /* web-ish URL for messages (info->display) */
	char *graphql_url;  /* GraphQL endpoint, for list_labels_many (github-graphql.c) */
	bool ghes;          /* GitHub Enterprise Server: its own tokens, no pacing */
};

/* ---- URLs ---------------------------------------------------------------- */

/*
 * Check an http(s) base URL. Returns NULL when it is usable, with *host and
 * *host_len naming its host (without port), or a phrase saying what is wrong.
 */
static const char *check_base_url(const char *url, const char **host, size_t *host_len)
{
	const char *p, *q;
	size_t authority;

	if (strncasecmp(url, "https://", 8) == 0) {
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		return "the scheme must be http:// or https://";
	}
	for (q = url; *q != '\0'; q++) {
		unsigned char c = (unsigned char)*q;

		if (c <= 0x20 || c == 0x7f || c == '?' || c == '#') {
			return "it must not contain spaces, control characters, "
			       "a query or a fragment";
		}
	}
	authority = strcspn(p, "/");
	if (memchr(p, '@', authority) != NULL) {
		return "credentials in the URL are not supported "
		       "(use a token variable or --token-file)";
	}
	*host = p;
	*host_len = strcspn(p, ":/");
	if (*host_len == 0) {
		return "it has no host name";
	}
	return NULL;
}

static bool host_is(const char *host, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(host, name, len) == 0;
}

/* A copy of @p url without trailing '/' (the host joins paths that start
 * with '/', and GitHub answers 404 to a doubled slash). */
static char *strip_slashes(const char *url)
{
	char *dup = strdup(url);
	size_t len;

	if (dup == NULL) {
		return NULL;
	}
	len = strlen(dup);
	while (len > 0 && dup[len - 1] == '/') {
		dup[--len] = '\0';
	}
	return dup;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

EPITHET_PRINTF(1, 2)
static char *gh_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&out, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : out;
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

static int out_of_memory(struct epithet_forge_session *s, struct epithet_error *err)
{
	s->host->error_set(err, EPITHET_ENOMEM, 0, "out of memory");
	return EPITHET_ENOMEM;
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
	s->api_root = strip_slashes(root);
	if (s->api_root == NULL) {
		return out_of_memory(s, err);
	}
	if (host_is(host, host_len, "api.github.com")) {
		s->display = strdup(GH_DOTCOM_WEB);
	} else if (ends_with(s->api_root, GH_GHES_SUFFIX)) {
		/* GitHub Actions on GHES sets GITHUB_API_URL=https://HOST/api/v3. */
		s->display = strndup(s->api_root, strlen(s->api_root) - strlen(GH_GHES_SUFFIX));
	} else {
		s->display = strdup(s->api_root);
	}
	return s->display != NULL ? 0 : out_of_memory(s, err);
}

/* --url: api.github.com itself, or a GitHub Enterprise Server's base URL. */
static int use_url(struct epithet_forge_session *s, const char *url, struct epithet_error *err)
{
	const char *host, *why;
	size_t host_len;
	char *base;

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
	base = strip_slashes(url);
	if (base == NULL) {
		return out_of_memory(s, err);
	}
	s->ghes = true;
	if (ends_with(base, GH_GHES_SUFFIX)) {
		/* Already the REST root: do not make it /api/v3/api/v3. */
		s->api_root = base;
		s->display = strndup(base, strlen(base) - strlen(GH_GHES_SUFFIX));
	} else {
		s->api_root = gh_strdup_printf("%s%s", base, GH_GHES_SUFFIX);
		s->display = base;
	}
	if (s->api_root == NULL || s->display == NULL) {
		return out_of_memory(s, err);
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

/*
 * A request path from @p fmt where each "{}" is replaced by the next string
 * argument, percent-encoded by the host (CONTRACTS 1.3: one segment, nothing
 * but RFC 3986 unreserved characters left raw). Query values go through the
 * same encoding, which is valid there too. malloc'd; NULL when out of memory.
 */
static char *build_path(struct epithet_forge_session *s, const char *fmt, ...)
{
	const struct epithet_host *h = s->host;
	char *buf = NULL, *grown;
	size_t len = 0, cap = 0;
	va_list ap;

	va_start(ap, fmt);
	while (*fmt != '\0') {
		const char *piece;
		char *escaped = NULL;
		size_t n;

		if (fmt[0] == '{' && fmt[1] == '}') {
			escaped = h->escape_segment(h->host_data, va_arg(ap, const char *));
			if (escaped == NULL) {
				goto fail;
			}
			piece = escaped;
			n = strlen(escaped);
			fmt += 2;
		} else {
			piece = fmt;
			n = strcspn(fmt, "{");
			if (n == 0) {
				n = 1; /* a lone '{' */
			}
			fmt += n;
		}
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			grown = realloc(buf, cap);
			if (grown == NULL) {
				h->free(h->host_data, escaped);
				goto fail;
			}
			buf = grown;
		}
		memcpy(buf + len, piece, n);
		len += n;
		buf[len] = '\0';
		h->free(h->host_data, escaped);
	}
	va_end(ap);
	if (buf == NULL) {
		buf = strdup("");
	}
	return buf;

fail:
	va_end(ap);
	free(buf);
	return NULL;
}

/* ---- requests and statuses ------------------------------------------------ */

/* GitHub's "message" from an error body, as one printable line in @p buf
 * ("" when the body has none, e.g. a proxy's HTML page). */
static void quote_message(const struct epithet_http_response *resp, char *buf, size_t n)
{
	struct json_object *root = NULL;
	const char *msg;
	size_t i;

	buf[0] = '\0';
	if (gh_parse_body(resp->body, resp->body_len, &root) != 0) {
		return;
	}
	msg = gh_error_message(root);
	if (msg != NULL) {
		snprintf(buf, n, "%s", msg);
		for (i = 0; buf[i] != '\0'; i++) {
			if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) {
				buf[i] = ' ';
			}
		}
	}
	json_object_put(root);
}

/*
 * Map a non-2xx answer to a status and fill @p err. @p what names the
 * operation, its repo and label ("creating label \"bug\" in octo/hello").
 * Rate limits were handled by the host before the answer got here; a 429
 * still arriving means the host gave up waiting.
 */
static int map_status(struct epithet_forge_session *s, const struct epithet_http_response *resp,
		      const char *what, struct epithet_error *err)
{
	const struct epithet_host *h = s->host;
	char msg[GH_QUOTE_MAX];
	const char *sep;
	int st = resp->status;

	quote_message(resp, msg, sizeof(msg));
	sep = msg[0] != '\0' ? ": " : "";
	if (st == 401) {
		h->error_set(err, EPITHET_EAUTH, st,
			     "GitHub rejected the credentials (401)%s%s (%s)", sep, msg, what);
		return EPITHET_EAUTH;
	}
	if (st == 403) {
		/* An org enforcing SAML SSO refuses tokens not authorized for
		 * it and says so only in this header (trap 13). */
		bool sso = h->http_header(h->host_data, resp, "X-GitHub-SSO") != NULL;

		h->error_set(err, EPITHET_EFORBIDDEN, st, "%s: GitHub refused (403)%s%s%s",
			     what, sep, msg,
			     sso ? " (the token must be authorized for the organization's SSO)" : "");
		return EPITHET_EFORBIDDEN;
	}
	if (st == 404 || st == 410) {
		/* GitHub hides private resources behind 404 (trap 13). */
		h->error_set(err, EPITHET_ENOTFOUND, st,
			     "%s: not found, or not visible with these credentials (%d)%s%s",
			     what, st, sep, msg);
		return EPITHET_ENOTFOUND;
	}
	if (st == 422) {
		struct json_object *root = NULL;
		char summary[GH_QUOTE_MAX];
		bool exists;

		/* Branch on errors[].code, not the status alone (trap 4). */
		(void)gh_parse_body(resp->body, resp->body_len, &root);
		exists = gh_validation_summary(root, summary, sizeof(summary));
		json_object_put(root);
		if (exists) {
			h->error_set(err, EPITHET_EEXISTS, st,
				     "%s: a label of that name already exists "
				     "(GitHub compares label names ignoring case)", what);
			return EPITHET_EEXISTS;
		}
		h->error_set(err, EPITHET_EINVALID, st, "%s: GitHub refused the values (422)%s%s",
			     what, summary[0] != '\0' ? ": " : "", summary);
		return EPITHET_EINVALID;
	}
	if (st == 429) {
		h->error_set(err, EPITHET_ERATELIMIT, st, "%s: GitHub rate limit (429)%s%s",
			     what, sep, msg);
		return EPITHET_ERATELIMIT;
	}
	if (st >= 500 && st <= 599) {
		h->error_set(err, EPITHET_ESERVER, st, "%s: GitHub server error (%d)%s%s",
			     what, st, sep, msg);
		return EPITHET_ESERVER;
	}
	h->error_set(err, EPITHET_ERROR, st, "%s: unexpected HTTP status %d from GitHub%s%s",
		     what, st, sep, msg);
	return EPITHET_ERROR;
}

static int protocol_error(struct epithet_forge_session *s, int http_status, const char *what,
			  const char *why, struct epithet_error *err)
{
	s->host->error_set(err, EPITHET_EPROTOCOL, http_status,
			   "%s: unexpected answer from GitHub: %s", what, why);
	return EPITHET_EPROTOCOL;
}

static bool is_2xx(int status)
{
	return status >= 200 && status <= 299;
}

/* One request; on 0, *out holds an answer of any status. */
static int send_request(struct epithet_forge_session *s, const char *method, const char *url,
			const char *body, struct epithet_http_response **out,
			struct epithet_error *err)
{
	struct epithet_http_request req;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.method = method;
	req.url = url;
	req.body = body;
	req.body_len = body != NULL ? strlen(body) : 0;
	*out = NULL;
	return s->host->http(s->host->host_data, &req, out, err);
}

/* A write whose answer carries nothing epithet needs: 0 on any 2xx. */
static int send_write(struct epithet_forge_session *s, const char *method, const char *url,
		      const char *body, const char *what, struct epithet_error *err)
{
	struct epithet_http_response *resp = NULL;
	int rc;

	rc = send_request(s, method, url, body, &resp, err);
	if (rc != 0) {
		return rc;
	}
	rc = is_2xx(resp->status) ? 0 : map_status(s, resp, what, err);
	s->host->http_free(s->host->host_data, resp);
	return rc;
}

/* ---- paginated lists ------------------------------------------------------ */

/* Returned by an item handler when the user's callback said stop. */
#define WALK_STOP 1

struct walk {
	struct epithet_forge_session *s;
	const char *what;
	/* 0, WALK_STOP (w->cb_ret set), or a negative status with *why set. */
	int (*item)(struct walk *w, struct json_object *obj, const char **why);
	epithet_repo_cb repo_cb;
	epithet_label_cb label_cb;
	epithet_item_cb item_cb;
	void *payload;
	const char *filter;   /* list_labelled: keep only issues carrying this label */
	int cb_ret;           /* the user's non-zero return, passed on unchanged */
	bool stopped;
	bool soft_404;        /* a 404 first page sets got_404 instead of failing */
	bool got_404;
	size_t pages;
};

static int repo_item(struct walk *w, struct json_object *obj, const char **why)
{
	struct gh_repo_scratch scratch;
	struct epithet_repo repo;
	int rc;

	rc = gh_parse_repo(obj, &repo, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	w->cb_ret = w->repo_cb(&repo, w->payload);
	gh_repo_scratch_finish(&scratch);
	return w->cb_ret != 0 ? WALK_STOP : 0;
}

static int label_item(struct walk *w, struct json_object *obj, const char **why)
{
	struct gh_label_scratch scratch;
	struct epithet_label label;
	int rc;

	rc = gh_parse_label(obj, &label, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	w->cb_ret = w->label_cb(&label, w->payload);
	return w->cb_ret != 0 ? WALK_STOP : 0;
}

static int issue_item(struct walk *w, struct json_object *obj, const char **why)
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
	w->cb_ret = w->item_cb(&item, w->payload);
	return w->cb_ret != 0 ? WALK_STOP : 0;
}

/* epithet_page_cb: one page of a JSON array. */
static int walk_page(const struct epithet_http_response *resp, void *payload,
		     struct epithet_error *err)
{
	struct walk *w = payload;
	struct json_object *root = NULL;
	const char *why = NULL;
	size_t i, n;
	int rc;

	w->pages++;
	if (!is_2xx(resp->status)) {
		/* err is filled either way: the host may report it. */
		rc = map_status(w->s, resp, w->what, err);
		if (resp->status == 404 && w->soft_404 && w->pages == 1) {
			w->got_404 = true;
		}
		return rc;
	}
	rc = gh_parse_body(resp->body, resp->body_len, &root);
	if (rc == EPITHET_ENOMEM) {
		return out_of_memory(w->s, err);
	}
	if (rc != 0) {
		return protocol_error(w->s, resp->status, w->what, "the answer is not JSON", err);
	}
	if (!json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return protocol_error(w->s, resp->status, w->what, "a list was expected", err);
	}
	n = json_object_array_length(root);
	for (i = 0; i < n; i++) {
		rc = w->item(w, json_object_array_get_idx(root, i), &why);
		if (rc == WALK_STOP) {
			w->stopped = true;
			/* Any negative stops the host's walk; the method then
			 * returns w->cb_ret, not this. */
			rc = EPITHET_ERROR;
			goto out;
		}
		if (rc == EPITHET_ENOMEM) {
			rc = out_of_memory(w->s, err);
			goto out;
		}
		if (rc != 0) {
			rc = protocol_error(w->s, resp->status, w->what, why, err);
			goto out;
		}
	}
	rc = n > INT_MAX ? INT_MAX : (int)n;
out:
	json_object_put(root);
	return rc;
}

/* GET @p url and every following page (Link rel="next"). */
static int walk_list(struct walk *w, const char *url, struct epithet_error *err)
{
	const struct epithet_host *h = w->s->host;
	struct epithet_http_request req;
	int rc;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.method = "GET";
	req.url = url;
	/* GitHub lists carry Link headers: follow them, never build page URLs. */
	req.page_param = NULL;
	rc = h->http_paginate(h->host_data, &req, walk_page, w, err);
	if (w->stopped) {
		return w->cb_ret;
	}
	return rc;
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
	struct epithet_forge_session *s;
	struct epithet_endpoint ep;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		host->error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
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
		rc = out_of_memory(s, err);
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

static int impl_list_repos(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			   void *payload, struct epithet_error *err)
{
	struct walk w;
	char what[256];
	char *url;
	int rc;

	if (owner == NULL || owner[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "listing repositories needs an owner");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "repositories of %s", owner);
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.what = what;
	w.item = repo_item;
	w.repo_cb = cb;
	w.payload = payload;
	/* An owner may be a user account: /orgs/ answers 404 for those. */
	w.soft_404 = true;

	/* full_name order: stable across runs (trap 9; the default is
	 * created desc). */
	url = build_path(s, "/orgs/{}/repos?per_page=100&sort=full_name&direction=asc", owner);
	if (url == NULL) {
		return out_of_memory(s, err);
	}
	rc = walk_list(&w, url, err);
	free(url);
	if (!w.got_404) {
		return rc;
	}

	s->host->log(s->host->host_data, EPITHET_LOG_DEBUG,
		     "no organization %s, listing the repositories of the user %s", owner, owner);
	w.soft_404 = false;
	w.pages = 0;
	w.got_404 = false;
	url = build_path(s, "/users/{}/repos?per_page=100&sort=full_name&type=owner", owner);
	if (url == NULL) {
		return out_of_memory(s, err);
	}
	snprintf(what, sizeof(what), "repositories of the user %s", owner);
	rc = walk_list(&w, url, err);
	free(url);
	if (rc == EPITHET_ENOTFOUND && !w.stopped) {
		s->host->error_set(err, EPITHET_ENOTFOUND, 404,
				   "no organization or user named \"%s\" is visible "
				   "with these credentials (404)", owner);
	}
	return rc;
}

static int impl_get_repo(epithet_forge_session *s, const char *owner, const char *name,
			 epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	struct epithet_http_response *resp = NULL;
	struct json_object *root = NULL;
	struct gh_repo_scratch scratch = {0};
	struct epithet_repo repo;
	const char *why = NULL;
	char what[256];
	char *url;
	int rc;

	if (owner == NULL || name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "looking up a repository needs an owner and a name");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "repository %s/%s", owner, name);
	url = build_path(s, "/repos/{}/{}", owner, name);
	if (url == NULL) {
		return out_of_memory(s, err);
	}
	rc = send_request(s, "GET", url, NULL, &resp, err);
	if (rc != 0) {
		goto cleanup_url;
	}
	if (!is_2xx(resp->status)) {
		rc = map_status(s, resp, what, err);
		goto cleanup_resp;
	}
	rc = gh_parse_body(resp->body, resp->body_len, &root);
	if (rc != 0) {
		rc = rc == EPITHET_ENOMEM ? out_of_memory(s, err)
					  : protocol_error(s, resp->status, what,
							   "the answer is not JSON", err);
		goto cleanup_resp;
	}
	rc = gh_parse_repo(root, &repo, &scratch, &why);
	if (rc != 0) {
		rc = rc == EPITHET_ENOMEM ? out_of_memory(s, err)
					  : protocol_error(s, resp->status, what, why, err);
		goto cleanup_json;
	}
	rc = cb(&repo, payload);
	gh_repo_scratch_finish(&scratch);

cleanup_json:
	json_object_put(root);
cleanup_resp:
	s->host->http_free(s->host->host_data, resp);
cleanup_url:
	free(url);
	return rc;
}

static int impl_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			    epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	struct walk w;
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
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.what = what;
	w.item = label_item;
	w.label_cb = cb;
	w.payload = payload;
	url = build_path(s, "/repos/{}/{}/labels?per_page=100", owner, repo);
	if (url == NULL) {
		return out_of_memory(s, err);
	}
	rc = walk_list(&w, url, err);
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
	url = build_path(s, "/repos/{}/{}/labels", owner, repo);
	/* Without a colour GitHub picks ededed; only what is asked is sent. */
	body = gh_label_body(want, true, NULL);
	if (url == NULL || body == NULL) {
		rc = out_of_memory(s, err);
		goto cleanup;
	}
	rc = send_write(s, "POST", url, body, what, err);

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
		return out_of_memory(s, err);
	}
	if (n_fields == 0) {
		/* Nothing GitHub stores was asked for: no request. */
		free(body);
		return 0;
	}
	/* Address the label by its exact stored name (trap 7). */
	url = build_path(s, "/repos/{}/{}/labels/{}", owner, repo, cur->name);
	if (url == NULL) {
		rc = out_of_memory(s, err);
		goto cleanup;
	}
	rc = send_write(s, "PATCH", url, body, what, err);

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
	url = build_path(s, "/repos/{}/{}/labels/{}", owner, repo, cur->name);
	if (url == NULL) {
		return out_of_memory(s, err);
	}
	rc = send_write(s, "DELETE", url, NULL, what, err);
	free(url);
	return rc;
}

static int impl_list_labelled(epithet_forge_session *s, const char *owner, const char *repo,
			      const struct epithet_label *label, epithet_item_cb cb, void *payload,
			      struct epithet_error *err)
{
	struct walk w;
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
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.what = what;
	w.item = issue_item;
	w.item_cb = cb;
	w.payload = payload;
	if (strchr(label->name, ',') != NULL) {
		/* labels= is a comma-separated list, decoded before it is
		 * split: %2C does not help. A name with a comma can only be
		 * found by reading every issue and filtering here. */
		s->host->log(s->host->host_data, EPITHET_LOG_INFO,
			     "label \"%s\" has a comma, which GitHub's issue filter cannot take: "
			     "reading every issue of %s/%s instead", label->name, owner, repo);
		w.filter = label->name;
		url = build_path(s, "/repos/{}/{}/issues?state=all&per_page=100", owner, repo);
	} else {
		url = build_path(s, "/repos/{}/{}/issues?labels={}&state=all&per_page=100",
				 owner, repo, label->name);
	}
	if (url == NULL) {
		return out_of_memory(s, err);
	}
	rc = walk_list(&w, url, err);
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
	url = build_path(s, "/repos/{}/{}/issues/{}/labels", owner, repo, num);
	/* POST adds to the issue's labels; PUT would replace them all. */
	body = gh_add_labels_body(label->name);
	if (url == NULL || body == NULL) {
		rc = out_of_memory(s, err);
		goto cleanup;
	}
	rc = send_write(s, "POST", url, body, what, err);

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

static const struct epithet_forge github_forge = {
	.abi_major = EPITHET_FORGE_ABI_MAJOR,
	.abi_minor = EPITHET_FORGE_ABI_MINOR,
	.struct_size = sizeof(struct epithet_forge),
	.name = "github",
	.version = "0.1.0",
	.description = "GitHub (api.github.com) and GitHub Enterprise Server, REST and GraphQL",
	/* No EPITHET_CAP_LABEL_COUNTS: counts would make each GraphQL read cost
	 * 2 points per repository instead of 1 per 100 (github-graphql.c). */
	.capabilities = EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME |
			EPITHET_CAP_ISSUE_LABELS | EPITHET_CAP_UNIQUE_NAMES |
			EPITHET_CAP_BATCH_READ,
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
};

EPITHET_FORGE_ENTRY_DECL
{
	/* Built against 1.x: a host of another major lays out its structs
	 * differently. Any 1.x host has every member used here (all 1.0). */
	if (host_abi_major != EPITHET_FORGE_ABI_MAJOR) {
		return NULL;
	}
	(void)host_abi_minor;
	return &github_forge;
}
