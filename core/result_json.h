/* SPDX-License-Identifier: MIT */
/*
 * The JSON result document of a run, and the helpers output.c's other
 * documents share (core/result_json.c). Only output.c includes it.
 */
#ifndef EPITHET_CORE_RESULT_JSON_H
#define EPITHET_CORE_RESULT_JSON_H

#include <json-c/json.h>

#include "run.h"

/* The forge a target is shown as: its plugin's name, else what was asked. */
const char *output_target_label(const struct target_run *tr);
/* Issues and PRs carrying the label an op acts on: from the listed items
 * when the forge can list them, else from the label's own counts (-1: unknown). */
void output_usage_counts(const struct op *op, const struct op_run *orun, long long *issues,
			 long long *pulls);
/* A JSON string, or NULL (JSON null) for NULL. */
json_object *json_str(const char *s);
/* Print @doc pretty on stdout, and free it. */
void print_json(json_object *doc);
/* The result of a run as one JSON document on stdout. */
void result_json(const struct run *run);

#endif
