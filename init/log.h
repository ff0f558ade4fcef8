/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log: console logging with in-guest monotonic timestamps.
 * Reads: CLOCK_MONOTONIC. Changes: writes whole lines to fd 2.
 * On failure: drops the line (the console is the only place to report to).
 * There is deliberately no way to log key bytes: log lengths and digests only.
 */
#ifndef SEALROOT_LOG_H
#define SEALROOT_LOG_H

#include <stdarg.h>

#define SR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* One line: "[   1.234567] sealroot: <text>\n". */
void log_info(const char *fmt, ...) SR_PRINTF(1, 2);
void log_vinfo(const char *fmt, va_list ap);

/* Logs "<text>: <strerror(-r)>" and returns r (r is 0 or -errno). */
int log_errno(int r, const char *fmt, ...) SR_PRINTF(2, 3);

/* Seconds since boot on the monotonic clock, for logs and the benchmark. */
double log_uptime(void);

#endif
