// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/jwe.c and lib/base64.c's base64url. The vectors in fixtures/jwe/ were made by
 * jwcrypto (gen.py): each one decrypts to its plaintext; a changed byte in
 * any member, the wrong key, or anything outside the flattened
 * ECDH-ES+A256KW / RSA-OAEP-256 + A256GCM form fails, with a reason and no
 * plaintext. Variants are made here by editing the members with json-c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "base64.h"
#include "jwe.h"
#include "unit.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

static EVP_PKEY *ec, *ec2, *ec384, *rsa, *rsa2;
static char err[JWE_ERR];

/* ---- helpers ----------------------------------------------------------------- */

/* A fixture file of fixtures/jwe/ (made by gen.py there). */
static char *slurp(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), FIXTURES "/jwe/%s", name);
	return unit_slurp(path, len);
}

static char *text(const char *name)
{
	size_t n;

	return slurp(name, &n);
}

static EVP_PKEY *load_key(const char *name)
{
	char path[512];
	EVP_PKEY *k;
	BIO *b;

	snprintf(path, sizeof(path), FIXTURES "/jwe/%s", name);
	b = BIO_new_file(path, "r");
	if (!b)
		fail_msg("missing key %s", path);
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!k)
		fail_msg("cannot read key %s", path);
	return k;
}

static char *b64e(const uint8_t *d, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *s = malloc(n / 3 * 4 + 5), *p = s;
	size_t i;

	assert_non_null(s);
	for (i = 0; i + 2 < n; i += 3) {
		*p++ = a[d[i] >> 2];
		*p++ = a[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
		*p++ = a[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)];
		*p++ = a[d[i + 2] & 63];
	}
	if (n - i == 1) {
		*p++ = a[d[i] >> 2];
		*p++ = a[(d[i] & 3) << 4];
	} else if (n - i == 2) {
		*p++ = a[d[i] >> 2];
		*p++ = a[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
		*p++ = a[(d[i + 1] & 15) << 2];
	}
	*p = '\0';
	return s;
}

/* The decoded bytes of a base64url string (test input is trusted). */
static uint8_t *b64d(const char *s, size_t *n)
{
	size_t len = strlen(s);
	uint8_t *d = malloc(len + 1);

	assert_non_null(d);
	assert_int_equal(b64url_decode(s, len, d, len + 1, n), 0);
	return d;
}

static char *dump(struct json_object *o)
{
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));

	assert_non_null(s);
	json_object_put(o);
	return s;
}

