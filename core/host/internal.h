/* SPDX-License-Identifier: MIT */
/*
 * internal.h — what the rooms of core/host/ share, and nothing else: the
 * session, the response object, one call as the policy loop sees it, the
 * pacer, and the few functions one room offers another (each prefixed hs_).
 * The rest of core/ uses core/hostsvc.h, never this. The rooms include this
 * header and no other room's: there is no include cycle to have.
 */
#ifndef EPITHET_CORE_HOST_INTERNAL_H
#define EPITHET_CORE_HOST_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <curl/curl.h>

#include "../cache.h"
#include "../hostsvc.h"
#include "../log.h"
#include "keepalive.h"
#include "pacing-shared.h"

/* A bigger answer than this is not a label list: refuse it rather than let
 * a broken or hostile server (or a decompression bomb) eat the memory. */
#define BODY_MAX ((size_t)32 << 20)

struct app_session;   /* ../appauth.h */

struct header {
	char *name;
	char *value;
};

struct response {
	struct epithet_http_response pub; /* first: the plugin holds &pub */
	char *body;
	size_t len, cap;
	char *url;
	struct header *hdrs;
	size_t n_hdrs, cap_hdrs;
};

struct hostsvc {
	struct epithet_host host;
	struct hostsvc_options opt;
	unsigned delay_div;          /* 100 with EPITHET_TEST_FAST_RETRY=1, else 1 */

	/* The endpoint: set from open(), read-only once requests start. */
	char *api_root;              /* canonical, without trailing '/' */
	char *origin;                /* "scheme://host:port" of api_root */
	char **ep_headers;           /* NULL-terminated copies */
	char *auth_header;           /* "Authorization: SCHEME TOKEN", or NULL */
	char *token_source;
	uint32_t writes_per_minute, writes_per_hour;
	struct cache *cache;         /* conditional requests, or NULL (cache.h) */
	unsigned char cache_id[CACHE_KEY_LEN]; /* digest of the credentials, for cache keys */
	struct app_session *app;     /* App authentication (app.c, ../appauth.h), or NULL */

	/* Write pacing, shared with every session writing with the same
	 * credentials to the same origin; NULL until the endpoint is set. */
	struct pacer *pacer;

	pthread_mutex_t lock;        /* guards the members below */
	long write_interval_ms;
	struct hostsvc_stats stats;
};

/*
 * Write pacing belongs to the credentials, not to a session: forges limit
 * mutations per token (one at a time, so many a minute and an hour), so two
 * targets writing with one token to one origin (two orgs on one forge)
 * share one pacer: one write lock, one interval clock, one window of recent
 * writes. Process-wide, reference-counted.
 */
struct pacer {
	struct pacer *next;
	unsigned refs;
	char *origin;
	unsigned char id[CACHE_KEY_LEN]; /* digest of the credentials (no token) */
	pthread_mutex_t write_lock;  /* held for a whole write request */
	uint64_t last_write_ms;      /* monotonic end of the last write; 0: none */
	uint64_t *ring;              /* start times of the last ring_cap writes */
	size_t ring_cap, ring_pos, ring_count;
	/* The same, shared with other processes (pacing-shared.c): opened at
	 * the first paced write; NULL when it cannot be used. */
	struct pace_file *file;
	bool file_tried;             /* pace_file_open was called */
	bool file_held;              /* its lock is held (write_lock held too) */
};

/* One request as the policy loop sees it. */
struct call {
	const char *method;
	bool is_read;                 /* GET, HEAD, or a READ_ONLY POST: not paced */
	bool other_budget;            /* a READ_ONLY POST: its rate limit may be another's */
	bool idempotent;              /* GET, HEAD, PUT, DELETE, IDEMPOTENT: may be re-sent */
	uint32_t flags;
	const char *body;             /* NULL: none */
	size_t body_len;
	const char *const *headers;   /* the plugin's extra headers */
	/* Headers the host adds for this request only. A conditional-request
	 * cache slots in here: If-None-Match for a GET whose ETag it holds. */
	const char *const *host_headers;
	/* The whole Authorization header for this call instead of the
	 * session's (App authentication: a JWT, an owner's token), or NULL. */
	const char *auth;
};

struct xfer {
	struct response *resp;
	bool too_big, oom;
	bool abortable;               /* a read: an interrupt may cut it short */
	long status;
	long connects;                /* connections this transfer opened */
	struct keepalive_guard guard; /* stops libcurl resending a write (keepalive.c) */
	CURLcode cc;
	char errbuf[CURL_ERROR_SIZE];
};

struct rate {
	long long remaining, limit; /* -1: not said */
	time_t reset;               /* wall clock of the reset, 0: not said */
	long long retry_after;      /* seconds, -1: not said */
};

