/* SPDX-License-Identifier: MIT */
/*
 * The command line (SPEC.md 2). Global options go before or after the
 * command; after the command name an option the command defines itself wins
 * (`--color` is the output colouring before `ensure`, the label colour after).
 * Everything is checked before any plugin is loaded or request sent: a bad
 * option is exit 64, a bad value exit 65.
 */
#include "cli.h"
#include "repopath.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appcreds.h"
#include "bases.h"
#include "cli_labels.h"
#include "config.h"
#include "docs.h"
#include "engine.h"
#include "hostsvc.h"
#include "labelsfile.h"
#include "log.h"
#include "targets.h"
#include "util.h"

enum opt_id {
	O_FORGE = 1, O_URL, O_API_URL, O_ORG, O_REPO, O_INCLUDE, O_EXCLUDE, O_ARCHIVED, O_FORKS,
	O_TOPIC, O_CONFIG, O_DRY_RUN, O_YES, O_JOBS, O_WRITE_INTERVAL, O_MAX_WAIT, O_OUTPUT,
	O_COLOR_WHEN, O_VERBOSE, O_QUIET, O_VERSION, O_HELP, O_TOKEN_FILE, O_CACERT, O_ORG_LABELS,
	O_APP_ID, O_APP_KEY,
	/* command options */
	C_COLOR, C_DESCRIPTION, C_PRUNE, C_FROM, C_OUT, C_FORMAT,
};

struct optdef {
	enum opt_id id;
	const char *name;
	char short_name;
	int arg;          /* 0 none, 1 required, 2 optional (--name=value only) */
};

static const struct optdef global_opts[] = {
	{O_FORGE, "forge", 'F', 1},
	{O_URL, "url", 'u', 1},
	{O_API_URL, "api-url", 0, 1},
	{O_ORG, "org", 'o', 1},
	{O_REPO, "repo", 'r', 1},
	{O_INCLUDE, "include", 0, 1},
	{O_EXCLUDE, "exclude", 0, 1},
	{O_ARCHIVED, "archived", 0, 0},
	{O_FORKS, "forks", 0, 0},
	{O_TOPIC, "topic", 0, 1},
	{O_CONFIG, "config", 'c', 1},
	{O_DRY_RUN, "dry-run", 'n', 0},
	{O_YES, "yes", 'y', 0},
	{O_JOBS, "jobs", 'j', 1},
	{O_WRITE_INTERVAL, "write-interval", 0, 1},
	{O_MAX_WAIT, "max-wait", 0, 1},
	{O_OUTPUT, "output", 0, 1},
	{O_COLOR_WHEN, "color", 0, 1},
	{O_VERBOSE, "verbose", 'v', 0},
	{O_QUIET, "quiet", 'q', 0},
	{O_VERSION, "version", 0, 0},
	{O_HELP, "help", 'h', 0},
	{O_TOKEN_FILE, "token-file", 0, 1},
	{O_CACERT, "cacert", 0, 1},
	{O_ORG_LABELS, "org-labels", 0, 0},
	{O_APP_ID, "app-id", 0, 1},
	{O_APP_KEY, "app-key", 0, 1},
	{0, NULL, 0, 0},
};

static const struct optdef ensure_opts[] = {
	{C_COLOR, "color", 0, 1},
	{C_DESCRIPTION, "description", 'd', 1},
	{0, NULL, 0, 0},
};
static const struct optdef sync_opts[] = {
	{C_PRUNE, "prune", 0, 2},
	{0, NULL, 0, 0},
};
static const struct optdef export_opts[] = {
	{C_FROM, "from", 0, 1},
	{C_OUT, "out", 0, 1},
	{0, NULL, 0, 0},
};
static const struct optdef docs_opts[] = {
	{C_OUT, "out", 0, 1},
	{C_FORMAT, "format", 0, 1},
	{0, NULL, 0, 0},
};
static const struct optdef no_opts[] = {
	{0, NULL, 0, 0},
};

struct cmddef {
	const char *name;
	enum command cmd;
	const struct optdef *opts;
	int min_args;
	int max_args;
	const char *usage;
	const char *help;
};

