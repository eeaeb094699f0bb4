/* SPDX-License-Identifier: MIT */
/*
 * The github plugin driven through its vtable against fakehost: endpoint
 * selection, the exact requests it sends (paths, escaping, bodies) and how it
 * maps GitHub's answers (recorded ones from @octokit/fixtures where there is
 * one, see shared/specs/github-recorded) to epithet structs and statuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "epithet/forge.h"
#include "fakehost.h"
#include "plugin-asserts.h"

/* ---- canned bodies -------------------------------------------------------- */

/* labels.json: GET /repos/octokit-fixture-org/labels/labels, verbatim. */
static const char recorded_labels[] =
	"["
	"{\"id\":1000,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/bug\",\"name\":\"bug\",\"color\":\"d73a4a\",\"default\":true,\"description\":\"Something isn't working\"},"
	"{\"id\":1001,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/documentation\",\"name\":\"documentation\",\"color\":\"0075ca\",\"default\":true,\"description\":\"Improvements or additions to documentation\"},"
	"{\"id\":1002,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/duplicate\",\"name\":\"duplicate\",\"color\":\"cfd3d7\",\"default\":true,\"description\":\"This issue or pull request already exists\"},"
	"{\"id\":1003,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/enhancement\",\"name\":\"enhancement\",\"color\":\"a2eeef\",\"default\":true,\"description\":\"New feature or request\"},"
	"{\"id\":1004,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/good%20first%20issue\",\"name\":\"good first issue\",\"color\":\"7057ff\",\"default\":true,\"description\":\"Good for newcomers\"},"
	"{\"id\":1005,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/help%20wanted\",\"name\":\"help wanted\",\"color\":\"008672\",\"default\":true,\"description\":\"Extra attention is needed\"},"
	"{\"id\":1006,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/invalid\",\"name\":\"invalid\",\"color\":\"e4e669\",\"default\":true,\"description\":\"This doesn't seem right\"},"
	"{\"id\":1007,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/question\",\"name\":\"question\",\"color\":\"d876e3\",\"default\":true,\"description\":\"Further information is requested\"},"
	"{\"id\":1008,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/wontfix\",\"name\":\"wontfix\",\"color\":\"ffffff\",\"default\":true,\"description\":\"This will not be worked on\"}"
	"]";

/* labels.json: the answer to PATCH {new_name, color "BADA55"}: GitHub echoes
 * the colour's case, and description is null. */
static const char recorded_patched_label[] =
	"[{\"id\":1009,\"node_id\":\"MDA6RW50aXR5MQ==\",\"url\":\"https://api.github.com/repos/octokit-fixture-org/labels/labels/test-label-updated\","
	"\"name\":\"test-label-updated\",\"color\":\"BADA55\",\"default\":false,\"description\":null}]";

/* errors.json: POST a label with color "invalid". */
static const char recorded_invalid_color[] =
	"{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Label\",\"code\":\"invalid\",\"field\":\"color\"}],"
	"\"documentation_url\":\"https://docs.github.com/rest/reference/issues#create-a-label\"}";

/* CONTRACTS 1.3: the already_exists and name-too-long bodies. */
static const char already_exists[] =
	"{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Label\",\"code\":\"already_exists\",\"field\":\"name\"}],"
	"\"documentation_url\":\"https://docs.github.com/rest/issues/labels#create-a-label\"}";
static const char name_too_long[] =
	"{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Label\",\"code\":\"custom\",\"field\":\"name\","
	"\"message\":\"name is too long (maximum is 50 characters)\"}],\"documentation_url\":\"https://docs.github.com/rest\"}";

static const char not_found[] =
	"{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}";

#define ORG_REPOS "/orgs/octo/repos?per_page=100&sort=full_name&direction=asc"
#define USER_REPOS "/users/octo/repos?per_page=100&sort=full_name&type=owner"
#define LABELS "/repos/octo/hello/labels?per_page=100"

/* ---- fixture -------------------------------------------------------------- */

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

/* A fake host and the plugin's vtable; no session. */
static int setup_bare(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	unsetenv("GITHUB_API_URL");
	f->fh = fakehost_new();
	f->forge = epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
	if (f->fh == NULL || f->forge == NULL) {
		return -1;
	}
	*state = f;
	return 0;
}

/* ...and a session on api.github.com. */
static int setup(void **state)
{
	struct fixture *f;

	if (setup_bare(state) != 0) {
		return -1;
	}
	f = *state;
	return open_target(f, NULL, NULL) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->forge->close(f->s);
	/* Every response and escaped string went back to the host. */
	assert_int_equal(fakehost_outstanding(f->fh), 0);
	assert_int_equal(fakehost_violations(f->fh), 0);
	fakehost_free(f->fh);
	unsetenv("GITHUB_API_URL");
	free(f);
	return 0;
}

/* ---- helpers -------------------------------------------------------------- */

/* Request @p i was exactly METHOD URL, with this JSON body (NULL: none). */
static struct epithet_label label_named(const char *name)
{
	struct epithet_label l;

	memset(&l, 0, sizeof(l));
	l.struct_size = sizeof(l);
	l.fields = EPITHET_FIELD_NAME;
	l.name = name;
	l.issues = -1;
	l.pulls = -1;
	return l;
}

#define MAX_SEEN 32

struct seen_repos {
	size_t n;
	int stop_at;            /* return 42 from the callback for this index (1-based), 0: never */
	char name[MAX_SEEN][64];
	char owner[MAX_SEEN][64];
	char id[MAX_SEEN][24];
	char topics[MAX_SEEN][128];
	uint32_t flags[MAX_SEEN];
};

static int collect_repo(const struct epithet_repo *r, void *payload)
{
	struct seen_repos *s = payload;
	size_t i;

	assert_true(s->n < MAX_SEEN);
	assert_int_equal(r->struct_size, sizeof(*r));
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", r->name);
	snprintf(s->owner[s->n], sizeof(s->owner[0]), "%s", r->owner);
	snprintf(s->id[s->n], sizeof(s->id[0]), "%s", r->id != NULL ? r->id : "(null)");
	s->topics[s->n][0] = '\0';
	for (i = 0; i < r->n_topics; i++) {
		size_t used = strlen(s->topics[s->n]);

		snprintf(s->topics[s->n] + used, sizeof(s->topics[0]) - used, "%s%s",
			 i > 0 ? "," : "", r->topics[i]);
	}
	s->flags[s->n] = r->flags;
	s->n++;
	return (int)s->n == s->stop_at ? 42 : 0;
}

struct seen_labels {
	size_t n;
	char name[MAX_SEEN][64];
	char color[MAX_SEEN][8];
	char desc[MAX_SEEN][128];   /* "(null)" for NULL */
	char id[MAX_SEEN][24];
	uint32_t fields[MAX_SEEN];
	int64_t issues[MAX_SEEN], pulls[MAX_SEEN];
};

static int collect_label(const struct epithet_label *l, void *payload)
{
	struct seen_labels *s = payload;

	assert_true(s->n < MAX_SEEN);
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", l->name);
	snprintf(s->color[s->n], sizeof(s->color[0]), "%s", l->color);
	snprintf(s->desc[s->n], sizeof(s->desc[0]), "%s", l->description != NULL ? l->description : "(null)");
	snprintf(s->id[s->n], sizeof(s->id[0]), "%s", l->id != NULL ? l->id : "(null)");
	s->fields[s->n] = l->fields;
	s->issues[s->n] = l->issues;
	s->pulls[s->n] = l->pulls;
	s->n++;
	return 0;
}

