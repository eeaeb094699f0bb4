/* SPDX-License-Identifier: MIT */
/*
 * Labels files: YAML (libyaml) or JSON (json-c) into a struct desired.
 *
 * Both formats are first turned into one small tree (struct node) in which
 * every value carries the line and column it was written at; a single
 * validator then walks that tree. So the two formats accept exactly the same
 * files and every message can say where the problem is, which json-c alone
 * cannot (it keeps no positions): json-c checks the JSON syntax and decodes
 * the strings, and a short scanner over the already-checked text records
 * where each value starts.
 *
 * Nothing is kept from an invalid file: every problem is collected (not just
 * the first) and the caller gets either a complete desired set or nothing.
 */
#include "labelsfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <unistr.h>
#include <yaml.h>

#include "config.h"
#include "names.h"

#if defined(__GNUC__)
#define LF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LF_PRINTF(a, b)
#endif

/* Deeper than any sensible labels file (which needs 4 levels); bounds the
 * recursion of the tree builder, and ends alias cycles (&a [*a]). */
#define MAX_DEPTH 64
/* YAML aliases may make the tree at most this many times larger than the
 * document as written: enough for shared lists, too little for the
 * "billion laughs" (each level multiplying the one below). */
#define ALIAS_EXPANSION 16
#define ALIAS_SLACK 4096
/* More problems than this are not worth reading: the file is likely not a
 * labels file at all. */
#define MAX_DIAGS 200

enum nkind {
	NK_NULL,
	NK_BOOL,
	NK_NUM,         /* JSON numbers only: a YAML plain scalar stays text */
	NK_STR,
	NK_SEQ,
	NK_MAP,
};

struct node {
	enum nkind kind;
	bool plain;             /* YAML plain scalar: its text is as written */
	bool b;                 /* NK_BOOL */
	unsigned line, col;     /* 1-based */
	char *text;             /* scalars: the value, NUL-terminated */
	size_t len;             /* bytes of text (JSON may hold a NUL) */
	size_t n;               /* NK_SEQ: items; NK_MAP: pairs */
	struct node *items;     /* NK_MAP: key, value, key, value... */
};

/* A name or alias, for the duplicate checks done once all labels are read. */
struct nameref {
	const char *key;
	const char *text;
	size_t label;
	size_t seq;             /* file order */
	bool alias;
	unsigned line, col;
};

struct ctx {
	const char *file;
	struct lf_diags *diags;
	size_t first_diag;      /* diags of this call start here */
	size_t n_problems;
	bool truncated;
	bool oom;
	bool fatal;             /* the tree cannot be trusted: stop */
	size_t budget;          /* nodes the tree may still have */
	const struct lf_limits *limits;
	char *shown[4];         /* show() results, freed when reused */
	unsigned shown_next;
	struct nameref *refs;
	size_t n_refs, cap_refs;
};

/* ---- diagnostics ---- */

static void ctx_finish(struct ctx *c)
{
	for (unsigned i = 0; i < 4; i++)
		free(c->shown[i]);
	free(c->refs);
}

/* Append one diagnostic, taking @msg. */
static void add_diag(struct ctx *c, unsigned line, unsigned col, char *msg)
{
	struct lf_diag *v;

	v = realloc(c->diags->v, (c->diags->n + 1) * sizeof(*v));
	if (!v) {
		free(msg);
		c->oom = true;
		return;
	}
	c->diags->v = v;
	v[c->diags->n].file = strdup(c->file);
	v[c->diags->n].line = line;
	v[c->diags->n].col = col;
	v[c->diags->n].message = msg;
	if (!v[c->diags->n].file)
		c->oom = true;
	c->diags->n++;
}

static LF_PRINTF(4, 5) void diag(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	int r;

	c->n_problems++;
	if (c->diags->n - c->first_diag >= MAX_DIAGS) {
		c->truncated = true;
		return;
	}
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		c->oom = true;
		return;
	}
	add_diag(c, line, col, msg);
}

static void diag_at(struct ctx *c, const struct node *n, const char *fmt, ...) LF_PRINTF(3, 4);
static void diag_at(struct ctx *c, const struct node *n, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0) {
		va_end(ap);
		c->oom = true;
		c->n_problems++;
		return;
	}
	va_end(ap);
	diag(c, n ? n->line : 0, n ? n->col : 0, "%s", msg);
	free(msg);
}

/*
 * User text made fit for a message: control characters and bad bytes
 * escaped (a name with a BEL in it must not ring the terminal), long text
 * cut. The result lives until four more calls.
 */
static const char *show(struct ctx *c, const char *s, size_t len)
{
	char *out, *o;
	size_t i = 0, cps = 0;

	/* Worst case: a one-byte control becomes "\u0007", six bytes; then
	 * "..." and the NUL. */
	out = malloc(len * 6 + 8);
	if (!out) {
		c->oom = true;
		return "...";
	}
	o = out;
	while (i < len) {
		ucs4_t uc;
		int k = u8_mbtoucr(&uc, (const uint8_t *)s + i, len - i);

		if (cps++ == 60) {
			memcpy(o, "...", 3);
			o += 3;
			break;
		}
		if (k < 0) {
			o += sprintf(o, "\\x%02X", (unsigned char)s[i]);
			i++;
		} else if (uc < 0x20 || (uc >= 0x7f && uc <= 0x9f)) {
			o += sprintf(o, "\\u%04X", (unsigned)uc);
			i += (size_t)k;
		} else {
			memcpy(o, s + i, (size_t)k);
			o += k;
			i += (size_t)k;
		}
	}
	*o = '\0';
	free(c->shown[c->shown_next]);
	c->shown[c->shown_next] = out;
	c->shown_next = (c->shown_next + 1) % 4;
	return out;
}

static const char *show_str(struct ctx *c, const char *s)
{
	return show(c, s, strlen(s));
}

/* Line and column (1-based, columns in code points as libyaml counts them)
 * of byte @off of @buf. */
static void offset_pos(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1, cl = 1;

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '\n' || (ch == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			l++;
			cl = 1;
		} else if (ch != '\r' && (ch & 0xc0) != 0x80) {
			cl++;
		}
	}
	*line = l;
	*col = cl;
}

/* ---- the tree ---- */

static void node_clear(struct node *n)
{
	size_t count;

	if (!n)
		return;
	count = n->kind == NK_MAP ? 2 * n->n : n->n;
	if (n->items) {
		for (size_t i = 0; i < count; i++)
			node_clear(&n->items[i]);
		free(n->items);
	}
	free(n->text);
	memset(n, 0, sizeof(*n));
}

static void node_free(struct node *n)
{
	node_clear(n);
	free(n);
}

static bool set_text(struct ctx *c, struct node *n, const char *s, size_t len)
{
	n->text = malloc(len + 1);
	if (!n->text) {
		c->oom = true;
		return false;
	}
	if (len)
		memcpy(n->text, s, len);
	n->text[len] = '\0';
	n->len = len;
	return true;
}

static const char *kind_name(const struct node *n)
{
	switch (n->kind) {
	case NK_NULL:
		return "nothing (null)";
	case NK_BOOL:
		return "a boolean";
	case NK_NUM:
		return "a number";
	case NK_STR:
		return "a string";
	case NK_SEQ:
		return "a list";
	case NK_MAP:
	default:
		return "a mapping";
	}
}

