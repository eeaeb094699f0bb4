/* SPDX-License-Identifier: MIT */
/*
 * The GitHub plugin's GraphQL answer scanner (plugins/github/github-graphql.h):
 * a hand-written JSON scanner over the body as the host hands it over
 * (NUL-terminated), then the top-level errors as github-graphql.c maps them.
 * The first byte, when a digit, says how many aliases (r0..r9) were asked.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "github-graphql.h"
#include "github-parse.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

struct seen {
	size_t n_alias;
	size_t labels, repos;
};

static int on_label(void *ctx, size_t alias, const struct epithet_label *l)
{
	struct seen *s = ctx;

	/* what the scanner hands on is a usable label of an alias asked for */
	if (alias >= s->n_alias || !l || !l->name || !*l->name ||
	    (l->color && strlen(l->color) != 6))
		abort();
	s->labels++;
	return s->labels > 100000 ? EPITHET_EPROTOCOL : 0;
}

static int on_repo(void *ctx, size_t alias, bool null, bool has_next, const char *cursor)
{
	struct seen *s = ctx;

	if (alias >= s->n_alias)
		abort();
	(void)null;
	(void)has_next;
	if (cursor)
		(void)strlen(cursor);
	s->repos++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen seen = {.n_alias = 3};
	struct gh_graphql_sink sink = {on_label, on_repo, &seen};
	const char *errors = NULL, *why = NULL;
	size_t errors_len = 0;
	char *body;
	int rc;

	if (size > 0 && data[0] >= '0' && data[0] <= '9') {
		seen.n_alias = (size_t)(data[0] - '0') + 1;
		data++;
		size--;
	}
	body = fuzz_cstr(data, size);
	rc = gh_graphql_scan(body, size, seen.n_alias, &sink, &errors, &errors_len, &why);
	if (rc == EPITHET_EPROTOCOL && !why)
		abort(); /* a refusal says why */
	if (rc == 0 && errors) {
		struct json_object *e = NULL;
		long bad = -2;
		char msg[512];

		if (errors < body || errors + errors_len > body + size)
			abort();
		/* as answer_errors() in github-graphql.c does */
		if (!(errors_len == 4 && memcmp(errors, "null", 4) == 0) &&
		    gh_parse_body(errors, errors_len, &e) == 0) {
			if (gh_graphql_errors(e, &bad, msg, sizeof(msg)) != 0 &&
			    (strlen(msg) >= sizeof(msg) || bad < -1))
				abort();
			json_object_put(e);
		}
	}
	free(body);
	return 0;
}
