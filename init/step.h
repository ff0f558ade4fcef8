/* SPDX-License-Identifier: Apache-2.0 */
/*
 * step: runs the boot pipeline, a const table of { name, fn }, in order.
 * Reads: the table. Changes: whatever each step changes.
 * On failure: stops at the first step that returns < 0 and hands its name and
 * reason to the caller; it never skips a step and never continues after one.
 */
#ifndef SEALROOT_STEP_H
#define SEALROOT_STEP_H

#include <stddef.h>

#include "boot.h"

struct step {
	const char *name;
	int (*run)(struct boot *b);
};

/*
 * Runs steps[0..n) in order. Returns 0 when all succeeded, else the failing
 * step's return value, with *failed set to that step's name and b->reason set
 * (to a generic reason if the step did not give one).
 */
int steps_run(struct boot *b, const struct step *steps, size_t n,
	      const char **failed);

/* "sealroot: FATAL <step>: <reason>" as one line on fd 2, no timestamp. */
void fatal_line(const char *step, const char *reason);

#endif
