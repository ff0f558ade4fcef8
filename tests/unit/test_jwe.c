// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for init/jwe.c against vectors made by jwcrypto
 * (tests/unit/fixtures/jwe/gen.py): each decrypts to its plaintext; any
 * flipped byte, the wrong key, or anything outside the flattened A256GCM
 * form fails with no plaintext.
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

#include <openssl/pem.h>

#include "jwe.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

static char err[256];

static char *slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), FIXTURES "/jwe/%s", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("missing fixture %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static EVP_PKEY *key(const char *name)
{
	char path[512];
	EVP_PKEY *k;
	FILE *f;

	snprintf(path, sizeof(path), FIXTURES "/jwe/%s", name);
	f = fopen(path, "r");
	assert_non_null(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(k);
	return k;
}

/* Decrypts vector NAME.json with KEY; checks against NAME.pt when ok. */
static int try(const char *keyname, const char *json, size_t len, const char *ptname)
{
	EVP_PKEY *k = key(keyname);
	uint8_t *pt = (uint8_t *)1;
	size_t pt_len = 99, want_len;
	char *want;
	int r;

	err[0] = '\0';
	r = jwe_decrypt(k, json, len, &pt, &pt_len, err, sizeof(err));
	EVP_PKEY_free(k);
	if (r == 0) {
		assert_non_null(ptname);
		want = slurp(ptname, &want_len);
		assert_int_equal(pt_len, want_len);
		assert_memory_equal(pt, want, want_len);
		OPENSSL_secure_clear_free(pt, pt_len ? pt_len : 1);
		free(want);
	} else {
		assert_null(pt);
		assert_int_equal(pt_len, 0);
	}
	return r;
}

static int vec(const char *keyname, const char *name)
{
	char file[64], pt[64];
	size_t len;
	char *json;
	int r;

	snprintf(file, sizeof(file), "%s.json", name);
	snprintf(pt, sizeof(pt), "%s.pt", name);
	json = slurp(file, &len);
	r = try(keyname, json, len, pt);
	free(json);
	return r;
}

static void test_good_vectors(void **state)
{
	(void)state;
	assert_int_equal(vec("ec.pem", "ec-short"), 0);
	assert_int_equal(vec("ec.pem", "ec-empty"), 0);
	assert_int_equal(vec("ec.pem", "ec-100k"), 0);
	assert_int_equal(vec("rsa.pem", "rsa-short"), 0);
}

static void test_wrong_key(void **state)
{
	(void)state;
	assert_int_equal(vec("ec2.pem", "ec-short"), -EBADMSG);
	assert_string_equal(err, "JWE key unwrap failed (not for our key, or tampered)");
	assert_int_equal(vec("rsa.pem", "ec-short"), -EINVAL);
	assert_string_equal(err, "JWE alg ECDH-ES+A256KW but our key is not EC");
	assert_int_equal(vec("ec.pem", "rsa-short"), -EINVAL);
}

/* Flip one character of member m (in the base64url text) and decrypt. */
static int flipped(const char *name, const char *m, size_t at)
{
	size_t len;
	char file[64], pat[64];
	char *json, *p;
	int r;

	snprintf(file, sizeof(file), "%s.json", name);
	json = slurp(file, &len);
	snprintf(pat, sizeof(pat), "\"%s\": \"", m);
	p = strstr(json, pat);
	assert_non_null(p);
	p += strlen(pat) + at;
	/* Another base64url character with different high bits. */
	*p = *p == 'A' ? 'g' : 'A';
	r = try(strncmp(name, "rsa", 3) == 0 ? "rsa.pem" : "ec.pem", json, len, NULL);
	free(json);
	return r;
}

static void test_tampering(void **state)
{
	(void)state;
	assert_int_equal(flipped("ec-short", "ciphertext", 1), -EBADMSG);
	assert_string_equal(err, "JWE AES-GCM tag mismatch: the reply was altered or is not for us");
	assert_int_equal(flipped("ec-short", "tag", 1), -EBADMSG);
	assert_int_equal(flipped("ec-short", "iv", 1), -EBADMSG);
	assert_int_equal(flipped("ec-short", "encrypted_key", 1), -EBADMSG);
	assert_int_equal(flipped("rsa-short", "encrypted_key", 5), -EBADMSG);
	assert_int_equal(flipped("rsa-short", "ciphertext", 1), -EBADMSG);
	/* The protected header is the AAD, and (for EC) carries the epk. */
	assert_true(flipped("ec-short", "protected", 40) < 0);
	assert_true(flipped("rsa-short", "protected", 30) < 0);
}

static void test_refused_forms(void **state)
{
	(void)state;
	/* General serialization (an unprotected "header" member). */
	assert_int_equal(vec("ec.pem", "ec-general"), -EINVAL);
	assert_non_null(strstr(err, "unexpected member"));
	/* RSA-OAEP with SHA-1 is not accepted. */
	assert_int_equal(vec("rsa.pem", "rsa-oaep-sha1"), -EINVAL);
	assert_string_equal(err, "JWE alg \"RSA-OAEP\" is not ECDH-ES+A256KW or RSA-OAEP-256");
}

static void edit(const char *name, const char *from, const char *to, const char *keyname,
		 int want, const char *msg)
{
	size_t len;
	char file[64], *json, *p, *out;
	int r;

	snprintf(file, sizeof(file), "%s.json", name);
	json = slurp(file, &len);
	p = strstr(json, from);
	assert_non_null(p);
	out = malloc(len + strlen(to) + 1);
	memcpy(out, json, (size_t)(p - json));
	strcpy(out + (p - json), to);
	strcat(out, p + strlen(from));
	r = try(keyname, out, strlen(out), NULL);
	if (r != want || (msg && !strstr(err, msg)))
		fail_msg("%s -> %s: got %d \"%s\"", from, to, r, err);
	free(out);
	free(json);
}

static void test_malformed(void **state)
{
	(void)state;
	edit("ec-short", "\"tag\": \"", "\"aad\": \"AAAA\", \"tag\": \"", "ec.pem", -EINVAL, "unexpected member");
	edit("ec-short", "\"tag\": \"", "\"tagx\": \"", "ec.pem", -EINVAL, "unexpected member");
	edit("ec-short", "\"iv\": \"", "\"iv\": \"AAAA", "ec.pem", -EINVAL, "JWE iv of 15 bytes");
	edit("ec-short", "\"iv\": \"", "\"iv\": \" ", "ec.pem", -EINVAL, "JWE member iv is not base64url");
	edit("ec-short", "\"iv\": \"", "\"iv\": 5, \"x\": \"", "ec.pem", -EINVAL, NULL);
	edit("ec-short", "{", "[", "ec.pem", -EINVAL, "reply is not a JSON object");
	edit("ec-short", "}", "} x", "ec.pem", -EINVAL, "reply is not a JSON object");
	/* A header with another enc, zip, or an unknown alg. */
	edit("rsa-short", "\"protected\": \"eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIn0\"",
	     "\"protected\": \"eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMTI4R0NNIn0\"", "rsa.pem", -EINVAL,
	     "JWE enc \"A128GCM\" is not A256GCM");
	edit("rsa-short", "\"protected\": \"eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIn0\"",
	     "\"protected\": \"eyJhbGciOiAiZGlyIiwgImVuYyI6ICJBMjU2R0NNIn0\"", "rsa.pem", -EINVAL,
	     "JWE alg \"dir\" is not");
	edit("rsa-short", "\"protected\": \"eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIn0\"",
	     "\"protected\": \"eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIiwgInppcCI6ICJERUYifQ\"",
	     "rsa.pem", -EINVAL, "zip or crit");
	/* Padding is not base64url. */
	edit("rsa-short", "\"protected\": \"eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIn0\"",
	     "\"protected\": \"eyJhbGciOiAiUlNBLU9BRVAtMjU2IiwgImVuYyI6ICJBMjU2R0NNIn0=\"", "rsa.pem", -EINVAL,
	     "JWE member protected is not base64url");
}

static void test_epk_checks(void **state)
{
	/* {"alg":"ECDH-ES+A256KW","enc":"A256GCM","epk":{"crv":"P-256","kty":"EC","x":<G.x>,"y":<G.y + 1>}} */
	static const char off_curve[] =
		"eyJhbGciOiJFQ0RILUVTK0EyNTZLVyIsImVuYyI6IkEyNTZHQ00iLCJlcGsiOnsiY3J2IjoiUC0yNTYiLCJrdHkiOi"
		"JFQyIsIngiOiJheGZSOHVFc1FrZjR2T2JsWTZSQThuY0RmWUV0NnpPZzlLRTVSZGlZd3BZIiwieSI6IlQtTkM0djRh"
		"ZjV1TzUtdEtmQS1lRml2T00xZHJNVjdPeTdaQWFEZV9VZlkifX0";
	size_t len;
	char *json, *p, *q, *out;
	EVP_PKEY *k = key("ec.pem");
	uint8_t *pt;
	size_t pt_len;

	(void)state;
	json = slurp("ec-short.json", &len);
	p = strstr(json, "\"protected\": \"") + 14;
	q = strchr(p, '"');
	out = malloc(len + sizeof(off_curve));
	memcpy(out, json, (size_t)(p - json));
	strcpy(out + (p - json), off_curve);
	strcat(out, q);
	assert_int_equal(jwe_decrypt(k, out, strlen(out), &pt, &pt_len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "JWE epk is not a point on P-256");
	EVP_PKEY_free(k);
	free(out);
	free(json);
}

static void test_size_cap(void **state)
{
	char *big = malloc(JWE_MAX_BODY + 2);
	EVP_PKEY *k = key("ec.pem");
	uint8_t *pt;
	size_t pt_len;

	(void)state;
	memset(big, ' ', JWE_MAX_BODY + 1);
	big[0] = '{';
	big[JWE_MAX_BODY] = '}';
	assert_int_equal(jwe_decrypt(k, big, JWE_MAX_BODY + 1, &pt, &pt_len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "over 1048576 bytes"));
	assert_int_equal(jwe_decrypt(k, "", 0, &pt, &pt_len, err, sizeof(err)), -EINVAL);
	EVP_PKEY_free(k);
	free(big);
}

static void test_b64url(void **state)
{
	uint8_t out[16];
	size_t n;

	(void)state;
	assert_int_equal(b64url_decode("aGk", 3, out, sizeof(out), &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "hi", 2);
	assert_int_equal(b64url_decode("-_8", 3, out, sizeof(out), &n), 0);
	assert_int_equal(out[0], 0xfb);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(b64url_decode("", 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(b64url_decode("aGk=", 4, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64url_decode("aG+k", 4, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64url_decode("aG/k", 4, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64url_decode("aGl", 3, out, sizeof(out), &n), -EINVAL); /* non-zero trailing bits */
	assert_int_equal(b64url_decode("a", 1, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64url_decode("aGk", 3, out, 1, &n), -EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_vectors),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_refused_forms),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_epk_checks),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_b64url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
