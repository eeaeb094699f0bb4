/* SPDX-License-Identifier: MIT */
/*
 * The targets of a run when the command line and a labels file both speak
 * of them: the command line's filters laid on the file's targets, and the
 * command line's own target (--org/--repo) standing for one of the file's.
 */
#ifndef EPITHET_CORE_TARGETS_H
#define EPITHET_CORE_TARGETS_H

#include "model.h"

/* Command-line filters apply to every target, on top of the file's own. */
void targets_add_filters(struct target *dst, const struct target *cli);

/*
 * @cli replaces @file's targets: it keeps the name of the file's target it
 * stands for (lf_target_like; sets with `targets` then apply as they would),
 * and each set for named targets that cannot apply is said, once, as a
 * notice naming it and why.
 */
void targets_name_cli(struct target *cli, const struct desired *file);

#endif
