/* SPDX-License-Identifier: MIT */
/*
 * The gitlab plugin driven through its vtable against fakehost: where it
 * talks to (gitlab.com, --url, --api-url, GITLAB_HOST) and with which token
 * variables, the exact requests it sends (projects by numeric id in writes,
 * subgroups without shared projects, labels by id, '#rrggbb' colours, no
 * "exclusive"), inherited labels flagged with the group that holds them,
 * colours normalised, counts, issues and merge requests told apart, and
 * GitLab's error shapes mapped to statuses. Canned bodies follow
 * shared/specs/gitlab-recorded/ (trap numbers: GITLAB.md section 7).
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
#include "../../plugins/gitlab/gitlab-parse.h"

#define URL "https://gitlab.example.com"

static const char project_api[] =
	"{\"id\":42,\"name\":\"API\",\"path\":\"api\",\"path_with_namespace\":\"acme/platform/api\","
	"\"namespace\":{\"id\":7,\"kind\":\"group\",\"full_path\":\"acme/platform\",\"parent_id\":5},"
	"\"archived\":false,\"topics\":[\"go\"],\"visibility\":\"private\"}";
static const char projects_page[] =
	"[{\"id\":42,\"name\":\"API\",\"path\":\"api\",\"path_with_namespace\":\"acme/platform/api\","
	"\"namespace\":{\"id\":7,\"kind\":\"group\",\"full_path\":\"acme/platform\"},\"archived\":true,"
	"\"topics\":[]},"
	"{\"id\":43,\"name\":\"web\",\"path\":\"web\",\"path_with_namespace\":\"acme/web\","
	"\"namespace\":{\"id\":5,\"kind\":\"group\",\"full_path\":\"acme\"},\"archived\":false,"
	"\"forked_from_project\":{\"id\":1}}]";
/* labels.json, with an inherited label from acme (id 8) and one from acme/platform (id 9) */
static const char project_labels[] =
	"[{\"id\":1,\"name\":\"bug\",\"color\":\"#D9534F\",\"description\":\"Bug reported by user\","
	"\"open_issues_count\":1,\"closed_issues_count\":2,\"open_merge_requests_count\":1,"
	"\"priority\":10,\"is_project_label\":true,\"archived\":false},"
	"{\"id\":4,\"name\":\"old\",\"color\":\"red\",\"description\":null,\"is_project_label\":true},"
	"{\"id\":8,\"name\":\"kind::bug\",\"color\":\"#F0A\",\"description\":\"\","
	"\"is_project_label\":false},"
	"{\"id\":9,\"name\":\"team\",\"color\":\"#00ff00\",\"is_project_label\":false}]";
static const char acme_own[] = "[{\"id\":8,\"name\":\"kind::bug\",\"color\":\"#F0A\"}]";

#define PROJECTS "/groups/acme/projects?include_subgroups=true&with_shared=false&order_by=id&sort=asc&per_page=100"
#define LABELS "/projects/42/labels?with_counts=true&per_page=100"

struct fixture {
	struct fakehost *fh;
	const struct epithet_forge *forge;
	epithet_forge_session *s;
	struct epithet_session_info info;
	struct epithet_error err;
};

static int setup(void **state)
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
	unsetenv("GITLAB_HOST");
	if (fakehost_open(f->fh, f->forge, URL, NULL, "acme", &f->info, &f->s, &f->err) != 0) {
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->forge->close(f->s);
	assert_int_equal(fakehost_violations(f->fh), 0);
	assert_int_equal(fakehost_outstanding(f->fh), 0);
	fakehost_free(f->fh);
	free(f);
	return 0;
}

/* ---- collecting ---------------------------------------------------------------- */

struct seen {
	char names[16][64];
	char owners[16][64];
	char colors[16][8];
	char holders[16][64];
	uint32_t flags[16];
	int64_t issues[16], pulls[16];
	size_t n;
};

static int collect_label(const struct epithet_label *l, void *payload)
{
	struct seen *s = payload;

	snprintf(s->names[s->n], 64, "%s", l->name);
	snprintf(s->colors[s->n], 8, "%s", l->color ? l->color : "");
	snprintf(s->holders[s->n], 64, "%s", l->holder ? l->holder : "");
	s->flags[s->n] = l->flags;
	s->issues[s->n] = l->issues;
	s->pulls[s->n] = l->pulls;
	s->n++;
	return 0;
}

