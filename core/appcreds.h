/* SPDX-License-Identifier: MIT */
/*
 * Which App credentials each target of a run uses (SPEC.md 10), decided and
 * loaded before any plugin is opened, so that a malformed key or an
 * unreadable key file stops the run before its first request. First found
 * wins: --app-id with --app-key; the target's own app_id with app_key_env or
 * app_key_file (relative to the labels file); EPITHET_APP_ID with
 * EPITHET_APP_KEY (the PEM text, which wins) or EPITHET_APP_KEY_FILE.
 */
#ifndef EPITHET_CORE_APPCREDS_H
#define EPITHET_CORE_APPCREDS_H

#include <stdbool.h>
#include <stddef.h>

#include "appauth.h"
#include "model.h"

/* What the command line said. */
struct app_cli {
	const char *id;          /* --app-id, or NULL */
	const char *key_file;    /* --app-key, or NULL */
};

/* The credentials a run loaded, owned until app_creds_finish. */
struct app_creds {
	struct app_cred **v;
	size_t n;
	const struct app_cred *global; /* the command line's, else the environment's, or NULL */
	bool global_explicit;          /* the global ones came from the command line */
};

enum app_creds_status {
	APP_CREDS_OK = 0,
	APP_CREDS_USAGE,     /* an id without a key, a key without an id: exit 64 */
	APP_CREDS_BAD,       /* a key that cannot be read or is malformed: exit 65 */
};

/*
 * Load the global credentials (the command line's, else the environment's)
 * into @out: before anything is read from a forge (a labels file's bases
 * too). Then app_creds_targets loads each target's own (unless the command
 * line gave some) and sets every target's app and app_required;
 * @config_path (or NULL) anchors relative app_key_file paths. Errors are
 * logged, naming the source; on an error @out is emptied.
 */
enum app_creds_status app_creds_global(const struct app_cli *cli, struct app_creds *out);
enum app_creds_status app_creds_targets(struct app_creds *out, const char *config_path,
					struct target *targets, size_t n);
/*
 * For undo: load the own App credentials of @targets made from a journal
 * (app_key_file absolute), unless @cli_explicit (the command line's replace
 * them). Errors are logged.
 */
enum app_creds_status app_creds_load_own(struct target *targets, size_t n, bool cli_explicit,
					 struct app_creds *out);
void app_creds_finish(struct app_creds *c);

#endif
