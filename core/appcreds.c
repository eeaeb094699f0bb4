/* SPDX-License-Identifier: MIT */
/*
 * App credentials of a run (appcreds.h): the command line's, the targets'
 * own, the environment's; loaded once, before any request, and freed (the
 * keys wiped) when the run ends. EPITHET_APP_KEY's PEM text is wiped from
 * the environment once read.
 */
#include "appcreds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <openssl/crypto.h>

#include "log.h"
#include "util.h"

static void keep(struct app_creds *out, struct app_cred *c)
{
	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n++] = c;
}

static const char *env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* A key file others may read: said, as for a token file. */
static int load_file(const char *id, const char *path, const char *where, struct app_cred **c,
		     char *msg, size_t n)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
		log_warn("%s can be read by other users; it holds the App's private key (chmod 600 it)",
			 path);
	return app_cred_from_file(id, path, where, c, msg, n);
}

/* --app-id with --app-key; NULL in *c when neither is given. */
static enum app_creds_status from_cli(const struct app_cli *cli, struct app_cred **c)
{
	char msg[512];

	*c = NULL;
	if (!cli || (!cli->id && !cli->key_file))
		return APP_CREDS_OK;
	if (!cli->id || !cli->key_file) {
		log_error("%s: App authentication needs both --app-id ID and --app-key FILE",
			  cli->id ? "--app-id without --app-key" : "--app-key without --app-id");
		return APP_CREDS_USAGE;
	}
	if (load_file(cli->id, cli->key_file, "--app-key", c, msg, sizeof(msg)) != 0) {
		log_error("%s", msg);
		return APP_CREDS_BAD;
	}
	return APP_CREDS_OK;
}

/* EPITHET_APP_ID with EPITHET_APP_KEY (wins) or EPITHET_APP_KEY_FILE. */
static enum app_creds_status from_env(struct app_cred **c)
{
	const char *id = env_value("EPITHET_APP_ID"), *file = env_value("EPITHET_APP_KEY_FILE");
	char *pem = (char *)env_value("EPITHET_APP_KEY");
	char msg[512];
	int rc;

	*c = NULL;
	if (!id && !pem && !file)
		return APP_CREDS_OK;
	if (!id || (!pem && !file)) {
		log_error("%s: App authentication from the environment needs EPITHET_APP_ID and "
			  "EPITHET_APP_KEY (or EPITHET_APP_KEY_FILE)",
			  id ? "EPITHET_APP_ID without a key" : "an App key without EPITHET_APP_ID");
		return APP_CREDS_USAGE;
	}
	if (pem) {
		rc = app_cred_from_pem(id, pem, strlen(pem), "EPITHET_APP_KEY", c, msg, sizeof(msg));
		/* the environment's copy of the key goes too: children never see it */
		OPENSSL_cleanse(pem, strlen(pem));
		unsetenv("EPITHET_APP_KEY");
	} else {
		rc = load_file(id, file, "EPITHET_APP_KEY_FILE", c, msg, sizeof(msg));
	}
	if (rc != 0) {
		log_error("%s", msg);
		return APP_CREDS_BAD;
	}
	return APP_CREDS_OK;
}

/* A target's own: app_id with app_key_env or app_key_file. */
static enum app_creds_status from_target(struct target *t, const char *config_path,
					 struct app_cred **c)
{
	char msg[512], *where, *path = NULL;
	const char *pem;
	int rc;

	*c = NULL;
	if (!t->app_id || (!t->app_key_env && !t->app_key_file))
		return APP_CREDS_OK;
	if (t->pos.line)
		where = xasprintf("%s:%u:%u: the target's %s", config_path ? config_path : "labels file",
				  t->pos.line, t->pos.col, t->app_key_env ? "app_key_env" : "app_key_file");
	else /* a target from a journal (undo) */
		where = xasprintf("the journal's %s of App %s", t->app_key_env ? "app_key_env"
					   : "app_key_file", t->app_id);
	if (t->app_key_env) {
		pem = env_value(t->app_key_env);
		rc = pem ? app_cred_from_pem(t->app_id, pem, strlen(pem), where, c, msg, sizeof(msg))
			 : EPITHET_EINVALID;
		if (!pem)
			snprintf(msg, sizeof(msg), "%s: %s is not set", where, t->app_key_env);
	} else {
		const char *slash = config_path ? strrchr(config_path, '/') : NULL;

		if (t->app_key_file[0] != '/' && slash)
			path = xasprintf("%.*s/%s", (int)(slash - config_path), config_path, t->app_key_file);
		rc = load_file(t->app_id, path ? path : t->app_key_file, where, c, msg, sizeof(msg));
		/* the journal says where the key is, for an undo run from anywhere */
		char *abs = rc == 0 ? realpath(path ? path : t->app_key_file, NULL) : NULL;

		if (abs) {
			free(t->app_key_file);
			t->app_key_file = abs;
		}
	}
	free(path);
	free(where);
	if (rc != 0) {
		log_error("%s", msg);
		return APP_CREDS_BAD;
	}
	return APP_CREDS_OK;
}

enum app_creds_status app_creds_global(const struct app_cli *cli, struct app_creds *out)
{
	struct app_cred *global = NULL;
	enum app_creds_status st;

	memset(out, 0, sizeof(*out));
	st = from_cli(cli, &global);
	out->global_explicit = global != NULL;
	/* the command line's replace everything else: the environment's and
	 * the targets' own are not even read */
	if (st == APP_CREDS_OK && !global)
		st = from_env(&global);
	if (global)
		keep(out, global);
	out->global = global;
	if (st != APP_CREDS_OK)
		app_creds_finish(out);
	return st;
}

enum app_creds_status app_creds_targets(struct app_creds *out, const char *config_path,
					struct target *targets, size_t n)
{
	const struct app_cred *global = out->global;
	enum app_creds_status st = APP_CREDS_OK;
	struct app_cred *own;

	for (size_t i = 0; st == APP_CREDS_OK && i < n; i++) {
		struct target *t = &targets[i];

		own = NULL;
		if (!out->global_explicit)
			st = from_target(t, config_path, &own);
		if (own)
			keep(out, own);
		t->app = own ? own : global;
		/* Credentials meant for this target (its own, or given for a
		 * run of one target) are an error on a forge without App
		 * authentication; global ones over several targets only apply
		 * where they can. */
		t->app_required = own || (global && n == 1);
	}
	if (st != APP_CREDS_OK)
		app_creds_finish(out);
	return st;
}

enum app_creds_status app_creds_load_own(struct target *targets, size_t n, bool cli_explicit,
					 struct app_creds *out)
{
	enum app_creds_status st = APP_CREDS_OK;
	struct app_cred *own;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !cli_explicit && st == APP_CREDS_OK && i < n; i++) {
		own = NULL;
		st = from_target(&targets[i], NULL, &own);
		if (own) {
			keep(out, own);
			targets[i].app = own;
			targets[i].app_required = true;
		}
	}
	if (st != APP_CREDS_OK)
		app_creds_finish(out);
	return st;
}

void app_creds_finish(struct app_creds *c)
{
	for (size_t i = 0; c && i < c->n; i++)
		app_cred_free(c->v[i]);
	if (c) {
		free(c->v);
		memset(c, 0, sizeof(*c));
	}
}
