/* SPDX-License-Identifier: MIT */
/*
 * `epithet docs` (SPEC.md 9, "Documentation"): the label policy of a labels
 * file rendered for humans, as Markdown (GFM tables) or as one
 * self-contained HTML page (inline CSS, real colour swatches, no external
 * resource). Reads nothing but the loaded policy: no forge is asked.
 *
 * The page has one row per label: name, colour, description, aliases, where
 * it applies (every repo, or the sets that carry it) and its status (synced,
 * retiring on a date, or removed). A label given alike at top level and in
 * sets is one row; given differently, one row per definition. The sets
 * themselves (what they select) follow the table.
 */
#include "docs.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "names.h"
#include "status.h"
#include "util.h"
#include "when.h"

/* One row: a label of the policy and what the page says about it. */
struct doc_row {
	const struct want_label *w;
	char **sets;             /* the sets that carry it (names borrowed), NULL-terminated */
	size_t n_sets;
	char *status;            /* "synced", "retires on DATE", "deleted everywhere ..." */
	bool everywhere;         /* a top-level label: every selected repo has it */
};

struct doc {
	const struct desired *d;
	const char *source;      /* the labels file, as given */
	struct doc_row *rows;
	size_t n;
	size_t cap;
	size_t removed;
};

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* @a and @b say the same of one label (names matched), field for field. */
static bool same_definition(const struct want_label *a, const struct want_label *b)
{
	if (!names_equal(a->name, b->name) || !same_text(a->color, b->color) ||
	    a->has_description != b->has_description ||
	    !same_text(a->description, b->description) || a->remove != b->remove ||
	    a->exclusive != b->exclusive || a->has_delete_after != b->has_delete_after ||
	    (a->has_delete_after && a->delete_after != b->delete_after) ||
	    a->n_aliases != b->n_aliases)
		return false;
	for (size_t i = 0; i < a->n_aliases; i++)
		if (!names_equal(a->aliases[i], b->aliases[i]))
			return false;
	return true;
}

static char *status_of(const struct want_label *w)
{
	char when[32];

	if (w->remove)
		return xstrdup("deleted everywhere (delete: true)");
	if (!w->has_delete_after)
		return xstrdup("synced");
	when_format(w->delete_after, when, sizeof(when));
	if ((int64_t)time(NULL) >= w->delete_after)
		return xasprintf("retired on %s: deleted everywhere", when);
	return xasprintf("retires on %s (then deleted)", when);
}

static void add_set(struct doc_row *r, const char *set)
{
	r->sets = xrealloc(r->sets, (r->n_sets + 2) * sizeof(*r->sets));
	r->sets[r->n_sets++] = (char *)set;
	r->sets[r->n_sets] = NULL;
}

/* A row for @w, or @w's set added to the row of an alike label. */
static void add_row(struct doc *doc, const struct want_label *w, const char *set)
{
	struct doc_row *r;

	for (size_t i = 0; i < doc->n && set; i++) {
		r = &doc->rows[i];
		if (!same_definition(r->w, w))
			continue;
		if (!r->everywhere)
			add_set(r, set);
		return;
	}
	grow(&doc->rows, &doc->cap, doc->n + 1, sizeof(*doc->rows));
	r = &doc->rows[doc->n++];
	memset(r, 0, sizeof(*r));
	r->w = w;
	r->everywhere = !set;
	if (set)
		add_set(r, set);
	r->status = status_of(w);
	doc->removed += w->remove;
}

/* The rows, in file order: the labels every selected repo gets, then those
 * of each set. */
static void docs_collect(struct doc *doc)
{
	for (size_t i = 0; i < doc->d->n_labels; i++)
		add_row(doc, &doc->d->labels[i], NULL);
	for (size_t s = 0; s < doc->d->n_sets; s++)
		for (size_t i = 0; i < doc->d->sets[s].n_labels; i++)
			add_row(doc, &doc->d->sets[s].labels[i], doc->d->sets[s].name);
}

static void doc_finish(struct doc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		free(doc->rows[i].sets);
		free(doc->rows[i].status);
	}
	free(doc->rows);
}

/* ---- the table, format-neutral ---- */

