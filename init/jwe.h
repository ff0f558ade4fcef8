/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jwe: decrypts the flattened JWE a Trustee KBS sends for a resource
 * (reference/kbs-protocol.md): ECDH-ES+A256KW with an EC P-256 key, or
 * RSA-OAEP-256 with an RSA key, and A256GCM with the protected header as
 * AAD. Reads: the reply body (hostile: at most JWE_MAX_BODY bytes, parsed
 * strictly) and our private key. Changes: nothing. On failure: -EINVAL for
 * a malformed or unsupported JWE, -EBADMSG when the key unwrap or the GCM
 * tag fails; no plaintext is returned then, and every intermediate key is
 * cleansed on every path.
 */
#ifndef SEALROOT_JWE_H
#define SEALROOT_JWE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

enum { JWE_MAX_BODY = 1 << 20 };

/*
 * *pt comes from OPENSSL_secure_malloc (the secure heap when initialised,
 * else plain memory); the caller frees it with OPENSSL_secure_clear_free().
 */
int jwe_decrypt(EVP_PKEY *key, const char *json, size_t len, uint8_t **pt, size_t *pt_len,
		char *err, size_t errlen);

/*
 * Strict base64url without padding (RFC 7515 section 2): only
 * [A-Za-z0-9_-], no '=', no whitespace, no non-zero trailing bits.
 */
int b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

#endif
