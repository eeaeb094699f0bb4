/* SPDX-License-Identifier: MIT */
/*
 * `epithet docs`: the label policy of a labels file for humans, as
 * Markdown or one self-contained HTML page (docs.c). No forge is asked.
 */
#ifndef EPITHET_CORE_DOCS_H
#define EPITHET_CORE_DOCS_H

#include <stdio.h>

#include "model.h"
#include "run.h"

enum docs_format {
	DOCS_MARKDOWN,
	DOCS_HTML,
};

/* Render @d (read from @source, named on the page) to @f; -1 on a write error. */
int docs_write(FILE *f, const struct desired *d, const char *source, enum docs_format fmt);

/* The command: to o->export_out (docs --out) or stdout, in o->docs_html's
 * format. Returns the exit status. */
int docs_main(const struct run_options *o, const struct desired *d);

#endif
