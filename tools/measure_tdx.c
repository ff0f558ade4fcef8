// SPDX-License-Identifier: Apache-2.0
/*
 * measure_tdx: `sealroot-measure tdx`, the MRTD/RTMR1/RTMR2 calculator for a
 * QEMU direct kernel boot on TDVF, after virtee/tdx-measure (src/tdvf.rs,
 * src/kernel.rs, src/util.rs).
 * Reads: the --ovmf, --kernel and --initrd files (size-capped) and argv.
 * Changes: nothing; prints "mrtd|rtmr1|rtmr2 <hex>" lines on stdout.
 * On failure: one "sealroot-measure tdx: ..." line on stderr, exit 1 for
 *             bad input, 2 for usage; nothing on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "byteorder.h"
#include "errf.h"
#include "readfile.h"
#include "measure.h"
#include "measure_tdx.h"

#define PAGE_SIZE        0x1000u
#define EXTEND_CHUNK     0x100u	/* TDH.MR.EXTEND granularity */
#define BLOCK_LEN        128u	/* one MRTD log block: op name, GPA at 16 */

#define OVMF_FW_MAX      (64u << 20)	/* TDVF images are a few MiB */
#define KERNEL_MAX       (512u << 20)
#define PE_SECTIONS_MAX  96u		/* PE/COFF spec limit */

/* OvmfPkg ResetVectorVtf0.asm: footer GUID 96b582de-1fb2-45f7-baea-a366c55a082d */
static const uint8_t ovmf_footer_guid[16] = {
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
	0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d,
};
/* TDX metadata offset GUID e47a6535-984a-4798-865e-4685a7bf8ec2 */
static const uint8_t tdx_metadata_guid[16] = {
	0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
	0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2,
};

#define OVMF_BYTES_AFTER_FOOTER 32u	/* the reset vector after the table */
#define OVMF_ENTRY_HDR          18u	/* le16 length + GUID, after the data */

/* ---- SHA-384 ------------------------------------------------------------ */

struct sha {
	EVP_MD_CTX *ctx;
	int bad;	/* sticky: any failed update spoils the result */
};

