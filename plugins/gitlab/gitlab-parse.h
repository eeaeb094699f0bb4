/* SPDX-License-Identifier: MIT */
/*
 * GitLab (REST API v4) JSON at the plugin's edge: projects, labels, issues
 * and merge requests to epithet structs, epithet labels to request bodies,
 * colours as GitLab stores them to epithet's "rrggbb", and the two shapes
 * of GitLab's error bodies to one line. Pure functions over json-c: no
 * host, no I/O, so the unit test drives them directly and gitlab.c stays
 * about requests.
 *
 * Every parser returns 0, or EPITHET_EPROTOCOL with *why set to a static
 * phrase; strings in the structs they fill are borrowed from the JSON (or
 * the scratch buffers).
 */
#ifndef EPITHET_GITLAB_PARSE_H
#define EPITHET_GITLAB_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json.h>

#include "epithet/forge.h"

/* Room for an int64 as decimal text with its sign and NUL. */
#define GL_ID_MAX 24

/* A project, as the plugin needs it beyond struct epithet_repo. */
struct gl_project {
	char id[GL_ID_MAX];          /* numeric id as text */
	const char *full_path;       /* path_with_namespace: "acme/platform/api" */
	const char *namespace_path;  /* namespace.full_path: "acme/platform" */
	bool user_namespace;         /* namespace.kind == "user" */
	const char **topics;         /* malloc'd (free it), strings borrowed */
};

/* A GitLab project object into @p out (owner = namespace full path, name =
 * the project's path). EPITHET_ENOMEM when the topics cannot be kept. */
int gl_parse_project(struct json_object *obj, struct epithet_repo *out, struct gl_project *p,
		     const char **why);

/* Storage behind one parsed label. */
struct gl_label_scratch {
	char color[7];
	char id[GL_ID_MAX];
	bool project_label;          /* is_project_label (true when absent: group lists) */
	bool bad_color;              /* a colour GitLab should not hold: color NULL */
};

/*
 * A label object: id, name, colour (normalised: see gl_color_in), the
 * description (null and "" alike), EXCLUSIVE for a scoped "::" name,
 * ARCHIVED from "archived", counts from with_counts (issues: open + closed;
 * pulls: open merge requests, all GitLab counts), and is_project_label.
 */
int gl_parse_label(struct json_object *obj, struct epithet_label *out,
		   struct gl_label_scratch *scratch, const char **why);

/*
 * A colour as GitLab returns it, "#RRGGBB", "#RGB" in any case or a CSS
 * colour keyword (labels from old versions), into epithet's "rrggbb" in
 * @p out. False when it is none of those.
 */
bool gl_color_in(const char *in, char out[7]);

/* epithet's "rrggbb" (a '#' tolerated, any case) into "#rrggbb" for a write;
 * false when it is not 6 hex digits. */
bool gl_color_out(const char *in, char out[8]);

/* Whether @p name is a scoped label ("scope::value"). */
bool gl_is_scoped(const char *name);

/* An issue or merge request object: iid into out->number; @p is_pull says
 * which list it came from. *labels (when not NULL) gets its "labels". */
int gl_parse_item(struct json_object *obj, bool is_pull, struct epithet_item *out,
		  const char **why);

/* The project of an item listed at group level, from its
 * references.full ("acme/platform/api#5", "...!5"), into @p buf; false when
 * there is none. */
bool gl_item_project(struct json_object *obj, char *buf, size_t n);

/* Whether an issue or merge request object's "labels" hold @p name exactly. */
bool gl_item_has_label(struct json_object *obj, const char *name);

/* Which keys gl_label_body sends. */
struct gl_body_opts {
	bool create;                 /* "name" (create) rather than "new_name" (FIELD_NAME) */
	const char *color;           /* "#rrggbb", or NULL */
};

/* The JSON body of a label create or update: name / new_name, color,
 * description (FIELD_DESCRIPTION; NULL sends ""). Never "exclusive": on
 * GitLab the name is the switch. malloc'd, NULL when out of memory;
 * *n_fields (when not NULL) the number of keys. */
char *gl_label_body(const struct epithet_label *want, const struct gl_body_opts *o,
		    size_t *n_fields);

/* {"add_labels":"NAME"} for PUT .../issues/:iid or .../merge_requests/:iid. */
char *gl_add_labels_body(const char *name);

/*
 * An error body as one line in @p buf: {"message":"..."}, {"message":{attr:
 * [errors]}} ("title has already been taken"), {"error":"...",
 * "error_description":"..."}; "" for anything else (plain text "Retry
 * later", a proxy's HTML page).
 */
void gl_error_text(const char *body, size_t len, char *buf, size_t n);

/* A decimal id: digits only, > 0, fits int64. */
bool gl_parse_id(const char *text, int64_t *out);

/* The string member @p key, or NULL. */
const char *gl_get_string(struct json_object *obj, const char *key);

/* A whole body: exactly one JSON value. */
int gl_parse_body(const char *body, size_t len, struct json_object **out);

#endif
