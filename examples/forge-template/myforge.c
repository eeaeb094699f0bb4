/* SPDX-License-Identifier: MIT */
/*
 * myforge: a template forge plugin for epithet, built outside epithet's tree
 * against the installed SDK (pkg-config epithet-forge). It maps the REST API of
 * fake_myforge.py onto the forge ABI: copy it, rename "myforge", change the
 * paths and the JSON mapping. epithet's docs/PLUGINS.md explains each rule.
 *
 * The host does the HTTP: it finds and sends the token, paces writes, retries,
 * waits out rate limits and walks the pages. This file builds requests and
 * maps answers. Threading: the session is immutable after open() and each call
 * keeps its state on its own stack, so reads may run in parallel. Ownership:
 * what the host passes in is borrowed for the call; what this file passes to
 * a callback points into a json-c tree freed after the callback returns.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream, strdup */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <epithet/forge.h>

struct epithet_forge_session {
	const struct epithet_host *host; /* valid until close() */
	char *api_root;                  /* --api-url, or --url + "/api" */
};

/* Fills @err and evaluates to @code: `return fail(s, err, EPITHET_EINVALID, 0, "...");` */
#define fail(s, err, code, status, ...) \
	((s)->host->error_set((err), (code), (status), __VA_ARGS__), (code))

/* ---- requests ------------------------------------------------------------ */

/* A path from @fmt where each "{}" is the next argument escaped by the host as
 * one path segment: names from users may hold '/', '?', '%' or spaces.
 * malloc'd; NULL when out of memory. */
static char *build_path(struct epithet_forge_session *s, const char *fmt, ...)
{
	const struct epithet_host *h = s->host;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	bool ok = f != NULL;
	va_list ap;

	va_start(ap, fmt);
	for (; ok && *fmt; fmt++) {
		if (fmt[0] == '{' && fmt[1] == '}') {
			char *seg = h->escape_segment(h->host_data, va_arg(ap, const char *));

			ok = seg != NULL && fputs(seg, f) >= 0;
			h->free(h->host_data, seg); /* host memory goes back to the host */
			fmt++;
		} else {
			ok = fputc(*fmt, f) != EOF;
		}
	}
	va_end(ap);
	if (f != NULL && fclose(f) != 0)
		ok = false;
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}

/* Maps a non-2xx answer to a status code, quoting the forge's "error". */
static int map_status(struct epithet_forge_session *s, const struct epithet_http_response *r,
		      const char *what, struct epithet_error *err)
{
	json_object *root = json_tokener_parse(r->body), *e = NULL;
	const char *msg = json_object_object_get_ex(root, "error", &e) ? json_object_get_string(e)
								       : NULL;
	int st = r->status, code = st == 401 ? EPITHET_EAUTH
				 : st == 403 ? EPITHET_EFORBIDDEN
				 : st == 404 ? EPITHET_ENOTFOUND
				 : st == 409 ? EPITHET_EEXISTS
				 : st == 422 ? EPITHET_EINVALID
				 : st == 429 ? EPITHET_ERATELIMIT
				 : st >= 500 ? EPITHET_ESERVER : EPITHET_ERROR;

	s->host->error_set(err, code, st, "%s: HTTP %d%s%s", what, st, msg ? ": " : "",
			   msg ? msg : "");
	json_object_put(root);
	return code;
}

/* One request to @path (NULL: out of memory). On 0 the answer was 2xx and, if
 * @out is not NULL, *out holds its parsed body (the caller puts it). */
