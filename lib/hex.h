/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hex: bytes to lower-case hex and back.
 * Reads: the buffers given. Changes: only the output buffer.
 * On failure: hex_decode() returns -EINVAL and leaves out undefined;
 * nothing else can fail.
 */
#ifndef SEALROOT_HEX_H
#define SEALROOT_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void hex_encode(const uint8_t *in, size_t n, char *out);

/* How many of the first n characters of s are lower-case hex digits, in a
 * row from the start: n when all are. */
size_t hex_lower_span(const char *s, size_t n);

/* The value of one hex digit (either case), or -1. */
int hex_digit(char c);

/* Exactly 2n hex digits (either case) in s, nothing after them, into n bytes. */
int hex_decode(const char *s, uint8_t *out, size_t n);

#endif
