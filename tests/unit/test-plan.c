/* SPDX-License-Identifier: MIT */
/*
 * The planner (core/plan.c) row by row of SPEC.md 4: desired labels x the
 * labels a repo has x the forge's capabilities -> the ordered changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "epithet/forge.h"
#include "names.h"
#include "plan.h"
#include "util.h"

#define ALL_CAPS (EPITHET_CAP_DESCRIPTION | EPITHET_CAP_RENAME | EPITHET_CAP_ISSUE_LABELS | \
		  EPITHET_CAP_EXCLUSIVE | EPITHET_CAP_ARCHIVE)

struct fixture {
	struct label cur[16];
	size_t n_cur;
	struct desired want;
	struct want_label wl[8];
	struct plan plan;
	struct plan_opts opts;
};

static void have(struct fixture *f, const char *name, const char *color, const char *desc)
{
	struct label *l = &f->cur[f->n_cur++];

	memset(l, 0, sizeof(*l));
	l->name = xstrdup(name);
	l->color = xstrdup(color);
	l->description = xstrdup(desc);
	l->key = names_key(name);
	l->issues = l->pulls = -1;
}

static struct want_label *want(struct fixture *f, const char *name, const char *color,
			       const char *desc)
{
	struct want_label *w = &f->wl[f->want.n_labels++];

	memset(w, 0, sizeof(*w));
	w->name = xstrdup(name);
	w->key = names_key(name);
	w->color = xstrdup(color);
	w->has_description = desc != NULL;
	w->description = xstrdup(desc);
	w->exclusive = -1;
	f->want.labels = f->wl;
	return w;
}

static void alias(struct want_label *w, const char *a)
{
	w->aliases = xrealloc(w->aliases, (w->n_aliases + 1) * sizeof(char *));
	w->alias_keys = xrealloc(w->alias_keys, (w->n_aliases + 1) * sizeof(char *));
	w->aliases[w->n_aliases] = xstrdup(a);
	w->alias_keys[w->n_aliases] = names_key(a);
	w->n_aliases++;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	f->opts.caps = ALL_CAPS;
	f->opts.default_color = "ededed";
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < f->n_cur; i++) {
		free(f->cur[i].name);
		free(f->cur[i].color);
		free(f->cur[i].description);
		free(f->cur[i].key);
	}
	for (size_t i = 0; i < f->want.n_labels; i++) {
		struct want_label *w = &f->wl[i];

		free(w->name);
		free(w->key);
		free(w->color);
		free(w->description);
		for (size_t k = 0; k < w->n_aliases; k++) {
			free(w->aliases[k]);
			free(w->alias_keys[k]);
		}
		free(w->aliases);
		free(w->alias_keys);
	}
	strv_free(f->want.keep);
	plan_finish(&f->plan);
	free(f);
	return 0;
}

static void run(struct fixture *f)
{
	plan_repo(&f->want, f->cur, f->n_cur, &f->opts, &f->plan);
}

static void test_matching_label_sends_nothing(void **state)
{
	struct fixture *f = *state;

	have(f, "bug", "d73a4a", "Something isn't working");
	want(f, "bug", "d73a4a", "Something isn't working");
	run(f);
	assert_int_equal(f->plan.n, 0);
}

static void test_colour_compare_ignores_case_and_null_desc_equals_empty(void **state)
{
	struct fixture *f = *state;

	have(f, "bug", "D73A4A", NULL);
	want(f, "bug", "d73a4a", "");
	run(f);
	assert_int_equal(f->plan.n, 0);
}

static void test_missing_field_is_left_alone(void **state)
{
	struct fixture *f = *state;

	have(f, "bug", "d73a4a", "kept");
	want(f, "bug", NULL, NULL);
	run(f);
	assert_int_equal(f->plan.n, 0);
}

static void test_update_colour_and_description(void **state)
{
	struct fixture *f = *state;

	have(f, "docs", "0075ca", "old");
	want(f, "docs", "0e8a16", "new");
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_UPDATE);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION);
	assert_string_equal(f->plan.ops[0].color, "0e8a16");
	assert_string_equal(f->plan.ops[0].description, "new");
	assert_false(f->plan.ops[0].destructive);
}

static void test_empty_description_clears(void **state)
{
	struct fixture *f = *state;

	have(f, "docs", "0075ca", "old");
	want(f, "docs", NULL, "");
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_DESCRIPTION);
	assert_string_equal(f->plan.ops[0].description, "");
}

static void test_case_of_name_is_fixed_in_place(void **state)
{
	struct fixture *f = *state;

	have(f, "Bug", "d73a4a", NULL);
	want(f, "bug", "d73a4a", NULL);
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_UPDATE);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_NAME);
	assert_string_equal(f->plan.ops[0].name, "bug");
	assert_string_equal(f->plan.ops[0].cur->name, "Bug");
}

static void test_decomposed_accent_is_the_same_label(void **state)
{
	struct fixture *f = *state;

	have(f, "caf\x65\xcc\x81", "aaaaaa", NULL); /* e + combining acute */
	want(f, "Caf\xc3\xa9", "aaaaaa", NULL);     /* precomposed, capital */
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_UPDATE);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_NAME);
}

