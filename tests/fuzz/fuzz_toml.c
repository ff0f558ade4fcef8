// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: toml_parse() on arbitrary bytes. A tree that results is
 * walked completely (every key, string byte, integer and boolean, every
 * nested table and array) so ASan sees all of its memory, then freed, so
 * LeakSanitizer sees every error path free what it built. It also checks
 * what toml.h promises: an error has a position and a reason, strings and
 * keys are NUL-terminated at their length, and toml_get() finds each key
 * (the first one with that C-string prefix, as keys may hold NUL).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink;

static void touch(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sink += (unsigned char)s[i];
	if (s[len] != '\0')
		abort();
}

/* The tree is at most about 3 * TOML_MAX_DEPTH deep, so recursion is fine. */
static void walk(const struct toml_node *n, unsigned depth)
{
	const struct toml_node *v;
	const char *s;
	size_t i, len;
	int64_t num;
	bool b;

	if (depth > 4 * TOML_MAX_DEPTH)
		abort();
	switch (toml_type(n)) {
	case TOML_TABLE:
		if (toml_count(n) > TOML_MAX_ENTRIES)
			abort();
		for (i = 0; i < toml_count(n); i++) {
			s = toml_key(n, i, &len);
			v = toml_at(n, i);
			if (!s || !v)
				abort();
			touch(s, len);
			if (len == strlen(s) && !toml_get(n, s))
				abort();
			walk(v, depth + 1);
		}
		break;
	case TOML_ARRAY:
	case TOML_TABLE_ARRAY:
		if (toml_count(n) > TOML_MAX_ENTRIES || toml_key(n, 0, NULL))
			abort();
		for (i = 0; i < toml_count(n); i++) {
			v = toml_at(n, i);
			if (toml_type(n) == TOML_ARRAY ? toml_type(v) != TOML_STRING :
							 toml_type(v) != TOML_TABLE)
				abort();
			walk(v, depth + 1);
		}
		break;
	case TOML_STRING:
		s = toml_string(n, &len);
		if (!s)
			abort();
		touch(s, len);
		break;
	case TOML_INTEGER:
		if (!toml_integer(n, &num))
			abort();
		sink += (unsigned)num;
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
	struct toml_node *root;

	root = toml_parse((const char *)data, size, &err);
	if (!root) {
		if (err.line < 1 || err.column < 1 || !err.msg[0] ||
		    !memchr(err.msg, '\0', sizeof(err.msg)))
			abort();
		return 0;
	}
	if (toml_type(root) != TOML_TABLE)
		abort();
	walk(root, 0);
	toml_free(root);
	return 0;
}
