/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent: starts the workload agent (kata-agent) as a child of PID 1.
 * Reads: b->path.agent. Changes: forks; the child gets the signal mask PID 1
 * started with, its own session and a fixed, clean environment.
 * On failure: a missing or unexecutable agent fails the step; the exec error
 * comes back from the child over a close-on-exec pipe, so it is reported here
 * rather than as a mysterious exit status later.
 */
#ifndef SEALROOT_AGENT_H
#define SEALROOT_AGENT_H

#include <signal.h>

#include "boot.h"

/* The mask the child restores; main() sets it before blocking signals. */
extern sigset_t agent_child_mask;

int step_agent(struct boot *b);

#endif