static void test_create_when_missing_with_default_colour(void **state)
{
	struct fixture *f = *state;

	want(f, "triage", NULL, "needs a look");
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_CREATE);
	assert_string_equal(f->plan.ops[0].name, "triage");
	assert_string_equal(f->plan.ops[0].color, "ededed");
	assert_string_equal(f->plan.ops[0].description, "needs a look");
	assert_null(f->plan.ops[0].cur);
}

static void test_rename_alias_in_place(void **state)
{
	struct fixture *f = *state;
	struct want_label *w;

	have(f, "enhancement", "a2eeef", NULL);
	w = want(f, "type: feature", "a2eeef", NULL);
	alias(w, "enhancement");
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_RENAME);
	assert_true(f->plan.ops[0].fields & EPITHET_FIELD_NAME);
	assert_false(f->plan.ops[0].fields & EPITHET_FIELD_COLOR);
	assert_string_equal(f->plan.ops[0].name, "type: feature");
	assert_false(f->plan.ops[0].destructive);
}

static void test_second_alias_is_merged_into_renamed_first(void **state)
{
	struct fixture *f = *state;
	struct want_label *w;

	have(f, "easy", "111111", NULL);
	have(f, "beginner-friendly", "222222", NULL);
	w = want(f, "good first issue", "7057ff", NULL);
	alias(w, "beginner-friendly");
	alias(w, "easy");
	run(f);
	assert_int_equal(f->plan.n, 2);
	assert_int_equal(f->plan.ops[0].kind, OP_RENAME);
	assert_string_equal(f->plan.ops[0].cur->name, "beginner-friendly");
	assert_int_equal(f->plan.ops[1].kind, OP_MERGE);
	assert_string_equal(f->plan.ops[1].cur->name, "easy");
	assert_string_equal(f->plan.ops[1].into, "good first issue");
	assert_ptr_equal(f->plan.ops[1].into_cur, &f->cur[1]);
	assert_true(f->plan.ops[1].destructive);
}

static void test_merge_when_label_and_alias_both_exist(void **state)
{
	struct fixture *f = *state;
	struct want_label *w;

	have(f, "bug", "d73a4a", NULL);
	have(f, "defect", "ff0000", NULL);
	w = want(f, "bug", "d73a4a", NULL);
	alias(w, "defect");
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_MERGE);
	assert_string_equal(f->plan.ops[0].cur->name, "defect");
	assert_ptr_equal(f->plan.ops[0].into_cur, &f->cur[0]);
	assert_int_equal(plan_destructive(&f->plan), 1);
}

static void test_no_rename_capability_never_deletes_and_recreates(void **state)
{
	struct fixture *f = *state;
	struct want_label *w;

	f->opts.caps &= ~EPITHET_CAP_RENAME;
	have(f, "enhancement", "a2eeef", NULL);
	w = want(f, "feature", "a2eeef", NULL);
	alias(w, "enhancement");
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
	assert_int_equal(plan_changes(&f->plan), 0);
}

