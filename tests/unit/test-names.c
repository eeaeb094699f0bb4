/* SPDX-License-Identifier: MIT */
/* Label names and colours (core/names.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "epithet/forge.h"
#include "gemoji.h"
#include "names.h"

/* The key of @a and of @b are the same string. */
static void assert_same_key(const char *a, const char *b)
{
	char *ka = names_key(a), *kb = names_key(b);

	assert_non_null(ka);
	assert_non_null(kb);
	assert_string_equal(ka, kb);
	assert_true(names_equal(a, b));
	free(ka);
	free(kb);
}

static void assert_key(const char *name, const char *want)
{
	char *k = names_key(name);

	assert_non_null(k);
	assert_string_equal(k, want);
	free(k);
}

static void test_key_case(void **state)
{
	(void)state;
	assert_key("Bug", "bug");
	assert_same_key("Bug", "bug");
	assert_same_key("Bug", "BUG");
	assert_same_key("Good First Issue", "good first issue");
	assert_false(names_equal("bug", "bugs"));
	assert_false(names_equal("bug", "bug "));
}

static void test_key_normalisation(void **state)
{
	(void)state;
	/* U+00E9 against e + U+0301 COMBINING ACUTE ACCENT. */
	assert_same_key("caf\xc3\xa9", "cafe\xcc\x81");
	/* And the capital, decomposed: E + U+0301. */
	assert_same_key("caf\xc3\xa9", "CAFE\xcc\x81");
	/* The key is NFC: the composed form. */
	assert_key("cafe\xcc\x81", "caf\xc3\xa9");
	/* Accents are not stripped: é and e are two labels. */
	assert_false(names_equal("caf\xc3\xa9", "cafe"));
	/* Hangul: a syllable and its jamo are canonically equivalent. */
	assert_same_key("\xea\xb0\x80", "\xe1\x84\x80\xe1\x85\xa1");
}

static void test_key_full_folding(void **state)
{
	(void)state;
	/* Full case folding: ß folds to "ss", so Straße and STRASSE are one. */
	assert_key("\xc3\x9f", "ss");
	assert_same_key("Stra\xc3\x9f" "e", "STRASSE");
	assert_same_key("Stra\xc3\x9f" "e", "strasse");
	/* Greek final sigma folds like sigma. */
	assert_same_key("\xce\xa3", "\xcf\x82");
	/* Emoji have no case; they are kept. */
	assert_key("\xf0\x9f\x90\x9b Bug", "\xf0\x9f\x90\x9b bug");
}

static void test_key_invalid(void **state)
{
	(void)state;
	assert_null(names_key("\xff"));
	assert_null(names_key("caf\xe9"));          /* Latin-1, not UTF-8 */
	assert_null(names_key("\xed\xa0\x80"));     /* a surrogate */
	assert_null(names_key("\xc0\xaf"));         /* overlong '/' */
	assert_null(names_key(NULL));
	/* Without a key, names compare byte for byte. */
	assert_true(names_equal("\xff", "\xff"));
	assert_false(names_equal("\xff", "\xfe"));
	assert_false(names_equal("\xff" "A", "\xff" "a"));
	assert_false(names_equal("bug", NULL));
	assert_true(names_equal(NULL, NULL));
	assert_key("", "");
}

static void test_codepoints(void **state)
{
	char emoji[51 * 4 + 1] = "";

	(void)state;
	assert_int_equal(names_codepoints(""), 0);
	assert_int_equal(names_codepoints("bug"), 3);
	assert_int_equal(names_codepoints("caf\xc3\xa9"), 4);
	assert_int_equal(names_codepoints("cafe\xcc\x81"), 5);
	for (int i = 0; i < 51; i++)
		strcat(emoji, "\xf0\x9f\x90\x9b");
	assert_int_equal(strlen(emoji), 204);
	assert_int_equal(names_codepoints(emoji), 51);
	assert_true(names_codepoints("\xff") == (size_t)-1);
	assert_true(names_codepoints(NULL) == (size_t)-1);
}

