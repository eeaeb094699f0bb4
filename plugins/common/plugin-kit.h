/* SPDX-License-Identifier: MIT */
/*
 * plugin-kit: what the in-tree HTTP plugins (github, gitea) do the same way,
 * in one place. A static library linked into each plugin with hidden
 * visibility: every plugin still exports only epithet_forge_plugin_v1.
 *
 * - base URLs and request paths (each "{}" escaped by the host);
 * - statuses: the common mapping of a non-2xx answer to an EPITHET_E* code
 *   and message, with a hook for each forge's own cases (GitHub's 422
 *   already_exists and SSO hint, Gitea's 423...);
 * - requests: one request, a write, a GET of JSON;
 * - paged JSON-array lists through the host's http_paginate, one item at a
 *   time to the plugin's handler;
 * - files of a repository through a contents API (read_file, ABI 1.1).
 *
 * Everything takes the host (and, for messages and statuses, the forge's
 * struct kit_forge), never a plugin's session. What differs between forges
 * stays in each plugin. Not part of the plugin SDK: third-party plugins
 * start from examples/forge-template/, which stands alone.
 */
#ifndef EPITHET_PLUGINS_PLUGIN_KIT_H
#define EPITHET_PLUGINS_PLUGIN_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "epithet/forge.h"

/* ---- URLs and paths -------------------------------------------------------- */

/*
 * Check an http(s) base URL. Returns NULL when it is usable, with *host and
 * *host_len (when not NULL) naming its host without port; or a phrase saying
 * what is wrong, @p credentials_why when the URL carries credentials.
 */
const char *kit_check_base_url(const char *url, const char *credentials_why, const char **host,
			       size_t *host_len);

/* A copy of @p url without trailing '/' (the host joins paths that start
 * with '/', and a doubled slash is a 404 on some forges); NULL when out of
 * memory. */
char *kit_strip_slashes(const char *url);

bool kit_ends_with(const char *s, const char *suffix);

/* asprintf that returns the string; NULL when out of memory. */
EPITHET_PRINTF(1, 2)
char *kit_strdup_printf(const char *fmt, ...);

/*
 * The API root under base URL @p url: the URL without trailing '/', with
 * @p suffix ("/api/v1") appended unless it ends with it already (then it is
 * not doubled); *display gets the URL without the suffix. Both malloc'd,
 * whatever happens (NULL when out of memory): the caller frees them. Returns
 * false when out of memory.
 */
bool kit_api_root_under(const char *url, const char *suffix, char **api_root, char **display);

/*
 * A request path from @p fmt where each "{}" is replaced by the next string
 * argument, percent-encoded by the host as one segment (CONTRACTS 1.3:
 * nothing but RFC 3986 unreserved characters left raw). Query values take
 * the same encoding, which is valid there too. malloc'd; NULL when out of
 * memory.
 */
char *kit_build_path(const struct epithet_host *h, const char *fmt, ...);

/* ---- statuses ---------------------------------------------------------------- */

/* Fill @p err with "out of memory"; returns EPITHET_ENOMEM. */
int kit_out_of_memory(const struct epithet_host *h, struct epithet_error *err);

static inline bool kit_is_2xx(int status)
{
	return status >= 200 && status <= 299;
}

/* A non-2xx answer, as a forge's own status mapping sees it. */
struct kit_answer {
	const struct epithet_host *host;
	const struct epithet_http_response *resp;
	int status;
	const char *what;       /* the operation ("creating label \"bug\" in o/r") */
	const char *msg;        /* the server's "message", one printable line, or "" */
	const char *sep;        /* ": " when msg is not empty, else "" */
};

/* A forge's own mapping, tried first: the EPITHET_E* code it set in @p err,
 * or 0 to leave the answer to the common mapping. */
typedef int (*kit_status_fn)(const struct kit_answer *a, struct epithet_error *err);

/* What the kit needs to know of a forge. Static const in each plugin. */
struct kit_forge {
	const char *name;       /* in messages: "GitHub" */
	kit_status_fn statuses; /* the forge's own statuses, or NULL */
	/* Lists: NULL to follow Link rel="next", else the page-number query
	 * parameter (epithet_http_request.page_param). */
	const char *page_param;
	/* The server's message from an error body, as one line in buf; NULL:
	 * kit_quote_message (a "message" string). GitLab has more shapes. */
	void (*quote)(const struct epithet_http_response *resp, char *buf, size_t n);
};

/* The server's "message" from an error body, as one printable line in
 * @p buf ("" when the body has none, e.g. a proxy's HTML page). */
void kit_quote_message(const struct epithet_http_response *resp, char *buf, size_t n);