static struct json_object *parse(const char *s)
{
	struct json_object *o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

/* json with member name set to v (NULL: removed). Takes v. Frees nothing else. */
static char *with(const char *json, const char *name, struct json_object *v)
{
	struct json_object *o = parse(json);

	if (v)
		json_object_object_add(o, name, v);
	else
		json_object_object_del(o, name);
	return dump(o);
}

static char *with_str(const char *json, const char *name, const char *v)
{
	return with(json, name, json_object_new_string(v));
}

static const char *member(struct json_object *o, const char *name)
{
	struct json_object *m;

	assert_true(json_object_object_get_ex(o, name, &m));
	return json_object_get_string(m);
}

/* The member's bytes re-encoded after fn changed them. */
static char *edit_bytes(const char *json, const char *name, void (*fn)(uint8_t **, size_t *, size_t),
			size_t arg)
{
	struct json_object *o = parse(json);
	size_t n;
	uint8_t *d = b64d(member(o, name), &n);
	char *s, *out;

	fn(&d, &n, arg);
	s = b64e(d, n);
	json_object_object_add(o, name, json_object_new_string(s));
	out = dump(o);
	free(s);
	free(d);
	return out;
}

static void flip_fn(uint8_t **d, size_t *n, size_t i)
{
	assert_true(i < *n);
	(*d)[i] ^= 0x01;
}

static void resize_fn(uint8_t **d, size_t *n, size_t to)
{
	*d = realloc(*d, to + 1);
	assert_non_null(*d);
	if (to > *n)
		memset(*d + *n, 0xA5, to - *n);
	*n = to;
}

static char *flip(const char *json, const char *name, size_t i)
{
	return edit_bytes(json, name, flip_fn, i);
}

static char *resize(const char *json, const char *name, size_t to)
{
	return edit_bytes(json, name, resize_fn, to);
}

static size_t member_len(const char *json, const char *name)
{
	struct json_object *o = parse(json);
	size_t n;
	uint8_t *d = b64d(member(o, name), &n);

	free(d);
	json_object_put(o);
	return n;
}

/* The protected header, decoded, as JSON text. */
static char *header(const char *json)
{
	struct json_object *o = parse(json);
	size_t n;
	uint8_t *d = b64d(member(o, "protected"), &n);

	json_object_put(o);
	d[n] = '\0';
	return (char *)d;
}

/* json with its protected header replaced by the text hdr. */
static char *with_header(const char *json, const char *hdr)
{
	char *s = b64e((const uint8_t *)hdr, strlen(hdr)), *out;

	out = with_str(json, "protected", s);
	free(s);
	return out;
}

/* json with header member name set to v (NULL: removed), or in epk when in_epk. */
static char *with_hdr_member(const char *json, int in_epk, const char *name, struct json_object *v)
{
	char *h = header(json), *h2, *out;
	struct json_object *o = parse(h), *t = o;

	if (in_epk)
		assert_true(json_object_object_get_ex(o, "epk", &t));
	if (v)
		json_object_object_add(t, name, v);
	else
		json_object_object_del(t, name);
	h2 = dump(o);
	out = with_header(json, h2);
	free(h);
	free(h2);
	return out;
}

/*
 * jwe_decrypt with the contract checked: a reason and no plaintext on
 * failure; a buffer, even for 0 bytes, on success. *pt is set only on
 * success and the caller frees it.
 */
static int decrypt_n(EVP_PKEY *k, const char *json, size_t len, uint8_t **pt, size_t *pt_len)
{
	uint8_t *p = (uint8_t *)&p;
	size_t n = 12345;
	int r;

	memset(err, 'x', sizeof(err));
	r = jwe_decrypt(k, json, len, &p, &n, err, sizeof(err));
	assert_non_null(memchr(err, '\0', sizeof(err)));
	if (getenv("TEST_JWE_VERBOSE"))     /* every reason, to read them */
		fprintf(stderr, "%d %s\n", r, err);
	if (r < 0) {
		assert_null(p);
		assert_int_equal(n, 0);
		assert_true(err[0] != '\0');
		if (pt)
			*pt = NULL;
		return r;
	}
	assert_int_equal(r, 0);
	assert_non_null(p);
	assert_string_equal(err, "");
	if (pt) {
		*pt = p;
		*pt_len = n;
	} else {
		OPENSSL_secure_clear_free(p, n);
	}
	return 0;
}

static int decrypt(EVP_PKEY *k, const char *json)
{
	return decrypt_n(k, json, strlen(json), NULL, NULL);
}

/* decrypt, then take (free) json. */
static int decrypt_free(EVP_PKEY *k, char *json)
{
	int r = decrypt(k, json);

	free(json);
	return r;
}

#define assert_err(what) do { \
	if (!strstr(err, what)) \
		fail_msg("err \"%s\" does not mention \"%s\"", err, what); \
} while (0)

static int setup(void **state)
{
	(void)state;
	ec = load_key("ec.pem");
	ec2 = load_key("ec2.pem");
	ec384 = load_key("ec384.pem");
	rsa = load_key("rsa.pem");
	rsa2 = load_key("rsa2.pem");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec2);
	EVP_PKEY_free(ec384);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa2);
	return 0;
}

/* ---- the vectors ------------------------------------------------------------- */

static void check_vector(EVP_PKEY *k, const char *alg, const char *kind)
{
	char name[64];
	size_t len, want_len, pt_len;
	char *json, *want;
	uint8_t *pt;

	snprintf(name, sizeof(name), "%s-%s.json", alg, kind);
	json = slurp(name, &len);
	snprintf(name, sizeof(name), "%s-%s.pt", alg, kind);
	want = slurp(name, &want_len);
	if (decrypt_n(k, json, len, &pt, &pt_len) < 0)
		fail_msg("%s-%s: %s", alg, kind, err);
	assert_int_equal(pt_len, want_len);
	if (want_len)
		assert_memory_equal(pt, want, want_len);
	/* No secure heap in this process yet: plain OpenSSL memory. */
	assert_int_equal(CRYPTO_secure_allocated(pt), 0);
	OPENSSL_secure_clear_free(pt, pt_len);
	free(json);
	free(want);
}

