/* SPDX-License-Identifier: MIT */
/*
 * transfer.c — one send: the header list (where the token may go), the
 * curl options of a request, the body and header callbacks, one
 * curl_easy_perform. Follows no redirect, retries nothing, waits for
 * nothing: that is the policy loop's (exchange.c).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONNECT_TIMEOUT_S 30L
#define TOTAL_TIMEOUT_S 300L
#define LOW_SPEED_TIME_S 60L

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	struct response *r = x->resp;
	size_t n = size * nmemb, cap;
	char *grown;

	if (n > BODY_MAX - r->len) {
		x->too_big = true;
		return 0;
	}
	if (r->len + n + 1 > r->cap) {
		cap = r->cap;
		while (cap < r->len + n + 1)
			cap *= 2;
		grown = realloc(r->body, cap);
		if (!grown) {
			x->oom = true;
			return 0;
		}
		r->body = grown;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb;

	/* a status line starts a new header block (1xx, proxy CONNECT) */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		hs_response_clear_headers(x->resp);
		return n;
	}
	if (!hs_response_add_header(x->resp, data, n)) {
		x->oom = true;
		return 0;
	}
	return n;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	const struct xfer *x = userp;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	/* Non-zero aborts the transfer. Only a read is cut short: a write in
	 * flight is finished (SPEC 7), or its outcome, which the forge may
	 * already have applied, would be missing from the journal. */
	return x->abortable && hostsvc_interrupted() ? 1 : 0;
}

/* Wipe then free a header list: one of its strings may hold the token. */
static void slist_free_secret(struct curl_slist *l)
{
	struct curl_slist *i;

	for (i = l; i; i = i->next)
		explicit_bzero(i->data, strlen(i->data));
	curl_slist_free_all(l);
}

static bool slist_add(struct curl_slist **l, const char *s)
{
	struct curl_slist *n = curl_slist_append(*l, s);

	if (!n)
		return false;
	*l = n;
	return true;
}

static bool is_auth_header(const char *s)
{
	return strncasecmp(s, "authorization:", 14) == 0;
}

/* Send @c to @url once; *x gets the response or the curl failure.
 * @with_auth: @url is on the API origin and the call may carry the token.
 * Returns 0 or ENOMEM (x->cc tells how the transfer went). */
int hs_transfer(struct hostsvc *h, const struct call *c, const char *url, bool with_auth,
		struct xfer *x)
{
	struct curl_slist *hl = NULL;
	const char *const *p;
	CURL *curl = NULL;
	bool ok = true;
	size_t i;
	int rc = EPITHET_ENOMEM;

	memset(x, 0, sizeof(*x));
	x->abortable = c->is_read;
	x->cc = CURLE_FAILED_INIT;
	x->resp = hs_response_new();
	if (!x->resp)
		goto cleanup;
	x->resp->url = strdup(url);
	if (!x->resp->url)
		goto cleanup;

	/* curl would add "Expect: 100-continue" to larger bodies: a round trip
	 * for nothing with the servers we talk to */
	ok = slist_add(&hl, "Expect:");
	/* off the API origin no Authorization header leaves, whoever set it */
	for (i = 0; ok && h->ep_headers && h->ep_headers[i]; i++)
		if (with_auth || !is_auth_header(h->ep_headers[i]))
			ok = slist_add(&hl, h->ep_headers[i]);
	if (ok && with_auth && (c->auth || h->auth_header) && !(c->flags & EPITHET_HTTP_NO_AUTH))
		ok = slist_add(&hl, c->auth ? c->auth : h->auth_header);
	/* JSON unless the plugin says otherwise; "Content-Type:" stops curl
	 * from calling a body-less write a form */
	for (p = c->headers; p && *p && strncasecmp(*p, "content-type:", 13) != 0; p++)
		;
	if (ok && !(p && *p))
		ok = slist_add(&hl, c->body ? "Content-Type: application/json" : "Content-Type:");
	for (p = c->headers; ok && p && *p; p++)
		if (with_auth || !is_auth_header(*p))
			ok = slist_add(&hl, *p);
	for (p = c->host_headers; ok && p && *p; p++)
		ok = slist_add(&hl, *p);
	if (!ok)
		goto cleanup;

	curl = hs_pool_get();
	if (!curl)
		goto cleanup;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	/* redirects are followed by the policy loop, which decides where the
	 * token may go; libcurl would carry it on to any host */
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
	curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)BODY_MAX);
	/* --cacert sets the CA file; libcurl's default CA path (the system
	 * store) stays, so the file adds to what is trusted. Verification
	 * is never turned off. */
	if (h->opt.cacert)
		curl_easy_setopt(curl, CURLOPT_CAINFO, h->opt.cacert);
	if (h->opt.user_agent)
		curl_easy_setopt(curl, CURLOPT_USERAGENT, h->opt.user_agent);
	/* our headers go to the server only, never to a proxy's CONNECT */
	curl_easy_setopt(curl, CURLOPT_HEADEROPT, (long)CURLHEADER_SEPARATE);
	curl_easy_setopt(curl, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	if (strcmp(c->method, "GET") == 0) {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(c->method, "HEAD") == 0) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else {
		/* a body-less POST/PATCH/PUT still says Content-Length: 0; a
		 * body-less DELETE sends none */
		if (c->body || strcmp(c->method, "DELETE") != 0) {
			curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)(c->body ? c->body_len : 0));
			curl_easy_setopt(curl, CURLOPT_POSTFIELDS, c->body ? c->body : "");
		}
		if (strcmp(c->method, "POST") != 0)
			curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, c->method);
	}
	/* keep-alive for writes too; libcurl may not resend one that must
	 * not be applied twice (keepalive.c says why that is safe) */
	keepalive_setup(curl, c->idempotent, &x->guard);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, x->errbuf);

	x->cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &x->status);
	curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &x->connects);
	/* the handle goes back to the pool: nothing of this call may stay on it */
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	hs_pool_put(curl);
	rc = 0;
cleanup:
	slist_free_secret(hl);
	if (rc == 0 && x->oom)
		rc = EPITHET_ENOMEM;
	if (rc != 0) {
		hs_response_free(x->resp);
		x->resp = NULL;
	}
	return rc;
}
