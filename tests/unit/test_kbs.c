// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/kbs_reply.c, what the init reads of KBS replies: the
 * challenge, the token, Trustee's error JSON, the session cookie; for
 * where the report data goes per TEE (tee_report_data(), init/tee.c); and
 * for the whole report-data chain of the attest step (attest_report_data(),
 * init/attest.c: runtime data -> JCS -> hash -> placement) against bytes
 * computed independently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "attest.h"
#include "hex.h"
#include "kbs_reply.h"
#include "tee.h"

static char err[256];

#define S(x) x, sizeof(x) - 1

static void test_challenge(void **state)
{
	char *nonce = NULL, hash[KBS_HASH_NAME];
	static char big[65600];

	(void)state;
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"abc+/=\",\"extra-params\":\"\"}"), &nonce,
					     hash, err, sizeof(err)), 0);
	assert_string_equal(nonce, "abc+/=");
	assert_string_equal(hash, "");
	free(nonce);
	/*
	 * selected-hash-algorithm: Trustee sets it for se only (sha512;
	 * kbs/src/attestation/mod.rs generate_extra_params, trustee 78962cd4);
	 * guest-components lower-cases it and takes sha256/384/512
	 * (kbs_protocol/src/client/rcar_client.rs get_hash_algorithm, 8246e5e0).
	 */
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"n\",\"extra-params\":{\"selected-hash-algorithm\":\"sha512\"}}"),
					     &nonce, hash, err, sizeof(err)), 0);
	assert_string_equal(hash, "sha512");
	free(nonce);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"n\",\"extra-params\":{\"selected-hash-algorithm\":\"SHA256\"}}"),
					     &nonce, hash, err, sizeof(err)), 0);
	assert_string_equal(hash, "sha256");
	free(nonce);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"n\",\"extra-params\":{\"other\":1}}"),
					     &nonce, hash, err, sizeof(err)), 0);
	assert_string_equal(hash, "");
	free(nonce);
	static const char *const bad_sel[] = { "\"sha1\"", "\"\"", "\"sha3-384\"", "\"sha384 \"",
					       "\"sha-384\"", "\"sha5120\"", "384", "null" };
	for (size_t i = 0; i < sizeof(bad_sel) / sizeof(bad_sel[0]); i++) {
		char body[160];

		snprintf(body, sizeof(body), "{\"nonce\":\"n\",\"extra-params\":{\"selected-hash-algorithm\":%s}}",
			 bad_sel[i]);
		if (kbs_parse_challenge(body, strlen(body), &nonce, hash, err, sizeof(err)) != -EINVAL ||
		    nonce != NULL || strncmp(err, "challenge select", 16) != 0)
			fail_msg("%s: %s", bad_sel[i], err);
	}
	/* The nonce is opaque: SE sends JSON in it. */
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"{\\\"a\\\":1}\"}"), &nonce, NULL, err, sizeof(err)), 0);
	assert_string_equal(nonce, "{\"a\":1}");
	free(nonce);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":5}"), &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "challenge has no string nonce");
	assert_null(nonce);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"\"}"), &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(S("[\"nonce\"]"), &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "reply is not a JSON object");
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"a\"} trailing"), &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"a\""), &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"a\0\"}"), &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge("", 0, &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(NULL, 0, &nonce, NULL, err, sizeof(err)), -EINVAL);
	memcpy(big, "{\"nonce\":\"", 10);
	/* 64 KiB: room for an SE request (an ARCB in JSON); one more is refused. */
	memset(big + 10, 'a', 65536);
	memcpy(big + 65546, "\"}", 3);
	assert_int_equal(kbs_parse_challenge(big, strlen(big), &nonce, NULL, err, sizeof(err)), 0);
	assert_int_equal(strlen(nonce), 65536);
	free(nonce);
	memset(big + 10, 'a', 65537);
	memcpy(big + 65547, "\"}", 3);
	assert_int_equal(kbs_parse_challenge(big, strlen(big), &nonce, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "challenge nonce of 65537 characters");
	/* Nesting beyond the cap is refused, not recursed into. */
	assert_int_equal(kbs_parse_challenge(S("{\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],\"nonce\":\"a\"}"),
					     &nonce, NULL, err, sizeof(err)), -EINVAL);
}

