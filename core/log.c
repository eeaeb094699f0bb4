/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics on stderr (log.h): levels, progress lines, one line written
 * whole. Never prints results: those are output.c's, on stdout.
 */
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int verbosity;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int progress_shown; /* a progress line is on the screen */

void log_set_verbosity(int v)
{
	verbosity = v;
}

int log_verbosity(void)
{
	return verbosity;
}

static int shown(int level)
{
	switch (level) {
	case EPITHET_LOG_ERROR:
	case EPITHET_LOG_WARN:
		return 1;
	case EPITHET_LOG_NOTICE:
		return verbosity >= 0;
	case EPITHET_LOG_INFO:
		return verbosity >= 1;
	default:
		return verbosity >= 2;
	}
}

void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[2048], shown_line[4 * sizeof(line)];
	size_t n = 0;
	const char *tag = "";

	if (!shown(level))
		return;
	if (level == EPITHET_LOG_ERROR)
		tag = "error: ";
	else if (level == EPITHET_LOG_WARN)
		tag = "warning: ";
	n = (size_t)snprintf(line, sizeof(line), "epithet: %s%s%s%s", prefix ? "[" : "",
			     prefix ? prefix : "", prefix ? "] " : "", tag);
	if (n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	/* messages carry forge text (names, error bodies): no control
	 * character of it may reach the terminal */
	display_buf(shown_line, sizeof(shown_line), line);
	pthread_mutex_lock(&lock);
	/* Results go to stdout, diagnostics to stderr: flush the first so
	 * that a terminal shows them in the order they happened. */
	fflush(stdout);
	if (progress_shown) {
		fputs("\r\x1b[K", stderr);
		progress_shown = 0;
	}
	fprintf(stderr, "%s\n", shown_line);
	pthread_mutex_unlock(&lock);
}

void log_msg(int level, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, prefix, fmt, ap);
	va_end(ap);
}

void log_progress(const char *fmt, ...)
{
	static int tty = -1;
	va_list ap;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty || verbosity < 0)
		return;
	pthread_mutex_lock(&lock);
	fputs("\r\x1b[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = 1;
	pthread_mutex_unlock(&lock);
}

void log_progress_done(void)
{
	pthread_mutex_lock(&lock);
	if (progress_shown)
		fputs("\r\x1b[K", stderr);
	progress_shown = 0;
	pthread_mutex_unlock(&lock);
}
