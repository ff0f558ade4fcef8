// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/initdata_format.c: the block header, gunzip caps, digests
 * (known answers from sha*sum over fixture files), the TEE field fitting,
 * file-name rules and the document checks.
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
#include <zlib.h>

#include "hex.h"
#include "initdata_format.h"
#include "unit.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

/* A fixture file of fixtures/initdata/. */
static char *slurp(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), FIXTURES "/initdata/%s", name);
	return unit_slurp(path, len);
}

static void header(uint8_t *h, const char *magic, uint64_t len)
{
	int i;

	memcpy(h, magic, 8);
	for (i = 0; i < 8; i++)
		h[8 + i] = (uint8_t)(len >> (8 * i));
}

/* ---- block header ---------------------------------------------------------- */

static void test_header_ok(void **state)
{
	uint8_t h[16];
	uint64_t len = 0;
	char err[INITDATA_ERR];

	(void)state;
	header(h, "initdata", 392);
	assert_int_equal(initdata_header(h, 512, &len, err, sizeof(err)), 1);
	assert_int_equal(len, 392);
	/* Exactly filling the device is fine. */
	header(h, "initdata", 512 - 16);
	assert_int_equal(initdata_header(h, 512, &len, err, sizeof(err)), 1);
	assert_int_equal(len, 496);
	/* The cap itself is allowed: 256 KiB (docs/initdata.md), written as a
	 * number, not as the constant under test. */
	header(h, "initdata", 262144);
	assert_int_equal(initdata_header(h, 1 << 20, &len, err, sizeof(err)), 1);
	assert_int_equal(len, 262144);
}

