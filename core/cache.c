/* SPDX-License-Identifier: MIT */
/*
 * The conditional-request cache: see cache.h.
 *
 * Entry file format (one file per entry, at most ENTRY_MAX bytes):
 *
 *   epithet-http-cache 1\n
 *   etag <validator>\n
 *   header <Name: value>\n        (zero or more)
 *   length <body bytes>\n
 *   sha256 <hex of the body>\n
 *   \n
 *   <body>
 *
 * Values never hold a line break (entries whose values would are not
 * stored). A reader accepts an entry only when every line is as above, the
 * file holds exactly the body's length after the blank line and the body's
 * SHA-256 matches: a file cut short, concatenated or written by something
 * else is a miss, never a wrong answer.
 *
 * Hashing is OpenSSL's SHA-256 (libcrypto, already loaded by libcurl's
 * TLS): a cryptographic hash is what keeps the token out of file names.
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "log.h"

#define MAGIC "epithet-http-cache 1\n"
#define ENTRY_MAX ((size_t)32 << 20)      /* the host's largest body, and some */
#define TEMP_PREFIX ".tmp."
#define TEMP_STALE_S 3600                  /* a temp file this old was left by a crash */
#define NAME_LEN (CACHE_KEY_LEN * 2)

struct cache {
	int dirfd;                /* the http/ directory */
	uint64_t max;             /* bound on the entries' bytes */
	uint64_t put_max;         /* largest entry stored: one never crowds out the rest */
	uint64_t evict_to;        /* eviction goes down to this, so that it is rare */
	pthread_mutex_t lock;     /* guards the members below */
	bool scanned;             /* total is known */
	uint64_t total;           /* bytes of the entries, as far as this process knows */
	unsigned long serial;     /* temp file names */
};

/* ---- hashing ------------------------------------------------------------ */

struct sha {
	EVP_MD_CTX *ctx;
	bool ok;
};

static void sha_init(struct sha *s)
{
	s->ctx = EVP_MD_CTX_new();
	s->ok = s->ctx && EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) == 1;
}

static void sha_add(struct sha *s, const void *p, size_t n)
{
	if (s->ok && n)
		s->ok = EVP_DigestUpdate(s->ctx, p, n) == 1;
}

static void sha_adds(struct sha *s, const char *str)
{
	sha_add(s, str, strlen(str));
	sha_add(s, "\n", 1);
}

/* The digest into @out; all zero when hashing failed (then nothing matches
 * a stored entry's digest, and keys collapse to one value that is never
 * used: see cache_usable_key). */
static void sha_end(struct sha *s, unsigned char out[CACHE_KEY_LEN])
{
	unsigned int n = 0;

	if (!s->ok || EVP_DigestFinal_ex(s->ctx, out, &n) != 1 || n != CACHE_KEY_LEN)
		memset(out, 0, CACHE_KEY_LEN);
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool usable_key(const unsigned char key[CACHE_KEY_LEN])
{
	for (size_t i = 0; i < CACHE_KEY_LEN; i++)
		if (key[i])
			return true;
	return false;
}

void cache_identity(const char *auth, const char *const *headers,
		    unsigned char out[CACHE_KEY_LEN])
{
	struct sha s;

	sha_init(&s);
	sha_adds(&s, "epithet-cache-identity 1");
	sha_adds(&s, auth ? auth : "");
	for (; headers && *headers; headers++)
		sha_adds(&s, *headers);
	sha_end(&s, out);
}

void cache_key(const unsigned char identity[CACHE_KEY_LEN], const char *const *headers,
	       const char *url, unsigned char out[CACHE_KEY_LEN])
{
	struct sha s;

	sha_init(&s);
	sha_adds(&s, "epithet-cache-key 1");
	sha_add(&s, identity, CACHE_KEY_LEN);
	for (; headers && *headers; headers++)
		sha_adds(&s, *headers);
	sha_adds(&s, "GET");
	sha_adds(&s, url ? url : "");
	sha_end(&s, out);
}

int cache_keeps_header(const char *name)
{
	return strcasecmp(name, "link") == 0 || strcasecmp(name, "x-total-count") == 0;
}

/* ---- the directory ------------------------------------------------------ */

/* mkdir @path 0700 unless it exists; then it must be a directory of ours
 * that nobody else may write to (anyone who can plant an entry could feed
 * the run a forged answer). */
bool cache_private_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		log_debug("cache: cannot create %s: %s", path, strerror(errno));
		return false;
	}
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_debug("cache: %s is not a directory", path);
		return false;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		log_warn("not using %s: it belongs to someone else or others may write to it", path);
		return false;
	}
	return true;
}

