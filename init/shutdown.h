/* SPDX-License-Identifier: Apache-2.0 */
/*
 * shutdown: the ordered, bounded shutdown and the one fatal() path.
 * Reads: b (what was mounted, the grace period).
 * Changes: signals and reaps every process, unmounts in reverse order,
 * syncs, powers off.
 * On failure: each stage logs and goes on; power-off always comes.
 *
 * Order (as s6-linux-init's shutdown, skarnet/s6-linux-init
 * src/shutdown/s6-linux-init-shutdownd.c): wipe secrets, SIGTERM and then
 * SIGCONT to all, grace period, SIGKILL to all, unmount in reverse (remount
 * read-only on EBUSY), deactivate dm-crypt, sync, power off.
 */
#ifndef SEALROOT_SHUTDOWN_H
#define SEALROOT_SHUTDOWN_H

#include "boot.h"

/* Exit codes, also the status of a test build (see docs/init.md). */
enum {
	EXIT_CLEAN = 0,    /* the agent exited and shutdown completed */
	EXIT_FATAL = 1,    /* a step failed: FATAL line printed */
};

/* Everything up to and including sync(); returns so tests can see it. */
void shutdown_run(struct boot *b);

/* Powers off (a test build exits with code instead). Never returns. */
__attribute__((noreturn)) void poweroff(int code);

/* Kills everything, syncs, prints the FATAL line, powers off. */
__attribute__((noreturn)) void fatal(struct boot *b, const char *step);

#endif
