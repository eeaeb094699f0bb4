/* SPDX-License-Identifier: MIT */
/*
 * The conditional-request cache (core/cache.c): entries round-trip; keys
 * depend on credentials, headers and URL and never reveal a token; damaged,
 * foreign or unsafe entries are misses; private modes; the size bound
 * evicts the least recently used; a crash's temp files go; concurrent
 * writers and readers never see half an entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"

struct fixture {
	char dir[256];
	char http[300];
	struct cache *c;
};

static int rm_rf_cb(const char *path)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/epithet-test-cache-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		return -1;
	}
	snprintf(f->http, sizeof(f->http), "%s/epithet/http", f->dir);
	f->c = cache_open(f->dir);
	if (f->c == NULL) {
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cache_close(f->c);
	(void)rm_rf_cb(f->dir);
	free(f);
	return 0;
}

static void key_of(const char *auth, const char *url, unsigned char key[CACHE_KEY_LEN])
{
	static const char *const ep[] = {"Accept: application/vnd.github+json", NULL};
	unsigned char id[CACHE_KEY_LEN];

	cache_identity(auth, ep, id);
	cache_key(id, NULL, url, key);
}

static void entry_path(struct fixture *f, const unsigned char key[CACHE_KEY_LEN], char *out,
		       size_t n)
{
	int len = snprintf(out, n, "%s/", f->http);

	for (size_t i = 0; i < CACHE_KEY_LEN; i++) {
		len += snprintf(out + len, n - (size_t)len, "%02x", key[i]);
	}
}

static size_t count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	/* prefix NULL: the entries (names not starting with '.') */
	while ((de = readdir(d)) != NULL) {
		if (prefix ? strncmp(de->d_name, prefix, strlen(prefix)) == 0 : de->d_name[0] != '.') {
			n++;
		}
	}
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void spew(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

/* ---- tests --------------------------------------------------------------- */

static void test_round_trip_and_modes(void **state)
{
	struct fixture *f = *state;
	static const char *const hdrs[] = {"Link: <https://x/?page=2>; rel=\"next\"",
					   "X-Total-Count: 31"};
	static const char body[] = "[{\"name\":\"bug\"}]\0binary";
	unsigned char key[CACHE_KEY_LEN];
	struct cache_entry e;
	struct stat st;
	char path[512];

	key_of("Authorization: Bearer s3cr3t-token", "https://api.github.com/repos/o/r/labels", key);
	assert_int_equal(cache_get(f->c, key, &e), -1);
	cache_put(f->c, key, "W/\"abc\"", hdrs, 2, body, sizeof(body));
	assert_int_equal(cache_get(f->c, key, &e), 0);
	assert_string_equal(e.etag, "W/\"abc\"");
	assert_int_equal(e.n_headers, 2);
	assert_string_equal(e.headers[0], hdrs[0]);
	assert_string_equal(e.headers[1], hdrs[1]);
	assert_int_equal(e.body_len, sizeof(body));
	assert_memory_equal(e.body, body, sizeof(body));
	assert_int_equal(e.body[e.body_len], '\0');
	cache_entry_finish(&e);
	/* replaced in place */
	cache_put(f->c, key, "\"v2\"", NULL, 0, "[]", 2);
	assert_int_equal(cache_get(f->c, key, &e), 0);
	assert_string_equal(e.etag, "\"v2\"");
	assert_int_equal(e.n_headers, 0);
	assert_string_equal(e.body, "[]");
	cache_entry_finish(&e);
	/* private: directories 0700, files 0600 */
	assert_int_equal(stat(f->http, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/epithet", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	entry_path(f, key, path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(count_files(f->http, NULL), 1);
	assert_int_equal(count_files(f->http, ".tmp."), 0);
}

static void test_keys(void **state)
{
	static const char *const ep1[] = {"Accept: application/vnd.github+json", NULL};
	static const char *const ep2[] = {"Accept: application/json", NULL};
	static const char *const extra[] = {"X-Extra: 1", NULL};
	unsigned char a[CACHE_KEY_LEN], b[CACHE_KEY_LEN], id1[CACHE_KEY_LEN], id2[CACHE_KEY_LEN];

	(void)state;
	key_of("Authorization: Bearer one", "https://h/x", a);
	key_of("Authorization: Bearer one", "https://h/x", b);
	assert_memory_equal(a, b, CACHE_KEY_LEN);
	/* another token, no token, another URL: other entries */
	key_of("Authorization: Bearer two", "https://h/x", b);
	assert_memory_not_equal(a, b, CACHE_KEY_LEN);
	key_of(NULL, "https://h/x", b);
	assert_memory_not_equal(a, b, CACHE_KEY_LEN);
	key_of("Authorization: Bearer one", "https://h/x?page=2", b);
	assert_memory_not_equal(a, b, CACHE_KEY_LEN);
	/* other default or extra headers (an answer may depend on Accept) */
	cache_identity("Authorization: Bearer one", ep1, id1);
	cache_identity("Authorization: Bearer one", ep2, id2);
	assert_memory_not_equal(id1, id2, CACHE_KEY_LEN);
	cache_key(id1, NULL, "https://h/x", a);
	cache_key(id1, extra, "https://h/x", b);
	assert_memory_not_equal(a, b, CACHE_KEY_LEN);
}

static void test_no_token_on_disk(void **state)
{
	struct fixture *f = *state;
	static const char secret[] = "ghp_NeverOnDisk0123456789";
	unsigned char key[CACHE_KEY_LEN];
	char path[512], auth[128];
	size_t len;
	char *text;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", secret);
	key_of(auth, "https://api.github.com/orgs/acme/repos?per_page=100", key);
	cache_put(f->c, key, "\"e\"", NULL, 0, "[1,2,3]", 7);
	entry_path(f, key, path, sizeof(path));
	text = slurp(path, &len);
	assert_null(memmem(text, len, secret, strlen(secret)));
	assert_null(memmem(text, len, "acme", 4)); /* nor the URL */
	assert_null(strstr(path, secret));
	free(text);
}

static void test_damaged_entries_are_misses(void **state)
{
	struct fixture *f = *state;
	unsigned char key[CACHE_KEY_LEN];
	struct cache_entry e;
	char path[512], link[600];
	char *good, *bad;
	size_t len;

	key_of("Authorization: Bearer t", "https://h/labels", key);
	cache_put(f->c, key, "\"e\"", NULL, 0, "[\"abcdef\"]", 10);
	entry_path(f, key, path, sizeof(path));
	good = slurp(path, &len);
	bad = malloc(len + 16);
	assert_non_null(bad);

	/* cut short (a crash before rename cannot do it, a full disk might) */
	spew(path, good, len - 3);
	assert_int_equal(cache_get(f->c, key, &e), -1);
	/* a byte of the body changed */
	memcpy(bad, good, len);
	bad[len - 2] ^= 1;
	spew(path, bad, len);
	assert_int_equal(cache_get(f->c, key, &e), -1);
	/* something after the body */
	memcpy(bad, good, len);
	memcpy(bad + len, "xx", 2);
	spew(path, bad, len + 2);
	assert_int_equal(cache_get(f->c, key, &e), -1);
	/* another format */
	spew(path, "HTTP/1.1 200 OK\n\n[]", 19);
	assert_int_equal(cache_get(f->c, key, &e), -1);
	/* an unknown line, or a CR smuggled into the validator */
	{
		const char *hdr_end = strstr(good, "\n\n");
		size_t head = (size_t)(hdr_end - good) + 1;

		memcpy(bad, good, head);
		memcpy(bad + head, "other x\n", 8);
		memcpy(bad + head + 8, good + head, len - head);
		spew(path, bad, len + 8);
		assert_int_equal(cache_get(f->c, key, &e), -1);
	}
	{
		char *cr = strstr(good, "\"e\"");

		memcpy(bad, good, len);
		bad[cr - good + 1] = '\r';
		spew(path, bad, len);
		assert_int_equal(cache_get(f->c, key, &e), -1);
	}
	/* the good one back: a hit again */
	spew(path, good, len);
	assert_int_equal(cache_get(f->c, key, &e), 0);
	cache_entry_finish(&e);
	/* a symlink in its place is never followed */
	snprintf(link, sizeof(link), "%s.real", path);
	spew(link, good, len);
	unlink(path);
	assert_int_equal(symlink(link, path), 0);
	assert_int_equal(cache_get(f->c, key, &e), -1);
	unlink(path);
	unlink(link);
	/* a value with a line break is never stored */
	cache_put(f->c, key, "\"a\nb\"", NULL, 0, "[]", 2);
	assert_int_equal(cache_get(f->c, key, &e), -1);
	free(good);
	free(bad);
}

static void test_unsafe_directory_refused(void **state)
{
	struct fixture *f = *state;
	char dir[300];
	struct cache *c;

	snprintf(dir, sizeof(dir), "%s/shared", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/shared/epithet", f->dir);
	assert_int_equal(mkdir(dir, 0777), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	snprintf(dir, sizeof(dir), "%s/shared", f->dir);
	c = cache_open(dir);
	assert_null(c);
	/* and $XDG_CACHE_HOME is where it goes by default */
	setenv("XDG_CACHE_HOME", f->dir, 1);
	c = cache_open(NULL);
	assert_non_null(c);
	cache_close(c);
	/* a relative XDG_CACHE_HOME is ignored (XDG spec): ~/.cache then */
	setenv("XDG_CACHE_HOME", "relative", 1);
	setenv("HOME", f->dir, 1);
	c = cache_open(NULL);
	assert_non_null(c);
	cache_close(c);
	snprintf(dir, sizeof(dir), "%s/.cache/epithet/http", f->dir);
	assert_int_equal(access(dir, F_OK), 0);
	unsetenv("XDG_CACHE_HOME");
}

static void test_bound_evicts_least_recently_used(void **state)
{
	struct fixture *f = *state;
	unsigned char key[8][CACHE_KEY_LEN];
	struct cache_entry e;
	struct timespec old[2];
	char body[1200], url[64], path[512];

	memset(body, 'x', sizeof(body));
	cache_set_limit(f->c, 8000);   /* entries of ~1,100 bytes: 7 fit */
	for (int i = 0; i < 8; i++) {
		snprintf(url, sizeof(url), "https://h/%d", i);
		key_of(NULL, url, key[i]);
		cache_put(f->c, key[i], "\"e\"", NULL, 0, body, 1000);
		/* each older than the next: mtimes i seconds in the past */
		entry_path(f, key[i], path, sizeof(path));
		old[0].tv_sec = old[1].tv_sec = time(NULL) - 100 + i;
		old[0].tv_nsec = old[1].tv_nsec = 0;
		if (i < 7) {
			assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
		}
		if (i == 5) {
			/* entry 0 is used again: now the most recent */
			cache_touch(f->c, key[0]);
		}
	}
	/* the 8th went over 8,000: down to 6,000, oldest first (1, 2, 3...) */
	assert_int_equal(cache_get(f->c, key[0], &e), 0);
	cache_entry_finish(&e);
	assert_int_equal(cache_get(f->c, key[1], &e), -1);
	assert_int_equal(cache_get(f->c, key[2], &e), -1);
	assert_int_equal(cache_get(f->c, key[7], &e), 0);
	cache_entry_finish(&e);
	assert_true(count_files(f->http, NULL) <= 5);
	/* an entry over 1/8 of the bound is not stored */
	key_of(NULL, "https://h/big", key[1]);
	cache_put(f->c, key[1], "\"e\"", NULL, 0, body, sizeof(body));
	assert_int_equal(cache_get(f->c, key[1], &e), -1);
}

static void test_stale_temp_files_removed(void **state)
{
	struct fixture *f = *state;
	unsigned char key[CACHE_KEY_LEN];
	struct timespec old[2] = {{0, 0}, {0, 0}};
	char path[512];

	snprintf(path, sizeof(path), "%s/.tmp.1.1.deadbeef", f->http);
	spew(path, "half", 4);
	old[0].tv_sec = old[1].tv_sec = time(NULL) - 7200;
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	snprintf(path, sizeof(path), "%s/.tmp.2.1.deadbeef", f->http);
	spew(path, "in progress", 11);   /* a live writer's: left alone */
	key_of(NULL, "https://h/x", key);
	cache_put(f->c, key, "\"e\"", NULL, 0, "[]", 2); /* the first put walks the directory */
	assert_int_equal(count_files(f->http, ".tmp."), 1);
}

struct race {
	struct fixture *f;
	int id;
	int hits, misses, wrong;
};

static void *racer(void *arg)
{
	struct race *r = arg;
	unsigned char key[CACHE_KEY_LEN];
	struct cache_entry e;
	char body[2000];

	key_of(NULL, "https://h/shared", key);
	for (int i = 0; i < 300; i++) {
		memset(body, 'a' + (i + r->id) % 26, sizeof(body));
		cache_put(r->f->c, key, "\"e\"", NULL, 0, body, (size_t)(1000 + i % 900));
		if (cache_get(r->f->c, key, &e) == 0) {
			/* whole: one letter all through, of a length some writer wrote */
			bool same = e.body_len >= 1000 && e.body_len < 1900;

			for (size_t k = 1; same && k < e.body_len; k++) {
				same = e.body[k] == e.body[0];
			}
			r->hits++;
			r->wrong += !same;
			cache_entry_finish(&e);
		} else {
			r->misses++;
		}
	}
	return NULL;
}

static void test_concurrent_writers_and_readers(void **state)
{
	struct fixture *f = *state;
	struct race r[4];
	pthread_t th[4];

	for (int i = 0; i < 4; i++) {
		r[i] = (struct race){.f = f, .id = i};
		assert_int_equal(pthread_create(&th[i], NULL, racer, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].wrong, 0);
		assert_int_equal(r[i].misses, 0); /* rename is atomic: always some whole entry */
	}
	assert_int_equal(count_files(f->http, ".tmp."), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_and_modes, setup, teardown),
		cmocka_unit_test(test_keys),
		cmocka_unit_test_setup_teardown(test_no_token_on_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_entries_are_misses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_directory_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound_evicts_least_recently_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_temp_files_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_writers_and_readers, setup, teardown),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