static void test_valid(void **state)
{
	size_t off = 99;
	unsigned cp = 0;

	(void)state;
	assert_true(names_valid("bug"));
	assert_true(names_valid(""));
	assert_true(names_valid("\xf0\x9f\x90\x9b bug"));
	assert_true(names_valid("priority: high / \xc3\xa9t\xc3\xa9"));
	assert_false(names_valid(NULL));
	assert_false(names_valid("a\tb"));
	assert_false(names_valid("a\nb"));
	assert_false(names_valid("bell\a"));
	assert_false(names_valid("del\x7f"));
	assert_false(names_valid("nel\xc2\x85"));   /* U+0085, a C1 control */
	assert_true(names_valid("nbsp\xc2\xa0"));   /* U+00A0 is not a control */
	assert_false(names_valid("\xff"));

	assert_int_equal(names_check("bug", &off, &cp), NAMES_OK);
	assert_int_equal(names_check("ab\xc2\x85", &off, &cp), NAMES_CONTROL);
	assert_int_equal(off, 2);
	assert_int_equal(cp, 0x85);
	assert_int_equal(names_check("abc\xff", &off, NULL), NAMES_BAD_UTF8);
	assert_int_equal(off, 3);
	assert_int_equal(names_check(NULL, NULL, NULL), NAMES_BAD_UTF8);
}

static void assert_color(const char *in, const char *want)
{
	char out[7];

	memset(out, 'X', sizeof(out));
	assert_true(names_color_parse(in, out));
	assert_string_equal(out, want);
}

static void assert_bad_color(const char *in)
{
	char out[7] = "keep!";

	assert_false(names_color_parse(in, out));
	/* Nothing is written on failure. */
	assert_string_equal(out, "keep!");
}

static void test_color(void **state)
{
	(void)state;
	assert_color("#FFF", "ffffff");
	assert_color("fff", "ffffff");
	assert_color(" D73A4A ", "d73a4a");
	assert_color("\t#d73a4a\n", "d73a4a");
	assert_color("f0a", "ff00aa");
	assert_color("#B60205", "b60205");
	assert_color("000000", "000000");
	assert_color("123", "112233");

	assert_bad_color("12345");
	assert_bad_color("ggg");
	assert_bad_color("#1234567");
	assert_bad_color("");
	assert_bad_color("   ");
	assert_bad_color("#");
	assert_bad_color("##fff");
	assert_bad_color("# fff");
	assert_bad_color("fff fff");
	assert_bad_color("0x123");
	assert_bad_color("1234");
	assert_bad_color(NULL);
}

static void test_desc_equal(void **state)
{
	(void)state;
	assert_true(names_desc_equal(NULL, NULL));
	assert_true(names_desc_equal(NULL, ""));
	assert_true(names_desc_equal("", NULL));
	assert_true(names_desc_equal("Good for newcomers", "Good for newcomers"));
	assert_false(names_desc_equal("a", "b"));
	assert_false(names_desc_equal(NULL, "a"));
	/* Descriptions are text as written: case matters. */
	assert_false(names_desc_equal("Bug", "bug"));
}

/* The keys of @a and @b in @mode: equal or not, as @same says. */
static void assert_mode_keys(const char *a, const char *b, unsigned mode, bool same)
{
	char *ka = names_key_mode(a, mode), *kb = names_key_mode(b, mode);

	assert_non_null(ka);
	assert_non_null(kb);
	if (same)
		assert_string_equal(ka, kb);
	else
		assert_string_not_equal(ka, kb);
	free(ka);
	free(kb);
}

