/* SPDX-License-Identifier: MIT */
/*
 * The issues and pull requests carrying a label, read before a
 * destructive change so that the plan, the confirmation and the journal can
 * name them. Writes nothing.
 */
#include "internal.h"

#include <string.h>

#include "log.h"
#include "strpool.h"
#include "util.h"

/* ---- issues carrying labels (for destructive changes and the journal) ---- */

/* Copies what the plugin's struct holds (a 1.0 item has no repo); the
 * repo, for an owner-level label's items, is pooled like label names. */
static int collect_item(const struct epithet_item *it, void *payload)
{
	struct items *items = payload;
	struct epithet_item *d;

	if (!it || it->struct_size < ITEM_V1_SIZE)
		return EPITHET_EPROTOCOL;
	grow(&items->v, &items->cap, items->n + 1, sizeof(*items->v));
	d = &items->v[items->n++];
	memset(d, 0, sizeof(*d));
	d->struct_size = sizeof(*d);
	d->is_pull = it->is_pull;
	d->number = it->number;
	if (EPITHET_HAS_MEMBER(struct epithet_item, it, repo) && it->repo)
		d->repo = strpool_intern(it->repo);
	return 0;
}

void to_epithet_label(const struct label *l, struct epithet_label *out)
{
	memset(out, 0, sizeof(*out));
	out->struct_size = sizeof(*out);
	out->fields = EPITHET_FIELD_NAME | (l->color ? EPITHET_FIELD_COLOR : 0) |
		      EPITHET_FIELD_DESCRIPTION;
	out->name = l->name;
	out->color = l->color;
	out->description = l->description;
	out->id = l->id;
	out->flags = l->flags;
	out->issues = l->issues;
	out->pulls = l->pulls;
}

void find_items(struct target_run *tr, struct repo_run *r)
{
	const struct epithet_forge *f = tr->plugin->forge;
	/* Owner-level labels too where the forge lists their items in every
	 * repo of the owner (EPITHET_CAP_OWNER_ITEMS, ABI 1.1). */
	bool can = (f->capabilities & EPITHET_CAP_ISSUE_LABELS) &&
		   EPITHET_HAS_METHOD(struct epithet_forge, f, list_labelled) &&
		   (r->name || ((f->capabilities & EPITHET_CAP_OWNER_ITEMS) &&
				EPITHET_HAS_METHOD(struct epithet_forge, f, add_item_label)));

	for (size_t k = 0; k < r->w->plan.n && can; k++) {
		struct op *op = &r->w->plan.ops[k];
		struct op_run *orun = &r->w->ops[k];
		struct epithet_error err = {0};
		struct epithet_label cur;

		/* and a label that retires later (delete_after): the plan counts them */
		if (!(op->kind == OP_DELETE || op->kind == OP_MERGE || op->retires) || !op->cur ||
		    run_stopping())
			continue;
		to_epithet_label(op->cur, &cur);
		if (f->list_labelled(tr->session, r->owner, r->name, &cur, collect_item,
				     &orun->items, &err) == 0) {
			orun->items.known = true;
		} else {
			log_warn("%s: cannot list the issues labelled '%s': %s", r->full,
				 op->cur->name, err.message);
			orun->items.n = 0;
		}
	}
}

