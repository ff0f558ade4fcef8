/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extension: Kata's guest extension images on the kernel command line
 * (kata-containers docs/design/composable-vm-images.md): one
 * kata.extension.<name>.verity_params[=<value>] word per extension the
 * runtime attached, the value empty for an unmeasured one, else
 *   root_hash=<hex>,salt=<hex>,data_blocks=<n>,data_block_size=<n>,hash_block_size=<n>
 * as Kata's image builder writes it (tools/osbuilder/image-builder/
 * image_builder.sh, build_kernel_verity_params).
 * Reads: the words given. Changes: nothing outside *e.
 * On failure: -EINVAL with one reason in err: an ill-formed name, an
 * unknown key or field, a field twice or missing, a bad number or hex.
 */
#ifndef SEALROOT_EXTENSION_H
#define SEALROOT_EXTENSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	/* The virtio-blk serial is "extension-<name>", and a virtio-blk
	 * serial holds at most 20 bytes (VIRTIO_BLK_ID_BYTES). */
	EXT_NAME_MAX = 10,
	EXT_MAX = 8,               /* extensions per guest */
	EXT_SALT_HEX_MAX = 512,    /* 256 bytes, veritysetup's limit */
	EXT_ROOT_HASH_HEX = 64,    /* sha256, the hash Kata's builder uses */
};

#define EXT_PREFIX "kata.extension."
#define EXT_KEY "verity_params"

struct extension {
	char name[EXT_NAME_MAX + 1];
	bool measured;                           /* a non-empty verity_params */
	char root_hash[EXT_ROOT_HASH_HEX + 1];   /* lower-case hex */
	char salt[EXT_SALT_HEX_MAX + 1];         /* lower-case hex, even length */
	uint64_t data_blocks;
	unsigned data_block_size, hash_block_size;
};

/*
 * A name as sealroot takes it: 1..EXT_NAME_MAX of [a-z0-9_-], starting
 * with a letter or digit (it becomes a path, a dm name and a serial).
 */
bool extension_name_ok(const char *name, size_t len);

/*
 * One command-line word whose key starts with EXT_PREFIX: key is the whole
 * key ("kata.extension.coco.verity_params"), val what follows '=' or NULL
 * for a bare key. Fills e. Only the verity_params key exists.
 */
int extension_parse(const char *key, const char *val, struct extension *e, char *err,
		    size_t errlen);

/*
 * The value of verity_params (non-empty): all five fields exactly once, in
 * any order; block sizes 512..4096 and powers of two, data_blocks
 * 1..2^40 in decimal without leading zeros, root_hash 64 lower-case hex
 * digits, salt 2..EXT_SALT_HEX_MAX lower-case hex digits, even.
 */
int extension_verity_params(const char *val, struct extension *e, char *err, size_t errlen);

/*
 * What to do with an extension disk, from its layout (whether it has the
 * hash partition, p2) against the measured command line (whether it gives
 * verity_params), as Kata's mount script decides it (src/agent/
 * kata-extension-mount.sh; composable-vm-images.md, "Integrity policy"):
 * the layout, not the command line alone, says whether it must be verified.
 */
enum extension_action {
	EXT_VERIFY,            /* hash partition and parameters: dm-verity, then mount */
	EXT_RAW,               /* neither: a genuinely unmeasured extension */
	EXT_REFUSE_STRIPPED,   /* hash partition, no parameters: they were stripped */
	EXT_REFUSE_NO_HASH,    /* parameters, no hash partition: nothing to verify */
};
enum extension_action extension_action(bool hash_partition, bool measured);

#endif
