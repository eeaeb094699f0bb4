/* SPDX-License-Identifier: MIT */
/*
 * Labels files (core/labels/, interface core/labelsfile.h): every accepted form, the bad-file corpus
 * under tests/data/labels-bad (each problem with its exact line and column),
 * and the export round trip.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "labelsfile.h"
#include "names.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data"
#endif

static char *data_path(const char *dir, const char *file)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s/%s", TEST_DATA_DIR, dir, file) > 0);
	return p;
}

static void print_diags(const struct lf_diags *g)
{
	for (size_t i = 0; i < g->n; i++) {
		char *s = lf_diag_format(&g->v[i]);

		print_message("  %s\n", s);
		free(s);
	}
}

/* Load a good file: it must load with no problem at all. */
static void load_good(const char *file, struct desired *d)
{
	struct lf_diags g = { 0 };
	char *path = data_path("labels-good", file);
	int r = lf_load(path, NULL, d, &g);

	if (r != 0 || g.n != 0)
		print_diags(&g);
	assert_int_equal(r, 0);
	assert_int_equal(g.n, 0);
	lf_diags_finish(&g);
	free(path);
}

static int load_buf(const char *name, const char *text, struct desired *d, struct lf_diags *g)
{
	return lf_load_buffer(name, text, strlen(text), NULL, d, g);
}

static const struct want_label *find(const struct desired *d, const char *name)
{
	for (size_t i = 0; i < d->n_labels; i++)
		if (strcmp(d->labels[i].name, name) == 0)
			return &d->labels[i];
	fail_msg("no label '%s'", name);
	return NULL;
}

static void assert_strv(char *const *v, const char *const *want)
{
	size_t i;

	if (!want) {
		assert_null(v);
		return;
	}
	assert_non_null(v);
	for (i = 0; want[i]; i++) {
		assert_non_null(v[i]);
		assert_string_equal(v[i], want[i]);
	}
	assert_null(v[i]);
}

