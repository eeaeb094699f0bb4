/* SPDX-License-Identifier: MIT */
/*
 * GitHub REST JSON <-> epithet structs. See github-parse.h.
 *
 * The parsers are strict about the fields epithet acts on (a label without a
 * name or a colour, a repository without an owner) and lenient about the
 * rest: GitHub adds fields over time, and a field epithet ignores must never
 * make a run fail.
 */
#include "github-parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any GitHub answer epithet reads (repos nest 4 levels),
 * shallow enough that a hostile body cannot exhaust the stack. */
#define GH_JSON_DEPTH 64

int gh_parse_body(const char *body, size_t len, struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *root;
	size_t end;

	*out = NULL;
	if (body == NULL || len == 0 || len >= INT_MAX) {
		return EPITHET_EPROTOCOL;
	}
	tok = json_tokener_new_ex(GH_JSON_DEPTH);
	if (tok == NULL) {
		return EPITHET_ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* The host NUL-terminates every body; feeding the NUL too lets json-c
	 * finish a top-level number instead of waiting for more input. */
	root = json_tokener_parse_ex(tok, body, (int)len + 1);
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(root);
		json_tokener_free(tok);
		return EPITHET_EPROTOCOL;
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	for (; end < len; end++) {
		if (!isspace((unsigned char)body[end])) {
			json_object_put(root);
			return EPITHET_EPROTOCOL;
		}
	}
	*out = root;
	return 0;
}

/* The string member @p key, or NULL when absent, null or not a string. */
static const char *get_string(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string)) {
		return NULL;
	}
	return json_object_get_string(v);
}

/* A boolean member: absent or null is false; any other type is an error
 * (-1), as a string "false" read as true would mark repos wrongly. */
static int get_bool(struct json_object *obj, const char *key, bool *out)
{
	struct json_object *v;

	*out = false;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean)) {
		return -1;
	}
	*out = json_object_get_boolean(v) != 0;
	return 0;
}

/* An integer id as text into @p buf; "" stays when absent or null.
 * -1 when present with another type. */
static int get_id(struct json_object *obj, const char *key, char buf[GH_ID_MAX])
{
	struct json_object *v;

	buf[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
		return 0;
	}
	if (!json_object_is_type(v, json_type_int)) {
		return -1;
	}
	snprintf(buf, GH_ID_MAX, "%" PRId64, json_object_get_int64(v));
	return 0;
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
	struct json_object *owner, *perms, *topics;
	bool archived, fork, disabled, private_, push;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	scratch->topics = NULL;
	scratch->id[0] = '\0';

	if (!json_object_is_type(obj, json_type_object)) {
		*why = "a repository that is not a JSON object";
		return EPITHET_EPROTOCOL;
	}
	out->name = get_string(obj, "name");
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "a repository without a \"name\" string";
		return EPITHET_EPROTOCOL;
	}
	if (!json_object_object_get_ex(obj, "owner", &owner) ||
	    !json_object_is_type(owner, json_type_object) ||
	    (out->owner = get_string(owner, "login")) == NULL || out->owner[0] == '\0') {
		*why = "a repository without an \"owner.login\" string";
		return EPITHET_EPROTOCOL;
	}
	if (get_bool(obj, "archived", &archived) < 0 || get_bool(obj, "fork", &fork) < 0 ||
	    get_bool(obj, "disabled", &disabled) < 0 || get_bool(obj, "private", &private_) < 0) {
		*why = "a repository whose archived/fork/disabled/private is not a boolean";
		return EPITHET_EPROTOCOL;
	}
	if (archived) {
		out->flags |= EPITHET_REPO_ARCHIVED;
	}
	if (fork) {
		out->flags |= EPITHET_REPO_FORK;
	}
	if (disabled) {
		out->flags |= EPITHET_REPO_DISABLED;
	}
	if (private_) {
		out->flags |= EPITHET_REPO_PRIVATE;
	}
	/* "permissions" only comes with an authenticated request: its absence
	 * says nothing about write access, only push == false does. */
	if (json_object_object_get_ex(obj, "permissions", &perms) &&
	    json_object_is_type(perms, json_type_object) &&
	    json_object_object_get_ex(perms, "push", NULL)) {
		if (get_bool(perms, "push", &push) < 0) {
			*why = "a repository whose permissions.push is not a boolean";
			return EPITHET_EPROTOCOL;
		}
		if (!push) {
			out->flags |= EPITHET_REPO_NO_PUSH;
		}
	}
	if (get_id(obj, "id", scratch->id) < 0) {
		*why = "a repository whose \"id\" is not an integer";
		return EPITHET_EPROTOCOL;
	}
	out->id = scratch->id[0] != '\0' ? scratch->id : NULL;

	if (json_object_object_get_ex(obj, "topics", &topics) && topics != NULL) {
		if (!json_object_is_type(topics, json_type_array)) {
			*why = "a repository whose \"topics\" is not an array";
			return EPITHET_EPROTOCOL;
		}
		n = json_object_array_length(topics);
		if (n > 0) {
			scratch->topics = calloc(n, sizeof(*scratch->topics));
			if (scratch->topics == NULL) {
				*why = "out of memory";
				return EPITHET_ENOMEM;
			}
			for (i = 0; i < n; i++) {
				struct json_object *t = json_object_array_get_idx(topics, i);

				if (!json_object_is_type(t, json_type_string)) {
					gh_repo_scratch_finish(scratch);
					*why = "a repository with a topic that is not a string";
					return EPITHET_EPROTOCOL;
				}
				scratch->topics[i] = json_object_get_string(t);
			}
			out->topics = scratch->topics;
			out->n_topics = n;
		}
	}
	return 0;
}

