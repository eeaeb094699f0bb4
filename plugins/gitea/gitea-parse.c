/* SPDX-License-Identifier: MIT */
/*
 * Gitea API v1 JSON <-> epithet structs. See gitea-parse.h.
 *
 * Strict about the fields epithet acts on (a label without a numeric id or a
 * name, a repository without an owner), lenient about the rest: Gitea and
 * Forgejo add fields release by release, and a field epithet ignores must
 * never make a run fail. What GitHub reads the same way (bodies, ids,
 * booleans, topics, issues) is in ../common/kit-json.h.
 */
#include "gitea-parse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/kit-json.h"

int gt_parse_body(const char *body, size_t len, struct json_object **out)
{
	return kit_json_parse_body(body, len, out);
}

/* ---- version ---------------------------------------------------------------- */

/* Read "X.Y[.Z]" at *p; advances *p past it. -1 when there is no X.Y. */
static int read_triplet(const char **p, unsigned v[3])
{
	const char *s = *p;
	int i;

	v[0] = v[1] = v[2] = 0;
	for (i = 0; i < 3; i++) {
		unsigned long n;
		char *end;

		if (!isdigit((unsigned char)*s)) {
			break;
		}
		errno = 0;
		n = strtoul(s, &end, 10);
		if (errno != 0 || n > 100000) {
			return -1;
		}
		v[i] = (unsigned)n;
		s = end;
		if (i < 2 && *s == '.' && isdigit((unsigned char)s[1])) {
			s++;
		} else {
			i++;
			break;
		}
	}
	if (i < 2) {
		return -1;
	}
	*p = s;
	return 0;
}

int gt_parse_version(const char *text, struct gt_version *out)
{
	static const char marker[] = "+gitea-";
	const char *p = text, *suffix;
	unsigned own[3], compat[3];

	memset(out, 0, sizeof(*out));
	if (text == NULL) {
		return -1;
	}
	while (isspace((unsigned char)*p)) {
		p++;
	}
	if (*p == 'v' || *p == 'V') {
		p++;
	}
	if (read_triplet(&p, own) != 0) {
		return -1;
	}
	/* Forgejo: "11.0.1+gitea-1.22.0". Its own number must not be compared
	 * with Gitea's thresholds (trap 25). */
	suffix = strstr(text, marker);
	if (suffix != NULL) {
		const char *q = suffix + strlen(marker);

		if (read_triplet(&q, compat) != 0) {
			return -1;
		}
		out->forgejo = true;
		out->fj_major = own[0];
		out->major = compat[0];
		out->minor = compat[1];
		out->patch = compat[2];
		return 0;
	}
	out->major = own[0];
	out->minor = own[1];
	out->patch = own[2];
	return 0;
}

bool gt_version_at_least(const struct gt_version *v, unsigned major, unsigned minor)
{
	return v->major > major || (v->major == major && v->minor >= minor);
}

/* ---- small readers ------------------------------------------------------------- */

const char *gt_get_string(struct json_object *obj, const char *key)
{
	return kit_json_get_string(obj, key);
}

int64_t gt_get_positive_int(struct json_object *obj, const char *key, int64_t dflt)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_int)) {
		return dflt;
	}
	n = json_object_get_int64(v);
	return n > 0 ? n : dflt;
}

bool gt_parse_id(const char *text, int64_t *out)
{
	return kit_parse_decimal_id(text, out);
}

/* ---- repositories ---------------------------------------------------------------- */

void gt_repo_scratch_finish(struct gt_repo_scratch *scratch)
{
	if (scratch == NULL) {
		return;
	}
	free(scratch->topics);
	scratch->topics = NULL;
}

int gt_parse_repo(struct json_object *obj, struct epithet_repo *out,
		  struct gt_repo_scratch *scratch, const char **why)
{
	static const struct kit_json_flag flags[] = {
		{"archived", EPITHET_REPO_ARCHIVED},
		{"fork", EPITHET_REPO_FORK},
		/* A pull mirror is overwritten from its source: read-only for
		 * epithet, without calling it archived (it is not). */
		{"mirror", EPITHET_REPO_NO_PUSH},
		{"private", EPITHET_REPO_PRIVATE},
	};
	struct json_object *owner, *perms;
	bool push, has_push;

