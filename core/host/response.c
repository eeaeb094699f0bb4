/* SPDX-License-Identifier: MIT */
/*
 * response.c — the response object a plugin holds: body, final URL and
 * headers (looked up case-insensitively, the last one winning, Link fields
 * joined), and the http_free / http_header services. Knows nothing of curl
 * handles, of the session or of policy.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void hs_response_free(struct response *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n_hdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	free(r->hdrs);
	free(r->body);
	free(r->url);
	free(r);
}

struct response *hs_response_new(void)
{
	struct response *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->pub.struct_size = sizeof(r->pub);
	r->cap = 4096;
	r->body = malloc(r->cap);
	if (!r->body) {
		free(r);
		return NULL;
	}
	r->body[0] = '\0';
	return r;
}

const char *hs_response_header(const struct response *r, const char *name)
{
	size_t i;

	/* last value wins: a repeated header is usually a proxy adding its own */
	for (i = r->n_hdrs; i-- > 0;)
		if (strcasecmp(r->hdrs[i].name, name) == 0)
			return r->hdrs[i].value;
	return NULL;
}

void hs_response_clear_headers(struct response *r)
{
	size_t i;

	for (i = 0; i < r->n_hdrs; i++) {
		free(r->hdrs[i].name);
		free(r->hdrs[i].value);
	}
	r->n_hdrs = 0;
}

/* Store one header; false when out of memory. Several Link fields are
 * joined with ", " (RFC 9110 5.3) so that no page link is lost. */
bool hs_response_add_header(struct response *r, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	struct header *grown;
	char *name, *value, *joined;
	size_t i;

	if (!colon)
		return true;
	name = hs_dup_trimmed(line, (size_t)(colon - line));
	value = hs_dup_trimmed(colon + 1, n - (size_t)(colon + 1 - line));
	if (!name || !value)
		goto oom;
	if (strcasecmp(name, "link") == 0) {
		for (i = 0; i < r->n_hdrs; i++) {
			if (strcasecmp(r->hdrs[i].name, "link") != 0)
				continue;
			if (asprintf(&joined, "%s, %s", r->hdrs[i].value, value) < 0)
				goto oom;
			free(r->hdrs[i].value);
			r->hdrs[i].value = joined;
			free(name);
			free(value);
			return true;
		}
	}
	if (r->n_hdrs == r->cap_hdrs) {
		grown = realloc(r->hdrs, (r->cap_hdrs ? r->cap_hdrs * 2 : 16) * sizeof(*grown));
		if (!grown)
			goto oom;
		r->hdrs = grown;
		r->cap_hdrs = r->cap_hdrs ? r->cap_hdrs * 2 : 16;
	}
	r->hdrs[r->n_hdrs].name = name;
	r->hdrs[r->n_hdrs].value = value;
	r->n_hdrs++;
	return true;
oom:
	free(name);
	free(value);
	return false;
}

void hs_http_free(void *hd, struct epithet_http_response *resp)
{
	(void)hd;
	/* pub is the first member of struct response */
	hs_response_free((struct response *)resp);
}

const char *hs_http_header(void *hd, const struct epithet_http_response *resp,
			   const char *name)
{
	(void)hd;
	if (!resp || !name)
		return NULL;
	return hs_response_header((const struct response *)resp, name);
}