static const struct cmddef commands[] = {
	{"list", CMD_LIST, no_opts, 0, 1, "list [NAME]",
	 "Show the labels across the selected repos: how many repos have each, and\n"
	 "where colour, description or spelling differ (drift). With NAME, show that\n"
	 "label in every repo."},
	{"ensure", CMD_ENSURE, ensure_opts, 1, 1,
	 "ensure NAME [--color HEX] [--description TEXT]",
	 "Create NAME in every repo that lacks it and update it where colour or\n"
	 "description differ. A colour or description not given is left as it is\n"
	 "(a new label without --color gets ededed)."},
	{"delete", CMD_DELETE, no_opts, 1, 1, "delete NAME",
	 "Delete NAME from every repo that has it. Destructive: the plan shows how\n"
	 "many issues and PRs carry it; asks on a terminal, needs --yes off one."},
	{"rename", CMD_RENAME, no_opts, 2, 2, "rename OLD NEW",
	 "Rename OLD to NEW in every repo, in place, so every issue and PR keeps the\n"
	 "label. Where both exist, issues carrying OLD get NEW and OLD is deleted\n"
	 "(a merge: destructive). Repos with neither are left alone."},
	{"sync", CMD_SYNC, sync_opts, 0, 0, "sync [--prune[=archive]]",
	 "Make every repo match the labels file (-c FILE, default ./labels.yml,\n"
	 "./labels.yaml or ./labels.json). With --prune also delete (or, where the\n"
	 "forge can, archive) labels the file does not list, except those it keeps.\n"
	 "Names match ignoring case and Unicode normalisation and, where the forge\n"
	 "shows :shortcode: emoji, a shortcode and its emoji (:bug: and the bug) are\n"
	 "one name; the file's spelling is written.\n"
	 "\n"
	 "A policy for many repos: `sets` give labels to the repos they select (by\n"
	 "name glob, topic or target name), and each repo is planned and pruned\n"
	 "against its own labels; a label two places give differently fails that\n"
	 "repo alone. `extends` builds on other files, local (relative to the file)\n"
	 "or in a repo on a forge (`repo: acme/policy`, `path`, `ref`), read first.\n"
	 "`delete_after: DATE` retires a label: synced until then, deleted after.\n"
	 "Reference: docs/labels-file.md."},
	{"plan", CMD_PLAN, sync_opts, 0, 0, "plan [--prune[=archive]]",
	 "Exactly `sync --dry-run`: print the plan and change nothing. Exit status 2\n"
	 "when anything would change, 0 when everything matches: a CI drift check.\n"
	 "Each repo's line names the sets it got; a label with delete_after shows\n"
	 "\"retires on DATE (N issues)\" until then. Bases on a forge are read."},
	{"export", CMD_EXPORT, export_opts, 0, 0, "export [--from OWNER/REPO] [--out FILE]",
	 "Write the labels as a labels file (YAML): of one repo with --from, or of\n"
	 "the whole selection (each label once, its most common colour, and how many\n"
	 "repos carry it). To stdout unless --out."},
	{"copy", CMD_COPY, sync_opts, 1, 1, "copy OWNER/REPO [--prune]",
	 "The source repo's labels become the labels file: like sync. Extra labels\n"
	 "stay unless --prune."},
	{"undo", CMD_UNDO, no_opts, 0, 1, "undo [JOURNAL]",
	 "Revert the last applied run, or the one whose journal file is named:\n"
	 "recreate deleted labels and put them back on their issues, rename back,\n"
	 "restore colours and descriptions. Undoing twice changes nothing the second time."},
	{"docs", CMD_DOCS, docs_opts, 0, 0, "docs [-c FILE] [--out FILE] [--format markdown|html]",
	 "Render the labels file's policy for humans: every label with its colour,\n"
	 "description, aliases, where it applies (every repo, or the sets that carry\n"
	 "it) and its status (synced, retiring on a date, removed), then the sets.\n"
	 "Markdown to stdout by default; --format html writes one self-contained page\n"
	 "(inline style, real colour swatches, no external resource); --out FILE\n"
	 "writes to FILE. The file is read as sync reads it, bases included (a base\n"
	 "on a forge is fetched); no other request is sent."},
	{"plugins", CMD_PLUGINS, no_opts, 0, 0, "plugins",
	 "List the forge plugins found on the search path, their ABI version,\n"
	 "capabilities and the file each came from."},
	{"help", CMD_HELP, no_opts, 0, 1, "help [COMMAND]", "Show help."},
	{NULL, 0, NULL, 0, 0, NULL, NULL},
};

