/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jcs: the JSON Canonicalization Scheme (RFC 8785) of a json-c value, which
 * is what the KBS hashes into the report data (reference/kbs-protocol.md).
 * Reads: a json-c tree. Changes: nothing. On failure: -EINVAL for what JCS
 * cannot represent the same way on both sides (doubles, integers beyond
 * 2^53, invalid UTF-8, nesting deeper than JCS_MAX_DEPTH), -ENOMEM.
 */
#ifndef SEALROOT_JCS_H
#define SEALROOT_JCS_H

#include <stddef.h>

#include <json-c/json.h>

enum { JCS_MAX_DEPTH = 64 };

/*
 * Object members sorted by their names' UTF-16 code units; no whitespace;
 * strings escaped as ECMAScript's JSON.stringify does (only '"', '\\' and
 * U+0000..U+001F; '/' and non-ASCII as they are). *out is malloc'd and
 * NUL-terminated; *len excludes the NUL.
 */
int jcs_serialize(struct json_object *v, char **out, size_t *len);

#endif