static void assert_opt_string(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* Two desired sets ask for the same labels and keep (positions aside). */
static void assert_same_labels(const struct desired *a, const struct desired *b)
{
	assert_int_equal(a->n_labels, b->n_labels);
	for (size_t i = 0; i < a->n_labels; i++) {
		const struct want_label *x = &a->labels[i], *y = &b->labels[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->key, y->key);
		assert_opt_string(x->color, y->color);
		assert_int_equal(x->has_description, y->has_description);
		if (x->has_description)
			assert_string_equal(x->description, y->description);
		assert_int_equal(x->exclusive, y->exclusive);
		assert_int_equal(x->remove, y->remove);
		assert_int_equal(x->n_aliases, y->n_aliases);
		for (size_t k = 0; k < x->n_aliases; k++) {
			assert_string_equal(x->aliases[k], y->aliases[k]);
			assert_string_equal(x->alias_keys[k], y->alias_keys[k]);
		}
	}
	if (!a->keep || !b->keep) {
		assert_true((!a->keep || !a->keep[0]) && (!b->keep || !b->keep[0]));
	} else {
		size_t k;

		for (k = 0; a->keep[k]; k++) {
			assert_non_null(b->keep[k]);
			assert_string_equal(a->keep[k], b->keep[k]);
		}
		assert_null(b->keep[k]);
	}
}

/* ---- accepted forms ---- */

static void check_label_sync(const struct desired *d)
{
	const struct want_label *w;

	assert_int_equal(d->n_labels, 5);
	assert_int_equal(d->n_targets, 0);
	assert_null(d->keep);

	w = &d->labels[0];
	assert_string_equal(w->name, "bug");
	assert_string_equal(w->key, "bug");
	assert_string_equal(w->color, "d73a4a");
	assert_true(w->has_description);
	assert_string_equal(w->description, "Something isn't working");
	assert_int_equal(w->exclusive, -1);
	assert_false(w->remove);
	assert_int_equal(w->n_aliases, 2);
	assert_string_equal(w->aliases[0], "defect");
	assert_string_equal(w->aliases[1], "type: bug");
	assert_string_equal(w->alias_keys[1], "type: bug");
	assert_int_equal(w->pos.line, 2);

	w = find(d, "documentation");
	assert_string_equal(w->color, "0075ca");
	w = find(d, "help wanted");
	assert_string_equal(w->color, "008672");
	/* No description key: leave the forge's as it is. */
	assert_false(w->has_description);
	assert_null(w->description);
	w = find(d, "invalid");
	assert_true(w->remove);
	assert_null(w->color);
	assert_int_equal(w->n_aliases, 0);
	assert_null(w->aliases);
}

static void test_label_sync_yaml(void **state)
{
	struct desired d;

	(void)state;
	load_good("label-sync.yml", &d);
	check_label_sync(&d);
	desired_finish(&d);
}

static void test_label_sync_json(void **state)
{
	struct desired y, j;

	(void)state;
	load_good("label-sync.json", &j);
	check_label_sync(&j);
	/* The two formats read to the same set. */
	load_good("label-sync.yml", &y);
	assert_same_labels(&y, &j);
	assert_int_equal(j.labels[0].pos.line, 2);
	assert_int_equal(j.labels[0].pos.col, 3);
	desired_finish(&y);
	desired_finish(&j);
}

static void test_labeler_from_name(void **state)
{
	struct desired d;
	const struct want_label *w;

	(void)state;
	load_good("labeler.yml", &d);
	assert_int_equal(d.n_labels, 3);
	w = find(&d, ":bug: bug");
	assert_int_equal(w->n_aliases, 1);
	assert_string_equal(w->aliases[0], "bug");
	w = find(&d, ":rocket: feature");
	assert_string_equal(w->aliases[0], "enhancement");
	w = find(&d, "status/stale");
	assert_string_equal(w->color, "fef2c0");
	/* description: "" clears. */
	assert_true(w->has_description);
	assert_string_equal(w->description, "");
	desired_finish(&d);
}

static void check_mapping_labels(const struct desired *d)
{
	static const char *const keep[] = { "release/*", "dependencies", NULL };
	const struct want_label *w;

	assert_int_equal(d->n_labels, 3);
	w = find(d, "good first issue");
	assert_string_equal(w->color, "7057ff");
	assert_string_equal(w->description, "Good for newcomers");
	assert_int_equal(w->n_aliases, 2);
	assert_string_equal(w->aliases[0], "beginner-friendly");
	assert_string_equal(w->aliases[1], "easy");
	w = find(d, "priority/high");
	assert_string_equal(w->color, "b60205");
	assert_int_equal(w->exclusive, 1);
	w = find(d, "wontfix");
	assert_true(w->remove);
	assert_strv(d->keep, keep);
}

static void test_mapping_yaml(void **state)
{
	static const char *const exclude[] = { "*-archive", NULL };
	static const char *const repos[] = { "beeware/toga", "beeware/briefcase", NULL };
	static const char *const include[] = { "to*", NULL };
	static const char *const topics[] = { "python", NULL };
	struct desired d;
	const struct target *t;

	(void)state;
	load_good("mapping.yml", &d);
	check_mapping_labels(&d);
	assert_int_equal(d.n_targets, 4);

	t = &d.targets[0];
	assert_string_equal(t->forge, "github");
	assert_string_equal(t->org, "beeware");
	assert_null(t->url);
	assert_strv(t->exclude, exclude);
	assert_null(t->include);
	assert_false(t->org_labels);
	assert_int_equal(t->pos.line, 2);
	assert_int_equal(t->pos.col, 5);

	t = &d.targets[1];
	assert_string_equal(t->url, "https://ghe.example.com");
	assert_string_equal(t->org, "platform");

	t = &d.targets[2];
	assert_string_equal(t->forge, "gitea");
	assert_string_equal(t->token_env, "BEEWARE_GITEA_TOKEN");
	assert_true(t->org_labels);

	t = &d.targets[3];
	assert_string_equal(t->api_url, "https://api.example.com/v3");
	assert_null(t->org);
	assert_strv(t->repos, repos);
	assert_strv(t->include, include);
	assert_strv(t->topics, topics);
	assert_true(t->archived);
	assert_false(t->forks);
	desired_finish(&d);
}

static void test_mapping_json(void **state)
{
	struct desired y, j;

	(void)state;
	load_good("mapping.json", &j);
	check_mapping_labels(&j);
	assert_int_equal(j.n_targets, 1);
	assert_string_equal(j.targets[0].forge, "gitea");
	assert_true(j.targets[0].org_labels);
	assert_int_equal(j.targets[0].pos.line, 3);
	assert_int_equal(j.targets[0].pos.col, 5);
	load_good("mapping.yml", &y);
	assert_same_labels(&y, &j);
	desired_finish(&y);
	desired_finish(&j);
}

static void test_anchors(void **state)
{
	struct desired d;
	const struct want_label *w;

	(void)state;
	load_good("anchors.yml", &d);
	assert_int_equal(d.n_labels, 4);
	w = find(&d, "kind/feature");
	assert_string_equal(w->color, "1d76db");
	assert_string_equal(w->description, "A kind of change");
	/* The label's own key wins over the merged one. */
	w = find(&d, "kind/fix");
	assert_string_equal(w->color, "1d76db");
	assert_string_equal(w->description, "A fix");
	w = find(&d, "area/cli");
	assert_string_equal(w->color, "c5def5");
	desired_finish(&d);
}

static void test_merge_order(void **state)
{
	struct desired d;
	struct lf_diags g = { 0 };

	(void)state;
	/* Earlier merged mappings win over later ones; own keys over both. */
	assert_int_equal(load_buf("m.yml", "x-a: &a {color: fff}\n"
				  "x-b: &b {description: d, color: \"000\"}\n"
				  "labels:\n  - <<: [*a, *b]\n    name: b\n"
				  "  - <<: [*a, *b]\n    name: c\n    color: abc\n", &d, &g), 0);
	assert_string_equal(d.labels[0].color, "ffffff");
	assert_string_equal(d.labels[0].description, "d");
	assert_string_equal(d.labels[1].color, "aabbcc");
	desired_finish(&d);
}

static void test_empty_list(void **state)
{
	static const char *const keep[] = { "*", NULL };
	struct desired d;

	(void)state;
	/* An explicit empty list is valid (sync --prune with keep). */
	load_good("empty-list.yml", &d);
	assert_int_equal(d.n_labels, 0);
	assert_null(d.labels);
	assert_strv(d.keep, keep);
	desired_finish(&d);
}

static void test_detect_by_content(void **state)
{
	static const char *const files[] = { "detect-json", "detect-yaml", "detect-flow" };
	struct desired d;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		load_good(files[i], &d);
		assert_int_equal(d.n_labels, 1);
		assert_string_equal(d.labels[0].name, "bug");
		assert_string_equal(d.labels[0].color, "ff0000");
		desired_finish(&d);
	}
}

