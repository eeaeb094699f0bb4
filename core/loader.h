/* SPDX-License-Identifier: MIT */
/*
 * Finding and loading forge plugins (SPEC.md 5). Search order: a name with a
 * '/' is a path; else <dir>/<name>.so for each directory of
 * EPITHET_PLUGIN_PATH, then $XDG_DATA_HOME/epithet/plugins, then the
 * installed plugin directory. Every plugin is checked before use: a regular
 * file, not writable by group or others, the v1 entry symbol, the ABI major,
 * the struct size, the required methods and a valid name.
 */
#ifndef EPITHET_CORE_LOADER_H
#define EPITHET_CORE_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "epithet/forge.h"

struct plugin {
	char *name;                       /* the forge's own name */
	char *path;                       /* the file it came from */
	char *origin;                     /* "EPITHET_PLUGIN_PATH", "XDG_DATA_HOME", "installed", "path" */
	void *handle;                     /* dlopen handle */
	const struct epithet_forge *forge;
};

/* Load @name_or_path. On failure returns NULL and writes an actionable
 * message (naming the file, the versions, dlerror's text) into @msg. */
struct plugin *loader_load(const char *name_or_path, char *msg, size_t msg_size);
void plugin_free(struct plugin *p);   /* accepts NULL; honours EPITHET_NO_DLCLOSE */

/* One file found while scanning the search path for `epithet plugins`. */
struct plugin_entry {
	struct plugin *plugin;   /* NULL when it could not be loaded */
	char *path;
	char *origin;
	char *error;             /* why it could not be loaded, or NULL */
	char *shadowed_by;       /* path of the earlier plugin of the same name, or NULL */
};

/* Every *.so of every search directory, in search order. */
int loader_scan(struct plugin_entry **out, size_t *n);
void loader_scan_free(struct plugin_entry *v, size_t n);

/* The search directories, in order, with their origin names. */
size_t loader_dirs(char ***dirs, char ***origins);

/* Capability bits as words ("description rename ..."), malloc'd. */
char *loader_caps_string(uint64_t caps);

#endif
