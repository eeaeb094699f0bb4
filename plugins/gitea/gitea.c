/* SPDX-License-Identifier: MIT */
/*
 * The gitea forge plugin: Gitea and Forgejo, API v1 under URL + "/api/v1".
 *
 * Everything reaches the server through the host's services: the host owns
 * the token, pacing, retries and the ETag cache, so this file only builds
 * requests and maps answers (JSON mapping in gitea-parse.c; what github does
 * the same way, requests, statuses and paged lists, in
 * ../common/plugin-kit.c).
 *
 * What makes Gitea different from GitHub, and where it is handled (the trap
 * numbers are those of shared/specs/CONTRACTS.md section 4):
 * - labels are written by numeric id, never by name (trap 18): update and
 *   delete refuse a label without one;
 * - DELETE answers 204 for any id (trap 19), duplicates are allowed (trap
 *   20): the core checks before it creates;
 * - PATCH without is_archived un-archives (trap 21): every update on a
 *   server >= 1.21 carries the archived state it means to leave;
 * - limit is clamped silently and label lists have no Link header (traps
 *   22-23): pages are walked by number against X-Total-Count;
 * - features depend on the version, and Forgejo's number is not Gitea's
 *   (trap 25): open() reads /version once;
 * - the issue filter labels= matches names, and several labels resolving
 *   from one name are ANDed: list_labelled checks the label's id itself.
 *
 * Threading: a session is written only in open() and immutable afterwards,
 * and every call keeps its state on its own stack, so the host may run reads
 * concurrently.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json.h>

#include "epithet/forge.h"
#include "gitea-parse.h"
#include "../common/plugin-kit.h"

#define GT_API_SUFFIX "/api/v1"

/* MAX_RESPONSE_ITEMS when the server does not say (Gitea's default, trap 22). */
#define GT_DEFAULT_PAGE 50
/* An instance may raise MAX_RESPONSE_ITEMS; beyond this, pages would only
 * get slow to parse, not fewer in any useful way. */
#define GT_MAX_PAGE 1000

/* The colour a create sends when the labels file gives none: Gitea requires
 * one (CreateLabelOption), and this is the grey GitHub picks in that case. */
#define GT_DEFAULT_COLOR "#ededed"

struct epithet_forge_session {
	const struct epithet_host *host;
	char *api_root;          /* URL + "/api/v1", no trailing '/' */
	char *display;           /* the URL the user gave, without trailing '/' */
	struct gt_version ver;
	bool version_known;      /* /version was understood */
	bool has_exclusive;      /* scoped labels: Gitea >= 1.19 */
	bool has_archived;       /* archived labels: Gitea >= 1.21 */
	unsigned limit;          /* page size: the server's MAX_RESPONSE_ITEMS */
};

/* ---- URLs ------------------------------------------------------------------- */

/* --url: the Gitea base URL, sub-path included (https://HOST[/SUBPATH]). */
static int resolve_target(struct epithet_forge_session *s, const struct epithet_forge_config *cfg,
			  struct epithet_error *err)
{
	const struct epithet_host *h = s->host;
	const char *url, *why;

	if (cfg != NULL && cfg->api_url != NULL && cfg->api_url[0] != '\0') {
		h->error_set(err, EPITHET_EINVALID, 0,
			     "gitea: --api-url is for github only; give --url https://HOST");
		return EPITHET_EINVALID;
	}
	url = cfg != NULL ? cfg->url : NULL;
	if (url == NULL || url[0] == '\0') {
		/* There is no default Gitea the way there is api.github.com. */
		h->error_set(err, EPITHET_EINVALID, 0, "gitea: --url https://HOST is required");
		return EPITHET_EINVALID;
	}
	why = kit_check_base_url(url, "credentials in the URL are not supported "
				      "(use GITEA_TOKEN or --token-file)", NULL, NULL);
	if (why != NULL) {
		/* Never quote a URL that may carry credentials. */
		if (strchr(url, '@') != NULL) {
			h->error_set(err, EPITHET_EINVALID, 0, "gitea: invalid --url: %s", why);
		} else {
			h->error_set(err, EPITHET_EINVALID, 0, "gitea: invalid --url \"%s\": %s", url, why);
		}
		return EPITHET_EINVALID;
	}
	/* A URL that is already the API root is not made /api/v1/api/v1. */
	if (!kit_api_root_under(url, GT_API_SUFFIX, &s->api_root, &s->display)) {
		return kit_out_of_memory(h, err);
	}
	return 0;
}

/* "/repos/{o}/{r}/labels" or "/orgs/{o}/labels", then @p tail as is
 * (a "/ID" or a "?query"). */
