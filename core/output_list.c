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

static void inventory_build(const struct run *run, const struct only *only, struct inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];

			if (r->read_code)
				continue;
			inv->repos++;
			for (size_t k = 0; k < r->n_labels; k++) {
				const struct label *l = &r->labels[k];
				struct seen *s = NULL;

				if (only && strcmp(l->key, only_key(only, r)) != 0)
					continue;
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
		}
	}
	if (inv->n > 1)
		qsort(inv->v, inv->n, sizeof(*inv->v), cmp_seen);
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

static void list_one_label_human(const struct run *run, const struct only *only)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];
			const struct label *l = NULL;

			if (r->read_code)
				continue;
			for (size_t k = 0; k < r->n_labels && !l; k++)
				if (strcmp(r->labels[k].key, only_key(only, r)) == 0)
					l = &r->labels[k];
			if (!l) {
				printf("  %-40s (missing)\n", display(r->full));
				continue;
			}
			printf("  %-40s ", display(r->full));
			output_swatch(run->opt, stdout, l->color);
			printf("#%s  %s", l->color ? display(l->color) : "------", display(l->name));
			if (l->description && *l->description)
				printf("  \"%s\"", display(l->description));
			putchar('\n');
		}
	}
}

int output_list(const struct run *run)
{
	const struct run_options *o = run->opt;
	struct only filter = {{NULL, NULL}}, *only = NULL;
	struct inventory inv;

	output_report_errors(run);
	if (o->list_name) {
		filter.key[0] = names_key_mode(o->list_name, NAMES_PLAIN);
		filter.key[1] = names_key_mode(o->list_name, NAMES_EMOJI);
		only = &filter;
		if (!filter.key[0] || !filter.key[1]) {
			free(filter.key[0]);
			free(filter.key[1]);
			log_error("invalid label name (not UTF-8)");
			return EXIT_DATAERR;
		}
	}
	inventory_build(run, only, &inv);
	if (!o->json && !inv.repos) {
		size_t failed = 0;

		for (size_t i = 0; i < run->n_targets; i++)
			failed += run->targets[i].code != 0;
		if (failed) {
			/* nothing was read: a count of zero would read like success */
			inventory_finish(&inv);
			free(filter.key[0]);
	free(filter.key[1]);
			return 0;
		}
	}
	if (o->json) {
		json_object *doc = json_object_new_object(), *arr = json_object_new_array();
		json_object *repos = json_object_new_array();

		for (size_t i = 0; i < inv.n; i++) {
			struct seen *s = &inv.v[i];
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
		for (size_t i = 0; i < run->n_targets; i++) {
			const struct target_run *tr = &run->targets[i];

			for (size_t j = 0; j < tr->n_repos; j++) {
				const struct repo_run *r = &tr->repos[j];
				json_object *jr = json_object_new_object(), *ls = json_object_new_array();

				json_object_object_add(jr, "repo", output_jstr(r->full));
				json_object_object_add(jr, "error", output_jstr(r->read_error));
				for (size_t k = 0; k < r->n_labels; k++) {
					const struct label *l = &r->labels[k];
					json_object *jl = json_object_new_object();

					if (only && strcmp(l->key, only_key(only, r)) != 0) {
						json_object_put(jl);
						continue;
					}
					json_object_object_add(jl, "name", output_jstr(l->name));
					json_object_object_add(jl, "color", output_jstr(l->color));
					json_object_object_add(jl, "description", output_jstr(l->description));
					json_object_array_add(ls, jl);
				}
				json_object_object_add(jr, "labels", ls);
				json_object_array_add(repos, jr);
			}
		}
		json_object_object_add(doc, "labels", arr);
		json_object_object_add(doc, "repos", repos);
		output_print_json(doc);
	} else if (only) {
		printf("%s: in %zu of %zu repos\n", display(o->list_name), inv.n ? inv.v[0].repos : 0, inv.repos);
		list_one_label_human(run, only);
	} else {
		for (size_t i = 0; i < inv.n; i++) {
			struct seen *s = &inv.v[i];
			size_t c = most(s->colors, s->n_colors);

			printf("%-32s %4zu/%-4zu ", display(s->names[most(s->names, s->n_names)].value), s->repos,
			       inv.repos);
			output_swatch(o, stdout, s->colors[c].value);
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
		printf("%zu label%s across %zu repo%s.\n", inv.n, inv.n == 1 ? "" : "s", inv.repos,
		       inv.repos == 1 ? "" : "s");
	}
	fflush(stdout);
	inventory_finish(&inv);
	free(filter.key[0]);
	free(filter.key[1]);
	return 0;
}

/* ---- export ---- */

int output_export(const struct run *run)
{
	struct inventory inv;
	struct desired d = {0};
	unsigned *counts;
	FILE *f = stdout;
	int rc = 0;

	output_report_errors(run);
	inventory_build(run, NULL, &inv);
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
	inventory_finish(&inv);
	return rc;
}
