// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: extension_parse() (lib/extension.c) on arbitrary bytes
 * as one kata.extension.<name>.verity_params word of the kernel command
 * line, which the host writes (Kata appends it; the launch measurement
 * covers it, but the init parses it before anything checks that). Byte 0
 * says whether the word has a value; the rest is the name and, after the
 * first NUL, the value. It checks what extension.h promises: success only
 * with a valid name and either no parameters (unmeasured) or all five
 * fields re-checked independently here; failure is -EINVAL with a
 * NUL-terminated reason; the same result twice; extension_action() is the
 * table of Kata's mount script.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extension.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool hex_only(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static bool pow2_block(unsigned v)
{
	return v >= 512 && v <= 4096 && (v & (v - 1)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extension e, again;
	char *buf, key[96], err[256];
	const char *name, *val;
	size_t nlen;
	int r, r2;

	if (size < 1)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	name = buf;
	nlen = strlen(name);
	/* buf ends in a NUL at size - 1, so the value is always terminated. */
	val = NULL;
	if (data[0] & 1)
		val = nlen < size - 1 ? buf + nlen + 1 : buf + nlen;
	if (nlen > 40) {
		free(buf);
		return 0;
	}
	snprintf(key, sizeof(key), EXT_PREFIX "%s." EXT_KEY, name);
	memset(err, 'x', sizeof(err));
	r = extension_parse(key, val, &e, err, sizeof(err));
	r2 = extension_parse(key, val, &again, err, sizeof(err));
	if (r != r2)
		abort();
	if (r < 0) {
		if (r != -EINVAL || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		free(buf);
		return 0;
	}
	if (r != 0 || memcmp(&e, &again, sizeof(e)) != 0)
		abort();
	if (!extension_name_ok(e.name, strlen(e.name)) || strcmp(e.name, name) != 0 ||
	    strlen(e.name) > EXT_NAME_MAX)
		abort();
	if (e.measured != (val && *val))
		abort();
	if (e.measured &&
	    (strlen(e.root_hash) != EXT_ROOT_HASH_HEX || !hex_only(e.root_hash) ||
	     strlen(e.salt) < 2 || strlen(e.salt) % 2 || strlen(e.salt) > EXT_SALT_HEX_MAX ||
	     !hex_only(e.salt) || e.data_blocks < 1 || e.data_blocks > ((uint64_t)1 << 40) ||
	     !pow2_block(e.data_block_size) || !pow2_block(e.hash_block_size)))
		abort();
	if (extension_action(true, e.measured) != (e.measured ? EXT_VERIFY : EXT_REFUSE_STRIPPED) ||
	    extension_action(false, e.measured) != (e.measured ? EXT_REFUSE_NO_HASH : EXT_RAW))
		abort();
	free(buf);
	return 0;
}
