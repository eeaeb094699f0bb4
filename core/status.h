/* SPDX-License-Identifier: MIT */
/*
 * The exit statuses of SPEC.md section 2: what a run ends with. Shared by
 * the command line, the engine and the output, so that none of them needs
 * another's header for them. Values only: no code.
 */
#ifndef EPITHET_CORE_STATUS_H
#define EPITHET_CORE_STATUS_H

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILED = 1,        /* some operation failed, or a destructive change refused */
	EXIT_CHANGES = 2,       /* plan / --dry-run found changes */
	EXIT_USAGE = 64,
	EXIT_DATAERR = 65,      /* invalid labels file or argument value */
	EXIT_UNAVAILABLE = 69,  /* plugin cannot be found or loaded */
	EXIT_NOPERM = 77,       /* credentials rejected, or the owner cannot be read */
	EXIT_SIGINT = 130,
	EXIT_SIGTERM = 143,
};

#endif
