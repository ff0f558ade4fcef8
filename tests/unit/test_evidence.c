// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/evidence.c and the TEE readers that feed it.
 * SNP: a synthetic report with a distinct pattern per field (built here and
 * by fixtures/evidence/gen_snp.py, which must agree), checked field by field,
 * by key order, by repacking the JSON into bytes at the ABI offsets, and
 * byte for byte against the JSON the independent Python decoder wrote; the
 * same for real reports from Trustee's tests; what the sev crate refuses,
 * and the report versions Trustee refuses (outside 3..5). SNP certificates:
 * the host's table (lib/snp_certs.c) into cert_chain, checked against the
 * text serde wrote in Trustee's e2e evidence, and through a fake
 * configfs-tsm auxblob. TDX: base64 bodies, the CCEL reader, and tdx_get_quote on a fake
 * configfs-tsm (mkdir/rmdir wrapped to populate and clear the entry, as
 * configfs does; see test_tee.c).
 * The TEE files (init/tee/): each one's evidence over the report data it
 * was given (tee_evidence()), on the same fake configfs-tsm, a fake /dev/uv
 * (ioctl wrapped: the request the Ultravisor would see is checked, its
 * answer made up); the SE challenge parser (lib/kbs_reply.c) and strict
 * base64 (lib/base64.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base64.h"
#include "byteorder.h"
#include "evidence.h"
#include "hex.h"
#include "snp_certs.h"
#include "tee.h"
#include "unit.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif
#define EVDIR FIXTURES "/evidence/"

enum { REPORT = EVIDENCE_SNP_REPORT };

/* ---- helpers --------------------------------------------------------------------- */

static const char *text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("no member %s", key);
	return v;
}

static int64_t num(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

/* ---- the synthetic SNP report (the same recipe as gen_snp.py's synth) ------------ */

struct span {
	uint16_t off, len;
};

static const struct span common_spans[] = {
	{ 0x004, 4 }, { 0x008, 8 }, { 0x010, 16 }, { 0x020, 16 }, { 0x030, 4 }, { 0x034, 4 },
	{ 0x040, 8 }, { 0x048, 4 }, { 0x050, 64 }, { 0x090, 48 }, { 0x0C0, 32 }, { 0x0E0, 48 },
	{ 0x110, 48 }, { 0x140, 32 }, { 0x160, 32 }, { 0x1A0, 64 }, { 0x1E8, 3 }, { 0x1EC, 3 },
	{ 0x2A0, 72 }, { 0x2E8, 72 },
};
static const uint16_t tcb_offs[] = { 0x038, 0x180, 0x1E0, 0x1F0 };

static void fill(uint8_t *b, unsigned *n, uint16_t off, uint16_t len)
{
	uint16_t k;

	++*n;
	for (k = 0; k < len; k++)
		b[off + k] = (uint8_t)(*n * 0x1D + k * 3);
}

static void synth(uint8_t *b, uint32_t version, uint8_t family, uint8_t model)
{
	static const uint8_t turin_used[] = { 0, 1, 2, 3, 7 }, legacy_used[] = { 0, 1, 6, 7 };
	int turin = family == 0x1A;
	const uint8_t *used = turin ? turin_used : legacy_used;
	size_t nused = turin ? sizeof(turin_used) : sizeof(legacy_used);
	unsigned n = 0;
	size_t i, j;

	memset(b, 0, REPORT);
	for (i = 0; i < sizeof(common_spans) / sizeof(common_spans[0]); i++)
		fill(b, &n, common_spans[i].off, common_spans[i].len);
	for (i = 0; i < 4; i++)
		for (j = 0; j < nused; j++)
			fill(b, &n, (uint16_t)(tcb_offs[i] + used[j]), 1);
	fill(b, &n, 0x18A, 1);
	if (version >= 5) {
		fill(b, &n, 0x1F8, 8);
		fill(b, &n, 0x200, 8);
	}
	put_le32(b, version);
	b[0x188] = family;
	b[0x189] = model;
}

/* ---- the repacker: the JSON back into bytes at the ABI offsets ------------------- */

static void pack_array(uint8_t *out, struct json_object *o, const char *key, size_t n)
{
	struct json_object *a = member(o, key), *v;
	size_t i;

	assert_true(json_object_is_type(a, json_type_array));
	assert_int_equal(json_object_array_length(a), n);
	for (i = 0; i < n; i++) {
		v = json_object_array_get_idx(a, i);
		assert_true(json_object_is_type(v, json_type_int));
		assert_in_range(json_object_get_int64(v), 0, 255);
		out[i] = (uint8_t)json_object_get_int64(v);
	}
}

static void pack_tcb(uint8_t *out, struct json_object *o, const char *key)
{
	struct json_object *t = member(o, key), *fmc = member(t, "fmc");

	assert_int_equal(json_object_object_length(t), 5);
	if (fmc) {          /* Turin: fmc, bootloader, tee, snp, 3 reserved, microcode */
		out[0] = (uint8_t)json_object_get_int(fmc);
		out[1] = (uint8_t)num(t, "bootloader");
		out[2] = (uint8_t)num(t, "tee");
		out[3] = (uint8_t)num(t, "snp");
	} else {            /* Milan, Genoa: bootloader, tee, 4 reserved, snp, microcode */
		out[0] = (uint8_t)num(t, "bootloader");
		out[1] = (uint8_t)num(t, "tee");
		out[6] = (uint8_t)num(t, "snp");
	}
	out[7] = (uint8_t)num(t, "microcode");
}

static void pack_version(uint8_t *out, struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);

	out[0] = (uint8_t)num(v, "build");
	out[1] = (uint8_t)num(v, "minor");
	out[2] = (uint8_t)num(v, "major");
}

static void repack(struct json_object *ev, uint8_t *b)
{
	struct json_object *r = member(ev, "attestation_report"), *v;

	memset(b, 0, REPORT);
	put_le32(b + 0x000, (uint32_t)num(r, "version"));
	put_le32(b + 0x004, (uint32_t)num(r, "guest_svn"));
	put_le64(b + 0x008, json_object_get_uint64(member(r, "policy")));
	pack_array(b + 0x010, r, "family_id", 16);
	pack_array(b + 0x020, r, "image_id", 16);
	put_le32(b + 0x030, (uint32_t)num(r, "vmpl"));
	put_le32(b + 0x034, (uint32_t)num(r, "sig_algo"));
	pack_tcb(b + 0x038, r, "current_tcb");
	put_le64(b + 0x040, json_object_get_uint64(member(r, "plat_info")));
	put_le32(b + 0x048, (uint32_t)num(r, "key_info"));
	pack_array(b + 0x050, r, "report_data", 64);
	pack_array(b + 0x090, r, "measurement", 48);
	pack_array(b + 0x0C0, r, "host_data", 32);
	pack_array(b + 0x0E0, r, "id_key_digest", 48);
	pack_array(b + 0x110, r, "author_key_digest", 48);
	pack_array(b + 0x140, r, "report_id", 32);
	pack_array(b + 0x160, r, "report_id_ma", 32);
	pack_tcb(b + 0x180, r, "reported_tcb");
	if ((v = member(r, "cpuid_fam_id")))
		b[0x188] = (uint8_t)json_object_get_int(v);
	if ((v = member(r, "cpuid_mod_id")))
		b[0x189] = (uint8_t)json_object_get_int(v);
	if ((v = member(r, "cpuid_step")))
		b[0x18A] = (uint8_t)json_object_get_int(v);
	pack_array(b + 0x1A0, r, "chip_id", 64);
	pack_tcb(b + 0x1E0, r, "committed_tcb");
	pack_version(b + 0x1E8, r, "current");
	pack_version(b + 0x1EC, r, "committed");
	pack_tcb(b + 0x1F0, r, "launch_tcb");
	if ((v = member(r, "launch_mit_vector")))
		put_le64(b + 0x1F8, json_object_get_uint64(v));
	if ((v = member(r, "current_mit_vector")))
		put_le64(b + 0x200, json_object_get_uint64(v));
	v = member(r, "signature");
	assert_int_equal(json_object_object_length(v), 2);
	pack_array(b + 0x2A0, v, "r", 72);
	pack_array(b + 0x2E8, v, "s", 72);
}