static void test_bom_crlf(void **state)
{
	struct desired d;

	(void)state;
	load_good("bom-crlf.yml", &d);
	assert_int_equal(d.n_labels, 1);
	assert_string_equal(d.labels[0].name, "bug");
	assert_string_equal(d.labels[0].color, "ff0000");
	assert_string_equal(d.labels[0].description, "Caf\xc3\xa9");
	desired_finish(&d);
}

static void test_scalars(void **state)
{
	struct desired d;
	const struct want_label *w;

	(void)state;
	load_good("scalars.yml", &d);
	/* Unquoted number-looking values are the text as written. */
	w = find(&d, "2024");
	assert_string_equal(w->color, "000000");
	/* An explicit null description clears. */
	assert_true(w->has_description);
	assert_string_equal(w->description, "");
	w = find(&d, "yes");
	assert_string_equal(w->color, "123456");
	assert_string_equal(w->description, "1.0");
	assert_int_equal(w->exclusive, 0);
	w = find(&d, "Stra\xc3\x9f" "e");
	assert_string_equal(w->key, "strasse");
	assert_string_equal(w->color, "ffffff");
	desired_finish(&d);
}

static void test_aliases_merged(void **state)
{
	struct desired d;
	struct lf_diags g = { 0 };
	const struct want_label *w;

	(void)state;
	/* from_name and aliases together; the same name twice counts once. */
	assert_int_equal(load_buf("x.yml", "- name: x\n  aliases: [a, B]\n  from_name: c\n"
				  "- name: y\n  aliases: [d, D]\n  from_name: d\n", &d, &g), 0);
	assert_int_equal(g.n, 0);
	w = find(&d, "x");
	assert_int_equal(w->n_aliases, 3);
	assert_string_equal(w->aliases[1], "B");
	assert_string_equal(w->alias_keys[1], "b");
	assert_string_equal(w->aliases[2], "c");
	w = find(&d, "y");
	assert_int_equal(w->n_aliases, 1);
	desired_finish(&d);
}

static void test_json_decoding(void **state)
{
	struct desired d;
	struct lf_diags g = { 0 };

	(void)state;
	assert_int_equal(load_buf("x.json", "[{\"name\": \"caf\\u00e9 \\ud83d\\udc1b\", "
				  "\"description\": \"a \\\"quote\\\" and \\\\\", \"exclusive\": false}]",
				  &d, &g), 0);
	assert_string_equal(d.labels[0].name, "caf\xc3\xa9 \xf0\x9f\x90\x9b");
	assert_string_equal(d.labels[0].description, "a \"quote\" and \\");
	assert_int_equal(d.labels[0].exclusive, 0);
	desired_finish(&d);
	lf_diags_finish(&g);
}

static void test_example(void **state)
{
	static const char *const keep[] = { "dependencies", "triage", "release/*", NULL };
	struct desired d;
	struct lf_diags g = { 0 };
	char *path = data_path("../../examples", "labels.yml");
	const struct want_label *w;

	(void)state;
	if (lf_load(path, &(struct lf_limits){ 50, 100, NULL }, &d, &g) != 0) {
		print_diags(&g);
		fail();
	}
	assert_int_equal(d.n_labels, 13);
	assert_int_equal(d.n_targets, 0);
	assert_strv(d.keep, keep);
	w = find(&d, "documentation");
	assert_string_equal(w->aliases[0], "docs");
	w = find(&d, "area/cli");
	assert_string_equal(w->aliases[0], "area/command line");
	w = find(&d, "priority/high");
	assert_string_equal(w->color, "b60205");
	assert_int_equal(w->exclusive, 1);
	assert_true(find(&d, "invalid")->remove);
	assert_string_equal(find(&d, "wontfix")->description, "");
	desired_finish(&d);
	free(path);
}

