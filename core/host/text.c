/* SPDX-License-Identifier: MIT */
/*
 * text.c — the small text helpers the rooms share: trimming, white space,
 * numbers in headers, and the one-line error message of every service.
 * Knows nothing of HTTP, of the session or of the endpoint.
 */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hs_error_set(struct epithet_error *err, int code, int http_status,
		  const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!err)
		return;
	err->code = code;
	err->http_status = http_status;
	va_start(ap, fmt);
	/* vsnprintf truncates and always terminates */
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	/* the message is one line: fold any line break a caller let in */
	for (p = err->message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

bool hs_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* A copy of [s, s+n) without surrounding white space. */
char *hs_dup_trimmed(const char *s, size_t n)
{
	char *out;

	while (n > 0 && hs_is_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && hs_is_space(s[n - 1]))
		n--;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* Parse a decimal integer with optional surrounding blanks; false if junk. */
bool hs_parse_ll(const char *s, long long *out)
{
	char *end;
	long long v;

	if (!s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno)
		return false;
	/* "100, 100;w=60" (RateLimit-Limit with a policy) counts as its first number */
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end && *end != ',' && *end != ';')
		return false;
	*out = v;
	return true;
}