static struct json_object *snp_ok(const uint8_t *report)
{
	struct json_object *ev = (struct json_object *)&ev;
	char err[256] = "";
	int r;

	r = evidence_snp_json(report, REPORT, &ev, err, sizeof(err));
	if (r != 0)
		fail_msg("evidence_snp_json: %d %s", r, err);
	assert_non_null(ev);
	return ev;
}

static void assert_round_trip(const uint8_t *report)
{
	static uint8_t back[REPORT];
	struct json_object *ev = snp_ok(report);

	repack(ev, back);
	assert_memory_equal(back, report, REPORT);
	json_object_put(ev);
}

/* ---- SNP tests ---------------------------------------------------------------------- */

static const char *const report_keys[] = {
	"version", "guest_svn", "policy", "family_id", "image_id", "vmpl", "sig_algo",
	"current_tcb", "plat_info", "key_info", "report_data", "measurement", "host_data",
	"id_key_digest", "author_key_digest", "report_id", "report_id_ma", "reported_tcb",
	"cpuid_fam_id", "cpuid_mod_id", "cpuid_step", "chip_id", "committed_tcb", "current",
	"committed", "launch_tcb", "launch_mit_vector", "current_mit_vector", "signature",
};

static void assert_keys(struct json_object *o, const char *const *keys, size_t n)
{
	size_t i = 0;

	assert_int_equal(json_object_object_length(o), n);
	json_object_object_foreach(o, k, v) {
		(void)v;
		assert_true(i < n);
		assert_string_equal(k, keys[i]);
		i++;
	}
	assert_int_equal(i, n);
}

static void test_synth_matches_python(void **state)
{
	static uint8_t b[REPORT];
	uint8_t *want;
	size_t len;

	(void)state;
	synth(b, 5, 0x1A, 0x11);
	want = (uint8_t *)unit_slurp(EVDIR "synth-v5-turin.bin", &len);
	assert_int_equal(len, REPORT);
	assert_memory_equal(b, want, REPORT);
	free(want);
	synth(b, 3, 0x19, 0xA1);
	want = (uint8_t *)unit_slurp(EVDIR "synth-v3-genoa.bin", &len);
	assert_int_equal(len, REPORT);
	assert_memory_equal(b, want, REPORT);
	free(want);
}

static void test_snp_fields_turin_v5(void **state)
{
	static const char *const top[] = { "attestation_report", "cert_chain" };
	static const char *const tcb_keys[] = { "fmc", "bootloader", "tee", "snp", "microcode" };
	static const char *const ver_keys[] = { "major", "minor", "build" };
	static uint8_t b[REPORT];
	struct json_object *ev, *r, *t, *a;
	size_t i;

	(void)state;
	synth(b, 5, 0x1A, 0x11);
	ev = snp_ok(b);
	assert_keys(ev, top, 2);
	assert_null(member(ev, "cert_chain"));
	r = member(ev, "attestation_report");
	assert_keys(r, report_keys, sizeof(report_keys) / sizeof(report_keys[0]));

	/* Numbers, at their offsets, against hand-computed values. */
	assert_int_equal(num(r, "version"), 5);
	assert_int_equal(num(r, "guest_svn"), 0x2623201DU);       /* span 1: 1D 20 23 26 */
	assert_int_equal(num(r, "guest_svn"), le32(b + 0x04));
	assert_true(json_object_get_uint64(member(r, "policy")) == 0x4F4C494643403D3AULL);
	assert_true(json_object_get_uint64(member(r, "plat_info")) == le64(b + 0x40));
	/* plat_info is above INT64_MAX: it must stay an exact unsigned number. */
	assert_true(json_object_get_uint64(member(r, "plat_info")) == 16203347654872256203ULL);
	assert_int_equal(num(r, "vmpl"), le32(b + 0x30));
	assert_int_equal(num(r, "sig_algo"), le32(b + 0x34));
	assert_int_equal(num(r, "key_info"), le32(b + 0x48));
	assert_int_equal(num(r, "cpuid_fam_id"), 0x1A);
	assert_int_equal(num(r, "cpuid_mod_id"), 0x11);
	assert_int_equal(num(r, "cpuid_step"), b[0x18A]);
	assert_true(json_object_get_uint64(member(r, "launch_mit_vector")) == le64(b + 0x1F8));
	assert_true(json_object_get_uint64(member(r, "current_mit_vector")) == le64(b + 0x200));

	/* Turin TcbVersion: fmc, bootloader, tee, snp from bytes 0..3, microcode 7. */
	t = member(r, "current_tcb");
	assert_keys(t, tcb_keys, 5);
	assert_int_equal(num(t, "fmc"), b[0x38]);
	assert_int_equal(num(t, "bootloader"), b[0x39]);
	assert_int_equal(num(t, "tee"), b[0x3A]);
	assert_int_equal(num(t, "snp"), b[0x3B]);
	assert_int_equal(num(t, "microcode"), b[0x3F]);
	assert_int_equal(num(t, "fmc"), 97);             /* span 21: 21 * 0x1D & 0xFF */
	t = member(r, "launch_tcb");
	assert_int_equal(num(t, "microcode"), b[0x1F7]);
	assert_int_equal(num(member(r, "reported_tcb"), "snp"), b[0x183]);
	assert_int_equal(num(member(r, "committed_tcb"), "bootloader"), b[0x1E1]);

	/* Version: major, minor, build from the bytes build, minor, major. */
	t = member(r, "current");
	assert_keys(t, ver_keys, 3);
	assert_int_equal(num(t, "build"), b[0x1E8]);
	assert_int_equal(num(t, "minor"), b[0x1E9]);
	assert_int_equal(num(t, "major"), b[0x1EA]);
	assert_int_equal(num(member(r, "committed"), "major"), b[0x1EE]);

	/* Byte arrays. */
	a = member(r, "report_data");
	assert_int_equal(json_object_array_length(a), 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(json_object_get_int(json_object_array_get_idx(a, i)), b[0x50 + i]);
	a = member(r, "host_data");
	assert_int_equal(json_object_array_length(a), 32);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(a, 31)), b[0xDF]);
	a = member(r, "chip_id");
	assert_int_equal(json_object_get_int(json_object_array_get_idx(a, 0)), b[0x1A0]);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(a, 63)), b[0x1DF]);

	/* Signature { r: [72], s: [72] } in little-endian as in the report. */
	t = member(r, "signature");
	assert_int_equal(json_object_object_length(t), 2);
	a = member(t, "r");
	assert_int_equal(json_object_array_length(a), 72);
	for (i = 0; i < 72; i++)
		assert_int_equal(json_object_get_int(json_object_array_get_idx(a, i)), b[0x2A0 + i]);
	a = member(t, "s");
	assert_int_equal(json_object_array_length(a), 72);
	for (i = 0; i < 72; i++)
		assert_int_equal(json_object_get_int(json_object_array_get_idx(a, i)), b[0x2E8 + i]);
	json_object_put(ev);

	assert_round_trip(b);
}

