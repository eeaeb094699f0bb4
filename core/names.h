/* SPDX-License-Identifier: MIT */
/*
 * Label names and colours: the one place where they are normalised.
 * Pure functions, no I/O.
 */
#ifndef EPITHET_CORE_NAMES_H
#define EPITHET_CORE_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The key two names are compared by: NFC-normalised, then case folded
 * (full Unicode case folding, libunistring). "Bug", "bug" and "BUG" have one
 * key; "é" composed and "e"+U+0301 have one key. Returns a malloc'd string,
 * or NULL for invalid UTF-8 or out of memory.
 */
char *names_key(const char *name);

/* How a forge's names are matched (names_mode_for its capabilities). */
enum names_mode {
	NAMES_PLAIN = 0,        /* NFC + case folding: names_key */
	NAMES_EMOJI = 1u << 0,  /* also ":code:" = its emoji, U+FE0F ignored */
};

/*
 * names_key in @mode. With NAMES_EMOJI, each ":shortcode:" of the gemoji
 * table becomes the emoji it stands for and U+FE0F selectors go, so
 * ":bug: crash", ":BUG: crash" and "\U0001F41B crash" have one key. Names
 * that spell no emoji keep their plain key. Same ownership as names_key.
 */
char *names_key_mode(const char *name, unsigned mode);

/* NAMES_EMOJI where @caps has EPITHET_CAP_EMOJI_SHORTCODES, else NAMES_PLAIN. */
unsigned names_mode_for(uint64_t caps);

/* The emoji (UTF-8, static) the shortcode @code of @n bytes, without its
 * colons, stands for; NULL when the table has no such code. */
const char *names_shortcode(const char *code, size_t n);

/* True when the two names are one label (same key). Invalid UTF-8 compares
 * byte for byte. */
bool names_equal(const char *a, const char *b);

/* Number of Unicode code points in valid UTF-8 @s; (size_t)-1 if invalid. */
size_t names_codepoints(const char *s);

/* True when @s is valid UTF-8 with no control characters (C0, DEL, C1). */
bool names_valid(const char *s);

/* What names_check found wrong with a name (or any text meant for a forge). */
enum names_problem {
	NAMES_OK = 0,
	NAMES_BAD_UTF8,      /* not valid UTF-8 (or NULL) */
	NAMES_CONTROL,       /* a control character: C0, DEL or C1 */
};

/*
 * names_valid with the reason, for messages: on a problem, *@offset (when
 * non-NULL) gets the byte offset of the first bad sequence, and for
 * NAMES_CONTROL *@cp (when non-NULL) gets the code point.
 */
enum names_problem names_check(const char *s, size_t *offset, unsigned *cp);

/*
 * Parse a colour as users write it: 3 or 6 hex digits, optional leading '#',
 * any case, surrounding spaces ignored. Writes "rrggbb" lowercase (3 digits
 * are doubled: "f0a" -> "ff00aa") into out[7]. Returns false when invalid.
 */
bool names_color_parse(const char *in, char out[7]);

/* True when @a and @b are the same description: NULL and "" are equal. */
bool names_desc_equal(const char *a, const char *b);

#endif