static void test_nulls(void **state)
{
	struct desired d;
	struct lf_diags g = { 0 };

	(void)state;
	/* A target with no forge gets the default one, as on the command line. */
	assert_int_equal(load_buf("t.yml", "labels: []\ntargets:\n  - org: x\n", &d, &g), 0);
	assert_int_equal(d.n_targets, 1);
	assert_string_equal(d.targets[0].forge, EPITHET_DEFAULT_FORGE);
	desired_finish(&d);
	/* A null list, boolean or target list is as if left out. */
	assert_int_equal(load_buf("n.yml", "labels:\n  - name: a\n    aliases:\n    delete: ~\n"
				  "    exclusive: null\ntargets:\nkeep:\n", &d, &g), 0);
	assert_int_equal(d.labels[0].n_aliases, 0);
	assert_false(d.labels[0].remove);
	assert_int_equal(d.labels[0].exclusive, -1);
	assert_false(d.labels[0].has_description);
	assert_int_equal(d.n_targets, 0);
	assert_null(d.keep);
	desired_finish(&d);
	/* A NUL decoded from JSON is refused, in a value and in a key. */
	assert_true(load_buf("n.json", "[{\"name\": \"a\\u0000b\"}, {\"name\": \"c\", "
			     "\"name\\u0000x\": 1}]", &d, &g) < 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.v[0].message, "'name' contains a NUL character");
	assert_int_equal(g.v[0].col, 11);
	assert_string_equal(g.v[1].message, "unknown key 'name\\u0000x' in a label (did you mean 'name'?)");
	lf_diags_finish(&g);
}

/* ---- the bad corpus ---- */

struct expect {
	unsigned line, col;
	const char *text;        /* part of the message */
};

struct bad_case {
	const char *file;
	bool limits;             /* check against name 50, description 100 */
	struct expect e[12];     /* ends at line 0 */
};

