/* SPDX-License-Identifier: MIT */
/*
 * Reading the bases of a labels file that live in a repository on a forge
 * (SPEC.md 9, `extends`): the lf_read_fn the command hands to
 * lf_load_policy. It opens one read-only plugin session per forge and URL
 * (as a target's would be, its token looked up as the target's of the
 * same forge and URL, docs/labels-file.md) and calls the
 * plugin's read_file (ABI 1.1). These reads are the only requests sent
 * before the whole policy is checked.
 */
#ifndef EPITHET_CORE_BASES_H
#define EPITHET_CORE_BASES_H

#include <stddef.h>

#include "labelsfile.h"
#include "run.h"

struct bases_session;

struct bases_reader {
	const struct run_options *opt;   /* host options (tokens, CA, user agent) */
	const char *forge;               /* the command line's, for files without targets */
	const char *url;
	const char *api_url;
	struct bases_session *sessions;
	size_t n_sessions;
};

/* lf_read_fn: @data is a struct bases_reader. */
int bases_read(void *data, const struct lf_remote *where, char **buf, size_t *len, char **error);

/* Close the sessions. Accepts a zeroed reader. */
void bases_reader_finish(struct bases_reader *r);

#endif
