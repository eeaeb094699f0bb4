/* SPDX-License-Identifier: MIT */
/*
 * Gitea (and Forgejo) JSON at the plugin's edge: API v1 answers to epithet
 * structs, epithet structs to request bodies, and the server's version
 * string to the features it has. Pure functions over json-c: no host, no
 * I/O, so the unit tests drive them directly and gitea.c stays about
 * requests.
 *
 * Every parser returns 0, or EPITHET_EPROTOCOL with *why set to a static
 * phrase saying what was wrong; the caller adds which request it was.
 * Strings in the structs they fill are borrowed from the json_object (or
 * from the scratch buffers), so they live as long as both.
 */
#ifndef EPITHET_GITEA_PARSE_H
#define EPITHET_GITEA_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "epithet/forge.h"

/* Room for an int64 as decimal text with its sign and NUL. */
#define GT_ID_MAX 24

/* What GET /version said, as the Gitea API level it speaks. */
struct gt_version {
	unsigned major, minor, patch; /* the Gitea version, or Forgejo's "+gitea-" one */
	bool forgejo;                 /* the string carried a "+gitea-X.Y.Z" suffix */
	unsigned fj_major;            /* Forgejo's own major (11 for "11.0.1+gitea-1.22.0") */
};

/*
 * Parse a /version string: "1.26.3", "1.22.0+dev-475-g0a3a4c6", "1.21.0-rc1",
 * "v1.20.5", or Forgejo's "11.0.1+gitea-1.22.0" (Forgejo's own number says
 * nothing about the API: the suffix names the Gitea it is compatible with,
 * CONTRACTS trap 25). Returns 0, or -1 when no X.Y is found.
 */
int gt_parse_version(const char *text, struct gt_version *out);

/* Whether the API of @p v is at least Gitea major.minor. */
bool gt_version_at_least(const struct gt_version *v, unsigned major, unsigned minor);

/* Storage behind one parsed repository; finish with gt_repo_scratch_finish. */
struct gt_repo_scratch {
	const char **topics;    /* malloc'd array of strings borrowed from the JSON */
	char id[GT_ID_MAX];
};

/* Storage behind one parsed label. */
struct gt_label_scratch {
	char color[7];          /* "rrggbb", lowercased */
	char id[GT_ID_MAX];
	bool bad_color;         /* the stored colour was not a colour: color is NULL */
};

/*
 * Parse a whole response body: exactly one JSON value (trailing garbage is
 * refused). Returns 0 with *out to json_object_put, EPITHET_ENOMEM, or
 * EPITHET_EPROTOCOL.
 */
int gt_parse_body(const char *body, size_t len, struct json_object **out);

/* A Repository object. EPITHET_ENOMEM when the topics array cannot be
 * allocated. */
int gt_parse_repo(struct json_object *obj, struct epithet_repo *out,
		  struct gt_repo_scratch *scratch, const char **why);
void gt_repo_scratch_finish(struct gt_repo_scratch *scratch);

/*
 * A Label object: id (required: Gitea writes address labels by id), name,
 * color, description, and the exclusive / is_archived flags. A field the
 * server sent is marked in out->fields (exclusive from 1.19, is_archived
 * from 1.21). A colour that is no colour (Gitea <= 1.18 stored PATCHed
 * colours unvalidated) leaves color NULL without EPITHET_FIELD_COLOR and
 * sets scratch->bad_color, so that the label can still be listed and fixed.
 */
int gt_parse_label(struct json_object *obj, struct epithet_label *out,
		   struct gt_label_scratch *scratch, const char **why);

/* An Issue object from /repos/{o}/{r}/issues: number, and is_pull from a
 * non-null "pull_request" (Gitea sends "pull_request": null on issues). */
int gt_parse_item(struct json_object *obj, struct epithet_item *out, const char **why);

/* Whether an Issue object's "labels" carry the label with id @p id. */
bool gt_item_has_label_id(struct json_object *obj, int64_t id);

/* The "id" of each element of a Label array: whether @p id is among them.
 * For the answer of POST /issues/{n}/labels. */
bool gt_labels_include_id(struct json_object *arr, int64_t id);

/* The "message" string of an error body {message,url[,errors]}, or NULL. */
const char *gt_error_message(struct json_object *root);

/*
 * A decimal label id as Gitea hands it out: digits only, > 0, fits int64.
 * Returns true with *out set; false for NULL, "", names, signs, overflow.
 */
bool gt_parse_id(const char *text, int64_t *out);

/*
 * A colour as epithet passes it ("rrggbb", a leading '#' tolerated, any
 * case) into "#rrggbb" lowercase in @p buf. Always with '#': Gitea <= 1.18
 * stored PATCHed colours unvalidated, and '#' is what every version takes
 * (CONTRACTS 2.2, trap 6). False when it is not 6 hex digits.
 */
bool gt_color_out(const char *in, char buf[8]);

/* Which label keys gt_label_body may send. */
struct gt_label_body_opts {
	bool create;            /* POST: name always; PATCH: name only with FIELD_NAME */
	bool exclusive;         /* send "exclusive" (FIELD_EXCLUSIVE set, server >= 1.19) */
	bool send_archived;     /* send "is_archived" with the value below */
	bool archived;
	const char *color;      /* "#rrggbb" to send, or NULL */
};

/*
 * The JSON body for POST (create) or PATCH (update) of a label: name
 * (create, or FIELD_NAME), "color" from opts, description (FIELD_DESCRIPTION;
 * NULL sends ""), "exclusive" and "is_archived" as opts say. malloc'd, or
 * NULL when out of memory. *n_fields (if not NULL) receives the number of
 * keys other than is_archived.
 */
char *gt_label_body(const struct epithet_label *want, const struct gt_label_body_opts *opts,
		    size_t *n_fields);

/* {"labels":[id]} for POST /repos/{o}/{r}/issues/{n}/labels; malloc'd or NULL. */
char *gt_add_labels_body(int64_t id);

/* An integer member that is positive, or @p dflt (absent, null, wrong type). */
int64_t gt_get_positive_int(struct json_object *obj, const char *key, int64_t dflt);

/* The string member @p key, or NULL when absent, null or not a string. */
const char *gt_get_string(struct json_object *obj, const char *key);

#endif
