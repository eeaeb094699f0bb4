/* SPDX-License-Identifier: MIT */
/*
 * What a run shows the user (output.h): plans, progress and results, human
 * or JSON, on stdout (list and export: output_list.c; `plugins`:
 * output_plugins.c; Markdown: output_markdown.c). Decides nothing about the
 * run: it renders struct run as the engine left it.
 */
#include "output.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "result_json.h"
#include "log.h"
#include "util.h"

/* ---- human helpers ---- */

void output_swatch(const struct run_options *o, FILE *f, const char *color)
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
		output_swatch(o, f, op->color);
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
			output_swatch(o, f, c->color);
			fprintf(f, "%s -> ", c->color ? display(c->color) : "none");
			output_swatch(o, f, op->color);
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

void output_report_errors(const struct run *run)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		if (tr->code)
			log_error("%s%s%s: %s", output_target_label(tr), tr->owner ? " " : "",
				  tr->owner ? tr->owner : "", tr->error);
		for (size_t j = 0; j < tr->n_repos; j++)
			if (tr->repos[j].read_code)
				log_error("%s: %s", tr->repos[j].full, tr->repos[j].w->read_error);
	}
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

	if (o->json || o->markdown || log_verbosity() < 0)
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
				log_error("%s: %s", r->full, r->w->read_error);
				continue;
			}
			if (r->read_only) {
				if (log_verbosity() > 0) {
					target_heading(run, tr, &headed);
					printf("%s: archived, read-only: not written\n", r->full);
				}
				continue;
			}
			if (!r->w->plan.n) {
				if (log_verbosity() > 0) {
					target_heading(run, tr, &headed);
					printf("%s: up to date", r->full);
					print_sets(stdout, r);
					putchar('\n');
				}
				continue;
			}
			changed += plan_changes(&r->w->plan) > 0;
			target_heading(run, tr, &headed);
			printf("%s%s%s", o->color ? "\x1b[1m" : "", display(r->full), reset(o));
			print_sets(stdout, r);
			putchar('\n');
			for (size_t k = 0; k < r->w->plan.n; k++) {
				print_op(o, stdout, &r->w->plan.ops[k], r->w->ops ? &r->w->ops[k] : NULL);
				by[r->w->plan.ops[k].kind]++;
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
	if (run->opt->markdown) {
		output_markdown(run);
		return;
	}
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];

			for (size_t k = 0; k < r->w->plan.n && r->w->ops; k++) {
				done += r->w->ops[k].state == OPST_DONE;
				failed += r->w->ops[k].state == OPST_FAILED;
				skipped += r->w->ops[k].state == OPST_SKIPPED;
				/* a duplicate failed its label before any write: name it
				 * where failures go */
				if (r->w->plan.ops[k].fails)
					log_error("%s: %s", r->full, r->w->plan.ops[k].why);
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

				for (size_t k = 0; k < r->w->plan.n && r->w->ops; k++)
					left += r->w->ops[k].state == OPST_SKIPPED;
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