static void test_vectors(void **state)
{
	static const char *const kinds[] = { "short", "empty", "100k" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		check_vector(ec, "ec", kinds[i]);
		check_vector(rsa, "rsa", kinds[i]);
	}
}

/* JSON whitespace around the object is JSON; the cap counts it. */
static void test_whitespace_and_cap(void **state)
{
	size_t len;
	char *json = slurp("ec-100k.json", &len), *big;

	(void)state;
	/* The cap itself, as docs/attestation.md states it: 16 MiB. */
	assert_int_equal(JWE_MAX_BODY, 16777216);
	big = malloc(JWE_MAX_BODY + 2);
	assert_non_null(big);
	memset(big, ' ', JWE_MAX_BODY + 1);
	memcpy(big + JWE_MAX_BODY - len - 1, json, len);
	big[JWE_MAX_BODY - 1] = '\n';
	assert_int_equal(decrypt_n(ec, big, JWE_MAX_BODY, NULL, NULL), 0);
	assert_int_equal(decrypt_n(ec, big, JWE_MAX_BODY + 1, NULL, NULL), -EFBIG);
	assert_err("cap");
	free(big);
	free(json);
}

static void test_secure_heap(void **state)
{
	size_t len, pt_len;
	char *json = slurp("ec-100k.json", &len);
	uint8_t *pt;

	(void)state;
	assert_int_equal(CRYPTO_secure_malloc_initialized(), 0);
	/* 2: mlock was refused (a small RLIMIT_MEMLOCK); the heap still works. */
	assert_true(CRYPTO_secure_malloc_init(1 << 20, 32) >= 1);
	assert_int_equal(decrypt_n(ec, json, len, &pt, &pt_len), 0);
	assert_int_equal(pt_len, 100 * 1024);
	assert_int_equal(CRYPTO_secure_allocated(pt), 1);
	OPENSSL_secure_clear_free(pt, pt_len);
	/* A tag mismatch leaves nothing allocated in the secure heap. */
	assert_int_equal(decrypt_free(ec, flip(json, "tag", 0)), -EBADMSG);
	assert_int_equal(CRYPTO_secure_used(), 0);
	assert_int_equal(CRYPTO_secure_malloc_done(), 1);
	free(json);
}

/* ---- tampering --------------------------------------------------------------- */

static void flip_all(EVP_PKEY *k, const char *json, const char *name, size_t step)
{
	size_t i, n = member_len(json, name);

	for (i = 0; i < n; i += step) {
		int r = decrypt_free(k, flip(json, name, i));

		if (r != -EBADMSG)
			fail_msg("%s byte %zu flipped: %d, %s", name, i, r, err);
	}
	/* The last byte too, whatever the step. */
	assert_int_equal(decrypt_free(k, flip(json, name, n - 1)), -EBADMSG);
}

static void test_flip_ec(void **state)
{
	char *json = text("ec-short.json"), *big = text("ec-100k.json");

	(void)state;
	flip_all(ec, json, "ciphertext", 1);
	flip_all(ec, json, "tag", 1);
	flip_all(ec, json, "iv", 1);
	flip_all(ec, json, "encrypted_key", 1);
	flip_all(ec, big, "ciphertext", 10007);
	free(json);
	free(big);
}

static void test_flip_rsa(void **state)
{
	char *json = text("rsa-short.json");

	(void)state;
	flip_all(rsa, json, "ciphertext", 1);
	flip_all(rsa, json, "tag", 1);
	flip_all(rsa, json, "iv", 1);
	flip_all(rsa, json, "encrypted_key", 17);
	free(json);
}

