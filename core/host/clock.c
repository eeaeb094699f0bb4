/* SPDX-License-Identifier: MIT */
/*
 * clock.c — time and waiting: the monotonic clock, the wall clock in
 * messages, interruptible sleeps (counted as waited), and the interrupt
 * flag that SIGINT/SIGTERM raise. Decides no wait itself: callers say how
 * long. Knows nothing of HTTP or of the endpoint.
 */
#include "internal.h"

#include <signal.h>
#include <stdio.h>
#include <time.h>

#define SLICE_MS 50              /* sleeps are cut in slices to notice an interrupt */

static volatile sig_atomic_t interrupt_flag;

uint64_t hs_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void hs_clock_text(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || strftime(buf, n, "%H:%M:%S", &tm) == 0)
		snprintf(buf, n, "?");
}

void hostsvc_interrupt(void)
{
	interrupt_flag = 1; /* async-signal-safe: called from a signal handler */
}

bool hostsvc_interrupted(void)
{
	return interrupt_flag != 0;
}

/* Sleep @ms in short slices, counting it as waited; EINTERRUPTED if the
 * user interrupts meanwhile. */
int hs_wait_ms(struct hostsvc *h, uint64_t ms, struct epithet_error *err)
{
	uint64_t start = hs_mono_ms(), now = start, slice;
	struct timespec ts;
	int rc = 0;

	while (now - start < ms) {
		if (hostsvc_interrupted()) {
			rc = EPITHET_EINTERRUPTED;
			break;
		}
		slice = ms - (now - start);
		if (slice > SLICE_MS)
			slice = SLICE_MS;
		ts.tv_sec = (time_t)(slice / 1000);
		ts.tv_nsec = (long)(slice % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		now = hs_mono_ms();
	}
	pthread_mutex_lock(&h->lock);
	h->stats.waited_ms += now - start;
	pthread_mutex_unlock(&h->lock);
	if (rc == 0 && hostsvc_interrupted())
		rc = EPITHET_EINTERRUPTED;
	if (rc)
		hs_error_set(err, rc, 0, "interrupted");
	return rc;
}

long hs_max_wait_s(const struct hostsvc *h)
{
	return h->opt.max_wait_s >= 0 ? h->opt.max_wait_s : 900;
}
