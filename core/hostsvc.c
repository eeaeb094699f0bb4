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