static void test_no_issue_labels_capability_cannot_merge(void **state)
{
	struct fixture *f = *state;
	struct want_label *w;

	f->opts.caps &= ~EPITHET_CAP_ISSUE_LABELS;
	have(f, "bug", "d73a4a", NULL);
	have(f, "defect", "d73a4a", NULL);
	w = want(f, "bug", "d73a4a", NULL);
	alias(w, "defect");
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
}

static void test_delete_true(void **state)
{
	struct fixture *f = *state;

	have(f, "wontfix", "ffffff", NULL);
	want(f, "wontfix", NULL, NULL)->remove = true;
	want(f, "absent", NULL, NULL)->remove = true;
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_DELETE);
	assert_true(f->plan.ops[0].destructive);
}

static void test_prune_respects_keep_and_aliases(void **state)
{
	struct fixture *f = *state;
	struct want_label *w;

	have(f, "bug", "d73a4a", NULL);
	have(f, "release/1.0", "000000", NULL);
	have(f, "Dependencies", "000000", NULL);
	have(f, "old", "000000", NULL);
	have(f, "defect", "000000", NULL);
	w = want(f, "bug", "d73a4a", NULL);
	alias(w, "defect");
	strv_push(&f->want.keep, "release/*");
	strv_push(&f->want.keep, "dependencies");
	f->opts.prune = true;
	run(f);
	/* merge defect into bug, and prune only "old" */
	assert_int_equal(f->plan.n, 2);
	assert_int_equal(f->plan.ops[0].kind, OP_MERGE);
	assert_int_equal(f->plan.ops[1].kind, OP_DELETE);
	assert_string_equal(f->plan.ops[1].cur->name, "old");
	assert_string_equal(f->plan.ops[1].why, "prune");
}

static void test_prune_archive_where_supported(void **state)
{
	struct fixture *f = *state;

	have(f, "old", "000000", NULL);
	f->opts.prune = true;
	f->opts.prune_archive = true;
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_ARCHIVE);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_ARCHIVED);
	f->opts.caps &= ~EPITHET_CAP_ARCHIVE;
	plan_finish(&f->plan);
	run(f);
	assert_int_equal(f->plan.ops[0].kind, OP_DELETE);
}

static void test_duplicates_are_reported_never_picked(void **state)
{
	struct fixture *f = *state;

	have(f, "bug", "111111", NULL);
	have(f, "Bug", "222222", NULL);
	want(f, "bug", "d73a4a", NULL);
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
	assert_non_null(strstr(f->plan.ops[0].why, "2 labels"));
	assert_true(f->plan.ops[0].fails); /* the label fails in that repo */
}

static void test_duplicate_alias_fails_other_labels_planned(void **state)
{
	struct fixture *f = *state;

	have(f, "old", "111111", NULL);
	have(f, "OLD", "222222", NULL);
	alias(want(f, "new", "d73a4a", NULL), "old");
	want(f, "docs", "0075ca", NULL);
	run(f);
	assert_int_equal(f->plan.n, 3);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
	assert_true(f->plan.ops[0].fails);
	/* the alias is left alone: nothing renamed, the label is created */
	assert_int_equal(f->plan.ops[1].kind, OP_CREATE);
	assert_false(f->plan.ops[1].fails);
	assert_int_equal(f->plan.ops[2].kind, OP_CREATE);
	assert_string_equal(f->plan.ops[2].name, "docs");
}

static void test_rename_command_does_not_create(void **state)
{
	struct fixture *f = *state;
	struct want_label *w;

	w = want(f, "type: feature", NULL, NULL);
	alias(w, "enhancement");
	w->no_create = true;
	run(f);
	assert_int_equal(f->plan.n, 0);
}

static void test_exclusive_only_where_supported(void **state)
{
	struct fixture *f = *state;

	have(f, "priority/high", "b60205", NULL);
	want(f, "priority/high", "b60205", NULL)->exclusive = 1;
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_EXCLUSIVE);
	f->opts.caps &= ~EPITHET_CAP_EXCLUSIVE;
	plan_finish(&f->plan);
	run(f);
	assert_int_equal(f->plan.n, 0);
}