struct seen_items {
	size_t n;
	uint64_t number[MAX_SEEN];
	uint32_t is_pull[MAX_SEEN];
};

static int collect_item(const struct epithet_item *it, void *payload)
{
	struct seen_items *s = payload;

	assert_true(s->n < MAX_SEEN);
	s->number[s->n] = it->number;
	s->is_pull[s->n] = it->is_pull;
	s->n++;
	return 0;
}

/* ---- identity -------------------------------------------------------------- */

static void test_identity(void **state)
{
	const struct epithet_forge *g = epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR, 0);

	(void)state;
	assert_non_null(g);
	assert_int_equal(g->abi_major, EPITHET_FORGE_ABI_MAJOR);
	assert_int_equal(g->abi_minor, EPITHET_FORGE_ABI_MINOR);
	assert_int_equal(g->struct_size, sizeof(struct epithet_forge));
	assert_string_equal(g->name, "github");
	assert_string_equal(g->version, "0.1.0");
	assert_non_null(g->description);
	/* No LABEL_COUNTS: see github-graphql.c (they would cost 2 points a repo). */
	assert_true(g->capabilities == (EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME |
					EPITHET_CAP_ISSUE_LABELS | EPITHET_CAP_UNIQUE_NAMES |
					EPITHET_CAP_BATCH_READ | EPITHET_CAP_READ_FILE |
					EPITHET_CAP_EMOJI_SHORTCODES |
					EPITHET_CAP_CONCURRENT_WRITES));
	assert_int_equal(g->name_max, 50);
	assert_int_equal(g->description_max, 100);
	assert_non_null(g->open);
	assert_non_null(g->close);
	assert_non_null(g->list_repos);
	assert_non_null(g->get_repo);
	assert_non_null(g->list_labels);
	assert_non_null(g->create_label);
	assert_non_null(g->update_label);
	assert_non_null(g->delete_label);
	assert_non_null(g->list_labelled);
	assert_non_null(g->add_label);
	assert_non_null(g->list_labels_many); /* tests/unit/test-github-graphql.c */
	/* Another major lays out the structs differently. */
	assert_null(epithet_forge_plugin_v1(EPITHET_FORGE_ABI_MAJOR + 1, 0));
	g->close(NULL);
}

/* ---- endpoint selection ------------------------------------------------------ */

static void assert_dotcom_rules(const struct epithet_endpoint *ep)
{
	assert_string_equal(ep->token_env[0], "GH_TOKEN");
	assert_string_equal(ep->token_env[1], "GITHUB_TOKEN");
	assert_null(ep->token_env[2]);
	assert_int_equal(ep->write_interval_ms, 1000);
	assert_int_equal(ep->writes_per_minute, 80);
	assert_int_equal(ep->writes_per_hour, 500);
}

static void assert_ghes_rules(const struct epithet_endpoint *ep)
{
	assert_string_equal(ep->token_env[0], "GH_ENTERPRISE_TOKEN");
	assert_string_equal(ep->token_env[1], "GITHUB_ENTERPRISE_TOKEN");
	assert_null(ep->token_env[2]);
	assert_int_equal(ep->write_interval_ms, 0);
	assert_int_equal(ep->writes_per_minute, 0);
	assert_int_equal(ep->writes_per_hour, 0);
}

static void test_endpoint_dotcom_default(void **state)
{
	struct fixture *f = *state;
	const struct epithet_endpoint *ep;

	assert_int_equal(open_target(f, NULL, NULL), 0);
	assert_int_equal(fakehost_endpoint_calls(f->fh), 1);
	ep = fakehost_endpoint(f->fh);
	assert_non_null(ep);
	assert_string_equal(ep->api_root, "https://api.github.com");
	assert_string_equal(ep->auth_scheme, "Bearer");
	assert_string_equal(ep->headers[0], "Accept: application/vnd.github+json");
	assert_string_equal(ep->headers[1], "X-GitHub-Api-Version: 2022-11-28");
	assert_null(ep->headers[2]);
	assert_int_equal(ep->default_jobs, 4);
	assert_dotcom_rules(ep);
	assert_string_equal(f->info.display, "https://github.com");
	assert_null(f->info.default_owner);
	/* open() itself sends nothing. */
	assert_int_equal(fakehost_request_count(f->fh), 0);
}

static void test_endpoint_github_api_url_env(void **state)
{
	struct fixture *f = *state;
	const struct epithet_endpoint *ep;

	/* What GitHub Actions sets on a GHES runner: api.github.com's rules. */
	setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3/", 1);
	assert_int_equal(open_target(f, NULL, NULL), 0);
	ep = fakehost_endpoint(f->fh);
	assert_string_equal(ep->api_root, "https://ghe.example.com/api/v3");
	assert_dotcom_rules(ep);
	assert_string_equal(f->info.display, "https://ghe.example.com");
}

static void test_endpoint_ghes_url(void **state)
{
	struct fixture *f = *state;
	const struct epithet_endpoint *ep;

	/* --url wins over GITHUB_API_URL. */
	setenv("GITHUB_API_URL", "https://elsewhere.example.com", 1);
	assert_int_equal(open_target(f, "https://ghe.example.com/", NULL), 0);
	ep = fakehost_endpoint(f->fh);
	assert_string_equal(ep->api_root, "https://ghe.example.com/api/v3");
	assert_string_equal(ep->auth_scheme, "Bearer");
	assert_string_equal(ep->headers[1], "X-GitHub-Api-Version: 2022-11-28");
	assert_int_equal(ep->default_jobs, 4);
	assert_ghes_rules(ep);
	assert_string_equal(f->info.display, "https://ghe.example.com");
}

static void test_endpoint_ghes_url_variants(void **state)
{
	struct fixture *f = *state;

	/* A sub-path and a port are kept; /api/v3 is not doubled. */
	assert_int_equal(open_target(f, "http://ghe.example.com:8080/github", NULL), 0);
	assert_string_equal(fakehost_endpoint(f->fh)->api_root, "http://ghe.example.com:8080/github/api/v3");
	assert_string_equal(f->info.display, "http://ghe.example.com:8080/github");
	f->forge->close(f->s);
	f->s = NULL;

	assert_int_equal(open_target(f, "https://ghe.example.com/api/v3/", NULL), 0);
	assert_string_equal(fakehost_endpoint(f->fh)->api_root, "https://ghe.example.com/api/v3");
	assert_ghes_rules(fakehost_endpoint(f->fh));
	assert_string_equal(f->info.display, "https://ghe.example.com");
}

static void test_endpoint_url_is_dotcom(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_target(f, "https://api.github.com/", NULL), 0);
	assert_string_equal(fakehost_endpoint(f->fh)->api_root, "https://api.github.com");
	assert_dotcom_rules(fakehost_endpoint(f->fh));
	assert_string_equal(f->info.display, "https://github.com");
	f->forge->close(f->s);
	f->s = NULL;

	/* The web host means dotcom too, never github.com/api/v3. */
	assert_int_equal(open_target(f, "https://GitHub.com", NULL), 0);
	assert_string_equal(fakehost_endpoint(f->fh)->api_root, "https://api.github.com");
	assert_dotcom_rules(fakehost_endpoint(f->fh));
}

