/* SPDX-License-Identifier: MIT */
/*
 * Points in time a labels file names (SPEC.md 9, `delete_after`): a date
 * (YYYY-MM-DD, midnight UTC) or an RFC 3339 time, read with libc's strptime
 * and timegm; and back to text for plans. Pure: unit-tested in
 * tests/unit/test-policy.c.
 */
#ifndef EPITHET_CORE_WHEN_H
#define EPITHET_CORE_WHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* @s as seconds since the epoch (UTC) into *@out. False when @s is not a
 * date or an RFC 3339 time (or names a day that does not exist). */
bool when_parse(const char *s, int64_t *out);

/* @t as "YYYY-MM-DD" when it is midnight UTC, else "YYYY-MM-DDTHH:MM:SSZ". */
void when_format(int64_t t, char *buf, size_t n);

#endif
