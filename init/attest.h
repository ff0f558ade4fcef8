/* SPDX-License-Identifier: Apache-2.0 */
/*
 * attest: the step that attests to a Trustee-compatible KBS (RCAR, protocol
 * 0.4.0: confidential-containers/trustee
 * kbs/docs/kbs_attestation_protocol.md) and writes the resources the
 * measured initdata lists to /run/sealroot/secrets/ (tmpfs, 0700, files
 * 0400); the scratch disk's key, if any, stays in locked memory.
 * The report data is the TEE's hash (sha384; sha512 for se) of the JCS
 * (RFC 8785) of {"additional-evidence":"", "nonce", "tee-pubkey"}, placed
 * as the TEE's row of tee.c says: zero-padded to 64 bytes, or the bare 48
 * for sample.
 * Reads: b->attest, b->initdata and b->tee; the KBS's replies (hostile:
 * every body capped and parsed strictly, lib/kbs_reply.h).
 * Changes: writes the secret files; b->storage_key.
 * On failure: the step fails (power off). Network errors are retried with
 * backoff within the measured deadline; a 401 re-runs the handshake once;
 * a deny, a bad reply or a bad JWE is fatal. No secret byte is logged.
 */
#ifndef SEALROOT_ATTEST_H
#define SEALROOT_ATTEST_H

#include "boot.h"

int step_attest(struct boot *b);

#endif