static const struct bad_case bad_cases[] = {
	{ "malformed.yml", false, {
		{ 5, 1, "not valid YAML: found unexpected end of stream (while scanning a quoted "
			"scalar that starts at line 3, column 9)" } } },
	{ "malformed-indent.yml", false, {
		{ 4, 4, "not valid YAML: did not find expected '-' indicator" } } },
	{ "malformed.json", false, {
		{ 3, 22, "not valid JSON: unexpected character (at '}')" } } },
	{ "truncated.json", false, {
		{ 3, 1, "not valid JSON: the file ends inside a value" } } },
	{ "nonstandard.json", false, {
		{ 2, 28, "not valid JSON: unexpected character 'N'" } } },
	{ "bad-colors.yml", false, {
		{ 2, 10, "color 'ggg' is not 3 or 6 hex digits" },
		{ 4, 10, "color '#1234567' is not 3 or 6 hex digits" },
		{ 6, 10, "color '12345' is not 3 or 6 hex digits" },
		{ 8, 9, "'color' has no value (in YAML an unquoted '#' starts a comment" },
		{ 10, 10, "'color' must be text, not a list" },
		{ 12, 10, "color '# fff' is not 3 or 6 hex digits" } } },
	{ "name-too-long.yml", true, {
		{ 2, 9, "the name is 51 characters long; the forge allows at most 50" },
		{ 5, 16, "the description is 101 characters long; the forge allows at most 100" } } },
	{ "dup-case.yml", false, {
		{ 3, 9, "label 'bug' is the same label as 'Bug' at line 1" },
		{ 5, 9, "label 'BUG' is the same label as 'Bug' at line 1" } } },
	{ "dup-nfc.yml", false, {
		{ 3, 9, "label 'cafe\xcc\x81' is the same label as 'caf\xc3\xa9' at line 1" },
		{ 5, 9, "label 'CAF\xc3\x89' is the same label as 'caf\xc3\xa9' at line 1" } } },
	{ "dup-nfc.json", false, {
		/* Columns count code points: é is one. */
		{ 3, 29, "label 'cafe\xcc\x81' is the same label as 'caf\xc3\xa9' at line 2" } } },
	{ "alias-collision.yml", false, {
		{ 2, 21, "alias 'feature' is the name of another label, 'feature' at line 3" },
		{ 6, 13, "alias 'Defect' is also an alias of 'bug' (line 2)" },
		{ 7, 14, "alias 'ENHANCEMENT' is also an alias of 'feature' (line 4)" } } },
	{ "alias-own-name.yml", false, {
		{ 2, 13, "alias 'bug' is the label's own name" },
		{ 4, 14, "alias 'DOCS' is the label's own name" } } },
	{ "delete-aliases.yml", false, {
		{ 3, 3, "a label with 'delete: true' cannot have aliases" },
		{ 5, 3, "a label with 'delete: true' cannot have aliases" } } },
	{ "unknown-keys.yml", false, {
		{ 1, 1, "unknown key 'lables' in the file (did you mean 'labels'?)" },
		{ 4, 5, "unknown key 'colour' in a label (did you mean 'color'?)" },
		{ 5, 5, "unknown key 'descripton' in a label (did you mean 'description'?)" },
		{ 6, 5, "unknown key 'desc' in a label (did you mean 'description'?)" },
		{ 8, 5, "unknown key 'Name' in a label (did you mean 'name'?)" },
		{ 9, 5, "unknown key 'title' in a label" },
		{ 13, 5, "unknown key 'orgs' in a target (did you mean 'org'?)" },
		{ 14, 5, "unknown key 'token' in a target (did you mean 'token_env'?)" } } },
	{ "empty.yml", false, { { 1, 1, "no labels: the file is empty" } } },
	{ "comment-only.yml", false, { { 1, 1, "no labels: the file is empty" } } },
	{ "invalid-utf8.yml", false, { { 3, 13, "the file is not valid UTF-8 (byte 0xE9)" } } },
	{ "nul-byte.json", false, { { 2, 13, "the file contains a NUL byte" } } },
	{ "control-chars.yml", false, {
		{ 1, 9, "the name contains the control character U+0007" },
		{ 2, 9, "the name contains the control character U+0009" },
		{ 3, 9, "the name contains the control character U+0085" },
		{ 5, 16, "the description contains a line break (U+000A)" },
		{ 9, 16, "the description contains the control character U+007F" } } },
	{ "wrong-types.yml", false, {
		{ 2, 11, "'name' must be text, not a list" },
		{ 4, 18, "'description' must be text, not a list" },
		{ 5, 14, "'aliases' must be a list of names, not a string" },
		{ 6, 13, "'delete' must be true or false, not the text 'yes'" },
		{ 7, 16, "'exclusive' must be true or false, not the text '1'" },
		{ 8, 11, "'name' must be text, not the boolean true (put it in quotes: \"true\")" },
		{ 9, 5, "a label is a mapping with at least a name (name: \"just-a-string\")" },
		{ 11, 16, "'from_name' must be text, not a list" },
		{ 12, 10, "'targets' must be a list of targets, not a mapping" },
		{ 13, 7, "'keep' must be a list of text, not a string" } } },
	{ "wrong-types.json", false, {
		{ 3, 14, "'name' must be text, not a number" },
		{ 3, 27, "'color' must be text (\"123456\"), not a number" },
		{ 3, 45, "'delete' must be true or false, not the text 'true'" },
		{ 4, 72, "an item of 'aliases' must be text, not a number" },
		{ 5, 5, "a label is a mapping with at least a name (name: \"bug\"), not a string" },
		{ 7, 12, "an item of 'keep' must be text, not a boolean" } } },
	{ "names.yml", false, {
		{ 1, 3, "this label has no 'name'" },
		{ 2, 9, "'name' is empty" },
		{ 3, 8, "'name' is empty" },
		{ 4, 9, "name ' bug' starts or ends with a space" },
		{ 5, 9, "name 'bug ' starts or ends with a space" },
		{ 6, 9, "'name' is empty" } } },
	{ "no-labels.yml", false, { { 1, 1, "no 'labels' in the file" } } },
	{ "labels-null.yml", false, { { 1, 1, "'labels' is empty (write 'labels: []'" } } },
	{ "single-label.yml", false, { { 1, 1, "this is one label" } } },
	{ "scalar.yml", false, { { 1, 1, "a labels file is a list of labels, or a mapping with "
					  "'labels'; this is a string" } } },
	{ "two-docs.yml", false, { { 2, 1, "a labels file holds one YAML document" } } },
	{ "duplicate-key.yml", false, { { 3, 3, "key 'name' is given twice (first at line 1, column 3)" } } },
	{ "bad-targets.yml", false, {
		{ 5, 12, "give 'org' or 'repos', not both" },
		{ 7, 13, "repo 'toga' is not OWNER/NAME" },
		{ 7, 19, "repo 'beeware/' is not OWNER/NAME" },
		{ 7, 31, "repo 'beeware//toga' is not OWNER/NAME" },
		{ 9, 10, "'url' must start with https://" },
		{ 10, 14, "give 'url' or 'api_url', not both" },
		{ 12, 16, "'token_env' must be the name of an environment variable" },
		{ 13, 17, "'org_labels' must be true or false, not the text 'yes'" },
		{ 14, 5, "this target has neither 'org' nor 'repos'" },
		{ 15, 5, "a target is a mapping (forge, url, org, ...), not a string" } } },
	{ "alias-cycle.yml", false, { { 2, 5, "nested more than 64 levels deep (or an alias refers to itself)" } } },
	{ "merge-cycle.yml", false, { { 1, 6, "nested more than 64 levels deep (or an alias refers to itself)" } } },
	{ "bad-merge.yml", false, {
		{ 6, 10, "the merge key '<<' needs a mapping or a list of mappings, not a list" },
		{ 8, 9, "the merge key '<<' needs a mapping or a list of mappings, not a string" } } },
	{ "billion-laughs.yml", false, { { 1, 52, "YAML aliases expand to more than 16 times" } } },
};

