/* SPDX-License-Identifier: MIT */
/*
 * paginate.c — the http_paginate service: following RFC 8288 Link rel="next"
 * (on the API origin only, never in a circle) or counting pages through a
 * page query parameter, and handing each page to the plugin's callback.
 * Each page is one http() call: knows nothing of curl, retries or the cache.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PAGES 10000

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
	/* a 1.0 plugin's request is shorter: the members it lacks read as 0 */
	memset(&r, 0, sizeof(r));
	memcpy(&r, req, req->struct_size < sizeof(r) ? req->struct_size : sizeof(r));
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
