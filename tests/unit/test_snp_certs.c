// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/snp_certs.c: the host's SEV-SNP certificate table.
 * The GUIDs are written here from their strings in virtee/sev
 * src/firmware/host/types/snp.rs (impl TryFrom<&Uuid> for CertType, at
 * d487809188c3, the revision Trustee's verifier builds with), not taken
 * from the code under test. Tables are built entry by entry: GUID, offset
 * u32 LE, length u32 LE, an all-zero terminator, then the certificates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "hex.h"
#include "snp_certs.h"

#define ARK "c0b406a4-a803-4952-9743-3fb6014cd0ae"
#define ASK "4ab7b379-bbac-4fe4-a02f-05aef327c782"
#define VCEK "63da758d-e664-4564-adc5-f4b93be8accd"
#define VLEK "a8074bc2-a25a-483e-aae6-39c045a0b8a1"
#define CRL "92f81bc3-5811-4d3d-97ff-d19f88dc67ea"
#define OTHER "00112233-4455-6677-8899-aabbccddeeff"

static uint8_t t[SNP_CERTS_MAX + 1];

/* Entry i: the GUID from its string (NULL: 16 zero bytes), offset, length. */
static void entry(size_t i, const char *guid, uint32_t off, uint32_t len)
{
	uint8_t *p = t + i * 24;
	char hex[33];
	size_t j, k = 0;

	memset(p, 0, 16);
	if (guid) {
		for (j = 0; guid[j]; j++)
			if (guid[j] != '-')
				hex[k++] = guid[j];
		hex[k] = '\0';
		assert_int_equal(k, 32);
		assert_int_equal(hex_decode(hex, p, 16), 0);
	}
	put_le32(p + 16, off);
	put_le32(p + 20, len);
}

/* Certificate bytes at off: a pattern of its own per seed. */
static void body(uint32_t off, uint32_t len, uint8_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		t[off + i] = (uint8_t)(seed + i * 7);
}

static void assert_cert(const struct snp_cert *c, enum snp_cert_type type, uint32_t off,
			uint32_t len)
{
	assert_int_equal(c->type, type);
	assert_ptr_equal(c->data, t + off);
	assert_int_equal(c->len, len);
}

static void test_good(void **state)
{
	struct snp_certs c;
	char err[256] = "";

	(void)state;
	/* Five kinds and an unknown GUID, not in the crate's order, with a gap
	 * after the table and trailing zero bytes (the ioctl's whole buffer). */
	memset(t, 0, sizeof(t));
	entry(0, VLEK, 200, 100);
	entry(1, ASK, 300, 50);
	entry(2, OTHER, 350, 10);
	entry(3, ARK, 400, 60);
	entry(4, CRL, 460, 5);
	entry(5, VCEK, 465, 35);
	entry(6, NULL, 0, 0);
	body(200, 100, 1);
	body(300, 50, 2);
	body(350, 10, 3);
	body(400, 60, 4);
	body(460, 5, 5);
	body(465, 35, 6);
	assert_int_equal(snp_certs_parse(t, 16384, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.unknown, 1);
	/* virtee/sev's order (Ord for CertType): ARK, VCEK, VLEK, ASK, CRL. */
	assert_cert(&c.cert[0], SNP_CERT_ARK, 400, 60);
	assert_cert(&c.cert[1], SNP_CERT_VCEK, 465, 35);
	assert_cert(&c.cert[2], SNP_CERT_VLEK, 200, 100);
	assert_cert(&c.cert[3], SNP_CERT_ASK, 300, 50);
	assert_cert(&c.cert[4], SNP_CERT_CRL, 460, 5);
	assert_string_equal(snp_cert_type_name(c.cert[0].type), "ARK");
	assert_string_equal(snp_cert_type_name(c.cert[1].type), "VCEK");
	assert_string_equal(snp_cert_type_name(c.cert[2].type), "VLEK");
	assert_string_equal(snp_cert_type_name(c.cert[3].type), "ASK");
	assert_string_equal(snp_cert_type_name(c.cert[4].type), "CRL");

	/* configfs-tsm's auxblob ends with the last certificate, exactly. */
	assert_int_equal(snp_certs_parse(t, 500, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 5);

	/* One VCEK right after the table; the largest buffer. */
	memset(t, 0, sizeof(t));
	entry(0, VCEK, 48, SNP_CERTS_MAX - 48);
	body(48, SNP_CERTS_MAX - 48, 9);
	assert_int_equal(snp_certs_parse(t, SNP_CERTS_MAX, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 1);
	assert_cert(&c.cert[0], SNP_CERT_VCEK, 48, SNP_CERTS_MAX - 48);

	/* 16 entries, the most. */
	memset(t, 0, sizeof(t));
	entry(0, VCEK, 17 * 24, 1);
	for (size_t i = 1; i < 16; i++)
		entry(i, OTHER, (uint32_t)(17 * 24 + i), 1);
	assert_int_equal(snp_certs_parse(t, 17 * 24 + 16, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.unknown, 15);
}

static void test_none(void **state)
{
	struct snp_certs c;
	char err[256] = "";

	(void)state;
	memset(&c, 0xA5, sizeof(c));
	/* No auxblob at all, a terminator only, and the ioctl's zeroed buffer. */
	assert_int_equal(snp_certs_parse(NULL, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
	memset(t, 0, sizeof(t));
	assert_int_equal(snp_certs_parse(t, 24, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.unknown, 0);
	assert_int_equal(snp_certs_parse(t, 16384, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n, 0);
}

static void refused(size_t len, int want, const char *why)
{
	struct snp_certs c;
	char err[256] = "";

	memset(&c, 0xA5, sizeof(c));
	assert_int_equal(snp_certs_parse(t, len, &c, err, sizeof(err)), want);
	assert_string_equal(err, why);
	/* Nothing half-parsed is left. */
	assert_int_equal(c.n, 0);
	assert_int_equal(c.unknown, 0);
	assert_null(c.cert[0].data);
}

static void test_bad(void **state)
{
	(void)state;
	memset(t, 0, sizeof(t));
	refused(SNP_CERTS_MAX + 1, -EFBIG, "SNP certificate table is 32769 bytes, at most 32768");
	refused(23, -EINVAL, "SNP certificate table has no all-zero last entry within its 23 bytes");

	/* An entry and no terminator before the end. */
	entry(0, VCEK, 24, 8);
	refused(32, -EINVAL, "SNP certificate table has no all-zero last entry within its 32 bytes");
	refused(47, -EINVAL, "SNP certificate table has no all-zero last entry within its 47 bytes");

	/* 17 entries. */
	memset(t, 0, sizeof(t));
	for (size_t i = 0; i < 17; i++)
		entry(i, i ? OTHER : VCEK, (uint32_t)(18 * 24 + i), 1);
	refused(18 * 24 + 17, -EINVAL, "SNP certificate table has more than 16 entries");

	/* A zero GUID that is not the terminator. */
	memset(t, 0, sizeof(t));
	entry(0, NULL, 48, 0);
	refused(100, -EINVAL, "SNP certificate table entry 0 has a zero GUID but offset 48 length 0");
	entry(0, VCEK, 72, 10);
	entry(1, NULL, 0, 1);
	refused(100, -EINVAL, "SNP certificate table entry 1 has a zero GUID but offset 0 length 1");

	/* Empty, inside the table, beyond the end, wrapping around. */
	memset(t, 0, sizeof(t));
	entry(0, VCEK, 48, 0);
	refused(100, -EINVAL, "SNP certificate table entry 0 (VCEK) is empty");
	entry(0, ASK, 47, 10);
	refused(100, -EINVAL,
		"SNP certificate table entry 0 (ASK) at offset 47 lies in the table (48 bytes)");
	entry(0, ARK, 0, 10);
	refused(100, -EINVAL,
		"SNP certificate table entry 0 (ARK) at offset 0 lies in the table (48 bytes)");
	entry(0, VLEK, 48, 53);
	refused(100, -EINVAL,
		"SNP certificate table entry 0 (VLEK) at 48+53 ends beyond its 100 bytes");
	entry(0, VCEK, 0xFFFFFFF0U, 0x20);
	refused(100, -EINVAL,
		"SNP certificate table entry 0 (VCEK) at 4294967280+32 ends beyond its 100 bytes");
	entry(0, OTHER, 48, 100);
	refused(100, -EINVAL, "SNP certificate table entry 0 (" OTHER ") at 48+100 ends beyond its 100 bytes");

	/* Overlaps: one byte shared, one inside another, the same range. */
	memset(t, 0, sizeof(t));
	entry(0, VCEK, 72, 10);
	entry(1, ASK, 81, 10);
	refused(100, -EINVAL, "SNP certificate table entries 0 (VCEK) and 1 (ASK) overlap");
	entry(1, ARK, 74, 2);
	refused(100, -EINVAL, "SNP certificate table entries 0 (VCEK) and 1 (ARK) overlap");
	entry(1, OTHER, 72, 10);
	refused(100, -EINVAL, "SNP certificate table entries 0 (VCEK) and 1 (" OTHER ") overlap");
	/* Adjacent is fine. */
	entry(1, ASK, 82, 10);
	{
		struct snp_certs c;
		char err[256];

		assert_int_equal(snp_certs_parse(t, 100, &c, err, sizeof(err)), 0);
		assert_int_equal(c.n, 2);
	}

	/* Two of one kind: which one would Trustee take? */
	entry(1, VCEK, 82, 10);
	refused(100, -EINVAL, "SNP certificate table has two VCEK entries (0 and 1)");
	/* Two unknown GUIDs alike are not kept, so not refused. */
	entry(0, OTHER, 72, 10);
	entry(1, OTHER, 82, 10);
	{
		struct snp_certs c;
		char err[256];

		assert_int_equal(snp_certs_parse(t, 100, &c, err, sizeof(err)), 0);
		assert_int_equal(c.n, 0);
		assert_int_equal(c.unknown, 2);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
