// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for tools/measure_tdx.c. Known answers from first principles:
 * each test builds a tiny synthetic input (a TDVF image with an OVMF footer
 * table, a PE/bzImage, a command line), lays out by hand the exact byte
 * stream the measurement hashes, and hashes it with the system's sha384sum
 * (a separate program, not our OpenSSL path). Then the refusals: every
 * malformed input gets -EINVAL and a message naming what is wrong.
 * tdx-measure's Ubuntu OVMF 2025.02 fixture (MRTD 7357a10d...1114) needs
 * that OVMF binary, which is not in the tree; it is not checked here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "hex.h"
#include "measure.h"
#include "measure_tdx.h"

/* ---- helpers: sha384sum, files, byte writers ------------------------------ */


static void write_tmp(char *path, size_t pathlen, const void *buf, size_t len)
{
	int fd;

	snprintf(path, pathlen, "/tmp/test_measure_tdx.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* SHA-384 of buf, computed by running sha384sum on a temporary file. */
static void sha384sum(const void *buf, size_t len, uint8_t out[48])
{
	char path[64], cmd[128], line[160];
	FILE *p;

	write_tmp(path, sizeof(path), buf, len);
	snprintf(cmd, sizeof(cmd), "sha384sum '%s'", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	unlink(path);
	line[96] = '\0';
	assert_int_equal(hex_decode(line, out, 48), 0);
}

/* r = sha384sum(r || d) */
static void fold(uint8_t r[48], const uint8_t d[48])
{
	uint8_t b[96];

	memcpy(b, r, 48);
	memcpy(b + 48, d, 48);
	sha384sum(b, sizeof(b), r);
}

static void tohex(const uint8_t d[48], char out[97])
{
	for (int i = 0; i < 48; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* A growable byte stream for the expected hash inputs. */
struct stream { uint8_t *b; size_t len, cap; };

static void put(struct stream *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->b = realloc(s->b, s->cap);
		assert_non_null(s->b);
	}
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

/* ---- the synthetic TDVF image --------------------------------------------- */

#define FW_SIZE   0x8000u
#define DESC_OFF  0x6010u	/* TDVF descriptor; a GUID sits in front of it */
#define NSEC      5u

struct sec { uint32_t off, raw; uint64_t base, size; uint32_t type, attr; };

/* One section of each attribute kind: 1 (add+extend), 0, 2 (PAGE.AUG), 0, 1 on zeros. */
static const struct sec good_secs[NSEC] = {
	{ 0x0000, 0x2000, 0x100000, 0x2000, 0, 1 },	/* BFV: add + extend */
	{ 0x2000, 0x1000, 0x200000, 0x2000, 1, 0 },	/* CFV: add only */
	{ 0, 0, 0x300000, 0x3000, 3, 2 },		/* TEMP_MEM: PAGE.AUG, nothing */
	{ 0, 0, 0x400000, 0x1000, 2, 0 },		/* TD_HOB: add only */
	{ 0, 0, 0x500000, 0x1000, 3, 1 },		/* TEMP_MEM: add + extend of zeros */
};

static const uint8_t footer_guid[16] = {	/* 96b582de-1fb2-45f7-baea-a366c55a082d */
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d };
static const uint8_t tdx_guid[16] = {		/* e47a6535-984a-4798-865e-4685a7bf8ec2 */
	0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47, 0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2 };
static const uint8_t other_guid[16] = {		/* any other table entry */
	0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54 };

/* Table layout (from the end): 32 bytes, footer (18), other (6+18), TDX (4+18). */
#define FOOTER_AT  (FW_SIZE - 32 - 18)
#define OTHER_AT   (FOOTER_AT - 24)
#define TDXENT_AT  (OTHER_AT - 22)

static uint8_t fw[FW_SIZE];

static void put_section(uint32_t i, const struct sec *s)
{
	uint8_t *e = fw + DESC_OFF + 16 + 32 * i;

	put_le32(e, s->off);
	put_le32(e + 4, s->raw);
	put_le64(e + 8, s->base);
	put_le64(e + 16, s->size);
	put_le32(e + 24, s->type);
	put_le32(e + 28, s->attr);
}

static void build_fw(void)
{
	memset(fw, 0xff, sizeof(fw));
	for (uint32_t i = 0; i < 0x3000; i++)	/* BFV then CFV data */
		fw[i] = (uint8_t)(i * 7 + 3 + (i >> 8));
	memcpy(fw + DESC_OFF - 16, tdx_guid, 16);
	memcpy(fw + DESC_OFF, "TDVF", 4);
	put_le32(fw + DESC_OFF + 4, 16 + 32 * NSEC);
	put_le32(fw + DESC_OFF + 8, 1);
	put_le32(fw + DESC_OFF + 12, NSEC);
	for (uint32_t i = 0; i < NSEC; i++)
		put_section(i, &good_secs[i]);

	put_le32(fw + TDXENT_AT, FW_SIZE - DESC_OFF);	/* offset from the end */
	put_le16(fw + TDXENT_AT + 4, 22);
	memcpy(fw + TDXENT_AT + 6, tdx_guid, 16);
	memcpy(fw + OTHER_AT, "\x01\x02\x03\x04\x05\x06", 6);
	put_le16(fw + OTHER_AT + 6, 24);
	memcpy(fw + OTHER_AT + 8, other_guid, 16);
	put_le16(fw + FOOTER_AT, 18 + 24 + 22);
	memcpy(fw + FOOTER_AT + 2, footer_guid, 16);
	memset(fw + FW_SIZE - 32, 0xf4, 32);
}

/* The MRTD input, written out block by block. */
static void stream_add(struct stream *s, uint64_t gpa)
{
	uint8_t b[128] = "MEM.PAGE.ADD";

	put_le64(b + 16, gpa);
	put(s, b, 128);
}

static void stream_extend_page(struct stream *s, const struct sec *sec, uint64_t page)
{
	for (int c = 0; c < 16; c++) {
		uint8_t b[128] = "MR.EXTEND", data[256];
		uint64_t off = page * 4096 + (uint64_t)c * 256;

		put_le64(b + 16, sec->base + off);
		put(s, b, 128);
		for (int j = 0; j < 256; j++)
			data[j] = off + j < sec->raw ? fw[sec->off + off + j] : 0;
		put(s, data, 256);
	}
}

static void expected_mrtd(int add_then_extend, uint8_t out[48])
{
	struct stream s = { 0 };

	for (uint32_t i = 0; i < NSEC; i++) {
		const struct sec *sec = &good_secs[i];

		for (uint64_t p = 0; p < sec->size / 4096; p++) {
			if (!(sec->attr & 2))
				stream_add(&s, sec->base + p * 4096);
			if ((sec->attr & 1) && !add_then_extend)
				stream_extend_page(&s, sec, p);
		}
		for (uint64_t p = 0; add_then_extend && (sec->attr & 1) && p < sec->size / 4096; p++)
			stream_extend_page(&s, sec, p);
	}
	/* 2 BFV pages x (128 + 16 x 384), 2 CFV + 1 HOB adds, 1 zero page */
	assert_int_equal(s.len, 3 * (128 + 16 * 384) + 3 * 128);
	sha384sum(s.b, s.len, out);
	free(s.b);
}

static void test_mrtd_interleaved(void **state)
{
	uint8_t got[48], want[48];
	char err[TDX_ERR_LEN];

	(void)state;
	build_fw();
	assert_int_equal(tdx_mrtd(fw, FW_SIZE, TDX_ORDER_INTERLEAVED, got, err, sizeof(err)), 0);
	expected_mrtd(0, want);
	assert_memory_equal(got, want, 48);
}

static void test_mrtd_add_then_extend(void **state)
{
	uint8_t got[48], want[48], inter[48];
	char err[TDX_ERR_LEN];

	(void)state;
	build_fw();
	assert_int_equal(tdx_mrtd(fw, FW_SIZE, TDX_ORDER_ADD_THEN_EXTEND, got, err, sizeof(err)), 0);
	expected_mrtd(1, want);
	assert_memory_equal(got, want, 48);
	/* The orders really differ (the BFV has two pages). */
	assert_int_equal(tdx_mrtd(fw, FW_SIZE, TDX_ORDER_INTERLEAVED, inter, err, sizeof(err)), 0);
	assert_memory_not_equal(got, inter, 48);
}

/* Bytes the MRTD does not cover (the reset vector, the table) do not change it. */
static void test_mrtd_ignores_unmeasured(void **state)
{
	uint8_t a[48], b[48];
	char err[TDX_ERR_LEN];

	(void)state;
	build_fw();
	assert_int_equal(tdx_mrtd(fw, FW_SIZE, TDX_ORDER_INTERLEAVED, a, err, sizeof(err)), 0);
	fw[FW_SIZE - 1] ^= 0xff;
	fw[0x2800] ^= 0xff;	/* CFV data: added, not extended */
	assert_int_equal(tdx_mrtd(fw, FW_SIZE, TDX_ORDER_INTERLEAVED, b, err, sizeof(err)), 0);
	assert_memory_equal(a, b, 48);
	fw[0x10] ^= 0xff;	/* BFV data: extended */
	assert_int_equal(tdx_mrtd(fw, FW_SIZE, TDX_ORDER_INTERLEAVED, b, err, sizeof(err)), 0);
	assert_memory_not_equal(a, b, 48);
}

/* ---- MRTD refusals --------------------------------------------------------- */

static void refuse(size_t len, const char *needle)
{
	uint8_t out[48];
	char err[TDX_ERR_LEN] = "";

	assert_int_equal(tdx_mrtd(fw, len, TDX_ORDER_INTERLEAVED, out, err, sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

static void refuse_section(uint32_t i, struct sec s, const char *needle)
{
	build_fw();
	put_section(i, &s);
	refuse(FW_SIZE, needle);
}

static void test_refuse_truncated(void **state)
{
	(void)state;
	build_fw();
	refuse(40, "too short");
	refuse(FW_SIZE - 1, "no OVMF table footer GUID");
	refuse(FW_SIZE - 0x1000, "no OVMF table footer GUID");
	refuse(0, "too short");
}

static void test_refuse_missing_guid(void **state)
{
	(void)state;
	build_fw();
	fw[TDXENT_AT + 6] ^= 1;
	refuse(FW_SIZE, "no TDX metadata");
}

static void test_refuse_bad_table(void **state)
{
	(void)state;
	build_fw();
	put_le16(fw + FOOTER_AT, 17);
	refuse(FW_SIZE, "footer length");
	build_fw();
	put_le16(fw + FOOTER_AT, 0xffff);
	refuse(FW_SIZE, "footer length");
	build_fw();
	put_le16(fw + OTHER_AT + 6, 0);	/* would loop forever if trusted */
	refuse(FW_SIZE, "bad length");
	build_fw();
	put_le16(fw + OTHER_AT + 6, 200);	/* longer than what is left */
	refuse(FW_SIZE, "bad length");
	build_fw();
	put_le16(fw + TDXENT_AT + 4, 23);	/* the offset entry must hold 4 bytes */
	put_le16(fw + FOOTER_AT, 18 + 24 + 23);
	refuse(FW_SIZE, "want 4");
	build_fw();
	put_le32(fw + TDXENT_AT, FW_SIZE + 1);
	refuse(FW_SIZE, "outside the file");
	build_fw();
	put_le32(fw + TDXENT_AT, 8);	/* descriptor would straddle the end */
	refuse(FW_SIZE, "outside the file");
}

static void test_refuse_bad_descriptor(void **state)
{
	(void)state;
	build_fw();
	fw[DESC_OFF + 3] = 'X';
	refuse(FW_SIZE, "signature");
	build_fw();
	put_le32(fw + DESC_OFF + 8, 2);
	refuse(FW_SIZE, "version 2");
	build_fw();
	put_le32(fw + DESC_OFF + 4, 16 + 32 * NSEC + 1);
	refuse(FW_SIZE, "length");
	build_fw();
	put_le32(fw + DESC_OFF + 12, 1);
	put_le32(fw + DESC_OFF + 4, 16 + 32);
	refuse(FW_SIZE, "sections");
	build_fw();
	put_le32(fw + DESC_OFF + 12, 0x08000000);	/* huge count, length overflow bait */
	refuse(FW_SIZE, "sections");
	build_fw();	/* a plausible descriptor 512 bytes from the end, 656 long */
	memcpy(fw + FW_SIZE - 0x200, fw + DESC_OFF, 16);
	put_le32(fw + FW_SIZE - 0x200 + 12, 20);
	put_le32(fw + FW_SIZE - 0x200 + 4, 16 + 32 * 20);
	put_le32(fw + TDXENT_AT, 0x200);
	refuse(FW_SIZE, "runs past the file");
}

static void test_refuse_bad_sections(void **state)
{
	struct sec s;

	(void)state;
	s = good_secs[0];
	s.off = FW_SIZE - 0x1000;	/* 0x2000 bytes from 4 KiB before the end */
	refuse_section(0, s, "outside");
	s = good_secs[0];
	s.off = 0xfffff000;	/* u32 wrap bait */
	refuse_section(0, s, "outside");
	s = good_secs[0];
	s.attr = 3;	/* MR.EXTEND of PAGE.AUG memory */
	refuse_section(0, s, "contradictory");
	s = good_secs[1];
	s.attr = 4;
	refuse_section(1, s, "unknown attribute");
	s = good_secs[2];
	s.type = 4;
	refuse_section(2, s, "type 4");
	s = good_secs[0];
	s.raw = 0x1800;	/* extended BFV shorter than its memory */
	refuse_section(0, s, "ambiguous");
	s = good_secs[3];
	s.attr = 1;
	refuse_section(3, s, "TD_HOB");
	s = good_secs[1];
	s.size = 0x800;	/* raw > mem, and not whole pages */
	refuse_section(1, s, "RawDataSize");
	s = good_secs[3];
	s.base = 0x400800;
	refuse_section(3, s, "pages");
	s = good_secs[3];
	s.size = 0;
	refuse_section(3, s, "pages");
	s = good_secs[3];
	s.base = 0xfffffffffffff000ull;
	s.size = 0x2000;
	refuse_section(3, s, "wraps");
	s = good_secs[3];
	s.raw = 0x10;
	s.size = 0x1000;
	refuse_section(3, s, "raw data");
	s = good_secs[1];
	s.raw = 0;
	refuse_section(1, s, "no raw data");
}

/* ---- Authenticode ------------------------------------------------------------ */

/*
 * A PE32+ laid out by hand: e_lfanew 0x40, optional header at 0x58 (CheckSum
 * at 0x98, security directory at 0xe8), section table 0x148..0x1c0,
 * SizeOfHeaders 0x200; sections listed out of file order (A at 0x400, B at
 * 0x200, C empty); 0x80 trailing bytes, then (with_cert) a 0x80-byte
 * certificate table. The bzImage setup header fields (0x1f1.., HdrS at 0x202)
 * fall in headers and section B, as in a real EFI-stub kernel.
 */
#define PE_LEN_CERT 0x700u
#define PE_LEN_NOCERT 0x680u

static size_t build_pe(uint8_t *img, int with_cert)
{
	size_t len = with_cert ? PE_LEN_CERT : PE_LEN_NOCERT;

	for (size_t i = 0; i < len; i++)
		img[i] = (uint8_t)(i * 13 + 5 + (i >> 8) * 3);
	img[0] = 'M';
	img[1] = 'Z';
	put_le32(img + 0x3c, 0x40);
	memcpy(img + 0x40, "PE\0\0", 4);
	put_le16(img + 0x44, 0x8664);
	put_le16(img + 0x46, 3);		/* NumberOfSections */
	put_le16(img + 0x54, 0xf0);		/* SizeOfOptionalHeader */
	put_le16(img + 0x58, 0x20b);		/* PE32+ */
	put_le32(img + 0x94, 0x200);		/* SizeOfHeaders */
	put_le32(img + 0x98, 0xdeadbeef);	/* CheckSum: excluded */
	put_le32(img + 0xc4, 16);		/* NumberOfRvaAndSizes */
	put_le32(img + 0xe8, with_cert ? 0x680 : 0);	/* security directory */
	put_le32(img + 0xec, with_cert ? 0x80 : 0);
	put_le32(img + 0x148 + 16, 0x200);	/* A: SizeOfRawData, PointerToRawData */
	put_le32(img + 0x148 + 20, 0x400);
	put_le32(img + 0x170 + 16, 0x200);	/* B */
	put_le32(img + 0x170 + 20, 0x200);
	put_le32(img + 0x198 + 16, 0);	/* C: empty, skipped */
	put_le32(img + 0x198 + 20, 0x300);
	return len;
}

/* secdir: the image has a security directory entry; cert: its size. */
static void expected_authenticode(const uint8_t *img, size_t len, int secdir, size_t cert, uint8_t out[48])
{
	struct stream s = { 0 };

	put(&s, img, 0x98);				/* up to CheckSum */
	if (secdir) {
		put(&s, img + 0x9c, 0xe8 - 0x9c);	/* up to the security entry */
		put(&s, img + 0xf0, 0x200 - 0xf0);	/* rest of the headers */
	} else {
		put(&s, img + 0x9c, 0x200 - 0x9c);
	}
	put(&s, img + 0x200, 0x200);			/* B (lower file offset) */
	put(&s, img + 0x400, 0x200);			/* A */
	put(&s, img + 0x600, len - cert - 0x600);	/* trailing data, not the certificates */
	sha384sum(s.b, s.len, out);
	free(s.b);
}

static void test_authenticode(void **state)
{
	uint8_t img[PE_LEN_CERT], got[48], want[48];
	char err[TDX_ERR_LEN];
	size_t len;

	(void)state;
	for (int cert = 0; cert <= 1; cert++) {
		len = build_pe(img, cert);
		assert_int_equal(tdx_authenticode_sha384(img, len, got, err, sizeof(err)), 0);
		expected_authenticode(img, len, 1, cert ? 0x80 : 0, want);
		assert_memory_equal(got, want, 48);
		/* CheckSum and the certificates are outside it. */
		put_le32(img + 0x98, 0x12345678);
		if (cert)
			img[0x6a0] ^= 0xff;
		assert_int_equal(tdx_authenticode_sha384(img, len, got, err, sizeof(err)), 0);
		assert_memory_equal(got, want, 48);
		img[0x600] ^= 0xff;	/* trailing data is inside it */
		assert_int_equal(tdx_authenticode_sha384(img, len, got, err, sizeof(err)), 0);
		assert_memory_not_equal(got, want, 48);
	}
	/* Only 4 data directories: no security entry, every trailing byte hashed. */
	len = build_pe(img, 1);
	put_le32(img + 0xc4, 4);
	assert_int_equal(tdx_authenticode_sha384(img, len, got, err, sizeof(err)), 0);
	expected_authenticode(img, len, 0, 0, want);
	assert_memory_equal(got, want, 48);
}

static void refuse_pe(const uint8_t *img, size_t len, const char *needle)
{
	uint8_t out[48];
	char err[TDX_ERR_LEN] = "";

	assert_int_equal(tdx_authenticode_sha384(img, len, out, err, sizeof(err)), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

static void test_authenticode_refusals(void **state)
{
	uint8_t img[PE_LEN_CERT];
	size_t len;

	(void)state;
	len = build_pe(img, 1);
	refuse_pe(img, 0x30, "MZ");
	refuse_pe(img, 0x5f, "optional header");
	img[0] = 'X';
	refuse_pe(img, len, "MZ");
	len = build_pe(img, 1);
	put_le32(img + 0x3c, 0xfffffff0);
	refuse_pe(img, len, "PE signature");
	len = build_pe(img, 1);
	img[0x42] = 'X';
	refuse_pe(img, len, "PE signature");
	len = build_pe(img, 1);
	put_le16(img + 0x58, 0x10c);
	refuse_pe(img, len, "magic");
	len = build_pe(img, 1);
	put_le32(img + 0x170 + 20, 0x600);	/* B now runs past the end */
	refuse_pe(img, len, "outside the file");
	len = build_pe(img, 1);
	put_le32(img + 0xe8, 0x600);		/* certificates not at the tail */
	refuse_pe(img, len, "certificate table");
	len = build_pe(img, 1);
	put_le32(img + 0x94, 0x800);		/* SizeOfHeaders past the end */
	refuse_pe(img, len, "SizeOfHeaders");
	len = build_pe(img, 1);
	put_le32(img + 0x94, 0xe0);		/* ends before the security entry */
	refuse_pe(img, len, "SizeOfHeaders");
	len = build_pe(img, 1);
	put_le16(img + 0x46, 2000);
	refuse_pe(img, len, "section table");
	len = build_pe(img, 1);
	put_le32(img + 0xc4, 17);
	refuse_pe(img, len, "data directories");
	len = build_pe(img, 1);
	refuse_pe(img, 0x680, "certificate table");	/* truncated: the certificates are gone */
	refuse_pe(img, 0x500, "outside the file");	/* truncated: A is cut */
}

/* ---- kernel setup header --------------------------------------------------------- */

/* The bzImage fields, on top of the PE above: protocol 2.15, LOADED_HIGH, XLF 4G. */
static size_t build_bzimage(uint8_t *img)
{
	size_t len = build_pe(img, 1);

	img[0x1f1] = 1;				/* setup_sects: 1024 bytes of setup */
	memcpy(img + 0x202, "HdrS", 4);
	put_le16(img + 0x206, 0x020f);
	img[0x210] = 0;
	img[0x211] = 0x01;			/* LOADED_HIGH */
	put_le32(img + 0x224, 0);
	put_le32(img + 0x22c, 0x7fffffff);		/* initrd_addr_max (ignored: XLF) */
	put_le16(img + 0x236, 0x0040 | 0x0003);	/* XLF_CAN_BE_LOADED_ABOVE_4G, ... */
	return len;
}

static void test_patch_kernel(void **state)
{
	uint8_t img[PE_LEN_CERT], ref[PE_LEN_CERT];
	char err[TDX_ERR_LEN];
	size_t len;

	(void)state;
	len = build_bzimage(img);
	memcpy(ref, img, len);
	assert_int_equal(tdx_patch_kernel(img, len, "console=hvc0 vga=0x317 quiet", 1, 0x1234,
					  1ull << 30, err, sizeof(err)), 0);
	/* What QEMU x86_load_linux() writes, worked out by hand. */
	ref[0x210] = 0xb0;			/* type_of_loader */
	ref[0x211] |= 0x80;			/* CAN_USE_HEAP */
	put_le16(ref + 0x224, 0x20000 - 0x10000 - 0x200);	/* heap_end_ptr */
	put_le32(ref + 0x228, 0x20000);		/* cmd_line_ptr */
	put_le16(ref + 0x1fa, 0x317);		/* vid_mode */
	/* 1 GiB: initrd_max = 0x40000000 - 0x28000 - 1; (max - 0x1234) & ~4095 */
	put_le32(ref + 0x218, 0x3ffd6000);
	put_le32(ref + 0x21c, 0x1234);
	assert_memory_equal(img, ref, len);

	/* >= 0xb0000000 of RAM: 2 GiB below 4 GiB. No vga=: vid_mode untouched. */
	len = build_bzimage(img);
	assert_int_equal(tdx_patch_kernel(img, len, "", 1, 0x1234, 8ull << 30, err, sizeof(err)), 0);
	assert_int_equal(img[0x218] | img[0x219] << 8 | img[0x21a] << 16 | (uint32_t)img[0x21b] << 24, 0x7ffd6000);
	build_bzimage(ref);
	assert_memory_equal(img + 0x1fa, ref + 0x1fa, 2);

	/* No initrd: ramdisk fields untouched, no --mem-size needed. */
	len = build_bzimage(img);
	memcpy(ref, img, len);
	assert_int_equal(tdx_patch_kernel(img, len, "a", 0, 0, 0, err, sizeof(err)), 0);
	assert_memory_equal(img + 0x218, ref + 0x218, 8);
	put_le32(ref + 0x228, 0x20000);
	assert_memory_equal(img + 0x228, ref + 0x228, 4);

	/* vga=normal/ext/ask */
	len = build_bzimage(img);
	assert_int_equal(tdx_patch_kernel(img, len, "vga=ask", 0, 0, 0, err, sizeof(err)), 0);
	assert_int_equal(img[0x1fa] | img[0x1fb] << 8, 0xfffd);
}

static void test_patch_kernel_old_protocol(void **state)
{
	uint8_t img[PE_LEN_CERT];
	char err[TDX_ERR_LEN];
	size_t len;

	(void)state;
	/* 2.01, loaded low: real 0x90000, cmdline 0x9a000 - 16, old 0xA33F magic. */
	len = build_bzimage(img);
	put_le16(img + 0x206, 0x0201);
	img[0x211] = 0;
	assert_int_equal(tdx_patch_kernel(img, len, "root=/dev/vda", 1, 0x1000, 1ull << 30, err, sizeof(err)), 0);
	assert_int_equal(img[0x20] | img[0x21] << 8, 0xa33f);
	assert_int_equal(img[0x22] | img[0x23] << 8, 0x9a000 - 16 - 0x90000);
	assert_int_equal(img[0x224] | img[0x225] << 8, 0x9a000 - 16 - 0x90000 - 0x200);
	/* initrd_max 0x37ffffff: (0x37ffffff - 0x1000) & ~4095 */
	assert_int_equal(img[0x218] | img[0x219] << 8 | img[0x21a] << 16 | (uint32_t)img[0x21b] << 24, 0x37ffe000);
}

static void test_patch_kernel_refusals(void **state)
{
	uint8_t img[PE_LEN_CERT];
	char err[TDX_ERR_LEN];
	size_t len;

	(void)state;
	len = build_bzimage(img);
	assert_int_equal(tdx_patch_kernel(img, len, "vga=foo", 0, 0, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "vga="));
	assert_int_equal(tdx_patch_kernel(img, len, "vga=12x", 0, 0, 0, err, sizeof(err)), -EINVAL);
	len = build_bzimage(img);
	assert_int_equal(tdx_patch_kernel(img, len, "", 1, 0x40000000, 1ull << 30, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too large"));
	assert_int_equal(tdx_patch_kernel(img, len, "", 1, 1, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--mem-size"));
	img[0x202] = 'X';
	assert_int_equal(tdx_patch_kernel(img, len, "", 0, 0, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "HdrS"));
	len = build_bzimage(img);
	img[0x1f1] = 10;	/* 5.5 KiB of setup in a 1.75 KiB file */
	assert_int_equal(tdx_patch_kernel(img, len, "", 0, 0, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "setup size"));
	assert_int_equal(tdx_patch_kernel(img, 0x100, "", 0, 0, 0, err, sizeof(err)), -EINVAL);
}

/* ---- RTMR1, RTMR2 ----------------------------------------------------------------- */

static void digest_of(const char *s, uint8_t out[48]) { sha384sum(s, strlen(s), out); }

/* RTMR1 of a direct boot, folded by hand from the kernel digest. */
static void expected_rtmr1(const uint8_t kd[48], uint8_t want[48])
{
	static const uint8_t sep[4] = { 0 };
	uint8_t d[48];

	memset(want, 0, 48);
	fold(want, kd);
	digest_of("Calling EFI Application from Boot Option", d);
	fold(want, d);
	sha384sum(sep, 4, d);
	fold(want, d);
	digest_of("Exit Boot Services Invocation", d);
	fold(want, d);
	digest_of("Exit Boot Services Returned with Success", d);
	fold(want, d);
}

static void test_rtmr1(void **state)
{
	uint8_t kd[48], want[48], got[48];

	(void)state;
	digest_of("a kernel", kd);
	expected_rtmr1(kd, want);
	assert_int_equal(tdx_rtmr1(kd, got), 0);
	assert_memory_equal(got, want, 48);
}

static void utf16z(struct stream *s, const char *a)
{
	for (; *a; a++)
		put(s, (uint8_t[2]){ (uint8_t)*a, 0 }, 2);
	put(s, (uint8_t[2]){ 0, 0 }, 2);
}

static void test_rtmr2(void **state)
{
	const char *cmdline = "console=hvc0 root=/dev/vda1 ro";
	static const char initrd[] = "070701 not really a cpio";
	uint8_t idig[48], want[48] = { 0 }, got[48], d[48];
	char err[TDX_ERR_LEN];
	struct stream s = { 0 };

	(void)state;
	sha384sum(initrd, sizeof(initrd), idig);
	utf16z(&s, "console=hvc0 root=/dev/vda1 ro initrd=initrd");
	sha384sum(s.b, s.len, d);
	fold(want, d);
	fold(want, idig);
	assert_int_equal(tdx_rtmr2(cmdline, idig, TDX_INITRD_APPENDED, got, err, sizeof(err)), 0);
	assert_memory_equal(got, want, 48);

	/* No initrd: OVMF adds no " initrd=initrd" and the EFI stub logs no initrd. */
	s.len = 0;
	utf16z(&s, cmdline);
	sha384sum(s.b, s.len, d);
	memset(want, 0, 48);
	fold(want, d);
	assert_int_equal(tdx_rtmr2(cmdline, NULL, TDX_INITRD_APPENDED, got, err, sizeof(err)), 0);
	assert_memory_equal(got, want, 48);

	/* Empty command line: still the UTF-16 NUL (QEMU passes "" with size 1). */
	memset(want, 0, 48);
	sha384sum("\0\0", 2, d);
	fold(want, d);
	assert_int_equal(tdx_rtmr2("", NULL, TDX_INITRD_APPENDED, got, err, sizeof(err)), 0);
	assert_memory_equal(got, want, 48);
	free(s.b);

	assert_int_equal(tdx_rtmr2("caf\xc3\xa9", NULL, TDX_INITRD_APPENDED, got, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ASCII"));
	assert_int_equal(tdx_rtmr2("a\nb", NULL, TDX_INITRD_PREPENDED, got, err, sizeof(err)), -EINVAL);
}

/*
 * Both places OVMF puts "initrd=initrd" (edk2
 * OvmfPkg/Library/X86QemuLoadImageLib/X86QemuLoadImageLib.c,
 * QemuLoadKernelImage): " initrd=initrd" appended up to edk2-stable202505,
 * "initrd=initrd " prepended from commit a2ac0fea49 (edk2-stable202508).
 * The answers were computed apart from this code, with Python:
 *   fold = lambda evs: functools.reduce(lambda r, e: sha384(r + e).digest(), evs, bytes(48))
 *   fold([sha384((S + "\0").encode("utf-16-le")).digest(),
 *         sha384(b"070701 not really a cpio\0").digest()]).hex()
 * with S = "console=hvc0 root=/dev/vda1 ro initrd=initrd" (appended) and
 * S = "initrd=initrd console=hvc0 root=/dev/vda1 ro" (prepended).
 */
static void test_rtmr2_initrd_forms_known_answers(void **state)
{
	static const char initrd[] = "070701 not really a cpio";
	static const char *const want[] = {
		[TDX_INITRD_APPENDED] = "87c4936db686d2da8e29a490820cc0ac95ad8880b0cdad15"
					"8d9c307b22341f703b411b87d744151bc9fbfa8d2c354c6f",
		[TDX_INITRD_PREPENDED] = "334ad2966cfe13f7a97fcb52144e75ab80e1ff95680cbfd3"
					 "d6bb3696ae688aa45eb08e24dacc73ec89aa5d55e5f59d90",
	};
	uint8_t idig[48], got[48], nogot[2][48];
	char err[TDX_ERR_LEN], hex[97];

	(void)state;
	sha384sum(initrd, sizeof(initrd), idig);
	for (int f = TDX_INITRD_APPENDED; f <= TDX_INITRD_PREPENDED; f++) {
		assert_int_equal(tdx_rtmr2("console=hvc0 root=/dev/vda1 ro", idig, f, got, err,
					   sizeof(err)), 0);
		for (int i = 0; i < 48; i++)
			snprintf(hex + 2 * i, 3, "%02x", got[i]);
		assert_string_equal(hex, want[f]);
		/* Without an initrd the firmware adds nothing: both forms agree. */
		assert_int_equal(tdx_rtmr2("a b", NULL, f, nogot[f], err, sizeof(err)), 0);
	}
	assert_memory_equal(nogot[0], nogot[1], 48);
}

/* ---- the CLI ---------------------------------------------------------------------- */

/* Runs measure_tdx_main with stdout captured into out. */
static int run_main(char *out, size_t outlen, int argc, char **argv)
{
	char path[64];
	int saved, fd, rc;
	ssize_t n;

	write_tmp(path, sizeof(path), "", 0);
	fflush(stdout);
	saved = dup(1);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 1);
	close(fd);
	rc = measure_tdx_main(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	fd = open(path, O_RDONLY);
	n = read(fd, out, outlen - 1);
	close(fd);
	unlink(path);
	out[n > 0 ? n : 0] = '\0';
	return rc;
}

/* measure_tdx_main(argv) with argc counted, stdout into out. */
#define RUN(out, ...) run_main(out, sizeof(out), \
	(int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)), (char *[]){ __VA_ARGS__, NULL })

static void test_cli(void **state)
{
	char fwp[64], kp[64], ip[64], out[512], want[512], h1[97], h2[97], h3[97];
	uint8_t img[PE_LEN_CERT], mrtd[48], kd[48], r1[48], r2[48] = { 0 }, d[48];
	static const char initrd[] = "initrd bytes";
	struct stream s = { 0 };
	size_t len;

	(void)state;
	build_fw();
	write_tmp(fwp, sizeof(fwp), fw, FW_SIZE);
	len = build_bzimage(img);
	write_tmp(kp, sizeof(kp), img, len);
	write_tmp(ip, sizeof(ip), initrd, sizeof(initrd) - 1);

	/* MRTD only. */
	expected_mrtd(0, mrtd);
	tohex(mrtd, h1);
	snprintf(want, sizeof(want), "mrtd %s\n", h1);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp), 0);
	assert_string_equal(out, want);

	/* Full direct boot: the kernel patched by hand as QEMU would, 2 GiB. */
	img[0x210] = 0xb0;
	img[0x211] |= 0x80;
	put_le16(img + 0x224, 0xfe00);
	put_le32(img + 0x228, 0x20000);
	put_le32(img + 0x218, (0x80000000u - 0x28000 - 1 - 12) & ~4095u);
	put_le32(img + 0x21c, 12);
	expected_authenticode(img, len, 1, 0x80, kd);
	expected_rtmr1(kd, r1);
	utf16z(&s, "console=hvc0 initrd=initrd");
	sha384sum(s.b, s.len, d);
	free(s.b);
	fold(r2, d);
	digest_of(initrd, d);
	fold(r2, d);
	tohex(r1, h2);
	tohex(r2, h3);
	snprintf(want, sizeof(want), "mrtd %s\nrtmr1 %s\nrtmr2 %s\n", h1, h2, h3);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp,
		"--initrd", ip, "--append=console=hvc0", "--mem-size", "2G"), 0);
	assert_string_equal(out, want);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp,
		"--initrd", ip, "--append=console=hvc0", "--mem-size", "0x80000000"), 0);
	assert_string_equal(out, want);

	/* --kernel-patch none measures the file as it is; RTMR2 is the same. */
	len = build_bzimage(img);
	expected_authenticode(img, len, 1, 0x80, kd);
	expected_rtmr1(kd, r1);
	tohex(r1, h2);
	snprintf(want, sizeof(want), "mrtd %s\nrtmr1 %s\nrtmr2 %s\n", h1, h2, h3);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp,
		"--initrd", ip, "--append", "console=hvc0", "--kernel-patch=none"), 0);
	assert_string_equal(out, want);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp, "--initrd-form", "appended",
		"--initrd", ip, "--append", "console=hvc0", "--kernel-patch=none"), 0);
	assert_string_equal(out, want);

	/* --initrd-form prepended: "initrd=initrd " in front; RTMR1 as before. */
	memset(r2, 0, sizeof(r2));
	s = (struct stream){ 0 };
	utf16z(&s, "initrd=initrd console=hvc0");
	sha384sum(s.b, s.len, d);
	free(s.b);
	fold(r2, d);
	digest_of(initrd, d);
	fold(r2, d);
	tohex(r2, h3);
	snprintf(want, sizeof(want), "mrtd %s\nrtmr1 %s\nrtmr2 %s\n", h1, h2, h3);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp, "--initrd-form=prepended",
		"--initrd", ip, "--append", "console=hvc0", "--kernel-patch=none"), 0);
	assert_string_equal(out, want);

	/* Usage errors: 2, nothing on stdout. */
	assert_int_equal(RUN(out, "tdx"), 2);
	assert_string_equal(out, "");
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--bogus"), 2);
	assert_int_equal(RUN(out, "tdx", "--ovmf"), 2);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--initrd", ip), 2);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--ovmf", fwp), 2);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--page-order", "x"), 2);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--initrd-form", "prepended"), 2);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp, "--initrd-form", "before"), 2);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp,
		"--initrd", ip), 2);	/* patched kernel + initrd needs --mem-size */
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", kp,
		"--mem-size", "12Q"), 2);
	assert_int_equal(RUN(out, "tdx", "--help"), 0);

	/* Bad input: 1, nothing on stdout. */
	assert_int_equal(RUN(out, "tdx", "--ovmf", "/nonexistent"), 1);
	assert_string_equal(out, "");
	assert_int_equal(RUN(out, "tdx", "--ovmf", kp, "--kernel", kp), 1);
	assert_string_equal(out, "");
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", fwp), 1);
	assert_string_equal(out, "");
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--kernel", "/tmp"), 1);

	/* add-then-extend on the command line. */
	expected_mrtd(1, mrtd);
	tohex(mrtd, h1);
	snprintf(want, sizeof(want), "mrtd %s\n", h1);
	assert_int_equal(RUN(out, "tdx", "--ovmf", fwp, "--page-order",
		"add-then-extend"), 0);
	assert_string_equal(out, want);

	unlink(fwp);
	unlink(kp);
	unlink(ip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mrtd_interleaved),
		cmocka_unit_test(test_mrtd_add_then_extend),
		cmocka_unit_test(test_mrtd_ignores_unmeasured),
		cmocka_unit_test(test_refuse_truncated),
		cmocka_unit_test(test_refuse_missing_guid),
		cmocka_unit_test(test_refuse_bad_table),
		cmocka_unit_test(test_refuse_bad_descriptor),
		cmocka_unit_test(test_refuse_bad_sections),
		cmocka_unit_test(test_authenticode),
		cmocka_unit_test(test_authenticode_refusals),
		cmocka_unit_test(test_patch_kernel),
		cmocka_unit_test(test_patch_kernel_old_protocol),
		cmocka_unit_test(test_patch_kernel_refusals),
		cmocka_unit_test(test_rtmr1),
		cmocka_unit_test(test_rtmr2),
		cmocka_unit_test(test_rtmr2_initrd_forms_known_answers),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
