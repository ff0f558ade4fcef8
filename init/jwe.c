// SPDX-License-Identifier: Apache-2.0
/*
 * jwe: see jwe.h. RFC 7516 (flattened JSON serialization), RFC 7518
 * sections 4.3 (RSA-OAEP-256), 4.6 (ECDH-ES+A256KW, Concat KDF) and 5.3
 * (A256GCM), RFC 3394 (AES key unwrap).
 */
#include "jwe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rsa.h>

#define JSON_DEPTH 8

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0, v;

	if (len % 4 == 1)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		v = b64val(in[i]);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -EFBIG;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* The leftover bits of a canonical encoding are zero. */
	if (bits && (acc & ((1u << bits) - 1)))
		return -EINVAL;
	*out_len = n;
	return 0;
}

/* A member that must be a base64url string; decoded into a fresh buffer. */
static int member(struct json_object *o, const char *name, uint8_t **out, size_t *n,
		  char *err, size_t errlen)
{
	struct json_object *m;
	size_t len;
	int r;

	*out = NULL;
	if (!json_object_object_get_ex(o, name, &m) || !json_object_is_type(m, json_type_string)) {
		snprintf(err, errlen, "JWE member %s missing or not a string", name);
		return -EINVAL;
	}
	len = (size_t)json_object_get_string_len(m);
	*out = OPENSSL_malloc(len ? len : 1);
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = b64url_decode(json_object_get_string(m), len, *out, len ? len : 1, n);
	if (r < 0) {
		OPENSSL_free(*out);
		*out = NULL;
		snprintf(err, errlen, "JWE member %s is not base64url", name);
		return -EINVAL;
	}
	return 0;
}

static struct json_object *parse(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	struct json_object *o;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_tokener_get_parse_end(tok) != len || !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *str_member(struct json_object *o, const char *name)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, name, &m) || !json_object_is_type(m, json_type_string))
		return NULL;
	return json_object_get_string(m);
}

/* Concat KDF (RFC 7518 4.6.2) for ECDH-ES+A256KW: one SHA-256 round. */
static int concat_kdf(const uint8_t *z, size_t zlen, uint8_t kek[32])
{
	static const char alg[] = "ECDH-ES+A256KW";
	uint8_t buf[4 + 66 + 4 + sizeof(alg) - 1 + 4 + 4 + 4];
	size_t n = 0;
	unsigned int outlen = 0;
	int ok;

	if (zlen > 66)
		return -EINVAL;
	memcpy(buf + n, "\0\0\0\1", 4);               /* round 1 */
	n += 4;
	memcpy(buf + n, z, zlen);
	n += zlen;
	memcpy(buf + n, "\0\0\0\x0e", 4);             /* AlgorithmID: len 14 */
	n += 4;
	memcpy(buf + n, alg, sizeof(alg) - 1);
	n += sizeof(alg) - 1;
	memcpy(buf + n, "\0\0\0\0\0\0\0\0", 8);       /* PartyUInfo, PartyVInfo: empty */
	n += 8;
	memcpy(buf + n, "\0\0\1\0", 4);               /* SuppPubInfo: 256 bits */
	n += 4;
	ok = EVP_Digest(buf, n, kek, &outlen, EVP_sha256(), NULL) == 1 && outlen == 32;
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok ? 0 : -EIO;
}

/* Our EC key agreed with the epk from the header: the KEK. */
static int ecdh_kek(EVP_PKEY *key, struct json_object *epk, uint8_t kek[32], char *err,
		    size_t errlen)
{
	uint8_t x[40], y[40], point[65], z[66];
	size_t xn = 0, yn = 0, zn = sizeof(z);
	const char *kty, *crv, *xs, *ys;
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = NULL, *dctx = NULL;
	EVP_PKEY *peer = NULL;
	int r = -EINVAL;

	kty = str_member(epk, "kty");
	crv = str_member(epk, "crv");
	xs = str_member(epk, "x");
	ys = str_member(epk, "y");
	if (!kty || !crv || !xs || !ys || strcmp(kty, "EC") != 0 || strcmp(crv, "P-256") != 0) {
		snprintf(err, errlen, "JWE epk is not an EC P-256 key");
		return -EINVAL;
	}
	if (b64url_decode(xs, strlen(xs), x, sizeof(x), &xn) < 0 || xn != 32 ||
	    b64url_decode(ys, strlen(ys), y, sizeof(y), &yn) < 0 || yn != 32) {
		snprintf(err, errlen, "JWE epk coordinates are not 32 bytes of base64url");
		return -EINVAL;
	}
	point[0] = 0x04;
	memcpy(point + 1, x, 32);
	memcpy(point + 33, y, 32);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &peer, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		snprintf(err, errlen, "JWE epk is not a point on P-256");
		goto out;
	}
	EVP_PKEY_CTX_free(ctx);
	/* fromdata does not check the point; do it, or ECDH could leak bits. */
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, peer, NULL);
	if (!ctx || EVP_PKEY_public_check(ctx) != 1) {
		snprintf(err, errlen, "JWE epk is not a point on P-256");
		goto out;
	}
	dctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (!dctx || EVP_PKEY_derive_init(dctx) <= 0 || EVP_PKEY_derive_set_peer(dctx, peer) <= 0 ||
	    EVP_PKEY_derive(dctx, z, &zn) <= 0 || zn != 32) {
		snprintf(err, errlen, "ECDH with the JWE epk failed (is our key EC P-256?)");
		goto out;
	}
	r = concat_kdf(z, zn, kek);
	if (r < 0)
		snprintf(err, errlen, "Concat KDF failed");
