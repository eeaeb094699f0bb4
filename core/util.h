/* SPDX-License-Identifier: MIT */
/*
 * Small helpers the core uses everywhere: allocation that never returns NULL
 * (the process cannot do anything useful out of memory, so it says so and
 * aborts), NULL-terminated string vectors, a growable buffer, globs.
 */
#ifndef EPITHET_CORE_UTIL_H
#define EPITHET_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "epithet/host.h"

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);          /* NULL stays NULL */
char *xasprintf(const char *fmt, ...) EPITHET_PRINTF(1, 2);

/* Grow *v (of *cap elements of size @size) to hold at least @need. */
void grow(void *v, size_t *cap, size_t need, size_t size);

/* NULL-terminated vectors of malloc'd strings. */
size_t strv_len(char *const *v);
void strv_push(char ***v, const char *s);   /* copies s */
char **strv_dup(char *const *v);
void strv_free(char **v);

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};
void sb_addf(struct strbuf *b, const char *fmt, ...) EPITHET_PRINTF(2, 3);
void sb_add(struct strbuf *b, const char *s);
void sb_finish(struct strbuf *b);

/* Both NULL, or the same text. */
bool str_same(const char *a, const char *b);

/* Shell-style glob match (fnmatch), case-insensitive when @fold. */
bool glob_match(const char *pattern, const char *s, bool fold);
/* True when any of @globs (NULL-terminated) matches. */
bool glob_any(char *const *globs, const char *s, bool fold);

/* Monotonic milliseconds. */
long long now_ms(void);

/* A duration for people: "1 s" (at least), "45 s", "4 min", "1 h 5 min". */
void duration_text(unsigned long long ms, char *buf, size_t n);

/*
 * Text from a forge (label names, descriptions, repo names, error messages)
 * made safe to show on a terminal: control characters (C0, DEL, C1),
 * bidirectional controls and invalid UTF-8 become visible escapes ("\e",
 * "\x07", "\u009b", "\u202e"); everything else is kept. display_buf always
 * terminates @out (truncating); 4 * strlen(s) + 1 bytes always suffice.
 * display() returns @s itself when it is safe, else an escaped copy that
 * stays valid for the next 15 calls (main thread only). NULL gives NULL.
 */
void display_buf(char *out, size_t n, const char *s);
const char *display(const char *s);

#endif