static char *labels_path(struct epithet_forge_session *s, const char *owner, const char *repo,
			 const char *tail)
{
	char *base, *out;

	base = repo != NULL ? kit_build_path(s->host, "/repos/{}/{}/labels", owner, repo)
			    : kit_build_path(s->host, "/orgs/{}/labels", owner);
	if (base == NULL) {
		return NULL;
	}
	out = kit_strdup_printf("%s%s", base, tail);
	free(base);
	return out;
}

/* ---- statuses ---------------------------------------------------------------------- */

/*
 * Gitea's own statuses, before the common mapping (kit_map_status). Gitea's
 * messages are human and were localized in old versions: the status decides
 * (trap 26), the message is only quoted. The common 429 fits: Gitea has no
 * rate limit of its own, a proxy in front may.
 */
static int gitea_statuses(const struct kit_answer *a, struct epithet_error *err)
{
	const struct epithet_host *h = a->host;
	int st = a->status;

	switch (st) {
	case 423:
		/* "repo is archived" (mustNotBeArchived): read-only. */
		h->error_set(err, EPITHET_EFORBIDDEN, st, "%s: the repository is locked (423)%s%s",
			     a->what, a->sep, a->msg);
		return EPITHET_EFORBIDDEN;
	case 400:
	case 409:
	case 422:
		/* Gitea itself never refuses a duplicate label name (trap 20),
		 * but a fork or a future version may say so. */
		if (strcasestr(a->msg, "already exist") != NULL) {
			h->error_set(err, EPITHET_EEXISTS, st, "%s: a label of that name already exists (%d)%s%s",
				     a->what, st, a->sep, a->msg);
			return EPITHET_EEXISTS;
		}
		h->error_set(err, EPITHET_EINVALID, st, "%s: Gitea refused the values (%d)%s%s",
			     a->what, st, a->sep, a->msg);
		return EPITHET_EINVALID;
	default:
		return 0;
	}
}

static const struct kit_forge gitea_kit = {
	.name = "Gitea",
	.statuses = gitea_statuses,
	/* Lists are walked by page number until X-Total-Count is reached or a
	 * page is empty: label lists have no Link header, and repo lists' Link
	 * URLs use ROOT_URL, which is wrong behind many proxies (trap 23). Each
	 * list URL carries ?limit= (with_limit). */
	.page_param = "page",
};

/* ---- paginated lists ------------------------------------------------------------- */

static int repo_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct gt_repo_scratch scratch;
	struct epithet_repo repo;
	int rc;

	rc = gt_parse_repo(obj, &repo, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	rc = kit_walk_deliver(w, w->repo_cb(&repo, w->payload));
	gt_repo_scratch_finish(&scratch);
	return rc;
}

static int label_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct gt_label_scratch scratch;
	struct epithet_label label;
	int rc;

	rc = gt_parse_label(obj, &label, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	if (scratch.bad_color) {
		/* Stored unvalidated by an old Gitea: list it without a colour
		 * so that a sync can set a real one. */
		w->host->log(w->host->host_data, EPITHET_LOG_WARN,
			     "%s: label \"%s\" has no valid colour (\"%s\")", w->what, label.name,
			     gt_get_string(obj, "color") != NULL ? gt_get_string(obj, "color") : "");
	}
	return kit_walk_deliver(w, w->label_cb(&label, w->payload));
}

/* w->filter: the id (int64_t) of the label an issue must carry to be kept. */
static int issue_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct epithet_item item;
	int rc;

	rc = gt_parse_item(obj, &item, why);
	if (rc != 0) {
		return rc;
	}
	if (!gt_item_has_label_id(obj, *(const int64_t *)w->filter)) {
		return 0;
	}
	return kit_walk_deliver(w, w->item_cb(&item, w->payload));
}

/* "PATH?limit=N" or "PATH&limit=N" for the session's page size; malloc'd. */
static char *with_limit(struct epithet_forge_session *s, char *path)
{
	char *out;

	if (path == NULL) {
		return NULL;
	}
	out = kit_strdup_printf("%s%climit=%u", path, strchr(path, '?') != NULL ? '&' : '?', s->limit);
	free(path);
	return out;
}

/* ---- finding labels by name ---------------------------------------------------------- */

static int tolower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether @p s is plain ASCII without a ',' or surrounding spaces: a name
 * the issue filter labels= takes as it is. */
static bool filter_safe_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || strchr(s, ',') != NULL) {
		return false;
	}
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20) {
			return false;
		}
	}
	return true;
}

/*
 * Whether a database could take label @p other for @p ascii (an ASCII
 * name): Gitea looks names up by SQL equality, and on MySQL the default
 * collations ignore case, accents and trailing spaces. So: the same number
 * of code points once trailing spaces are dropped, every ASCII one equal
 * ignoring case, and any non-ASCII one in @p other taken as a match.
 */