static void test_owner_label_is_not_duplicated_per_repo(void **state)
{
	struct fixture *f = *state;

	have(f, "shared", "111111", NULL);
	f->cur[0].flags |= EPITHET_LABEL_OWNER;
	want(f, "shared", "111111", NULL);
	run(f);
	assert_int_equal(f->plan.n, 0); /* served by the owner's label: no create */
	plan_finish(&f->plan);
	f->want.n_labels = 1;
	f->wl[0].color[0] = '2';
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
	assert_non_null(strstr(f->plan.ops[0].why, "owner-level"));
	assert_false(f->plan.ops[0].fails); /* not a duplicate: a notice only */
}

static void test_repo_label_shadowing_owner_label_is_reported(void **state)
{
	struct fixture *f = *state;

	have(f, "shared", "111111", NULL);
	have(f, "shared", "111111", NULL);
	f->cur[1].flags |= EPITHET_LABEL_OWNER;
	want(f, "shared", "111111", NULL);
	f->opts.prune = true;
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
	assert_non_null(strstr(f->plan.ops[0].why, "(a repo label and an owner-level label)"));
	assert_true(f->plan.ops[0].fails);
	/* two owner-level ones (two ancestors of the repo): said as such */
	plan_finish(&f->plan);
	f->cur[0].flags |= EPITHET_LABEL_OWNER;
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_non_null(strstr(f->plan.ops[0].why, "(owner-level labels)"));
	assert_true(f->plan.ops[0].fails);
}

/* An inherited label (EPITHET_LABEL_OWNER with a holder, e.g. an ancestor
 * group's) that differs from the file is named with its holder, left alone,
 * never deleted, renamed or copied into the repo. */
static void test_inherited_label_names_its_holder(void **state)
{
	struct fixture *f = *state;

	have(f, "kind::bug", "111111", NULL);
	f->cur[0].flags |= EPITHET_LABEL_OWNER;
	f->cur[0].holder = "acme";
	want(f, "kind::bug", "222222", NULL);
	f->opts.prune = true;
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
	assert_string_equal(f->plan.ops[0].why, "kind::bug is an owner-level label of acme here; "
						"left alone (manage it there, with org_labels)");
	plan_finish(&f->plan);
	f->wl[0].remove = true;
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_NOTICE);
	f->cur[0].holder = NULL;
}

static void test_restore_for_undo(void **state)
{
	struct fixture *f = *state;
	struct label before = {0};

	have(f, "renamed", "111111", "x");
	before.name = "orig";
	before.key = "orig";
	before.color = "222222";
	before.description = "x";
	/* undo of a rename: back to the old name and colour */
	plan_restore(&before, &f->cur[0], ALL_CAPS, "undo rename", &f->plan);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_RENAME);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR);
	/* undo of a delete: recreate */
	plan_restore(&before, NULL, ALL_CAPS, "undo delete", &f->plan);
	assert_int_equal(f->plan.ops[1].kind, OP_CREATE);
	assert_string_equal(f->plan.ops[1].name, "orig");
	/* undo of a create: delete what was created; nothing if it is gone */
	plan_restore(NULL, &f->cur[0], ALL_CAPS, "undo create", &f->plan);
	assert_int_equal(f->plan.ops[2].kind, OP_DELETE);
	plan_restore(NULL, NULL, ALL_CAPS, "undo create", &f->plan);
	assert_int_equal(f->plan.n, 3);
}

static void test_restore_is_idempotent(void **state)
{
	struct fixture *f = *state;

	have(f, "orig", "222222", "x");
	plan_restore(&f->cur[0], &f->cur[0], ALL_CAPS, "undo", &f->plan);
	assert_int_equal(f->plan.n, 0);
}

#define BUG "\xF0\x9F\x90\x9B" /* U+1F41B */

