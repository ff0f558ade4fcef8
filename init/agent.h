/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent: the step that starts the workload agent (kata-agent) as a child of
 * PID 1, in a cgroup of its own whose pids.max and memory.max stay below
 * the machine's, so a runaway agent meets a limit while PID 1 can still
 * shut down.
 * Reads: b->path.agent, pid_max, MemTotal. Changes: creates and limits the
 * cgroup sealroot-agent; forks (spawn.h): the child gets the signal mask
 * PID 1 started with, its own session and a fixed, clean environment.
 * On failure: a missing or unexecutable agent, or a cgroup that cannot be
 * set up, fails the step; an exec error is reported as "exec <agent>".
 */
#ifndef SEALROOT_AGENT_H
#define SEALROOT_AGENT_H

#include "boot.h"

int step_agent(struct boot *b);

#endif
