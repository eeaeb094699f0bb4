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
	const char *name_forbidden; /* characters a name may not hold, or NULL */
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

/*
 * SPEC 9, `extends`: a labels file in a repository on a forge, and the
 * reader the caller gives for it (the core's labels module never opens a
 * plugin). @forge NULL: the extending policy's default (its first target's
 * forge and url; without targets, the command line's).
 */
struct lf_remote {
	const char *forge;
	const char *url;
	const char *api_url;
	const char *owner;
	const char *repo;
	const char *path;
	const char *ref;        /* NULL: the default branch */
	const char *token_env;  /* the token_env of the top file's first target of
				 * this forge and URL, or NULL */
};
/* Returns 0 with *@buf (malloc'd) and *@len, or not 0 with *@error (malloc'd). */
typedef int (*lf_read_fn)(void *data, const struct lf_remote *where, char **buf, size_t *len,
			  char **error);

/*
 * lf_load with `extends` resolved: local bases relative to the extending
 * file, forge bases through @read (NULL: a forge base is an error). Bases are
 * read depth first, in order, then laid under the file that extends them.
 * A cycle, a depth over 8, an unreadable base or `targets` in a base is an
 * error showing the chain of files.
 */
int lf_load_policy(const char *path, const struct lf_limits *limits, lf_read_fn read, void *data,
		   struct desired *out, struct lf_diags *diags);

/* The same from a buffer: @name is the file's name (and where its local
 * bases are looked for). */
int lf_load_policy_buffer(const char *name, const char *buf, size_t len,
			  const struct lf_limits *limits, lf_read_fn read, void *data,
			  struct desired *out, struct lf_diags *diags);

/*
 * SPEC 9, sets: the desired labels of one repo: the top-level labels, then
 * those of every set that selects it, in file order. The same label given
 * twice with the same fields is kept once; with other fields, *@error (malloc'd)
 * names both places and -EINVAL is returned. @out's labels are shallow copies
 * (they borrow @policy's text): free with lf_repo_desired_finish. *@sets gets
 * the names of the sets that selected the repo (borrowed; the array is
 * malloc'd, NULL-terminated, NULL when none).
 */
struct lf_repo {
	const char *target;     /* the target's name, or NULL */
	const char *owner;
	const char *name;       /* NULL: the owner-level labels (no set selects them) */
	char *const *topics;    /* NULL-terminated or NULL */
};
int lf_repo_desired(const struct desired *policy, const struct lf_repo *repo, struct desired *out,
		    const char ***sets, char **error);
void lf_repo_desired_finish(struct desired *out);

/*
 * The file's target that the command line's @cli (--org/--repo) stands for:
 * the first named target of @policy on the same forge, url and api_url
 * working on the same owner (its org is --org; or every --repo is of its org
 * or one of its repos). NULL when none: then sets with `targets` select
 * nothing in the run.
 */
const struct target *lf_target_like(const struct desired *policy, const struct target *cli);

/* Same, from a buffer (@name is used in messages). One file alone: `extends`
 * is refused (lf_load_policy_buffer reads bases). */
int lf_load_buffer(const char *name, const char *buf, size_t len,
		   const struct lf_limits *limits, struct desired *out, struct lf_diags *diags);

/*
 * Check @d against @limits (name and description lengths): used again once
 * the targets' plugins are loaded and their limits are known. Adds to
 * @diags; returns 0 when nothing was wrong. @file names the file in messages.
 */
int lf_check_limits(const char *file, const struct desired *d, const struct lf_limits *limits,
		    struct lf_diags *diags);

/* The same for a policy lf_load_policy made: each label is blamed in the
 * file it is written in, at its value (the name's, the description's), as
 * the loader would have with @limits. Sets' labels too. */
int lf_check_policy_limits(const struct desired *d, const struct lf_limits *limits,
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