/* Empty plaintext: the tag alone carries the check. */
static void test_flip_empty(void **state)
{
	char *json = text("ec-empty.json"), *r = text("rsa-empty.json");

	(void)state;
	flip_all(ec, json, "tag", 1);
	flip_all(ec, json, "iv", 1);
	flip_all(rsa, r, "tag", 1);
	/* Content where there was none. */
	assert_int_equal(decrypt_free(ec, resize(json, "ciphertext", 1)), -EBADMSG);
	free(json);
	free(r);
}

static void test_truncated_ciphertext(void **state)
{
	char *json = text("ec-short.json");
	size_t n = member_len(json, "ciphertext");

	(void)state;
	assert_int_equal(decrypt_free(ec, resize(json, "ciphertext", n - 1)), -EBADMSG);
	assert_int_equal(decrypt_free(ec, resize(json, "ciphertext", n + 1)), -EBADMSG);
	assert_int_equal(decrypt_free(ec, resize(json, "ciphertext", 0)), -EBADMSG);
	assert_err("tag mismatch");
	free(json);
}

/*
 * The AAD is the protected member as received: the same header written
 * with one more space, or with its members in another order, decrypts to
 * nothing.
 */
static void test_protected_is_aad(void **state)
{
	char *json = text("ec-short.json"), *r = text("rsa-short.json");
	char *h = header(json), *h2;

	(void)state;
	h2 = malloc(strlen(h) + 2);
	assert_non_null(h2);
	h2[0] = ' ';
	strcpy(h2 + 1, h);
	assert_int_equal(decrypt_free(ec, with_header(json, h2)), -EBADMSG);
	assert_err("tag mismatch");
	free(h2);
	free(h);
	/* json-c writes it back in its own spacing: other bytes, same meaning. */
	h = header(r);
	h2 = dump(parse(h));
	assert_string_not_equal(h, h2);
	assert_int_equal(decrypt_free(rsa, with_header(r, h2)), -EBADMSG);
	free(h);
	free(h2);
	free(json);
	free(r);
}

/* Any flipped bit in the header fails, as a bad header or as a bad tag. */
static void test_flip_protected(void **state)
{
	char *json = text("ec-short.json"), *r = text("rsa-short.json");
	size_t i, n = member_len(json, "protected");

	(void)state;
	for (i = 0; i < n; i++)
		assert_true(decrypt_free(ec, flip(json, "protected", i)) < 0);
	n = member_len(r, "protected");
	for (i = 0; i < n; i++)
		assert_true(decrypt_free(rsa, flip(r, "protected", i)) < 0);
	free(json);
	free(r);
}

/*
 * -P has P's x-coordinate, so ECDH gives the same Z and the same CEK: only
 * the AAD tells this header from the sender's.
 */
static void test_negated_epk(void **state)
{
	char *json = text("ec-short.json"), *h = header(json), *ys;
	struct json_object *o = parse(h), *epk;
	BIGNUM *p = NULL, *y;
	uint8_t yb[32];
	size_t n;
	uint8_t *d;

	(void)state;
	assert_true(json_object_object_get_ex(o, "epk", &epk));
	d = b64d(member(epk, "y"), &n);
	assert_int_equal(n, 32);
	assert_int_equal(BN_hex2bn(&p, "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"), 64);
	y = BN_bin2bn(d, 32, NULL);
	assert_non_null(y);
	assert_int_equal(BN_sub(y, p, y), 1);
	assert_int_equal(BN_bn2binpad(y, yb, 32), 32);
	ys = b64e(yb, 32);
	json_object_object_add(epk, "y", json_object_new_string(ys));
	free(h);
	h = dump(o);
	assert_int_equal(decrypt_free(ec, with_header(json, h)), -EBADMSG);
	BN_free(p);
	BN_free(y);
	free(ys);
	free(d);
	free(h);
	free(json);
}

/* ---- keys -------------------------------------------------------------------- */

static void test_wrong_key(void **state)
{
	char *e = text("ec-short.json"), *r = text("rsa-short.json");

	(void)state;
	assert_int_equal(decrypt(ec2, e), -EBADMSG);
	assert_err("key unwrap");
	assert_int_equal(decrypt(rsa, e), -EINVAL);
	assert_err("EC P-256");
	assert_int_equal(decrypt(ec384, e), -EINVAL);
	assert_err("EC P-256");
	assert_int_equal(decrypt(rsa2, r), -EBADMSG);
	assert_err("RSA-OAEP-256");
	assert_int_equal(decrypt(ec, r), -EINVAL);
	assert_err("RSA key");
	assert_int_equal(decrypt(NULL, e), -EINVAL);
	free(e);
	free(r);
}

