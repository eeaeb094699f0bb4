/* SPDX-License-Identifier: MIT */
/*
 * GitLab REST API v4 JSON <-> epithet structs. See gitlab-parse.h.
 *
 * Strict about what epithet acts on (a label without a numeric id or a
 * title, a project without an id or a namespace), lenient about the rest:
 * GitLab adds fields every month. What the other plugins read the same way
 * is in ../common/kit-json.h.
 */
#include "gitlab-parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/kit-json.h"

int gl_parse_body(const char *body, size_t len, struct json_object **out)
{
	return kit_json_parse_body(body, len, out);
}

const char *gl_get_string(struct json_object *obj, const char *key)
{
	return kit_json_get_string(obj, key);
}

bool gl_parse_id(const char *text, int64_t *out)
{
	return kit_parse_decimal_id(text, out);
}

/* ---- colours ------------------------------------------------------------------- */

/* The CSS colour keywords GitLab converts on write (Gitlab::Color's table:
 * the CSS named colours, without the aliases cyan and magenta). Sorted, for
 * bsearch. */
static const struct css_color {
	const char *name;
	const char *hex;
} css_colors[] = {
	{"aliceblue", "f0f8ff"}, {"antiquewhite", "faebd7"}, {"aqua", "00ffff"},
	{"aquamarine", "7fffd4"}, {"azure", "f0ffff"}, {"beige", "f5f5dc"},
	{"bisque", "ffe4c4"}, {"black", "000000"}, {"blanchedalmond", "ffebcd"},
	{"blue", "0000ff"}, {"blueviolet", "8a2be2"}, {"brown", "a52a2a"},
	{"burlywood", "deb887"}, {"cadetblue", "5f9ea0"}, {"chartreuse", "7fff00"},
	{"chocolate", "d2691e"}, {"coral", "ff7f50"}, {"cornflowerblue", "6495ed"},
	{"cornsilk", "fff8dc"}, {"crimson", "dc143c"}, {"darkblue", "00008b"},
	{"darkcyan", "008b8b"}, {"darkgoldenrod", "b8860b"}, {"darkgray", "a9a9a9"},
	{"darkgreen", "006400"}, {"darkgrey", "a9a9a9"}, {"darkkhaki", "bdb76b"},
	{"darkmagenta", "8b008b"}, {"darkolivegreen", "556b2f"}, {"darkorange", "ff8c00"},
	{"darkorchid", "9932cc"}, {"darkred", "8b0000"}, {"darksalmon", "e9967a"},
	{"darkseagreen", "8fbc8f"}, {"darkslateblue", "483d8b"}, {"darkslategray", "2f4f4f"},
	{"darkslategrey", "2f4f4f"}, {"darkturquoise", "00ced1"}, {"darkviolet", "9400d3"},
	{"deeppink", "ff1493"}, {"deepskyblue", "00bfff"}, {"dimgray", "696969"},
	{"dimgrey", "696969"}, {"dodgerblue", "1e90ff"}, {"firebrick", "b22222"},
	{"floralwhite", "fffaf0"}, {"forestgreen", "228b22"}, {"fuchsia", "ff00ff"},
	{"gainsboro", "dcdcdc"}, {"ghostwhite", "f8f8ff"}, {"gold", "ffd700"},
	{"goldenrod", "daa520"}, {"gray", "808080"}, {"green", "008000"},
	{"greenyellow", "adff2f"}, {"grey", "808080"}, {"honeydew", "f0fff0"},
	{"hotpink", "ff69b4"}, {"indianred", "cd5c5c"}, {"indigo", "4b0082"},
	{"ivory", "fffff0"}, {"khaki", "f0e68c"}, {"lavender", "e6e6fa"},
	{"lavenderblush", "fff0f5"}, {"lawngreen", "7cfc00"}, {"lemonchiffon", "fffacd"},
	{"lightblue", "add8e6"}, {"lightcoral", "f08080"}, {"lightcyan", "e0ffff"},
	{"lightgoldenrodyellow", "fafad2"}, {"lightgray", "d3d3d3"}, {"lightgreen", "90ee90"},
	{"lightgrey", "d3d3d3"}, {"lightpink", "ffb6c1"}, {"lightsalmon", "ffa07a"},
	{"lightseagreen", "20b2aa"}, {"lightskyblue", "87cefa"}, {"lightslategray", "778899"},
	{"lightslategrey", "778899"}, {"lightsteelblue", "b0c4de"}, {"lightyellow", "ffffe0"},
	{"lime", "00ff00"}, {"limegreen", "32cd32"}, {"linen", "faf0e6"},
	{"maroon", "800000"}, {"mediumaquamarine", "66cdaa"}, {"mediumblue", "0000cd"},
	{"mediumorchid", "ba55d3"}, {"mediumpurple", "9370db"}, {"mediumseagreen", "3cb371"},
	{"mediumslateblue", "7b68ee"}, {"mediumspringgreen", "00fa9a"},
	{"mediumturquoise", "48d1cc"}, {"mediumvioletred", "c71585"}, {"midnightblue", "191970"},
	{"mintcream", "f5fffa"}, {"mistyrose", "ffe4e1"}, {"moccasin", "ffe4b5"},
	{"navajowhite", "ffdead"}, {"navy", "000080"}, {"oldlace", "fdf5e6"},
	{"olive", "808000"}, {"olivedrab", "6b8e23"}, {"orange", "ffa500"},
	{"orangered", "ff4500"}, {"orchid", "da70d6"}, {"palegoldenrod", "eee8aa"},
	{"palegreen", "98fb98"}, {"paleturquoise", "afeeee"}, {"palevioletred", "db7093"},
	{"papayawhip", "ffefd5"}, {"peachpuff", "ffdab9"}, {"peru", "cd853f"},
	{"pink", "ffc0cb"}, {"plum", "dda0dd"}, {"powderblue", "b0e0e6"},
	{"purple", "800080"}, {"rebeccapurple", "663399"}, {"red", "ff0000"},
	{"rosybrown", "bc8f8f"}, {"royalblue", "4169e1"}, {"saddlebrown", "8b4513"},
	{"salmon", "fa8072"}, {"sandybrown", "f4a460"}, {"seagreen", "2e8b57"},
	{"seashell", "fff5ee"}, {"sienna", "a0522d"}, {"silver", "c0c0c0"},
	{"skyblue", "87ceeb"}, {"slateblue", "6a5acd"}, {"slategray", "708090"},
	{"slategrey", "708090"}, {"snow", "fffafa"}, {"springgreen", "00ff7f"},
	{"steelblue", "4682b4"}, {"tan", "d2b48c"}, {"teal", "008080"},
	{"thistle", "d8bfd8"}, {"tomato", "ff6347"}, {"turquoise", "40e0d0"},
	{"violet", "ee82ee"}, {"wheat", "f5deb3"}, {"white", "ffffff"},
	{"whitesmoke", "f5f5f5"}, {"yellow", "ffff00"}, {"yellowgreen", "9acd32"},
};

