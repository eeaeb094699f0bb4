/* SPDX-License-Identifier: MIT */
/*
 * ratelimit.c — rate limits and retry decisions: reading the rate-limit
 * headers, telling a rate limit from a plain 403, waiting one out (or
 * refusing to wait that long), slowing writes after a secondary limit,
 * which failures may be retried and after how long (capped exponential
 * backoff with jitter). Sends nothing: the policy loop (exchange.c) asks.
 *
 * Test hook: EPITHET_TEST_FAST_RETRY=1 (hostsvc_new sets delay_div) divides
 * the delays chosen here (retry backoff, the 60 s default wait after a
 * secondary rate limit, the back-off after a 429 naming no wait) by 100,
 * so that end-to-end tests of those paths run in milliseconds. Waits a server asks for (Retry-After, a rate-limit
 * reset) and write pacing are never shortened: tests give small values.
 */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_BASE_MS 500
#define BACKOFF_CAP_MS 8000
#define MAX_RATE_WAITS 5         /* rate-limit waits for one request */
#define SECONDARY_WAIT_S 60      /* after a secondary limit without Retry-After */
#define WRITE_INTERVAL_MAX_MS 60000

/* Jitter needs no quality, only independence between threads. */
static uint32_t jitter_rand(void)
{
	static _Thread_local uint64_t state;
	struct timespec ts;

	if (state == 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		state = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)(uintptr_t)&state ^ 0x9e3779b97f4a7c15u;
	}
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)(state >> 32);
}

/* Delay before send number @attempt + 1: 0.5 s, 1 s, 2 s... capped, with
 * equal jitter so that parallel readers do not come back in step. */
uint64_t hs_backoff_ms(const struct hostsvc *h, int attempt)
{
	uint64_t d = BACKOFF_BASE_MS;

	while (--attempt > 0 && d < BACKOFF_CAP_MS)
		d *= 2;
	if (d > BACKOFF_CAP_MS)
		d = BACKOFF_CAP_MS;
	d = d / 2 + jitter_rand() % (d / 2 + 1);
	return d / h->delay_div;
}

static time_t header_date(const char *v)
{
	time_t t = v ? curl_getdate(v, NULL) : (time_t)-1;

	return t < 0 ? 0 : t;
}

void hs_rate_read(const struct response *r, struct rate *rt)
{
	const char *v;
	long long n;
	time_t now = time(NULL), server_now, t;

	rt->remaining = rt->limit = rt->retry_after = -1;
	rt->reset = 0;
	if (hs_parse_ll(hs_response_header(r, "x-ratelimit-remaining"), &n) ||
	    hs_parse_ll(hs_response_header(r, "ratelimit-remaining"), &n))
		rt->remaining = n;
	if (hs_parse_ll(hs_response_header(r, "x-ratelimit-limit"), &n) ||
	    hs_parse_ll(hs_response_header(r, "ratelimit-limit"), &n))
		rt->limit = n;
	/* The server's clock says when the reset is; ours may be off. Map
	 * the reset onto our clock through the Date header when there is one. */
	server_now = header_date(hs_response_header(r, "date"));
	if (!server_now)
		server_now = now;
	if (hs_parse_ll(hs_response_header(r, "x-ratelimit-reset"), &n) && n > 0) {
		rt->reset = now + (time_t)(n - (long long)server_now);
	} else if (hs_parse_ll(hs_response_header(r, "ratelimit-reset"), &n) && n >= 0) {
		/* the IETF draft sends seconds from now; some forges an epoch */
		rt->reset = n < 1000000000 ? now + (time_t)n : now + (time_t)(n - (long long)server_now);
	}
	v = hs_response_header(r, "retry-after");
	if (hs_parse_ll(v, &n)) {
		rt->retry_after = n < 0 ? 0 : n;
	} else if ((t = header_date(v)) != 0) {
		rt->retry_after = t > server_now ? (long long)(t - server_now) : 0;
	}
}

bool hs_retryable_status(long s)
{
	return s == 500 || s == 502 || s == 503 || s == 504;
}

