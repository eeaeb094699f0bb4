/* SPDX-License-Identifier: MIT */
/*
 * fakehost: canned HTTP for forge plugin unit tests. See fakehost.h.
 *
 * Failures of the fake itself (out of memory while recording) abort the
 * test: a fake that silently drops a request would let a test pass that
 * should not.
 */
#include "fakehost.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest walk http_paginate follows: a plugin looping on the same page
 * must fail the test, not hang it. */
#define FAKEHOST_MAX_PAGES 1000

struct canned {
	char *method;
	char *url;
	int status;
	char *body;
	size_t body_len;
	char **headers;         /* "Name: value", NULL-terminated */
	unsigned served;
};

/* What http() hands out: the public part first, so the plugin's pointer is
 * the allocation's. */
struct fake_response {
	struct epithet_http_response pub;
	char *body;
	char *url;
	char **headers;
};

struct log_line {
	int level;
	char *text;
};

struct fakehost {
	struct epithet_host host;
	pthread_mutex_t lock;

	struct canned *answers;
	size_t n_answers, cap_answers;

	struct fakehost_request *reqs;
	size_t n_reqs, cap_reqs;
	size_t unmatched;
	size_t violations;
	int fail_next;

	struct epithet_endpoint ep;
	bool has_ep;
	bool ep_fail;
	unsigned ep_calls;

	struct log_line *logs;
	size_t n_logs, cap_logs;

	long outstanding;
};

/* ---- small helpers -------------------------------------------------------- */

static void *xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "fakehost: out of memory\n");
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Make room for @p need elements of @p size in *arr. */
static void grow(void **arr, size_t *cap, size_t need, size_t size)
{
	void *p;
	size_t ncap;

	if (need <= *cap) {
		return;
	}
	ncap = *cap != 0 ? *cap * 2 : 8;
	while (ncap < need) {
		ncap *= 2;
	}
	p = realloc(*arr, ncap * size);
	if (p == NULL) {
		fprintf(stderr, "fakehost: out of memory\n");
		abort();
	}
	*arr = p;
	*cap = ncap;
}

static void free_strv(char **v)
{
	size_t i;

	if (v == NULL) {
		return;
	}
	for (i = 0; v[i] != NULL; i++) {
		free(v[i]);
	}
	free(v);
}

/* A NULL-terminated copy of a NULL-terminated vector (never NULL). */
static char **dup_strv(const char *const *v)
{
	size_t i, n = 0;
	char **out;

	while (v != NULL && v[n] != NULL) {
		n++;
	}
	out = xmalloc((n + 1) * sizeof(*out));
	for (i = 0; i < n; i++) {
		out[i] = xstrdup(v[i]);
	}
	out[n] = NULL;
	return out;
}

/* "A: 1\nB: 2" -> {"A: 1", "B: 2", NULL}; empty lines and '\r' dropped. */
static char **split_headers(const char *text)
{
	char **out;
	size_t n = 0, cap = 1;
	const char *p = text;

	out = xmalloc(sizeof(*out));
	while (p != NULL && *p != '\0') {
		size_t len = strcspn(p, "\n");
		size_t trimmed = len;

		while (trimmed > 0 && (p[trimmed - 1] == '\r' || p[trimmed - 1] == ' ')) {
			trimmed--;
		}
		if (trimmed > 0) {
			grow((void **)&out, &cap, n + 2, sizeof(*out));
			out[n++] = xstrndup(p, trimmed);
		}
		p += len;
		if (*p == '\n') {
			p++;
		}
	}
	out[n] = NULL;
	return out;
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_absolute(const char *url)
{
	return has_prefix_ci(url, "http://") || has_prefix_ci(url, "https://");
}

static bool is_2xx(int status)
{
	return status >= 200 && status <= 299;
}

/* ---- logging and errors (usable from the services below) ------------------- */

static void add_log(struct fakehost *fh, int level, char *text)
{
	grow((void **)&fh->logs, &fh->cap_logs, fh->n_logs + 1, sizeof(*fh->logs));
	fh->logs[fh->n_logs].level = level;
	fh->logs[fh->n_logs].text = text;
	fh->n_logs++;
}

EPITHET_PRINTF(1, 0)
static char *vformat(const char *fmt, va_list ap)
{
	char small[256];
	va_list aq;
	char *out;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0) {
		return xstrdup("(unformattable log line)");
	}
	if ((size_t)n < sizeof(small)) {
		return xstrdup(small);
	}
	out = xmalloc((size_t)n + 1);
	vsnprintf(out, (size_t)n + 1, fmt, ap);
	return out;
}