static void test_header_bad_magic(void **state)
{
	uint8_t h[16];
	uint64_t len = 7;
	char err[INITDATA_ERR];

	(void)state;
	header(h, "initdatA", 10);
	assert_int_equal(initdata_header(h, 512, &len, err, sizeof(err)), 0);
	header(h, "\0\0\0\0\0\0\0\0", 10);
	assert_int_equal(initdata_header(h, 512, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 7); /* untouched */
}

static void test_header_bad_length(void **state)
{
	uint8_t h[16];
	uint64_t len = 7;
	char err[INITDATA_ERR];

	(void)state;
	header(h, "initdata", 0);
	assert_int_equal(initdata_header(h, 512, &len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "length field is 0");
	header(h, "initdata", 262145);
	assert_int_equal(initdata_header(h, 1 << 20, &len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "length field 262145 exceeds the 262144-byte cap");
	/* One byte past the device. */
	header(h, "initdata", 497);
	assert_int_equal(initdata_header(h, 512, &len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "length field 497 runs past the end of the 512-byte device");
	/* Overflow: 16 + 2^64-1 must not wrap to a small number. */
	header(h, "initdata", UINT64_MAX);
	assert_int_equal(initdata_header(h, UINT64_MAX, &len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "exceeds the 262144-byte cap"));
	header(h, "initdata", 100);
	assert_int_equal(initdata_header(h, 10, &len, err, sizeof(err)), -EINVAL);
	assert_int_equal(len, 7);
}

/* ---- gunzip ------------------------------------------------------------------ */

static void test_gunzip_fixture(void **state)
{
	size_t gz_len, toml_len, out_len;
	char *gz = slurp("example.toml.gz", &gz_len);
	char *toml = slurp("example.toml", &toml_len);
	char err[INITDATA_ERR], *out = NULL;

	(void)state;
	assert_int_equal(initdata_gunzip((uint8_t *)gz, gz_len, &out, &out_len, err, sizeof(err)), 0);
	assert_int_equal(out_len, toml_len);
	assert_memory_equal(out, toml, toml_len);
	assert_int_equal(out[out_len], '\0');
	free(out);
	free(gz);
	free(toml);
}

static void test_gunzip_truncated(void **state)
{
	size_t gz_len, out_len, cut;
	char *gz = slurp("example.toml.gz", &gz_len);
	char err[INITDATA_ERR], *out = NULL;

	(void)state;
	/* Every truncation fails: in the header, the data or the trailer. */
	for (cut = 1; cut < gz_len; cut++) {
		assert_int_equal(initdata_gunzip((uint8_t *)gz, cut, &out, &out_len, err, sizeof(err)), -EINVAL);
		assert_null(out);
	}
	assert_int_equal(initdata_gunzip((uint8_t *)gz, gz_len - 4, &out, &out_len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "gzip stream is truncated");
	free(gz);
}

static void test_gunzip_corrupt(void **state)
{
	size_t gz_len, out_len;
	char *gz = slurp("example.toml.gz", &gz_len);
	char err[INITDATA_ERR], *out = NULL;

	(void)state;
	/* A flipped byte in the CRC32 trailer. */
	gz[gz_len - 6] ^= 1;
	assert_int_equal(initdata_gunzip((uint8_t *)gz, gz_len, &out, &out_len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "gzip stream is corrupt: incorrect data check");
	gz[gz_len - 6] ^= 1;
	/* Not gzip at all: a zlib or raw stream is refused too. */
	gz[0] = 0x78;
	assert_int_equal(initdata_gunzip((uint8_t *)gz, gz_len, &out, &out_len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "gzip stream is corrupt"));
	assert_null(out);
	free(gz);
}

static void test_gunzip_trailing(void **state)
{
	size_t gz_len, out_len;
	char *gz = slurp("example.toml.gz", &gz_len);
	char err[INITDATA_ERR], want[64], *out = NULL;
	uint8_t *two = malloc(2 * gz_len);

	(void)state;
	/* A second member (or any bytes) inside the length is refused: the
	 * host must not be able to hide data the digest does not cover. */
	memcpy(two, gz, gz_len);
	memcpy(two + gz_len, gz, gz_len);
	assert_int_equal(initdata_gunzip(two, 2 * gz_len, &out, &out_len, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%zu bytes after the end of the gzip stream", gz_len);
	assert_string_equal(err, want);
	assert_null(out);
	free(two);
	free(gz);
}

static uint8_t *gzip_zeros(size_t n, size_t *gz_len)
{
	char *zeros = calloc(1, n);
	uint8_t *out = malloc(n / 100 + 1024);
	z_stream z;

	assert_non_null(zeros);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)zeros;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)(n / 100 + 1024);
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*gz_len = z.total_out;
	deflateEnd(&z);
	free(zeros);
	return out;
}

static void test_gunzip_caps(void **state)
{
	size_t gz_len, out_len;
	char err[INITDATA_ERR], *out = NULL;
	uint8_t *gz;

	(void)state;
	/* Exactly 1 MiB decompresses (docs/initdata.md; the numbers are
	 * written out, not taken from the constant under test). */
	gz = gzip_zeros(1048576, &gz_len);
	assert_int_equal(initdata_gunzip(gz, gz_len, &out, &out_len, err, sizeof(err)), 0);
	assert_int_equal(out_len, 1048576);
	free(out);
	free(gz);
	out = NULL;
	/* One byte more, and a 64 MiB bomb, do not. */
	gz = gzip_zeros(1048577, &gz_len);
	assert_int_equal(initdata_gunzip(gz, gz_len, &out, &out_len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "decompressed size exceeds the 1048576-byte cap");
	free(gz);
	gz = gzip_zeros(64 << 20, &gz_len);
	assert_true(gz_len < 262144);
	assert_int_equal(initdata_gunzip(gz, gz_len, &out, &out_len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "decompressed size exceeds the 1048576-byte cap");
	assert_null(out);
	free(gz);
}

/* ---- digests: known answers from sha*sum ------------------------------------ */

static void check_kat(const char *file, enum initdata_alg alg, const char *ext)
{
	char name[128], hex[2 * INITDATA_DIGEST_MAX + 1], *data, *want;
	uint8_t d[INITDATA_DIGEST_MAX];
	size_t len, wlen;

	data = slurp(file, &len);
	snprintf(name, sizeof(name), "%s.%s", file, ext);
	want = slurp(name, &wlen);
	assert_int_equal(initdata_digest(alg, data, len, d), 0);
	hex_encode(d, initdata_alg_size(alg), hex);
	assert_int_equal(wlen, 2 * initdata_alg_size(alg) + 1);
	want[wlen - 1] = '\0';
	assert_string_equal(hex, want);
	free(data);
	free(want);
}

static void test_digest_kat(void **state)
{
	static const char *files[] = { "example.toml", "crlf-sha256.toml", "minimal-sha512.toml" };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		check_kat(files[i], ALG_SHA256, "sha256");
		check_kat(files[i], ALG_SHA384, "sha384");
		check_kat(files[i], ALG_SHA512, "sha512");
	}
}

static void test_alg_names(void **state)
{
	enum initdata_alg a;

	(void)state;
	assert_int_equal(initdata_alg_parse("sha256", &a), 0);
	assert_int_equal(a, ALG_SHA256);
	assert_int_equal(initdata_alg_parse("sha384", &a), 0);
	assert_int_equal(a, ALG_SHA384);
	assert_int_equal(initdata_alg_parse("sha512", &a), 0);
	assert_int_equal(a, ALG_SHA512);
	/* Only the names Kata (kata-types initdata.rs SUPPORTED_ALGORITHMS,
	 * kata-containers 7c6ba40c) and Trustee (kbs-types HashAlgorithm, serde
	 * lowercase, 900aa8fd) take: not the spec text's "sha-384". */
	assert_int_equal(initdata_alg_parse("sha-256", &a), -EINVAL);
	assert_int_equal(initdata_alg_parse("sha-384", &a), -EINVAL);
	assert_int_equal(initdata_alg_parse("sha-512", &a), -EINVAL);
	assert_int_equal(initdata_alg_parse("SHA384", &a), -EINVAL);
	assert_int_equal(initdata_alg_parse("sha1", &a), -EINVAL);
	assert_int_equal(initdata_alg_parse("sha3-384", &a), -EINVAL);
	assert_int_equal(initdata_alg_parse("", &a), -EINVAL);
	assert_int_equal(initdata_alg_size(ALG_SHA384), 48);
	assert_string_equal(initdata_alg_name(ALG_SHA512), "sha512");
}

/* ---- the digest as a TEE field ------------------------------------------------ */

static void test_fit(void **state)
{
	uint8_t d[64], f[64];
	size_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		d[i] = (uint8_t)(i + 1);
	/* SNP HOST_DATA (32): a sha384 digest is truncated. */
	memset(f, 0xee, sizeof(f));
	initdata_fit(d, 48, f, 32);
	assert_memory_equal(f, d, 32);
	assert_int_equal(f[32], 0xee); /* nothing written past the field */
	/* TDX MRCONFIGID (48): sha256 is zero-padded, sha384 fits, sha512 is cut. */
	memset(f, 0xee, sizeof(f));
	initdata_fit(d, 32, f, 48);
	assert_memory_equal(f, d, 32);
	for (i = 32; i < 48; i++)
		assert_int_equal(f[i], 0);
	assert_int_equal(f[48], 0xee);
	initdata_fit(d, 48, f, 48);
	assert_memory_equal(f, d, 48);
	initdata_fit(d, 64, f, 48);
	assert_memory_equal(f, d, 48);
	/* CCA personalisation value (64): sha384 padded with 16 zeros. */
	initdata_fit(d, 48, f, 64);
	assert_memory_equal(f, d, 48);
	for (i = 48; i < 64; i++)
		assert_int_equal(f[i], 0);
}

/* ---- file names ----------------------------------------------------------------- */

static void test_names(void **state)
{
	char longest[256];

	(void)state;
	assert_true(initdata_name_ok("aa.toml", 7));
	assert_true(initdata_name_ok("policy.rego", 11));
	assert_true(initdata_name_ok("..hidden", 8));
	assert_true(initdata_name_ok("a..b", 4));
	assert_false(initdata_name_ok("", 0));
	assert_false(initdata_name_ok(".", 1));
	assert_false(initdata_name_ok("..", 2));
	assert_false(initdata_name_ok("../etc/passwd", 13));
	assert_false(initdata_name_ok("a/b", 3));
	assert_false(initdata_name_ok("/etc", 4));
	assert_false(initdata_name_ok("a\0b", 3));
	assert_false(initdata_name_ok("initdata.toml", 13));
	memset(longest, 'x', sizeof(longest));
	assert_true(initdata_name_ok(longest, 255));
	assert_false(initdata_name_ok(longest, 256));
}

/* ---- the document ----------------------------------------------------------------- */

static int doc(const char *text, char *err)
{
	struct initdata_doc d;
	int r;

	err[0] = '\0';
	r = initdata_doc_parse(text, strlen(text), &d, err, INITDATA_ERR);
	if (r == 0)
		initdata_doc_free(&d);
	return r;
}

static void test_doc_example(void **state)
{
	struct initdata_doc d;
	char err[INITDATA_ERR], *text;
	const char *s;
	size_t len;

	(void)state;
	text = slurp("example.toml", &len);
	assert_int_equal(initdata_doc_parse(text, len, &d, err, sizeof(err)), 0);
	assert_int_equal(d.alg, ALG_SHA384);
	assert_int_equal(toml_count(d.data), 3);
	assert_non_null(d.aa);
	assert_non_null(d.cdh);
	s = toml_string(toml_get(toml_get(toml_get(d.aa, "token_configs"), "kbs"), "url"), &len);
	assert_string_equal(s, "http://127.0.0.1:8080");
	s = toml_string(toml_get(toml_get(d.cdh, "kbc"), "name"), &len);
	assert_string_equal(s, "cc_kbc");
	initdata_doc_free(&d);
	free(text);
}

static void test_doc_minimal(void **state)
{
	char err[INITDATA_ERR];

	(void)state;
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha512\"\n[data]\n", err), 0);
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n", err), 0);
	/* [data] is required, as both peers deserialize it into a required map. */
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha512\"\n", err), -EINVAL);
	assert_string_equal(err, "data missing (a [data] table is required, even empty)");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha-512\"\n[data]\n", err), -EINVAL);
	assert_string_equal(err, "unknown algorithm \"sha-512\" (want sha256, sha384 or sha512)");
}

static void test_doc_rejects(void **state)
{
	char err[INITDATA_ERR];

	(void)state;
	assert_int_equal(doc("version = \"0.2.0\"\nalgorithm = \"sha384\"\n", err), -EINVAL);
	assert_string_equal(err, "unsupported version \"0.2.0\" (want 0.1.0)");
	assert_int_equal(doc("algorithm = \"sha384\"\n", err), -EINVAL);
	assert_string_equal(err, "version missing or not a string");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"md5\"\n", err), -EINVAL);
	assert_string_equal(err, "unknown algorithm \"md5\" (want sha256, sha384 or sha512)");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\\u0000x\"\n", err), -EINVAL);
	assert_string_equal(err, "unknown algorithm \"sha384\\x00x\" (want sha256, sha384 or sha512)");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = 384\n", err), -EINVAL);
	assert_string_equal(err, "algorithm missing or not a string");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\nextra = 1\n", err), -EINVAL);
	assert_string_equal(err, "unknown top-level key \"extra\"");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\ndata = \"x\"\n", err), -EINVAL);
	assert_string_equal(err, "data is not a table");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\nn = 1\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"n\" is not a string");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n[data.sub]\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"sub\" is not a string");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\nx = \"1\"\nx = \"2\"\n", err), -EINVAL);
	assert_non_null(strstr(err, "TOML line 5 column 1: duplicate key"));
}

