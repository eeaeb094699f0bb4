/* SPDX-License-Identifier: MIT */
/*
 * The gitlab forge plugin: gitlab.com and self-managed GitLab, REST API v4
 * under URL + "/api/v4".
 *
 * Everything reaches the server through the host's services (token,
 * retries, rate limits, pagination, the ETag cache); this file builds
 * requests and maps answers (JSON in gitlab-parse.c; what the other HTTP
 * plugins do the same way in ../common/plugin-kit.c).
 *
 * What makes GitLab different, and where it is handled (trap numbers of
 * shared/specs/GITLAB.md section 7):
 * - a "repo" is a project named by its full path, with as many group
 *   segments as the groups nest: owner = the namespace's full path
 *   ("acme/platform"), name = the project's path ("api"). Paths are sent
 *   as one escaped segment (trap 3) in reads, and every write addresses the
 *   project by its numeric id (a moved path answers writes with 405, trap
 *   17), from the session's map filled by list_repos and get_repo;
 * - --org GROUP lists the group's projects and its subgroups', never those
 *   shared with it (with_shared=false, include_subgroups=true, trap 2);
 * - a project's label list includes the labels of its group and every
 *   ancestor group (is_project_label: false, trap 1): they are listed with
 *   EPITHET_LABEL_OWNER, and the group holding each is named in holder
 *   (the JSON does not say: trap 16, so each ancestor group's own labels
 *   are read once a session, and only for nested namespaces);
 * - labels are written by numeric id through the container owning them
 *   (trap 4); an inherited label is never written from a project;
 * - colours come back as stored: compared normalised (trap 7);
 * - scoped labels are names with "::" (EXCLUSIVE, read-only: trap 13);
 * - issues and merge requests are numbered apart: add_item_label (ABI 1.1)
 *   knows which one an item is, and add_labels is sent with the title the
 *   server stores, never the file's spelling (it creates a label for any
 *   other title, trap 6);
 * - with_counts leaves out merged and closed merge requests (trap 12):
 *   list_labelled reads issues and merge requests in every state.
 *
 * Threading: the session's maps (project ids, user namespaces, groups'
 * own labels, the title last resolved for add_labels) are behind one
 * mutex; everything else a call keeps on its own stack.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json.h>

#include "epithet/forge.h"
#include "gitlab-parse.h"
#include "../common/plugin-kit.h"

#define GL_API_SUFFIX "/api/v4"
#define GL_DEFAULT_URL "https://gitlab.com"
#define GL_DOTCOM_HOST "gitlab.com"
/* GitLab.com's documented limit of authenticated API requests a user may
 * send a minute (GITLAB.md 6). Every request counts, so writes are within
 * it too: declared as the endpoint's writes_per_minute it keeps gitlab.com's
 * writes one at a time (forge.h "Threading"), and a serial run, whose writes
 * each wait for an answer from gitlab.com, does not come near it. */
#define GL_DOTCOM_REQUESTS_PER_MINUTE 2000
/* GitLab's largest page (larger values are capped). */
#define GL_PER_PAGE "100"
/* The colour a create sends when the labels file gives none: GitLab
 * requires one, and this is its own default. */
#define GL_DEFAULT_COLOR "#6699cc"

/* A string-to-string map, small and linear: a session sees one estate. */
struct gl_pair {
	char *key;
	char *val;
};

struct gl_map {
	struct gl_pair *v;
	size_t n, cap;
};

/* The ids of one group's own labels (include_ancestor_groups=false). */
struct gl_group_labels {
	char *path;
	int64_t *ids;
	size_t n;
	bool failed;             /* could not be read: holders stay unknown */
};

struct epithet_forge_session {
	const struct epithet_host *host;
	char *api_root;          /* .../api/v4, no trailing '/' */
	char *display;           /* the instance's URL, for messages */
	bool dotcom;             /* gitlab.com's rules: writes one at a time */
	pthread_mutex_t lock;    /* guards everything below */
	struct gl_map projects;  /* "acme/platform/api" -> "42" */
	struct gl_map users;     /* namespaces that are users -> "" */
	struct gl_group_labels *groups;
	size_t n_groups;
	/* add_labels needs the stored title: the last one looked up by id.
	 * title_gen counts the writes that may rename: a title read while
	 * one ran (another project's, or the group's) is not kept. */
	char *title_project, *title_label, *title;
	unsigned long title_gen;
};

/* ---- the maps ------------------------------------------------------------------- */

static const char *map_get(const struct gl_map *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].key, key) == 0) {
			return m->v[i].val;
		}
	}
	return NULL;
}

/* false when out of memory */
static bool map_put(struct gl_map *m, const char *key, const char *val)
{
	char *k, *v;

	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].key, key) == 0) {
			v = strdup(val);
			if (v == NULL) {
				return false;
			}
			free(m->v[i].val);
			m->v[i].val = v;
			return true;
		}
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct gl_pair *g = realloc(m->v, cap * sizeof(*g));

		if (g == NULL) {
			return false;
		}
		m->v = g;
		m->cap = cap;
	}
	k = strdup(key);
	v = strdup(val);
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		return false;
	}
	m->v[m->n].key = k;
	m->v[m->n].val = v;
	m->n++;
	return true;
}

static void map_free(struct gl_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].val);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* Remember project @p full (and its canonical path) as id @p id, and a
 * user namespace. Out of memory only loses the shortcut: ids are looked up
 * again when missing. */
static void remember_project(struct epithet_forge_session *s, const char *asked,
			     const struct gl_project *p)
{
	pthread_mutex_lock(&s->lock);
	if (asked != NULL) {
		(void)map_put(&s->projects, asked, p->id);
	}
	if (p->full_path != NULL) {
		(void)map_put(&s->projects, p->full_path, p->id);
	}
	if (p->user_namespace) {
		(void)map_put(&s->users, p->namespace_path, "");
	}
	pthread_mutex_unlock(&s->lock);
}

