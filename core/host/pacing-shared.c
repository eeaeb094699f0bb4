/* SPDX-License-Identifier: MIT */
/*
 * Write pacing shared between processes: the lock and the state file of
 * pacing-shared.h. The file is a fixed header and a ring of 64-bit start
 * times, in the machine's byte order (it never leaves the machine); every
 * change is written through with pwrite while the lock is held.
 */
#include "pacing-shared.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../cache.h"
#include "../log.h"

#define PACE_MAGIC "EPIPACE1"
#define PACE_CAP_MAX ((uint64_t)1 << 20)

struct pace_header {
	char magic[8];
	unsigned char boot[16];   /* the boot the times belong to */
	uint64_t last_end;        /* CLOCK_MONOTONIC ms; 0: none */
	uint64_t pos;             /* the next slot of the ring */
	uint64_t count;           /* slots in use */
	uint64_t cap;             /* slots in the file */
	uint64_t pid;             /* the last writer, for whoever looks */
};

struct pace_file {
	int fd;
	char *path;
	size_t want_cap;
	unsigned char boot[16];
	struct pace_header hdr;   /* valid under the lock */
	uint64_t *ring;           /* hdr.cap slots, valid under the lock */
};

static uint64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The kernel's id of this boot (16 bytes of its UUID), zeros if unknown. */
static void boot_id(unsigned char out[16])
{
	char text[64];
	size_t n = 0, i;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	memset(out, 0, 16);
	if (!f)
		return;
	if (fgets(text, sizeof(text), f)) {
		for (i = 0; text[i] && n < 32; i++) {
			unsigned v;
			char c = text[i];

			if (c >= '0' && c <= '9')
				v = (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = (unsigned)(c - 'a' + 10);
			else
				continue;
			out[n / 2] = (unsigned char)(out[n / 2] | (n % 2 ? v : v << 4));
			n++;
		}
	}
	fclose(f);
}

/* The directory: $XDG_RUNTIME_DIR/epithet, else <cache>/epithet. */
static char *default_dir(void)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	char *base = NULL, *dir = NULL;

	if (run && run[0] == '/') {
		base = strdup(run);
	} else {
		base = cache_base_dir();
		/* ~/.cache itself is the user's; made 0700 when missing */
		if (base && mkdir(base, 0700) != 0 && errno != EEXIST) {
			free(base);
			base = NULL;
		}
	}
	if (!base)
		return NULL;
	if (asprintf(&dir, "%s/epithet", base) < 0)
		dir = NULL;
	free(base);
	return dir;
}

struct pace_file *pace_file_open(const char *dir, const char *origin,
				 const unsigned char identity[32], size_t cap)
{
	struct pace_file *f = NULL;
	unsigned char key[CACHE_KEY_LEN];
	char hex[2 * CACHE_KEY_LEN + 1], *where = NULL, *label = NULL;
	struct stat st;
	size_t i;

	where = dir ? strdup(dir) : default_dir();
	if (!where || !cache_private_dir(where))
		goto fail;
	/* named by a digest of the credentials' digest and the origin */
	if (asprintf(&label, "pacing %s", origin) < 0) {
		label = NULL;
		goto fail;
	}
	cache_key(identity, NULL, label, key);
	for (i = 0; i < CACHE_KEY_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	f = calloc(1, sizeof(*f));
	if (!f)
		goto fail;
	f->fd = -1;
	if (asprintf(&f->path, "%s/pace-%s", where, hex) < 0) {
		f->path = NULL;
		goto fail;
	}
	f->fd = open(f->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f->fd < 0 || fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		log_debug("pacing: cannot use %s: %s", f->path,
			  f->fd < 0 ? strerror(errno) : "not a file of ours");
		goto fail;
	}
	f->want_cap = cap ? cap : 1;
	boot_id(f->boot);
	free(where);
	free(label);
	return f;
fail:
	free(where);
	free(label);
	pace_file_close(f);
	return NULL;
}

void pace_file_close(struct pace_file *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->ring);
	free(f);
}

const char *pace_file_path(const struct pace_file *f)
{
	return f ? f->path : NULL;
}

static bool write_all(int fd, const void *p, size_t n, off_t at)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = pwrite(fd, c, n, at);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
		at += w;
	}
	return true;
}

static bool read_all(int fd, void *p, size_t n, off_t at)
{
	char *c = p;

	while (n > 0) {
		ssize_t r = pread(fd, c, n, at);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
		at += r;
	}
	return true;
}

static void store_header(struct pace_file *f)
{
	f->hdr.pid = (uint64_t)getpid();
	if (!write_all(f->fd, &f->hdr, sizeof(f->hdr), 0))
		log_debug("pacing: cannot write %s: %s", f->path, strerror(errno));
}