EPITHET_PRINTF(1, 2)
static char *format(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = vformat(fmt, ap);
	va_end(ap);
	return out;
}

/* Count and log a contract violation; called with the lock held. */
EPITHET_PRINTF(2, 3)
static void violation(struct fakehost *fh, const char *fmt, ...)
{
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	add_log(fh, EPITHET_LOG_WARN, format("fakehost: %s", text));
	free(text);
	fh->violations++;
}

EPITHET_PRINTF(3, 4)
static void svc_log(void *host_data, int level, const char *fmt, ...)
{
	struct fakehost *fh = host_data;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&fh->lock);
	add_log(fh, level, text);
	pthread_mutex_unlock(&fh->lock);
}

EPITHET_PRINTF(4, 5)
static void svc_error_set(struct epithet_error *err, int code, int http_status,
			  const char *fmt, ...)
{
	va_list ap;

	if (err == NULL) {
		return;
	}
	err->code = code;
	err->http_status = http_status;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* ---- memory ------------------------------------------------------------------ */

static void *svc_alloc(void *host_data, size_t n)
{
	struct fakehost *fh = host_data;
	void *p = malloc(n != 0 ? n : 1);

	if (p != NULL) {
		pthread_mutex_lock(&fh->lock);
		fh->outstanding++;
		pthread_mutex_unlock(&fh->lock);
	}
	return p;
}

static void svc_free(void *host_data, void *p)
{
	struct fakehost *fh = host_data;

	if (p == NULL) {
		return;
	}
	pthread_mutex_lock(&fh->lock);
	fh->outstanding--;
	pthread_mutex_unlock(&fh->lock);
	free(p);
}

char *fakehost_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out, *o;

	/* "." and ".." would be removed as dot-segments on the way. */
	if (strcmp(s, ".") == 0) {
		return xstrdup("%2E");
	}
	if (strcmp(s, "..") == 0) {
		return xstrdup("%2E%2E");
	}
	out = xmalloc(strlen(s) * 3 + 1);
	o = out;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) && *p < 0x80) {
			*o++ = (char)*p;
		} else if (*p == '-' || *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0x0f];
		}
	}
	*o = '\0';
	return out;
}

static char *svc_escape_segment(void *host_data, const char *s)
{
	char *tmp, *out;
	size_t n;

	if (s == NULL) {
		return NULL;
	}
	tmp = fakehost_escape(s);
	n = strlen(tmp) + 1;
	out = svc_alloc(host_data, n);
	if (out != NULL) {
		memcpy(out, tmp, n);
	}
	free(tmp);
	return out;
}

/* ---- endpoint ---------------------------------------------------------------- */

static void endpoint_clear(struct fakehost *fh)
{
	if (!fh->has_ep) {
		return;
	}
	free((char *)fh->ep.api_root);
	free((char *)fh->ep.auth_scheme);
	free_strv((char **)fh->ep.token_env);
	free_strv((char **)fh->ep.headers);
	memset(&fh->ep, 0, sizeof(fh->ep));
	fh->has_ep = false;
}

static int svc_set_endpoint(void *host_data, const struct epithet_endpoint *ep,
			    struct epithet_error *err)
{
	struct fakehost *fh = host_data;
	size_t len;

	pthread_mutex_lock(&fh->lock);
	fh->ep_calls++;
	if (fh->ep_fail) {
		pthread_mutex_unlock(&fh->lock);
		svc_error_set(err, EPITHET_EINVALID, 0, "fakehost: set_endpoint refused (test)");
		return EPITHET_EINVALID;
	}
	/* The real host's checks: an absolute http(s) root, no trailing '/'. */
	len = ep->api_root != NULL ? strlen(ep->api_root) : 0;
	if (len == 0 || !is_absolute(ep->api_root) || ep->api_root[len - 1] == '/') {
		pthread_mutex_unlock(&fh->lock);
		svc_error_set(err, EPITHET_EINVALID, 0, "malformed API root \"%s\"",
			      ep->api_root != NULL ? ep->api_root : "(null)");
		return EPITHET_EINVALID;
	}
	endpoint_clear(fh);
	fh->ep = *ep;
	fh->ep.api_root = xstrdup(ep->api_root);
	fh->ep.auth_scheme = ep->auth_scheme != NULL ? xstrdup(ep->auth_scheme) : NULL;
	fh->ep.token_env = ep->token_env != NULL
		? (const char *const *)dup_strv(ep->token_env) : NULL;
	fh->ep.headers = ep->headers != NULL
		? (const char *const *)dup_strv(ep->headers) : NULL;
	fh->has_ep = true;
	pthread_mutex_unlock(&fh->lock);
	return 0;
}