enum span {
	SP_LABEL,   /* the label's name, drawn in its colour where the format can */
	SP_CODE,    /* a name or a glob, verbatim */
	SP_TEXT,    /* prose from the file */
	SP_NOTE,    /* the page's own words ("none", "as on the forge") */
	SP_COLOR,   /* "rrggbb", with a swatch where the format can */
	SP_SEP,     /* ", " between list items */
};

/* How one format renders a span; @w is the row's label (for its colour),
 * NULL outside the table. */
typedef void (*span_fn)(FILE *f, enum span kind, const char *s, const struct want_label *w);

static const char *const columns[] = {
	"Label", "Colour", "Description", "Aliases", "Applies to", "Status",
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

/* @n names or globs as code spans separated by commas. */
static void code_list(FILE *f, char *const *v, size_t n, span_fn emit)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			emit(f, SP_SEP, ", ", NULL);
		emit(f, SP_CODE, v[i], NULL);
	}
}

/* One set as a sentence: what it selects and how many labels it gives. */
static void set_item(FILE *f, const struct label_set *set, span_fn emit)
{
	emit(f, SP_CODE, set->name, NULL);
	emit(f, SP_TEXT, ": ", NULL);
	if (set->repos) {
		emit(f, SP_TEXT, "repos ", NULL);
		code_list(f, set->repos, strv_len(set->repos), emit);
	}
	if (set->topics) {
		emit(f, SP_TEXT, set->repos ? ", or topics " : "topics ", NULL);
		code_list(f, set->topics, strv_len(set->topics), emit);
	}
	if (set->targets) {
		emit(f, SP_TEXT, ", in targets ", NULL);
		code_list(f, set->targets, strv_len(set->targets), emit);
	}
	emit(f, SP_TEXT, set->n_labels == 1 ? "; 1 label" : "; ", NULL);
	if (set->n_labels != 1) {
		char n[32];

		snprintf(n, sizeof(n), "%zu labels", set->n_labels);
		emit(f, SP_TEXT, n, NULL);
	}
}

/* What cell @col of @r says, as spans handed to @emit: the one place that
 * decides a row's content for both formats. */
static void cell(FILE *f, const struct doc_row *r, size_t col, span_fn emit)
{
	const struct want_label *w = r->w;

	switch (col) {
	case 0:
		emit(f, SP_LABEL, w->name, w);
		break;
	case 1:
		if (w->color)
			emit(f, SP_COLOR, w->color, w);
		else if (!w->remove)
			emit(f, SP_NOTE, "as on the forge", w);
		break;
	case 2:
		if (w->has_description && w->description && *w->description)
			emit(f, SP_TEXT, w->description, w);
		else if (w->has_description)
			emit(f, SP_NOTE, "none", w);
		break;
	case 3:
		code_list(f, w->aliases, w->n_aliases, emit);
		break;
	case 4:
		if (r->everywhere) {
			emit(f, SP_TEXT, "every repo", w);
			break;
		}
		emit(f, SP_TEXT, r->n_sets == 1 ? "set " : "sets ", w);
		code_list(f, r->sets, r->n_sets, emit);
		break;
	default:
		emit(f, SP_TEXT, r->status, w);
		break;
	}
}

/* ---- colours ---- */

/* WCAG 2 relative luminance of "rrggbb" (0 black .. 1 white). */
static double luminance(const char *hex)
{
	static const double weight[3] = {0.2126, 0.7152, 0.0722};
	unsigned v[3];
	double l = 0;

	if (!hex || sscanf(hex, "%2x%2x%2x", &v[0], &v[1], &v[2]) != 3)
		return 1.0;
	for (int i = 0; i < 3; i++) {
		double c = v[i] / 255.0;

		l += weight[i] * (c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
	}
	return l;
}

/* Black or white text on @hex, whichever contrasts more (WCAG 2). */
static const char *text_on(const char *hex)
{
	double l = luminance(hex);

	return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
}

/* ---- Markdown ---- */

/* Text in a table cell: Markdown punctuation escaped, so it shows as written. */
static void md_text(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)display(s ? s : ""); *p; p++) {
		if (strchr("\\`*_[]<>|~&#!", *p))
			fputc('\\', f);
		fputc(*p, f);
	}
}