static int sha_init(struct sha *s)
{
	s->bad = 0;
	s->ctx = EVP_MD_CTX_new();
	if (!s->ctx || EVP_DigestInit_ex(s->ctx, EVP_sha384(), NULL) != 1) {
		EVP_MD_CTX_free(s->ctx);
		s->ctx = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void sha_update(struct sha *s, const void *buf, size_t len)
{
	if (!s->bad && len && EVP_DigestUpdate(s->ctx, buf, len) != 1)
		s->bad = 1;
}

/* Finalises and frees; 0 or -ENOMEM. */
static int sha_final(struct sha *s, uint8_t out[TDX_DIGEST_LEN])
{
	unsigned int n = 0;
	int ok = !s->bad && EVP_DigestFinal_ex(s->ctx, out, &n) == 1 && n == TDX_DIGEST_LEN;

	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
	return ok ? 0 : -ENOMEM;
}

static void sha_abort(struct sha *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

int tdx_sha384(const void *buf, size_t len, uint8_t out[TDX_DIGEST_LEN])
{
	struct sha s;
	int r = sha_init(&s);

	if (r < 0)
		return r;
	sha_update(&s, buf, len);
	return sha_final(&s, out);
}

int tdx_rtmr_extend(uint8_t mr[TDX_DIGEST_LEN], const uint8_t digest[TDX_DIGEST_LEN])
{
	uint8_t buf[2 * TDX_DIGEST_LEN];

	memcpy(buf, mr, TDX_DIGEST_LEN);
	memcpy(buf + TDX_DIGEST_LEN, digest, TDX_DIGEST_LEN);
	return tdx_sha384(buf, sizeof(buf), mr);
}

/* ---- MRTD --------------------------------------------------------------- */

struct tdvf_section {
	uint32_t data_offset, raw_size;
	uint64_t mem_base, mem_size;
	uint32_t type, attributes;
};

/*
 * QEMU pc_system_parse_ovmf_flash()/pc_system_ovmf_table_find(): the table
 * ends OVMF_BYTES_AFTER_FOOTER before the end of the image with a footer
 * entry whose length covers the whole table, itself included; each entry
 * is {data, le16 length (data + 18), GUID} and the walk goes backwards.
 * Sets *data and *data_len to the entry with the given GUID.
 */
static int ovmf_table_find(const uint8_t *fw, size_t len, const uint8_t guid[16],
			   const uint8_t **data, size_t *data_len, char *err, size_t errlen)
{
	size_t footer, table_len, start, pos;

	if (len < OVMF_BYTES_AFTER_FOOTER + OVMF_ENTRY_HDR)
		return errf(err, errlen, -EINVAL, "firmware: %zu bytes is too short for an OVMF image", len);
	footer = len - OVMF_BYTES_AFTER_FOOTER - OVMF_ENTRY_HDR;
	if (memcmp(fw + footer + 2, ovmf_footer_guid, 16) != 0)
		return errf(err, errlen, -EINVAL,
			    "firmware: no OVMF table footer GUID %zu bytes before the end (not an OVMF/TDVF image)",
			    len - footer - 2);
	table_len = le16(fw + footer);
	if (table_len < OVMF_ENTRY_HDR || table_len > footer + OVMF_ENTRY_HDR)
		return errf(err, errlen, -EINVAL, "firmware: OVMF table footer length %zu is out of bounds", table_len);
	start = footer + OVMF_ENTRY_HDR - table_len;
	pos = footer;
	while (pos - start >= OVMF_ENTRY_HDR) {
		size_t elen = le16(fw + pos - OVMF_ENTRY_HDR);

		if (elen < OVMF_ENTRY_HDR || elen > pos - start)
			return errf(err, errlen, -EINVAL,
				    "firmware: OVMF table entry at offset %zu has bad length %zu",
				    pos - OVMF_ENTRY_HDR, elen);
		if (memcmp(fw + pos - 16, guid, 16) == 0) {
			*data = fw + pos - elen;
			*data_len = elen - OVMF_ENTRY_HDR;
			return 0;
		}
		pos -= elen;
	}
	if (pos != start)
		return errf(err, errlen, -EINVAL, "firmware: OVMF table has %zu stray bytes", pos - start);
	return -ENOENT;
}

/*
 * Parses and checks the TDVF metadata. The checks are QEMU's
 * (hw/i386/tdvf.c) plus what this calculator needs to be exact: every
 * offset inside the file, no GPA overflow, no attribute bit it does not
 * understand, and no MR.EXTEND whose measured bytes it cannot know.
 */
static int tdvf_parse(const uint8_t *fw, size_t len, struct tdvf_section **out,
		      uint32_t *count, char *err, size_t errlen)
{
	const uint8_t *data = NULL, *desc;
	size_t data_len = 0, desc_off;
	uint32_t back, length, version, n;
	struct tdvf_section *s;
	int r;

	if (len > OVMF_FW_MAX)
		return errf(err, errlen, -EINVAL, "firmware: %zu bytes exceeds the %u MiB cap", len, OVMF_FW_MAX >> 20);
	r = ovmf_table_find(fw, len, tdx_metadata_guid, &data, &data_len, err, errlen);
	if (r == -ENOENT)
		return errf(err, errlen, -EINVAL,
			    "firmware: no TDX metadata (GUID e47a6535-984a-4798-865e-4685a7bf8ec2) in the OVMF table: not a TDX build");
	if (r < 0)
		return r;
	if (data_len != 4)
		return errf(err, errlen, -EINVAL, "firmware: TDX metadata offset entry has %zu data bytes, want 4", data_len);
	/* The offset counts back from the end of the image (mapped to end at 4 GiB). */
	back = le32(data);
	if (back > len || len - back > len - 16)
		return errf(err, errlen, -EINVAL, "firmware: TDVF descriptor offset 0x%x is outside the file", back);
	desc_off = len - back;
	desc = fw + desc_off;
	if (memcmp(desc, "TDVF", 4) != 0)
		return errf(err, errlen, -EINVAL, "firmware: bad TDVF descriptor signature at offset 0x%zx", desc_off);
	length = le32(desc + 4);
	version = le32(desc + 8);
	n = le32(desc + 12);
	if (version != 1)
		return errf(err, errlen, -EINVAL, "firmware: TDVF descriptor version %u is not supported (want 1)", version);
	if (n < 2 || n > 64)
		return errf(err, errlen, -EINVAL, "firmware: TDVF descriptor has %u sections (QEMU wants at least 2)", n);
	if (length != 16 + 32 * n)
		return errf(err, errlen, -EINVAL, "firmware: TDVF descriptor length %u does not match %u sections", length, n);
	if (length > len - desc_off)
		return errf(err, errlen, -EINVAL, "firmware: TDVF descriptor (%u bytes at 0x%zx) runs past the file", length, desc_off);

	s = calloc(n, sizeof(*s));
	if (!s)
		return errf(err, errlen, -ENOMEM, "firmware: out of memory");
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = desc + 16 + 32 * (size_t)i;
		struct tdvf_section *t = &s[i];

		t->data_offset = le32(e);
		t->raw_size = le32(e + 4);
		t->mem_base = le64(e + 8);
		t->mem_size = le64(e + 16);
		t->type = le32(e + 24);
		t->attributes = le32(e + 28);

		if (t->mem_size < t->raw_size)
			r = errf(err, errlen, -EINVAL, "section %u: RawDataSize 0x%x > MemoryDataSize 0x%llx",
				 i, t->raw_size, (unsigned long long)t->mem_size);
		else if (t->mem_base % PAGE_SIZE || t->mem_size % PAGE_SIZE || t->mem_size == 0)
			r = errf(err, errlen, -EINVAL, "section %u: memory 0x%llx+0x%llx is not whole, non-empty pages",
				 i, (unsigned long long)t->mem_base, (unsigned long long)t->mem_size);
		else if (t->mem_base + t->mem_size < t->mem_base)
			r = errf(err, errlen, -EINVAL, "section %u: memory range wraps around", i);
		else if ((uint64_t)t->data_offset + t->raw_size > len)
			r = errf(err, errlen, -EINVAL, "section %u: data 0x%x+0x%x is outside the %zu-byte file",
				 i, t->data_offset, t->raw_size, len);
		else if (t->attributes & ~(TDVF_ATTR_MR_EXTEND | TDVF_ATTR_PAGE_AUG))
			r = errf(err, errlen, -EINVAL, "section %u: unknown attribute bits 0x%x", i, t->attributes);
		else if ((t->attributes & TDVF_ATTR_MR_EXTEND) && (t->attributes & TDVF_ATTR_PAGE_AUG))
			r = errf(err, errlen, -EINVAL, "section %u: MR.EXTEND on PAGE.AUG memory is contradictory", i);
		else if ((t->type == TDVF_SECTION_BFV || t->type == TDVF_SECTION_CFV) && t->raw_size == 0)
			r = errf(err, errlen, -EINVAL, "section %u: BFV/CFV section with no raw data", i);
		else if ((t->type == TDVF_SECTION_TD_HOB || t->type == TDVF_SECTION_TEMP_MEM) && t->raw_size != 0)
			r = errf(err, errlen, -EINVAL, "section %u: TD_HOB/TEMP_MEM section with raw data", i);
		else if (t->type > TDVF_SECTION_TEMP_MEM)
			r = errf(err, errlen, -EINVAL, "section %u: type %u is not one QEMU loads", i, t->type);
		/* QEMU writes its own HOB there before measuring: unknowable here. */
		else if (t->type == TDVF_SECTION_TD_HOB && (t->attributes & TDVF_ATTR_MR_EXTEND))
			r = errf(err, errlen, -EINVAL, "section %u: MR.EXTEND of the TD_HOB is not computable", i);
		/* QEMU measures file bytes past RawDataSize there, TDVF says zeros. */
		else if (t->type <= TDVF_SECTION_CFV && (t->attributes & TDVF_ATTR_MR_EXTEND) &&
			 t->raw_size != t->mem_size)
			r = errf(err, errlen, -EINVAL,
				 "section %u: MR.EXTEND with RawDataSize 0x%x != MemoryDataSize 0x%llx is ambiguous",
				 i, t->raw_size, (unsigned long long)t->mem_size);
		if (r < 0) {
			free(s);
			return r;
		}
	}
	*out = s;
	*count = n;
	return 0;
}

static void mrtd_page_add(struct sha *h, uint64_t gpa)
{
	uint8_t b[BLOCK_LEN] = { 0 };

	memcpy(b, "MEM.PAGE.ADD", 12);
	put_le64(b + 16, gpa);
	sha_update(h, b, sizeof(b));
}

/* The 16 TDH.MR.EXTENDs of one page: bytes from the file, zeros past raw_size. */
static void mrtd_page_extend(struct sha *h, const uint8_t *fw, const struct tdvf_section *s, uint64_t page)
{
	for (uint32_t i = 0; i < PAGE_SIZE / EXTEND_CHUNK; i++) {
		uint64_t off = page * PAGE_SIZE + (uint64_t)i * EXTEND_CHUNK;
		uint8_t b[BLOCK_LEN] = { 0 }, chunk[EXTEND_CHUNK] = { 0 };

		memcpy(b, "MR.EXTEND", 9);
		put_le64(b + 16, s->mem_base + off);
		sha_update(h, b, sizeof(b));
		if (off < s->raw_size) {
			uint64_t n = s->raw_size - off < EXTEND_CHUNK ? s->raw_size - off : EXTEND_CHUNK;

			memcpy(chunk, fw + s->data_offset + off, (size_t)n);
		}
		sha_update(h, chunk, sizeof(chunk));
	}
}

int tdx_mrtd(const uint8_t *fw, size_t len, enum tdx_page_order order,
	     uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen)
{
	struct tdvf_section *secs = NULL;
	uint32_t n = 0;
	struct sha h;
	int r;

	if (order != TDX_ORDER_INTERLEAVED && order != TDX_ORDER_ADD_THEN_EXTEND)
		return errf(err, errlen, -EINVAL, "unknown page order %d", (int)order);
	r = tdvf_parse(fw, len, &secs, &n, err, errlen);
	if (r < 0)
		return r;
	r = sha_init(&h);
	if (r < 0) {
		free(secs);
		return errf(err, errlen, r, "sha384: OpenSSL failure");
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct tdvf_section *s = &secs[i];
		uint64_t pages = s->mem_size / PAGE_SIZE;
		int add = !(s->attributes & TDVF_ATTR_PAGE_AUG);
		int extend = !!(s->attributes & TDVF_ATTR_MR_EXTEND);

		for (uint64_t p = 0; p < pages; p++) {
			if (add)
				mrtd_page_add(&h, s->mem_base + p * PAGE_SIZE);
			if (extend && order == TDX_ORDER_INTERLEAVED)
				mrtd_page_extend(&h, fw, s, p);
		}
		if (extend && order == TDX_ORDER_ADD_THEN_EXTEND)
			for (uint64_t p = 0; p < pages; p++)
				mrtd_page_extend(&h, fw, s, p);
	}
	free(secs);
	r = sha_final(&h, out);
	return r < 0 ? errf(err, errlen, r, "sha384: OpenSSL failure") : 0;
}

/* ---- Authenticode -------------------------------------------------------- */

struct pe_range { uint32_t off, size; };

/* EDK2 MeasureBootPeCoff.c hashes the sections sorted by PointerToRawData. */
static void sort_ranges(struct pe_range *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct pe_range t = r[i];
		size_t j = i;

		while (j > 0 && r[j - 1].off > t.off) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = t;
	}
}

int tdx_authenticode_sha384(const uint8_t *img, size_t len,
			    uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen)
{
	struct pe_range secs[PE_SECTIONS_MAX];
	size_t pe, opt, opt_size, cksum, dd, secdir = 0, sectab, soh, nsec, used = 0;
	uint64_t sum, cert_size = 0;
	uint32_t nrva;
	uint16_t magic;
	struct sha h;
	int r;

	if (len < 0x40 || img[0] != 'M' || img[1] != 'Z')
		return errf(err, errlen, -EINVAL, "kernel: no MZ header (not a PE/EFI-stub image)");
	pe = le32(img + 0x3c);
	if (pe > len || len - pe < 24 || memcmp(img + pe, "PE\0\0", 4) != 0)
		return errf(err, errlen, -EINVAL, "kernel: no PE signature at e_lfanew 0x%zx", pe);
	nsec = le16(img + pe + 6);
	opt_size = le16(img + pe + 20);
	opt = pe + 24;
	if (opt_size > len - opt || opt_size < 2)
		return errf(err, errlen, -EINVAL, "kernel: optional header (%zu bytes) runs past the file", opt_size);
	magic = le16(img + opt);
	cksum = opt + 64;
	if (magic == 0x10b)
		dd = opt + 96;
	else if (magic == 0x20b)
		dd = opt + 112;
	else
		return errf(err, errlen, -EINVAL, "kernel: unknown optional header magic 0x%x", magic);
	if (dd - opt > opt_size)
		return errf(err, errlen, -EINVAL, "kernel: optional header too short for magic 0x%x", magic);
	nrva = le32(img + dd - 4);
	if (nrva > 16 || (size_t)nrva * 8 > opt_size - (dd - opt))
		return errf(err, errlen, -EINVAL, "kernel: %u data directories do not fit the optional header", nrva);
	soh = le32(img + opt + 60);
	if (soh > len)
		return errf(err, errlen, -EINVAL, "kernel: SizeOfHeaders 0x%zx is past the end of the file", soh);
	if (nrva > 4) {	/* IMAGE_DIRECTORY_ENTRY_SECURITY */
		secdir = dd + 4 * 8;
		if (soh < secdir + 8)
			return errf(err, errlen, -EINVAL, "kernel: SizeOfHeaders 0x%zx ends inside the data directories", soh);
	} else if (soh < cksum + 4) {
		return errf(err, errlen, -EINVAL, "kernel: SizeOfHeaders 0x%zx ends inside the optional header", soh);
	}
	sectab = opt + opt_size;
	if (nsec > PE_SECTIONS_MAX || nsec * 40 > len - sectab)
		return errf(err, errlen, -EINVAL, "kernel: section table (%zu entries) runs past the file", nsec);

	sum = soh;
	for (size_t i = 0; i < nsec; i++) {
		const uint8_t *e = img + sectab + 40 * i;
		uint32_t size = le32(e + 16), off = le32(e + 20);

		if (size == 0)
			continue;
		if ((uint64_t)off + size > len)
			return errf(err, errlen, -EINVAL, "kernel: section %zu raw data 0x%x+0x%x is outside the file",
				    i, off, size);
		secs[used].off = off;
		secs[used].size = size;
		used++;
		sum += size;
	}
	sort_ranges(secs, used);

	if (secdir) {
		uint32_t cert_off = le32(img + secdir);

		cert_size = le32(img + secdir + 4);
		/* The certificate table is the tail of the file, after every section. */
		if (cert_size && ((uint64_t)cert_off + cert_size != len || cert_off < sum))
			return errf(err, errlen, -EINVAL,
				    "kernel: certificate table 0x%x+0x%llx is not the tail of the file",
				    cert_off, (unsigned long long)cert_size);
	}

	r = sha_init(&h);
	if (r < 0)
		return errf(err, errlen, r, "sha384: OpenSSL failure");
	sha_update(&h, img, cksum);
	if (secdir) {
		sha_update(&h, img + cksum + 4, secdir - (cksum + 4));
		sha_update(&h, img + secdir + 8, soh - (secdir + 8));
	} else {
		sha_update(&h, img + cksum + 4, soh - (cksum + 4));
	}
	for (size_t i = 0; i < used; i++)
		sha_update(&h, img + secs[i].off, secs[i].size);
	if (len > sum) {
		if (len - sum > cert_size)
			sha_update(&h, img + sum, (size_t)(len - sum - cert_size));
		else if (len - sum < cert_size) {
			sha_abort(&h);
			return errf(err, errlen, -EINVAL, "kernel: certificate table overlaps the sections");
		}
	}
	r = sha_final(&h, out);
	return r < 0 ? errf(err, errlen, r, "sha384: OpenSSL failure") : 0;
}

/* ---- kernel setup header (QEMU hw/i386/x86-common.c x86_load_linux) ------ */

/* QEMU's "vga=" handling: normal/ext/ask or a number ending at ' ' or NUL. */
static int vga_mode(const char *v, uint16_t *mode, char *err, size_t errlen)
{
	unsigned long long x;
	char *end;

	if (!strncmp(v, "normal", 6)) {
		*mode = 0xffff;
		return 0;
	}
	if (!strncmp(v, "ext", 3)) {
		*mode = 0xfffe;
		return 0;
	}
	if (!strncmp(v, "ask", 3)) {
		*mode = 0xfffd;
		return 0;
	}
	/* Digits only: QEMU's qemu_strtoui() corner cases are not worth guessing. */
	if (*v < '0' || *v > '9')
		return errf(err, errlen, -EINVAL, "cmdline: invalid vga= value (QEMU refuses it)");
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || x > UINT_MAX || (*end && *end != ' '))
		return errf(err, errlen, -EINVAL, "cmdline: invalid vga= value (QEMU refuses it)");
	*mode = (uint16_t)x;	/* stw_le_p of an unsigned int */
	return 0;
}