static int css_cmp(const void *key, const void *elem)
{
	return strcasecmp(key, ((const struct css_color *)elem)->name);
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return s[n] == '\0';
}

bool gl_color_in(const char *in, char out[7])
{
	const struct css_color *c;
	size_t i;

	if (in == NULL) {
		return false;
	}
	if (in[0] == '#' && strlen(in) == 7 && all_hex(in + 1, 6)) {
		for (i = 0; i < 6; i++) {
			out[i] = (char)tolower((unsigned char)in[i + 1]);
		}
		out[6] = '\0';
		return true;
	}
	if (in[0] == '#' && strlen(in) == 4 && all_hex(in + 1, 3)) {
		/* #rgb is #rrggbb with each digit doubled. */
		for (i = 0; i < 3; i++) {
			out[2 * i] = out[2 * i + 1] = (char)tolower((unsigned char)in[i + 1]);
		}
		out[6] = '\0';
		return true;
	}
	c = bsearch(in, css_colors, sizeof(css_colors) / sizeof(css_colors[0]), sizeof(css_colors[0]),
		    css_cmp);
	if (c == NULL) {
		return false;
	}
	memcpy(out, c->hex, 7);
	return true;
}

bool gl_color_out(const char *in, char out[8])
{
	if (in == NULL) {
		return false;
	}
	if (in[0] == '#') {
		in++;
	}
	if (strlen(in) != 6 || !all_hex(in, 6)) {
		return false;
	}
	out[0] = '#';
	for (size_t i = 0; i < 6; i++) {
		out[i + 1] = (char)tolower((unsigned char)in[i]);
	}
	out[7] = '\0';
	return true;
}

