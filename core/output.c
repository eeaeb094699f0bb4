/* SPDX-License-Identifier: MIT */
/*
 * What a run shows the user (output.h): plans, progress, results, list and
 * export, human or JSON, on stdout (`plugins` is output_plugins.c's). Decides nothing about the
 * run: it renders struct run as the engine left it.
 */
#include "output.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_json.h"
#include "status.h"
#include "labelsfile.h"
#include "log.h"
#include "names.h"
#include "util.h"

/* ---- human helpers ---- */

static void swatch(const struct run_options *o, FILE *f, const char *color)
{
	unsigned r, g, b;

	if (!o->color || !o->truecolor || !color || sscanf(color, "%2x%2x%2x", &r, &g, &b) != 3)
		return;
	fprintf(f, "\x1b[48;2;%u;%u;%um  \x1b[0m ", r, g, b);
}

static const char *sym_color(const struct run_options *o, enum op_kind k)
{
	if (!o->color)
		return "";
	switch (k) {
	case OP_CREATE:
		return "\x1b[32m";
	case OP_UPDATE:
	case OP_RENAME:
		return "\x1b[33m";
	case OP_NOTICE:
		return "\x1b[36m";
	default:
		return "\x1b[31m";
	}
}

static const char *reset(const struct run_options *o)
{
	return o->color ? "\x1b[0m" : "";
}

static void print_usage(FILE *f, const struct op *op, const struct op_run *orun)
{
	long long is, pr;

	output_usage_counts(op, orun, &is, &pr);
	if (is < 0 && pr < 0)
		fprintf(f, " (usage unknown)");
	else
		fprintf(f, " (%lld issue%s, %lld PR%s)", is < 0 ? 0 : is, is == 1 ? "" : "s",
			pr < 0 ? 0 : pr, pr == 1 ? "" : "s");
}

static void print_op(const struct run_options *o, FILE *f, const struct op *op,
		     const struct op_run *orun)
{
	const struct label *c = op->cur;

	fprintf(f, "  %s%c%s ", sym_color(o, op->kind), op_symbol(op->kind), reset(o));
	switch (op->kind) {
	case OP_CREATE:
		fprintf(f, "%s  ", display(op->name));
		swatch(o, f, op->color);
		fprintf(f, "#%s", display(op->color));
		if (op->description)
			fprintf(f, "  \"%s\"", display(op->description));
		break;
	case OP_RENAME:
		fprintf(f, "%s -> %s", display(c->name), display(op->name));
		/* fall through to show the other changes */
		/* FALLTHROUGH */
	case OP_UPDATE: {
		const char *sep = op->kind == OP_RENAME ? "; " : "";

		if (op->kind == OP_UPDATE) {
			fprintf(f, "%s ", display(c->name));
			sep = "";
		}
		if (op->kind == OP_UPDATE && (op->fields & EPITHET_FIELD_NAME)) {
			fprintf(f, "%sname -> %s", sep, display(op->name));
			sep = ", ";
		}
		if (op->fields & EPITHET_FIELD_COLOR) {
			fprintf(f, "%scolor ", sep);
			swatch(o, f, c->color);
			fprintf(f, "%s -> ", c->color ? display(c->color) : "none");
			swatch(o, f, op->color);
			fprintf(f, "%s", display(op->color));
			sep = ", ";
		}
		if (op->fields & EPITHET_FIELD_DESCRIPTION) {
			fprintf(f, "%sdescription \"%s\" -> \"%s\"", sep,
				c->description ? display(c->description) : "", display(op->description));
			sep = ", ";
		}
		if (op->fields & EPITHET_FIELD_EXCLUSIVE)
			fprintf(f, "%sexclusive -> %s", sep,
				(op->flags & EPITHET_LABEL_EXCLUSIVE) ? "true" : "false");
		break;
	}
	case OP_MERGE:
		fprintf(f, "%s -> %s, then delete %s", display(c->name), display(op->into), display(c->name));
		print_usage(f, op, orun);
		break;
	case OP_DELETE:
	case OP_ARCHIVE:
		fprintf(f, "%s%s", display(c->name), op->kind == OP_ARCHIVE ? " (archive)" : "");
		print_usage(f, op, orun);
		if (op->why)
			fprintf(f, " [%s]", display(op->why));
		break;
	case OP_NOTICE:
		fprintf(f, "%s", display(op->why));
		if (op->retires)
			print_usage(f, op, orun);
		break;
	}
	fputc('\n', f);
}

/* SPEC 9: the sets a repo got, after its name: "  [sets: frontend, docs]". */
static void print_sets(FILE *f, const struct repo_run *r)
{
	for (size_t i = 0; r->sets && r->sets[i]; i++)
		fprintf(f, "%s%s", i ? ", " : "  [sets: ", display(r->sets[i]));
	if (r->sets && r->sets[0])
		fputc(']', f);
}