int tdx_patch_kernel(uint8_t *k, size_t len, const char *cmdline,
		     int have_initrd, uint64_t initrd_size, uint64_t mem_size,
		     char *err, size_t errlen)
{
	uint32_t real_addr, cmdline_addr, cmdline_size, initrd_max, setup_size;
	uint16_t protocol, mode = 0;
	const char *vga;
	int r;

	if (len < 0x250)
		return errf(err, errlen, -EINVAL, "kernel: %zu bytes is too short for a bzImage", len);
	if (memcmp(k + 0x202, "HdrS", 4) != 0)
		return errf(err, errlen, -EINVAL, "kernel: no \"HdrS\" setup header (not a bzImage)");
	protocol = le16(k + 0x206);
	if (protocol < 0x200)
		return errf(err, errlen, -EINVAL, "kernel: boot protocol %x.%02x is too old", protocol >> 8, protocol & 0xff);
	setup_size = k[0x1f1] ? k[0x1f1] : 4;
	setup_size = (setup_size + 1) * 512;
	if (setup_size > len)
		return errf(err, errlen, -EINVAL, "kernel: setup size 0x%x is larger than the file", setup_size);

	cmdline_size = (uint32_t)((strlen(cmdline) + 16) & ~(size_t)15);
	if (!(k[0x211] & 0x01) || protocol < 0x202) {	/* low, or high but ancient */
		if (cmdline_size > 0x9a000 - 0x90000 - 0x200)
			return errf(err, errlen, -EINVAL, "cmdline: too long for this kernel's boot protocol");
		real_addr = 0x90000;
		cmdline_addr = 0x9a000 - cmdline_size;
	} else {
		real_addr = 0x10000;
		cmdline_addr = 0x20000;
	}

	if (protocol >= 0x20c && (le16(k + 0x236) & 0x40))	/* XLF_CAN_BE_LOADED_ABOVE_4G */
		initrd_max = UINT32_MAX;
	else if (protocol >= 0x203)
		initrd_max = le32(k + 0x22c);
	else
		initrd_max = 0x37ffffff;

	if (protocol >= 0x202) {
		put_le32(k + 0x228, cmdline_addr);
	} else {
		put_le16(k + 0x20, 0xA33F);
		put_le16(k + 0x22, (uint16_t)(cmdline_addr - real_addr));
	}
	vga = strstr(cmdline, "vga=");
	if (vga) {
		r = vga_mode(vga + 4, &mode, err, errlen);
		if (r < 0)
			return r;
		put_le16(k + 0x1fa, mode);
	}
	k[0x210] = 0xB0;	/* type_of_loader: QEMU, revision 0 */
	if (protocol >= 0x201) {
		k[0x211] |= 0x80;	/* CAN_USE_HEAP */
		put_le16(k + 0x224, (uint16_t)(cmdline_addr - real_addr - 0x200));
	}

	if (have_initrd) {
		uint64_t below_4g;
		uint32_t addr;

		/* pc_q35_init(): the RAM split below 4 GiB. */
		if (mem_size == 0)
			return errf(err, errlen, -EINVAL, "--mem-size is needed to place the initrd as QEMU does");
		below_4g = mem_size >= 0xb0000000ull ? 0x80000000ull : mem_size;
		if (below_4g <= TDX_QEMU_ACPI_DATA_SIZE + 1)
			return errf(err, errlen, -EINVAL, "--mem-size %llu is too small", (unsigned long long)mem_size);
		if (initrd_max >= below_4g - TDX_QEMU_ACPI_DATA_SIZE)
			initrd_max = (uint32_t)(below_4g - TDX_QEMU_ACPI_DATA_SIZE - 1);
		if (initrd_size >= initrd_max)
			return errf(err, errlen, -EINVAL, "initrd: %llu bytes is too large (QEMU max %u)",
				    (unsigned long long)initrd_size, initrd_max);
		addr = (uint32_t)((initrd_max - initrd_size) & ~(uint64_t)4095);
		put_le32(k + 0x218, addr);
		put_le32(k + 0x21c, (uint32_t)initrd_size);
	}
	return 0;
}

