/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer entry points every target in this directory defines. Built
 * with -Dfuzz=true (clang), each target links libFuzzer; otherwise each is
 * linked with driver.c, a main() that feeds the files of a corpus through it
 * once (the regression test of every input ever saved there).
 */
#ifndef EPITHET_FUZZ_H
#define EPITHET_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input (the parsers take C strings or rely on
 * the host's terminating NUL); free() it. */
char *fuzz_cstr(const uint8_t *data, size_t size);

#endif