/* ---- HTTP ---------------------------------------------------------------------- */

/* The URL as matched and recorded: relative when it is on the API root. */
static char *match_url(struct fakehost *fh, const char *url)
{
	size_t n;

	if (fh->has_ep && is_absolute(url)) {
		n = strlen(fh->ep.api_root);
		if (strncmp(url, fh->ep.api_root, n) == 0 && (url[n] == '/' || url[n] == '\0')) {
			return xstrdup(url[n] != '\0' ? url + n : "/");
		}
	}
	return xstrdup(url);
}

static void check_url(struct fakehost *fh, const char *url)
{
	const unsigned char *p;

	if (!is_absolute(url) && url[0] != '/') {
		violation(fh, "URL \"%s\" is neither absolute nor a path starting with '/'", url);
	}
	for (p = (const unsigned char *)url; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '#') {
			violation(fh, "URL \"%s\" holds a raw byte 0x%02X that should be escaped",
				  url, *p);
			break;
		}
	}
}

static struct canned *find_answer(struct fakehost *fh, const char *method, const char *url)
{
	struct canned *last = NULL;
	size_t i;

	for (i = 0; i < fh->n_answers; i++) {
		struct canned *c = &fh->answers[i];

		if (strcasecmp(c->method, method) != 0 || strcmp(c->url, url) != 0) {
			continue;
		}
		if (c->served == 0) {
			return c;
		}
		last = c;
	}
	return last;
}

static struct fake_response *make_response(struct fakehost *fh, const struct canned *c)
{
	struct fake_response *r = xmalloc(sizeof(*r));
	size_t n = fh->has_ep ? strlen(fh->ep.api_root) : 0;

	memset(r, 0, sizeof(*r));
	r->body = xmalloc(c->body_len + 1);
	memcpy(r->body, c->body, c->body_len);
	r->body[c->body_len] = '\0';
	if (c->url[0] == '/' && n > 0) {
		r->url = xmalloc(n + strlen(c->url) + 1);
		memcpy(r->url, fh->ep.api_root, n);
		strcpy(r->url + n, c->url);
	} else {
		r->url = xstrdup(c->url);
	}
	r->headers = dup_strv((const char *const *)c->headers);
	r->pub.struct_size = sizeof(r->pub);
	r->pub.status = c->status;
	r->pub.body = r->body;
	r->pub.body_len = c->body_len;
	r->pub.url = r->url;
	return r;
}

static int do_request(struct fakehost *fh, const struct epithet_http_request *req,
		      const char *url, bool paginated, struct epithet_http_response **out,
		      struct epithet_error *err)
{
	const char *method = req->method != NULL ? req->method : "GET";
	struct fakehost_request *rec;
	struct canned *c;
	struct fake_response *resp;
	size_t idx;
	int code;

	*out = NULL;
	pthread_mutex_lock(&fh->lock);
	if (!fh->has_ep) {
		violation(fh, "%s %s before set_endpoint", method, url);
	}
	check_url(fh, url);

	grow((void **)&fh->reqs, &fh->cap_reqs, fh->n_reqs + 1, sizeof(*fh->reqs));
	idx = fh->n_reqs++;
	rec = &fh->reqs[idx];
	memset(rec, 0, sizeof(*rec));
	rec->method = xstrdup(method);
	rec->url = match_url(fh, url);
	if (req->body != NULL) {
		rec->body = xstrndup(req->body, req->body_len);
		rec->body_len = req->body_len;
	}
	rec->headers = dup_strv(req->headers);
	rec->flags = req->flags;
	rec->paginated = paginated;

	if (fh->fail_next != 0) {
		code = fh->fail_next;
		fh->fail_next = 0;
		pthread_mutex_unlock(&fh->lock);
		svc_error_set(err, code, 0, "fakehost: injected failure for %s %s", method, url);
		return code;
	}
	c = find_answer(fh, method, rec->url);
	if (c == NULL) {
		fh->unmatched++;
		add_log(fh, EPITHET_LOG_WARN, format("fakehost: no canned answer for %s %s",
						     method, rec->url));
		pthread_mutex_unlock(&fh->lock);
		svc_error_set(err, EPITHET_ENETWORK, 0, "fakehost: no canned answer for %s %s",
			      method, url);
		return EPITHET_ENETWORK;
	}
	c->served++;
	rec->status = c->status;
	resp = make_response(fh, c);
	fh->outstanding++;
	pthread_mutex_unlock(&fh->lock);
	*out = &resp->pub;
	return 0;
}

