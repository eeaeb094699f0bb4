/* SPDX-License-Identifier: MIT */
/*
 * Validation: the tree of lf.h (from either reader) into a struct desired
 * (model.h): the keys of the file, of each label and of each target; names,
 * colours, descriptions and aliases (the sync tools' fields `aliases`,
 * `from_name` and `delete` included); duplicates and collisions between
 * names and aliases. Reads no file and no format: it sees only the tree.
 */
#include "lf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "appauth.h"
#include "config.h"
#include "when.h"
#include "names.h"
#include "repopath.h"

/* ---- validation ---- */

/* Optimal string alignment distance (Levenshtein plus swaps of two
 * neighbours, the commonest typo), for "did you mean" hints. Keys are
 * short: anything longer than 32 bytes gets no hint. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t k = 0; k <= lb; k++)
		d[0][k] = k;
	for (size_t i = 1; i <= la; i++) {
		for (size_t k = 1; k <= lb; k++) {
			size_t cost = a[i - 1] == b[k - 1] ? 0 : 1;
			size_t v = d[i - 1][k] + 1;

			if (d[i][k - 1] + 1 < v)
				v = d[i][k - 1] + 1;
			if (d[i - 1][k - 1] + cost < v)
				v = d[i - 1][k - 1] + cost;
			if (i > 1 && k > 1 && a[i - 1] == b[k - 2] && a[i - 2] == b[k - 1] &&
			    d[i - 2][k - 2] + 1 < v)
				v = d[i - 2][k - 2] + 1;
			d[i][k] = v;
		}
	}
	return d[la][lb];
}

static const char *nearest_key(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, klen = strlen(key);

	for (size_t i = 0; known[i]; i++) {
		size_t d = edit_distance(key, known[i]);
		size_t limit = strlen(known[i]) >= 5 ? 2 : 1;

		if (strcasecmp(key, known[i]) == 0)
			return known[i];
		if (d <= limit && d < best_d) {
			best = known[i];
			best_d = d;
		}
	}
	if (best)
		return best;
	/* "desc" for "description". */
	for (size_t i = 0; known[i]; i++)
		if (klen >= 3 && strncmp(key, known[i], klen) == 0)
			return known[i];
	return NULL;
}

static const char *const top_keys[] = { "labels", "targets", "keep", "sets", "extends", NULL };

/* Report keys that are not text, repeated, or unknown. */
void check_keys(struct ctx *c, const struct node *m, const char *const *known, const char *where)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct node *k = &m->items[2 * i];
		const char *hint;

		if (k->kind == NK_SEQ || k->kind == NK_MAP) {
			diag_at(c, k, "a key must be text, not %s", kind_name(k));
			continue;
		}
		for (size_t p = 0; p < i; p++) {
			const struct node *prev = &m->items[2 * p];

			if (prev->text && prev->len == k->len && memcmp(prev->text, k->text, k->len) == 0) {
				diag_at(c, k, "key '%s' is given twice (first at line %u, column %u)",
					show(c, k->text, k->len), prev->line, prev->col);
				break;
			}
		}
		if (strlen(k->text) == k->len && text_in(k->text, known))
			continue;
		/* The compose-file convention: "x-" keys at the top hold anchors
		 * for the labels to use, and are otherwise ignored. */
		if (known == top_keys && strncmp(k->text, "x-", 2) == 0)
			continue;
		hint = nearest_key(k->text, known);
		if (hint)
			diag_at(c, k, "unknown key '%s' in %s (did you mean '%s'?)",
				show(c, k->text, k->len), where, hint);
		else
			diag_at(c, k, "unknown key '%s' in %s", show(c, k->text, k->len), where);
	}
}

/* The value of the first @key in mapping @m, or NULL; *@keynode gets its key. */
const struct node *map_get(const struct node *m, const char *key, const struct node **keynode)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct node *k = &m->items[2 * i];

		if (k->text && strcmp(k->text, key) == 0 && k->len == strlen(key)) {
			if (keynode)
				*keynode = k;
			return &m->items[2 * i + 1];
		}
	}
	return NULL;
}

