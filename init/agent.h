/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent: the step that starts the workload agent (kata-agent) as a child of
 * PID 1 that is itself PID 1 of its own PID, mount and cgroup namespaces,
 * so the agent runs in init mode (docs/kata.md, row 3) while PID 1 still
 * supervises it. Its cgroup's pids.max and memory.max stay below the
 * machine's, so a runaway agent, and every container it makes, meets a
 * limit while PID 1 can still shut down.
 * Reads: b->path.agent, pid_max, MemTotal, cgroup.controllers. Changes:
 * creates and limits the cgroup sealroot-agent and its leaf agent; starts
 * the child (spawn.h) with the signal mask PID 1 started with, stdin on
 * /dev/null and a fixed, clean environment; the child makes its mounts
 * private and mounts its own /proc and cgroup2.
 * On failure: a missing or unexecutable agent, a cgroup that cannot be set
 * up or a namespace the child cannot set up fails the step; an exec error
 * is reported as "exec <agent>".
 */
#ifndef SEALROOT_AGENT_H
#define SEALROOT_AGENT_H

#include "boot.h"

int step_agent(struct boot *b);

#endif
