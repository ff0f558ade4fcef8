// SPDX-License-Identifier: Apache-2.0
/*
 * evidence: see evidence.h.
 * The SNP layout and its JSON form follow virtee/sev 7.1.0 (the revision
 * Trustee patches in: d487809188c3), src/firmware/guest/types/snp.rs
 * (AttestationReport, its Decoder, GuestPolicy, PlatformInfo, KeyInfo,
 * Version), src/firmware/host/types/snp.rs (TcbVersion and its legacy and
 * Turin byte forms), src/certs/snp/ecdsa/mod.rs (Signature) and src/lib.rs
 * (Generation::identify_cpu). tests/unit/fixtures/evidence/README.md
 * records the details.
 */
#include "evidence.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "byteorder.h"
#include "hex.h"
#include "snp_certs.h"

/* ---- SNP ------------------------------------------------------------------- */

/*
 * ReportVariant in the crate: 3 and 4 -> V3, 5 -> V5 (its V2 and versions
 * above 5 are refused before decoding: Trustee takes only 3..5).
 */
enum variant { V3 = 3, V5 = 5 };

/*
 * The report versions Trustee's SNP verifier accepts:
 * confidential-containers/trustee deps/verifier/src/snp/mod.rs,
 * REPORT_VERSION_MIN/MAX, checked in Snp::evaluate (commit 78962cd416dc).
 */
enum { SNP_VERSION_MIN = 3, SNP_VERSION_MAX = 5 };

enum kind { U32, U64, BYTES, TCB, VER, OPT_U8, OPT_U64, SIG };

struct field {
	const char *name;
	enum kind kind;
	uint16_t off;
	uint16_t len;           /* BYTES only */
	enum variant since;     /* OPT_*: null before this variant */
};

/* AttestationReport's fields in declaration order: serde writes them so. */
static const struct field snp_fields[] = {
	{ "version", U32, 0x000, 0, V3 },
	{ "guest_svn", U32, 0x004, 0, V3 },
	{ "policy", U64, 0x008, 0, V3 },             /* GuestPolicy(u64) */
	{ "family_id", BYTES, 0x010, 16, V3 },
	{ "image_id", BYTES, 0x020, 16, V3 },
	{ "vmpl", U32, 0x030, 0, V3 },
	{ "sig_algo", U32, 0x034, 0, V3 },
	{ "current_tcb", TCB, 0x038, 0, V3 },
	{ "plat_info", U64, 0x040, 0, V3 },          /* PlatformInfo(u64) */
	{ "key_info", U32, 0x048, 0, V3 },           /* KeyInfo(u32) */
	{ "report_data", BYTES, 0x050, 64, V3 },
	{ "measurement", BYTES, 0x090, 48, V3 },
	{ "host_data", BYTES, 0x0C0, 32, V3 },
	{ "id_key_digest", BYTES, 0x0E0, 48, V3 },
	{ "author_key_digest", BYTES, 0x110, 48, V3 },
	{ "report_id", BYTES, 0x140, 32, V3 },
	{ "report_id_ma", BYTES, 0x160, 32, V3 },
	{ "reported_tcb", TCB, 0x180, 0, V3 },
	{ "cpuid_fam_id", OPT_U8, 0x188, 0, V3 },
	{ "cpuid_mod_id", OPT_U8, 0x189, 0, V3 },
	{ "cpuid_step", OPT_U8, 0x18A, 0, V3 },
	{ "chip_id", BYTES, 0x1A0, 64, V3 },
	{ "committed_tcb", TCB, 0x1E0, 0, V3 },
	{ "current", VER, 0x1E8, 0, V3 },
	{ "committed", VER, 0x1EC, 0, V3 },
	{ "launch_tcb", TCB, 0x1F0, 0, V3 },
	{ "launch_mit_vector", OPT_U64, 0x1F8, 0, V5 },
	{ "current_mit_vector", OPT_U64, 0x200, 0, V5 },
	{ "signature", SIG, 0x2A0, 0, V3 },
};

/* The bytes the crate's decoder skips and requires to be zero. */
struct span {
	uint16_t off, len;
	enum variant from, to;  /* variants it applies to, inclusive */
};

static const struct span snp_reserved[] = {
	{ 0x04C, 4, V3, V5 },
	{ 0x18B, 21, V3, V5 },
	{ 0x1EB, 1, V3, V5 },
	{ 0x1EF, 1, V3, V5 },
	{ 0x1F8, 168, V3, V3 },  /* no mitigation vectors before v5 */
	{ 0x208, 152, V5, V5 },
	/* 0x330..0x49F (after the signature) is neither read nor signed. */
};

