/* SPDX-License-Identifier: MIT */
/*
 * The core's own data: labels it keeps (copied out of plugin callbacks), the
 * desired labels of a labels file or a command, and the targets a run works on.
 * Everything here is owned by the core and freed with the *_finish/free
 * functions of the module that made it.
 */
#ifndef EPITHET_CORE_MODEL_H
#define EPITHET_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A label as it is on a forge (a core-owned copy of struct epithet_label). */
struct label {
	char *name;
	char *color;        /* "rrggbb" or NULL */
	char *description;  /* NULL or "" = none */
	char *id;           /* forge id or NULL */
	char *key;          /* names_key_mode(name, the forge's names_mode_for()) */
	uint32_t flags;     /* EPITHET_LABEL_* */
	int64_t issues;     /* -1 unknown */
	int64_t pulls;      /* -1 unknown */
	char *holder;       /* EPITHET_LABEL_OWNER: the owner holding it, or NULL */
};

/* Where a value came from in a labels file, for messages. 0 = not from a file. */
struct srcpos {
	unsigned line;
	unsigned col;
};

/* One label a labels file (or a command) asks for. */
struct want_label {
	char *name;              /* as the file spells it (NFC is not applied to what is written) */
	char *key;               /* names_key(name), plain: plan_repo rekeys it per forge */
	char *color;             /* "rrggbb" lowercase, or NULL = leave as it is */
	char *description;       /* with has_description: the text ("" clears) */
	bool has_description;    /* false = leave as it is */
	int exclusive;           /* -1 = leave, 0 or 1 */
	bool remove;             /* delete: true */
	bool no_create;          /* do not create when missing (rename command) */
	char **aliases;          /* names to rename/merge into this one */
	char **alias_keys;       /* names_key() of each alias */
	size_t n_aliases;
	struct srcpos pos;
	/* SPEC 9: retirement. With has_delete_after, the label is synced until
	 * delete_after (seconds since the epoch, UTC), then deleted. */
	bool has_delete_after;
	int64_t delete_after;
	const char *file;        /* the labels file it is written in (owned by the desired set), or NULL */
	struct srcpos name_pos;  /* of the name's value, for messages (0: pos) */
	struct srcpos desc_pos;  /* of the description's value */
};

/* SPEC 9: labels for the repos a set selects. */
struct label_set {
	char *name;              /* unique in the policy */
	char **repos;            /* globs as --include, NULL-terminated or NULL */
	char **topics;           /* any of, NULL-terminated or NULL */
	char **targets;          /* target names, NULL-terminated or NULL = every target */
	struct srcpos *target_pos; /* where each of targets is written */
	struct want_label *labels;
	size_t n_labels;
	const char *file;        /* as want_label.file */
	struct srcpos pos;
};

/* Where a run works: a forge, its URL, an owner or some repos, filters. */
struct target {
	char *name;              /* a file's target `name` (unique), or NULL */
	char *forge;             /* plugin name or path */
	char *url;               /* NULL = forge default */
	char *api_url;           /* NULL unless given */
	char *org;               /* NULL when repos are named */
	char **repos;            /* "owner/name", NULL-terminated or NULL */
	char **include;          /* globs, NULL-terminated or NULL */
	char **exclude;          /* globs, NULL-terminated or NULL */
	char **topics;           /* any of, NULL-terminated or NULL */
	char *token_env;         /* extra token variable, or NULL */
	char *app_id;            /* the target's own App (labels file), or NULL */
	char *app_key_file;      /* its private key's file, as written (relative: to the file) */
	char *app_key_env;       /* or the variable holding the key's PEM text */
	const struct app_cred *app; /* the App credentials the target uses (appcreds.h), or NULL */
	bool app_required;       /* refused on a forge without App authentication */
	bool org_labels;         /* owner-level labels (EPITHET_CAP_ORG_LABELS) */
	bool archived;           /* also read archived repos */
	bool forks;              /* also manage forks */
	struct srcpos pos;
};

/* The desired state: a labels file, or what a command asks for. */
struct desired {
	struct want_label *labels;
	size_t n_labels;
	char **keep;             /* globs never pruned, NULL-terminated or NULL */
	struct target *targets;  /* from the file; empty when the command line gives them */
	size_t n_targets;
	struct label_set *sets;  /* SPEC 9: labels for some repos only */
	size_t n_sets;
	char **files;            /* the files read (the labels file and its bases), NULL-terminated */
};

#endif
