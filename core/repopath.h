/* SPDX-License-Identifier: MIT */
/*
 * Repository paths as users give them: "OWNER/NAME", where OWNER may itself
 * have several segments (nested groups: "acme/platform/api" is the repo
 * "api" of the owner "acme/platform"). The name is the last segment.
 */
#ifndef EPITHET_CORE_REPOPATH_H
#define EPITHET_CORE_REPOPATH_H

#include <stdbool.h>

/* Whether @s is OWNER/NAME: at least two segments, none empty, no space. */
bool repopath_ok(const char *s);

/* Split a repopath_ok() path in place at its last '/': returns the name,
 * and @s is left holding the owner. */
char *repopath_split(char *s);

#endif
