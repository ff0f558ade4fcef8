// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/kbs_reply.c, what the init reads of KBS replies: the
 * challenge, the token, Trustee's error JSON, the session cookie; and for
 * where the report data goes per TEE (tee_report_data(), init/tee.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kbs_reply.h"
#include "tee.h"

static char err[256];

#define S(x) x, sizeof(x) - 1

static void test_challenge(void **state)
{
	char *nonce = NULL;
	static char big[65600];

	(void)state;
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"abc+/=\",\"extra-params\":\"\"}"), &nonce,
					     err, sizeof(err)), 0);
	assert_string_equal(nonce, "abc+/=");
	free(nonce);
	/* The nonce is opaque: SE sends JSON in it. */
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"{\\\"a\\\":1}\"}"), &nonce, err, sizeof(err)), 0);
	assert_string_equal(nonce, "{\"a\":1}");
	free(nonce);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":5}"), &nonce, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "challenge has no string nonce");
	assert_null(nonce);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"\"}"), &nonce, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(S("[\"nonce\"]"), &nonce, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "reply is not a JSON object");
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"a\"} trailing"), &nonce, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"a\""), &nonce, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(S("{\"nonce\":\"a\0\"}"), &nonce, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge("", 0, &nonce, err, sizeof(err)), -EINVAL);
	assert_int_equal(kbs_parse_challenge(NULL, 0, &nonce, err, sizeof(err)), -EINVAL);
	memcpy(big, "{\"nonce\":\"", 10);
	/* 64 KiB: room for an SE request (an ARCB in JSON); one more is refused. */
	memset(big + 10, 'a', 65536);
	memcpy(big + 65546, "\"}", 3);
	assert_int_equal(kbs_parse_challenge(big, strlen(big), &nonce, err, sizeof(err)), 0);
	assert_int_equal(strlen(nonce), 65536);
	free(nonce);
	memset(big + 10, 'a', 65537);
	memcpy(big + 65547, "\"}", 3);
	assert_int_equal(kbs_parse_challenge(big, strlen(big), &nonce, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "challenge nonce of 65537 characters");
	/* Nesting beyond the cap is refused, not recursed into. */
	assert_int_equal(kbs_parse_challenge(S("{\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],\"nonce\":\"a\"}"),
					     &nonce, err, sizeof(err)), -EINVAL);
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
	/* TPM: zero-padded to 64 as well (the quote's qualifying data, which
	 * Trustee's tpm verifier compares with the report data padded to 64). */
	memset(out, 0xee, sizeof(out));
	assert_int_equal(tee_report_data(tee_by_name("tpm"), d, 48, out), 64);
	assert_memory_equal(out, d, 48);
	for (i = 48; i < 64; i++)
		assert_int_equal(out[i], 0);
	/* SE: its SHA-512 fills the 64 bytes. */
	assert_int_equal(tee_report_data(tee_by_name("se"), d, 64, out), 64);
	assert_memory_equal(out, d, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_error_name),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_report_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
