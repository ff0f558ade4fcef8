// SPDX-License-Identifier: Apache-2.0
/*
 * jwe: see jwe.h. RFC 7516 5.2 (decryption, flattened JSON serialization
 * 7.2.2), RFC 7518 4.3 (RSA-OAEP-256), 4.6 (ECDH-ES+A256KW, Concat KDF),
 * 5.3 (A256GCM) and RFC 3394 (AES key unwrap). Only the form Trustee's
 * kbs/src/jwe/mod.rs writes is accepted.
 */
#include "jwe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "base64.h"
#include "errf.h"

/* A reply in the general serialization nests 5 deep; parse it to name it. */
#define JSON_DEPTH 8
#define ALG_ECDH "ECDH-ES+A256KW"
#define ALG_RSA "RSA-OAEP-256"
#define ENC_GCM "A256GCM"

enum {
	IV_LEN = 12,
	TAG_LEN = 16,
	KEY_LEN = 32,                   /* A256KW KEK, A256GCM CEK */
	WRAPPED_LEN = KEY_LEN + 8,      /* RFC 3394: one extra block */
	P256_LEN = 32,                  /* a coordinate and Z */
	RSA_MAX = 1024,                 /* 8192-bit modulus */
};

/* A printable, bounded rendering of a sender-chosen string for err. */
static const char *quote(const char *s, size_t n, char out[48])
{
	size_t i, o = 0;

	for (i = 0; i < n && o < 36; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, 48 - o, "\\x%02x", c);
	}
	if (i < n)
		o += (size_t)snprintf(out + o, 48 - o, "...");
	out[o] = '\0';
	return out;
}

/* ---- base64url members ----------------------------------------------------- */

/* Why b64url_decode said -EINVAL, for err. */
static int b64_fail(const char *what, const char *s, size_t n, char *err, size_t errlen)
{
	size_t i = b64url_span(s, n);
	unsigned char c;

	if (i == n && n % 4 == 1)
		return errf(err, errlen, -EINVAL, "JWE %s: a length of %zu is not base64url", what, n);
	if (i == n)
		return errf(err, errlen, -EINVAL,
			    "JWE %s: the last character has non-zero unused bits (not canonical base64url)",
			    what);
	c = (unsigned char)s[i];
	if (c == '=')
		return errf(err, errlen, -EINVAL, "JWE %s: '=' padding at offset %zu (base64url here has none)",
			    what, i);
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return errf(err, errlen, -EINVAL, "JWE %s: whitespace at offset %zu is not base64url", what, i);
	if (c == '+' || c == '/')
		return errf(err, errlen, -EINVAL, "JWE %s: '%c' at offset %zu is base64, not base64url",
			    what, c, i);
	return errf(err, errlen, -EINVAL, "JWE %s: byte 0x%02x at offset %zu is not base64url", what, c, i);
}

/*
 * Decodes the base64url string s into out (cap bytes); want, if not 0, is
 * the exact decoded size the member must have.
 */
static int member_b64(const char *what, const char *s, size_t n, uint8_t *out, size_t cap,
		      size_t *out_len, size_t want, char *err, size_t errlen)
{
	int r = b64url_decode(s, n, out, cap, out_len);

	if (r == -ENOSPC)
		return errf(err, errlen, -EINVAL, "JWE %s is longer than %zu bytes", what, cap);
	if (r < 0)
		return b64_fail(what, s, n, err, errlen);
	if (want && *out_len != want)
		return errf(err, errlen, -EINVAL, "JWE %s is %zu bytes, want %zu", what, *out_len, want);
	return 0;
}

/* ---- JSON -------------------------------------------------------------------- */

/* *out: the one JSON object that fills s[0..n) but for whitespace. */
static int parse_object(const char *what, const char *s, size_t n, struct json_object **out,
			char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error je;
	int r = -EINVAL;

	*out = NULL;
	if (memchr(s, '\0', n))
		return errf(err, errlen, -EINVAL, "%s holds a NUL byte", what);
	tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok)
		return errf(err, errlen, -ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)n);
	je = json_tokener_get_error(tok);
	if (je == json_tokener_continue)
		errf(err, errlen, r, "%s is truncated JSON", what);
	else if (je != json_tokener_success)
		errf(err, errlen, r, "%s is not JSON: %s at offset %zu", what,
		     json_tokener_error_desc(je), json_tokener_get_parse_end(tok));
	else if (json_tokener_get_parse_end(tok) != n)
		/* Strict mode has already refused all but trailing whitespace. */
		errf(err, errlen, r, "%s has bytes after the JSON value", what);
	else if (!json_object_is_type(o, json_type_object))
		errf(err, errlen, r, "%s is JSON but not an object", what);
	else
		r = 0;
	json_tokener_free(tok);
	if (r < 0)
		json_object_put(o);
	else
		*out = o;
	return r;
}

