/* SPDX-License-Identifier: MIT */
/*
 * plugin-kit: what github and gitea share. See plugin-kit.h.
 *
 * Threading: nothing here keeps state; every call works on its own stack and
 * the caller's structs, so plugins may call it from concurrent reads.
 */
#include "plugin-kit.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "kit-json.h"

/* Longest quote of a server's own "message" in an error: enough for every
 * message the forges send, short enough to leave room for our context. */
#define KIT_QUOTE_MAX 200

/* ---- URLs and paths -------------------------------------------------------- */

const char *kit_check_base_url(const char *url, const char *credentials_why, const char **host,
			       size_t *host_len)
{
	const char *p, *q;
	size_t authority, len;

	if (strncasecmp(url, "https://", 8) == 0) {
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		return "the scheme must be http:// or https://";
	}
	for (q = url; *q != '\0'; q++) {
		unsigned char c = (unsigned char)*q;

		if (c <= 0x20 || c == 0x7f || c == '?' || c == '#') {
			return "it must not contain spaces, control characters, "
			       "a query or a fragment";
		}
	}
	authority = strcspn(p, "/");
	if (memchr(p, '@', authority) != NULL) {
		return credentials_why;
	}
	len = strcspn(p, ":/");
	if (host != NULL) {
		*host = p;
	}
	if (host_len != NULL) {
		*host_len = len;
	}
	if (len == 0) {
		return "it has no host name";
	}
	return NULL;
}

char *kit_strip_slashes(const char *url)
{
	char *dup = strdup(url);
	size_t len;

	if (dup == NULL) {
		return NULL;
	}
	len = strlen(dup);
	while (len > 0 && dup[len - 1] == '/') {
		dup[--len] = '\0';
	}
	return dup;
}

bool kit_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

char *kit_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&out, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : out;
}

bool kit_api_root_under(const char *url, const char *suffix, char **api_root, char **display)
{
	char *base = kit_strip_slashes(url);

	*api_root = NULL;
	*display = NULL;
	if (base == NULL) {
		return false;
	}
	if (kit_ends_with(base, suffix)) {
		/* Already the API root: do not double the suffix. */
		*api_root = base;
		*display = strndup(base, strlen(base) - strlen(suffix));
	} else {
		*api_root = kit_strdup_printf("%s%s", base, suffix);
		*display = base;
	}
	return *api_root != NULL && *display != NULL;
}

char *kit_build_path(const struct epithet_host *h, const char *fmt, ...)
{
	char *buf = NULL, *grown;
	size_t len = 0, cap = 0;
	va_list ap;

	va_start(ap, fmt);
	while (*fmt != '\0') {
		const char *piece;
		char *escaped = NULL;
		size_t n;

		if (fmt[0] == '{' && fmt[1] == '}') {
			escaped = h->escape_segment(h->host_data, va_arg(ap, const char *));
			if (escaped == NULL) {
				goto fail;
			}
			piece = escaped;
			n = strlen(escaped);
			fmt += 2;
		} else {
			piece = fmt;
			n = strcspn(fmt, "{");
			if (n == 0) {
				n = 1; /* a lone '{' */
			}
			fmt += n;
		}
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			grown = realloc(buf, cap);
			if (grown == NULL) {
				h->free(h->host_data, escaped);
				goto fail;
			}
			buf = grown;
		}
		memcpy(buf + len, piece, n);
		len += n;
		buf[len] = '\0';
		h->free(h->host_data, escaped);
	}
	va_end(ap);
	if (buf == NULL) {
		buf = strdup("");
	}
	return buf;

fail:
	va_end(ap);
	free(buf);
	return NULL;
}

/* ---- statuses ---------------------------------------------------------------- */

int kit_out_of_memory(const struct epithet_host *h, struct epithet_error *err)
{
	h->error_set(err, EPITHET_ENOMEM, 0, "out of memory");
	return EPITHET_ENOMEM;
}

