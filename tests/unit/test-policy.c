/* SPDX-License-Identifier: MIT */
/*
 * Label policy (SPEC.md 9), the pure rules: dates of delete_after
 * (core/when.c), which sets select a repo and the labels it is then
 * asked for, conflicts naming both places (core/labels/sets.c), and how bases
 * are laid under the files that extend them (core/labels/extends.c), with
 * bases read from a reader given here instead of a forge.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "labels/policy.h"
#include "when.h"
#include "labelsfile.h"
#include "plan.h"

/* ---- dates ---- */

static void test_when(void **state)
{
	int64_t t = 0;
	char buf[32];

	(void)state;
	assert_true(when_parse("2027-03-01", &t));
	assert_int_equal(t, 1803859200);
	when_format(t, buf, sizeof(buf));
	assert_string_equal(buf, "2027-03-01");
	assert_true(when_parse("2027-03-01T12:30:00Z", &t));
	assert_int_equal(t, 1803859200 + 12 * 3600 + 30 * 60);
	when_format(t, buf, sizeof(buf));
	assert_string_equal(buf, "2027-03-01T12:30:00Z");
	assert_true(when_parse("2027-03-01T12:30:00.250+02:00", &t));
	assert_int_equal(t, 1803859200 + 10 * 3600 + 30 * 60);
	assert_true(when_parse("2027-03-01t00:00:00-01:00", &t));
	assert_int_equal(t, 1803859200 + 3600);
	assert_true(when_parse("2028-02-29", &t));
	assert_false(when_parse("2027-02-29", &t));
	assert_false(when_parse("2027-02-30", &t));
	assert_false(when_parse("2027-3-1", &t));
	assert_false(when_parse("2027-03-01T12:30:00", &t));   /* RFC 3339 needs a zone */
	assert_false(when_parse("2027-03-01T24:00:00Z", &t));
	assert_false(when_parse("2027-03-01 12:30:00Z", &t));
	assert_false(when_parse("2027-03-01T12:30:00.Z", &t));
	assert_false(when_parse("2027-03-01x", &t));
	assert_false(when_parse("", &t));
	assert_false(when_parse(NULL, &t));
}

/* ---- helpers ---- */

static void load(const char *text, struct desired *d)
{
	struct lf_diags g = { 0 };
	int r = lf_load_buffer("p.yml", text, strlen(text), NULL, d, &g);

	for (size_t i = 0; i < g.n; i++)
		print_message("  %s\n", g.v[i].message);
	assert_int_equal(r, 0);
	lf_diags_finish(&g);
}

static char *names_of(const struct desired *d)
{
	size_t n = 1;
	char *s;

	for (size_t i = 0; i < d->n_labels; i++)
		n += strlen(d->labels[i].name) + 1;
	s = calloc(1, n);
	for (size_t i = 0; i < d->n_labels; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, d->labels[i].name);
	}
	return s;
}

/* The names a repo is asked for, or the conflict's message. */
static char *repo_want(const struct desired *p, const char *target, const char *name,
		       char *const *topics, char **sets_out)
{
	struct lf_repo who = { .target = target, .owner = "acme", .name = name, .topics = topics };
	struct desired mine;
	const char **sets = NULL;
	char *error = NULL, *r;

	if (lf_repo_desired(p, &who, &mine, &sets, &error) != 0) {
		assert_null(sets);
		return error;
	}
	r = names_of(&mine);
	if (sets_out) {
		(*sets_out)[0] = '\0';
		for (size_t i = 0; sets && sets[i]; i++) {
			if (i)
				strcat(*sets_out, ",");
			strcat(*sets_out, sets[i]);
		}
	}
	assert_ptr_equal(mine.keep, p->keep);
	free(sets);
	lf_repo_desired_finish(&mine);
	return r;
}

static const char *const POLICY =
	"labels:\n"
	"  - name: bug\n"
	"    color: d73a4a\n"
	"sets:\n"
	"  - name: frontend\n"
	"    repos: [\"web-*\", \"acme/design\"]\n"
	"    labels:\n"
	"      - name: area/ui\n"
	"  - name: backend\n"
	"    topics: [backend, db]\n"
	"    labels:\n"
	"      - name: area/db\n"
	"      - name: BUG\n"          /* not the top-level's fields */
	"  - name: main-only\n"
	"    repos: [\"*\"]\n"
	"    targets: [main]\n"
	"    labels:\n"
	"      - name: main\n"
	"  - name: same\n"
	"    repos: [\"other/*\", tools]\n"
	"    labels:\n"
	"      - name: bug\n"
	"        color: d73a4a\n"      /* exactly as the top level: fine */
	"targets:\n"
	"  - {name: main, org: acme}\n"
	"  - {name: side, org: other}\n";