static int call(struct epithet_forge_session *s, const char *method, const char *path,
		json_object *body, const char *what, json_object **out, struct epithet_error *err)
{
	const struct epithet_host *h = s->host;
	struct epithet_http_request req = {
		.struct_size = sizeof(req), .method = method, .url = path,
	};
	struct epithet_http_response *resp = NULL;
	int rc;

	if (path == NULL)
		return fail(s, err, EPITHET_ENOMEM, 0, "out of memory");
	if (body != NULL)
		req.body = json_object_to_json_string_length(body, JSON_C_TO_STRING_PLAIN,
							     &req.body_len);
	rc = h->http(h->host_data, &req, &resp, err);
	if (rc != 0)
		return rc; /* no answer: the host has set err */
	if (resp->status < 200 || resp->status > 299)
		rc = map_status(s, resp, what, err);
	else if (out != NULL && (*out = json_tokener_parse(resp->body)) == NULL)
		rc = fail(s, err, EPITHET_EPROTOCOL, resp->status, "%s: the answer is not JSON", what);
	h->http_free(h->host_data, resp);
	return rc;
}

/* ---- answers to ABI structs ---------------------------------------------- */

static const char *str(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* How a list is walked: which callback gets the items, and whether it stopped. */
struct walk {
	struct epithet_forge_session *s;
	const char *what;           /* "labels of acme/api", for messages */
	epithet_repo_cb repo_cb;    /* exactly one of the two is set */
	epithet_label_cb label_cb;
	void *payload;
	bool stopped;               /* the callback returned cb_ret != 0 */
	int cb_ret;
};

/* Hands one item to the user's callback. 0 to go on; non-zero to stop, either
 * because the callback said so (w->stopped) or the item is malformed. */
static int emit(struct walk *w, json_object *o, struct epithet_error *err)
{
	json_object *v = NULL;
	const char *name = str(o, "name"), *color = str(o, "color"), *owner = str(o, "owner");

	if (name == NULL || (w->repo_cb ? owner == NULL : color == NULL || strlen(color) != 6))
		return fail(w->s, err, EPITHET_EPROTOCOL, 0, "%s: unexpected answer: an item lacks "
			    "its name, owner or colour", w->what);
	if (w->repo_cb != NULL) {
		struct epithet_repo repo = {
			.struct_size = sizeof(repo), .owner = owner, .name = name, .id = str(o, "id"),
		};

		if (json_object_object_get_ex(o, "archived", &v) && json_object_get_boolean(v))
			repo.flags |= EPITHET_REPO_ARCHIVED; /* the core never writes there */
		w->cb_ret = w->repo_cb(&repo, w->payload);
	} else {
		/* Listed labels set every field the forge has; counts are unknown. */
		struct epithet_label label = {
			.struct_size = sizeof(label),
			.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION,
			.name = name, .color = color, .description = str(o, "description"),
			.id = str(o, "id"), .issues = -1, .pulls = -1,
		};

		w->cb_ret = w->label_cb(&label, w->payload);
	}
	w->stopped = w->cb_ret != 0;
	return w->cb_ret;
}

/* epithet_page_cb: one page of a list. Returns how many items it held, so
 * that the host knows when X-Total-Count is reached, or a negative code. */
static int on_page(const struct epithet_http_response *resp, void *payload,
		   struct epithet_error *err)
{
	struct walk *w = payload;
	json_object *list;
	size_t i, n;
	int rc = 0;

	if (resp->status < 200 || resp->status > 299)
		return map_status(w->s, resp, w->what, err);
	list = json_tokener_parse(resp->body);
	if (!json_object_is_type(list, json_type_array)) {
		json_object_put(list);
		return fail(w->s, err, EPITHET_EPROTOCOL, resp->status, "%s: not a JSON list", w->what);
	}
	n = json_object_array_length(list);
	for (i = 0; i < n && rc == 0; i++)
		rc = emit(w, json_object_array_get_idx(list, i), err);
	json_object_put(list);
	if (w->stopped)
		return EPITHET_ERROR; /* stops the walk; walk() returns cb_ret instead */
	return rc != 0 ? rc : (int)n;
}

/* GETs every page of @path: ?page=1, 2, ... up to the X-Total-Count. */
static int walk(struct walk *w, char *path, struct epithet_error *err)
{
	const struct epithet_host *h = w->s->host;
	struct epithet_http_request req = {
		.struct_size = sizeof(req), .method = "GET", .url = path, .page_param = "page",
	};
	int rc;

	if (path == NULL)
		return fail(w->s, err, EPITHET_ENOMEM, 0, "out of memory");
	rc = h->http_paginate(h->host_data, &req, on_page, w, err);
	free(path);
	return w->stopped ? w->cb_ret : rc; /* a callback's stop is passed on unchanged */
}

/* The body of a create or update: only the fields @want sets. */
static json_object *label_body(const struct epithet_label *want)
{
	json_object *b = json_object_new_object();
	const char *keys[] = { "name", "color", "description" };
	const char *vals[] = { want->name, want->color, want->description };
	uint32_t bits[] = { EPITHET_FIELD_NAME, EPITHET_FIELD_COLOR, EPITHET_FIELD_DESCRIPTION };

	for (size_t i = 0; b != NULL && i < 3; i++) {
		json_object *v;

		if (!(want->fields & bits[i]))
			continue;
		v = json_object_new_string(vals[i] ? vals[i] : ""); /* NULL description: "" */
		if (v == NULL || json_object_object_add(b, keys[i], v) != 0) {
			json_object_put(v);
			json_object_put(b);
			b = NULL;
		}
	}
	return b;
}

/* ---- the vtable ------------------------------------------------------------ */

static void impl_close(epithet_forge_session *s)
{
	if (s != NULL)
		free(s->api_root);
	free(s);
}

static int impl_open(const struct epithet_host *host, const struct epithet_forge_config *cfg,
		     struct epithet_session_info *info, epithet_forge_session **out,
		     struct epithet_error *err)
{
	static const char *const token_env[] = { "MYFORGE_TOKEN", NULL };
	/* The host resolves the token (EPITHET_TOKEN, then MYFORGE_TOKEN, ...)
	 * and sends "Authorization: token T" to this API root only. */
	struct epithet_endpoint ep = {
		.struct_size = sizeof(ep), .token_env = token_env, .auth_scheme = "token",
		.write_interval_ms = 0, .default_jobs = 4, /* your forge's guidance here */
	};
	struct epithet_forge_session *s = calloc(1, sizeof(*s));
	const char *url = cfg->api_url ? cfg->api_url : cfg->url;
	size_t n = url ? strlen(url) : 0;
	int rc;

	*out = NULL;
	if (s == NULL) {
		host->error_set(err, EPITHET_ENOMEM, 0, "out of memory");
		return EPITHET_ENOMEM;
	}
	s->host = host;
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n == 0) {
		rc = fail(s, err, EPITHET_EINVALID, 0, "myforge needs --url URL (or --api-url URL)");
		goto error;
	}
	s->api_root = malloc(n + sizeof("/api"));
	if (s->api_root == NULL) {
		rc = fail(s, err, EPITHET_ENOMEM, 0, "out of memory");
		goto error;
	}
	snprintf(s->api_root, n + sizeof("/api"), "%.*s%s", (int)n, url,
		 cfg->api_url ? "" : "/api");
	ep.api_root = s->api_root;
	rc = host->set_endpoint(host->host_data, &ep, err);
	if (rc != 0)
		goto error;
	info->display = s->api_root; /* valid until close() */
	*out = s;
	return 0;
error:
	impl_close(s);
	return rc;
}

