/* SPDX-License-Identifier: MIT */
/*
 * The gitea plugin driven through its vtable against fakehost: endpoint and
 * version probing, the exact requests it sends (id-addressed paths, bodies
 * with '#' colours and is_archived), page walking by X-Total-Count, and how
 * Gitea's answers map to epithet structs and statuses. Canned bodies follow
 * the shapes of Gitea 1.26.3 (shared/specs/gitea-labels.swagger.json and
 * CONTRACTS.md section 2; trap numbers refer to its section 4).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "epithet/forge.h"
#include "fakehost.h"
#include "plugin-asserts.h"
#include "../../plugins/gitea/gitea-parse.h"

/* ---- canned bodies ------------------------------------------------------- */

#define URL "https://gitea.example.com"
#define ROOT URL "/api/v1"

static const char settings_50[] =
	"{\"max_response_items\":50,\"default_paging_num\":30,\"default_git_trees_per_page\":1000,"
	"\"default_max_blob_size\":10485760,\"default_max_response_size\":104857600}";

/* Gitea 1.26: colour without '#', lowercase; exclusive and is_archived. */
static const char labels_page1[] =
	"[{\"id\":10,\"name\":\"bug\",\"exclusive\":false,\"is_archived\":false,\"color\":\"ee0701\","
	"\"description\":\"Something is not working\",\"url\":\"" ROOT "/repos/acme/r1/labels/10\"},"
	"{\"id\":11,\"name\":\"priority/high\",\"exclusive\":true,\"is_archived\":false,\"color\":\"B60205\","
	"\"description\":\"\",\"url\":\"" ROOT "/repos/acme/r1/labels/11\"}]";
static const char labels_page2[] =
	"[{\"id\":12,\"name\":\"old\",\"exclusive\":false,\"is_archived\":true,\"color\":\"#c0ffee\","
	"\"description\":null,\"url\":\"" ROOT "/repos/acme/r1/labels/12\"}]";

/* Gitea 1.18: neither exclusive nor is_archived exist yet. */
static const char label_118[] =
	"[{\"id\":3,\"name\":\"bug\",\"color\":\"ee0701\",\"description\":\"\",\"url\":\"x\"}]";

static const char not_found[] =
	"{\"errors\":[\"user redirect does not exist [name: acme]\"],\"message\":\"not found\","
	"\"url\":\"" URL "/api/swagger\"}";

#define LABELS "/repos/acme/r1/labels?limit=50"

/* ---- fixture ------------------------------------------------------------- */

struct fixture {
	struct fakehost *fh;
	const struct epithet_forge *forge;
	epithet_forge_session *s;
	struct epithet_session_info info;
	struct epithet_error err;
};

static int open_url(struct fixture *f, const char *url, const char *api_url)
{
	return fakehost_open(f->fh, f->forge, url, api_url, "acme", &f->info, &f->s, &f->err);
}

/* (Re)open a session on a server answering /version with @p version and
 * /settings/api with @p settings (NULL: 404). Requests are forgotten. */
static void open_version(struct fixture *f, const char *version, const char *settings)
{
	char body[200];

	if (f->s != NULL) {
		f->forge->close(f->s);
		f->s = NULL;
	}
	snprintf(body, sizeof(body), "{\"version\":\"%s\"}", version);
	fakehost_respond(f->fh, "GET", "/version", 200, body, NULL);
	if (settings != NULL) {
		fakehost_respond(f->fh, "GET", "/settings/api", 200, settings, NULL);
	} else {
		fakehost_respond(f->fh, "GET", "/settings/api", 404, not_found, NULL);
	}
	assert_int_equal(open_url(f, URL, NULL), 0);
	fakehost_clear_requests(f->fh);
}

static int setup_bare(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	f->fh = fakehost_new();
	f->forge = epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
	if (f->fh == NULL || f->forge == NULL) {
		return -1;
	}
	*state = f;
	return 0;
}

/* ...and a session on a Gitea 1.26.3 with the default page size. */
static int setup(void **state)
{
	if (setup_bare(state) != 0) {
		return -1;
	}
	open_version(*state, "1.26.3", settings_50);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->forge->close(f->s);
	/* Every response and escaped string went back to the host. */
	assert_int_equal(fakehost_outstanding(f->fh), 0);
	assert_int_equal(fakehost_violations(f->fh), 0);
	fakehost_free(f->fh);
	free(f);
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

/* Request @p i was exactly METHOD URL, with this JSON body (NULL: none). */
static struct epithet_label label(const char *name, const char *id, uint32_t fields)
{
	struct epithet_label l;

	memset(&l, 0, sizeof(l));
	l.struct_size = sizeof(l);
	l.fields = fields;
	l.name = name;
	l.id = id;
	l.issues = -1;
	l.pulls = -1;
	return l;
}

#define MAX_SEEN 16

struct seen_labels {
	size_t n;
	int stop_at;
	char name[MAX_SEEN][64];
	char color[MAX_SEEN][8];
	char desc[MAX_SEEN][64];
	char id[MAX_SEEN][24];
	uint32_t flags[MAX_SEEN];
	uint32_t fields[MAX_SEEN];
	int has_color[MAX_SEEN];
};

static int on_label(const struct epithet_label *l, void *payload)
{
	struct seen_labels *s = payload;
	size_t i = s->n++;

	assert_true(i < MAX_SEEN);
	snprintf(s->name[i], sizeof(s->name[i]), "%s", l->name);
	snprintf(s->color[i], sizeof(s->color[i]), "%s", l->color != NULL ? l->color : "");
	snprintf(s->desc[i], sizeof(s->desc[i]), "%s", l->description != NULL ? l->description : "(null)");
	snprintf(s->id[i], sizeof(s->id[i]), "%s", l->id != NULL ? l->id : "");
	s->flags[i] = l->flags;
	s->fields[i] = l->fields;
	s->has_color[i] = l->color != NULL;
	assert_int_equal(l->issues, -1);
	return s->stop_at != 0 && (int)s->n == s->stop_at ? 42 : 0;
}

struct seen_repos {
	size_t n;
	char name[MAX_SEEN][64];
	char owner[MAX_SEEN][64];
	char id[MAX_SEEN][24];
	size_t n_topics[MAX_SEEN];
	char topic0[MAX_SEEN][32];
	uint32_t flags[MAX_SEEN];
};

static int on_repo(const struct epithet_repo *r, void *payload)
{
	struct seen_repos *s = payload;
	size_t i = s->n++;

	assert_true(i < MAX_SEEN);
	snprintf(s->name[i], sizeof(s->name[i]), "%s", r->name);
	snprintf(s->owner[i], sizeof(s->owner[i]), "%s", r->owner);
	snprintf(s->id[i], sizeof(s->id[i]), "%s", r->id != NULL ? r->id : "");
	s->n_topics[i] = r->n_topics;
	snprintf(s->topic0[i], sizeof(s->topic0[i]), "%s", r->n_topics > 0 ? r->topics[0] : "");
	s->flags[i] = r->flags;
	return 0;
}

struct seen_items {
	size_t n;
	uint64_t number[MAX_SEEN];
	uint32_t is_pull[MAX_SEEN];
};

static int on_item(const struct epithet_item *it, void *payload)
{
	struct seen_items *s = payload;
	size_t i = s->n++;

	assert_true(i < MAX_SEEN);
	s->number[i] = it->number;
	s->is_pull[i] = it->is_pull;
	return 0;
}

/* A Gitea Repository object, trimmed to what matters plus some noise. */
static void repo_json(char *buf, size_t n, int id, const char *name, const char *flags)
{
	snprintf(buf, n,
		 "{\"id\":%d,\"owner\":{\"id\":1,\"login\":\"acme\",\"username\":\"acme\"},"
		 "\"name\":\"%s\",\"full_name\":\"acme/%s\",\"description\":\"\",\"empty\":false,"
		 "\"template\":false,\"parent\":null,\"internal\":false,\"topics\":[],"
		 "\"permissions\":{\"admin\":true,\"push\":true,\"pull\":true}%s%s}",
		 id, name, name, flags[0] != '\0' ? "," : "", flags);
}

/* ---- identity and endpoint --------------------------------------------------- */

static void test_identity(void **state)
{
	const struct epithet_forge *f = epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, 0);

	(void)state;
	assert_non_null(f);
	assert_string_equal(f->name, "gitea");
	assert_int_equal(f->abi_major, EPITHET_FORGE_ABI_MAJOR);
	assert_int_equal(f->struct_size, sizeof(struct epithet_forge));
	assert_true(f->capabilities & EPITHET_CAP_DESCRIPTION);
	assert_true(f->capabilities & EPITHET_CAP_RENAME);
	assert_true(f->capabilities & EPITHET_CAP_ORG_LABELS);
	assert_true(f->capabilities & EPITHET_CAP_EXCLUSIVE);
	assert_true(f->capabilities & EPITHET_CAP_ARCHIVE);
	assert_true(f->capabilities & EPITHET_CAP_ISSUE_LABELS);
	/* Gitea allows two labels of one name (trap 20). */
	assert_false(f->capabilities & EPITHET_CAP_UNIQUE_NAMES);
	assert_false(f->capabilities & EPITHET_CAP_BATCH_READ);
	assert_int_equal(f->name_max, 255);
	assert_int_equal(f->description_max, 255);
	assert_non_null(f->list_labelled);
	assert_non_null(f->add_label);
	assert_null(epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR + 1, 0));
}