char *cache_base_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct passwd pwd, *res = NULL;
	char buf[4096];
	char *out = NULL;

	/* the XDG spec: a relative value is invalid and ignored */
	if (xdg && xdg[0] == '/')
		return asprintf(&out, "%s", xdg) < 0 ? NULL : out;
	if ((!home || !*home) && getpwuid_r(getuid(), &pwd, buf, sizeof(buf), &res) == 0 && res)
		home = res->pw_dir;
	if (!home || !*home)
		return NULL;
	return asprintf(&out, "%s/.cache", home) < 0 ? NULL : out;
}

struct cache *cache_open(const char *dir)
{
	struct cache *c = NULL;
	char *base = NULL, *root = NULL, *http = NULL;
	int fd = -1;

	base = dir ? strdup(dir) : cache_base_dir();
	if (!base)
		goto out;
	if (asprintf(&root, "%s/epithet", base) < 0 || asprintf(&http, "%s/epithet/http", base) < 0) {
		root = http = NULL;
		goto out;
	}
	/* the base itself (~/.cache) is the user's; created 0700 if missing */
	if ((mkdir(base, 0700) != 0 && errno != EEXIST) || !cache_private_dir(root) ||
	    !cache_private_dir(http))
		goto out;
	fd = open(http, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_debug("cache: cannot open %s: %s", http, strerror(errno));
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		goto out;
	}
	c->dirfd = fd;
	cache_set_limit(c, CACHE_MAX_BYTES);
	pthread_mutex_init(&c->lock, NULL);
	log_debug("cache: %s", http);
out:
	free(base);
	free(root);
	free(http);
	return c;
}

