// SPDX-License-Identifier: Apache-2.0
/*
 * measure_snp: `sealroot-measure snp`, the AMD SEV-SNP launch digest of a
 * QEMU guest booted from OVMF (AmdSev) with a direct kernel, as the PSP
 * computes it. The algorithm follows virtee/sev-snp-measure
 * (sevsnpmeasure/gctx.py, guest.py, ovmf.py, sev_hashes.py, vmsa.py).
 *   Reads:   the OVMF image (at most 64 MiB), the kernel and initrd files
 *            (streamed), and the flags.
 *   Changes: nothing; prints the digest as lower-case hex to stdout.
 *   Failure: one message on stderr where it fails; exit 1 for bad input
 *            (files, firmware), 2 for bad usage (flags and their values).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "byteorder.h"
#include "hex.h"
#include "readfile.h"
#include "measure.h"
#include "measure_snp.h"

#define FOUR_GIB        0x100000000ull
#define PAGE_MASK       0xfffu
#define BSP_EIP         0xfffffff0u
/* gctx.py: the VMSA is recorded at GPA (u64)-1, page-aligned, bits > 51 clear. */
#define VMSA_GPA        0xFFFFFFFFF000ull
#define PAGE_INFO_LEN   0x70u
#define FOOTER_HDR_LEN  18u  /* {le16 size, GUID}, after the entry's data */
#define FOOTER_END_GAP  32u  /* the table ends 32 bytes before the image does */
#define METADATA_HDR_LEN 16u /* "ASEV", le32 size, le32 version, le32 count */
#define METADATA_DESC_LEN 12u
#define HASH_ENTRY_LEN  50u  /* {GUID, le16 length, sha256} */

/* A GUID in the little-endian byte order it has in firmware and tables. */
#define GUID_LE(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) { \
	(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, \
	(b) & 0xff, ((b) >> 8) & 0xff, (c) & 0xff, ((c) >> 8) & 0xff, \
	d0, d1, d2, d3, d4, d5, d6, d7 }

/* 96b582de-1fb2-45f7-baea-a366c55a082d: OVMF_TABLE_FOOTER_GUID */
static const uint8_t guid_footer[16] =
	GUID_LE(0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d);
/* dc886566-984a-4798-a75e-5585a7bf67cc: OVMF_SEV_META_DATA_GUID */
static const uint8_t guid_metadata[16] =
	GUID_LE(0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc);
/* 7255371f-3a3b-4b04-927b-1da6efa8d454: SEV_HASH_TABLE_RV_GUID */
static const uint8_t guid_hash_table_rv[16] =
	GUID_LE(0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54);
/* 00f771de-1a7e-4fcb-890e-68c77e2fb44e: SEV_ES_RESET_BLOCK_GUID */
static const uint8_t guid_reset_block[16] =
	GUID_LE(0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e);
/* The SEV hashes table (QEMU target/i386/sev.c). */
static const uint8_t guid_ht_header[16] =
	GUID_LE(0x9438d606, 0x4f22, 0x4cc9, 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21);
static const uint8_t guid_ht_cmdline[16] =
	GUID_LE(0x97d02dd8, 0xbd20, 0x4c94, 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a);
static const uint8_t guid_ht_initrd[16] =
	GUID_LE(0x44baf731, 0x3a2f, 0x4bd7, 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d);
static const uint8_t guid_ht_kernel[16] =
	GUID_LE(0x4de79437, 0xabd2, 0x427f, 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b);

static const uint8_t zeros48[SNP_LD_SIZE];

