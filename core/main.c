/* SPDX-License-Identifier: MIT */
/*
 * The process entry point: allocator tuning, then the command line
 * (cli.c). Nothing else belongs here.
 */
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include "cli.h"

int main(int argc, char **argv)
{
#if defined(__GLIBC__) && defined(M_ARENA_MAX) && defined(M_MMAP_THRESHOLD)
	/* Peak memory at org scale (bench/README.md): answers of a few hundred
	 * KB are read and dropped by several threads at once. A fixed mmap
	 * threshold returns such buffers to the system when freed (glibc's
	 * sliding one ends up keeping them in the heaps), and two heaps instead
	 * of one per reading thread keep less memory idle: ~2 MB less at 1,000
	 * repos, no measurable cost in time. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_ARENA_MAX, 2);
#endif
	return cli_main(argc, argv);
}
