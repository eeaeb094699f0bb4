/* SPDX-License-Identifier: MIT */
/*
 * cmocka assertions shared by the plugin tests that run over the fake host
 * (test-github.c, test-gitea.c, test-github-graphql.c). Include after
 * <cmocka.h> and fakehost.h. Inline so that a test using only some of them
 * builds warning-free.
 */
#ifndef EPITHET_TESTS_PLUGIN_ASSERTS_H
#define EPITHET_TESTS_PLUGIN_ASSERTS_H

#include <json.h>
#include <string.h>

#include "fakehost.h"

/* Two JSON texts are the same value (key order and spacing aside). */
static inline void assert_json_equal(const char *actual, const char *expected)
{
	struct json_object *a, *e;

	assert_non_null(actual);
	a = json_tokener_parse(actual);
	e = json_tokener_parse(expected);
	assert_non_null(a);
	assert_non_null(e);
	if (!json_object_equal(a, e)) {
		fail_msg("JSON differs:\n  sent     %s\n  expected %s", actual, expected);
	}
	json_object_put(a);
	json_object_put(e);
}

/* Request @p i the fake host saw was exactly METHOD URL, with this JSON body
 * (NULL: none). */
static inline void assert_fakehost_request(struct fakehost *fh, size_t i, const char *method,
					   const char *url, const char *body)
{
	const struct fakehost_request *r = fakehost_request(fh, i);

	if (r == NULL) {
		fail_msg("no request %zu (expected %s %s)", i, method, url);
	}
	assert_string_equal(r->method, method);
	assert_string_equal(r->url, url);
	if (body == NULL) {
		assert_null(r->body);
	} else {
		assert_json_equal(r->body, body);
	}
}

/* For a test fixture with a member fh. */
#define assert_request(f, i, method, url, body) \
	assert_fakehost_request((f)->fh, (i), (method), (url), (body))

static inline void assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL) {
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
	}
}

#endif