/* The id of @p full as a copy in @p buf, or false when not known yet. */
static bool known_project(struct epithet_forge_session *s, const char *full, char buf[GL_ID_MAX])
{
	const char *id;

	pthread_mutex_lock(&s->lock);
	id = map_get(&s->projects, full);
	if (id != NULL) {
		snprintf(buf, GL_ID_MAX, "%s", id);
	}
	pthread_mutex_unlock(&s->lock);
	return id != NULL;
}

static bool is_user_namespace(struct epithet_forge_session *s, const char *owner)
{
	bool user;

	pthread_mutex_lock(&s->lock);
	user = map_get(&s->users, owner) != NULL;
	pthread_mutex_unlock(&s->lock);
	return user;
}

static void forget_title(struct epithet_forge_session *s)
{
	pthread_mutex_lock(&s->lock);
	free(s->title_project);
	free(s->title_label);
	free(s->title);
	s->title_project = s->title_label = s->title = NULL;
	s->title_gen++;
	pthread_mutex_unlock(&s->lock);
}

/* ---- statuses -------------------------------------------------------------------- */

static void gitlab_quote(const struct epithet_http_response *resp, char *buf, size_t n)
{
	gl_error_text(resp->body, resp->body_len, buf, n);
}

/*
 * GitLab's own statuses, before the common mapping: 409 on a create of a
 * title that exists (in the project or an ancestor group), 400 for a
 * rename onto one or a value GitLab refuses, the read_api token's
 * insufficient_scope, and the 405 of a moved project's old path.
 */
static int gitlab_statuses(const struct kit_answer *a, struct epithet_error *err)
{
	const struct epithet_host *h = a->host;
	int st = a->status;

	switch (st) {
	case 409:
		h->error_set(err, EPITHET_EEXISTS, st,
			     "%s: a label of that title already exists here or in an ancestor group (409)%s%s",
			     a->what, a->sep, a->msg);
		return EPITHET_EEXISTS;
	case 400:
	case 422:
		if (strstr(a->msg, "already been taken") != NULL) {
			h->error_set(err, EPITHET_EEXISTS, st, "%s: a label of that title already exists (%d)%s%s",
				     a->what, st, a->sep, a->msg);
			return EPITHET_EEXISTS;
		}
		h->error_set(err, EPITHET_EINVALID, st, "%s: GitLab refused the values (%d)%s%s", a->what,
			     st, a->sep, a->msg);
		return EPITHET_EINVALID;
	case 403:
		if (strstr(a->msg, "insufficient_scope") != NULL) {
			h->error_set(err, EPITHET_EFORBIDDEN, st,
				     "%s: the token may only read (403 insufficient_scope): writing "
				     "needs a token with the api scope", a->what);
			return EPITHET_EFORBIDDEN;
		}
		return 0;
	case 405:
		h->error_set(err, EPITHET_ERROR, st, "%s: GitLab refused the method (405)%s%s", a->what,
			     a->sep, a->msg);
		return EPITHET_ERROR;
	default:
		return 0;
	}
}

static const struct kit_forge gitlab_kit = {
	.name = "GitLab",
	.statuses = gitlab_statuses,
	/* Page numbers, each list asking per_page=100: the walk ends on a
	 * short or empty page, so it ends past 10,000 items too, where GitLab
	 * sends no totals (trap 11); and Link URLs carry the host of GitLab's
	 * own configuration, not always the one epithet talks to. */
	.page_param = "page",
	.quote = gitlab_quote,
};

/* ---- URLs ------------------------------------------------------------------------ */

/* GITLAB_HOST (glab's variable): a host name, meaning https, or a URL. */
static char *url_from_env(void)
{
	const char *v = getenv("GITLAB_HOST");

	if (v == NULL || v[0] == '\0') {
		return NULL;
	}
	if (strstr(v, "://") != NULL) {
		return strdup(v);
	}
	return kit_strdup_printf("https://%s", v);
}

static int bad_url(const struct epithet_host *h, const char *opt, const char *url, const char *why,
		   struct epithet_error *err)
{
	/* Never quote a URL that may carry credentials. */
	if (strchr(url, '@') != NULL) {
		h->error_set(err, EPITHET_EINVALID, 0, "gitlab: invalid %s: %s", opt, why);
	} else {
		h->error_set(err, EPITHET_EINVALID, 0, "gitlab: invalid %s \"%s\": %s", opt, url, why);
	}
	return EPITHET_EINVALID;
}

static int resolve_target(struct epithet_forge_session *s, const struct epithet_forge_config *cfg,
			  struct epithet_error *err)
{
	static const char creds[] = "credentials in the URL are not supported (use GITLAB_TOKEN or --token-file)";
	const struct epithet_host *h = s->host;
	const char *why, *opt = "--url", *host = NULL;
	size_t host_len = 0;
	char *env = NULL;
	const char *url = cfg != NULL ? cfg->url : NULL;
	int rc = 0;

	if (cfg != NULL && cfg->api_url != NULL && cfg->api_url[0] != '\0') {
		/* The exact REST root (CI_API_V4_URL). A bare root does not say
		 * whether the instance throttles like gitlab.com: its rules hold
		 * (writes one at a time); --url names a self-managed one. */
		s->dotcom = true;
		why = kit_check_base_url(cfg->api_url, creds, NULL, NULL);
		if (why != NULL) {
			return bad_url(h, "--api-url", cfg->api_url, why, err);
		}
		s->api_root = kit_strip_slashes(cfg->api_url);
		if (s->api_root == NULL) {
			return kit_out_of_memory(h, err);
		}
		s->display = kit_ends_with(s->api_root, GL_API_SUFFIX)
				     ? strndup(s->api_root, strlen(s->api_root) - strlen(GL_API_SUFFIX))
				     : strdup(s->api_root);
		return s->display != NULL ? 0 : kit_out_of_memory(h, err);
	}
	if (url == NULL || url[0] == '\0') {
		env = url_from_env();
		url = env != NULL ? env : GL_DEFAULT_URL;
		opt = env != NULL ? "GITLAB_HOST" : "--url";
	}
	why = kit_check_base_url(url, creds, &host, &host_len);
	if (why == NULL) {
		s->dotcom = host_len == strlen(GL_DOTCOM_HOST) &&
			    strncasecmp(host, GL_DOTCOM_HOST, host_len) == 0;
	}
	if (why != NULL) {
		rc = bad_url(h, opt, url, why, err);
	} else if (!kit_api_root_under(url, GL_API_SUFFIX, &s->api_root, &s->display)) {
		rc = kit_out_of_memory(h, err);
	}
	free(env);
	return rc;
}

