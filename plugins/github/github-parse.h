/* SPDX-License-Identifier: MIT */
/*
 * GitHub JSON at the plugin's edge: REST answers to epithet structs, and
 * epithet structs to request bodies. Pure functions over json-c: no host, no
 * I/O, so the unit tests can drive them directly and the request code in
 * github.c stays about requests.
 *
 * Every parser returns 0, or EPITHET_EPROTOCOL with *why set to a static
 * phrase saying what was wrong ("a label without a \"name\" string"); the
 * caller adds which request it was. Strings in the structs they fill are
 * borrowed from the json_object (or from the scratch buffers), so they live
 * as long as both.
 */
#ifndef EPITHET_GITHUB_PARSE_H
#define EPITHET_GITHUB_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include "epithet/forge.h"

/* Room for an int64 as decimal text with its sign and NUL. */
#define GH_ID_MAX 24

/* Storage behind one parsed repository; finish with gh_repo_scratch_finish. */
struct gh_repo_scratch {
	const char **topics;    /* malloc'd array of strings borrowed from the JSON */
	char id[GH_ID_MAX];
};

/* Storage behind one parsed label. */
struct gh_label_scratch {
	char color[7];          /* "rrggbb", lowercased */
	char id[GH_ID_MAX];
};

/*
 * Parse a whole response body. The body must be exactly one JSON value
 * (trailing garbage is refused: a truncated or concatenated answer is not
 * something to guess about). Returns 0 with *out to json_object_put, or
 * EPITHET_EPROTOCOL.
 */
int gh_parse_body(const char *body, size_t len, struct json_object **out);

/* A minimal-repository or repository object. EPITHET_ENOMEM when the topics
 * array cannot be allocated. */
int gh_parse_repo(struct json_object *obj, struct epithet_repo *out,
		  struct gh_repo_scratch *scratch, const char **why);
void gh_repo_scratch_finish(struct gh_repo_scratch *scratch);

/* A label object: name, color, description (null or missing: NULL), id. */
int gh_parse_label(struct json_object *obj, struct epithet_label *out,
		   struct gh_label_scratch *scratch, const char **why);

/* An issue or pull request object from /issues: number, and is_pull from the
 * presence of the "pull_request" key (the issues API lists both). */
int gh_parse_item(struct json_object *obj, struct epithet_item *out, const char **why);

/* Whether an issue object's "labels" array holds a label named exactly
 * @p name (labels appear as objects with "name", or as bare strings). */
bool gh_item_has_label(struct json_object *obj, const char *name);

/* The "message" string of an error body, or NULL. Borrowed from @p root. */
const char *gh_error_message(struct json_object *root);

/*
 * Summarise a 422 validation-error body into @p buf as
 * "Validation Failed: name custom: name is too long (...); color invalid".
 * Returns true when one of its errors[] has code "already_exists". A body that
 * is not a validation error gives whatever "message" it has, or "".
 */
bool gh_validation_summary(struct json_object *root, char *buf, size_t n);

/*
 * The JSON body for POST (create) or PATCH (update) of a label: only the
 * fields set in want->fields. The name goes out as "name" on create and as
 * "new_name" on update; a NULL description with EPITHET_FIELD_DESCRIPTION
 * becomes "" (GitHub's way to clear it); a leading '#' on the colour is
 * dropped, as GitHub answers 422 to it. Returns a malloc'd string, or NULL
 * when out of memory. *n_fields (if not NULL) receives the number of keys.
 */
char *gh_label_body(const struct epithet_label *want, bool create, size_t *n_fields);

/* {"labels":[name]} for POST /repos/{o}/{r}/issues/{n}/labels; malloc'd or NULL. */
char *gh_add_labels_body(const char *name);

#endif