static void test_endpoint(void **state)
{
	struct fixture *f = *state;
	const struct epithet_endpoint *ep;

	fakehost_respond(f->fh, "GET", "/version", 200, "{\"version\":\"1.26.3\"}", NULL);
	fakehost_respond(f->fh, "GET", "/settings/api", 200, settings_50, NULL);
	assert_int_equal(open_url(f, URL "/", NULL), 0);
	ep = fakehost_endpoint(f->fh);
	assert_non_null(ep);
	assert_string_equal(ep->api_root, ROOT);
	assert_non_null(ep->token_env);
	assert_string_equal(ep->token_env[0], "GITEA_TOKEN");
	assert_null(ep->token_env[1]);
	/* Lowercase: Forgejo is case-sensitive about it (trap 28). */
	assert_string_equal(ep->auth_scheme, "token");
	assert_string_equal(ep->headers[0], "Accept: application/json");
	assert_null(ep->headers[1]);
	assert_int_equal(ep->write_interval_ms, 0);
	assert_int_equal(ep->writes_per_minute, 0);
	assert_int_equal(ep->writes_per_hour, 0);
	assert_int_equal(ep->default_jobs, 4);
	assert_string_equal(f->info.display, URL);
	assert_null(f->info.default_owner);
	assert_int_equal(fakehost_request_count(f->fh), 2);
	assert_request(f, 0, "GET", "/version", NULL);
	assert_request(f, 1, "GET", "/settings/api", NULL);
}

static void test_endpoint_url_variants(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *url, *root, *display;
	} cases[] = {
		{"https://git.example.org/gitea//", "https://git.example.org/gitea/api/v1",
		 "https://git.example.org/gitea"},
		{"https://git.example.org/api/v1/", "https://git.example.org/api/v1",
		 "https://git.example.org"},
		{"http://127.0.0.1:3000", "http://127.0.0.1:3000/api/v1", "http://127.0.0.1:3000"},
	};
	size_t i;

	fakehost_respond(f->fh, "GET", "/version", 200, "{\"version\":\"1.26.3\"}", NULL);
	fakehost_respond(f->fh, "GET", "/settings/api", 200, settings_50, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(open_url(f, cases[i].url, NULL), 0);
		assert_string_equal(fakehost_endpoint(f->fh)->api_root, cases[i].root);
		assert_string_equal(f->info.display, cases[i].display);
		f->forge->close(f->s);
		f->s = NULL;
	}
}

static void test_endpoint_invalid(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_url(f, NULL, NULL), EPITHET_EINVALID);
	assert_string_equal(f->err.message, "gitea: --url https://HOST is required");
	assert_null(f->s);
	assert_int_equal(open_url(f, "", NULL), EPITHET_EINVALID);
	assert_int_equal(open_url(f, "ftp://gitea.example.com", NULL), EPITHET_EINVALID);
	assert_contains(f->err.message, "http:// or https://");
	assert_int_equal(open_url(f, "https://", NULL), EPITHET_EINVALID);
	assert_int_equal(open_url(f, "https://gitea.example.com/?x=1", NULL), EPITHET_EINVALID);
	/* A password in the URL never reaches a message. */
	assert_int_equal(open_url(f, "https://me:s3cret@gitea.example.com", NULL), EPITHET_EINVALID);
	assert_null(strstr(f->err.message, "s3cret"));
	assert_int_equal(open_url(f, URL, "https://api.example.com"), EPITHET_EINVALID);
	assert_contains(f->err.message, "--api-url");
	assert_int_equal(fakehost_endpoint_calls(f->fh), 0);
	assert_int_equal(fakehost_request_count(f->fh), 0);

	fakehost_endpoint_fail(f->fh, true);
	assert_int_equal(open_url(f, URL, NULL), EPITHET_EINVALID);
	assert_int_equal(fakehost_request_count(f->fh), 0);
	assert_null(f->s);
}

/* ---- the version probe ------------------------------------------------------ */

static void test_parse_version(void **state)
{
	static const struct {
		const char *text;
		int rc;
		unsigned major, minor, patch;
		int forgejo;
		unsigned fj_major;
	} cases[] = {
		{"1.26.3", 0, 1, 26, 3, 0, 0},
		{"1.22.0+dev-475-g0a3a4c6", 0, 1, 22, 0, 0, 0},
		{"1.21.0-rc1", 0, 1, 21, 0, 0, 0},
		{"v1.20.5", 0, 1, 20, 5, 0, 0},
		{"1.19", 0, 1, 19, 0, 0, 0},
		/* Forgejo: its own number, then the Gitea it speaks (trap 25). */
		{"11.0.1+gitea-1.22.0", 0, 1, 22, 0, 1, 11},
		{"7.0.0+gitea-1.22.0", 0, 1, 22, 0, 1, 7},
		{"1.21.11-1", 0, 1, 21, 11, 0, 0},
		{"development", -1, 0, 0, 0, 0, 0},
		{"", -1, 0, 0, 0, 0, 0},
		{"12", -1, 0, 0, 0, 0, 0},
		{"11.0.1+gitea-x", -1, 0, 0, 0, 0, 0},
	};
	struct gt_version v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = gt_parse_version(cases[i].text, &v);

		if (rc != cases[i].rc) {
			fail_msg("\"%s\": rc %d, expected %d", cases[i].text, rc, cases[i].rc);
		}
		if (rc != 0) {
			continue;
		}
		assert_int_equal(v.major, cases[i].major);
		assert_int_equal(v.minor, cases[i].minor);
		assert_int_equal(v.patch, cases[i].patch);
		assert_int_equal(v.forgejo, cases[i].forgejo);
		assert_int_equal(v.fj_major, cases[i].fj_major);
	}
	assert_int_equal(gt_parse_version(NULL, &v), -1);
	assert_int_equal(gt_parse_version("1.21.0", &v), 0);
	assert_true(gt_version_at_least(&v, 1, 21));
	assert_true(gt_version_at_least(&v, 1, 19));
	assert_false(gt_version_at_least(&v, 1, 22));
	assert_false(gt_version_at_least(&v, 2, 0));
}

