/* SPDX-License-Identifier: MIT */
/*
 * list and export (output.h): the labels across the selected repos as an
 * inventory (each label once, its spellings, colours and descriptions, and
 * how many repos carry it), shown human or JSON, or written as a labels
 * file. Reads struct run as the engine left it; changes nothing.
 */
#include "output.h"
#include "result_json.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labelsfile.h"
#include "log.h"
#include "names.h"
#include "status.h"
#include "util.h"

/* ---- list ---- */

struct seen {
	char *key;
	char *name;            /* first spelling seen */
	size_t repos;
	size_t exclusive;      /* repos where it is a scoped (exclusive) label */
	struct {
		char *value;
		size_t n;
	} colors[16], descs[16], names[16];
	size_t n_colors, n_descs, n_names;
};

static void bump(void *arr, size_t *n, const char *v)
{
	struct {
		char *value;
		size_t n;
	} *a = arr;

	for (size_t i = 0; i < *n; i++) {
		if (strcmp(a[i].value, v) == 0) {
			a[i].n++;
			return;
		}
	}
	if (*n < 16) {
		a[*n].value = xstrdup(v);
		a[*n].n = 1;
		(*n)++;
	}
}

static size_t most(void *arr, size_t n)
{
	struct {
		char *value;
		size_t n;
	} *a = arr;
	size_t best = 0;

	for (size_t i = 1; i < n; i++)
		if (a[i].n > a[best].n)
			best = i;
	return best;
}

static int cmp_seen(const void *a, const void *b)
{
	return strcmp(((const struct seen *)a)->key, ((const struct seen *)b)->key);
}

struct inventory {
	struct seen *v;
	size_t n;
	size_t cap;
	size_t repos;
};

/* `list NAME`: the name's key in each way forges match names (names.h),
 * for the repos of each; NULL when every label is listed. */
struct only {
	char *key[2];
};

static const char *only_key(const struct only *only, const struct repo_run *r)
{
	return only ? only->key[(r->names_mode & NAMES_EMOJI) ? 1 : 0] : NULL;
}

/* One label into the inventory. */
static void inventory_add(struct inventory *inv, const struct label *l)
{
	struct seen *s = NULL;

	for (size_t m = 0; m < inv->n && !s; m++)
		if (strcmp(inv->v[m].key, l->key) == 0)
			s = &inv->v[m];
	if (!s) {
		grow(&inv->v, &inv->cap, inv->n + 1, sizeof(*inv->v));
		s = &inv->v[inv->n++];
		memset(s, 0, sizeof(*s));
		s->key = xstrdup(l->key);
		s->name = xstrdup(l->name);
	}
	s->repos++;
	s->exclusive += (l->flags & EPITHET_LABEL_EXCLUSIVE) != 0;
	bump(s->colors, &s->n_colors, l->color ? l->color : "");
	bump(s->descs, &s->n_descs, l->description ? l->description : "");
	bump(s->names, &s->n_names, l->name);
}

static void inventory_finish(struct inventory *inv)
{
	for (size_t i = 0; i < inv->n; i++) {
		struct seen *s = &inv->v[i];

		for (size_t k = 0; k < s->n_colors; k++)
			free(s->colors[k].value);
		for (size_t k = 0; k < s->n_descs; k++)
			free(s->descs[k].value);
		for (size_t k = 0; k < s->n_names; k++)
			free(s->names[k].value);
		free(s->key);
		free(s->name);
	}
	free(inv->v);
}

static bool drift(const struct seen *s)
{
	return s->n_colors > 1 || s->n_descs > 1 || s->n_names > 1;
}

/*
 * What list and export keep while the repos are read a window at a time
 * (SPEC 11: memory bounded by the batch and the distinct labels, not the
 * estate): the inventory, and in a spool file the per-repo part of the
 * output (list's JSON "repos", or `list NAME`'s lines), written as each
 * window is read, so that the repos' labels can be freed.
 */
struct list_acc {
	struct inventory inv;
	struct only filter;
	bool has_filter;
	bool invalid;          /* the name to list is not UTF-8 */
	bool json;
	FILE *spool;           /* NULL when the output has no per-repo part */
	size_t spooled;        /* repos written to it */
	bool spool_failed;
};

#define PRETTY (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)
#define LIST_REPOS_MARK "\"@@epithet-list-repos@@\""
#define LIST_REPO_INDENT "    " /* depth of a repo object: doc, repos */

struct list_acc *output_list_start(const struct run *run)
{
	const struct run_options *o = run->opt;
	struct list_acc *a = xcalloc(1, sizeof(*a));

	if (o->cmd == CMD_LIST && o->list_name) {
		a->has_filter = true;
		a->filter.key[0] = names_key_mode(o->list_name, NAMES_PLAIN);
		a->filter.key[1] = names_key_mode(o->list_name, NAMES_EMOJI);
		a->invalid = !a->filter.key[0] || !a->filter.key[1];
	}
	a->json = o->cmd == CMD_LIST && o->json;
	if (!a->invalid && o->cmd == CMD_LIST && (a->json || a->has_filter)) {
		a->spool = tmpfile();
		a->spool_failed = !a->spool;
	}
	return a;
}