static const char global_help[] =
	"Global options (before or after the command):\n"
	"  -F, --forge NAME|PATH   forge plugin by name (see `epithet plugins`) or .so path;\n"
	"                          default " EPITHET_DEFAULT_FORGE "\n"
	"  -u, --url URL           forge base URL (what it means is the forge's: see README)\n"
	"      --api-url URL       the exact API root, used as is (forges that take it)\n"
	"  -o, --org OWNER         the organization or user whose repositories are managed\n"
	"  -r, --repo OWNER/NAME   one repository instead of a whole owner (repeatable)\n"
	"      --include GLOB      only repos whose name matches (repeatable)\n"
	"      --exclude GLOB      skip repos whose name matches (repeatable)\n"
	"      --archived          also read archived repos (never written)\n"
	"      --forks             also manage forks\n"
	"      --topic TOPIC       only repos carrying this topic (repeatable: any of them)\n"
	"      --org-labels        keep the labels once at owner level (forges that have them)\n"
	"  -c, --config FILE       labels file (YAML or JSON; the files it extends are read first)\n"
	"  -n, --dry-run           compute and print the plan, change nothing\n"
	"  -y, --yes               do not ask before destructive changes\n"
	"  -j, --jobs N            parallel reads (and writes where not paced)\n"
	"      --write-interval S  seconds between two writes (default: the forge's guidance)\n"
	"      --max-wait S        longest wait for a rate-limit reset (default 900)\n"
	"      --token-file FILE   read the token from FILE (there is no token option: it would show in ps)\n"
	"      --app-id ID         authenticate as this App (forges that have Apps), with\n"
	"      --app-key FILE      the App's PEM private key (PKCS#1 or PKCS#8)\n"
	"      --cacert FILE       extra CA bundle for self-hosted forges\n"
	"      --output FORMAT     human (default), json, or markdown (plan and outcome as\n"
	"                          Markdown, for CI summaries and pull-request comments)\n"
	"      --color WHEN        auto (default), always, never; NO_COLOR means never\n"
	"  -v, --verbose           log each HTTP request (never the token)\n"
	"  -q, --quiet             only errors\n"
	"      --version, --help\n"
	"\n"
	"Tokens: EPITHET_TOKEN, then the forge's own variables (README lists them), a\n"
	"target's token_env, --token-file, ~/.netrc. App credentials, when given, replace\n"
	"any token: --app-id/--app-key, a target's app_id, EPITHET_APP_ID with\n"
	"EPITHET_APP_KEY (the PEM text) or EPITHET_APP_KEY_FILE.\n"
	"Exit status: 0 ok; 1 something failed or a destructive change was refused;\n"
	"2 changes found by plan/--dry-run; 64 usage; 65 bad labels file or value;\n"
	"69 plugin not loadable; 77 credentials rejected or owner unreadable.\n";

static void usage_all(FILE *f)
{
	fprintf(f, "usage: epithet [GLOBAL OPTIONS] COMMAND [ARGS]\n\nCommands:\n");
	for (const struct cmddef *c = commands; c->name; c++)
		fprintf(f, "  %s\n", c->usage);
	fprintf(f, "\n%s", global_help);
}