void kit_quote_message(const struct epithet_http_response *resp, char *buf, size_t n)
{
	struct json_object *root = NULL;
	const char *msg;

	buf[0] = '\0';
	if (kit_json_parse_body(resp->body, resp->body_len, &root) != 0) {
		return;
	}
	msg = kit_json_get_string(root, "message");
	if (msg != NULL) {
		snprintf(buf, n, "%s", msg);
		kit_one_line(buf);
	}
	json_object_put(root);
}

int kit_map_status(const struct epithet_host *h, const struct kit_forge *f,
		   const struct epithet_http_response *resp, const char *what,
		   struct epithet_error *err)
{
	struct kit_answer a;
	char msg[KIT_QUOTE_MAX];
	int st = resp->status;
	int rc;

	if (f->quote != NULL) {
		f->quote(resp, msg, sizeof(msg));
	} else {
		kit_quote_message(resp, msg, sizeof(msg));
	}
	a.host = h;
	a.resp = resp;
	a.status = st;
	a.what = what;
	a.msg = msg;
	a.sep = msg[0] != '\0' ? ": " : "";
	if (f->statuses != NULL) {
		rc = f->statuses(&a, err);
		if (rc != 0) {
			return rc;
		}
	}
	switch (st) {
	case 401:
		h->error_set(err, EPITHET_EAUTH, st, "%s rejected the credentials (401)%s%s (%s)",
			     f->name, a.sep, msg, what);
		return EPITHET_EAUTH;
	case 403:
		h->error_set(err, EPITHET_EFORBIDDEN, st, "%s: %s refused (403)%s%s", what, f->name,
			     a.sep, msg);
		return EPITHET_EFORBIDDEN;
	case 404:
		h->error_set(err, EPITHET_ENOTFOUND, st,
			     "%s: not found, or not visible with these credentials (%d)%s%s",
			     what, st, a.sep, msg);
		return EPITHET_ENOTFOUND;
	case 429:
		h->error_set(err, EPITHET_ERATELIMIT, st, "%s: rate limited (429)%s%s", what, a.sep,
			     msg);
		return EPITHET_ERATELIMIT;
	default:
		break;
	}
	if (st >= 500 && st <= 599) {
		h->error_set(err, EPITHET_ESERVER, st, "%s: %s server error (%d)%s%s", what, f->name,
			     st, a.sep, msg);
		return EPITHET_ESERVER;
	}
	h->error_set(err, EPITHET_ERROR, st, "%s: unexpected HTTP status %d from %s%s%s", what, st,
		     f->name, a.sep, msg);
	return EPITHET_ERROR;
}

int kit_protocol_error(const struct epithet_host *h, const struct kit_forge *f, int http_status,
		       const char *what, const char *why, struct epithet_error *err)
{
	h->error_set(err, EPITHET_EPROTOCOL, http_status, "%s: unexpected answer from %s: %s", what,
		     f->name, why);
	return EPITHET_EPROTOCOL;
}

int kit_label_id_tail(const struct epithet_host *h, const struct kit_forge *f,
		      const struct epithet_label *cur, const char *what, char *tail, size_t n,
		      struct epithet_error *err)
{
	int64_t id;

	if (!kit_parse_decimal_id(cur->id, &id)) {
		h->error_set(err, EPITHET_EINVALID, 0,
			     "%s: the label has no %s id (\"%s\"); %s labels are changed by id only",
			     what, f->name, cur->id != NULL ? cur->id : "", f->name);
		return EPITHET_EINVALID;
	}
	snprintf(tail, n, "/%" PRId64, id);
	return 0;
}

/* ---- requests ---------------------------------------------------------------- */

int kit_send_request(const struct epithet_host *h, const char *method, const char *url,
		     const char *body, struct epithet_http_response **out,
		     struct epithet_error *err)
{
	return kit_send_request_flags(h, method, url, body, 0, out, err);
}

int kit_send_request_flags(const struct epithet_host *h, const char *method, const char *url,
			   const char *body, uint32_t flags, struct epithet_http_response **out,
			   struct epithet_error *err)
{
	return kit_send_request_for(h, NULL, method, url, body, flags, out, err);
}