static void test_snp_fields_genoa_v3(void **state)
{
	static uint8_t b[REPORT];
	struct json_object *ev, *r, *t;

	(void)state;
	synth(b, 3, 0x19, 0xA1);
	ev = snp_ok(b);
	r = member(ev, "attestation_report");
	assert_keys(r, report_keys, sizeof(report_keys) / sizeof(report_keys[0]));
	assert_int_equal(num(r, "version"), 3);
	/* Legacy TcbVersion: no fmc; snp and microcode are bytes 6 and 7. */
	t = member(r, "reported_tcb");
	assert_null(member(t, "fmc"));
	assert_int_equal(num(t, "bootloader"), b[0x180]);
	assert_int_equal(num(t, "tee"), b[0x181]);
	assert_int_equal(num(t, "snp"), b[0x186]);
	assert_int_equal(num(t, "microcode"), b[0x187]);
	/* No mitigation vectors before v5. */
	assert_null(member(r, "launch_mit_vector"));
	assert_null(member(r, "current_mit_vector"));
	assert_int_equal(num(r, "cpuid_mod_id"), 0xA1);
	json_object_put(ev);
	assert_round_trip(b);

	/* Version 4 reads as v3. */
	put_le32(b, 4);
	assert_round_trip(b);
}

/* The C output equals, byte for byte, what gen_snp.py wrote. */
static void assert_fixture(const char *name)
{
	char path[512];
	uint8_t *report;
	char *want;
	size_t len, wlen;
	struct json_object *ev;

	snprintf(path, sizeof(path), EVDIR "%s.bin", name);
	report = (uint8_t *)unit_slurp(path, &len);
	assert_int_equal(len, REPORT);
	snprintf(path, sizeof(path), EVDIR "%s.json", name);
	want = (char *)(uint8_t *)unit_slurp(path, &wlen);
	ev = snp_ok(report);
	assert_string_equal(text(ev), want);
	json_object_put(ev);
	assert_round_trip(report);
	free(report);
	free(want);
}

static void test_snp_fixtures(void **state)
{
	(void)state;
	assert_fixture("synth-v5-turin");
	assert_fixture("synth-v3-genoa");
	assert_fixture("trustee-test-vlek-report");  /* v3, Milan */
	assert_fixture("trustee-e2e-report");        /* v3, Genoa: Trustee's own JSON */
	/* trustee-test-report is v2: see test_snp_version. */
}

static void assert_snp_refused(const uint8_t *b, size_t len, const char *want)
{
	struct json_object *ev = (struct json_object *)&ev;
	char err[256] = "";

	assert_int_equal(evidence_snp_json(b, len, &ev, err, sizeof(err)), -EINVAL);
	assert_null(ev);
	assert_string_equal(err, want);
}

/*
 * Trustee refuses report versions outside 3..5 (confidential-containers/trustee
 * deps/verifier/src/snp/mod.rs, REPORT_VERSION_MIN = 3 and REPORT_VERSION_MAX
 * = 5, checked first in Snp::evaluate; commit 78962cd416dc): the init must
 * not send one. Both edges, just outside them, and far outside.
 */
static void test_snp_version(void **state)
{
	static uint8_t b[REPORT];
	static const uint32_t bad[] = { 0, 1, 2, 6, 7, 0x100, 0xFFFFFFFFU };
	char want[160];
	uint8_t *real;
	size_t i, len;

	(void)state;
	synth(b, 3, 0x19, 0xA1);
	assert_round_trip(b);                   /* 3: the lower edge */
	put_le32(b, 4);
	assert_round_trip(b);
	synth(b, 5, 0x1A, 0x11);
	assert_round_trip(b);                   /* 5: the upper edge */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		synth(b, bad[i] >= 5 ? 5 : 3, 0x19, 0xA1);
		put_le32(b, bad[i]);
		snprintf(want, sizeof(want),
			 "SNP report version %u is outside 3..5, the versions Trustee's SNP verifier accepts",
			 bad[i]);
		assert_snp_refused(b, REPORT, want);
	}
	/* A real v2 report (Trustee's own test data) is refused the same way. */
	real = (uint8_t *)unit_slurp(EVDIR "trustee-test-report.bin", &len);
	assert_int_equal(len, REPORT);
	assert_int_equal(le32(real), 2);
	assert_snp_refused(real, REPORT,
			   "SNP report version 2 is outside 3..5, the versions Trustee's SNP verifier accepts");
	free(real);
}

static void test_snp_refused(void **state)
{
	static uint8_t b[REPORT], orig[REPORT];
	struct json_object *ev;

	(void)state;
	synth(orig, 5, 0x1A, 0x11);
	memcpy(b, orig, REPORT);
	assert_snp_refused(b, REPORT - 1, "SNP report is 1183 bytes, want 1184");
	assert_snp_refused(b, REPORT + 1, "SNP report is 1185 bytes, want 1184");

	memcpy(b, orig, REPORT);
	b[0x188] = 0x17;                    /* Zen 2: no SNP */
	assert_snp_refused(b, REPORT,
			   "report CPUID family 0x17 model 0x11 is no SEV-SNP generation sev 7.1.0 knows");
	b[0x188] = 0x1A;
	b[0x189] = 0x12;
	assert_snp_refused(b, REPORT,
			   "report CPUID family 0x1a model 0x12 is no SEV-SNP generation sev 7.1.0 knows");
	b[0x188] = 0x19;
	b[0x189] = 0x20;
	assert_snp_refused(b, REPORT,
			   "report CPUID family 0x19 model 0x20 is no SEV-SNP generation sev 7.1.0 knows");

	/* Bytes the decoder skips must be zero. */
	memcpy(b, orig, REPORT);
	b[0x04F] = 1;
	assert_snp_refused(b, REPORT, "reserved report byte 0x04f is 0x01, not zero");
	memcpy(b, orig, REPORT);
	b[0x18B] = 2;
	assert_snp_refused(b, REPORT, "reserved report byte 0x18b is 0x02, not zero");
	memcpy(b, orig, REPORT);
	b[0x19F] = 3;
	assert_snp_refused(b, REPORT, "reserved report byte 0x19f is 0x03, not zero");
	memcpy(b, orig, REPORT);
	b[0x1EB] = 4;
	assert_snp_refused(b, REPORT, "reserved report byte 0x1eb is 0x04, not zero");
	memcpy(b, orig, REPORT);
	b[0x1EF] = 5;
	assert_snp_refused(b, REPORT, "reserved report byte 0x1ef is 0x05, not zero");
	memcpy(b, orig, REPORT);
	b[0x208] = 6;
	assert_snp_refused(b, REPORT, "reserved report byte 0x208 is 0x06, not zero");
	memcpy(b, orig, REPORT);
	b[0x29F] = 7;
	assert_snp_refused(b, REPORT, "reserved report byte 0x29f is 0x07, not zero");
	/* v3: the mitigation vectors' place is reserved too. */
	synth(b, 3, 0x19, 0xA1);
	b[0x1F8] = 8;
	assert_snp_refused(b, REPORT, "reserved report byte 0x1f8 is 0x08, not zero");

	/* TCB reserved bytes: Turin 4..6, legacy 2..5. */
	memcpy(b, orig, REPORT);
	b[0x1F0 + 6] = 9;
	assert_snp_refused(b, REPORT, "reserved TCB byte 0x1f6 is 0x09, not zero");
	synth(b, 3, 0x19, 0xA1);
	b[0x038 + 2] = 10;
	assert_snp_refused(b, REPORT, "reserved TCB byte 0x03a is 0x0a, not zero");
	synth(b, 3, 0x19, 0xA1);
	b[0x180 + 5] = 11;
	assert_snp_refused(b, REPORT, "reserved TCB byte 0x185 is 0x0b, not zero");

	/* The tail after the signature is neither read nor signed: accepted. */
	memcpy(b, orig, REPORT);
	memset(b + 0x330, 0xEE, REPORT - 0x330);
	ev = snp_ok(b);
	json_object_put(ev);
}

/* ---- SNP certificates ------------------------------------------------------------ */

/*
 * GUIDs from their strings in virtee/sev src/firmware/host/types/snp.rs
 * (TryFrom<&Uuid> for CertType, d487809188c3), bytes in string order.
 */
static const char *const guid_vcek = "63da758de6644564adc5f4b93be8accd";
static const char *const guid_ask = "4ab7b379bbac4fe4a02f05aef327c782";
static const char *const guid_ark = "c0b406a4a803495297433fb6014cd0ae";

