// SPDX-License-Identifier: Apache-2.0
/*
 * tpm: a vTPM and no confidential-computing TEE. Found by /dev/tpmrm0.
 * Binds initdata by extending PCR8 of the SHA-256 bank with the digest
 * once, as Trustee's tpm verifier expects (PCR8 = SHA256(0^32 || digest)),
 * so the algorithm must be sha256. With no initdata PCR8 gets the fixed
 * no-initdata event instead (tee.h), so that no later process can extend
 * it into what an owner's digest would give. The evidence is TPM2_Quote with the AK
 * over all 24 SHA-256 PCRs, the PCR values and the AK's public key; the
 * report data is the quote's qualifying data, zero-padded to 64 bytes as
 * that verifier compares it. The commands themselves are lib/tpm2.c.
 * Reads and changes: the TPM at /dev/tpmrm0 (PCR8 when binding, or when
 * there is no initdata).
 * On failure: -errno, or -EIO with the TPM's response code, in err.
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errf.h"

#define TPM_INITDATA_PCR 8

int tpm_pcr_extend(const char *path, uint32_t pcr, const uint8_t *sha256,
		   char *err, size_t errlen)
{
	int fd, r;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return r;
	}
	r = tpm_pcr_extend_fd(fd, pcr, sha256, err, errlen);
	close(fd);
	return r;
}

static bool detect(const struct tee_probe *p)
{
	return tee_exists(p->path->tpm);
}

static int bind(const struct paths *p, enum initdata_alg alg, const uint8_t *digest, size_t len,
		char *err, size_t errlen)
{
	char e[256];
	int r;

	(void)len;
	if (alg != ALG_SHA256)
		return errf(err, errlen, -EINVAL, "a vTPM binds initdata in PCR%d on the SHA-256 bank; "
			    "the algorithm must be sha256, not %s", TPM_INITDATA_PCR,
			    initdata_alg_name(alg));
	r = tpm_pcr_extend(p->tpm, TPM_INITDATA_PCR, digest, e, sizeof(e));
	if (r < 0)
		return errf(err, errlen, r, "extend PCR%d: %s", TPM_INITDATA_PCR, e);
	log_info("initdata: bound: digest extended into PCR%d (sha256 bank)", TPM_INITDATA_PCR);
	return 0;
}

static int no_initdata(const struct paths *p, char *err, size_t errlen)
{
	uint8_t event[32];
	char e[256];
	int r;

	if (tee_no_initdata_digest(ALG_SHA256, event) < 0)
		return errf(err, errlen, -EIO, "sha256 of the no-initdata event");
	r = tpm_pcr_extend(p->tpm, TPM_INITDATA_PCR, event, e, sizeof(e));
	if (r < 0)
		return errf(err, errlen, r, "extend PCR%d: %s", TPM_INITDATA_PCR, e);
	log_info("initdata: none: the no-initdata event extended into PCR%d (sha256 bank)",
		 TPM_INITDATA_PCR);
	return 0;
}

static int evidence(const struct paths *p, const char *nonce, const uint8_t *rd, size_t rd_len,
		    struct json_object **out, char *err, size_t errlen)
{
	static uint8_t attest[TPM_ATTEST_MAX], sig[TPM_SIG_MAX];
	uint8_t pcrs[TPM_PCRS][32], *der = NULL;
	struct tpm_evidence t;
	size_t alen, slen, dlen;
	int fd, r;

	(void)nonce;
	fd = open(p->tpm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", p->tpm, strerror(errno));
		return r;
	}
	r = tpm_quote(fd, TPM_AK_HANDLE, rd, rd_len, attest, &alen, sig, &slen, err, errlen);
	if (r == 0)
		r = tpm_pcr_read_all(fd, pcrs, err, errlen);
	if (r == 0)
		r = tpm_ak_spki(fd, TPM_AK_HANDLE, &der, &dlen, err, errlen);
	close(fd);
	if (r < 0)
		return r;
	t.attest = attest;
	t.attest_len = alen;
	t.signature = sig;
	t.signature_len = slen;
	t.pcrs = (const uint8_t (*)[32])pcrs;
	t.ak_der = der;
	t.ak_der_len = dlen;
	r = evidence_tpm_json(&t, out, err, errlen);
	free(der);
	return r;
}

const struct tee_ops tee_tpm = {
	.name = "tpm",
	.label = "vTPM",
	.detect = detect,
	.bind = bind,
	.no_initdata = no_initdata,
	/* Cut to 32: guest-components' tpm attester and Trustee's tpm verifier
	 * both resize to TPM_REPORT_DATA_SIZE = 32 (docs/attestation.md). */
	.rd_hash = "sha384",
	.rd_len = 32,
	.evidence = evidence,
};
