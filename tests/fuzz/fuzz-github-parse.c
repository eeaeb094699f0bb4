/* SPDX-License-Identifier: MIT */
/*
 * The GitHub plugin's response parsers (plugins/github/github-parse.h): a
 * body as the host hands it over (NUL-terminated), then every parser over
 * the root and, for an array, over each element, and the request bodies
 * built back from what parsed.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "github-parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void must_be_json(char *s)
{
	struct json_object *o = NULL;

	if (!s || gh_parse_body(s, strlen(s), &o) != 0)
		abort(); /* a body we build is always valid JSON */
	json_object_put(o);
	free(s);
}

static void one(struct json_object *obj)
{
	struct epithet_label label;
	struct gh_label_scratch ls;
	struct epithet_repo repo;
	struct gh_repo_scratch rs;
	struct epithet_item item;
	const char *why = NULL;

	if (gh_parse_label(obj, &label, &ls, &why) == 0) {
		label.fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR | EPITHET_FIELD_DESCRIPTION;
		must_be_json(gh_label_body(&label, true, NULL));
		must_be_json(gh_label_body(&label, false, NULL));
		must_be_json(gh_add_labels_body(label.name));
		gh_item_has_label(obj, label.name);
	} else if (!why) {
		abort();
	}
	why = NULL;
	if (gh_parse_repo(obj, &repo, &rs, &why) == 0) {
		for (size_t i = 0; i < repo.n_topics; i++)
			if (!repo.topics[i])
				abort();
	} else if (!why) {
		abort();
	}
	gh_repo_scratch_finish(&rs);
	why = NULL;
	if (gh_parse_item(obj, &item, &why) != 0 && !why)
		abort();
	gh_item_has_label(obj, "bug");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_cstr(data, size);
	struct json_object *root = NULL;
	char summary[1024];

	if (gh_parse_body(body, size, &root) == 0) {
		gh_error_message(root);
		gh_validation_summary(root, summary, sizeof(summary));
		if (strlen(summary) >= sizeof(summary))
			abort();
		if (json_object_is_type(root, json_type_array)) {
			size_t n = json_object_array_length(root);

			for (size_t i = 0; i < n; i++)
				one(json_object_array_get_idx(root, i));
		} else {
			one(root);
		}
		json_object_put(root);
	}
	free(body);
	return 0;
}