/* Every member of o is named in names[0..n); else -EINVAL naming the first one that is not. */
static int only_members(struct json_object *o, const char *const *names, size_t n, const char *what,
			char *err, size_t errlen)
{
	struct json_object_iterator it = json_object_iter_begin(o);
	struct json_object_iterator end = json_object_iter_end(o);
	char q[48];
	size_t i;

	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *name = json_object_iter_peek_name(&it);

		for (i = 0; i < n && strcmp(name, names[i]) != 0; i++)
			;
		if (i == n)
			return errf(err, errlen, -EINVAL, "%s member \"%s\" is not supported", what,
				    quote(name, strlen(name), q));
	}
	return 0;
}

/* The string member name of o, or NULL with err. */
static const char *str_member(struct json_object *o, const char *name, size_t *n, const char *what,
			      char *err, size_t errlen)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, name, &m)) {
		errf(err, errlen, -EINVAL, "%s has no \"%s\"", what, name);
		return NULL;
	}
	if (!json_object_is_type(m, json_type_string)) {
		errf(err, errlen, -EINVAL, "%s \"%s\" is not a string", what, name);
		return NULL;
	}
	*n = (size_t)json_object_get_string_len(m);
	return json_object_get_string(m);
}

/* ---- key management ---------------------------------------------------------- */

/* Concat KDF (RFC 7518 4.6.2, NIST SP 800-56A) for A256KW: one SHA-256 round. */
static int concat_kdf(const uint8_t z[P256_LEN], uint8_t kek[KEY_LEN])
{
	static const uint8_t alg_id[] = "\0\0\0\x0e" ALG_ECDH;
	uint8_t in[4 + P256_LEN + sizeof(alg_id) - 1 + 12];
	unsigned int n = 0;
	size_t o = 0;
	int ok;

	memcpy(in + o, "\0\0\0\1", 4);                  /* round 1 */
	o += 4;
	memcpy(in + o, z, P256_LEN);
	o += P256_LEN;
	memcpy(in + o, alg_id, sizeof(alg_id) - 1);     /* AlgorithmID */
	o += sizeof(alg_id) - 1;
	memcpy(in + o, "\0\0\0\0" "\0\0\0\0" "\0\0\1\0", 12); /* PartyUInfo, PartyVInfo, 256 bits */
	o += 12;
	ok = EVP_Digest(in, o, kek, &n, EVP_sha256(), NULL) == 1 && n == KEY_LEN;
	OPENSSL_cleanse(in, sizeof(in));
	return ok ? 0 : -EIO;
}

static int key_is_p256(EVP_PKEY *key)
{
	char name[32];
	size_t n = 0;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
	    EVP_PKEY_get_group_name(key, name, sizeof(name), &n) != 1)
		return 0;
	return strcmp(name, "prime256v1") == 0 || strcmp(name, "P-256") == 0;
}

