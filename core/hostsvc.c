/* SPDX-License-Identifier: MIT */
/*
 * The host services of include/epithet/host.h over libcurl.
 *
 * Connections. Each request runs on a libcurl easy handle taken from a small
 * process-wide pool and given back afterwards; curl_easy_reset() keeps a
 * handle's live connections, so keep-alive and HTTP/2 connections are reused
 * by whichever thread takes the handle next. DNS answers and TLS sessions sit
 * in one process-wide CURLSH with a mutex per kind of data. The connection
 * cache itself is deliberately NOT put in the share: libcurl documents that
 * sharing connections between concurrent threads is unsupported (a known bug,
 * curl issues 4544, 9404, 13840: crashes in the connection cache), and a
 * pool of handles gives the same reuse with none of the risk.
 *
 * Threading. Any service may be called from several threads at once. Writes
 * (every method but GET and HEAD) with one token to one origin are
 * serialised by their pacer's write_lock (shared across sessions), held for
 * the whole request including its pacing, redirects,
 * retries and rate-limit waits: forges ask for mutations one at a time.
 * Reads run in parallel and are never held up by writes. Counters and the
 * write interval are under lock. The endpoint is set from the plugin's open()
 * before any request and only read afterwards, so it needs no lock.
 *
 * Retries. Network errors and 500/502/503/504 are retried with capped
 * exponential backoff and jitter, at most MAX_ATTEMPTS sends in all, and
 * only for idempotent methods (GET, HEAD, PUT, DELETE). A POST or PATCH
 * that got no answer, or a 5xx, may still have been applied: sending it
 * again could create a second label (some forges allow duplicate names), so
 * the failure goes back to the caller (ENETWORK, or the 5xx response that the
 * plugin maps to ESERVER) and the core checks the forge before repeating. The
 * one exception is a failure to resolve or connect, where nothing was sent.
 * A request refused by a rate limit (403/429) was not processed, so it is
 * sent again after the wait whatever its method.
 *
 * Conditional requests. With hostsvc_options.cache, a GET (without
 * EPITHET_HTTP_NO_CACHE) whose answer is in the ETag cache (cache.h) goes
 * with If-None-Match, and a 304 reaches the plugin as the stored 200; every
 * 200 with an ETag is stored. Keys are digests of the credentials and the
 * URL; nothing of a request is stored. A POST flagged EPITHET_HTTP_READ_ONLY
 * (a GraphQL query) is a read: not paced, not refused in a dry run, retried
 * like a GET, and its rate-limit headers (another budget) are not recorded.
 *
 * Test hook: EPITHET_TEST_FAST_RETRY=1 in the environment divides the delays
 * this file chooses itself (retry backoff, the 60 s default wait after a
 * secondary rate limit) by 100, so that end-to-end tests of those paths run
 * in milliseconds. Waits a server asks for (Retry-After, a rate-limit reset)
 * and write pacing are never shortened: tests give small values instead.
 */
#include "host/internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#define MAX_PAGES 10000
#define WINDOW_MAX 100000        /* longest write window kept; above it: no limit */

/* ---- process-wide state ------------------------------------------------ */

/* ---- the session ------------------------------------------------------- */

static const char *const fast_retry_env = "EPITHET_TEST_FAST_RETRY";

/* ---- small helpers ----------------------------------------------------- */

/* ---- the services with no session state -------------------------------- */

void hs_error_set(struct epithet_error *err, int code, int http_status,
		  const char *fmt, ...) EPITHET_PRINTF(4, 5);

static void *hs_alloc(void *hd, size_t n)
{
	(void)hd;
	return malloc(n ? n : 1);
}

static void hs_free(void *hd, void *p)
{
	(void)hd;
	free(p);
}

static void hs_log(void *hd, int level, const char *fmt, ...) EPITHET_PRINTF(3, 4);

static void hs_log(void *hd, int level, const char *fmt, ...)
{
	struct hostsvc *h = hd;
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, h ? h->opt.plugin_name : NULL, fmt, ap);
	va_end(ap);
}