static bool take_budget(struct ctx *c, const struct node *n)
{
	if (c->budget == 0) {
		if (!c->fatal)
			diag_at(c, n, "YAML aliases expand to more than %d times the file's own size; "
				"refused (a \"billion laughs\" file?)", ALIAS_EXPANSION);
		c->fatal = true;
		return false;
	}
	c->budget--;
	return true;
}

static bool check_depth(struct ctx *c, const struct node *n, unsigned depth)
{
	if (depth <= MAX_DEPTH)
		return true;
	if (!c->fatal)
		diag_at(c, n, "nested more than %d levels deep (or an alias refers to itself)", MAX_DEPTH);
	c->fatal = true;
	return false;
}

/* ---- YAML ---- */

static bool text_in(const char *s, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

/* YAML 1.2 core schema null and booleans: what the common YAML libraries of
 * other label tools read as such. Everything else is text as written. */
static const char *const yaml_nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const yaml_trues[] = { "true", "True", "TRUE", NULL };
static const char *const yaml_falses[] = { "false", "False", "FALSE", NULL };
/* YAML 1.1 booleans: only where a boolean is expected, so `name: yes` is
 * still the text "yes". */
static const char *const yaml11_trues[] = { "yes", "Yes", "YES", "on", "On", "ON", NULL };
static const char *const yaml11_falses[] = { "no", "No", "NO", "off", "Off", "OFF", NULL };

static bool yaml_scalar(struct ctx *c, const yaml_node_t *yn, struct node *out)
{
	const char *tag = (const char *)yn->tag;
	const char *v = (const char *)yn->data.scalar.value;
	bool plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	if (!set_text(c, out, v, yn->data.scalar.length))
		return false;
	out->kind = NK_STR;
	/*
	 * The document API gives untagged scalars the default !!str tag, so
	 * `!!str true` cannot be told from `true`: quoting is the way to say
	 * "text". Explicit standard tags are honoured as far as they matter.
	 */
	if (tag && strcmp(tag, YAML_STR_TAG) != 0) {
		if (strcmp(tag, YAML_NULL_TAG) == 0) {
			out->kind = NK_NULL;
		} else if (strcmp(tag, YAML_BOOL_TAG) == 0) {
			if (text_in(out->text, yaml_trues) || text_in(out->text, yaml11_trues))
				out->b = true;
			else if (!text_in(out->text, yaml_falses) && !text_in(out->text, yaml11_falses))
				diag_at(c, out, "'%s' is not a boolean", show_str(c, out->text));
			out->kind = NK_BOOL;
		} else if (strcmp(tag, YAML_INT_TAG) == 0 || strcmp(tag, YAML_FLOAT_TAG) == 0) {
			out->plain = true;
		} else {
			diag_at(c, out, "unsupported YAML tag '%s'", show_str(c, tag));
		}
		return true;
	}
	if (!plain)
		return true;
	out->plain = true;
	if (text_in(out->text, yaml_nulls)) {
		out->kind = NK_NULL;
	} else if (text_in(out->text, yaml_trues)) {
		out->kind = NK_BOOL;
		out->b = true;
	} else if (text_in(out->text, yaml_falses)) {
		out->kind = NK_BOOL;
	}
	return true;
}

static bool yaml_convert(struct ctx *c, yaml_document_t *doc, yaml_node_t *yn, struct node *out,
			 unsigned depth);

static bool is_merge_key(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       k->data.scalar.length == 2 && memcmp(k->data.scalar.value, "<<", 2) == 0;
}

static bool map_has_key(const struct node *items, size_t n_pairs, const struct node *key)
{
	for (size_t i = 0; i < n_pairs; i++) {
		const struct node *k = &items[2 * i];

		if (k->text && key->text && k->len == key->len && memcmp(k->text, key->text, k->len) == 0)
			return true;
	}
	return false;
}

/*
 * Append the pairs of @src (a converted mapping) that @out does not have yet:
 * YAML's merge key `<<`, in which the mapping's own keys win, and earlier
 * merged mappings win over later ones.
 */
static bool merge_pairs(struct ctx *c, struct node *out, size_t *cap, struct node *src)
{
	for (size_t i = 0; i < src->n; i++) {
		struct node *k = &src->items[2 * i];

		if (map_has_key(out->items, out->n, k))
			continue;
		if (out->n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 8;
			struct node *p = realloc(out->items, ncap * 2 * sizeof(*p));

			if (!p) {
				c->oom = true;
				return false;
			}
			memset(p + 2 * *cap, 0, (ncap - *cap) * 2 * sizeof(*p));
			out->items = p;
			*cap = ncap;
		}
		out->items[2 * out->n] = *k;
		out->items[2 * out->n + 1] = src->items[2 * i + 1];
		memset(k, 0, sizeof(*k));
		memset(&src->items[2 * i + 1], 0, sizeof(*k));
		out->n++;
	}
	return true;
}

/* Merge one converted source into @out, if it is a mapping. */
static bool merge_one(struct ctx *c, yaml_document_t *doc, yaml_node_t *v, struct node *out,
		      size_t *cap, unsigned depth)
{
	struct node tmp = { 0 };
	bool ok = true;

	if (!yaml_convert(c, doc, v, &tmp, depth + 1)) {
		node_clear(&tmp);
		return false;
	}
	if (tmp.kind != NK_MAP)
		diag_at(c, &tmp, "the merge key '<<' needs a mapping or a list of mappings, not %s",
			kind_name(&tmp));
	else
		ok = merge_pairs(c, out, cap, &tmp);
	node_clear(&tmp);
	return ok;
}

/* `<<: *a` or `<<: [*a, *b]`. Only one level of list: every source goes
 * through yaml_convert, so the depth and alias limits hold here too. */
static bool yaml_merge(struct ctx *c, yaml_document_t *doc, yaml_node_t *v, struct node *out,
		       size_t *cap, unsigned depth)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return merge_one(c, doc, v, out, cap, depth);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(doc, *it);

		if (!m || !merge_one(c, doc, m, out, cap, depth + 1))
			return false;
	}
	return true;
}

static bool yaml_mapping(struct ctx *c, yaml_document_t *doc, yaml_node_t *yn, struct node *out,
			 unsigned depth)
{
	yaml_node_pair_t *b = yn->data.mapping.pairs.start, *e = yn->data.mapping.pairs.top;
	size_t n = (size_t)(e - b), cap = n;

	out->kind = NK_MAP;
	if (n) {
		out->items = calloc(2 * n, sizeof(*out->items));
		if (!out->items) {
			c->oom = true;
			return false;
		}
	}
	for (yaml_node_pair_t *p = b; p < e; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);

		if (!k || !v)
			return false;
		if (is_merge_key(k))
			continue;
		/* Counted first, so that a failure half-way is still freed. */
		out->n++;
		if (!yaml_convert(c, doc, k, &out->items[2 * out->n - 2], depth + 1) ||
		    !yaml_convert(c, doc, v, &out->items[2 * out->n - 1], depth + 1))
			return false;
	}
	/* Merges come last so that the mapping's own keys win over them. */
	for (yaml_node_pair_t *p = b; p < e; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);

		if (k && v && is_merge_key(k) && !yaml_merge(c, doc, v, out, &cap, depth))
			return false;
	}
	return true;
}

