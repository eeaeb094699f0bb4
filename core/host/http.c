/* SPDX-License-Identifier: MIT */
/*
 * http.c — the http service: checks the plugin's request, resolves its URL,
 * refuses a write in a dry run, and wraps the exchange in the
 * conditional-request cache (cache.h). With hostsvc_options.cache, a GET
 * (without EPITHET_HTTP_NO_CACHE) whose answer is in the ETag cache goes
 * with If-None-Match, and a 304 reaches the plugin as the stored 200; every
 * 200 with an ETag is stored. Keys are digests of the credentials and the
 * URL; nothing of a request is stored. A POST flagged EPITHET_HTTP_READ_ONLY
 * (a GraphQL query) is a read: not paced, not refused in a dry run, retried
 * like a GET, and its rate-limit headers (another budget) are not recorded.
 * Knows nothing of curl handles or of pagination.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hs_request_ok(const struct epithet_http_request *req)
{
	/* every member is 1.0: a smaller struct is not a request */
	return req && req->struct_size >= offsetof(struct epithet_http_request, page_param) +
					  sizeof(req->page_param);
}

/* Fill @c from @req; EINVALID for what no forge request can be. */
static int call_init(struct call *c, const struct epithet_http_request *req,
		     struct epithet_error *err)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PATCH", "PUT", "DELETE" };
	const char *const *p;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!hs_request_ok(req) || !req->url) {
		hs_error_set(err, EPITHET_EINVALID, 0, "malformed HTTP request");
		return EPITHET_EINVALID;
	}
	c->method = req->method ? req->method : "GET";
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(c->method, methods[i]) == 0)
			break;
	if (i == sizeof(methods) / sizeof(methods[0])) {
		hs_error_set(err, EPITHET_EINVALID, 0, "unsupported HTTP method %.40s", c->method);
		return EPITHET_EINVALID;
	}
	c->method = methods[i];
	c->is_read = i < 2;
	/* A query sent as a POST (EPITHET_HTTP_READ_ONLY) is a read: not paced,
	 * allowed in a dry run, safe to send again. Its answer may report a
	 * budget of its own (a query API's), which is not the one writes use. */
	if ((req->flags & EPITHET_HTTP_READ_ONLY) && strcmp(c->method, "POST") == 0)
		c->is_read = c->other_budget = true;
	c->idempotent = c->is_read || strcmp(c->method, "PUT") == 0 || strcmp(c->method, "DELETE") == 0;
	/* ABI 1.1: a write the plugin says is idempotent (adding a label to
	 * an issue) is retried like a GET; still paced and refused in a dry run */
	if (req->flags & EPITHET_HTTP_IDEMPOTENT)
		c->idempotent = true;
	c->flags = req->flags;
	c->body = req->body;
	c->body_len = req->body ? req->body_len : 0;
	c->headers = req->headers;
	/* a line break in a header would let one header smuggle others */
	for (p = req->headers; p && *p; p++) {
		if (strpbrk(*p, "\r\n") || !strchr(*p, ':')) {
			hs_error_set(err, EPITHET_EINVALID, 0, "malformed request header");
			return EPITHET_EINVALID;
		}
	}
	return 0;
}

static bool cacheable(const struct hostsvc *h, const struct call *c)
{
	return h->cache && strcmp(c->method, "GET") == 0 && !(c->flags & EPITHET_HTTP_NO_CACHE);
}

/* A 304 to our If-None-Match: the stored entry becomes the answer, a 200
 * with the stored body, and the stored list headers (Link, X-Total-Count)
 * where the 304 did not repeat them (its own, rate limits included, win). */