/* The features a version has show in what an update sends. */
static const char *update_body_on(struct fixture *f, const char *version)
{
	struct epithet_label cur = label("bug", "5", EPITHET_FIELD_NAME);
	struct epithet_label want = label("bug", NULL, EPITHET_FIELD_COLOR | EPITHET_FIELD_EXCLUSIVE);
	const struct fakehost_request *r;

	open_version(f, version, settings_50);
	cur.flags = EPITHET_LABEL_ARCHIVED;
	want.color = "00aabb";
	fakehost_respond(f->fh, "PATCH", "/repos/acme/r1/labels/5", 200, "{}", NULL);
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	r = fakehost_last_request(f->fh);
	assert_non_null(r);
	return r->body;
}

static void test_version_features(void **state)
{
	struct fixture *f = *state;

	assert_json_equal(update_body_on(f, "1.26.3"),
			  "{\"color\":\"#00aabb\",\"exclusive\":false,\"is_archived\":true}");
	/* Forgejo 11 speaks Gitea 1.22: both features, whatever 11 > 1 says. */
	assert_json_equal(update_body_on(f, "11.0.1+gitea-1.22.0"),
			  "{\"color\":\"#00aabb\",\"exclusive\":false,\"is_archived\":true}");
	assert_json_equal(update_body_on(f, "1.20.6"), "{\"color\":\"#00aabb\",\"exclusive\":false}");
	assert_json_equal(update_body_on(f, "1.18.5"), "{\"color\":\"#00aabb\"}");
	/* Unknown: assume current, the side that never un-archives (trap 21). */
	assert_json_equal(update_body_on(f, "main-nightly"),
			  "{\"color\":\"#00aabb\",\"exclusive\":false,\"is_archived\":true}");
	assert_true(fakehost_log_contains(f->fh, "main-nightly"));
}

static void test_version_errors(void **state)
{
	struct fixture *f = *state;

	/* A bad token is refused on /version already. */
	fakehost_respond(f->fh, "GET", "/version", 401,
			 "{\"message\":\"user does not exist [uid: 0, name: ]\",\"url\":\"" URL "/api/swagger\"}",
			 NULL);
	assert_int_equal(open_url(f, URL, NULL), EPITHET_EAUTH);
	assert_int_equal(f->err.http_status, 401);
	assert_contains(f->err.message, "user does not exist");
	assert_null(f->s);

	fakehost_respond(f->fh, "GET", "/version", 404, "<html>nope</html>", NULL);
	assert_int_equal(open_url(f, URL, NULL), EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "no Gitea or Forgejo API at " URL);

	fakehost_respond(f->fh, "GET", "/version", 200, "<html>a login page</html>", NULL);
	assert_int_equal(open_url(f, URL, NULL), EPITHET_EPROTOCOL);
	fakehost_respond(f->fh, "GET", "/version", 200, "{\"ver\":1}", NULL);
	assert_int_equal(open_url(f, URL, NULL), EPITHET_EPROTOCOL);

	fakehost_fail_next(f->fh, EPITHET_ENETWORK);
	assert_int_equal(open_url(f, URL, NULL), EPITHET_ENETWORK);
	assert_null(f->s);
	/* /settings/api unreachable: a transport failure is not hidden. */
	fakehost_respond(f->fh, "GET", "/version", 200, "{\"version\":\"1.26.3\"}", NULL);
	fakehost_respond(f->fh, "GET", "/settings/api", 200, settings_50, NULL);
	fakehost_clear_requests(f->fh);
	assert_int_equal(open_url(f, URL, NULL), 0);
	f->forge->close(f->s);
	f->s = NULL;
}

/* ---- page size ---------------------------------------------------------------- */

/* The limit= list_labels asks for after /settings/api said @p settings. */
static void assert_page_size(struct fixture *f, const char *settings, int settings_status,
			     const char *expect_url)
{
	struct seen_labels seen = {0};

	if (f->s != NULL) {
		f->forge->close(f->s);
		f->s = NULL;
	}
	fakehost_respond(f->fh, "GET", "/version", 200, "{\"version\":\"1.26.3\"}", NULL);
	fakehost_respond(f->fh, "GET", "/settings/api", settings_status, settings, NULL);
	assert_int_equal(open_url(f, URL, NULL), 0);
	fakehost_clear_requests(f->fh);
	fakehost_respond(f->fh, "GET", expect_url, 200, "[]", "X-Total-Count: 0");
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r1", on_label, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 1);
	assert_request(f, 0, "GET", expect_url, NULL);
}

static void test_page_size(void **state)
{
	struct fixture *f = *state;

	assert_page_size(f, settings_50, 200, "/repos/acme/r1/labels?limit=50&page=1");
	assert_page_size(f, "{\"max_response_items\":100,\"default_paging_num\":30}", 200,
			 "/repos/acme/r1/labels?limit=100&page=1");
	/* Absurd values are clamped; nonsense falls back to Gitea's default. */
	assert_page_size(f, "{\"max_response_items\":100000}", 200,
			 "/repos/acme/r1/labels?limit=1000&page=1");
	assert_page_size(f, "{\"max_response_items\":0}", 200, "/repos/acme/r1/labels?limit=50&page=1");
	assert_page_size(f, "{\"max_response_items\":\"many\"}", 200,
			 "/repos/acme/r1/labels?limit=50&page=1");
	/* Forgejo lacks default_max_response_size; old servers lack the endpoint. */
	assert_page_size(f, "{\"max_response_items\":20,\"default_paging_num\":10}", 200,
			 "/repos/acme/r1/labels?limit=20&page=1");
	assert_page_size(f, not_found, 404, "/repos/acme/r1/labels?limit=50&page=1");
	assert_page_size(f, "<html>proxy</html>", 200, "/repos/acme/r1/labels?limit=50&page=1");
}

/* ---- labels ------------------------------------------------------------------- */