struct tcert {
	const char *guid;                   /* 32 hex digits */
	const uint8_t *data;
	size_t len;
};

/* A host certificate table: n entries, the terminator, the certificates. */
static size_t cert_table(uint8_t *t, size_t cap, const struct tcert *c, size_t n)
{
	size_t off = (n + 1) * 24, i;

	memset(t, 0, cap);
	for (i = 0; i < n; i++) {
		assert_true(off + c[i].len <= cap);
		assert_int_equal(hex_decode(c[i].guid, t + i * 24, 16), 0);
		put_le32(t + i * 24 + 16, (uint32_t)off);
		put_le32(t + i * 24 + 20, (uint32_t)c[i].len);
		memcpy(t + off, c[i].data, c[i].len);
		off += c[i].len;
	}
	return off;
}

/* The VCEK of Trustee's e2e evidence, and that file's cert_chain text. */
static uint8_t *e2e_vcek(size_t *n, char **chain_text)
{
	struct json_object *doc, *d;
	uint8_t *out;
	char *raw, *at;
	size_t len, i;

	raw = unit_slurp(EVDIR "trustee-e2e-evidence.json", &len);
	doc = json_tokener_parse(raw);
	assert_non_null(doc);
	d = member(json_object_array_get_idx(member(doc, "cert_chain"), 0), "data");
	*n = json_object_array_length(d);
	out = malloc(*n);
	assert_non_null(out);
	for (i = 0; i < *n; i++)
		out[i] = (uint8_t)json_object_get_int(json_object_array_get_idx(d, i));
	json_object_put(doc);
	/* serde's own text: from "cert_chain": to the closing brace. */
	at = strstr(raw, "\"cert_chain\":");
	assert_non_null(at);
	*chain_text = strdup(at + strlen("\"cert_chain\":"));
	assert_non_null(*chain_text);
	assert_int_equal((*chain_text)[strlen(*chain_text) - 1], '}');
	(*chain_text)[strlen(*chain_text) - 1] = '\0';
	free(raw);
	return out;
}