static bool yaml_convert(struct ctx *c, yaml_document_t *doc, yaml_node_t *yn, struct node *out,
			 unsigned depth)
{
	out->line = (unsigned)yn->start_mark.line + 1;
	out->col = (unsigned)yn->start_mark.column + 1;
	if (c->oom || !check_depth(c, out, depth) || !take_budget(c, out))
		return false;
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		return yaml_scalar(c, yn, out);
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *b = yn->data.sequence.items.start, *e = yn->data.sequence.items.top;
		size_t n = (size_t)(e - b);

		out->kind = NK_SEQ;
		if (n) {
			out->items = calloc(n, sizeof(*out->items));
			if (!out->items) {
				c->oom = true;
				return false;
			}
		}
		for (yaml_node_item_t *it = b; it < e; it++) {
			yaml_node_t *item = yaml_document_get_node(doc, *it);

			if (!item)
				return false;
			out->n++;
			if (!yaml_convert(c, doc, item, &out->items[out->n - 1], depth + 1))
				return false;
		}
		return true;
	}
	case YAML_MAPPING_NODE:
		return yaml_mapping(c, doc, yn, out, depth);
	case YAML_NO_NODE:
	default:
		return false;
	}
}

static void yaml_error(struct ctx *c, const yaml_parser_t *p, const char *buf, size_t len)
{
	unsigned line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		c->oom = true;
		return;
	case YAML_READER_ERROR:
		/* Reader errors carry a byte offset, not a mark. */
		offset_pos(buf, len, p->problem_offset, &line, &col);
		diag(c, line, col, "not valid YAML: %s", p->problem ? p->problem : "cannot read");
		return;
	default:
		line = (unsigned)p->problem_mark.line + 1;
		col = (unsigned)p->problem_mark.column + 1;
		if (p->context)
			diag(c, line, col, "not valid YAML: %s (%s that starts at line %zu, column %zu)",
			     p->problem ? p->problem : "syntax error", p->context,
			     p->context_mark.line + 1, p->context_mark.column + 1);
		else
			diag(c, line, col, "not valid YAML: %s", p->problem ? p->problem : "syntax error");
		return;
	}
}

/* Returns the tree (NULL with no document), or sets c->fatal on errors. */
static struct node *parse_yaml(struct ctx *c, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	struct node *tree = NULL;
	bool have_doc = false;

	if (!yaml_parser_initialize(&p)) {
		c->oom = true;
		c->fatal = true;
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&p, &doc)) {
		yaml_error(c, &p, buf, len);
		c->fatal = true;
		goto cleanup;
	}
	have_doc = true;
	root = yaml_document_get_root_node(&doc);
	if (!root)
		goto cleanup;
	c->budget = (size_t)(doc.nodes.top - doc.nodes.start) * ALIAS_EXPANSION + ALIAS_SLACK;
	tree = calloc(1, sizeof(*tree));
	if (!tree) {
		c->oom = true;
		c->fatal = true;
		goto cleanup;
	}
	if (!yaml_convert(c, &doc, root, tree, 0)) {
		c->fatal = true;
		goto cleanup;
	}
	/* A second document would be silently ignored by some tools and not by
	 * others: refuse it. */
	if (!yaml_parser_load(&p, &extra)) {
		yaml_error(c, &p, buf, len);
		c->fatal = true;
		goto cleanup;
	}
	if (yaml_document_get_root_node(&extra))
		diag(c, (unsigned)extra.start_mark.line + 1, (unsigned)extra.start_mark.column + 1,
		     "a labels file holds one YAML document; this is a second one");
	yaml_document_delete(&extra);
cleanup:
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	if (c->fatal) {
		node_free(tree);
		tree = NULL;
	}
	return tree;
}

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

static struct node *parse_json(struct ctx *c, const char *buf, size_t len)
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

/* ---- validation ---- */

/* Optimal string alignment distance (Levenshtein plus swaps of two
 * neighbours, the commonest typo), for "did you mean" hints. Keys are
 * short: anything longer than 32 bytes gets no hint. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t k = 0; k <= lb; k++)
		d[0][k] = k;
	for (size_t i = 1; i <= la; i++) {
		for (size_t k = 1; k <= lb; k++) {
			size_t cost = a[i - 1] == b[k - 1] ? 0 : 1;
			size_t v = d[i - 1][k] + 1;

			if (d[i][k - 1] + 1 < v)
				v = d[i][k - 1] + 1;
			if (d[i - 1][k - 1] + cost < v)
				v = d[i - 1][k - 1] + cost;
			if (i > 1 && k > 1 && a[i - 1] == b[k - 2] && a[i - 2] == b[k - 1] &&
			    d[i - 2][k - 2] + 1 < v)
				v = d[i - 2][k - 2] + 1;
			d[i][k] = v;
		}
	}
	return d[la][lb];
}

static const char *nearest_key(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, klen = strlen(key);

	for (size_t i = 0; known[i]; i++) {
		size_t d = edit_distance(key, known[i]);
		size_t limit = strlen(known[i]) >= 5 ? 2 : 1;

		if (strcasecmp(key, known[i]) == 0)
			return known[i];
		if (d <= limit && d < best_d) {
			best = known[i];
			best_d = d;
		}
	}
	if (best)
		return best;
	/* "desc" for "description". */
	for (size_t i = 0; known[i]; i++)
		if (klen >= 3 && strncmp(key, known[i], klen) == 0)
			return known[i];
	return NULL;
}

static const char *const top_keys[] = { "labels", "targets", "keep", NULL };

/* Report keys that are not text, repeated, or unknown. */
static void check_keys(struct ctx *c, const struct node *m, const char *const *known, const char *where)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct node *k = &m->items[2 * i];
		const char *hint;

		if (k->kind == NK_SEQ || k->kind == NK_MAP) {
			diag_at(c, k, "a key must be text, not %s", kind_name(k));
			continue;
		}
		for (size_t p = 0; p < i; p++) {
			const struct node *prev = &m->items[2 * p];

			if (prev->text && prev->len == k->len && memcmp(prev->text, k->text, k->len) == 0) {
				diag_at(c, k, "key '%s' is given twice (first at line %u, column %u)",
					show(c, k->text, k->len), prev->line, prev->col);
				break;
			}
		}
		if (strlen(k->text) == k->len && text_in(k->text, known))
			continue;
		/* The compose-file convention: "x-" keys at the top hold anchors
		 * for the labels to use, and are otherwise ignored. */
		if (known == top_keys && strncmp(k->text, "x-", 2) == 0)
			continue;
		hint = nearest_key(k->text, known);
		if (hint)
			diag_at(c, k, "unknown key '%s' in %s (did you mean '%s'?)",
				show(c, k->text, k->len), where, hint);
		else
			diag_at(c, k, "unknown key '%s' in %s", show(c, k->text, k->len), where);
	}
}

/* The value of the first @key in mapping @m, or NULL; *@keynode gets its key. */
static const struct node *map_get(const struct node *m, const char *key, const struct node **keynode)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct node *k = &m->items[2 * i];

		if (k->text && strcmp(k->text, key) == 0 && k->len == strlen(key)) {
			if (keynode)
				*keynode = k;
			return &m->items[2 * i + 1];
		}
	}
	return NULL;
}

/*
 * @v as text. A YAML plain scalar counts as text even when it looks like a
 * number (`name: 2024`, `color: 000000`): the text as written is kept, which
 * is what the user meant. JSON numbers and booleans are refused.
 */
