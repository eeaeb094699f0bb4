/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics and the tree of core/labels/: collecting problems with their
 * file, line and column (at most MAX_DIAGS), quoting values in messages, and
 * the nodes every reader builds (their text, their budget against alias
 * expansion, their depth). Knows no file format and no labels schema.
 */
#include "lf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

/* ---- diagnostics ---- */

void ctx_finish(struct ctx *c)
{
	for (unsigned i = 0; i < 4; i++)
		free(c->shown[i]);
	free(c->refs);
}

/* Append one diagnostic, taking @msg. */
void add_diag(struct ctx *c, unsigned line, unsigned col, char *msg)
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

LF_PRINTF(4, 5) void diag(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
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

void diag_at(struct ctx *c, const struct node *n, const char *fmt, ...) LF_PRINTF(3, 4);
void diag_at(struct ctx *c, const struct node *n, const char *fmt, ...)
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
const char *show(struct ctx *c, const char *s, size_t len)
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

const char *show_str(struct ctx *c, const char *s)
{
	return show(c, s, strlen(s));
}

/* Line and column (1-based, columns in code points as libyaml counts them)
 * of byte @off of @buf. */
void offset_pos(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col)
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

void node_clear(struct node *n)
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

void node_free(struct node *n)
{
	node_clear(n);
	free(n);
}

bool set_text(struct ctx *c, struct node *n, const char *s, size_t len)
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

const char *kind_name(const struct node *n)
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

bool take_budget(struct ctx *c, const struct node *n)
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

bool check_depth(struct ctx *c, const struct node *n, unsigned depth)
{
	if (depth <= MAX_DEPTH)
		return true;
	if (!c->fatal)
		diag_at(c, n, "nested more than %d levels deep (or an alias refers to itself)", MAX_DEPTH);
	c->fatal = true;
	return false;
}