/* ---- sets ---- */

static void test_selection(void **state)
{
	struct desired p;
	char *topics[] = { "cli", "db", NULL };
	char sets[128], *sp = sets, *r;

	(void)state;
	load(POLICY, &p);
	assert_int_equal(p.n_sets, 4);
	/* a glob without '/' matches the name; with one, OWNER/NAME */
	r = repo_want(&p, "side", "web-app", NULL, &sp);
	assert_string_equal(r, "bug area/ui");
	assert_string_equal(sets, "frontend");
	free(r);
	r = repo_want(&p, "side", "design", NULL, &sp);
	assert_string_equal(r, "bug area/ui");
	free(r);
	/* targets: only in the target named main */
	r = repo_want(&p, "main", "web-app", NULL, &sp);
	assert_string_equal(r, "bug area/ui main");
	assert_string_equal(sets, "frontend,main-only");
	free(r);
	/* a target without a name (the command line's) is in no set's targets */
	r = repo_want(&p, NULL, "cli", NULL, &sp);
	assert_string_equal(r, "bug");
	assert_string_equal(sets, "");
	free(r);
	/* the same label with the same fields twice: kept once */
	r = repo_want(&p, "side", "tools", NULL, &sp);
	assert_string_equal(r, "bug");
	assert_string_equal(sets, "same");
	free(r);
	/* the owner's own labels: no set */
	r = repo_want(&p, "main", NULL, NULL, &sp);
	assert_string_equal(r, "bug");
	free(r);
	(void)topics;
	desired_finish(&p);
}

static void test_conflict_names_both_places(void **state)
{
	struct desired p;
	char *topics[] = { "cli", "db", NULL };
	char *r;

	(void)state;
	load(POLICY, &p);
	r = repo_want(&p, "side", "svc", topics, NULL);
	assert_string_equal(r, "label 'BUG' is given twice with different fields, at p.yml:2:5 "
			       "(top-level labels) and at p.yml:13:9 (set 'backend'); nothing is "
			       "written to this repo");
	free(r);
	desired_finish(&p);
}

static void test_conflict_by_alias(void **state)
{
	struct desired p;
	char *r;

	(void)state;
	load("labels:\n  - {name: bug, aliases: [defect]}\nsets:\n"
	     "  - {name: s, repos: [x], labels: [{name: Defect}]}\n", &p);
	r = repo_want(&p, NULL, "x", NULL, NULL);
	assert_non_null(strstr(r, "label 'Defect' is given twice"));
	free(r);
	desired_finish(&p);
}

static void test_no_sets_is_the_top_level(void **state)
{
	struct desired p;
	char *r;

	(void)state;
	load("- name: a\n- name: b\n", &p);
	r = repo_want(&p, NULL, "x", NULL, NULL);
	assert_string_equal(r, "a b");
	free(r);
	desired_finish(&p);
}

/* ---- extends ---- */

struct fake_files {
	const char *name[8];
	const char *text[8];
	int reads;
	char last[256];
	char token_env[64];      /* of the last read, "-" for none */
};

static int fake_read(void *data, const struct lf_remote *w, char **buf, size_t *len, char **error)
{
	struct fake_files *f = data;
	char key[256];

	snprintf(key, sizeof(key), "%s|%s/%s:%s@%s", w->forge ? w->forge : "-", w->owner, w->repo,
		 w->path, w->ref ? w->ref : "-");
	snprintf(f->last, sizeof(f->last), "%s", key);
	snprintf(f->token_env, sizeof(f->token_env), "%s", w->token_env ? w->token_env : "-");
	f->reads++;
	for (int i = 0; i < 8 && f->name[i]; i++) {
		if (strcmp(f->name[i], key) == 0) {
			*buf = strdup(f->text[i]);
			*len = strlen(f->text[i]);
			return 0;
		}
	}
	*error = strdup("no such file");
	return -ENOENT;
}

