/* SPDX-License-Identifier: MIT */
/*
 * hostsvc.c — the session: struct epithet_host, the table that wires the
 * services of the other rooms; set_endpoint (the API root, headers, the
 * token, the write budgets and the pacer); log, alloc, free; the counters.
 *
 * Threading. Any service may be called from several threads at once. Writes
 * (every method but GET and HEAD) with one token to one origin are
 * serialised by their pacer's write_lock (shared across sessions), held for
 * the whole request including its pacing, redirects,
 * retries and rate-limit waits: forges ask for mutations one at a time.
 * The exception: with hostsvc_options.concurrent_writes (the plugin's
 * EPITHET_CAP_CONCURRENT_WRITES) writes that nothing paces run in parallel.
 * Reads run in parallel and are never held up by writes. Counters and the
 * write interval are under lock. The endpoint is set from the plugin's open()
 * before any request and only read afterwards, so it needs no lock.
 *
 * Sends nothing itself and reads no token from anywhere (token.c does).
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW_MAX 100000        /* longest write window kept; above it: no limit */

static const char *const fast_retry_env = "EPITHET_TEST_FAST_RETRY";

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
	hs_app_clear(h);
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

	rc = hs_app_endpoint(h, ep, err);
	if (rc < 0)
		goto fail;
	if (rc == 1 && ep->auth_scheme) {
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
	/* cache keys depend on who asks, never hold the token itself (with an
	 * App: its id, whichever installation token is current) */
	cache_identity(h->app ? h->token_source : h->auth_header, (const char *const *)h->ep_headers,
		       h->cache_id);
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

uint64_t hostsvc_writes_estimate_ms(const struct hostsvc *h, uint64_t before, uint64_t n,
				    bool *paced)
{
	struct hostsvc_stats st;
	uint64_t write_ms, ms, gap;
	long interval;

	if (paced)
		*paced = false;
	if (!h)
		return 0;
	hostsvc_stats(h, &st);
	pthread_mutex_lock((pthread_mutex_t *)&h->lock);
	interval = h->write_interval_ms;
	pthread_mutex_unlock((pthread_mutex_t *)&h->lock);
	write_ms = st.requests ? st.request_ms / st.requests : 0;
	gap = interval > 0 ? (uint64_t)interval : 0;
	ms = hostsvc_pace_estimate_ms(before + n, write_ms, gap, h->writes_per_minute,
				      h->writes_per_hour);
	if (before) {
		uint64_t first = hostsvc_pace_estimate_ms(before, write_ms, gap, h->writes_per_minute,
							  h->writes_per_hour);

		ms = ms > first ? ms - first : 0;
	}
	if (paced)
		*paced = ms > n * write_ms;
	return ms;
}

bool hostsvc_shares_pacing(const struct hostsvc *a, const struct hostsvc *b)
{
	return a && b && a->pacer && a->pacer == b->pacer;
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