static char *hs_escape_segment(void *hd, const char *s)
{
	(void)hd;
	return hostsvc_escape_segment(s);
}

/* ---- interrupt --------------------------------------------------------- */

/* ---- RFC 8288 Link ------------------------------------------------------ */

static const char *skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Does the space-separated relation list [v, v+n) hold "next"? */
static bool rel_has_next(const char *v, size_t n)
{
	size_t i = 0, start;

	while (i < n) {
		while (i < n && hs_is_space(v[i]))
			i++;
		start = i;
		while (i < n && !hs_is_space(v[i]))
			i++;
		if (i - start == 4 && strncasecmp(v + start, "next", 4) == 0)
			return true;
	}
	return false;
}

char *hostsvc_link_next(const char *link)
{
	const char *p = link, *uri, *uri_end, *name, *val;
	size_t name_len, val_len;
	char quoted[512];
	bool rel_seen, next;

	if (!link)
		return NULL;
	for (;;) {
		while (*p == ',' || hs_is_space(*p))
			p++;
		if (!*p)
			return NULL;
		if (*p != '<') {
			/* garbage: skip to the next link-value */
			while (*p && *p != ',')
				p++;
			continue;
		}
		uri = ++p;
		while (*p && *p != '>')
			p++;
		if (!*p)
			return NULL;
		uri_end = p++;
		rel_seen = next = false;
		for (;;) {
			p = skip_ows(p);
			if (*p != ';')
				break;
			p = skip_ows(p + 1);
			name = p;
			while (*p && *p != '=' && *p != ';' && *p != ',' && !hs_is_space(*p))
				p++;
			name_len = (size_t)(p - name);
			p = skip_ows(p);
			val = "";
			val_len = 0;
			if (*p == '=') {
				p = skip_ows(p + 1);
				if (*p == '"') {
					/* quoted-string: unescape into a buffer */
					p++;
					val_len = 0;
					while (*p && *p != '"') {
						if (*p == '\\' && p[1])
							p++;
						if (val_len < sizeof(quoted) - 1)
							quoted[val_len++] = *p;
						p++;
					}
					if (*p == '"')
						p++;
					val = quoted;
				} else {
					val = p;
					while (*p && *p != ';' && *p != ',' && !hs_is_space(*p))
						p++;
					val_len = (size_t)(p - val);
				}
			}
			/* RFC 8288 3.3: only the first rel parameter counts */
			if (name_len == 3 && strncasecmp(name, "rel", 3) == 0 && !rel_seen) {
				rel_seen = true;
				next = rel_has_next(val, val_len);
			}
		}
		if (next) {
			while (uri < uri_end && hs_is_space(*uri))
				uri++;
			while (uri_end > uri && hs_is_space(uri_end[-1]))
				uri_end--;
			if (uri_end > uri)
				return strndup(uri, (size_t)(uri_end - uri));
		}
		/* anything left of this link-value that we did not understand */
		while (*p && *p != ',')
			p++;
	}
}

/* ---- token lookup ------------------------------------------------------ */

/* ---- URLs -------------------------------------------------------------- */

/* ---- responses --------------------------------------------------------- */

/* ---- the handle pool --------------------------------------------------- */

/* ---- one transfer ------------------------------------------------------ */

/* ---- waiting ----------------------------------------------------------- */

/* ---- rate limits ------------------------------------------------------- */

/* ---- the policy loop --------------------------------------------------- */

/* ---- http() and http_paginate() ---------------------------------------- */

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

/* ---- the conditional-request cache (cache.h) ---------------------------- */

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
	rc = hs_exchange(h, &c, url, &resp, err);
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

/* FNV-1a of a page URL: the pages a listing went through are remembered by
 * hash (a collision could only end a listing early, with an error). */
static uint64_t url_hash(const char *s)
{
	uint64_t hash = 0xcbf29ce484222325u;

	for (; *s; s++)
		hash = (hash ^ (unsigned char)*s) * 0x100000001b3u;
	return hash;
}

