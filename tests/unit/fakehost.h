/* SPDX-License-Identifier: MIT */
/*
 * fakehost: an in-memory struct epithet_host for forge plugin unit tests.
 *
 * No sockets, no curl. A test registers canned answers keyed by (method, URL),
 * hands fakehost_host() to the plugin's open(), drives the plugin, then checks
 * both what the plugin returned and every request it made (curl's test-case
 * rule: assert what was sent, not only what was parsed).
 *
 * URLs. A canned answer's URL is matched exactly against the URL of the
 * request: normally the relative path with query the plugin passes
 * ("/repos/o/r/labels?per_page=100"). A request URL that is absolute and
 * starts with the API root given to set_endpoint is matched (and recorded)
 * relative to that root, which is how followed Link headers
 * ("https://api.github.com/repositories/1/issues?page=2") find answers
 * registered as "/repositories/1/issues?page=2". Other absolute URLs are
 * matched as they are.
 *
 * Answers. Several answers registered for one (method, URL) are served in
 * registration order; once all have been served the last one repeats. A
 * request with no answer fails with EPITHET_ENETWORK ("no canned answer"),
 * and is counted by fakehost_unmatched().
 *
 * Pagination (http_paginate), as host.h documents it:
 * - page_param NULL: GET the URL, then follow the answer's Link rel="next"
 *   while it is on the API root; a next URL elsewhere stops the walk with
 *   EPITHET_EPROTOCOL.
 * - page_param "page": GET URL?page=1 (or &page=1), then page=2, ... until
 *   the items seen (the callback's return values summed) reach the answer's
 *   X-Total-Count, or a page has no items, or (without X-Total-Count) a page
 *   holds fewer items than the URL's limit= or per_page= asked for.
 * - a next link equal to the page just read fails with EPITHET_EPROTOCOL.
 * These follow core/host/paginate.c.
 * The callback sees every page whatever its status; a negative return stops
 * the walk and is returned unchanged. A non-2xx page ends the walk in any
 * case; if the callback accepted it (returned >= 0) that is counted as a
 * contract violation (fakehost_violations).
 *
 * Contract checks: besides the above, requests before set_endpoint, URLs
 * neither absolute nor starting with '/', and URLs holding raw spaces,
 * control bytes, non-ASCII bytes or '#' (which the plugin should have
 * escaped) are counted as violations and logged as WARN lines "fakehost: ...".
 *
 * Everything is safe to call from several threads (one mutex).
 */
#ifndef EPITHET_TESTS_FAKEHOST_H
#define EPITHET_TESTS_FAKEHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "epithet/forge.h"

struct fakehost;

/* One request the plugin made (or a page http_paginate asked for). */
struct fakehost_request {
	char *method;           /* "GET", "POST", ... */
	char *url;              /* as matched: relative to the API root when on it */
	char *body;             /* NUL-terminated copy, or NULL when none */
	size_t body_len;
	char **headers;         /* the request's extra headers, NULL-terminated (never NULL) */
	uint32_t flags;         /* enum epithet_http_flags */
	bool paginated;         /* made by http_paginate */
	int status;             /* status answered, or 0 when the fake failed it */
};

/* A new fake; NULL when out of memory. */
struct fakehost *fakehost_new(void);
/* Free the fake and everything it recorded. Accepts NULL. Responses and
 * strings still held by the plugin must have been freed before. */
void fakehost_free(struct fakehost *fh);
/* The struct to hand to a plugin's open(); valid until fakehost_free. */
const struct epithet_host *fakehost_host(struct fakehost *fh);

/*
 * Register an answer for (@p method, @p url). @p body may be NULL (empty).
 * @p headers: response headers, "Name: value" lines separated by '\n'
 * (e.g. "Link: <https://api.github.com/x?page=2>; rel=\"next\""), or NULL.
 * Returns 0 (the fake aborts the test when out of memory).
 */
int fakehost_respond(struct fakehost *fh, const char *method, const char *url, int status,
		     const char *body, const char *headers);
/* The same with the body read from a file. -1 when it cannot be read. */
int fakehost_respond_file(struct fakehost *fh, const char *method, const char *url, int status,
			  const char *path, const char *headers);
/* Fail the next http request (any URL; each page of a walk counts) with
 * @p code (e.g. EPITHET_ENETWORK, EPITHET_ERATELIMIT) instead of answering. */
void fakehost_fail_next(struct fakehost *fh, int code);

/* Recorded requests, oldest first. fakehost_request is NULL out of range;
 * fakehost_last_request NULL when there is none. */
size_t fakehost_request_count(struct fakehost *fh);
const struct fakehost_request *fakehost_request(struct fakehost *fh, size_t i);
const struct fakehost_request *fakehost_last_request(struct fakehost *fh);
/* Forget the recorded requests and counters (answers stay). */
void fakehost_clear_requests(struct fakehost *fh);
/* Requests that found no canned answer. */
size_t fakehost_unmatched(struct fakehost *fh);
/* Canned answers registered but never served. */
size_t fakehost_unserved(struct fakehost *fh);
/* Contract violations seen (see above). */
size_t fakehost_violations(struct fakehost *fh);

/* The endpoint of the last set_endpoint call (a deep copy), or NULL. */
const struct epithet_endpoint *fakehost_endpoint(struct fakehost *fh);
unsigned fakehost_endpoint_calls(struct fakehost *fh);
/* Make the next set_endpoint calls fail with EPITHET_EINVALID (false: stop). */
void fakehost_endpoint_fail(struct fakehost *fh, bool fail);

/* Log lines, oldest first, formatted; *level (if not NULL) gets the level. */
size_t fakehost_log_count(struct fakehost *fh);
const char *fakehost_log_line(struct fakehost *fh, size_t i, int *level);
/* Whether a log line contains @p needle. */
bool fakehost_log_contains(struct fakehost *fh, const char *needle);

/* Blocks from alloc()/escape_segment() and responses not yet freed. */
long fakehost_outstanding(struct fakehost *fh);

/*
 * Open a session of @p forge on this fake host, as the core would: a config
 * of (@p url, @p api_url, @p owner), @p info zeroed with its size set, @p err
 * cleared. Returns what open() returns; *s gets the session.
 */
int fakehost_open(struct fakehost *fh, const struct epithet_forge *forge, const char *url,
		  const char *api_url, const char *owner, struct epithet_session_info *info,
		  epithet_forge_session **s, struct epithet_error *err);

/* The fake's escape_segment, callable directly (malloc'd result). */
char *fakehost_escape(const char *s);

#endif