/* The sender's ephemeral P-256 public key from the header, checked. */
static int epk_load(struct json_object *epk, EVP_PKEY **peer, char *err, size_t errlen)
{
	static const char *const names[] = { "kty", "crv", "x", "y" };
	uint8_t point[1 + 2 * P256_LEN];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = NULL;
	const char *kty, *crv, *x, *y;
	size_t kn, cn, xn, yn, n;
	char q[48];
	int r;

	if (!json_object_is_type(epk, json_type_object))
		return errf(err, errlen, -EINVAL, "JWE epk is not an object");
	if ((r = only_members(epk, names, 4, "JWE epk", err, errlen)) < 0)
		return r;
	if (!(kty = str_member(epk, "kty", &kn, "JWE epk", err, errlen)) ||
	    !(crv = str_member(epk, "crv", &cn, "JWE epk", err, errlen)) ||
	    !(x = str_member(epk, "x", &xn, "JWE epk", err, errlen)) ||
	    !(y = str_member(epk, "y", &yn, "JWE epk", err, errlen)))
		return -EINVAL;
	if (strcmp(kty, "EC") != 0)
		return errf(err, errlen, -EINVAL, "JWE epk kty \"%s\" is not EC", quote(kty, kn, q));
	if (strcmp(crv, "P-256") != 0)
		return errf(err, errlen, -EINVAL, "JWE epk crv \"%s\" is not P-256", quote(crv, cn, q));
	point[0] = 0x04;        /* SEC 1 uncompressed */
	if ((r = member_b64("epk x", x, xn, point + 1, P256_LEN, &n, P256_LEN, err, errlen)) < 0 ||
	    (r = member_b64("epk y", y, yn, point + 1 + P256_LEN, P256_LEN, &n, P256_LEN, err, errlen)) < 0)
		return r;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	r = -EINVAL;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx) {
		r = errf(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, peer, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		errf(err, errlen, r, "JWE epk is not a point on P-256");
		goto out;
	}
	/* Invalid-curve attacks: the full check, not only what decoding did. */
	EVP_PKEY_CTX_free(ctx);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, *peer, NULL);
	if (!ctx || EVP_PKEY_public_check(ctx) != 1) {
		errf(err, errlen, r, "JWE epk is not a valid P-256 public key");
		EVP_PKEY_free(*peer);
		*peer = NULL;
		goto out;
	}
	r = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* ECDH-ES+A256KW: Z, then the KEK, then the CEK; Z and the KEK are wiped. */
static int ecdh_cek(EVP_PKEY *key, struct json_object *hdr, const uint8_t *ek, size_t ek_len,
		    uint8_t cek[KEY_LEN], char *err, size_t errlen)
{
	uint8_t z[P256_LEN], kek[KEY_LEN], out[WRAPPED_LEN + 8];
	struct json_object *epk;
	EVP_PKEY_CTX *dctx = NULL;
	EVP_CIPHER_CTX *c = NULL;
	EVP_PKEY *peer = NULL;
	size_t zn = sizeof(z);
	int outl = 0, fin = 0, r;

	if (!json_object_object_get_ex(hdr, "epk", &epk))
		return errf(err, errlen, -EINVAL, "JWE protected header has no epk for " ALG_ECDH);
	if ((r = epk_load(epk, &peer, err, errlen)) < 0)
		return r;
	dctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (!dctx || EVP_PKEY_derive_init(dctx) != 1 || EVP_PKEY_derive_set_peer(dctx, peer) != 1 ||
	    EVP_PKEY_derive(dctx, z, &zn) != 1 || zn != P256_LEN) {
		r = errf(err, errlen, -EINVAL, "ECDH with the JWE epk failed");
		goto out;
	}
	if (concat_kdf(z, kek) < 0) {
		r = errf(err, errlen, -EIO, "Concat KDF failed");
		goto out;
	}
	c = EVP_CIPHER_CTX_new();
	if (!c) {
		r = errf(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_DecryptInit_ex(c, EVP_aes_256_wrap(), NULL, kek, NULL) != 1) {
		r = errf(err, errlen, -EIO, "AES key unwrap setup failed");
		goto out;
	}
	/* RFC 3394 2.2.3: the integrity check value fails for another key or a changed byte. */
	if (EVP_DecryptUpdate(c, out, &outl, ek, (int)ek_len) != 1 ||
	    EVP_DecryptFinal_ex(c, out + outl, &fin) != 1 || outl + fin != KEY_LEN) {
		r = errf(err, errlen, -EBADMSG,
			 "JWE key unwrap failed: encrypted_key was altered or is not for our key");
		goto out;
	}
	memcpy(cek, out, KEY_LEN);
	r = 0;
out:
	OPENSSL_cleanse(z, sizeof(z));
	OPENSSL_cleanse(kek, sizeof(kek));
	OPENSSL_cleanse(out, sizeof(out));
	EVP_CIPHER_CTX_free(c);
	EVP_PKEY_CTX_free(dctx);
	EVP_PKEY_free(peer);
	return r;
}

/* RSA-OAEP-256 (RFC 7518 4.3): OAEP with SHA-256 and MGF1-SHA-256. */
static int rsa_cek(EVP_PKEY *key, const uint8_t *ek, size_t ek_len, uint8_t cek[KEY_LEN],
		   char *err, size_t errlen)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	uint8_t out[RSA_MAX];
	size_t n = sizeof(out);
	int r = -EIO;

	if (!ctx || EVP_PKEY_decrypt_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1) {
		errf(err, errlen, r, "RSA-OAEP-256 setup failed");
		goto out;
	}
	if (EVP_PKEY_decrypt(ctx, out, &n, ek, ek_len) != 1 || n != KEY_LEN) {
		r = errf(err, errlen, -EBADMSG,
			 "JWE RSA-OAEP-256 decryption failed: encrypted_key was altered or is not for our key");
		goto out;
	}
	memcpy(cek, out, KEY_LEN);
	r = 0;
out:
	OPENSSL_cleanse(out, sizeof(out));
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* ---- content ----------------------------------------------------------------- */

/* AES-256-GCM into pt; -EBADMSG on a tag mismatch (pt then holds garbage to wipe). */
static int gcm_decrypt(const uint8_t cek[KEY_LEN], const uint8_t iv[IV_LEN], const char *aad,
		       size_t aad_len, const uint8_t *ct, size_t ct_len, const uint8_t tag[TAG_LEN],
		       uint8_t *pt, char *err, size_t errlen)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl = 0, fin = 0, r = -EIO;

	if (!c)
		return errf(err, errlen, -ENOMEM, "out of memory");
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, IV_LEN, NULL) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, cek, iv) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &outl, (const uint8_t *)aad, (int)aad_len) != 1 ||
	    (ct_len && EVP_DecryptUpdate(c, pt, &outl, ct, (int)ct_len) != 1) ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG_LEN, (void *)tag) != 1) {
		errf(err, errlen, r, "AES-256-GCM setup failed");
		goto out;
	}
	if (EVP_DecryptFinal_ex(c, pt + (ct_len ? (size_t)outl : 0), &fin) != 1) {
		r = errf(err, errlen, -EBADMSG,
			 "JWE AES-GCM tag mismatch: the reply was altered or is not for our key");
		goto out;
	}
	r = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return r;
}