static int load_with(struct fake_files *f, const char *text, struct desired *d, struct lf_diags *g)
{
	return lf_load_policy_buffer("top.yml", text, strlen(text), NULL, fake_read, f, d, g);
}

static void test_merge_rules(void **state)
{
	struct fake_files f = {
		.name = { "gh|acme/.github:labels/common.yml@main", "gh|acme/.github:labels/b.yml@main" },
		.text = {
			"labels:\n  - {name: bug, color: '111111', description: base}\n"
			"  - {name: docs, aliases: [documentation]}\n"
			"sets:\n  - {name: s1, repos: [a], labels: [{name: one}]}\n"
			"  - {name: s2, repos: [b], labels: []}\n"
			"keep: [a, b]\nextends: [b.yml]\n",
			"labels:\n  - {name: first}\nkeep: [z]\n",
		},
	};
	struct lf_diags g = { 0 };
	struct desired d;
	char *s;

	(void)state;
	assert_int_equal(load_with(&f, "extends:\n  - {repo: acme/.github, path: labels/common.yml, "
				   "ref: main}\nlabels:\n  - {name: BUG, color: '222222'}\n"
				   "  - {name: Documentation}\n  - {name: new}\n"
				   "sets:\n  - {name: s1, topics: [t], labels: [{name: two}]}\n"
				   "keep: [b, c]\ntargets:\n  - {forge: gh, org: acme}\n", &d, &g), 0);
	assert_int_equal(f.reads, 2);
	/* depth first: b.yml's labels, then common's, then the top's; a label
	 * given again (by name or alias) replaces the earlier one whole, in
	 * its place */
	s = names_of(&d);
	assert_string_equal(s, "first BUG Documentation new");
	free(s);
	assert_string_equal(d.labels[1].color, "222222");
	assert_false(d.labels[1].has_description);
	assert_string_equal(d.labels[1].file, "top.yml");
	assert_string_equal(d.labels[0].file, "acme/.github:labels/b.yml@main");
	/* sets by name, replaced whole */
	assert_int_equal(d.n_sets, 2);
	assert_string_equal(d.sets[0].name, "s1");
	assert_null(d.sets[0].repos);
	assert_string_equal(d.sets[0].labels[0].name, "two");
	assert_string_equal(d.sets[1].name, "s2");
	/* keep accumulates, once each */
	assert_string_equal(d.keep[0], "z");
	assert_string_equal(d.keep[1], "a");
	assert_string_equal(d.keep[2], "b");
	assert_string_equal(d.keep[3], "c");
	assert_null(d.keep[4]);
	assert_int_equal(d.n_targets, 1);
	desired_finish(&d);
	lf_diags_finish(&g);
}

static void test_label_matching_two_earlier(void **state)
{
	struct fake_files f = {
		.name = { "-|acme/p:base.yml@-" },
		.text = { "labels:\n  - {name: bug}\n  - {name: defect}\n" },
	};
	struct lf_diags g = { 0 };
	struct desired d;

	(void)state;
	assert_int_not_equal(load_with(&f, "extends: [{repo: acme/p, path: base.yml}]\nlabels:\n"
				       "  - {name: bug, aliases: [defect]}\n", &d, &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].file, "top.yml");
	assert_int_equal(g.v[0].line, 3);
	assert_non_null(strstr(g.v[0].message, "is both 'bug' (acme/p:base.yml:2:5) and "
				   "'defect' (acme/p:base.yml:3:5)"));
	lf_diags_finish(&g);
}