/* "acme/platform/api" */
static char *full_path(const char *owner, const char *repo)
{
	return kit_strdup_printf("%s/%s", owner, repo);
}

/*
 * "/projects/ID" for project @p owner/@p repo. Writes need the id (a moved
 * project's old path refuses them): looked up with GET /projects/PATH when
 * the session does not know it. @p read allows the escaped path instead.
 */
static int project_base(struct epithet_forge_session *s, const char *owner, const char *repo,
			bool read, char **out, struct epithet_error *err);

/* "/projects/ID/labels" or "/groups/PATH/labels". */
static int labels_base(struct epithet_forge_session *s, const char *owner, const char *repo,
		       bool read, char **out, struct epithet_error *err)
{
	char *base = NULL;
	int rc;

	*out = NULL;
	if (repo == NULL) {
		*out = kit_build_path(s->host, "/groups/{}/labels", owner);
		return *out != NULL ? 0 : kit_out_of_memory(s->host, err);
	}
	rc = project_base(s, owner, repo, read, &base, err);
	if (rc != 0) {
		return rc;
	}
	*out = kit_strdup_printf("%s/labels", base);
	free(base);
	return *out != NULL ? 0 : kit_out_of_memory(s->host, err);
}

/* "acme/platform/api" or "group acme" for messages. */
static void where(char *buf, size_t n, const char *owner, const char *repo)
{
	if (repo != NULL) {
		snprintf(buf, n, "%s/%s", owner, repo);
	} else {
		snprintf(buf, n, "group %s", owner);
	}
}

/* ---- projects ----------------------------------------------------------------------- */

/* w->filter: the session. */
static int project_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct epithet_forge_session *s = (struct epithet_forge_session *)w->filter;
	struct epithet_repo repo;
	struct gl_project p;
	int rc;

	rc = gl_parse_project(obj, &repo, &p, why);
	if (rc == 0) {
		remember_project(s, NULL, &p);
		rc = kit_walk_deliver(w, w->repo_cb(&repo, w->payload));
	}
	free(p.topics);
	return rc;
}

static int impl_list_repos(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			   void *payload, struct epithet_error *err)
{
	struct kit_walk w;
	char what[300], user_what[300];
	int rc;

	if (owner == NULL || owner[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "listing projects needs a group or a user");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "projects of group %s", owner);
	snprintf(user_what, sizeof(user_what), "projects of %s (no group or user of that path)", owner);
	kit_walk_init(&w, s->host, &gitlab_kit, what, project_item, payload);
	w.repo_cb = cb;
	w.filter = s;
	/* Subgroups' projects too; never those other namespaces share with
	 * the group (trap 2). A 404 is no group: then a user's projects. */
	rc = kit_walk_owner_repos(
		&w, owner,
		kit_build_path(s->host, "/groups/{}/projects?include_subgroups=true&with_shared=false"
					"&order_by=id&sort=asc&per_page=" GL_PER_PAGE, owner),
		kit_build_path(s->host, "/users/{}/projects?order_by=id&sort=asc&per_page=" GL_PER_PAGE,
			       owner),
		user_what, err);
	if (rc == 0 && w.as_user) {
		pthread_mutex_lock(&s->lock);
		(void)map_put(&s->users, owner, "");
		pthread_mutex_unlock(&s->lock);
	}
	return rc;
}

/* GET /projects/PATH into @p root (a project object); records its id. */
static int fetch_project(struct epithet_forge_session *s, const char *owner, const char *repo,
			 struct json_object **root, struct epithet_repo *out, struct gl_project *p,
			 struct epithet_error *err)
{
	char what[300];
	const char *why = NULL;
	char *full = full_path(owner, repo), *url = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	*root = NULL;
	if (full == NULL || (url = kit_build_path(s->host, "/projects/{}", full)) == NULL) {
		free(full);
		return kit_out_of_memory(s->host, err);
	}
	snprintf(what, sizeof(what), "project %s", full);
	rc = kit_get_json(s->host, &gitlab_kit, url, what, root, NULL, err);
	if (rc == 0) {
		rc = gl_parse_project(*root, out, p, &why);
		if (rc == EPITHET_ENOMEM) {
			rc = kit_out_of_memory(s->host, err);
		} else if (rc != 0) {
			rc = kit_protocol_error(s->host, &gitlab_kit, 200, what, why, err);
		} else {
			remember_project(s, full, p);
		}
	}
	free(url);
	free(full);
	return rc;
}

static int impl_get_repo(epithet_forge_session *s, const char *owner, const char *name,
			 epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	struct json_object *root = NULL;
	struct epithet_repo repo;
	struct gl_project p;
	int rc;

	if (owner == NULL || name == NULL || owner[0] == '\0' || name[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "a project needs a namespace and a path");
		return EPITHET_EINVALID;
	}
	rc = fetch_project(s, owner, name, &root, &repo, &p, err);
	if (rc == 0) {
		rc = cb(&repo, payload);
	}
	free(p.topics);
	json_object_put(root);
	return rc;
}

