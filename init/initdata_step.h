/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initdata_step: the boot step that finds, measures, binds and exposes the
 * workload owner's initdata (reference/initdata.md).
 * Reads: /sys/block and the virtio and SCSI disks in /dev, the TEE (tee.h).
 * Changes: writes initdata.toml and one file per [data] entry, 0400, into
 * the 0700 directory /run/confidential-containers/initdata on tmpfs;
 * extends a PCR or RTMR where the TEE has no field; fills b->initdata.
 * On failure: the step fails (power off). Nothing is written before the
 * whole document has been checked and its digest bound.
 */
#ifndef SEALROOT_INITDATA_STEP_H
#define SEALROOT_INITDATA_STEP_H

#include "boot.h"

int step_initdata(struct boot *b);

#endif
