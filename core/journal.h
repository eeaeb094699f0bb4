/* SPDX-License-Identifier: MIT */
/*
 * The journal of an applied run (SPEC.md 7): one JSON object per line under
 * $XDG_STATE_HOME/epithet/journal/. Before each change a line records the
 * label as it was (and, for a deleted or merged label, every issue/PR that
 * carried it); after it, a line records the outcome. Each line is written
 * with one write() and fsync'd, so a crash leaves at most a partial last
 * line, which the reader ignores: the journal stays usable by `undo`.
 */
#ifndef EPITHET_CORE_JOURNAL_H
#define EPITHET_CORE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "run.h"

struct journal;

/* The journal directory ($XDG_STATE_HOME/epithet/journal or
 * ~/.local/state/epithet/journal), malloc'd. */
char *journal_dir(void);

/* Start a journal for @command. NULL with @err set when it cannot be made
 * (the run must then not write: nothing could be undone). */
struct journal *journal_create(const char *command, char **path, char *err, size_t n);
/* Record an op before it is applied; returns its sequence number. */
long journal_intent(struct journal *j, const struct target_run *tr, const struct repo_run *r,
		    const struct op *op, const struct op_run *orun);
/* Record its outcome (0 or a negative epithet_status). */
void journal_done(struct journal *j, long seq, int code);
void journal_close(struct journal *j);

/* One change read back from a journal, for undo. */
struct journal_entry {
	long seq;
	char *op;            /* "create", "update", "rename", "merge", "delete", "archive" */
	char *forge;
	char *url;
	char *api_url;
	char *token_env;
	char *app_id;        /* the target's own App (its key's source below), or NULL */
	char *app_key_file;  /* absolute */
	char *app_key_env;
	char *owner;
	char *repo;          /* NULL: owner-level labels */
	struct label before; /* as it was (empty name for create) */
	struct label after;  /* what was written */
	uint32_t after_fields; /* EPITHET_FIELD_* of what was written */
	char *into;          /* merge: the label the issues got */
	struct epithet_item *items;
	size_t n_items;
	bool items_known;    /* the issues carrying it were recorded */
	bool done;           /* its outcome line says it succeeded */
	bool outcome_known;  /* it has an outcome line (a second SIGINT or a crash
	                        can leave a change with none: it may have landed) */
};

struct journal_file {
	char *path;
	char *command;
	bool undone;         /* a later `undo` finished it */
	bool is_undo;        /* this journal records an undo */
	struct journal_entry *v;
	size_t n;
};

/* Read a journal; the newest applied one (not an undo, not yet undone) when
 * @path is NULL. Returns 0, or -1 with @err set. */
int journal_load(const char *path, struct journal_file *out, char *err, size_t n);
/* Whether undo must look at this entry: it succeeded, or its outcome is
 * unknown. Undo plans against the forge's current state, so an entry that
 * did not land in fact undoes to nothing. */
bool journal_entry_to_undo(const struct journal_entry *e);

/* Mark a journal as undone (appends a line). */
int journal_mark_undone(const char *path);
void journal_file_finish(struct journal_file *f);

#endif
