/* SPDX-License-Identifier: Apache-2.0 */
/*
 * errf: the one way a parser reports why it refused its input: a reason
 * formatted into the caller's buffer, and the error code passed through.
 * Reads: the format and its arguments. Changes: err (always NUL-terminated
 * when errlen > 0; err may be NULL when errlen is 0).
 * On failure: none; a reason that does not fit is cut.
 */
#ifndef SEALROOT_ERRF_H
#define SEALROOT_ERRF_H

#include <stddef.h>

/* Writes the reason into err and returns r, for "return errf(...);". */
int errf(char *err, size_t errlen, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