static bool may_collate_equal(const char *ascii, const char *other)
{
	const unsigned char *a = (const unsigned char *)ascii;
	const unsigned char *o = (const unsigned char *)other;
	size_t la = strlen(ascii), lo = strlen(other);

	while (la > 0 && a[la - 1] == ' ') {
		la--;
	}
	while (lo > 0 && o[lo - 1] == ' ') {
		lo--;
	}
	while (la > 0 && lo > 0) {
		if (*o >= 0x80) {
			/* One code point: a lead byte and its continuations. */
			o++;
			lo--;
			while (lo > 0 && (*o & 0xc0) == 0x80) {
				o++;
				lo--;
			}
		} else {
			if (tolower_ascii(*o) != tolower_ascii(*a)) {
				return false;
			}
			o++;
			lo--;
		}
		a++;
		la--;
	}
	return la == 0 && lo == 0;
}

/* What a scan of a repository's labels found about one name. */
struct name_scan {
	const char *name;
	int64_t id;              /* the label's own id, 0 when unknown */
	size_t exact;            /* labels named exactly @name */
	int64_t exact_id;        /* the first of them */
	bool id_listed;          /* @id is among the repository's labels */
	bool lookalike;          /* another label the database may take for @name */
};

static int scan_item(struct kit_walk *w, struct json_object *obj, const char **why)
{
	struct name_scan *ns = w->payload;
	struct gt_label_scratch scratch;
	struct epithet_label l;
	int64_t id = 0;
	int rc;

	rc = gt_parse_label(obj, &l, &scratch, why);
	if (rc != 0) {
		return rc;
	}
	(void)gt_parse_id(l.id, &id);
	if (strcmp(l.name, ns->name) == 0) {
		if (ns->exact++ == 0) {
			ns->exact_id = id;
		}
	}
	if (ns->id != 0 && id == ns->id) {
		ns->id_listed = true;
	} else if (filter_safe_name(ns->name) && may_collate_equal(ns->name, l.name) &&
		   (ns->id != 0 || strcmp(l.name, ns->name) != 0)) {
		ns->lookalike = true;
	}
	return 0;
}

/* Read every label of @p owner/@p repo into @p ns. */
static int scan_labels(struct epithet_forge_session *s, const char *owner, const char *repo,
		       struct name_scan *ns, struct epithet_error *err)
{
	struct kit_walk w;
	char what[256];
	char *url;
	int rc;

	snprintf(what, sizeof(what), "labels of %s/%s", owner, repo);
	kit_walk_init(&w, s->host, &gitea_kit, what, scan_item, ns);
	url = with_limit(s, kit_build_path(s->host, "/repos/{}/{}/labels", owner, repo));
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_walk_list(&w, url, err);
	free(url);
	return rc;
}

/* The one label a scan found by exact name, or why there is not one:
 * several labels of one name are reported, never picked (SPEC 4). */
static int exact_match(struct epithet_forge_session *s, const struct name_scan *ns, const char *owner,
		       const char *repo, const char *what, int64_t *id, struct epithet_error *err)
{
	if (ns->exact == 0) {
		s->host->error_set(err, EPITHET_ENOTFOUND, 0, "%s: %s/%s has no label named \"%s\"",
				   what, owner, repo, ns->name);
		return EPITHET_ENOTFOUND;
	}
	if (ns->exact > 1) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "%s: %s/%s has %zu labels named \"%s\" (Gitea allows duplicates); "
				   "resolve the duplicates first", what, owner, repo, ns->exact, ns->name);
		return EPITHET_EINVALID;
	}
	*id = ns->exact_id;
	return 0;
}

/* The numeric id of @p label in @p owner/@p repo: its own id when it has
 * one, else the one label of exactly that name. */
static int label_id_in_repo(struct epithet_forge_session *s, const char *owner, const char *repo,
			    const struct epithet_label *label, const char *what, int64_t *id,
			    struct epithet_error *err)
{
	struct name_scan ns;
	int rc;

	if (gt_parse_id(label->id, id)) {
		return 0;
	}
	if (label->id != NULL && label->id[0] != '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "%s: \"%s\" is not a Gitea label id", what, label->id);
		return EPITHET_EINVALID;
	}
	memset(&ns, 0, sizeof(ns));
	ns.name = label->name;
	rc = scan_labels(s, owner, repo, &ns, err);
	if (rc != 0) {
		return rc;
	}
	return exact_match(s, &ns, owner, repo, what, id, err);
}

/* ---- the vtable ----------------------------------------------------------------- */

static void session_free(struct epithet_forge_session *s)
{
	if (s == NULL) {
		return;
	}
	free(s->display);
	free(s->api_root);
	free(s);
}

