/* SPDX-License-Identifier: MIT */
/*
 * The github plugin's batched label reads (list_labels_many over GraphQL,
 * plugins/github/github-graphql.c) through fakehost: the endpoint for each
 * kind of target, the exact request (query, variables, flags), follow-up
 * pages, batches of 100, how GraphQL errors in HTTP 200 map to statuses, and
 * that the in-place answer scanner refuses whatever is not strict JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "epithet/forge.h"
#include "fakehost.h"
#include "plugin-asserts.h"
#include "github-graphql.h"

#define LABELS_QUERY_1 "r%d:repository(owner:$o%d,name:$n%d){labels(first:100){nodes{name color description}pageInfo{hasNextPage endCursor}}}"

struct fixture {
	struct fakehost *fh;
	const struct epithet_forge *forge;
	epithet_forge_session *s;
	struct epithet_session_info info;
	struct epithet_error err;
};

static int open_target(struct fixture *f, const char *url, const char *api_url)
{
	return fakehost_open(f->fh, f->forge, url, api_url, "octo", &f->info, &f->s, &f->err);
}

static int setup_bare(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	unsetenv("GITHUB_API_URL");
	unsetenv("GITHUB_GRAPHQL_URL");
	f->fh = fakehost_new();
	f->forge = epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
	if (f->fh == NULL || f->forge == NULL) {
		return -1;
	}
	*state = f;
	return 0;
}

static int setup(void **state)
{
	if (setup_bare(state) != 0) {
		return -1;
	}
	return open_target(*state, NULL, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->forge->close(f->s);
	assert_int_equal(fakehost_outstanding(f->fh), 0);
	assert_int_equal(fakehost_violations(f->fh), 0);
	fakehost_free(f->fh);
	unsetenv("GITHUB_API_URL");
	unsetenv("GITHUB_GRAPHQL_URL");
	free(f);
	return 0;
}

/* ---- helpers -------------------------------------------------------------- */

#define MAX_SEEN 64

struct seen {
	size_t n;
	int stop_at;                /* return 42 for this label (1-based); 0: never */
	size_t index[MAX_SEEN];
	char name[MAX_SEEN][64];
	char color[MAX_SEEN][8];
	char desc[MAX_SEEN][64];    /* "(null)" for NULL */
	int has_id[MAX_SEEN];
	int64_t issues[MAX_SEEN], pulls[MAX_SEEN];
	uint32_t fields[MAX_SEEN];
};

static int collect(size_t index, const struct epithet_label *l, void *payload)
{
	struct seen *s = payload;

	assert_true(s->n < MAX_SEEN);
	assert_int_equal(l->struct_size, sizeof(*l));
	s->index[s->n] = index;
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", l->name);
	snprintf(s->color[s->n], sizeof(s->color[0]), "%s", l->color);
	snprintf(s->desc[s->n], sizeof(s->desc[0]), "%s", l->description ? l->description : "(null)");
	s->has_id[s->n] = l->id != NULL;
	s->issues[s->n] = l->issues;
	s->pulls[s->n] = l->pulls;
	s->fields[s->n] = l->fields;
	s->n++;
	return (int)s->n == s->stop_at ? 42 : 0;
}

struct repos {
	struct epithet_repo r[200];
	const struct epithet_repo *p[200];
	char names[200][16];
};

static void make_repos(struct repos *rs, size_t n)
{
	static const char *const fixed[] = {"a", "b", "c"};

	for (size_t i = 0; i < n; i++) {
		memset(&rs->r[i], 0, sizeof(rs->r[i]));
		rs->r[i].struct_size = sizeof(rs->r[i]);
		rs->r[i].owner = "octo";
		if (i < 3) {
			snprintf(rs->names[i], sizeof(rs->names[i]), "%s", fixed[i]);
		} else {
			snprintf(rs->names[i], sizeof(rs->names[i]), "r%03zu", i);
		}
		rs->r[i].name = rs->names[i];
		rs->p[i] = &rs->r[i];
	}
}

