/* SPDX-License-Identifier: MIT */
/*
 * JSON helpers shared by the in-tree HTTP plugins' parse files
 * (github-parse.c, github-graphql.c, gitea-parse.c) and plugin-kit.c.
 *
 * Header-only (static inline), on purpose: the parse files are pure json-c,
 * and the fuzz targets (tests/fuzz) link each of them alone, without the
 * plugin kit. Everything here is a pure function over json-c: no host, no
 * I/O.
 *
 * Not part of the plugin SDK: third-party plugins have their own (see
 * examples/forge-template/).
 */
#ifndef EPITHET_PLUGINS_KIT_JSON_H
#define EPITHET_PLUGINS_KIT_JSON_H

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "epithet/forge.h"

/* Deep enough for any answer the plugins read (repositories nest their
 * owner, permissions and parent), shallow enough that a hostile body cannot
 * exhaust the stack. */
#define KIT_JSON_DEPTH 64

/*
 * Parse a whole response body: exactly one JSON value (trailing garbage is
 * refused: a truncated or concatenated answer is not something to guess
 * about). Returns 0 with *out to json_object_put, EPITHET_ENOMEM, or
 * EPITHET_EPROTOCOL.
 */
static inline int kit_json_parse_body(const char *body, size_t len, struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *root;
	size_t end;

	*out = NULL;
	if (body == NULL || len == 0 || len >= INT_MAX) {
		return EPITHET_EPROTOCOL;
	}
	tok = json_tokener_new_ex(KIT_JSON_DEPTH);
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

/* The string member @p key of @p obj, or NULL when @p obj is no object or
 * the member is absent, null or not a string. */
static inline const char *kit_json_get_string(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		return NULL;
	}
	return json_object_get_string(v);
}

/* A boolean member: absent or null is false; any other type is an error
 * (-1), as a string "false" read as true would mark repos wrongly.
 * *present (when not NULL) says whether it was a boolean. */
static inline int kit_json_get_bool(struct json_object *obj, const char *key, bool *out, bool *present)
{
	struct json_object *v;

	*out = false;
	if (present != NULL) {
		*present = false;
	}
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean)) {
		return -1;
	}
	*out = json_object_get_boolean(v) != 0;
	if (present != NULL) {
		*present = true;
	}
	return 0;
}

/* A boolean member and the flag it stands for (kit_json_flags). */
struct kit_json_flag {
	const char *key;
	uint32_t flag;
};

/* Each of the @p n boolean members of @p table that is true adds its flag
 * to *flags. -1 when one is present and not a boolean (kit_json_get_bool). */
static inline int kit_json_flags(struct json_object *obj, const struct kit_json_flag *table,
				 size_t n, uint32_t *flags)
{
	size_t i;
	bool on;

	for (i = 0; i < n; i++) {
		if (kit_json_get_bool(obj, table[i].key, &on, NULL) < 0) {
			return -1;
		}
		if (on) {
			*flags |= table[i].flag;
		}
	}
	return 0;
}

/* An integer id as decimal text into @p buf (of @p n bytes); "" when absent
 * or null; -1 when present with another type. */
static inline int kit_json_get_id(struct json_object *obj, const char *key, char *buf, size_t n)
{
	struct json_object *v;

	buf[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL) {
		return 0;
	}
	if (!json_object_is_type(v, json_type_int)) {
		return -1;
	}
	snprintf(buf, n, "%" PRId64, json_object_get_int64(v));
	return 0;
}

/* A decimal id as the forges hand them out (Gitea's and GitLab's label
 * ids): digits only, > 0, fits int64. True with *out set; false for NULL,
 * "", names, signs, overflow. */
static inline bool kit_parse_decimal_id(const char *text, int64_t *out)
{
	int64_t n = 0;

	if (text == NULL || text[0] == '\0') {
		return false;
	}
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > (INT64_MAX - (*p - '0')) / 10) {
			return false;
		}
		n = n * 10 + (*p - '0');
	}
	if (n <= 0) {
		return false;
	}
	*out = n;
	return true;
}

/* Start a repository: @p out reset, @p obj an object with a non-empty
 * "name" (borrowed into out->name). 0, or EPITHET_EPROTOCOL with *why. */
static inline int kit_json_repo_name(struct json_object *obj, struct epithet_repo *out,
				     const char **why)
{
	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	if (!json_object_is_type(obj, json_type_object)) {
		*why = "a repository that is not a JSON object";
		return EPITHET_EPROTOCOL;
	}
	out->name = kit_json_get_string(obj, "name");
	if (out->name == NULL || out->name[0] == '\0') {
		*why = "a repository without a \"name\" string";
		return EPITHET_EPROTOCOL;
	}
	return 0;
}

