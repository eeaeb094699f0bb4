/* SPDX-License-Identifier: MIT */
/*
 * GitHub REST JSON <-> epithet structs. See github-parse.h.
 *
 * The parsers are strict about the fields epithet acts on (a label without a
 * name or a colour, a repository without an owner) and lenient about the
 * rest: GitHub adds fields over time, and a field epithet ignores must never
 * make a run fail. What Gitea reads the same way (bodies, ids, booleans,
 * topics, issues) is in ../common/kit-json.h.
 */
#include "github-parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/kit-json.h"

int gh_parse_body(const char *body, size_t len, struct json_object **out)
{
	return kit_json_parse_body(body, len, out);
}

void gh_repo_scratch_finish(struct gh_repo_scratch *scratch)
{
	if (scratch == NULL) {
		return;
	}
	free(scratch->topics);
	scratch->topics = NULL;
}

int gh_parse_repo(struct json_object *obj, struct epithet_repo *out,
		  struct gh_repo_scratch *scratch, const char **why)
{
	static const struct kit_json_flag flags[] = {
		{"archived", EPITHET_REPO_ARCHIVED},
		{"fork", EPITHET_REPO_FORK},
		{"disabled", EPITHET_REPO_DISABLED},
		{"private", EPITHET_REPO_PRIVATE},
	};
	struct json_object *owner, *perms;
	bool push;

	scratch->topics = NULL;
	scratch->id[0] = '\0';
	if (kit_json_repo_name(obj, out, why) != 0) {
		return EPITHET_EPROTOCOL;
	}
	if (!json_object_object_get_ex(obj, "owner", &owner) ||
	    !json_object_is_type(owner, json_type_object) ||
	    (out->owner = kit_json_get_string(owner, "login")) == NULL || out->owner[0] == '\0') {
		*why = "a repository without an \"owner.login\" string";
		return EPITHET_EPROTOCOL;
	}
	if (kit_json_flags(obj, flags, sizeof(flags) / sizeof(flags[0]), &out->flags) < 0) {
		*why = "a repository whose archived/fork/disabled/private is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	/* "permissions" only comes with an authenticated request: its absence
	 * says nothing about write access, only push == false does. */
	if (json_object_object_get_ex(obj, "permissions", &perms) &&
	    json_object_is_type(perms, json_type_object) &&
	    json_object_object_get_ex(perms, "push", NULL)) {
		if (kit_json_get_bool(perms, "push", &push, NULL) < 0) {
			*why = "a repository whose permissions.push is not a boolean";
			return EPITHET_EPROTOCOL;
		}
		if (!push) {
			out->flags |= EPITHET_REPO_NO_PUSH;
		}
	}
	return kit_json_repo_id_topics(obj, out, scratch->id, sizeof(scratch->id), &scratch->topics,
				       why);
}

int gh_parse_label(struct json_object *obj, struct epithet_label *out,
		   struct gh_label_scratch *scratch, const char **why)
{
	const char *color;
	size_t i;

	if (kit_json_label_object(obj, out, why) != 0) {
		return EPITHET_EPROTOCOL;
	}
	out->name = kit_json_get_string(obj, "name");
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "a label without a \"name\" string";
		return EPITHET_EPROTOCOL;
	}
	/* GitHub stores "6-character hex code, without the leading #"; the
	 * recorded PATCH answer shows it echoes the case it was given, so
	 * normalise to the lowercase the core compares. */
	color = kit_json_get_string(obj, "color");
	if (color != NULL && color[0] == '#') {
		color++;
	}
	if (color == NULL || strlen(color) != 6) {
		*why = "a label whose \"color\" is not 6 hex digits";
		return EPITHET_EPROTOCOL;
	}
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)color[i])) {
			*why = "a label whose \"color\" is not 6 hex digits";
			return EPITHET_EPROTOCOL;
		}
		scratch->color[i] = (char)tolower((unsigned char)color[i]);
	}
	scratch->color[6] = '\0';
	out->color = scratch->color;

	if (kit_json_label_description(obj, out, why) != 0) {
		return EPITHET_EPROTOCOL;
	}
	if (kit_json_get_id(obj, "id", scratch->id, sizeof(scratch->id)) < 0) {
		*why = "a label whose \"id\" is not an integer";
		return EPITHET_EPROTOCOL;
	}
	out->id = scratch->id[0] != '\0' ? scratch->id : NULL;
	out->fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION;
	return 0;
}

int gh_parse_item(struct json_object *obj, struct epithet_item *out, const char **why)
{
	return kit_json_parse_item(obj, out, why);
}