static int svc_http(void *host_data, const struct epithet_http_request *req,
		    struct epithet_http_response **out, struct epithet_error *err)
{
	return do_request(host_data, req, req->url, false, out, err);
}

static void svc_http_free(void *host_data, struct epithet_http_response *resp)
{
	struct fakehost *fh = host_data;
	struct fake_response *r = (struct fake_response *)resp;

	if (r == NULL) {
		return;
	}
	pthread_mutex_lock(&fh->lock);
	fh->outstanding--;
	pthread_mutex_unlock(&fh->lock);
	free(r->body);
	free(r->url);
	free_strv(r->headers);
	free(r);
}

static const char *svc_http_header(void *host_data, const struct epithet_http_response *resp,
				   const char *name)
{
	const struct fake_response *r = (const struct fake_response *)resp;
	size_t i, n = strlen(name);

	(void)host_data;
	for (i = 0; r->headers[i] != NULL; i++) {
		const char *h = r->headers[i];

		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			h += n + 1;
			while (*h == ' ' || *h == '\t') {
				h++;
			}
			return h;
		}
	}
	return NULL;
}

/*
 * The URL of rel="next" in an RFC 8288 Link value, malloc'd, or NULL.
 * Entries are "<url>; param; param", separated by ','.
 */
static char *link_next(const char *link)
{
	const char *p = link;

	while (p != NULL && (p = strchr(p, '<')) != NULL) {
		const char *end = strchr(p, '>');
		const char *params, *stop, *rel;

		if (end == NULL) {
			return NULL;
		}
		params = end + 1;
		stop = strchr(params, '<');
		if (stop == NULL) {
			stop = params + strlen(params);
		}
		for (rel = params; rel + 4 <= stop; rel++) {
			const char *v;
			size_t vlen;

			if (strncasecmp(rel, "rel=", 4) != 0) {
				continue;
			}
			v = rel + 4;
			if (*v == '"') {
				v++;
				vlen = strcspn(v, "\"");
			} else {
				vlen = strcspn(v, ";, ");
			}
			/* rel may list several types: "next last" */
			while (vlen > 0) {
				size_t w = strcspn(v, " \"");

				if (w > vlen) {
					w = vlen;
				}
				if (w == 4 && strncasecmp(v, "next", 4) == 0) {
					return xstrndup(p + 1, (size_t)(end - p - 1));
				}
				v += w;
				vlen -= w;
				while (vlen > 0 && *v == ' ') {
					v++;
					vlen--;
				}
			}
			break;
		}
		p = stop;
	}
	return NULL;
}

static char *with_page(const char *base, const char *param, long page)
{
	size_t n = strlen(base) + strlen(param) + 32;
	char *out = xmalloc(n);

	snprintf(out, n, "%s%c%s=%ld", base, strchr(base, '?') != NULL ? '&' : '?', param, page);
	return out;
}

/* The page size a URL asks for (its limit= or per_page=), 0 when none. */
static long query_limit(const char *url)
{
	const char *q = strchr(url, '?');

	while (q != NULL) {
		q++;
		if (strncmp(q, "limit=", 6) == 0) {
			return atol(q + 6);
		}
		if (strncmp(q, "per_page=", 9) == 0) {
			return atol(q + 9);
		}
		q = strchr(q, '&');
	}
	return 0;
}