static void test_list_labels_paginated(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	/* Label lists carry X-Total-Count and no Link (trap 23): page 2 is
	 * asked by number, page 3 never (2 + 1 = 3). */
	fakehost_respond(f->fh, "GET", LABELS "&page=1", 200, labels_page1, "X-Total-Count: 3");
	fakehost_respond(f->fh, "GET", LABELS "&page=2", 200, labels_page2, "X-Total-Count: 3");
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r1", on_label, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 2);
	assert_true(fakehost_request(f->fh, 0)->paginated);
	assert_int_equal(fakehost_unserved(f->fh), 0);

	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.name[0], "bug");
	assert_string_equal(seen.id[0], "10");
	assert_string_equal(seen.color[0], "ee0701");
	assert_string_equal(seen.desc[0], "Something is not working");
	assert_int_equal(seen.flags[0], 0);
	assert_int_equal(seen.fields[0], EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR |
						 EPITHET_FIELD_DESCRIPTION | EPITHET_FIELD_EXCLUSIVE |
						 EPITHET_FIELD_ARCHIVED);
	assert_string_equal(seen.name[1], "priority/high");
	assert_string_equal(seen.color[1], "b60205");
	assert_int_equal(seen.flags[1], EPITHET_LABEL_EXCLUSIVE);
	assert_string_equal(seen.name[2], "old");
	assert_string_equal(seen.color[2], "c0ffee");
	assert_string_equal(seen.desc[2], "(null)");
	assert_int_equal(seen.flags[2], EPITHET_LABEL_ARCHIVED);
}

static void test_list_labels_old_server_and_bad_colour(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	open_version(f, "1.18.5", NULL);
	fakehost_respond(f->fh, "GET", LABELS "&page=1", 200, label_118, "X-Total-Count: 2");
	/* Gitea <= 1.18 stored PATCHed colours as sent: list, don't fail. */
	fakehost_respond(f->fh, "GET", LABELS "&page=2", 200,
			 "[{\"id\":4,\"name\":\"odd\",\"color\":\"red\",\"description\":\"\"},"
			 "{\"id\":5,\"name\":\"short\",\"color\":\"#FA0\",\"description\":\"\"}]",
			 "X-Total-Count: 2");
	fakehost_respond(f->fh, "GET", LABELS "&page=3", 200, "[]", "X-Total-Count: 2");
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r1", on_label, &seen, &f->err), 0);
	assert_int_equal(seen.n, 3);
	/* No exclusive / is_archived keys: those fields are not claimed. */
	assert_int_equal(seen.fields[0], EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR |
						 EPITHET_FIELD_DESCRIPTION);
	assert_false(seen.has_color[1]);
	assert_false(seen.fields[1] & EPITHET_FIELD_COLOR);
	assert_true(fakehost_log_contains(f->fh, "\"odd\" has no valid colour"));
	assert_string_equal(seen.color[2], "ffaa00");
}

static void test_list_labels_short_page_and_empty(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	/* Without X-Total-Count (a proxy dropped it) a page shorter than
	 * limit= is the last: limit= must be what the server serves, which
	 * is why open() reads /settings/api. */
	fakehost_respond(f->fh, "GET", LABELS "&page=1", 200, labels_page1, NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r1", on_label, &seen, &f->err), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(fakehost_request_count(f->fh), 1);

	/* ...and an empty page ends it in any case. */
	open_version(f, "1.26.3", "{\"max_response_items\":2}");
	seen.n = 0;
	fakehost_respond(f->fh, "GET", "/repos/acme/r1/labels?limit=2&page=1", 200, labels_page1, NULL);
	fakehost_respond(f->fh, "GET", "/repos/acme/r1/labels?limit=2&page=2", 200, "[]", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r1", on_label, &seen, &f->err), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(fakehost_request_count(f->fh), 2);
}

static void test_list_labels_callback_stops(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	seen.stop_at = 1;
	fakehost_respond(f->fh, "GET", LABELS "&page=1", 200, labels_page1, "X-Total-Count: 3");
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r1", on_label, &seen, &f->err), 42);
	assert_int_equal(seen.n, 1);
	assert_int_equal(fakehost_request_count(f->fh), 1);
}

static void test_org_labels(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};
	struct epithet_label cur = label("bug", "70", EPITHET_FIELD_NAME);
	struct epithet_label want = label("bug", NULL, EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR);

	fakehost_respond(f->fh, "GET", "/orgs/acme/labels?limit=50&page=1", 200,
			 "[{\"id\":70,\"name\":\"bug\",\"exclusive\":false,\"is_archived\":false,"
			 "\"color\":\"ee0701\",\"description\":\"\",\"url\":\"" ROOT "/orgs/acme/labels/70\"}]",
			 "X-Total-Count: 1");
	assert_int_equal(f->forge->list_labels(f->s, "acme", NULL, on_label, &seen, &f->err), 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.id[0], "70");
	assert_false(seen.flags[0] & EPITHET_LABEL_OWNER);

	want.color = "112233";
	fakehost_respond(f->fh, "POST", "/orgs/acme/labels", 201, "{}", NULL);
	assert_int_equal(f->forge->create_label(f->s, "acme", NULL, &want, &f->err), 0);
	assert_request(f, 1, "POST", "/orgs/acme/labels", "{\"name\":\"bug\",\"color\":\"#112233\"}");
	fakehost_respond(f->fh, "PATCH", "/orgs/acme/labels/70", 200, "{}", NULL);
	assert_int_equal(f->forge->update_label(f->s, "acme", NULL, &cur, &want, &f->err), 0);
	assert_request(f, 2, "PATCH", "/orgs/acme/labels/70",
		       "{\"name\":\"bug\",\"color\":\"#112233\",\"is_archived\":false}");
	fakehost_respond(f->fh, "DELETE", "/orgs/acme/labels/70", 204, NULL, NULL);
	assert_int_equal(f->forge->delete_label(f->s, "acme", NULL, &cur, &f->err), 0);
	assert_request(f, 3, "DELETE", "/orgs/acme/labels/70", NULL);

	/* Org label writes need an org owner. */
	fakehost_respond(f->fh, "POST", "/orgs/acme/labels", 403,
			 "{\"message\":\"must be an organization owner\",\"url\":\"" URL "/api/swagger\"}", NULL);
	assert_int_equal(f->forge->create_label(f->s, "acme", NULL, &want, &f->err), EPITHET_EFORBIDDEN);
	assert_contains(f->err.message, "must be an organization owner");
	assert_contains(f->err.message, "organization acme");
}

static void test_label_paths_escaped(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	fakehost_respond(f->fh, "GET", "/repos/my%20org/r%2F1/labels?limit=50&page=1", 200, "[]", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "my org", "r/1", on_label, &seen, &f->err), 0);
	assert_int_equal(fakehost_unmatched(f->fh), 0);
}

/* ---- writes ------------------------------------------------------------------- */

static void test_create_label_bodies(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = label("priority/high", NULL,
					  EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR |
						  EPITHET_FIELD_DESCRIPTION | EPITHET_FIELD_EXCLUSIVE);

	fakehost_respond(f->fh, "POST", "/repos/acme/r1/labels", 201, "{\"id\":99}", NULL);
	/* The colour always goes with '#' and lowercase. */
	want.color = "B60205";
	want.description = "Do it now";
	want.flags = EPITHET_LABEL_EXCLUSIVE;
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err), 0);
	assert_request(f, 0, "POST", "/repos/acme/r1/labels",
		       "{\"name\":\"priority/high\",\"color\":\"#b60205\",\"description\":\"Do it now\","
		       "\"exclusive\":true}");

	/* No colour in the file: Gitea requires one. A NULL description
	 * with the field set clears it. */
	want = label("bug", NULL, EPITHET_FIELD_NAME | EPITHET_FIELD_DESCRIPTION);
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err), 0);
	assert_request(f, 1, "POST", "/repos/acme/r1/labels",
		       "{\"name\":\"bug\",\"color\":\"#ededed\",\"description\":\"\"}");

	/* An archived label (undo) is created archived. */
	want = label("old", NULL, EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_ARCHIVED);
	want.color = "#c0ffee";
	want.flags = EPITHET_LABEL_ARCHIVED;
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err), 0);
	assert_request(f, 2, "POST", "/repos/acme/r1/labels",
		       "{\"name\":\"old\",\"color\":\"#c0ffee\",\"is_archived\":true}");

	/* Refused before any request. */
	want = label("bug", NULL, EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR);
	want.color = "red";
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err), EPITHET_EINVALID);
	want = label("", NULL, EPITHET_FIELD_NAME);
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err), EPITHET_EINVALID);
	assert_int_equal(fakehost_request_count(f->fh), 3);
}