static void run_bad(const struct bad_case *bc)
{
	static const struct lf_limits github_like = { 50, 100, NULL };
	struct desired d;
	struct lf_diags g = { 0 };
	char *path = data_path("labels-bad", bc->file);
	size_t n_expect = 0;
	int r;

	memset(&d, 0xa5, sizeof(d));
	r = lf_load(path, bc->limits ? &github_like : NULL, &d, &g);
	while (n_expect < 12 && bc->e[n_expect].line)
		n_expect++;
	if (g.n != n_expect) {
		print_message("%s: %zu problems, expected %zu:\n", bc->file, g.n, n_expect);
		print_diags(&g);
	}
	assert_true(r < 0);
	/* Nothing is kept from an invalid file. */
	assert_int_equal(d.n_labels, 0);
	assert_null(d.labels);
	assert_null(d.keep);
	assert_int_equal(d.n_targets, 0);
	assert_int_equal(g.n, n_expect);
	for (size_t i = 0; i < n_expect; i++) {
		const struct lf_diag *x = &g.v[i];
		char *want = NULL, *got = lf_diag_format(x);

		/* Sorted by position, each FILE:LINE:COL: MESSAGE. */
		assert_true(asprintf(&want, "%s:%u:%u: %s", path, bc->e[i].line, bc->e[i].col,
				     bc->e[i].text) > 0);
		if (strncmp(got, want, strlen(want)) != 0)
			fail_msg("%s: problem %zu is\n  %s\nexpected\n  %s", bc->file, i, got, want);
		free(want);
		free(got);
	}
	lf_diags_finish(&g);
	free(path);
}

static void test_bad_corpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		run_bad(&bad_cases[i]);
}

/* Every file in labels-bad/ has a case above: a new bad file needs one. */
static void test_bad_corpus_complete(void **state)
{
	char *dir = NULL, *cmd = NULL, line[256];
	FILE *ls;
	size_t n_files = 0;

	(void)state;
	assert_true(asprintf(&dir, "%s/labels-bad", TEST_DATA_DIR) > 0);
	assert_true(asprintf(&cmd, "ls -1 '%s'", dir) > 0);
	ls = popen(cmd, "r");
	assert_non_null(ls);
	while (fgets(line, sizeof(line), ls)) {
		bool found = false;

		line[strcspn(line, "\n")] = '\0';
		for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
			found = found || strcmp(bad_cases[i].file, line) == 0;
		if (!found)
			fail_msg("labels-bad/%s has no test case", line);
		n_files++;
	}
	pclose(ls);
	assert_int_equal(n_files, sizeof(bad_cases) / sizeof(bad_cases[0]));
	free(cmd);
	free(dir);
}

/* A file over LF_MAX_BYTES, made here rather than kept in the repository. */
static void test_too_large(void **state)
{
	static const char row[] = "- name: l0000000\n";   /* 17 bytes */
	char dir[] = "/tmp/epithet-lf-XXXXXX", *path = NULL;
	struct desired d;
	struct lf_diags g = { 0 };
	size_t rows = LF_MAX_BYTES / (sizeof(row) - 1) + 10, over;
	FILE *f;
	char *want = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&path, "%s/big.yml", dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	for (size_t i = 0; i < rows; i++)
		fputs(row, f);
	assert_int_equal(fclose(f), 0);

	assert_true(lf_load(path, NULL, &d, &g) < 0);
	assert_int_equal(d.n_labels, 0);
	assert_int_equal(g.n, 1);
	/* The first byte past the limit: line and column of that byte. */
	over = LF_MAX_BYTES;
	assert_int_equal(g.v[0].line, over / (sizeof(row) - 1) + 1);
	assert_int_equal(g.v[0].col, over % (sizeof(row) - 1) + 1);
	assert_non_null(strstr(g.v[0].message, "larger than 4194304 bytes"));
	want = lf_diag_format(&g.v[0]);
	assert_non_null(strstr(want, path));
	free(want);
	lf_diags_finish(&g);

	unlink(path);
	rmdir(dir);
	free(path);
}

static void test_too_large_buffer(void **state)
{
	size_t len = LF_MAX_BYTES + 1;
	char *buf = malloc(len);
	struct desired d;
	struct lf_diags g = { 0 };

	(void)state;
	assert_non_null(buf);
	memset(buf, '\n', len);
	assert_true(lf_load_buffer("big.json", buf, len, NULL, &d, &g) < 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].line, LF_MAX_BYTES + 1);
	assert_int_equal(g.v[0].col, 1);
	lf_diags_finish(&g);
	free(buf);
}

static void test_missing_file(void **state)
{
	struct desired d;
	struct lf_diags g = { 0 };
	char *s;

	(void)state;
	assert_int_equal(lf_load("/nonexistent/labels.yml", NULL, &d, &g), -ENOENT);
	assert_int_equal(g.n, 1);
	s = lf_diag_format(&g.v[0]);
	assert_string_equal(s, "/nonexistent/labels.yml: cannot open the labels file: "
			    "No such file or directory");
	free(s);
	lf_diags_finish(&g);
	assert_true(lf_load(TEST_DATA_DIR, NULL, &d, &g) < 0);
	assert_int_equal(g.n, 1);
	lf_diags_finish(&g);
}

