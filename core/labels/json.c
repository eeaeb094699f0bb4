/* SPDX-License-Identifier: MIT */
/*
 * The JSON reader: json-c checks the syntax and decodes the strings, and a
 * short scanner over the already-checked text builds the tree of lf.h with
 * the position of every value (json-c keeps none). Says nothing about what
 * a labels file must contain: that is validate.c.
 */
#include "lf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <unistr.h>

/* ---- JSON ---- */

struct jscan {
	struct ctx *c;
	const char *s;
	size_t len, off;
	unsigned line, col;
	struct json_tokener *tok;
};

static void js_adv(struct jscan *j, size_t n)
{
	while (n-- && j->off < j->len) {
		unsigned char ch = (unsigned char)j->s[j->off];

		if (ch == '\n' || (ch == '\r' && (j->off + 1 >= j->len || j->s[j->off + 1] != '\n'))) {
			j->line++;
			j->col = 1;
		} else if (ch != '\r' && (ch & 0xc0) != 0x80) {
			j->col++;
		}
		j->off++;
	}
}

static void js_ws(struct jscan *j)
{
	while (j->off < j->len && strchr(" \t\r\n", j->s[j->off]) && j->s[j->off])
		js_adv(j, 1);
}

static char js_peek(const struct jscan *j)
{
	return j->off < j->len ? j->s[j->off] : '\0';
}

/* json-c accepts a few things JSON does not (single quotes, NaN): they end
 * up here, as does anything the scanner does not expect. */
static bool js_unexpected(struct jscan *j)
{
	char ch = js_peek(j);

	if (ch == '\'')
		diag(j->c, j->line, j->col, "not valid JSON: strings are written in double quotes");
	else if (ch)
		diag(j->c, j->line, j->col, "not valid JSON: unexpected character '%s'",
		     show(j->c, j->s + j->off, 1));
	else
		diag(j->c, j->line, j->col, "not valid JSON: unexpected end of file");
	j->c->fatal = true;
	return false;
}

static bool js_string(struct jscan *j, struct node *out)
{
	size_t start = j->off, i = j->off + 1;
	struct json_object *o;
	bool ok = false;

	while (i < j->len && j->s[i] != '"')
		i += j->s[i] == '\\' ? 2 : 1;
	if (i >= j->len)
		return js_unexpected(j);
	/* json-c decodes the escapes, surrogate pairs included. */
	json_tokener_reset(j->tok);
	o = json_tokener_parse_ex(j->tok, j->s + start, (int)(i + 1 - start));
	if (!o || !json_object_is_type(o, json_type_string)) {
		js_unexpected(j);
		goto cleanup;
	}
	out->kind = NK_STR;
	if (!set_text(j->c, out, json_object_get_string(o), (size_t)json_object_get_string_len(o)))
		goto cleanup;
	js_adv(j, i + 1 - start);
	ok = true;
cleanup:
	json_object_put(o);
	return ok;
}

static bool js_word(struct jscan *j, const char *w, struct node *out)
{
	size_t n = strlen(w);

	if (j->len - j->off < n || memcmp(j->s + j->off, w, n) != 0)
		return js_unexpected(j);
	if (!set_text(j->c, out, w, n))
		return false;
	js_adv(j, n);
	return true;
}

static bool js_number(struct jscan *j, struct node *out)
{
	size_t start = j->off, i = j->off;

	/* The syntax was checked by json-c; this only finds the end (and
	 * refuses what json-c lets through, like Infinity). */
	while (i < j->len && strchr("+-.0123456789eE", j->s[i]) && j->s[i])
		i++;
	if (i == start || (i == start + 1 && j->s[start] == '-'))
		return js_unexpected(j);
	out->kind = NK_NUM;
	if (!set_text(j->c, out, j->s + start, i - start))
		return false;
	js_adv(j, i - start);
	return true;
}

static bool js_value(struct jscan *j, struct node *out, unsigned depth);

