/* SPDX-License-Identifier: MIT */
/*
 * The planner of plan.h: desired labels against a repo's labels into the
 * ordered changes. Pure: no I/O, no allocation it does not hand back.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "epithet/forge.h"
#include "when.h"
#include "names.h"
#include "strpool.h"
#include "util.h"

/* An op's names, colours and descriptions are the labels file's, the same
 * few dozen strings in every repo that changes: one pooled copy each
 * (strpool.h), so that the plans a run keeps cost their ops, not their
 * strings. plan_finish frees with strpool_free, pooled or not. */
static char *pooled(const char *s)
{
	return (char *)strpool_intern(s);
}

static struct op *add_op(struct plan *p, enum op_kind kind, const struct label *cur)
{
	struct op *o;

	grow(&p->ops, &p->cap, p->n + 1, sizeof(*p->ops));
	o = &p->ops[p->n++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->cur = cur;
	o->destructive = kind == OP_MERGE || kind == OP_DELETE || kind == OP_ARCHIVE;
	return o;
}

static void notice(struct plan *p, const struct label *cur, char *why)
{
	add_op(p, OP_NOTICE, cur)->why = why;
}

/* Two labels the repo has answer to one name: whichever the forge listed
 * them from (its own, or owner-level ones it shows), neither is picked, and
 * the label fails in that repo. */
static void duplicate(struct plan *p, const struct label *cur, char *why)
{
	struct op *o = add_op(p, OP_NOTICE, cur);

	o->why = why;
	o->fails = true;
}

/* Labels of @cur whose key is @key, up to @max of them in @found. */
static size_t find(const struct label *cur, size_t n, const char *key, const struct label **found,
		   size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n && key; i++) {
		if (cur[i].key && strcmp(cur[i].key, key) == 0) {
			if (k < max)
				found[k] = &cur[i];
			k++;
		}
	}
	return k;
}

/*
 * What has to change for @have to be what @w asks: set the fields and values
 * into @o. @rename says the name is changing anyway (an alias renamed).
 */
static void diff_fields(const struct want_label *w, const struct label *have, uint64_t caps,
			bool rename, struct op *o)
{
	if (rename || strcmp(have->name, w->name) != 0) {
		o->fields |= EPITHET_FIELD_NAME;
		o->name = pooled(w->name);
	}
	if (w->color && (!have->color || strcasecmp(have->color, w->color) != 0)) {
		o->fields |= EPITHET_FIELD_COLOR;
		o->color = pooled(w->color);
	}
	if (w->has_description && (caps & EPITHET_CAP_DESCRIPTION) &&
	    !names_desc_equal(have->description, w->description)) {
		o->fields |= EPITHET_FIELD_DESCRIPTION;
		o->description = pooled(w->description ? w->description : "");
	}
	if (w->exclusive >= 0 && (caps & EPITHET_CAP_EXCLUSIVE) &&
	    !!(have->flags & EPITHET_LABEL_EXCLUSIVE) != !!w->exclusive) {
		o->fields |= EPITHET_FIELD_EXCLUSIVE;
		if (w->exclusive)
			o->flags |= EPITHET_LABEL_EXCLUSIVE;
	}
}

/* Would @have need any change to be what @w asks? */
static bool diff_needed(const struct want_label *w, const struct label *have, uint64_t caps)
{
	struct op tmp = {0};
	bool needed;

	diff_fields(w, have, caps, false, &tmp);
	needed = tmp.fields != 0;
	strpool_free(tmp.name);
	strpool_free(tmp.color);
	strpool_free(tmp.description);
	return needed;
}

static bool matched_by_want(const struct desired *want, const struct label *l)
{
	for (size_t i = 0; i < want->n_labels; i++) {
		const struct want_label *w = &want->labels[i];

		if (l->key && w->key && strcmp(l->key, w->key) == 0)
			return true;
		for (size_t a = 0; a < w->n_aliases; a++)
			if (l->key && w->alias_keys[a] && strcmp(l->key, w->alias_keys[a]) == 0)
				return true;
	}
	return false;
}

