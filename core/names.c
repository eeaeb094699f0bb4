/* SPDX-License-Identifier: MIT */
/*
 * Label names and colours. Matching goes through libunistring: the Unicode
 * tables (normalisation, full case folding) are its job, never ours, so a
 * new Unicode version is a library update away. Emoji shortcodes come from
 * the generated gemoji table (third_party/gemoji), never typed here.
 */
#include "names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include "epithet/forge.h"
#include "gemoji.h"
#include "util.h"

/* NFC(casefold(@name)) of @n bytes, NUL-terminated; NULL if not UTF-8. */
static char *fold(const char *name, size_t n)
{
	const uint8_t *s = (const uint8_t *)name;
	uint8_t *folded = NULL;
	char *key = NULL;
	size_t len = 0;

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

char *names_key(const char *name)
{
	return name ? fold(name, strlen(name)) : NULL;
}

struct code_key {
	const char *s;
	size_t n;
};

static int cmp_code(const void *k, const void *e)
{
	const struct code_key *c = k;
	const char *code = ((const struct gemoji *)e)->code;
	int r = strncmp(c->s, code, c->n);

	return r ? r : (code[c->n] ? -1 : 0);
}

const char *names_shortcode(const char *code, size_t n)
{
	struct code_key k = {code, n};
	const struct gemoji *e;

	if (!code || !n)
		return NULL;
	e = bsearch(&k, gemoji_table, gemoji_count, sizeof(*gemoji_table), cmp_code);
	return e ? e->emoji : NULL;
}

static bool is_code_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
	       c == '-';
}

/* U+FE0F VARIATION SELECTOR-16 ("show as emoji"), in UTF-8. */
#define VS16 "\xEF\xB8\x8F"

/* Append @n bytes of @s without their U+FE0F selectors; true when one went. */
static bool add_without_vs16(struct strbuf *b, const char *s, size_t n)
{
	size_t run = 0;
	bool dropped = false;

	for (size_t i = 0; i < n;) {
		if (n - i >= 3 && memcmp(s + i, VS16, 3) == 0) {
			sb_addf(b, "%.*s", (int)(i - run), s + run);
			i += 3;
			run = i;
			dropped = true;
			continue;
		}
		i++;
	}
	sb_addf(b, "%.*s", (int)(n - run), s + run);
	return dropped;
}

/*
 * The emoji form of a folded key: every ":code:" the table knows becomes
 * its emoji, and U+FE0F goes (":heart:", "\u2764" and "\u2764\uFE0F" are one
 * heart). Shortcodes are looked up folded, so ":BUG:" is ":bug:", as the
 * plain key already says of the two spellings. Frees @key.
 */
static char *emoji_fold(char *key)
{
	struct strbuf b = {0};
	size_t n = strlen(key), run = 0;
	bool changed = false;
	char *again;

	for (size_t i = 0; i < n; i++) {
		size_t j = i + 1;
		const char *e;

		if (key[i] != ':')
			continue;
		while (j < n && is_code_char(key[j]))
			j++;
		if (j == n || key[j] != ':' || !(e = names_shortcode(key + i + 1, j - i - 1)))
			continue;
		changed |= add_without_vs16(&b, key + run, i - run);
		add_without_vs16(&b, e, strlen(e));
		changed = true;
		run = j + 1;
		i = j;
	}
	changed |= add_without_vs16(&b, key + run, n - run);
	if (!changed) {
		sb_finish(&b);
		return key;
	}
	/* Dropping a selector may bring a base and a combining mark together. */
	again = fold(b.s ? b.s : "", b.len);
	sb_finish(&b);
	free(key);
	return again;
}

char *names_key_mode(const char *name, unsigned mode)
{
	char *key = names_key(name);

	if (key && (mode & NAMES_EMOJI))
		key = emoji_fold(key);
	return key;
}

unsigned names_mode_for(uint64_t caps)
{
	return (caps & EPITHET_CAP_EMOJI_SHORTCODES) ? NAMES_EMOJI : NAMES_PLAIN;
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