/* Write the whole file from memory (a new file, or one grown). */
static void store_all(struct pace_file *f)
{
	if (ftruncate(f->fd, (off_t)(sizeof(f->hdr) + f->hdr.cap * sizeof(uint64_t))) != 0 ||
	    !write_all(f->fd, f->ring, f->hdr.cap * sizeof(uint64_t), (off_t)sizeof(f->hdr)))
		log_debug("pacing: cannot write %s: %s", f->path, strerror(errno));
	store_header(f);
}

/* A ring of @cap slots holding the most recent entries of the loaded one. */
static bool regrow(struct pace_file *f, uint64_t cap)
{
	uint64_t *ring = calloc(cap, sizeof(*ring)), n = f->hdr.count < cap ? f->hdr.count : cap;

	if (!ring)
		return false;
	/* oldest first: slot i holds the (n - i)-th most recent */
	for (uint64_t i = 0; i < n; i++)
		ring[i] = f->ring[(f->hdr.pos + f->hdr.cap - (n - i)) % f->hdr.cap];
	free(f->ring);
	f->ring = ring;
	f->hdr.cap = cap;
	f->hdr.count = n;
	f->hdr.pos = n % cap;
	return true;
}

/* Start afresh: no write known. */
static bool reset(struct pace_file *f)
{
	free(f->ring);
	f->ring = calloc(f->want_cap, sizeof(*f->ring));
	if (!f->ring)
		return false;
	memset(&f->hdr, 0, sizeof(f->hdr));
	memcpy(f->hdr.magic, PACE_MAGIC, sizeof(f->hdr.magic));
	memcpy(f->hdr.boot, f->boot, sizeof(f->boot));
	f->hdr.cap = f->want_cap;
	store_all(f);
	return true;
}

/* Read the file into memory, or start it afresh when it is not this boot's
 * or not a pacing file at all. */
static bool load(struct pace_file *f)
{
	struct stat st;
	uint64_t now = mono_now();
	bool ok;

	ok = fstat(f->fd, &st) == 0 && (size_t)st.st_size >= sizeof(f->hdr) &&
	     read_all(f->fd, &f->hdr, sizeof(f->hdr), 0) &&
	     memcmp(f->hdr.magic, PACE_MAGIC, sizeof(f->hdr.magic)) == 0 &&
	     memcmp(f->hdr.boot, f->boot, sizeof(f->boot)) == 0 && f->hdr.cap > 0 &&
	     f->hdr.cap <= PACE_CAP_MAX && f->hdr.pos < f->hdr.cap && f->hdr.count <= f->hdr.cap &&
	     (uint64_t)st.st_size == sizeof(f->hdr) + f->hdr.cap * sizeof(uint64_t);
	if (ok) {
		free(f->ring);
		f->ring = malloc(f->hdr.cap * sizeof(*f->ring));
		ok = f->ring && read_all(f->fd, f->ring, f->hdr.cap * sizeof(uint64_t), (off_t)sizeof(f->hdr));
	}
	if (!ok)
		return reset(f);
	if (f->hdr.cap < f->want_cap) {
		if (!regrow(f, f->want_cap))
			return false;
		store_all(f);
	}
	/* a time to come (a garbled file) counts as now: never a wait beyond
	 * one interval or window */
	if (f->hdr.last_end > now)
		f->hdr.last_end = now;
	for (uint64_t i = 0; i < f->hdr.cap; i++)
		if (f->ring[i] > now)
			f->ring[i] = now;
	return true;
}

int pace_file_trylock(struct pace_file *f)
{
	if (flock(f->fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK || errno == EINTR)
			return 1;
		log_debug("pacing: cannot lock %s: %s", f->path, strerror(errno));
		return -1;
	}
	if (!load(f)) {
		flock(f->fd, LOCK_UN);
		return -1;
	}
	return 0;
}

void pace_file_unlock(struct pace_file *f)
{
	flock(f->fd, LOCK_UN);
}

uint64_t pace_file_last_end(const struct pace_file *f)
{
	return f->hdr.last_end;
}

size_t pace_file_count(const struct pace_file *f)
{
	return (size_t)f->hdr.count;
}

uint64_t pace_file_recent(const struct pace_file *f, size_t k)
{
	return f->ring[(f->hdr.pos + f->hdr.cap - k) % f->hdr.cap];
}

void pace_file_started(struct pace_file *f, uint64_t t)
{
	uint64_t slot = f->hdr.pos;

	f->ring[slot] = t;
	f->hdr.pos = (slot + 1) % f->hdr.cap;
	if (f->hdr.count < f->hdr.cap)
		f->hdr.count++;
	if (!write_all(f->fd, &t, sizeof(t), (off_t)(sizeof(f->hdr) + slot * sizeof(uint64_t))))
		log_debug("pacing: cannot write %s: %s", f->path, strerror(errno));
	store_header(f);
}

void pace_file_ended(struct pace_file *f, uint64_t t)
{
	f->hdr.last_end = t;
	store_header(f);
}