static void test_emoji_shortcodes_match(void **state)
{
	(void)state;
	/* U+1F41B BUG */
	assert_mode_keys(":bug: crash", "\xF0\x9F\x90\x9B crash", NAMES_EMOJI, true);
	assert_mode_keys(":BUG: Crash", "\xF0\x9F\x90\x9B crash", NAMES_EMOJI, true);
	/* aliases of one emoji: :+1: and :thumbsup: are both U+1F44D */
	assert_mode_keys(":+1: approved", ":thumbsup: approved", NAMES_EMOJI, true);
	/* U+2764 with and without U+FE0F, and :heart: */
	assert_mode_keys(":heart:", "\xE2\x9D\xA4", NAMES_EMOJI, true);
	assert_mode_keys(":heart:", "\xE2\x9D\xA4\xEF\xB8\x8F", NAMES_EMOJI, true);
	/* two in a row, and one inside text */
	assert_mode_keys(":bug::fire:", "\xF0\x9F\x90\x9B\xF0\x9F\x94\xA5", NAMES_EMOJI, true);
	assert_mode_keys("a:bug:b", "a\xF0\x9F\x90\x9B" "b", NAMES_EMOJI, true);
	/* a stray colon before a code */
	assert_mode_keys("::bug:", ":\xF0\x9F\x90\x9B", NAMES_EMOJI, true);
	/* the plain key of a name without shortcodes is kept */
	assert_mode_keys("area/ui", "Area/UI", NAMES_EMOJI, true);
}

static void test_emoji_not_matched(void **state)
{
	(void)state;
	/* plain mode (forges that show names as written) keeps emoji exact */
	assert_mode_keys(":bug: crash", "\xF0\x9F\x90\x9B crash", NAMES_PLAIN, false);
	assert_false(names_equal(":bug: crash", "\xF0\x9F\x90\x9B crash"));
	/* unknown codes and unclosed colons stay text */
	assert_mode_keys(":nosuchcode: x", "x", NAMES_EMOJI, false);
	assert_mode_keys("time: 10:30", "time: 10:30", NAMES_EMOJI, true);
	assert_mode_keys(":bug crash", "\xF0\x9F\x90\x9B crash", NAMES_EMOJI, false);
	assert_mode_keys(":bug: crash", ":beetle: crash", NAMES_EMOJI, false);
	{
		char *k = names_key_mode("status: 10:30 :nosuch:", NAMES_EMOJI);

		assert_string_equal(k, "status: 10:30 :nosuch:");
		free(k);
	}
	assert_null(names_key_mode("\xff:bug:", NAMES_EMOJI));
}

static void test_emoji_mode_for(void **state)
{
	(void)state;
	assert_int_equal(names_mode_for(EPITHET_CAP_EMOJI_SHORTCODES | EPITHET_CAP_RENAME),
			 NAMES_EMOJI);
	assert_int_equal(names_mode_for(EPITHET_CAP_RENAME), NAMES_PLAIN);
}

/* The generated table: sorted for bsearch, every code found, both ends. */
static void test_emoji_table(void **state)
{
	(void)state;
	assert_true(gemoji_count > 1500);
	for (size_t i = 1; i < gemoji_count; i++)
		assert_true(strcmp(gemoji_table[i - 1].code, gemoji_table[i].code) < 0);
	for (size_t i = 0; i < gemoji_count; i++) {
		const char *c = gemoji_table[i].code;

		assert_ptr_equal(names_shortcode(c, strlen(c)), gemoji_table[i].emoji);
	}
	assert_string_equal(names_shortcode("bug", 3), "\xF0\x9F\x90\x9B");
	/* a prefix of a code is not the code */
	assert_null(names_shortcode("bu", 2));
	assert_null(names_shortcode("bugs", 4));
	assert_null(names_shortcode("", 0));
	assert_string_equal(names_shortcode("bug: x", 3), "\xF0\x9F\x90\x9B");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_case),
		cmocka_unit_test(test_key_normalisation),
		cmocka_unit_test(test_key_full_folding),
		cmocka_unit_test(test_key_invalid),
		cmocka_unit_test(test_codepoints),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_desc_equal),
		cmocka_unit_test(test_emoji_shortcodes_match),
		cmocka_unit_test(test_emoji_not_matched),
		cmocka_unit_test(test_emoji_mode_for),
		cmocka_unit_test(test_emoji_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