static void test_create_label_old_server(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = label("scope/a", NULL,
					  EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_EXCLUSIVE);

	open_version(f, "1.18.5", NULL);
	want.color = "010203";
	want.flags = EPITHET_LABEL_EXCLUSIVE;
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err),
			 EPITHET_ENOTSUPPORTED);
	assert_contains(f->err.message, "1.19");
	assert_int_equal(fakehost_request_count(f->fh), 0);

	/* Not exclusive is what a 1.18 label is anyway: nothing to send. */
	want.flags = 0;
	fakehost_respond(f->fh, "POST", "/repos/acme/r1/labels", 201, "{}", NULL);
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err), 0);
	assert_request(f, 0, "POST", "/repos/acme/r1/labels", "{\"name\":\"scope/a\",\"color\":\"#010203\"}");
}

static void test_update_label_bodies(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label("bug", "10", EPITHET_FIELD_NAME);
	struct epithet_label want;

	fakehost_respond(f->fh, "PATCH", "/repos/acme/r1/labels/10", 200, "{}", NULL);

	/* Rename in place, by id (trap 18); is_archived keeps the label's
	 * current state (trap 21). */
	want = label("Bug", NULL, EPITHET_FIELD_NAME);
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_request(f, 0, "PATCH", "/repos/acme/r1/labels/10", "{\"name\":\"Bug\",\"is_archived\":false}");

	/* An archived label stays archived when only its colour changes. */
	cur.flags = EPITHET_LABEL_ARCHIVED;
	want = label(NULL, NULL, EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION);
	want.color = "#ABCDEF";
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_request(f, 1, "PATCH", "/repos/acme/r1/labels/10",
		       "{\"color\":\"#abcdef\",\"description\":\"\",\"is_archived\":true}");

	/* Archive and un-archive (--prune=archive, undo). */
	want = label(NULL, NULL, EPITHET_FIELD_ARCHIVED);
	want.flags = 0;
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_request(f, 2, "PATCH", "/repos/acme/r1/labels/10", "{\"is_archived\":false}");
	cur.flags = 0;
	want.flags = EPITHET_LABEL_ARCHIVED;
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_request(f, 3, "PATCH", "/repos/acme/r1/labels/10", "{\"is_archived\":true}");

	/* Scoped flag, both ways. */
	want = label(NULL, NULL, EPITHET_FIELD_EXCLUSIVE);
	want.flags = EPITHET_LABEL_EXCLUSIVE;
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_request(f, 4, "PATCH", "/repos/acme/r1/labels/10",
		       "{\"exclusive\":true,\"is_archived\":false}");

	/* Nothing asked: no request. */
	want = label(NULL, NULL, 0);
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 5);

	/* Gone meanwhile. */
	fakehost_respond(f->fh, "PATCH", "/repos/acme/r1/labels/11", 404, not_found, NULL);
	cur.id = "11";
	want = label("x", NULL, EPITHET_FIELD_NAME);
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err),
			 EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "renaming label \"bug\" to \"x\" in acme/r1");
}

static void test_update_label_old_server(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label("bug", "3", EPITHET_FIELD_NAME);
	struct epithet_label want = label(NULL, NULL, EPITHET_FIELD_ARCHIVED);

	open_version(f, "1.20.6", settings_50);
	/* No archived labels before 1.21: archiving is not possible... */
	want.flags = EPITHET_LABEL_ARCHIVED;
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err),
			 EPITHET_ENOTSUPPORTED);
	assert_contains(f->err.message, "1.21");
	/* ...and not being archived is already true. */
	want.flags = 0;
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 0);
	/* No is_archived key for a server that has none. */
	want = label("Bug", NULL, EPITHET_FIELD_NAME);
	fakehost_respond(f->fh, "PATCH", "/repos/acme/r1/labels/3", 200, "{}", NULL);
	assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err), 0);
	assert_request(f, 0, "PATCH", "/repos/acme/r1/labels/3", "{\"name\":\"Bug\"}");
}

static void test_writes_need_numeric_id(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {NULL, "", "bug", "-3", "0", "12a", "99999999999999999999"};
	struct epithet_label want = label("x", NULL, EPITHET_FIELD_NAME);
	size_t i;

	/* Never by name: PATCH by name is 404, DELETE by name deletes
	 * nothing and still says 204 (trap 18). */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct epithet_label cur = label("bug", bad[i], EPITHET_FIELD_NAME);

		assert_int_equal(f->forge->update_label(f->s, "acme", "r1", &cur, &want, &f->err),
				 EPITHET_EINVALID);
		assert_contains(f->err.message, "by id only");
		assert_int_equal(f->forge->delete_label(f->s, "acme", "r1", &cur, &f->err),
				 EPITHET_EINVALID);
	}
	assert_int_equal(fakehost_request_count(f->fh), 0);
}

static void test_delete_label(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label("bug", "42", EPITHET_FIELD_NAME);

	/* 204 even for an unknown id (trap 19): deletes are idempotent. */
	fakehost_respond(f->fh, "DELETE", "/repos/acme/r1/labels/42", 204, NULL, NULL);
	assert_int_equal(f->forge->delete_label(f->s, "acme", "r1", &cur, &f->err), 0);
	assert_request(f, 0, "DELETE", "/repos/acme/r1/labels/42", NULL);

	fakehost_respond(f->fh, "DELETE", "/repos/acme/gone/labels/42", 404, not_found, NULL);
	assert_int_equal(f->forge->delete_label(f->s, "acme", "gone", &cur, &f->err), EPITHET_ENOTFOUND);
	assert_int_equal(f->err.http_status, 404);
}

/* ---- statuses ------------------------------------------------------------------ */

