/* SPDX-License-Identifier: MIT */
/*
 * The command line's targets beside a labels file's (targets.h): filters
 * added to the file's targets, and the name the command line's target takes
 * from the file's it stands for. Sends nothing.
 */
#include "targets.h"

#include "labelsfile.h"
#include "log.h"
#include "util.h"

void targets_add_filters(struct target *dst, const struct target *cli)
{
	for (size_t i = 0; cli->include && cli->include[i]; i++)
		strv_push(&dst->include, cli->include[i]);
	for (size_t i = 0; cli->exclude && cli->exclude[i]; i++)
		strv_push(&dst->exclude, cli->exclude[i]);
	for (size_t i = 0; cli->topics && cli->topics[i]; i++)
		strv_push(&dst->topics, cli->topics[i]);
	dst->archived |= cli->archived;
	dst->forks |= cli->forks;
	dst->org_labels |= cli->org_labels;
}

void targets_name_cli(struct target *cli, const struct desired *file)
{
	const struct target *like = lf_target_like(file, cli);

	if (like) {
		cli->name = xstrdup(like->name);
		return;
	}
	for (size_t i = 0; i < file->n_sets; i++) {
		const struct label_set *s = &file->sets[i];
		struct strbuf names = {0};

		if (!s->targets)
			continue;
		for (size_t k = 0; s->targets[k]; k++)
			sb_addf(&names, "%s'%s'", k ? ", " : "", s->targets[k]);
		log_notice("%s:%u:%u: set '%s' applies to no repo in this run: it is only for the "
			   "targets %s, and the command line's target replaces the file's without "
			   "being one of them (no named target of the file has this forge, URL and "
			   "owner)", s->file ? s->file : "?", s->pos.line, s->pos.col, s->name, names.s);
		sb_finish(&names);
	}
}
