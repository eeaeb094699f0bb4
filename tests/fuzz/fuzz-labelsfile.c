/* SPDX-License-Identifier: MIT */
/*
 * The labels-file loader (YAML and JSON) and its writer. The first byte may
 * choose how the file is named, which decides the parser: 'Y' labels.yml,
 * 'J' labels.json, 'D' labels (detected from the content); any other first
 * byte is content, with detection. A file that loads is written back as YAML
 * (export), and that must load again to as many labels (labelsfile.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "labelsfile.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_verbosity(-1);
	return 0;
}

static void diags_check(struct lf_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char *m = lf_diag_format(&d->v[i]);

		if (!m || !*m)
			abort();
		free(m);
	}
	lf_diags_finish(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct lf_limits limits = {50, 100, NULL};
	const char *name = "labels";
	struct desired d = {0}, back = {0};
	struct lf_diags diags = {0};
	char *text = NULL;
	size_t text_len = 0;
	FILE *f;

	if (size > 0 && (data[0] == 'Y' || data[0] == 'J' || data[0] == 'D')) {
		name = data[0] == 'Y' ? "labels.yml" : data[0] == 'J' ? "labels.json" : "labels";
		data++;
		size--;
	}
	if (lf_load_buffer(name, (const char *)data, size, NULL, &d, &diags) != 0) {
		if (diags.n == 0)
			abort(); /* a refusal always says why */
		diags_check(&diags);
		desired_finish(&d);
		return 0;
	}
	diags_check(&diags);
	lf_check_limits(name, &d, &limits, &diags);
	diags_check(&diags);

	f = open_memstream(&text, &text_len);
	if (!f)
		abort();
	if (lf_write_yaml(f, &d, NULL) != 0)
		abort();
	fclose(f);
	if (lf_load_buffer("export.yml", text, text_len, NULL, &back, &diags) != 0 ||
	    back.n_labels != d.n_labels) {
		fprintf(stderr, "the export of a valid file does not load back:\n%s\n", text);
		for (size_t i = 0; i < diags.n; i++) {
			char *m = lf_diag_format(&diags.v[i]);

			fprintf(stderr, "%s\n", m);
			free(m);
		}
		abort();
	}
	diags_check(&diags);
	free(text);
	desired_finish(&back);
	desired_finish(&d);
	return 0;
}
