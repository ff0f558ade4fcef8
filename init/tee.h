/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tee: which trusted execution environment this guest runs in, and the
 * TEE-specific readers behind one small interface (tee.c detects and
 * dispatches; tee_snp.c, tee_tdx.c and tee_tpm.c talk to the devices).
 * Reads: /proc/cpuinfo flags, /dev and configfs-tsm (paths in struct paths,
 * so unit tests point them at recorded data). Changes: extends a TPM PCR or
 * a TDX RTMR when asked. On failure: -errno with the reason in err.
 * The attestation step extends this interface with evidence.
 */
#ifndef SEALROOT_TEE_H
#define SEALROOT_TEE_H

#include <stddef.h>
#include <stdint.h>

#include "boot.h"

enum tee_kind {
	TEE_SAMPLE,  /* no TEE: nothing binds, nothing attests in hardware */
	TEE_SNP,
	TEE_TDX,
	TEE_SE,
	TEE_TPM,     /* a vTPM and no confidential-computing TEE */
};

const char *tee_name(enum tee_kind t);

/*
 * Detects the TEE: the CPU flags (tdx_guest, sev_snp), then the guest
 * devices (/dev/tdx_guest, /dev/sev-guest, /dev/uv), then a TPM. TDX and
 * SNP flags together are an error (-EINVAL): the host is lying about one.
 */
int tee_detect(const struct paths *p, enum tee_kind *out, char *err, size_t errlen);

/*
 * One configfs-tsm report (Linux >= 6.7, reference/evidence.md): makes the
 * entry <tsm_report>/<label>-<pid>, checks its provider, writes inblob,
 * reads outblob (at most cap bytes; -EFBIG with "<what> from <path> is
 * larger than <cap> bytes" beyond that), checks that the generation is 1
 * (no other writer raced), and removes the entry again on every path.
 * Returns -ENOENT, with err untouched, when there is no configfs-tsm.
 */
int tsm_report(const struct paths *p, const char *label, const char *provider,
	       const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *len,
	       const char *what, char *err, size_t errlen);

/* ---- SNP (tee_snp.c) ------------------------------------------------------ */
enum {
	SNP_REPORT_SIZE = 1184,     /* ATTESTATION_REPORT, SEV-SNP ABI 1.55 table 22 */
	SNP_REPORT_DATA_OFF = 0x50,
	SNP_MEASUREMENT_OFF = 0x90,
	SNP_HOST_DATA_OFF = 0xC0,
	SNP_HOST_DATA_SIZE = 32,
	TEE_USER_DATA = 64,          /* report data in the request */
};

/*
 * A fresh attestation report over user_data (64 bytes): through configfs-tsm
 * when its provider is sev_guest, else through /dev/sev-guest. The report is
 * SNP_REPORT_SIZE bytes.
 */
int snp_get_report(const struct paths *p, const uint8_t *user_data,
		   uint8_t *report, char *err, size_t errlen);

/* ---- TDX (tee_tdx.c) ------------------------------------------------------ */
enum {
	TDX_REPORT_SIZE = 1024,
	TDX_REPORT_DATA_OFF = 128,
	TDX_MRTD_OFF = 528,
	TDX_MRCONFIGID_OFF = 576,
	TDX_RTMR0_OFF = 720,
	TDX_MR_SIZE = 48,
};

/* MRCONFIGID: from the 6.16 measurements sysfs file, else from a TDREPORT. */
int tdx_get_mrconfigid(const struct paths *p, uint8_t *out, char *err, size_t errlen);

/* A TDREPORT over user_data (64 bytes) through /dev/tdx_guest. */
int tdx_get_report(const struct paths *p, const uint8_t *user_data,
		   uint8_t *report, char *err, size_t errlen);

/*
 * Extends RTMR idx (0..3) with 48 bytes through the 6.16 sysfs file.
 * -ENOENT when the kernel has no such file.
 */
int tdx_extend_rtmr(const struct paths *p, unsigned idx, const uint8_t *data,
		    char *err, size_t errlen);

