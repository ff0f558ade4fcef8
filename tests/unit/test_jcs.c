// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for init/jcs.c: Trustee's known answer (kbs-protocol.md),
 * RFC 8785's own examples of escapes and of UTF-16 member order, and the
 * values JCS refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "jcs.h"

/* The JCS of the JSON text in, compared with want (NULL: must fail with r). */
static void jcs_is(const char *in, const char *want, int r_want)
{
	struct json_object *o = json_tokener_parse(in);
	char *out = NULL;
	size_t len = 0;
	int r;

	assert_non_null(o);
	r = jcs_serialize(o, &out, &len);
	json_object_put(o);
	if (want) {
		if (r != 0)
			fail_msg("jcs(%s) failed: %d", in, r);
		if (strcmp(out, want) != 0)
			fail_msg("jcs(%s) = %s, want %s", in, out, want);
		assert_int_equal(len, strlen(want));
	} else {
		assert_int_equal(r, r_want);
		assert_null(out);
	}
	free(out);
}

static void test_trustee_known_answer(void **state)
{
	struct json_object *o = json_tokener_parse("{\"b\":1,\"a\":\"test\",\"c\":{\"d\":\"e\"}}");
	uint8_t md[48];
	unsigned int n = 0;
	char *out;
	size_t len, i;
	char hex[97];

	(void)state;
	assert_int_equal(jcs_serialize(o, &out, &len), 0);
	assert_string_equal(out, "{\"a\":\"test\",\"b\":1,\"c\":{\"d\":\"e\"}}");
	assert_int_equal(EVP_Digest(out, len, md, &n, EVP_sha384(), NULL), 1);
	for (i = 0; i < 48; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex, "e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c"
				 "4597480a186427c813ca941da78870c3");
	free(out);
	json_object_put(o);
}

static void test_strings(void **state)
{
	(void)state;
	/* Only ", \ and U+0000-U+001F are escaped; short forms where they exist. */
	jcs_is("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\"", "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\"", 0);
	jcs_is("\"quote\\\" back\\\\slash\"", "\"quote\\\" back\\\\slash\"", 0);
	/* '/' is not escaped (json-c would, without NOSLASHESCAPE). */
	jcs_is("\"a\\/b/c\"", "\"a/b/c\"", 0);
	/* U+007F and non-ASCII go out as UTF-8, not \u escapes. */
	jcs_is("\"\\u007f\\u00e9\\u20ac\\ud83d\\ude00\"", "\"\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", 0);
	jcs_is("\"\"", "\"\"", 0);
}

static void test_order_and_nesting(void **state)
{
	(void)state;
	jcs_is("{\"b\":[3,{\"z\":null,\"y\":true}],\"a\":false}",
	       "{\"a\":false,\"b\":[3,{\"y\":true,\"z\":null}]}", 0);
	jcs_is("{}", "{}", 0);
	jcs_is("[]", "[]", 0);
	jcs_is("{ \"a\" : [ 1 , 2 ] }", "{\"a\":[1,2]}", 0);
	/* RFC 8785 3.2.3: UTF-16 order puts U+1F600 (D83D DE00) before U+E000,
	 * although its UTF-8 sorts after; "\r" before "1" before "a". */
	jcs_is("{\"\\ue000\":1,\"\\ud83d\\ude00\":2,\"a\":3,\"1\":4,\"\\r\":5}",
	       "{\"\\r\":5,\"1\":4,\"a\":3,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1}", 0);
	/* A prefix sorts first. */
	jcs_is("{\"ab\":1,\"a\":2}", "{\"a\":2,\"ab\":1}", 0);
}

static void test_numbers(void **state)
{
	(void)state;
	jcs_is("[0,-1,42,9007199254740991,-9007199254740991]",
	       "[0,-1,42,9007199254740991,-9007199254740991]", 0);
	/* What ECMAScript would print differently is refused, not guessed. */
	jcs_is("[9007199254740992]", NULL, -EINVAL);
	jcs_is("[-9007199254740992]", NULL, -EINVAL);
	jcs_is("[1.5]", NULL, -EINVAL);
	jcs_is("[1e3]", NULL, -EINVAL);
	jcs_is("[18446744073709551615]", NULL, -EINVAL);
}

static void test_refusals(void **state)
{
	struct json_object *deep, *o;
	char *out = NULL;
	size_t len;
	int i;

	(void)state;
	/* A string that is not UTF-8. */
	o = json_object_new_string("\xc0\xaf");
	assert_int_equal(jcs_serialize(o, &out, &len), -EINVAL);
	json_object_put(o);
	o = json_object_new_object();
	json_object_object_add(o, "\xed\xa0\x80", json_object_new_int(1));
	assert_int_equal(jcs_serialize(o, &out, &len), -EINVAL);
	json_object_put(o);
	/* Depth: JCS_MAX_DEPTH nested arrays are fine, one more is not. */
	deep = json_object_new_array();
	for (i = 0; i < JCS_MAX_DEPTH; i++) {
		o = json_object_new_array();
		json_object_array_add(o, deep);
		deep = o;
	}
	assert_int_equal(jcs_serialize(deep, &out, &len), 0);
	free(out);
	out = NULL;
	o = json_object_new_array();
	json_object_array_add(o, deep);
	assert_int_equal(jcs_serialize(o, &out, &len), -EINVAL);
	assert_null(out);
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trustee_known_answer),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_order_and_nesting),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