static void test_endpoint_api_url(void **state)
{
	struct fixture *f = *state;
	const struct epithet_endpoint *ep;

	/* --api-url is used as is and wins over --url and GITHUB_API_URL. */
	setenv("GITHUB_API_URL", "https://elsewhere.example.com", 1);
	assert_int_equal(open_target(f, "https://ghe.example.com", "http://127.0.0.1:8080/rest/"), 0);
	ep = fakehost_endpoint(f->fh);
	assert_string_equal(ep->api_root, "http://127.0.0.1:8080/rest");
	assert_dotcom_rules(ep);
	assert_string_equal(f->info.display, "http://127.0.0.1:8080/rest");
}

static void test_endpoint_invalid(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_target(f, "ftp://ghe.example.com", NULL), EPITHET_EINVALID);
	assert_int_equal(f->err.code, EPITHET_EINVALID);
	assert_contains(f->err.message, "ftp://ghe.example.com");
	assert_contains(f->err.message, "http");
	assert_null(f->s);

	assert_int_equal(open_target(f, "ghe.example.com", NULL), EPITHET_EINVALID);
	assert_int_equal(open_target(f, "https://", NULL), EPITHET_EINVALID);
	assert_int_equal(open_target(f, "https://ghe.example.com/x y", NULL), EPITHET_EINVALID);
	assert_int_equal(open_target(f, NULL, "api.github.com"), EPITHET_EINVALID);
	assert_contains(f->err.message, "--api-url");

	/* Credentials in a URL are refused and never echoed. */
	assert_int_equal(open_target(f, "https://me:s3cret@ghe.example.com", NULL), EPITHET_EINVALID);
	assert_null(strstr(f->err.message, "s3cret"));

	setenv("GITHUB_API_URL", "gopher://x", 1);
	assert_int_equal(open_target(f, NULL, NULL), EPITHET_EINVALID);
	assert_contains(f->err.message, "GITHUB_API_URL");
	assert_int_equal(fakehost_endpoint_calls(f->fh), 0);
}

static void test_endpoint_refused_by_host(void **state)
{
	struct fixture *f = *state;

	fakehost_endpoint_fail(f->fh, true);
	assert_int_equal(open_target(f, NULL, NULL), EPITHET_EINVALID);
	assert_null(f->s);
}

/* ---- repositories ------------------------------------------------------------- */

