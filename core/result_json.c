/* SPDX-License-Identifier: MIT */
/*
 * The JSON result of a run (--output json, keys in README.md): one
 * document, its repos streamed one object at a time so that an estate's
 * result costs no tree of its own (SPEC 11); and the small helpers the
 * other documents of output.c share. Renders struct run; decides nothing.
 */
#include "result_json.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "when.h"

const char *output_target_label(const struct target_run *tr)
{
	return tr->plugin ? tr->plugin->forge->name : tr->t->forge;
}

/* Issues and PRs carrying the label an op acts on: from the listed items
 * when the forge can list them, else from the label's own counts. */
void output_usage_counts(const struct op *op, const struct op_run *orun, long long *issues,
			 long long *pulls)
{
	*issues = *pulls = -1;
	if (op->retires && !op->cur) {
		/* a label the repo does not have yet: nothing carries it */
		*issues = *pulls = 0;
	} else if (orun && orun->items.known) {
		*issues = *pulls = 0;
		for (size_t i = 0; i < orun->items.n; i++)
			(*(orun->items.v[i].is_pull ? pulls : issues))++;
	} else if (op->cur) {
		*issues = op->cur->issues;
		*pulls = op->cur->pulls;
	}
}

json_object *output_jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static const char *state_name(enum op_state s)
{
	static const char *const names[] = {"planned", "done", "failed", "skipped"};

	return names[s];
}

static json_object *json_op(const struct op *op, const struct op_run *orun)
{
	json_object *j = json_object_new_object();
	long long is, pr;

	json_object_object_add(j, "op", output_jstr(op_name(op->kind)));
	json_object_object_add(j, "label", output_jstr(op->cur ? op->cur->name : op->name));
	if (op->kind == OP_NOTICE) {
		json_object_object_add(j, "message", output_jstr(op->why));
		if (op->fails)
			json_object_object_add(j, "status", output_jstr(state_name(OPST_FAILED)));
		if (op->retires) {
			char when[32];

			when_format(op->retire_at, when, sizeof(when));
			json_object_object_add(j, "retires", output_jstr(when));
			output_usage_counts(op, orun, &is, &pr);
			json_object_object_add(j, "issues", is < 0 ? NULL : json_object_new_int64(is));
			json_object_object_add(j, "pulls", pr < 0 ? NULL : json_object_new_int64(pr));
		}
		return j;
	}
	if (op->fields & EPITHET_FIELD_NAME && op->kind != OP_CREATE)
		json_object_object_add(j, "new_name", output_jstr(op->name));
	if (op->fields & EPITHET_FIELD_COLOR) {
		if (op->cur)
			json_object_object_add(j, "old_color", output_jstr(op->cur->color));
		json_object_object_add(j, "color", output_jstr(op->color));
	}
	if (op->fields & EPITHET_FIELD_DESCRIPTION) {
		if (op->cur)
			json_object_object_add(j, "old_description",
					       output_jstr(op->cur->description ? op->cur->description : ""));
		json_object_object_add(j, "description", output_jstr(op->description));
	}
	if (op->fields & EPITHET_FIELD_EXCLUSIVE)
		json_object_object_add(j, "exclusive",
				       json_object_new_boolean(op->flags & EPITHET_LABEL_EXCLUSIVE));
	if (op->into)
		json_object_object_add(j, "into", output_jstr(op->into));
	if (op->why)
		json_object_object_add(j, "reason", output_jstr(op->why));
	if (op->retired) {
		char when[32];

		when_format(op->retire_at, when, sizeof(when));
		json_object_object_add(j, "retired", output_jstr(when));
	}
	json_object_object_add(j, "destructive", json_object_new_boolean(op->destructive));
	if (op->destructive) {
		output_usage_counts(op, orun, &is, &pr);
		json_object_object_add(j, "issues", is < 0 ? NULL : json_object_new_int64(is));
		json_object_object_add(j, "pulls", pr < 0 ? NULL : json_object_new_int64(pr));
		if (orun && orun->items.known) {
			json_object *a = json_object_new_array();

			for (size_t i = 0; i < orun->items.n; i++)
				json_object_array_add(a, json_object_new_int64((int64_t)orun->items.v[i].number));
			json_object_object_add(j, "items", a);
		}
	}
	json_object_object_add(j, "status", output_jstr(state_name(orun ? orun->state : OPST_PLANNED)));
	if (orun && orun->error)
		json_object_object_add(j, "error", output_jstr(orun->error));
	return j;
}

static json_object *json_sets(const struct repo_run *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; r->sets && r->sets[i]; i++)
		json_object_array_add(a, output_jstr(r->sets[i]));
	return a;
}

static json_object *json_requests(const struct target_run *tr)
{
	json_object *j = json_object_new_object();
	struct hostsvc_stats st = tr->stats;

	if (tr->hs)
		hostsvc_stats(tr->hs, &st);
	json_object_object_add(j, "total", json_object_new_int64((int64_t)st.requests));
	json_object_object_add(j, "reads", json_object_new_int64((int64_t)st.reads));
	json_object_object_add(j, "writes", json_object_new_int64((int64_t)st.writes));
	json_object_object_add(j, "not_modified", json_object_new_int64((int64_t)st.not_modified));
	json_object_object_add(j, "retries", json_object_new_int64((int64_t)st.retries));
	json_object_object_add(j, "connections", json_object_new_int64((int64_t)st.connections));
	json_object_object_add(j, "rate_limit_remaining",
			       st.rate_remaining < 0 ? NULL : json_object_new_int64(st.rate_remaining));
	return j;
}

