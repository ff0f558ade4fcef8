/* SPDX-License-Identifier: Apache-2.0 */
/*
 * expedite: RCU grace periods expedited for PID 1's part of the boot.
 *
 * The kernel expedites its grace periods while it boots and stops just
 * before it runs init (Linux 6.12 kernel/rcu/update.c,
 * rcu_end_inkernel_boot). The init's own boot then waits for several
 * ordinary ones: moving a process into a cgroup (cgroup.procs) and
 * enabling controllers where tasks run (cgroup.subtree_control) take the
 * cgroup threadgroup lock for writing (kernel/cgroup/cgroup.c,
 * cgroup_attach_lock), and a percpu rwsem's writer waits a grace period
 * (kernel/locking/percpu-rwsem.c, percpu_down_write). The agent step makes
 * four such writes; with one vCPU and HZ=250 each ordinary grace period
 * costs a few ticks. The init expedites them from its second step to the
 * agent's exec; the agent runs with the kernel's default, as every process
 * after a boot does.
 *
 * Reads: nothing. Changes: /sys/kernel/rcu_expedited (b->path.rcu_expedited),
 * "1" from step_expedite, "0" again from expedite_end.
 * On failure: none. The setting is a matter of time, not of safety, so a
 * kernel without the file (or a write the kernel refuses) is logged, and the
 * boot goes on.
 */
#ifndef SEALROOT_EXPEDITE_H
#define SEALROOT_EXPEDITE_H

#include "boot.h"

int step_expedite(struct boot *b);

/* Back to the kernel's default; path is b->path.rcu_expedited (NULL: none).
 * Called in the agent's child, right before the exec. */
void expedite_end(const char *path);

#endif