static void test_list_repos_paginated(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	fakehost_respond(f->fh, "GET", ORG_REPOS, 200,
		"[{\"id\":11,\"name\":\"alpha\",\"full_name\":\"octo/alpha\",\"owner\":{\"login\":\"octo\"},"
		"\"fork\":false,\"archived\":true,\"disabled\":false,\"private\":false,"
		"\"topics\":[\"cli\",\"labels\"],\"permissions\":{\"admin\":false,\"push\":true,\"pull\":true}},"
		"{\"id\":12,\"name\":\"beta\",\"full_name\":\"octo/beta\",\"owner\":{\"login\":\"octo\"},"
		"\"fork\":true,\"private\":true,\"permissions\":{\"admin\":false,\"push\":false,\"pull\":true}}]",
		"Link: <https://api.github.com/organizations/9/repos?per_page=100&sort=full_name&direction=asc&page=2>; rel=\"next\", "
		"<https://api.github.com/organizations/9/repos?per_page=100&sort=full_name&direction=asc&page=3>; rel=\"last\"");
	fakehost_respond(f->fh, "GET", "/organizations/9/repos?per_page=100&sort=full_name&direction=asc&page=2", 200,
		"[{\"id\":13,\"name\":\"gamma\",\"owner\":{\"login\":\"octo\"},\"fork\":false,\"disabled\":true,\"topics\":[]}]",
		"link: <https://api.github.com/organizations/9/repos?per_page=100&sort=full_name&direction=asc&page=3>; rel=\"next\", "
		"<https://api.github.com/organizations/9/repos?per_page=100&sort=full_name&direction=asc&page=1>; rel=\"first\"");
	/* The last page: no rel="next". */
	fakehost_respond(f->fh, "GET", "/organizations/9/repos?per_page=100&sort=full_name&direction=asc&page=3", 200,
		"[{\"id\":14,\"name\":\"delta.js\",\"owner\":{\"login\":\"octo\"},\"fork\":false}]",
		"Link: <https://api.github.com/organizations/9/repos?per_page=100&sort=full_name&direction=asc&page=2>; rel=\"prev\"");

	assert_int_equal(f->forge->list_repos(f->s, "octo", collect_repo, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_request(f, 0, "GET", ORG_REPOS, NULL);
	assert_true(fakehost_request(f->fh, 0)->paginated);
	assert_int_equal(fakehost_unmatched(f->fh), 0);

	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.name[0], "alpha");
	assert_string_equal(seen.owner[0], "octo");
	assert_string_equal(seen.id[0], "11");
	assert_string_equal(seen.topics[0], "cli,labels");
	assert_int_equal(seen.flags[0], EPITHET_REPO_ARCHIVED);
	assert_string_equal(seen.name[1], "beta");
	assert_int_equal(seen.flags[1], EPITHET_REPO_FORK | EPITHET_REPO_PRIVATE | EPITHET_REPO_NO_PUSH);
	assert_string_equal(seen.name[2], "gamma");
	/* No permissions key (unauthenticated): nothing known about push. */
	assert_int_equal(seen.flags[2], EPITHET_REPO_DISABLED);
	assert_string_equal(seen.topics[2], "");
	assert_string_equal(seen.name[3], "delta.js");
	assert_string_equal(seen.id[3], "14");
}

static void test_list_repos_user_fallback(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	fakehost_respond(f->fh, "GET", ORG_REPOS, 404, not_found, NULL);
	fakehost_respond(f->fh, "GET", USER_REPOS, 200,
		"[{\"id\":21,\"name\":\"dotfiles\",\"owner\":{\"login\":\"octo\"},\"fork\":false}]",
		"Link: <https://api.github.com/user/1/repos?per_page=100&page=2>; rel=\"next\"");
	fakehost_respond(f->fh, "GET", "/user/1/repos?per_page=100&page=2", 200,
		"[{\"id\":22,\"name\":\"site\",\"owner\":{\"login\":\"octo\"},\"fork\":true}]", NULL);

	/* The token belongs to someone else: octo's public list. */
	fakehost_respond(f->fh, "GET", "/user", 200, "{\"login\":\"someone-else\"}", NULL);

	assert_int_equal(f->forge->list_repos(f->s, "octo", collect_repo, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 4);
	assert_request(f, 0, "GET", ORG_REPOS, NULL);
	assert_request(f, 1, "GET", "/user", NULL);
	assert_request(f, 2, "GET", USER_REPOS, NULL);
	assert_request(f, 3, "GET", "/user/1/repos?per_page=100&page=2", NULL);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.name[0], "dotfiles");
	assert_string_equal(seen.name[1], "site");
	assert_int_equal(seen.flags[1], EPITHET_REPO_FORK);
}

/* An installation token (an App's) has no user: GET /user is 403, and the
 * installation's own list (an object) gives the private repos too, the
 * owner's only. */
static void test_list_repos_installation(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	fakehost_respond(f->fh, "GET", ORG_REPOS, 404, not_found, NULL);
	fakehost_respond(f->fh, "GET", "/user", 403,
		"{\"message\":\"Resource not accessible by integration\"}", NULL);
	fakehost_respond(f->fh, "GET", "/installation/repositories?per_page=100", 200,
		"{\"total_count\":2,\"repositories\":["
		"{\"id\":31,\"name\":\"secret\",\"owner\":{\"login\":\"Octo\"},\"private\":true},"
		"{\"id\":32,\"name\":\"theirs\",\"owner\":{\"login\":\"other\"}}]}", NULL);
	assert_int_equal(f->forge->list_repos(f->s, "octo", collect_repo, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_request(f, 2, "GET", "/installation/repositories?per_page=100", NULL);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.name[0], "secret");
}

static void test_list_repos_no_such_owner(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	fakehost_respond(f->fh, "GET", ORG_REPOS, 404, not_found, NULL);
	fakehost_respond(f->fh, "GET", "/user", 401, "{\"message\":\"Requires authentication\"}", NULL);
	fakehost_respond(f->fh, "GET", USER_REPOS, 404, not_found, NULL);
	assert_int_equal(f->forge->list_repos(f->s, "octo", collect_repo, &seen, &f->err),
			 EPITHET_ENOTFOUND);
	assert_int_equal(f->err.code, EPITHET_ENOTFOUND);
	assert_int_equal(f->err.http_status, 404);
	assert_contains(f->err.message, "no organization or user named \"octo\"");
	assert_int_equal(seen.n, 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
}

static void test_list_repos_own_user_includes_private(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	fakehost_respond(f->fh, "GET", ORG_REPOS, 404, not_found, NULL);
	fakehost_respond(f->fh, "GET", "/user", 200, "{\"login\":\"Octo\"}", NULL);
	fakehost_respond(f->fh, "GET", "/user/repos?per_page=100&sort=full_name&affiliation=owner", 200,
		"[{\"id\":23,\"name\":\"secret\",\"owner\":{\"login\":\"octo\"},\"private\":true}]",
		NULL);
	assert_int_equal(f->forge->list_repos(f->s, "octo", collect_repo, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_request(f, 2, "GET", "/user/repos?per_page=100&sort=full_name&affiliation=owner", NULL);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.flags[0], EPITHET_REPO_PRIVATE);
}

static void test_list_repos_escaped_owner(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	fakehost_respond(f->fh, "GET", "/orgs/a%20b%2F..%3F/repos?per_page=100&sort=full_name&direction=asc",
			 200, "[]", NULL);
	assert_int_equal(f->forge->list_repos(f->s, "a b/..?", collect_repo, &seen, &f->err), 0);
	assert_int_equal(fakehost_unmatched(f->fh), 0);
	assert_int_equal(seen.n, 0);
}

static void test_list_repos_callback_stops(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	seen.stop_at = 2;
	fakehost_respond(f->fh, "GET", ORG_REPOS, 200,
		"[{\"name\":\"a\",\"owner\":{\"login\":\"octo\"}},{\"name\":\"b\",\"owner\":{\"login\":\"octo\"}},"
		"{\"name\":\"c\",\"owner\":{\"login\":\"octo\"}}]",
		"Link: <https://api.github.com/organizations/9/repos?page=2>; rel=\"next\"");
	/* The callback's value comes back unchanged; no further page is read. */
	assert_int_equal(f->forge->list_repos(f->s, "octo", collect_repo, &seen, &f->err), 42);
	assert_int_equal(seen.n, 2);
	assert_int_equal(fakehost_request_count(f->fh), 1);
}

static void test_get_repo(void **state)
{
	struct fixture *f = *state;
	struct seen_repos seen = {0};

	fakehost_respond(f->fh, "GET", "/repos/octo/hello", 200,
		"{\"id\":1296269,\"name\":\"hello\",\"full_name\":\"octo/hello\",\"owner\":{\"login\":\"Octo\"},"
		"\"private\":false,\"fork\":false,\"archived\":false,\"disabled\":false,\"topics\":[\"a\"],"
		"\"permissions\":{\"push\":true}}", NULL);
	fakehost_respond(f->fh, "GET", "/repos/octo/gone", 404, not_found, NULL);

	assert_int_equal(f->forge->get_repo(f->s, "octo", "hello", collect_repo, &seen, &f->err), 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.owner[0], "Octo");
	assert_string_equal(seen.id[0], "1296269");
	assert_string_equal(seen.topics[0], "a");
	assert_int_equal(seen.flags[0], 0);

	assert_int_equal(f->forge->get_repo(f->s, "octo", "gone", collect_repo, &seen, &f->err),
			 EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "octo/gone");
	assert_int_equal(seen.n, 1);
}

/* ---- labels -------------------------------------------------------------------- */

static void test_list_labels_recorded(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	fakehost_respond(f->fh, "GET", LABELS, 200, recorded_labels, NULL);
	assert_int_equal(f->forge->list_labels(f->s, "octo", "hello", collect_label, &seen, &f->err), 0);
	assert_request(f, 0, "GET", LABELS, NULL);

	assert_int_equal(seen.n, 9);
	assert_string_equal(seen.name[0], "bug");
	assert_string_equal(seen.color[0], "d73a4a");
	assert_string_equal(seen.desc[0], "Something isn't working");
	assert_string_equal(seen.id[0], "1000");
	assert_int_equal(seen.fields[0], EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION);
	assert_int_equal(seen.issues[0], -1);
	assert_int_equal(seen.pulls[0], -1);
	assert_string_equal(seen.name[4], "good first issue");
	assert_string_equal(seen.color[4], "7057ff");
	assert_string_equal(seen.name[8], "wontfix");
	assert_string_equal(seen.id[8], "1008");
}

static void test_list_labels_normalised(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	fakehost_respond(f->fh, "GET", LABELS, 200, recorded_patched_label,
			 "Link: <https://api.github.com/repositories/42/labels?per_page=100&page=2>; rel=\"next\"");
	fakehost_respond(f->fh, "GET", "/repositories/42/labels?per_page=100&page=2", 200,
			 "[{\"id\":7,\"name\":\"\xF0\x9F\x90\x9B bug\",\"color\":\"00FF00\",\"description\":\"\"}]", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "octo", "hello", collect_label, &seen, &f->err), 0);
	assert_int_equal(seen.n, 2);
	/* Colour lowercased; null description is NULL. */
	assert_string_equal(seen.name[0], "test-label-updated");
	assert_string_equal(seen.color[0], "bada55");
	assert_string_equal(seen.desc[0], "(null)");
	assert_string_equal(seen.id[0], "1009");
	assert_string_equal(seen.name[1], "\xF0\x9F\x90\x9B bug");
	assert_string_equal(seen.color[1], "00ff00");
	assert_string_equal(seen.desc[1], "");
}

static void test_list_labels_empty_repo(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	fakehost_respond(f->fh, "GET", LABELS, 200, "[]", NULL);
	assert_int_equal(f->forge->list_labels(f->s, "octo", "hello", collect_label, &seen, &f->err), 0);
	assert_int_equal(seen.n, 0);
}

static void test_list_labels_no_org_labels(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	assert_int_equal(f->forge->list_labels(f->s, "octo", NULL, collect_label, &seen, &f->err),
			 EPITHET_ENOTSUPPORTED);
	assert_int_equal(f->err.code, EPITHET_ENOTSUPPORTED);
	assert_int_equal(fakehost_request_count(f->fh), 0);
}

/* Label names in a path: CONTRACTS 1.3's table, one segment each. */
static void test_label_paths_escaped(void **state)
{
	static const struct {
		const char *name;
		const char *segment;
	} cases[] = {
		{"help wanted", "help%20wanted"},
		{"area/ui", "area%2Fui"},
		{"100%", "100%25"},
		{"triage/backport?", "triage%2Fbackport%3F"},
		{"C#", "C%23"},
		{"a+b", "a%2Bb"},
		{"\xF0\x9F\x90\x9B bug", "%F0%9F%90%9B%20bug"},
		{".", "%2E"},
		{"..", "%2E%2E"},
		{"v1.0_rc~x", "v1.0_rc~x"},
		{"caf\xC3\xA9", "caf%C3%A9"},
		{"a,b&c=d", "a%2Cb%26c%3Dd"},
	};
	struct fixture *f = *state;
	char url[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct epithet_label cur = label_named(cases[i].name);

		snprintf(url, sizeof(url), "/repos/octo/hello/labels/%s", cases[i].segment);
		fakehost_respond(f->fh, "DELETE", url, 204, NULL, NULL);
		assert_int_equal(f->forge->delete_label(f->s, "octo", "hello", &cur, &f->err), 0);
		assert_request(f, i, "DELETE", url, NULL);
	}
	assert_int_equal(fakehost_unmatched(f->fh), 0);
	assert_int_equal(fakehost_unserved(f->fh), 0);
}

static void test_repo_segments_escaped(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label_named("bug");
	struct seen_labels seen = {0};

	/* Owner and repo are user data too ("." stays raw inside a name). */
	fakehost_respond(f->fh, "GET", "/repos/my%20org/.github/labels?per_page=100", 200, "[]", NULL);
	fakehost_respond(f->fh, "DELETE", "/repos/my%20org/%2E%2E/labels/bug", 204, NULL, NULL);
	assert_int_equal(f->forge->list_labels(f->s, "my org", ".github", collect_label, &seen, &f->err), 0);
	assert_int_equal(f->forge->delete_label(f->s, "my org", "..", &cur, &f->err), 0);
	assert_int_equal(fakehost_unmatched(f->fh), 0);
}

static void test_create_label_bodies(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = label_named("good first issue");

	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 201,
			 "{\"id\":1009,\"name\":\"good first issue\",\"color\":\"7057ff\",\"description\":\"Good for newcomers\"}",
			 "Location: https://api.github.com/repos/octo/hello/labels/good%20first%20issue");

	want.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION;
	want.color = "7057ff";
	want.description = "Good for newcomers";
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), 0);
	assert_request(f, 0, "POST", "/repos/octo/hello/labels",
		       "{\"name\":\"good first issue\",\"color\":\"7057ff\",\"description\":\"Good for newcomers\"}");

	/* Only the fields asked for: no colour means GitHub's ededed. */
	want.fields = EPITHET_FIELD_NAME;
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), 0);
	assert_request(f, 1, "POST", "/repos/octo/hello/labels", "{\"name\":\"good first issue\"}");

	/* A '#' never goes out; an asked-for NULL description is "". */
	want.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION;
	want.color = "#b60205";
	want.description = NULL;
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), 0);
	assert_request(f, 2, "POST", "/repos/octo/hello/labels",
		       "{\"name\":\"good first issue\",\"color\":\"b60205\",\"description\":\"\"}");

	/* Names with quotes, backslashes and emoji survive JSON encoding. */
	want = label_named("say \"hi\" \\ \xF0\x9F\x90\x9B/x");
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), 0);
	assert_request(f, 3, "POST", "/repos/octo/hello/labels",
		       "{\"name\":\"say \\\"hi\\\" \\\\ \xF0\x9F\x90\x9B/x\"}");
}

