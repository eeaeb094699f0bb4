/* SPDX-License-Identifier: MIT */
/* The paced writes' estimate (core/host/estimate.c), how it is shown
 * (duration_text, core/util.c), and the pacing state shared between
 * processes (core/host/pacing-shared.c: two opens of one file lock each
 * other out as two processes do). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/pacing-shared.h"
#include "hostsvc.h"
#include "util.h"

/* The pacing of core/host/pacing.c, write by write: each start as early as
 * the interval after the previous answer, the minute and the hour windows
 * allow. Returns the last answer's time. */
static uint64_t simulate(uint64_t n, uint64_t d, uint64_t iv, uint32_t m, uint32_t h)
{
	uint64_t *start = calloc(n ? n : 1, sizeof(*start)), t = 0, end = 0;

	assert_non_null(start);
	for (uint64_t i = 0; i < n; i++) {
		t = i ? end + iv : 0;
		if (m && i >= m && start[i - m] + 60000 > t)
			t = start[i - m] + 60000;
		if (h && i >= h && start[i - h] + 3600000 > t)
			t = start[i - h] + 3600000;
		start[i] = t;
		end = t + d;
	}
	free(start);
	return n ? end : 0;
}

static void test_no_pacing(void **state)
{
	(void)state;
	assert_int_equal(hostsvc_pace_estimate_ms(0, 30, 1000, 80, 500), 0);
	assert_int_equal(hostsvc_pace_estimate_ms(1, 30, 1000, 80, 500), 30);
	assert_int_equal(hostsvc_pace_estimate_ms(10, 30, 0, 0, 0), 300);
}

static void test_github_pace(void **state)
{
	(void)state;
	/* api.github.com: 1 s apart, 80 a minute, 500 an hour; a write of
	 * 200 ms: the interval alone binds (80 x 1.2 s > 1 min) up to 500,
	 * the 501st waits for the hour */
	assert_int_equal(hostsvc_pace_estimate_ms(308, 200, 1000, 80, 500), 307 * 1200 + 200);
	assert_int_equal(hostsvc_pace_estimate_ms(501, 200, 1000, 80, 500), 3600000 + 200);
	/* --write-interval 0: the minute cap binds, 80 at once, then a minute */
	assert_int_equal(hostsvc_pace_estimate_ms(81, 10, 0, 80, 500), 60000 + 10);
	assert_int_equal(hostsvc_pace_estimate_ms(160, 10, 0, 80, 500), 60000 + 79 * 10 + 10);
}

/* The closed form is the write-by-write schedule, over a grid of paces. */
static void test_closed_form_is_the_schedule(void **state)
{
	static const uint64_t ns[] = {1, 2, 79, 80, 81, 160, 499, 500, 501, 777, 1001, 2500};
	static const uint64_t ds[] = {0, 30, 700};
	static const uint64_t ivs[] = {0, 250, 1000};
	static const uint32_t ms[] = {0, 1, 80, 600};
	static const uint32_t hs[] = {0, 50, 500, 5000};

	(void)state;
	for (size_t a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (size_t b = 0; b < sizeof(ds) / sizeof(ds[0]); b++)
			for (size_t c = 0; c < sizeof(ivs) / sizeof(ivs[0]); c++)
				for (size_t e = 0; e < sizeof(ms) / sizeof(ms[0]); e++)
					for (size_t f = 0; f < sizeof(hs) / sizeof(hs[0]); f++) {
						uint64_t want = simulate(ns[a], ds[b], ivs[c], ms[e], hs[f]);
						uint64_t got = hostsvc_pace_estimate_ms(ns[a], ds[b], ivs[c],
											ms[e], hs[f]);

						if (got != want)
							fail_msg("n=%llu d=%llu iv=%llu m=%u h=%u: %llu, want %llu",
								 (unsigned long long)ns[a], (unsigned long long)ds[b],
								 (unsigned long long)ivs[c], ms[e], hs[f],
								 (unsigned long long)got, (unsigned long long)want);
					}
}

static void test_duration_text(void **state)
{
	char buf[32];

	(void)state;
	duration_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "1 s");
	duration_text(44600, buf, sizeof(buf));
	assert_string_equal(buf, "45 s");
	duration_text(59400, buf, sizeof(buf));
	assert_string_equal(buf, "59 s");
	duration_text(4 * 60000 + 10000, buf, sizeof(buf));
	assert_string_equal(buf, "4 min");
	duration_text(369600, buf, sizeof(buf));
	assert_string_equal(buf, "6 min");
	duration_text(3600000 + 5 * 60000, buf, sizeof(buf));
	assert_string_equal(buf, "1 h 5 min");
	duration_text(2 * 3600000, buf, sizeof(buf));
	assert_string_equal(buf, "2 h");
}

static const unsigned char ident[32] = {1, 2, 3};

static uint64_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void test_pace_file_shared(void **state)
{
	char dir[] = "/tmp/epithet-test-pace-XXXXXX";
	struct pace_file *a, *b, *other;
	uint64_t t = mono();
	char cmd[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	a = pace_file_open(dir, "https://forge.test:443", ident, 4);
	b = pace_file_open(dir, "https://forge.test:443", ident, 2);
	other = pace_file_open(dir, "https://other.test:443", ident, 4);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(other);
	assert_string_equal(pace_file_path(a), pace_file_path(b));
	assert_string_not_equal(pace_file_path(a), pace_file_path(other));

	/* a writes three times; while it holds the lock, b cannot take it */
	assert_int_equal(pace_file_trylock(a), 0);
	assert_int_equal(pace_file_count(a), 0);
	assert_int_equal(pace_file_trylock(b), 1);
	assert_int_equal(pace_file_trylock(other), 0); /* another origin: another lock */
	pace_file_unlock(other);
	pace_file_started(a, t - 30);
	pace_file_started(a, t - 20);
	pace_file_started(a, t - 10);
	pace_file_ended(a, t - 5);
	pace_file_unlock(a);

	/* b sees a's writes; its smaller ring does not shrink the file's */
	assert_int_equal(pace_file_trylock(b), 0);
	assert_int_equal(pace_file_last_end(b), t - 5);
	assert_int_equal(pace_file_count(b), 3);
	assert_int_equal(pace_file_recent(b, 1), t - 10);
	assert_int_equal(pace_file_recent(b, 3), t - 30);
	pace_file_started(b, t - 1);
	pace_file_unlock(b);
	assert_int_equal(pace_file_trylock(a), 0);
	assert_int_equal(pace_file_count(a), 4);
	assert_int_equal(pace_file_recent(a, 4), t - 30);
	pace_file_unlock(a);
	pace_file_close(a);

	/* garbage, or times to come: started afresh, or counted as now */
	{
		int fd = open(pace_file_path(b), O_WRONLY | O_TRUNC);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, "garbage", 7), 7);
		close(fd);
	}
	assert_int_equal(pace_file_trylock(b), 0);
	assert_int_equal(pace_file_count(b), 0);
	assert_int_equal(pace_file_last_end(b), 0);
	pace_file_ended(b, t + 3600000);
	pace_file_unlock(b);
	assert_int_equal(pace_file_trylock(b), 0);
	assert_true(pace_file_last_end(b) <= mono());
	pace_file_unlock(b);
	{
		struct stat st;

		assert_int_equal(stat(pace_file_path(b), &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	pace_file_close(b);
	pace_file_close(other);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_pacing),
		cmocka_unit_test(test_github_pace),
		cmocka_unit_test(test_closed_form_is_the_schedule),
		cmocka_unit_test(test_duration_text),
		cmocka_unit_test(test_pace_file_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