static int impl_list_repos(epithet_forge_session *s, const char *owner, epithet_repo_cb cb,
			   void *payload, struct epithet_error *err)
{
	struct walk w = { .s = s, .what = owner, .repo_cb = cb, .payload = payload };

	return walk(&w, build_path(s, "/orgs/{}/repos?per_page=100", owner), err);
}

static int impl_get_repo(epithet_forge_session *s, const char *owner, const char *name,
			 epithet_repo_cb cb, void *payload, struct epithet_error *err)
{
	struct walk w = { .s = s, .what = name, .repo_cb = cb, .payload = payload };
	char *path = build_path(s, "/repos/{}/{}", owner, name);
	json_object *root = NULL;
	int rc = call(s, "GET", path, NULL, name, &root, err);

	if (rc == 0)
		rc = emit(&w, root, err);
	json_object_put(root);
	free(path);
	return rc;
}

static int impl_list_labels(epithet_forge_session *s, const char *owner, const char *repo,
			    epithet_label_cb cb, void *payload, struct epithet_error *err)
{
	struct walk w = { .s = s, .what = repo, .label_cb = cb, .payload = payload };

	if (repo == NULL) /* owner-level labels: not without EPITHET_CAP_ORG_LABELS */
		return fail(s, err, EPITHET_ENOTSUPPORTED, 0, "myforge has no owner-level labels");
	return walk(&w, build_path(s, "/repos/{}/{}/labels?per_page=100", owner, repo), err);
}