#define hlog(h, level, ...) log_msg((level), (h)->opt.plugin_name, __VA_ARGS__)

/* text.c */
void hs_error_set(struct epithet_error *err, int code, int http_status,
		  const char *fmt, ...) EPITHET_PRINTF(4, 5);
bool hs_is_space(char c);
/* A copy of [s, s+n) without surrounding white space. */
char *hs_dup_trimmed(const char *s, size_t n);
/* Parse a decimal integer with optional surrounding blanks; false if junk. */
bool hs_parse_ll(const char *s, long long *out);

/* clock.c */
uint64_t hs_mono_ms(void);
void hs_clock_text(time_t t, char *buf, size_t n);
/* Sleep @ms in short slices, counting it as waited; EINTERRUPTED if the
 * user interrupts meanwhile. */
int hs_wait_ms(struct hostsvc *h, uint64_t ms, struct epithet_error *err);
/* --max-wait in seconds (900 when not given). */
long hs_max_wait_s(const struct hostsvc *h);

/* url.c */
char *hs_origin_of(const char *url);
bool hs_same_origin(const char *origin, const char *url);
char *hs_resolve_url(const char *api_root, const char *url);
char *hs_resolve_ref(const char *base, const char *ref);
char *hs_url_with_page(const char *url, const char *param, unsigned long page, long *limit);
bool hs_is_loopback_host(const char *origin);
char *hs_canonical_root(const char *api_root, char **host_out);

/* response.c */
struct response *hs_response_new(void);
void hs_response_free(struct response *r);
const char *hs_response_header(const struct response *r, const char *name);
void hs_response_clear_headers(struct response *r);
bool hs_response_add_header(struct response *r, const char *line, size_t n);
void hs_http_free(void *hd, struct epithet_http_response *resp);
const char *hs_http_header(void *hd, const struct epithet_http_response *resp,
			   const char *name);

/* pool.c */
bool hs_pool_ready(void);
/* A handle set to use the share, or NULL. */
CURL *hs_pool_get(void);
void hs_pool_put(CURL *c);

/* transfer.c */
int hs_transfer(struct hostsvc *h, const struct call *c, const char *url, bool with_auth,
		struct xfer *x);

/* pacing.c */
struct pacer *hs_pacer_get(const char *origin, const unsigned char *id, size_t cap);
void hs_pacer_put(struct pacer *p);
int hs_pace_write(struct hostsvc *h, struct epithet_error *err);
/* Whether writes go one at a time: always, unless the plugin may write
 * concurrently and nothing paces them (hostsvc_options.concurrent_writes). */
bool hs_writes_serial(struct hostsvc *h);
/* After a paced write (sent or failed); write_lock held. */
void hs_pace_wrote(struct pacer *p);

/* ratelimit.c */
uint64_t hs_backoff_ms(const struct hostsvc *h, int attempt);
void hs_rate_read(const struct response *r, struct rate *rt);
void hs_note_rate(struct hostsvc *h, const struct rate *rt);
bool hs_retryable_status(long s);
bool hs_retryable_curl(CURLcode cc);
/* Failures where the request cannot have reached the server. */
bool hs_nothing_sent(CURLcode cc);
int hs_wait_to_retry(struct hostsvc *h, struct xfer *x, uint64_t ms, struct epithet_error *err);
int hs_rate_limit_wait(struct hostsvc *h, const struct call *c, const char *url,
		       struct xfer *x, const struct rate *rt, int *waits,
		       struct epithet_error *err);

/* exchange.c */
int hs_exchange(struct hostsvc *h, const struct call *c, const char *url,
		struct response **out, struct epithet_error *err);

/* http.c */
bool hs_request_ok(const struct epithet_http_request *req);
int hs_http(void *hd, const struct epithet_http_request *req,
	    struct epithet_http_response **out, struct epithet_error *err);

/* app.c: App authentication (../appauth.h) */
/* set_endpoint's part: 0 when the session authenticates as an App (no
 * token is looked for), 1 when App credentials do not apply, or a failure. */
int hs_app_endpoint(struct hostsvc *h, const struct epithet_endpoint *ep,
		    struct epithet_error *err);
/* hs_exchange with the owner's installation token (h->app set). */
int hs_app_exchange(struct hostsvc *h, const struct epithet_http_request *req, struct call *c,
		    const char *url, struct response **out, struct epithet_error *err);
/* Free the App session. */
void hs_app_clear(struct hostsvc *h);

/* paginate.c */
int hs_http_paginate(void *hd, const struct epithet_http_request *req, epithet_page_cb cb,
		     void *payload, struct epithet_error *err);

#endif