static int project_base(struct epithet_forge_session *s, const char *owner, const char *repo,
			bool read, char **out, struct epithet_error *err)
{
	struct json_object *root = NULL;
	struct epithet_repo r;
	struct gl_project p;
	char id[GL_ID_MAX];
	char *full = full_path(owner, repo);
	int rc = 0;

	*out = NULL;
	if (full == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	if (known_project(s, full, id)) {
		*out = kit_strdup_printf("/projects/%s", id);
	} else if (read) {
		*out = kit_build_path(s->host, "/projects/{}", full);
	} else {
		rc = fetch_project(s, owner, repo, &root, &r, &p, err);
		if (rc == 0) {
			*out = kit_strdup_printf("/projects/%s", p.id);
		}
		free(p.topics);
		json_object_put(root);
	}
	free(full);
	if (rc == 0 && *out == NULL) {
		rc = kit_out_of_memory(s->host, err);
	}
	return rc;
}

/* ---- groups' own labels (who holds an inherited label) -------------------------------- */

static int own_id_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct gl_group_labels *g = w->payload;
	struct gl_label_scratch scratch;
	struct epithet_label l;
	int64_t id, *grown;
	int rc;

	rc = gl_parse_label(obj, &l, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	if (!gl_parse_id(l.id, &id)) {
		return 0;
	}
	grown = realloc(g->ids, (g->n + 1) * sizeof(*g->ids));
	if (grown == NULL) {
		*why = "out of memory";
		return EPITHET_ENOMEM;
	}
	g->ids = grown;
	g->ids[g->n++] = id;
	return 0;
}

/* Whether group @p path's own labels hold @p id; reads them once a
 * session. *known false when they cannot be read. */
static bool group_holds(struct epithet_forge_session *s, const char *path, int64_t id, bool *known)
{
	struct gl_group_labels g = {0}, *grown;
	struct epithet_error err = {0};
	struct kit_walk w;
	char what[300];
	char *url;
	bool held = false, found = false;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n_groups && !found; i++) {
		if (strcmp(s->groups[i].path, path) == 0) {
			found = true;
			*known = !s->groups[i].failed;
			for (size_t k = 0; k < s->groups[i].n && !held; k++) {
				held = s->groups[i].ids[k] == id;
			}
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (found) {
		return held;
	}
	/* Read without the lock: two readers may both read it, once each. */
	snprintf(what, sizeof(what), "labels of group %.250s", path);
	kit_walk_init(&w, s->host, &gitlab_kit, what, own_id_item, &g);
	url = kit_build_path(s->host, "/groups/{}/labels?include_ancestor_groups=false&per_page=" GL_PER_PAGE,
			     path);
	g.failed = url == NULL || kit_walk_list(&w, url, &err) != 0;
	free(url);
	if (g.failed) {
		s->host->log(s->host->host_data, EPITHET_LOG_INFO,
			     "cannot tell which group holds the labels inherited from %s: %s", path,
			     err.message[0] ? err.message : "out of memory");
		free(g.ids);
		g.ids = NULL;
		g.n = 0;
	}
	g.path = strdup(path);
	*known = !g.failed;
	for (size_t k = 0; k < g.n && !held; k++) {
		held = g.ids[k] == id;
	}
	pthread_mutex_lock(&s->lock);
	grown = g.path != NULL ? realloc(s->groups, (s->n_groups + 1) * sizeof(*grown)) : NULL;
	if (grown != NULL) {
		s->groups = grown;
		s->groups[s->n_groups++] = g;
	} else {
		free(g.path);
		free(g.ids);
	}
	pthread_mutex_unlock(&s->lock);
	return held;
}

/*
 * The group holding label @p id inherited into namespace @p ns: the
 * highest ancestor (from the top) whose own labels hold it, else @p ns
 * itself. Allocated; NULL when unknown (or out of memory). A one-segment
 * namespace costs no request. Paths nest 20 deep, 255 bytes a segment:
 * no fixed buffer, or a truncated path would ask another group.
 */
static char *find_holder(struct epithet_forge_session *s, const char *ns, const char *id_text)
{
	const char *slash;
	int64_t id;
	bool known = true;

	if (!gl_parse_id(id_text, &id)) {
		return strdup(ns);
	}
	for (slash = strchr(ns, '/'); slash != NULL && known; slash = strchr(slash + 1, '/')) {
		char *prefix = strndup(ns, (size_t)(slash - ns));

		if (prefix == NULL) {
			return NULL;
		}
		if (group_holds(s, prefix, id, &known)) {
			return prefix;
		}
		free(prefix);
	}
	return known ? strdup(ns) : NULL;
}

/* ---- labels ------------------------------------------------------------------------ */

/* What a label walk needs besides the kit's. */
struct label_walk {
	struct epithet_forge_session *s;
	const char *ns;          /* the namespace the list's labels are inherited into */
	const char *holder;      /* every label is an ancestor's: this one (group lists) */
};

static int label_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	const struct label_walk *lw = w->filter;
	struct gl_label_scratch scratch;
	struct epithet_label label;
	char *holder = NULL;
	int rc;

	rc = gl_parse_label(obj, &label, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	if (scratch.bad_color) {
		w->host->log(w->host->host_data, EPITHET_LOG_WARN, "%s: label \"%s\" has no colour GitLab "
			     "knows (\"%s\")", w->what, label.name,
			     gl_get_string(obj, "color") != NULL ? gl_get_string(obj, "color") : "");
	}
	if (lw->holder != NULL) {
		label.flags |= EPITHET_LABEL_OWNER;
		label.holder = lw->holder;
	} else if (!scratch.project_label) {
		/* Inherited from a group: read here, written only there. */
		label.flags |= EPITHET_LABEL_OWNER;
		holder = find_holder(lw->s, lw->ns, label.id);
		label.holder = holder;
	}
	rc = kit_walk_deliver(w, w->label_cb(&label, w->payload));
	free(holder);
	return rc;
}

static int walk_labels(struct epithet_forge_session *s, const char *url, const char *what,
		       const struct label_walk *lw, epithet_label_cb cb, void *payload,
		       struct epithet_error *err)
{
	struct kit_walk w;

	kit_walk_init(&w, s->host, &gitlab_kit, what, label_item, payload);
	w.label_cb = cb;
	w.filter = lw;
	return kit_walk_list(&w, url, err);
}

/*
 * A group's labels: its own, then each ancestor's own (EPITHET_LABEL_OWNER,
 * holder naming it), nearest first. include_ancestor_groups=false on each:
 * a group's full list does not say which group owns a label (trap 16).
 */
static int list_group_labels(struct epithet_forge_session *s, const char *owner, epithet_label_cb cb,
			     void *payload, struct epithet_error *err)
{
	size_t len = strlen(owner);
	int rc = 0;

	for (size_t end = len; end > 0 && rc == 0;) {
		struct label_walk lw = {.s = s, .ns = owner};
		char *path = strndup(owner, end), *url;
		char what[300];
		const char *slash;

		if (path == NULL) {
			return kit_out_of_memory(s->host, err);
		}
		lw.holder = end == len ? NULL : path;
		snprintf(what, sizeof(what), "labels of group %s", path);
		url = kit_build_path(s->host, "/groups/{}/labels?with_counts=true&include_ancestor_groups=false"
					      "&per_page=" GL_PER_PAGE, path);
		rc = url != NULL ? walk_labels(s, url, what, &lw, cb, payload, err)
				 : kit_out_of_memory(s->host, err);
		free(url);
		free(path);
		slash = memrchr(owner, '/', end);
		end = slash != NULL ? (size_t)(slash - owner) : 0;
	}
	return rc;
}

static int impl_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			    epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	struct label_walk lw = {.s = s, .ns = owner};
	char what[300], at[256];
	char *base = NULL, *url;
	int rc;

	if (owner == NULL || owner[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "listing labels needs a group or a project");
		return EPITHET_EINVALID;
	}
	if (repo == NULL) {
		/* A user namespace has no labels of its own. */
		return is_user_namespace(s, owner) ? 0 : list_group_labels(s, owner, cb, payload, err);
	}
	where(at, sizeof(at), owner, repo);
	snprintf(what, sizeof(what), "labels of %s", at);
	rc = project_base(s, owner, repo, true, &base, err);
	if (rc != 0) {
		return rc;
	}
	/* Inherited labels included (the default), flagged by label_item. */
	url = kit_strdup_printf("%s/labels?with_counts=true&per_page=" GL_PER_PAGE, base);
	free(base);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = walk_labels(s, url, what, &lw, cb, payload, err);
	free(url);
	return rc;
}

static int check_name(struct epithet_forge_session *s, const char *name, const char *what,
		      struct epithet_error *err)
{
	if (name == NULL || name[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "%s: the name is empty", what);
		return EPITHET_EINVALID;
	}
	if (strchr(name, ',') != NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "%s: GitLab label names cannot contain ','",
				   what);
		return EPITHET_EINVALID;
	}
	return 0;
}

