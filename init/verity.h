/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verity: proves that / is the dm-verity device the measured command line
 * names, before anything on it is trusted further; or, with
 * sealroot.root=initramfs, that / is the initramfs the kernel unpacked.
 * Reads: stat("/"), /sys/dev/block/<maj:min>/uevent, the active
 * device-mapper table and status (a DM_TABLE_STATUS ioctl on
 * /dev/mapper/control), and with verity_scan=full
 * every block of the root device: in a thread that step_verity starts and
 * step_verity_scan, the step before the agent, joins.
 * Changes: nothing on a verity root; an initramfs root is remounted
 * read-only.
 * On failure: / not on device-mapper, not a verity target, a root hash other
 * than sealroot.roothash, a writable root, or any corrupted block fails it;
 * so does an initramfs root that is not ramfs or tmpfs.
 */
#ifndef SEALROOT_VERITY_H
#define SEALROOT_VERITY_H

#include <sys/types.h>

#include "boot.h"
#include "verity_table.h"

int step_verity(struct boot *b);

/*
 * Waits for the full scan step_verity started (none: nothing to do), then
 * checks the target's status again. A bad block fails it with "root <node>
 * corrupted near byte N (dm-verity refused the block)"; so does a "C"
 * status. Runs before the agent, so nothing the agent would run starts on a
 * root with a bad block.
 */
int step_verity_scan(struct boot *b);

/*
 * Reads every block of the block device node (whose number must be dev,
 * unless dev is 0), so dm-verity checks each now, not later: the first bad
 * one fails the step with "<what> <node> corrupted near byte N". Logs the
 * bytes scanned.
 */
int verity_read_all(struct boot *b, const char *what, const char *node, dev_t dev);

/*
 * Whether the root hash in the kernel's verity table (active) is the one the
 * measured command line names (measured): the same hex digits, the same
 * length. Both are lower case (the kernel prints the digest with "%02x",
 * lib/kcmdline.c takes only lower case), so a digit in upper case is a
 * different hash, not folded. An empty hash matches nothing.
 */
bool verity_root_hash_equal(const char *active, const char *measured);

#endif