static uint8_t *pt_alloc(size_t n)
{
	/* The attest step initialises the secure heap; a fuzzer or test may not. */
	if (CRYPTO_secure_malloc_initialized())
		return OPENSSL_secure_malloc(n);
	return OPENSSL_malloc(n);
}

/* ---- the JWE ----------------------------------------------------------------- */

int jwe_decrypt(EVP_PKEY *key, const char *json, size_t len, uint8_t **pt, size_t *pt_len,
		char *err, size_t errlen)
{
	static const char *const members[] = { "protected", "encrypted_key", "iv", "ciphertext", "tag" };
	static const char *const hdr_ecdh[] = { "alg", "enc", "epk" };
	static const char *const hdr_rsa[] = { "alg", "enc" };
	struct json_object *o = NULL, *hdr = NULL;
	const char *s[5], *alg, *enc;
	size_t sn[5], alg_n, enc_n, i, n, ek_len, ek_want, ct_len = 0, out_len = 0;
	uint8_t iv[IV_LEN], tag[TAG_LEN], ek[RSA_MAX], cek[KEY_LEN];
	uint8_t *prot = NULL, *ct = NULL, *out = NULL;
	int ecdh, r;
	char q[48];

	*pt = NULL;
	*pt_len = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!key)
		return errf(err, errlen, -EINVAL, "no key to decrypt the JWE with");
	if (!json || len == 0)
		return errf(err, errlen, -EINVAL, "JWE reply is empty");
	if (len > JWE_MAX_BODY)
		return errf(err, errlen, -EFBIG, "JWE reply of %zu bytes is over the %d-byte cap",
			    len, JWE_MAX_BODY);
	r = parse_object("JWE reply", json, len, &o, err, errlen);
	if (r < 0)
		return r;

	/* RFC 7516 7.2: flattened only; name what else it is when we can. */
	r = -EINVAL;
	if (json_object_object_get_ex(o, "recipients", NULL)) {
		errf(err, errlen, r, "JWE is in the general JSON serialization (recipients); only the flattened one is accepted");
		goto out;
	}
	if (json_object_object_get_ex(o, "aad", NULL)) {
		errf(err, errlen, r, "JWE has an aad member, which is not accepted");
		goto out;
	}
	if (json_object_object_get_ex(o, "unprotected", NULL) || json_object_object_get_ex(o, "header", NULL)) {
		errf(err, errlen, r, "JWE has an unprotected header (unprotected or header), which is not accepted");
		goto out;
	}
	if ((r = only_members(o, members, 5, "JWE", err, errlen)) < 0)
		goto out;
	for (i = 0; i < 5; i++) {
		s[i] = str_member(o, members[i], &sn[i], "JWE", err, errlen);
		if (!s[i]) {
			r = -EINVAL;
			goto out;
		}
	}

	/* The protected header. */
	prot = malloc(sn[0] / 4 * 3 + 3);
	if (!prot) {
		r = errf(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	if ((r = member_b64("protected", s[0], sn[0], prot, sn[0] / 4 * 3 + 3, &n, 0, err, errlen)) < 0)
		goto out;
	if ((r = parse_object("JWE protected header", (const char *)prot, n, &hdr, err, errlen)) < 0)
		goto out;
	r = -EINVAL;
	if (!(alg = str_member(hdr, "alg", &alg_n, "JWE protected header", err, errlen)) ||
	    !(enc = str_member(hdr, "enc", &enc_n, "JWE protected header", err, errlen)))
		goto out;
	if (strcmp(alg, ALG_ECDH) == 0) {
		ecdh = 1;
	} else if (strcmp(alg, ALG_RSA) == 0) {
		ecdh = 0;
	} else {
		errf(err, errlen, r, "JWE alg \"%s\" is not supported (only " ALG_ECDH " and " ALG_RSA ")",
		     quote(alg, alg_n, q));
		goto out;
	}
	if (strcmp(enc, ENC_GCM) != 0) {
		errf(err, errlen, r, "JWE enc \"%s\" is not supported (only " ENC_GCM ")", quote(enc, enc_n, q));
		goto out;
	}
	/* zip, crit, apu, apv, kid...: none is needed, and each would change what we must do. */
	if ((r = only_members(hdr, ecdh ? hdr_ecdh : hdr_rsa, ecdh ? 3 : 2, "JWE protected header",
			      err, errlen)) < 0)
		goto out;
	r = -EINVAL;
	if (ecdh && !key_is_p256(key)) {
		errf(err, errlen, r, "JWE alg " ALG_ECDH " needs an EC P-256 key; ours is not one");
		goto out;
	}
	if (!ecdh && EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		errf(err, errlen, r, "JWE alg " ALG_RSA " needs an RSA key; ours is not one");
		goto out;
	}
	if (!ecdh && (EVP_PKEY_get_size(key) <= 0 || EVP_PKEY_get_size(key) > RSA_MAX)) {
		errf(err, errlen, r, "our RSA key has an unsupported size");
		goto out;
	}

	/* The fixed-size members, then the content. */
	ek_want = ecdh ? WRAPPED_LEN : (size_t)EVP_PKEY_get_size(key);
	if ((r = member_b64("iv", s[2], sn[2], iv, sizeof(iv), &n, IV_LEN, err, errlen)) < 0 ||
	    (r = member_b64("tag", s[4], sn[4], tag, sizeof(tag), &n, TAG_LEN, err, errlen)) < 0 ||
	    (r = member_b64("encrypted_key", s[1], sn[1], ek, ek_want, &ek_len, ek_want, err, errlen)) < 0)
		goto out;
	ct = malloc(sn[3] / 4 * 3 + 3);
	if (!ct) {
		r = errf(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	if ((r = member_b64("ciphertext", s[3], sn[3], ct, sn[3] / 4 * 3 + 3, &ct_len, 0, err, errlen)) < 0)
		goto out;

	r = ecdh ? ecdh_cek(key, hdr, ek, ek_len, cek, err, errlen) : rsa_cek(key, ek, ek_len, cek, err, errlen);
	if (r < 0)
		goto out;
	out_len = ct_len ? ct_len : 1;
	out = pt_alloc(out_len);
	if (!out) {
		r = errf(err, errlen, -ENOMEM, "out of memory for a %zu-byte plaintext", ct_len);
		goto out;
	}
	/* AAD: the protected member as received (RFC 7516 5.2 step 14). */
	r = gcm_decrypt(cek, iv, s[0], sn[0], ct, ct_len, tag, out, err, errlen);
	if (r < 0)
		goto out;
	*pt = out;
	*pt_len = ct_len;
	out = NULL;
out:
	OPENSSL_cleanse(cek, sizeof(cek));
	if (out)
		OPENSSL_secure_clear_free(out, out_len);
	free(ct);
	free(prot);
	json_object_put(hdr);
	json_object_put(o);
	return r;
}
