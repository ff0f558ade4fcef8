// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: init/toml.c on arbitrary bytes. A tree that parses is
 * walked completely (every key, value and string byte) before it is freed,
 * so ASan sees any bad pointer or length the parser hands out.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned sink;

static void walk(const struct toml_node *n, unsigned depth)
{
	const char *s;
	size_t i, len;
	int64_t v;
	bool b;

	if (depth > 2 * TOML_MAX_DEPTH + 2)
		abort(); /* deeper than any document can make */
	switch (toml_type(n)) {
	case TOML_TABLE:
		for (i = 0; i < toml_count(n); i++) {
			s = toml_key(n, i, &len);
			if (!s || s[len] != '\0')
				abort();
			sink += len ? (unsigned char)s[len - 1] : 0;
			if (toml_get(n, s) == NULL && memchr(s, '\0', len) == NULL)
				abort(); /* a key it listed but cannot find */
			walk(toml_at(n, i), depth + 1);
		}
		break;
	case TOML_ARRAY:
	case TOML_TABLE_ARRAY:
		for (i = 0; i < toml_count(n); i++)
			walk(toml_at(n, i), depth + 1);
		break;
	case TOML_STRING:
		s = toml_string(n, &len);
		if (!s || s[len] != '\0')
			abort();
		for (i = 0; i < len; i++)
			sink += (unsigned char)s[i];
		break;
	case TOML_INTEGER:
		if (!toml_integer(n, &v))
			abort();
		sink += (unsigned)v;
		break;
	case TOML_BOOLEAN:
		if (!toml_boolean(n, &b))
			abort();
		sink += b;
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct toml_error err;
	struct toml_node *root = toml_parse((const char *)data, size, &err);

	if (root) {
		walk(root, 0);
		toml_free(root);
	} else if (err.line == 0 || err.column == 0 || err.msg[0] == '\0') {
		abort(); /* every rejection says where and why */
	}
	return 0;
}