static bool get_text(struct ctx *c, const struct node *v, const char *what, bool item, char **out)
{
	const char *a = item ? "an item of '" : "'";

	if (v->kind == NK_BOOL && v->plain) {
		diag_at(c, v, "%s%s' must be text, not the boolean %s (put it in quotes: \"%s\")", a, what,
			show(c, v->text, v->len), show(c, v->text, v->len));
		return false;
	}
	if (v->kind != NK_STR) {
		diag_at(c, v, "%s%s' must be text, not %s", a, what, kind_name(v));
		return false;
	}
	if (strlen(v->text) != v->len) {
		diag_at(c, v, "%s%s' contains a NUL character", a, what);
		return false;
	}
	*out = strdup(v->text);
	if (!*out) {
		c->oom = true;
		return false;
	}
	return true;
}

static bool get_bool(struct ctx *c, const struct node *v, const char *what, bool *out)
{
	if (v->kind == NK_BOOL) {
		*out = v->b;
		return true;
	}
	if (v->kind == NK_STR && v->plain && text_in(v->text, yaml11_trues)) {
		*out = true;
		return true;
	}
	if (v->kind == NK_STR && v->plain && text_in(v->text, yaml11_falses)) {
		*out = false;
		return true;
	}
	if (v->kind == NK_STR)
		diag_at(c, v, "'%s' must be true or false, not the text '%s'", what, show(c, v->text, v->len));
	else
		diag_at(c, v, "'%s' must be true or false, not %s", what, kind_name(v));
	return false;
}