static int color_opt(struct epithet_forge_session *s, const struct epithet_label *want,
		     const char *what, char color[8], struct gl_body_opts *o, struct epithet_error *err)
{
	if (!(want->fields & EPITHET_FIELD_COLOR)) {
		return 0;
	}
	if (!gl_color_out(want->color, color)) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "%s: colour \"%s\" is not 6 hex digits", what,
				   want->color != NULL ? want->color : "");
		return EPITHET_EINVALID;
	}
	o->color = color;
	return 0;
}

static int impl_create_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *want, struct epithet_error *err)
{
	struct gl_body_opts o = {.create = true, .color = GL_DEFAULT_COLOR};
	char what[400], at[256], color[8];
	char *url = NULL, *body = NULL;
	int rc;

	if (owner == NULL || want == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "creating a label needs a group or a project");
		return EPITHET_EINVALID;
	}
	where(at, sizeof(at), owner, repo);
	snprintf(what, sizeof(what), "creating label \"%s\" in %s", want->name ? want->name : "", at);
	rc = check_name(s, want->name, what, err);
	if (rc == 0) {
		rc = color_opt(s, want, what, color, &o, err);
	}
	if (rc == 0) {
		rc = labels_base(s, owner, repo, false, &url, err);
	}
	if (rc != 0) {
		return rc;
	}
	/* Never "exclusive": the name is the switch (trap 13). A retried
	 * create is the core's: it lists first, GitLab answers 409 (trap 8). */
	body = gl_label_body(want, &o, NULL);
	rc = body != NULL ? kit_send_write(s->host, &gitlab_kit, "POST", url, body, what, err)
			  : kit_out_of_memory(s->host, err);
	free(body);
	free(url);
	return rc;
}

/* "/ID" of a listed label, or EINVALID: never by title (trap 4). An
 * inherited label is refused: it is written only through the group that
 * holds it, never from a project nor through a subgroup (whose label
 * lookup reaches its parent's labels, trap 4). */
static int label_tail(struct epithet_forge_session *s, const char *repo,
		      const struct epithet_label *cur, const char *what, char tail[GL_ID_MAX + 1],
		      struct epithet_error *err)
{
	if (cur->flags & EPITHET_LABEL_OWNER) {
		s->host->error_set(err, EPITHET_EFORBIDDEN, 0,
				   "%s: the label is inherited from %s%s; it is changed only there", what,
				   repo != NULL ? "a group" : "an ancestor group",
				   repo != NULL ? "" : " (manage it with --org set to that group)");
		return EPITHET_EFORBIDDEN;
	}
	return kit_label_id_tail(s->host, &gitlab_kit, cur, what, tail, GL_ID_MAX + 1, err);
}