static void test_base_errors(void **state)
{
	struct fake_files f = {
		.name = { "-|acme/p:a.yml@-", "-|acme/p:dir/b.yml@-", "-|acme/p:t.yml@-" },
		.text = { "labels: []\nextends: [dir/b.yml]\n", "labels: []\nextends: [../a.yml]\n",
			  "labels: []\ntargets: [{org: x}]\n" },
	};
	struct lf_diags g = { 0 };
	struct desired d;

	(void)state;
	/* a cycle through files of one repo, relative to each other */
	assert_int_not_equal(load_with(&f, "labels: []\nextends: [{repo: acme/p, path: a.yml}]\n",
				       &d, &g), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].file, "acme/p:dir/b.yml");
	assert_int_equal(g.v[0].line, 2);
	assert_int_equal(g.v[0].col, 11);
	assert_string_equal(g.v[0].message, "extends 'acme/p:a.yml': a cycle (top.yml -> acme/p:a.yml "
			    "-> acme/p:dir/b.yml -> acme/p:a.yml)");
	lf_diags_finish(&g);
	/* missing */
	assert_int_not_equal(load_with(&f, "labels: []\nextends: [{repo: acme/p, path: nope.yml}]\n",
				       &d, &g), 0);
	assert_string_equal(g.v[0].message, "cannot read the base 'acme/p:nope.yml' (top.yml -> "
			    "acme/p:nope.yml): no such file");
	lf_diags_finish(&g);
	/* targets in a base */
	assert_int_not_equal(load_with(&f, "labels: []\nextends: [{repo: acme/p, path: t.yml}]\n",
				       &d, &g), 0);
	assert_string_equal(g.v[0].file, "acme/p:t.yml");
	assert_int_equal(g.v[0].line, 2);
	lf_diags_finish(&g);
	/* climbing out of the repository */
	f.text[0] = "labels: []\nextends: [../x.yml]\n";
	assert_int_not_equal(load_with(&f, "labels: []\nextends: [{repo: acme/p, path: a.yml}]\n",
				       &d, &g), 0);
	assert_string_equal(g.v[0].message, "extends '../x.yml': the path climbs out of the repository");
	lf_diags_finish(&g);
	/* the top file is checked before any base is read */
	f.reads = 0;
	assert_int_not_equal(load_with(&f, "labels: []\nbogus: 1\nextends: [{repo: acme/p, path: a.yml}]\n",
				       &d, &g), 0);
	assert_int_equal(f.reads, 0);
	lf_diags_finish(&g);
}

static void test_forge_defaults(void **state)
{
	struct fake_files f = { 0 };
	struct lf_diags g = { 0 };
	struct desired d;

	(void)state;
	/* no forge: the first target's */
	load_with(&f, "extends: [{repo: a/b, path: x.yml}]\nlabels: []\n"
		  "targets: [{forge: gitea, url: 'https://g.example', org: a}, {forge: gh, org: a}]\n",
		  &d, &g);
	assert_string_equal(f.last, "gitea|a/b:x.yml@-");
	lf_diags_finish(&g);
	/* no targets: the caller's (NULL) */
	load_with(&f, "extends: [{repo: a/b, path: x.yml, ref: v1}]\nlabels: []\n", &d, &g);
	assert_string_equal(f.last, "-|a/b:x.yml@v1");
	lf_diags_finish(&g);
	/* a buffer alone refuses extends */
	assert_int_not_equal(lf_load_buffer("x.yml", "extends: [a.yml]\nlabels: []\n", 27, NULL, &d, &g), 0);
	assert_non_null(strstr(g.v[0].message, "'extends' cannot be used here"));
	lf_diags_finish(&g);
}

/* The token_env of the first target of the base's forge and URL. */
static void test_base_token_env(void **state)
{
	static const char *const targets =
		"targets:\n"
		"  - {forge: gitea, url: 'https://g.example', org: a, token_env: G1}\n"
		"  - {forge: gitea, url: 'https://h.example', org: a, token_env: H1}\n"
		"  - {forge: gitea, url: 'https://h.example', org: b, token_env: H2}\n"
		"  - {forge: gh, org: a}\n"
		"  - {forge: gh, org: b, token_env: GH2}\n"
		"  - {forge: gh, url: 'https://ghe.example', org: b, token_env: GHE}\n";
	static const struct {
		const char *item, *token_env;
	} cases[] = {
		{"{repo: a/b, path: x.yml}", "G1"},                                 /* first target's */
		{"{repo: a/b, path: x.yml, forge: gitea, url: 'https://h.example'}", "H1"},
		{"{repo: a/b, path: x.yml, forge: gh}", "-"},           /* the first gh has none */
		{"{repo: a/b, path: x.yml, forge: gh, url: 'https://ghe.example'}", "GHE"},
		{"{repo: a/b, path: x.yml, forge: gitea, url: 'https://other.example'}", "-"},
		{"{repo: a/b, path: x.yml, forge: local}", "-"},
	};
	struct desired d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_files f = { 0 };
		struct lf_diags g = { 0 };
		char *text;

		assert_true(asprintf(&text, "extends: [%s]\nlabels: []\n%s", cases[i].item, targets) > 0);
		load_with(&f, text, &d, &g);
		assert_int_equal(f.reads, 1);
		assert_string_equal(f.token_env, cases[i].token_env);
		desired_finish(&d);
		lf_diags_finish(&g);
		free(text);
	}
	/* no targets: none */
	{
		struct fake_files f = { 0 };
		struct lf_diags g = { 0 };

		load_with(&f, "extends: [{repo: a/b, path: x.yml}]\nlabels: []\n", &d, &g);
		assert_string_equal(f.token_env, "-");
		lf_diags_finish(&g);
	}
}