/*
 * @v as text. A YAML plain scalar counts as text even when it looks like a
 * number (`name: 2024`, `color: 000000`): the text as written is kept, which
 * is what the user meant. JSON numbers and booleans are refused.
 */
bool get_text(struct ctx *c, const struct node *v, const char *what, bool item, char **out)
{
	const char *a = item ? "an item of '" : "'";

	if (v->kind == NK_BOOL && v->plain) {
		diag_at(c, v, "%s%s' must be text, not the boolean %s (put it in quotes: \"%s\")", a, what,
			show(c, v->text, v->len), show(c, v->text, v->len));
		return false;
	}
	if (v->kind != NK_STR) {
		diag_at(c, v, "%s%s' must be text, not %s", a, what, kind_name(v));
		return false;
	}
	if (strlen(v->text) != v->len) {
		diag_at(c, v, "%s%s' contains a NUL character", a, what);
		return false;
	}
	*out = strdup(v->text);
	if (!*out) {
		c->oom = true;
		return false;
	}
	return true;
}

static bool get_bool(struct ctx *c, const struct node *v, const char *what, bool *out)
{
	if (v->kind == NK_BOOL) {
		*out = v->b;
		return true;
	}
	if (v->kind == NK_STR && v->plain && text_in(v->text, yaml11_trues)) {
		*out = true;
		return true;
	}
	if (v->kind == NK_STR && v->plain && text_in(v->text, yaml11_falses)) {
		*out = false;
		return true;
	}
	if (v->kind == NK_STR)
		diag_at(c, v, "'%s' must be true or false, not the text '%s'", what, show(c, v->text, v->len));
	else
		diag_at(c, v, "'%s' must be true or false, not %s", what, kind_name(v));
	return false;
}

