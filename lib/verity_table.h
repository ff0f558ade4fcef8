/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verity_table: the parameters of a device-mapper "verity" target, as the
 * kernel reports them for the root device (DM_TABLE_STATUS). The table
 * comes from the dm-mod.create= line the host put on the command line.
 * Reads: the params text. Changes: nothing outside *t.
 * On failure: -EINVAL with one reason in err; every field must be present
 * and well-formed, nothing is guessed.
 */
#ifndef SEALROOT_VERITY_TABLE_H
#define SEALROOT_VERITY_TABLE_H

#include <stddef.h>

enum { ROOTHASH_HEX_MAX = 128 };  /* sha512 would be 128 hex digits */

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
 * (linux Documentation/admin-guide/device-mapper/verity.rst). The only
 * optional argument taken is restart_on_corruption or panic_on_corruption;
 * any other (ignore_corruption, check_at_most_once, ...) is refused.
 */
int verity_parse_table(const char *params, struct verity_table *t, char *err,
		       size_t errlen);

#endif