int kit_send_request_for(const struct epithet_host *h, const struct kit_for *who,
			 const char *method, const char *url, const char *body, uint32_t flags,
			 struct epithet_http_response **out, struct epithet_error *err)
{
	struct epithet_http_request req;

	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.flags = flags;
	req.owner = who != NULL ? who->owner : NULL;
	req.repo = who != NULL ? who->repo : NULL;
	req.method = method;
	req.url = url;
	req.body = body;
	req.body_len = body != NULL ? strlen(body) : 0;
	*out = NULL;
	return h->http(h->host_data, &req, out, err);
}

int kit_send_write(const struct epithet_host *h, const struct kit_forge *f, const char *method,
		   const char *url, const char *body, const char *what, struct epithet_error *err)
{
	return kit_send_write_flags(h, f, method, url, body, 0, what, err);
}

int kit_send_write_flags(const struct epithet_host *h, const struct kit_forge *f,
			 const char *method, const char *url, const char *body, uint32_t flags,
			 const char *what, struct epithet_error *err)
{
	return kit_send_write_for(h, f, NULL, method, url, body, flags, what, err);
}

int kit_send_write_for(const struct epithet_host *h, const struct kit_forge *f,
		       const struct kit_for *who, const char *method, const char *url,
		       const char *body, uint32_t flags, const char *what,
		       struct epithet_error *err)
{
	struct epithet_http_response *resp = NULL;
	int rc;

	rc = kit_send_request_for(h, who, method, url, body, flags, &resp, err);
	if (rc != 0) {
		return rc;
	}
	rc = kit_is_2xx(resp->status) ? 0 : kit_map_status(h, f, resp, what, err);
	h->http_free(h->host_data, resp);
	return rc;
}

int kit_answer_json(const struct epithet_host *h, const struct kit_forge *f,
		    const struct epithet_http_response *resp, const char *what,
		    struct json_object **root, struct epithet_error *err)
{
	int rc = kit_json_parse_body(resp->body, resp->body_len, root);

	if (rc == EPITHET_ENOMEM) {
		return kit_out_of_memory(h, err);
	}
	if (rc != 0) {
		return kit_protocol_error(h, f, resp->status, what, "the answer is not JSON", err);
	}
	return 0;
}

int kit_get_json(const struct epithet_host *h, const struct kit_forge *f, const char *url,
		 const char *what, struct json_object **root, int *status,
		 struct epithet_error *err)
{
	return kit_get_json_for(h, f, NULL, url, what, root, status, err);
}

int kit_get_json_for(const struct epithet_host *h, const struct kit_forge *f,
		     const struct kit_for *who, const char *url, const char *what,
		     struct json_object **root, int *status, struct epithet_error *err)
{
	struct epithet_http_response *resp = NULL;
	int rc;

	*root = NULL;
	rc = kit_send_request_for(h, who, "GET", url, NULL, 0, &resp, err);
	if (rc != 0) {
		return rc;
	}
	if (kit_is_2xx(resp->status)) {
		if (status != NULL) {
			*status = resp->status;
		}
		rc = kit_answer_json(h, f, resp, what, root, err);
	} else {
		rc = kit_map_status(h, f, resp, what, err);
	}
	h->http_free(h->host_data, resp);
	return rc;
}

/* ---- files of a repository (ABI 1.1 read_file) --------------------------------- */

bool kit_repo_path_ok(const char *path)
{
	const char *p = path;

	if (p == NULL || *p == '\0' || *p == '/') {
		return false;
	}
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			return false;
		}
		if (p[n] == '\0') {
			return true;
		}
		p += n + 1;
	}
}