/* GET /version: which Gitea API this is (trap 25). */
static int probe_version(struct epithet_forge_session *s, struct epithet_error *err)
{
	const struct epithet_host *h = s->host;
	struct epithet_http_response *resp = NULL;
	struct json_object *root = NULL;
	const char *text;
	char what[300];
	int rc;

	snprintf(what, sizeof(what), "reading the Gitea version at %s", s->display);
	rc = kit_send_request(h, "GET", "/version", NULL, &resp, err);
	if (rc != 0) {
		return rc;
	}
	if (resp->status == 404) {
		h->error_set(err, EPITHET_ENOTFOUND, 404,
			     "no Gitea or Forgejo API at %s (GET %s/version answered 404)",
			     s->display, s->api_root);
		rc = EPITHET_ENOTFOUND;
		goto out;
	}
	if (!kit_is_2xx(resp->status)) {
		/* A bad token is refused here already, even on this public
		 * endpoint: better now than after planning. */
		rc = kit_map_status(h, &gitea_kit, resp, what, err);
		goto out;
	}
	rc = gt_parse_body(resp->body, resp->body_len, &root);
	if (rc != 0) {
		rc = rc == EPITHET_ENOMEM ? kit_out_of_memory(h, err)
					  : kit_protocol_error(h, &gitea_kit, resp->status, what,
							       "the answer is not JSON (is this Gitea?)",
							       err);
		goto out;
	}
	text = gt_get_string(root, "version");
	if (text == NULL) {
		rc = kit_protocol_error(h, &gitea_kit, resp->status, what,
					"no \"version\" string (is this Gitea?)", err);
		goto out;
	}
	if (gt_parse_version(text, &s->ver) == 0) {
		s->version_known = true;
		s->has_exclusive = gt_version_at_least(&s->ver, 1, 19);
		s->has_archived = gt_version_at_least(&s->ver, 1, 21);
		/* INFO: --verbose shows what was found (docs/gitea.md). */
		h->log(h->host_data, EPITHET_LOG_INFO, "%s %s (Gitea API %u.%u.%u)",
		       s->ver.forgejo ? "Forgejo" : "Gitea", text, s->ver.major, s->ver.minor,
		       s->ver.patch);
	} else {
		/* A development build or a fork naming itself. Assuming the
		 * newest API is the safe side: an old server ignores the
		 * fields it lacks, while leaving is_archived out on a new one
		 * would un-archive labels (trap 21). */
		s->has_exclusive = true;
		s->has_archived = true;
		h->log(h->host_data, EPITHET_LOG_WARN,
		       "cannot read the Gitea version \"%s\"; assuming a current one", text);
	}
out:
	json_object_put(root);
	h->http_free(h->host_data, resp);
	return rc;
}

/* GET /settings/api: MAX_RESPONSE_ITEMS, the largest page (trap 22). */
static int probe_settings(struct epithet_forge_session *s, struct epithet_error *err)
{
	const struct epithet_host *h = s->host;
	struct epithet_http_response *resp = NULL;
	struct json_object *root = NULL;
	int64_t max;
	int rc;

	s->limit = GT_DEFAULT_PAGE;
	rc = kit_send_request(h, "GET", "/settings/api", NULL, &resp, err);
	if (rc == 0 && !kit_is_2xx(resp->status)) {
		h->log(h->host_data, EPITHET_LOG_INFO,
		       "GET /settings/api answered %d; using pages of %u", resp->status, s->limit);
	} else if (rc == 0) {
		rc = kit_answer_json(h, &gitea_kit, resp, "Gitea API settings", &root, err);
	}
	h->http_free(h->host_data, resp);
	if (rc == EPITHET_EPROTOCOL) {
		/* Not worth failing a run over: the default is what most
		 * instances use, and pages are walked by count anyway. */
		h->log(h->host_data, EPITHET_LOG_INFO, "%s; using pages of %u", err->message, s->limit);
		memset(err, 0, sizeof(*err));
		return 0;
	}
	if (rc != 0 || root == NULL) {
		return rc;
	}
	max = gt_get_positive_int(root, "max_response_items", GT_DEFAULT_PAGE);
	s->limit = max > GT_MAX_PAGE ? GT_MAX_PAGE : (unsigned)max;
	json_object_put(root);
	return 0;
}

static int impl_open(const struct epithet_host *host, const struct epithet_forge_config *cfg,
		     struct epithet_session_info *info, epithet_forge_session **out,
		     struct epithet_error *err)
{
	/* The host tries EPITHET_TOKEN itself first. */
	static const char *const token_env[] = {"GITEA_TOKEN", NULL};
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
	s->limit = GT_DEFAULT_PAGE;
	rc = resolve_target(s, cfg, err);
	if (rc != 0) {
		goto fail;
	}

