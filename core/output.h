/* SPDX-License-Identifier: MIT */
/*
 * Everything a run shows the user (SPEC.md 8): the plan and the result, in
 * human form (symbols + create, ~ update, > rename, - delete, = merge, a
 * true-colour swatch where the terminal can show it) or as one JSON
 * document (--output json, keys documented in README.md). Diagnostics go to
 * stderr through log.h; results go to stdout.
 */
#ifndef EPITHET_CORE_OUTPUT_H
#define EPITHET_CORE_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "loader.h"
#include "run.h"

void output_plan(const struct run *run);
void output_progress(const struct run *run, const struct target_run *tr, const struct repo_run *r,
		     const struct op *op, const struct op_run *orun);
void output_result(const struct run *run);
/* list and export (output_list.c), fed a window of repos at a time: start,
 * then add each window once its labels are read (they may be freed after),
 * then end, which prints (or writes the file), frees and returns 0 or an
 * exit status. */
struct list_acc;
struct list_acc *output_list_start(const struct run *run);
void output_list_add(struct list_acc *a, const struct run *run, const struct target_run *tr,
		     size_t first, size_t count);
int output_list_end(const struct run *run, struct list_acc *a);
int output_plugins(const struct run_options *o, const struct plugin_entry *v, size_t n);

/* --output markdown (output_markdown.c): the plan and the outcome as one
 * Markdown document (GFM); output_result calls it. */
void output_markdown(const struct run *run);

/* Shared by the output files. */
void output_swatch(const struct run_options *o, FILE *f, const char *color);
/* (output_jstr, output_print_json, output_target_label and
 * output_usage_counts: result_json.h, the lower room.) */
/* Log (stderr) every target and repo that could not be read. */
void output_report_errors(const struct run *run);

#endif