static void test_status_mapping(void **state)
{
	struct fixture *f = *state;
	static const struct {
		int status;
		const char *body;
		int code;
		const char *quote;
	} cases[] = {
		{401, "{\"message\":\"user does not exist [uid: 0, name: ]\",\"url\":\"u\"}", EPITHET_EAUTH,
		 "user does not exist"},
		{403, "{\"message\":\"user should have a permission to write to a repo\",\"url\":\"u\"}",
		 EPITHET_EFORBIDDEN, "permission to write"},
		{404, not_found, EPITHET_ENOTFOUND, "not found"},
		{409, "{\"message\":\"conflict\",\"url\":\"u\"}", EPITHET_EINVALID, "conflict"},
		{422, "{\"message\":\"invalid color: #12345\",\"url\":\"u\"}", EPITHET_EINVALID,
		 "invalid color: #12345"},
		{422, "{\"message\":\"[Name]: Required\",\"url\":\"u\"}", EPITHET_EINVALID, "[Name]: Required"},
		{422, "{\"message\":\"label already exists\",\"url\":\"u\"}", EPITHET_EEXISTS, "already exists"},
		{423, "{\"message\":\"repo is archived\",\"url\":\"u\"}", EPITHET_EFORBIDDEN, "repo is archived"},
		{429, "<html>slow down</html>", EPITHET_ERATELIMIT, "(429)"},
		{500, "{\"message\":\"\",\"url\":\"u\"}", EPITHET_ESERVER, "(500)"},
		{502, "<html><body>Bad Gateway</body></html>", EPITHET_ESERVER, "(502)"},
		{418, "{\"message\":\"teapot\\nline\",\"url\":\"u\"}", EPITHET_ERROR, "teapot line"},
	};
	struct epithet_label want = label("bug", NULL, EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR);
	size_t i;

	want.color = "ee0701";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fakehost_respond(f->fh, "POST", "/repos/acme/r1/labels", cases[i].status, cases[i].body, NULL);
		memset(&f->err, 0, sizeof(f->err));
		if (f->forge->create_label(f->s, "acme", "r1", &want, &f->err) != cases[i].code) {
			fail_msg("status %d: got %d (%s), expected %d", cases[i].status, f->err.code,
				 f->err.message, cases[i].code);
		}
		assert_int_equal(f->err.code, cases[i].code);
		assert_int_equal(f->err.http_status, cases[i].status);
		assert_contains(f->err.message, cases[i].quote);
		assert_null(strchr(f->err.message, '\n'));
		assert_null(strstr(f->err.message, "<html>"));
	}
}

static void test_status_mapping_reads(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};
	struct seen_repos repos = {0};

	fakehost_respond(f->fh, "GET", LABELS "&page=1", 500, "{\"message\":\"\",\"url\":\"u\"}", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r1", on_label, &seen, &f->err),
			 EPITHET_ESERVER);
	assert_contains(f->err.message, "labels of acme/r1");
	fakehost_respond(f->fh, "GET", "/repos/acme/r2/labels?limit=50&page=1", 200, "{\"not\":\"a list\"}", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r2", on_label, &seen, &f->err),
			 EPITHET_EPROTOCOL);
	fakehost_respond(f->fh, "GET", "/repos/acme/r3/labels?limit=50&page=1", 200, "[{\"name\":\"no id\"}]", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r3", on_label, &seen, &f->err),
			 EPITHET_EPROTOCOL);
	assert_contains(f->err.message, "\"id\"");
	fakehost_respond(f->fh, "GET", "/repos/acme/r4/labels?limit=50&page=1", 200, "[{\"id\":1,\"name\":\"x\",\"color\":\"000000\"}] trailing", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme", "r4", on_label, &seen, &f->err),
			 EPITHET_EPROTOCOL);
	assert_int_equal(seen.n, 0);

	fakehost_respond(f->fh, "GET", "/repos/acme/x", 404, not_found, NULL);
	assert_int_equal(f->forge->get_repo(f->s, "acme", "x", on_repo, &repos, &f->err),
			 EPITHET_ENOTFOUND);
	fakehost_fail_next(f->fh, EPITHET_ENETWORK);
	assert_int_equal(f->forge->get_repo(f->s, "acme", "x", on_repo, &repos, &f->err),
			 EPITHET_ENETWORK);
	assert_int_equal(repos.n, 0);
}

static void test_transport_failure_on_write(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = label("bug", NULL, EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR);

	want.color = "ee0701";
	/* The outcome of a lost POST is unknown: passed on for the core to
	 * look before repeating (duplicates are allowed, trap 20). */
	fakehost_fail_next(f->fh, EPITHET_ENETWORK);
	assert_int_equal(f->forge->create_label(f->s, "acme", "r1", &want, &f->err), EPITHET_ENETWORK);
	assert_int_equal(fakehost_request_count(f->fh), 1);
}

/* ---- repositories ------------------------------------------------------------------ */

static void test_list_repos_paginated(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};
	char a[600], b[600], c[600], d[600], page1[1300], page2[1300];

	open_version(f, "1.26.3", "{\"max_response_items\":3}");
	repo_json(a, sizeof(a), 1, "alpha", "\"archived\":true");
	repo_json(b, sizeof(b), 2, "beta", "\"fork\":true,\"private\":true");
	repo_json(c, sizeof(c), 3, "gamma", "\"mirror\":true");
	snprintf(d, sizeof(d),
		 "{\"id\":4,\"owner\":{\"login\":\"acme\"},\"name\":\"delta\",\"topics\":[\"go\",\"web\"],"
		 "\"permissions\":{\"admin\":false,\"push\":false,\"pull\":true}}");
	snprintf(page1, sizeof(page1), "[%s,%s]", a, b);
	snprintf(page2, sizeof(page2), "[%s,%s]", c, d);
	/* X-Total-Count counts repos the caller cannot see: page 1 is short
	 * without being the last (trap 23). The Link uses a ROOT_URL that is
	 * wrong behind the proxy, and is not followed. */
	fakehost_respond(f->fh, "GET", "/orgs/acme/repos?limit=3&page=1", 200, page1,
			 "X-Total-Count: 5\nLink: <http://localhost:3000/api/v1/orgs/acme/repos?limit=3&page=2>; "
			 "rel=\"next\",<http://localhost:3000/api/v1/orgs/acme/repos?limit=3&page=2>; rel=\"last\"");
	fakehost_respond(f->fh, "GET", "/orgs/acme/repos?limit=3&page=2", 200, page2, "X-Total-Count: 5");
	fakehost_respond(f->fh, "GET", "/orgs/acme/repos?limit=3&page=3", 200, "[]", "X-Total-Count: 5");
	assert_int_equal(f->forge->list_repos(f->s, "acme", on_repo, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_int_equal(fakehost_unserved(f->fh), 0);

	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.name[0], "alpha");
	assert_string_equal(seen.owner[0], "acme");
	assert_string_equal(seen.id[0], "1");
	assert_int_equal(seen.flags[0], EPITHET_REPO_ARCHIVED);
	assert_int_equal(seen.flags[1], EPITHET_REPO_FORK | EPITHET_REPO_PRIVATE);
	/* A pull mirror is read-only for epithet, but not archived. */
	assert_int_equal(seen.flags[2], EPITHET_REPO_NO_PUSH);
	assert_int_equal(seen.flags[3], EPITHET_REPO_NO_PUSH);
	assert_int_equal(seen.n_topics[3], 2);
	assert_string_equal(seen.topic0[3], "go");
}

static void test_list_repos_user_fallback(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};
	char a[600], body[700];

	repo_json(a, sizeof(a), 9, "dotfiles", "");
	snprintf(body, sizeof(body), "[%s]", a);
	fakehost_respond(f->fh, "GET", "/orgs/someone/repos?limit=50&page=1", 404, not_found, NULL);
	fakehost_respond(f->fh, "GET", "/users/someone/repos?limit=50&page=1", 200, body, "X-Total-Count: 1");
	assert_int_equal(f->forge->list_repos(f->s, "someone", on_repo, &seen, &f->err), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.flags[0], 0);
	assert_request(f, 1, "GET", "/users/someone/repos?limit=50&page=1", NULL);

	fakehost_respond(f->fh, "GET", "/orgs/nobody/repos?limit=50&page=1", 404, not_found, NULL);
	fakehost_respond(f->fh, "GET", "/users/nobody/repos?limit=50&page=1", 404, not_found, NULL);
	assert_int_equal(f->forge->list_repos(f->s, "nobody", on_repo, &seen, &f->err), EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "nobody");
}

