// SPDX-License-Identifier: Apache-2.0
/* step: see step.h. */
#include "step.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int steps_run(struct boot *b, const struct step *steps, size_t n,
	      const char **failed)
{
	size_t i;
	int r;

	*failed = NULL;
	for (i = 0; i < n; i++) {
		double t0 = log_uptime();

		b->reason[0] = '\0';
		r = steps[i].run(b);
		if (r < 0) {
			*failed = steps[i].name;
			if (b->reason[0] == '\0')
				boot_fail(b, r, "step failed");
			return r;
		}
		log_info("step %s: ok (%.3f s)", steps[i].name,
			 log_uptime() - t0);
	}
	return 0;
}

void fatal_line(const char *step, const char *reason)
{
	char buf[REASON_MAX + 64];
	int n;

	n = snprintf(buf, sizeof(buf), "sealroot: FATAL %s: %s\n", step, reason);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	/* Best effort: nothing else can be done if the console is gone. */
	if (write(2, buf, (size_t)n) < 0)
		return;
}