static int svc_http_paginate(void *host_data, const struct epithet_http_request *req,
			     epithet_page_cb cb, void *payload, struct epithet_error *err)
{
	struct fakehost *fh = host_data;
	struct epithet_http_request page_req = *req;
	char *url;
	long page = 1, total_seen = 0;
	long limit = query_limit(req->url);
	int pages, rc = 0;

	url = req->page_param != NULL ? with_page(req->url, req->page_param, page)
				      : xstrdup(req->url);
	for (pages = 0; pages < FAKEHOST_MAX_PAGES; pages++) {
		struct epithet_http_response *resp = NULL;
		const char *total;
		char *next;
		int n;

		page_req.url = url;
		rc = do_request(fh, &page_req, url, true, &resp, err);
		if (rc != 0) {
			break;
		}
		n = cb(resp, payload, err);
		if (n < 0) {
			rc = n;
			svc_http_free(fh, resp);
			break;
		}
		if (!is_2xx(resp->status)) {
			pthread_mutex_lock(&fh->lock);
			violation(fh, "page callback accepted status %d of %s", resp->status, url);
			pthread_mutex_unlock(&fh->lock);
			svc_http_free(fh, resp);
			rc = 0;
			break;
		}
		if (req->page_param != NULL) {
			long expected;

			total_seen += n;
			total = svc_http_header(fh, resp, "X-Total-Count");
			expected = total != NULL ? atol(total) : -1;
			svc_http_free(fh, resp);
			/* As the real host: without a total, a page shorter
			 * than the asked limit is the last. */
			if (n == 0 || (expected >= 0 && total_seen >= expected) ||
			    (expected < 0 && limit > 0 && n < limit)) {
				rc = 0;
				break;
			}
			free(url);
			url = with_page(req->url, req->page_param, ++page);
			continue;
		}
		total = svc_http_header(fh, resp, "Link");
		next = total != NULL ? link_next(total) : NULL;
		svc_http_free(fh, resp);
		if (next == NULL) {
			rc = 0;
			break;
		}
		if (is_absolute(next)) {
			size_t root = fh->has_ep ? strlen(fh->ep.api_root) : 0;

			if (root == 0 || strncmp(next, fh->ep.api_root, root) != 0) {
				svc_error_set(err, EPITHET_EPROTOCOL, 0,
					      "Link rel=\"next\" leaves the API root: %s", next);
				free(next);
				rc = EPITHET_EPROTOCOL;
				break;
			}
		}
		if (strcmp(next, url) == 0) {
			svc_error_set(err, EPITHET_EPROTOCOL, 0,
				      "the next-page link points to itself: %s", next);
			free(next);
			rc = EPITHET_EPROTOCOL;
			break;
		}
		free(url);
		url = next;
	}
	if (pages == FAKEHOST_MAX_PAGES) {
		pthread_mutex_lock(&fh->lock);
		violation(fh, "more than %d pages from %s", FAKEHOST_MAX_PAGES, req->url);
		pthread_mutex_unlock(&fh->lock);
		svc_error_set(err, EPITHET_EPROTOCOL, 0, "fakehost: endless pagination");
		rc = EPITHET_EPROTOCOL;
	}
	free(url);
	return rc;
}

/* ---- the public API -------------------------------------------------------------- */

struct fakehost *fakehost_new(void)
{
	struct fakehost *fh = calloc(1, sizeof(*fh));

	if (fh == NULL) {
		return NULL;
	}
	pthread_mutex_init(&fh->lock, NULL);
	fh->host.abi_major = EPITHET_FORGE_ABI_MAJOR;
	fh->host.abi_minor = EPITHET_FORGE_ABI_MINOR;
	fh->host.struct_size = sizeof(fh->host);
	fh->host.host_data = fh;
	fh->host.log = svc_log;
	fh->host.error_set = svc_error_set;
	fh->host.set_endpoint = svc_set_endpoint;
	fh->host.http = svc_http;
	fh->host.http_paginate = svc_http_paginate;
	fh->host.http_free = svc_http_free;
	fh->host.http_header = svc_http_header;
	fh->host.escape_segment = svc_escape_segment;
	fh->host.alloc = svc_alloc;
	fh->host.free = svc_free;
	return fh;
}

static void requests_clear(struct fakehost *fh)
{
	size_t i;

	for (i = 0; i < fh->n_reqs; i++) {
		free(fh->reqs[i].method);
		free(fh->reqs[i].url);
		free(fh->reqs[i].body);
		free_strv(fh->reqs[i].headers);
	}
	fh->n_reqs = 0;
	fh->unmatched = 0;
	fh->violations = 0;
}

void fakehost_free(struct fakehost *fh)
{
	size_t i;

	if (fh == NULL) {
		return;
	}
	for (i = 0; i < fh->n_answers; i++) {
		free(fh->answers[i].method);
		free(fh->answers[i].url);
		free(fh->answers[i].body);
		free_strv(fh->answers[i].headers);
	}
	free(fh->answers);
	requests_clear(fh);
	free(fh->reqs);
	for (i = 0; i < fh->n_logs; i++) {
		free(fh->logs[i].text);
	}
	free(fh->logs);
	endpoint_clear(fh);
	pthread_mutex_destroy(&fh->lock);
	free(fh);
}

const struct epithet_host *fakehost_host(struct fakehost *fh)
{
	return &fh->host;
}