/* A name as a code span in a table cell ('|' escaped, as GFM tables ask). */
static void md_code(FILE *f, const char *s)
{
	const char *v = display(s ? s : "");
	size_t run = 0, longest = 0, n = strlen(v);
	bool pad = n && (v[0] == '`' || v[n - 1] == '`' || v[0] == ' ');

	for (const char *p = v; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	for (const char *p = v; *p; p++) {
		if (*p == '|')
			fputc('\\', f);
		fputc(*p, f);
	}
	if (pad)
		fputc(' ', f);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', f);
}

static void md_span(FILE *f, enum span kind, const char *s, const struct want_label *w)
{
	(void)w;
	switch (kind) {
	case SP_LABEL:
	case SP_CODE:
		md_code(f, s);
		break;
	case SP_COLOR:
		fprintf(f, "`#%s`", s);
		break;
	case SP_NOTE:
		fprintf(f, "*%s*", s);
		break;
	case SP_TEXT:
		md_text(f, s);
		break;
	case SP_SEP:
		fputs(s, f);
		break;
	}
}

static void md_row(FILE *f, const struct doc_row *r)
{
	for (size_t c = 0; c < N_COLUMNS; c++) {
		fputs(c ? " | " : "| ", f);
		cell(f, r, c, md_span);
	}
	fputs(" |\n", f);
}

static void md_page(FILE *f, const struct doc *doc)
{
	fputs("# Labels\n\n", f);
	fprintf(f, "The label policy of ");
	md_code(f, doc->source);
	fprintf(f, ": %zu label%s", doc->n - doc->removed, doc->n - doc->removed == 1 ? "" : "s");
	if (doc->removed)
		fprintf(f, ", %zu removed", doc->removed);
	fputs(". Generated by `epithet docs`.\n\n", f);
	if (doc->n) {
		for (size_t c = 0; c < N_COLUMNS; c++)
			fprintf(f, "%s%s", c ? " | " : "| ", columns[c]);
		fputs(" |\n", f);
		for (size_t c = 0; c < N_COLUMNS; c++)
			fputs("|---", f);
		fputs("|\n", f);
		for (size_t i = 0; i < doc->n; i++)
			md_row(f, &doc->rows[i]);
	}
	if (doc->d->n_sets)
		fputs("\n## Sets\n\nA set gives its labels to the repos it selects, on top of the "
		      "labels every repo gets.\n\n", f);
	for (size_t i = 0; i < doc->d->n_sets; i++) {
		fputs("- ", f);
		set_item(f, &doc->d->sets[i], md_span);
		fputs(".\n", f);
	}
	if (doc->d->keep && doc->d->keep[0]) {
		fputs("\nNever pruned (`keep`): ", f);
		code_list(f, doc->d->keep, strv_len(doc->d->keep), md_span);
		fputs(".\n", f);
	}
	fputs("\nAliases are existing labels renamed (or merged) into the label. Names match "
	      "regardless of case and Unicode normalisation; where the forge shows `:shortcode:` "
	      "emoji, a shortcode and its emoji are one name.\n", f);
}

/* ---- HTML ---- */

static void html_text(FILE *f, const char *s)
{
	static const char *const entity[256] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
	};

	for (const unsigned char *p = (const unsigned char *)display(s ? s : ""); *p; p++) {
		if (entity[*p])
			fputs(entity[*p], f);
		else
			fputc(*p, f);
	}
}

static const char html_style[] =
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:2rem;"
	"color:#1f2328;background:#ffffff}\n"
	"h1{font-size:1.6rem}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{border-bottom:1px solid #d0d7de;padding:.45rem .6rem;text-align:left;"
	"vertical-align:top}\n"
	"th{background:#f6f8fa}\n"
	".label{display:inline-block;padding:.1rem .6rem;border-radius:2rem;font-weight:600;"
	"font-size:.85rem;border:1px solid rgba(0,0,0,.15);white-space:nowrap}\n"
	".plain{background:#ffffff;color:#1f2328}\n"
	".swatch{display:inline-block;width:1rem;height:1rem;border-radius:.2rem;"
	"border:1px solid rgba(0,0,0,.2);vertical-align:middle;margin-right:.35rem}\n"
	".removed td{color:#6e7781}\n"
	".removed .label{text-decoration:line-through}\n"
	"code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}\n"
	".note{color:#59636e;font-size:.9rem}\n";

