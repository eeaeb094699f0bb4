/* SPDX-License-Identifier: MIT */
/*
 * Label policy for real estates (SPEC.md 9), what the labels-file rooms share:
 * the `extends` items a file names (read by labelsfile.c, resolved by
 * extends.c), and the pure rules of sets (sets.c) and bases (extends.c).
 * The public interface is core/labelsfile.h.
 */
#ifndef EPITHET_CORE_LABELS_POLICY_H
#define EPITHET_CORE_LABELS_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "labelsfile.h"

/* Bases deeper than this (the top file is depth 0) are refused. */
#define LF_MAX_EXTENDS_DEPTH 8

/* One item of `extends`. */
struct lf_base {
	char *path;              /* local: as written; forge: the file in the repo */
	char *repo;              /* forge: "OWNER/NAME"; NULL for a local path */
	char *ref;               /* forge: NULL = the default branch */
	char *forge;             /* forge: NULL = the extending file's default */
	char *url;
	unsigned line, col;      /* of the item */
};

struct lf_bases {
	struct lf_base *v;
	size_t n;
};

void lf_base_clear(struct lf_base *b);
void lf_bases_finish(struct lf_bases *b);

/*
 * labelsfile.c: one file into @out (@name in messages, @format_name's
 * extension chooses YAML or JSON), its `extends` items into @bases (when
 * non-NULL; NULL refuses `extends`), without reading them. @base: the file is
 * a base (`targets` refused). Returns 0 when valid, as lf_load_buffer.
 */
int lf_parse_one(const char *name, const char *format_name, const char *buf, size_t len,
		 const struct lf_limits *limits, bool base, struct desired *out,
		 struct lf_bases *bases, struct lf_diags *diags);

/* labelsfile.c: a local file's bytes (at most LF_MAX_BYTES + 1 of them, so
 * that too large is seen), or not 0 with *@error (malloc'd). */
int lf_read_local(const char *path, char **out, size_t *out_len, char **error);

/* labelsfile.c: append a diagnostic to @diags. */
void lf_diag_add(struct lf_diags *diags, const char *file, unsigned line, unsigned col,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* labelsfile.c: free one label's fields and zero it. */
void lf_want_label_clear(struct want_label *w);
void lf_label_set_clear(struct label_set *s);

/*
 * extends.c: the later file @next laid over @acc (both owned; @next is
 * emptied). Labels, sets and keep accumulate; a label given again (its name
 * or an alias matching an earlier name or alias) replaces the earlier one
 * whole, in its place; a set given again by name replaces it whole. Targets
 * are @next's. A label matching two earlier ones is an error added to
 * @diags. Returns 0, or -EINVAL with @diags added to.
 */
int lf_merge(struct desired *acc, struct desired *next, struct lf_diags *diags);

/* sets.c: one label for the forge: names or aliases matching (names.c keys). */
bool lf_label_matches(const struct want_label *a, const struct want_label *b);

/*
 * sets.c: check what only the whole policy can tell: every set's target
 * names are targets of @d. Adds to @diags; 0 when fine.
 */
int lf_check_set_targets(const struct desired *d, struct lf_diags *diags);

#endif