	scratch->topics = NULL;
	scratch->id[0] = '\0';
	if (kit_json_repo_name(obj, out, why) != 0) {
		return EPITHET_EPROTOCOL;
	}
	/* Gitea's User has "login" and its alias "username". */
	if (!json_object_object_get_ex(obj, "owner", &owner) ||
	    !json_object_is_type(owner, json_type_object) ||
	    (((out->owner = gt_get_string(owner, "login")) == NULL || out->owner[0] == '\0') &&
	     ((out->owner = gt_get_string(owner, "username")) == NULL || out->owner[0] == '\0'))) {
		*why = "a repository without an \"owner.login\" string";
		return EPITHET_EPROTOCOL;
	}
	if (kit_json_flags(obj, flags, sizeof(flags) / sizeof(flags[0]), &out->flags) < 0) {
		*why = "a repository whose archived/fork/mirror/private is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	if (json_object_object_get_ex(obj, "permissions", &perms) &&
	    json_object_is_type(perms, json_type_object)) {
		if (kit_json_get_bool(perms, "push", &push, &has_push) < 0) {
			*why = "a repository whose permissions.push is not a boolean";
			return EPITHET_EPROTOCOL;
		}
		if (has_push && !push) {
			out->flags |= EPITHET_REPO_NO_PUSH;
		}
	}
	return kit_json_repo_id_topics(obj, out, scratch->id, sizeof(scratch->id), &scratch->topics,
				       why);
}

/* ---- labels ---------------------------------------------------------------------- */

/* "rrggbb", "#rrggbb", "rgb" or "#rgb", any case, into lowercase "rrggbb".
 * The 3-digit forms are what Gitea accepts on input; a stored one can only
 * come from an old server that stored PATCHed colours as sent. */
static bool color_in(const char *in, char out[7])
{
	size_t i, len;

	if (in == NULL) {
		return false;
	}
	if (in[0] == '#') {
		in++;
	}
	len = strlen(in);
	if (len != 6 && len != 3) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)in[i])) {
			return false;
		}
	}
	for (i = 0; i < 6; i++) {
		char c = len == 6 ? in[i] : in[i / 2];

		out[i] = (char)tolower((unsigned char)c);
	}
	out[6] = '\0';
	return true;
}

bool gt_color_out(const char *in, char buf[8])
{
	size_t i;

	if (in == NULL) {
		return false;
	}
	if (in[0] == '#') {
		in++;
	}
	if (strlen(in) != 6) {
		return false;
	}
	buf[0] = '#';
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)in[i])) {
			return false;
		}
		buf[i + 1] = (char)tolower((unsigned char)in[i]);
	}
	buf[7] = '\0';
	return true;
}

int gt_parse_label(struct json_object *obj, struct epithet_label *out,
		   struct gt_label_scratch *scratch, const char **why)
{
	bool flag, present;

	scratch->bad_color = false;
	scratch->id[0] = '\0';
	scratch->color[0] = '\0';
	if (kit_json_label_object(obj, out, why) != 0) {
		return EPITHET_EPROTOCOL;
	}
	/* Writes address labels by id, never by name (trap 18): a label
	 * without one could be listed but never changed. */
	if (kit_json_get_id(obj, "id", scratch->id, sizeof(scratch->id)) < 0 ||
	    scratch->id[0] == '\0' || scratch->id[0] == '-' || strcmp(scratch->id, "0") == 0) {
		*why = "a label without a positive integer \"id\"";
		return EPITHET_EPROTOCOL;
	}
	out->id = scratch->id;
	out->name = gt_get_string(obj, "name");
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "a label without a \"name\" string";
		return EPITHET_EPROTOCOL;
	}
	out->fields = EPITHET_FIELD_NAME | EPITHET_FIELD_DESCRIPTION;
	/* Gitea answers "00aabb": without '#', lowercase (GT-conv). */
	if (color_in(gt_get_string(obj, "color"), scratch->color)) {
		out->color = scratch->color;
		out->fields |= EPITHET_FIELD_COLOR;
	} else {
		scratch->bad_color = true;
	}
	if (kit_json_label_description(obj, out, why) != 0) {
		return EPITHET_EPROTOCOL;
	}
	/* Present from Gitea 1.19 (exclusive) and 1.21 (is_archived): the key
	 * itself says the server has the feature. */
	if (kit_json_get_bool(obj, "exclusive", &flag, &present) < 0) {
		*why = "a label whose \"exclusive\" is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	if (present) {
		out->fields |= EPITHET_FIELD_EXCLUSIVE;
	}
	if (flag) {
		out->flags |= EPITHET_LABEL_EXCLUSIVE;
	}
	if (kit_json_get_bool(obj, "is_archived", &flag, &present) < 0) {
		*why = "a label whose \"is_archived\" is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	if (present) {
		out->fields |= EPITHET_FIELD_ARCHIVED;
	}
	if (flag) {
		out->flags |= EPITHET_LABEL_ARCHIVED;
	}
	return 0;
}