/* ---- structure --------------------------------------------------------------- */

static void test_malformed_json(void **state)
{
	static const char *const bad[] = {
		"{", "[]", "null", "\"x\"", "42", "{}", "{} {}", "{\"protected\":1}",
		"{\"a\":1,}", "/* c */ {}", "{\"protected\":\"\xff\"}", "   ", "\n",
	};
	char *json = text("ec-short.json"), *t;
	size_t i, len = strlen(json);

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (decrypt(ec, bad[i]) != -EINVAL)
			fail_msg("accepted %s", bad[i]);
	assert_int_equal(decrypt_n(ec, "", 0, NULL, NULL), -EINVAL);
	assert_err("empty");
	assert_int_equal(decrypt_n(ec, NULL, 0, NULL, NULL), -EINVAL);
	/* Only part of the text is given: truncated. */
	assert_int_equal(decrypt_n(ec, json, len - 1, NULL, NULL), -EINVAL);
	assert_err("truncated");
	/* Bytes after the object; a NUL inside the length. */
	t = malloc(len + 4);
	assert_non_null(t);
	memcpy(t, json, len);
	memcpy(t + len, " x", 3);
	assert_int_equal(decrypt_n(ec, t, len + 2, NULL, NULL), -EINVAL);
	memcpy(t + len, "\0\n", 2);
	assert_int_equal(decrypt_n(ec, t, len + 2, NULL, NULL), -EINVAL);
	assert_err("NUL");
	memcpy(t + len, "\r\n", 2);
	assert_int_equal(decrypt_n(ec, t, len + 2, NULL, NULL), 0);
	free(t);
	free(json);
}

static void test_missing_member(void **state)
{
	static const char *const names[] = { "protected", "encrypted_key", "iv", "ciphertext", "tag" };
	char *json = text("ec-short.json");
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_int_equal(decrypt_free(ec, with(json, names[i], NULL)), -EINVAL);
		assert_err(names[i]);
		assert_int_equal(decrypt_free(ec, with(json, names[i], json_object_new_int(1))), -EINVAL);
		assert_err("not a string");
	}
	free(json);
}

static void test_extra_member(void **state)
{
	char *json = text("ec-short.json");

	(void)state;
	assert_int_equal(decrypt_free(ec, with_str(json, "aad", "")), -EINVAL);
	assert_err("aad");
	assert_int_equal(decrypt_free(ec, with_str(json, "aad", "ZXh0cmE")), -EINVAL);
	assert_err("aad");
	assert_int_equal(decrypt_free(ec, with(json, "unprotected", json_object_new_object())), -EINVAL);
	assert_err("unprotected");
	assert_int_equal(decrypt_free(ec, with(json, "header", json_object_new_object())), -EINVAL);
	assert_err("unprotected");
	assert_int_equal(decrypt_free(ec, with(json, "recipients", json_object_new_array())), -EINVAL);
	assert_err("general");
	assert_int_equal(decrypt_free(ec, with_str(json, "foo", "bar")), -EINVAL);
	assert_err("\"foo\"");
	/* A hostile name is quoted, not copied. */
	assert_int_equal(decrypt_free(ec, with_str(json, "\x1b[31mred", "x")), -EINVAL);
	assert_err("\\x1b[31mred");
	free(json);
}

