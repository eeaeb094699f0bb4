/* SPDX-License-Identifier: MIT */
/*
 * The state of one run, shared by the engine (which fills it) and the output
 * module (which renders it). Nothing here is forge-specific.
 */
#ifndef EPITHET_CORE_RUN_H
#define EPITHET_CORE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "epithet/forge.h"
#include "hostsvc.h"
#include "loader.h"
#include "model.h"
#include "plan.h"
#include "strarena.h"

enum command {
	CMD_LIST,
	CMD_ENSURE,
	CMD_DELETE,
	CMD_RENAME,
	CMD_SYNC,
	CMD_PLAN,
	CMD_EXPORT,
	CMD_COPY,
	CMD_UNDO,
	CMD_PLUGINS,
	CMD_DOCS,
	CMD_HELP,
};

struct run_options {
	enum command cmd;
	const char *cmd_name;
	bool dry_run;
	bool yes;
	bool prune;
	bool prune_archive;
	int jobs;                  /* 0 = the forge's default */
	bool json;                 /* --output json */
	bool markdown;             /* --output markdown (commands that plan or apply) */
	bool color;                /* colour and swatches in human output */
	bool truecolor;            /* the terminal shows 24-bit colour */
	const char *config_path;   /* -c, or the default file found */
	const char *list_name;     /* list NAME */
	const char *export_from;   /* export --from OWNER/REPO */
	const char *export_out;    /* export --out FILE, docs --out FILE */
	bool docs_html;            /* docs --format html */
	const char *copy_from;     /* copy OWNER/REPO */
	const char *undo_journal;  /* undo JOURNAL */
	struct hostsvc_options host;
};

/* Issues and PRs carrying a label. */
struct items {
	struct epithet_item *v;
	size_t n;
	size_t cap;
	bool known;
};

enum op_state {
	OPST_PLANNED = 0,
	OPST_DONE,
	OPST_FAILED,
	OPST_SKIPPED,     /* not attempted: the run stopped, or the repo is read-only */
};

struct op_run {
	enum op_state state;
	int code;                  /* epithet_status of a failure */
	char *error;
	struct items items;        /* destructive ops: what carries the label now */
};

/*
 * What a repo has to do, or failed at: its labels (after planning, only
 * those its ops act on), its plan, the state of each op, why its labels
 * could not be read, its topics while sets may select on them. A repo gets
 * one when it is read or planned and keeps it only while any of it is set
 * (repo_work_settle), so the estate costs a small record a repo and memory
 * follows the batch, not the estate (SPEC 11).
 */
struct repo_work {
	char **topics;             /* kept only while a set selects on topics */
	struct label *labels;
	size_t n_labels;
	size_t cap_labels;
	char *read_error;
	struct plan plan;
	struct op_run *ops;        /* one per plan op */
};

/* The work of a repo with none: every field empty, and read-only (const,
 * so a write through it is refused by the compiler or faults at run time). */
extern const struct repo_work repo_work_none;
#define REPO_WORK_NONE (&repo_work_none)

struct repo_run {
	char *owner;               /* pooled (strpool.h) */
	char *name;                /* the tail of full; NULL: the owner-level labels */
	char *full;                /* "owner/name", or "owner (owner labels)" */
	const char **sets;         /* SPEC 9: the sets that selected it (names borrowed from the policy) */
	/* Never NULL: REPO_WORK_NONE or its own. Read r->w->... freely; write
	 * through repo_work(r), which gives the repo its own first. */
	const struct repo_work *w;
	uint32_t flags;            /* EPITHET_REPO_* */
	int16_t read_code;         /* 0, or why its labels could not be read (an epithet_status) */
	bool read_only;            /* archived or disabled: read, never written */
	uint8_t names_mode;        /* names_mode_for() the forge: how labels[].key is made */
};
/* 48 bytes a repo: a target holds one for each repo it selects. */

/* Records why a repo's labels could not be read (a status that does not fit
 * read_code, which no plugin should return, is EPITHET_ERROR). */
static inline void repo_set_read_code(struct repo_run *r, int rc)
{
	r->read_code = (int16_t)(rc >= INT16_MIN && rc <= INT16_MAX && rc ? rc : EPITHET_ERROR);
}

/* A repo's own work, made on first use (never fails: aborts out of memory). */
struct repo_work *repo_work(struct repo_run *r);
/* Drops the repo's work when nothing is left in it (none of its fields set). */
void repo_work_settle(struct repo_run *r);
/* Frees the repo's work, whatever is in it; r->w is REPO_WORK_NONE after. */
void repo_work_free(struct repo_run *r);

struct target_run {
	struct target *t;          /* borrowed */
	struct hostsvc_options hopt; /* the run's, with this target's token_env */
	struct plugin *plugin;
	struct hostsvc *hs;
	epithet_forge_session *session;
	struct epithet_session_info info;
	char *owner;               /* the owner worked on */
	struct repo_run *repos;
	size_t n_repos;
	size_t skipped_repos;      /* filtered out (archived, forks, globs, topics) */
	int code;                  /* 0, or why the whole target failed */
	char *error;
	bool no_access;            /* credentials rejected, or the owner cannot be read */
	bool usage_error;          /* the command line did not say enough (no owner) */
	bool bad_value;            /* a value was refused before any request (URL, token file) */
	struct hostsvc_stats stats;
	/* The writes the plan needs and their time at the forge's pace
	 * (engine/estimate.c), made before the plan is shown. */
	struct {
		size_t writes;
		uint64_t ms;
		bool paced;            /* the pace makes them take longer than back to back */
		uint64_t sent_before;  /* writes the session had sent by then */
	} estimate;
	int batch_reads;           /* list_labels_many: 0 not tried yet, 1 works, -1 not here */
	struct strarena *names;    /* the repos' full names (strarena.h) */
	bool keep_topics;          /* a set selects on topics: keep the repos' (repo_work.topics) */
};

struct run {
	const struct run_options *opt;
	const struct desired *want;
	struct target_run *targets;
	size_t n_targets;
	bool applied;              /* writes were attempted */
	bool refused;              /* destructive changes refused for want of --yes */
	bool interrupted;
	bool is_undo;              /* every change reverts an earlier run */
	char *journal_path;
};

#endif
