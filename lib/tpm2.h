/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tpm2: the four TPM 2.0 commands sealroot sends: PCR_Extend (initdata into
 * PCR8), PCR_Read, ReadPublic (the AK) and Quote (the evidence), marshalled
 * here and their responses parsed with every length and field checked.
 * Without a confidential-computing TEE the host provides the vTPM, so every
 * response byte is the host's.
 * Reads and changes: only the TPM behind the fd the caller opened (a
 * resource manager such as /dev/tpmrm0: one write is one command, one read
 * its whole response).
 * On failure: -errno, or -EIO with the TPM's response code or "malformed
 * response" in err; -EINVAL for a key at the AK handle that is not a
 * restricted RSA signing key of 2048 bits or more. Nothing is returned then.
 */
#ifndef SEALROOT_TPM2_H
#define SEALROOT_TPM2_H

#include <stddef.h>
#include <stdint.h>

enum {
	TPM_CMD_MAX = 4096,
	TPM_PCRS = 24,
	/* TPM_DEFAULT_AK_HANDLE of guest-components
	 * attestation-agent/attester/src/tpm/utils.rs. */
	TPM_AK_HANDLE = 0x81010002,
	TPM_ATTEST_MAX = 1024,
	TPM_SIG_MAX = 1024,
	TPM_QD_MAX = 64,              /* TPM2B_DATA: sizeof(TPMU_HA) */
};

/* TPM2_PCR_Extend(pcr, SHA-256 bank, digest) marshalled into buf; the length. */
size_t tpm_marshal_pcr_extend(uint8_t *buf, uint32_t pcr, const uint8_t *sha256);

/*
 * Sends cmd (its length is in its header) on fd and reads the response into
 * resp; checks the response header. The warnings after which a command may
 * simply be sent again (Part 2 6.6.3: RETRY, YIELDED, TESTING) are retried,
 * at most 10 tries with a growing sleep; nothing else is.
 */
int tpm_transact(int fd, const uint8_t *cmd, uint8_t *resp, size_t resp_cap,
		 size_t *resp_len, char *err, size_t errlen);

/* Extends pcr on the SHA-256 bank of the TPM at fd. */
int tpm_pcr_extend_fd(int fd, uint32_t pcr, const uint8_t *sha256, char *err,
		      size_t errlen);

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

#endif