	memset(&ep, 0, sizeof(ep));
	ep.struct_size = sizeof(ep);
	ep.api_root = s->api_root;
	ep.token_env = token_env;
	/* Lowercase: Forgejo compares the scheme case-sensitively (trap 28). */
	ep.auth_scheme = "token";
	ep.headers = headers;
	/* No rate limit in Gitea or Forgejo (trap 27): the user may set
	 * --write-interval for a small server. */
	ep.write_interval_ms = 0;
	ep.writes_per_minute = 0;
	ep.writes_per_hour = 0;
	ep.default_jobs = 4;
	rc = host->set_endpoint(host->host_data, &ep, err);
	if (rc != 0) {
		goto fail;
	}
	rc = probe_version(s, err);
	if (rc != 0) {
		goto fail;
	}
	rc = probe_settings(s, err);
	if (rc != 0) {
		goto fail;
	}
	host->log(host->host_data, EPITHET_LOG_INFO,
		  "API root %s, pages of %u, scoped labels %s, archived labels %s", s->api_root,
		  s->limit, s->has_exclusive ? "yes" : "no", s->has_archived ? "yes" : "no");

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

static int impl_list_repos(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			   void *payload, struct epithet_error *err)
{
	struct kit_walk w;
	char what[256], user_what[256];

	if (owner == NULL || owner[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "listing repositories needs an owner");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "repositories of %s", owner);
	snprintf(user_what, sizeof(user_what),
		 "repositories of %s (no organization or user of that name)", owner);
	kit_walk_init(&w, s->host, &gitea_kit, what, repo_item, payload);
	w.repo_cb = cb;
	/* An owner may be a user: /orgs/ answers 404 for those. Not
	 * /user/repos, which lists only the token's own repos (trap 24). */
	return kit_walk_owner_repos(&w, owner,
				    with_limit(s, kit_build_path(s->host, "/orgs/{}/repos", owner)),
				    with_limit(s, kit_build_path(s->host, "/users/{}/repos", owner)),
				    user_what, err);
}

static int impl_get_repo(epithet_forge_session *s, const char *owner, const char *name,
			 epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	struct json_object *root = NULL;
	struct gt_repo_scratch scratch = {0};
	struct epithet_repo repo;
	const char *why = NULL;
	char what[256];
	char *url;
	int rc;

	if (owner == NULL || name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "a repository needs an owner and a name");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "repository %s/%s", owner, name);
	url = kit_build_path(s->host, "/repos/{}/{}", owner, name);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_get_json(s->host, &gitea_kit, url, what, &root, NULL, err);
	if (rc != 0) {
		goto cleanup;
	}
	rc = gt_parse_repo(root, &repo, &scratch, &why);
	if (rc != 0) {
		rc = rc == EPITHET_ENOMEM ? kit_out_of_memory(s->host, err)
					  : kit_protocol_error(s->host, &gitea_kit, 200, what, why, err);
		goto cleanup;
	}
	rc = cb(&repo, payload);
	gt_repo_scratch_finish(&scratch);

cleanup:
	json_object_put(root);
	free(url);
	return rc;
}

/* "in acme/r1" or "of organization acme" for messages. */
static void where(char *buf, size_t n, const char *owner, const char *repo)
{
	if (repo != NULL) {
		snprintf(buf, n, "%s/%s", owner, repo);
	} else {
		snprintf(buf, n, "organization %s", owner);
	}
}

static int impl_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			    epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	struct kit_walk w;
	char what[256], at[200];
	char *url;
	int rc;

	if (owner == NULL || owner[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0, "listing labels needs an owner");
		return EPITHET_EINVALID;
	}
	where(at, sizeof(at), owner, repo);
	snprintf(what, sizeof(what), "labels of %s", at);
	kit_walk_init(&w, s->host, &gitea_kit, what, label_item, payload);
	w.label_cb = cb;
	/* repo NULL: the organization's own labels. A repo's list holds its
	 * own labels only (CONTRACTS 2.2). */
	url = with_limit(s, labels_path(s, owner, repo, ""));
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_walk_list(&w, url, err);
	free(url);
	return rc;
}

/* The "exclusive" and "is_archived" parts of a write, or ENOTSUPPORTED when
 * @p want asks for a state this server cannot hold. */
static int feature_opts(struct epithet_forge_session *s, const struct epithet_label *want,
			const char *what, struct gt_label_body_opts *o, struct epithet_error *err)
{
	if (want->fields & EPITHET_FIELD_EXCLUSIVE) {
		if (s->has_exclusive) {
			o->exclusive = true;
		} else if (want->flags & EPITHET_LABEL_EXCLUSIVE) {
			s->host->error_set(err, EPITHET_ENOTSUPPORTED, 0,
					   "%s: scoped (exclusive) labels need Gitea 1.19 or later "
					   "(this server speaks %u.%u)", what, s->ver.major, s->ver.minor);
			return EPITHET_ENOTSUPPORTED;
		}
		/* Not exclusive on a server without the feature: already so. */
	}
	if ((want->fields & EPITHET_FIELD_ARCHIVED) && !s->has_archived &&
	    (want->flags & EPITHET_LABEL_ARCHIVED)) {
		s->host->error_set(err, EPITHET_ENOTSUPPORTED, 0,
				   "%s: archived labels need Gitea 1.21 or later (this server speaks %u.%u)",
				   what, s->ver.major, s->ver.minor);
		return EPITHET_ENOTSUPPORTED;
	}
	return 0;
}