static void free_strv(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* A list of text as a NULL-terminated array (NULL for null or no items). */
static bool get_text_list(struct ctx *c, const struct node *v, const char *what, char ***out)
{
	char **r = NULL;
	size_t k = 0;
	bool ok = true;

	*out = NULL;
	if (v->kind == NK_NULL)
		return true;
	if (v->kind != NK_SEQ) {
		diag_at(c, v, "'%s' must be a list of text, not %s", what, kind_name(v));
		return false;
	}
	if (v->n == 0)
		return true;
	r = calloc(v->n + 1, sizeof(*r));
	if (!r) {
		c->oom = true;
		return false;
	}
	for (size_t i = 0; i < v->n; i++) {
		char *s = NULL;

		if (!get_text(c, &v->items[i], what, true, &s)) {
			ok = false;
			continue;
		}
		if (!*s) {
			diag_at(c, &v->items[i], "'%s' holds an empty item", what);
			free(s);
			ok = false;
			continue;
		}
		r[k++] = s;
	}
	if (!ok) {
		free_strv(r);
		return false;
	}
	*out = r;
	return true;
}

/* Names and descriptions go to forges: valid UTF-8, no control characters. */
static bool check_forge_text(struct ctx *c, const struct node *at, const char *what, const char *s)
{
	unsigned cp = 0;

	switch (names_check(s, NULL, &cp)) {
	case NAMES_OK:
		return true;
	case NAMES_BAD_UTF8:
		diag_at(c, at, "%s is not valid UTF-8", what);
		return false;
	case NAMES_CONTROL:
	default:
		if (cp == '\n')
			diag_at(c, at, "%s contains a line break (U+000A); in YAML, '>-' instead of '>' or "
				"'|' leaves out the final one", what);
		else
			diag_at(c, at, "%s contains the control character U+%04X", what, cp);
		return false;
	}
}

static void check_length(struct ctx *c, unsigned line, unsigned col, const char *what, const char *s,
			 unsigned max)
{
	size_t n = names_codepoints(s);

	if (max && n != (size_t)-1 && n > max)
		diag(c, line, col, "%s is %zu characters long; the forge allows at most %u "
		     "(counted in Unicode code points)", what, n, max);
}

static bool add_ref(struct ctx *c, const char *key, const char *text, size_t label, bool alias,
		    const struct node *at)
{
	if (c->n_refs == c->cap_refs) {
		size_t ncap = c->cap_refs ? c->cap_refs * 2 : 64;
		struct nameref *p = realloc(c->refs, ncap * sizeof(*p));

		if (!p) {
			c->oom = true;
			return false;
		}
		c->refs = p;
		c->cap_refs = ncap;
	}
	c->refs[c->n_refs] = (struct nameref){
		.key = key, .text = text, .label = label, .seq = c->n_refs,
		.alias = alias, .line = at->line, .col = at->col,
	};
	c->n_refs++;
	return true;
}

static void want_label_clear(struct want_label *w)
{
	free(w->name);
	free(w->key);
	free(w->color);
	free(w->description);
	for (size_t i = 0; i < w->n_aliases; i++) {
		free(w->aliases[i]);
		if (w->alias_keys)
			free(w->alias_keys[i]);
	}
	free(w->aliases);
	free(w->alias_keys);
	memset(w, 0, sizeof(*w));
}

/* Add one alias to @w unless it is already there (aliases and from_name
 * together, or the same name twice: one rename source is enough). */
static bool add_alias(struct ctx *c, struct want_label *w, size_t idx, char *alias, const struct node *at)
{
	char *key, **a, **k;

	if (!check_forge_text(c, at, "the alias", alias)) {
		free(alias);
		return false;
	}
	key = names_key(alias);
	if (!key) {
		free(alias);
		c->oom = true;
		return false;
	}
	for (size_t i = 0; i < w->n_aliases; i++) {
		if (strcmp(w->alias_keys[i], key) == 0) {
			free(alias);
			free(key);
			return true;
		}
	}
	if (w->key && strcmp(w->key, key) == 0) {
		diag_at(c, at, "alias '%s' is the label's own name (names match regardless of case)",
			show_str(c, alias));
		free(alias);
		free(key);
		return false;
	}
	a = realloc(w->aliases, (w->n_aliases + 1) * sizeof(*a));
	if (a)
		w->aliases = a;
	k = realloc(w->alias_keys, (w->n_aliases + 1) * sizeof(*k));
	if (k)
		w->alias_keys = k;
	if (!a || !k) {
		free(alias);
		free(key);
		c->oom = true;
		return false;
	}
	w->aliases[w->n_aliases] = alias;
	w->alias_keys[w->n_aliases] = key;
	w->n_aliases++;
	return add_ref(c, key, alias, idx, true, at);
}

static const char *const label_keys[] = {
	"name", "color", "description", "aliases", "from_name", "delete", "exclusive", NULL,
};

/* Returns the name's node when the name is good. */
static const struct node *label_name(struct ctx *c, const struct node *m, struct want_label *w,
				     size_t idx)
{
	const struct node *v = map_get(m, "name", NULL);
	size_t n;

	if (!v) {
		diag_at(c, m, "this label has no 'name'");
		return NULL;
	}
	if (v->kind == NK_NULL) {
		diag_at(c, v, "'name' is empty");
		return NULL;
	}
	if (!get_text(c, v, "name", false, &w->name))
		return NULL;
	if (!check_forge_text(c, v, "the name", w->name))
		goto bad;
	n = strlen(w->name);
	if (n == 0 || strspn(w->name, " ") == n) {
		diag_at(c, v, "'name' is empty");
		goto bad;
	}
	/* Forges trim names: " bug" would never match what they store. */
	if (w->name[0] == ' ' || w->name[n - 1] == ' ') {
		diag_at(c, v, "name '%s' starts or ends with a space", show_str(c, w->name));
		goto bad;
	}
	w->key = names_key(w->name);
	if (!w->key) {
		c->oom = true;
		goto bad;
	}
	add_ref(c, w->key, w->name, idx, false, v);
	return v;
bad:
	free(w->name);
	w->name = NULL;
	return NULL;
}

static void label_aliases(struct ctx *c, const struct node *m, struct want_label *w, size_t idx,
			  const struct node **first_at)
{
	const struct node *key = NULL, *v = map_get(m, "aliases", &key);

	*first_at = NULL;
	if (v && v->kind != NK_NULL) {
		if (v->kind != NK_SEQ) {
			diag_at(c, v, "'aliases' must be a list of names, not %s", kind_name(v));
		} else {
			for (size_t i = 0; i < v->n; i++) {
				char *s = NULL;

				if (!get_text(c, &v->items[i], "aliases", true, &s))
					continue;
				if (!*s) {
					diag_at(c, &v->items[i], "an alias is empty");
					free(s);
					continue;
				}
				add_alias(c, w, idx, s, &v->items[i]);
			}
			if (v->n)
				*first_at = key;
		}
	}
	v = map_get(m, "from_name", &key);
	if (v && v->kind != NK_NULL) {
		char *s = NULL;

		if (get_text(c, v, "from_name", false, &s)) {
			if (!*s) {
				diag_at(c, v, "'from_name' is empty");
				free(s);
			} else {
				add_alias(c, w, idx, s, v);
				if (!*first_at)
					*first_at = key;
			}
		}
	}
}

static void parse_label(struct ctx *c, const struct node *m, struct want_label *w, size_t idx)
{
	const struct node *v, *alias_at = NULL, *name_at, *desc_at = NULL;
	bool b;

	w->exclusive = -1;
	w->pos.line = m->line;
	w->pos.col = m->col;
	if (m->kind != NK_MAP) {
		if (m->kind == NK_STR)
			diag_at(c, m, "a label is a mapping with at least a name (name: \"%s\"), not %s",
				show(c, m->text, m->len), kind_name(m));
		else
			diag_at(c, m, "a label is a mapping with at least a name, not %s", kind_name(m));
		return;
	}
	check_keys(c, m, label_keys, "a label");
	name_at = label_name(c, m, w, idx);

	v = map_get(m, "color", NULL);
	if (v) {
		char *s = NULL, hex[7];

		if (v->kind == NK_NULL) {
			/* Most likely `color: #d73a4a`, where '#' starts a comment. */
			diag_at(c, v, "'color' has no value (in YAML an unquoted '#' starts a comment: "
				"write \"#d73a4a\" in quotes, or leave the key out)");
		} else if (v->kind == NK_NUM) {
			diag_at(c, v, "'color' must be text (\"%s\"), not a number", show(c, v->text, v->len));
		} else if (get_text(c, v, "color", false, &s)) {
			if (names_color_parse(s, hex)) {
				w->color = strdup(hex);
				if (!w->color)
					c->oom = true;
			} else {
				diag_at(c, v, "color '%s' is not 3 or 6 hex digits (like \"d73a4a\" or \"#d73a4a\")",
					show_str(c, s));
			}
			free(s);
		}
	}

	v = map_get(m, "description", NULL);
	if (v) {
		/* An explicit null (`description:` or `~`) is a description of
		 * nothing: it clears, as "" does. Leaving the key out keeps. */
		if (v->kind == NK_NULL) {
			w->description = strdup("");
			if (!w->description)
				c->oom = true;
			w->has_description = true;
		} else if (get_text(c, v, "description", false, &w->description)) {
			w->has_description = true;
			if (check_forge_text(c, v, "the description", w->description))
				desc_at = v;
		}
	}

	label_aliases(c, m, w, idx, &alias_at);

	v = map_get(m, "delete", NULL);
	if (v && v->kind != NK_NULL && get_bool(c, v, "delete", &b))
		w->remove = b;
	v = map_get(m, "exclusive", NULL);
	if (v && v->kind != NK_NULL && get_bool(c, v, "exclusive", &b))
		w->exclusive = b ? 1 : 0;

	if (w->remove && alias_at)
		diag_at(c, alias_at, "a label with 'delete: true' cannot have aliases (they would be "
			"renamed into a label that is then deleted)");
	/* As lf_check_limits: deleting a name the forge could never have
	 * stored is a no-op, not a mistake. */
	if (c->limits && !w->remove) {
		if (name_at)
			check_length(c, name_at->line, name_at->col, "the name", w->name, c->limits->name_max);
		if (desc_at)
			check_length(c, desc_at->line, desc_at->col, "the description", w->description,
				     c->limits->description_max);
	}
}

static const char *const target_keys[] = {
	"forge", "url", "api_url", "org", "repos", "include", "exclude", "topics",
	"token_env", "org_labels", "archived", "forks", NULL,
};

static bool opt_text(struct ctx *c, const struct node *m, const char *key, char **out)
{
	const struct node *v = map_get(m, key, NULL);

	if (!v || v->kind == NK_NULL)
		return true;
	if (!get_text(c, v, key, false, out))
		return false;
	if (!**out) {
		diag_at(c, v, "'%s' is empty", key);
		free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

static bool opt_bool(struct ctx *c, const struct node *m, const char *key, bool *out)
{
	const struct node *v = map_get(m, key, NULL);

	if (!v || v->kind == NK_NULL)
		return true;
	return get_bool(c, v, key, out);
}

static bool opt_list(struct ctx *c, const struct node *m, const char *key, char ***out)
{
	const struct node *v = map_get(m, key, NULL);

	if (!v)
		return true;
	return get_text_list(c, v, key, out);
}

static void check_url(struct ctx *c, const struct node *m, const char *key, const char *url)
{
	if (url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		diag_at(c, map_get(m, key, NULL), "'%s' must start with https:// (or http://)", key);
}

static bool env_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

static void parse_target(struct ctx *c, const struct node *m, struct target *t)
{
	const struct node *v;

	t->pos.line = m->line;
	t->pos.col = m->col;
	if (m->kind != NK_MAP) {
		diag_at(c, m, "a target is a mapping (forge, url, org, ...), not %s", kind_name(m));
		return;
	}
	check_keys(c, m, target_keys, "a target");
	opt_text(c, m, "forge", &t->forge);
	/* As on the command line: no forge named is the build's default, so
	 * every target leaves here with one. */
	if (!t->forge && !map_get(m, "forge", NULL)) {
		t->forge = strdup(EPITHET_DEFAULT_FORGE);
		if (!t->forge)
			c->oom = true;
	}
	opt_text(c, m, "url", &t->url);
	opt_text(c, m, "api_url", &t->api_url);
	check_url(c, m, "url", t->url);
	check_url(c, m, "api_url", t->api_url);
	if (t->url && t->api_url)
		diag_at(c, map_get(m, "api_url", NULL), "give 'url' or 'api_url', not both");
	opt_text(c, m, "org", &t->org);
	if (opt_list(c, m, "repos", &t->repos) && t->repos) {
		v = map_get(m, "repos", NULL);
		for (size_t i = 0; t->repos[i]; i++) {
			const char *s = t->repos[i], *slash = strchr(s, '/');

			if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') || strchr(s, ' '))
				diag_at(c, &v->items[i], "repo '%s' is not OWNER/NAME", show_str(c, s));
		}
	}
	opt_list(c, m, "include", &t->include);
	opt_list(c, m, "exclude", &t->exclude);
	opt_list(c, m, "topics", &t->topics);
	if (opt_text(c, m, "token_env", &t->token_env) && t->token_env && !env_name_ok(t->token_env))
		diag_at(c, map_get(m, "token_env", NULL), "'token_env' must be the name of an environment "
			"variable (letters, digits, '_'), not '%s'", show_str(c, t->token_env));
	opt_bool(c, m, "org_labels", &t->org_labels);
	opt_bool(c, m, "archived", &t->archived);
	opt_bool(c, m, "forks", &t->forks);
	if (t->org && t->repos)
		diag_at(c, map_get(m, "repos", NULL), "give 'org' or 'repos', not both");
	else if (!t->org && !t->repos && !map_get(m, "org", NULL) && !map_get(m, "repos", NULL))
		diag_at(c, m, "this target has neither 'org' nor 'repos'");
}

static int cmp_ref(const void *pa, const void *pb)
{
	const struct nameref *a = pa, *b = pb;
	int r = strcmp(a->key, b->key);

	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Names and aliases that are one label for the forge. Sorting by key puts
 * them side by side, so a file of many labels is checked in n log n.
 */
static void check_collisions(struct ctx *c, const struct want_label *labels)
{
	if (c->n_refs < 2)
		return;
	qsort(c->refs, c->n_refs, sizeof(*c->refs), cmp_ref);
	for (size_t g = 0; g < c->n_refs;) {
		size_t e = g + 1;
		const struct nameref *first_name = NULL;

		while (e < c->n_refs && strcmp(c->refs[e].key, c->refs[g].key) == 0)
			e++;
		for (size_t i = g; i < e; i++) {
			const struct nameref *r = &c->refs[i];

			if (r->alias)
				continue;
			if (!first_name)
				first_name = r;
			else
				diag(c, r->line, r->col, "label '%s' is the same label as '%s' at line %u "
				     "(names match regardless of case and Unicode normalisation)",
				     show_str(c, r->text), show_str(c, first_name->text), first_name->line);
		}
		for (size_t i = g; i < e; i++) {
			const struct nameref *r = &c->refs[i], *other = NULL;

			if (!r->alias)
				continue;
			for (size_t k = g; k < e && !other; k++)
				if (!c->refs[k].alias && c->refs[k].label != r->label)
					other = &c->refs[k];
			if (other) {
				diag(c, r->line, r->col, "alias '%s' is the name of another label, '%s' at line %u",
				     show_str(c, r->text), show_str(c, other->text), other->line);
				continue;
			}
			for (size_t k = g; k < i && !other; k++)
				if (c->refs[k].alias && c->refs[k].label != r->label)
					other = &c->refs[k];
			if (other)
				diag(c, r->line, r->col, "alias '%s' is also an alias of '%s' (line %u)",
				     show_str(c, r->text),
				     labels[other->label].name ? show_str(c, labels[other->label].name) : "?",
				     other->line);
		}
		g = e;
	}
}

static void parse_root(struct ctx *c, const struct node *root, struct desired *d)
{
	const struct node *labels = root, *v;

	if (root->kind == NK_MAP) {
		const struct node *key = NULL;

		labels = map_get(root, "labels", &key);
		/* One label on its own: say that once rather than calling each of
		 * its keys unknown. */
		if (!labels && map_get(root, "name", NULL)) {
			diag_at(c, root, "this is one label: a labels file is a list of labels "
				"(\"- name: ...\") or a mapping with 'labels'");
			return;
		}
		check_keys(c, root, top_keys, "the file");
		if (!labels) {
			diag_at(c, root, "no 'labels' in the file");
		} else if (labels->kind == NK_NULL) {
			diag_at(c, key, "'labels' is empty (write 'labels: []' for a file that asks "
				"for no labels)");
			labels = NULL;
		}
		v = map_get(root, "keep", NULL);
		if (v)
			get_text_list(c, v, "keep", &d->keep);
		v = map_get(root, "targets", NULL);
		if (v && v->kind != NK_NULL && v->kind != NK_SEQ) {
			diag_at(c, v, "'targets' must be a list of targets, not %s", kind_name(v));
		} else if (v && v->kind == NK_SEQ && v->n) {
			d->targets = calloc(v->n, sizeof(*d->targets));
			if (!d->targets) {
				c->oom = true;
				return;
			}
			d->n_targets = v->n;
			for (size_t i = 0; i < v->n; i++)
				parse_target(c, &v->items[i], &d->targets[i]);
		}
	} else if (root->kind == NK_NULL) {
		diag_at(c, root, "no labels: the file is empty");
		return;
	} else if (root->kind != NK_SEQ) {
		diag_at(c, root, "a labels file is a list of labels, or a mapping with 'labels'; "
			"this is %s", kind_name(root));
		return;
	}
	if (!labels)
		return;
	if (labels->kind != NK_SEQ) {
		diag_at(c, labels, "'labels' must be a list of labels, not %s", kind_name(labels));
		return;
	}
	if (labels->n) {
		d->labels = calloc(labels->n, sizeof(*d->labels));
		if (!d->labels) {
			c->oom = true;
			return;
		}
		d->n_labels = labels->n;
	}
	for (size_t i = 0; i < labels->n && !c->oom; i++)
		parse_label(c, &labels->items[i], &d->labels[i], i);
	if (!c->oom)
		check_collisions(c, d->labels);
}

/* ---- loading ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Whole-file checks that both parsers rely on: UTF-8, no NUL byte. */
static bool check_bytes(struct ctx *c, const char *buf, size_t len)
{
	const uint8_t *p = (const uint8_t *)buf;
	size_t i = 0;
	unsigned line, col;

	while (i < len) {
		ucs4_t uc;
		int k;

		/* ASCII fast path: most of a labels file. */
		if (p[i] && p[i] < 0x80) {
			i++;
			continue;
		}
		k = p[i] ? u8_mbtoucr(&uc, p + i, len - i) : 0;
		if (k <= 0) {
			offset_pos(buf, len, i, &line, &col);
			if (p[i])
				diag(c, line, col, "the file is not valid UTF-8 (byte 0x%02X)", p[i]);
			else
				diag(c, line, col, "the file contains a NUL byte");
			return false;
		}
		i += (size_t)k;
	}
	return true;
}

/* Sort this call's diagnostics by position (stable: insertion sort on at
 * most MAX_DIAGS), so they read from the top of the file down. */
static void sort_diags(struct lf_diags *d, size_t first)
{
	for (size_t i = first + 1; i < d->n; i++) {
		struct lf_diag x = d->v[i];
		size_t k = i;

		while (k > first && (d->v[k - 1].line > x.line ||
				     (d->v[k - 1].line == x.line && d->v[k - 1].col > x.col))) {
			d->v[k] = d->v[k - 1];
			k--;
		}
		d->v[k] = x;
	}
}

static void drop_diags(struct lf_diags *d, size_t from)
{
	for (size_t i = from; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].message);
	}
	d->n = from;
}

/* Move every diagnostic of @src to the end of @dst; @src is left empty. */
static bool move_diags(struct lf_diags *dst, struct lf_diags *src)
{
	struct lf_diag *v;

	if (src->n) {
		v = realloc(dst->v, (dst->n + src->n) * sizeof(*v));
		if (!v)
			return false;
		memcpy(v + dst->n, src->v, src->n * sizeof(*v));
		dst->v = v;
		dst->n += src->n;
	}
	free(src->v);
	memset(src, 0, sizeof(*src));
	return true;
}

int lf_load_buffer(const char *name, const char *buf, size_t len, const struct lf_limits *limits,
		   struct desired *out, struct lf_diags *diags)
{
	struct ctx c = { .file = name ? name : "<labels>", .diags = diags, .limits = limits };
	struct desired d = { 0 };
	struct node *root = NULL;
	unsigned line, col;
	size_t i;
	bool json;
	int r = -EINVAL;

	memset(out, 0, sizeof(*out));
	c.first_diag = diags->n;
	if (len > LF_MAX_BYTES) {
		offset_pos(buf, len, LF_MAX_BYTES, &line, &col);
		diag(&c, line, col, "the file is larger than %u bytes, the most a labels file may be; "
		     "refused before reading it", LF_MAX_BYTES);
		goto done;
	}
	if (!check_bytes(&c, buf, len))
		goto done;
	/* A UTF-8 byte order mark: some editors write one. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	for (i = 0; i < len && strchr(" \t\r\n", buf[i]); i++)
		;
	if (i == len) {
		diag(&c, 1, 1, "no labels: the file is empty");
		goto done;
	}
	if (ends_with(c.file, ".json")) {
		root = parse_json(&c, buf, len);
	} else if (ends_with(c.file, ".yml") || ends_with(c.file, ".yaml")) {
		root = parse_yaml(&c, buf, len);
	} else {
		json = buf[i] == '{' || buf[i] == '[';
		if (json) {
			/* Looks like JSON, but YAML flow style looks the same: when
			 * JSON fails, YAML may still read it; if neither does, the
			 * JSON problem is the one to show. */
			struct lf_diags yd = { 0 };
			size_t mark = diags->n, p0 = c.n_problems, pj;

			root = parse_json(&c, buf, len);
			if (!root && !c.oom) {
				pj = c.n_problems;
				c.diags = &yd;
				c.first_diag = 0;
				c.fatal = false;
				c.n_problems = p0;
				root = parse_yaml(&c, buf, len);
				c.diags = diags;
				c.first_diag = mark;
				if (root) {
					drop_diags(diags, mark);
					if (!move_diags(diags, &yd))
						c.oom = true;
				} else {
					c.n_problems = pj;
				}
				lf_diags_finish(&yd);
			}
		} else {
			root = parse_yaml(&c, buf, len);
		}
	}
	if (c.oom)
		goto done;
	if (!root) {
		if (diags->n == c.first_diag)
			diag(&c, 1, 1, "no labels: the file is empty");
		goto done;
	}
	parse_root(&c, root, &d);
done:
	if (c.oom) {
		diag(&c, 0, 0, "out of memory");
		r = -ENOMEM;
	}
	if (c.n_problems == 0 && !c.oom) {
		*out = d;
		r = 0;
	} else {
		desired_finish(&d);
		sort_diags(diags, c.first_diag);
		if (c.truncated) {
			char *msg = NULL;

			/* Past MAX_DIAGS, so not through diag(). */
			if (asprintf(&msg, "%zu more problems not shown", c.n_problems - MAX_DIAGS) >= 0)
				add_diag(&c, 0, 0, msg);
		}
	}
	node_free(root);
	ctx_finish(&c);
	return r;
}

int lf_load(const char *path, const struct lf_limits *limits, struct desired *out,
	    struct lf_diags *diags)
{
	struct ctx c = { .file = path, .diags = diags };
	struct stat st;
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0;
	int r;

	memset(out, 0, sizeof(*out));
	c.first_diag = diags->n;
	f = fopen(path, "rb");
	if (!f) {
		r = -errno;
		diag(&c, 0, 0, "cannot open the labels file: %s", strerror(errno));
		goto cleanup;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		diag(&c, 0, 0, "is a directory, not a labels file");
		goto cleanup;
	}
	/* One byte past the limit tells "too large" without reading more:
	 * works for pipes too, where the size is not known up front. */
	buf = malloc(LF_MAX_BYTES + 1);
	if (!buf) {
		r = -ENOMEM;
		diag(&c, 0, 0, "out of memory");
		goto cleanup;
	}
	n = fread(buf, 1, LF_MAX_BYTES + 1, f);
	if (ferror(f)) {
		r = -EIO;
		diag(&c, 0, 0, "cannot read the labels file: %s", strerror(errno));
		goto cleanup;
	}
	r = lf_load_buffer(path, buf, n, limits, out, diags);
cleanup:
	free(buf);
	if (f)
		fclose(f);
	ctx_finish(&c);
	return r;
}

int lf_check_limits(const char *file, const struct desired *d, const struct lf_limits *limits,
		    struct lf_diags *diags)
{
	struct ctx c = { .file = file ? file : "<labels>", .diags = diags };

	c.first_diag = diags->n;
	if (!limits)
		return 0;
	for (size_t i = 0; i < d->n_labels; i++) {
		const struct want_label *w = &d->labels[i];

		/* Deleting a name the forge could never have stored is a no-op,
		 * not a mistake. */
		if (w->remove || !w->name)
			continue;
		check_length(&c, w->pos.line, w->pos.col, "the name", w->name, limits->name_max);
		if (w->has_description && w->description)
			check_length(&c, w->pos.line, w->pos.col, "the description", w->description,
				     limits->description_max);
	}
	ctx_finish(&c);
	if (c.oom)
		return -ENOMEM;
	return c.n_problems ? -EINVAL : 0;
}

char *lf_diag_format(const struct lf_diag *d)
{
	char *s = NULL;
	const char *file = d->file ? d->file : "<labels>";
	const char *msg = d->message ? d->message : "";
	int r;

	if (d->line && d->col)
		r = asprintf(&s, "%s:%u:%u: %s", file, d->line, d->col, msg);
	else if (d->line)
		r = asprintf(&s, "%s:%u: %s", file, d->line, msg);
	else
		r = asprintf(&s, "%s: %s", file, msg);
	return r < 0 ? NULL : s;
}

void lf_diags_finish(struct lf_diags *diags)
{
	if (!diags)
		return;
	drop_diags(diags, 0);
	free(diags->v);
	memset(diags, 0, sizeof(*diags));
}

void target_finish(struct target *t)
{
	if (!t)
		return;
	free(t->forge);
	free(t->url);
	free(t->api_url);
	free(t->org);
	free_strv(t->repos);
	free_strv(t->include);
	free_strv(t->exclude);
	free_strv(t->topics);
	free(t->token_env);
	memset(t, 0, sizeof(*t));
}

void desired_finish(struct desired *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_labels; i++)
		want_label_clear(&d->labels[i]);
	free(d->labels);
	free_strv(d->keep);
	for (size_t i = 0; i < d->n_targets; i++)
		target_finish(&d->targets[i]);
	free(d->targets);
	memset(d, 0, sizeof(*d));
}