/* ---- RTMR1, RTMR2 ------------------------------------------------------- */

/* Fold r = SHA384(r || d) from 0^48. */
static int rtmr_fold(const uint8_t (*d)[TDX_DIGEST_LEN], size_t n, uint8_t out[TDX_DIGEST_LEN])
{
	memset(out, 0, TDX_DIGEST_LEN);
	for (size_t i = 0; i < n; i++) {
		int r = tdx_rtmr_extend(out, d[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

int tdx_rtmr1(const uint8_t kernel_digest[TDX_DIGEST_LEN], uint8_t out[TDX_DIGEST_LEN])
{
	/* OVMF TdTcg2Dxe events, in order (tdx-measure src/kernel.rs). */
	static const char *const actions[] = {
		"Calling EFI Application from Boot Option",
		NULL,	/* separator: 00 00 00 00 */
		"Exit Boot Services Invocation",
		"Exit Boot Services Returned with Success",
	};
	static const uint8_t separator[4] = { 0 };
	uint8_t d[5][TDX_DIGEST_LEN];
	int r;

	memcpy(d[0], kernel_digest, TDX_DIGEST_LEN);
	for (size_t i = 0; i < 4; i++) {
		r = actions[i] ? tdx_sha384(actions[i], strlen(actions[i]), d[i + 1])
			       : tdx_sha384(separator, sizeof(separator), d[i + 1]);
		if (r < 0)
			return r;
	}
	return rtmr_fold((const uint8_t (*)[TDX_DIGEST_LEN])d, 5, out);
}

int tdx_cmdline_digest(const char *cmdline, int have_initrd, enum tdx_initrd_form form,
		       uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen)
{
	static const char appended[] = " initrd=initrd", prepended[] = "initrd=initrd ";
	const char *pre = "", *post = "";
	size_t n = strlen(cmdline), total, k = 0;
	uint8_t *u;
	int r;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)cmdline[i] < 0x20 || (unsigned char)cmdline[i] > 0x7e)
			return errf(err, errlen, -EINVAL, "cmdline: byte 0x%02x at %zu is not printable ASCII",
				    (unsigned char)cmdline[i], i);
	if (n > 65536)
		return errf(err, errlen, -EINVAL, "cmdline: %zu bytes is too long", n);
	if (have_initrd && form == TDX_INITRD_PREPENDED)
		pre = prepended;
	else if (have_initrd)
		post = appended;
	/* OVMF X86QemuLoadImageLib: "%a%a%a" into CHAR16, NUL included. */
	total = strlen(pre) + n + strlen(post);
	u = calloc(total + 1, 2);
	if (!u)
		return errf(err, errlen, -ENOMEM, "cmdline: out of memory");
	for (const char *part[] = { pre, cmdline, post }, **p = part; p < part + 3; p++)
		for (const char *c = *p; *c; c++)
			u[2 * k++] = (uint8_t)*c;
	r = tdx_sha384(u, 2 * (total + 1), out);
	free(u);
	return r < 0 ? errf(err, errlen, r, "sha384: OpenSSL failure") : 0;
}

int tdx_rtmr2(const char *cmdline, const uint8_t *initrd_digest, enum tdx_initrd_form form,
	      uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen)
{
	uint8_t d[2][TDX_DIGEST_LEN];
	int r = tdx_cmdline_digest(cmdline, initrd_digest != NULL, form, d[0], err, errlen);

	if (r < 0)
		return r;
	if (initrd_digest)
		memcpy(d[1], initrd_digest, TDX_DIGEST_LEN);
	r = rtmr_fold((const uint8_t (*)[TDX_DIGEST_LEN])d, initrd_digest ? 2 : 1, out);
	return r < 0 ? errf(err, errlen, r, "sha384: OpenSSL failure") : 0;
}

/* ---- CLI ------------------------------------------------------------------ */

#define PROG "sealroot-measure tdx"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sealroot-measure tdx --ovmf FILE [--kernel FILE [--initrd FILE] [--append STRING]\n"
		"                            [--mem-size BYTES] [--kernel-patch qemu|none]]\n"
		"                            [--page-order interleaved|add-then-extend]\n"
		"                            [--initrd-form appended|prepended]\n"
		"Prints \"mrtd <hex>\", and with --kernel \"rtmr1 <hex>\" and \"rtmr2 <hex>\"\n"
		"(QEMU q35 direct kernel boot on TDVF; RTMR0 is measured on the host).\n"
		"  --page-order     interleaved: per page add then extend (QEMU/KVM upstream, default);\n"
		"                   add-then-extend: per section all adds, then all extends (older TDX trees)\n"
		"  --mem-size       QEMU -m in bytes (K/M/G suffixes allowed); needed with --initrd\n"
		"                   while the setup header is patched, to place the initrd as QEMU does\n"
		"  --kernel-patch   qemu: measure the kernel with QEMU's setup-header patches (default;\n"
		"                   OVMF up to edk2-stable202502); none: as the file is (newer OVMF that\n"
		"                   loads QEMU's unpatched etc/boot/kernel)\n"
		"  --initrd-form    where the firmware puts initrd=initrd in the command line it\n"
		"                   measures into RTMR2 when there is an initrd: appended (default;\n"
		"                   edk2 up to stable202505) or prepended (edk2-stable202508 on)\n");
}