static int many(struct fixture *f, struct repos *rs, size_t n, struct seen *seen)
{
	memset(&f->err, 0, sizeof(f->err));
	return f->forge->list_labels_many(f->s, rs->p, n, collect, seen, &f->err);
}

/* A GraphQL answer with @p n aliases, each with no labels and no next page. */
static char *empty_answer(size_t n)
{
	size_t cap = 64 + n * 96, len = 0;
	char *out = malloc(cap);

	assert_non_null(out);
	len += (size_t)snprintf(out + len, cap - len, "{\"data\":{");
	for (size_t k = 0; k < n; k++) {
		len += (size_t)snprintf(out + len, cap - len,
					"%s\"r%zu\":{\"labels\":{\"nodes\":[],\"pageInfo\":{\"hasNextPage\":false,\"endCursor\":null}}}",
					k ? "," : "", k);
	}
	snprintf(out + len, cap - len, "}}");
	return out;
}

/* ---- the endpoint ------------------------------------------------------------ */

static void assert_endpoint(const char *root, const char *override, const char *want)
{
	char *got = gh_graphql_endpoint(root, override);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_endpoint_rules(void **state)
{
	(void)state;
	assert_endpoint("https://api.github.com", NULL, "https://api.github.com/graphql");
	assert_endpoint("https://api.github.com/", NULL, "https://api.github.com/graphql");
	/* GHES: /api/graphql, not /api/v3/graphql (CONTRACTS 1.1) */
	assert_endpoint("https://ghe.example.com/api/v3", NULL, "https://ghe.example.com/api/graphql");
	assert_endpoint("http://127.0.0.1:8080", NULL, "http://127.0.0.1:8080/graphql");
	assert_endpoint("http://127.0.0.1:8080/prefix", NULL, "http://127.0.0.1:8080/prefix/graphql");
	assert_endpoint("https://api.github.com", "https://gql.example.com/x",
			"https://gql.example.com/x");
	/* an unusable override is ignored */
	assert_endpoint("https://api.github.com", "", "https://api.github.com/graphql");
	assert_endpoint("https://api.github.com", "ftp://x/graphql", "https://api.github.com/graphql");
	assert_endpoint("https://api.github.com", "https://a b/", "https://api.github.com/graphql");
}

/* Where each kind of target sends its batch reads. */
static void check_target_url(struct fixture *f, const char *url, const char *api_url,
			     const char *want_url)
{
	struct repos rs;
	struct seen seen = {0};
	char *answer = empty_answer(2);

	make_repos(&rs, 2);
	assert_int_equal(open_target(f, url, api_url), 0);
	fakehost_respond(f->fh, "POST", want_url, 200, answer, NULL);
	assert_int_equal(many(f, &rs, 2, &seen), 0);
	assert_string_equal(fakehost_last_request(f->fh)->url, want_url);
	f->forge->close(f->s);
	f->s = NULL;
	free(answer);
}

static void test_endpoint_per_target(void **state)
{
	struct fixture *f = *state;

	/* dotcom: relative to the API root as fakehost records it */
	check_target_url(f, NULL, NULL, "/graphql");
	check_target_url(f, "https://ghe.example.com", NULL, "https://ghe.example.com/api/graphql");
	check_target_url(f, NULL, "http://127.0.0.1:9/api", "/graphql");
	/* GitHub Actions: both variables set */
	setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3", 1);
	setenv("GITHUB_GRAPHQL_URL", "https://ghe.example.com/api/graphql", 1);
	check_target_url(f, NULL, NULL, "https://ghe.example.com/api/graphql");
	/* --api-url chooses the root: GITHUB_GRAPHQL_URL is not for it */
	check_target_url(f, NULL, "http://127.0.0.1:9", "/graphql");
}

/* ---- the request --------------------------------------------------------------- */

static void test_request_body(void **state)
{
	struct gh_graphql_repo repos[2] = {
		{"octo", "a", NULL},
		{"Octo Org", "b\"c", "Y3Vyc29yOnYyOjk5"},
	};
	char *body;

	(void)state;
	body = gh_graphql_labels_body(repos, 2);
	assert_non_null(body);
	/* owner and name are variables: user data never enters the query text */
	assert_json_equal(body,
		"{\"query\":\"query($o0:String!,$n0:String!,$o1:String!,$n1:String!,$a1:String!){"
		"r0:repository(owner:$o0,name:$n0){labels(first:100){nodes{name color description}"
		"pageInfo{hasNextPage endCursor}}}"
		"r1:repository(owner:$o1,name:$n1){labels(first:100,after:$a1){nodes{name color description}"
		"pageInfo{hasNextPage endCursor}}}}\","
		"\"variables\":{\"o0\":\"octo\",\"n0\":\"a\",\"o1\":\"Octo Org\",\"n1\":\"b\\\"c\","
		"\"a1\":\"Y3Vyc29yOnYyOjk5\"}}");
	free(body);
}

static void test_batch_read(void **state)
{
	struct fixture *f = *state;
	const struct fakehost_request *r;
	struct seen seen = {0};
	struct repos rs;

	make_repos(&rs, 3);
	fakehost_respond(f->fh, "POST", "/graphql", 200,
		"{\"data\":{"
		"\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"bug\",\"color\":\"D73A4A\",\"description\":\"Broken\"},"
		"{\"description\":null,\"color\":\"#00ff00\",\"name\":\"caf\\u00e9 \\ud83d\\udc1b\"}],"
		"\"pageInfo\":{\"hasNextPage\":false,\"endCursor\":\"x\"}}},"
		"\"r1\":{\"labels\":{\"pageInfo\":{\"endCursor\":null,\"hasNextPage\":false},\"nodes\":[]}},"
		"\"r2\":{\"name\":\"c\",\"labels\":{\"nodes\":[{\"name\":\"wip\",\"color\":\"fbca04\",\"description\":\"\",\"extra\":[1,{\"x\":null}]}],"
		"\"pageInfo\":{\"hasNextPage\":false}}}}}",
		"X-RateLimit-Resource: graphql");
	assert_int_equal(many(f, &rs, 3, &seen), 0);
	assert_int_equal(fakehost_request_count(f->fh), 1);
	r = fakehost_request(f->fh, 0);
	assert_string_equal(r->method, "POST");
	assert_int_equal(r->flags, EPITHET_HTTP_READ_ONLY | EPITHET_HTTP_NO_CACHE);
	assert_contains(r->body, "\"o2\":\"octo\",\"n2\":\"c\"");
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.index[0], 0);
	assert_string_equal(seen.name[0], "bug");
	assert_string_equal(seen.color[0], "d73a4a");
	assert_string_equal(seen.desc[0], "Broken");
	assert_int_equal(seen.index[1], 0);
	assert_string_equal(seen.name[1], "caf\xc3\xa9 \xf0\x9f\x90\x9b");
	assert_string_equal(seen.color[1], "00ff00");
	assert_string_equal(seen.desc[1], "(null)");
	assert_int_equal(seen.index[2], 2);
	assert_string_equal(seen.name[2], "wip");
	assert_string_equal(seen.desc[2], "");
	for (size_t i = 0; i < seen.n; i++) {
		/* no ids (writes go by name) and no counts (they cost 2 points a repo) */
		assert_false(seen.has_id[i]);
		assert_int_equal(seen.issues[i], -1);
		assert_int_equal(seen.pulls[i], -1);
		assert_int_equal(seen.fields[i], EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR |
						 EPITHET_FIELD_DESCRIPTION);
	}
}

