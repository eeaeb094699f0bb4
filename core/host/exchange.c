/* SPDX-License-Identifier: MIT */
/*
 * exchange.c — the policy loop around transfers: pacing a write, following
 * redirects (the token only ever goes to the API origin), waiting out rate
 * limits and retrying what is safe to retry.
 *
 * Retries. Network errors and 500/502/503/504 are retried with capped
 * exponential backoff and jitter, at most MAX_ATTEMPTS sends in all, and
 * only for idempotent methods (GET, HEAD, PUT, DELETE, and since ABI 1.1 a
 * write flagged EPITHET_HTTP_IDEMPOTENT, still paced). A POST or PATCH
 * that got no answer, or a 5xx, may still have been applied: sending it
 * again could create a second label (some forges allow duplicate names), so
 * the failure goes back to the caller (ENETWORK, or the 5xx response that the
 * plugin maps to ESERVER) and the core checks the forge before repeating. The
 * one exception is a failure to resolve or connect, where nothing was sent.
 * A request refused by a rate limit (403/429) was not processed, so it is
 * sent again after the wait whatever its method.
 *
 * Knows nothing of the request as the plugin made it (http.c), of the cache
 * or of pagination.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REDIRECTS 5
#define MAX_ATTEMPTS 4           /* sends of one request for network errors and 5xx */
#define RETRY_AFTER_5XX_MAX_S 60 /* a 503's Retry-After beyond this: plain backoff */

static bool is_redirect(long s)
{
	return s == 301 || s == 302 || s == 307 || s == 308;
}

static void count_send(struct hostsvc *h, const struct call *c, const struct xfer *x, uint64_t ms)
{
	pthread_mutex_lock(&h->lock);
	h->stats.requests++;
	h->stats.request_ms += ms;
	h->stats.connections += x->connects > 0 ? (uint64_t)x->connects : 0;
	if (c->is_read)
		h->stats.reads++;
	else
		h->stats.writes++;
	if (x->status == 304)
		h->stats.not_modified++;
	pthread_mutex_unlock(&h->lock);
}

/*
 * Send @c to @url, following redirects, pacing writes, waiting out rate
 * limits and retrying what is safe to retry. On 0, *out holds the final
 * response, whatever its status.
 */
int hs_exchange(struct hostsvc *h, const struct call *c, const char *url,
		struct response **out, struct epithet_error *err)
{
	struct xfer x = { 0 };
	struct rate rt;
	char *cur = strdup(url), *next;
	const char *loc;
	uint64_t t0, ms, delay;
	int attempt = 1, hops = 0, rate_waits = 0, rc;
	bool may_retry = !(c->flags & EPITHET_HTTP_NO_RETRY);

