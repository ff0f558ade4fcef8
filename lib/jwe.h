/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jwe: decrypts the flattened JWE in which a Trustee KBS returns a resource
 * (what confidential-containers/trustee kbs/src/jwe/mod.rs writes: no aad
 * member): ECDH-ES+A256KW with an EC P-256 key or RSA-OAEP-256 with an RSA
 * key, content in A256GCM.
 * Reads: the reply body (hostile: at most JWE_MAX_BODY bytes, parsed
 * strictly) and our private key. Changes: nothing outside its out-parameters.
 * On failure: -EINVAL for a malformed or unsupported JWE, -EFBIG for an
 * oversized one, -EBADMSG when the key unwrap, the RSA-OAEP decryption or
 * the GCM tag fails, -ENOMEM; one reason goes into err, no plaintext is
 * returned, and every intermediate secret (Z, KEK, CEK) has been cleansed.
 */
#ifndef SEALROOT_JWE_H
#define SEALROOT_JWE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

enum {
	JWE_MAX_BODY = 16 << 20,        /* the JSON text, as HTTP_MAX_BODY */
	JWE_ERR = 256,                  /* a good size for err */
};

/*
 * Decrypts the flattened JWE json (len bytes, not NUL-terminated) with our
 * ephemeral private key. Exactly the members protected, encrypted_key, iv,
 * ciphertext and tag, all strings, in strict base64url (base64.h); anything
 * else (aad, unprotected, header, recipients) is refused. The protected
 * header holds exactly alg and enc, plus epk for ECDH-ES+A256KW:
 *   ECDH-ES+A256KW: key must be EC P-256; epk {kty EC, crv P-256, x, y}
 *     must be a valid P-256 point; Z = ECDH x-coordinate; KEK = Concat KDF
 *     (RFC 7518 4.6.2, empty PartyUInfo/PartyVInfo, 256 bits);
 *     CEK = AES-256 key unwrap (RFC 3394) of the 40-byte encrypted_key.
 *   RSA-OAEP-256: key must be RSA; CEK = RSA-OAEP (SHA-256, MGF1-SHA-256).
 * enc must be A256GCM, iv 12 bytes, tag 16 bytes, and the AAD is the ASCII
 * of the received protected string (RFC 7516 5.2 step 14).
 * On success *pt holds *pt_len bytes (never NULL, even when *pt_len is 0),
 * from OPENSSL_secure_malloc when the secure heap is initialised, else
 * from OPENSSL_malloc. Free it with OPENSSL_secure_clear_free(*pt, *pt_len),
 * which is right for both; OPENSSL_clear_free is right only while no secure
 * heap exists. On failure *pt is NULL and *pt_len 0; a tag mismatch is
 * -EBADMSG and the decrypted bytes have been wiped.
 */
int jwe_decrypt(EVP_PKEY *key, const char *json, size_t len, uint8_t **pt, size_t *pt_len,
		char *err, size_t errlen);

#endif
