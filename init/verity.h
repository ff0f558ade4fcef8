/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verity: proves that / is the dm-verity device the measured command line
 * names, before anything on it is trusted further.
 * Reads: stat("/"), /sys/dev/block/<maj:min>/uevent, the active
 * device-mapper table and status (libdevmapper), and with verity_scan=full
 * every block of the root device.
 * Changes: nothing.
 * On failure: / not on device-mapper, not a verity target, a root hash other
 * than sealroot.roothash, a writable root, or any corrupted block fails it.
 */
#ifndef SEALROOT_VERITY_H
#define SEALROOT_VERITY_H

#include <stddef.h>

#include "boot.h"

/* A dm-verity table line, as the kernel reports it (DM_TABLE_STATUS). */
struct verity_table {
	unsigned version;
	unsigned data_block_size, hash_block_size;
	unsigned long long data_blocks, hash_start;
	char algorithm[16];
	char root_hash[ROOTHASH_HEX_MAX + 1];
	char salt[ROOTHASH_HEX_MAX + 1];
};

/*
 * Parses the params of a "verity" target:
 *   <version> <data dev> <hash dev> <data bs> <hash bs> <#blocks> <hash start>
 *   <algorithm> <root digest> <salt> [<#opt args> <opt args>...]
 * Strictly: every field present and well-formed. Returns 0 or -EINVAL with
 * a reason in err.
 */
int verity_parse_table(const char *params, struct verity_table *t, char *err,
		       size_t errlen);

int step_verity(struct boot *b);

#endif