bool hs_retryable_curl(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

/* Failures where the request cannot have reached the server. */
bool hs_nothing_sent(CURLcode cc)
{
	return cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_CONNECT;
}

/* After a 403/429 that a rate limit explains: how long to wait and why.
 * Returns false when it is not a rate limit (a plain 403). */
static bool rate_limited(const struct response *r, long status, const struct rate *rt,
			 int waits, bool *secondary, bool *backoff, long long *wait_s,
			 const struct hostsvc *h)
{
	time_t now = time(NULL);
	bool says_secondary;

	if (status != 403 && status != 429)
		return false;
	says_secondary = strcasestr(r->body, "secondary rate limit") != NULL;
	if (!says_secondary && rt->retry_after < 0 && rt->remaining != 0 && status != 429)
		return false;
	*secondary = says_secondary || rt->remaining != 0;
	*backoff = false;
	if (rt->retry_after >= 0)
		*wait_s = rt->retry_after;
	else if (rt->remaining == 0 && rt->reset)
		*wait_s = rt->reset > now ? (long long)(rt->reset - now) + 1 : 1; /* +1: the reset's own second */
	else if (status == 429 && !says_secondary)
		*backoff = true;
	else
		*wait_s = (SECONDARY_WAIT_S + (long long)h->delay_div - 1) / (long long)h->delay_div;
	/* A 429 naming no wait at all (an application limit, an edge proxy):
	 * back off exponentially, 1 s, 2 s, 4 s... */
	if (*backoff)
		*wait_s = ((1LL << (waits < 6 ? waits : 6)) + (long long)h->delay_div - 1) /
			  (long long)h->delay_div;
	return true;
}

void hs_note_rate(struct hostsvc *h, const struct rate *rt)
{
	pthread_mutex_lock(&h->lock);
	if (rt->remaining >= 0)
		h->stats.rate_remaining = rt->remaining > LONG_MAX ? LONG_MAX : (long)rt->remaining;
	if (rt->limit >= 0)
		h->stats.rate_limit = rt->limit > LONG_MAX ? LONG_MAX : (long)rt->limit;
	pthread_mutex_unlock(&h->lock);
}

static void slow_down_writes(struct hostsvc *h)
{
	long iv;

	pthread_mutex_lock(&h->lock);
	iv = h->write_interval_ms < 500 ? 1000 : h->write_interval_ms * 2;
	h->write_interval_ms = iv > WRITE_INTERVAL_MAX_MS ? WRITE_INTERVAL_MAX_MS : iv;
	pthread_mutex_unlock(&h->lock);
}

/* Drop the failed answer, wait @ms, and count the next send as a retry. */
int hs_wait_to_retry(struct hostsvc *h, struct xfer *x, uint64_t ms, struct epithet_error *err)
{
	int rc;

	hs_response_free(x->resp);
	x->resp = NULL;
	rc = hs_wait_ms(h, ms, err);
	if (rc == 0) {
		pthread_mutex_lock(&h->lock);
		h->stats.retries++;
		pthread_mutex_unlock(&h->lock);
	}
	return rc;
}

/*
 * After a 403 or 429 to @url: 1 when no rate limit explains it (the plugin
 * gets the answer); 0 once the limit has been waited out (send again); or
 * ERATELIMIT (too long a wait, too many waits, NO_RETRY) or EINTERRUPTED.
 */
int hs_rate_limit_wait(struct hostsvc *h, const struct call *c, const char *url,
		       struct xfer *x, const struct rate *rt, int *waits,
		       struct epithet_error *err)
{
	int status = (int)x->status, rc = EPITHET_ERATELIMIT;
	long long wait_s;
	bool secondary, backoff;
	char when[16];

	if (!rate_limited(x->resp, x->status, rt, *waits, &secondary, &backoff, &wait_s, h))
		return 1;
	hs_clock_text(time(NULL) + (time_t)wait_s, when, sizeof(when));
	if (*waits >= MAX_RATE_WAITS) {
		hs_error_set(err, rc, status, "%s %s: still rate limited after %d waits", c->method, url,
			     *waits);
		return rc;
	}
	if (c->flags & EPITHET_HTTP_NO_RETRY) {
		hs_error_set(err, rc, status, "%s %s: rate limited until %s (in %lld s)", c->method, url,
			     when, wait_s);
		return rc;
	}
	if (wait_s > hs_max_wait_s(h)) {
		hs_error_set(err, rc, status, "%s %s: %s; it %s at %s (in %lld s), beyond --max-wait of %ld s%s",
			     c->method, url, secondary ? "secondary rate limit hit" : "rate limit exhausted",
			     secondary ? "may be retried" : "resets", when, wait_s, hs_max_wait_s(h),
			     h->auth_header || h->app ? "" : "; a token raises the limit");
		return rc;
	}
	if (backoff) {
		slow_down_writes(h);
		hlog(h, EPITHET_LOG_NOTICE, "rate limited (429) without a time to wait; backing off %lld s",
		     wait_s);
	} else if (secondary) {
		slow_down_writes(h);
		hlog(h, EPITHET_LOG_NOTICE,
		     "secondary rate limit hit; waiting %lld s until %s, then writing more slowly", wait_s, when);
	} else {
		hlog(h, EPITHET_LOG_NOTICE, "rate limit exhausted; waiting %lld s until %s", wait_s, when);
	}
	(*waits)++;
	return hs_wait_to_retry(h, x, (uint64_t)wait_s * 1000u, err);
}
