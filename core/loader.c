/* SPDX-License-Identifier: MIT */
/*
 * Finding, checking and dlopen'ing forge plugins (loader.h). Never calls a
 * plugin method beyond its entry point: sessions are the engine's.
 */
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

/* The size of a 1.0 vtable: everything up to and including list_labels_many. */
#define FORGE_V1_0_SIZE (offsetof(struct epithet_forge, list_labels_many) + \
			 sizeof(((struct epithet_forge *)0)->list_labels_many))

static bool valid_name(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

size_t loader_dirs(char ***dirs, char ***origins)
{
	const char *env = getenv("EPITHET_PLUGIN_PATH");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *copy, *save = NULL;

	*dirs = NULL;
	*origins = NULL;
	if (env && *env) {
		copy = xstrdup(env);
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			strv_push(dirs, d);
			strv_push(origins, "EPITHET_PLUGIN_PATH");
		}
		free(copy);
	}
	if (xdg && *xdg) {
		char *d = xasprintf("%s/epithet/plugins", xdg);
		strv_push(dirs, d);
		strv_push(origins, "XDG_DATA_HOME");
		free(d);
	} else if (home && *home) {
		char *d = xasprintf("%s/.local/share/epithet/plugins", home);
		strv_push(dirs, d);
		strv_push(origins, "XDG_DATA_HOME");
		free(d);
	}
	strv_push(dirs, EPITHET_PLUGINDIR);
	strv_push(origins, "installed");
	return strv_len(*dirs);
}

/* Refuse what must not be loaded: not a regular file, or writable by anyone
 * but its owner (another user could swap the code the token runs with). */
