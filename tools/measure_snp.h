/* SPDX-License-Identifier: Apache-2.0 */
/*
 * measure_snp: the AMD SEV-SNP launch digest that QEMU + OVMF (AmdSev)
 * produce, after virtee/sev-snp-measure (sevsnpmeasure/gctx.py and guest.py).
 *   Reads:   the OVMF image and the guest's launch parameters, from memory.
 *   Changes: nothing; results go to caller buffers.
 *   Failure: -EINVAL for malformed firmware or parameters, -EIO if OpenSSL
 *            fails; one message on stderr at the place of failure.
 */
#ifndef SEALROOT_MEASURE_SNP_H
#define SEALROOT_MEASURE_SNP_H

#include <stddef.h>
#include <stdint.h>

#define SNP_LD_SIZE          48u  /* SHA-384 */
#define SNP_SHA256_SIZE      32u
#define SNP_PAGE_SIZE        4096u
#define SNP_OVMF_MAX_SIZE    (64u << 20) /* real OVMF images are 2-4 MiB */
#define SNP_MAX_SECTIONS     64u
#define SNP_MAX_VCPUS        4096u       /* KVM_MAX_VCPUS on x86-64 */
#define SNP_HASHES_TABLE_LEN 168u        /* QEMU's SevHashTable */
#define SNP_HASHES_TABLE_PADDED 176u     /* PaddedSevHashTable: to 16 bytes */

/* SNP_LAUNCH_UPDATE page types (SNP ABI spec, Table 67 PAGE_INFO). */
enum snp_page_type {
	SNP_PAGE_NORMAL  = 0x01,
	SNP_PAGE_VMSA    = 0x02,
	SNP_PAGE_ZERO    = 0x03,
	SNP_PAGE_SECRETS = 0x05,
	SNP_PAGE_CPUID   = 0x06,
};

/* OVMF SEV metadata section types (edk2 OvmfSevMetadata.asm). */
enum snp_section_type {
	SNP_SECTION_SNP_SEC_MEM   = 1,
	SNP_SECTION_SNP_SECRETS   = 2,
	SNP_SECTION_CPUID         = 3,
	SNP_SECTION_SVSM_CAA      = 4,
	SNP_SECTION_KERNEL_HASHES = 0x10,
};

struct snp_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;
};

/*
 * What the launch digest needs from an OVMF image. `data` points into the
 * caller's buffer, which must outlive this struct.
 */
struct snp_ovmf {
	const uint8_t *data;
	size_t size;
	uint64_t gpa;               /* the image ends at 4 GiB */
	uint32_t reset_eip;         /* the APs' start, SEV-ES reset block */
	int has_hashes_table;
	uint32_t hashes_table_gpa;  /* SEV_HASH_TABLE_RV_GUID */
	uint32_t hashes_table_size;
	size_t n_sections;
	struct snp_section sections[SNP_MAX_SECTIONS];
};

/* The three SHA-256 values QEMU puts in the kernel-hashes page. */
struct snp_kernel_hashes {
	uint8_t cmdline[SNP_SHA256_SIZE];
	uint8_t initrd[SNP_SHA256_SIZE];
	uint8_t kernel[SNP_SHA256_SIZE];
};

struct snp_guest {
	unsigned vcpus;                         /* 1..SNP_MAX_VCPUS */
	uint32_t vcpu_sig;                      /* CPUID 1 EAX, lands in rdx */
	uint64_t guest_features;                /* VMSA sev_features; bit 0 set */
	const struct snp_kernel_hashes *hashes; /* NULL: no --kernel */
	const uint8_t *ovmf_hash;               /* NULL: hash the OVMF pages;
	                                           else the precomputed 48 bytes */
};

/*
 * Parses the OVMF footer table and the SEV metadata of `data`. Every offset
 * and length is checked against `size`; anything not understood is refused.
 */
int snp_ovmf_parse(const uint8_t *data, size_t size, struct snp_ovmf *out);

/* The launch digest after the OVMF pages alone (`--mode snp:ovmf-hash`). */
int snp_ovmf_hash(const struct snp_ovmf *ovmf, uint8_t ld[SNP_LD_SIZE]);

/* The full launch digest of `guest` booted from `ovmf`. */
int snp_launch_digest(const struct snp_ovmf *ovmf, const struct snp_guest *guest,
		      uint8_t ld[SNP_LD_SIZE]);

/*
 * The kernel-hashes values from in-memory contents. `cmdline` NULL means
 * none; both NULL and "" hash as the single byte "\0", as QEMU does.
 */
int snp_kernel_hashes_from_buffers(const void *kernel, size_t kernel_len,
				   const void *initrd, size_t initrd_len,
				   const char *cmdline, struct snp_kernel_hashes *out);

/* QEMU's padded SEV hashes table (GUIDs little-endian). */
void snp_hashes_table(const struct snp_kernel_hashes *h,
		      uint8_t out[SNP_HASHES_TABLE_PADDED]);

/* The initial VMSA QEMU/KVM give a vCPU starting at `eip`. */
void snp_build_vmsa(uint8_t page[SNP_PAGE_SIZE], uint32_t eip, uint32_t vcpu_sig,
		    uint64_t guest_features);

/* CPUID Fn0000_0001_EAX from family/model/stepping (AMD pub. 25481). */
int snp_cpu_sig(unsigned family, unsigned model, unsigned stepping, uint32_t *sig);

/* The signature of a QEMU vCPU model name; -EINVAL if unknown. */
int snp_vcpu_sig_by_name(const char *name, uint32_t *sig);

/*
 * Parses a guest-features value as sev-snp-measure does (0x.., 0o.., 0b..
 * or decimal) into 64 bits; refuses values without bit 0 (SNPActive),
 * which no SNP guest can launch with.
 */
int snp_parse_guest_features(const char *s, uint64_t *out);

#endif
