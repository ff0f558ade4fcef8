/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attester: the primary_evidence for this guest's TEE, over the report data
 * the KBS session asks for (reference/kbs-protocol.md "Evidence bodies").
 * One function per TEE behind one entry point:
 *   sample  {"svn":"1","report_data":b64}          (no hardware)
 *   snp     a fresh report (configfs-tsm, else /dev/sev-guest), serde form
 *   tdx     a quote through configfs-tsm, with the CCEL when present
 *   tpm     TPM2_Quote with the AK at 0x81010002 over all 24 SHA-256 PCRs
 *   se      the Ultravisor's answer to the ARCB carried in the challenge
 * Reads: the TEE devices under struct paths. Changes: nothing lasting
 * (configfs-tsm entries are removed again). On failure: -errno with one
 * reason in err; *out is NULL.
 */
#ifndef SEALROOT_ATTESTER_H
#define SEALROOT_ATTESTER_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "boot.h"
#include "tee.h"

/*
 * rd is the report data already placed for tee (kbs_report_data): 48
 * bytes for sample, 64 for the others. nonce is the challenge's nonce,
 * which for se is the JSON request carrying the ARCB.
 */
int attester_evidence(const struct paths *p, enum tee_kind tee, const char *nonce,
		      const uint8_t *rd, size_t rd_len, struct json_object **out, char *err,
		      size_t errlen);

/*
 * The SE challenge: a JSON object with base64 request_blob,
 * encr_measurement_key, encr_request_nonce, image_hdr_tags and the numbers
 * measurement_size, additional_size (guest-components' SeAttestationRequest).
 * Exposed for the unit tests and the fuzzer. On success the decoded ARCB is
 * in *arcb (malloc'd) and *req points into it.
 */
struct se_challenge {
	uint8_t *arcb;
	size_t arcb_len;
	size_t meas_len, add_len;
	char *encr_measurement_key, *encr_request_nonce, *image_hdr_tags; /* b64, checked */
};
int attester_parse_se_challenge(const char *nonce, struct se_challenge *c, char *err,
				size_t errlen);
void attester_se_challenge_free(struct se_challenge *c);

/* Strict standard base64 (RFC 4648 section 4, with padding): -EINVAL for
 * any other byte, a bad length or non-canonical trailing bits. */
int b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

#endif