static int impl_update_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, const struct epithet_label *want,
			     struct epithet_error *err)
{
	struct gl_body_opts o = {0};
	char what[600], at[256], color[8], tail[GL_ID_MAX + 1];
	char *base = NULL, *url = NULL, *body = NULL;
	size_t n_fields = 0;
	int rc;

	if (owner == NULL || cur == NULL || cur->name == NULL || want == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "updating a label needs the label as listed");
		return EPITHET_EINVALID;
	}
	where(at, sizeof(at), owner, repo);
	if ((want->fields & EPITHET_FIELD_NAME) && want->name != NULL && strcmp(want->name, cur->name) != 0) {
		snprintf(what, sizeof(what), "renaming label \"%s\" to \"%s\" in %s", cur->name, want->name, at);
	} else {
		snprintf(what, sizeof(what), "updating label \"%s\" in %s", cur->name, at);
	}
	rc = label_tail(s, repo, cur, what, tail, err);
	if (rc == 0 && (want->fields & EPITHET_FIELD_NAME)) {
		rc = check_name(s, want->name, what, err);
	}
	if (rc == 0) {
		rc = color_opt(s, want, what, color, &o, err);
	}
	if (rc != 0) {
		return rc;
	}
	body = gl_label_body(want, &o, &n_fields);
	if (body == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	if (n_fields == 0) {
		/* Only "exclusive" asked, which on GitLab is the name. */
		free(body);
		return 0;
	}
	rc = labels_base(s, owner, repo, false, &base, err);
	if (rc == 0) {
		url = kit_strdup_printf("%s%s", base, tail);
		rc = url != NULL ? kit_send_write(s->host, &gitlab_kit, "PUT", url, body, what, err)
				 : kit_out_of_memory(s->host, err);
	}
	forget_title(s);
	free(url);
	free(base);
	free(body);
	return rc;
}

static int impl_delete_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, struct epithet_error *err)
{
	char what[400], at[256], tail[GL_ID_MAX + 1];
	char *base = NULL, *url = NULL;
	int rc;

	if (owner == NULL || cur == NULL || cur->name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "deleting a label needs the label as listed");
		return EPITHET_EINVALID;
	}
	where(at, sizeof(at), owner, repo);
	snprintf(what, sizeof(what), "deleting label \"%s\" in %s", cur->name, at);
	rc = label_tail(s, repo, cur, what, tail, err);
	if (rc == 0) {
		rc = labels_base(s, owner, repo, false, &base, err);
	}
	if (rc == 0) {
		url = kit_strdup_printf("%s%s", base, tail);
		rc = url != NULL ? kit_send_write(s->host, &gitlab_kit, "DELETE", url, NULL, what, err)
				 : kit_out_of_memory(s->host, err);
	}
	forget_title(s);
	free(url);
	free(base);
	return rc;
}

/* ---- issues and merge requests ---------------------------------------------------------- */

/* What an item walk keeps. */
struct item_filter {
	const char *title;       /* the exact title an item must carry */
	bool group;              /* a group's list: each item names its project */
};

static int issue_item(struct kit_walk *w, struct json_object *obj, const char **why,
		      bool is_pull)
{
	const struct item_filter *flt = w->filter;
	struct epithet_item item;
	char project[512];
	int rc;

	rc = gl_parse_item(obj, is_pull, &item, why);
	if (rc != 0) {
		return rc;
	}
	/* labels= may match more loosely than the title (collation). */
	if (!gl_item_has_label(obj, flt->title)) {
		return 0;
	}
	if (flt->group) {
		if (!gl_item_project(obj, project, sizeof(project))) {
			*why = "an item without references.full naming its project";
			return EPITHET_EPROTOCOL;
		}
		item.repo = project;
	}
	return kit_walk_deliver(w, w->item_cb(&item, w->payload));
}

static int issue_item_issue(struct kit_walk *w, struct json_object *obj, const char **why)
{
	return issue_item(w, obj, why, false);
}

static int issue_item_mr(struct kit_walk *w, struct json_object *obj, const char **why)
{
	return issue_item(w, obj, why, true);
}

static int impl_list_labelled(epithet_forge_session *s, const char *owner, const char *repo,
			      const struct epithet_label *label, epithet_item_cb cb, void *payload,
			      struct epithet_error *err)
{
	static const char *const kinds[] = {"issues", "merge_requests"};
	char what[400];
	char *base = NULL;
	int rc;

	struct item_filter flt = {.title = label != NULL ? label->name : NULL, .group = repo == NULL};

	if (owner == NULL || label == NULL || label->name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "listing labelled issues needs a group or a project, and a label");
		return EPITHET_EINVALID;
	}
	/* A group's list covers its subgroups' projects (OWNER_ITEMS). */
	if (repo == NULL) {
		base = kit_build_path(s->host, "/groups/{}", owner);
		rc = base != NULL ? 0 : kit_out_of_memory(s->host, err);
	} else {
		rc = project_base(s, owner, repo, true, &base, err);
	}
	/* Every state: merged and closed merge requests too (trap 12). */
	for (size_t k = 0; k < 2 && rc == 0; k++) {
		struct kit_walk w;
		char *url;

		snprintf(what, sizeof(what), "%s labelled \"%s\" in %s%s%s",
			 k == 0 ? "issues" : "merge requests", label->name, repo ? "" : "group ", owner,
			 repo ? "/" : "");
		if (repo != NULL) {
			snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s", repo);
		}
		kit_walk_init(&w, s->host, &gitlab_kit, what, k == 0 ? issue_item_issue : issue_item_mr,
			      payload);
		w.item_cb = cb;
		w.filter = &flt;
		url = kit_build_path(s->host, "/labels={}&state=all&scope=all&per_page=" GL_PER_PAGE,
				     label->name);
		if (url != NULL) {
			char *full = kit_strdup_printf("%s/%s?%s", base, kinds[k], url + 1);

			free(url);
			url = full;
		}
		rc = url != NULL ? kit_walk_list(&w, url, err) : kit_out_of_memory(s->host, err);
		free(url);
	}
	free(base);
	return rc;
}

