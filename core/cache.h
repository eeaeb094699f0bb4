/* SPDX-License-Identifier: MIT */
/*
 * The conditional-request (ETag) cache behind the host's http() service.
 *
 * A GET answered 200 with an ETag is stored: the ETag, the body and the few
 * response headers a walk through a list needs (Link, X-Total-Count). The
 * next GET of the same URL with the same credentials sends If-None-Match;
 * a 304 (which the big forges do not charge against the rate limit) is then
 * answered from the stored body as a 200.
 *
 * Where: $XDG_CACHE_HOME/epithet/http/ (default ~/.cache/epithet/http/),
 * directories 0700, files 0600; a directory that is not ours or that others
 * may write to is not used. One file per entry, named by the hex SHA-256 of
 * (credential identity, request headers, URL): the credential identity is
 * itself a SHA-256 of the Authorization header, so neither a file's name nor
 * its content holds or reveals a token (no request header is stored, and no
 * URL either).
 *
 * Several runs may share the cache: an entry is written to a temporary file
 * and renamed into place, so a reader sees a whole entry or none; a reader
 * checks each entry's length and SHA-256 and treats anything odd as a miss.
 * The directory is kept under CACHE_MAX_BYTES by deleting the least recently
 * used entries (a hit refreshes an entry's time).
 *
 * Thread-safe. Every failure is a miss or a skipped store (logged at debug):
 * the cache can make a run cheaper, never make it fail.
 */
#ifndef EPITHET_CORE_CACHE_H
#define EPITHET_CORE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_KEY_LEN 32               /* SHA-256 */
#define CACHE_MAX_BYTES ((uint64_t)64 << 20)

struct cache;

/* One entry read back: everything malloc'd, free with cache_entry_finish. */
struct cache_entry {
	char *etag;            /* the validator, as the server sent it */
	char **headers;        /* "Name: value" lines kept with the body */
	size_t n_headers;
	char *body;            /* NUL-terminated */
	size_t body_len;
};

/* The cache under @dir, or under $XDG_CACHE_HOME/epithet (~/.cache/epithet)
 * when @dir is NULL. NULL when it cannot be used (said at debug level). */
struct cache *cache_open(const char *dir);
void cache_close(struct cache *c);   /* accepts NULL */
/* The bound on the entries' bytes (default CACHE_MAX_BYTES); entries over
 * 1/8 of it are not stored, and going over it evicts down to 3/4. */
void cache_set_limit(struct cache *c, uint64_t max_bytes);

/* A digest of who asks: @auth (the Authorization header line, or NULL) and
 * @headers (NULL-terminated header lines sent with every request, or NULL). */
void cache_identity(const char *auth, const char *const *headers,
		    unsigned char out[CACHE_KEY_LEN]);

/* The key of a GET of @url by @identity with the request's own extra
 * @headers (NULL-terminated, or NULL). */
void cache_key(const unsigned char identity[CACHE_KEY_LEN], const char *const *headers,
	       const char *url, unsigned char out[CACHE_KEY_LEN]);

/* 0 with @out filled, or -1 on a miss (or any doubt about the entry). */
int cache_get(struct cache *c, const unsigned char key[CACHE_KEY_LEN], struct cache_entry *out);
void cache_entry_finish(struct cache_entry *e);   /* accepts a zeroed entry */

/* Store an entry (best effort). @headers: "Name: value" lines, @n_headers. */
void cache_put(struct cache *c, const unsigned char key[CACHE_KEY_LEN], const char *etag,
	       const char *const *headers, size_t n_headers, const char *body, size_t body_len);

/* The entry was just used again (it is evicted last). */
void cache_touch(struct cache *c, const unsigned char key[CACHE_KEY_LEN]);

/* Whether a response header is one the cache keeps with a body. */
int cache_keeps_header(const char *name);

/* For other private state next to the cache (the shared write pacing):
 * $XDG_CACHE_HOME, else ~/.cache (malloc'd; NULL when there is no home),
 * and "mkdir @path 0700 unless it exists; then it must be a directory of
 * ours that nobody else may write to" (false, said, when it is not). */
char *cache_base_dir(void);
bool cache_private_dir(const char *path);

#endif