static void test_snp_cert_chain(void **state)
{
	static uint8_t t[SNP_CERTS_MAX];
	static const uint8_t ask[] = { 0x30, 0x82, 0x00, 0x01, 0xAA };
	static const uint8_t ark[] = { 0x30, 0x03, 0x02, 0x01, 0xFF };
	struct json_object *ev = NULL;
	uint8_t *report, *vcek;
	char *want, err[256] = "";
	size_t len, vlen, tlen;

	(void)state;
	report = (uint8_t *)unit_slurp(EVDIR "trustee-e2e-report.bin", &len);
	vcek = e2e_vcek(&vlen, &want);
	assert_int_equal(vlen, 1347);

	/* Trustee's e2e VCEK through a host table: the same text serde wrote. */
	tlen = cert_table(t, sizeof(t), (const struct tcert[]){ { guid_vcek, vcek, vlen } }, 1);
	assert_int_equal(evidence_snp_json_certs(report, len, t, tlen, &ev, err, sizeof(err)), 0);
	assert_string_equal(text(member(ev, "cert_chain")), want);
	json_object_put(ev);

	/* Three kinds, in the host's order ASK, VCEK, ARK: sent ARK, VCEK, ASK. */
	tlen = cert_table(t, sizeof(t),
			  (const struct tcert[]){ { guid_ask, ask, sizeof(ask) },
						  { guid_vcek, vcek, 3 },
						  { guid_ark, ark, sizeof(ark) } }, 3);
	assert_int_equal(evidence_snp_json_certs(report, len, t, tlen, &ev, err, sizeof(err)), 0);
	assert_string_equal(text(member(ev, "cert_chain")),
			    "[{\"cert_type\":\"ARK\",\"data\":[48,3,2,1,255]},"
			    "{\"cert_type\":\"VCEK\",\"data\":[48,130,5]},"
			    "{\"cert_type\":\"ASK\",\"data\":[48,130,0,1,170]}]");
	json_object_put(ev);

	/* No VCEK or VLEK: Trustee would refuse the chain, so null. */
	tlen = cert_table(t, sizeof(t),
			  (const struct tcert[]){ { guid_ask, ask, sizeof(ask) },
						  { guid_ark, ark, sizeof(ark) } }, 2);
	assert_int_equal(evidence_snp_json_certs(report, len, t, tlen, &ev, err, sizeof(err)), 0);
	assert_true(json_object_is_type(member(ev, "cert_chain"), json_type_null));
	json_object_put(ev);

	/* A bad table is refused, nothing built. */
	ev = (struct json_object *)&ev;
	put_le32(t + 20, 0);
	assert_int_equal(evidence_snp_json_certs(report, len, t, tlen, &ev, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "SNP certificate table entry 0 (ASK) is empty");
	assert_null(ev);
	/* The report's version is checked before the table. */
	put_le32(report, 6);
	assert_int_equal(evidence_snp_json_certs(report, len, t, tlen, &ev, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "SNP report version 6 is outside 3..5, the versions Trustee's SNP verifier accepts");
	assert_null(ev);
	free(report);
	free(vcek);
	free(want);
}

/* ---- TDX evidence bodies --------------------------------------------------------- */

static void test_tdx_json(void **state)
{
	static uint8_t big[EVIDENCE_CCEL_MAX + 1];
	/* Base64 known answers (Python's base64.b64encode); 0xFB 0xFF gives '+' and '/'. */
	static const uint8_t quote[] = { 0x04, 0x00, 0x02, 0x00, 0x81, 0x00, 0x00, 0x00, 0xFB, 0xFF };
	static const uint8_t ccel[] = { 'C', 'C', 'E', 'L', 0x00, 0x01 };
	struct json_object *ev = (struct json_object *)&ev;
	char err[256] = "";

	(void)state;
	assert_int_equal(evidence_tdx_json(quote, sizeof(quote), ccel, sizeof(ccel), &ev, err,
					   sizeof(err)), 0);
	assert_string_equal(text(ev), "{\"cc_eventlog\":\"Q0NFTAAB\",\"quote\":\"BAACAIEAAAD7/w==\"}");
	json_object_put(ev);

	assert_int_equal(evidence_tdx_json(quote, 9, NULL, 0, &ev, err, sizeof(err)), 0);
	assert_string_equal(text(ev), "{\"cc_eventlog\":null,\"quote\":\"BAACAIEAAAD7\"}");
	json_object_put(ev);
	/* An empty table is no event log either. */
	assert_int_equal(evidence_tdx_json(quote, 8, ccel, 0, &ev, err, sizeof(err)), 0);
	assert_string_equal(text(ev), "{\"cc_eventlog\":null,\"quote\":\"BAACAIEAAAA=\"}");
	json_object_put(ev);

	ev = (struct json_object *)&ev;
	assert_int_equal(evidence_tdx_json(quote, 0, NULL, 0, &ev, err, sizeof(err)), -EINVAL);
	assert_null(ev);
	assert_string_equal(err, "TDX evidence without a quote");
	assert_int_equal(evidence_tdx_json(big, EVIDENCE_TDX_QUOTE_MAX + 1, NULL, 0, &ev, err,
					   sizeof(err)), -EFBIG);
	assert_int_equal(evidence_tdx_json(quote, sizeof(quote), big, sizeof(big), &ev, err,
					   sizeof(err)), -EFBIG);
	assert_null(ev);
	/* At the caps exactly: accepted. */
	assert_int_equal(evidence_tdx_json(big, EVIDENCE_TDX_QUOTE_MAX, big, EVIDENCE_CCEL_MAX,
					   &ev, err, sizeof(err)), 0);
	assert_int_equal(strlen(json_object_get_string(member(ev, "cc_eventlog"))),
			 4 * ((EVIDENCE_CCEL_MAX + 2) / 3));
	json_object_put(ev);
}

/* ---- fake configfs-tsm ------------------------------------------------------------ */

static char root[64];
static struct paths P;
static char tsm_dir[128];

static const char *tsm_provider = "tdx_guest\n";
static const char *tsm_generation = "1\n";
static uint8_t *tsm_outblob;
static size_t tsm_outblob_len;
static const uint8_t *tsm_auxblob;         /* NULL: the entry has no auxblob file */
static size_t tsm_auxblob_len;
static int rmdir_calls;
static uint8_t last_inblob[64];
static size_t last_inblob_len;

int __real_mkdir(const char *path, mode_t mode);
int __wrap_mkdir(const char *path, mode_t mode)
{
	int r = __real_mkdir(path, mode);

	if (r == 0 && tsm_dir[0] && strncmp(path, tsm_dir, strlen(tsm_dir)) == 0 &&
	    path[strlen(tsm_dir)] == '/') {
		unit_tsm_entry(path, tsm_provider, tsm_outblob, tsm_outblob_len, tsm_generation);
		if (tsm_auxblob) {
			char f[256];

			snprintf(f, sizeof(f), "%s/auxblob", path);
			unit_put(f, tsm_auxblob, tsm_auxblob_len);
		}
	}
	return r;
}

/* configfs removes the attributes with the directory; a tmpdir does not. */
int __real_rmdir(const char *path);
int __wrap_rmdir(const char *path)
{
	char f[256];

	rmdir_calls++;
	last_inblob_len = unit_tsm_remove(path, last_inblob, sizeof(last_inblob));
	snprintf(f, sizeof(f), "%s/auxblob", path);
	unlink(f);
	return __real_rmdir(path);
}

static int setup(void **state)
{
	(void)state;
	unit_tmpdir(root, sizeof(root), "evidence");
	snprintf(tsm_dir, sizeof(tsm_dir), "%s/tsm", root);
	memset(&P, 0, sizeof(P));
	P.tsm_report = tsm_dir;
	tsm_provider = "tdx_guest\n";
	tsm_generation = "1\n";
	tsm_outblob = NULL;
	tsm_outblob_len = 0;
	tsm_auxblob = NULL;
	tsm_auxblob_len = 0;
	rmdir_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_rmtree(root);
	free(tsm_outblob);
	tsm_outblob = NULL;
	tsm_dir[0] = '\0';
	return 0;
}

/* ---- TDX quotes ------------------------------------------------------------------------ */

static uint8_t rdata[64];

/*
 * A quote of the DCAP layout: 48-byte header, (v5: body type u16, size
 * u32,) a TD report body with REPORTDATA at +520, signature data length
 * u32 and sig_len bytes.
 */
static size_t make_quote(uint16_t version, uint16_t body_type, size_t body_len, size_t sig_len)
{
	size_t off = 48, n;
	uint8_t *q;
	size_t i;

	n = 48 + (version == 5 ? 6 : 0) + body_len + 4 + sig_len;
	free(tsm_outblob);
	q = tsm_outblob = calloc(1, n);
	assert_non_null(q);
	q[0] = (uint8_t)version;
	q[2] = 2;                           /* ECDSA-256-with-P-256 */
	q[4] = 0x81;                        /* TDX */
	for (i = 12; i < 48; i++)
		q[i] = (uint8_t)i;          /* QE vendor ID, user data */
	if (version == 5) {
		q[48] = (uint8_t)body_type;
		put_le32(q + 50, (uint32_t)body_len);
		off += 6;
	}
	for (i = 0; i < body_len; i++)
		q[off + i] = (uint8_t)(i * 5);
	if (body_len >= 520 + 64)
		memcpy(q + off + 520, rdata, 64);
	put_le32(q + off + body_len, (uint32_t)sig_len);
	for (i = 0; i < sig_len; i++)
		q[off + body_len + 4 + i] = (uint8_t)(0xA5 ^ i);
	tsm_outblob_len = n;
	return n;
}

static int get_quote(uint8_t *out, size_t cap, size_t *len, char *err)
{
	return tdx_get_quote(&P, rdata, out, cap, len, err, 256);
}

static void test_tdx_quote_ok(void **state)
{
	static uint8_t q[EVIDENCE_TDX_QUOTE_MAX];
	struct json_object *ev = NULL;
	char err[256] = "";
	size_t len = 0, n, i;

	(void)state;
	for (i = 0; i < sizeof(rdata); i++)
		rdata[i] = (uint8_t)(0x40 + i);
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);

	n = make_quote(4, 0, 584, 4000);
	assert_int_equal(get_quote(q, sizeof(q), &len, err), 0);
	assert_int_equal(len, n);
	assert_memory_equal(q, tsm_outblob, n);
	assert_int_equal(last_inblob_len, 64);
	assert_memory_equal(last_inblob, rdata, 64);
	assert_int_equal(rmdir_calls, 1);
	/* The entry is gone again. */
	assert_int_equal(rmdir(P.tsm_report), 0);
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);

	/* v5 with a TDX 1.0 and a TDX 1.5 body. */
	n = make_quote(5, 2, 584, 100);
	assert_int_equal(get_quote(q, sizeof(q), &len, err), 0);
	assert_int_equal(len, n);
	n = make_quote(5, 3, 648, 100);
	assert_int_equal(get_quote(q, sizeof(q), &len, err), 0);
	assert_int_equal(len, n);
	assert_memory_equal(q, tsm_outblob, n);

	/* Bytes after the declared signature data: tolerated, as Trustee does. */
	n = make_quote(4, 0, 584, 100);
	put_le32(tsm_outblob + 48 + 584, 50);
	assert_int_equal(get_quote(q, sizeof(q), &len, err), 0);
	assert_int_equal(len, n);

	/* Exactly at the cap. */
	n = make_quote(4, 0, 584, 1000);
	assert_int_equal(get_quote(q, n, &len, err), 0);
	assert_int_equal(len, n);

	assert_int_equal(evidence_tdx_json(q, len, NULL, 0, &ev, err, sizeof(err)), 0);
	json_object_put(ev);
}

static void assert_quote_refused(int want, const char *msg)
{
	static uint8_t q[EVIDENCE_TDX_QUOTE_MAX];
	char err[256] = "";
	size_t len = 99;
	int calls = rmdir_calls;

	assert_int_equal(get_quote(q, sizeof(q), &len, err), want);
	assert_int_equal(len, 0);
	assert_string_equal(err, msg);
	assert_int_equal(rmdir_calls, calls + 1);
}