/*
 * Map a non-2xx answer to an EPITHET_E* code and fill @p err; @p what names
 * the operation. The forge's statuses hook goes first; then 401 EAUTH,
 * 403 EFORBIDDEN, 404 ENOTFOUND, 429 ERATELIMIT (the host handled rate limits
 * before: a 429 arriving here means it gave up waiting), 5xx ESERVER, and
 * anything else EPITHET_ERROR, each quoting the server's message.
 */
int kit_map_status(const struct epithet_host *h, const struct kit_forge *f,
		   const struct epithet_http_response *resp, const char *what,
		   struct epithet_error *err);

/* "WHAT: unexpected answer from FORGE: WHY"; returns EPITHET_EPROTOCOL. */
int kit_protocol_error(const struct epithet_host *h, const struct kit_forge *f, int http_status,
		       const char *what, const char *why, struct epithet_error *err);

/* "/ID" of a listed label into @p tail (@p n bytes) for forges whose label
 * writes go by numeric id only; EINVALID ("the label has no FORGE id") for
 * a label without one: never fall back to its name. */
int kit_label_id_tail(const struct epithet_host *h, const struct kit_forge *f,
		      const struct epithet_label *cur, const char *what, char *tail, size_t n,
		      struct epithet_error *err);

/* ---- requests ---------------------------------------------------------------- */

/* One request (@p body NULL: none); on 0, *out holds an answer of any
 * status, to release with h->http_free. */
int kit_send_request(const struct epithet_host *h, const char *method, const char *url,
		     const char *body, struct epithet_http_response **out,
		     struct epithet_error *err);
/* The same with enum epithet_http_flags (EPITHET_HTTP_IDEMPOTENT...). */
int kit_send_request_flags(const struct epithet_host *h, const char *method, const char *url,
			   const char *body, uint32_t flags, struct epithet_http_response **out,
			   struct epithet_error *err);

/* Whom a request acts for (epithet_http_request.owner and .repo, ABI 1.1):
 * with App authentication the host sends each owner's own token. The
 * *_for functions take one; the others act for the session's owner. */
struct kit_for {
	const char *owner;      /* NULL: the session's */
	const char *repo;       /* the repository's name, or NULL */
};

int kit_send_request_for(const struct epithet_host *h, const struct kit_for *who,
			 const char *method, const char *url, const char *body, uint32_t flags,
			 struct epithet_http_response **out, struct epithet_error *err);
int kit_send_write_for(const struct epithet_host *h, const struct kit_forge *f,
		       const struct kit_for *who, const char *method, const char *url,
		       const char *body, uint32_t flags, const char *what,
		       struct epithet_error *err);
int kit_get_json_for(const struct epithet_host *h, const struct kit_forge *f,
		     const struct kit_for *who, const char *url, const char *what,
		     struct json_object **root, int *status, struct epithet_error *err);

/* A write whose answer carries nothing the plugin needs: 0 on any 2xx, else
 * the mapped status. */
int kit_send_write(const struct epithet_host *h, const struct kit_forge *f, const char *method,
		   const char *url, const char *body, const char *what, struct epithet_error *err);
/* The same with enum epithet_http_flags. */
int kit_send_write_flags(const struct epithet_host *h, const struct kit_forge *f,
			 const char *method, const char *url, const char *body, uint32_t flags,
			 const char *what, struct epithet_error *err);

/* The JSON of a 2xx answer into *root (json_object_put it): 0, or
 * EPITHET_ENOMEM, or EPITHET_EPROTOCOL ("the answer is not JSON"). */
int kit_answer_json(const struct epithet_host *h, const struct kit_forge *f,
		    const struct epithet_http_response *resp, const char *what,
		    struct json_object **root, struct epithet_error *err);

/* GET @p url and parse its 2xx JSON answer into *root (json_object_put it);
 * a non-2xx answer is mapped. *status (when not NULL) receives the 2xx
 * status. */
int kit_get_json(const struct epithet_host *h, const struct kit_forge *f, const char *url,
		 const char *what, struct json_object **root, int *status,
		 struct epithet_error *err);

/* ---- files of a repository (ABI 1.1 read_file) --------------------------------- */

/* Whether @p path names a file inside a repository: not empty, not
 * absolute, no empty, "." or ".." segment (no trailing '/'). */
bool kit_repo_path_ok(const char *path);

/*
 * "@p prefix/SEG/SEG...[?ref=REF]": @p path's segments each escaped by the
 * host (its '/' kept), the ref as a query value. EPITHET_EINVALID (with
 * @p err) when @p path is empty, absolute, or has an empty, "." or ".."
 * segment. *out malloc'd.
 */
int kit_file_url(const struct epithet_host *h, const char *prefix, const char *path,
		 const char *ref, char **out, struct epithet_error *err);

