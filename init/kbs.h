/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kbs: attestation to a Trustee-compatible KBS (RCAR, protocol 0.4.0;
 * reference/kbs-protocol.md) and the release of the resources the measured
 * initdata lists, into /run/sealroot/secrets/ (tmpfs, 0700, files 0400).
 * Reads: b->attest and b->initdata; the KBS's replies (hostile: every body
 * capped and parsed strictly). Changes: writes the secret files.
 * On failure: the step fails (power off). Network errors are retried with
 * backoff within the measured deadline; a 401 re-runs the handshake once;
 * a deny, a bad reply or a bad JWE is fatal. No secret byte is logged.
 */
#ifndef SEALROOT_KBS_H
#define SEALROOT_KBS_H

#include <stddef.h>
#include <stdint.h>

#include "boot.h"

int step_attest(struct boot *b);

/*
 * Where the report-data digest goes in the evidence, per TEE
 * (kbs-protocol.md): TDX and SNP zero-pad it to 64 bytes, sample takes
 * exactly the 48, TPM truncates to 32 (qualifying data), SE pads into the
 * 64-byte user data. Returns the length written to out (64 bytes room).
 */
size_t kbs_report_data(int tee, const uint8_t *digest, size_t len, uint8_t *out);

/* The nonce from a Challenge body; -EINVAL unless it is a JSON object with
 * a string nonce of 1..1024 characters. *nonce is malloc'd. */
int kbs_parse_challenge(const char *body, size_t len, char **nonce, char *err, size_t errlen);

/* 0 when an Attest reply is a JSON object with a string "token". */
int kbs_parse_token(const char *body, size_t len, char *err, size_t errlen);

/* The Name from Trustee's error JSON type ".../errors/<Name>", sanitised,
 * or "" when the body is not such an object. */
void kbs_error_name(const char *body, size_t len, char *out, size_t cap);

#endif
