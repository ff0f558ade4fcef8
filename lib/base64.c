// SPDX-License-Identifier: Apache-2.0
/*
 * base64: see base64.h. One decoder serves both alphabets; the encoders
 * are OpenSSL's EVP_EncodeBlock (standard alphabet, padded), translated
 * for the URL-safe form.
 */
#include "base64.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <openssl/evp.h>

static int value(unsigned char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/* The first byte of in[0..len) outside the alphabet, or len. */
static size_t span(const char *in, size_t len, bool url)
{
	size_t i;

	for (i = 0; i < len && value((unsigned char)in[i], url) >= 0; i++)
		;
	return i;
}

/*
 * Decodes n characters, all in the alphabet and with no padding, into
 * out, which has room for n * 6 / 8 bytes. RFC 4648 section 3.5: the bits
 * the last character carries beyond the last byte are zero in the one
 * canonical encoding.
 */
static int decode(const char *in, size_t n, bool url, uint8_t *out, size_t *out_len)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		acc = acc << 6 | (uint32_t)value((unsigned char)in[i], url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (acc != 0)
		return -EINVAL;
	*out_len = o;
	return 0;
}

int b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t pad = 0;

	if (len % 4)
		return -EINVAL;
	if (len && in[len - 1] == '=')
		pad = (len >= 2 && in[len - 2] == '=') ? 2 : 1;
	if (len / 4 * 3 - pad > cap)
		return -EFBIG;
	if (span(in, len - pad, false) != len - pad)
		return -EINVAL;
	return decode(in, len - pad, false, out, out_len);
}

int b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	if (len % 4 == 1 || span(in, len, true) != len)
		return -EINVAL;
	if (len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0) > cap)
		return -ENOSPC;
	return decode(in, len, true, out, out_len);
}

size_t b64url_span(const char *in, size_t len)
{
	return span(in, len, true);
}

char *b64_encode(const uint8_t *in, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	return out;
}

char *b64url_encode(const uint8_t *in, size_t n)
{
	char *out = b64_encode(in, n);
	size_t i;

	for (i = 0; out && out[i]; i++) {
		if (out[i] == '=') {
			out[i] = '\0';
			break;
		}
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	}
	return out;
}