/* ---- issues ---------------------------------------------------------------------- */

int gt_parse_item(struct json_object *obj, struct epithet_item *out, const char **why)
{
	return kit_json_parse_item(obj, out, why);
}

bool gt_labels_include_id(struct json_object *arr, int64_t id)
{
	size_t i, n;

	if (!json_object_is_type(arr, json_type_array)) {
		return false;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct json_object *l = json_object_array_get_idx(arr, i), *v;

		if (json_object_is_type(l, json_type_object) &&
		    json_object_object_get_ex(l, "id", &v) && json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) == id) {
			return true;
		}
	}
	return false;
}

bool gt_item_has_label_id(struct json_object *obj, int64_t id)
{
	struct json_object *labels;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "labels", &labels)) {
		return false;
	}
	return gt_labels_include_id(labels, id);
}

const char *gt_error_message(struct json_object *root)
{
	return gt_get_string(root, "message");
}

/* ---- request bodies ---------------------------------------------------------------- */

char *gt_label_body(const struct epithet_label *want, const struct gt_label_body_opts *opts,
		    size_t *n_fields)
{
	struct json_object *obj;
	size_t count = 0;

	if (n_fields != NULL) {
		*n_fields = 0;
	}
	obj = json_object_new_object();
	if (obj == NULL) {
		return NULL;
	}
	if ((opts->create || (want->fields & EPITHET_FIELD_NAME)) && want->name != NULL) {
		if (!kit_json_add(obj, "name", json_object_new_string(want->name))) {
			goto fail;
		}
		count++;
	}
	if (opts->color != NULL) {
		if (!kit_json_add(obj, "color", json_object_new_string(opts->color))) {
			goto fail;
		}
		count++;
	}
	if (want->fields & EPITHET_FIELD_DESCRIPTION) {
		const char *d = want->description != NULL ? want->description : "";

		if (!kit_json_add(obj, "description", json_object_new_string(d))) {
			goto fail;
		}
		count++;
	}
	if (opts->exclusive) {
		bool ex = (want->flags & EPITHET_LABEL_EXCLUSIVE) != 0;

		if (!kit_json_add(obj, "exclusive", json_object_new_boolean(ex))) {
			goto fail;
		}
		count++;
	}
	if (opts->send_archived) {
		if (!kit_json_add(obj, "is_archived", json_object_new_boolean(opts->archived))) {
			goto fail;
		}
	}
	if (n_fields != NULL) {
		*n_fields = count;
	}
	return kit_json_to_text(obj);

fail:
	json_object_put(obj);
	return NULL;
}

char *gt_add_labels_body(int64_t id)
{
	struct json_object *obj, *arr;

	obj = json_object_new_object();
	arr = json_object_new_array();
	if (obj == NULL || arr == NULL) {
		goto fail;
	}
	/* Ids, which every Gitea takes; names only from 1.20 on, and they
	 * would be ambiguous where names repeat (trap 20). */
	if (json_object_array_add(arr, json_object_new_int64(id)) != 0) {
		goto fail;
	}
	if (json_object_object_add(obj, "labels", arr) != 0) {
		goto fail;
	}
	return kit_json_to_text(obj);

fail:
	json_object_put(arr);
	json_object_put(obj);
	return NULL;
}