static void test_tdx_quote_refused(void **state)
{
	static uint8_t q[EVIDENCE_TDX_QUOTE_MAX];
	char err[256] = "", msg[256];
	size_t len = 99, n;

	(void)state;
	memset(rdata, 0x33, sizeof(rdata));

	/* No configfs-tsm at all. */
	assert_int_equal(get_quote(q, sizeof(q), &len, err), -ENOENT);
	assert_int_equal(rmdir_calls, 0);
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);

	make_quote(4, 0, 584, 100);
	tsm_provider = "sev_guest\n";
	assert_quote_refused(-ENODEV, "configfs-tsm provider is \"sev_guest\n\", not tdx_guest");
	tsm_provider = "tdx_guest\n";
	tsm_generation = "2\n";
	assert_quote_refused(-EBUSY, "configfs-tsm generation is 2\n, want 1: another writer raced");
	tsm_generation = "1\n";

	/* Header checks. */
	make_quote(3, 0, 584, 100);
	assert_quote_refused(-EINVAL, "TDX quote version 3, want 4 or 5");
	make_quote(4, 0, 584, 100);
	tsm_outblob[2] = 3;                 /* ECDSA-384-with-P-384: Trustee refuses it */
	assert_quote_refused(-EINVAL, "TDX quote attestation key type 3, want 2 (ECDSA-256-with-P-256)");
	make_quote(4, 0, 584, 100);
	tsm_outblob[4] = 0x00;              /* an SGX quote */
	assert_quote_refused(-EINVAL, "quote TEE type 0x0, want 0x81 (TDX)");
	make_quote(4, 0, 584, 100);
	tsm_outblob_len = 40;
	assert_quote_refused(-EINVAL, "TDX quote is 40 bytes, shorter than its header");
	/* Garbage. */
	make_quote(4, 0, 584, 100);
	memset(tsm_outblob, 0xFF, tsm_outblob_len);
	assert_quote_refused(-EINVAL, "TDX quote version 65535, want 4 or 5");

	/* Lengths. */
	make_quote(4, 0, 584, 100);
	tsm_outblob_len = 48 + 584;
	assert_quote_refused(-EINVAL, "TDX quote is 632 bytes, shorter than its body");
	n = make_quote(4, 0, 584, 100);
	tsm_outblob_len = n - 1;
	snprintf(msg, sizeof(msg), "TDX quote signature data of 100 bytes does not fit its %zu bytes", n - 1);
	assert_quote_refused(-EINVAL, msg);
	n = make_quote(4, 0, 584, 0);
	snprintf(msg, sizeof(msg), "TDX quote signature data of 0 bytes does not fit its %zu bytes", n);
	assert_quote_refused(-EINVAL, msg);
	make_quote(5, 1, 384, 100);         /* an SGX enclave report body */
	assert_quote_refused(-EINVAL, "TDX quote v5 body type 1 of 384 bytes is no TD report");
	make_quote(5, 3, 584, 100);         /* TDX 1.5 type with a 1.0 size */
	assert_quote_refused(-EINVAL, "TDX quote v5 body type 3 of 584 bytes is no TD report");
	make_quote(5, 2, 584, 100);
	tsm_outblob_len = 50;
	assert_quote_refused(-EINVAL, "TDX quote v5 is 50 bytes, shorter than its body descriptor");

	/* Someone else's report data. */
	make_quote(4, 0, 584, 100);
	tsm_outblob[48 + 520] ^= 1;
	assert_quote_refused(-EINVAL, "TDX quote does not carry the report data asked for");

	/* Larger than the caller's buffer. */
	n = make_quote(4, 0, 584, 100);
	len = 99;
	assert_int_equal(get_quote(q, n - 1, &len, err), -EFBIG);
	assert_int_equal(len, 0);
	snprintf(msg, sizeof(msg), "TDX quote from %s/sealroot-tdx-%ld/outblob is larger than %zu bytes",
		 P.tsm_report, (long)getpid(), n - 1);
	assert_string_equal(err, msg);
}

/* ---- CCEL ---------------------------------------------------------------------------------- */

static void test_ccel(void **state)
{
	static uint8_t data[EVIDENCE_CCEL_MAX + 1];
	char path[128], err[256] = "", msg[256];
	uint8_t *out = (uint8_t *)&out;
	size_t len = 99, i;

	(void)state;
	snprintf(path, sizeof(path), "%s/CCEL", root);
	assert_int_equal(tdx_read_ccel(path, &out, &len, err, sizeof(err)), -ENOENT);
	assert_null(out);
	assert_int_equal(len, 0);
	snprintf(msg, sizeof(msg), "open %s: No such file or directory", path);
	assert_string_equal(err, msg);

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 11 + (i >> 12));
	unit_put(path, data, 100);
	assert_int_equal(tdx_read_ccel(path, &out, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 100);
	assert_memory_equal(out, data, 100);
	free(out);

	/* Across the buffer's growth, up to the cap exactly. */
	unit_put(path, data, EVIDENCE_CCEL_MAX);
	assert_int_equal(tdx_read_ccel(path, &out, &len, err, sizeof(err)), 0);
	assert_int_equal(len, EVIDENCE_CCEL_MAX);
	assert_memory_equal(out, data, EVIDENCE_CCEL_MAX);
	free(out);

	unit_put(path, data, EVIDENCE_CCEL_MAX + 1);
	out = (uint8_t *)&out;
	assert_int_equal(tdx_read_ccel(path, &out, &len, err, sizeof(err)), -EFBIG);
	assert_null(out);
	assert_int_equal(len, 0);
	snprintf(msg, sizeof(msg), "%s is larger than %d bytes", path, EVIDENCE_CCEL_MAX);
	assert_string_equal(err, msg);

	unit_put(path, data, 0);
	assert_int_equal(tdx_read_ccel(path, &out, &len, err, sizeof(err)), 0);
	assert_non_null(out);
	assert_int_equal(len, 0);
	free(out);
}

/* ---- each TEE's evidence ------------------------------------------------------------------------ */

static uint8_t *b64dec(struct json_object *s, size_t *n)
{
	const char *t;
	uint8_t *out;

	assert_true(json_object_is_type(s, json_type_string));
	t = json_object_get_string(s);
	out = malloc(strlen(t) + 1);
	assert_non_null(out);
	assert_int_equal(b64_decode(t, strlen(t), out, strlen(t), n), 0);
	return out;
}