/* In a run over several targets, the first line shown for a target names it
 * ("== FORGE OWNER (URL) =="): the same OWNER/REPO may exist on two
 * forges of one labels file. */
static void target_heading(const struct run *run, const struct target_run *tr, bool *shown)
{
	const char *where = tr->info.display ? tr->info.display
					     : tr->t->api_url ? tr->t->api_url : tr->t->url;

	if (*shown || run->n_targets < 2)
		return;
	*shown = true;
	printf("%s== %s%s%s", run->opt->color ? "\x1b[1m" : "", display(output_target_label(tr)),
	       tr->owner ? " " : "", tr->owner ? display(tr->owner) : "");
	if (where)
		printf(" (%s)", display(where));
	printf(" ==%s\n", reset(run->opt));
}

/* "308 writes: about 6 min at FORGE's pace." for each paced target. */
static void print_estimates(const struct run *run)
{
	char text[32];

	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		if (!tr->estimate.paced || !tr->estimate.writes)
			continue;
		duration_text(tr->estimate.ms, text, sizeof(text));
		printf("%zu write%s%s%s: about %s at %s's pace.\n", tr->estimate.writes,
		       tr->estimate.writes == 1 ? "" : "s", run->n_targets > 1 && tr->owner ? " to " : "",
		       run->n_targets > 1 && tr->owner ? display(tr->owner) : "", text, output_target_label(tr));
	}
}

void output_plan(const struct run *run)
{
	const struct run_options *o = run->opt;
	size_t changed = 0, repos = 0, by[OP_NOTICE + 1] = {0}, failed_targets = 0;

	if (o->json || log_verbosity() < 0)
		return;
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];
		bool headed = false;

		if (tr->code) {
			log_error("%s%s%s: %s", output_target_label(tr), tr->owner ? " " : "",
				  tr->owner ? tr->owner : "", tr->error);
			failed_targets++;
			continue;
		}
		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];

			repos++;
			if (r->read_code) {
				log_error("%s: %s", r->full, r->read_error);
				continue;
			}
			if (r->read_only) {
				if (log_verbosity() > 0) {
					target_heading(run, tr, &headed);
					printf("%s: archived, read-only: not written\n", r->full);
				}
				continue;
			}
			if (!r->plan.n) {
				if (log_verbosity() > 0) {
					target_heading(run, tr, &headed);
					printf("%s: up to date", r->full);
					print_sets(stdout, r);
					putchar('\n');
				}
				continue;
			}
			changed += plan_changes(&r->plan) > 0;
			target_heading(run, tr, &headed);
			printf("%s%s%s", o->color ? "\x1b[1m" : "", display(r->full), reset(o));
			print_sets(stdout, r);
			putchar('\n');
			for (size_t k = 0; k < r->plan.n; k++) {
				print_op(o, stdout, &r->plan.ops[k], r->ops ? &r->ops[k] : NULL);
				by[r->plan.ops[k].kind]++;
			}
		}
	}
	/* Every target failed (no owner, bad credentials): there is no plan,
	 * and "no changes; 0 repos up to date" would read like success. */
	if (failed_targets && !repos)
		return;
	printf("Plan: ");
	if (!(by[OP_CREATE] + by[OP_UPDATE] + by[OP_RENAME] + by[OP_MERGE] + by[OP_DELETE] +
	      by[OP_ARCHIVE])) {
		printf("no changes; %zu repo%s up to date", repos, repos == 1 ? "" : "s");
	} else {
		const char *sep = "";

		for (int k = OP_CREATE; k < OP_NOTICE; k++) {
			if (!by[k])
				continue;
			printf("%s%zu to %s", sep, by[k], op_name((enum op_kind)k));
			sep = ", ";
		}
		printf(" in %zu of %zu repo%s", changed, repos, repos == 1 ? "" : "s");
	}
	if (by[OP_NOTICE])
		printf("; %zu notice%s", by[OP_NOTICE], by[OP_NOTICE] == 1 ? "" : "s");
	printf(".\n");
	print_estimates(run);
	fflush(stdout);
}

void output_progress(const struct run *run, const struct target_run *tr, const struct repo_run *r,
		     const struct op *op, const struct op_run *orun)
{
	const char *name = op->cur ? op->cur->name : op->name;

	(void)tr;
	if (orun->state == OPST_FAILED)
		log_error("%s: %s %s: %s", r->full, op_name(op->kind), name, orun->error);
	else if (orun->state == OPST_DONE && !run->opt->json)
		log_info("%s: %s %s: done", r->full, op_name(op->kind), name);
}

