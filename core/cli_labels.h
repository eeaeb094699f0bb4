/* SPDX-License-Identifier: MIT */
/*
 * The labels a command line asks for (ensure NAME, delete NAME, rename OLD
 * NEW) as a desired set, checked before any request: a bad name, colour or
 * description is exit 65. No I/O but the error messages.
 */
#ifndef EPITHET_CORE_CLI_LABELS_H
#define EPITHET_CORE_CLI_LABELS_H

#include "model.h"
#include "run.h"

struct command_labels {
	enum command cmd;          /* CMD_ENSURE, CMD_DELETE, CMD_RENAME; others want nothing */
	const char *args[2];       /* NAME, or OLD and NEW */
	const char *color;         /* ensure --color, or NULL */
	const char *description;   /* ensure --description, or NULL */
};

/* Fill @d (zeroed) with what @c asks; 0, or the exit status of a bad value
 * (said on stderr). @d is the caller's to free either way. */
int command_labels_want(const struct command_labels *c, struct desired *d);

#endif
