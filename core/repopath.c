/* SPDX-License-Identifier: MIT */
/* Repository paths, OWNER/NAME with a nested owner allowed. See repopath.h. */
#include "repopath.h"

#include <string.h>

bool repopath_ok(const char *s)
{
	const char *p = s;

	if (!s || !strchr(s, '/') || strchr(s, ' '))
		return false;
	for (;;) {
		size_t seg = strcspn(p, "/");

		if (seg == 0)
			return false;
		if (!p[seg])
			return true;
		p += seg + 1;
	}
}

char *repopath_split(char *s)
{
	char *slash = strrchr(s, '/');

	*slash = '\0';
	return slash + 1;
}
