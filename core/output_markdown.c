/* SPDX-License-Identifier: MIT */
/*
 * --output markdown (SPEC.md 9): the plan and, after applying, the outcome
 * as one Markdown document (GFM), for a CI step summary or a
 * pull-request comment. It starts with a machine-readable comment line,
 *
 *     <!-- epithet: changes=N destructive=M failed=F -->
 *
 * then one summary line, then each repo with something to show (changes,
 * notices, a read error) as a list; unchanged repos are only counted.
 * Every text that comes from a forge or a labels file (names, descriptions,
 * repos, errors, notices) is shown as a code span, so it can never become
 * markup, a link, an image or a mention in the comment it lands in.
 */
#include <stdio.h>
#include <string.h>

#include "epithet/forge.h"
#include "output.h"
#include "result_json.h"
#include "plan.h"
#include "util.h"

struct md_totals {
	size_t by[OP_NOTICE + 1];
	size_t changes;          /* planned changes, as the plan's summary counts them */
	size_t destructive;
	size_t failed;           /* failed changes + repos and targets not read */
	size_t done;
	size_t skipped;
	size_t repos;
	size_t repos_changed;
	size_t up_to_date;
	size_t read_only;
};

static void md_count(const struct run *run, struct md_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];

		t->failed += tr->code != 0;
		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];

			t->repos++;
			if (r->read_code) {
				t->failed++;
				continue;
			}
			if (r->read_only) {
				t->read_only++;
				continue;
			}
			t->up_to_date += plan_changes(&r->w->plan) == 0;
			t->repos_changed += plan_changes(&r->w->plan) > 0;
			t->changes += plan_changes(&r->w->plan);
			t->destructive += plan_destructive(&r->w->plan);
			for (size_t k = 0; k < r->w->plan.n; k++) {
				enum op_state st = r->w->ops ? r->w->ops[k].state : OPST_PLANNED;

				t->by[r->w->plan.ops[k].kind]++;
				t->failed += st == OPST_FAILED;
				t->done += st == OPST_DONE;
				t->skipped += st == OPST_SKIPPED;
			}
		}
	}
}

/*
 * @s as an inline code span: control characters made visible (display()),
 * a backtick fence longer than any run inside, padded where the text starts
 * or ends with a backtick or a space. Empty text shows as *empty*.
 */
