// SPDX-License-Identifier: Apache-2.0
/* extension: see extension.h. */
#include "extension.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errf.h"
#include "hex.h"

bool extension_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len < 1 || len > EXT_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '-' && c != '_')))
			return false;
	}
	return true;
}

/* Decimal digits, no sign, no leading zero, value in lo..hi. */
static int decimal(const char *s, size_t n, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20 || (s[0] == '0' && n > 1))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int block_size(const char *s, size_t n, unsigned *out)
{
	uint64_t v;

	if (decimal(s, n, 512, 4096, &v) < 0 || (v & (v - 1)) != 0)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int extension_verity_params(const char *val, struct extension *e, char *err, size_t errlen)
{
	static const char *const fields[] = { "root_hash", "salt", "data_blocks", "data_block_size",
					      "hash_block_size" };
	enum { N_FIELDS = sizeof(fields) / sizeof(fields[0]) };
	bool seen[N_FIELDS] = { false };
	const char *p = val, *end, *eq;
	size_t i, klen, vlen;
	uint64_t blocks;
	int r;

	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			return errf(err, errlen, -EINVAL, "verity_params: \"%.*s\" is not field=value",
				    (int)(end - p > 40 ? 40 : end - p), p);
		klen = (size_t)(eq - p);
		for (i = 0; i < N_FIELDS; i++)
			if (strlen(fields[i]) == klen && memcmp(fields[i], p, klen) == 0)
				break;
		if (i == N_FIELDS)
			return errf(err, errlen, -EINVAL, "verity_params: unknown field \"%.*s\"",
				    (int)(klen > 32 ? 32 : klen), p);
		if (seen[i])
			return errf(err, errlen, -EINVAL, "verity_params: %s given twice", fields[i]);
		seen[i] = true;
		eq++;
		vlen = (size_t)(end - eq);
		r = 0;
		switch (i) {
		case 0:
			if (vlen != EXT_ROOT_HASH_HEX || hex_lower_span(eq, vlen) != vlen)
				r = -EINVAL;
			if (r == 0) {
				memcpy(e->root_hash, eq, vlen);
				e->root_hash[vlen] = '\0';
			}
			break;
		case 1:
			if (vlen < 2 || vlen > EXT_SALT_HEX_MAX || vlen % 2 || hex_lower_span(eq, vlen) != vlen)
				r = -EINVAL;
			if (r == 0) {
				memcpy(e->salt, eq, vlen);
				e->salt[vlen] = '\0';
			}
			break;
		case 2:
			r = decimal(eq, vlen, 1, (uint64_t)1 << 40, &blocks);
			if (r == 0)
				e->data_blocks = blocks;
			break;
		case 3:
			r = block_size(eq, vlen, &e->data_block_size);
			break;
		default:
			r = block_size(eq, vlen, &e->hash_block_size);
			break;
		}
		if (r < 0)
			return errf(err, errlen, -EINVAL, "verity_params: %s \"%.*s\" is malformed",
				    fields[i], (int)(vlen > 80 ? 80 : vlen), eq);
		if (*end == '\0')
			break;
		p = end + 1;
		if (*p == '\0')
			return errf(err, errlen, -EINVAL, "verity_params: a trailing comma");
	}
	for (i = 0; i < N_FIELDS; i++)
		if (!seen[i])
			return errf(err, errlen, -EINVAL, "verity_params: no %s", fields[i]);
	e->measured = true;
	return 0;
}

int extension_parse(const char *key, const char *val, struct extension *e, char *err,
		    size_t errlen)
{
	const char *name = key + strlen(EXT_PREFIX), *dot;
	size_t n;

	memset(e, 0, sizeof(*e));
	if (strncmp(key, EXT_PREFIX, strlen(EXT_PREFIX)) != 0)
		return errf(err, errlen, -EINVAL, "\"%.64s\" is not a " EXT_PREFIX "* key", key);
	dot = strchr(name, '.');
	n = dot ? (size_t)(dot - name) : strlen(name);
	if (!extension_name_ok(name, n))
		return errf(err, errlen, -EINVAL, "\"%.64s\": the extension name is not 1..%d of "
			    "[a-z0-9_-] starting with a letter or digit", key, EXT_NAME_MAX);
	if (!dot || strcmp(dot + 1, EXT_KEY) != 0)
		return errf(err, errlen, -EINVAL, "unknown key \"%.64s\" (only " EXT_PREFIX
			    "<name>." EXT_KEY ")", key);
	memcpy(e->name, name, n);
	e->name[n] = '\0';
	/* A bare key or an empty value: an unmeasured extension. */
	if (!val || !*val)
		return 0;
	return extension_verity_params(val, e, err, errlen);
}

enum extension_action extension_action(bool hash_partition, bool measured)
{
	if (hash_partition)
		return measured ? EXT_VERIFY : EXT_REFUSE_STRIPPED;
	return measured ? EXT_REFUSE_NO_HASH : EXT_RAW;
}