static int check_file(const char *path, char *msg, size_t n)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(msg, n, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, n, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(msg, n, "%s: refused: writable by %s (mode %03o); run chmod go-w on it",
			 path, (st.st_mode & S_IWOTH) ? "others" : "its group",
			 (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

static const char *missing_method(const struct epithet_forge *f)
{
#define REQ(m) if (!f->m) return #m
	REQ(open);
	REQ(close);
	REQ(list_repos);
	REQ(get_repo);
	REQ(list_labels);
	REQ(create_label);
	REQ(update_label);
	REQ(delete_label);
#undef REQ
	return NULL;
}

/* No v1 symbol: say which ABI the file was built for, when it tells. */
static void explain_no_entry(void *h, const char *path, char *msg, size_t n)
{
	for (int major = 2; major <= 9; major++) {
		char sym[64];

		snprintf(sym, sizeof(sym), "epithet_forge_plugin_v%d", major);
		if (dlsym(h, sym)) {
			snprintf(msg, n, "%s: plugin built for forge ABI %d, this epithet supports ABI %d.%d",
				 path, major, EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
			return;
		}
	}
	snprintf(msg, n, "%s: not an epithet forge plugin (no %s symbol)", path,
		 EPITHET_FORGE_ENTRY_SYMBOL);
}

static struct plugin *load_file(const char *path, const char *origin, char *msg, size_t n)
{
	struct plugin *p = NULL;
	const struct epithet_forge *f;
	epithet_forge_entry_fn entry;
	const char *missing;
	void *h;

	if (check_file(path, msg, n) != 0)
		return NULL;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(msg, n, "cannot load plugin %s: %s (try: ldd %s)", path, dlerror(), path);
		return NULL;
	}
	*(void **)(&entry) = dlsym(h, EPITHET_FORGE_ENTRY_SYMBOL);
	if (!entry) {
		explain_no_entry(h, path, msg, n);
		goto fail;
	}
	f = entry(EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
	if (!f) {
		snprintf(msg, n, "%s: the plugin declined to work with this epithet (forge ABI %d.%d)",
			 path, EPITHET_FORGE_ABI_MAJOR, EPITHET_FORGE_ABI_MINOR);
		goto fail;
	}
	if (f->abi_major != EPITHET_FORGE_ABI_MAJOR) {
		snprintf(msg, n, "%s: plugin built for forge ABI %u.%u, this epithet supports ABI %d.%d",
			 path, f->abi_major, f->abi_minor, EPITHET_FORGE_ABI_MAJOR,
			 EPITHET_FORGE_ABI_MINOR);
		goto fail;
	}
	if (f->struct_size < FORGE_V1_0_SIZE) {
		snprintf(msg, n, "%s: malformed plugin: vtable of %u bytes, ABI 1.0 needs %zu",
			 path, f->struct_size, (size_t)FORGE_V1_0_SIZE);
		goto fail;
	}
	if (!valid_name(f->name)) {
		snprintf(msg, n, "%s: malformed plugin: name must be [a-z0-9_-]+", path);
		goto fail;
	}
	missing = missing_method(f);
	if (missing) {
		snprintf(msg, n, "%s: malformed plugin '%s': required method %s is NULL", path,
			 f->name, missing);
		goto fail;
	}
	p = xcalloc(1, sizeof(*p));
	p->name = xstrdup(f->name);
	p->path = xstrdup(path);
	p->origin = xstrdup(origin);
	p->handle = h;
	p->forge = f;
	return p;
fail:
	dlclose(h);
	return NULL;
}

struct plugin *loader_load(const char *name_or_path, char *msg, size_t n)
{
	char **dirs = NULL, **origins = NULL;
	struct plugin *p = NULL;
	size_t nd;

	msg[0] = '\0';
	if (strchr(name_or_path, '/'))
		return load_file(name_or_path, "path", msg, n);
	if (!valid_name(name_or_path)) {
		snprintf(msg, n, "invalid forge name '%s': use [a-z0-9_-]+ or a path to a .so",
			 name_or_path);
		return NULL;
	}
	nd = loader_dirs(&dirs, &origins);
	for (size_t i = 0; i < nd && !p; i++) {
		char *path = xasprintf("%s/%s.so", dirs[i], name_or_path);

		if (access(path, F_OK) == 0) {
			p = load_file(path, origins[i], msg, n);
			free(path);
			/* The first file of that name decides: a later one never
			 * silently replaces a refused one. */
			break;
		}
		free(path);
	}
	if (!p && !msg[0]) {
		struct strbuf b = {0};

		for (size_t i = 0; i < nd; i++)
			sb_addf(&b, "%s%s", i ? ", " : "", dirs[i]);
		snprintf(msg, n, "forge plugin '%s' not found (searched: %s)", name_or_path, b.s);
		sb_finish(&b);
	}
	strv_free(dirs);
	strv_free(origins);
	return p;
}

void plugin_free(struct plugin *p)
{
	const char *keep = getenv("EPITHET_NO_DLCLOSE");

	if (!p)
		return;
	if (p->handle && !(keep && *keep && strcmp(keep, "0") != 0))
		dlclose(p->handle);
	free(p->name);
	free(p->path);
	free(p->origin);
	free(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int loader_scan(struct plugin_entry **out, size_t *count)
{
	char **dirs = NULL, **origins = NULL;
	struct plugin_entry *v = NULL;
	size_t n = 0, cap = 0, nd;

	nd = loader_dirs(&dirs, &origins);
	for (size_t i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		char **names = NULL;
		size_t nn;
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);

			if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0)
				strv_push(&names, e->d_name);
		}
		closedir(d);
		nn = strv_len(names);
		if (nn)
			qsort(names, nn, sizeof(char *), cmp_str);
		for (size_t j = 0; j < nn; j++) {
			struct plugin_entry *pe;
			char msg[512];

			grow(&v, &cap, n + 1, sizeof(*v));
			pe = &v[n++];
			memset(pe, 0, sizeof(*pe));
			pe->path = xasprintf("%s/%s", dirs[i], names[j]);
			pe->origin = xstrdup(origins[i]);
			pe->plugin = load_file(pe->path, origins[i], msg, sizeof(msg));
			if (!pe->plugin)
				pe->error = xstrdup(msg);
			/* As loader_load decides: `--forge NAME` takes the first
			 * NAME.so on the path, even one it then refuses, so an
			 * earlier file of the same name hides this one; so does an
			 * earlier plugin giving the same forge name. */
			for (size_t k = 0; k + 1 < n; k++) {
				if (strcmp(strrchr(v[k].path, '/') + 1, names[j]) == 0 ||
				    (pe->plugin && v[k].plugin &&
				     strcmp(v[k].plugin->name, pe->plugin->name) == 0)) {
					pe->shadowed_by = xstrdup(v[k].path);
					break;
				}
			}
		}
		strv_free(names);
	}
	strv_free(dirs);
	strv_free(origins);
	*out = v;
	*count = n;
	return 0;
}

void loader_scan_free(struct plugin_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		plugin_free(v[i].plugin);
		free(v[i].path);
		free(v[i].origin);
		free(v[i].error);
		free(v[i].shadowed_by);
	}
	free(v);
}

char *loader_caps_string(uint64_t caps)
{
	static const struct {
		uint64_t bit;
		const char *word;
	} words[] = {
		{EPITHET_CAP_DESCRIPTION, "description"},
		{EPITHET_CAP_RENAME, "rename"},
		{EPITHET_CAP_ORG_LABELS, "org-labels"},
		{EPITHET_CAP_EXCLUSIVE, "exclusive"},
		{EPITHET_CAP_ARCHIVE, "archive"},
		{EPITHET_CAP_LABEL_COUNTS, "label-counts"},
		{EPITHET_CAP_ISSUE_LABELS, "issue-labels"},
		{EPITHET_CAP_BATCH_READ, "batch-read"},
		{EPITHET_CAP_UNIQUE_NAMES, "unique-names"},
		{EPITHET_CAP_EMOJI_SHORTCODES, "emoji-shortcodes"},
		{EPITHET_CAP_CONCURRENT_WRITES, "concurrent-writes"},
		{EPITHET_CAP_READ_FILE, "read-file"},
		{EPITHET_CAP_OWNER_ITEMS, "owner-items"},
	};
	struct strbuf b = {0};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (caps & words[i].bit)
			sb_addf(&b, "%s%s", b.len ? " " : "", words[i].word);
	if (!b.s)
		sb_add(&b, "");
	return b.s;
}