static const struct cmddef *find_command(const char *name)
{
	for (const struct cmddef *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int help_command(const char *name)
{
	const struct cmddef *c = find_command(name);

	if (!c) {
		log_error("unknown command '%s' (see epithet --help)", name);
		return EXIT_USAGE;
	}
	printf("usage: epithet [GLOBAL OPTIONS] %s\n\n%s\n\n%s", c->usage, c->help, global_help);
	return EXIT_OK;
}

/* ---- parsed state ---- */

struct cli {
	struct run_options ro;
	struct target t;            /* the command-line target */
	bool have_target;           /* --forge/--url/--api-url/--org/--repo given */
	const char *color_when;
	int verbose;
	bool quiet;
	const char *args[3];
	int n_args;
	const struct cmddef *cmd;
	const char *label_color;
	const char *label_description;
	bool help;
	bool version;
	struct app_cli app;         /* --app-id, --app-key */
	struct app_creds creds;     /* the App credentials loaded (appcreds.h) */
};

static const struct optdef *lookup(const struct optdef *tab, const char *name, size_t len, char short_name)
{
	for (; tab && tab->id; tab++) {
		if (name && strlen(tab->name) == len && strncmp(tab->name, name, len) == 0)
			return tab;
		if (!name && short_name && tab->short_name == short_name)
			return tab;
	}
	return NULL;
}

static int bad_value(const char *opt, const char *value, const char *why)
{
	log_error("invalid value for %s: '%s': %s", opt, value, why);
	return EXIT_DATAERR;
}

static int parse_seconds(const char *opt, const char *v, long *ms)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || d < 0 || d > 86400.0 * 7)
		return bad_value(opt, v, "expected a number of seconds");
	*ms = (long)(d * 1000.0 + 0.5);
	return 0;
}

static int apply_opt(struct cli *c, const struct optdef *d, const char *spelled, const char *v)
{
	struct run_options *ro = &c->ro;
	char *end, why[256];
	long n;

	switch (d->id) {
	case O_FORGE:
		free(c->t.forge);
		c->t.forge = xstrdup(v);
		c->have_target = true;
		break;
	case O_URL:
		free(c->t.url);
		c->t.url = xstrdup(v);
		c->have_target = true;
		break;
	case O_API_URL:
		free(c->t.api_url);
		c->t.api_url = xstrdup(v);
		c->have_target = true;
		break;
	case O_ORG:
		free(c->t.org);
		c->t.org = xstrdup(v);
		c->have_target = true;
		break;
	case O_REPO: {
		if (!repopath_ok(v))
			return bad_value(spelled, v, "expected OWNER/NAME");
		strv_push(&c->t.repos, v);
		c->have_target = true;
		break;
	}
	case O_INCLUDE:
		strv_push(&c->t.include, v);
		break;
	case O_EXCLUDE:
		strv_push(&c->t.exclude, v);
		break;
	case O_TOPIC:
		strv_push(&c->t.topics, v);
		break;
	case O_ARCHIVED:
		c->t.archived = true;
		break;
	case O_FORKS:
		c->t.forks = true;
		break;
	case O_ORG_LABELS:
		c->t.org_labels = true;
		break;
	case O_CONFIG:
		ro->config_path = v;
		break;
	case O_DRY_RUN:
		ro->dry_run = true;
		break;
	case O_YES:
		ro->yes = true;
		break;
	case O_JOBS:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 1 || n > 64)
			return bad_value(spelled, v, "expected a whole number from 1 to 64");
		ro->jobs = (int)n;
		break;
	case O_WRITE_INTERVAL:
		return parse_seconds(spelled, v, &ro->host.write_interval_ms);
	case O_MAX_WAIT: {
		long ms;
		int rc = parse_seconds(spelled, v, &ms);

		ro->host.max_wait_s = ms / 1000;
		return rc;
	}
	case O_OUTPUT:
		ro->json = strcmp(v, "json") == 0;
		ro->markdown = strcmp(v, "markdown") == 0;
		if (!ro->json && !ro->markdown && strcmp(v, "human") != 0)
			return bad_value(spelled, v, "expected human, json or markdown");
		break;
	case O_COLOR_WHEN:
		if (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never"))
			return bad_value(spelled, v, "expected auto, always or never");
		c->color_when = v;
		break;
	case O_VERBOSE:
		c->verbose++;
		break;
	case O_QUIET:
		c->quiet = true;
		break;
	case O_VERSION:
		c->version = true;
		break;
	case O_HELP:
		c->help = true;
		break;
	case O_TOKEN_FILE:
		ro->host.token_file = v;
		break;
	case O_CACERT:
		if (hostsvc_cacert_check(v, why, sizeof(why)) != 0)
			return bad_value(spelled, v, why);
		ro->host.cacert = v;
		break;
	case O_APP_ID:
		c->app.id = v;
		break;
	case O_APP_KEY:
		c->app.key_file = v;
		break;
	case C_COLOR:
		c->label_color = v;
		break;
	case C_DESCRIPTION:
		c->label_description = v;
		break;
	case C_PRUNE:
		ro->prune = true;
		if (v && strcmp(v, "archive") == 0)
			ro->prune_archive = true;
		else if (v && strcmp(v, "delete") != 0)
			return bad_value(spelled, v, "expected --prune or --prune=archive");
		break;
	case C_FROM: {
		if (!repopath_ok(v))
			return bad_value(spelled, v, "expected OWNER/REPO");
		ro->export_from = v;
		break;
	}
	case C_OUT:
		ro->export_out = v;
		break;
	case C_FORMAT:
		ro->docs_html = strcmp(v, "html") == 0;
		if (!ro->docs_html && strcmp(v, "markdown") != 0)
			return bad_value(spelled, v, "expected markdown or html");
		break;
	}
	return 0;
}

