/* SPDX-License-Identifier: MIT */
/*
 * An arena of strings that live as long as something else does: the names
 * of a target's repos ("owner/name"), one of which is kept for every repo
 * selected. Packed end to end in chunks, each string costs its bytes and its
 * NUL, not a malloc block (at 20,000 repos: ~0.3 MB less). Strings cannot be
 * freed one by one; strarena_free frees them all. Not thread-safe.
 */
#ifndef EPITHET_CORE_STRARENA_H
#define EPITHET_CORE_STRARENA_H

#include "epithet/host.h"

struct strarena;

/* A copy of the formatted text in *@a (made on first use). Never NULL:
 * aborts out of memory, like xasprintf. */
char *strarena_printf(struct strarena **a, const char *fmt, ...) EPITHET_PRINTF(2, 3);
/* Every string of *@a, and the arena; *@a is NULL after. */
void strarena_free(struct strarena **a);

#endif
