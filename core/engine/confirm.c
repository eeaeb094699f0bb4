/* SPDX-License-Identifier: MIT */
/*
 * Confirmation: whether a run may go on to apply. Destructive changes, the
 * changes of an undo and a plan larger than the remaining rate-limit budget
 * need --yes or a "y" on a terminal; off a terminal they are refused.
 * Changes nothing.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* ---- confirming ---- */

static bool ask(const char *question)
{
	char line[64];

	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* True when the run may go on to apply. */
bool confirm_changes(struct run *run, const struct totals *t)
{
	bool tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	struct strbuf why = {0};
	bool ok = true;

	if (run->is_undo && t->changes)
		sb_addf(&why, "%zu change%s that undo an earlier run", t->changes,
			t->changes == 1 ? "" : "s");
	else if (t->destructive)
		sb_addf(&why, "%zu destructive change%s (delete, merge, archive)", t->destructive,
			t->destructive == 1 ? "" : "s");
	for (size_t i = 0; i < run->n_targets; i++) {
		struct target_run *tr = &run->targets[i];
		struct hostsvc_stats st;
		size_t need;

		if (tr->code || !tr->hs)
			continue;
		hostsvc_stats(tr->hs, &st);
		need = planned_writes(tr);
		if (st.rate_remaining >= 0 && need > (size_t)st.rate_remaining)
			sb_addf(&why, "%s%s needs about %zu requests but only %ld remain in the rate limit",
				why.len ? "; " : "", tr->owner ? tr->owner : "target", need,
				st.rate_remaining);
	}
	if (!why.len || run->opt->yes)
		goto out;
	if (!tty) {
		log_error("refusing to apply: %s; not on a terminal, so nothing was changed "
			  "(rerun with --yes to apply)", why.s);
		run->refused = true;
		ok = false;
		goto out;
	}
	{
		char *q = xasprintf("Apply the plan, including %s?", why.s);

		ok = ask(q);
		free(q);
	}
	if (!ok) {
		log_notice("nothing was changed");
		run->refused = true;
	}
out:
	sb_finish(&why);
	return ok;
}

