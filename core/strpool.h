/* SPDX-License-Identifier: MIT */
/*
 * Shared copies of strings that repeat: the names, colours, descriptions and
 * keys of the labels of an org's repos are mostly the same few dozen strings,
 * and one copy of each instead of one per repo is most of a run's memory at
 * org scale (1,000 repos x 30 labels: ~5 MB less).
 *
 * Process-wide and thread-safe. A pooled string is immutable and lives until
 * strpool_clear(); strpool_free() releases any string, pooled or malloc'd,
 * so code that keeps labels need not know where their strings came from.
 */
#ifndef EPITHET_CORE_STRPOOL_H
#define EPITHET_CORE_STRPOOL_H

#include <stdbool.h>

/* The pooled copy of @s (NULL for NULL). Never fails (aborts out of memory). */
const char *strpool_intern(const char *s);
/* Whether @p is a pooled string. */
bool strpool_owns(const char *p);
/* free(@p) unless it is pooled (or NULL). */
void strpool_free(char *p);
/* Forget every pooled string: no pooled pointer may be used after this. */
void strpool_clear(void);

#endif
