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

#include <stddef.h>
#include <stdint.h>

#include "boot.h"

struct tee_ops;
struct json_object;

int step_attest(struct boot *b);

/*
 * The report data of one handshake, as Trustee's KBS rebuilds it for the
 * primary evidence: hash (the challenge's selected-hash-algorithm), or
 * t->rd_hash when hash is NULL or "", of the JCS of
 * {"additional-evidence":"","nonce":nonce,"tee-pubkey":jwk}, placed as t's
 * row of tee.c says (tee_report_data()). digest gets the bare hash
 * (EVP_MAX_MD_SIZE bytes of room, *dlen its length), rd the placed bytes
 * (64 bytes of room). Returns rd's length, or -errno with *what naming the
 * stage that failed. Pure: no I/O, nothing kept.
 */
int attest_report_data(const struct tee_ops *t, const char *hash, const char *nonce,
		       struct json_object *jwk, uint8_t *digest, size_t *dlen, uint8_t *rd,
		       const char **what);

#endif
