/* SPDX-License-Identifier: MIT */
/* The RFC 8288 Link header parser: the URL of rel="next", or none. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "hostsvc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *next = hostsvc_link_next(s);

	/* what comes back is a piece of the header between '<' and '>' */
	if (next && (!*next || strlen(next) > size || strchr(next, '>')))
		abort();
	free(next);
	free(s);
	return 0;
}
