/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evidence: the primary_evidence JSON bodies Trustee's verifiers read
 * (reference/kbs-protocol.md "Evidence bodies"), and the TDX inputs to them.
 * Reads: byte buffers; configfs-tsm and the CCEL ACPI table (paths given).
 * Changes: creates and removes one configfs-tsm report entry (TDX quote).
 * On failure: -errno with one reason in err; *out is NULL, nothing guessed.
 */
#ifndef SEALROOT_EVIDENCE_H
#define SEALROOT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "boot.h"

enum {
	EVIDENCE_SNP_REPORT = 1184,          /* SEV-SNP ATTESTATION_REPORT */
	EVIDENCE_TDX_QUOTE_MAX = 64 * 1024,  /* a quote v4/v5 with its certification data */
	EVIDENCE_TDX_REPORT_DATA = 64,
	EVIDENCE_CCEL_MAX = 1024 * 1024,
};

/*
 * SNP: {"attestation_report": <report>, "cert_chain": null}, where <report>
 * is what serde_json writes for virtee/sev 7.1.0's AttestationReport (the
 * version Trustee's SNP verifier pins) after AttestationReport::from_bytes
 * on the raw report: fields in declaration order, byte arrays as integer
 * arrays, policy/plat_info/key_info as bare numbers, TcbVersion as
 * {"fmc","bootloader","tee","snp","microcode"}, Version as
 * {"major","minor","build"}, absent Option fields as null. The report is
 * refused (-EINVAL) where that crate's decoder refuses it: version 0 or 1,
 * an unknown CPU family/model (v3+), a masked CHIP_ID (v2), non-zero
 * reserved bytes; also non-zero reserved TCB bytes, which the crate drops
 * and so could never verify.
 */
int evidence_snp_json(const uint8_t *report, size_t len, struct json_object **out,
		      char *err, size_t errlen);

/*
 * TDX: {"cc_eventlog": <standard base64 of ccel, or null when ccel is NULL
 * or empty>, "quote": "<standard base64 of quote>"}.
 */
int evidence_tdx_json(const uint8_t *quote, size_t qlen, const uint8_t *ccel, size_t ccel_len,
		      struct json_object **out, char *err, size_t errlen);

/*
 * A TDX quote over report_data (EVIDENCE_TDX_REPORT_DATA bytes) through
 * configfs-tsm (Linux >= 6.7, a quote service on the host): provider
 * tdx_guest, inblob = report_data, outblob = the quote, generation 1. The
 * quote must fit in cap bytes and be a well-formed Quote v4 or v5 for TDX
 * (header, body and signature-data lengths) carrying report_data. -ENOENT
 * when there is no configfs-tsm.
 */
int tdx_get_quote(const struct paths *p, const uint8_t *report_data, uint8_t *quote, size_t cap,
		  size_t *len, char *err, size_t errlen);

/*
 * The CC event log ACPI table data at path (normally
 * /sys/firmware/acpi/tables/data/CCEL), at most EVIDENCE_CCEL_MAX bytes,
 * into *out (malloc'd, free it; non-NULL even when *len is 0). -ENOENT
 * when absent.
 */
int tdx_read_ccel(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen);

/* A JSON string of the standard base64 of b (n bytes); NULL when out of memory. */
struct json_object *evidence_b64_string(const uint8_t *b, size_t n);

#endif