static const uint16_t snp_tcbs[] = { 0x038, 0x180, 0x1E0, 0x1F0 };

enum {
	SNP_CPUID_FAM = 0x188,
	SNP_CPUID_MOD = 0x189,
	SNP_SIG_R = 0x2A0,
	SNP_SIG_S = 0x2E8,
	SNP_SIG_LEN = 72,
};

/* Generation::identify_cpu: true for Turin, false for Milan or Genoa. */
static int identify_cpu(uint8_t family, uint8_t model, bool *turin, char *err, size_t errlen)
{
	if (family == 0x19 && (model <= 0x1F || (model >= 0xA0 && model <= 0xAF))) {
		*turin = false;     /* Milan 0x00..0x0F, Genoa 0x10..0x1F, 0xA0..0xAF */
		return 0;
	}
	if (family == 0x1A && model <= 0x11) {
		*turin = true;
		return 0;
	}
	snprintf(err, errlen, "report CPUID family 0x%02x model 0x%02x is no SEV-SNP generation sev 7.1.0 knows",
		 family, model);
	return -EINVAL;
}

/* Takes v; -ENOMEM (v released) when v is NULL or cannot be added. */
static int add(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* Appends v to the array a; -ENOMEM (v released) as add() does. */
static int add_element(struct json_object *a, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_array_add(a, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* A NULL value is json-c's JSON null (json_object_new_null() returns NULL). */
static int add_null(struct json_object *o, const char *key)
{
	return json_object_object_add(o, key, NULL) < 0 ? -ENOMEM : 0;
}

static struct json_object *byte_array(const uint8_t *b, size_t n)
{
	struct json_object *a = json_object_new_array_ext((int)n);
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < n; i++) {
		if (add_element(a, json_object_new_int(b[i])) < 0) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/*
 * TcbVersion { fmc: Option<u8>, bootloader, tee, snp, microcode }.
 * Milan/Genoa bytes: bootloader, tee, 4 reserved, snp, microcode.
 * Turin bytes: fmc, bootloader, tee, snp, 3 reserved, microcode.
 */
static struct json_object *tcb_object(const uint8_t *t, bool turin)
{
	struct json_object *o = json_object_new_object();
	int r;

	if (!o)
		return NULL;
	r = turin ? add(o, "fmc", json_object_new_int(t[0])) : add_null(o, "fmc");
	if (r == 0)
		r = add(o, "bootloader", json_object_new_int(turin ? t[1] : t[0]));
	if (r == 0)
		r = add(o, "tee", json_object_new_int(turin ? t[2] : t[1]));
	if (r == 0)
		r = add(o, "snp", json_object_new_int(turin ? t[3] : t[6]));
	if (r == 0)
		r = add(o, "microcode", json_object_new_int(t[7]));
	if (r < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Version { major, minor, build } from the bytes build, minor, major. */
static struct json_object *version_object(const uint8_t *v)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (add(o, "major", json_object_new_int(v[2])) < 0 ||
	    add(o, "minor", json_object_new_int(v[1])) < 0 ||
	    add(o, "build", json_object_new_int(v[0])) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *signature_object(const uint8_t *report)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (add(o, "r", byte_array(report + SNP_SIG_R, SNP_SIG_LEN)) < 0 ||
	    add(o, "s", byte_array(report + SNP_SIG_S, SNP_SIG_LEN)) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int add_field(struct json_object *o, const struct field *f, const uint8_t *report,
		     enum variant var, bool turin)
{
	const uint8_t *p = report + f->off;

	switch (f->kind) {
	case U32:
		return add(o, f->name, json_object_new_int64(le32(p)));
	case U64:
		return add(o, f->name, json_object_new_uint64(le64(p)));
	case BYTES:
		return add(o, f->name, byte_array(p, f->len));
	case TCB:
		return add(o, f->name, tcb_object(p, turin));
	case VER:
		return add(o, f->name, version_object(p));
	case OPT_U8:
		if (var < f->since)
			return add_null(o, f->name);
		return add(o, f->name, json_object_new_int(*p));
	case OPT_U64:
		if (var < f->since)
			return add_null(o, f->name);
		return add(o, f->name, json_object_new_uint64(le64(p)));
	case SIG:
		return add(o, f->name, signature_object(report));
	}
	return -EINVAL;
}

/* Trustee's version range, then AttestationReport's Decoder: the variant, the generation, the zeros. */
static int snp_check(const uint8_t *report, enum variant *var, bool *turin,
		     char *err, size_t errlen)
{
	uint32_t version = le32(report);
	size_t i, j;
	int r;

	if (version < SNP_VERSION_MIN || version > SNP_VERSION_MAX) {
		snprintf(err, errlen, "SNP report version %u is outside %d..%d, the versions Trustee's SNP verifier accepts",
			 version, SNP_VERSION_MIN, SNP_VERSION_MAX);
		return -EINVAL;
	}
	*var = version <= 4 ? V3 : V5;
	r = identify_cpu(report[SNP_CPUID_FAM], report[SNP_CPUID_MOD], turin, err, errlen);
	if (r < 0)
		return r;
	for (i = 0; i < sizeof(snp_reserved) / sizeof(snp_reserved[0]); i++) {
		const struct span *s = &snp_reserved[i];

		if (*var < s->from || *var > s->to)
			continue;
		for (j = 0; j < s->len; j++)
			if (report[s->off + j]) {
				snprintf(err, errlen, "reserved report byte 0x%03zx is 0x%02x, not zero",
					 s->off + j, report[s->off + j]);
				return -EINVAL;
			}
	}
	/*
	 * The crate drops a TCB's reserved bytes and writes zeros there when
	 * the verifier re-encodes the report to check its signature: a report
	 * with anything else there could never verify.
	 */
	for (i = 0; i < sizeof(snp_tcbs) / sizeof(snp_tcbs[0]); i++) {
		const uint8_t *t = report + snp_tcbs[i];
		size_t from = *turin ? 4 : 2, to = *turin ? 7 : 6;

		for (j = from; j < to; j++)
			if (t[j]) {
				snprintf(err, errlen, "reserved TCB byte 0x%03zx is 0x%02x, not zero",
					 (size_t)snp_tcbs[i] + j, t[j]);
				return -EINVAL;
			}
	}
	return 0;
}

/*
 * cert_chain as serde writes Option<Vec<CertTableEntry>> (virtee/sev
 * src/firmware/host/types/snp.rs): [{"cert_type":"VCEK","data":[bytes]}, ...],
 * or null. Trustee refuses a chain without a VCEK or VLEK ("If a cert chain
 * is provided, it must include a VCEK/VLEK"), where null makes it fetch the
 * VCEK itself, so such a chain is sent as null.
 */
static int cert_chain(struct json_object *ev, const struct snp_certs *c)
{
	struct json_object *a, *o;
	bool vek = false;
	size_t i;

	for (i = 0; i < c->n; i++)
		vek |= c->cert[i].type == SNP_CERT_VCEK || c->cert[i].type == SNP_CERT_VLEK;
	if (!vek)
		return add_null(ev, "cert_chain");
	a = json_object_new_array_ext((int)c->n);
	if (!a)
		return -ENOMEM;
	for (i = 0; i < c->n; i++) {
		o = json_object_new_object();
		if (add_element(a, o) < 0 ||
		    add(o, "cert_type", json_object_new_string(snp_cert_type_name(c->cert[i].type))) < 0 ||
		    add(o, "data", byte_array(c->cert[i].data, c->cert[i].len)) < 0) {
			json_object_put(a);
			return -ENOMEM;
		}
	}
	return add(ev, "cert_chain", a);
}

int evidence_snp_json_certs(const uint8_t *report, size_t len, const uint8_t *table,
			    size_t table_len, struct json_object **out, char *err, size_t errlen)
{
	struct json_object *ev = NULL, *rep = NULL;
	struct snp_certs certs;
	enum variant var;
	bool turin;
	size_t i;
	int r;

	*out = NULL;
	if (len != EVIDENCE_SNP_REPORT) {
		snprintf(err, errlen, "SNP report is %zu bytes, want %d", len, EVIDENCE_SNP_REPORT);
		return -EINVAL;
	}
	r = snp_check(report, &var, &turin, err, errlen);
	if (r < 0)
		return r;
	r = snp_certs_parse(table, table_len, &certs, err, errlen);
	if (r < 0)
		return r;
	ev = json_object_new_object();
	rep = json_object_new_object();
	if (!ev || !rep) {
		r = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < sizeof(snp_fields) / sizeof(snp_fields[0]); i++) {
		r = add_field(rep, &snp_fields[i], report, var, turin);
		if (r < 0)
			goto fail;
	}
	r = add(ev, "attestation_report", rep);
	rep = NULL;
	if (r == 0)
		r = cert_chain(ev, &certs);
	if (r < 0)
		goto fail;
	*out = ev;
	return 0;
fail:
	json_object_put(rep);
	json_object_put(ev);
	snprintf(err, errlen, "SNP evidence: out of memory");
	return r;
}

int evidence_snp_json(const uint8_t *report, size_t len, struct json_object **out,
		      char *err, size_t errlen)
{
	return evidence_snp_json_certs(report, len, NULL, 0, out, err, errlen);
}

/* ---- TDX ------------------------------------------------------------------- */

struct json_object *evidence_b64_string(const uint8_t *b, size_t n)
{
	struct json_object *s;
	char *buf = b64_encode(b, n);

	if (!buf)
		return NULL;
	s = json_object_new_string(buf);
	free(buf);
	return s;
}

int evidence_tdx_json(const uint8_t *quote, size_t qlen, const uint8_t *ccel, size_t ccel_len,
		      struct json_object **out, char *err, size_t errlen)
{
	struct json_object *ev;
	int r;

	*out = NULL;
	if (!quote || qlen == 0) {
		snprintf(err, errlen, "TDX evidence without a quote");
		return -EINVAL;
	}
	if (qlen > EVIDENCE_TDX_QUOTE_MAX) {
		snprintf(err, errlen, "TDX quote is %zu bytes, at most %d", qlen, EVIDENCE_TDX_QUOTE_MAX);
		return -EFBIG;
	}
	if (ccel_len > EVIDENCE_CCEL_MAX) {
		snprintf(err, errlen, "CCEL is %zu bytes, at most %d", ccel_len, EVIDENCE_CCEL_MAX);
		return -EFBIG;
	}
	ev = json_object_new_object();
	if (!ev) {
		r = -ENOMEM;
		goto fail;
	}
	if (ccel && ccel_len)
		r = add(ev, "cc_eventlog", evidence_b64_string(ccel, ccel_len));
	else
		r = add_null(ev, "cc_eventlog");
	if (r == 0)
		r = add(ev, "quote", evidence_b64_string(quote, qlen));
	if (r < 0)
		goto fail;
	*out = ev;
	return 0;
fail:
	json_object_put(ev);
	snprintf(err, errlen, "TDX evidence: out of memory");
	return r;
}

/*
 * Intel TDX DCAP Quote Generation Library and Quote Verification: the
 * 48-byte header (version u16, attestation key type u16, TEE type u32,
 * ...); v4 is followed by a 584-byte TD report body, v5 by body type u16,
 * body size u32 and a TDX 1.0 (584) or 1.5 (648) body; then the signature
 * data length u32 and the signature data. REPORTDATA ends every body.
 * Trustee (deps/verifier/src/intel_dcap/quote.rs) reads the signature data
 * as a slice of the declared length, so bytes after it are tolerated here too.
 */
enum {
	QUOTE_HEADER = 48,
	QUOTE_TEE_TDX = 0x81,
	QUOTE_KEY_P256 = 2,         /* the only type Trustee's intel_dcap/quote.rs accepts */
	QUOTE_BODY_TDX10 = 584,
	QUOTE_BODY_TDX15 = 648,
	QUOTE_V5_BODY_DESC = 6,     /* body type u16, body size u32 */
	QUOTE_REPORT_DATA = 520,    /* within either body */
};

int evidence_tdx_quote_check(const uint8_t *q, size_t len, const uint8_t *report_data,
			      char *err, size_t errlen)
{
	size_t body_off, body_len, sig_len;
	uint16_t version, key, type;

	if (len < QUOTE_HEADER) {
		snprintf(err, errlen, "TDX quote is %zu bytes, shorter than its header", len);
		return -EINVAL;
	}
	version = le16(q);
	key = le16(q + 2);
	if (version != 4 && version != 5) {
		snprintf(err, errlen, "TDX quote version %u, want 4 or 5", version);
		return -EINVAL;
	}
	if (key != QUOTE_KEY_P256) {
		snprintf(err, errlen, "TDX quote attestation key type %u, want 2 (ECDSA-256-with-P-256)", key);
		return -EINVAL;
	}
	if (le32(q + 4) != QUOTE_TEE_TDX) {
		snprintf(err, errlen, "quote TEE type 0x%x, want 0x81 (TDX)", le32(q + 4));
		return -EINVAL;
	}
	body_off = QUOTE_HEADER;
	body_len = QUOTE_BODY_TDX10;
	if (version == 5) {
		if (len < QUOTE_HEADER + QUOTE_V5_BODY_DESC) {
			snprintf(err, errlen, "TDX quote v5 is %zu bytes, shorter than its body descriptor", len);
			return -EINVAL;
		}
		type = le16(q + QUOTE_HEADER);
		body_len = le32(q + QUOTE_HEADER + 2);
		if (!(type == 2 && body_len == QUOTE_BODY_TDX10) &&
		    !(type == 3 && body_len == QUOTE_BODY_TDX15)) {
			snprintf(err, errlen, "TDX quote v5 body type %u of %zu bytes is no TD report", type, body_len);
			return -EINVAL;
		}
		body_off += QUOTE_V5_BODY_DESC;
	}
	if (len < body_off + body_len + 4) {
		snprintf(err, errlen, "TDX quote is %zu bytes, shorter than its body", len);
		return -EINVAL;
	}
	sig_len = le32(q + body_off + body_len);
	if (sig_len == 0 || sig_len > len - (body_off + body_len + 4)) {
		snprintf(err, errlen, "TDX quote signature data of %zu bytes does not fit its %zu bytes",
			 sig_len, len);
		return -EINVAL;
	}
	if (memcmp(q + body_off + QUOTE_REPORT_DATA, report_data, EVIDENCE_TDX_REPORT_DATA) != 0) {
		snprintf(err, errlen, "TDX quote does not carry the report data asked for");
		return -EINVAL;
	}
	return 0;
}

/* ---- sample, TPM, SE ------------------------------------------------------------ */

int evidence_sample_json(const uint8_t *rd, size_t n, struct json_object **out, char *err,
			 size_t errlen)
{
	struct json_object *ev = json_object_new_object();

	*out = NULL;
	if (!ev || add(ev, "svn", json_object_new_string("1")) < 0 ||
	    add(ev, "report_data", evidence_b64_string(rd, n)) < 0) {
		json_object_put(ev);
		snprintf(err, errlen, "sample evidence: out of memory");
		return -ENOMEM;
	}
	*out = ev;
	return 0;
}

int evidence_tpm_json(const struct tpm_evidence *t, struct json_object **out, char *err,
		      size_t errlen)
{
	struct json_object *ev = NULL, *q = NULL, *list = NULL;
	char hex[2 * 32 + 1];
	size_t i;
	int r = -ENOMEM;

	*out = NULL;
	ev = json_object_new_object();
	q = json_object_new_object();
	list = json_object_new_array_ext(EVIDENCE_TPM_PCRS);
	if (!ev || !q || !list)
		goto fail;
	for (i = 0; i < EVIDENCE_TPM_PCRS; i++) {
		hex_encode(t->pcrs[i], 32, hex);
		if (add_element(list, json_object_new_string(hex)) < 0)
			goto fail;
	}
	if (add(q, "signature", evidence_b64_string(t->signature, t->signature_len)) < 0 ||
	    add(q, "message", evidence_b64_string(t->attest, t->attest_len)) < 0)
		goto fail;
	r = add(q, "pcrs", list);
	list = NULL;
	if (r < 0)
		goto fail;
	r = add(ev, "tpm_quote", q);
	q = NULL;
	if (r < 0 || (r = add(ev, "ak_public", evidence_b64_string(t->ak_der, t->ak_der_len))) < 0)
		goto fail;
	*out = ev;
	return 0;
fail:
	json_object_put(list);
	json_object_put(q);
	json_object_put(ev);
	snprintf(err, errlen, "TPM evidence: out of memory");
	return -ENOMEM;
}

int evidence_se_json(const struct se_evidence *s, struct json_object **out, char *err,
		     size_t errlen)
{
	struct json_object *ev = json_object_new_object();

	*out = NULL;
	if (!ev || add(ev, "measurement", evidence_b64_string(s->measurement, s->meas_len)) < 0 ||
	    add(ev, "additional_data", evidence_b64_string(s->additional, s->add_len)) < 0 ||
	    add(ev, "user_data", evidence_b64_string(s->user_data, s->user_data_len)) < 0 ||
	    add(ev, "cuid", evidence_b64_string(s->cuid, EVIDENCE_SE_CUID)) < 0 ||
	    add(ev, "encr_measurement_key", json_object_new_string(s->encr_measurement_key)) < 0 ||
	    add(ev, "encr_request_nonce", json_object_new_string(s->encr_request_nonce)) < 0 ||
	    add(ev, "image_hdr_tags", json_object_new_string(s->image_hdr_tags)) < 0) {
		json_object_put(ev);
		snprintf(err, errlen, "SE evidence: out of memory");
		return -ENOMEM;
	}
	*out = ev;
	return 0;
}
