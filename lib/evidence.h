/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evidence: the primary_evidence JSON bodies that Trustee's verifiers read,
 * one per TEE, built from the bytes the TEE gave (each body is what
 * confidential-containers/guest-components attestation-agent/attester/src/
 * <tee>/mod.rs sends), and the checks on those bytes that the host controls.
 * Reads: byte buffers only. Changes: nothing outside the out-parameters.
 * On failure: -EINVAL (-EFBIG, -ENOMEM) with one reason in err; *out is
 * NULL, nothing guessed.
 */
#ifndef SEALROOT_EVIDENCE_H
#define SEALROOT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

enum {
	EVIDENCE_SNP_REPORT = 1184,          /* SEV-SNP ATTESTATION_REPORT */
	EVIDENCE_TDX_QUOTE_MAX = 64 * 1024,  /* a quote v4/v5 with its certification data */
	EVIDENCE_TDX_REPORT_DATA = 64,
	EVIDENCE_CCEL_MAX = 1024 * 1024,
	EVIDENCE_TPM_PCRS = 24,
	EVIDENCE_SE_CUID = 16,
};

/* sample: {"svn":"1","report_data":<standard base64 of rd>}. */
int evidence_sample_json(const uint8_t *rd, size_t n, struct json_object **out, char *err,
			 size_t errlen);

/*
 * SNP: {"attestation_report": <report>, "cert_chain": <chain>}, where <report>
 * is what serde_json writes for virtee/sev 7.1.0's AttestationReport (the
 * version Trustee's SNP verifier pins) after AttestationReport::from_bytes
 * on the raw report: fields in declaration order, byte arrays as integer
 * arrays, policy/plat_info/key_info as bare numbers, TcbVersion as
 * {"fmc","bootloader","tee","snp","microcode"}, Version as
 * {"major","minor","build"}, absent Option fields as null.
 * The report is refused (-EINVAL) when its version is outside 3..5, which
 * Trustee's SNP verifier refuses (deps/verifier/src/snp/mod.rs,
 * REPORT_VERSION_MIN/MAX), and where that crate's decoder refuses it: an
 * unknown CPU family/model, non-zero reserved bytes; also non-zero
 * reserved TCB bytes, which the crate drops and so could never verify.
 * <chain> is serde's Option<Vec<CertTableEntry>>: from the host's
 * certificate table (table_len bytes, lib/snp_certs.h; refused as that
 * parser refuses it), [{"cert_type":"ARK"|"VCEK"|"VLEK"|"ASK"|"CRL",
 * "data":[the certificate's bytes]}, ...] in the crate's order, entries
 * of other GUIDs left out; null when there is no table or it holds no VCEK or VLEK
 * (Trustee then fetches the VCEK itself; a chain without one it refuses).
 */
int evidence_snp_json_certs(const uint8_t *report, size_t len, const uint8_t *table,
			    size_t table_len, struct json_object **out, char *err, size_t errlen);

/* SNP without certificates: evidence_snp_json_certs(report, len, NULL, 0, ...). */
int evidence_snp_json(const uint8_t *report, size_t len, struct json_object **out,
		      char *err, size_t errlen);

/*
 * TDX: {"cc_eventlog": <standard base64 of ccel, or null when ccel is NULL
 * or empty>, "quote": "<standard base64 of quote>"}.
 */
int evidence_tdx_json(const uint8_t *quote, size_t qlen, const uint8_t *ccel, size_t ccel_len,
		      struct json_object **out, char *err, size_t errlen);

/*
 * A TDX quote the host's quote service made: a well-formed Quote v4 or v5
 * for TDX (header, body and signature-data lengths, attestation key type 2)
 * that carries report_data (EVIDENCE_TDX_REPORT_DATA bytes).
 */
int evidence_tdx_quote_check(const uint8_t *q, size_t len, const uint8_t *report_data,
			     char *err, size_t errlen);

/* TPM: what TPM2_Quote, TPM2_PCR_Read and TPM2_ReadPublic gave. */
struct tpm_evidence {
	const uint8_t *attest;              /* TPMS_ATTEST as marshalled */
	size_t attest_len;
	const uint8_t *signature;           /* TPMT_SIGNATURE as marshalled */
	size_t signature_len;
	const uint8_t (*pcrs)[32];          /* EVIDENCE_TPM_PCRS SHA-256 values */
	const uint8_t *ak_der;              /* the AK, DER SubjectPublicKeyInfo */
	size_t ak_der_len;
};

/*
 * TPM: {"tpm_quote":{"signature":<b64>,"message":<b64>,"pcrs":[24 hex]},
 * "ak_public":<b64>}, standard base64 throughout.
 */
int evidence_tpm_json(const struct tpm_evidence *t, struct json_object **out, char *err,
		      size_t errlen);

/* SE: the Ultravisor's answer, and the KBS's own blobs to send back. */
struct se_evidence {
	const uint8_t *measurement;
	size_t meas_len;
	const uint8_t *additional;
	size_t add_len;
	const uint8_t *user_data;
	size_t user_data_len;
	const uint8_t *cuid;                /* EVIDENCE_SE_CUID bytes */
	const char *encr_measurement_key, *encr_request_nonce, *image_hdr_tags;
};

/*
 * SE: measurement, additional_data, user_data and cuid in standard base64;
 * encr_measurement_key, encr_request_nonce and image_hdr_tags as the KBS
 * sent them.
 */
int evidence_se_json(const struct se_evidence *s, struct json_object **out, char *err,
		     size_t errlen);

/* A JSON string of the standard base64 of b (n bytes); NULL when out of memory. */
struct json_object *evidence_b64_string(const uint8_t *b, size_t n);

#endif
