/* SPDX-License-Identifier: MIT */
/*
 * The planner: a pure function from (desired labels, the labels a repo has,
 * the forge's capabilities) to the ordered list of changes that make the repo
 * match (SPEC.md 4). No I/O; unit-tested in tests/unit/test-plan.c.
 */
#ifndef EPITHET_CORE_PLAN_H
#define EPITHET_CORE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum op_kind {
	OP_CREATE,   /* + */
	OP_UPDATE,   /* ~ colour, description, exclusive, case of the name */
	OP_RENAME,   /* > an alias becomes the label (issues keep it) */
	OP_MERGE,    /* = issues carrying an alias get the label, then the alias goes */
	OP_DELETE,   /* - delete: true, or --prune */
	OP_ARCHIVE,  /* - --prune=archive on forges that archive labels */
	OP_NOTICE,   /* ! something the plan will not do, and why */
};

struct op {
	enum op_kind kind;
	/* What to write (create, update, rename): fields are EPITHET_FIELD_*. */
	uint32_t fields;
	uint32_t flags;            /* EPITHET_LABEL_EXCLUSIVE / _ARCHIVED when fields say so */
	bool destructive;          /* delete, merge, archive: asks unless --yes */
	bool retires;              /* OP_NOTICE: the label retires on retire_at (delete_after);
				    * cur NULL: the repo has it under no name yet (none carry it) */
	bool retired;              /* OP_DELETE: the label retired on retire_at */
	/* OP_NOTICE: two labels the repo has answer to the name (a duplicate
	 * on a forge whose names are not unique): the label cannot be done
	 * there, so the repo's result is failed for it (exit 1); the repo's
	 * other labels are still done. */
	bool fails;
	const struct label *cur;   /* the label acted on (borrowed from the input) */
	char *into;                /* OP_MERGE: the name that stays */
	const struct label *into_cur; /* OP_MERGE: the existing label that will carry it (its id), or NULL */
	char *name;
	char *color;
	char *description;
	char *why;                 /* OP_NOTICE text, or the reason of a delete ("prune") */
	int64_t retire_at;
};
/* The small fields first, packed: the plans of the repos that change are kept
 * for the whole run (80 bytes an op). Its strings are pooled (plan.c). */

struct plan {
	struct op *ops;
	size_t n;
	size_t cap;
};

struct plan_opts {
	uint64_t caps;             /* EPITHET_CAP_* of the forge */
	bool prune;                /* delete labels the desired set does not name */
	bool prune_archive;        /* archive instead (only with EPITHET_CAP_ARCHIVE) */
	const char *default_color; /* colour of a created label the file gives none ("ededed") */
	int64_t now;               /* seconds since the epoch: a label past its delete_after is deleted */
};

/*
 * Plan one repo. @cur are its labels as listed (borrowed; the plan points
 * into them, so they must outlive it). Appends to @out.
 */
void plan_repo(const struct desired *want, const struct label *cur, size_t n_cur,
	       const struct plan_opts *opts, struct plan *out);

/*
 * Undo: the op that brings a label back to @before. @before NULL: the label
 * should not exist (undo of a create). @cur NULL: it is missing now. Nothing
 * is added when @cur already is @before, so undoing twice changes nothing.
 */
void plan_restore(const struct label *before, const struct label *cur, uint64_t caps,
		  const char *why, struct plan *out);

/* Counts for summaries. */
size_t plan_changes(const struct plan *p);      /* every op but notices */
size_t plan_destructive(const struct plan *p);

void plan_finish(struct plan *p);

/* '+', '~', '>', '=', '-', '!' */
char op_symbol(enum op_kind k);
const char *op_name(enum op_kind k);   /* "create", "update", ... */

#endif