static void test_create_label_exists(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = label_named("Bug");

	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 422, already_exists, NULL);
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_EEXISTS);
	assert_int_equal(f->err.code, EPITHET_EEXISTS);
	assert_int_equal(f->err.http_status, 422);
	assert_contains(f->err.message, "\"Bug\"");
	assert_contains(f->err.message, "octo/hello");
}

static void test_create_label_invalid(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = label_named("foo");

	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 422, recorded_invalid_color, NULL);
	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 422, name_too_long, NULL);
	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 422, "<html>spam</html>", NULL);

	want.fields |= EPITHET_FIELD_COLOR;
	want.color = "invalid";
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_EINVALID);
	assert_int_equal(f->err.http_status, 422);
	assert_contains(f->err.message, "\"foo\"");
	assert_contains(f->err.message, "octo/hello");
	assert_contains(f->err.message, "Validation Failed");
	assert_contains(f->err.message, "color invalid");

	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_EINVALID);
	assert_contains(f->err.message, "name is too long (maximum is 50 characters)");

	/* A 422 that is not JSON is still a refusal, not a crash. */
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_EINVALID);

	/* Without a name nothing is sent. */
	want.name = NULL;
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_EINVALID);
	assert_int_equal(fakehost_request_count(f->fh), 3);
}

static void test_update_label_bodies(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label_named("test-label");
	struct epithet_label want = label_named("test-label-updated");

	cur.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION;
	cur.color = "663399";
	cur.id = "1009";
	fakehost_respond(f->fh, "PATCH", "/repos/octo/hello/labels/test-label", 200,
			 "{\"id\":1009,\"name\":\"test-label-updated\",\"color\":\"BADA55\",\"description\":null}", NULL);

	/* labels.json's recorded rename + colour. */
	want.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR;
	want.color = "bada55";
	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), 0);
	assert_request(f, 0, "PATCH", "/repos/octo/hello/labels/test-label",
		       "{\"new_name\":\"test-label-updated\",\"color\":\"bada55\"}");

	/* Clearing the description sends "". */
	want = label_named(NULL);
	want.fields = EPITHET_FIELD_DESCRIPTION;
	want.description = NULL;
	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), 0);
	assert_request(f, 1, "PATCH", "/repos/octo/hello/labels/test-label", "{\"description\":\"\"}");

	want.fields = EPITHET_FIELD_DESCRIPTION;
	want.description = "new words";
	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), 0);
	assert_request(f, 2, "PATCH", "/repos/octo/hello/labels/test-label", "{\"description\":\"new words\"}");

	/* Fields GitHub does not store: no request at all. */
	want.fields = EPITHET_FIELD_EXCLUSIVE | EPITHET_FIELD_ARCHIVED;
	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);

	/* An empty new name is refused before sending. */
	want = label_named("");
	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), EPITHET_EINVALID);
	assert_int_equal(fakehost_request_count(f->fh), 3);
}

static void test_update_label_case_rename_escaped(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label_named("help wanted");
	struct epithet_label want = label_named("Help Wanted");

	/* A case-only rename addresses the stored name and sends new_name. */
	fakehost_respond(f->fh, "PATCH", "/repos/octo/hello/labels/help%20wanted", 200,
			 "{\"id\":1,\"name\":\"Help Wanted\",\"color\":\"008672\",\"description\":null}", NULL);
	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), 0);
	assert_request(f, 0, "PATCH", "/repos/octo/hello/labels/help%20wanted", "{\"new_name\":\"Help Wanted\"}");
}

static void test_update_label_errors(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label_named("old");
	struct epithet_label want = label_named("new");

	fakehost_respond(f->fh, "PATCH", "/repos/octo/hello/labels/old", 404, not_found, NULL);
	fakehost_respond(f->fh, "PATCH", "/repos/octo/hello/labels/old", 422, already_exists, NULL);

	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "\"old\"");
	assert_contains(f->err.message, "octo/hello");
	assert_int_equal(f->forge->update_label(f->s, "octo", "hello", &cur, &want, &f->err), EPITHET_EEXISTS);
	assert_contains(f->err.message, "\"new\"");
}