__attribute__((format(printf, 2, 3)))
static int fail(int r, const char *fmt, ...)
{
	va_list ap;

	fputs("sealroot-measure snp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return r;
}

static int digest(const EVP_MD *md, const void *buf, size_t len, uint8_t *out)
{
	if (EVP_Digest(buf, len, out, NULL, md, NULL) != 1)
		return fail(-EIO, "OpenSSL %s failed", EVP_MD_get0_name(md));
	return 0;
}

/*
 * One SNP_LAUNCH_UPDATE: LD = SHA384(PAGE_INFO) with LD itself in front
 * (SNP ABI spec 8.17.2, Table 67).
 */
static int ld_update(uint8_t ld[SNP_LD_SIZE], const uint8_t contents[SNP_LD_SIZE],
		     uint8_t page_type, uint64_t gpa)
{
	uint8_t info[PAGE_INFO_LEN] = { 0 };

	memcpy(info, ld, SNP_LD_SIZE);
	memcpy(info + 48, contents, SNP_LD_SIZE);
	put_le16(info + 96, PAGE_INFO_LEN);
	info[98] = page_type;
	/* 99 imi, 100-102 vmpl3/2/1 permissions, 103 reserved: all 0 */
	put_le64(info + 104, gpa);
	return digest(EVP_sha384(), info, sizeof(info), ld);
}

static int ld_update_normal(uint8_t ld[SNP_LD_SIZE], uint64_t gpa, const uint8_t *data, size_t len)
{
	uint8_t h[SNP_LD_SIZE];
	int r;

	for (size_t off = 0; off < len; off += SNP_PAGE_SIZE) {
		r = digest(EVP_sha384(), data + off, SNP_PAGE_SIZE, h);
		if (r == 0)
			r = ld_update(ld, h, SNP_PAGE_NORMAL, gpa + off);
		if (r < 0)
			return r;
	}
	return 0;
}

static int ld_update_empty(uint8_t ld[SNP_LD_SIZE], uint8_t type, uint64_t gpa, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += SNP_PAGE_SIZE) {
		int r = ld_update(ld, zeros48, type, gpa + off);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- OVMF ------------------------------------------------------------- */

static int parse_section(const uint8_t *p, size_t i, struct snp_section *s)
{
	s->gpa = le32(p);
	s->size = le32(p + 4);
	s->type = le32(p + 8);
	switch (s->type) {
	case SNP_SECTION_SNP_SEC_MEM:
	case SNP_SECTION_SNP_SECRETS:
	case SNP_SECTION_CPUID:
	case SNP_SECTION_SVSM_CAA:
	case SNP_SECTION_KERNEL_HASHES:
		break;
	default:
		return fail(-EINVAL, "OVMF: SEV metadata section %zu: unknown type 0x%x", i, s->type);
	}
	if (s->gpa & PAGE_MASK || s->size & PAGE_MASK || s->size == 0 ||
	    (uint64_t)s->gpa + s->size > FOUR_GIB)
		return fail(-EINVAL, "OVMF: SEV metadata section %zu: gpa 0x%x size 0x%x is not a "
			    "page-aligned range below 4 GiB", i, s->gpa, s->size);
	/* One page each: a larger one would be measured differently by QEMU and by the reference. */
	if ((s->type == SNP_SECTION_SNP_SECRETS || s->type == SNP_SECTION_CPUID) &&
	    s->size != SNP_PAGE_SIZE)
		return fail(-EINVAL, "OVMF: SEV metadata section %zu: type 0x%x has size 0x%x, not one page",
			    i, s->type, s->size);
	return 0;
}

static int parse_metadata(const uint8_t *data, size_t size, uint32_t off_from_end, struct snp_ovmf *o)
{
	size_t start, msize, count;

	if (off_from_end < METADATA_HDR_LEN || off_from_end > size)
		return fail(-EINVAL, "OVMF: SEV metadata offset 0x%x is outside the %zu-byte image",
			    off_from_end, size);
	start = size - off_from_end;
	if (memcmp(data + start, "ASEV", 4) != 0)
		return fail(-EINVAL, "OVMF: no \"ASEV\" SEV metadata at offset 0x%zx", start);
	msize = le32(data + start + 4);
	if (le32(data + start + 8) != 1)
		return fail(-EINVAL, "OVMF: SEV metadata version %u, only 1 is known",
			    le32(data + start + 8));
	count = le32(data + start + 12);
	if (msize < METADATA_HDR_LEN || msize > off_from_end)
		return fail(-EINVAL, "OVMF: SEV metadata size %zu runs past the image", msize);
	if (count > (msize - METADATA_HDR_LEN) / METADATA_DESC_LEN)
		return fail(-EINVAL, "OVMF: SEV metadata: %zu sections do not fit in %zu bytes", count, msize);
	if (count > SNP_MAX_SECTIONS)
		return fail(-EINVAL, "OVMF: SEV metadata: %zu sections, at most %u", count, SNP_MAX_SECTIONS);
	for (size_t i = 0; i < count; i++) {
		int r = parse_section(data + start + METADATA_HDR_LEN + i * METADATA_DESC_LEN, i,
				      &o->sections[i]);
		if (r < 0)
			return r;
	}
	o->n_sections = count;
	return 0;
}

struct footer_entry {
	const uint8_t *guid;
	const char *name;
	size_t len;             /* the payload length edk2 writes */
	const uint8_t *payload; /* NULL until found */
};

int snp_ovmf_parse(const uint8_t *data, size_t size, struct snp_ovmf *o)
{
	struct footer_entry want[] = {
		{ guid_metadata, "SEV metadata (dc886566-984a-4798-a75e-5585a7bf67cc)", 4, NULL },
		{ guid_reset_block, "SEV-ES reset block (00f771de-1a7e-4fcb-890e-68c77e2fb44e)", 4, NULL },
		{ guid_hash_table_rv, "SEV hashes table (7255371f-3a3b-4b04-927b-1da6efa8d454)", 8, NULL },
	};
	size_t footer, start, end;
	uint16_t fsize;
	int r;

	memset(o, 0, sizeof(*o));
	if (data == NULL)
		return fail(-EINVAL, "OVMF: no image");
	if (size == 0 || size % SNP_PAGE_SIZE != 0)
		return fail(-EINVAL, "OVMF: size %zu is not a non-zero multiple of 4096", size);
	if (size > SNP_OVMF_MAX_SIZE)
		return fail(-EINVAL, "OVMF: size %zu is over the %u-byte limit", size, SNP_OVMF_MAX_SIZE);
	o->data = data;
	o->size = size;
	o->gpa = FOUR_GIB - size;

	/* The footer entry sits just before the last 32 bytes; entries run backwards from it. */
	footer = size - FOOTER_END_GAP - FOOTER_HDR_LEN;
	if (memcmp(data + footer + 2, guid_footer, 16) != 0)
		return fail(-EINVAL, "OVMF: no footer table (GUID 96b582de-1fb2-45f7-baea-a366c55a082d "
			    "not at offset 0x%zx): not an SEV-capable OVMF", footer + 2);
	fsize = le16(data + footer);
	if (fsize < FOOTER_HDR_LEN || fsize - FOOTER_HDR_LEN > footer)
		return fail(-EINVAL, "OVMF: footer table size %u is out of range", fsize);
	start = footer - (fsize - FOOTER_HDR_LEN);
	end = footer;
	while (end > start) {
		size_t esize;
		const uint8_t *hdr;

		if (end - start < FOOTER_HDR_LEN)
			return fail(-EINVAL, "OVMF: footer table: %zu stray bytes at offset 0x%zx",
				    end - start, start);
		hdr = data + end - FOOTER_HDR_LEN;
		esize = le16(hdr);
		if (esize < FOOTER_HDR_LEN || esize > end - start)
			return fail(-EINVAL, "OVMF: footer table entry at offset 0x%zx: size %zu is out of range",
				    end - FOOTER_HDR_LEN, esize);
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			if (memcmp(hdr + 2, want[i].guid, 16) != 0)
				continue;
			if (want[i].payload != NULL)
				return fail(-EINVAL, "OVMF: footer table: %s appears twice", want[i].name);
			if (esize - FOOTER_HDR_LEN != want[i].len)
				return fail(-EINVAL, "OVMF: footer table: %s has %zu bytes, expected %zu",
					    want[i].name, esize - FOOTER_HDR_LEN, want[i].len);
			want[i].payload = data + end - esize;
		}
		end -= esize;
	}

	for (size_t i = 0; i < 2; i++) /* the hashes table is optional */
		if (want[i].payload == NULL)
			return fail(-EINVAL, "OVMF: footer table has no %s", want[i].name);
	r = parse_metadata(data, size, le32(want[0].payload), o);
	if (r < 0)
		return r;
	o->reset_eip = le32(want[1].payload);
	if (want[2].payload != NULL) {
		o->has_hashes_table = 1;
		o->hashes_table_gpa = le32(want[2].payload);
		o->hashes_table_size = le32(want[2].payload + 4);
	}
	return 0;
}

/* ---- the hashes table and the VMSA -------------------------------------- */

void snp_hashes_table(const struct snp_kernel_hashes *h, uint8_t out[SNP_HASHES_TABLE_PADDED])
{
	const struct { const uint8_t *guid; const uint8_t *hash; } entries[] = {
		{ guid_ht_cmdline, h->cmdline },
		{ guid_ht_initrd, h->initrd },
		{ guid_ht_kernel, h->kernel },
	};
	uint8_t *p = out + 18;

	memset(out, 0, SNP_HASHES_TABLE_PADDED);
	memcpy(out, guid_ht_header, 16);
	put_le16(out + 16, SNP_HASHES_TABLE_LEN);
	for (size_t i = 0; i < 3; i++, p += HASH_ENTRY_LEN) {
		memcpy(p, entries[i].guid, 16);
		put_le16(p + 16, HASH_ENTRY_LEN);
		memcpy(p + 18, entries[i].hash, SNP_SHA256_SIZE);
	}
}

int snp_kernel_hashes_from_buffers(const void *kernel, size_t kernel_len,
				   const void *initrd, size_t initrd_len,
				   const char *cmdline, struct snp_kernel_hashes *out)
{
	const EVP_MD *md = EVP_sha256();
	const char *c = cmdline ? cmdline : "";
	int r;

	if ((kernel == NULL && kernel_len) || (initrd == NULL && initrd_len))
		return fail(-EINVAL, "kernel hashes: NULL buffer with a length");
	r = digest(md, kernel ? kernel : "", kernel_len, out->kernel);
	if (r == 0)
		r = digest(md, initrd ? initrd : "", initrd_len, out->initrd);
	/* QEMU hashes the command line with its terminating NUL. */
	if (r == 0)
		r = digest(md, c, strlen(c) + 1, out->cmdline);
	return r;
}

/* Offsets in the VMSA (AMD APM vol. 2, table B-4; Linux struct sev_es_save_area). */
enum {
	VMSA_EFER = 0x0d0, VMSA_CR4 = 0x148, VMSA_CR0 = 0x158, VMSA_DR7 = 0x160,
	VMSA_DR6 = 0x168, VMSA_RFLAGS = 0x170, VMSA_RIP = 0x178, VMSA_G_PAT = 0x268,
	VMSA_RDX = 0x310, VMSA_SEV_FEATURES = 0x3b0, VMSA_XCR0 = 0x3e8,
	VMSA_MXCSR = 0x408, VMSA_X87_FCW = 0x410,
};

/* The segment registers, 16 bytes each: le16 selector, le16 attrib, le32 limit, le64 base. */
static const struct {
	uint16_t off, selector, attrib;
	bool code; /* CS: base from the start EIP */
} vmsa_segs[] = {
	{ 0x000, 0, 0x93, false },      /* es */
	{ 0x010, 0xf000, 0x9b, true },  /* cs */
	{ 0x020, 0, 0x93, false },      /* ss */
	{ 0x030, 0, 0x93, false },      /* ds */
	{ 0x040, 0, 0x93, false },      /* fs */
	{ 0x050, 0, 0x93, false },      /* gs */
	{ 0x060, 0, 0x00, false },      /* gdtr */
	{ 0x070, 0, 0x82, false },      /* ldtr */
	{ 0x080, 0, 0x00, false },      /* idtr */
	{ 0x090, 0, 0x8b, false },      /* tr */
};

void snp_build_vmsa(uint8_t page[SNP_PAGE_SIZE], uint32_t eip, uint32_t vcpu_sig,
		    uint64_t guest_features)
{
	memset(page, 0, SNP_PAGE_SIZE);
	for (size_t i = 0; i < sizeof(vmsa_segs) / sizeof(vmsa_segs[0]); i++) {
		uint8_t *s = page + vmsa_segs[i].off;

		put_le16(s, vmsa_segs[i].selector);
		put_le16(s + 2, vmsa_segs[i].attrib);
		put_le32(s + 4, 0xffff);
		put_le64(s + 8, vmsa_segs[i].code ? (eip & 0xffff0000u) : 0);
	}
	/* QEMU + KVM reset state: KVM sets EFER.SVME and CR4.MCE. */
	put_le64(page + VMSA_EFER, 0x1000);
	put_le64(page + VMSA_CR4, 0x40);
	put_le64(page + VMSA_CR0, 0x10);
	put_le64(page + VMSA_DR7, 0x400);
	put_le64(page + VMSA_DR6, 0xffff0ff0);
	put_le64(page + VMSA_RFLAGS, 0x2);
	put_le64(page + VMSA_RIP, eip & 0xffff);
	put_le64(page + VMSA_G_PAT, 0x0007040600070406ull); /* APM vol. 2, A.3 */
	put_le64(page + VMSA_RDX, vcpu_sig);
	put_le64(page + VMSA_SEV_FEATURES, guest_features);
	put_le64(page + VMSA_XCR0, 0x1);
	put_le32(page + VMSA_MXCSR, 0x1f80);
	put_le16(page + VMSA_X87_FCW, 0x37f);
}

/* ---- the digest --------------------------------------------------------- */

int snp_ovmf_hash(const struct snp_ovmf *o, uint8_t ld[SNP_LD_SIZE])
{
	memset(ld, 0, SNP_LD_SIZE);
	return ld_update_normal(ld, o->gpa, o->data, o->size);
}

static int kernel_hashes_page(const struct snp_ovmf *o, const struct snp_section *s,
			      const struct snp_kernel_hashes *h, uint8_t ld[SNP_LD_SIZE])
{
	uint8_t page[SNP_PAGE_SIZE] = { 0 };
	uint32_t off;

	/* QEMU refuses a table area at 0 or smaller than the padded table. */
	if (!o->has_hashes_table)
		return fail(-EINVAL, "OVMF: a kernel was given but the footer table has no SEV hashes table "
			    "(7255371f-3a3b-4b04-927b-1da6efa8d454)");
	if (o->hashes_table_gpa == 0 || o->hashes_table_size < SNP_HASHES_TABLE_PADDED)
		return fail(-EINVAL, "OVMF: SEV hashes table area gpa 0x%x size 0x%x is invalid",
			    o->hashes_table_gpa, o->hashes_table_size);
	off = o->hashes_table_gpa & PAGE_MASK;
	if (s->size != SNP_PAGE_SIZE || (o->hashes_table_gpa & ~PAGE_MASK) != s->gpa ||
	    off + SNP_HASHES_TABLE_PADDED > SNP_PAGE_SIZE)
		return fail(-EINVAL, "OVMF: SEV hashes table at gpa 0x%x does not lie in the one-page "
			    "kernel-hashes section at 0x%x (size 0x%x)", o->hashes_table_gpa, s->gpa, s->size);
	snp_hashes_table(h, page + off);
	return ld_update_normal(ld, s->gpa, page, sizeof(page));
}

int snp_launch_digest(const struct snp_ovmf *o, const struct snp_guest *g, uint8_t ld[SNP_LD_SIZE])
{
	uint8_t vmsa[SNP_PAGE_SIZE], h[SNP_LD_SIZE];
	bool has_hashes_section = false;
	int r;

	if (g->vcpus == 0 || g->vcpus > SNP_MAX_VCPUS)
		return fail(-EINVAL, "vcpus %u is not in 1..%u", g->vcpus, SNP_MAX_VCPUS);
	if (!(g->guest_features & 1))
		return fail(-EINVAL, "guest features 0x%llx lack bit 0 (SNPActive)",
			    (unsigned long long)g->guest_features);
	if (g->vcpus > 1 && o->reset_eip == 0)
		return fail(-EINVAL, "OVMF: the SEV-ES reset block gives no AP start address");
	for (size_t i = 0; i < o->n_sections; i++)
		has_hashes_section |= o->sections[i].type == SNP_SECTION_KERNEL_HASHES;
	if (g->hashes != NULL && !has_hashes_section)
		return fail(-EINVAL, "OVMF: a kernel was given but the SEV metadata has no kernel-hashes "
			    "section (not an AmdSev build?)");

	if (g->ovmf_hash != NULL) {
		memcpy(ld, g->ovmf_hash, SNP_LD_SIZE);
		r = 0;
	} else {
		r = snp_ovmf_hash(o, ld);
	}
	for (size_t i = 0; r == 0 && i < o->n_sections; i++) {
		const struct snp_section *s = &o->sections[i];

		switch (s->type) {
		case SNP_SECTION_SNP_SEC_MEM:
		case SNP_SECTION_SVSM_CAA:
			r = ld_update_empty(ld, SNP_PAGE_ZERO, s->gpa, s->size);
			break;
		case SNP_SECTION_SNP_SECRETS:
			r = ld_update(ld, zeros48, SNP_PAGE_SECRETS, s->gpa);
			break;
		case SNP_SECTION_CPUID:
			r = ld_update(ld, zeros48, SNP_PAGE_CPUID, s->gpa);
			break;
		case SNP_SECTION_KERNEL_HASHES:
			r = g->hashes ? kernel_hashes_page(o, s, g->hashes, ld)
				      : ld_update_empty(ld, SNP_PAGE_ZERO, s->gpa, s->size);
			break;
		default: /* snp_ovmf_parse lets no other type through */
			r = fail(-EINVAL, "OVMF: SEV metadata section type 0x%x", s->type);
		}
	}
	/* One VMSA per vCPU: the BSP at the reset vector, the APs at OVMF's reset block. */
	for (unsigned i = 0; r == 0 && i < g->vcpus; i++) {
		if (i <= 1) {
			snp_build_vmsa(vmsa, i == 0 ? BSP_EIP : o->reset_eip, g->vcpu_sig,
				       g->guest_features);
			r = digest(EVP_sha384(), vmsa, sizeof(vmsa), h);
		}
		if (r == 0)
			r = ld_update(ld, h, SNP_PAGE_VMSA, VMSA_GPA);
	}
	return r;
}

/* ---- vCPU types and numbers ----------------------------------------------- */

int snp_cpu_sig(unsigned family, unsigned model, unsigned stepping, uint32_t *sig)
{
	unsigned fam_lo = family > 0xf ? 0xf : family;
	unsigned fam_hi = family > 0xf ? family - 0xf : 0;

	if (family > 0xf + 0xff || model > 0xff || stepping > 0xf)
		return fail(-EINVAL, "vcpu family %u model %u stepping %u is out of range",
			    family, model, stepping);
	*sig = (uint32_t)(fam_hi << 20 | (model >> 4) << 16 | fam_lo << 8 | (model & 0xf) << 4 | stepping);
	return 0;
}

/* QEMU's builtin_x86_defs, as sev-snp-measure's vcpu_types.py lists them. */
static const struct {
	const char *name;
	unsigned family, model, stepping;
} vcpu_types[] = {
	{ "EPYC", 23, 1, 2 },       { "EPYC-v1", 23, 1, 2 },      { "EPYC-v2", 23, 1, 2 },
	{ "EPYC-IBPB", 23, 1, 2 },  { "EPYC-v3", 23, 1, 2 },      { "EPYC-v4", 23, 1, 2 },
	{ "EPYC-Rome", 23, 49, 0 }, { "EPYC-Rome-v1", 23, 49, 0 }, { "EPYC-Rome-v2", 23, 49, 0 },
	{ "EPYC-Rome-v3", 23, 49, 0 },
	{ "EPYC-Milan", 25, 1, 1 }, { "EPYC-Milan-v1", 25, 1, 1 }, { "EPYC-Milan-v2", 25, 1, 1 },
	{ "EPYC-Genoa", 25, 17, 0 }, { "EPYC-Genoa-v1", 25, 17, 0 },
	{ "EPYC-Turin", 26, 0, 0 },
};

int snp_vcpu_sig_by_name(const char *name, uint32_t *sig)
{
	for (size_t i = 0; name && i < sizeof(vcpu_types) / sizeof(vcpu_types[0]); i++)
		if (strcmp(name, vcpu_types[i].name) == 0)
			return snp_cpu_sig(vcpu_types[i].family, vcpu_types[i].model,
					   vcpu_types[i].stepping, sig);
	return fail(-EINVAL, "unknown vcpu type '%s' (known: EPYC[-v1..v4|-IBPB], EPYC-Rome[-v1..v3], "
		    "EPYC-Milan[-v1|-v2], EPYC-Genoa[-v1], EPYC-Turin; or use --vcpu-sig)", name ? name : "");
}

/* Python's int(s, 0) without signs, spaces or underscores: 0x, 0o, 0b or decimal. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	if (s[0] == '0' && s[1] != '\0') {
		switch (s[1]) {
		case 'x': case 'X': base = 16; break;
		case 'o': case 'O': base = 8; break;
		case 'b': case 'B': base = 2; break;
		default:
			for (const char *p = s; *p; p++) /* "00" is 0; "010" is refused */
				if (*p != '0')
					return -EINVAL;
		}
		if (base != 10) {
			s += 2;
			if (*s == '\0')
				return -EINVAL;
		}
	}
	for (; *s; s++) {
		int h = hex_digit(*s);
		unsigned d = (unsigned)h;

		if (h < 0 || d >= base || v > (max - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int snp_parse_guest_features(const char *s, uint64_t *out)
{
	uint64_t v;

	if (parse_u64(s, UINT64_MAX, &v) < 0)
		return fail(-EINVAL, "--guest-features '%s' is not a 64-bit number (e.g. 0x21)", s ? s : "");
	if (!(v & 1))
		return fail(-EINVAL, "--guest-features %s lacks bit 0 (SNPActive), which every SNP guest has", s);
	*out = v;
	return 0;
}

/* ---- files ------------------------------------------------------------------ */

static int read_capped(const char *what, const char *path, size_t cap, uint8_t **buf, size_t *len)
{
	const char *op;
	int r = read_file(path, cap, buf, len, &op);

	if (r == -EFBIG)
		return fail(r, "%s: %s is larger than %zu bytes", what, path, cap);
	if (r < 0)
		return fail(r, "%s: %s %s: %s", what, op, path, strerror(-r));
	return 0;
}

/* SHA-256 of a file, streamed: kernels and initrds can be large. */
static int sha256_file(const char *what, const char *path, uint8_t out[SNP_SHA256_SIZE])
{
	uint8_t buf[16384];
	EVP_MD_CTX *ctx;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(-errno, "%s: open %s: %s", what, path, strerror(errno));
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		r = fail(-EIO, "%s: OpenSSL SHA-256 init failed", what);
	while (r == 0) {
		ssize_t got = read(fd, buf, sizeof(buf));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			r = fail(-errno, "%s: read %s: %s", what, path, strerror(errno));
		else if (got == 0)
			break;
		else if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1)
			r = fail(-EIO, "%s: OpenSSL SHA-256 failed", what);
	}
	if (r == 0 && EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		r = fail(-EIO, "%s: OpenSSL SHA-256 failed", what);
	EVP_MD_CTX_free(ctx);
	close(fd);
	return r;
}

/* ---- the command ------------------------------------------------------------ */

struct snp_args {
	const char *mode, *ovmf, *kernel, *initrd, *append, *vcpus, *vcpu_type, *vcpu_sig,
		   *vcpu_family, *vcpu_model, *vcpu_stepping, *guest_features, *ovmf_hash;
};

/* Flags as virtee/sev-snp-measure spells them; each takes one value. */
static const struct {
	const char *name;
	size_t off;
} snp_opts[] = {
	{ "--mode", offsetof(struct snp_args, mode) },
	{ "--ovmf", offsetof(struct snp_args, ovmf) },
	{ "--kernel", offsetof(struct snp_args, kernel) },
	{ "--initrd", offsetof(struct snp_args, initrd) },
	{ "--append", offsetof(struct snp_args, append) },
	{ "--vcpus", offsetof(struct snp_args, vcpus) },
	{ "--vcpu-type", offsetof(struct snp_args, vcpu_type) },
	{ "--vcpu-sig", offsetof(struct snp_args, vcpu_sig) },
	{ "--vcpu-family", offsetof(struct snp_args, vcpu_family) },
	{ "--vcpu-model", offsetof(struct snp_args, vcpu_model) },
	{ "--vcpu-stepping", offsetof(struct snp_args, vcpu_stepping) },
	{ "--guest-features", offsetof(struct snp_args, guest_features) },
	{ "--snp-ovmf-hash", offsetof(struct snp_args, ovmf_hash) },
};

static const char snp_usage[] =
	"usage: sealroot-measure snp --ovmf FILE --vcpus N\n"
	"           (--vcpu-type NAME | --vcpu-sig SIG | --vcpu-family F --vcpu-model M --vcpu-stepping S)\n"
	"           [--kernel FILE [--initrd FILE] [--append CMDLINE]] [--guest-features 0x1]\n"
	"           [--snp-ovmf-hash HEX] [--mode snp|snp:ovmf-hash]\n"
	"       sealroot-measure snp --ovmf FILE --mode sections\n"
	"Prints the SEV-SNP launch digest (48 bytes) as hex. Without --kernel the\n"
	"kernel-hashes page is measured as zero pages, as QEMU does. --mode sections\n"
	"lists the firmware's SEV metadata sections and its kernel-hashes table\n"
	"(the one QEMU's kernel-hashes=on fills), one a line.\n";

static const char *section_name(uint32_t type)
{
	switch (type) {
	case SNP_SECTION_SNP_SEC_MEM: return "snp-sec-mem";
	case SNP_SECTION_SNP_SECRETS: return "snp-secrets";
	case SNP_SECTION_CPUID: return "cpuid";
	case SNP_SECTION_SVSM_CAA: return "svsm-caa";
	case SNP_SECTION_KERNEL_HASHES: return "kernel-hashes";
	default: return "unknown";
	}
}

/* --mode sections: what the firmware's metadata says, one line each. */
static int print_sections(const struct snp_ovmf *o)
{
	for (size_t i = 0; i < o->n_sections; i++)
		printf("section gpa=0x%08x size=0x%x type=%s\n", o->sections[i].gpa,
		       o->sections[i].size, section_name(o->sections[i].type));
	if (o->has_hashes_table)
		printf("hashes-table gpa=0x%08x size=0x%x\n", o->hashes_table_gpa, o->hashes_table_size);
	if (fflush(stdout) != 0 || ferror(stdout))
		return fail(1, "write stdout: %s", strerror(errno));
	return 0;
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sealroot-measure snp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (--help for usage)\n", stderr);
	return 2;
}

/* 0 to go on, 2 after a usage error, -1 after printing --help. */
static int parse_args(int argc, char **argv, struct snp_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '='), *val;
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		const char **slot = NULL;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(snp_usage, stdout);
			return -1; /* done, exit 0 */
		}
		for (size_t k = 0; k < sizeof(snp_opts) / sizeof(snp_opts[0]); k++)
			if (strlen(snp_opts[k].name) == nlen && strncmp(arg, snp_opts[k].name, nlen) == 0)
				slot = (const char **)((char *)a + snp_opts[k].off);
		if (slot == NULL)
			return usage_error("unknown argument '%s'", arg);
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			return usage_error("%.*s needs a value", (int)nlen, arg);
		if (*slot != NULL)
			return usage_error("%.*s given twice", (int)nlen, arg);
		*slot = val;
	}
	return 0;
}