/* Valid JWEs, from jwcrypto, in forms and algorithms that are not ours. */
static void test_refused_vectors(void **state)
{
	static const struct {
		const char *file;
		EVP_PKEY **key;
		const char *why;
	} v[] = {
		{ "refused-general-ec-rsa.json", &ec, "general" },
		{ "refused-general-ec-rsa.json", &rsa, "general" },
		{ "refused-general-ec-ec2.json", &ec, "general" },
		{ "refused-general-rsa-rsa2.json", &rsa, "general" },
		{ "refused-jwcrypto-ec-header.json", &ec, "unprotected header" },
		{ "refused-rsa-aad.json", &rsa, "aad" },
		{ "refused-rsa-unprotected.json", &rsa, "unprotected header" },
		{ "refused-rsa-oaep-sha1.json", &rsa, "alg \"RSA-OAEP\"" },
		{ "refused-rsa-a128gcm.json", &rsa, "enc \"A128GCM\"" },
		{ "refused-ec-a128kw.json", &ec, "alg \"ECDH-ES+A128KW\"" },
		{ "refused-ec-direct.json", &ec, "alg \"ECDH-ES\"" },
		{ "refused-ec-a256cbc.json", &ec, "enc \"A256CBC-HS512\"" },
		{ "refused-dir.json", &ec, "alg \"dir\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *json = text(v[i].file);

		if (decrypt(*v[i].key, json) != -EINVAL)
			fail_msg("%s accepted or wrong error: %s", v[i].file, err);
		assert_err(v[i].why);
		free(json);
	}
}

static void test_header(void **state)
{
	char *e = text("ec-short.json"), *r = text("rsa-short.json");

	(void)state;
	/* alg and enc */
	assert_int_equal(decrypt_free(rsa, with_hdr_member(r, 0, "alg", json_object_new_string("RSA-OAEP"))), -EINVAL);
	assert_err("alg \"RSA-OAEP\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "alg", json_object_new_string("dir"))), -EINVAL);
	assert_err("alg \"dir\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "alg", json_object_new_string("none"))), -EINVAL);
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "alg", json_object_new_string("ecdh-es+a256kw"))), -EINVAL);
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "alg", json_object_new_int(1))), -EINVAL);
	assert_err("not a string");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "alg", NULL)), -EINVAL);
	assert_err("alg");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "enc", json_object_new_string("A128GCM"))), -EINVAL);
	assert_err("enc \"A128GCM\"");
	assert_int_equal(decrypt_free(rsa, with_hdr_member(r, 0, "enc", json_object_new_string("A256CBC-HS512"))), -EINVAL);
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "enc", NULL)), -EINVAL);
	assert_err("enc");
	/* Parameters we would have to act on, or that do not belong. */
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "zip", json_object_new_string("DEF"))), -EINVAL);
	assert_err("\"zip\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "crit", json_object_new_array())), -EINVAL);
	assert_err("\"crit\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "apu", json_object_new_string("QWxpY2U"))), -EINVAL);
	assert_err("\"apu\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "apv", json_object_new_string("Qm9i"))), -EINVAL);
	assert_int_equal(decrypt_free(rsa, with_hdr_member(r, 0, "kid", json_object_new_string("k1"))), -EINVAL);
	assert_int_equal(decrypt_free(rsa, with_hdr_member(r, 0, "epk", json_object_new_object())), -EINVAL);
	assert_err("\"epk\"");
	/* The header itself. */
	assert_int_equal(decrypt_free(ec, with_header(e, "[]")), -EINVAL);
	assert_err("not an object");
	assert_int_equal(decrypt_free(ec, with_header(e, "{\"alg\":")), -EINVAL);
	assert_err("protected header");
	assert_int_equal(decrypt_free(ec, with_header(e, "")), -EINVAL);
	assert_int_equal(decrypt_free(ec, with_str(e, "protected", "")), -EINVAL);
	assert_int_equal(decrypt_free(ec, with_header(e, "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"} x")), -EINVAL);
	{
		/* A NUL inside the decoded header. */
		static const uint8_t h[] = "{\"alg\":\"RSA-OAEP-256\",\0\"enc\":\"A256GCM\"}";
		char *s = b64e(h, sizeof(h) - 1);

		assert_int_equal(decrypt_free(rsa, with_str(r, "protected", s)), -EINVAL);
		assert_err("NUL");
		free(s);
	}
	free(e);
	free(r);
}

static void test_epk(void **state)
{
	char *e = text("ec-short.json"), *h = header(e);
	struct json_object *o = parse(h), *epk;
	uint8_t *y, zero[33] = { 0 };
	char *s;
	size_t n;

	(void)state;
	assert_true(json_object_object_get_ex(o, "epk", &epk));
	/* Not on the curve: y + 1 in the last byte. */
	y = b64d(member(epk, "y"), &n);
	y[31] ^= 1;
	s = b64e(y, 32);
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "y", json_object_new_string(s))), -EINVAL);
	assert_err("P-256");
	free(s);
	/* (0, 0) */
	s = b64e(zero, 32);
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "x", json_object_new_string(s))), -EINVAL);
	free(y);
	y = NULL;
	{
		char *t = with_hdr_member(e, 1, "x", json_object_new_string(s));

		assert_int_equal(decrypt_free(ec, with_hdr_member(t, 1, "y", json_object_new_string(s))), -EINVAL);
		free(t);
	}
	free(s);
	/* Coordinates of the wrong size or encoding. */
	s = b64e(zero, 31);
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "x", json_object_new_string(s))), -EINVAL);
	assert_err("epk x");
	free(s);
	s = b64e(zero, 33);
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "y", json_object_new_string(s))), -EINVAL);
	assert_err("epk y");
	free(s);
	s = malloc(strlen(member(epk, "x")) + 2);
	assert_non_null(s);
	sprintf(s, "%s=", member(epk, "x"));
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "x", json_object_new_string(s))), -EINVAL);
	assert_err("padding");
	free(s);
	/* Its members. */
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "crv", json_object_new_string("P-384"))), -EINVAL);
	assert_err("crv \"P-384\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "kty", json_object_new_string("OKP"))), -EINVAL);
	assert_err("kty \"OKP\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "d", json_object_new_string("AAAA"))), -EINVAL);
	assert_err("\"d\"");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 1, "x", NULL)), -EINVAL);
	assert_err("x");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "epk", NULL)), -EINVAL);
	assert_err("epk");
	assert_int_equal(decrypt_free(ec, with_hdr_member(e, 0, "epk", json_object_new_string("x"))), -EINVAL);
	assert_err("epk");
	json_object_put(o);
	free(h);
	free(e);
}