bool gl_is_scoped(const char *name)
{
	return name != NULL && strstr(name, "::") != NULL;
}

/* ---- projects ------------------------------------------------------------------ */

int gl_parse_project(struct json_object *obj, struct epithet_repo *out, struct gl_project *p,
		     const char **why)
{
	struct json_object *ns = NULL, *fork = NULL;
	const char *kind;
	bool archived = false;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = kit_json_repo_name(obj, out, why);
	if (rc != 0) {
		return rc;
	}
	/* The path, not the display name ("API Server"), names a project. */
	out->name = kit_json_get_string(obj, "path");
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "a project without a \"path\" string";
		return EPITHET_EPROTOCOL;
	}
	if (kit_json_get_id(obj, "id", p->id, sizeof(p->id)) < 0 || p->id[0] == '\0') {
		*why = "a project without an integer \"id\"";
		return EPITHET_EPROTOCOL;
	}
	if (!json_object_object_get_ex(obj, "namespace", &ns) ||
	    !json_object_is_type(ns, json_type_object) ||
	    (p->namespace_path = kit_json_get_string(ns, "full_path")) == NULL ||
	    p->namespace_path[0] == '\0') {
		*why = "a project without a \"namespace\" with a \"full_path\"";
		return EPITHET_EPROTOCOL;
	}
	kind = kit_json_get_string(ns, "kind");
	p->user_namespace = kind != NULL && strcmp(kind, "user") == 0;
	p->full_path = kit_json_get_string(obj, "path_with_namespace");
	out->owner = p->namespace_path;
	if (kit_json_get_bool(obj, "archived", &archived, NULL) < 0) {
		*why = "a project whose \"archived\" is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	if (archived) {
		out->flags |= EPITHET_REPO_ARCHIVED;
	}
	/* There is no fork: true; forks carry their upstream (trap 10). */
	if (json_object_object_get_ex(obj, "forked_from_project", &fork) && fork != NULL) {
		out->flags |= EPITHET_REPO_FORK;
	}
	{
		const char *vis = kit_json_get_string(obj, "visibility");

		if (vis != NULL && strcmp(vis, "private") == 0) {
			out->flags |= EPITHET_REPO_PRIVATE;
		}
	}
	/* A project pending deletion is read-only for epithet. */
	if (kit_json_get_string(obj, "marked_for_deletion_at") != NULL) {
		out->flags |= EPITHET_REPO_DISABLED;
	}
	{
		char idbuf[GL_ID_MAX];

		rc = kit_json_repo_id_topics(obj, out, idbuf, sizeof(idbuf), &p->topics, why);
		out->id = p->id;
	}
	return rc;
}

/* ---- labels -------------------------------------------------------------------- */

static int64_t count_of(struct json_object *obj, const char *key, bool *present)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int)) {
		return 0;
	}
	*present = true;
	return json_object_get_int64(v) < 0 ? 0 : json_object_get_int64(v);
}