/* Remember @url among the *n pages of *seen; true when it was there already. */
static bool page_seen(uint64_t **seen, size_t *n, const char *url)
{
	uint64_t hash = url_hash(url), *grown;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*seen)[i] == hash)
			return true;
	if ((*n & (*n - 1)) == 0) { /* 0, 1, 2, 4...: grow to twice as many */
		grown = realloc(*seen, (*n ? *n * 2 : 1) * sizeof(**seen));
		if (!grown)
			return false;
		*seen = grown;
	}
	(*seen)[(*n)++] = hash;
	return false;
}

int hs_http_paginate(void *hd, const struct epithet_http_request *req, epithet_page_cb cb,
		     void *payload, struct epithet_error *err)
{
	struct hostsvc *h = hd;
	struct epithet_http_request r;
	struct epithet_http_response *resp = NULL;
	const char *page_param, *v;
	char *first = NULL, *url = NULL, *origin = NULL, *link = NULL, *next;
	uint64_t *visited = NULL;    /* the pages followed through Link headers */
	size_t n_visited = 0;
	unsigned long page;
	long limit = 0;
	long long total = -1, seen = 0;
	int rc, n;
	bool done = false;

	if (!h || !cb || !hs_request_ok(req) || !req->url ||
	    (req->method && strcmp(req->method, "GET") != 0)) {
		hs_error_set(err, EPITHET_EINVALID, 0, "http_paginate takes a GET request and a callback");
		return EPITHET_EINVALID;
	}
	page_param = req->page_param;
	first = hs_resolve_url(h->api_root, req->url);
	if (!first) {
		rc = EPITHET_EINVALID;
		hs_error_set(err, rc, 0, "GET %.300s: not an http(s) URL", req->url);
		goto cleanup;
	}
	/* the origin that pages may come from: the API's */
	origin = h->origin ? strdup(h->origin) : hs_origin_of(first);
	url = strdup(first);
	if (!origin || !url) {
		rc = EPITHET_ENOMEM;
		hs_error_set(err, rc, 0, "out of memory");
		goto cleanup;
	}
	r = *req;
	r.struct_size = sizeof(r);
	r.method = "GET";
	for (page = 1; !done; page++) {
		if (page > MAX_PAGES) {
			rc = EPITHET_EPROTOCOL;
			hs_error_set(err, rc, 0, "GET %s: more than %d pages", first, MAX_PAGES);
			goto cleanup;
		}
		if (page_param) {
			free(url);
			url = hs_url_with_page(first, page_param, page, &limit);
			if (!url) {
				rc = EPITHET_EINVALID;
				hs_error_set(err, rc, 0, "GET %s: cannot set %s=%lu", first, page_param, page);
				goto cleanup;
			}
		}
		r.url = url;
		rc = hs_http(h, &r, &resp, err);
		if (rc)
			goto cleanup;
		n = cb(resp, payload, err);
		if (n < 0) {
			rc = n;
			goto cleanup;
		}
		seen += n;
		if (resp->status < 200 || resp->status > 299) {
			/* the callback took a failure page as fine (an empty
			 * list, say): there is nothing to follow from it */
			break;
		}
		if (page_param) {
			v = hs_http_header(h, resp, "x-total-count");
			if (!hs_parse_ll(v, &total))
				total = -1;
			done = n == 0 || (total >= 0 && seen >= total) || (total < 0 && limit > 0 && n < limit);
		} else {
			v = hs_http_header(h, resp, "link");
			link = hostsvc_link_next(v);
			if (!link) {
				done = true;
			} else {
				next = hs_resolve_ref(resp->url, link);
				if (!next || !hs_same_origin(origin, next)) {
					rc = EPITHET_EPROTOCOL;
					hs_error_set(err, rc, resp->status,
						     "GET %s: refusing a next-page link to another host: %.200s",
						     url, link);
					free(next);
					goto cleanup;
				}
				if (strcmp(next, url) == 0) {
					rc = EPITHET_EPROTOCOL;
					hs_error_set(err, rc, resp->status, "GET %s: the next-page link points to itself", url);
					free(next);
					goto cleanup;
				}
				page_seen(&visited, &n_visited, url);
				if (page_seen(&visited, &n_visited, next)) {
					rc = EPITHET_EPROTOCOL;
					hs_error_set(err, rc, resp->status,
						     "GET %s: the next-page links go round in a circle (back to %.200s)",
						     first, next);
					free(next);
					goto cleanup;
				}
				free(url);
				url = next;
				free(link);
				link = NULL;
			}
		}
		hs_http_free(h, resp);
		resp = NULL;
	}
	rc = 0;
cleanup:
	hs_http_free(h, resp);
	free(link);
	free(first);
	free(url);
	free(origin);
	free(visited);
	return rc;
}