static void answer_from_cache(struct response *r, struct cache_entry *e)
{
	for (size_t i = 0; i < e->n_headers; i++) {
		size_t n = strcspn(e->headers[i], ":");
		char *name = strndup(e->headers[i], n);

		if (name && !hs_response_header(r, name))
			(void)hs_response_add_header(r, e->headers[i], strlen(e->headers[i]));
		free(name);
	}
	free(r->body);
	r->body = e->body;
	r->len = e->body_len;
	r->cap = e->body_len + 1;
	e->body = NULL;
	r->pub.status = 200;
	r->pub.body = r->body;
	r->pub.body_len = r->len;
}

/* Keep a 200 that carries a validator. */
static void store_in_cache(struct hostsvc *h, const unsigned char key[CACHE_KEY_LEN],
			   const struct response *r)
{
	const char *etag = hs_response_header(r, "etag");
	char **lines;
	size_t n = 0;

	if (!etag || !*etag)
		return;
	lines = calloc(r->n_hdrs ? r->n_hdrs : 1, sizeof(*lines));
	if (!lines)
		return;
	for (size_t i = 0; i < r->n_hdrs; i++)
		if (cache_keeps_header(r->hdrs[i].name) &&
		    asprintf(&lines[n], "%s: %s", r->hdrs[i].name, r->hdrs[i].value) >= 0)
			n++;
	cache_put(h->cache, key, etag, (const char *const *)lines, n, r->body, r->len);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

int hs_http(void *hd, const struct epithet_http_request *req,
	    struct epithet_http_response **out, struct epithet_error *err)
{
	struct hostsvc *h = hd;
	struct response *resp = NULL;
	struct cache_entry entry = {0};
	unsigned char key[CACHE_KEY_LEN];
	const char *host_headers[2] = {NULL, NULL};
	char *if_none_match = NULL;
	struct call c;
	char *url = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (!h || !out) {
		hs_error_set(err, EPITHET_EINVALID, 0, "malformed HTTP call");
		return EPITHET_EINVALID;
	}
	rc = call_init(&c, req, err);
	if (rc)
		return rc;
	if (!hs_pool_ready()) {
		hs_error_set(err, EPITHET_ERROR, 0, "HTTP is not initialised (hostsvc_global_init)");
		return EPITHET_ERROR;
	}
	url = hs_resolve_url(h->api_root, req->url);
	if (!url) {
		rc = EPITHET_EINVALID;
		hs_error_set(err, rc, 0, "%s %.300s: not an http(s) URL%s", c.method, req->url,
			     req->url[0] == '/' && !h->api_root ? " (no endpoint set)" : "");
		goto cleanup;
	}
	/* The core never asks for a write in a dry run; this is the second
	 * line of defence, should a plugin write from a read method. */
	if (h->opt.dry_run && !c.is_read) {
		rc = EPITHET_ERROR;
		hs_error_set(err, rc, 0, "dry run: refusing %s %s", c.method, url);
		goto cleanup;
	}
	/* The conditional-request cache: a GET whose answer is stored goes
	 * with If-None-Match, and a 304 is answered with the stored body. */
	if (cacheable(h, &c)) {
		cache_key(h->cache_id, req->headers, url, key);
		if (cache_get(h->cache, key, &entry) == 0 &&
		    asprintf(&if_none_match, "If-None-Match: %s", entry.etag) >= 0) {
			host_headers[0] = if_none_match;
			c.host_headers = host_headers;
		} else {
			if_none_match = NULL;
		}
	}
	rc = h->app ? hs_app_exchange(h, req, &c, url, &resp, err)
		    : hs_exchange(h, &c, url, &resp, err);
	if (rc == 0 && cacheable(h, &c)) {
		if (resp->pub.status == 304 && if_none_match) {
			answer_from_cache(resp, &entry);
			cache_touch(h->cache, key);
			hlog(h, EPITHET_LOG_DEBUG, "GET %s: not modified, answered from the cache", url);
		} else if (resp->pub.status == 200) {
			store_in_cache(h, key, resp);
		}
	}
	if (rc == 0)
		*out = &resp->pub;
cleanup:
	cache_entry_finish(&entry);
	free(if_none_match);
	free(url);
	return rc;
}