void free_strv(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* A list of text as a NULL-terminated array (NULL for null or no items). */
static bool get_text_list(struct ctx *c, const struct node *v, const char *what, char ***out)
{
	char **r = NULL;
	size_t k = 0;
	bool ok = true;

	*out = NULL;
	if (v->kind == NK_NULL)
		return true;
	if (v->kind != NK_SEQ) {
		diag_at(c, v, "'%s' must be a list of text, not %s", what, kind_name(v));
		return false;
	}
	if (v->n == 0)
		return true;
	r = calloc(v->n + 1, sizeof(*r));
	if (!r) {
		c->oom = true;
		return false;
	}
	for (size_t i = 0; i < v->n; i++) {
		char *s = NULL;

		if (!get_text(c, &v->items[i], what, true, &s)) {
			ok = false;
			continue;
		}
		if (!*s) {
			diag_at(c, &v->items[i], "'%s' holds an empty item", what);
			free(s);
			ok = false;
			continue;
		}
		r[k++] = s;
	}
	if (!ok) {
		free_strv(r);
		return false;
	}
	*out = r;
	return true;
}

/* Names and descriptions go to forges: valid UTF-8, no control characters. */
static bool check_forge_text(struct ctx *c, const struct node *at, const char *what, const char *s)
{
	unsigned cp = 0;

	switch (names_check(s, NULL, &cp)) {
	case NAMES_OK:
		return true;
	case NAMES_BAD_UTF8:
		diag_at(c, at, "%s is not valid UTF-8", what);
		return false;
	case NAMES_CONTROL:
	default:
		if (cp == '\n')
			diag_at(c, at, "%s contains a line break (U+000A); in YAML, '>-' instead of '>' or "
				"'|' leaves out the final one", what);
		else
			diag_at(c, at, "%s contains the control character U+%04X", what, cp);
		return false;
	}
}

/* A name holding a character the forge refuses in names (lf_limits). */
void check_forbidden(struct ctx *c, unsigned line, unsigned col, const char *name,
		     const char *forbidden)
{
	size_t at;

	if (!forbidden || !*forbidden || !name)
		return;
	at = strcspn(name, forbidden);
	if (name[at])
		diag(c, line, col, "the name '%s' contains '%c', which the forge does not allow in "
		     "label names", name, name[at]);
}

void check_length(struct ctx *c, unsigned line, unsigned col, const char *what, const char *s,
		  unsigned max)
{
	size_t n = names_codepoints(s);

	if (max && n != (size_t)-1 && n > max)
		diag(c, line, col, "%s is %zu characters long; the forge allows at most %u "
		     "(counted in Unicode code points)", what, n, max);
}

static bool add_ref(struct ctx *c, const char *key, const char *text, size_t label, bool alias,
		    const struct node *at)
{
	if (c->n_refs == c->cap_refs) {
		size_t ncap = c->cap_refs ? c->cap_refs * 2 : 64;
		struct nameref *p = realloc(c->refs, ncap * sizeof(*p));

		if (!p) {
			c->oom = true;
			return false;
		}
		c->refs = p;
		c->cap_refs = ncap;
	}
	c->refs[c->n_refs] = (struct nameref){
		.key = key, .text = text, .label = label, .seq = c->n_refs,
		.alias = alias, .line = at->line, .col = at->col,
	};
	c->n_refs++;
	return true;
}

void want_label_clear(struct want_label *w)
{
	free(w->name);
	free(w->key);
	free(w->color);
	free(w->description);
	for (size_t i = 0; i < w->n_aliases; i++) {
		free(w->aliases[i]);
		if (w->alias_keys)
			free(w->alias_keys[i]);
	}
	free(w->aliases);
	free(w->alias_keys);
	memset(w, 0, sizeof(*w));
}

/* Add one alias to @w unless it is already there (aliases and from_name
 * together, or the same name twice: one rename source is enough). */
static bool add_alias(struct ctx *c, struct want_label *w, size_t idx, char *alias, const struct node *at)
{
	char *key, **a, **k;

	if (!check_forge_text(c, at, "the alias", alias)) {
		free(alias);
		return false;
	}
	key = names_key(alias);
	if (!key) {
		free(alias);
		c->oom = true;
		return false;
	}
	for (size_t i = 0; i < w->n_aliases; i++) {
		if (strcmp(w->alias_keys[i], key) == 0) {
			free(alias);
			free(key);
			return true;
		}
	}
	if (w->key && strcmp(w->key, key) == 0) {
		diag_at(c, at, "alias '%s' is the label's own name (names match regardless of case)",
			show_str(c, alias));
		free(alias);
		free(key);
		return false;
	}
	a = realloc(w->aliases, (w->n_aliases + 1) * sizeof(*a));
	if (a)
		w->aliases = a;
	k = realloc(w->alias_keys, (w->n_aliases + 1) * sizeof(*k));
	if (k)
		w->alias_keys = k;
	if (!a || !k) {
		free(alias);
		free(key);
		c->oom = true;
		return false;
	}
	w->aliases[w->n_aliases] = alias;
	w->alias_keys[w->n_aliases] = key;
	w->n_aliases++;
	return add_ref(c, key, alias, idx, true, at);
}

static const char *const label_keys[] = {
	"name", "color", "description", "aliases", "from_name", "delete", "exclusive",
	"delete_after", NULL,
};

/* Returns the name's node when the name is good. */
static const struct node *label_name(struct ctx *c, const struct node *m, struct want_label *w,
				     size_t idx)
{
	const struct node *v = map_get(m, "name", NULL);
	size_t n;

	if (!v) {
		diag_at(c, m, "this label has no 'name'");
		return NULL;
	}
	if (v->kind == NK_NULL) {
		diag_at(c, v, "'name' is empty");
		return NULL;
	}
	if (!get_text(c, v, "name", false, &w->name))
		return NULL;
	if (!check_forge_text(c, v, "the name", w->name))
		goto bad;
	n = strlen(w->name);
	if (n == 0 || strspn(w->name, " ") == n) {
		diag_at(c, v, "'name' is empty");
		goto bad;
	}
	/* Forges trim names: " bug" would never match what they store. */
	if (w->name[0] == ' ' || w->name[n - 1] == ' ') {
		diag_at(c, v, "name '%s' starts or ends with a space", show_str(c, w->name));
		goto bad;
	}
	w->key = names_key(w->name);
	if (!w->key) {
		c->oom = true;
		goto bad;
	}
	add_ref(c, w->key, w->name, idx, false, v);
	w->name_pos.line = v->line;
	w->name_pos.col = v->col;
	return v;
bad:
	free(w->name);
	w->name = NULL;
	return NULL;
}

static void label_aliases(struct ctx *c, const struct node *m, struct want_label *w, size_t idx,
			  const struct node **first_at)
{
	const struct node *key = NULL, *v = map_get(m, "aliases", &key);

	*first_at = NULL;
	if (v && v->kind != NK_NULL) {
		if (v->kind != NK_SEQ) {
			diag_at(c, v, "'aliases' must be a list of names, not %s", kind_name(v));
		} else {
			for (size_t i = 0; i < v->n; i++) {
				char *s = NULL;

				if (!get_text(c, &v->items[i], "aliases", true, &s))
					continue;
				if (!*s) {
					diag_at(c, &v->items[i], "an alias is empty");
					free(s);
					continue;
				}
				add_alias(c, w, idx, s, &v->items[i]);
			}
			if (v->n)
				*first_at = key;
		}
	}
	v = map_get(m, "from_name", &key);
	if (v && v->kind != NK_NULL) {
		char *s = NULL;

		if (get_text(c, v, "from_name", false, &s)) {
			if (!*s) {
				diag_at(c, v, "'from_name' is empty");
				free(s);
			} else {
				add_alias(c, w, idx, s, v);
				if (!*first_at)
					*first_at = key;
			}
		}
	}
}

/* SPEC 9: `delete_after: DATE`, a date (UTC) or an RFC 3339 time. */
static void label_delete_after(struct ctx *c, const struct node *m, struct want_label *w)
{
	const struct node *v = map_get(m, "delete_after", NULL), *del = map_get(m, "delete", NULL);
	char *s = NULL;

	if (!v || v->kind == NK_NULL)
		return;
	if (!get_text(c, v, "delete_after", false, &s))
		return;
	if (!when_parse(s, &w->delete_after))
		diag_at(c, v, "'delete_after' must be a date (2027-03-01, UTC) or an RFC 3339 time "
			"(2027-03-01T12:00:00Z), not '%s'", show_str(c, s));
	else
		w->has_delete_after = true;
	free(s);
	if (w->remove && del)
		diag_at(c, v, "'delete_after' with 'delete: true' (line %u): the label is deleted now "
			"anyway; keep one of them", del->line);
}

static void parse_label(struct ctx *c, const struct node *m, struct want_label *w, size_t idx)
{
	const struct node *v, *alias_at = NULL, *name_at, *desc_at = NULL;
	bool b;

	w->exclusive = -1;
	w->pos.line = m->line;
	w->pos.col = m->col;
	w->file = c->file_ref;
	if (m->kind != NK_MAP) {
		if (m->kind == NK_STR)
			diag_at(c, m, "a label is a mapping with at least a name (name: \"%s\"), not %s",
				show(c, m->text, m->len), kind_name(m));
		else
			diag_at(c, m, "a label is a mapping with at least a name, not %s", kind_name(m));
		return;
	}
	check_keys(c, m, label_keys, "a label");
	name_at = label_name(c, m, w, idx);

	v = map_get(m, "color", NULL);
	if (v) {
		char *s = NULL, hex[7];

		if (v->kind == NK_NULL) {
			/* Most likely `color: #d73a4a`, where '#' starts a comment. */
			diag_at(c, v, "'color' has no value (in YAML an unquoted '#' starts a comment: "
				"write \"#d73a4a\" in quotes, or leave the key out)");
		} else if (v->kind == NK_NUM) {
			diag_at(c, v, "'color' must be text (\"%s\"), not a number", show(c, v->text, v->len));
		} else if (get_text(c, v, "color", false, &s)) {
			if (names_color_parse(s, hex)) {
				w->color = strdup(hex);
				if (!w->color)
					c->oom = true;
			} else {
				diag_at(c, v, "color '%s' is not 3 or 6 hex digits (like \"d73a4a\" or \"#d73a4a\")",
					show_str(c, s));
			}
			free(s);
		}
	}

	v = map_get(m, "description", NULL);
	if (v) {
		/* An explicit null (`description:` or `~`) is a description of
		 * nothing: it clears, as "" does. Leaving the key out keeps. */
		if (v->kind == NK_NULL) {
			w->description = strdup("");
			if (!w->description)
				c->oom = true;
			w->has_description = true;
		} else if (get_text(c, v, "description", false, &w->description)) {
			w->has_description = true;
			if (check_forge_text(c, v, "the description", w->description))
				desc_at = v;
		}
		w->desc_pos.line = v->line;
		w->desc_pos.col = v->col;
	}

	label_aliases(c, m, w, idx, &alias_at);

	v = map_get(m, "delete", NULL);
	if (v && v->kind != NK_NULL && get_bool(c, v, "delete", &b))
		w->remove = b;
	v = map_get(m, "exclusive", NULL);
	if (v && v->kind != NK_NULL && get_bool(c, v, "exclusive", &b))
		w->exclusive = b ? 1 : 0;

	label_delete_after(c, m, w);
	if (w->remove && alias_at)
		diag_at(c, alias_at, "a label with 'delete: true' cannot have aliases (they would be "
			"renamed into a label that is then deleted)");
	/* As lf_check_limits: deleting a name the forge could never have
	 * stored is a no-op, not a mistake. */
	if (c->limits && !w->remove) {
		if (name_at) {
			check_length(c, name_at->line, name_at->col, "the name", w->name, c->limits->name_max);
			check_forbidden(c, name_at->line, name_at->col, w->name, c->limits->name_forbidden);
		}
		if (desc_at)
			check_length(c, desc_at->line, desc_at->col, "the description", w->description,
				     c->limits->description_max);
	}
}

static const char *const target_keys[] = {
	"name", "forge", "url", "api_url", "org", "repos", "include", "exclude", "topics",
	"token_env", "org_labels", "archived", "forks", "app_id", "app_key_file", "app_key_env", NULL,
};

bool opt_text(struct ctx *c, const struct node *m, const char *key, char **out)
{
	const struct node *v = map_get(m, key, NULL);

	if (!v || v->kind == NK_NULL)
		return true;
	if (!get_text(c, v, key, false, out))
		return false;
	if (!**out) {
		diag_at(c, v, "'%s' is empty", key);
		free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

static bool opt_bool(struct ctx *c, const struct node *m, const char *key, bool *out)
{
	const struct node *v = map_get(m, key, NULL);

	if (!v || v->kind == NK_NULL)
		return true;
	return get_bool(c, v, key, out);
}

bool opt_list(struct ctx *c, const struct node *m, const char *key, char ***out)
{
	const struct node *v = map_get(m, key, NULL);

	if (!v)
		return true;
	return get_text_list(c, v, key, out);
}

void check_url(struct ctx *c, const struct node *m, const char *key, const char *url)
{
	if (url && strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
		diag_at(c, map_get(m, key, NULL), "'%s' must start with https:// (or http://)", key);
}

static bool env_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

/* The target's own App credentials (SPEC.md 10): app_id with app_key_env
 * or app_key_file. The key itself is read later, before any request. */
static void parse_target_app(struct ctx *c, const struct node *m, struct target *t)
{
	const struct node *id = map_get(m, "app_id", NULL);

	if (id && id->kind == NK_NUM) {
		/* JSON: "app_id": 12345 */
		t->app_id = strdup(id->text);
		c->oom |= !t->app_id;
	} else {
		opt_text(c, m, "app_id", &t->app_id);
	}
	if (t->app_id && !app_id_valid(t->app_id))
		diag_at(c, id, "'app_id' must be the App's id (a number, or its client id), not '%s'",
			show_str(c, t->app_id));
	opt_text(c, m, "app_key_file", &t->app_key_file);
	if (opt_text(c, m, "app_key_env", &t->app_key_env) && t->app_key_env &&
	    !env_name_ok(t->app_key_env))
		diag_at(c, map_get(m, "app_key_env", NULL), "'app_key_env' must be the name of an "
			"environment variable (letters, digits, '_'), not '%s'", show_str(c, t->app_key_env));
	if (t->app_key_file && t->app_key_env)
		diag_at(c, map_get(m, "app_key_env", NULL), "give 'app_key_file' or 'app_key_env', not both");
	else if (t->app_id && !t->app_key_file && !t->app_key_env)
		diag_at(c, id, "'app_id' needs the App's private key: 'app_key_file' or 'app_key_env'");
	else if (!t->app_id && (t->app_key_file || t->app_key_env))
		diag_at(c, map_get(m, t->app_key_file ? "app_key_file" : "app_key_env", NULL),
			"an App key needs the App's id: 'app_id'");
}

static void parse_target(struct ctx *c, const struct node *m, struct target *t)
{
	const struct node *v;

	t->pos.line = m->line;
	t->pos.col = m->col;
	if (m->kind != NK_MAP) {
		diag_at(c, m, "a target is a mapping (forge, url, org, ...), not %s", kind_name(m));
		return;
	}
	check_keys(c, m, target_keys, "a target");
	opt_text(c, m, "name", &t->name);
	opt_text(c, m, "forge", &t->forge);
	/* As on the command line: no forge named is the build's default, so
	 * every target leaves here with one. */
	if (!t->forge && !map_get(m, "forge", NULL)) {
		t->forge = strdup(EPITHET_DEFAULT_FORGE);
		if (!t->forge)
			c->oom = true;
	}
	opt_text(c, m, "url", &t->url);
	opt_text(c, m, "api_url", &t->api_url);
	check_url(c, m, "url", t->url);
	check_url(c, m, "api_url", t->api_url);
	if (t->url && t->api_url)
		diag_at(c, map_get(m, "api_url", NULL), "give 'url' or 'api_url', not both");
	opt_text(c, m, "org", &t->org);
	if (opt_list(c, m, "repos", &t->repos) && t->repos) {
		v = map_get(m, "repos", NULL);
		for (size_t i = 0; t->repos[i]; i++) {
			const char *s = t->repos[i];

			if (!repopath_ok(s))
				diag_at(c, &v->items[i], "repo '%s' is not OWNER/NAME", show_str(c, s));
		}
	}
	opt_list(c, m, "include", &t->include);
	opt_list(c, m, "exclude", &t->exclude);
	opt_list(c, m, "topics", &t->topics);
	if (opt_text(c, m, "token_env", &t->token_env) && t->token_env && !env_name_ok(t->token_env))
		diag_at(c, map_get(m, "token_env", NULL), "'token_env' must be the name of an environment "
			"variable (letters, digits, '_'), not '%s'", show_str(c, t->token_env));
	parse_target_app(c, m, t);
	opt_bool(c, m, "org_labels", &t->org_labels);
	opt_bool(c, m, "archived", &t->archived);
	opt_bool(c, m, "forks", &t->forks);
	if (t->org && t->repos)
		diag_at(c, map_get(m, "repos", NULL), "give 'org' or 'repos', not both");
	else if (!t->org && !t->repos && !map_get(m, "org", NULL) && !map_get(m, "repos", NULL))
		diag_at(c, m, "this target has neither 'org' nor 'repos'");
}

static int cmp_ref(const void *pa, const void *pb)
{
	const struct nameref *a = pa, *b = pb;
	int r = strcmp(a->key, b->key);

	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Names and aliases that are one label for the forge. Sorting by key puts
 * them side by side, so a file of many labels is checked in n log n.
 */
static void check_collisions(struct ctx *c, const struct want_label *labels)
{
	if (c->n_refs < 2)
		return;
	qsort(c->refs, c->n_refs, sizeof(*c->refs), cmp_ref);
	for (size_t g = 0; g < c->n_refs;) {
		size_t e = g + 1;
		const struct nameref *first_name = NULL;

		while (e < c->n_refs && strcmp(c->refs[e].key, c->refs[g].key) == 0)
			e++;
		for (size_t i = g; i < e; i++) {
			const struct nameref *r = &c->refs[i];

			if (r->alias)
				continue;
			if (!first_name)
				first_name = r;
			else
				diag(c, r->line, r->col, "label '%s' is the same label as '%s' at line %u "
				     "(names match regardless of case and Unicode normalisation)",
				     show_str(c, r->text), show_str(c, first_name->text), first_name->line);
		}
		for (size_t i = g; i < e; i++) {
			const struct nameref *r = &c->refs[i], *other = NULL;

			if (!r->alias)
				continue;
			for (size_t k = g; k < e && !other; k++)
				if (!c->refs[k].alias && c->refs[k].label != r->label)
					other = &c->refs[k];
			if (other) {
				diag(c, r->line, r->col, "alias '%s' is the name of another label, '%s' at line %u",
				     show_str(c, r->text), show_str(c, other->text), other->line);
				continue;
			}
			for (size_t k = g; k < i && !other; k++)
				if (c->refs[k].alias && c->refs[k].label != r->label)
					other = &c->refs[k];
			if (other)
				diag(c, r->line, r->col, "alias '%s' is also an alias of '%s' (line %u)",
				     show_str(c, r->text),
				     labels[other->label].name ? show_str(c, labels[other->label].name) : "?",
				     other->line);
		}
		g = e;
	}
}

/* One list of labels (the top-level one, or a set's): each name is checked
 * against the others of its list only. */
void parse_label_list(struct ctx *c, const struct node *labels, struct want_label **out,
			     size_t *n)
{
	if (labels->kind != NK_SEQ) {
		diag_at(c, labels, "'labels' must be a list of labels, not %s", kind_name(labels));
		return;
	}
	if (labels->n) {
		*out = calloc(labels->n, sizeof(**out));
		if (!*out) {
			c->oom = true;
			return;
		}
		*n = labels->n;
	}
	c->n_refs = 0;
	for (size_t i = 0; i < labels->n && !c->oom; i++)
		parse_label(c, &labels->items[i], &(*out)[i], i);
	if (!c->oom)
		check_collisions(c, *out);
	c->n_refs = 0;
}

void parse_root(struct ctx *c, const struct node *root, struct desired *d)
{
	const struct node *labels = root, *v;

	d->files = calloc(2, sizeof(*d->files));
	if (d->files)
		d->files[0] = strdup(c->file);
	if (!d->files || !d->files[0]) {
		c->oom = true;
		return;
	}
	c->file_ref = d->files[0];
	if (root->kind == NK_MAP) {
		const struct node *key = NULL;

		labels = map_get(root, "labels", &key);
		/* One label on its own: say that once rather than calling each of
		 * its keys unknown. */
		if (!labels && map_get(root, "name", NULL)) {
			diag_at(c, root, "this is one label: a labels file is a list of labels "
				"(\"- name: ...\") or a mapping with 'labels'");
			return;
		}
		check_keys(c, root, top_keys, "the file");
		if (!labels && (map_get(root, "sets", NULL) || map_get(root, "extends", NULL))) {
			/* A policy may be only sets, or only build on its bases. */
		} else if (!labels) {
			diag_at(c, root, "no 'labels' in the file");
		} else if (labels->kind == NK_NULL) {
			diag_at(c, key, "'labels' is empty (write 'labels: []' for a file that asks "
				"for no labels)");
			labels = NULL;
		}
		v = map_get(root, "keep", NULL);
		if (v)
			get_text_list(c, v, "keep", &d->keep);
		v = map_get(root, "targets", &key);
		if (v && c->base) {
			diag_at(c, key, "'targets' in a base: targets come from the top file only "
				"(the one given with -c)");
		} else if (v && v->kind != NK_NULL && v->kind != NK_SEQ) {
			diag_at(c, v, "'targets' must be a list of targets, not %s", kind_name(v));
		} else if (v && v->kind == NK_SEQ && v->n) {
			d->targets = calloc(v->n, sizeof(*d->targets));
			if (!d->targets) {
				c->oom = true;
				return;
			}
			d->n_targets = v->n;
			for (size_t i = 0; i < v->n; i++)
				parse_target(c, &v->items[i], &d->targets[i]);
			check_target_names(c, v, d);
		}
		v = map_get(root, "sets", NULL);
		if (v)
			parse_sets(c, v, d);
		v = map_get(root, "extends", NULL);
		if (v)
			parse_extends(c, v);
	} else if (root->kind == NK_NULL) {
		diag_at(c, root, "no labels: the file is empty");
		return;
	} else if (root->kind != NK_SEQ) {
		diag_at(c, root, "a labels file is a list of labels, or a mapping with 'labels'; "
			"this is %s", kind_name(root));
		return;
	}
	if (labels)
		parse_label_list(c, labels, &d->labels, &d->n_labels);
}
