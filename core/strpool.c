/* SPDX-License-Identifier: MIT */
/*
 * The string pool of strpool.h: an open-addressing hash set of strings whose
 * bytes live in 64 KiB chunks (no per-string malloc overhead), so that
 * "is this pooled?" is an address range check.
 */
#include "strpool.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CHUNK (64u << 10)

struct chunk {
	struct chunk *next;
	size_t used, size;
	char bytes[];
};

static struct {
	pthread_mutex_t lock;
	struct chunk *chunks;
	const char **slots;   /* hash set, NULL = empty */
	size_t cap, n;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

static const char *store(const char *s, size_t len)
{
	struct chunk *c = pool.chunks;
	char *out;

	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK / 4 ? len + 1 : CHUNK - sizeof(*c);

		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		/* a big string's own chunk goes behind the current one */
		if (size != CHUNK - sizeof(*c) && pool.chunks) {
			c->next = pool.chunks->next;
			pool.chunks->next = c;
		} else {
			c->next = pool.chunks;
			pool.chunks = c;
		}
	}
	out = c->bytes + c->used;
	memcpy(out, s, len + 1);
	c->used += len + 1;
	return out;
}

static void rehash(void)
{
	size_t cap = pool.cap ? pool.cap * 2 : 256;
	const char **slots = xcalloc(cap, sizeof(*slots));

	for (size_t i = 0; i < pool.cap; i++) {
		if (!pool.slots[i])
			continue;
		size_t j = hash(pool.slots[i]) & (cap - 1);

		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = pool.slots[i];
	}
	free(pool.slots);
	pool.slots = slots;
	pool.cap = cap;
}

const char *strpool_intern(const char *s)
{
	const char *out;
	size_t i;

	if (!s)
		return NULL;
	pthread_mutex_lock(&pool.lock);
	if ((pool.n + 1) * 4 > pool.cap * 3)
		rehash();
	i = hash(s) & (pool.cap - 1);
	while (pool.slots[i] && strcmp(pool.slots[i], s) != 0)
		i = (i + 1) & (pool.cap - 1);
	if (!pool.slots[i]) {
		pool.slots[i] = store(s, strlen(s));
		pool.n++;
	}
	out = pool.slots[i];
	pthread_mutex_unlock(&pool.lock);
	return out;
}

bool strpool_owns(const char *p)
{
	bool owns = false;

	if (!p)
		return false;
	pthread_mutex_lock(&pool.lock);
	for (struct chunk *c = pool.chunks; c && !owns; c = c->next)
		owns = (uintptr_t)p >= (uintptr_t)c->bytes && (uintptr_t)p < (uintptr_t)(c->bytes + c->size);
	pthread_mutex_unlock(&pool.lock);
	return owns;
}

void strpool_free(char *p)
{
	if (p && !strpool_owns(p))
		free(p);
}

void strpool_clear(void)
{
	struct chunk *c, *next;

	pthread_mutex_lock(&pool.lock);
	for (c = pool.chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(pool.slots);
	pool.chunks = NULL;
	pool.slots = NULL;
	pool.cap = pool.n = 0;
	pthread_mutex_unlock(&pool.lock);
}