/* ---- set_endpoint ------------------------------------------------------ */

static void free_strv(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

static char **dup_strv(const char *const *v)
{
	size_t n = 0, i;
	char **out;

	while (v && v[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		out[i] = strdup(v[i]);
		if (!out[i]) {
			free_strv(out);
			return NULL;
		}
	}
	return out;
}

static void clear_endpoint(struct hostsvc *h)
{
	free(h->api_root);
	free(h->origin);
	free_strv(h->ep_headers);
	if (h->auth_header)
		explicit_bzero(h->auth_header, strlen(h->auth_header));
	free(h->auth_header);
	free(h->token_source);
	hs_pacer_put(h->pacer);
	h->api_root = h->origin = h->auth_header = h->token_source = NULL;
	h->ep_headers = NULL;
	h->pacer = NULL;
}

static int hs_set_endpoint(void *hd, const struct epithet_endpoint *ep, struct epithet_error *err)
{
	struct hostsvc *h = hd;
	char *host = NULL, *token = NULL, *netrc_host;
	const char *source = NULL, *const *p;
	size_t cap;
	int rc;

	if (!h || !ep || ep->struct_size < offsetof(struct epithet_endpoint, default_jobs) +
					       sizeof(ep->default_jobs)) {
		hs_error_set(err, EPITHET_EINVALID, 0, "malformed endpoint");
		return EPITHET_EINVALID;
	}
	for (p = ep->headers; p && *p; p++) {
		if (strpbrk(*p, "\r\n") || !strchr(*p, ':')) {
			hs_error_set(err, EPITHET_EINVALID, 0, "malformed endpoint header");
			return EPITHET_EINVALID;
		}
	}
	if (ep->auth_scheme && (!*ep->auth_scheme || strpbrk(ep->auth_scheme, " \t\r\n"))) {
		hs_error_set(err, EPITHET_EINVALID, 0, "malformed authorization scheme");
		return EPITHET_EINVALID;
	}
	clear_endpoint(h);
	h->api_root = hs_canonical_root(ep->api_root, &host);
	if (!h->api_root) {
		rc = EPITHET_EINVALID;
		hs_error_set(err, rc, 0, "invalid API root %.300s: an http(s) URL without credentials, query or fragment is needed",
			     ep->api_root ? ep->api_root : "(none)");
		goto fail;
	}
	h->origin = hs_origin_of(h->api_root);
	h->ep_headers = dup_strv(ep->headers);
	if (!h->origin || !h->ep_headers)
		goto fail_oom;
	h->writes_per_minute = ep->writes_per_minute <= WINDOW_MAX ? ep->writes_per_minute : 0;
	h->writes_per_hour = ep->writes_per_hour <= WINDOW_MAX ? ep->writes_per_hour : 0;
	pthread_mutex_lock(&h->lock);
	h->write_interval_ms = h->opt.write_interval_ms >= 0 ? h->opt.write_interval_ms
							     : (long)ep->write_interval_ms;
	pthread_mutex_unlock(&h->lock);

	if (ep->auth_scheme) {
		/* netrc names hosts without brackets or ports: "[::1]" -> "::1" */
		netrc_host = host;
		if (host[0] == '[') {
			netrc_host = host + 1;
			netrc_host[strcspn(netrc_host, "]")] = '\0';
		}
		rc = hostsvc_token_lookup(ep->token_env, h->opt.target_token_env, h->opt.token_file,
					  netrc_host, &token, &source, err);
		if (rc == 0) {
			if (asprintf(&h->auth_header, "Authorization: %s %s", ep->auth_scheme, token) < 0) {
				h->auth_header = NULL;
				goto fail_oom;
			}
			h->token_source = strdup(source);
			if (!h->token_source)
				goto fail_oom;
			if (strncmp(h->origin, "http://", 7) == 0 && !hs_is_loopback_host(h->origin))
				hlog(h, EPITHET_LOG_WARN, "sending the token over plain http to %s", h->origin);
			hlog(h, EPITHET_LOG_DEBUG, "token from %s", h->token_source);
		} else if (rc != EPITHET_ENOTFOUND) {
			goto fail;
		} else {
			hlog(h, EPITHET_LOG_DEBUG, "no token found; reading without one");
		}
	}
	/* cache keys depend on who asks, never hold the token itself */
	cache_identity(h->auth_header, (const char *const *)h->ep_headers, h->cache_id);
	cap = h->writes_per_minute > h->writes_per_hour ? h->writes_per_minute : h->writes_per_hour;
	h->pacer = hs_pacer_get(h->origin, h->cache_id, cap);
	if (!h->pacer)
		goto fail_oom;
	rc = 0;
	goto cleanup;
fail_oom:
	rc = EPITHET_ENOMEM;
	hs_error_set(err, rc, 0, "out of memory");
fail:
	clear_endpoint(h);
cleanup:
	if (token)
		explicit_bzero(token, strlen(token));
	free(token);
	free(host);
	return rc;
}

/* ---- the session ------------------------------------------------------- */

struct hostsvc *hostsvc_new(const struct hostsvc_options *opt)
{
	struct hostsvc *h;
	const char *fast;

	if (!opt)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->opt = *opt;
	fast = getenv(fast_retry_env);
	h->delay_div = fast && strcmp(fast, "1") == 0 ? 100 : 1;
	pthread_mutex_init(&h->lock, NULL);
	h->write_interval_ms = opt->write_interval_ms >= 0 ? opt->write_interval_ms : 0;
	h->stats.rate_remaining = -1;
	h->stats.rate_limit = -1;
	if (opt->cache)
		h->cache = cache_open(NULL);

	h->host.abi_major = EPITHET_FORGE_ABI_MAJOR;
	h->host.abi_minor = EPITHET_FORGE_ABI_MINOR;
	h->host.struct_size = sizeof(h->host);
	h->host.host_data = h;
	h->host.log = hs_log;
	h->host.error_set = hs_error_set;
	h->host.set_endpoint = hs_set_endpoint;
	h->host.http = hs_http;
	h->host.http_paginate = hs_http_paginate;
	h->host.http_free = hs_http_free;
	h->host.http_header = hs_http_header;
	h->host.escape_segment = hs_escape_segment;
	h->host.alloc = hs_alloc;
	h->host.free = hs_free;
	return h;
}

const struct epithet_host *hostsvc_host(struct hostsvc *h)
{
	return h ? &h->host : NULL;
}

const char *hostsvc_token_source(const struct hostsvc *h)
{
	return h ? h->token_source : NULL;
}

void hostsvc_stats(const struct hostsvc *h, struct hostsvc_stats *out)
{
	struct hostsvc *m = (struct hostsvc *)h; /* the lock is not part of the value */

	if (!h || !out)
		return;
	pthread_mutex_lock(&m->lock);
	*out = h->stats;
	pthread_mutex_unlock(&m->lock);
}

void hostsvc_free(struct hostsvc *h)
{
	if (!h)
		return;
	clear_endpoint(h);
	cache_close(h->cache);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