static void plan_one(const struct want_label *w, const struct label *cur, size_t n_cur,
		     const struct plan_opts *o, struct plan *out)
{
	const struct label *have[2];
	size_t nh = find(cur, n_cur, w->key, have, 2);
	const struct label *first_alias = NULL;
	struct op *op;
	/* SPEC 9: past its delete_after, a label is as delete: true. */
	bool retired = w->has_delete_after && o->now >= w->delete_after;
	bool remove = w->remove || retired;

	if (nh > 1) {
		bool any = (have[0]->flags | have[1]->flags) & EPITHET_LABEL_OWNER;
		bool all = (have[0]->flags & have[1]->flags) & EPITHET_LABEL_OWNER;

		duplicate(out, have[0], xasprintf("%s: %zu labels have this name%s; left alone, "
						  "resolve the duplicates first", w->name, nh,
						  all ? " (owner-level labels)"
						  : any ? " (a repo label and an owner-level label)" : ""));
		return;
	}
	if (nh == 1 && (have[0]->flags & EPITHET_LABEL_OWNER)) {
		/* The owner's label already serves this repo: a repo label of
		 * the same name would be a duplicate, and changing the owner's
		 * label is the owner-level target's job (org_labels). */
		if ((remove || diff_needed(w, have[0], o->caps)) && have[0]->holder)
			notice(out, have[0], xasprintf("%s is an owner-level label of %s here; left "
						       "alone (manage it there, with org_labels)",
						       w->name, have[0]->holder));
		else if (remove || diff_needed(w, have[0], o->caps))
			notice(out, have[0], xasprintf("%s is an owner-level label here; manage it "
						       "with org_labels (--org-labels)", w->name));
		return;
	}
	if (remove) {
		if (nh == 1) {
			char when[32];

			op = add_op(out, OP_DELETE, have[0]);
			when_format(w->delete_after, when, sizeof(when));
			op->why = retired && !w->remove ? xasprintf("retired on %s", when)
							 : pooled("delete: true");
			op->retired = retired && !w->remove;
			op->retire_at = op->retired ? w->delete_after : 0;
		}
		return;
	}
	for (size_t a = 0; a < w->n_aliases; a++) {
		const struct label *al[2];
		size_t na = find(cur, n_cur, w->alias_keys[a], al, 2);

		if (na == 0 || (nh == 1 && al[0] == have[0]) || (al[0]->flags & EPITHET_LABEL_OWNER))
			continue;
		if (na > 1) {
			duplicate(out, al[0], xasprintf("%s: %zu labels have this name; left alone, "
							"resolve the duplicates first",
							w->aliases[a], na));
			continue;
		}
		if (nh == 0 && !first_alias) {
			first_alias = al[0];
			if (!(o->caps & EPITHET_CAP_RENAME)) {
				notice(out, al[0], xasprintf("%s -> %s: this forge cannot rename "
							     "labels in place; left alone",
							     al[0]->name, w->name));
				return;
			}
			op = add_op(out, OP_RENAME, al[0]);
			diff_fields(w, al[0], o->caps, true, op);
			continue;
		}
		if (!(o->caps & EPITHET_CAP_ISSUE_LABELS)) {
			notice(out, al[0], xasprintf("%s -> %s: this forge cannot move labels "
						     "between issues, so it cannot merge; left alone",
						     al[0]->name, w->name));
			continue;
		}
		op = add_op(out, OP_MERGE, al[0]);
		op->into = pooled(w->name);
		op->into_cur = nh == 1 ? have[0] : first_alias;
	}
	if (nh == 1) {
		struct op tmp = {0};

		diff_fields(w, have[0], o->caps, false, &tmp);
		if ((tmp.fields & EPITHET_FIELD_NAME) && !(o->caps & EPITHET_CAP_RENAME)) {
			/* Only the case or normalisation differs and the forge
			 * cannot rename: leave the name as it is. */
			tmp.fields &= ~EPITHET_FIELD_NAME;
			strpool_free(tmp.name);
			tmp.name = NULL;
		}
		if (tmp.fields) {
			op = add_op(out, OP_UPDATE, have[0]);
			op->fields = tmp.fields;
			op->name = tmp.name;
			op->color = tmp.color;
			op->description = tmp.description;
			op->flags = tmp.flags;
		}
		return;
	}
	if (first_alias || w->no_create)
		return;
	op = add_op(out, OP_CREATE, NULL);
	op->fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR;
	op->name = pooled(w->name);
	op->color = pooled(w->color ? w->color : (o->default_color ? o->default_color : "ededed"));
	if (w->has_description && w->description && *w->description &&
	    (o->caps & EPITHET_CAP_DESCRIPTION)) {
		op->fields |= EPITHET_FIELD_DESCRIPTION;
		op->description = pooled(w->description);
	}
	if (w->exclusive > 0 && (o->caps & EPITHET_CAP_EXCLUSIVE)) {
		op->fields |= EPITHET_FIELD_EXCLUSIVE;
		op->flags |= EPITHET_LABEL_EXCLUSIVE;
	}
}

