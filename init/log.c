// SPDX-License-Identifier: Apache-2.0
/*
 * log: see log.h.
 * Each line is formatted into one stack buffer and written with one write(2),
 * so lines from the init and its children do not interleave mid-line.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { LOG_LINE_MAX = 1024 };

double log_uptime(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void log_line(const char *suffix, const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	size_t len;
	int n;

	n = snprintf(buf, sizeof(buf), "[%12.6f] sealroot: ", log_uptime());
	if (n < 0)
		return;
	len = (size_t)n;
	n = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	if (n < 0)
		return;
	len += (size_t)n;
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	if (suffix) {
		n = snprintf(buf + len, sizeof(buf) - len, "%s", suffix);
		if (n > 0)
			len += (size_t)n;
		if (len > sizeof(buf) - 1)
			len = sizeof(buf) - 1;
	}
	/* Always end the line, even when truncated. */
	if (len == sizeof(buf) - 1)
		len--;
	buf[len++] = '\n';
	while (len > 0) {
		ssize_t w = write(2, buf, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		memmove(buf, buf + w, len - (size_t)w);
		len -= (size_t)w;
	}
}

void log_vinfo(const char *fmt, va_list ap)
{
	log_line(NULL, fmt, ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(NULL, fmt, ap);
	va_end(ap);
}

int log_errno(int r, const char *fmt, ...)
{
	char suffix[128];
	va_list ap;

	snprintf(suffix, sizeof(suffix), ": %s", strerror(r < 0 ? -r : r));
	va_start(ap, fmt);
	log_line(suffix, fmt, ap);
	va_end(ap);
	return r;
}