static void test_get_repo(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};
	char a[600];

	repo_json(a, sizeof(a), 7, "r1", "\"archived\":true,\"topics\":[\"x\"]");
	fakehost_respond(f->fh, "GET", "/repos/acme/r1", 200, a, NULL);
	assert_int_equal(f->forge->get_repo(f->s, "acme", "r1", on_repo, &seen, &f->err), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.flags[0], EPITHET_REPO_ARCHIVED);
	assert_string_equal(seen.topic0[0], "x");

	fakehost_respond(f->fh, "GET", "/repos/acme/bad", 200,
			 "{\"id\":1,\"name\":\"bad\",\"owner\":{\"login\":\"acme\"},\"archived\":\"yes\"}", NULL);
	assert_int_equal(f->forge->get_repo(f->s, "acme", "bad", on_repo, &seen, &f->err),
			 EPITHET_EPROTOCOL);
}

/* ---- issues ---------------------------------------------------------------------------- */

/* An Issue object: "pull_request" null for issues (Gitea sends the key). */
static void issue_json(char *buf, size_t n, int number, bool pull, const char *label_ids)
{
	char labels[200] = "";
	const char *p = label_ids;
	size_t used = 0;

	while (*p != '\0') {
		int id = atoi(p);

		used += (size_t)snprintf(labels + used, sizeof(labels) - used,
					 "%s{\"id\":%d,\"name\":\"l%d\",\"color\":\"000000\"}",
					 used > 0 ? "," : "", id, id);
		p += strcspn(p, ",");
		if (*p == ',') {
			p++;
		}
	}
	snprintf(buf, n,
		 "{\"id\":%d,\"number\":%d,\"title\":\"t\",\"labels\":[%s],\"state\":\"open\","
		 "\"pull_request\":%s}",
		 1000 + number, number, labels,
		 pull ? "{\"merged\":false,\"merged_at\":null,\"html_url\":\"x\"}" : "null");
}

static const char repo_labels_bug[] =
	"[{\"id\":10,\"name\":\"bug\",\"exclusive\":false,\"is_archived\":false,\"color\":\"ee0701\",\"description\":\"\"},"
	"{\"id\":11,\"name\":\"feature\",\"exclusive\":false,\"is_archived\":false,\"color\":\"00ff00\",\"description\":\"\"}]";