/*
 * Finish a repository: its integer "id" as text in @p id (of @p id_n bytes;
 * out->id NULL when absent), and its "topics" (absent or null: none) into
 * out->topics, the array malloc'd in *topics (free it; NULL when there are
 * none). 0, or EPITHET_ENOMEM / EPITHET_EPROTOCOL with *why set (and
 * *topics freed).
 */
static inline int kit_json_repo_id_topics(struct json_object *obj, struct epithet_repo *out,
					  char *id, size_t id_n, const char ***topics,
					  const char **why)
{
	struct json_object *arr;
	size_t i, n;

	if (kit_json_get_id(obj, "id", id, id_n) < 0) {
		*why = "a repository whose \"id\" is not an integer";
		return EPITHET_EPROTOCOL;
	}
	out->id = id[0] != '\0' ? id : NULL;
	if (!json_object_object_get_ex(obj, "topics", &arr) || arr == NULL) {
		return 0;
	}
	if (!json_object_is_type(arr, json_type_array)) {
		*why = "a repository whose \"topics\" is not an array";
		return EPITHET_EPROTOCOL;
	}
	n = json_object_array_length(arr);
	if (n == 0) {
		return 0;
	}
	*topics = calloc(n, sizeof(**topics));
	if (*topics == NULL) {
		*why = "out of memory";
		return EPITHET_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(t, json_type_string)) {
			free(*topics);
			*topics = NULL;
			*why = "a repository with a topic that is not a string";
			return EPITHET_EPROTOCOL;
		}
		(*topics)[i] = json_object_get_string(t);
	}
	out->topics = *topics;
	out->n_topics = n;
	return 0;
}

/* Start a label: @p out reset (no counts known), @p obj an object. 0, or
 * EPITHET_EPROTOCOL with *why. */
static inline int kit_json_label_object(struct json_object *obj, struct epithet_label *out,
					const char **why)
{
	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	out->issues = -1;
	out->pulls = -1;
	if (!json_object_is_type(obj, json_type_object)) {
		*why = "a label that is not a JSON object";
		return EPITHET_EPROTOCOL;
	}
	return 0;
}

/* A label's "description" (borrowed): null or absent leave it NULL, which
 * means the same as "" (trap 17). 0, or EPITHET_EPROTOCOL with *why. */
static inline int kit_json_label_description(struct json_object *obj, struct epithet_label *out,
					     const char **why)
{
	struct json_object *v;

	if (json_object_object_get_ex(obj, "description", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string)) {
			*why = "a label whose \"description\" is neither a string nor null";
			return EPITHET_EPROTOCOL;
		}
		out->description = json_object_get_string(v);
	}
	return 0;
}

/* An issue or pull request object from an issues list: number, and is_pull
 * from a non-null "pull_request" (the issues APIs list both; only pull
 * requests carry an object there). 0, or EPITHET_EPROTOCOL with *why. */
static inline int kit_json_parse_item(struct json_object *obj, struct epithet_item *out,
				      const char **why)
{
	struct json_object *v;
	int64_t number;

	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	if (!json_object_is_type(obj, json_type_object)) {
		*why = "an issue that is not a JSON object";
		return EPITHET_EPROTOCOL;
	}
	if (!json_object_object_get_ex(obj, "number", &v) || !json_object_is_type(v, json_type_int) ||
	    (number = json_object_get_int64(v)) <= 0) {
		*why = "an issue without a positive integer \"number\"";
		return EPITHET_EPROTOCOL;
	}
	out->number = (uint64_t)number;
	out->is_pull = json_object_object_get_ex(obj, "pull_request", &v) && v != NULL;
	return 0;
}

/* Add member @p key = @p v to @p obj; false when out of memory (@p v NULL,
 * or not added: it is released). */
static inline bool kit_json_add(struct json_object *obj, const char *key, struct json_object *v)
{
	if (v == NULL) {
		return false;
	}
	if (json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

/* Serialise and release @p obj (a request body: plain, '/' unescaped);
 * malloc'd, or NULL when out of memory. */
static inline char *kit_json_to_text(struct json_object *obj)
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

/* @p buf made one printable line: control characters become spaces. For
 * quoting a server's own text in an error message. */
static inline void kit_one_line(char *buf)
{
	size_t i;

	for (i = 0; buf[i] != '\0'; i++) {
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) {
			buf[i] = ' ';
		}
	}
}

#endif
