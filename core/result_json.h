/* SPDX-License-Identifier: MIT */
/*
 * The JSON result document of a run (core/result_json.c), its repos
 * streamed one at a time. Also the JSON helpers the
 * output files share.
 */
#ifndef EPITHET_CORE_RESULT_JSON_H
#define EPITHET_CORE_RESULT_JSON_H

#include <json-c/json.h>

#include "run.h"

/* Shared by the output files (output.c, output_list.c, output_markdown.c),
 * which include this header; it includes none of theirs. */
json_object *output_jstr(const char *s);     /* NULL stays NULL */
void output_print_json(json_object *doc);    /* prints and frees */
/* The forge a target is shown as: its plugin's name, else what was asked. */
const char *output_target_label(const struct target_run *tr);
/* Issues and PRs carrying the label @op acts on: from the listed items when
 * the forge can list them, else from the label's own counts (-1: unknown). */
void output_usage_counts(const struct op *op, const struct op_run *orun, long long *issues,
			 long long *pulls);

/* The result of a run as one JSON document on stdout. */
void result_json(const struct run *run);

#endif
