/* SPDX-License-Identifier: MIT */
/*
 * Estimate: the writes each target's plan needs and how long they take at
 * its forge's pace (the host's pacing, hostsvc_writes_estimate_ms), made
 * before the plan is shown; and, while applying, the time left for the
 * progress line. Targets are applied one after the other, and those on one
 * token and origin share one pace (two orgs on one forge): a target's
 * writes are counted after the earlier ones' in the same windows, so its
 * figure is the time it adds. Changes nothing.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

size_t planned_writes(const struct target_run *tr)
{
	size_t n = 0;

	for (size_t j = 0; j < tr->n_repos; j++) {
		const struct repo_run *r = &tr->repos[j];

		for (size_t k = 0; k < r->w->plan.n; k++) {
			const struct op *op = &r->w->plan.ops[k];

			if (op->kind == OP_NOTICE)
				continue;
			n++;
			if (op->kind == OP_MERGE && r->w->ops)
				n += r->w->ops[k].items.n;
		}
	}
	return n;
}

/* Writes of the targets before @i (or, @left, still to send) that share
 * target @i's pace. */
static uint64_t writes_ahead(const struct run *run, size_t i, bool left)
{
	const struct target_run *tr = &run->targets[i];
	uint64_t n = 0;

	for (size_t j = 0; j < i; j++) {
		const struct target_run *o = &run->targets[j];
		struct hostsvc_stats st = {0};
		uint64_t sent = 0;

		if (o->code || !hostsvc_shares_pacing(o->hs, tr->hs))
			continue;
		if (left) {
			hostsvc_stats(o->hs, &st);
			sent = st.writes - o->estimate.sent_before;
		}
		n += sent < o->estimate.writes ? o->estimate.writes - sent : 0;
	}
	return n;
}

void estimate_writes(struct run *run)
{
	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];
		struct hostsvc_stats st = {0};

		memset(&tr->estimate, 0, sizeof(tr->estimate));
		if (tr->code || !tr->hs)
			continue;
		hostsvc_stats(tr->hs, &st);
		tr->estimate.writes = planned_writes(tr);
		tr->estimate.sent_before = st.writes;
		tr->estimate.ms = hostsvc_writes_estimate_ms(tr->hs, writes_ahead(run, i, false),
							     tr->estimate.writes, &tr->estimate.paced);
	}
}

void estimate_left(const struct run *run, char *buf, size_t n)
{
	uint64_t left = 0;
	bool paced = false;
	char text[32];

	buf[0] = '\0';
	for (size_t i = 0; i < run->n_targets; i++) {
		const struct target_run *tr = &run->targets[i];
		struct hostsvc_stats st = {0};
		uint64_t sent;

		if (!tr->estimate.paced || !tr->hs)
			continue;
		hostsvc_stats(tr->hs, &st);
		sent = st.writes - tr->estimate.sent_before;
		if (sent < tr->estimate.writes)
			left += hostsvc_writes_estimate_ms(tr->hs, writes_ahead(run, i, true),
							   tr->estimate.writes - sent, NULL);
		paced = true;
	}
	if (!paced || !left)
		return;
	duration_text(left, text, sizeof(text));
	snprintf(buf, n, ", about %s left", text);
}
