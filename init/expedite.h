/* SPDX-License-Identifier: Apache-2.0 */
/*
 * expedite: RCU grace periods expedited for PID 1's part of the boot.
 *
 * The kernel expedites its grace periods while it boots and stops just
 * before it runs init (Linux 6.12 kernel/rcu/update.c,
 * rcu_end_inkernel_boot). The init's own boot then waits for ordinary
 * ones: moving a process into a cgroup (cgroup.procs) and enabling
 * controllers in a cgroup with tasks below it (cgroup.subtree_control)
 * take the cgroup threadgroup lock for writing (kernel/cgroup/cgroup.c,
 * cgroup_attach_lock, cgroup_update_dfl_csses), and a percpu rwsem's
 * writer waits for a grace period unless another writer passed one
 * moments before (kernel/locking/percpu-rwsem.c percpu_down_write,
 * kernel/rcu/sync.c rcu_sync_enter). The agent step makes three such
 * writes; with one vCPU and HZ=250 an ordinary grace period costs a few
 * ticks.
 *
 * step_expedite turns expediting on when it is off, and the agent's child
 * turns it off again right before the exec: the agent starts with what
 * the command line chose. Kata's Go runtime boots its x86_64 guests with
 * rcupdate.rcu_expedited=1 (virtcontainers/qemu_amd64.go kernelParams;
 * not on s390x, nor runtime-rs); that setting is left as it is, for the
 * pod's whole life.
 *
 * Reads and changes: /sys/kernel/rcu_expedited (b->path.rcu_expedited);
 * sets b->rcu_expedited when it turned expediting on.
 * On failure: step_expedite never fails the boot (the setting is a matter
 * of time, and a kernel without the file only boots slower; one line says
 * so). expedite_end's failure fails the agent's start, so that expediting
 * the init turned on never reaches the pod.
 */
#ifndef SEALROOT_EXPEDITE_H
#define SEALROOT_EXPEDITE_H

#include "boot.h"

int step_expedite(struct boot *b);

/* Turns expediting off at path; in the agent's child, which calls it only
 * when b->rcu_expedited is set. Only system calls: nothing is logged.
 * Returns 0 or -errno. */
int expedite_end(const char *path);

#endif