/* The repo's label that is @w: by its name, else by its first alias (the
 * one plan_one renames), or NULL. */
static const struct label *label_of(const struct want_label *w, const struct label *cur,
				    size_t n_cur)
{
	const struct label *have[2];

	if (find(cur, n_cur, w->key, have, 2) == 1)
		return have[0];
	for (size_t a = 0; a < w->n_aliases; a++)
		if (find(cur, n_cur, w->alias_keys[a], have, 2) == 1 &&
		    !(have[0]->flags & EPITHET_LABEL_OWNER))
			return have[0];
	return NULL;
}

/* A label still before its delete_after: synced, and the plan says when it
 * goes (the engine counts the issues that carry it; under an alias being
 * renamed, that label's). */
static void retire_notice(const struct want_label *w, const struct label *cur, size_t n_cur,
			  const struct plan_opts *o, struct plan *out)
{
	char when[32];
	struct op *op;

	if (!w->has_delete_after || w->remove || o->now >= w->delete_after)
		return;
	when_format(w->delete_after, when, sizeof(when));
	op = add_op(out, OP_NOTICE, label_of(w, cur, n_cur));
	op->name = pooled(w->name);
	op->why = xasprintf("%s retires on %s", w->name, when);
	op->retires = true;
	op->retire_at = w->delete_after;
}

/*
 * A desired label's keys are plain (model.h). Where the forge matches names
 * otherwise (emoji shortcodes), @want is copied with keys in its mode: a
 * shallow copy, the names and aliases stay @want's. NULL where none is needed.
 */
static struct desired *rekeyed(const struct desired *want, unsigned mode)
{
	struct desired *d;

	if (mode == NAMES_PLAIN)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	*d = *want;
	d->labels = xcalloc(want->n_labels ? want->n_labels : 1, sizeof(*d->labels));
	for (size_t i = 0; i < want->n_labels; i++) {
		struct want_label *w = &d->labels[i];

		*w = want->labels[i];
		w->key = names_key_mode(w->name, mode);
		w->alias_keys = xcalloc(w->n_aliases ? w->n_aliases : 1, sizeof(*w->alias_keys));
		for (size_t a = 0; a < w->n_aliases; a++)
			w->alias_keys[a] = names_key_mode(w->aliases[a], mode);
	}
	return d;
}

static void rekeyed_free(struct desired *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_labels; i++) {
		for (size_t a = 0; a < d->labels[i].n_aliases; a++)
			free(d->labels[i].alias_keys[a]);
		free(d->labels[i].alias_keys);
		free(d->labels[i].key);
	}
	free(d->labels);
	free(d);
}

/* Two desired labels the forge reads as one name (":bug:" and its emoji):
 * the earlier one is planned, this one is reported. */
static bool same_as_earlier(const struct desired *want, size_t i, struct plan *out)
{
	const struct want_label *w = &want->labels[i];

	for (size_t j = 0; j < i && w->key; j++) {
		if (want->labels[j].key && strcmp(want->labels[j].key, w->key) == 0) {
			notice(out, NULL, xasprintf("%s: the same label as %s on this forge (emoji "
						    "shortcodes match their emoji); left to the first",
						    w->name, want->labels[j].name));
			return true;
		}
	}
	return false;
}

