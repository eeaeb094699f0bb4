/* SPDX-License-Identifier: MIT */
/*
 * keepalive.h — connection reuse for every request, writes included, and the
 * guard that keeps a write from being sent twice by libcurl itself. The
 * argument for why that is safe is in keepalive.c and docs/testing.md.
 */
#ifndef EPITHET_CORE_HOST_KEEPALIVE_H
#define EPITHET_CORE_HOST_KEEPALIVE_H

#include <stdbool.h>

#include <curl/curl.h>

/* Idle connections older than this are not reused for a write that must
 * not be sent twice (below the shortest keep-alive timeout servers commonly
 * use, Apache's 5 s), nor for anything else after KEEPALIVE_IDLE_S. */
#define KEEPALIVE_WRITE_IDLE_S 4L
#define KEEPALIVE_IDLE_S 60L
/* No connection is used for a new request once it is this old. */
#define KEEPALIVE_LIFETIME_S 300L

/* One transfer's guard. */
struct keepalive_guard {
	unsigned sends;     /* times libcurl was about to send the request */
	bool refused;       /* libcurl wanted to send it again, and was stopped */
};

/*
 * Set @curl's connection-reuse policy for one request. @resend_safe: the
 * request may be sent twice (a read, PUT, DELETE, a request flagged
 * idempotent). Otherwise libcurl is stopped from sending it a second time
 * on a new connection (the transfer then fails with
 * CURLE_ABORTED_BY_CALLBACK and @g->refused set: the outcome is unknown).
 * @g must outlive the transfer.
 */
void keepalive_setup(CURL *curl, bool resend_safe, struct keepalive_guard *g);

#endif