/* Repos past 100 labels: one more request, only for them, after their cursor. */
static void test_follow_up_pages(void **state)
{
	struct fixture *f = *state;
	const struct fakehost_request *r;
	struct seen seen = {0};
	struct repos rs;

	make_repos(&rs, 3);
	fakehost_respond(f->fh, "POST", "/graphql", 200,
		"{\"data\":{"
		"\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"a1\",\"color\":\"000000\",\"description\":null}],"
		"\"pageInfo\":{\"hasNextPage\":false,\"endCursor\":\"c0\"}}},"
		"\"r1\":{\"labels\":{\"nodes\":[{\"name\":\"b1\",\"color\":\"000000\",\"description\":null}],"
		"\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":\"B1\"}}},"
		"\"r2\":{\"labels\":{\"nodes\":[{\"name\":\"c1\",\"color\":\"000000\",\"description\":null}],"
		"\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":\"C1\"}}}}}", NULL);
	fakehost_respond(f->fh, "POST", "/graphql", 200,
		"{\"data\":{"
		"\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"b2\",\"color\":\"000000\",\"description\":null}],"
		"\"pageInfo\":{\"hasNextPage\":false,\"endCursor\":\"B2\"}}},"
		"\"r1\":{\"labels\":{\"nodes\":[{\"name\":\"c2\",\"color\":\"000000\",\"description\":null}],"
		"\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":\"C2\"}}}}}", NULL);
	fakehost_respond(f->fh, "POST", "/graphql", 200,
		"{\"data\":{"
		"\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"c3\",\"color\":\"000000\",\"description\":null}],"
		"\"pageInfo\":{\"hasNextPage\":false,\"endCursor\":\"C3\"}}}}}", NULL);
	assert_int_equal(many(f, &rs, 3, &seen), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	r = fakehost_request(f->fh, 1);
	assert_contains(r->body, "\"o0\":\"octo\",\"n0\":\"b\",\"a0\":\"B1\"");
	assert_contains(r->body, "\"n1\":\"c\",\"a1\":\"C1\"");
	assert_null(strstr(r->body, "\"n2\""));
	r = fakehost_request(f->fh, 2);
	assert_contains(r->body, "\"n0\":\"c\",\"a0\":\"C2\"");
	assert_null(strstr(r->body, "\"n1\""));
	assert_int_equal(seen.n, 6);
	assert_string_equal(seen.name[3], "b2");
	assert_int_equal(seen.index[3], 1);
	assert_string_equal(seen.name[4], "c2");
	assert_int_equal(seen.index[4], 2);
	assert_string_equal(seen.name[5], "c3");
	assert_int_equal(seen.index[5], 2);
}

/* 150 repos: two requests of 100 and 50, indexes running on. */
static void test_batches_of_100(void **state)
{
	struct fixture *f = *state;
	struct repos *rs = calloc(1, sizeof(*rs));
	struct seen seen = {0};
	char *a100 = empty_answer(100), *a50;
	const char *body;

	assert_non_null(rs);
	make_repos(rs, 150);
	a50 = malloc(strlen(a100) + 64);
	assert_non_null(a50);
	/* the second answer: aliases r0..r48 empty, r49 with one label */
	{
		char *e49 = empty_answer(49);

		snprintf(a50, strlen(a100) + 64, "%.*s,\"r49\":{\"labels\":{\"nodes\":[{\"name\":\"x\","
			 "\"color\":\"ffffff\",\"description\":null}],\"pageInfo\":{\"hasNextPage\":false}}}}}",
			 (int)strlen(e49) - 2, e49);
		free(e49);
	}
	fakehost_respond(f->fh, "POST", "/graphql", 200, a100, NULL);
	fakehost_respond(f->fh, "POST", "/graphql", 200, a50, NULL);
	assert_int_equal(f->forge->list_labels_many(f->s, rs->p, 150, collect, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 2);
	body = fakehost_request(f->fh, 0)->body;
	assert_contains(body, "r99:repository");
	assert_null(strstr(body, "r100:"));
	body = fakehost_request(f->fh, 1)->body;
	assert_contains(body, "\"n0\":\"r100\"");
	assert_contains(body, "r49:repository");
	assert_null(strstr(body, "r50:"));
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.index[0], 149);
	free(a100);
	free(a50);
	free(rs);
}

/* ---- failures ------------------------------------------------------------------- */

/* list_labels_many of @p n repos answered @p http_status @p body returns @p want. */
static void expect_n(struct fixture *f, size_t n, int http_status, const char *body, int want,
		     const char *in_message)
{
	struct seen seen = {0};
	struct repos rs;
	int rc;

	make_repos(&rs, n);
	fakehost_respond(f->fh, "POST", "/graphql", http_status, body, NULL);
	rc = many(f, &rs, n, &seen);
	if (rc != want) {
		fail_msg("HTTP %d %s: got %d (%s), want %d", http_status, body, rc, f->err.message, want);
	}
	assert_int_equal(f->err.code, want);
	if (in_message != NULL) {
		assert_contains(f->err.message, in_message);
	}
	fakehost_free(f->fh);
	f->forge->close(f->s);
	f->fh = fakehost_new();
	assert_int_equal(open_target(f, NULL, NULL), 0);
}

static void expect_status(struct fixture *f, int http_status, const char *body, int want,
			  const char *in_message)
{
	expect_n(f, 2, http_status, body, want, in_message);
}

static void test_no_graphql_here(void **state)
{
	struct fixture *f = *state;

	/* each makes the core read with REST instead */
	expect_status(f, 401, "{\"message\":\"This endpoint requires you to be authenticated.\"}",
		      EPITHET_ENOTSUPPORTED, "needs a valid token");
	expect_status(f, 404, "{\"message\":\"Not Found\"}", EPITHET_ENOTSUPPORTED, "HTTP 404");
	expect_status(f, 403, "{\"message\":\"Resource not accessible\"}", EPITHET_ENOTSUPPORTED, NULL);
	expect_status(f, 502, "<html>Bad gateway</html>", EPITHET_ESERVER, "HTTP 502");
	expect_status(f, 429, "{}", EPITHET_ERATELIMIT, NULL);
	expect_status(f, 400, "{\"message\":\"Problems parsing JSON\"}", EPITHET_EPROTOCOL, NULL);
}

static void test_graphql_errors(void **state)
{
	struct fixture *f = *state;

	/* HTTP 200 with errors[] (trap 16) */
	expect_status(f, 200,
		"{\"errors\":[{\"type\":\"RATE_LIMITED\",\"code\":\"graphql_rate_limit\","
		"\"message\":\"API rate limit already exceeded for user ID 1.\"}]}",
		EPITHET_ERATELIMIT, "API rate limit already exceeded");
	/* one repo not found: the message names it */
	expect_status(f, 200,
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[],\"pageInfo\":{\"hasNextPage\":false}}},\"r1\":null},"
		"\"errors\":[{\"type\":\"NOT_FOUND\",\"path\":[\"r1\"],\"locations\":[{\"line\":1,\"column\":9}],"
		"\"message\":\"Could not resolve to a Repository with the name 'octo/b'.\"}]}",
		EPITHET_ENOTFOUND, "labels of octo/b: Could not resolve");
	expect_status(f, 200,
		"{\"errors\":[{\"type\":\"FORBIDDEN\",\"path\":[\"r0\",\"labels\"],\"message\":\"no\"}],"
		"\"data\":{\"r0\":null,\"r1\":null}}",
		EPITHET_EFORBIDDEN, "labels of octo/a");
	/* a rate limit anywhere wins over the rest */
	expect_status(f, 200,
		"{\"errors\":[{\"type\":\"NOT_FOUND\",\"path\":[\"r1\"],\"message\":\"x\"},"
		"{\"type\":\"RATE_LIMITED\",\"message\":\"y\"}]}",
		EPITHET_ERATELIMIT, NULL);
	expect_status(f, 200,
		"{\"errors\":[{\"message\":\"Field 'nodez' doesn't exist on type 'LabelConnection'\","
		"\"extensions\":{\"code\":\"undefinedField\"}}]}",
		EPITHET_EPROTOCOL, "Field 'nodez' doesn't exist");
	expect_status(f, 200, "{\"errors\":[{\"type\":\"MAX_NODE_LIMIT_EXCEEDED\",\"message\":\"big\"}]}",
		      EPITHET_EPROTOCOL, "MAX_NODE_LIMIT_EXCEEDED");
	/* null without an error, and a repo missing from data */
	expect_status(f, 200, "{\"data\":{\"r0\":null,\"r1\":null}}", EPITHET_ENOTFOUND, "octo/a");
	expect_status(f, 200,
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[],\"pageInfo\":{\"hasNextPage\":false}}}}}",
		EPITHET_EPROTOCOL, "octo/b");
	/* errors: null and [] are no errors */
	expect_status(f, 200,
		"{\"errors\":null,\"data\":{\"r0\":{\"labels\":{\"nodes\":[],\"pageInfo\":{}}},"
		"\"r1\":{\"labels\":{\"nodes\":[]}}}}", 0, NULL);
	expect_status(f, 200,
		"{\"errors\":[],\"data\":{\"r0\":{\"labels\":{\"nodes\":[]}},\"r1\":{\"labels\":{\"nodes\":[]}}}}",
		0, NULL);
}

static void test_bad_answers(void **state)
{
	struct fixture *f = *state;
	static const char *const bodies[] = {
		"",
		"not json",
		"[]",
		"{\"data\":{}} trailing",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"\",\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"x\",\"color\":\"00000g\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"x\",\"color\":\"0000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"x\",\"color\":12}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"x\",\"color\":\"000000\",\"description\":5}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"x\\u0000y\",\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"\\ud800\",\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"\\udc00x\",\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"\xc3\",\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"\xed\xa0\x80\",\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"a\tb\",\"color\":\"000000\"}]}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[],}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[],\"pageInfo\":{\"hasNextPage\":\"yes\"}}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[],\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":null}}}}}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":{}}}}}",
		"{\"data\":{\"r0\":{\"labelz\":{\"nodes\":[]}}}}",
		"{\"data\":{\"r0\":{\"labels\":null}}}",
		"{\"data\":{\"r0\":{\"x\":01}}}",
		"{\"data\":{\"r0\":{\"x\":1.}}}",
		"{\"data\":{\"r0\":{\"x\":-}}}",
		"{\"data\":{\"r0\":{\"x\":tru}}}",
		"{\"data\":{\"r0\":{\"x\":\"\\x\"}}}",
		"{\"data\":{\"r0\":{\"x\":\"\\u12\"}}}",
		"{\"data\":{\"r0\":{\"x\" 1}}}",
		"{\"data\":{\"r0\":{\"x\":1 \"y\":2}}}",
		"{\"data\":[]}",
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[]}}}",
		"{\"errors\":[{\"message\":\"x\"}]",
		"{\"errors\":{\"message\":\"x\"}}",
	};
	char deep[400];
	size_t i;

	/* one repo asked, so that each body is wrong only where it says */
	expect_n(f, 1, 200, "{\"data\":{\"r0\":{\"labels\":{\"nodes\":[]}}}}", 0, NULL);
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		expect_n(f, 1, 200, bodies[i], EPITHET_EPROTOCOL, NULL);
	}
	/* nesting deeper than the scanner allows, in a member it skips */
	snprintf(deep, sizeof(deep), "{\"data\":{\"x\":");
	for (i = 0; i < 100; i++) {
		strcat(deep, "[");
	}
	for (i = 0; i < 100; i++) {
		strcat(deep, "]");
	}
	strcat(deep, "}}");
	expect_n(f, 1, 200, deep, EPITHET_EPROTOCOL, "nested too deeply");
}