static void test_delete_label(void **state)
{
	struct fixture *f = *state;
	struct epithet_label cur = label_named("test-label-updated");

	fakehost_respond(f->fh, "DELETE", "/repos/octo/hello/labels/test-label-updated", 204, NULL, NULL);
	fakehost_respond(f->fh, "DELETE", "/repos/octo/hello/labels/test-label-updated", 404, not_found, NULL);

	assert_int_equal(f->forge->delete_label(f->s, "octo", "hello", &cur, &f->err), 0);
	assert_request(f, 0, "DELETE", "/repos/octo/hello/labels/test-label-updated", NULL);
	assert_int_equal(f->forge->delete_label(f->s, "octo", "hello", &cur, &f->err), EPITHET_ENOTFOUND);
	assert_int_equal(f->err.http_status, 404);
	assert_contains(f->err.message, "test-label-updated");
}

/* ---- status mapping and wrong shapes --------------------------------------------- */

static void test_status_mapping(void **state)
{
	static const struct {
		int status;
		const char *body;
		int code;
		const char *text;
	} cases[] = {
		{401, "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}",
		 EPITHET_EAUTH, "GitHub rejected the credentials (401): Bad credentials"},
		{403, "{\"message\":\"Resource not accessible by personal access token\"}",
		 EPITHET_EFORBIDDEN, "Resource not accessible by personal access token"},
		{404, not_found, EPITHET_ENOTFOUND, "labels of octo/hello"},
		{429, "{\"message\":\"slow down\"}", EPITHET_ERATELIMIT, "slow down"},
		{500, "", EPITHET_ESERVER, "500"},
		{502, "<html>Bad gateway</html>", EPITHET_ESERVER, "502"},
		{503, "{\"message\":\"Service\\nUnavailable\"}", EPITHET_ESERVER, "Service Unavailable"},
		{400, "{\"message\":\"Problems parsing JSON\"}", EPITHET_ERROR, "Problems parsing JSON"},
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct seen_labels seen = {0};

		fakehost_respond(f->fh, "GET", LABELS, cases[i].status, cases[i].body, NULL);
		memset(&f->err, 0, sizeof(f->err));
		assert_int_equal(f->forge->list_labels(f->s, "octo", "hello", collect_label, &seen, &f->err),
				 cases[i].code);
		assert_int_equal(f->err.code, cases[i].code);
		assert_int_equal(f->err.http_status, cases[i].status);
		assert_contains(f->err.message, cases[i].text);
		assert_null(strchr(f->err.message, '\n'));
		if (cases[i].status != 401) {
			assert_contains(f->err.message, "octo/hello");
		}
		assert_int_equal(seen.n, 0);
	}
}

static void test_status_mapping_writes(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = label_named("bug");

	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 403,
			 "{\"message\":\"Repository was archived so is read-only.\"}", NULL);
	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 401, "{\"message\":\"Bad credentials\"}", NULL);
	fakehost_respond(f->fh, "POST", "/repos/octo/hello/labels", 502, "", NULL);
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_EFORBIDDEN);
	assert_contains(f->err.message, "Repository was archived so is read-only.");
	assert_contains(f->err.message, "\"bug\"");
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_EAUTH);
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_ESERVER);
}

static void test_forbidden_sso(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};

	fakehost_respond(f->fh, "GET", LABELS, 403,
			 "{\"message\":\"Resource protected by organization SAML enforcement.\"}",
			 "X-GitHub-SSO: required; url=https://github.com/orgs/octo/sso?authorization_request=x");
	assert_int_equal(f->forge->list_labels(f->s, "octo", "hello", collect_label, &seen, &f->err),
			 EPITHET_EFORBIDDEN);
	assert_contains(f->err.message, "SAML enforcement");
	assert_contains(f->err.message, "SSO");
}

static void test_transport_failure_passed_on(void **state)
{
	struct fixture *f = *state;
	struct seen_labels seen = {0};
	struct epithet_label want = label_named("bug");

	fakehost_fail_next(f->fh, EPITHET_ENETWORK);
	assert_int_equal(f->forge->list_labels(f->s, "octo", "hello", collect_label, &seen, &f->err),
			 EPITHET_ENETWORK);
	assert_int_equal(f->err.code, EPITHET_ENETWORK);
	fakehost_fail_next(f->fh, EPITHET_ERATELIMIT);
	assert_int_equal(f->forge->create_label(f->s, "octo", "hello", &want, &f->err), EPITHET_ERATELIMIT);
}

static void test_wrong_shapes(void **state)
{
	static const char *const bodies[] = {
		"{\"message\":\"not a list\"}",
		"[1,2]",
		"[{\"name\":5,\"color\":\"ffffff\"}]",
		"[{\"color\":\"ffffff\"}]",
		"[{\"name\":\"x\"}]",
		"[{\"name\":\"x\",\"color\":\"fff\"}]",
		"[{\"name\":\"x\",\"color\":\"gggggg\"}]",
		"[{\"name\":\"x\",\"color\":\"ffffff\",\"description\":7}]",
		"[{\"name\":\"x\",\"color\":\"ffffff\",\"id\":\"12\"}]",
		"[{\"name\":\"x\",\"color\":\"ffffff\"}",
		"[{\"name\":\"x\",\"color\":\"ffffff\"}] trailing",
		"",
		"null",
		"\"[]\"",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"[{\"name\":\"\xC3\x28\",\"color\":\"ffffff\"}]",
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct seen_labels seen = {0};

		fakehost_respond(f->fh, "GET", LABELS, 200, bodies[i], NULL);
		memset(&f->err, 0, sizeof(f->err));
		if (f->forge->list_labels(f->s, "octo", "hello", collect_label, &seen, &f->err) !=
		    EPITHET_EPROTOCOL) {
			fail_msg("body %zu (%s) was not EPROTOCOL", i, bodies[i]);
		}
		assert_int_equal(f->err.code, EPITHET_EPROTOCOL);
		assert_contains(f->err.message, "labels of octo/hello");
	}
}

static void test_wrong_shapes_repos_and_items(void **state)
{
	static const char *const repo_lists[] = {
		"{}",
		"[{\"name\":\"a\"}]",
		"[{\"name\":\"a\",\"owner\":\"octo\"}]",
		"[{\"name\":\"a\",\"owner\":{\"login\":\"octo\"},\"archived\":\"yes\"}]",
		"[{\"name\":\"a\",\"owner\":{\"login\":\"octo\"},\"topics\":\"cli\"}]",
		"[{\"name\":\"a\",\"owner\":{\"login\":\"octo\"},\"topics\":[1]}]",
		"[{\"name\":\"a\",\"owner\":{\"login\":\"octo\"},\"permissions\":{\"push\":1}}]",
	};
	struct fixture *f = *state;
	struct epithet_label bug = label_named("bug");
	struct seen_items items = {0};
	size_t i;

	for (i = 0; i < sizeof(repo_lists) / sizeof(repo_lists[0]); i++) {
		struct seen_repos seen = {0};

		fakehost_respond(f->fh, "GET", ORG_REPOS, 200, repo_lists[i], NULL);
		if (f->forge->list_repos(f->s, "octo", collect_repo, &seen, &f->err) != EPITHET_EPROTOCOL) {
			fail_msg("repo list %zu (%s) was not EPROTOCOL", i, repo_lists[i]);
		}
		assert_contains(f->err.message, "repositories of octo");
	}

	fakehost_respond(f->fh, "GET", "/repos/octo/hello", 200, "[]", NULL);
	assert_int_equal(f->forge->get_repo(f->s, "octo", "hello", collect_repo, NULL, &f->err),
			 EPITHET_EPROTOCOL);
	fakehost_respond(f->fh, "GET", "/repos/octo/hello", 200, "{\"name\":", NULL);
	assert_int_equal(f->forge->get_repo(f->s, "octo", "hello", collect_repo, NULL, &f->err),
			 EPITHET_EPROTOCOL);

	fakehost_respond(f->fh, "GET", "/repos/octo/hello/issues?labels=bug&state=all&per_page=100", 200,
			 "[{\"number\":\"1\"}]", NULL);
	assert_int_equal(f->forge->list_labelled(f->s, "octo", "hello", &bug, collect_item, &items, &f->err),
			 EPITHET_EPROTOCOL);
	assert_int_equal(items.n, 0);
}