/* The forge's labels keyed as the engine keys them for an emoji forge. */
static void emoji_forge(struct fixture *f)
{
	f->opts.caps |= EPITHET_CAP_EMOJI_SHORTCODES;
	for (size_t i = 0; i < f->n_cur; i++) {
		free(f->cur[i].key);
		f->cur[i].key = names_key_mode(f->cur[i].name, NAMES_EMOJI);
	}
}

static void test_emoji_shortcode_is_the_same_label(void **state)
{
	struct fixture *f = *state;

	have(f, ":bug: crash", "d73a4a", NULL);
	have(f, "area/:fire:", "ededed", NULL);
	want(f, BUG " crash", "d73a4a", NULL);
	want(f, "area/:fire:", "ededed", NULL);
	alias(want(f, "docs", "0075ca", NULL), ":memo: docs");
	have(f, "\xF0\x9F\x93\x9D docs", "0075ca", NULL); /* U+1F4DD */
	emoji_forge(f);
	f->opts.prune = true;
	run(f);
	/* no create, no prune: the file's spelling is written, like a case fix */
	assert_int_equal(f->plan.n, 2);
	assert_int_equal(f->plan.ops[0].kind, OP_UPDATE);
	assert_ptr_equal(f->plan.ops[0].cur, &f->cur[0]);
	assert_int_equal(f->plan.ops[0].fields, EPITHET_FIELD_NAME);
	assert_string_equal(f->plan.ops[0].name, BUG " crash");
	/* the alias, spelled with its shortcode, is renamed into docs */
	assert_int_equal(f->plan.ops[1].kind, OP_RENAME);
	assert_ptr_equal(f->plan.ops[1].cur, &f->cur[2]);
}

static void test_emoji_exact_without_the_capability(void **state)
{
	struct fixture *f = *state;

	have(f, ":bug: crash", "d73a4a", NULL);
	want(f, BUG " crash", "d73a4a", NULL);
	run(f);
	assert_int_equal(f->plan.n, 1);
	assert_int_equal(f->plan.ops[0].kind, OP_CREATE);
}

static void test_emoji_two_spellings_in_the_file(void **state)
{
	struct fixture *f = *state;

	want(f, ":bug: crash", "d73a4a", NULL);
	want(f, BUG " Crash", "ff0000", NULL);
	emoji_forge(f);
	run(f);
	assert_int_equal(f->plan.n, 2);
	assert_int_equal(f->plan.ops[0].kind, OP_CREATE);
	assert_string_equal(f->plan.ops[0].name, ":bug: crash");
	assert_int_equal(f->plan.ops[1].kind, OP_NOTICE);
	assert_non_null(strstr(f->plan.ops[1].why, "the same label as :bug: crash"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_matching_label_sends_nothing),
		T(test_colour_compare_ignores_case_and_null_desc_equals_empty),
		T(test_missing_field_is_left_alone),
		T(test_update_colour_and_description),
		T(test_empty_description_clears),
		T(test_case_of_name_is_fixed_in_place),
		T(test_decomposed_accent_is_the_same_label),
		T(test_create_when_missing_with_default_colour),
		T(test_rename_alias_in_place),
		T(test_second_alias_is_merged_into_renamed_first),
		T(test_merge_when_label_and_alias_both_exist),
		T(test_no_rename_capability_never_deletes_and_recreates),
		T(test_no_issue_labels_capability_cannot_merge),
		T(test_delete_true),
		T(test_prune_respects_keep_and_aliases),
		T(test_prune_archive_where_supported),
		T(test_duplicates_are_reported_never_picked),
		T(test_duplicate_alias_fails_other_labels_planned),
		T(test_rename_command_does_not_create),
		T(test_exclusive_only_where_supported),
		T(test_owner_label_is_not_duplicated_per_repo),
		T(test_repo_label_shadowing_owner_label_is_reported),
		T(test_inherited_label_names_its_holder),
		T(test_restore_for_undo),
		T(test_restore_is_idempotent),
		T(test_emoji_shortcode_is_the_same_label),
		T(test_emoji_exact_without_the_capability),
		T(test_emoji_two_spellings_in_the_file),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