static void test_callback_stop(void **state)
{
	struct fixture *f = *state;
	struct seen seen = {.stop_at = 2};
	struct repos rs;

	make_repos(&rs, 2);
	fakehost_respond(f->fh, "POST", "/graphql", 200,
		"{\"data\":{\"r0\":{\"labels\":{\"nodes\":[{\"name\":\"a\",\"color\":\"000000\",\"description\":null},"
		"{\"name\":\"b\",\"color\":\"000000\",\"description\":null},{\"name\":\"c\",\"color\":\"000000\"}],"
		"\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":\"x\"}}},\"r1\":null}}", NULL);
	assert_int_equal(many(f, &rs, 2, &seen), 42);
	assert_int_equal(seen.n, 2);
	assert_int_equal(fakehost_request_count(f->fh), 1);
}

static void test_transport_and_input(void **state)
{
	struct fixture *f = *state;
	struct seen seen = {0};
	struct repos rs;

	make_repos(&rs, 2);
	fakehost_fail_next(f->fh, EPITHET_ENETWORK);
	assert_int_equal(many(f, &rs, 2, &seen), EPITHET_ENETWORK);
	/* owner-level labels: GitHub has none; nothing is sent */
	fakehost_clear_requests(f->fh);
	rs.r[1].name = NULL;
	assert_int_equal(many(f, &rs, 2, &seen), EPITHET_ENOTSUPPORTED);
	assert_int_equal(fakehost_request_count(f->fh), 0);
	/* nothing to read: no request */
	assert_int_equal(many(f, &rs, 0, &seen), 0);
	assert_int_equal(fakehost_request_count(f->fh), 0);
}