int fakehost_respond(struct fakehost *fh, const char *method, const char *url, int status,
		     const char *body, const char *headers)
{
	struct canned *c;

	pthread_mutex_lock(&fh->lock);
	grow((void **)&fh->answers, &fh->cap_answers, fh->n_answers + 1, sizeof(*fh->answers));
	c = &fh->answers[fh->n_answers++];
	memset(c, 0, sizeof(*c));
	c->method = xstrdup(method);
	c->url = xstrdup(url);
	c->status = status;
	c->body = xstrdup(body != NULL ? body : "");
	c->body_len = strlen(c->body);
	c->headers = split_headers(headers);
	pthread_mutex_unlock(&fh->lock);
	return 0;
}

int fakehost_respond_file(struct fakehost *fh, const char *method, const char *url, int status,
			  const char *path, const char *headers)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	f = fopen(path, "rb");
	if (f == NULL) {
		return -1;
	}
	do {
		grow((void **)&buf, &cap, len + 4096 + 1, 1);
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n == 4096);
	if (!ferror(f)) {
		buf[len] = '\0';
		rc = fakehost_respond(fh, method, url, status, buf, headers);
	}
	fclose(f);
	free(buf);
	return rc;
}

void fakehost_fail_next(struct fakehost *fh, int code)
{
	pthread_mutex_lock(&fh->lock);
	fh->fail_next = code;
	pthread_mutex_unlock(&fh->lock);
}

size_t fakehost_request_count(struct fakehost *fh)
{
	size_t n;

	pthread_mutex_lock(&fh->lock);
	n = fh->n_reqs;
	pthread_mutex_unlock(&fh->lock);
	return n;
}

/* The records are only read between calls into the plugin, so a pointer
 * into the array stays valid until the next request. */
const struct fakehost_request *fakehost_request(struct fakehost *fh, size_t i)
{
	return i < fh->n_reqs ? &fh->reqs[i] : NULL;
}

const struct fakehost_request *fakehost_last_request(struct fakehost *fh)
{
	return fh->n_reqs > 0 ? &fh->reqs[fh->n_reqs - 1] : NULL;
}

void fakehost_clear_requests(struct fakehost *fh)
{
	pthread_mutex_lock(&fh->lock);
	requests_clear(fh);
	pthread_mutex_unlock(&fh->lock);
}

size_t fakehost_unmatched(struct fakehost *fh)
{
	return fh->unmatched;
}

size_t fakehost_unserved(struct fakehost *fh)
{
	size_t i, n = 0;

	for (i = 0; i < fh->n_answers; i++) {
		if (fh->answers[i].served == 0) {
			n++;
		}
	}
	return n;
}

size_t fakehost_violations(struct fakehost *fh)
{
	return fh->violations;
}

const struct epithet_endpoint *fakehost_endpoint(struct fakehost *fh)
{
	return fh->has_ep ? &fh->ep : NULL;
}

unsigned fakehost_endpoint_calls(struct fakehost *fh)
{
	return fh->ep_calls;
}

void fakehost_endpoint_fail(struct fakehost *fh, bool fail)
{
	fh->ep_fail = fail;
}

size_t fakehost_log_count(struct fakehost *fh)
{
	return fh->n_logs;
}

const char *fakehost_log_line(struct fakehost *fh, size_t i, int *level)
{
	if (i >= fh->n_logs) {
		return NULL;
	}
	if (level != NULL) {
		*level = fh->logs[i].level;
	}
	return fh->logs[i].text;
}

bool fakehost_log_contains(struct fakehost *fh, const char *needle)
{
	size_t i;

	for (i = 0; i < fh->n_logs; i++) {
		if (strstr(fh->logs[i].text, needle) != NULL) {
			return true;
		}
	}
	return false;
}

long fakehost_outstanding(struct fakehost *fh)
{
	return fh->outstanding;
}

int fakehost_open(struct fakehost *fh, const struct epithet_forge *forge, const char *url,
		  const char *api_url, const char *owner, struct epithet_session_info *info,
		  epithet_forge_session **s, struct epithet_error *err)
{
	struct epithet_forge_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.struct_size = sizeof(cfg);
	cfg.url = url;
	cfg.api_url = api_url;
	cfg.owner = owner;
	memset(info, 0, sizeof(*info));
	info->struct_size = sizeof(*info);
	memset(err, 0, sizeof(*err));
	return forge->open(fakehost_host(fh), &cfg, info, s, err);
}
