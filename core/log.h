/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics on stderr. The one place that decides what is shown:
 * errors and warnings always, notices unless --quiet, info with --verbose,
 * debug with -vv. Thread-safe: one line is written whole.
 */
#ifndef EPITHET_CORE_LOG_H
#define EPITHET_CORE_LOG_H

#include <stdarg.h>

#include "epithet/host.h"

/* -1 = quiet, 0 = normal, 1 = verbose, 2 = debug */
void log_set_verbosity(int v);
int log_verbosity(void);

/* @prefix: NULL, or a name shown as "[prefix] " (a plugin's name). */
void log_msg(int level, const char *prefix, const char *fmt, ...) EPITHET_PRINTF(3, 4);
void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap) EPITHET_PRINTF(3, 0);

/*
 * A progress line on stderr ("reading labels: 37/150"), redrawn in place,
 * only when stderr is a terminal and not --quiet. Any other log line first
 * clears it. log_progress_done() clears it for good.
 */
void log_progress(const char *fmt, ...) EPITHET_PRINTF(1, 2);
void log_progress_done(void);

#define log_error(...) log_msg(EPITHET_LOG_ERROR, NULL, __VA_ARGS__)
#define log_warn(...) log_msg(EPITHET_LOG_WARN, NULL, __VA_ARGS__)
#define log_notice(...) log_msg(EPITHET_LOG_NOTICE, NULL, __VA_ARGS__)
#define log_info(...) log_msg(EPITHET_LOG_INFO, NULL, __VA_ARGS__)
#define log_debug(...) log_msg(EPITHET_LOG_DEBUG, NULL, __VA_ARGS__)

#endif