/* The three writes: POST .../labels (@cur NULL), PATCH .../labels/ID and
 * DELETE .../labels/ID (@want NULL). @cur is the label as listed: its id is
 * ours, opaque to the core. A rename by id keeps the label on its issues,
 * which is what EPITHET_CAP_RENAME promises. */
static int write_label(epithet_forge_session *s, const char *method, const char *owner,
		       const char *repo, const struct epithet_label *cur,
		       const struct epithet_label *want, struct epithet_error *err)
{
	const char *what = cur ? cur->name : want->name;
	char *path = cur ? build_path(s, "/repos/{}/{}/labels/{}", owner, repo,
				      cur->id ? cur->id : "")
			 : build_path(s, "/repos/{}/{}/labels", owner, repo);
	json_object *body = want ? label_body(want) : NULL;
	int rc;

	if (cur != NULL && cur->id == NULL)
		rc = fail(s, err, EPITHET_EINVALID, 0, "%s: a label without an id", what);
	else if (want != NULL && body == NULL)
		rc = fail(s, err, EPITHET_ENOMEM, 0, "out of memory");
	else
		rc = call(s, method, path, body, what, NULL, err);
	json_object_put(body);
	free(path);
	return rc;
}

static int impl_create_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *want, struct epithet_error *err)
{
	return write_label(s, "POST", owner, repo, NULL, want, err);
}

static int impl_update_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, const struct epithet_label *want,
			     struct epithet_error *err)
{
	return write_label(s, "PATCH", owner, repo, cur, want, err);
}

static int impl_delete_label(epithet_forge_session *s, const char *owner, const char *repo,
			     const struct epithet_label *cur, struct epithet_error *err)
{
	return write_label(s, "DELETE", owner, repo, cur, NULL, err);
}

/* Static const: the plugin's identity. The optional methods stay NULL: this
 * forge cannot list or label issues (no EPITHET_CAP_ISSUE_LABELS), so the core
 * never merges here, and it has no batch read. */
static const struct epithet_forge myforge = {
	.abi_major = EPITHET_FORGE_ABI_MAJOR,
	.abi_minor = EPITHET_FORGE_ABI_MINOR,
	.struct_size = sizeof(struct epithet_forge),
	.name = "myforge",
	.version = "0.1.0",
	.description = "template plugin: the REST API of fake_myforge.py",
	.capabilities = EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME | EPITHET_CAP_UNIQUE_NAMES,
	.name_max = 50,
	.description_max = 200,
	.open = impl_open,
	.close = impl_close,
	.list_repos = impl_list_repos,
	.get_repo = impl_get_repo,
	.list_labels = impl_list_labels,
	.create_label = impl_create_label,
	.update_label = impl_update_label,
	.delete_label = impl_delete_label,
};

/* The one exported symbol. Only ABI 1.0 services are used, so any 1.x host will do. */
EPITHET_FORGE_ENTRY_DECL
{
	(void)host_abi_minor;
	return host_abi_major == EPITHET_FORGE_ABI_MAJOR ? &myforge : NULL;
}
