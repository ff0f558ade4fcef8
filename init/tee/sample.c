// SPDX-License-Identifier: Apache-2.0
/*
 * sample: no TEE at all. Always found, as the last row of the table.
 * Nothing binds the initdata digest: attestation sends the document
 * itself, and the KBS records its digest. The evidence is Trustee's
 * sample body over the 48 bytes of report data, which no hardware signs:
 * the attest step uses it only when the measured configuration says
 * [attestation] allow_sample = true.
 * Reads and changes: nothing. On failure: -ENOMEM.
 */
#include "tee.h"

static bool detect(const struct tee_probe *p)
{
	(void)p;
	return true;
}

static int evidence(const struct paths *p, const char *nonce, const uint8_t *rd, size_t rd_len,
		    struct json_object **out, char *err, size_t errlen)
{
	(void)p;
	(void)nonce;
	return evidence_sample_json(rd, rd_len, out, err, errlen);
}

const struct tee_ops tee_sample = {
	.name = "sample",
	.label = "no TEE",
	.sample = true,
	.detect = detect,
	.unbound = "no TEE (sample); attestation sends the document itself",
	.rd_hash = "sha384",
	.rd_len = 0,
	.evidence = evidence,
};
