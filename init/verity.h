/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verity: proves that / is the dm-verity device the measured command line
 * names, before anything on it is trusted further.
 * Reads: stat("/"), /sys/dev/block/<maj:min>/{dm/name,uevent}, the active
 * device-mapper table (libcryptsetup), and with verity_scan=full every block
 * of the root device.
 * Changes: nothing.
 * On failure: / not on device-mapper, not a verity target, a root hash other
 * than sealroot.roothash, a writable root, or any corrupted block fails it.
 */
#ifndef SEALROOT_VERITY_H
#define SEALROOT_VERITY_H

#include <stddef.h>

#include "boot.h"

/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void hex_encode(const unsigned char *in, size_t len, char *out);

int step_verity(struct boot *b);

#endif
