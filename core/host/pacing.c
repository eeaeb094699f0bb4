/* SPDX-License-Identifier: MIT */
/*
 * pacing.c — when the next write may go: the pacers shared by every session
 * writing with one token to one origin (one write lock, the interval since
 * the last write, the per-minute and per-hour windows), and their state
 * shared with other processes through pacing-shared.c. Knows nothing of
 * HTTP or of the endpoint.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define NOTICE_WAIT_MS 5000      /* pacing waits from this long on are announced */
#define LOCK_POLL_MS 10          /* polling another process's pacing lock */

static pthread_mutex_t pacers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pacer *pacers;

/* The pacer of (origin, credentials), made on first use with room for the
 * last @cap writes. NULL when out of memory. */
struct pacer *hs_pacer_get(const char *origin, const unsigned char *id, size_t cap)
{
	struct pacer *p;

	pthread_mutex_lock(&pacers_lock);
	for (p = pacers; p; p = p->next)
		if (strcmp(p->origin, origin) == 0 && memcmp(p->id, id, CACHE_KEY_LEN) == 0)
			break;
	if (p && cap > p->ring_cap) {
		/* A session that keeps a longer window: start it afresh. */
		uint64_t *ring = calloc(cap, sizeof(*ring));

		if (!ring) {
			p = NULL;
			goto out;
		}
		free(p->ring);
		p->ring = ring;
		p->ring_cap = cap;
		p->ring_pos = p->ring_count = 0;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			goto out;
		p->origin = strdup(origin);
		p->ring = cap ? calloc(cap, sizeof(*p->ring)) : NULL;
		if (!p->origin || (cap && !p->ring)) {
			free(p->origin);
			free(p->ring);
			free(p);
			p = NULL;
			goto out;
		}
		p->ring_cap = cap;
		memcpy(p->id, id, CACHE_KEY_LEN);
		pthread_mutex_init(&p->write_lock, NULL);
		p->next = pacers;
		pacers = p;
	}
	p->refs++;
out:
	pthread_mutex_unlock(&pacers_lock);
	return p;
}

void hs_pacer_put(struct pacer *p)
{
	struct pacer **pp;

	if (!p)
		return;
	pthread_mutex_lock(&pacers_lock);
	if (--p->refs == 0) {
		for (pp = &pacers; *pp; pp = &(*pp)->next) {
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		}
		pthread_mutex_destroy(&p->write_lock);
		pace_file_close(p->file);
		free(p->origin);
		free(p->ring);
		free(p);
	}
	pthread_mutex_unlock(&pacers_lock);
}

/* Start time of the k-th most recent write (k >= 1, k <= ring_count). */
static uint64_t ring_recent(const struct pacer *p, size_t k)
{
	return p->ring[(p->ring_pos + p->ring_cap - k) % p->ring_cap];
}

/* ---- pacing shared with other processes (pacing-shared.c) ---- */

/* The pacing state in use: the shared file's while its lock is held, else
 * this process's own. */
static uint64_t pace_last(const struct pacer *p)
{
	return p->file_held ? pace_file_last_end(p->file) : p->last_write_ms;
}

static size_t pace_count(const struct pacer *p)
{
	return p->file_held ? pace_file_count(p->file) : p->ring_count;
}

static uint64_t pace_recent(const struct pacer *p, size_t k)
{
	return p->file_held ? pace_file_recent(p->file, k) : ring_recent(p, k);
}

/* Take the lock other processes writing with these credentials share,
 * waiting while one of them writes. 0 (held, or pacing stays within the
 * process when the file cannot be used), or EINTERRUPTED. */
static int lock_shared(struct hostsvc *h, struct pacer *p, struct epithet_error *err)
{
	int r, rc;

	if (!p->file_tried) {
		p->file_tried = true;
		p->file = pace_file_open(NULL, p->origin, p->id, p->ring_cap);
		if (p->file)
			hlog(h, EPITHET_LOG_DEBUG, "write pacing shared through %s", pace_file_path(p->file));
	}
	while (p->file && (r = pace_file_trylock(p->file)) != 0) {
		if (r < 0) {
			pace_file_close(p->file);
			p->file = NULL;
			break;
		}
		rc = hs_wait_ms(h, LOCK_POLL_MS, err);
		if (rc)
			return rc;
	}
	p->file_held = p->file != NULL;
	return 0;
}