/* ---- json: the result document is in result_json.c ---- */

void output_result(const struct run *run)
{
	size_t done = 0, failed = 0, skipped = 0;

	if (run->opt->json) {
		result_json(run);
		return;
	}
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];

			for (size_t k = 0; k < r->plan.n && r->ops; k++) {
				done += r->ops[k].state == OPST_DONE;
				failed += r->ops[k].state == OPST_FAILED;
				skipped += r->ops[k].state == OPST_SKIPPED;
			}
		}
	}
	if (log_verbosity() < 0)
		return;
	if (run->opt->dry_run && !run->applied)
		printf("Dry run: nothing was changed.\n");
	else if (run->applied) {
		printf("Applied %zu change%s", done, done == 1 ? "" : "s");
		if (failed)
			printf(", %zu failed", failed);
		if (skipped)
			printf(", %zu not attempted", skipped);
		printf(".\n");
	}
	if (run->applied && skipped) {
		/* the run stopped (rate limit, interrupt): say what is left */
		const char *sep = "Left to do in: ";

		for (size_t i = 0; i < run->n_targets; i++) {
			const struct target_run *tr = &run->targets[i];

			for (size_t j = 0; j < tr->n_repos; j++) {
				const struct repo_run *r = &tr->repos[j];
				size_t left = 0;

				for (size_t k = 0; k < r->plan.n && r->ops; k++)
					left += r->ops[k].state == OPST_SKIPPED;
				if (left) {
					printf("%s%s (%zu)", sep, display(r->full), left);
					sep = ", ";
				}
			}
		}
		printf(".\nRun the same command again to finish: only what still differs is sent.\n");
	}
	if (run->journal_path && run->applied)
		printf("Journal: %s (epithet undo reverts it)\n", run->journal_path);
	fflush(stdout);
}

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

static void inventory_build(const struct run *run, const char *only_key, struct inventory *inv)
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

				if (only_key && strcmp(l->key, only_key) != 0)
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

static void report_target_errors(const struct run *run)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		if (tr->code)
			log_error("%s%s%s: %s", output_target_label(tr), tr->owner ? " " : "",
				  tr->owner ? tr->owner : "", tr->error);
		for (size_t j = 0; j < tr->n_repos; j++)
			if (tr->repos[j].read_code)
				log_error("%s: %s", tr->repos[j].full, tr->repos[j].read_error);
	}
}

static void list_one_label_human(const struct run *run, const char *key)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];
			const struct label *l = NULL;

			if (r->read_code)
				continue;
			for (size_t k = 0; k < r->n_labels && !l; k++)
				if (strcmp(r->labels[k].key, key) == 0)
					l = &r->labels[k];
			if (!l) {
				printf("  %-40s (missing)\n", display(r->full));
				continue;
			}
			printf("  %-40s ", display(r->full));
			swatch(run->opt, stdout, l->color);
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
	char *only = NULL;
	struct inventory inv;

	report_target_errors(run);
	if (o->list_name) {
		only = names_key(o->list_name);
		if (!only) {
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
			free(only);
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

			json_object_object_add(l, "name", json_str(s->names[most(s->names, s->n_names)].value));
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

				json_object_object_add(jr, "repo", json_str(r->full));
				json_object_object_add(jr, "error", json_str(r->read_error));
				for (size_t k = 0; k < r->n_labels; k++) {
					const struct label *l = &r->labels[k];
					json_object *jl = json_object_new_object();

					if (only && strcmp(l->key, only) != 0) {
						json_object_put(jl);
						continue;
					}
					json_object_object_add(jl, "name", json_str(l->name));
					json_object_object_add(jl, "color", json_str(l->color));
					json_object_object_add(jl, "description", json_str(l->description));
					json_object_array_add(ls, jl);
				}
				json_object_object_add(jr, "labels", ls);
				json_object_array_add(repos, jr);
			}
		}
		json_object_object_add(doc, "labels", arr);
		json_object_object_add(doc, "repos", repos);
		print_json(doc);
	} else if (only) {
		printf("%s: in %zu of %zu repos\n", display(o->list_name), inv.n ? inv.v[0].repos : 0, inv.repos);
		list_one_label_human(run, only);
	} else {
		for (size_t i = 0; i < inv.n; i++) {
			struct seen *s = &inv.v[i];
			size_t c = most(s->colors, s->n_colors);

			printf("%-32s %4zu/%-4zu ", display(s->names[most(s->names, s->n_names)].value), s->repos,
			       inv.repos);
			swatch(o, stdout, s->colors[c].value);
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
	free(only);
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

	report_target_errors(run);
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