/*
 * Read a file through a contents API whose answer is GitHub's and Gitea's
 * shape: an object with "type" "file", "encoding" "base64" and "content"
 * (base64, line breaks allowed), or an array for a directory (EINVALID). A
 * file that comes without its content (too large for that answer) is read
 * from its blob, @p blobs_prefix/SHA (the same shape, "content" in base64;
 * NULL: a protocol error). On 0, *@p out (from h->alloc, NUL-terminated) and
 * *@p out_len.
 */
int kit_read_contents(const struct epithet_host *h, const struct kit_forge *f, const char *url,
		      const char *blobs_prefix, const char *what,
		      char **out, size_t *out_len, struct epithet_error *err);

/*
 * read_file for forges with GitHub's and Gitea's paths: the contents API at
 * /repos/OWNER/REPO/contents/PATH[?ref=REF], a large file from
 * /repos/OWNER/REPO/git/blobs/SHA (kit_read_contents).
 */
int kit_read_repo_file(const struct epithet_host *h, const struct kit_forge *f, const char *owner,
		       const char *repo, const char *path, const char *ref, char **out,
		       size_t *out_len, struct epithet_error *err);

/* ---- paged lists --------------------------------------------------------------- */

/* Returned by an item handler when the user's callback said stop. */
#define KIT_WALK_STOP 1

/* One walk of a paged JSON-array list. Set up with kit_walk_init, then the
 * callback (and filter) the item handler uses. */
struct kit_walk {
	const struct epithet_host *host;
	const struct kit_forge *forge;
	const char *what;       /* the list, for messages: "labels of o/r" */
	/* One element: 0, KIT_WALK_STOP (cb_ret set), or a negative status
	 * with *why set (EPITHET_ENOMEM, or a protocol error's phrase). */
	int (*item)(struct kit_walk *w, struct json_object *obj, const char **why);
	/* for the item handler: the user's callback and payload */
	epithet_repo_cb repo_cb;
	epithet_label_cb label_cb;
	epithet_item_cb item_cb;
	void *payload;
	const void *filter;     /* for the item handler: what to keep, the forge's way */
	/* set by the walk */
	int cb_ret;             /* the user's non-zero return, passed on unchanged */
	bool stopped;           /* the user's callback stopped the walk */
	bool as_user;           /* kit_walk_owner_repos: the owner is no organization */
	/* kit_walk_owner_repos, optional: once the owner turned out to be a
	 * user, may replace @p user_url (malloc'd; return it, or a new one and
	 * free it). NULL keeps it. */
	char *(*user_url_hook)(struct kit_walk *w, const char *owner, char *user_url);
	void *hook_data;        /* for user_url_hook */
	struct kit_for who;     /* whom the walk's requests act for (kit_for) */
	/* NULL: each page is a JSON array; else the member of the page's
	 * object that holds the array ({"total_count":..,"repositories":[..]}) */
	const char *items_key;
	bool soft_404;          /* a 404 first page sets got_404 (err is filled too) */
	bool got_404;
	size_t pages;
};

void kit_walk_init(struct kit_walk *w, const struct epithet_host *h, const struct kit_forge *f,
		   const char *what,
		   int (*item)(struct kit_walk *w, struct json_object *obj, const char **why),
		   void *payload);

/* An item handler's hand-over to the user's callback: its return is kept in
 * w->cb_ret; KIT_WALK_STOP when it is not 0. */
static inline int kit_walk_deliver(struct kit_walk *w, int cb_ret)
{
	w->cb_ret = cb_ret;
	return cb_ret != 0 ? KIT_WALK_STOP : 0;
}

/*
 * GET @p url and every following page (the forge's page_param), each page a
 * JSON array whose elements go to w->item. Returns 0; the user's callback's
 * non-zero return when it stopped the walk; or a status with @p err set.
 */
int kit_walk_list(struct kit_walk *w, const char *url, struct epithet_error *err);

/*
 * The repositories of @p owner, an organization or a user account: the
 * pages of @p org_url, or, when its first page answers 404 (what /orgs/
 * answers for a user), those of @p user_url, with w->what then @p user_what
 * and w->as_user set. Takes both URLs: malloc'd, freed here (NULL: out of
 * memory). Returns as kit_walk_list.
 */
int kit_walk_owner_repos(struct kit_walk *w, const char *owner, char *org_url, char *user_url,
			 const char *user_what, struct epithet_error *err);

/* ---- the entry point ------------------------------------------------------------- */

/* What epithet_forge_plugin_v1 returns: @p forge for a host of the same ABI
 * major (any 1.x host has every 1.0 member the in-tree plugins use), NULL
 * for another, which lays out its structs differently. */
const struct epithet_forge *kit_forge_for_host(const struct epithet_forge *forge,
					       uint32_t host_abi_major, uint32_t host_abi_minor);

#endif