static void unlock_shared(struct pacer *p)
{
	if (p->file_held)
		pace_file_unlock(p->file);
	p->file_held = false;
}

bool hs_writes_serial(struct hostsvc *h)
{
	/* read each time: a secondary rate limit may turn pacing on */
	return !h->opt.concurrent_writes || hostsvc_writes_paced(h);
}

void hs_pace_wrote(struct pacer *p)
{
	p->last_write_ms = hs_mono_ms();
	if (p->file_held)
		pace_file_ended(p->file, p->last_write_ms);
	unlock_shared(p);
}

/* Before a write is sent; write_lock held. Keeps the interval since the end
 * of the previous write and the per-minute and per-hour budgets, those of
 * every process writing with the same credentials to the same origin: on 0
 * their shared lock is held until hs_pace_wrote(), so that no two writes
 * overlap; it is let go while waiting. */
int hs_pace_write(struct hostsvc *h, struct epithet_error *err)
{
	struct pacer *p = h->pacer;
	uint64_t now, until, t;
	long interval;
	const char *why;
	uint32_t limit;
	char when[16];
	int rc;

	for (;;) {
		pthread_mutex_lock(&h->lock);
		interval = h->write_interval_ms;
		pthread_mutex_unlock(&h->lock);
		if ((interval > 0 || h->writes_per_minute || h->writes_per_hour) &&
		    (rc = lock_shared(h, p, err)) != 0)
			return rc;
		now = hs_mono_ms();
		until = 0;
		why = NULL;
		limit = 0;
		if (pace_last(p) && interval > 0)
			until = pace_last(p) + (uint64_t)interval;
		if (h->writes_per_minute && pace_count(p) >= h->writes_per_minute) {
			t = pace_recent(p, h->writes_per_minute) + 60000u;
			if (t > until) {
				until = t;
				why = "minute";
				limit = h->writes_per_minute;
			}
		}
		if (h->writes_per_hour && pace_count(p) >= h->writes_per_hour) {
			t = pace_recent(p, h->writes_per_hour) + 3600000u;
			if (t > until) {
				until = t;
				why = "hour";
				limit = h->writes_per_hour;
			}
		}
		if (until <= now)
			break;
		unlock_shared(p);
		if (why && until - now > (uint64_t)hs_max_wait_s(h) * 1000u) {
			hs_clock_text(time(NULL) + (time_t)((until - now + 999) / 1000), when, sizeof(when));
			hs_error_set(err, EPITHET_ERATELIMIT, 0,
				     "%" PRIu32 " writes per %s used; the next is allowed at %s, beyond --max-wait of %ld s",
				     limit, why, when, hs_max_wait_s(h));
			return EPITHET_ERATELIMIT;
		}
		if (why && until - now >= NOTICE_WAIT_MS)
			hlog(h, EPITHET_LOG_NOTICE, "%" PRIu32 " writes per %s reached; waiting %" PRIu64 " s",
			     limit, why, (until - now + 999) / 1000);
		rc = hs_wait_ms(h, until - now, err);
		if (rc)
			return rc;
	}
	now = hs_mono_ms();
	if (p->file_held)
		pace_file_started(p->file, now);
	if (p->ring_cap) {
		p->ring[p->ring_pos] = now;
		p->ring_pos = (p->ring_pos + 1) % p->ring_cap;
		if (p->ring_count < p->ring_cap)
			p->ring_count++;
	}
	return 0;
}

bool hostsvc_writes_paced(struct hostsvc *h)
{
	bool paced;

	pthread_mutex_lock(&h->lock);
	paced = h->write_interval_ms > 0 || h->writes_per_minute || h->writes_per_hour;
	pthread_mutex_unlock(&h->lock);
	return paced;
}