static int print_hex(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	putchar('\n');
	if (fflush(stdout) != 0 || ferror(stdout))
		return fail(1, "write stdout: %s", strerror(errno));
	return 0;
}

/* The vCPU signature from exactly one of --vcpu-type, --vcpu-sig, --vcpu-family/model/stepping. */
static int vcpu_sig_from_args(const struct snp_args *a, uint32_t *sig)
{
	int given = (a->vcpu_type != NULL) + (a->vcpu_sig != NULL) + (a->vcpu_family != NULL);
	uint64_t f, m, s;

	if (given != 1)
		return usage_error("give exactly one of --vcpu-type, --vcpu-sig, --vcpu-family");
	if ((a->vcpu_model || a->vcpu_stepping) && !a->vcpu_family)
		return usage_error("--vcpu-model and --vcpu-stepping go with --vcpu-family");
	if (a->vcpu_type)
		return snp_vcpu_sig_by_name(a->vcpu_type, sig) < 0 ? 2 : 0;
	if (a->vcpu_sig) {
		if (parse_u64(a->vcpu_sig, UINT32_MAX, &s) < 0)
			return usage_error("--vcpu-sig '%s' is not a 32-bit number", a->vcpu_sig);
		*sig = (uint32_t)s;
		return 0;
	}
	if (!a->vcpu_model || !a->vcpu_stepping)
		return usage_error("--vcpu-family needs --vcpu-model and --vcpu-stepping");
	if (parse_u64(a->vcpu_family, 0xffff, &f) < 0 || parse_u64(a->vcpu_model, 0xffff, &m) < 0 ||
	    parse_u64(a->vcpu_stepping, 0xffff, &s) < 0 ||
	    snp_cpu_sig((unsigned)f, (unsigned)m, (unsigned)s, sig) < 0)
		return usage_error("bad --vcpu-family/--vcpu-model/--vcpu-stepping");
	return 0;
}

