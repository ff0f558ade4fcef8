/* SPDX-License-Identifier: Apache-2.0 */
/*
 * toml: a strict parser for the TOML 1.0 subset that initdata documents use.
 * Reads: a byte buffer (the host-supplied document). Changes: nothing; it
 * returns a freshly allocated tree. On failure: returns NULL and fills
 * struct toml_error with a 1-based line and column and a reason; it never
 * guesses and never returns a partial tree.
 *
 * The subset: basic, literal and multi-line strings with every TOML 1.0
 * escape; integers (decimal, 0x, 0o, 0b, underscores) and booleans; tables,
 * arrays of tables, dotted and quoted keys; arrays whose elements are all
 * strings; comments. Everything else (floats, dates and times, inline
 * tables, arrays of non-strings) is rejected as unsupported, as are invalid
 * UTF-8, bare CR, control characters, duplicate keys and tables defined
 * twice. Limits (below) bound time and memory on hostile input.
 */
#ifndef SEALROOT_TOML_H
#define SEALROOT_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	TOML_MAX_INPUT = 1 << 20,   /* bytes: initdata's decompressed cap */
	TOML_MAX_ENTRIES = 4096,    /* keys per table, elements per array */
	TOML_MAX_DEPTH = 32,        /* components in one key or header */
};

enum toml_type {
	TOML_TABLE,
	TOML_ARRAY,        /* of strings only */
	TOML_TABLE_ARRAY,  /* [[name]]: an array of tables */
	TOML_STRING,
	TOML_INTEGER,
	TOML_BOOLEAN,
};

struct toml_node;

struct toml_error {
	unsigned line;    /* 1-based */
	unsigned column;  /* 1-based, in bytes from the start of the line */
	char msg[160];
};

/*
 * Parses len bytes at src (no NUL terminator needed; a NUL byte in the input
 * is an error). Returns the root table, or NULL with *err filled (ENOMEM is
 * reported as a message too).
 */
struct toml_node *toml_parse(const char *src, size_t len, struct toml_error *err);

/* Frees a tree from toml_parse(); NULL is fine. */
void toml_free(struct toml_node *root);

enum toml_type toml_type(const struct toml_node *n);

/*
 * Tables and arrays. toml_count() is the number of entries of a table, or of
 * elements of an array or table array (0 for scalars). toml_key() returns the
 * i-th key of a table in document order, its length in *len (keys may hold
 * any Unicode scalar, NUL included, so use the length). toml_at() returns the
 * i-th value of a table, or the i-th element of an array or table array.
 */
size_t toml_count(const struct toml_node *n);
const char *toml_key(const struct toml_node *table, size_t i, size_t *len);
const struct toml_node *toml_at(const struct toml_node *n, size_t i);

/* The value under key (a single key, not dotted) in table, or NULL. */
const struct toml_node *toml_get(const struct toml_node *table, const char *key);

/*
 * Scalars. toml_string() returns the decoded UTF-8 bytes, NUL-terminated,
 * with the length in *len (which counts an embedded \u0000). Each returns
 * NULL / false when n is not of that type.
 */
const char *toml_string(const struct toml_node *n, size_t *len);
bool toml_integer(const struct toml_node *n, int64_t *out);
bool toml_boolean(const struct toml_node *n, bool *out);

#endif
