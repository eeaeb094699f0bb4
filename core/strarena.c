/* SPDX-License-Identifier: MIT */
/*
 * strarena.h: strings packed into chunks of CHUNK bytes (a longer string
 * gets a chunk of its own). Only allocation; no I/O.
 */
#include "strarena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK 16384

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct strarena {
	struct chunk *head;
};

static char *room(struct strarena *a, size_t n)
{
	struct chunk *c = a->head;

	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK ? n : CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		/* a chunk made for one long string goes behind the current one,
		 * whose room is still there for the next short ones */
		if (a->head && cap > CHUNK) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	c->used += n;
	return c->data + c->used - n;
}

char *strarena_printf(struct strarena **a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	if (!*a)
		*a = xcalloc(1, sizeof(**a));
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	s = room(*a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void strarena_free(struct strarena **a)
{
	struct chunk *c, *next;

	if (!*a)
		return;
	for (c = (*a)->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(*a);
	*a = NULL;
}