static int collect_repo(const struct epithet_repo *r, void *payload)
{
	struct seen *s = payload;

	snprintf(s->owners[s->n], 64, "%s", r->owner);
	snprintf(s->names[s->n], 64, "%s", r->name);
	s->flags[s->n] = r->flags;
	s->n++;
	return 0;
}

static int collect_item(const struct epithet_item *it, void *payload)
{
	struct seen *s = payload;

	s->issues[s->n] = (int64_t)it->number;
	s->flags[s->n] = it->is_pull;
	s->n++;
	return 0;
}

/* ---- where and who ----------------------------------------------------------------- */

static void test_endpoint(void **state)
{
	struct fixture *f = *state;
	const struct epithet_endpoint *ep = fakehost_endpoint(f->fh);

	assert_string_equal(ep->api_root, URL "/api/v4");
	assert_string_equal(ep->auth_scheme, "Bearer");
	assert_string_equal(ep->token_env[0], "GITLAB_TOKEN");
	assert_string_equal(ep->token_env[1], "GITLAB_ACCESS_TOKEN");
	assert_null(ep->token_env[2]);
	assert_int_equal(ep->write_interval_ms, 0);
	assert_string_equal(f->info.display, URL);
	/* open() sends nothing: a 401 shows on the first read. */
	assert_int_equal(fakehost_request_count(f->fh), 0);
}

static const char *root_of(struct fixture *f, const char *url, const char *api_url)
{
	struct fakehost *fh = fakehost_new();
	epithet_forge_session *s = NULL;
	struct epithet_session_info info;
	struct epithet_error err;
	static char root[200];

	assert_int_equal(fakehost_open(fh, f->forge, url, api_url, "acme", &info, &s, &err), 0);
	snprintf(root, sizeof(root), "%s", fakehost_endpoint(fh)->api_root);
	f->forge->close(s);
	fakehost_free(fh);
	return root;
}

static void test_where(void **state)
{
	struct fixture *f = *state;
	struct fakehost *fh;
	epithet_forge_session *s = NULL;
	struct epithet_session_info info;
	struct epithet_error err;

	assert_string_equal(root_of(f, NULL, NULL), "https://gitlab.com/api/v4");
	assert_string_equal(root_of(f, "https://git.example.org/gitlab/", NULL),
			    "https://git.example.org/gitlab/api/v4");
	assert_string_equal(root_of(f, "https://git.example.org/api/v4", NULL),
			    "https://git.example.org/api/v4");
	assert_string_equal(root_of(f, NULL, "https://ci.example.org/api/v4/"),
			    "https://ci.example.org/api/v4");
	setenv("GITLAB_HOST", "gl.example.net", 1);
	assert_string_equal(root_of(f, NULL, NULL), "https://gl.example.net/api/v4");
	setenv("GITLAB_HOST", "http://127.0.0.1:8080", 1);
	assert_string_equal(root_of(f, NULL, NULL), "http://127.0.0.1:8080/api/v4");
	/* --url wins over GITLAB_HOST */
	assert_string_equal(root_of(f, "https://a.example", NULL), "https://a.example/api/v4");
	unsetenv("GITLAB_HOST");
	fh = fakehost_new();
	assert_int_equal(fakehost_open(fh, f->forge, "https://u:p@x.example", NULL, "acme", &info, &s, &err),
			 EPITHET_EINVALID);
	assert_null(strstr(err.message, "u:p"));
	fakehost_free(fh);
}

/* ---- projects -------------------------------------------------------------------------- */

static void test_list_repos(void **state)
{
	struct fixture *f = *state;
	struct seen s = {0};

	fakehost_respond(f->fh, "GET", PROJECTS "&page=1", 200, projects_page, NULL);
	assert_int_equal(f->forge->list_repos(f->s, "acme", collect_repo, &s, &f->err), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.owners[0], "acme/platform");
	assert_string_equal(s.names[0], "api");
	assert_true(s.flags[0] & EPITHET_REPO_ARCHIVED);
	assert_string_equal(s.owners[1], "acme");
	assert_true(s.flags[1] & EPITHET_REPO_FORK);
	assert_int_equal(fakehost_request_count(f->fh), 1);
	/* the id is remembered: writes go to /projects/42 without a lookup */
	fakehost_respond(f->fh, "DELETE", "/projects/42/labels/1", 204, "", NULL);
	{
		struct epithet_label cur = {.struct_size = sizeof(cur), .name = "bug", .id = "1"};

		assert_int_equal(f->forge->delete_label(f->s, "acme/platform", "api", &cur, &f->err), 0);
	}
	assert_request(f, 1, "DELETE", "/projects/42/labels/1", NULL);
}