/* Reads a whole file of at most max bytes. */
static int read_capped(const char *what, const char *path, size_t max, uint8_t **buf, size_t *len)
{
	const char *op;
	int r = read_file(path, max, buf, len, &op);

	if (r == -EFBIG)
		fprintf(stderr, PROG ": %s: %s is larger than %zu bytes\n", what, path, max);
	else if (r < 0)
		fprintf(stderr, PROG ": %s: %s %s: %s\n", what, op, path, strerror(-r));
	return r;
}

/* SHA-384 and size of a file, streamed (initrds can be large). */
static int hash_file(const char *what, const char *path, uint8_t out[TDX_DIGEST_LEN], uint64_t *size)
{
	uint8_t buf[65536];
	struct sha h;
	struct stat st;
	uint64_t total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, PROG ": %s: open %s: %s\n", what, path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, PROG ": %s: %s is not a regular file\n", what, path);
		close(fd);
		return -EINVAL;
	}
	if (sha_init(&h) < 0) {
		fprintf(stderr, PROG ": sha384: OpenSSL failure\n");
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": %s: read %s: %s\n", what, path, strerror(errno));
			sha_abort(&h);
			close(fd);
			return -EIO;
		}
		if (n == 0)
			break;
		sha_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(fd);
	if (sha_final(&h, out) < 0) {
		fprintf(stderr, PROG ": sha384: OpenSSL failure\n");
		return -ENOMEM;
	}
	*size = total;
	return 0;
}

