/* SPDX-License-Identifier: Apache-2.0 */
/* A record of the system calls the code under test made, in order, so a
 * test can assert the sequence (shutdown ordering, mount order). */
#ifndef SEALROOT_TEST_CALLS_H
#define SEALROOT_TEST_CALLS_H

#include <stdio.h>
#include <string.h>

enum { CALLS_MAX = 64, CALL_LEN = 96 };

static char calls[CALLS_MAX][CALL_LEN];
static int n_calls;

#define CALL(...) do { \
	if (n_calls < CALLS_MAX) \
		snprintf(calls[n_calls++], CALL_LEN, __VA_ARGS__); \
} while (0)

static inline void calls_reset(void)
{
	n_calls = 0;
	memset(calls, 0, sizeof(calls));
}

/* Index of the first recorded call equal to s, or -1. */
static inline int call_index(const char *s)
{
	int i;

	for (i = 0; i < n_calls; i++)
		if (strcmp(calls[i], s) == 0)
			return i;
	return -1;
}

#ifdef CALLS_WRAP_UMOUNT2
#include <errno.h>

/* umount2() on this target fails with EBUSY; every call is recorded. */
static const char *busy_target;

int __wrap_umount2(const char *target, int flags);
int __wrap_umount2(const char *target, int flags)
{
	(void)flags;
	CALL("umount %s", target);
	if (busy_target && strcmp(target, busy_target) == 0) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}
#endif

#endif
