/* SPDX-License-Identifier: MIT */
/*
 * The labels a command line asks for (ensure NAME, delete NAME, rename OLD
 * NEW) as a desired set, checked before any request: a bad name, colour or
 * description is exit 65. No I/O but the error messages.
 */
#include "cli_labels.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "names.h"
#include "status.h"
#include "util.h"

static int check_name(const char *what, const char *name)
{
	if (!*name || !names_valid(name)) {
		log_error("invalid %s '%s': must be non-empty UTF-8 without control characters",
			  what, name);
		return EXIT_DATAERR;
	}
	return 0;
}

static void want_init(struct want_label *w, const char *name)
{
	memset(w, 0, sizeof(*w));
	w->name = xstrdup(name);
	w->key = names_key(name);
	w->exclusive = -1;
}

static void want_alias(struct want_label *w, const char *alias)
{
	w->aliases = xrealloc(w->aliases, (w->n_aliases + 1) * sizeof(char *));
	w->alias_keys = xrealloc(w->alias_keys, (w->n_aliases + 1) * sizeof(char *));
	w->aliases[w->n_aliases] = xstrdup(alias);
	w->alias_keys[w->n_aliases] = names_key(alias);
	w->n_aliases++;
}

int command_labels_want(const struct command_labels *c, struct desired *d)
{
	struct want_label *w;
	char hex[7];
	int rc;

	d->labels = xcalloc(1, sizeof(*d->labels));
	w = &d->labels[0];
	switch (c->cmd) {
	case CMD_ENSURE:
		if ((rc = check_name("label name", c->args[0])))
			return rc;
		want_init(w, c->args[0]);
		d->n_labels = 1;
		if (c->color) {
			if (!names_color_parse(c->color, hex)) {
				log_error("invalid value for --color: '%s': expected 3 or 6 hex digits, "
					  "'#' optional", c->color);
				return EXIT_DATAERR;
			}
			w->color = xstrdup(hex);
		}
		if (c->description) {
			if (!names_valid(c->description)) {
				log_error("invalid --description: not UTF-8 or has control characters");
				return EXIT_DATAERR;
			}
			w->has_description = true;
			w->description = xstrdup(c->description);
		}
		return 0;
	case CMD_DELETE:
		if ((rc = check_name("label name", c->args[0])))
			return rc;
		want_init(w, c->args[0]);
		d->n_labels = 1;
		w->remove = true;
		return 0;
	case CMD_RENAME:
		if ((rc = check_name("label name", c->args[0])) || (rc = check_name("label name", c->args[1])))
			return rc;
		if (strcmp(c->args[0], c->args[1]) == 0) {
			log_error("rename: OLD and NEW are the same name");
			return EXIT_DATAERR;
		}
		want_init(w, c->args[1]);
		d->n_labels = 1;
		w->no_create = true;
		want_alias(w, c->args[0]);
		return 0;
	default:
		return 0;
	}
}
