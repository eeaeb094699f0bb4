/* SPDX-License-Identifier: MIT */
/*
 * What a run keeps for each repo (SPEC 11, memory bounded by the batch):
 * the repo names' arena (core/strarena.c) and a repo's work, made when it is
 * needed and dropped when it is empty (struct repo_work, core/run.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run.h"
#include "strarena.h"
#include "util.h"

/* Every string stays intact across chunks, including ones longer than a
 * chunk; the short ones after a long one still share a chunk. */
static void test_arena_keeps_every_string(void **state)
{
	struct strarena *a = NULL;
	char *s[5000], *big, *after_big[2], *longtext = xmalloc(40001);
	char want[64];

	(void)state;
	for (size_t i = 0; i < 5000; i++)
		s[i] = strarena_printf(&a, "acme/repo-%05zu", i);
	assert_non_null(a);
	memset(longtext, 'x', 40000);
	longtext[40000] = '\0';
	big = strarena_printf(&a, "%s", longtext);
	after_big[0] = strarena_printf(&a, "%s", "a");
	after_big[1] = strarena_printf(&a, "%s", "b");
	for (size_t i = 0; i < 5000; i++) {
		snprintf(want, sizeof(want), "acme/repo-%05zu", i);
		assert_string_equal(s[i], want);
	}
	assert_string_equal(big, longtext);
	assert_string_equal(after_big[0], "a");
	assert_string_equal(after_big[1], "b");
	/* packed end to end: "a" and "b" are neighbours in the chunk the
	 * short names were going into, not in the long string's own */
	assert_ptr_equal(after_big[1], after_big[0] + 2);
	assert_ptr_equal(s[1], s[0] + strlen(s[0]) + 1);
	strarena_free(&a);
	assert_null(a);
	strarena_free(&a); /* twice is nothing */
	free(longtext);
}

static void test_arena_empty_string(void **state)
{
	struct strarena *a = NULL;
	char *e;

	(void)state;
	e = strarena_printf(&a, "%s", "");
	assert_string_equal(e, "");
	strarena_free(&a);
}

/* A repo starts with the shared empty work, which reads as empty. */
static void test_work_none_reads_empty(void **state)
{
	struct repo_run r = {.w = REPO_WORK_NONE};

	(void)state;
	assert_ptr_equal(r.w, REPO_WORK_NONE);
	assert_int_equal(r.w->n_labels, 0);
	assert_null(r.w->labels);
	assert_int_equal(r.w->plan.n, 0);
	assert_null(r.w->ops);
	assert_null(r.w->read_error);
	repo_work_settle(&r);
	assert_ptr_equal(r.w, REPO_WORK_NONE);
	repo_work_free(&r);
	assert_ptr_equal(r.w, REPO_WORK_NONE);
}

/* repo_work gives a repo its own once; settle drops it only when empty. */
static void test_work_made_and_settled(void **state)
{
	struct repo_run r = {.w = REPO_WORK_NONE};
	struct repo_work *w;

	(void)state;
	w = repo_work(&r);
	assert_ptr_not_equal(w, REPO_WORK_NONE);
	assert_ptr_equal(repo_work(&r), w); /* the same one again */
	repo_work_settle(&r);
	assert_ptr_equal(r.w, REPO_WORK_NONE); /* nothing in it: dropped */

	w = repo_work(&r);
	w->read_error = xstrdup("cannot read labels");
	repo_work_settle(&r);
	assert_ptr_equal(r.w, w); /* a read error is kept for the report */
	repo_work_free(&r);
	assert_ptr_equal(r.w, REPO_WORK_NONE);

	w = repo_work(&r);
	strv_push(&w->topics, "frontend");
	repo_work_settle(&r);
	assert_ptr_equal(r.w, w);
	repo_work_free(&r);
	assert_ptr_equal(r.w, REPO_WORK_NONE);
}

/* The record a target keeps for every repo it selects stays small. */
static void test_record_is_small(void **state)
{
	(void)state;
	assert_true(sizeof(struct repo_run) <= 48);
	assert_true(sizeof(struct op) <= 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_keeps_every_string),
		cmocka_unit_test(test_arena_empty_string),
		cmocka_unit_test(test_work_none_reads_empty),
		cmocka_unit_test(test_work_made_and_settled),
		cmocka_unit_test(test_record_is_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