bool gh_item_has_label(struct json_object *obj, const char *name)
{
	struct json_object *labels;
	size_t i, n;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "labels", &labels) ||
	    !json_object_is_type(labels, json_type_array)) {
		return false;
	}
	n = json_object_array_length(labels);
	for (i = 0; i < n; i++) {
		struct json_object *l = json_object_array_get_idx(labels, i);
		const char *ln = NULL;

		if (json_object_is_type(l, json_type_string)) {
			ln = json_object_get_string(l);
		} else if (json_object_is_type(l, json_type_object)) {
			ln = kit_json_get_string(l, "name");
		}
		if (ln != NULL && strcmp(ln, name) == 0) {
			return true;
		}
	}
	return false;
}

const char *gh_error_message(struct json_object *root)
{
	return kit_json_get_string(root, "message");
}

/* Append printf-style text to @p buf (size @p n), truncating silently. */
EPITHET_PRINTF(3, 4)
static void buf_append(char *buf, size_t n, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= n) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, n - used, fmt, ap);
	va_end(ap);
}

bool gh_validation_summary(struct json_object *root, char *buf, size_t n)
{
	struct json_object *errors;
	const char *message;
	bool exists = false;
	size_t i, count;

	if (n == 0) {
		return false;
	}
	buf[0] = '\0';
	message = gh_error_message(root);
	if (message != NULL) {
		buf_append(buf, n, "%s", message);
	}
	if (root == NULL || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "errors", &errors) ||
	    !json_object_is_type(errors, json_type_array)) {
		return false;
	}
	count = json_object_array_length(errors);
	for (i = 0; i < count; i++) {
		struct json_object *e = json_object_array_get_idx(errors, i);
		const char *field, *code, *msg;

		/* Some endpoints give errors[] as plain strings. */
		if (json_object_is_type(e, json_type_string)) {
			buf_append(buf, n, "%s%s", i == 0 ? ": " : "; ", json_object_get_string(e));
			continue;
		}
		if (!json_object_is_type(e, json_type_object)) {
			continue;
		}
		field = kit_json_get_string(e, "field");
		code = kit_json_get_string(e, "code");
		msg = kit_json_get_string(e, "message");
		if (code != NULL && strcmp(code, "already_exists") == 0) {
			exists = true;
		}
		buf_append(buf, n, "%s", i == 0 ? ": " : "; ");
		if (field != NULL) {
			buf_append(buf, n, "%s ", field);
		}
		/* "custom" errors carry the explanation in message; the
		 * others are fully said by their code. */
		if (msg != NULL) {
			buf_append(buf, n, "%s", msg);
		} else if (code != NULL) {
			buf_append(buf, n, "%s", code);
		}
	}
	return exists;
}

/* Add a string member; false when out of memory. */
static bool add_string(struct json_object *obj, const char *key, const char *value)
{
	return kit_json_add(obj, key, json_object_new_string(value));
}

char *gh_label_body(const struct epithet_label *want, bool create, size_t *n_fields)
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
	/* A create always names the label (GitHub requires it). */
	if ((create || (want->fields & EPITHET_FIELD_NAME)) && want->name != NULL) {
		if (!add_string(obj, create ? "name" : "new_name", want->name)) {
			goto fail;
		}
		count++;
	}
	if ((want->fields & EPITHET_FIELD_COLOR) && want->color != NULL) {
		const char *color = want->color[0] == '#' ? want->color + 1 : want->color;

		if (!add_string(obj, "color", color)) {
			goto fail;
		}
		count++;
	}
	if (want->fields & EPITHET_FIELD_DESCRIPTION) {
		const char *desc = want->description != NULL ? want->description : "";

		if (!add_string(obj, "description", desc)) {
			goto fail;
		}
		count++;
	}
	if (n_fields != NULL) {
		*n_fields = count;
	}
	return kit_json_to_text(obj);

fail:
	json_object_put(obj);
	return NULL;
}

char *gh_add_labels_body(const char *name)
{
	struct json_object *obj, *arr, *v;

	obj = json_object_new_object();
	arr = json_object_new_array();
	v = json_object_new_string(name);
	if (obj == NULL || arr == NULL || v == NULL) {
		goto fail;
	}
	if (json_object_array_add(arr, v) != 0) {
		goto fail;
	}
	v = NULL;
	if (json_object_object_add(obj, "labels", arr) != 0) {
		goto fail;
	}
	return kit_json_to_text(obj);

fail:
	json_object_put(v);
	json_object_put(arr);
	json_object_put(obj);
	return NULL;
}
