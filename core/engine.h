/* SPDX-License-Identifier: MIT */
/*
 * The engine: from targets and a desired set to a plan, then to changes.
 * Loads the plugins, opens one session per target, selects the repos, reads
 * their labels (in parallel), plans each repo, asks before destructive
 * changes, applies with a journal, and reports. A failing repo or target
 * never stops the others.
 */
#ifndef EPITHET_CORE_ENGINE_H
#define EPITHET_CORE_ENGINE_H

#include "run.h"

/* ensure, delete, rename, sync, plan, copy, list, export. Returns the exit status. */
int engine_run(const struct run_options *o, const struct desired *want, struct target *targets,
	       size_t n_targets);

/* `epithet undo [JOURNAL]`. */
int engine_undo(const struct run_options *o);

/* `epithet plugins`. */
int engine_plugins(const struct run_options *o);

/* Called from the signal handler: stop at the next request boundary. */
void engine_signal(int sig);

#endif