/* ---- issues ------------------------------------------------------------------------ */

static void test_list_labelled(void **state)
{
	struct fixture *f = *state;
	struct epithet_label label = label_named("help wanted");
	struct seen_items seen = {0};

	/* paginate-issues.json's Link shape: absolute /repositories/ URLs. */
	fakehost_respond(f->fh, "GET", "/repos/octo/hello/issues?labels=help%20wanted&state=all&per_page=100", 200,
		"[{\"number\":13,\"title\":\"a bug\",\"labels\":[{\"name\":\"help wanted\"}]},"
		"{\"number\":12,\"title\":\"a PR\",\"pull_request\":{\"url\":\"https://api.github.com/repos/octo/hello/pulls/12\"},"
		"\"labels\":[{\"name\":\"help wanted\"}]}]",
		"Link: <https://api.github.com/repositories/1000/issues?labels=help%20wanted&state=all&per_page=100&page=2>; rel=\"next\", "
		"<https://api.github.com/repositories/1000/issues?labels=help%20wanted&state=all&per_page=100&page=2>; rel=\"last\"");
	fakehost_respond(f->fh, "GET", "/repositories/1000/issues?labels=help%20wanted&state=all&per_page=100&page=2", 200,
		"[{\"number\":3,\"state\":\"closed\",\"pull_request\":{},\"labels\":[]}]",
		"Link: <https://api.github.com/repositories/1000/issues?labels=help%20wanted&state=all&per_page=100&page=1>; rel=\"first\"");

	assert_int_equal(f->forge->list_labelled(f->s, "octo", "hello", &label, collect_item, &seen, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 2);
	assert_int_equal(fakehost_unmatched(f->fh), 0);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.number[0], 13);
	assert_int_equal(seen.is_pull[0], 0);
	assert_int_equal(seen.number[1], 12);
	assert_int_equal(seen.is_pull[1], 1);
	assert_int_equal(seen.number[2], 3);
	assert_int_equal(seen.is_pull[2], 1);
}

static void test_list_labelled_query_escaped(void **state)
{
	struct fixture *f = *state;
	struct epithet_label label = label_named("a&b=c #1 \xF0\x9F\x90\x9B");
	struct seen_items seen = {0};

	fakehost_respond(f->fh, "GET",
			 "/repos/octo/hello/issues?labels=a%26b%3Dc%20%231%20%F0%9F%90%9B&state=all&per_page=100",
			 200, "[]", NULL);
	assert_int_equal(f->forge->list_labelled(f->s, "octo", "hello", &label, collect_item, &seen, &f->err), 0);
	assert_int_equal(fakehost_unmatched(f->fh), 0);
	assert_int_equal(seen.n, 0);
}

static void test_list_labelled_comma(void **state)
{
	struct fixture *f = *state;
	struct epithet_label label = label_named("needs triage, maybe");
	struct seen_items seen = {0};

	/* labels= would split the name: every issue is read and filtered. */
	fakehost_respond(f->fh, "GET", "/repos/octo/hello/issues?state=all&per_page=100", 200,
		"[{\"number\":5,\"labels\":[{\"name\":\"needs triage\"},{\"name\":\" maybe\"}]},"
		"{\"number\":4,\"labels\":[{\"name\":\"bug\"},{\"name\":\"needs triage, maybe\"}]},"
		"{\"number\":2,\"pull_request\":{},\"labels\":[\"needs triage, maybe\"]},"
		"{\"number\":1}]", NULL);
	assert_int_equal(f->forge->list_labelled(f->s, "octo", "hello", &label, collect_item, &seen, &f->err), 0);
	assert_request(f, 0, "GET", "/repos/octo/hello/issues?state=all&per_page=100", NULL);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.number[0], 4);
	assert_int_equal(seen.is_pull[0], 0);
	assert_int_equal(seen.number[1], 2);
	assert_int_equal(seen.is_pull[1], 1);
	assert_true(fakehost_log_contains(f->fh, "comma"));
}

static void test_add_label(void **state)
{
	struct fixture *f = *state;
	struct epithet_label label = label_named("Foo");

	/* add-labels-to-issue.json: 200 with the issue's labels. */
	fakehost_respond(f->fh, "POST", "/repos/octo/hello/issues/12/labels", 200,
			 "[{\"id\":1000,\"name\":\"Foo\",\"color\":\"ededed\",\"default\":false,\"description\":null}]", NULL);
	fakehost_respond(f->fh, "POST", "/repos/octo/hello/issues/99/labels", 404, not_found, NULL);

	assert_int_equal(f->forge->add_label(f->s, "octo", "hello", 12, &label, &f->err), 0);
	assert_request(f, 0, "POST", "/repos/octo/hello/issues/12/labels", "{\"labels\":[\"Foo\"]}");
	/* adding a label twice changes nothing: the host may retry it (ABI 1.1) */
	assert_true(fakehost_request(f->fh, 0)->flags & EPITHET_HTTP_IDEMPOTENT);
	assert_int_equal(f->forge->add_label(f->s, "octo", "hello", 99, &label, &f->err), EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "#99");
	assert_contains(f->err.message, "octo/hello");
}

/* ---- threads ------------------------------------------------------------------------- */

struct reader {
	struct fixture *f;
	int rc;
	size_t labels;
};

static void *read_labels(void *arg)
{
	struct reader *r = arg;
	struct epithet_error err;
	int i;

	for (i = 0; i < 20; i++) {
		struct seen_labels seen = {0};

		memset(&err, 0, sizeof(err));
		r->rc = r->f->forge->list_labels(r->f->s, "octo", "hello", collect_label, &seen, &err);
		if (r->rc != 0) {
			break;
		}
		r->labels += seen.n;
	}
	return NULL;
}

