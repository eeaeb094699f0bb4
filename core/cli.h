/* SPDX-License-Identifier: MIT */
/*
 * The command line (SPEC.md 2): argv into run options, the labels file and
 * the targets, then one engine call; its exit status (status.h) is the
 * process's. The one caller is main.c; nothing else in core/ includes this.
 */
#ifndef EPITHET_CORE_CLI_H
#define EPITHET_CORE_CLI_H

#include "status.h"

int cli_main(int argc, char **argv);

#endif
