/* SPDX-License-Identifier: Apache-2.0 */
/*
 * measure_tdx: the Intel TDX launch measurements (MRTD, RTMR1, RTMR2) of a
 * QEMU direct kernel boot with TDVF/OVMF (after virtee/tdx-measure).
 * Reads: the firmware, kernel and initrd images the caller hands in.
 * Changes: nothing but the caller's output buffers (and the kernel copy
 *          handed to tdx_patch_kernel()).
 * On failure: returns -EINVAL (malformed or unsupported input) or -ENOMEM,
 *             with one line in err saying what and where; no partial output.
 */
#ifndef SEALROOT_MEASURE_TDX_H
#define SEALROOT_MEASURE_TDX_H

#include <stddef.h>
#include <stdint.h>

#define TDX_DIGEST_LEN 48	/* SHA-384 */
#define TDX_ERR_LEN    256

/*
 * The order in which the VMM issues TDH.MEM.PAGE.ADD and TDH.MR.EXTEND.
 * INTERLEAVED: per page, the add and then its 16 extends (upstream QEMU and
 * KVM's KVM_TDX_INIT_MEM_REGION). ADD_THEN_EXTEND: per section, all its pages
 * added first, then all its extends (older TDX QEMU/KVM trees; dstack calls
 * this "two-pass").
 */
enum tdx_page_order {
	TDX_ORDER_INTERLEAVED = 0,
	TDX_ORDER_ADD_THEN_EXTEND = 1,
};

/* TDVF section types and attributes (TDVF design guide, QEMU hw/i386/tdvf.h). */
#define TDVF_SECTION_BFV      0u
#define TDVF_SECTION_CFV      1u
#define TDVF_SECTION_TD_HOB   2u
#define TDVF_SECTION_TEMP_MEM 3u
#define TDVF_ATTR_MR_EXTEND   0x1u
#define TDVF_ATTR_PAGE_AUG    0x2u

/* QEMU's pc/q35 ACPI_DATA_SIZE + 0x8000 (hw/i386/pc.c), below the initrd. */
#define TDX_QEMU_ACPI_DATA_SIZE 0x28000u

/* SHA-384 of buf. 0 or -ENOMEM (OpenSSL failure). */
int tdx_sha384(const void *buf, size_t len, uint8_t out[TDX_DIGEST_LEN]);

/* RTMR extend: mr = SHA384(mr || digest). */
int tdx_rtmr_extend(uint8_t mr[TDX_DIGEST_LEN], const uint8_t digest[TDX_DIGEST_LEN]);

/*
 * MRTD of a TDVF image: finds the TDX metadata through the OVMF GUIDed
 * footer table, checks every section as QEMU does (and more), and hashes the
 * MEM.PAGE.ADD / MR.EXTEND stream in the given order.
 */
int tdx_mrtd(const uint8_t *fw, size_t len, enum tdx_page_order order,
	     uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen);

/*
 * Authenticode SHA-384 of a PE/COFF image, as EDK2's measured boot computes
 * it: headers without CheckSum and the certificate-table directory entry,
 * sections with raw data in file-offset order, then the trailing bytes
 * less the certificate table.
 */
int tdx_authenticode_sha384(const uint8_t *img, size_t len,
			    uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen);

/*
 * Applies QEMU's x86_load_linux() setup-header patches to a bzImage in
 * place: type_of_loader, loadflags CAN_USE_HEAP, heap_end_ptr,
 * cmd_line_ptr (or the old 0xA33F magic), vid_mode for "vga=", and
 * ramdisk_image/ramdisk_size when have_initrd. mem_size is QEMU's -m in
 * bytes (q35 split below 4 GiB); only used with an initrd.
 */
int tdx_patch_kernel(uint8_t *k, size_t len, const char *cmdline,
		     int have_initrd, uint64_t initrd_size, uint64_t mem_size,
		     char *err, size_t errlen);

/*
 * RTMR1 of a direct boot from the kernel's Authenticode digest: the kernel
 * image, "Calling EFI Application from Boot Option", the separator,
 * "Exit Boot Services Invocation", "Exit Boot Services Returned with Success".
 */
int tdx_rtmr1(const uint8_t kernel_digest[TDX_DIGEST_LEN], uint8_t out[TDX_DIGEST_LEN]);

/*
 * Where OVMF puts "initrd=initrd" in the LoadOptions when there is an
 * initrd (edk2 OvmfPkg/Library/X86QemuLoadImageLib/X86QemuLoadImageLib.c,
 * QemuLoadKernelImage): appended as " initrd=initrd" up to
 * edk2-stable202505 (edk2 2025.02 included); prepended as "initrd=initrd "
 * from edk2 commit a2ac0fea49 (edk2-stable202508) on.
 */
enum tdx_initrd_form { TDX_INITRD_APPENDED, TDX_INITRD_PREPENDED };

/*
 * The digest of the kernel's LoadOptions as OVMF builds them from QEMU's
 * command line: UTF-16LE of cmdline with "initrd=initrd" where form puts
 * it when there is an initrd, plus the NUL. Refuses bytes outside
 * printable ASCII.
 */
int tdx_cmdline_digest(const char *cmdline, int have_initrd, enum tdx_initrd_form form,
		       uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen);

/*
 * RTMR2 of a direct boot: the LoadOptions event, then the initrd event when
 * initrd_digest is not NULL (the EFI stub measures none without an initrd).
 */
int tdx_rtmr2(const char *cmdline, const uint8_t *initrd_digest, enum tdx_initrd_form form,
	      uint8_t out[TDX_DIGEST_LEN], char *err, size_t errlen);

#endif