int measure_snp_main(int argc, char **argv)
{
	struct snp_args a;
	struct snp_ovmf ovmf;
	struct snp_kernel_hashes hashes;
	struct snp_guest guest = { 0 };
	uint8_t ld[SNP_LD_SIZE], seed[SNP_LD_SIZE];
	uint8_t *image = NULL;
	size_t image_len = 0;
	bool hash_only = false, sections = false;
	uint64_t v;
	int r;

	r = parse_args(argc, argv, &a);
	if (r != 0)
		return r < 0 ? 0 : r;

	if (a.mode && strcmp(a.mode, "snp:ovmf-hash") == 0)
		hash_only = true;
	else if (a.mode && strcmp(a.mode, "sections") == 0)
		hash_only = sections = true;
	else if (a.mode && strcmp(a.mode, "snp") != 0 && strcmp(a.mode, "sev-snp") != 0 &&
		 strcmp(a.mode, "SNP") != 0 && strcmp(a.mode, "SEV-SNP") != 0)
		return usage_error("--mode %s: only snp, snp:ovmf-hash and sections are supported", a.mode);
	if (a.ovmf == NULL || *a.ovmf == '\0')
		return usage_error("--ovmf FILE is required");

	if (!hash_only) {
		if (a.vcpus == NULL)
			return usage_error("--vcpus N is required");
		if (parse_u64(a.vcpus, SNP_MAX_VCPUS, &v) < 0 || v == 0)
			return usage_error("--vcpus '%s' is not a number in 1..%u", a.vcpus, SNP_MAX_VCPUS);
		guest.vcpus = (unsigned)v;
		r = vcpu_sig_from_args(&a, &guest.vcpu_sig);
		if (r != 0)
			return r;
		guest.guest_features = 0x1; /* sev-snp-measure's default */
		if (a.guest_features && snp_parse_guest_features(a.guest_features, &guest.guest_features) < 0)
			return 2;
		/* sev-snp-measure: an empty --initrd or --append is as if not given. */
		if (a.kernel == NULL && ((a.initrd && *a.initrd) || (a.append && *a.append)))
			return usage_error("--initrd and --append need --kernel");
		if (a.kernel && *a.kernel == '\0')
			return usage_error("--kernel: empty path");
		if (a.ovmf_hash) {
			if (hex_decode(a.ovmf_hash, seed, SNP_LD_SIZE) < 0)
				return usage_error("--snp-ovmf-hash must be 96 hex digits");
			guest.ovmf_hash = seed;
		}
	}

	if (read_capped("OVMF", a.ovmf, SNP_OVMF_MAX_SIZE, &image, &image_len) < 0)
		return 1;
	r = snp_ovmf_parse(image, image_len, &ovmf);
	if (r == 0 && sections) {
		r = print_sections(&ovmf);
		free(image);
		return r == 0 ? 0 : 1;
	}
	if (r == 0 && hash_only) {
		r = snp_ovmf_hash(&ovmf, ld);
	} else if (r == 0) {
		if (a.kernel) {
			r = sha256_file("kernel", a.kernel, hashes.kernel);
			if (r == 0 && a.initrd && *a.initrd)
				r = sha256_file("initrd", a.initrd, hashes.initrd);
			else if (r == 0)
				r = digest(EVP_sha256(), "", 0, hashes.initrd);
			if (r == 0)
				r = digest(EVP_sha256(), a.append ? a.append : "",
					   (a.append ? strlen(a.append) : 0) + 1, hashes.cmdline);
			guest.hashes = &hashes;
		}
		if (r == 0)
			r = snp_launch_digest(&ovmf, &guest, ld);
	}
	free(image);
	if (r < 0)
		return 1;
	return print_hex(ld, SNP_LD_SIZE) ? 1 : 0;
}