static void test_token(void **state)
{
	(void)state;
	assert_int_equal(kbs_parse_token(S("{\"token\":\"eyJ.a.b\"}"), err, sizeof(err)), 0);
	assert_int_equal(kbs_parse_token(S("{\"token\":\"\"}"), err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "attest reply has no token");
	assert_int_equal(kbs_parse_token(S("{\"tok\":\"x\"}"), err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_token(S("not json"), err, sizeof(err)), -EINVAL);
}

static void test_error_name(void **state)
{
	char name[64];

	(void)state;
	kbs_error_name(S("{\"type\":\"https://github.com/confidential-containers/kbs/errors/PolicyDeny\","
			 "\"detail\":\"x\"}"), name, sizeof(name));
	assert_string_equal(name, "PolicyDeny");
	/* Only letters and digits reach the log line. */
	kbs_error_name(S("{\"type\":\"a/Bad\\nName\\u001b[31m\"}"), name, sizeof(name));
	assert_string_equal(name, "BadName31m");
	kbs_error_name(S("garbage"), name, sizeof(name));
	assert_string_equal(name, "");
	kbs_error_name(NULL, 0, name, sizeof(name));
	assert_string_equal(name, "");
}

static void test_cookie(void **state)
{
	char c[KBS_COOKIE_MAX], big[300];

	(void)state;
	assert_int_equal(kbs_parse_set_cookie(S("Set-Cookie: kbs-session-id=0d1e-2f; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\n"), c), 1);
	assert_string_equal(c, "0d1e-2f");
	assert_int_equal(kbs_parse_set_cookie(S("set-cookie:kbs-session-id=abc\r\n"), c), 1);
	assert_string_equal(c, "abc");
	assert_int_equal(kbs_parse_set_cookie(S("Set-Cookie: other=1\r\n"), c), 0);
	assert_int_equal(kbs_parse_set_cookie(S("X-Set-Cookie: kbs-session-id=abc\r\n"), c), 0);
	assert_int_equal(kbs_parse_set_cookie(S("Content-Type: application/json\r\n"), c), 0);
	assert_int_equal(kbs_parse_set_cookie(S("Set-Cookie: kbs-session-id=; x\r\n"), c), -EINVAL);
	assert_int_equal(kbs_parse_set_cookie(S("Set-Cookie: kbs-session-id=a b\r\n"), c), -EINVAL);
	assert_int_equal(kbs_parse_set_cookie(S("Set-Cookie: kbs-session-id=a\"b\r\n"), c), -EINVAL);
	memcpy(big, "Set-Cookie: kbs-session-id=", 27);
	memset(big + 27, 'a', 200);
	assert_int_equal(kbs_parse_set_cookie(big, 227, c), -EINVAL);
	/* Exactly what fits. */
	assert_int_equal(kbs_parse_set_cookie(big, 27 + KBS_COOKIE_MAX - 1, c), 1);
	assert_int_equal(strlen(c), KBS_COOKIE_MAX - 1);
}

static void test_report_data(void **state)
{
	uint8_t d[64], out[64];
	size_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		d[i] = (uint8_t)(i + 1);
	/* sample: exactly the 48 bytes of the SHA-384. */
	assert_int_equal(tee_report_data(tee_by_name("sample"), d, 48, out), 48);
	assert_memory_equal(out, d, 48);
	/* TDX, SNP: zero-padded to 64. */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(tee_report_data(tee_by_name("snp"), d, 48, out), 64);
	assert_memory_equal(out, d, 48);
	for (i = 48; i < 64; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(tee_report_data(tee_by_name("tdx"), d, 48, out), 64);
	assert_memory_equal(out, d, 48);
	/* TPM: cut to 32 (the quote's qualifying data; guest-components'
	 * attester and Trustee's tpm verifier resize to TPM_REPORT_DATA_SIZE
	 * = 32: guest-components 79554cf8, trustee 7c390d7a). */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(tee_report_data(tee_by_name("tpm"), d, 48, out), 32);
	assert_memory_equal(out, d, 32);
	assert_int_equal(out[32], 0xee);
	/* SE: its SHA-512 fills the 64 bytes. */
	assert_int_equal(tee_report_data(tee_by_name("se"), d, 64, out), 64);
	assert_memory_equal(out, d, 64);
}

/*
 * The report data a Trustee KBS expects, computed outside this code base.
 * The rule (confidential-containers/trustee, main at commit
 * 78962cd416dcc8a32f9377e0066a28fe21420f69):
 * - kbs/src/attestation/backend.rs, AttestationService::__attest(): the
 *   primary evidence's runtime data is the JSON object
 *   {"tee-pubkey": <the JWK>, "nonce": <the challenge's nonce>,
 *    "additional-evidence": <tee-evidence.additional_evidence, "" here>};
 * - kbs/src/attestation/coco/builtin.rs, verify(): hashed with SHA-512 for
 *   se, SHA-384 for every other TEE;
 * - attestation-service/src/lib.rs, parse_runtime_data(): the hash is over
 *   serde_json_canonicalizer::to_vec() of it, the RFC 8785 JCS;
 * - deps/verifier/src/lib.rs, regularize_data(): zero-padded (or cut) to 64
 *   bytes for snp (snp/mod.rs) and tdx (tdx/mod.rs), and for se
 *   (se/ibmse.rs, SE_REPORT_DATA_SIZE 64, where SHA-512 fills it);
 *   sample/mod.rs compares the bare hash, 48 bytes.
 * deps/verifier/src/tpm/mod.rs, verify_nonce(): resized (cut) to
 *   TPM_REPORT_DATA_SIZE = 32 bytes for tpm.
 *
 * Expected values from Python 3's json and hashlib (json.dumps with
 * sort_keys and no spaces is the JCS of objects of ASCII strings):
 *   python3 -c 'import json,hashlib
 *   jwk={"kty":"EC","crv":"P-256","alg":"ECDH-ES+A256KW",
 *        "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
 *        "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
 *   for h,n in (("sha384","q+8/Zm9vYmFyX25vbmNlXzMyX2J5dGVzIQ=="),
 *               ("sha512","{\"nonce\":\"AQID\",\"image_phkh\":\"00ff\"}")):
 *     c=json.dumps({"nonce":n,"tee-pubkey":jwk,"additional-evidence":""},
 *                  sort_keys=True,separators=(",",":"),ensure_ascii=False).encode()
 *     print(c.decode()); print(hashlib.new(h,c).hexdigest())'
 * The first nonce has '/' and '+' (no escaping in JCS; json-c's default
 * would write "\/"), the second is the JSON string se's challenge carries.
 */
#define RD_JWK_X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define RD_JWK_Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
#define RD_NONCE "q+8/Zm9vYmFyX25vbmNlXzMyX2J5dGVzIQ=="
#define RD_NONCE_SE "{\"nonce\":\"AQID\",\"image_phkh\":\"00ff\"}"
/* JCS: {"additional-evidence":"","nonce":"q+8/Zm9v...IQ==","tee-pubkey":{"alg":
 * "ECDH-ES+A256KW","crv":"P-256","kty":"EC","x":"f83O...VEU","y":"x_FE...5a0"}} */
#define RD_SHA384_32 "d3a0db71d6869f55d532fbc75d6fac92b713f1168c50d69084bb63d84b9de399"
#define RD_SHA384 RD_SHA384_32 "a99079fae1b3a72c97fbd059086fd504"
#define RD_SHA512 "731510cee2741c6f0f60a63e2a0f5c3eba3ea665f85605ec0468f97da8e0d59e" \
		  "142ce81ad40b7ab3bdc15da13d8951ffd10b686b8a880fb78bcfd67c54a6885a"
#define RD_SHA256 "df1723566c5060a0d1b93ecf49b675f62e68a9050c7ed47fa6ae4a65a74e47f2"
#define RD_SHA512_SE "fb7eecec4f43d87b37ee31f5d42b75b577a70fd6ba016585df87b0e730d3d84a" \
		     "9fc8b00f94b94040ed9264bc750938dc6d5385508ddc7b27d1d706aa07284ec1"

/* The JWK as make_key() builds it, members in its (not sorted) order. */
static struct json_object *rd_jwk(void)
{
	struct json_object *j = json_object_new_object();

	assert_non_null(j);
	json_object_object_add(j, "kty", json_object_new_string("EC"));
	json_object_object_add(j, "crv", json_object_new_string("P-256"));
	json_object_object_add(j, "alg", json_object_new_string("ECDH-ES+A256KW"));
	json_object_object_add(j, "x", json_object_new_string(RD_JWK_X));
	json_object_object_add(j, "y", json_object_new_string(RD_JWK_Y));
	return j;
}

/* attest_report_data() for the TEE name: the placed bytes must be want_hex. */
static void check_report_data(const char *tee, const char *sel, const char *nonce,
			      const char *hash_hex, const char *want_hex)
{
	struct json_object *jwk = rd_jwk();
	uint8_t digest[EVP_MAX_MD_SIZE], rd[64];
	char got[2 * EVP_MAX_MD_SIZE + 1];
	const char *what = NULL;
	size_t dlen = 0;
	int n;

	memset(rd, 0xee, sizeof(rd));
	n = attest_report_data(tee_by_name(tee), sel, nonce, jwk, digest, &dlen, rd, &what);
	json_object_put(jwk);
	/* The bare hash. */
	assert_int_equal(dlen, strlen(hash_hex) / 2);
	hex_encode(digest, dlen, got);
	assert_string_equal(got, hash_hex);
	/* What goes into the evidence. */
	assert_int_equal(n, (int)strlen(want_hex) / 2);
	hex_encode(rd, (size_t)n, got);
	assert_string_equal(got, want_hex);
}

#define ZERO16 "00000000000000000000000000000000"

static void test_report_data_known_answer(void **state)
{
	(void)state;
	/* snp, tdx: SHA-384, 48 bytes, zero-padded to 64. */
	check_report_data("snp", NULL, RD_NONCE, RD_SHA384, RD_SHA384 ZERO16);
	check_report_data("tdx", NULL, RD_NONCE, RD_SHA384, RD_SHA384 ZERO16);
	/* sample: the 48 bytes as they are. */
	check_report_data("sample", NULL, RD_NONCE, RD_SHA384, RD_SHA384);
	/* tpm: the first 32 bytes of the SHA-384 (verify_nonce in trustee
	 * deps/verifier/src/tpm/mod.rs resizes to TPM_REPORT_DATA_SIZE = 32). */
	check_report_data("tpm", NULL, RD_NONCE, RD_SHA384, RD_SHA384_32);
	/* se: SHA-512, all of its 64 bytes. */
	check_report_data("se", NULL, RD_NONCE_SE, RD_SHA512_SE, RD_SHA512_SE);
	/* The challenge's selected-hash-algorithm wins, as guest-components
	 * follows it (rcar_client.rs get_hash_algorithm): the same JCS under
	 * hashlib.sha512 and hashlib.sha256 (the command above). */
	check_report_data("snp", "sha512", RD_NONCE, RD_SHA512, RD_SHA512);
	check_report_data("tdx", "sha256", RD_NONCE, RD_SHA256, RD_SHA256 ZERO16 ZERO16);
	check_report_data("tpm", "sha256", RD_NONCE, RD_SHA256, RD_SHA256);
	check_report_data("snp", "", RD_NONCE, RD_SHA384, RD_SHA384 ZERO16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_error_name),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_report_data),
		cmocka_unit_test(test_report_data_known_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
