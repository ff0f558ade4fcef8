/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kbs_reply: the parts of a Trustee KBS's replies that the init reads
 * before any JWE: the Challenge, the Attest reply, Trustee's error JSON,
 * the kbs-session-id cookie, and for IBM SE the attestation request that
 * the Challenge's nonce carries. The protocol is RCAR 0.4.0
 * (confidential-containers/trustee kbs/docs/kbs_attestation_protocol.md).
 * Reads: reply bytes (hostile: strict JSON, capped depth and sizes).
 * Changes: nothing outside the out-parameters.
 * On failure: -EINVAL (-ENOMEM) with one reason in err; nothing is kept.
 */
#ifndef SEALROOT_KBS_REPLY_H
#define SEALROOT_KBS_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

enum {
	/* The nonce is opaque; for se it is a JSON request carrying the ARCB. */
	KBS_NONCE_MAX = 64 * 1024,
	KBS_COOKIE_MAX = 128,
};

/*
 * The nonce from a Challenge body; -EINVAL unless it is a JSON object with
 * a string nonce of 1..KBS_NONCE_MAX characters. *nonce is malloc'd.
 * hash (KBS_HASH_NAME bytes, or NULL) gets the "selected-hash-algorithm"
 * of an extra-params object, lower-cased as guest-components reads it
 * (attestation-agent/kbs_protocol/src/client/rcar_client.rs,
 * get_hash_algorithm): sha256, sha384 or sha512, anything else -EINVAL;
 * "" when the KBS selects none (Trustee sends extra-params "" for every TEE
 * but se: kbs/src/attestation/mod.rs, generate_extra_params).
 */
enum { KBS_HASH_NAME = 8 };
int kbs_parse_challenge(const char *body, size_t len, char **nonce, char *hash,
			char *err, size_t errlen);

/* 0 when an Attest reply is a JSON object with a non-empty string "token". */
int kbs_parse_token(const char *body, size_t len, char *err, size_t errlen);

/*
 * The Name from Trustee's error JSON {"type": ".../errors/<Name>", ...}
 * (trustee kbs/src/error.rs), letters and digits only, at most 48 of
 * them, or "" when the body is not such an object.
 */
void kbs_error_name(const char *body, size_t len, char *out, size_t cap);

/*
 * The value of kbs-session-id in one "Set-Cookie:" header line (len bytes,
 * no NUL needed), into out (KBS_COOKIE_MAX). Returns 1 when found, 0 when
 * the line is another header or cookie, -EINVAL when the value is empty,
 * too long or has characters outside [A-Za-z0-9-_.].
 */
int kbs_parse_set_cookie(const char *line, size_t len, char *out);

/* The Ultravisor's limits (linux arch/s390/include/uapi/asm/uvdevice.h). */
enum {
	SE_ARCB_MAX = 0x100000,          /* UVIO_ATT_ARCB_MAX_LEN */
	SE_MEASUREMENT_MAX = 0x8000,     /* UVIO_ATT_MEASUREMENT_MAX_LEN */
	SE_ADDITIONAL_MAX = 0x8000,      /* UVIO_ATT_ADDITIONAL_MAX_LEN */
};

/*
 * The SE Challenge's nonce: a JSON object with the standard base64
 * strings request_blob (the attestation request control block, ARCB),
 * encr_measurement_key, encr_request_nonce, image_hdr_tags and the
 * numbers measurement_size and additional_size (SeAttestationRequest in
 * confidential-containers/guest-components
 * attestation-agent/attester/src/se/mod.rs). Each string is decoded to
 * check it; the ARCB is kept decoded in *arcb (malloc'd), the other three
 * as the text the KBS sent, to send back as they are.
 */
struct se_challenge {
	uint8_t *arcb;
	size_t arcb_len;
	size_t meas_len, add_len;
	char *encr_measurement_key, *encr_request_nonce, *image_hdr_tags;
};
int kbs_parse_se_challenge(const char *nonce, struct se_challenge *c, char *err, size_t errlen);
void kbs_se_challenge_free(struct se_challenge *c);

#endif