int gh_parse_label(struct json_object *obj, struct epithet_label *out,
		   struct gh_label_scratch *scratch, const char **why)
{
	struct json_object *v;
	const char *color;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	out->issues = -1;
	out->pulls = -1;

	if (!json_object_is_type(obj, json_type_object)) {
		*why = "a label that is not a JSON object";
		return EPITHET_EPROTOCOL;
	}
	out->name = get_string(obj, "name");
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "a label without a \"name\" string";
		return EPITHET_EPROTOCOL;
	}
	/* GitHub stores "6-character hex code, without the leading #"; the
	 * recorded PATCH answer shows it echoes the case it was given, so
	 * normalise to the lowercase the core compares. */
	color = get_string(obj, "color");
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

	/* "description" is nullable: null and "" mean the same (trap 17). */
	if (json_object_object_get_ex(obj, "description", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string)) {
			*why = "a label whose \"description\" is neither a string nor null";
			return EPITHET_EPROTOCOL;
		}
		out->description = json_object_get_string(v);
	}
	if (get_id(obj, "id", scratch->id) < 0) {
		*why = "a label whose \"id\" is not an integer";
		return EPITHET_EPROTOCOL;
	}
	out->id = scratch->id[0] != '\0' ? scratch->id : NULL;
	out->fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION;
	return 0;
}

int gh_parse_item(struct json_object *obj, struct epithet_item *out, const char **why)
{
	struct json_object *v;
	int64_t number;

	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	if (!json_object_is_type(obj, json_type_object)) {
		*why = "an issue that is not a JSON object";
		return EPITHET_EPROTOCOL;
	}
	if (!json_object_object_get_ex(obj, "number", &v) ||
	    !json_object_is_type(v, json_type_int) || (number = json_object_get_int64(v)) <= 0) {
		*why = "an issue without a positive integer \"number\"";
		return EPITHET_EPROTOCOL;
	}
	out->number = (uint64_t)number;
	/* The issues API lists pull requests too; only they carry this key. */
	out->is_pull = json_object_object_get_ex(obj, "pull_request", &v) && v != NULL;
	return 0;
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
			ln = get_string(l, "name");
		}
		if (ln != NULL && strcmp(ln, name) == 0) {
			return true;
		}
	}
	return false;
}

const char *gh_error_message(struct json_object *root)
{
	if (root == NULL || !json_object_is_type(root, json_type_object)) {
		return NULL;
	}
	return get_string(root, "message");
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
		field = get_string(e, "field");
		code = get_string(e, "code");
		msg = get_string(e, "message");
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
	struct json_object *v = json_object_new_string(value);

	if (v == NULL) {
		return false;
	}
	if (json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

/* Serialise and release @p obj; NULL when out of memory. */
static char *to_text(struct json_object *obj)
{
	const char *text;
	char *dup = NULL;

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text != NULL) {
		dup = strdup(text);
	}
	json_object_put(obj);
	return dup;
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
	return to_text(obj);

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
	return to_text(obj);

fail:
	json_object_put(v);
	json_object_put(arr);
	json_object_put(obj);
	return NULL;
}