static void html_span(FILE *f, enum span kind, const char *s, const struct want_label *w)
{
	switch (kind) {
	case SP_LABEL:
		if (w->color)
			fprintf(f, "<span class=\"label\" style=\"background:#%s;color:%s\">",
				w->color, text_on(w->color));
		else
			fputs("<span class=\"label plain\">", f);
		html_text(f, s);
		fputs("</span>", f);
		break;
	case SP_CODE:
		fputs("<code>", f);
		html_text(f, s);
		fputs("</code>", f);
		break;
	case SP_COLOR:
		fprintf(f, "<span class=\"swatch\" style=\"background:#%s\"></span><code>#%s</code>",
			s, s);
		break;
	case SP_NOTE:
		fputs("<em>", f);
		html_text(f, s);
		fputs("</em>", f);
		break;
	case SP_TEXT:
	case SP_SEP:
		html_text(f, s);
		break;
	}
}

static void html_row(FILE *f, const struct doc_row *r)
{
	fprintf(f, "<tr%s>", r->w->remove ? " class=\"removed\"" : "");
	for (size_t c = 0; c < N_COLUMNS; c++) {
		fputs("<td>", f);
		cell(f, r, c, html_span);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void html_page(FILE *f, const struct doc *doc)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"epithet " EPITHET_VERSION "\">\n<title>Labels: ",
	      f);
	html_text(f, doc->source);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>Labels</h1>\n", html_style);
	fputs("<p>The label policy of <code>", f);
	html_text(f, doc->source);
	fprintf(f, "</code>: %zu label%s", doc->n - doc->removed,
		doc->n - doc->removed == 1 ? "" : "s");
	if (doc->removed)
		fprintf(f, ", %zu removed", doc->removed);
	fputs(".</p>\n", f);
	if (doc->n) {
		fputs("<table>\n<thead><tr>", f);
		for (size_t c = 0; c < N_COLUMNS; c++)
			fprintf(f, "<th>%s</th>", columns[c]);
		fputs("</tr></thead>\n<tbody>\n", f);
		for (size_t i = 0; i < doc->n; i++)
			html_row(f, &doc->rows[i]);
		fputs("</tbody>\n</table>\n", f);
	}
	if (doc->d->n_sets)
		fputs("<h2>Sets</h2>\n<p>A set gives its labels to the repos it selects, on top of "
		      "the labels every repo gets.</p>\n<ul>\n", f);
	for (size_t i = 0; i < doc->d->n_sets; i++) {
		fputs("<li>", f);
		set_item(f, &doc->d->sets[i], html_span);
		fputs(".</li>\n", f);
	}
	if (doc->d->n_sets)
		fputs("</ul>\n", f);
	if (doc->d->keep && doc->d->keep[0]) {
		fputs("<p>Never pruned (<code>keep</code>): ", f);
		code_list(f, doc->d->keep, strv_len(doc->d->keep), html_span);
		fputs(".</p>\n", f);
	}
	fputs("<p class=\"note\">Aliases are existing labels renamed (or merged) into the label. "
	      "Names match regardless of case and Unicode normalisation; where the forge shows "
	      "<code>:shortcode:</code> emoji, a shortcode and its emoji are one name. Generated by "
	      "<code>epithet docs</code>.</p>\n</body>\n</html>\n", f);
}

/* ---- the command ---- */

int docs_write(FILE *f, const struct desired *d, const char *source, enum docs_format fmt)
{
	struct doc doc = {.d = d, .source = source ? source : "labels file"};

	docs_collect(&doc);
	if (fmt == DOCS_HTML)
		html_page(f, &doc);
	else
		md_page(f, &doc);
	doc_finish(&doc);
	return ferror(f) ? -1 : 0;
}

int docs_main(const struct run_options *o, const struct desired *d)
{
	const char *out = o->export_out;
	FILE *f = stdout;
	int rc = EXIT_OK;

	if (out && !(f = fopen(out, "w"))) {
		log_error("cannot write %s: %s", out, strerror(errno));
		return EXIT_FAILED;
	}
	if (docs_write(f, d, o->config_path, o->docs_html ? DOCS_HTML : DOCS_MARKDOWN) != 0)
		rc = EXIT_FAILED;
	if (f != stdout ? fclose(f) != 0 : fflush(f) != 0)
		rc = EXIT_FAILED;
	if (rc)
		log_error("cannot write %s: %s", out ? out : "the documentation", strerror(errno));
	else if (out)
		log_notice("wrote the documentation of %zu labels to %s", d->n_labels, out);
	return rc;
}
