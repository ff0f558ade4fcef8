/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storage: the encrypted scratch disk (docs/storage.md).
 * The disk is named by the measured configuration only: sealroot.scratch
 * on the command line or [storage] device in the initdata, as a virtio
 * serial (never the probe order, which the host controls) or /dev/<disk>.
 * It must be a whole, writable disk that nothing uses, of at least
 * STORAGE_MIN_BYTES. Keys: 64 bytes for AES-256-XTS and, with integrity,
 * 32 for HMAC-SHA256, from getrandom() (ephemeral) or derived with HKDF
 * from a key the KBS released (the disk then survives reboots). Layout:
 * no header of ours and no LUKS header: plain dm-crypt (aes-xts-plain64,
 * 4096-byte sectors), over a standalone dm-integrity (hmac-sha256, no
 * journal, no wipe) unless [storage] integrity = false; ext4 without a
 * journal from mke2fs. A dm-integrity superblock that is not exactly what
 * we format is refused before activation (storage_integrity_check).
 * Reads: /sys/block, the disk, b->storage_key. Changes: creates
 * sealroot-scratch[-integrity] device-mapper devices, formats, mounts.
 * On failure: the step fails (power off); what was set up is torn down
 * again and the key bytes are cleansed on every path.
 */
#ifndef SEALROOT_STORAGE_H
#define SEALROOT_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "boot.h"

enum {
	STORAGE_MIN_BYTES = 32 << 20,
	STORAGE_XTS_KEY = 64,
	STORAGE_HMAC_KEY = 32,
	STORAGE_KBS_KEY_MIN = 32,
};

#define STORAGE_DM_NAME "sealroot-scratch"
#define STORAGE_DM_INTEGRITY "sealroot-scratch-integrity"

int step_storage(struct boot *b);

/* Shutdown: unmounted by mounts_undo(); this removes the dm devices. */
void storage_teardown(struct boot *b);

/*
 * Finds the disk spec names (a serial, or /dev/<name>) under sys_block and
 * checks it: a whole disk (not a partition), no partitions, no holders,
 * writable, not the initdata disk (initdata_dev, "/dev/vdb" or ""), at
 * least STORAGE_MIN_BYTES. On success name is "vdc" and *bytes its size.
 */
int storage_find(const char *sys_block, const char *spec, const char *initdata_dev, char *name,
		 size_t cap, uint64_t *bytes, char *err, size_t errlen);

struct crypt_params_integrity;

/*
 * The dm-integrity parameters as libcryptsetup loaded them (ip, from
 * crypt_get_integrity_info) and the disk's superblock (sb, its first len
 * bytes) against exactly what the storage step formats: hmac(sha256) with a
 * 32-byte key, 32-byte tags, 4096-byte sectors, superblock version 5 with
 * the flags fix_padding and fix_hmac only (no recalculating, no bitmap, no
 * journal MAC). 0, or -EINVAL with err naming the field, its value and the
 * expected value.
 */
int storage_integrity_check(const struct crypt_params_integrity *ip, const uint8_t *sb, size_t len,
			    char *err, size_t errlen);

/* The XTS and HMAC keys from a KBS key: HKDF-SHA256 with fixed salt and info. */
int storage_derive(const uint8_t *ikm, size_t len, uint8_t xts[STORAGE_XTS_KEY],
		   uint8_t hmac[STORAGE_HMAC_KEY]);

#endif