static void test_list_repos_of_a_user(void **state)
{
	struct fixture *f = *state;
	struct seen s = {0};

	fakehost_respond(f->fh, "GET", "/groups/alice/projects?include_subgroups=true&with_shared=false"
			 "&order_by=id&sort=asc&per_page=100&page=1", 404,
			 "{\"message\":\"404 Group Not Found\"}", NULL);
	fakehost_respond(f->fh, "GET", "/users/alice/projects?order_by=id&sort=asc&per_page=100&page=1",
			 200, "[]", NULL);
	assert_int_equal(f->forge->list_repos(f->s, "alice", collect_repo, &s, &f->err), 0);
	assert_int_equal(s.n, 0);
	/* a user namespace has no labels of its own: no request */
	assert_int_equal(f->forge->list_labels(f->s, "alice", NULL, collect_label, &s, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 2);
}

static void test_get_repo_by_full_path(void **state)
{
	struct fixture *f = *state;
	struct seen s = {0};

	fakehost_respond(f->fh, "GET", "/projects/acme%2Fplatform%2Fapi", 200, project_api, NULL);
	assert_int_equal(f->forge->get_repo(f->s, "acme/platform", "api", collect_repo, &s, &f->err), 0);
	assert_string_equal(s.owners[0], "acme/platform");
	assert_string_equal(s.names[0], "api");
	fakehost_respond(f->fh, "GET", "/projects/acme%2Fnope", 404,
			 "{\"message\":\"404 Project Not Found\"}", NULL);
	assert_int_equal(f->forge->get_repo(f->s, "acme", "nope", collect_repo, &s, &f->err),
			 EPITHET_ENOTFOUND);
	assert_contains(f->err.message, "404 Project Not Found");
}

/* ---- labels ------------------------------------------------------------------------------ */

static void test_project_labels_and_inheritance(void **state)
{
	struct fixture *f = *state;
	struct seen s = {0};

	fakehost_respond(f->fh, "GET", "/projects/acme%2Fplatform%2Fapi", 200, project_api, NULL);
	assert_int_equal(f->forge->get_repo(f->s, "acme/platform", "api", collect_repo, &s, &f->err), 0);
	memset(&s, 0, sizeof(s));
	fakehost_clear_requests(f->fh);
	fakehost_respond(f->fh, "GET", LABELS "&page=1", 200, project_labels, NULL);
	fakehost_respond(f->fh, "GET", "/groups/acme/labels?include_ancestor_groups=false&per_page=100&page=1",
			 200, acme_own, NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme/platform", "api", collect_label, &s, &f->err), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.colors[0], "d9534f");
	assert_int_equal(s.issues[0], 3);
	assert_int_equal(s.pulls[0], 1);
	assert_false(s.flags[0] & EPITHET_LABEL_OWNER);
	assert_string_equal(s.colors[1], "ff0000"); /* "red", an old label */
	assert_int_equal(s.issues[1], -1);
	assert_string_equal(s.colors[2], "ff00aa"); /* "#F0A" */
	assert_true(s.flags[2] & EPITHET_LABEL_OWNER);
	assert_true(s.flags[2] & EPITHET_LABEL_EXCLUSIVE);
	assert_string_equal(s.holders[2], "acme");
	assert_true(s.flags[3] & EPITHET_LABEL_OWNER);
	assert_string_equal(s.holders[3], "acme/platform");
	/* acme's own labels are read once a session */
	memset(&s, 0, sizeof(s));
	assert_int_equal(f->forge->list_labels(f->s, "acme/platform", "api", collect_label, &s, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_request(f, 0, "GET", LABELS "&page=1", NULL);
	assert_request(f, 2, "GET", LABELS "&page=1", NULL);
}

/* A namespace deeper than any fixed buffer (20 levels of up to 255 bytes):
 * the holder is asked of the group's whole path, never a truncated one. */
static void test_holder_of_a_deep_namespace(void **state)
{
	struct fixture *f = *state;
	struct seen s = {0};
	char mid[601], ns[700], esc[800], url[1000];

	memset(mid, 'x', 600);
	mid[600] = '\0';
	snprintf(ns, sizeof(ns), "a/%s/c", mid);
	snprintf(esc, sizeof(esc), "a%%2F%s", mid);
	snprintf(url, sizeof(url), "/projects/%s%%2Fc%%2Fp/labels?with_counts=true&per_page=100&page=1", esc);
	fakehost_respond(f->fh, "GET", url, 200,
			 "[{\"id\":9,\"name\":\"team\",\"color\":\"#00ff00\",\"is_project_label\":false}]",
			 NULL);
	fakehost_respond(f->fh, "GET", "/groups/a/labels?include_ancestor_groups=false&per_page=100&page=1",
			 200, "[]", NULL);
	snprintf(url, sizeof(url), "/groups/%s/labels?include_ancestor_groups=false&per_page=100&page=1", esc);
	fakehost_respond(f->fh, "GET", url, 200, "[{\"id\":9,\"name\":\"team\",\"color\":\"#0f0\"}]",
			 NULL);
	assert_int_equal(f->forge->list_labels(f->s, ns, "p", collect_label, &s, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	assert_request(f, 2, "GET", url, NULL);
	assert_int_equal(s.n, 1);
	assert_true(s.flags[0] & EPITHET_LABEL_OWNER);
	assert_int_equal(strncmp(s.holders[0], "a/xxx", 5), 0);
}

static void test_group_labels_own_then_ancestors(void **state)
{
	struct fixture *f = *state;
	struct seen s = {0};

	fakehost_respond(f->fh, "GET", "/groups/acme%2Fplatform/labels?with_counts=true"
			 "&include_ancestor_groups=false&per_page=100&page=1", 200,
			 "[{\"id\":9,\"name\":\"team\",\"color\":\"#00FF00\",\"description\":null}]", NULL);
	fakehost_respond(f->fh, "GET", "/groups/acme/labels?with_counts=true"
			 "&include_ancestor_groups=false&per_page=100&page=1", 200, acme_own, NULL);
	assert_int_equal(f->forge->list_labels(f->s, "acme/platform", NULL, collect_label, &s, &f->err), 0);
	assert_int_equal(s.n, 2);
	assert_false(s.flags[0] & EPITHET_LABEL_OWNER);
	assert_true(s.flags[1] & EPITHET_LABEL_OWNER);
	assert_string_equal(s.holders[1], "acme");
}

static void test_create_update_delete(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = {.struct_size = sizeof(want),
				     .fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR |
					       EPITHET_FIELD_DESCRIPTION | EPITHET_FIELD_EXCLUSIVE,
				     .name = "prio::high", .color = "B60205", .description = "x",
				     .flags = EPITHET_LABEL_EXCLUSIVE};
	struct epithet_label cur = {.struct_size = sizeof(cur), .name = "Bug", .id = "1"};
	struct epithet_label ren = {.struct_size = sizeof(ren), .fields = EPITHET_FIELD_NAME, .name = "bug"};
	struct epithet_label excl = {.struct_size = sizeof(excl), .fields = EPITHET_FIELD_EXCLUSIVE};
	struct epithet_label inh = {.struct_size = sizeof(inh), .name = "team", .id = "9",
				    .flags = EPITHET_LABEL_OWNER};

	fakehost_respond(f->fh, "GET", "/projects/acme%2Fplatform%2Fapi", 200, project_api, NULL);
	fakehost_respond(f->fh, "POST", "/projects/42/labels", 201, "{\"id\":10,\"name\":\"prio::high\"}", NULL);
	assert_int_equal(f->forge->create_label(f->s, "acme/platform", "api", &want, &f->err), 0);
	/* the id is looked up once, then the write goes by id; no "exclusive" */
	assert_request(f, 0, "GET", "/projects/acme%2Fplatform%2Fapi", NULL);
	assert_request(f, 1, "POST", "/projects/42/labels",
		       "{\"name\":\"prio::high\",\"color\":\"#b60205\",\"description\":\"x\"}");
	fakehost_respond(f->fh, "PUT", "/projects/42/labels/1", 200, "{\"id\":1,\"name\":\"bug\"}", NULL);
	assert_int_equal(f->forge->update_label(f->s, "acme/platform", "api", &cur, &ren, &f->err), 0);
	assert_request(f, 2, "PUT", "/projects/42/labels/1", "{\"new_name\":\"bug\"}");
	/* only "exclusive": nothing to send */
	assert_int_equal(f->forge->update_label(f->s, "acme/platform", "api", &cur, &excl, &f->err), 0);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	/* an inherited label is never written from the project */
	assert_int_equal(f->forge->delete_label(f->s, "acme/platform", "api", &inh, &f->err),
			 EPITHET_EFORBIDDEN);
	assert_int_equal(fakehost_request_count(f->fh), 3);
	/* group labels through /groups/ */
	fakehost_respond(f->fh, "POST", "/groups/acme%2Fplatform/labels", 201, "{\"id\":11}", NULL);
	want.fields = EPITHET_FIELD_NAME;
	assert_int_equal(f->forge->create_label(f->s, "acme/platform", NULL, &want, &f->err), 0);
	assert_request(f, 3, "POST", "/groups/acme%2Fplatform/labels",
		       "{\"name\":\"prio::high\",\"color\":\"#6699cc\"}");
	/* nor through a subgroup: an ancestor's label in a group's list */
	assert_int_equal(f->forge->delete_label(f->s, "acme/platform", NULL, &inh, &f->err),
			 EPITHET_EFORBIDDEN);
	assert_int_equal(f->forge->update_label(f->s, "acme/platform", NULL, &inh, &ren, &f->err),
			 EPITHET_EFORBIDDEN);
	assert_int_equal(fakehost_request_count(f->fh), 4);
	fakehost_respond(f->fh, "DELETE", "/groups/acme%2Fplatform/labels/9", 404,
			 "{\"message\":\"404 Label Not Found\"}", NULL);
	inh.flags = 0;
	assert_int_equal(f->forge->delete_label(f->s, "acme/platform", NULL, &inh, &f->err),
			 EPITHET_ENOTFOUND);
	/* a comma is refused before any request */
	want.name = "a,b";
	assert_int_equal(f->forge->create_label(f->s, "acme/platform", "api", &want, &f->err),
			 EPITHET_EINVALID);
	assert_int_equal(fakehost_request_count(f->fh), 5);
}

static void test_statuses(void **state)
{
	struct fixture *f = *state;
	struct epithet_label want = {.struct_size = sizeof(want), .fields = EPITHET_FIELD_NAME,
				     .name = "bug"};
	struct epithet_label cur = {.struct_size = sizeof(cur), .name = "old", .id = "4"};
	struct epithet_label ren = {.struct_size = sizeof(ren), .fields = EPITHET_FIELD_NAME, .name = "bug"};

	fakehost_respond(f->fh, "GET", "/projects/acme%2Fplatform%2Fapi", 200, project_api, NULL);
	fakehost_respond(f->fh, "POST", "/projects/42/labels", 409, "{\"message\":\"Label already exists\"}", NULL);
	assert_int_equal(f->forge->create_label(f->s, "acme/platform", "api", &want, &f->err), EPITHET_EEXISTS);
	fakehost_respond(f->fh, "PUT", "/projects/42/labels/4", 400,
			 "{\"message\":{\"title\":[\"has already been taken\"]}}", NULL);
	assert_int_equal(f->forge->update_label(f->s, "acme/platform", "api", &cur, &ren, &f->err),
			 EPITHET_EEXISTS);
	assert_contains(f->err.message, "title has already been taken");
	fakehost_respond(f->fh, "DELETE", "/projects/42/labels/4", 403,
			 "{\"error\":\"insufficient_scope\",\"error_description\":\"The request requires "
			 "higher privileges than provided by the access token.\",\"scope\":\"api\"}", NULL);
	assert_int_equal(f->forge->delete_label(f->s, "acme/platform", "api", &cur, &f->err),
			 EPITHET_EFORBIDDEN);
	assert_contains(f->err.message, "api scope");
	fakehost_respond(f->fh, "PUT", "/projects/42/labels/4", 401, "{\"message\":\"401 Unauthorized\"}", NULL);
	assert_int_equal(f->forge->update_label(f->s, "acme/platform", "api", &cur, &ren, &f->err), EPITHET_EAUTH);
	assert_int_equal(f->err.http_status, 401);
}

/* ---- issues and merge requests ---------------------------------------------------------------- */

static void test_labelled_and_add(void **state)
{
	struct fixture *f = *state;
	struct epithet_label lab = {.struct_size = sizeof(lab), .name = "old", .id = "4"};
	struct epithet_label into = {.struct_size = sizeof(into), .name = "Bug", .id = "1"};
	struct epithet_item mr = {.struct_size = sizeof(mr), .is_pull = 1, .number = 5};
	struct seen s = {0};

	fakehost_respond(f->fh, "GET", "/projects/acme%2Fplatform%2Fapi", 200, project_api, NULL);
	assert_int_equal(f->forge->get_repo(f->s, "acme/platform", "api", collect_repo, &s, &f->err), 0);
	memset(&s, 0, sizeof(s));
	fakehost_clear_requests(f->fh);
	fakehost_respond(f->fh, "GET", "/projects/42/issues?labels=old&state=all&scope=all&per_page=100&page=1",
			 200, "[{\"iid\":3,\"labels\":[\"old\"]},{\"iid\":2,\"labels\":[\"Old\"]}]", NULL);
	fakehost_respond(f->fh, "GET",
			 "/projects/42/merge_requests?labels=old&state=all&scope=all&per_page=100&page=1",
			 200, "[{\"iid\":5,\"labels\":[\"old\",\"x\"],\"state\":\"merged\"}]", NULL);
	assert_int_equal(f->forge->list_labelled(f->s, "acme/platform", "api", &lab, collect_item, &s, &f->err), 0);
	assert_int_equal(s.n, 2); /* "Old" is another label */
	assert_int_equal(s.issues[0], 3);
	assert_int_equal(s.flags[0], 0);
	assert_int_equal(s.issues[1], 5);
	assert_int_equal(s.flags[1], 1);
	/* add_labels with the title GitLab stores for the label's id, never
	 * the file's spelling (trap 6) */
	fakehost_respond(f->fh, "GET", "/projects/42/labels/1", 200, "{\"id\":1,\"name\":\"bug\"}", NULL);
	fakehost_respond(f->fh, "PUT", "/projects/42/merge_requests/5", 200,
			 "{\"iid\":5,\"labels\":[\"bug\",\"old\",\"x\"]}", NULL);
	assert_int_equal(f->forge->add_item_label(f->s, "acme/platform", "api", &mr, &into, &f->err), 0);
	assert_request(f, 2, "GET", "/projects/42/labels/1", NULL);
	assert_request(f, 3, "PUT", "/projects/42/merge_requests/5", "{\"add_labels\":\"bug\"}");
	assert_true(fakehost_request(f->fh, 3)->flags & EPITHET_HTTP_IDEMPOTENT);
	/* the title is remembered until a label write */
	mr.is_pull = 0;
	fakehost_respond(f->fh, "PUT", "/projects/42/issues/5", 200, "{\"iid\":5,\"labels\":[\"bug\"]}", NULL);
	assert_int_equal(f->forge->add_item_label(f->s, "acme/platform", "api", &mr, &into, &f->err), 0);
	assert_request(f, 4, "PUT", "/projects/42/issues/5", "{\"add_labels\":\"bug\"}");
	assert_null(f->forge->add_label);
}

/* A group's items (OWNER_ITEMS): subgroups' projects included, each item
 * naming its project from references.full. */
static void test_group_items(void **state)
{
	struct fixture *f = *state;
	struct epithet_label lab = {.struct_size = sizeof(lab), .name = "kind::bug", .id = "8"};
	struct seen s = {0};

	assert_true(f->forge->capabilities & EPITHET_CAP_OWNER_ITEMS);
	fakehost_respond(f->fh, "GET", "/groups/acme/issues?labels=kind%3A%3Abug&state=all&scope=all"
			 "&per_page=100&page=1", 200,
			 "[{\"iid\":3,\"labels\":[\"kind::bug\"],\"references\":{\"full\":\"acme/platform/api#3\"}}]",
			 NULL);
	fakehost_respond(f->fh, "GET", "/groups/acme/merge_requests?labels=kind%3A%3Abug&state=all&scope=all"
			 "&per_page=100&page=1", 200,
			 "[{\"iid\":3,\"labels\":[\"kind::bug\"],\"references\":{\"full\":\"acme/web!3\"}},"
			 "{\"iid\":4,\"labels\":[\"other\"],\"references\":{\"full\":\"acme/web!4\"}}]", NULL);
	assert_int_equal(f->forge->list_labelled(f->s, "acme", NULL, &lab, collect_item, &s, &f->err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.flags[1], 1);
	/* an item without a project reference is not guessed at */
	fakehost_respond(f->fh, "GET", "/groups/acme%2Fx/issues?labels=kind%3A%3Abug&state=all&scope=all"
			 "&per_page=100&page=1", 200, "[{\"iid\":3,\"labels\":[\"kind::bug\"]}]", NULL);
	assert_int_equal(f->forge->list_labelled(f->s, "acme/x", NULL, &lab, collect_item, &s, &f->err),
			 EPITHET_EPROTOCOL);
}

static void test_item_project(void **state)
{
	struct json_object *o = json_tokener_parse("{\"references\":{\"full\":\"a/b/c!12\"}}");
	char buf[64];

	(void)state;
	assert_true(gl_item_project(o, buf, sizeof(buf)));
	assert_string_equal(buf, "a/b/c");
	json_object_put(o);
	o = json_tokener_parse("{\"references\":{\"full\":\"#12\"}}");
	assert_false(gl_item_project(o, buf, sizeof(buf)));
	json_object_put(o);
}

static void test_read_file(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	size_t len = 0;

	assert_true(f->forge->capabilities & EPITHET_CAP_READ_FILE);
	fakehost_respond(f->fh, "GET", "/projects/acme%2Fpolicy/repository/files/labels%2Fbase.yml/raw?ref=v1",
			 200, "labels: []\n", NULL);
	assert_int_equal(f->forge->read_file(f->s, "acme", "policy", "labels/base.yml", "v1", &out, &len,
					     &f->err), 0);
	assert_string_equal(out, "labels: []\n");
	assert_int_equal(len, 11);
	fakehost_host(f->fh)->free(fakehost_host(f->fh)->host_data, out);
	fakehost_respond(f->fh, "GET", "/projects/acme%2Fpolicy/repository/files/nope.yml/raw", 404,
			 "{\"message\":\"404 File Not Found\"}", NULL);
	assert_int_equal(f->forge->read_file(f->s, "acme", "policy", "nope.yml", NULL, &out, &len, &f->err),
			 EPITHET_ENOTFOUND);
	assert_null(out);
	/* a path out of the tree, absolute, or with an empty segment: nothing sent */
	{
		static const char *const bad[] = {"../x.yml", "a/../../x", "/etc/x", "a//b", "a/", ".", NULL};

		for (size_t i = 0; bad[i] != NULL; i++) {
			assert_int_equal(f->forge->read_file(f->s, "acme", "policy", bad[i], NULL, &out, &len,
							     &f->err), EPITHET_EINVALID);
			assert_null(out);
		}
		assert_int_equal(fakehost_request_count(f->fh), 2);
	}
}

/* ---- the JSON edge ------------------------------------------------------------------------------ */

static void test_colors(void **state)
{
	char c[7], o[8];

	(void)state;
	assert_true(gl_color_in("#5843AD", c));
	assert_string_equal(c, "5843ad");
	assert_true(gl_color_in("#AbC", c));
	assert_string_equal(c, "aabbcc");
	assert_true(gl_color_in("Teal", c));
	assert_string_equal(c, "008080");
	assert_false(gl_color_in("cyan", c));
	assert_false(gl_color_in("d73a4a", c));
	assert_false(gl_color_in(NULL, c));
	assert_true(gl_color_out("D73A4A", o));
	assert_string_equal(o, "#d73a4a");
	assert_false(gl_color_out("red", o));
	assert_true(gl_is_scoped("workflow::backend::review"));
	assert_false(gl_is_scoped("a:b"));
}

static void test_error_text(void **state)
{
	static const char *const bodies[][2] = {
		{"{\"message\":\"404 Project Not Found\"}", "404 Project Not Found"},
		{"{\"error\":\"name is missing, color is missing\"}", "name is missing, color is missing"},
		{"{\"message\":{\"color\":[\"must be a valid color code\"]}}", "color must be a valid color code"},
		{"{\"message\":{\"error\":\"This endpoint has been requested too many times. Try again later.\"}}",
		 "This endpoint has been requested too many times. Try again later."},
		{"Retry later\n", ""},
		{"<html>502</html>", ""},
	};
	char buf[200];

	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		gl_error_text(bodies[i][0], strlen(bodies[i][0]), buf, sizeof(buf));
		assert_string_equal(buf, bodies[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_where, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_repos_of_a_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_repo_by_full_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_labels_and_inheritance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holder_of_a_deep_namespace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_labels_own_then_ancestors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_update_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labelled_and_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_items, setup, teardown),
		cmocka_unit_test(test_item_project),
		cmocka_unit_test_setup_teardown(test_read_file, setup, teardown),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_error_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