static void test_list_labelled(void **state)
{
	struct fixture *f = *state;
	struct epithet_label bug = label("bug", "10", EPITHET_FIELD_NAME);
	struct seen_items seen = {0};
	char i1[300], i2[300], i3[300], i4[300], p1[1000], p2[400];

	open_version(f, "1.26.3", "{\"max_response_items\":3}");
	issue_json(i1, sizeof(i1), 7, false, "10");
	issue_json(i2, sizeof(i2), 5, true, "11,10");
	/* labels= matched by name may bring issues without this id. */
	issue_json(i3, sizeof(i3), 4, false, "11");
	issue_json(i4, sizeof(i4), 2, false, "10");
	snprintf(p1, sizeof(p1), "[%s,%s,%s]", i1, i2, i3);
	snprintf(p2, sizeof(p2), "[%s]", i4);
	fakehost_respond(f->fh, "GET", "/repos/acme/r1/labels?limit=3&page=1", 200, repo_labels_bug,
			 "X-Total-Count: 2");
	fakehost_respond(f->fh, "GET", "/repos/acme/r1/issues?state=all&labels=bug&limit=3&page=1", 200,
			 p1, "X-Total-Count: 4");
	fakehost_respond(f->fh, "GET", "/repos/acme/r1/issues?state=all&labels=bug&limit=3&page=2", 200,
			 p2, "X-Total-Count: 4");
	assert_int_equal(f->forge->list_labelled(f->s, "acme", "r1", &bug, on_item, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_int_equal(fakehost_unserved(f->fh), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.number[0], 7);
	assert_int_equal(seen.is_pull[0], 0);
	assert_int_equal(seen.number[1], 5);
	assert_int_equal(seen.is_pull[1], 1);
	assert_int_equal(seen.number[2], 2);
}

/* Names the labels= filter cannot take exactly: every issue is read. */
static void test_list_labelled_unfiltered(void **state)
{
	struct fixture *f = *state;
	struct seen_items seen = {0};
	char i1[300], i2[300], body[700];

	issue_json(i1, sizeof(i1), 1, false, "20");
	issue_json(i2, sizeof(i2), 2, true, "21");
	snprintf(body, sizeof(body), "[%s,%s]", i1, i2);
	fakehost_respond(f->fh, "GET", "/repos/acme/r1/issues?state=all&limit=50&page=1", 200, body,
			 "X-Total-Count: 2");

	/* A duplicate differing in case: on MySQL labels=Bug would resolve to
	 * both, and both would be required. */
	{
		struct epithet_label l = label("Bug", "20", EPITHET_FIELD_NAME);

		fakehost_respond(f->fh, "GET", LABELS "&page=1", 200,
				 "[{\"id\":20,\"name\":\"Bug\",\"color\":\"000000\"},"
				 "{\"id\":21,\"name\":\"bug\",\"color\":\"000000\"}]", "X-Total-Count: 2");
		assert_int_equal(f->forge->list_labelled(f->s, "acme", "r1", &l, on_item, &seen, &f->err), 0);
		assert_int_equal(seen.n, 1);
		assert_int_equal(seen.number[0], 1);
	}
	/* A comma splits the filter. */
	{
		struct epithet_label l = label("a,b", "21", EPITHET_FIELD_NAME);

		fakehost_respond(f->fh, "GET", "/repos/acme/r2/labels?limit=50&page=1", 200,
				 "[{\"id\":21,\"name\":\"a,b\",\"color\":\"000000\"}]", "X-Total-Count: 1");
		fakehost_respond(f->fh, "GET", "/repos/acme/r2/issues?state=all&limit=50&page=1", 200, body,
				 "X-Total-Count: 2");
		seen.n = 0;
		assert_int_equal(f->forge->list_labelled(f->s, "acme", "r2", &l, on_item, &seen, &f->err), 0);
		assert_int_equal(seen.n, 1);
		assert_int_equal(seen.number[0], 2);
		assert_int_equal(seen.is_pull[0], 1);
	}
	/* Non-ASCII (accent-insensitive collations), and an id not among the
	 * repo's labels (an org label: the name would resolve to nothing). */
	{
		struct epithet_label l = label("caf\xc3\xa9", "20", EPITHET_FIELD_NAME);
		struct epithet_label org = label("bug", "20", EPITHET_FIELD_NAME);

		fakehost_respond(f->fh, "GET", "/repos/acme/r3/labels?limit=50&page=1", 200,
				 "[{\"id\":20,\"name\":\"caf\xc3\xa9\",\"color\":\"000000\"}]", "X-Total-Count: 1");
		fakehost_respond(f->fh, "GET", "/repos/acme/r3/issues?state=all&limit=50&page=1", 200, body,
				 "X-Total-Count: 2");
		seen.n = 0;
		assert_int_equal(f->forge->list_labelled(f->s, "acme", "r3", &l, on_item, &seen, &f->err), 0);
		assert_int_equal(seen.n, 1);
		fakehost_respond(f->fh, "GET", "/repos/acme/r4/labels?limit=50&page=1", 200, "[]", "X-Total-Count: 0");
		fakehost_respond(f->fh, "GET", "/repos/acme/r4/issues?state=all&limit=50&page=1", 200, body,
				 "X-Total-Count: 2");
		seen.n = 0;
		assert_int_equal(f->forge->list_labelled(f->s, "acme", "r4", &org, on_item, &seen, &f->err), 0);
		assert_int_equal(seen.n, 1);
	}
	assert_int_equal(fakehost_unmatched(f->fh), 0);
}

static void test_list_labelled_by_name(void **state)
{
	struct fixture *f = *state;
	struct epithet_label l = label("bug", NULL, EPITHET_FIELD_NAME);
	struct seen_items seen = {0};
	char i1[300], body[400];

	issue_json(i1, sizeof(i1), 3, false, "10");
	snprintf(body, sizeof(body), "[%s]", i1);
	fakehost_respond(f->fh, "GET", LABELS "&page=1", 200, repo_labels_bug, "X-Total-Count: 2");
	fakehost_respond(f->fh, "GET", "/repos/acme/r1/issues?state=all&labels=bug&limit=50&page=1", 200,
			 body, "X-Total-Count: 1");
	assert_int_equal(f->forge->list_labelled(f->s, "acme", "r1", &l, on_item, &seen, &f->err), 0);
	assert_int_equal(seen.n, 1);

	/* Two labels of that exact name: reported, never picked. */
	fakehost_respond(f->fh, "GET", "/repos/acme/dup/labels?limit=50&page=1", 200,
			 "[{\"id\":1,\"name\":\"bug\",\"color\":\"000000\"},{\"id\":2,\"name\":\"bug\",\"color\":\"111111\"}]",
			 "X-Total-Count: 2");
	assert_int_equal(f->forge->list_labelled(f->s, "acme", "dup", &l, on_item, &seen, &f->err),
			 EPITHET_EINVALID);
	assert_contains(f->err.message, "2 labels named \"bug\"");
	fakehost_respond(f->fh, "GET", "/repos/acme/none/labels?limit=50&page=1", 200, "[]", "X-Total-Count: 0");
	assert_int_equal(f->forge->list_labelled(f->s, "acme", "none", &l, on_item, &seen, &f->err),
			 EPITHET_ENOTFOUND);
	l.id = "bug";
	assert_int_equal(f->forge->list_labelled(f->s, "acme", "r1", &l, on_item, &seen, &f->err),
			 EPITHET_EINVALID);
	assert_int_equal(f->forge->list_labelled(f->s, "acme", NULL, &l, on_item, &seen, &f->err),
			 EPITHET_EINVALID);
}

static void test_add_label(void **state)
{
	struct fixture *f = *state;
	struct epithet_label l = label("bug", "10", EPITHET_FIELD_NAME);
	static const char after[] =
		"[{\"id\":11,\"name\":\"feature\",\"color\":\"00ff00\"},{\"id\":10,\"name\":\"bug\",\"color\":\"ee0701\"}]";

	/* POST adds (PUT would replace), by id. */
	fakehost_respond(f->fh, "POST", "/repos/acme/r1/issues/12/labels", 200, after, NULL);
	assert_int_equal(f->forge->add_label(f->s, "acme", "r1", 12, &l, &f->err), 0);
	assert_request(f, 0, "POST", "/repos/acme/r1/issues/12/labels", "{\"labels\":[10]}");
	/* adding a label twice changes nothing: the host may retry it (ABI 1.1) */
	assert_true(fakehost_request(f->fh, 0)->flags & EPITHET_HTTP_IDEMPOTENT);

	/* A label made in this run has no id yet: looked up by exact name. */
	l.id = NULL;
	fakehost_respond(f->fh, "GET", LABELS "&page=1", 200, repo_labels_bug, "X-Total-Count: 2");
	fakehost_respond(f->fh, "POST", "/repos/acme/r1/issues/13/labels", 200, after, NULL);
	assert_int_equal(f->forge->add_label(f->s, "acme", "r1", 13, &l, &f->err), 0);
	assert_request(f, 1, "GET", LABELS "&page=1", NULL);
	assert_request(f, 2, "POST", "/repos/acme/r1/issues/13/labels", "{\"labels\":[10]}");

	/* Gitea skips ids of other repos and still says 200. */
	l.id = "99";
	fakehost_respond(f->fh, "POST", "/repos/acme/r1/issues/14/labels", 200, after, NULL);
	assert_int_equal(f->forge->add_label(f->s, "acme", "r1", 14, &l, &f->err), EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "did not attach label id 99");

	fakehost_respond(f->fh, "POST", "/repos/acme/r1/issues/15/labels", 403,
			 "{\"message\":\"write permission is required\",\"url\":\"u\"}", NULL);
	l.id = "10";
	assert_int_equal(f->forge->add_label(f->s, "acme", "r1", 15, &l, &f->err), EPITHET_EFORBIDDEN);
	assert_contains(f->err.message, "adding label \"bug\" to #15 in acme/r1");
	fakehost_respond(f->fh, "POST", "/repos/acme/r1/issues/16/labels", 200, "{}", NULL);
	assert_int_equal(f->forge->add_label(f->s, "acme", "r1", 16, &l, &f->err), EPITHET_EPROTOCOL);
	assert_int_equal(f->forge->add_label(f->s, "acme", "r1", 0, &l, &f->err), EPITHET_EINVALID);
	l.id = "x";
	assert_int_equal(f->forge->add_label(f->s, "acme", "r1", 17, &l, &f->err), EPITHET_EINVALID);
}

/* ---- the parser's small pieces ------------------------------------------------------------ */

static void test_parse_helpers(void **state)
{
	char buf[8];
	int64_t id;
	char *body;

	(void)state;
	assert_true(gt_parse_id("42", &id));
	assert_int_equal(id, 42);
	assert_true(gt_parse_id("9223372036854775807", &id));
	assert_false(gt_parse_id("9223372036854775808", &id));
	assert_false(gt_parse_id("0", &id));
	assert_false(gt_parse_id("+4", &id));
	assert_false(gt_parse_id(NULL, &id));

	assert_true(gt_color_out("AbCdEf", buf));
	assert_string_equal(buf, "#abcdef");
	assert_true(gt_color_out("#00aa11", buf));
	assert_string_equal(buf, "#00aa11");
	assert_false(gt_color_out("#abc", buf));
	assert_false(gt_color_out("gggggg", buf));
	assert_false(gt_color_out(NULL, buf));

	body = gt_add_labels_body(INT64_C(9007199254740993));
	assert_string_equal(body, "{\"labels\":[9007199254740993]}");
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_parse_version),
		cmocka_unit_test(test_parse_helpers),
		cmocka_unit_test_setup_teardown(test_endpoint, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_url_variants, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_invalid, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_version_features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_errors, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_page_size, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_paginated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_old_server_and_bad_colour, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_short_page_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_callback_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_paths_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_label_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_label_old_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_label_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_label_old_server, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes_need_numeric_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_mapping_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_failure_on_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_paginated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_user_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_repo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labelled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labelled_unfiltered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labelled_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_label, setup, teardown),
	};

	return cmocka_run_group_tests_name("gitea", tests, NULL, NULL);
}
