/* SPDX-License-Identifier: MIT */
/*
 * Connection reuse for writes, and why it never applies a write twice.
 *
 * Every request, writes included, may go out on a pooled keep-alive
 * connection (HTTP/1.1, or an HTTP/2 connection where the server offers h2
 * over TLS: CURL_HTTP_VERSION_2TLS in the transfer). A write used to open a
 * fresh TCP and TLS connection each time (CURLOPT_FRESH_CONNECT), which on
 * a real network triples its cost. What made that necessary, and what makes
 * reuse safe now:
 *
 * 1. A pooled connection may have been closed by the server while idle.
 *    libcurl checks a connection before reusing it (it is dropped when the
 *    socket reads as closed), and a connection idle longer than
 *    CURLOPT_MAXAGE_CONN or older than CURLOPT_MAXLIFETIME_CONN is never
 *    reused. Here: KEEPALIVE_WRITE_IDLE_S for a write that must not be sent
 *    twice (below common server idle timeouts, so the server rarely closes
 *    the connection at the very moment the write goes out), KEEPALIVE_IDLE_S
 *    otherwise, and KEEPALIVE_LIFETIME_S in all.
 *
 * 2. The check is a race: the server may close the connection just as the
 *    request is sent, or apply the request and then close without
 *    answering. The client cannot tell those apart. libcurl's answer is to
 *    send the request again on a new connection whenever a *reused*
 *    connection gave no response byte at all, whatever the method, POST
 *    included, up to 5 times (Curl_retry_request; its CONN_MAX_RETRIES).
 *    That silent resend would create a label twice where the forge allows
 *    duplicate names, or fail a sync with "already exists". It is a
 *    known hazard: PHP bug 12450 (a POST sent twice), and libcurl 8.16
 *    added CURLOPT_FORBID_RETRY_ON_REUSE to turn it off (curl PR 18417).
 *    tests/e2e/test_keepalive.py reproduces it: without the guard below,
 *    a POST whose answer is lost on a reused connection reaches the forge
 *    twice.
 *
 * 3. The guard: CURLOPT_PREREQFUNCTION (libcurl 7.80) is called each time
 *    libcurl has a connection and is about to send the request on it, on
 *    the first try and on every resend (a resend goes through libcurl's
 *    connect and "do" states again; redirects, which would also call it,
 *    are never followed by libcurl here). For a request that must not be
 *    sent twice the second call aborts the transfer: CURLE_ABORTED_BY_CALLBACK,
 *    which the host reports as EPITHET_ENETWORK ("may or may not have been
 *    applied"). That is the one code the core answers by looking before
 *    repeating (core/engine/apply.c: create_landed, update_landed), so a write
 *    whose answer was lost is checked on the forge, and sent again only if
 *    it did not land. The host never resends such a write itself.
 *
 * 4. Requests that may be sent twice keep libcurl's resend, which then only
 *    saves a round trip: reads, PUT, DELETE, a READ_ONLY query and a write
 *    flagged EPITHET_HTTP_IDEMPOTENT (adding a label to an issue twice
 *    leaves the same state as once).
 *
 * 5. HTTP/2: a stream refused by the server (REFUSED_STREAM, or beyond a
 *    GOAWAY's last stream) was not processed (RFC 9113 8.7), and libcurl
 *    resends it like the case above; for a guarded write the guard stops
 *    that too, and the core's check answers it (one extra read, never a
 *    duplicate).
 *
 * With a libcurl older than 7.80 there is no such callback: a guarded write
 * then opens a fresh connection, as before, on which libcurl never resends.
 */
#include "keepalive.h"

#include <string.h>

#if LIBCURL_VERSION_NUM >= 0x075000
static int on_prereq(void *clientp, char *conn_primary_ip, char *conn_local_ip,
		     int conn_primary_port, int conn_local_port)
{
	struct keepalive_guard *g = clientp;

	(void)conn_primary_ip;
	(void)conn_local_ip;
	(void)conn_primary_port;
	(void)conn_local_port;
	if (g->sends++ == 0)
		return CURL_PREREQFUNC_OK;
	/* a second send of the same request: libcurl's own resend */
	g->refused = true;
	return CURL_PREREQFUNC_ABORT;
}
#endif

void keepalive_setup(CURL *curl, bool resend_safe, struct keepalive_guard *g)
{
	memset(g, 0, sizeof(*g));
	curl_easy_setopt(curl, CURLOPT_MAXAGE_CONN,
			 resend_safe ? KEEPALIVE_IDLE_S : KEEPALIVE_WRITE_IDLE_S);
#if LIBCURL_VERSION_NUM >= 0x075000
	curl_easy_setopt(curl, CURLOPT_MAXLIFETIME_CONN, KEEPALIVE_LIFETIME_S);
	if (!resend_safe) {
		curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, on_prereq);
		curl_easy_setopt(curl, CURLOPT_PREREQDATA, g);
	}
#else
	if (!resend_safe)
		curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
#endif
}
