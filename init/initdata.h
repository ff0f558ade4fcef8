/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initdata: the boot step that finds, measures, binds and exposes the
 * workload owner's initdata: Kata's initdata block on a disk the host
 * attaches (lib/initdata_format.h), whose TOML digest the TEE binds (and
 * the measured command line, with sealroot.initdata_digest, checked before
 * the TOML is parsed), and whose [data] files Kata's agent and the
 * attestation read. With no initdata the TEE checks that too (tee.h's
 * no_initdata).
 * Reads: /sys/block and the virtio and SCSI disks in /dev, b->tee, b->cfg.
 * Changes: writes initdata.toml and one file per [data] entry, 0400, into
 * the 0700 directory /run/confidential-containers/initdata on tmpfs;
 * the TEE's bind or no_initdata may extend a PCR or RTMR; fills
 * b->initdata and b->attest (sealroot.toml and the KBS, lib/config.h).
 * On failure: the step fails (power off). Nothing is written before the
 * whole document has been checked and its digest bound.
 */
#ifndef SEALROOT_INITDATA_H
#define SEALROOT_INITDATA_H

#include "boot.h"

int step_initdata(struct boot *b);

/* The step's last part: writes initdata.toml and every [data] entry of
 * b->initdata.doc into b->path.initdata_dir, checking each name again right
 * before it becomes a path. */
int initdata_expose(struct boot *b);

#endif
