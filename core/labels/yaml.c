/* SPDX-License-Identifier: MIT */
/*
 * The YAML reader (libyaml): text into the tree of lf.h, every value with
 * its position; anchors, aliases (bounded against "billion laughs") and
 * merge keys; YAML 1.2 core-schema nulls and booleans. Says nothing about
 * what a labels file must contain: that is validate.c.
 */
#include "lf.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* ---- YAML ---- */

bool text_in(const char *s, const char *const *set)
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
const char *const yaml11_trues[] = { "yes", "Yes", "YES", "on", "On", "ON", NULL };
const char *const yaml11_falses[] = { "no", "No", "NO", "off", "Off", "OFF", NULL };

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
struct node *parse_yaml(struct ctx *c, const char *buf, size_t len)
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

