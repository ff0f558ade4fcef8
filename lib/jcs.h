/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jcs: the JSON Canonicalization Scheme (RFC 8785) of a json-c value: the
 * bytes whose hash is the report data (trustee
 * kbs/docs/kbs_attestation_protocol.md hashes the JCS of the runtime data).
 * Reads: a json-c tree. Changes: nothing outside its out-parameters.
 * On failure: -EINVAL for what it will not canonicalise (a double, an
 * integer beyond +-(2^53 - 1), invalid UTF-8, nesting deeper than
 * JCS_MAX_DEPTH), -ENOMEM; nothing is returned then.
 */
#ifndef SEALROOT_JCS_H
#define SEALROOT_JCS_H

#include <stddef.h>

#include <json-c/json.h>

enum {
	JCS_MAX_DEPTH = 64,                     /* nested arrays and objects */
};

/* RFC 8785 3.2.2.3: integers beyond this would print as rounded doubles. */
#define JCS_MAX_SAFE_INT 9007199254740991LL

/*
 * Canonical JSON of v: object members sorted by their names' UTF-16 code
 * units; no whitespace; in strings only '"', '\\' and U+0000..U+001F are
 * escaped (\b \t \n \f \r, else \u00xx in lower case; '/' and non-ASCII
 * are written as they are); integers in decimal. Doubles are refused,
 * since nothing sealroot canonicalises holds one, and so are integers
 * outside +-JCS_MAX_SAFE_INT, which RFC 8785 would round. *out is malloc'd
 * and NUL-terminated (the caller frees); *len excludes the NUL.
 */
int jcs_serialize(struct json_object *v, char **out, size_t *len);

#endif
