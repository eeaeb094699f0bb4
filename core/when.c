/* SPDX-License-Identifier: MIT */
/*
 * delete_after's dates and times. strptime does the reading; it is lenient
 * (it takes "2027-3-1" and February 30th), so the shape is checked first and
 * the day is checked by converting back.
 */
#include "when.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* @s starts with @pat, where 'd' is a digit and anything else itself. */
static bool shaped(const char *s, const char *pat)
{
	for (; *pat; s++, pat++) {
		if (*pat == 'd' ? !(*s >= '0' && *s <= '9') : *s != *pat)
			return false;
	}
	return true;
}

/* The part after the seconds: ".fraction" (ignored), then 'Z' or ±HH:MM.
 * Sets *@offset to the zone's seconds east of UTC. */
static bool zone(const char *s, long *offset)
{
	struct tm tz;
	const char *end;

	if (*s == '.') {
		size_t n = strspn(s + 1, "0123456789");

		if (!n)
			return false;
		s += 1 + n;
	}
	if ((s[0] == 'Z' || s[0] == 'z') && !s[1]) {
		*offset = 0;
		return true;
	}
	if (!((s[0] == '+' || s[0] == '-') && shaped(s + 1, "dd:dd") && !s[6]))
		return false;
	memset(&tz, 0, sizeof(tz));
	end = strptime(s, "%z", &tz);
	if (!end || *end)
		return false;
	*offset = tz.tm_gmtoff;
	return true;
}

bool when_parse(const char *s, int64_t *out)
{
	struct tm tm, back;
	const char *end;
	long offset = 0;
	time_t t;

	if (!s || !shaped(s, "dddd-dd-dd"))
		return false;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end && *end) {
		/* RFC 3339 allows 't' as well as 'T'. */
		if (!(*end == 'T' || *end == 't') || !shaped(end + 1, "dd:dd:dd"))
			return false;
		end = strptime(end + 1, "%H:%M:%S", &tm);
		if (!end || !zone(end, &offset))
			return false;
		end = "";
	}
	if (!end || *end || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return false;
	back = tm;
	t = timegm(&back);
	if (t == (time_t)-1 || back.tm_mday != tm.tm_mday || back.tm_mon != tm.tm_mon)
		return false;
	*out = (int64_t)t - offset;
	return true;
}

void when_format(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm)) {
		snprintf(buf, n, "%lld", (long long)t);
		return;
	}
	if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
		strftime(buf, n, "%Y-%m-%d", &tm);
	else
		strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