static void test_too_many_problems(void **state)
{
	struct desired d;
	struct lf_diags g = { 0 };
	char *buf = malloc(300 * 16 + 1), *p;

	(void)state;
	assert_non_null(buf);
	p = buf;
	for (int i = 0; i < 300; i++)
		p += sprintf(p, "- color: ggg\n");
	/* 600 problems: 200 are shown, then one line says how many more. */
	assert_true(load_buf("many.yml", buf, &d, &g) < 0);
	assert_int_equal(g.n, 201);
	assert_int_equal(g.v[0].line, 1);
	assert_string_equal(g.v[200].message, "400 more problems not shown");
	lf_diags_finish(&g);
	free(buf);
}

static void test_json_falls_back_to_yaml(void **state)
{
	struct desired d;
	struct lf_diags g = { 0 };

	(void)state;
	/* No extension, JSON-looking, not JSON but YAML flow: loads. */
	assert_int_equal(load_buf("labels", "{labels: [{name: bug}], keep: [x]}", &d, &g), 0);
	assert_int_equal(d.n_labels, 1);
	desired_finish(&d);
	/* Neither: the JSON problem is the one shown. */
	assert_true(load_buf("labels", "[{\"name\": \"x\"}, {name: y, color: [}]", &d, &g) < 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].line, 1);
	assert_int_equal(g.v[0].col, 18);
	assert_non_null(strstr(g.v[0].message, "not valid JSON"));
	lf_diags_finish(&g);
	/* By extension .json, YAML is not tried. */
	assert_true(load_buf("labels.json", "[{name: bug}]", &d, &g) < 0);
	assert_int_equal(g.n, 1);
	lf_diags_finish(&g);
}

static void test_check_limits(void **state)
{
	static const struct lf_limits small = { 5, 20, NULL };
	struct desired d;
	struct lf_diags g = { 0 };

	(void)state;
	load_good("label-sync.yml", &d);
	assert_int_equal(lf_check_limits("label-sync.yml", &d, NULL, &g), 0);
	assert_int_equal(lf_check_limits("label-sync.yml", &d, &(struct lf_limits){ 0, 0, NULL }, &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(lf_check_limits("label-sync.yml", &d, &small, &g), -EINVAL);
	/*
	 * bug: description 23 > 20; documentation: name, description;
	 * duplicate: name, description; help wanted: name. "invalid" is
	 * deleted: not checked.
	 */
	assert_int_equal(g.n, 6);
	assert_int_equal(g.v[0].line, 2);
	assert_int_equal(g.v[0].col, 3);
	assert_string_equal(g.v[0].message, "the description is 23 characters long; the forge allows "
			    "at most 20 (counted in Unicode code points)");
	assert_int_equal(g.v[1].line, 8);
	assert_non_null(strstr(g.v[1].message, "the name is 13 characters long"));
	lf_diags_finish(&g);
	desired_finish(&d);
}

/* A forge's name_forbidden: a name holding one of them is refused where it
 * is, in the file and from the command line (lf_check_limits). */
static void test_forbidden_characters(void **state)
{
	static const char text[] = "- name: ok\n- name: a,b\n- name: gone,x\n  delete: true\n";
	static const struct lf_limits no_comma = { 0, 0, "," };
	struct desired d;
	struct lf_diags g = { 0 };

	(void)state;
	assert_int_equal(lf_load_buffer("l.yml", text, sizeof(text) - 1, &no_comma, &d, &g), -EINVAL);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].line, 2);
	assert_string_equal(g.v[0].message, "the name 'a,b' contains ',', which the forge does not "
			    "allow in label names");
	lf_diags_finish(&g);
	memset(&g, 0, sizeof(g));
	assert_int_equal(lf_load_buffer("l.yml", text, sizeof(text) - 1, NULL, &d, &g), 0);
	assert_int_equal(lf_check_limits("command line", &d, &no_comma, &g), -EINVAL);
	assert_int_equal(g.n, 1);
	lf_diags_finish(&g);
	desired_finish(&d);
}

static void test_diag_format(void **state)
{
	struct lf_diag x = { .file = "l.yml", .line = 3, .col = 7, .message = "bad" };
	char *s;

	(void)state;
	s = lf_diag_format(&x);
	assert_string_equal(s, "l.yml:3:7: bad");
	free(s);
	x.col = 0;
	s = lf_diag_format(&x);
	assert_string_equal(s, "l.yml:3: bad");
	free(s);
	x.line = 0;
	s = lf_diag_format(&x);
	assert_string_equal(s, "l.yml: bad");
	free(s);
}