/* ---- base64url --------------------------------------------------------------- */

static void test_b64url_decode(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "", "" }, { "Zg", "f" }, { "Zm8", "fo" }, { "Zm9v", "foo" }, { "Zm9vYg", "foob" },
		{ "Zm9vYmE", "fooba" }, { "Zm9vYmFy", "foobar" }, { "-_-_", "\xfb\xff\xbf" },
	};
	static const char *const bad[] = {
		"Zg==", "Zm8=", "Z", "Zm9vY", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9 v", "Zm9v\n", " Zm9v",
		"Zm9v\r", "Zm\tv", "Zm9v=", "Zm9v.", "Zm9v\x80",
	};
	uint8_t out[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(b64url_decode(ok[i].in, strlen(ok[i].in), out, sizeof(out), &n), 0);
		assert_int_equal(n, strlen(ok[i].out));
		if (n)
			assert_memory_equal(out, ok[i].out, n);
	}
	/* "Zm9" decodes the "fo" bits but leaves 2 non-zero, so it is refused. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (b64url_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	/* Too small a buffer: -ENOSPC before a byte is written. */
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(b64url_decode("Zm9vYmFy", 8, out, 5, &n), -ENOSPC);
	assert_int_equal(out[0], 0x5a);
	assert_int_equal(b64url_decode("Zm9vYmFy", 8, out, 6, &n), 0);
}