static bool js_container(struct jscan *j, struct node *out, unsigned depth)
{
	bool is_map = js_peek(j) == '{';
	char close = is_map ? '}' : ']';
	size_t cap = 0, per = is_map ? 2 : 1;

	out->kind = is_map ? NK_MAP : NK_SEQ;
	js_adv(j, 1);
	js_ws(j);
	if (js_peek(j) == close) {
		js_adv(j, 1);
		return true;
	}
	for (;;) {
		struct node *slot;

		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct node *p = realloc(out->items, ncap * per * sizeof(*p));

			if (!p) {
				j->c->oom = true;
				return false;
			}
			memset(p + cap * per, 0, (ncap - cap) * per * sizeof(*p));
			out->items = p;
			cap = ncap;
		}
		slot = &out->items[out->n * per];
		out->n++;
		js_ws(j);
		if (is_map) {
			slot->line = j->line;
			slot->col = j->col;
			if (js_peek(j) != '"')
				return js_unexpected(j);
			if (!js_string(j, slot))
				return false;
			js_ws(j);
			if (js_peek(j) != ':')
				return js_unexpected(j);
			js_adv(j, 1);
			js_ws(j);
			slot++;
		}
		if (!js_value(j, slot, depth + 1))
			return false;
		js_ws(j);
		if (js_peek(j) == close) {
			js_adv(j, 1);
			return true;
		}
		if (js_peek(j) != ',')
			return js_unexpected(j);
		js_adv(j, 1);
	}
}

static bool js_value(struct jscan *j, struct node *out, unsigned depth)
{
	out->line = j->line;
	out->col = j->col;
	if (j->c->oom || !check_depth(j->c, out, depth) || !take_budget(j->c, out))
		return false;
	switch (js_peek(j)) {
	case '{':
	case '[':
		return js_container(j, out, depth);
	case '"':
		return js_string(j, out);
	case 't':
		out->kind = NK_BOOL;
		out->b = true;
		return js_word(j, "true", out);
	case 'f':
		out->kind = NK_BOOL;
		return js_word(j, "false", out);
	case 'n':
		out->kind = NK_NULL;
		return js_word(j, "null", out);
	default:
		if (js_peek(j) == '-' || (js_peek(j) >= '0' && js_peek(j) <= '9'))
			return js_number(j, out);
		return js_unexpected(j);
	}
}

struct node *parse_json(struct ctx *c, const char *buf, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o = NULL;
	enum json_tokener_error jerr;
	struct jscan j = { .c = c, .s = buf, .len = len, .line = 1, .col = 1 };
	struct node *tree = NULL;
	unsigned line, col;

	tok = json_tokener_new();
	if (!tok) {
		c->oom = true;
		c->fatal = true;
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr != json_tokener_success) {
		size_t end = json_tokener_get_parse_end(tok);

		if (jerr == json_tokener_continue) {
			offset_pos(buf, len, len, &line, &col);
			diag(c, line, col, "not valid JSON: the file ends inside a value");
		} else {
			offset_pos(buf, len, end, &line, &col);
			if (end < len) {
				int k = u8_mblen((const uint8_t *)buf + end, len - end);

				diag(c, line, col, "not valid JSON: %s (at '%s')", json_tokener_error_desc(jerr),
				     show(c, buf + end, k > 0 ? (size_t)k : 1));
			} else
				diag(c, line, col, "not valid JSON: %s", json_tokener_error_desc(jerr));
		}
		c->fatal = true;
		goto cleanup;
	}
	/* Valid for json-c: now walk the text for the positions. */
	j.tok = tok;
	c->budget = SIZE_MAX;
	tree = calloc(1, sizeof(*tree));
	if (!tree) {
		c->oom = true;
		c->fatal = true;
		goto cleanup;
	}
	js_ws(&j);
	if (!js_value(&j, tree, 0)) {
		c->fatal = true;
		goto cleanup;
	}
	js_ws(&j);
	if (j.off < j.len)
		js_unexpected(&j);
cleanup:
	json_object_put(o);
	json_tokener_free(tok);
	if (c->fatal) {
		node_free(tree);
		tree = NULL;
	}
	return tree;
}