int kit_file_url(const struct epithet_host *h, const char *prefix, const char *path,
		 const char *ref, char **out, struct epithet_error *err)
{
	size_t cap = strlen(prefix) + 3 * strlen(path) + (ref ? 5 + 3 * strlen(ref) : 0) + 2;
	char *url = malloc(cap), *seg;
	const char *p = path;

	*out = NULL;
	if (url == NULL) {
		return kit_out_of_memory(h, err);
	}
	strcpy(url, prefix);
	if (!kit_repo_path_ok(path)) {
		goto bad;
	}
	while (*p != '\0') {
		size_t n = strcspn(p, "/");
		char *part = strndup(p, n);

		if (part == NULL) {
			free(url);
			return kit_out_of_memory(h, err);
		}
		seg = h->escape_segment(h->host_data, part);
		free(part);
		if (seg == NULL) {
			free(url);
			return kit_out_of_memory(h, err);
		}
		strcat(url, "/");
		strcat(url, seg);
		h->free(h->host_data, seg);
		p += n;
		if (*p == '/') {
			p++;
		}
	}
	if (ref != NULL) {
		seg = h->escape_segment(h->host_data, ref);
		if (seg == NULL) {
			free(url);
			return kit_out_of_memory(h, err);
		}
		strcat(url, "?ref=");
		strcat(url, seg);
		h->free(h->host_data, seg);
	}
	*out = url;
	return 0;
bad:
	free(url);
	h->error_set(err, EPITHET_EINVALID, 0, "\"%s\" is not a path inside a repository", path);
	return EPITHET_EINVALID;
}

/* Base64 (with line breaks, as contents APIs send it) through libcrypto's
 * EVP decoder, into h->alloc'd memory. */
static int decode_base64(const struct epithet_host *h, const char *in, size_t len, char **out,
			 size_t *out_len)
{
	EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
	unsigned char *buf;
	int n = 0, tail = 0;

	if (ctx == NULL || len > INT_MAX) {
		EVP_ENCODE_CTX_free(ctx);
		return EPITHET_ENOMEM;
	}
	buf = h->alloc(h->host_data, len / 4 * 3 + 4);
	if (buf == NULL) {
		EVP_ENCODE_CTX_free(ctx);
		return EPITHET_ENOMEM;
	}
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, buf, &n, (const unsigned char *)in, (int)len) < 0 ||
	    EVP_DecodeFinal(ctx, buf + n, &tail) < 0) {
		EVP_ENCODE_CTX_free(ctx);
		h->free(h->host_data, buf);
		return EPITHET_EPROTOCOL;
	}
	EVP_ENCODE_CTX_free(ctx);
	buf[n + tail] = '\0';
	*out = (char *)buf;
	*out_len = (size_t)(n + tail);
	return 0;
}

/* The base64 "content" of a JSON answer (a file's, a blob's), decoded. */
static int json_content(const struct epithet_host *h, const struct kit_forge *f,
			struct json_object *obj, const char *what, char **out, size_t *out_len,
			struct epithet_error *err)
{
	struct json_object *content = json_object_object_get(obj, "content");
	const char *encoding = kit_json_get_string(obj, "encoding");
	int rc;

	if (encoding == NULL || strcmp(encoding, "base64") != 0 ||
	    !json_object_is_type(content, json_type_string)) {
		return kit_protocol_error(h, f, 200, what, "the file came without its content", err);
	}
	rc = decode_base64(h, json_object_get_string(content),
			   (size_t)json_object_get_string_len(content), out, out_len);
	if (rc == EPITHET_ENOMEM) {
		return kit_out_of_memory(h, err);
	}
	if (rc != 0) {
		return kit_protocol_error(h, f, 200, what, "the content is not valid base64", err);
	}
	return 0;
}

