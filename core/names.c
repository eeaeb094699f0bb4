/* SPDX-License-Identifier: MIT */
/*
 * Label names and colours. Matching goes through libunistring: the Unicode
 * tables (normalisation, full case folding) are its job, never ours, so a
 * new Unicode version is a library update away.
 */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

char *names_key(const char *name)
{
	const uint8_t *s = (const uint8_t *)name;
	uint8_t *folded = NULL;
	char *key = NULL;
	size_t n, len = 0;

	if (!name)
		return NULL;
	n = strlen(name);
	if (u8_check(s, n))
		return NULL;
	/*
	 * With a normalisation form, u8_casefold computes
	 * NFC(toCasefold(NFD(X))): Unicode's canonical caseless match
	 * (D145), so a decomposed "é" and "É" both fold to one key.
	 */
	folded = u8_casefold(s, n, NULL, UNINORM_NFC, NULL, &len);
	if (!folded)
		return NULL;
	key = malloc(len + 1);
	if (!key)
		goto cleanup;
	if (len)
		memcpy(key, folded, len);
	key[len] = '\0';
cleanup:
	free(folded);
	return key;
}

bool names_equal(const char *a, const char *b)
{
	char *ka, *kb;
	bool eq;

	if (!a || !b)
		return a == b;
	ka = names_key(a);
	kb = names_key(b);
	/* Invalid UTF-8 (or no memory) has no key: compare the bytes. */
	if (!ka || !kb)
		eq = strcmp(a, b) == 0;
	else
		eq = strcmp(ka, kb) == 0;
	free(ka);
	free(kb);
	return eq;
}

size_t names_codepoints(const char *s)
{
	size_t n;

	if (!s)
		return (size_t)-1;
	n = strlen(s);
	if (u8_check((const uint8_t *)s, n))
		return (size_t)-1;
	return u8_mbsnlen((const uint8_t *)s, n);
}

static bool is_control(ucs4_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

enum names_problem names_check(const char *s, size_t *offset, unsigned *cp)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n, i = 0;

	if (!s)
		return NAMES_BAD_UTF8;
	n = strlen(s);
	while (i < n) {
		ucs4_t c;
		int k = u8_mbtoucr(&c, p + i, n - i);

		if (k < 0) {
			if (offset)
				*offset = i;
			return NAMES_BAD_UTF8;
		}
		if (is_control(c)) {
			if (offset)
				*offset = i;
			if (cp)
				*cp = (unsigned)c;
			return NAMES_CONTROL;
		}
		i += (size_t)k;
	}
	return NAMES_OK;
}

bool names_valid(const char *s)
{
	return names_check(s, NULL, NULL) == NAMES_OK;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ASCII only: isspace() would depend on the locale. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool names_color_parse(const char *in, char out[7])
{
	static const char digits[] = "0123456789abcdef";
	const char *b, *e;
	int v[6];
	size_t n, i;

	if (!in)
		return false;
	b = in;
	e = in + strlen(in);
	while (b < e && is_space(*b))
		b++;
	while (e > b && is_space(e[-1]))
		e--;
	if (b < e && *b == '#')
		b++;
	n = (size_t)(e - b);
	if (n != 3 && n != 6)
		return false;
	for (i = 0; i < n; i++) {
		v[i] = hexval(b[i]);
		if (v[i] < 0)
			return false;
	}
	for (i = 0; i < 6; i++)
		out[i] = digits[n == 3 ? v[i / 2] : v[i]];
	out[6] = '\0';
	return true;
}

bool names_desc_equal(const char *a, const char *b)
{
	if (!a)
		a = "";
	if (!b)
		b = "";
	return strcmp(a, b) == 0;
}