/* Bytes: decimal or 0x hex, with an optional K/M/G/T (binary) suffix. */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: return -EINVAL;
	}
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static void print_hex(const char *name, const uint8_t d[TDX_DIGEST_LEN])
{
	printf("%s ", name);
	for (size_t i = 0; i < TDX_DIGEST_LEN; i++)
		printf("%02x", d[i]);
	putchar('\n');
}

struct opts {
	const char *ovmf, *kernel, *initrd, *append, *order, *mem, *patch, *form;
};

/* The flags, as data: name and where its value goes. */
static const struct {
	const char *name;
	size_t off;
} flags[] = {
	{ "--ovmf", offsetof(struct opts, ovmf) },
	{ "--kernel", offsetof(struct opts, kernel) },
	{ "--initrd", offsetof(struct opts, initrd) },
	{ "--append", offsetof(struct opts, append) },
	{ "--page-order", offsetof(struct opts, order) },
	{ "--mem-size", offsetof(struct opts, mem) },
	{ "--kernel-patch", offsetof(struct opts, patch) },
	{ "--initrd-form", offsetof(struct opts, form) },
};

/* 0 ok, 1 --help, -1 usage error (reported). */
static int parse_args(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		size_t f, nlen;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			nlen = strlen(flags[f].name);
			if (!strncmp(a, flags[f].name, nlen) && (a[nlen] == '\0' || a[nlen] == '='))
				break;
		}
		if (f == sizeof(flags) / sizeof(flags[0])) {
			fprintf(stderr, PROG ": unknown argument '%s' (see --help)\n", a);
			return -1;
		}
		if (a[nlen] == '=') {
			val = a + nlen + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr, PROG ": %s needs a value\n", flags[f].name);
			return -1;
		}
		const char **slot = (const char **)((char *)o + flags[f].off);
		if (*slot) {
			fprintf(stderr, PROG ": %s given twice\n", flags[f].name);
			return -1;
		}
		*slot = val;
	}
	if (!o->ovmf) {
		fprintf(stderr, PROG ": --ovmf is required\n");
		return -1;
	}
	if (!o->kernel && (o->initrd || o->append || o->mem || o->patch || o->form)) {
		fprintf(stderr, PROG ": --initrd, --append, --mem-size, --kernel-patch and --initrd-form "
			"need --kernel\n");
		return -1;
	}
	return 0;
}