/* kit_read_contents acting for @p who (kit_for): the owner's token. */
static int read_contents(const struct epithet_host *h, const struct kit_forge *f,
			 const struct kit_for *who, const char *url, const char *blobs_prefix,
			 const char *what, char **out, size_t *out_len, struct epithet_error *err)
{
	struct json_object *root = NULL, *blob = NULL;
	const char *type, *encoding, *sha;
	char *blob_url = NULL;
	int rc;

	*out = NULL;
	*out_len = 0;
	rc = kit_get_json_for(h, f, who, url, what, &root, NULL, err);
	if (rc != 0) {
		return rc;
	}
	if (json_object_is_type(root, json_type_array)) {
		h->error_set(err, EPITHET_EINVALID, 0, "%s: is a directory, not a file", what);
		rc = EPITHET_EINVALID;
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		rc = kit_protocol_error(h, f, 200, what, "the answer is not an object", err);
		goto out;
	}
	type = kit_json_get_string(root, "type");
	if (type == NULL || strcmp(type, "file") != 0) {
		h->error_set(err, EPITHET_EINVALID, 0, "%s: is a %s, not a file", what,
			     type ? type : "thing of no type");
		rc = EPITHET_EINVALID;
		goto out;
	}
	encoding = kit_json_get_string(root, "encoding");
	sha = kit_json_get_string(root, "sha");
	if (encoding != NULL && strcmp(encoding, "base64") == 0) {
		rc = json_content(h, f, root, what, out, out_len, err);
	} else if (sha != NULL && blobs_prefix != NULL) {
		/* Too large to come inside the contents answer ("encoding":
		 * "none", or no content): the blob of that sha has it. */
		rc = kit_file_url(h, blobs_prefix, sha, NULL, &blob_url, err);
		if (rc == 0) {
			rc = kit_get_json_for(h, f, who, blob_url, what, &blob, NULL, err);
		}
		if (rc == 0) {
			rc = json_content(h, f, blob, what, out, out_len, err);
		}
	} else {
		rc = kit_protocol_error(h, f, 200, what, "the file came without its content", err);
	}
out:
	free(blob_url);
	json_object_put(blob);
	json_object_put(root);
	return rc;
}

int kit_read_contents(const struct epithet_host *h, const struct kit_forge *f, const char *url,
		      const char *blobs_prefix, const char *what, char **out, size_t *out_len,
		      struct epithet_error *err)
{
	return read_contents(h, f, NULL, url, blobs_prefix, what, out, out_len, err);
}

int kit_read_repo_file(const struct epithet_host *h, const struct kit_forge *f, const char *owner,
		       const char *repo, const char *path, const char *ref, char **out,
		       size_t *out_len, struct epithet_error *err)
{
	char what[512];
	char *prefix = NULL, *url = NULL, *blobs = NULL;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (owner == NULL || repo == NULL || path == NULL) {
		h->error_set(err, EPITHET_EINVALID, 0, "reading a file on %s needs a repository and a path",
			     f->name);
		return EPITHET_EINVALID;
	}
	snprintf(what, sizeof(what), "file %s in %s/%s%s%s", path, owner, repo, ref ? " at " : "",
		 ref ? ref : "");
	prefix = kit_build_path(h, "/repos/{}/{}/contents", owner, repo);
	blobs = kit_build_path(h, "/repos/{}/{}/git/blobs", owner, repo);
	if (prefix == NULL || blobs == NULL) {
		rc = kit_out_of_memory(h, err);
		goto cleanup;
	}
	rc = kit_file_url(h, prefix, path, ref, &url, err);
	if (rc == 0) {
		rc = read_contents(h, f, &(const struct kit_for){owner, repo}, url, blobs, what, out,
				   out_len, err);
	}
cleanup:
	free(blobs);
	free(url);
	free(prefix);
	return rc;
}

/* ---- paged lists --------------------------------------------------------------- */

void kit_walk_init(struct kit_walk *w, const struct epithet_host *h, const struct kit_forge *f,
		   const char *what,
		   int (*item)(struct kit_walk *w, struct json_object *obj, const char **why),
		   void *payload)
{
	memset(w, 0, sizeof(*w));
	w->host = h;
	w->forge = f;
	w->what = what;
	w->item = item;
	w->payload = payload;
}

/* epithet_page_cb: one page of a JSON array. Returns the number of items on
 * the page, kept by the handler or not: with page numbers, the host compares
 * it with X-Total-Count. */