int gl_parse_label(struct json_object *obj, struct epithet_label *out,
		   struct gl_label_scratch *scratch, const char **why)
{
	const char *color;
	bool archived = false, project = true, present = false, any = false;
	int64_t issues, pulls;
	int rc;

	memset(scratch, 0, sizeof(*scratch));
	rc = kit_json_label_object(obj, out, why);
	if (rc != 0) {
		return rc;
	}
	out->name = kit_json_get_string(obj, "name");
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "a label without a \"name\" string";
		return EPITHET_EPROTOCOL;
	}
	out->fields = EPITHET_FIELD_NAME;
	if (kit_json_get_id(obj, "id", scratch->id, sizeof(scratch->id)) < 0 ||
	    scratch->id[0] == '\0') {
		*why = "a label without an integer \"id\"";
		return EPITHET_EPROTOCOL;
	}
	out->id = scratch->id;
	color = kit_json_get_string(obj, "color");
	if (gl_color_in(color, scratch->color)) {
		out->color = scratch->color;
		out->fields |= EPITHET_FIELD_COLOR;
	} else {
		scratch->bad_color = true;
	}
	rc = kit_json_label_description(obj, out, why);
	if (rc != 0) {
		return rc;
	}
	out->fields |= EPITHET_FIELD_DESCRIPTION | EPITHET_FIELD_EXCLUSIVE;
	if (gl_is_scoped(out->name)) {
		out->flags |= EPITHET_LABEL_EXCLUSIVE;
	}
	if (kit_json_get_bool(obj, "archived", &archived, &present) < 0) {
		*why = "a label whose \"archived\" is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	if (present) {
		out->fields |= EPITHET_FIELD_ARCHIVED;
	}
	if (archived) {
		out->flags |= EPITHET_LABEL_ARCHIVED;
	}
	if (kit_json_get_bool(obj, "is_project_label", &project, &present) < 0) {
		*why = "a label whose \"is_project_label\" is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	scratch->project_label = present ? project : true;
	/* with_counts: open and closed issues, open merge requests only
	 * (merged and closed ones are not counted, trap 12). */
	issues = count_of(obj, "open_issues_count", &any) + count_of(obj, "closed_issues_count", &any);
	pulls = count_of(obj, "open_merge_requests_count", &any);
	if (any) {
		out->issues = issues;
		out->pulls = pulls;
	}
	return 0;
}

/* ---- issues and merge requests ---------------------------------------------------- */

int gl_parse_item(struct json_object *obj, bool is_pull, struct epithet_item *out,
		  const char **why)
{
	struct json_object *v;
	int64_t iid;

	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "iid", &v) || !json_object_is_type(v, json_type_int) ||
	    (iid = json_object_get_int64(v)) <= 0) {
		*why = is_pull ? "a merge request without a positive integer \"iid\""
			       : "an issue without a positive integer \"iid\"";
		return EPITHET_EPROTOCOL;
	}
	out->number = (uint64_t)iid;
	out->is_pull = is_pull ? 1 : 0;
	return 0;
}

bool gl_item_project(struct json_object *obj, char *buf, size_t n)
{
	struct json_object *refs;
	const char *full, *end;

	if (!json_object_object_get_ex(obj, "references", &refs) ||
	    (full = kit_json_get_string(refs, "full")) == NULL) {
		return false;
	}
	end = full + strlen(full);
	while (end > full && end[-1] != '#' && end[-1] != '!') {
		end--;
	}
	if (end <= full + 1 || (size_t)(end - full) > n) {
		return false;
	}
	snprintf(buf, n, "%.*s", (int)(end - full - 1), full);
	return strchr(buf, '/') != NULL;
}