static int impl_create_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *want, struct epithet_error *err)
{
	struct gt_label_body_opts o;
	char what[300], at[200], color[8];
	char *url = NULL, *body = NULL;
	int rc;

	if (owner == NULL || want == NULL || want->name == NULL || want->name[0] == '\0') {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "creating a label on Gitea needs an owner and a name");
		return EPITHET_EINVALID;
	}
	where(at, sizeof(at), owner, repo);
	snprintf(what, sizeof(what), "creating label \"%s\" in %s", want->name, at);
	memset(&o, 0, sizeof(o));
	o.create = true;
	if (want->fields & EPITHET_FIELD_COLOR) {
		if (!gt_color_out(want->color, color)) {
			s->host->error_set(err, EPITHET_EINVALID, 0, "%s: colour \"%s\" is not 6 hex digits",
					   what, want->color != NULL ? want->color : "");
			return EPITHET_EINVALID;
		}
		o.color = color;
	} else {
		o.color = GT_DEFAULT_COLOR;
	}
	rc = feature_opts(s, want, what, &o, err);
	if (rc != 0) {
		return rc;
	}
	/* is_archived only to make an archived label (undo of one): absent
	 * means not archived on every version. */
	if ((want->fields & EPITHET_FIELD_ARCHIVED) && (want->flags & EPITHET_LABEL_ARCHIVED)) {
		o.send_archived = true;
		o.archived = true;
	}
	url = labels_path(s, owner, repo, "");
	body = gt_label_body(want, &o, NULL);
	if (url == NULL || body == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	/* Gitea allows duplicate names (trap 20): the core has looked before,
	 * and looks again before repeating a create whose answer was lost. */
	rc = kit_send_write(s->host, &gitea_kit, "POST", url, body, what, err);

cleanup:
	free(body);
	free(url);
	return rc;
}

/* "/ID" of a listed label, or EINVALID: writes go by id only (trap 18). */
static int id_tail(struct epithet_forge_session *s, const struct epithet_label *cur, const char *what,
		   char tail[GT_ID_MAX + 1], struct epithet_error *err)
{
	/* Never fall back to the name: PATCH by name is a 404 and DELETE by
	 * name deletes nothing (trap 18). */
	return kit_label_id_tail(s->host, &gitea_kit, cur, what, tail, GT_ID_MAX + 1, err);
}

static int impl_update_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, const struct epithet_label *want,
			     struct epithet_error *err)
{
	struct gt_label_body_opts o;
	char what[400], at[200], color[8], tail[GT_ID_MAX + 1];
	char *url = NULL, *body = NULL;
	size_t n_fields;
	bool archive_asked;
	int rc;

	if (owner == NULL || cur == NULL || cur->name == NULL || want == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "updating a label on Gitea needs an owner and the current label");
		return EPITHET_EINVALID;
	}
	where(at, sizeof(at), owner, repo);
	if ((want->fields & EPITHET_FIELD_NAME) && want->name != NULL &&
	    strcmp(want->name, cur->name) != 0) {
		snprintf(what, sizeof(what), "renaming label \"%s\" to \"%s\" in %s", cur->name,
			 want->name, at);
	} else {
		snprintf(what, sizeof(what), "updating label \"%s\" in %s", cur->name, at);
	}
	rc = id_tail(s, cur, what, tail, err);
	if (rc != 0) {
		return rc;
	}
	if ((want->fields & EPITHET_FIELD_NAME) && (want->name == NULL || want->name[0] == '\0')) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "%s: the new name is empty", what);
		return EPITHET_EINVALID;
	}
	memset(&o, 0, sizeof(o));
	if (want->fields & EPITHET_FIELD_COLOR) {
		if (!gt_color_out(want->color, color)) {
			s->host->error_set(err, EPITHET_EINVALID, 0, "%s: colour \"%s\" is not 6 hex digits",
					   what, want->color != NULL ? want->color : "");
			return EPITHET_EINVALID;
		}
		o.color = color;
	}
	rc = feature_opts(s, want, what, &o, err);
	if (rc != 0) {
		return rc;
	}
	/* PATCH without is_archived un-archives (trap 21): on a server that
	 * has archived labels, always send the state the label is to keep. */
	archive_asked = (want->fields & EPITHET_FIELD_ARCHIVED) && s->has_archived;
	if (s->has_archived) {
		o.send_archived = true;
		o.archived = (want->fields & EPITHET_FIELD_ARCHIVED)
				     ? (want->flags & EPITHET_LABEL_ARCHIVED) != 0
				     : (cur->flags & EPITHET_LABEL_ARCHIVED) != 0;
	}
	body = gt_label_body(want, &o, &n_fields);
	if (body == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	if (n_fields == 0 && !archive_asked) {
		/* Nothing this server stores was asked for: no request. */
		free(body);
		return 0;
	}
	url = labels_path(s, owner, repo, tail);
	if (url == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	rc = kit_send_write(s->host, &gitea_kit, "PATCH", url, body, what, err);

cleanup:
	free(url);
	free(body);
	return rc;
}

static int impl_delete_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, struct epithet_error *err)
{
	char what[300], at[200], tail[GT_ID_MAX + 1];
	char *url;
	int rc;

	if (owner == NULL || cur == NULL || cur->name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "deleting a label on Gitea needs an owner and the label");
		return EPITHET_EINVALID;
	}
	where(at, sizeof(at), owner, repo);
	snprintf(what, sizeof(what), "deleting label \"%s\" in %s", cur->name, at);
	rc = id_tail(s, cur, what, tail, err);
	if (rc != 0) {
		return rc;
	}
	url = labels_path(s, owner, repo, tail);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	/* 204 comes for unknown ids too (trap 19): success here says the
	 * label is absent now, not that this call removed it. Deletes are
	 * idempotent for the core, so that is what it needs. */
	rc = kit_send_write(s->host, &gitea_kit, "DELETE", url, NULL, what, err);
	free(url);
	return rc;
}