static void test_bad_base64_members(void **state)
{
	static const char *const names[] = { "protected", "encrypted_key", "iv", "ciphertext", "tag" };
	static const struct {
		const char *fmt, *why;
	} bad[] = {
		{ "%s=", "padding" },     /* one '=' on any length */
		{ "%s==", "padding" },
		{ " %s", "whitespace" },
		{ "%s\n", "whitespace" },
		{ "%s\t", "whitespace" },
		{ "+%s", "base64, not base64url" },
		{ "/%s", "base64, not base64url" },
		{ "%s.", "not base64url" },
	};
	char *e = text("ec-short.json"), *r = text("rsa-short.json");
	struct json_object *o = parse(e);
	size_t i, j;

	(void)state;
	for (i = 0; i < 5; i++) {
		const char *v = member(o, names[i]);
		char *s = malloc(strlen(v) + 4);

		assert_non_null(s);
		for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			snprintf(s, strlen(v) + 4, bad[j].fmt, v);
			if (decrypt_free(ec, with_str(e, names[i], s)) != -EINVAL)
				fail_msg("%s as \"%s\": %s", names[i], s, err);
			assert_err(names[i]);
			assert_err(bad[j].why);
		}
		free(s);
	}
	json_object_put(o);
	/* The tag's last character holds 2 bits of data and 4 that must be 0. */
	o = parse(r);
	{
		char *t = strdup(member(o, "tag"));

		assert_non_null(t);
		assert_int_equal(strlen(t), 22);
		t[21] = t[21] == 'A' ? 'B' : t[21] == 'Q' ? 'R' : t[21] == 'g' ? 'h' : 'x';
		assert_int_equal(decrypt_free(rsa, with_str(r, "tag", t)), -EINVAL);
		assert_err("unused bits");
		/* 4k + 1 characters */
		t[21] = 'A';
		assert_int_equal(decrypt_free(rsa, with_str(r, "ciphertext", "AAAAA")), -EINVAL);
		assert_err("length");
		free(t);
	}
	json_object_put(o);
	free(e);
	free(r);
}

static void test_lengths(void **state)
{
	char *e = text("ec-short.json"), *r = text("rsa-short.json");

	(void)state;
	assert_int_equal(decrypt_free(ec, resize(e, "iv", 16)), -EINVAL);
	assert_err("iv");
	assert_int_equal(decrypt_free(ec, resize(e, "iv", 11)), -EINVAL);
	assert_err("iv is 11 bytes, want 12");
	assert_int_equal(decrypt_free(ec, resize(e, "iv", 0)), -EINVAL);
	assert_int_equal(decrypt_free(ec, resize(e, "iv", 13)), -EINVAL);
	assert_int_equal(decrypt_free(ec, resize(e, "tag", 15)), -EINVAL);
	assert_err("tag");
	assert_int_equal(decrypt_free(ec, resize(e, "tag", 12)), -EINVAL);
	assert_int_equal(decrypt_free(ec, resize(e, "tag", 17)), -EINVAL);
	assert_int_equal(decrypt_free(ec, resize(e, "encrypted_key", 32)), -EINVAL);
	assert_err("encrypted_key");
	assert_int_equal(decrypt_free(ec, resize(e, "encrypted_key", 48)), -EINVAL);
	assert_int_equal(decrypt_free(ec, resize(e, "encrypted_key", 0)), -EINVAL);
	assert_int_equal(decrypt_free(rsa, resize(r, "encrypted_key", 255)), -EINVAL);
	assert_err("encrypted_key");
	assert_int_equal(decrypt_free(rsa, resize(r, "encrypted_key", 257)), -EINVAL);
	free(e);
	free(r);
}

/* A short err is cut, still terminated; no err at all is allowed. */
static void test_err_buffer(void **state)
{
	char *e = text("ec-short.json"), small[8];
	uint8_t *pt;
	size_t n;

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(jwe_decrypt(ec, "{}", 2, &pt, &n, small, sizeof(small)), -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(jwe_decrypt(ec2, e, strlen(e), &pt, &n, NULL, 0), -EBADMSG);
	assert_null(pt);
	assert_int_equal(jwe_decrypt(ec, e, strlen(e), &pt, &n, NULL, 0), 0);
	OPENSSL_secure_clear_free(pt, n);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_whitespace_and_cap),
		cmocka_unit_test(test_flip_ec),
		cmocka_unit_test(test_flip_rsa),
		cmocka_unit_test(test_flip_empty),
		cmocka_unit_test(test_truncated_ciphertext),
		cmocka_unit_test(test_protected_is_aad),
		cmocka_unit_test(test_flip_protected),
		cmocka_unit_test(test_negated_epk),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_missing_member),
		cmocka_unit_test(test_extra_member),
		cmocka_unit_test(test_refused_vectors),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_epk),
		cmocka_unit_test(test_b64url_decode),
		cmocka_unit_test(test_bad_base64_members),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_err_buffer),
		/* Last: it creates and destroys the process's secure heap. */
		cmocka_unit_test(test_secure_heap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
