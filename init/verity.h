/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verity: proves that / is the dm-verity device the measured command line
 * names, before anything on it is trusted further; or, with
 * sealroot.root=initramfs, that / is the initramfs the kernel unpacked.
 * Reads: stat("/"), /sys/dev/block/<maj:min>/uevent, the active
 * device-mapper table and status (libdevmapper), and with verity_scan=full
 * every block of the root device.
 * Changes: nothing on a verity root; an initramfs root is remounted
 * read-only.
 * On failure: / not on device-mapper, not a verity target, a root hash other
 * than sealroot.roothash, a writable root, or any corrupted block fails it;
 * so does an initramfs root that is not ramfs or tmpfs.
 */
#ifndef SEALROOT_VERITY_H
#define SEALROOT_VERITY_H

#include "boot.h"
#include "verity_table.h"

int step_verity(struct boot *b);

#endif