static int impl_list_labelled(epithet_forge_session *s, const char *owner, const char *repo,
			      const struct epithet_label *label, epithet_item_cb cb, void *payload,
			      struct epithet_error *err)
{
	struct name_scan ns;
	struct kit_walk w;
	char what[300];
	char *url;
	int64_t id = 0;
	bool filter;
	int rc;

	if (owner == NULL || repo == NULL || label == NULL || label->name == NULL) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "listing labelled issues on Gitea needs a repository and a label");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "issues labelled \"%s\" in %s/%s", label->name, owner, repo);
	if (label->id != NULL && label->id[0] != '\0' && !gt_parse_id(label->id, &id)) {
		s->host->error_set(err, EPITHET_EINVALID, 0, "%s: \"%s\" is not a Gitea label id",
				   what, label->id);
		return EPITHET_EINVALID;
	}
	/*
	 * labels= is resolved by name among the repo's own labels, and the
	 * ids a name resolves to are ANDed; a name resolving to nothing drops
	 * the filter. With a lookalike label (a duplicate, or one the
	 * database collation takes as equal) the filter would hide issues,
	 * so then every issue is read. Either way only issues carrying the
	 * label's id are kept.
	 */
	memset(&ns, 0, sizeof(ns));
	ns.name = label->name;
	if (label->id != NULL && label->id[0] != '\0') {
		ns.id = id;
	}
	rc = scan_labels(s, owner, repo, &ns, err);
	if (rc != 0) {
		return rc;
	}
	if (ns.id == 0) {
		/* A label made in this run: found by its exact name. */
		rc = exact_match(s, &ns, owner, repo, what, &id, err);
		if (rc != 0) {
			return rc;
		}
		ns.id = id;
		ns.id_listed = true;
	}
	filter = filter_safe_name(label->name) && ns.id_listed && !ns.lookalike;
	if (!filter) {
		s->host->log(s->host->host_data, EPITHET_LOG_INFO,
			     "%s: the name cannot be filtered on exactly; reading every issue", what);
	}

	kit_walk_init(&w, s->host, &gitea_kit, what, issue_item, payload);
	w.item_cb = cb;
	w.filter = &ns.id;
	/* No type=: Gitea lists issues and pull requests together. */
	url = filter ? kit_build_path(s->host, "/repos/{}/{}/issues?state=all&labels={}", owner, repo, label->name)
		     : kit_build_path(s->host, "/repos/{}/{}/issues?state=all", owner, repo);
	url = with_limit(s, url);
	if (url == NULL) {
		return kit_out_of_memory(s->host, err);
	}
	rc = kit_walk_list(&w, url, err);
	free(url);
	return rc;
}

/* Whether the answer to POST /issues/{n}/labels lists label @p id. */
static int check_attached(struct epithet_forge_session *s, const struct epithet_http_response *resp,
			  int64_t id, const char *what, struct epithet_error *err)
{
	struct json_object *root = NULL;
	bool found;
	int rc;

	rc = gt_parse_body(resp->body, resp->body_len, &root);
	if (rc == EPITHET_ENOMEM) {
		return kit_out_of_memory(s->host, err);
	}
	if (rc != 0 || !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return kit_protocol_error(s->host, &gitea_kit, resp->status, what, "a list of labels was expected", err);
	}
	found = gt_labels_include_id(root, id);
	json_object_put(root);
	if (!found) {
		/* Gitea skips ids that are no label of the repo or its org
		 * and still answers 200 with the issue's labels. */
		s->host->error_set(err, EPITHET_ENOTFOUND, resp->status,
				   "%s: Gitea did not attach label id %" PRId64
				   " (not a label of this repository or its organization)", what, id);
		return EPITHET_ENOTFOUND;
	}
	return 0;
}