/* ---- the scanner, directly ------------------------------------------------------ */

struct sink_log {
	int labels;
	int repos;
	int nulls;
	char cursor[32];
};

static int on_label(void *ctx, size_t alias, const struct epithet_label *l)
{
	struct sink_log *s = ctx;

	(void)alias;
	(void)l;
	s->labels++;
	return 0;
}

static int on_repo(void *ctx, size_t alias, bool null, bool has_next, const char *cursor)
{
	struct sink_log *s = ctx;

	(void)alias;
	s->repos++;
	s->nulls += null;
	if (has_next && cursor != NULL) {
		snprintf(s->cursor, sizeof(s->cursor), "%s", cursor);
	}
	return 0;
}

static void test_scan_errors_span_and_unknown_aliases(void **state)
{
	static const char body[] =
		" {\"extensions\":{\"cost\":1},\"errors\" : [ {\"message\":\"m\"} ] ,"
		"\"data\":{\"r0\":{\"labels\":{\"pageInfo\":{\"endCursor\":\"Q\\u0041\",\"hasNextPage\":true},"
		"\"nodes\":[{\"name\":\"n\",\"color\":\"abcdef\"}]}},\"r7\":{\"x\":1},\"other\":[true,false,null,-1.5e+3]}} ";
	struct sink_log log = {0};
	struct gh_graphql_sink sink = {on_label, on_repo, &log};
	const char *errors, *why;
	size_t len;

	(void)state;
	assert_int_equal(gh_graphql_scan(body, strlen(body), 1, &sink, &errors, &len, &why), 0);
	assert_int_equal(log.labels, 1);
	assert_int_equal(log.repos, 1);    /* r7 is not one of the 1 alias asked */
	assert_string_equal(log.cursor, "QA");
	assert_non_null(errors);
	assert_int_equal(len, strlen("[ {\"message\":\"m\"} ]"));
	assert_memory_equal(errors, "[ {\"message\":\"m\"} ]", len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_rules),
		cmocka_unit_test_setup_teardown(test_endpoint_per_target, setup_bare, teardown),
		cmocka_unit_test(test_request_body),
		cmocka_unit_test_setup_teardown(test_batch_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_follow_up_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches_of_100, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_graphql_here, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graphql_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_and_input, setup, teardown),
		cmocka_unit_test(test_scan_errors_span_and_unknown_aliases),
	};

	return cmocka_run_group_tests_name("github-graphql", tests, NULL, NULL);
}