static void test_doc_bad_names(void **state)
{
	char err[INITDATA_ERR];

	(void)state;
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n"
			     "\"../etc/passwd\" = \"root::0:0::/:/bin/sh\"\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"../etc/passwd\" is not a plain file name");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n\"..\" = \"x\"\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"..\" is not a plain file name");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n\"a\\u0000b\" = \"x\"\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"a\\x00b\" is not a plain file name");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n\"\" = \"x\"\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"\" is not a plain file name");
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n\"initdata.toml\" = \"x\"\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"initdata.toml\" is not a plain file name");
	/* A dotted key makes a table, so "a.b" unquoted is not a file name. */
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\na.b = \"x\"\n", err), -EINVAL);
	assert_string_equal(err, "data entry \"a\" is not a string");
}

static void test_doc_inner_toml(void **state)
{
	char err[INITDATA_ERR];

	(void)state;
	/* aa.toml and cdh.toml must be TOML themselves; other entries need not. */
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n"
			     "\"policy.rego\" = \"not = = toml\"\n", err), 0);
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n"
			     "\"aa.toml\" = '''\n[token_configs.kbs]\nurl = \"x\"\nurl = \"y\"\n'''\n", err), -EINVAL);
	assert_non_null(strstr(err, "data entry aa.toml: line 3 column 1: duplicate key"));
	assert_int_equal(doc("version = \"0.1.0\"\nalgorithm = \"sha384\"\n[data]\n"
			     "\"cdh.toml\" = \"[kbc\"\n", err), -EINVAL);
	assert_non_null(strstr(err, "data entry cdh.toml: line 1 column"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_ok),
		cmocka_unit_test(test_header_bad_magic),
		cmocka_unit_test(test_header_bad_length),
		cmocka_unit_test(test_gunzip_fixture),
		cmocka_unit_test(test_gunzip_truncated),
		cmocka_unit_test(test_gunzip_corrupt),
		cmocka_unit_test(test_gunzip_trailing),
		cmocka_unit_test(test_gunzip_caps),
		cmocka_unit_test(test_digest_kat),
		cmocka_unit_test(test_alg_names),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_doc_minimal),
		cmocka_unit_test(test_doc_rejects),
		cmocka_unit_test(test_doc_bad_names),
		cmocka_unit_test(test_doc_inner_toml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