	*out = NULL;
	if (!cur) {
		hs_error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	/* No pacer: no endpoint, hence no token and nothing to pace. Writes
	 * that nothing paces may run in parallel when the plugin says so. */
	bool paced = !c->is_read && h->pacer && hs_writes_serial(h);

	if (paced)
		pthread_mutex_lock(&h->pacer->write_lock);
	for (;;) {
		if (hostsvc_interrupted()) {
			rc = EPITHET_EINTERRUPTED;
			hs_error_set(err, rc, 0, "interrupted");
			break;
		}
		if (paced && (rc = hs_pace_write(h, err)) != 0)
			break;
		t0 = hs_mono_ms();
		rc = hs_transfer(h, c, cur, hs_same_origin(h->origin, cur), &x);
		ms = hs_mono_ms() - t0;
		if (paced)
			hs_pace_wrote(h->pacer);
		count_send(h, c, &x, ms);
		if (rc) {
			hs_error_set(err, rc, 0, "out of memory");
			break;
		}

		if (x.cc != CURLE_OK) {
			hlog(h, EPITHET_LOG_INFO, "%s %s -> %s (%" PRIu64 " ms)", c->method, cur,
			     x.too_big ? "response too large" : curl_easy_strerror(x.cc), ms);
			if (x.guard.refused) {
				/* libcurl wanted to send it again: the answer was
				 * lost on a reused connection (keepalive.c) */
				rc = EPITHET_ENETWORK;
				hs_error_set(err, rc, 0, "%s %s: the connection closed before an answer came; "
					     "the request may or may not have been applied", c->method, cur);
				break;
			}
			if (x.cc == CURLE_ABORTED_BY_CALLBACK && hostsvc_interrupted()) {
				rc = EPITHET_EINTERRUPTED;
				hs_error_set(err, rc, 0, "interrupted");
				break;
			}
			if (x.too_big || x.cc == CURLE_FILESIZE_EXCEEDED) {
				rc = EPITHET_EPROTOCOL;
				hs_error_set(err, rc, (int)x.status, "%s %s: response larger than %zu MiB",
					     c->method, cur, BODY_MAX >> 20);
				break;
			}
			if (hs_retryable_curl(x.cc) && may_retry && attempt < MAX_ATTEMPTS &&
			    (c->idempotent || hs_nothing_sent(x.cc))) {
				delay = hs_backoff_ms(h, attempt++);
				hlog(h, EPITHET_LOG_INFO, "retrying %s %s in %" PRIu64 " ms", c->method, cur, delay);
				if ((rc = hs_wait_to_retry(h, &x, delay, err)) != 0)
					break;
				continue;
			}
			rc = x.cc == CURLE_WEIRD_SERVER_REPLY ? EPITHET_EPROTOCOL : EPITHET_ENETWORK;
			/* libcurl (7.x) says "Out of memory", and nothing else,
			 * for a response header line over its 100 KiB limit (the
			 * answer is lost: a write's outcome is unknown) */
			if (x.cc == CURLE_OUT_OF_MEMORY && !x.errbuf[0]) {
				snprintf(x.errbuf, sizeof(x.errbuf),
					 "a response header too large (or out of memory)");
			}
			hs_error_set(err, rc, 0, "%s %s: %s%s%s", c->method, cur,
				     x.errbuf[0] ? x.errbuf : curl_easy_strerror(x.cc),
				     attempt > 1 ? " (after retries)" : "",
				     c->idempotent || hs_nothing_sent(x.cc) ? ""
				     : "; the request may or may not have been applied");
			break;
		}

		hlog(h, EPITHET_LOG_INFO, "%s %s -> %ld (%" PRIu64 " ms)", c->method, cur, x.status, ms);
		x.resp->pub.status = (int)x.status;
		hs_rate_read(x.resp, &rt);
		if (!c->other_budget)
			hs_note_rate(h, &rt);

		if (is_redirect(x.status) && (loc = hs_response_header(x.resp, "location")) != NULL) {
			if (++hops > MAX_REDIRECTS) {
				rc = EPITHET_EPROTOCOL;
				hs_error_set(err, rc, (int)x.status, "%s %s: more than %d redirects",
					     c->method, url, MAX_REDIRECTS);
				break;
			}
			/* The method and body are kept on every redirect, 301 and
			 * 302 included: RFC 9110 only allows (never requires) a
			 * POST to turn into a GET there, and a write silently
			 * turned into a read would look like a success. Whether
			 * the token follows is decided per hop by hs_same_origin(). */
			next = hs_resolve_ref(cur, loc);
			if (!next) {
				rc = EPITHET_EPROTOCOL;
				hs_error_set(err, rc, (int)x.status, "%s %s: unusable redirect to %.200s",
					     c->method, cur, loc);
				break;
			}
			free(cur);
			cur = next;
			hs_response_free(x.resp);
			x.resp = NULL;
			continue;
		}

		if (x.status == 403 || x.status == 429) {
			if (!paced && !c->is_read && h->pacer) {
				/* An unpaced write refused by a rate limit goes
				 * on alone: the other writes wait for it (and a
				 * secondary limit paces them from now on). */
				pthread_mutex_lock(&h->pacer->write_lock);
				paced = true;
			}
			rc = hs_rate_limit_wait(h, c, cur, &x, &rt, &rate_waits, err);
			if (rc == 0)
				continue;
			if (rc < 0)
				break;
		}

		if (hs_retryable_status(x.status) && c->idempotent && may_retry && attempt < MAX_ATTEMPTS) {
			delay = hs_backoff_ms(h, attempt++);
			if (rt.retry_after > 0 && rt.retry_after <= RETRY_AFTER_5XX_MAX_S &&
			    (uint64_t)rt.retry_after * 1000u > delay)
				delay = (uint64_t)rt.retry_after * 1000u;
			hlog(h, EPITHET_LOG_INFO, "retrying %s %s in %" PRIu64 " ms", c->method, cur, delay);
			if ((rc = hs_wait_to_retry(h, &x, delay, err)) != 0)
				break;
			continue;
		}

		x.resp->pub.body = x.resp->body;
		x.resp->pub.body_len = x.resp->len;
		x.resp->pub.url = x.resp->url;
		*out = x.resp;
		x.resp = NULL;
		rc = 0;
		break;
	}
	if (paced)
		pthread_mutex_unlock(&h->pacer->write_lock);
	hs_response_free(x.resp);
	free(cur);
	return rc;
}