static void test_b64_strict(void **state)
{
	uint8_t out[16];
	size_t n = 99;

	(void)state;
	assert_int_equal(b64_decode("", 0, out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(b64_decode("Zm9vYg==", 8, out, sizeof(out), &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "foob", 4);
	assert_int_equal(b64_decode("Zm9vYmE=", 8, out, sizeof(out), &n), 0);
	assert_memory_equal(out, "fooba", 5);
	assert_int_equal(b64_decode("+/+/", 4, out, sizeof(out), &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\xfb\xff\xbf", 3);
	/* Not canonical, not padded, url alphabet, whitespace, padding inside. */
	assert_int_equal(b64_decode("Zm9vYh==", 8, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64_decode("Zm9vYmF=", 8, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64_decode("Zm9vYg", 6, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64_decode("-_-_", 4, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64_decode("Zm9v\nYg==", 9, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64_decode("Zg==Zg==", 8, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64_decode("====", 4, out, sizeof(out), &n), -EINVAL);
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 5, &n), -EFBIG);
}

static void test_attester_sample(void **state)
{
	struct json_object *ev = NULL;
	uint8_t rd[48], *got;
	char err[256];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(0xC0 ^ i);
	assert_int_equal(tee_evidence(tee_by_name("sample"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), 0);
	assert_int_equal(json_object_object_length(ev), 2);
	assert_string_equal(json_object_get_string(member(ev, "svn")), "1");
	got = b64dec(member(ev, "report_data"), &n);
	assert_int_equal(n, 48);
	assert_memory_equal(got, rd, 48);
	free(got);
	json_object_put(ev);
}

static void test_attester_snp(void **state)
{
	struct json_object *ev = NULL, *want = NULL;
	uint8_t rd[64];
	char err[256];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(0x11 * i);
	tsm_provider = "sev_guest\n";
	tsm_outblob = (uint8_t *)unit_slurp(EVDIR "trustee-e2e-report.bin", &n);
	tsm_outblob_len = n;
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), 0);
	/* The report data went in as the inblob; the body is the serde form. */
	assert_int_equal(last_inblob_len, 64);
	assert_memory_equal(last_inblob, rd, 64);
	assert_int_equal(evidence_snp_json(tsm_outblob, n, &want, err, sizeof(err)), 0);
	assert_string_equal(text(ev), text(want));
	assert_true(json_object_is_type(member(ev, "cert_chain"), json_type_null));
	json_object_put(ev);
	json_object_put(want);

	/* An empty auxblob: no certificates either. */
	tsm_auxblob = rd;
	tsm_auxblob_len = 0;
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), 0);
	assert_true(json_object_is_type(member(ev, "cert_chain"), json_type_null));
	json_object_put(ev);

	/* 48 bytes is not what an SNP report takes: refused before any device. */
	rmdir_calls = 0;
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, 48, &ev, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "snp report data of 48 bytes, want 64");
	assert_null(ev);
	assert_int_equal(rmdir_calls, 0);
}

/*
 * The host's certificates, on a fake configfs-tsm auxblob (the sev_guest
 * provider's cert_table: linux Documentation/ABI/testing/configfs-tsm-report),
 * reach the evidence in Trustee's CertTableEntry form; a bad table, a too
 * large auxblob and a report version Trustee refuses stop the init before
 * anything is sent, and the report entry is removed every time.
 */
static void test_attester_snp_certs(void **state)
{
	static uint8_t t[SNP_CERTS_MAX + 1];
	static const uint8_t ask[] = { 0x30, 0x01, 0x42 };
	struct json_object *ev = NULL, *chain, *e;
	uint8_t rd[64], *vcek;
	char err[256], msg[256], *want;
	size_t n, vlen, tlen, i;

	(void)state;
	for (i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(0x21 * i);
	tsm_provider = "sev_guest\n";
	tsm_outblob = (uint8_t *)unit_slurp(EVDIR "trustee-e2e-report.bin", &n);
	tsm_outblob_len = n;
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);
	vcek = e2e_vcek(&vlen, &want);
	tlen = cert_table(t, sizeof(t),
			  (const struct tcert[]){ { guid_ask, ask, sizeof(ask) },
						  { guid_vcek, vcek, vlen } }, 2);
	tsm_auxblob = t;
	tsm_auxblob_len = tlen;
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), 0);
	assert_memory_equal(last_inblob, rd, 64);
	chain = member(ev, "cert_chain");
	assert_true(json_object_is_type(chain, json_type_array));
	assert_int_equal(json_object_array_length(chain), 2);
	e = json_object_array_get_idx(chain, 0);
	assert_string_equal(json_object_get_string(member(e, "cert_type")), "VCEK");
	assert_int_equal(json_object_array_length(member(e, "data")), vlen);
	for (i = 0; i < vlen; i++)
		assert_int_equal(json_object_get_int(json_object_array_get_idx(member(e, "data"), i)),
				 vcek[i]);
	e = json_object_array_get_idx(chain, 1);
	assert_string_equal(text(e), "{\"cert_type\":\"ASK\",\"data\":[48,1,66]}");
	/* The report is the outblob's, as without certificates. */
	assert_int_equal(num(member(ev, "attestation_report"), "version"), 3);
	json_object_put(ev);
	assert_int_equal(rmdir_calls, 1);

	/* A table the host broke: one FATAL reason, nothing built. */
	put_le32(t + 24 + 16, 10);                      /* the VCEK inside the table */
	ev = (struct json_object *)&ev;
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "SNP certificate table entry 1 (VCEK) at offset 10 lies in the table (72 bytes)");
	assert_null(ev);
	assert_int_equal(rmdir_calls, 2);

	/* An auxblob over the cap. */
	memset(t, 0, sizeof(t));
	tsm_auxblob_len = SNP_CERTS_MAX + 1;
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), -EFBIG);
	snprintf(msg, sizeof(msg), "SNP report auxblob from %s/sealroot-%ld/auxblob is larger than %d bytes",
		 P.tsm_report, (long)getpid(), SNP_CERTS_MAX);
	assert_string_equal(err, msg);
	assert_null(ev);
	assert_int_equal(rmdir_calls, 3);
	/* At the cap: all zeros is a table without certificates. */
	tsm_auxblob_len = SNP_CERTS_MAX;
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), 0);
	assert_true(json_object_is_type(member(ev, "cert_chain"), json_type_null));
	json_object_put(ev);

	/* A report version Trustee refuses (a real v2 report) is not sent. */
	free(tsm_outblob);
	tsm_outblob = (uint8_t *)unit_slurp(EVDIR "trustee-test-report.bin", &n);
	ev = (struct json_object *)&ev;
	assert_int_equal(tee_evidence(tee_by_name("snp"), &P, "nonce", rd, sizeof(rd), &ev, err,
					   sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "SNP report version 2 is outside 3..5, the versions Trustee's SNP verifier accepts");
	assert_null(ev);
	assert_int_equal(rmdir_calls, 5);
	free(vcek);
	free(want);
}

static void test_attester_tdx(void **state)
{
	struct json_object *ev = NULL;
	static const uint8_t log[] = "CCEL event log bytes";
	char err[256], ccel[160];
	uint8_t *got;
	size_t n, qn, i;

	(void)state;
	for (i = 0; i < sizeof(rdata); i++)
		rdata[i] = (uint8_t)(0x70 + i);
	snprintf(ccel, sizeof(ccel), "%s/CCEL", root);
	P.ccel = ccel;
	assert_int_equal(mkdir(P.tsm_report, 0755), 0);
	qn = make_quote(4, 0, 584, 1000);
	/* No CCEL table: cc_eventlog is null. */
	assert_int_equal(tee_evidence(tee_by_name("tdx"), &P, "nonce", rdata, 64, &ev, err, sizeof(err)),
			 0);
	assert_memory_equal(last_inblob, rdata, 64);
	assert_true(json_object_is_type(member(ev, "cc_eventlog"), json_type_null));
	got = b64dec(member(ev, "quote"), &n);
	assert_int_equal(n, qn);
	assert_memory_equal(got, tsm_outblob, qn);
	free(got);
	json_object_put(ev);
	/* With one: its bytes. */
	unit_put(ccel, log, sizeof(log));
	assert_int_equal(tee_evidence(tee_by_name("tdx"), &P, "nonce", rdata, 64, &ev, err, sizeof(err)),
			 0);
	got = b64dec(member(ev, "cc_eventlog"), &n);
	assert_int_equal(n, sizeof(log));
	assert_memory_equal(got, log, sizeof(log));
	free(got);
	json_object_put(ev);
	/* A quote over other report data is refused. */
	rdata[0] ^= 1;
	make_quote(4, 0, 584, 1000);
	rdata[0] ^= 1;
	assert_true(tee_evidence(tee_by_name("tdx"), &P, "nonce", rdata, 64, &ev, err, sizeof(err)) < 0);
	assert_null(ev);
	/* Without configfs-tsm there is no quote: the reason names what is needed. */
	P.tsm_report = "/nonexistent/tsm/report";
	assert_int_equal(tee_evidence(tee_by_name("tdx"), &P, "nonce", rdata, 64, &ev, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "Linux >= 6.7"));
	assert_non_null(strstr(err, "quote service on the host"));
	assert_null(ev);
}