/* ---- writing ---- */

struct obuf {
	char *p;
	size_t n, cap;
};

static int obuf_write(void *data, unsigned char *buffer, size_t size)
{
	struct obuf *o = data;

	if (o->n + size + 1 > o->cap) {
		size_t ncap = o->cap ? o->cap : 256;
		char *p;

		while (ncap < o->n + size + 1)
			ncap *= 2;
		p = realloc(o->p, ncap);
		if (!p)
			return 0;
		o->p = p;
		o->cap = ncap;
	}
	memcpy(o->p + o->n, buffer, size);
	o->n += size;
	o->p[o->n] = '\0';
	return 1;
}

/*
 * Whether @s can be written as a plain scalar and read back as the same
 * text by this loader and by other YAML readers (1.1 or 1.2): no indicator
 * characters, nothing that reads as null, a boolean (yes/no too) or a
 * number. Anything doubtful is quoted; the emitter picks the escapes.
 */
static bool plain_safe(const char *s)
{
	static const char *const words[] = {
		"y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON",
		"off", "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE",
		"null", "Null", "NULL", "~", NULL,
	};
	size_t n = strlen(s);
	bool numberish = true, digit = false;

	if (!n || s[0] == ' ' || s[n - 1] == ' ' || text_in(s, words))
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= '0' && s[0] <= '9') || (unsigned char)s[0] >= 0x80))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f || strchr(":#{}[],&*!|>'\"%@`\\", ch))
			return false;
		if (!strchr("0123456789abcdefABCDEFxXoO_.+-", ch))
			numberish = false;
		if (ch >= '0' && ch <= '9')
			digit = true;
	}
	/* 2024, 1e5, 0x1F, 1_000, 12.0: numbers to some reader. */
	return !(numberish && digit);
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev, int ok)
{
	/* yaml_emitter_emit takes the event, whatever it returns. */
	return ok && yaml_emitter_emit(e, ev);
}