out:
	OPENSSL_cleanse(z, sizeof(z));
	EVP_PKEY_CTX_free(dctx);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	return r;
}

/* RFC 3394 unwrap of a 256-bit CEK. */
static int unwrap(const uint8_t kek[32], const uint8_t *wrapped, size_t n, uint8_t cek[32])
{
	EVP_CIPHER_CTX *c;
	int outl = 0, fin = 0, ok;
	uint8_t out[40];

	if (n != 40)
		return -EINVAL;
	c = EVP_CIPHER_CTX_new();
	if (!c)
		return -ENOMEM;
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	ok = EVP_DecryptInit_ex(c, EVP_aes_256_wrap(), NULL, kek, NULL) == 1 &&
	     EVP_DecryptUpdate(c, out, &outl, wrapped, (int)n) == 1 &&
	     EVP_DecryptFinal_ex(c, out + outl, &fin) == 1 && outl + fin == 32;
	if (ok)
		memcpy(cek, out, 32);
	OPENSSL_cleanse(out, sizeof(out));
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -EBADMSG;
}

static int rsa_cek(EVP_PKEY *key, const uint8_t *ek, size_t n, uint8_t cek[32])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	uint8_t out[512];
	size_t outlen = sizeof(out);
	int ok;

	ok = ctx && EVP_PKEY_decrypt_init(ctx) > 0 &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) > 0 &&
	     EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) > 0 &&
	     EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) > 0 &&
	     EVP_PKEY_decrypt(ctx, out, &outlen, ek, n) > 0 && outlen == 32;
	if (ok)
		memcpy(cek, out, 32);
	OPENSSL_cleanse(out, sizeof(out));
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -EBADMSG;
}

static int gcm_decrypt(const uint8_t cek[32], const uint8_t *iv, const char *aad, size_t aad_len,
		       const uint8_t *ct, size_t ct_len, const uint8_t *tag, uint8_t *pt)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl = 0, fin = 0, ok;

	if (!c)
		return -ENOMEM;
	ok = EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_DecryptInit_ex(c, NULL, NULL, cek, iv) == 1 &&
	     EVP_DecryptUpdate(c, NULL, &outl, (const uint8_t *)aad, (int)aad_len) == 1 &&
	     (ct_len == 0 || EVP_DecryptUpdate(c, pt, &outl, ct, (int)ct_len) == 1) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) == 1 &&
	     EVP_DecryptFinal_ex(c, pt + (ct_len ? outl : 0), &fin) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -EBADMSG;
}