/* ---- TPM (tee_tpm.c) ------------------------------------------------------ */
enum { TPM_CMD_MAX = 4096 };

/* TPM2_PCR_Extend(pcr, SHA-256 bank, digest) marshalled into buf; the length. */
size_t tpm_marshal_pcr_extend(uint8_t *buf, uint32_t pcr, const uint8_t *sha256);

/*
 * Sends cmd (its length is in its header) on fd and reads the response into
 * resp; checks the response header. A TPM error code is -EIO with the code
 * in err. Returns 0 or -errno.
 */
int tpm_transact(int fd, const uint8_t *cmd, uint8_t *resp, size_t resp_cap,
		 size_t *resp_len, char *err, size_t errlen);

/* Extends pcr on the SHA-256 bank of the TPM at fd. */
int tpm_pcr_extend_fd(int fd, uint32_t pcr, const uint8_t *sha256, char *err,
		      size_t errlen);

/* The same on the device at path (/dev/tpmrm0). */
int tpm_pcr_extend(const char *path, uint32_t pcr, const uint8_t *sha256,
		   char *err, size_t errlen);

enum {
	TPM_PCRS = 24,
	TPM_AK_HANDLE = 0x81010002,   /* where guest-components' tpm attester keeps the AK */
	TPM_ATTEST_MAX = 1024,
	TPM_SIG_MAX = 1024,
	TPM_QD_MAX = 64,              /* TPM2B_DATA: sizeof(TPMU_HA) */
};

/* The SHA-256 bank's 24 PCRs (TPM2_PCR_Read, as many calls as the TPM needs). */
int tpm_pcr_read_all(int fd, uint8_t pcrs[TPM_PCRS][32], char *err, size_t errlen);

/*
 * TPM2_Quote with the AK at ak over all 24 SHA-256 PCRs, qualifying data
 * qd (at most TPM_QD_MAX bytes: the report data), the AK's own signing
 * scheme. The TPMS_ATTEST and the TPMT_SIGNATURE come back as the TPM
 * marshalled them.
 */
int tpm_quote(int fd, uint32_t ak, const uint8_t *qd, size_t qd_len, uint8_t *attest,
	      size_t *attest_len, uint8_t *sig, size_t *sig_len, char *err, size_t errlen);

/* The AK's public key (an RSA TPM2B_PUBLIC) as DER SubjectPublicKeyInfo; *der is malloc'd. */
int tpm_ak_spki(int fd, uint32_t ak, uint8_t **der, size_t *der_len, char *err, size_t errlen);

/* ---- IBM SE (tee_se.c) ----------------------------------------------------- */
enum {
	SE_ARCB_MAX = 0x100000,          /* UVIO_ATT_ARCB_MAX_LEN */
	SE_MEASUREMENT_MAX = 0x8000,     /* UVIO_ATT_MEASUREMENT_MAX_LEN */
	SE_ADDITIONAL_MAX = 0x8000,      /* UVIO_ATT_ADDITIONAL_MAX_LEN */
	SE_CUID = 16,
};

struct se_request {
	const uint8_t *arcb;             /* the attestation request control block */
	size_t arcb_len;
	size_t meas_len, add_len;        /* what the ARCB asks the Ultravisor for */
	const uint8_t *user_data;        /* bound into the measurement */
	size_t user_data_len;            /* at most 256 */
};

struct se_response {
	uint8_t *measurement;            /* caller's buffers of meas_len, add_len bytes */
	uint8_t *additional;
	size_t meas_len, add_len;
	uint8_t config_uid[SE_CUID];
};

/*
 * One UVIO_IOCTL_ATT on /dev/uv: the Ultravisor's answer to the ARCB,
 * with user_data bound into the measurement. Sizes are checked against
 * the kernel's limits first. An Ultravisor rc other than 1 is -EIO.
 */
int se_attest(const struct paths *p, const struct se_request *req, struct se_response *resp,
	      char *err, size_t errlen);

/* The ioctl number, for the unit test against the kernel's _IOWR. */
unsigned long se_ioctl_att_nr(void);

#endif
