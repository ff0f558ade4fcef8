/* SPDX-License-Identifier: Apache-2.0 */
/*
 * supervise: PID 1's supervision loop, after the last step.
 * Reads: blocked signals, with sigwaitinfo (no handlers run in PID 1).
 * Changes: reaps every child, zombies re-parented to us included; forwards
 * SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to the agent, and turns
 * SIGPWR (the host's power button) into SIGTERM for it. The agent is PID 1
 * of its own namespace, and the kernel drops a signal it has no handler
 * for: after a forwarded request to stop (all but SIGUSR1/2) it gets the
 * grace period, then SIGKILL. The agent's exit is reported only when its
 * whole PID namespace is empty; after SIGKILL it waits 2 s for that.
 * On failure: none; it returns when the agent has exited, or 2 s after a
 * SIGKILL that did not empty its namespace.
 */
#ifndef SEALROOT_SUPERVISE_H
#define SEALROOT_SUPERVISE_H

#include <signal.h>

#include "boot.h"

/* How long SIGKILL may take to end what it was sent to: the agent's
 * namespace (supervise) or everything left (shutdown). */
enum { KILL_WAIT_MS = 2000 };

/* The signals PID 1 handles; everything else but CPU faults stays blocked. */
void signals_handled(sigset_t *set);

/* Reaps without blocking. Returns the number of children reaped, or -ECHILD
 * when there are none left. Records the agent's exit in b. */
int reap_all(struct boot *b);

/* Waits until the agent has exited. */
void supervise(struct boot *b);

#endif