enum quoting {
	Q_AUTO,         /* plain when plain_safe */
	Q_ALWAYS,
	Q_NEVER,        /* booleans */
};

static int emit_scalar(yaml_emitter_t *e, const char *s, enum quoting q)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = q == Q_NEVER || (q == Q_AUTO && plain_safe(s))
					    ? YAML_PLAIN_SCALAR_STYLE
					    : YAML_DOUBLE_QUOTED_SCALAR_STYLE;

	return emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
				(int)strlen(s), 1, 1, style));
}

static int emit_key(yaml_emitter_t *e, const char *key, const char *value, enum quoting q)
{
	return emit_scalar(e, key, Q_NEVER) && emit_scalar(e, value, q);
}

static int emit_strv(yaml_emitter_t *e, char *const *v, size_t n, yaml_sequence_style_t style)
{
	yaml_event_t ev;
	int ok = emit(e, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style));

	for (size_t i = 0; ok && i < n; i++)
		ok = emit_scalar(e, v[i], Q_AUTO);
	return ok && emit(e, &ev, yaml_sequence_end_event_initialize(&ev));
}

static int emit_label(yaml_emitter_t *e, const struct want_label *w)
{
	yaml_event_t ev;
	int ok = emit(e, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
								   YAML_BLOCK_MAPPING_STYLE));

	ok = ok && emit_key(e, "name", w->name ? w->name : "", Q_AUTO);
	/* Colours always quoted: 000000 unquoted is the number 0 to other
	 * YAML readers. */
	if (ok && w->color)
		ok = emit_key(e, "color", w->color, Q_ALWAYS);
	if (ok && w->has_description)
		ok = emit_key(e, "description", w->description ? w->description : "", Q_AUTO);
	if (ok && w->n_aliases)
		ok = emit_scalar(e, "aliases", Q_NEVER) &&
		     emit_strv(e, w->aliases, w->n_aliases, YAML_FLOW_SEQUENCE_STYLE);
	if (ok && w->exclusive >= 0)
		ok = emit_key(e, "exclusive", w->exclusive ? "true" : "false", Q_NEVER);
	if (ok && w->remove)
		ok = emit_key(e, "delete", "true", Q_NEVER);
	return ok && emit(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

/*
 * One block sequence as a YAML stream of its own, into @o. libyaml writes
 * no comments, so each label is emitted on its own and the "# in N repos"
 * lines go between them.
 */
static int emit_chunk(struct obuf *o, const struct want_label *w, char *const *strv, size_t n)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&e))
		return 0;
	yaml_emitter_set_output(&e, obuf_write, o);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	ok = emit(&e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	ok = emit(&e, &ev, ok && yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	if (w) {
		ok = emit(&e, &ev, ok && yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
									    YAML_BLOCK_SEQUENCE_STYLE));
		ok = ok && emit_label(&e, w);
		ok = emit(&e, &ev, ok && yaml_sequence_end_event_initialize(&ev));
	} else {
		ok = ok && emit_strv(&e, strv, n, YAML_BLOCK_SEQUENCE_STYLE);
	}
	ok = emit(&e, &ev, ok && yaml_document_end_event_initialize(&ev, 1));
	ok = emit(&e, &ev, ok && yaml_stream_end_event_initialize(&ev));
	ok = ok && yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	return ok;
}

