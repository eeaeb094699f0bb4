/* SPDX-License-Identifier: MIT */
/*
 * What the rooms of core/labels/ share, and nothing else includes: the
 * tree every reader builds (struct node, each value with the line and column
 * it was written at), the context that collects diagnostics (struct ctx), and
 * the functions one room calls in another. The public interface is
 * core/labelsfile.h.
 *
 * Both formats are first turned into one small tree (struct node) in which
 * every value carries the line and column it was written at; a single
 * validator then walks that tree. So the two formats accept exactly the same
 * files and every message can say where the problem is, which json-c alone
 * cannot (it keeps no positions): json-c checks the JSON syntax and decodes
 * the strings, and a short scanner over the already-checked text records
 * where each value starts.
 *
 * Nothing is kept from an invalid file: every problem is collected (not just
 * the first) and the caller gets either a complete desired set or nothing.
 */
#ifndef EPITHET_CORE_LABELS_LF_H
#define EPITHET_CORE_LABELS_LF_H

#include <stdbool.h>
#include <stddef.h>

#include "labels/policy.h"
#include "labelsfile.h"

#if defined(__GNUC__)
#define LF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LF_PRINTF(a, b)
#endif

/* Deeper than any sensible labels file (which needs 4 levels); bounds the
 * recursion of the tree builder, and ends alias cycles (&a [*a]). */
#define MAX_DEPTH 64
/* YAML aliases may make the tree at most this many times larger than the
 * document as written: enough for shared lists, too little for the
 * "billion laughs" (each level multiplying the one below). */
#define ALIAS_EXPANSION 16
#define ALIAS_SLACK 4096
/* More problems than this are not worth reading: the file is likely not a
 * labels file at all. */
#define MAX_DIAGS 200

enum nkind {
	NK_NULL,
	NK_BOOL,
	NK_NUM,         /* JSON numbers only: a YAML plain scalar stays text */
	NK_STR,
	NK_SEQ,
	NK_MAP,
};

struct node {
	enum nkind kind;
	bool plain;             /* YAML plain scalar: its text is as written */
	bool b;                 /* NK_BOOL */
	unsigned line, col;     /* 1-based */
	char *text;             /* scalars: the value, NUL-terminated */
	size_t len;             /* bytes of text (JSON may hold a NUL) */
	size_t n;               /* NK_SEQ: items; NK_MAP: pairs */
	struct node *items;     /* NK_MAP: key, value, key, value... */
};

/* A name or alias, for the duplicate checks done once all labels are read. */
struct nameref {
	const char *key;
	const char *text;
	size_t label;
	size_t seq;             /* file order */
	bool alias;
	unsigned line, col;
};

struct ctx {
	const char *file;
	struct lf_diags *diags;
	size_t first_diag;      /* diags of this call start here */
	size_t n_problems;
	bool truncated;
	bool oom;
	bool fatal;             /* the tree cannot be trusted: stop */
	size_t budget;          /* nodes the tree may still have */
	const struct lf_limits *limits;
	char *shown[4];         /* show() results, freed when reused */
	unsigned shown_next;
	struct nameref *refs;
	size_t n_refs, cap_refs;
	/* SPEC 9 */
	bool base;              /* a base of another file: no targets */
	struct lf_bases *bases; /* where `extends` goes; NULL: refused */
	const char *file_ref;   /* the desired set's copy of file, for labels */
};

/* json.c: JSON text into the tree (NULL, or c->fatal, on errors). */
struct node *parse_json(struct ctx *c, const char *buf, size_t len);

/* tree.c: diagnostics, and the tree's nodes. */
void ctx_finish(struct ctx *c);
void add_diag(struct ctx *c, unsigned line, unsigned col, char *msg);
LF_PRINTF(4, 5) void diag(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...);
LF_PRINTF(3, 4) void diag_at(struct ctx *c, const struct node *n, const char *fmt, ...);
const char *show(struct ctx *c, const char *s, size_t len);
const char *show_str(struct ctx *c, const char *s);
void offset_pos(const char *buf, size_t len, size_t off, unsigned *line, unsigned *col);
void node_clear(struct node *n);
void node_free(struct node *n);
bool set_text(struct ctx *c, struct node *n, const char *s, size_t len);
const char *kind_name(const struct node *n);
bool take_budget(struct ctx *c, const struct node *n);
bool check_depth(struct ctx *c, const struct node *n, unsigned depth);

/* validate.c: the tree into a struct desired. */
void free_strv(char **v);
void check_forbidden(struct ctx *c, unsigned line, unsigned col, const char *name,
		     const char *forbidden);
void check_length(struct ctx *c, unsigned line, unsigned col, const char *what, const char *s,
		  unsigned max);
void want_label_clear(struct want_label *w);
void parse_root(struct ctx *c, const struct node *root, struct desired *d);
/* ... and what policy_keys.c uses of it: */
void check_keys(struct ctx *c, const struct node *m, const char *const *known, const char *where);
const struct node *map_get(const struct node *m, const char *key, const struct node **keynode);
bool get_text(struct ctx *c, const struct node *v, const char *what, bool item, char **out);
bool opt_text(struct ctx *c, const struct node *m, const char *key, char **out);
bool opt_list(struct ctx *c, const struct node *m, const char *key, char ***out);
void check_url(struct ctx *c, const struct node *m, const char *key, const char *url);
/* One list of labels (the top level's or a set's), names checked within it. */
void parse_label_list(struct ctx *c, const struct node *labels, struct want_label **out, size_t *n);

/* policy_keys.c: SPEC 9's keys, for parse_root. */
void parse_sets(struct ctx *c, const struct node *v, struct desired *d);
void check_target_names(struct ctx *c, const struct node *v, const struct desired *d);
/* Into c->bases (refused when NULL). */
void parse_extends(struct ctx *c, const struct node *v);

/* yaml.c: YAML text into the tree. */
bool text_in(const char *s, const char *const *set);
/* YAML 1.1 booleans (yes/no/on/off): booleans only where one is expected. */
extern const char *const yaml11_trues[];
extern const char *const yaml11_falses[];
struct node *parse_yaml(struct ctx *c, const char *buf, size_t len);

#endif
