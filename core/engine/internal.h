/* SPDX-License-Identifier: MIT */
/*
 * What the rooms of core/engine/ share, and nothing outside them includes:
 * the functions one step of a run calls in another, and the figures a plan
 * adds up to. The engine's interface is core/engine.h.
 */
#ifndef EPITHET_CORE_ENGINE_INTERNAL_H
#define EPITHET_CORE_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "journal.h"

/* The end of the 1.0 structs a plugin hands to callbacks: a 1.0 plugin's are
 * this long, a shorter one is refused. */
#define LABEL_V1_SIZE (offsetof(struct epithet_label, pulls) + sizeof(int64_t))
#define REPO_V1_SIZE (offsetof(struct epithet_repo, id) + sizeof(const char *))
#define ITEM_V1_SIZE (offsetof(struct epithet_item, number) + sizeof(uint64_t))

/* A forge's exclusive_by_name (ABI 1.1): the text that makes a name
 * scoped, or NULL where exclusivity is a flag (or absent). */
static inline const char *exclusive_by_name(const struct epithet_forge *f)
{
	if (!f || !(f->capabilities & EPITHET_CAP_EXCLUSIVE) ||
	    !EPITHET_HAS_MEMBER(struct epithet_forge, f, exclusive_by_name) || !f->exclusive_by_name ||
	    !*f->exclusive_by_name)
		return NULL;
	return f->exclusive_by_name;
}

/* What the plans of a run add up to (counted by plan_totals). */
struct totals {
	size_t by_kind[OP_NOTICE + 1];
	size_t changes;
	size_t destructive;
	size_t repos_changed;
	size_t repos;
	size_t failed_ops;
	size_t failed_repos;
	size_t done;
};

/* apply.c: applying the plans, each change journalled first. */
void apply_all(struct run *run, struct journal *j);

/* confirm.c: asking before destructive changes. */
bool confirm_changes(struct run *run, const struct totals *t);

/* estimate.c: the writes a plan needs and how long they take at the pace. */
size_t planned_writes(const struct target_run *tr);
void estimate_writes(struct run *run);
/* ", about 3 min left" while paced writes are applied, or "". */
void estimate_left(const struct run *run, char *buf, size_t n);

/* driver.c: the run itself. */
bool run_stopping(void);
int load_plugins(struct run *run, const struct desired *want);
int show_and_apply(struct run *run, const char *journal_cmd, bool dry_run,
		   bool *nothing_left);

/* items.c: the issues and pull requests carrying a label. */
void to_epithet_label(const struct label *l, struct epithet_label *out);
void find_items(struct target_run *tr, struct repo_run *r);

/* owner.c: owner-level labels beside the repos' own. */
struct repo_run *read_owner_labels(struct target_run *tr);
void add_owner_labels(struct target_run *tr, const struct repo_run *owner, size_t first,
		      size_t count);
void owner_labels_free(struct repo_run *owner);
void check_owner_duplicates(struct target_run *tr, int jobs);

/* planning.c: a plan per repo, and what the plans add up to. */
/* Plans tr->repos[first, first + count), then drops the labels no op acts on. */
void plan_repos(struct run *run, struct target_run *tr, const struct desired *want,
		size_t first, size_t count);
void plan_totals(const struct run *run, struct totals *t);

/* read.c: reading the repos' labels (in parallel, in batches). */
void label_finish(struct label *l);
/* Frees a repo's labels (list and export, once a window is counted). */
void repo_labels_free(struct repo_run *r);
int collect_label(const struct epithet_label *l, void *payload);
void read_one(struct target_run *tr, struct repo_run *r);
/* The labels of tr->repos[first, first + count), on up to @jobs threads. */
void read_labels(struct target_run *tr, size_t first, size_t count, int jobs);

/* select.c: the repos a target names. */
/* How the target's forge matches names (names_mode_for its capabilities):
 * the labels read from it are keyed so (repo_run.names_mode). */
unsigned target_names_mode(const struct target_run *tr);
void add_repo(struct target_run *tr, size_t *cap, const char *owner, const char *name,
	      uint32_t flags, const char *const *topics, size_t n_topics);
void target_fail(struct target_run *tr, int code, const char *what, const struct epithet_error *err);
int select_repos(struct target_run *tr);
int select_repo_list(struct target_run *tr);

/* session.c: a target's session, and freeing a run. */
int open_target(struct run *run, struct target_run *tr);
void repos_free(struct repo_run *repos, size_t n);
void free_run(struct run *run);

#endif
