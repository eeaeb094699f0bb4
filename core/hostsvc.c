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

/* ---- the conditional-request cache (cache.h) ---------------------------- */

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
