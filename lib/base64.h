/* SPDX-License-Identifier: Apache-2.0 */
/*
 * base64: strict decoders for the two alphabets of RFC 4648 (standard,
 * section 4, padded: the SE request and TPM bodies; URL-safe, section 5,
 * unpadded as RFC 7515 section 2 uses it: JWE members) and their encoders.
 * Reads: the text given (bytes from the KBS: hostile). Changes: only the
 * output buffer.
 * On failure: -EINVAL for any byte outside the alphabet, a length no
 * encoding has, misplaced padding or non-zero unused bits in the last
 * character (so each byte string has exactly one accepted encoding);
 * the room errors are below. An encoder returns NULL when out of memory.
 */
#ifndef SEALROOT_BASE64_H
#define SEALROOT_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Standard alphabet, padded to a multiple of 4. -EFBIG when the decoded
 * size is above cap, checked before anything is written. */
int b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* URL-safe alphabet, no '='. -ENOSPC when the decoded size
 * ((len * 3) / 4 at most) is above cap, checked before anything is written. */
int b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* How many characters at the start of in[0..len) are in the URL-safe alphabet. */
size_t b64url_span(const char *in, size_t len);

/* The encodings of in[0..n) as malloc'd NUL-terminated strings: standard
 * with padding, and URL-safe without. */
char *b64_encode(const uint8_t *in, size_t n);
char *b64url_encode(const uint8_t *in, size_t n);

#endif