int measure_tdx_main(int argc, char **argv)
{
	char err[TDX_ERR_LEN] = "";
	uint8_t mrtd[TDX_DIGEST_LEN], rtmr1[TDX_DIGEST_LEN], rtmr2[TDX_DIGEST_LEN];
	uint8_t kdig[TDX_DIGEST_LEN], idig[TDX_DIGEST_LEN];
	enum tdx_page_order order = TDX_ORDER_INTERLEAVED;
	enum tdx_initrd_form form = TDX_INITRD_APPENDED;
	uint64_t mem_size = 0, initrd_size = 0;
	int patch = 1, r;
	uint8_t *fw = NULL, *k = NULL;
	size_t fw_len, k_len;
	const char *cmdline;
	struct opts o;

	r = parse_args(argc, argv, &o);
	if (r == 1) {
		usage(stdout);
		return 0;
	}
	if (r < 0)
		return 2;
	if (o.order && !strcmp(o.order, "add-then-extend")) {
		order = TDX_ORDER_ADD_THEN_EXTEND;
	} else if (o.order && strcmp(o.order, "interleaved")) {
		fprintf(stderr, PROG ": --page-order must be interleaved or add-then-extend\n");
		return 2;
	}
	if (o.patch && !strcmp(o.patch, "none")) {
		patch = 0;
	} else if (o.patch && strcmp(o.patch, "qemu")) {
		fprintf(stderr, PROG ": --kernel-patch must be qemu or none\n");
		return 2;
	}
	if (o.form && !strcmp(o.form, "prepended")) {
		form = TDX_INITRD_PREPENDED;
	} else if (o.form && strcmp(o.form, "appended")) {
		fprintf(stderr, PROG ": --initrd-form must be appended or prepended\n");
		return 2;
	}
	if (o.mem && parse_size(o.mem, &mem_size) < 0) {
		fprintf(stderr, PROG ": --mem-size '%s' is not a positive byte count\n", o.mem);
		return 2;
	}
	if (o.initrd && patch && !o.mem) {
		fprintf(stderr, PROG ": --initrd with the QEMU-patched kernel needs --mem-size (QEMU -m, in bytes)\n");
		return 2;
	}
	cmdline = o.append ? o.append : "";

	if (read_capped("firmware", o.ovmf, OVMF_FW_MAX, &fw, &fw_len) < 0)
		return 1;
	r = tdx_mrtd(fw, fw_len, order, mrtd, err, sizeof(err));
	free(fw);
	if (r < 0) {
		fprintf(stderr, PROG ": %s: %s\n", o.ovmf, err);
		return 1;
	}
	if (!o.kernel) {
		print_hex("mrtd", mrtd);
		return fflush(stdout) ? 1 : 0;
	}

	if (o.initrd) {
		if (hash_file("initrd", o.initrd, idig, &initrd_size) < 0)
			return 1;
		/* OVMF drops an empty initrd: no " initrd=initrd", no event. */
		if (initrd_size == 0) {
			fprintf(stderr, PROG ": initrd: %s is empty\n", o.initrd);
			return 1;
		}
	}
	if (read_capped("kernel", o.kernel, KERNEL_MAX, &k, &k_len) < 0)
		return 1;
	r = patch ? tdx_patch_kernel(k, k_len, cmdline, o.initrd != NULL, initrd_size, mem_size, err, sizeof(err)) : 0;
	if (r == 0)
		r = tdx_authenticode_sha384(k, k_len, kdig, err, sizeof(err));
	free(k);
	if (r == 0)
		r = tdx_rtmr1(kdig, rtmr1) < 0 ? errf(err, sizeof(err), -ENOMEM, "sha384: OpenSSL failure") : 0;
	if (r == 0)
		r = tdx_rtmr2(cmdline, o.initrd ? idig : NULL, form, rtmr2, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		return 1;
	}
	print_hex("mrtd", mrtd);
	print_hex("rtmr1", rtmr1);
	print_hex("rtmr2", rtmr2);
	return fflush(stdout) ? 1 : 0;
}