/* A repo of list's JSON "repos", laid out as json-c lays it out in place. */
static void spool_repo_json(struct list_acc *a, const struct repo_run *r)
{
	const struct only *only = a->has_filter ? &a->filter : NULL;
	json_object *jr = json_object_new_object(), *ls = json_object_new_array();
	const char *t;

	json_object_object_add(jr, "repo", output_jstr(r->full));
	json_object_object_add(jr, "error", output_jstr(r->w->read_error));
	for (size_t k = 0; k < r->w->n_labels; k++) {
		const struct label *l = &r->w->labels[k];
		json_object *jl;

		if (only && strcmp(l->key, only_key(only, r)) != 0)
			continue;
		jl = json_object_new_object();
		json_object_object_add(jl, "name", output_jstr(l->name));
		json_object_object_add(jl, "color", output_jstr(l->color));
		json_object_object_add(jl, "description", output_jstr(l->description));
		json_object_array_add(ls, jl);
	}
	json_object_object_add(jr, "labels", ls);
	t = json_object_to_json_string_ext(jr, PRETTY);
	fputs(a->spooled ? ",\n" LIST_REPO_INDENT : "\n" LIST_REPO_INDENT, a->spool);
	for (; *t; t++)
		fputs(*t == '\n' ? "\n" LIST_REPO_INDENT : (char[2]){*t, 0}, a->spool);
	json_object_put(jr);
}

/* A repo's line of `list NAME`. */
static void spool_repo_line(struct list_acc *a, const struct run *run, const struct repo_run *r)
{
	const struct label *l = NULL;
	FILE *f = a->spool;

	for (size_t k = 0; k < r->w->n_labels && !l; k++)
		if (strcmp(r->w->labels[k].key, only_key(&a->filter, r)) == 0)
			l = &r->w->labels[k];
	if (!l) {
		fprintf(f, "  %-40s (missing)\n", display(r->full));
		return;
	}
	fprintf(f, "  %-40s ", display(r->full));
	output_swatch(run->opt, f, l->color);
	fprintf(f, "#%s  %s", l->color ? display(l->color) : "------", display(l->name));
	if (l->description && *l->description)
		fprintf(f, "  \"%s\"", display(l->description));
	fputc('\n', f);
}

void output_list_add(struct list_acc *a, const struct run *run, const struct target_run *tr,
		     size_t first, size_t count)
{
	const struct only *only = a->has_filter ? &a->filter : NULL;

	if (a->invalid)
		return;
	for (size_t j = first; j < first + count && j < tr->n_repos; j++) {
		const struct repo_run *r = &tr->repos[j];

		if (a->spool && a->json)
			spool_repo_json(a, r);
		a->spooled++;
		if (r->read_code)
			continue;
		if (a->spool && !a->json)
			spool_repo_line(a, run, r);
		a->inv.repos++;
		for (size_t k = 0; k < r->w->n_labels; k++)
			if (!only || strcmp(r->w->labels[k].key, only_key(only, r)) == 0)
				inventory_add(&a->inv, &r->w->labels[k]);
	}
}

static void list_acc_free(struct list_acc *a)
{
	inventory_finish(&a->inv);
	free(a->filter.key[0]);
	free(a->filter.key[1]);
	if (a->spool)
		fclose(a->spool);
	free(a);
}

/* The spool, as written, to stdout. */
static bool copy_spool(struct list_acc *a)
{
	char buf[8192];
	size_t n;

	if (!a->spool)
		return true;
	fflush(a->spool);
	if (ferror(a->spool) || fseek(a->spool, 0, SEEK_SET) != 0)
		return false;
	while ((n = fread(buf, 1, sizeof(buf), a->spool)) > 0)
		fwrite(buf, 1, n, stdout);
	return !ferror(a->spool);
}

static void list_json(struct list_acc *a)
{
	json_object *doc = json_object_new_object(), *arr = json_object_new_array();
	const char *text, *at;

	for (size_t i = 0; i < a->inv.n; i++) {
		struct seen *s = &a->inv.v[i];
		json_object *l = json_object_new_object(), *c = json_object_new_object();
		json_object *d = json_object_new_object();

		json_object_object_add(l, "name", output_jstr(s->names[most(s->names, s->n_names)].value));
		json_object_object_add(l, "repos", json_object_new_int64((int64_t)s->repos));
		for (size_t k = 0; k < s->n_colors; k++)
			json_object_object_add(c, s->colors[k].value,
					       json_object_new_int64((int64_t)s->colors[k].n));
		for (size_t k = 0; k < s->n_descs; k++)
			json_object_object_add(d, s->descs[k].value,
					       json_object_new_int64((int64_t)s->descs[k].n));
		json_object_object_add(l, "colors", c);
		json_object_object_add(l, "descriptions", d);
		json_object_object_add(l, "drift", json_object_new_boolean(drift(s)));
		json_object_array_add(arr, l);
	}
	json_object_object_add(doc, "labels", arr);
	json_object_object_add(doc, "repos", output_jstr("@@epithet-list-repos@@"));
	text = json_object_to_json_string_ext(doc, PRETTY);
	at = strstr(text, LIST_REPOS_MARK);
	fwrite(text, 1, (size_t)(at - text), stdout);
	fputs("[", stdout);
	copy_spool(a);
	fputs("\n  ]", stdout);
	puts(at + strlen(LIST_REPOS_MARK));
	json_object_put(doc);
}