static int impl_add_label(epithet_forge_session *s, const char *owner, const char *repo,
			  uint64_t number, const struct epithet_label *label,
			  struct epithet_error *err)
{
	struct epithet_http_response *resp = NULL;
	char what[300], num[24];
	char *url = NULL, *body = NULL;
	int64_t id;
	int rc;

	if (owner == NULL || repo == NULL || label == NULL || label->name == NULL || number == 0) {
		s->host->error_set(err, EPITHET_EINVALID, 0,
				   "labelling an issue on Gitea needs a repository, an issue and a label");
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "adding label \"%s\" to #%" PRIu64 " in %s/%s", label->name,
		 number, owner, repo);
	/* Gitea takes label ids (names only from 1.20, and they repeat): a
	 * label made in this run comes without one and is looked up. */
	rc = label_id_in_repo(s, owner, repo, label, what, &id, err);
	if (rc != 0) {
		return rc;
	}
	snprintf(num, sizeof(num), "%" PRIu64, number);
	url = kit_build_path(s->host, "/repos/{}/{}/issues/{}/labels", owner, repo, num);
	/* POST adds to the issue's labels; PUT would replace them all. */
	body = gt_add_labels_body(id);
	if (url == NULL || body == NULL) {
		rc = kit_out_of_memory(s->host, err);
		goto cleanup;
	}
	/* Adding a label the issue already has changes nothing: a 1.1 host
	 * retries it after a lost answer like a GET (a 1.0 host ignores it). */
	rc = kit_send_request_flags(s->host, "POST", url, body, EPITHET_HTTP_IDEMPOTENT, &resp, err);
	if (rc != 0) {
		goto cleanup;
	}
	rc = kit_is_2xx(resp->status) ? check_attached(s, resp, id, what, err)
				  : kit_map_status(s->host, &gitea_kit, resp, what, err);
	s->host->http_free(s->host->host_data, resp);

cleanup:
	free(body);
	free(url);
	return rc;
}

/* ABI 1.1: read_file, through the contents API (a labels file that another
 * one `extends`): JSON with the content in base64; a file too large for that
 * answer (over 1 MB on GitHub) from its blob. */
static int impl_read_file(epithet_forge_session *s, const char *owner, const char *repo,
			  const char *path, const char *ref, char **out, size_t *out_len,
			  struct epithet_error *err)
{
	return kit_read_repo_file(s->host, &gitea_kit, owner, repo, path, ref, out, out_len, err);
}

static const struct epithet_forge gitea_forge = {
	.abi_major = EPITHET_FORGE_ABI_MAJOR,
	.abi_minor = EPITHET_FORGE_ABI_MINOR,
	.struct_size = sizeof(struct epithet_forge),
	.name = "gitea",
	.version = "0.1.0",
	.description = "Gitea and Forgejo, API v1 (org labels, scoped and archived labels)",
	/* ARCHIVE is meaningful from Gitea 1.21: an older server answers
	 * ENOTSUPPORTED to archiving. No UNIQUE_NAMES: Gitea allows two
	 * labels of one name (trap 20). CONCURRENT_WRITES: the session is
	 * immutable after open() and a write keeps its state (the label ids
	 * a name resolves to) on its own stack; Gitea has no write pacing. */
	.capabilities = EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME | EPITHET_CAP_ORG_LABELS |
			EPITHET_CAP_EXCLUSIVE | EPITHET_CAP_ARCHIVE | EPITHET_CAP_ISSUE_LABELS |
			EPITHET_CAP_READ_FILE | EPITHET_CAP_CONCURRENT_WRITES,
	/* name and description are untagged Go strings in Gitea's Label model,
	 * which xorm makes VARCHAR(255) (characters on MySQL and PostgreSQL;
	 * SQLite does not enforce it). The API checks no length itself: a
	 * longer value fails in the database, as a 500. The web UI's 50/200
	 * are limits of its form only. */
	.name_max = 255,
	.description_max = 255,
	.open = impl_open,
	.close = impl_close,
	.list_repos = impl_list_repos,
	.get_repo = impl_get_repo,
	.list_labels = impl_list_labels,
	.create_label = impl_create_label,
	.update_label = impl_update_label,
	.delete_label = impl_delete_label,
	.list_labelled = impl_list_labelled,
	.add_label = impl_add_label,
	.list_labels_many = NULL,
	/* ABI 1.1 */
	.read_file = impl_read_file,
};

/* Built against 1.x: every member used here is 1.0. */
EPITHET_FORGE_ENTRY_DECL
{
	return kit_forge_for_host(&gitea_forge, host_abi_major, host_abi_minor);
}
