/* SPDX-License-Identifier: MIT */
/*
 * The small helpers of util.h: allocation that aborts out of memory,
 * string vectors, the growable buffer, globs. Knows nothing of labels.
 */
#include "util.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(void)
{
	fputs("epithet: error: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		oom();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return s;
}

void grow(void *v, size_t *cap, size_t need, size_t size)
{
	void **pv = v;
	size_t c = *cap ? *cap : 8;

	if (need <= *cap)
		return;
	while (c < need)
		c *= 2;
	*pv = xrealloc(*pv, c * size);
	*cap = c;
}

size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void strv_push(char ***v, const char *s)
{
	size_t n = strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

char **strv_dup(char *const *v)
{
	char **d = NULL;

	for (size_t i = 0; v && v[i]; i++)
		strv_push(&d, v[i]);
	return d;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void sb_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(&b->s, &b->cap, b->len + (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sb_add(struct strbuf *b, const char *s)
{
	sb_addf(b, "%s", s);
}

void sb_finish(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

bool str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool glob_match(const char *pattern, const char *s, bool fold)
{
	return fnmatch(pattern, s, fold ? FNM_CASEFOLD : 0) == 0;
}

bool glob_any(char *const *globs, const char *s, bool fold)
{
	for (size_t i = 0; globs && globs[i]; i++)
		if (glob_match(globs[i], s, fold))
			return true;
	return false;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- showing forge text on a terminal ---- */

/* Length of the UTF-8 sequence at @p and its code point, or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, uint32_t *cp)
{
	size_t n, i;
	uint32_t c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static bool bidi_control(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* The escape of the sequence at @p (length *len) into @esc, or false when it
 * is shown as it is. */
static bool display_escape(const unsigned char *p, size_t *len, char esc[12])
{
	uint32_t cp;
	size_t n = utf8_seq(p, &cp);

	if (n == 0) {
		*len = 1;
		snprintf(esc, 12, "\\x%02x", p[0]);
		return true;
	}
	*len = n;
	if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x1b) {
		snprintf(esc, 12, "\\%c", cp == '\t' ? 't' : cp == '\n' ? 'n' : cp == '\r' ? 'r' : 'e');
		return true;
	}
	if (cp < 0x20 || cp == 0x7f) {
		snprintf(esc, 12, "\\x%02x", (unsigned)cp);
		return true;
	}
	if ((cp >= 0x80 && cp <= 0x9f) || bidi_control(cp)) {
		snprintf(esc, 12, "\\u%04x", (unsigned)cp);
		return true;
	}
	return false;
}

void display_buf(char *out, size_t n, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0, len, k;
	char esc[12];

	if (!n)
		return;
	while (*p) {
		if (display_escape(p, &len, esc)) {
			k = strlen(esc);
			if (o + k >= n)
				break;
			memcpy(out + o, esc, k);
		} else {
			k = len;
			if (o + k >= n)
				break;
			memcpy(out + o, p, k);
		}
		o += k;
		p += len;
	}
	out[o] = '\0';
}

const char *display(const char *s)
{
	static char *ring[16];
	static unsigned pos;
	const unsigned char *p;
	size_t len, n;
	char esc[12];

	if (!s)
		return NULL;
	for (p = (const unsigned char *)s; *p; p += len)
		if (display_escape(p, &len, esc))
			break;
	if (!*p)
		return s;
	n = 4 * strlen(s) + 1;
	pos = (pos + 1) % 16;
	free(ring[pos]);
	ring[pos] = xmalloc(n);
	display_buf(ring[pos], n, s);
	return ring[pos];
}

void duration_text(unsigned long long ms, char *buf, size_t n)
{
	unsigned long long s = (ms + 500) / 1000, min;

	if (s < 60) {
		snprintf(buf, n, "%llu s", s ? s : 1);
		return;
	}
	min = (s + 30) / 60;
	if (min < 60)
		snprintf(buf, n, "%llu min", min);
	else if (min % 60)
		snprintf(buf, n, "%llu h %llu min", min / 60, min % 60);
	else
		snprintf(buf, n, "%llu h", min / 60);
}
