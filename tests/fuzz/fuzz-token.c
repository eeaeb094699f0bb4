/* SPDX-License-Identifier: MIT */
/*
 * Token lookup from files: the input is a ~/.netrc (through $NETRC) and a
 * --token-file. An input starting with "H:name\n" looks up that host;
 * otherwise api.github.com.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "hostsvc.h"
#include "log.h"

static char path[] = "/tmp/epithet-fuzz-token-XXXXXX";
static int fd = -1;

static void cleanup(void)
{
	if (fd >= 0)
		unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const vars[] = {"EPITHET_TOKEN", "GH_TOKEN", "GITHUB_TOKEN",
					   "FUZZ_TOKEN", NULL};

	(void)argc;
	(void)argv;
	for (size_t i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	fd = mkstemp(path); /* 0600: no warning about a token others can read */
	if (fd < 0) {
		perror("mkstemp");
		abort();
	}
	setenv("NETRC", path, 1);
	atexit(cleanup);
	log_set_verbosity(-1);
	return 0;
}

static void lookup(const char *host, const char *token_file)
{
	struct epithet_error err = {0};
	const char *source = NULL;
	char *token = NULL;
	int rc = hostsvc_token_lookup(NULL, "FUZZ_TOKEN", token_file, host, &token, &source, &err);

	if (rc == 0) {
		/* a token is one header value: never empty, never a line break */
		if (!token || !*token || strpbrk(token, "\r\n") || !source)
			abort();
	} else if (token) {
		abort();
	}
	free(token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char host[256] = "api.github.com";
	const uint8_t *body = data;
	size_t len = size;

	if (size > 2 && data[0] == 'H' && data[1] == ':') {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t n = nl ? (size_t)(nl - data) - 2 : 0;

		if (nl && n < sizeof(host)) {
			memcpy(host, data + 2, n);
			host[n] = '\0';
			body = nl + 1;
			len = size - (size_t)(body - data);
		}
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, body, len, 0) != (ssize_t)len)
		abort();
	lookup(host, NULL);  /* the netrc */
	lookup(NULL, path);  /* the same bytes as --token-file */
	return 0;
}