/* The title label @p label_id of project @p base has now (add_labels takes
 * titles, exactly: trap 6); remembered until the next label write. */
static int stored_title(struct epithet_forge_session *s, const char *base, const char *label_id,
			const char *what, char **out, struct epithet_error *err)
{
	struct json_object *root = NULL;
	const char *name;
	unsigned long gen;
	char *url;
	int64_t id;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&s->lock);
	if (s->title != NULL && strcmp(s->title_project, base) == 0 &&
	    strcmp(s->title_label, label_id) == 0) {
		*out = strdup(s->title);
	}
	gen = s->title_gen;
	pthread_mutex_unlock(&s->lock);
	if (*out != NULL) {
		return 0;
	}
	if (!gl_parse_id(label_id, &id)) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "%s: \"%s\" is not a GitLab label id", what,
				   label_id);
		return EPITHET_EINVALID;
	}
	url = kit_strdup_printf("%s/labels/%" PRId64, base, id);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_get_json(s->host, &gitlab_kit, url, what, &root, NULL, err);
	free(url);
	if (rc != 0) {
		return rc;
	}
	name = gl_get_string(root, "name");
	if (name == NULL || name[0] == '\0') {
		json_object_put(root);
		return kit_protocol_error(s->host, &gitlab_kit, 200, what, "a label without a name", err);
	}
	*out = strdup(name);
	json_object_put(root);
	if (*out == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	pthread_mutex_lock(&s->lock);
	if (s->title_gen != gen) {
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	free(s->title_project);
	free(s->title_label);
	free(s->title);
	s->title_project = strdup(base);
	s->title_label = strdup(label_id);
	s->title = strdup(*out);
	if (s->title_project == NULL || s->title_label == NULL || s->title == NULL) {
		free(s->title_project);
		free(s->title_label);
		free(s->title);
		s->title_project = s->title_label = s->title = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* Whether the answer to PUT .../issues/:iid carries @p title. */
static int check_attached(struct epithet_forge_session *s, const struct epithet_http_response *resp,
			  const char *title, const char *what, struct epithet_error *err)
{
	struct json_object *root = NULL;
	bool found;
	int rc;

	rc = kit_answer_json(s->host, &gitlab_kit, resp, what, &root, err);
	if (rc != 0) {
		return rc;
	}
	found = gl_item_has_label(root, title);
	json_object_put(root);
	if (!found) {
		s->host->error_set(err, EPITHET_EPROTOCOL, resp->status,
				   "%s: GitLab answered without the label on the item", what);
		return EPITHET_EPROTOCOL;
	}
	return 0;
}

static int impl_add_item_label(epithet_forge_session *s, const char *owner, const char *repo,
			       const struct epithet_item *item, const struct epithet_label *label,
			       struct epithet_error *err)
{
	struct epithet_http_response *resp = NULL;
	char what[400];
	char *base = NULL, *url = NULL, *body = NULL, *title = NULL;
	int rc;

	if (owner == NULL || repo == NULL || item == NULL || item->number == 0 || label == NULL ||
	    label->name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "labelling an issue needs a project, an item and a label");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "adding label \"%s\" to %s%" PRIu64 " in %s/%s", label->name,
		 item->is_pull ? "!" : "#", item->number, owner, repo);
	rc = project_base(s, owner, repo, false, &base, err);
	if (rc != 0) {
		return rc;
	}
	/* A label known by id goes by the title GitLab stores for it now:
	 * any other spelling would create a new label. */
	if (label->id != NULL && label->id[0] != '\0') {
		rc = stored_title(s, base, label->id, what, &title, err);
	} else {
		title = strdup(label->name);
		rc = title != NULL ? 0 : kit_out_of_memory(s->host, err);
	}
	if (rc != 0) {
		goto cleanup;
	}
	url = kit_strdup_printf("%s/%s/%" PRIu64, base, item->is_pull ? "merge_requests" : "issues",
				item->number);
	body = gl_add_labels_body(title);
	if (url == NULL || body == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	/* add_labels twice leaves what once does: safe to retry. */
	rc = kit_send_request_flags(s->host, "PUT", url, body, EPITHET_HTTP_IDEMPOTENT, &resp, err);
	if (rc == 0) {
		rc = kit_is_2xx(resp->status) ? check_attached(s, resp, title, what, err)
					      : kit_map_status(s->host, &gitlab_kit, resp, what, err);
	}
	s->host->http_free(s->host->host_data, resp);

cleanup:
	free(title);
	free(body);
	free(url);
	free(base);
	return rc;
}

/* ---- files -------------------------------------------------------------------------- */

static int impl_read_file(epithet_forge_session *s, const char *owner, const char *repo,
			  const char *path, const char *ref, char **out, size_t *out_len,
			  struct epithet_error *err)
{
	struct epithet_http_response *resp = NULL;
	char what[600];
	char *base = NULL, *url = NULL;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (owner == NULL || repo == NULL || path == NULL || path[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "reading a file needs a project and a path");
		return EPITHET_EINVALID;
	}
	/* One escaped segment keeps the URL whole, but "../x" would still ask
	 * GitLab for a path outside the tree: refused, as the other forges do. */
	if (!kit_repo_path_ok(path)) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "\"%s\" is not a path inside a repository",
				   path);
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "file %s of %s/%s%s%s", path, owner, repo, ref ? " at " : "",
		 ref ? ref : "");
	rc = project_base(s, owner, repo, true, &base, err);
	if (rc != 0) {
		return rc;
	}
	/* The whole path is one escaped segment ('/' as %2F). Without ref
	 * GitLab reads the default branch. */
	url = ref != NULL ? kit_build_path(s->host, "/repository/files/{}/raw?ref={}", path, ref)
			  : kit_build_path(s->host, "/repository/files/{}/raw", path);
	if (url != NULL) {
		char *full = kit_strdup_printf("%s%s", base, url);

		free(url);
		url = full;
	}
	if (url == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	rc = kit_send_request(s->host, "GET", url, NULL, &resp, err);
	if (rc != 0) {
		goto cleanup;
	}
	if (!kit_is_2xx(resp->status)) {
		rc = kit_map_status(s->host, &gitlab_kit, resp, what, err);
		goto cleanup;
	}
	*out = s->host->alloc(s->host->host_data, resp->body_len + 1);
	if (*out == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	memcpy(*out, resp->body, resp->body_len);
	(*out)[resp->body_len] = '\0';
	*out_len = resp->body_len;

cleanup:
	s->host->http_free(s->host->host_data, resp);
	free(url);
	free(base);
	return rc;
}

/* ---- the session ------------------------------------------------------------------------ */

static void session_free(struct epithet_forge_session *s)
{
	if (s == NULL) {
		return;
	}
	map_free(&s->projects);
	map_free(&s->users);
	for (size_t i = 0; i < s->n_groups; i++) {
		free(s->groups[i].path);
		free(s->groups[i].ids);
	}
	free(s->groups);
	free(s->title_project);
	free(s->title_label);
	free(s->title);
	pthread_mutex_destroy(&s->lock);
	free(s->display);
	free(s->api_root);
	free(s);
}

static int impl_open(const struct epithet_host *host, const struct epithet_forge_config *cfg,
		     struct epithet_session_info *info, epithet_forge_session **out,
		     struct epithet_error *err)
{
	/* After EPITHET_TOKEN, which the host tries first: glab's names. A CI
	 * job token cannot manage labels: CI_JOB_TOKEN is not read. */
	static const char *const token_env[] = {"GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", NULL};
	static const char *const headers[] = {"Accept: application/json", NULL};
	struct epithet_forge_session *s;
	struct epithet_endpoint ep;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return kit_out_of_memory(host, err);
	}
	s->host = host;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return kit_out_of_memory(host, err);
	}
	rc = resolve_target(s, cfg, err);
	if (rc != 0) {
		goto fail;
	}
	memset(&ep, 0, sizeof(ep));
	ep.struct_size = sizeof(ep);
	ep.api_root = s->api_root;
	ep.token_env = token_env;
	/* Bearer works for personal, group and project access tokens and
	 * for OAuth tokens alike. */
	ep.auth_scheme = "Bearer";
	ep.headers = headers;
	/* No documented write pacing (GITLAB.md 6): --write-interval if a
	 * server needs it; 429s are the host's. Self-managed instances take
	 * writes to different projects at once (SPEC 11); gitlab.com's per-user
	 * request limit keeps its writes one at a time, never slower. */
	if (s->dotcom) {
		ep.writes_per_minute = GL_DOTCOM_REQUESTS_PER_MINUTE;
	}
	ep.default_jobs = 4;
	rc = host->set_endpoint(host->host_data, &ep, err);
	if (rc != 0) {
		goto fail;
	}
	host->log(host->host_data, EPITHET_LOG_INFO, "API root %s (%s)", s->api_root,
		  s->dotcom ? "gitlab.com's rules: writes one at a time" : "self-managed");
	if (info != NULL) {
		info->default_owner = NULL;
		info->display = s->display;
	}
	*out = s;
	return 0;

fail:
	session_free(s);
	return rc;
}

static void impl_close(epithet_forge_session *s)
{
	session_free(s);
}

static const struct epithet_forge gitlab_forge = {
	.abi_major = EPITHET_FORGE_ABI_MAJOR,
	.abi_minor = EPITHET_FORGE_ABI_MINOR,
	.struct_size = sizeof(struct epithet_forge),
	.name = "gitlab",
	.version = "0.1.0",
	.description = "gitlab.com and self-managed GitLab, API v4 (group labels, subgroups, scoped labels)",
	/* Not UNIQUE_NAMES: titles are case-sensitive (trap 5). Not ARCHIVE:
	 * archived labels are behind a feature flag, absent from most servers.
	 * EXCLUSIVE is read-only: the "::" in the name is the switch. */
	.capabilities = EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME | EPITHET_CAP_ORG_LABELS |
			EPITHET_CAP_EXCLUSIVE | EPITHET_CAP_LABEL_COUNTS | EPITHET_CAP_ISSUE_LABELS |
			EPITHET_CAP_READ_FILE | EPITHET_CAP_OWNER_ITEMS | EPITHET_CAP_CONCURRENT_WRITES,
	/* Titles: 255 characters; descriptions 512 KiB (bytes: the core counts
	 * code points, so a limit in code points would let longer ones by). */
	.name_max = 255,
	.description_max = 0,
	.open = impl_open,
	.close = impl_close,
	.list_repos = impl_list_repos,
	.get_repo = impl_get_repo,
	.list_labels = impl_list_labels,
	.create_label = impl_create_label,
	.update_label = impl_update_label,
	.delete_label = impl_delete_label,
	.list_labelled = impl_list_labelled,
	/* Issues and merge requests are numbered apart: add_item_label. */
	.add_label = NULL,
	.list_labels_many = NULL,
	.read_file = impl_read_file,
	.add_item_label = impl_add_item_label,
	/* Titles cannot hold a comma (GITLAB.md 3): refused before any request. */
	.name_forbidden = ",",
	/* Scoped labels: the name is the switch, there is no flag (trap 13). */
	.exclusive_by_name = "::",
};

EPITHET_FORGE_ENTRY_DECL
{
	/* add_item_label is 1.1: a 1.0 host would find no way to relabel
	 * issues, so it gets no vtable (merges and undo need it). */
	if (host_abi_major == EPITHET_FORGE_ABI_MAJOR && host_abi_minor < 1) {
		return NULL;
	}
	return kit_forge_for_host(&gitlab_forge, host_abi_major, host_abi_minor);
}