static void test_finish_twice(void **state)
{
	struct desired d = { 0 };
	struct target t = { 0 };
	struct lf_diags g = { 0 };

	(void)state;
	desired_finish(&d);
	desired_finish(NULL);
	target_finish(&t);
	target_finish(NULL);
	lf_diags_finish(&g);
	lf_diags_finish(NULL);
	load_good("mapping.yml", &d);
	desired_finish(&d);
	desired_finish(&d);
	assert_null(d.labels);
}

/* ---- export round trip ---- */

static char *write_yaml(const struct desired *d, const unsigned *counts)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(lf_write_yaml(f, d, counts), 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void round_trip(const struct desired *d, const unsigned *counts, char **text)
{
	struct desired back;
	struct lf_diags g = { 0 };
	char *out = write_yaml(d, counts);

	if (load_buf("export.yml", out, &back, &g) != 0) {
		print_message("%s", out);
		print_diags(&g);
		fail();
	}
	assert_same_labels(d, &back);
	desired_finish(&back);
	if (text)
		*text = out;
	else
		free(out);
}

static void test_round_trip_files(void **state)
{
	static const char *const files[] = {
		"label-sync.yml", "labeler.yml", "mapping.yml", "anchors.yml", "scalars.yml",
		"empty-list.yml", "bom-crlf.yml",
	};
	struct desired d;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		load_good(files[i], &d);
		round_trip(&d, NULL, NULL);
		desired_finish(&d);
	}
}

static void test_round_trip_tricky(void **state)
{
	/* Names and descriptions that a careless writer would get wrong. */
	static const char text[] =
		"labels:\n"
		"  - {name: \"yes\", description: \"no\"}\n"
		"  - {name: \"null\", description: \"~\"}\n"
		"  - {name: \"2024\", description: \"1e3\"}\n"
		"  - {name: \"0x1F\", color: \"000\"}\n"
		"  - {name: \"a: b\", description: \"#hash\"}\n"
		"  - {name: \"- dash\", description: \"[not, a, list]\"}\n"
		"  - {name: \"\\U0001F41B bug\", description: \"caf\\u00e9 \\U0001F680\"}\n"
		"  - {name: \"quote\\\" and \\\\ back\", description: \"'single'\"}\n"
		"  - {name: \"*star\", description: \"&amp\", exclusive: false}\n"
		"  - {name: \"priority/high\", exclusive: true, aliases: [\"P1\", \"high: yes\", \"true\"]}\n"
		"  - {name: \"old\", delete: true}\n"
		"  - {name: \"empty\", description: \"\"}\n"
		"  - {name: \"x\" }\n"
		"keep: [\"release/*\", \"!important\", \"@team\"]\n";
	unsigned counts[13] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	struct desired d;
	struct lf_diags g = { 0 };
	char *out = NULL;

	(void)state;
	if (load_buf("tricky.yml", text, &d, &g) != 0) {
		print_diags(&g);
		fail();
	}
	assert_int_equal(d.n_labels, 13);
	round_trip(&d, counts, &out);
	/* The counts are comments; emoji stay readable. */
	assert_non_null(strstr(out, "# in 1 repo\n"));
	assert_non_null(strstr(out, "# in 13 repos\n"));
	assert_non_null(strstr(out, "\xf0\x9f\x90\x9b bug"));
	assert_null(strstr(out, "\\U0001F41B"));
	/* Colours are written lowercase, 6 digits, quoted. */
	assert_non_null(strstr(out, "color: \"000000\""));
	free(out);
	desired_finish(&d);
}

static void test_write_list_form(void **state)
{
	struct desired d = { 0 };
	char *out;

	(void)state;
	/* No keep: the plain list other label tools read too. */
	load_good("label-sync.yml", &d);
	out = write_yaml(&d, NULL);
	assert_true(strncmp(out, "- name: bug\n  color: \"d73a4a\"\n", 30) == 0);
	free(out);
	desired_finish(&d);
	/* Nothing at all. */
	out = write_yaml(&d, NULL);
	assert_string_equal(out, "[]\n");
	free(out);
	round_trip(&d, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_sync_yaml),
		cmocka_unit_test(test_label_sync_json),
		cmocka_unit_test(test_labeler_from_name),
		cmocka_unit_test(test_mapping_yaml),
		cmocka_unit_test(test_mapping_json),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_empty_list),
		cmocka_unit_test(test_detect_by_content),
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_aliases_merged),
		cmocka_unit_test(test_json_decoding),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_nulls),
		cmocka_unit_test(test_bad_corpus),
		cmocka_unit_test(test_bad_corpus_complete),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_too_large_buffer),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_too_many_problems),
		cmocka_unit_test(test_json_falls_back_to_yaml),
		cmocka_unit_test(test_check_limits),
		cmocka_unit_test(test_forbidden_characters),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_finish_twice),
		cmocka_unit_test(test_round_trip_files),
		cmocka_unit_test(test_round_trip_tricky),
		cmocka_unit_test(test_write_list_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
