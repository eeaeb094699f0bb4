/* SPDX-License-Identifier: MIT */
#ifndef EPITHET_CORE_CLI_H
#define EPITHET_CORE_CLI_H

/* Exit statuses, SPEC.md section 2. */
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

int cli_main(int argc, char **argv);

#endif