void cache_set_limit(struct cache *c, uint64_t max_bytes)
{
	c->max = max_bytes;
	c->put_max = max_bytes / 8;
	c->evict_to = max_bytes / 4 * 3;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	close(c->dirfd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* ---- reading ------------------------------------------------------------ */

void cache_entry_finish(struct cache_entry *e)
{
	if (!e)
		return;
	free(e->etag);
	for (size_t i = 0; i < e->n_headers; i++)
		free(e->headers[i]);
	free(e->headers);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

/* The whole file @name, or NULL. */
static char *slurp(struct cache *c, const char *name, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = openat(c->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_size <= 0 || (uint64_t)st.st_size > ENTRY_MAX)
		goto fail;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto fail;
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

/* The next line of [*p, end) without its '\n'; false when there is none. */
static bool next_line(const char **p, const char *end, const char **line, size_t *n)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (!nl)
		return false;
	*line = *p;
	*n = (size_t)(nl - *p);
	*p = nl + 1;
	return true;
}

static bool line_is(const char *line, size_t n, const char *word, const char **value, size_t *vn)
{
	size_t k = strlen(word);

	if (n <= k + 1 || memcmp(line, word, k) != 0 || line[k] != ' ')
		return false;
	*value = line + k + 1;
	*vn = n - k - 1;
	return true;
}

int cache_get(struct cache *c, const unsigned char key[CACHE_KEY_LEN], struct cache_entry *out)
{
	char name[NAME_LEN + 1], digest_hex[NAME_LEN + 1], lenbuf[24];
	unsigned char digest[CACHE_KEY_LEN];
	const char *p, *end, *line, *v, *want_hex = NULL;
	size_t len = 0, n, vn, body_len = 0;
	bool have_len = false;
	struct sha s;
	char *buf, *stop, **grown;
	unsigned long long ull;

	memset(out, 0, sizeof(*out));
	if (!c || !usable_key(key))
		return -1;
	hex(key, CACHE_KEY_LEN, name);
	buf = slurp(c, name, &len);
	if (!buf)
		return -1;
	p = buf;
	end = buf + len;
	if (len < sizeof(MAGIC) - 1 || memcmp(buf, MAGIC, sizeof(MAGIC) - 1) != 0)
		goto miss;
	p += sizeof(MAGIC) - 1;
	for (;;) {
		if (!next_line(&p, end, &line, &n))
			goto miss;
		if (n == 0)
			break;
		if (memchr(line, '\r', n)) {
			goto miss;
		} else if (line_is(line, n, "etag", &v, &vn) && !out->etag) {
			out->etag = strndup(v, vn);
			if (!out->etag)
				goto miss;
		} else if (line_is(line, n, "header", &v, &vn)) {
			grown = realloc(out->headers, (out->n_headers + 1) * sizeof(*grown));
			if (!grown)
				goto miss;
			out->headers = grown;
			out->headers[out->n_headers] = strndup(v, vn);
			if (!out->headers[out->n_headers])
				goto miss;
			out->n_headers++;
		} else if (line_is(line, n, "length", &v, &vn) && vn < sizeof(lenbuf)) {
			memcpy(lenbuf, v, vn);
			lenbuf[vn] = '\0';
			errno = 0;
			ull = strtoull(lenbuf, &stop, 10);
			if (errno || *stop || stop == lenbuf || ull > ENTRY_MAX)
				goto miss;
			body_len = (size_t)ull;
			have_len = true;
		} else if (line_is(line, n, "sha256", &v, &vn) && vn == NAME_LEN) {
			want_hex = v;
		} else {
			goto miss;
		}
	}
	if (!out->etag || !have_len || !want_hex || (size_t)(end - p) != body_len)
		goto miss;
	sha_init(&s);
	sha_add(&s, p, body_len);
	sha_end(&s, digest);
	hex(digest, CACHE_KEY_LEN, digest_hex);
	if (!usable_key(digest) || memcmp(digest_hex, want_hex, NAME_LEN) != 0)
		goto miss;
	/* the body moves to the front of the buffer, which becomes the entry's */
	memmove(buf, p, body_len);
	buf[body_len] = '\0';
	out->body = buf;
	out->body_len = body_len;
	return 0;
miss:
	log_debug("cache: ignoring a damaged or foreign entry %s", name);
	free(buf);
	cache_entry_finish(out);
	return -1;
}

void cache_touch(struct cache *c, const unsigned char key[CACHE_KEY_LEN])
{
	char name[NAME_LEN + 1];

	if (!c || !usable_key(key))
		return;
	hex(key, CACHE_KEY_LEN, name);
	(void)utimensat(c->dirfd, name, NULL, AT_SYMLINK_NOFOLLOW);
}

/* ---- size bound --------------------------------------------------------- */

struct victim {
	struct timespec mtime;
	uint64_t size;
	char name[NAME_LEN + 1];
};

static bool is_entry_name(const char *s)
{
	if (strlen(s) != NAME_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static int older_first(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Walk the directory (lock held): sum the entries' sizes, remove temp files
 * a crash left behind and, with @evict, the least recently used entries
 * until the total is down to c->evict_to. Another run may be doing the same:
 * an entry that vanished meanwhile is simply not counted.
 */
static void walk(struct cache *c, bool evict)
{
	struct victim *v = NULL, *grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	uint64_t total = 0;
	time_t now = time(NULL);
	DIR *d;
	int fd;

	fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (fstatat(c->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (strncmp(de->d_name, TEMP_PREFIX, sizeof(TEMP_PREFIX) - 1) == 0) {
			if (now - st.st_mtime > TEMP_STALE_S)
				(void)unlinkat(c->dirfd, de->d_name, 0);
			continue;
		}
		if (!is_entry_name(de->d_name))
			continue;
		total += (uint64_t)st.st_size;
		if (!evict)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown)
				break;
			v = grown;
		}
		v[n].mtime = st.st_mtim;
		v[n].size = (uint64_t)st.st_size;
		memcpy(v[n].name, de->d_name, NAME_LEN + 1);
		n++;
	}
	closedir(d);
	if (evict && total > c->evict_to && n) {
		size_t removed = 0;

		qsort(v, n, sizeof(*v), older_first);
		for (size_t i = 0; i < n && total > c->evict_to; i++) {
			if (unlinkat(c->dirfd, v[i].name, 0) == 0 || errno == ENOENT) {
				total -= v[i].size;
				removed++;
			}
		}
		log_debug("cache: removed %zu least recently used entries", removed);
	}
	free(v);
	c->total = total;
	c->scanned = true;
}

/* ---- writing ------------------------------------------------------------ */

static bool one_line(const char *s)
{
	return s && !strpbrk(s, "\r\n");
}

static bool write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

void cache_put(struct cache *c, const unsigned char key[CACHE_KEY_LEN], const char *etag,
	       const char *const *headers, size_t n_headers, const char *body, size_t body_len)
{
	char name[NAME_LEN + 1], tmp[96], digest_hex[NAME_LEN + 1];
	unsigned char digest[CACHE_KEY_LEN];
	char *head = NULL;
	size_t head_len = 0;
	struct stat old;
	uint64_t replaced = 0, size;
	unsigned long serial;
	struct sha s;
	FILE *mem;
	bool ok;
	int fd;

	if (!c || !usable_key(key) || !one_line(etag) || !*etag || body_len > c->put_max)
		return;
	for (size_t i = 0; i < n_headers; i++)
		if (!one_line(headers[i]))
			return;
	sha_init(&s);
	sha_add(&s, body, body_len);
	sha_end(&s, digest);
	if (!usable_key(digest))
		return;
	hex(digest, CACHE_KEY_LEN, digest_hex);
	mem = open_memstream(&head, &head_len);
	if (!mem)
		return;
	fprintf(mem, MAGIC "etag %s\n", etag);
	for (size_t i = 0; i < n_headers; i++)
		fprintf(mem, "header %s\n", headers[i]);
	fprintf(mem, "length %zu\nsha256 %s\n\n", body_len, digest_hex);
	if (fclose(mem) != 0) {
		free(head);
		return;
	}

	hex(key, CACHE_KEY_LEN, name);
	pthread_mutex_lock(&c->lock);
	serial = ++c->serial;
	pthread_mutex_unlock(&c->lock);
	snprintf(tmp, sizeof(tmp), TEMP_PREFIX "%ld.%lu.%08lx", (long)getpid(), serial,
		 (unsigned long)key[0] << 24 | (unsigned long)key[1] << 16 |
		 (unsigned long)key[2] << 8 | (unsigned long)key[3]);
	fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_debug("cache: cannot write an entry: %s", strerror(errno));
		free(head);
		return;
	}
	ok = write_all(fd, head, head_len) && write_all(fd, body, body_len);
	ok = close(fd) == 0 && ok;
	free(head);
	if (ok && fstatat(c->dirfd, name, &old, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(old.st_mode))
		replaced = (uint64_t)old.st_size;
	/* rename is atomic: readers see the old entry or the new, never half */
	if (!ok || renameat(c->dirfd, tmp, c->dirfd, name) != 0) {
		log_debug("cache: cannot write an entry: %s", strerror(errno));
		(void)unlinkat(c->dirfd, tmp, 0);
		return;
	}
	size = head_len + body_len;
	pthread_mutex_lock(&c->lock);
	if (!c->scanned) {
		walk(c, false); /* counts the entry just written */
	} else {
		c->total = c->total + size > replaced ? c->total + size - replaced : 0;
	}
	if (c->total > c->max)
		walk(c, true);
	pthread_mutex_unlock(&c->lock);
}
