/* SPDX-License-Identifier: MIT */
/*
 * The Gitea plugin's response parsers (plugins/gitea/gitea-parse.h): the
 * body parser and every object parser, the id, colour and version helpers,
 * and the request bodies built back from what parsed.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gitea-parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void must_be_json(char *s)
{
	struct json_object *o = NULL;

	if (!s || gt_parse_body(s, strlen(s), &o) != 0)
		abort(); /* a body we build is always valid JSON */
	json_object_put(o);
	free(s);
}

static void one(struct json_object *obj)
{
	struct epithet_label label;
	struct gt_label_scratch ls;
	struct epithet_repo repo;
	struct gt_repo_scratch rs;
	struct epithet_item item;
	const char *why = NULL;
	int64_t id = 0;
	char color[8];

	if (gt_parse_label(obj, &label, &ls, &why) == 0) {
		struct gt_label_body_opts opts = {
			.create = true, .exclusive = true, .send_archived = true,
			.archived = (label.flags & EPITHET_LABEL_ARCHIVED) != 0,
			.color = label.color && gt_color_out(label.color, color) ? color : NULL,
		};

		if (!gt_parse_id(label.id, &id) || id <= 0)
			abort(); /* a parsed label always has a usable id */
		label.fields |= EPITHET_FIELD_NAME | EPITHET_FIELD_DESCRIPTION;
		must_be_json(gt_label_body(&label, &opts, NULL));
		opts.create = false;
		must_be_json(gt_label_body(&label, &opts, NULL));
		must_be_json(gt_add_labels_body(id));
		gt_item_has_label_id(obj, id);
	} else if (!why) {
		abort();
	}
	why = NULL;
	if (gt_parse_repo(obj, &repo, &rs, &why) == 0) {
		for (size_t i = 0; i < repo.n_topics; i++)
			if (!repo.topics[i])
				abort();
	} else if (!why) {
		abort();
	}
	gt_repo_scratch_finish(&rs);
	why = NULL;
	if (gt_parse_item(obj, &item, &why) != 0 && !why)
		abort();
	gt_get_positive_int(obj, "id", -1);
	gt_get_string(obj, "version");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = fuzz_cstr(data, size);
	struct json_object *root = NULL;
	struct gt_version v;
	int64_t id;
	char color[8];

	/* the text helpers take the raw input as a string */
	if (gt_parse_version(body, &v) == 0)
		gt_version_at_least(&v, 1, 21);
	gt_parse_id(body, &id);
	if (gt_color_out(body, color) && (color[0] != '#' || strlen(color) != 7))
		abort();
	if (gt_parse_body(body, size, &root) == 0) {
		gt_error_message(root);
		if (json_object_is_type(root, json_type_array)) {
			size_t n = json_object_array_length(root);

			gt_labels_include_id(root, 1);
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