static json_object *json_estimate(const struct target_run *tr)
{
	json_object *j = json_object_new_object();

	json_object_object_add(j, "writes", json_object_new_int64((int64_t)tr->estimate.writes));
	json_object_object_add(j, "seconds",
			       json_object_new_double((double)(tr->estimate.ms / 100) / 10.0));
	json_object_object_add(j, "paced", json_object_new_boolean(tr->estimate.paced));
	return j;
}

static json_object *json_target_head(const struct target_run *tr)
{
	json_object *jt = json_object_new_object();

	json_object_object_add(jt, "forge", output_jstr(output_target_label(tr)));
	json_object_object_add(jt, "url", output_jstr(tr->t->api_url ? tr->t->api_url : tr->t->url));
	json_object_object_add(jt, "owner", output_jstr(tr->owner));
	json_object_object_add(jt, "error", output_jstr(tr->error));
	json_object_object_add(jt, "requests", json_requests(tr));
	json_object_object_add(jt, "estimate", json_estimate(tr));
	return jt;
}

void output_print_json(json_object *doc)
{
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(doc);
}

/* One repo of the result, as an object. */
#define REPOS_MARK "\"@@epithet-repos-%zu@@\""
#define REPO_INDENT "        " /* depth of a repo object: doc, targets, target, repos */
/* A target's "repos", one object made, printed and freed at a time, laid
 * out as json-c would have laid out the whole array in place. */
static void print_repos_json(const struct run *run, const struct target_run *tr)
{
	fputs("[", stdout);
	for (size_t ri = 0; ri < tr->n_repos; ri++) {
		const struct repo_run *r = &tr->repos[ri];
		json_object *o = json_object_new_object(), *ch = json_object_new_array();
		const char *t;

		json_object_object_add(o, "repo", output_jstr(r->full));
		json_object_object_add(o, "read_only", json_object_new_boolean(r->read_only));
		json_object_object_add(o, "error", output_jstr(r->w->read_error));
		if (run->want && run->want->n_sets)
			json_object_object_add(o, "sets", json_sets(r));
		for (size_t k = 0; k < r->w->plan.n; k++)
			json_object_array_add(ch, json_op(&r->w->plan.ops[k], r->w->ops ? &r->w->ops[k] : NULL));
		json_object_object_add(o, "changes", ch);
		t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
		fputs(r > tr->repos ? ",\n" REPO_INDENT : "\n" REPO_INDENT, stdout);
		for (; *t; t++)
			fputs(*t == '\n' ? "\n" REPO_INDENT : (char[2]){*t, 0}, stdout);
		json_object_put(o);
	}
	fputs("\n      ]", stdout);
}

/* The result document; its repos streamed (print_repos_json) around a marker
 * in each target's "repos", not built into one tree (~2 KiB a repo). */
void result_json(const struct run *run)
{
	json_object *doc = json_object_new_object(), *targets = json_object_new_array();
	json_object *sum = json_object_new_object();
	size_t by[OP_NOTICE + 1] = {0}, failed = 0, repos = 0, changed = 0;
	const char *text, *at;

	json_object_object_add(doc, "epithet", output_jstr(EPITHET_VERSION));
	json_object_object_add(doc, "command", output_jstr(run->opt->cmd_name));
	json_object_object_add(doc, "dry_run",
			       json_object_new_boolean(run->opt->dry_run || run->opt->cmd == CMD_PLAN));
	json_object_object_add(doc, "applied", json_object_new_boolean(run->applied));
	json_object_object_add(doc, "refused", json_object_new_boolean(run->refused));
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];
		json_object *jt = json_target_head(tr);
		char mark[64];

		for (size_t ri = 0; ri < tr->n_repos; ri++) {
			const struct repo_run *r = &tr->repos[ri];

			repos++;
			changed += plan_changes(&r->w->plan) > 0;
			for (size_t k = 0; k < r->w->plan.n; k++) {
				by[r->w->plan.ops[k].kind]++;
				failed += r->w->ops && r->w->ops[k].state == OPST_FAILED;
			}
		}
		snprintf(mark, sizeof(mark), "@@epithet-repos-%zu@@", i);
		json_object_object_add(jt, "repos", output_jstr(mark));
		json_object_array_add(targets, jt);
	}
	json_object_object_add(doc, "targets", targets);
	json_object_object_add(sum, "repos", json_object_new_int64((int64_t)repos));
	json_object_object_add(sum, "repos_changed", json_object_new_int64((int64_t)changed));
	for (int k = OP_CREATE; k <= OP_NOTICE; k++)
		json_object_object_add(sum, op_name((enum op_kind)k), json_object_new_int64((int64_t)by[k]));
	json_object_object_add(sum, "failed", json_object_new_int64((int64_t)failed));
	json_object_object_add(doc, "summary", sum);
	json_object_object_add(doc, "journal", output_jstr(run->journal_path));
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
	for (size_t i = 0; i < run->n_targets; i++) {
		char mark[64];

		snprintf(mark, sizeof(mark), REPOS_MARK, i);
		if (!(at = strstr(text, mark)))
			break;
		fwrite(text, 1, (size_t)(at - text), stdout);
		print_repos_json(run, &run->targets[i]);
		text = at + strlen(mark);
	}
	puts(text);
	fflush(stdout);
	json_object_put(doc);
}