/* plan_repo with @want's keys in the forge's mode; @own: they were rekeyed. */
static void plan_keyed(const struct desired *want, bool own, const struct label *cur, size_t n_cur,
		       const struct plan_opts *o, struct plan *out)
{
	for (size_t i = 0; i < want->n_labels; i++) {
		if (own && same_as_earlier(want, i, out))
			continue;
		plan_one(&want->labels[i], cur, n_cur, o, out);
		retire_notice(&want->labels[i], cur, n_cur, o, out);
	}
	if (!o->prune)
		return;
	for (size_t i = 0; i < n_cur; i++) {
		const struct label *l = &cur[i];
		struct op *op;

		/* Owner-level labels showing in a repo are not the repo's to
		 * prune; archived ones are already out of the way. */
		if (l->flags & EPITHET_LABEL_OWNER)
			continue;
		if (matched_by_want(want, l) || glob_any(want->keep, l->name, true))
			continue;
		if (o->prune_archive && (o->caps & EPITHET_CAP_ARCHIVE)) {
			if (l->flags & EPITHET_LABEL_ARCHIVED)
				continue;
			op = add_op(out, OP_ARCHIVE, l);
			op->fields = EPITHET_FIELD_ARCHIVED;
			op->flags = EPITHET_LABEL_ARCHIVED;
		} else {
			op = add_op(out, OP_DELETE, l);
		}
		op->why = pooled("prune");
	}
}

void plan_repo(const struct desired *want, const struct label *cur, size_t n_cur,
	       const struct plan_opts *o, struct plan *out)
{
	struct desired *own = rekeyed(want, names_mode_for(o->caps));

	plan_keyed(own ? own : want, own != NULL, cur, n_cur, o, out);
	rekeyed_free(own);
}

void plan_restore(const struct label *before, const struct label *cur, uint64_t caps,
		  const char *why, struct plan *out)
{
	struct want_label w = {0};
	struct op *op, tmp = {0};

	if (!before) {
		if (cur) {
			op = add_op(out, OP_DELETE, cur);
			op->why = xstrdup(why);
		}
		return;
	}
	if (!cur) {
		op = add_op(out, OP_CREATE, NULL);
		op->fields = EPITHET_FIELD_NAME | EPITHET_FIELD_COLOR;
		op->name = pooled(before->name);
		op->color = pooled(before->color ? before->color : "ededed");
		if (before->description && *before->description && (caps & EPITHET_CAP_DESCRIPTION)) {
			op->fields |= EPITHET_FIELD_DESCRIPTION;
			op->description = pooled(before->description);
		}
		if ((before->flags & EPITHET_LABEL_EXCLUSIVE) && (caps & EPITHET_CAP_EXCLUSIVE)) {
			op->fields |= EPITHET_FIELD_EXCLUSIVE;
			op->flags |= EPITHET_LABEL_EXCLUSIVE;
		}
		op->why = xstrdup(why);
		return;
	}
	w.name = before->name;
	w.color = before->color;
	w.has_description = true;
	w.description = before->description;
	w.exclusive = (caps & EPITHET_CAP_EXCLUSIVE) ? !!(before->flags & EPITHET_LABEL_EXCLUSIVE) : -1;
	diff_fields(&w, cur, caps, false, &tmp);
	if ((caps & EPITHET_CAP_ARCHIVE) &&
	    !!(cur->flags & EPITHET_LABEL_ARCHIVED) != !!(before->flags & EPITHET_LABEL_ARCHIVED)) {
		tmp.fields |= EPITHET_FIELD_ARCHIVED;
		tmp.flags |= before->flags & EPITHET_LABEL_ARCHIVED;
	}
	if (!tmp.fields)
		return;
	op = add_op(out, (tmp.fields & EPITHET_FIELD_NAME) && strcmp(cur->key, before->key ? before->key : "") != 0
				 ? OP_RENAME : OP_UPDATE, cur);
	op->fields = tmp.fields;
	op->name = tmp.name;
	op->color = tmp.color;
	op->description = tmp.description;
	op->flags = tmp.flags;
	op->why = xstrdup(why);
}

size_t plan_changes(const struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->ops[i].kind != OP_NOTICE;
	return n;
}

size_t plan_destructive(const struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->ops[i].destructive;
	return n;
}

void plan_finish(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		strpool_free(p->ops[i].into);
		strpool_free(p->ops[i].name);
		strpool_free(p->ops[i].color);
		strpool_free(p->ops[i].description);
		strpool_free(p->ops[i].why);
	}
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

char op_symbol(enum op_kind k)
{
	static const char sym[] = {'+', '~', '>', '=', '-', '-', '!'};

	return sym[k];
}

const char *op_name(enum op_kind k)
{
	static const char *const names[] = {"create", "update", "rename", "merge",
					    "delete", "archive", "notice"};

	return names[k];
}