static void list_human(const struct run *run, struct list_acc *a)
{
	const struct inventory *inv = &a->inv;

	if (a->has_filter) {
		printf("%s: in %zu of %zu repos\n", display(run->opt->list_name),
		       inv->n ? inv->v[0].repos : 0, inv->repos);
		copy_spool(a);
		return;
	}
	for (size_t i = 0; i < inv->n; i++) {
		struct seen *s = &inv->v[i];
		size_t c = most(s->colors, s->n_colors);

		printf("%-32s %4zu/%-4zu ", display(s->names[most(s->names, s->n_names)].value), s->repos,
		       inv->repos);
		output_swatch(run->opt, stdout, s->colors[c].value);
		printf("#%s", display(s->colors[c].value));
		if (drift(s)) {
			printf("  drift:");
			if (s->n_colors > 1)
				printf(" %zu colours", s->n_colors);
			if (s->n_descs > 1)
				printf(" %zu descriptions", s->n_descs);
			if (s->n_names > 1)
				printf(" %zu spellings", s->n_names);
		}
		putchar('\n');
	}
	printf("%zu label%s across %zu repo%s.\n", inv->n, inv->n == 1 ? "" : "s", inv->repos,
	       inv->repos == 1 ? "" : "s");
}

static int output_list(const struct run *run, struct list_acc *a)
{
	output_report_errors(run);
	if (a->invalid) {
		log_error("invalid label name (not UTF-8)");
		return EXIT_DATAERR;
	}
	if (a->spool_failed) {
		log_error("cannot spool the list: %s", strerror(errno));
		return EXIT_FAILED;
	}
	if (a->inv.n > 1)
		qsort(a->inv.v, a->inv.n, sizeof(*a->inv.v), cmp_seen);
	if (!run->opt->json && !a->inv.repos) {
		size_t failed = 0;

		for (size_t i = 0; i < run->n_targets; i++)
			failed += run->targets[i].code != 0;
		if (failed)
			return 0;  /* nothing was read: a count of zero would read like success */
	}
	if (run->opt->json)
		list_json(a);
	else
		list_human(run, a);
	fflush(stdout);
	return 0;
}

/* ---- export ---- */

static int output_export(const struct run *run, struct inventory *inv_in)
{
	const struct inventory inv = *inv_in;  /* freed with its list_acc */
	struct desired d = {0};
	unsigned *counts;
	FILE *f = stdout;
	int rc = 0;

	output_report_errors(run);
	if (inv.n > 1)
		qsort(inv.v, inv.n, sizeof(*inv.v), cmp_seen);
	d.labels = xcalloc(inv.n ? inv.n : 1, sizeof(*d.labels));
	counts = xcalloc(inv.n ? inv.n : 1, sizeof(*counts));
	for (size_t i = 0; i < inv.n; i++) {
		struct seen *s = &inv.v[i];
		struct want_label *w = &d.labels[d.n_labels++];
		const char *desc = s->descs[most(s->descs, s->n_descs)].value;

		w->name = xstrdup(s->names[most(s->names, s->n_names)].value);
		w->key = xstrdup(s->key);
		w->color = xstrdup(s->colors[most(s->colors, s->n_colors)].value);
		if (w->color && !*w->color) {
			free(w->color);
			w->color = NULL;
		}
		w->has_description = *desc != '\0';
		w->description = w->has_description ? xstrdup(desc) : NULL;
		/* scoped where most repos have it scoped; else left out */
		w->exclusive = s->exclusive * 2 > s->repos ? 1 : -1;
		counts[i] = (unsigned)s->repos;
	}
	if (run->opt->export_out) {
		f = fopen(run->opt->export_out, "w");
		if (!f) {
			log_error("cannot write %s: %s", run->opt->export_out, strerror(errno));
			rc = EXIT_FAILED;
			goto out;
		}
	}
	if (lf_write_yaml(f, &d, inv.repos > 1 ? counts : NULL) != 0) {
		log_error("cannot write the labels file");
		rc = EXIT_FAILED;
	}
	if (f != stdout && fclose(f) != 0) {
		log_error("cannot write %s: %s", run->opt->export_out, strerror(errno));
		rc = EXIT_FAILED;
	}
	if (!rc && run->opt->export_out)
		log_notice("wrote %zu labels from %zu repos to %s", d.n_labels, inv.repos,
			   run->opt->export_out);
out:
	fflush(stdout);
	free(counts);
	desired_finish(&d);
	return rc;
}

/* ---- the end of list and export ---- */

int output_list_end(const struct run *run, struct list_acc *a)
{
	int rc = run->opt->cmd == CMD_LIST ? output_list(run, a) : output_export(run, &a->inv);

	list_acc_free(a);
	return rc;
}
