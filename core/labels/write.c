/* SPDX-License-Identifier: MIT */
/*
 * The writer used by `export`: a struct desired as a labels file in YAML
 * (libyaml's emitter), which lf_load reads back to the same set. Reads
 * nothing and validates nothing.
 */
#include "lf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>
#include <yaml.h>

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