static void md_code(const char *s)
{
	const char *v = display(s ? s : "");
	size_t run = 0, longest = 0, n = strlen(v);
	bool pad;

	if (!n) {
		printf("*empty*");
		return;
	}
	for (const char *p = v; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = v[0] == '`' || v[n - 1] == '`' || (v[0] == ' ' && v[n - 1] == ' ');
	for (size_t i = 0; i <= longest; i++)
		putchar('`');
	printf("%s%s%s", pad ? " " : "", v, pad ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		putchar('`');
}

static void md_color(const char *hex)
{
	if (!hex) {
		printf("none");
		return;
	}
	printf("`#");
	for (const char *p = display(hex); *p; p++)
		if (*p != '`' && *p != '|')
			putchar(*p);
	putchar('`');
}

static void md_usage(const struct op *op, const struct op_run *orun)
{
	long long is, pr;

	output_usage_counts(op, orun, &is, &pr);
	if (is < 0 && pr < 0)
		printf(" (usage unknown)");
	else
		printf(" (%lld issue%s, %lld PR%s)", is < 0 ? 0 : is, is == 1 ? "" : "s",
		       pr < 0 ? 0 : pr, pr == 1 ? "" : "s");
}

/* ", color `#a` -> `#b`, description ..." of an update or a rename. */
static void md_fields(const struct op *op)
{
	const struct label *c = op->cur;
	const char *sep = op->kind == OP_RENAME ? "; " : ": ";

	if (op->kind == OP_UPDATE && (op->fields & EPITHET_FIELD_NAME)) {
		printf("%sname → ", sep);
		md_code(op->name);
		sep = ", ";
	}
	if (op->fields & EPITHET_FIELD_COLOR) {
		printf("%scolor ", sep);
		md_color(c ? c->color : NULL);
		printf(" → ");
		md_color(op->color);
		sep = ", ";
	}
	if (op->fields & EPITHET_FIELD_DESCRIPTION) {
		printf("%sdescription ", sep);
		md_code(c && c->description ? c->description : "");
		printf(" → ");
		md_code(op->description ? op->description : "");
		sep = ", ";
	}
	if (op->fields & EPITHET_FIELD_EXCLUSIVE)
		printf("%sexclusive → %s", sep, (op->flags & EPITHET_LABEL_EXCLUSIVE) ? "true" : "false");
}

static void md_outcome(const struct op_run *orun)
{
	if (!orun)
		return;
	switch (orun->state) {
	case OPST_DONE:
		printf(" — ✅ done");
		break;
	case OPST_FAILED:
		printf(" — ❌ failed: ");
		md_code(orun->error ? orun->error : "error");
		break;
	case OPST_SKIPPED:
		printf(" — ⏭️ not attempted");
		break;
	case OPST_PLANNED:
		break;
	}
}

/* One list item: the human symbol, the kind (bold and marked when
 * destructive), the label and what changes, then the outcome once applied. */
static void md_op(const struct op *op, const struct op_run *orun, bool applied)
{
	const char *name = op->cur ? op->cur->name : op->name;

	printf("- `%c` ", op_symbol(op->kind));
	if (op->kind == OP_NOTICE) {
		printf("%s ", op->retires ? "⏳" : "ℹ️");
		md_code(op->why);
		if (op->retires && op->cur)
			md_usage(op, orun);
		putchar('\n');
		return;
	}
	if (op->destructive)
		printf("⚠️ **%s** ", op_name(op->kind));
	else
		printf("%s ", op_name(op->kind));
	md_code(name);
	switch (op->kind) {
	case OP_CREATE:
		putchar(' ');
		md_color(op->color);
		if (op->description && *op->description) {
			putchar(' ');
			md_code(op->description);
		}
		break;
	case OP_RENAME:
		printf(" → ");
		md_code(op->name);
		/* FALLTHROUGH */
	case OP_UPDATE:
		md_fields(op);
		break;
	case OP_MERGE:
		printf(" into ");
		md_code(op->into);
		printf(", then delete it");
		md_usage(op, orun);
		break;
	case OP_DELETE:
	case OP_ARCHIVE:
		md_usage(op, orun);
		if (op->why) {
			printf(" — ");
			md_code(op->why);
		}
		break;
	case OP_NOTICE:
		break;
	}
	if (applied)
		md_outcome(orun);
	putchar('\n');
}

static void md_plan_words(const struct md_totals *t)
{
	const char *sep = "";

	if (!t->changes) {
		printf("no changes; %zu repo%s up to date", t->up_to_date, t->up_to_date == 1 ? "" : "s");
		return;
	}
	for (int k = OP_CREATE; k < OP_NOTICE; k++) {
		if (!t->by[k])
			continue;
		printf("%s%zu to %s", sep, t->by[k], op_name((enum op_kind)k));
		sep = ", ";
	}
	printf(" in %zu of %zu repo%s", t->repos_changed, t->repos, t->repos == 1 ? "" : "s");
	if (t->destructive)
		printf(" (%zu destructive)", t->destructive);
}

static void md_summary(const struct run *run, const struct md_totals *t)
{
	printf("**epithet %s**: ", run->opt->cmd_name ? run->opt->cmd_name : "run");
	md_plan_words(t);
	if (t->by[OP_NOTICE])
		printf("; %zu notice%s", t->by[OP_NOTICE], t->by[OP_NOTICE] == 1 ? "" : "s");
	if (run->applied) {
		printf("; applied %zu of %zu", t->done, t->changes);
		if (t->skipped)
			printf(", %zu not attempted", t->skipped);
	} else if (run->refused) {
		printf("; refused: destructive changes need `--yes`, nothing was changed");
	} else if (t->changes) {
		printf("; dry run, nothing was changed");
	}
	if (t->failed)
		printf("; ❌ %zu failed", t->failed);
	printf(".\n");
}

/* "### `forge` `owner` (`url`)": the same OWNER/REPO may be on two forges. */
static void md_target_name(const struct target_run *tr, const char *level)
{
	const char *where = tr->info.display ? tr->info.display
					     : tr->t->api_url ? tr->t->api_url : tr->t->url;

	printf("\n%s ", level);
	md_code(output_target_label(tr));
	if (tr->owner) {
		putchar(' ');
		md_code(tr->owner);
	}
	if (where) {
		printf(" (");
		md_code(where);
		putchar(')');
	}
	putchar('\n');
}

static void md_target_heading(const struct target_run *tr)
{
	md_target_name(tr, "###");
}

static void md_target_error(const struct target_run *tr)
{
	md_target_name(tr, "####");
	printf("\n- ❌ ");
	md_code(tr->error ? tr->error : "failed");
	putchar('\n');
}

static void md_repo(const struct run *run, const struct repo_run *r)
{
	printf("\n#### ");
	md_code(r->full);
	for (size_t i = 0; r->sets && r->sets[i]; i++) {
		printf("%s", i ? ", " : " (sets: ");
		md_code(r->sets[i]);
	}
	printf("%s\n\n", r->sets && r->sets[0] ? ")" : "");
	if (r->read_code) {
		printf("- ❌ cannot read its labels: ");
		md_code(r->w->read_error);
		putchar('\n');
		return;
	}
	for (size_t k = 0; k < r->w->plan.n; k++)
		md_op(&r->w->plan.ops[k], r->w->ops ? &r->w->ops[k] : NULL, run->applied);
}

void output_markdown(const struct run *run)
{
	struct md_totals t;

	output_report_errors(run);
	md_count(run, &t);
	printf("<!-- epithet: changes=%zu destructive=%zu failed=%zu -->\n\n", t.changes,
	       t.destructive, t.failed);
	md_summary(run, &t);
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];
		bool headed = false;

		if (tr->code) {
			md_target_error(tr);
			continue;
		}
		for (size_t j = 0; j < tr->n_repos; j++) {
			const struct repo_run *r = &tr->repos[j];

			if (!r->read_code && (r->read_only || !r->w->plan.n))
				continue;
			if (!headed && run->n_targets > 1)
				md_target_heading(tr);
			headed = true;
			md_repo(run, r);
		}
	}
	if (t.changes || t.by[OP_NOTICE] || t.failed) {
		printf("\n%zu repo%s up to date", t.up_to_date, t.up_to_date == 1 ? "" : "s");
		if (t.read_only)
			printf(", %zu read-only (archived) not written", t.read_only);
		printf(".\n");
	}
	if (run->journal_path && run->applied) {
		printf("\nJournal: ");
		md_code(run->journal_path);
		printf(" (`epithet undo` reverts it)\n");
	}
	fflush(stdout);
}
