// SPDX-License-Identifier: Apache-2.0
/* errf: see errf.h. */
#include "errf.h"

#include <stdarg.h>
#include <stdio.h>

int errf(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}