static int walk_page(const struct epithet_http_response *resp, void *payload,
		     struct epithet_error *err)
{
	struct kit_walk *w = payload;
	struct json_object *root = NULL;
	const char *why = NULL;
	size_t i, n;
	int rc;

	w->pages++;
	if (!kit_is_2xx(resp->status)) {
		/* err is filled either way: the host may report it. */
		rc = kit_map_status(w->host, w->forge, resp, w->what, err);
		if (resp->status == 404 && w->soft_404 && w->pages == 1) {
			w->got_404 = true;
		}
		return rc;
	}
	rc = kit_answer_json(w->host, w->forge, resp, w->what, &root, err);
	if (rc != 0) {
		return rc;
	}
	if (w->items_key != NULL && json_object_is_type(root, json_type_object)) {
		struct json_object *items = NULL;

		(void)json_object_object_get_ex(root, w->items_key, &items);
		json_object_get(items);
		json_object_put(root);
		root = items;
	}
	if (!json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return kit_protocol_error(w->host, w->forge, resp->status, w->what,
					  "a list was expected", err);
	}
	n = json_object_array_length(root);
	for (i = 0; i < n; i++) {
		rc = w->item(w, json_object_array_get_idx(root, i), &why);
		if (rc == KIT_WALK_STOP) {
			w->stopped = true;
			/* Any negative stops the host's walk; kit_walk_list
			 * then returns w->cb_ret, not this. */
			rc = EPITHET_ERROR;
			goto out;
		}
		if (rc == EPITHET_ENOMEM) {
			rc = kit_out_of_memory(w->host, err);
			goto out;
		}
		if (rc != 0) {
			rc = kit_protocol_error(w->host, w->forge, resp->status, w->what, why, err);
			goto out;
		}
	}
	rc = n > INT_MAX ? INT_MAX : (int)n;
out:
	json_object_put(root);
	return rc;
}

int kit_walk_list(struct kit_walk *w, const char *url, struct epithet_error *err)
{
	const struct epithet_host *h = w->host;
	struct epithet_http_request req;
	int rc;

	w->pages = 0;
	w->got_404 = false;
	memset(&req, 0, sizeof(req));
	req.struct_size = sizeof(req);
	req.method = "GET";
	req.url = url;
	req.page_param = w->forge->page_param;
	req.owner = w->who.owner;
	req.repo = w->who.repo;
	rc = h->http_paginate(h->host_data, &req, walk_page, w, err);
	if (w->stopped) {
		return w->cb_ret;
	}
	return rc;
}

int kit_walk_owner_repos(struct kit_walk *w, const char *owner, char *org_url, char *user_url,
			 const char *user_what, struct epithet_error *err)
{
	const struct epithet_host *h = w->host;
	int rc;

	if (org_url == NULL || user_url == NULL) {
		rc = kit_out_of_memory(h, err);
		goto out;
	}
	w->as_user = false;
	w->soft_404 = true;
	rc = kit_walk_list(w, org_url, err);
	w->soft_404 = false;
	if (!w->got_404) {
		goto out;
	}
	h->log(h->host_data, EPITHET_LOG_DEBUG,
	       "no organization %s, listing the repositories of the user %s", owner, owner);
	w->as_user = true;
	w->what = user_what;
	if (w->user_url_hook != NULL) {
		user_url = w->user_url_hook(w, owner, user_url);
		if (user_url == NULL) {
			rc = kit_out_of_memory(h, err);
			goto out;
		}
	}
	rc = kit_walk_list(w, user_url, err);
out:
	free(org_url);
	free(user_url);
	return rc;
}

/* ---- the entry point ------------------------------------------------------------- */

const struct epithet_forge *kit_forge_for_host(const struct epithet_forge *forge,
					       uint32_t host_abi_major, uint32_t host_abi_minor)
{
	(void)host_abi_minor;
	return host_abi_major == EPITHET_FORGE_ABI_MAJOR ? forge : NULL;
}
