/* SPDX-License-Identifier: MIT */
/*
 * estimate.c — how long paced writes take: the schedule pacing.c keeps,
 * worked out ahead in closed form (a pure function, tests/unit/test-pace.c
 * checks it against a write-by-write simulation).
 *
 * The schedule: each write takes @write_ms; the next starts @interval_ms
 * after the previous one's answer, so starts are p = write_ms + interval_ms
 * apart; at most m (per minute) start in any 60 s and h (per hour) in any
 * hour. Starting as early as allowed, the starts fall in blocks: m starts p
 * apart, the next block one minute block B1 = max(m p, 60 s) later; and h of
 * those form an hour block, the next one B2 = max(start of write h, 1 h)
 * later. A write already in the windows before the run (another process's)
 * is not counted: this is the time the run's own writes need.
 */
#include "internal.h"

#define MINUTE_MS 60000u
#define HOUR_MS 3600000u

/* Start of write @i (0-based) under the minute cap alone. */
static uint64_t minute_start(uint64_t i, uint64_t p, uint64_t m)
{
	uint64_t block;

	if (!m)
		return i * p;
	block = m * p > MINUTE_MS ? m * p : MINUTE_MS;
	return (i / m) * block + (i % m) * p;
}

uint64_t hostsvc_pace_estimate_ms(uint64_t n, uint64_t write_ms, uint64_t interval_ms,
				  uint32_t per_minute, uint32_t per_hour)
{
	uint64_t p = write_ms + interval_ms, m = per_minute, h = per_hour, last, block;

	if (n == 0)
		return 0;
	/* an hour cap below the minute cap is the only cap that binds */
	if (h && m > h)
		m = h;
	if (!h) {
		last = minute_start(n - 1, p, m);
	} else {
		block = minute_start(h, p, m);
		if (block < HOUR_MS)
			block = HOUR_MS;
		last = ((n - 1) / h) * block + minute_start((n - 1) % h, p, m);
	}
	return last + write_ms;
}