static void test_attester_tpm_absent(void **state)
{
	struct json_object *ev = NULL;
	uint8_t rd[64] = { 0 };
	char err[256], tpm[160];

	(void)state;
	snprintf(tpm, sizeof(tpm), "%s/tpmrm0", root);
	P.tpm = tpm;
	/* 64 bytes is not the tpm's report data any more (32: docs/attestation.md). */
	assert_int_equal(tee_evidence(tee_by_name("tpm"), &P, "nonce", rd, 64, &ev, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "tpm report data of 64 bytes, want 32");
	assert_int_equal(tee_evidence(tee_by_name("tpm"), &P, "nonce", rd, 32, &ev, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "tpmrm0: No such file or directory"));
	assert_null(ev);
}

/* ---- a fake Ultravisor ----------------------------------------------------------------- */

struct uv_att {   /* struct uvio_attest */
	uint64_t arcb_addr, meas_addr, add_data_addr;
	uint8_t user_data[256];
	uint8_t config_uid[16];
	uint32_t arcb_len, meas_len, add_data_len;
	uint16_t user_data_len, reserved;
};
struct uv_cb {    /* struct uvio_ioctl_cb */
	uint32_t flags;
	uint16_t uv_rc, uv_rrc;
	uint64_t argument_addr;
	uint32_t argument_len;
	uint8_t reserved[44];
};

static int uv_calls;
static uint16_t uv_rc = 1;
static struct uv_att uv_seen;
static uint8_t uv_arcb[64];

int __real_ioctl(int fd, unsigned long req, void *arg);
int __wrap_ioctl(int fd, unsigned long req, void *arg)
{
	struct uv_cb *cb = arg;
	struct uv_att *a;
	uint32_t i;

	if (req != se_ioctl_att_nr())
		return __real_ioctl(fd, req, arg);
	uv_calls++;
	assert_int_equal(cb->argument_len, sizeof(struct uv_att));
	a = (struct uv_att *)(uintptr_t)cb->argument_addr;
	uv_seen = *a;
	assert_true(a->arcb_len <= sizeof(uv_arcb));
	memcpy(uv_arcb, (void *)(uintptr_t)a->arcb_addr, a->arcb_len);
	cb->uv_rc = uv_rc;
	cb->uv_rrc = uv_rc == 1 ? 0 : 0x0105;
	if (uv_rc != 1)
		return 0;
	for (i = 0; i < a->meas_len; i++)
		((uint8_t *)(uintptr_t)a->meas_addr)[i] = (uint8_t)(0x30 + i);
	for (i = 0; i < a->add_data_len; i++)
		((uint8_t *)(uintptr_t)a->add_data_addr)[i] = (uint8_t)(0x90 + i);
	for (i = 0; i < 16; i++)
		a->config_uid[i] = (uint8_t)(0xE0 + i);
	return 0;
}

/* ARCB "ARCB-bytes-here!" (16), key and nonce blobs, tags. */
#define SE_REQ(meas, add)                                                              \
	"{\"request_blob\":\"QVJDQi1ieXRlcy1oZXJlIQ==\",\"measurement_size\":" meas        \
	",\"additional_size\":" add ",\"encr_measurement_key\":\"a2V5\","                 \
	"\"encr_request_nonce\":\"bm9uY2U=\",\"image_hdr_tags\":\"dGFncw==\"}"

static void test_attester_se(void **state)
{
	struct json_object *ev = NULL;
	uint8_t rd[64], *got;
	char err[256], uv[160];
	size_t n, i;

	(void)state;
	snprintf(uv, sizeof(uv), "%s/uv", root);
	unit_put(uv, "", 0);
	P.uv = uv;
	for (i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(0xA0 + i);
	uv_calls = 0;
	uv_rc = 1;
	assert_int_equal(tee_evidence(tee_by_name("se"), &P, SE_REQ("64", "32"), rd, 64, &ev, err,
					   sizeof(err)), 0);
	/* What the Ultravisor was asked. */
	assert_int_equal(uv_calls, 1);
	assert_int_equal(uv_seen.arcb_len, 16);
	assert_memory_equal(uv_arcb, "ARCB-bytes-here!", 16);
	assert_int_equal(uv_seen.meas_len, 64);
	assert_int_equal(uv_seen.add_data_len, 32);
	assert_int_equal(uv_seen.user_data_len, 64);
	assert_memory_equal(uv_seen.user_data, rd, 64);
	/* What the KBS gets back: its own blobs verbatim, ours in base64. */
	assert_int_equal(json_object_object_length(ev), 7);
	assert_string_equal(json_object_get_string(member(ev, "encr_measurement_key")), "a2V5");
	assert_string_equal(json_object_get_string(member(ev, "encr_request_nonce")), "bm9uY2U=");
	assert_string_equal(json_object_get_string(member(ev, "image_hdr_tags")), "dGFncw==");
	got = b64dec(member(ev, "measurement"), &n);
	assert_int_equal(n, 64);
	for (i = 0; i < n; i++)
		assert_int_equal(got[i], (uint8_t)(0x30 + i));
	free(got);
	got = b64dec(member(ev, "additional_data"), &n);
	assert_int_equal(n, 32);
	assert_int_equal(got[31], (uint8_t)(0x90 + 31));
	free(got);
	got = b64dec(member(ev, "user_data"), &n);
	assert_int_equal(n, 64);
	assert_memory_equal(got, rd, 64);
	free(got);
	got = b64dec(member(ev, "cuid"), &n);
	assert_int_equal(n, 16);
	assert_int_equal(got[0], 0xE0);
	free(got);
	json_object_put(ev);

	/* The Ultravisor refuses: -EIO with its codes. */
	uv_rc = 0x0102;
	assert_int_equal(tee_evidence(tee_by_name("se"), &P, SE_REQ("64", "0"), rd, 64, &ev, err,
					   sizeof(err)), -EIO);
	assert_non_null(strstr(err, "uv rc 0x0102 rrc 0x0105"));
	assert_null(ev);
	uv_rc = 1;
}

static void test_se_challenge_refused(void **state)
{
	static const struct {
		const char *nonce, *why;
	} bad[] = {
		{ "bm9uY2U=", "SE challenge nonce is not a JSON request object" },
		{ "[1]", "SE challenge nonce is not a JSON request object" },
		{ SE_REQ("64", "0") "x", "SE challenge nonce is not a JSON request object" },
		{ "{\"measurement_size\":64}", "SE challenge has no string request_blob" },
		{ "{\"request_blob\":\"QQ\",\"measurement_size\":64}", "SE challenge request_blob is not base64" },
		{ "{\"request_blob\":\"\",\"measurement_size\":64}", "SE challenge request_blob is empty" },
		{ SE_REQ("0", "0"), "SE challenge measurement_size is out of range (1..32768)" },
		{ SE_REQ("32769", "0"), "SE challenge measurement_size is out of range (1..32768)" },
		{ SE_REQ("-1", "0"), "SE challenge measurement_size is out of range (1..32768)" },
		{ SE_REQ("64", "32769"), "SE challenge additional_size is out of range (0..32768)" },
		{ SE_REQ("\"64\"", "0"), "SE challenge has no integer measurement_size" },
		{ SE_REQ("64.0", "0"), "SE challenge has no integer measurement_size" },
		{ "{\"request_blob\":\"QQ==\",\"measurement_size\":1,\"additional_size\":0,"
		  "\"encr_measurement_key\":\"a2V5\",\"encr_request_nonce\":\"bm9uY2U=\"}",
		  "SE challenge has no string image_hdr_tags" },
	};
	struct json_object *ev = NULL;
	uint8_t rd[64] = { 0 };
	char err[256], uv[160];
	size_t i;

	(void)state;
	snprintf(uv, sizeof(uv), "%s/uv", root);
	unit_put(uv, "", 0);
	P.uv = uv;
	uv_calls = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (tee_evidence(tee_by_name("se"), &P, bad[i].nonce, rd, 64, &ev, err, sizeof(err)) >= 0)
			fail_msg("case %zu was accepted", i);
		if (strcmp(err, bad[i].why) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, bad[i].why);
		assert_null(ev);
	}
	/* Nothing reached the Ultravisor. */
	assert_int_equal(uv_calls, 0);
}

static void test_se_ioctl_number(void **state)
{
	(void)state;
	/* _IOWR('u', 1, struct uvio_ioctl_cb) with a 0x40-byte struct. */
	assert_int_equal(se_ioctl_att_nr(), _IOWR('u', 1, char[0x40]));
	assert_int_equal(se_ioctl_att_nr(), 0xC0407501UL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synth_matches_python),
		cmocka_unit_test(test_snp_fields_turin_v5),
		cmocka_unit_test(test_snp_fields_genoa_v3),
		cmocka_unit_test(test_snp_fixtures),
		cmocka_unit_test(test_snp_version),
		cmocka_unit_test(test_snp_refused),
		cmocka_unit_test(test_snp_cert_chain),
		cmocka_unit_test(test_tdx_json),
		T(test_tdx_quote_ok),
		T(test_tdx_quote_refused),
		T(test_ccel),
		cmocka_unit_test(test_b64_strict),
		T(test_attester_sample),
		T(test_attester_snp),
		T(test_attester_snp_certs),
		T(test_attester_tdx),
		T(test_attester_tpm_absent),
		T(test_attester_se),
		T(test_se_challenge_refused),
		cmocka_unit_test(test_se_ioctl_number),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
