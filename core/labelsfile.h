/* SPDX-License-Identifier: MIT */
/*
 * Labels files (SPEC.md section 3): YAML (libyaml) or JSON (json-c), chosen by
 * extension (.yml/.yaml/.json) or, failing that, by content. Either a list of
 * labels, or a mapping with `labels` and optionally `targets` and `keep`.
 * Compatible with the label files of the common sync tools: a top-level list
 * with name/color/description/aliases/delete and from_name.
 *
 * Everything is validated before the caller sends any request.
 */
#ifndef EPITHET_CORE_LABELSFILE_H
#define EPITHET_CORE_LABELSFILE_H

#include <stddef.h>

#include "model.h"

/* Limits the file is checked against (from the forge plugins of the
 * targets; 0 = no limit). */
struct lf_limits {
	unsigned name_max;          /* code points */
	unsigned description_max;   /* code points */
};

/* One problem found in a file. */
struct lf_diag {
	char *file;      /* as given */
	unsigned line;   /* 1-based; 0 when not known */
	unsigned col;    /* 1-based; 0 when not known */
	char *message;   /* "unknown key 'colour' (did you mean 'color'?)" */
};

struct lf_diags {
	struct lf_diag *v;
	size_t n;
};

/* Largest labels file read, in bytes; larger files are refused. */
#define LF_MAX_BYTES (4u * 1024u * 1024u)

/*
 * Load and validate @path into @out. Returns 0 when valid; otherwise a
 * negative number, @out is left empty, and @diags holds every problem found
 * (at least one), each formatted by lf_diag_format as
 * "FILE:LINE:COL: MESSAGE".
 * @limits may be NULL (no forge limits known yet: only the format is checked).
 */
int lf_load(const char *path, const struct lf_limits *limits, struct desired *out,
	    struct lf_diags *diags);

/* Same, from a buffer (@name is used in messages). */
int lf_load_buffer(const char *name, const char *buf, size_t len,
		   const struct lf_limits *limits, struct desired *out, struct lf_diags *diags);

/*
 * Check @d against @limits (name and description lengths): used again once
 * the targets' plugins are loaded and their limits are known. Adds to
 * @diags; returns 0 when nothing was wrong. @file names the file in messages.
 */
int lf_check_limits(const char *file, const struct desired *d, const struct lf_limits *limits,
		    struct lf_diags *diags);

/* "FILE:LINE:COL: MESSAGE" (line/col left out when 0), malloc'd. */
char *lf_diag_format(const struct lf_diag *d);

void lf_diags_finish(struct lf_diags *diags);

/* Free everything a desired set owns and zero it. Accepts a zeroed struct. */
void desired_finish(struct desired *d);
void target_finish(struct target *t);

/*
 * Write @d's labels as a labels file in YAML to @f (export). Each label
 * gets name, color, description (when set); @counts, when non-NULL, gives a
 * per-label "# in N repos" comment. Output loads back with lf_load to the same
 * set.
 */
#include <stdio.h>
int lf_write_yaml(FILE *f, const struct desired *d, const unsigned *counts);

#endif