static void test_concurrent_reads(void **state)
{
	struct fixture *f = *state;
	struct reader readers[4];
	pthread_t threads[4];
	size_t i;

	fakehost_respond(f->fh, "GET", LABELS, 200, recorded_labels, NULL);
	for (i = 0; i < 4; i++) {
		readers[i].f = f;
		readers[i].rc = -1;
		readers[i].labels = 0;
		assert_int_equal(pthread_create(&threads[i], NULL, read_labels, &readers[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(readers[i].rc, 0);
		assert_int_equal(readers[i].labels, 20 * 9);
	}
	assert_int_equal(fakehost_request_count(f->fh), 80);
}

/* ---- the fake itself (shared with other plugins' tests) ----------------------------------- */

static int count_page(const struct epithet_http_response *resp, void *payload,
		      struct epithet_error *err)
{
	struct json_object *root = json_tokener_parse(resp->body);
	int n;

	(void)err;
	(void)payload;
	n = json_object_is_type(root, json_type_array) ? (int)json_object_array_length(root) : -1;
	json_object_put(root);
	return n;
}

static void test_fakehost_page_param(void **state)
{
	struct fixture *f = *state;
	const struct epithet_host *h = fakehost_host(f->fh);
	struct epithet_http_request req;
	char *s;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.method = "GET";
	req.url = "/repos/o/r/labels?limit=2";
	req.page_param = "page";
	/* X-Total-Count semantics: 2 + 2 + 1 = 5 items, so page 4 is never asked. */
	fakehost_respond(f->fh, "GET", "/repos/o/r/labels?limit=2&page=1", 200, "[1,2]", "X-Total-Count: 5");
	fakehost_respond(f->fh, "GET", "/repos/o/r/labels?limit=2&page=2", 200, "[3,4]", "x-total-count: 5");
	fakehost_respond(f->fh, "GET", "/repos/o/r/labels?limit=2&page=3", 200, "[5]", "X-Total-Count: 5");
	assert_int_equal(h->http_paginate(h->host_data, &req, count_page, NULL, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_int_equal(fakehost_unserved(f->fh), 0);

	/* Without X-Total-Count an empty page ends the walk. */
	req.url = "/orgs/o/labels";
	fakehost_respond(f->fh, "GET", "/orgs/o/labels?page=1", 200, "[1]", NULL);
	fakehost_respond(f->fh, "GET", "/orgs/o/labels?page=2", 200, "[]", NULL);
	assert_int_equal(h->http_paginate(h->host_data, &req, count_page, NULL, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 5);

	/* Nor with a short page under limit=. */
	req.url = "/orgs/o/labels?limit=3";
	fakehost_respond(f->fh, "GET", "/orgs/o/labels?limit=3&page=1", 200, "[1,2,3]", NULL);
	fakehost_respond(f->fh, "GET", "/orgs/o/labels?limit=3&page=2", 200, "[4]", NULL);
	assert_int_equal(h->http_paginate(h->host_data, &req, count_page, NULL, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 7);

	/* A Link leaving the API root is not followed. */
	req.url = "/x";
	req.page_param = NULL;
	fakehost_respond(f->fh, "GET", "/x", 200, "[1]", "Link: <https://evil.example.com/x?page=2>; rel=\"next\"");
	assert_int_equal(h->http_paginate(h->host_data, &req, count_page, NULL, &f->err), EPITHET_EPROTOCOL);

	/* escape_segment and http_header as documented. */
	s = h->escape_segment(h->host_data, "a b/%?#~.\xF0\x9F\x90\x9B");
	assert_string_equal(s, "a%20b%2F%25%3F%23~.%F0%9F%90%9B");
	h->free(h->host_data, s);
	s = h->escape_segment(h->host_data, "..");
	assert_string_equal(s, "%2E%2E");
	h->free(h->host_data, s);

	/* A request without a canned answer fails and is counted. */
	{
		struct epithet_http_response *resp = NULL;

		req.url = "/nothing here";
		assert_int_equal(h->http(h->host_data, &req, &resp, &f->err), EPITHET_ENETWORK);
		assert_null(resp);
		assert_int_equal(fakehost_unmatched(f->fh), 1);
		/* ...and the raw space in it is a violation; forget it so
		 * teardown's check stays about the plugin. */
		assert_int_equal(fakehost_violations(f->fh), 1);
		fakehost_clear_requests(f->fh);
	}
}

/* ---- read_file (ABI 1.1) ------------------------------------------------------ */

static void free_file(struct fixture *f, char *out)
{
	const struct epithet_host *h = fakehost_host(f->fh);

	h->free(h->host_data, out);
}

static void test_read_file(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	size_t len = 0;

	/* "labels:\n- name: bug\n" in base64, broken into lines as GitHub does */
	fakehost_respond(f->fh, "GET", "/repos/octo/.github/contents/labels/common%20x.yml?ref=v2", 200,
			 "{\"type\":\"file\",\"encoding\":\"base64\",\"sha\":\"abc\",\"size\":20,"
			 "\"content\":\"bGFiZWxzOgotIG5h\\nbWU6IGJ1Zwo=\\n\"}", NULL);
	assert_true(EPITHET_HAS_METHOD(struct epithet_forge, f->forge, read_file));
	assert_true(f->forge->capabilities & EPITHET_CAP_READ_FILE);
	assert_int_equal(f->forge->read_file(f->s, "octo", ".github", "labels/common x.yml", "v2", &out,
					     &len, &f->err), 0);
	assert_int_equal(len, 20);
	assert_memory_equal(out, "labels:\n- name: bug\n", 21); /* NUL-terminated */
	free_file(f, out);
	assert_int_equal(fakehost_request_count(f->fh), 1);
}

static void test_read_file_large_from_blob(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	size_t len = 0;

	fakehost_respond(f->fh, "GET", "/repos/octo/hello/contents/big.yml", 200,
			 "{\"type\":\"file\",\"encoding\":\"none\",\"content\":\"\",\"sha\":\"5ha1\",\"size\":2000000}",
			 NULL);
	fakehost_respond(f->fh, "GET", "/repos/octo/hello/git/blobs/5ha1", 200,
			 "{\"sha\":\"5ha1\",\"encoding\":\"base64\",\"content\":\"eDog\\neQ==\\n\"}", NULL);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "big.yml", NULL, &out, &len,
					     &f->err), 0);
	assert_int_equal(len, 4);
	assert_string_equal(out, "x: y");
	free_file(f, out);
}

static void test_read_file_errors(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	size_t len = 0;

	fakehost_respond(f->fh, "GET", "/repos/octo/hello/contents/nope.yml?ref=main", 404, not_found, NULL);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "nope.yml", "main", &out, &len,
					     &f->err), EPITHET_ENOTFOUND);
	assert_null(out);
	fakehost_respond(f->fh, "GET", "/repos/octo/hello/contents/labels", 200,
			 "[{\"type\":\"file\",\"name\":\"a.yml\"}]", NULL);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "labels", NULL, &out, &len,
					     &f->err), EPITHET_EINVALID);
	assert_non_null(strstr(f->err.message, "is a directory"));
	fakehost_respond(f->fh, "GET", "/repos/octo/hello/contents/sub", 200,
			 "{\"type\":\"submodule\",\"sha\":\"x\"}", NULL);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "sub", NULL, &out, &len,
					     &f->err), EPITHET_EINVALID);
	fakehost_respond(f->fh, "GET", "/repos/octo/hello/contents/bad.yml", 200,
			 "{\"type\":\"file\",\"encoding\":\"base64\",\"content\":\"@@@\"}", NULL);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "bad.yml", NULL, &out, &len,
					     &f->err), EPITHET_EPROTOCOL);
	/* paths that leave the repository or are not paths: no request */
	fakehost_clear_requests(f->fh);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "../x.yml", NULL, &out, &len,
					     &f->err), EPITHET_EINVALID);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "/x.yml", NULL, &out, &len,
					     &f->err), EPITHET_EINVALID);
	assert_int_equal(f->forge->read_file(f->s, "octo", "hello", "a//x.yml", NULL, &out, &len,
					     &f->err), EPITHET_EINVALID);
	assert_int_equal(fakehost_request_count(f->fh), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test_setup_teardown(test_endpoint_dotcom_default, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_github_api_url_env, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_ghes_url, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_ghes_url_variants, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_url_is_dotcom, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_api_url, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_invalid, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_refused_by_host, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_paginated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_user_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_installation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_no_such_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_own_user_includes_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_escaped_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_callback_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_repo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_normalised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_empty_repo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labels_no_org_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_paths_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repo_segments_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_label_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_label_exists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_label_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_label_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_label_case_rename_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_label_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_mapping_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forbidden_sso, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport_failure_passed_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_shapes_repos_and_items, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labelled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labelled_query_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_labelled_comma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fakehost_page_param, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_large_from_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_file_errors, setup, teardown),
	};

	return cmocka_run_group_tests_name("github", tests, NULL, NULL);
}