/* ---- the command line's target ---- */

static void test_target_like(void **state)
{
	struct desired p;
	struct target cli;
	char *org_a[] = {"a/x", "a/y", NULL}, *mixed[] = {"a/x", "c/z", NULL}, *listed[] = {"c/z", NULL};
	const struct target *t;

	(void)state;
	load("labels: []\n"
	     "targets:\n"
	     "  - {forge: gh, org: a}\n"                      /* no name */
	     "  - {name: main, forge: gh, org: a}\n"
	     "  - {name: ghe, forge: gh, url: 'https://ghe.example', org: a}\n"
	     "  - {name: some, forge: gh, repos: [c/z]}\n", &p);
	cli = (struct target){.forge = "gh", .org = "a"};
	t = lf_target_like(&p, &cli);
	assert_non_null(t);
	assert_string_equal(t->name, "main");
	cli.url = "https://ghe.example";
	assert_string_equal(lf_target_like(&p, &cli)->name, "ghe");
	cli = (struct target){.forge = "gh", .org = "b"};
	assert_null(lf_target_like(&p, &cli));
	cli = (struct target){.forge = "gl", .org = "a"};
	assert_null(lf_target_like(&p, &cli));
	cli = (struct target){.forge = "gh", .repos = org_a};
	assert_string_equal(lf_target_like(&p, &cli)->name, "main");
	cli.repos = listed;
	assert_string_equal(lf_target_like(&p, &cli)->name, "some");
	cli.repos = mixed;
	assert_null(lf_target_like(&p, &cli));
	cli = (struct target){.forge = "gh"};
	assert_null(lf_target_like(&p, &cli));
	desired_finish(&p);
}

/* ---- retirement in the planner ---- */

static void test_plan_retirement(void **state)
{
	struct desired p;
	struct label cur[] = {
		{ .name = "old", .color = "cccccc", .key = "old", .issues = 3, .pulls = 0 },
	};
	struct plan_opts o = { .default_color = "ededed", .now = 1803859200 - 1 };
	struct plan pl = { 0 };

	(void)state;
	load("- {name: old, color: cccccc, delete_after: 2027-03-01}\n", &p);
	plan_repo(&p, cur, 1, &o, &pl);
	assert_int_equal(pl.n, 1);
	assert_int_equal(pl.ops[0].kind, OP_NOTICE);
	assert_true(pl.ops[0].retires);
	assert_ptr_equal(pl.ops[0].cur, &cur[0]);
	assert_string_equal(pl.ops[0].why, "old retires on 2027-03-01");
	assert_int_equal(plan_changes(&pl), 0);
	plan_finish(&pl);
	o.now++;
	plan_repo(&p, cur, 1, &o, &pl);
	assert_int_equal(pl.n, 1);
	assert_int_equal(pl.ops[0].kind, OP_DELETE);
	assert_true(pl.ops[0].destructive);
	assert_string_equal(pl.ops[0].why, "retired on 2027-03-01");
	plan_finish(&pl);
	/* retired and missing: nothing to do (not created) */
	plan_repo(&p, NULL, 0, &o, &pl);
	assert_int_equal(pl.n, 0);
	/* --prune does not delete it twice */
	o.prune = true;
	plan_repo(&p, cur, 1, &o, &pl);
	assert_int_equal(pl.n, 1);
	plan_finish(&pl);
	desired_finish(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_when),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_conflict_names_both_places),
		cmocka_unit_test(test_conflict_by_alias),
		cmocka_unit_test(test_no_sets_is_the_top_level),
		cmocka_unit_test(test_merge_rules),
		cmocka_unit_test(test_label_matching_two_earlier),
		cmocka_unit_test(test_base_errors),
		cmocka_unit_test(test_forge_defaults),
		cmocka_unit_test(test_base_token_env),
		cmocka_unit_test(test_target_like),
		cmocka_unit_test(test_plan_retirement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