bool gl_item_has_label(struct json_object *obj, const char *name)
{
	struct json_object *labels;
	size_t n;

	if (!json_object_object_get_ex(obj, "labels", &labels) ||
	    !json_object_is_type(labels, json_type_array)) {
		return false;
	}
	n = json_object_array_length(labels);
	for (size_t i = 0; i < n; i++) {
		struct json_object *l = json_object_array_get_idx(labels, i);
		const char *ln = NULL;

		/* titles; objects with with_labels_details=true */
		if (json_object_is_type(l, json_type_string)) {
			ln = json_object_get_string(l);
		} else {
			ln = kit_json_get_string(l, "name");
		}
		if (ln != NULL && strcmp(ln, name) == 0) {
			return true;
		}
	}
	return false;
}

/* ---- request bodies --------------------------------------------------------------- */

char *gl_label_body(const struct epithet_label *want, const struct gl_body_opts *o,
		    size_t *n_fields)
{
	struct json_object *obj = json_object_new_object();
	size_t n = 0;
	bool ok = obj != NULL;

	if (ok && (o->create || (want->fields & EPITHET_FIELD_NAME))) {
		ok = kit_json_add(obj, o->create ? "name" : "new_name",
				  json_object_new_string(want->name));
		n++;
	}
	if (ok && o->color != NULL) {
		ok = kit_json_add(obj, "color", json_object_new_string(o->color));
		n++;
	}
	if (ok && (want->fields & EPITHET_FIELD_DESCRIPTION)) {
		ok = kit_json_add(obj, "description",
				  json_object_new_string(want->description != NULL ? want->description : ""));
		n++;
	}
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	if (n_fields != NULL) {
		*n_fields = n;
	}
	return kit_json_to_text(obj);
}

char *gl_add_labels_body(const char *name)
{
	struct json_object *obj = json_object_new_object();

	if (obj == NULL || !kit_json_add(obj, "add_labels", json_object_new_string(name))) {
		json_object_put(obj);
		return NULL;
	}
	return kit_json_to_text(obj);
}

/* ---- errors ------------------------------------------------------------------------ */

/* {"title":["has already been taken"],...} as "title has already been taken; ..." */
static void validation_text(struct json_object *msg, char *buf, size_t n)
{
	size_t used = 0;

	json_object_object_foreach(msg, key, val) {
		size_t len = json_object_is_type(val, json_type_array) ? json_object_array_length(val) : 1;

		for (size_t i = 0; i < len && used + 1 < n; i++) {
			struct json_object *e = json_object_is_type(val, json_type_array)
							? json_object_array_get_idx(val, i) : val;
			const char *text = json_object_is_type(e, json_type_string)
						   ? json_object_get_string(e) : json_object_to_json_string(e);
			int w = snprintf(buf + used, n - used, "%s%s %s", used ? "; " : "", key, text);

			used = w < 0 ? used : (size_t)w + used >= n ? n - 1 : used + (size_t)w;
		}
	}
}

void gl_error_text(const char *body, size_t len, char *buf, size_t n)
{
	struct json_object *root = NULL, *msg;
	const char *s, *desc;

	buf[0] = '\0';
	if (n == 0 || kit_json_parse_body(body, len, &root) != 0) {
		return;
	}
	if (json_object_is_type(root, json_type_object) &&
	    json_object_object_get_ex(root, "message", &msg)) {
		if (json_object_is_type(msg, json_type_string)) {
			snprintf(buf, n, "%s", json_object_get_string(msg));
		} else if (json_object_is_type(msg, json_type_object)) {
			/* {"message":{"error":"..."}}: an application rate limit */
			s = kit_json_get_string(msg, "error");
			if (s != NULL) {
				snprintf(buf, n, "%s", s);
			} else {
				validation_text(msg, buf, n);
			}
		}
	} else if ((s = kit_json_get_string(root, "error")) != NULL) {
		desc = kit_json_get_string(root, "error_description");
		snprintf(buf, n, "%s%s%s", s, desc != NULL ? ": " : "", desc != NULL ? desc : "");
	}
	kit_one_line(buf);
	json_object_put(root);
}