static int unknown_option(const char *arg)
{
	if (strncmp(arg, "--token", 7) == 0 && strncmp(arg, "--token-file", 12) != 0)
		log_error("there is no token option (a token on the command line shows in ps): "
			  "use EPITHET_TOKEN, the forge's token variable, --token-file or ~/.netrc");
	else
		log_error("unknown option '%s' (see epithet --help)", arg);
	return EXIT_USAGE;
}

static int parse(struct cli *c, int argc, char **argv)
{
	bool only_args = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct optdef *cmdtab = c->cmd ? c->cmd->opts : NULL;
		const struct optdef *d = NULL;
		const char *value = NULL;
		int rc;

		if (only_args || a[0] != '-' || a[1] == '\0') {
			if (!c->cmd) {
				c->cmd = find_command(a);
				if (!c->cmd) {
					log_error("unknown command '%s' (see epithet --help)", a);
					return EXIT_USAGE;
				}
			} else if (c->n_args < (int)(sizeof(c->args) / sizeof(c->args[0]))) {
				c->args[c->n_args++] = a;
			} else {
				log_error("too many arguments for %s", c->cmd->name);
				return EXIT_USAGE;
			}
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			d = lookup(cmdtab, name, len, 0);
			if (!d)
				d = lookup(global_opts, name, len, 0);
			if (!d)
				return unknown_option(a);
			if (eq) {
				if (!d->arg) {
					log_error("option --%s takes no value", d->name);
					return EXIT_USAGE;
				}
				value = eq + 1;
			} else if (d->arg == 1) {
				if (i + 1 >= argc) {
					log_error("option --%s needs a value", d->name);
					return EXIT_USAGE;
				}
				value = argv[++i];
			}
			rc = apply_opt(c, d, a, value);
			if (rc)
				return rc;
			continue;
		}
		/* Short options, possibly bundled: -nyv, -j4, -j 4. */
		for (const char *p = a + 1; *p; p++) {
			char spelled[3] = {'-', *p, '\0'};

			d = lookup(cmdtab, NULL, 0, *p);
			if (!d)
				d = lookup(global_opts, NULL, 0, *p);
			if (!d)
				return unknown_option(spelled);
			if (d->arg == 1) {
				if (p[1]) {
					value = p + 1;
				} else if (i + 1 < argc) {
					value = argv[++i];
				} else {
					log_error("option %s needs a value", spelled);
					return EXIT_USAGE;
				}
				rc = apply_opt(c, d, spelled, value);
				if (rc)
					return rc;
				break;
			}
			rc = apply_opt(c, d, spelled, NULL);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static const char *default_config(void)
{
	static const char *const names[] = {"labels.yml", "labels.yaml", "labels.json"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (access(names[i], F_OK) == 0)
			return names[i];
	return NULL;
}

static int load_file(struct cli *c, struct desired *d)
{
	struct lf_diags diags = {0};
	/* Bases on a forge (`extends`) are read before anything else is sent;
	 * a policy without targets reads them where the command line says. */
	struct bases_reader bases = {
		.opt = &c->ro, .forge = c->t.forge, .url = c->t.url, .api_url = c->t.api_url,
	};
	int rc;

	rc = lf_load_policy(c->ro.config_path, NULL, bases_read, &bases, d, &diags);
	bases_reader_finish(&bases);
	if (rc != 0) {
		for (size_t i = 0; i < diags.n; i++) {
			char *m = lf_diag_format(&diags.v[i]);

			log_error("%s", m);
			free(m);
		}
		if (!diags.n)
			log_error("%s: invalid labels file", c->ro.config_path);
		lf_diags_finish(&diags);
		return EXIT_DATAERR;
	}
	lf_diags_finish(&diags);
	return 0;
}

static void install_signals(void);

static int app_creds_exit(enum app_creds_status st)
{
	return st == APP_CREDS_USAGE ? EXIT_USAGE : st == APP_CREDS_BAD ? EXIT_DATAERR : 0;
}

/* App credentials (SPEC.md 10), read before any request: the command
 * line's or the environment's first (a labels file's bases are read with
 * them), the targets' own once the targets are known. An undo's journal
 * targets bring their own (engine/undo.c). */
static int load_app_global(struct cli *c)
{
	int rc = app_creds_exit(app_creds_global(&c->app, &c->creds));

	c->ro.host.app = c->creds.global;
	c->ro.host.app_required = c->creds.global_explicit;
	return rc;
}

/* docs: the file sync would read (its bases too), rendered; no target. */
static int run_docs(struct cli *c)
{
	struct desired d = {0};
	int rc;

	if (!c->ro.config_path)
		c->ro.config_path = default_config();
	if (!c->ro.config_path) {
		log_error("no labels file: give -c FILE, or create labels.yml");
		return EXIT_USAGE;
	}
	rc = load_app_global(c);
	if (!rc)
		rc = load_file(c, &d);
	if (!rc)
		rc = docs_main(&c->ro, &d);
	desired_finish(&d);
	return rc;
}

static int run_command(struct cli *c)
{
	struct desired d = {0}, cmd = {0};
	struct target *targets = NULL;
	size_t n_targets = 0;
	int rc;
	bool needs_file = c->ro.cmd == CMD_SYNC || c->ro.cmd == CMD_PLAN;

	if (c->t.url && c->t.api_url) {
		log_error("give --url or --api-url, not both");
		return EXIT_USAGE;
	}
	if (!c->ro.config_path && needs_file)
		c->ro.config_path = default_config();
	if (needs_file && !c->ro.config_path) {
		log_error("no labels file: give -c FILE, or create labels.yml (see `epithet export`)");
		return EXIT_USAGE;
	}
	/* The command line is checked whole before the file is loaded: loading
	 * it reads the bases on a forge (requests). */
	if (!needs_file) {
		/* The command says what it wants; a file only brings targets. */
		struct command_labels cl = {
			.cmd = c->ro.cmd, .args = {c->args[0], c->args[1]},
			.color = c->label_color, .description = c->label_description,
		};

		rc = command_labels_want(&cl, &cmd);
		if (rc)
			goto out;
	}
	if (c->ro.cmd == CMD_COPY) {
		if (!repopath_ok(c->args[0])) {
			rc = bad_value("copy", c->args[0], "expected OWNER/REPO");
			goto out;
		}
		c->ro.copy_from = c->args[0];
	}
	rc = load_app_global(c);
	if (rc)
		goto out;
	if (c->ro.config_path) {
		rc = load_file(c, &d);
		if (rc)
			goto out;
	}
	if (!needs_file) {
		/* Keep the file's targets and keep-list, take the command's labels. */
		cmd.targets = d.targets;
		cmd.n_targets = d.n_targets;
		cmd.keep = d.keep;
		d.targets = NULL;
		d.n_targets = 0;
		d.keep = NULL;
		desired_finish(&d);
		d = cmd;
		memset(&cmd, 0, sizeof(cmd));
	}
	if (c->ro.cmd == CMD_EXPORT && c->ro.export_from) {
		strv_free(c->t.repos);
		c->t.repos = NULL;
		strv_push(&c->t.repos, c->ro.export_from);
		c->have_target = true;
	}
	if (c->have_target || !d.n_targets) {
		if (!c->t.forge)
			c->t.forge = xstrdup(EPITHET_DEFAULT_FORGE);
		if (needs_file && d.n_targets)
			targets_name_cli(&c->t, &d);
		targets = &c->t;
		n_targets = 1;
	} else {
		targets = d.targets;
		n_targets = d.n_targets;
		for (size_t i = 0; i < n_targets; i++)
			targets_add_filters(&targets[i], &c->t);
	}
	rc = app_creds_exit(app_creds_targets(&c->creds, c->ro.config_path, targets, n_targets));
	if (rc)
		goto out;
	install_signals();
	rc = engine_run(&c->ro, &d, targets, n_targets);
out:
	desired_finish(&cmd);
	desired_finish(&d);
	return rc;
}

/* ---- signals ---- */

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	static const char msg[] = "\nepithet: interrupted again: exiting now (the journal is usable)\n";

	if (signals_seen++ && sig == SIGINT) {
		ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);

		(void)w;
		_exit(EXIT_SIGINT);
	}
	engine_signal(sig);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* ---- main ---- */

static void set_colors(struct cli *c)
{
	const char *when = c->color_when ? c->color_when : "auto";
	const char *ct = getenv("COLORTERM");
	const char *term = getenv("TERM");
	const char *no = getenv("NO_COLOR");

	if (strcmp(when, "always") == 0)
		c->ro.color = true;
	else if (strcmp(when, "never") == 0 || (no && *no))
		c->ro.color = false;
	else
		c->ro.color = isatty(STDOUT_FILENO) && !(term && strcmp(term, "dumb") == 0);
	c->ro.truecolor = ct && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0);
	if (strcmp(when, "always") == 0 && !(ct && *ct))
		c->ro.truecolor = true;
}

int cli_main(int argc, char **argv)
{
	struct cli c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.ro.host.write_interval_ms = -1;
	c.ro.host.max_wait_s = 900;
	c.ro.host.user_agent = "epithet/" EPITHET_VERSION;
	c.t.forge = NULL;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	rc = parse(&c, argc, argv);
	if (rc)
		goto out;
	log_set_verbosity(c.quiet ? -1 : c.verbose);
	set_colors(&c);
	if (c.version) {
		printf("epithet %s (forge ABI %d.%d)\n", EPITHET_VERSION, EPITHET_FORGE_ABI_MAJOR,
		       EPITHET_FORGE_ABI_MINOR);
		goto out;
	}
	if (!c.cmd) {
		if (c.help) {
			usage_all(stdout);
			goto out;
		}
		usage_all(stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (c.help) {
		rc = help_command(c.cmd->name);
		goto out;
	}
	if (c.cmd->cmd == CMD_HELP) {
		if (c.n_args)
			rc = help_command(c.args[0]);
		else
			usage_all(stdout);
		goto out;
	}
	if (c.n_args < c.cmd->min_args || c.n_args > c.cmd->max_args) {
		log_error("usage: epithet %s", c.cmd->usage);
		rc = EXIT_USAGE;
		goto out;
	}
	c.ro.cmd = c.cmd->cmd;
	c.ro.cmd_name = c.cmd->name;
	if (c.ro.markdown && (c.ro.cmd == CMD_LIST || c.ro.cmd == CMD_EXPORT ||
			      c.ro.cmd == CMD_PLUGINS || c.ro.cmd == CMD_DOCS)) {
		log_error("--output markdown is for the commands that plan or apply (sync, plan, "
			  "ensure, delete, rename, copy, undo); %s %s", c.ro.cmd_name,
			  c.ro.cmd == CMD_DOCS ? "takes --format markdown|html" : "prints human or json");
		rc = EXIT_USAGE;
		goto out;
	}
	if (c.ro.cmd == CMD_LIST && c.n_args)
		c.ro.list_name = c.args[0];
	if (c.ro.cmd == CMD_UNDO && c.n_args)
		c.ro.undo_journal = c.args[0];
	if (hostsvc_global_init() != 0) {
		log_error("cannot initialise the HTTP library");
		rc = EXIT_FAILED;
		goto out;
	}
	switch (c.ro.cmd) {
	case CMD_PLUGINS:
		rc = engine_plugins(&c.ro);
		break;
	case CMD_DOCS:
		rc = run_docs(&c);
		break;
	case CMD_UNDO:
		rc = load_app_global(&c);
		if (rc)
			break;
		install_signals();
		rc = engine_undo(&c.ro);
		break;
	default:
		rc = run_command(&c);
		break;
	}
	hostsvc_global_cleanup();
out:
	fflush(stdout);
	target_finish(&c.t);
	app_creds_finish(&c.creds);
	return rc;
}