/*
 * libyaml 0.2 counts characters outside the Basic Multilingual Plane as
 * unprintable and writes them as \UXXXXXXXX escapes: "🐛 bug" would be
 * exported as "\U0001F41B bug". Put them back as UTF-8, which YAML allows in
 * double-quoted scalars. Every '"' in the emitter's output opens or closes
 * a double-quoted scalar: the keys and plain scalars written hold neither
 * quotes nor backslashes (plain_safe), and no single-quoted style is asked.
 */
static void unescape_astral(struct obuf *o)
{
	char *r = o->p, *w = o->p;
	bool quoted = false;

	if (!r)
		return;
	while (*r) {
		if (*r == '"') {
			quoted = !quoted;
		} else if (quoted && *r == '\\' && r[1] == 'U') {
			char hex[9];
			unsigned long v;
			char *end;

			memcpy(hex, r + 2, 8);
			hex[8] = '\0';
			v = strlen(hex) == 8 ? strtoul(hex, &end, 16) : 0;
			if (v >= 0x10000 && v <= 0x10ffff && end == hex + 8) {
				int k = u8_uctomb((uint8_t *)w, (ucs4_t)v, 4);

				if (k > 0) {
					w += k;
					r += 10;
					continue;
				}
			}
		}
		if (quoted && *r == '\\' && r[1]) {
			*w++ = *r++;    /* an escape: its next character is not a quote */
		}
		*w++ = *r++;
	}
	*w = '\0';
	o->n = (size_t)(w - o->p);
}

/* Write @o's lines to @f, each after @indent; empties @o. */
static void put_indented(FILE *f, struct obuf *o, const char *indent)
{
	char *line, *nl;

	unescape_astral(o);
	line = o->p;
	while (line && *line) {
		nl = strchr(line, '\n');
		/* The end-of-document marker the emitter may add. */
		if (strncmp(line, "...", 3) == 0 && (line[3] == '\n' || !line[3]))
			break;
		fputs(indent, f);
		if (!nl) {
			fputs(line, f);
			fputc('\n', f);
			break;
		}
		fwrite(line, 1, (size_t)(nl - line) + 1, f);
		line = nl + 1;
	}
	o->n = 0;
	if (o->p)
		o->p[0] = '\0';
}

int lf_write_yaml(FILE *f, const struct desired *d, const unsigned *counts)
{
	struct obuf o = { 0 };
	/* The plain list is what other label tools read too; `keep` needs
	 * the mapping form. */
	bool mapping = d->keep && d->keep[0];
	const char *indent = mapping ? "  " : "";
	int r = 0;

	if (d->n_labels == 0)
		fputs(mapping ? "labels: []\n" : "[]\n", f);
	else if (mapping)
		fputs("labels:\n", f);
	for (size_t i = 0; i < d->n_labels; i++) {
		if (counts)
			fprintf(f, "%s# in %u repo%s\n", indent, counts[i], counts[i] == 1 ? "" : "s");
		if (!emit_chunk(&o, &d->labels[i], NULL, 0)) {
			r = -ENOMEM;
			goto cleanup;
		}
		put_indented(f, &o, indent);
	}
	if (mapping) {
		size_t n = 0;

		while (d->keep[n])
			n++;
		fputs("keep:\n", f);
		if (!emit_chunk(&o, NULL, d->keep, n)) {
			r = -ENOMEM;
			goto cleanup;
		}
		put_indented(f, &o, "  ");
	}
cleanup:
	free(o.p);
	if (!r && (fflush(f) != 0 || ferror(f)))
		r = -EIO;
	return r;
}