int jwe_decrypt(EVP_PKEY *key, const char *json, size_t len, uint8_t **pt, size_t *pt_len,
		char *err, size_t errlen)
{
	static const char *const allowed[] = { "protected", "encrypted_key", "iv", "ciphertext", "tag" };
	struct json_object *o = NULL, *hdr = NULL, *epk;
	uint8_t *prot = NULL, *ek = NULL, *iv = NULL, *ct = NULL, *tag = NULL, *out = NULL;
	size_t prot_n, ek_n, iv_n, ct_n, tag_n, i;
	uint8_t kek[32], cek[32];
	const char *alg, *enc, *prot_s;
	int r = -EINVAL;

	*pt = NULL;
	*pt_len = 0;
	if (!json || len == 0 || len > JWE_MAX_BODY || memchr(json, '\0', len)) {
		snprintf(err, errlen, "JWE body empty, binary or over %d bytes", JWE_MAX_BODY);
		return -EINVAL;
	}
	o = parse(json, len);
	if (!o) {
		snprintf(err, errlen, "reply is not a JSON object");
		return -EINVAL;
	}
	{
		struct json_object_iterator it = json_object_iter_begin(o);
		struct json_object_iterator end = json_object_iter_end(o);

		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
			const char *n = json_object_iter_peek_name(&it);

			for (i = 0; i < 5 && strcmp(n, allowed[i]) != 0; i++)
				;
			if (i == 5) {
				snprintf(err, errlen, "JWE has an unexpected member (only the flattened "
					 "protected, encrypted_key, iv, ciphertext and tag)");
				goto out;
			}
		}
	}
	if ((r = member(o, "protected", &prot, &prot_n, err, errlen)) < 0 ||
	    (r = member(o, "encrypted_key", &ek, &ek_n, err, errlen)) < 0 ||
	    (r = member(o, "iv", &iv, &iv_n, err, errlen)) < 0 ||
	    (r = member(o, "ciphertext", &ct, &ct_n, err, errlen)) < 0 ||
	    (r = member(o, "tag", &tag, &tag_n, err, errlen)) < 0)
		goto out;
	r = -EINVAL;
	if (iv_n != 12 || tag_n != 16) {
		snprintf(err, errlen, "JWE iv of %zu bytes or tag of %zu bytes (want 12 and 16)", iv_n, tag_n);
		goto out;
	}
	hdr = parse((const char *)prot, prot_n);
	alg = hdr ? str_member(hdr, "alg") : NULL;
	enc = hdr ? str_member(hdr, "enc") : NULL;
	if (!alg || !enc) {
		snprintf(err, errlen, "JWE protected header is not JSON with alg and enc");
		goto out;
	}
	if (strcmp(enc, "A256GCM") != 0) {
		snprintf(err, errlen, "JWE enc \"%.16s\" is not A256GCM", enc);
		goto out;
	}
	if (json_object_object_get_ex(hdr, "zip", NULL) || json_object_object_get_ex(hdr, "crit", NULL)) {
		snprintf(err, errlen, "JWE header asks for zip or crit, which are not supported");
		goto out;
	}
	if (strcmp(alg, "ECDH-ES+A256KW") == 0) {
		if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
			snprintf(err, errlen, "JWE alg ECDH-ES+A256KW but our key is not EC");
			goto out;
		}
		if (!json_object_object_get_ex(hdr, "epk", &epk) ||
		    !json_object_is_type(epk, json_type_object)) {
			snprintf(err, errlen, "JWE header has no epk");
			goto out;
		}
		r = ecdh_kek(key, epk, kek, err, errlen);
		if (r < 0)
			goto out;
		r = unwrap(kek, ek, ek_n, cek);
		if (r < 0) {
			snprintf(err, errlen, "JWE key unwrap failed (not for our key, or tampered)");
			goto out;
		}
	} else if (strcmp(alg, "RSA-OAEP-256") == 0) {
		if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
			snprintf(err, errlen, "JWE alg RSA-OAEP-256 but our key is not RSA");
			goto out;
		}
		r = rsa_cek(key, ek, ek_n, cek);
		if (r < 0) {
			snprintf(err, errlen, "JWE RSA-OAEP-256 key decryption failed");
			goto out;
		}
	} else {
		snprintf(err, errlen, "JWE alg \"%.24s\" is not ECDH-ES+A256KW or RSA-OAEP-256", alg);
		goto out;
	}
	out = OPENSSL_secure_malloc(ct_n ? ct_n : 1);
	if (!out) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto out;
	}
	/* AAD: the protected member exactly as received (RFC 7516 5.2 step 14). */
	prot_s = str_member(o, "protected");
	r = gcm_decrypt(cek, iv, prot_s, strlen(prot_s), ct, ct_n, tag, out);
	if (r < 0) {
		snprintf(err, errlen, "JWE AES-GCM tag mismatch: the reply was altered or is not for us");
		OPENSSL_secure_clear_free(out, ct_n ? ct_n : 1);
		out = NULL;
		goto out;
	}
	*pt = out;
	*pt_len = ct_n;
	out = NULL;
	r = 0;
out:
	OPENSSL_cleanse(kek, sizeof(kek));
	OPENSSL_cleanse(cek, sizeof(cek));
	OPENSSL_free(prot);
	OPENSSL_free(ek);
	OPENSSL_free(iv);
	OPENSSL_free(ct);
	OPENSSL_free(tag);
	json_object_put(hdr);
	json_object_put(o);
	return r;
}
