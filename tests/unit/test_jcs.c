// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/jcs.c: Trustee's known answer, RFC 8785's sorting
 * example, the vectors an independent Python JCS wrote
 * (fixtures/jwe/jcs.txt, by gen.py), escapes, UTF-16 member order, integer
 * limits, and what is refused (doubles, bad UTF-8, deep nesting).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "jcs.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

/* JCS of v, which the call takes; NULL when refused, with *r the error. */
static char *canon_r(struct json_object *v, int *r)
{
	char *out = (char *)&out;
	size_t len = 99;

	*r = jcs_serialize(v, &out, &len);
	json_object_put(v);
	if (*r < 0) {
		assert_null(out);
		assert_int_equal(len, 0);
		return NULL;
	}
	assert_int_equal(*r, 0);
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

static void assert_canon(struct json_object *v, const char *want)
{
	int r;
	char *out = canon_r(v, &r);

	if (!out)
		fail_msg("refused (%d), want %s", r, want);
	assert_string_equal(out, want);
	free(out);
}

static void assert_canon_json(const char *json, const char *want)
{
	struct json_object *v = json_tokener_parse(json);

	if (!v && strcmp(json, "null") != 0)
		fail_msg("test JSON does not parse: %s", json);
	assert_canon(v, want);
}

static void assert_refused(struct json_object *v, int want)
{
	int r;
	char *out = canon_r(v, &r);

	if (out)
		fail_msg("accepted as %s", out);
	assert_int_equal(r, want);
}

static void test_known_answer(void **state)
{
	/* The known answer in Trustee's attestation-service tests. */
	static const char want[] =
		"e71ce8e70d814ba6639c3612ebee0ff1f76f650f8dbb5e47157e0f3f525cd22c"
		"4597480a186427c813ca941da78870c3";
	struct json_object *v = json_tokener_parse("{\"b\":1,\"a\":\"test\",\"c\":{\"d\":\"e\"}}");
	uint8_t md[48];
	char hex[97];
	unsigned int n = 0, i;
	char *out;
	size_t len;

	(void)state;
	assert_non_null(v);
	assert_int_equal(jcs_serialize(v, &out, &len), 0);
	json_object_put(v);
	assert_string_equal(out, "{\"a\":\"test\",\"b\":1,\"c\":{\"d\":\"e\"}}");
	assert_int_equal(EVP_Digest(out, len, md, &n, EVP_sha384(), NULL), 1);
	assert_int_equal(n, 48);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex, want);
	free(out);
}

/* RFC 8785 3.2.3, with strings for the values. */
static void test_rfc8785_sort(void **state)
{
	(void)state;
	assert_canon_json("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\","
			  "\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\","
			  "\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
			  "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}",
			  "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
			  "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
			  "\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
			  "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* Each line of jcs.txt: JSON input, a tab, what gen.py's own JCS made of it. */
static void test_python_vectors(void **state)
{
	char line[8192], *tab, *nl;
	FILE *f = fopen(FIXTURES "/jwe/jcs.txt", "r");
	int n = 0;

	(void)state;
	if (!f)
		fail_msg("missing " FIXTURES "/jwe/jcs.txt (run gen.py)");
	while (fgets(line, sizeof(line), f)) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		assert_canon_json(line, tab + 1);
		n++;
	}
	fclose(f);
	assert_true(n >= 10);
}

static void test_escapes(void **state)
{
	static const char want[] =
		"\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
		"\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
		"\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
		" \\\"\\\\/\x7f\xc2\x80\xc3\xa9\xe2\x80\xa8\xe2\x82\xac\xf0\x9f\x98\x80 </script>\"";
	static const char tail[] = " \"\\/\x7f\xc2\x80\xc3\xa9\xe2\x80\xa8\xe2\x82\xac\xf0\x9f\x98\x80 </script>";
	char in[0x20 + sizeof(tail)];
	size_t i;

	(void)state;
	for (i = 0; i < 0x20; i++)
		in[i] = (char)i;
	memcpy(in + 0x20, tail, sizeof(tail));
	assert_canon(json_object_new_string_len(in, (int)sizeof(in) - 1), want);
	/* Short forms only for these five; the others are lower-case \u00xx. */
	assert_canon(json_object_new_string("\x1f\x1b\x0b"), "\"\\u001f\\u001b\\u000b\"");
	assert_canon(json_object_new_string("a/b\\c\"d"), "\"a/b\\\\c\\\"d\"");
	assert_canon(json_object_new_string(""), "\"\"");
	/* Keys are escaped the same way. */
	assert_canon_json("{\"a\\nb\\\"\":1,\"\\u001f/\":2}", "{\"\\u001f/\":2,\"a\\nb\\\"\":1}");
}

static void test_utf16_order(void **state)
{
	struct json_object *a = json_object_new_object(), *b = json_object_new_object();
	static const char want[] =
		"{\"\xed\x9f\xbf\":0,\"\xf0\x90\x80\x80\":1,\"\xf0\x9f\x98\x80\":2,"
		"\"\xf4\x8f\xbf\xbf\":3,\"\xee\x80\x80\":4,\"\xef\xbf\xbf\":5}";

	(void)state;
	/* U+E000 and U+1F600: UTF-8 bytes EE.. < F0.., UTF-16 units E000 > D83D. */
	json_object_object_add(a, "\xee\x80\x80", json_object_new_int(1));
	json_object_object_add(a, "\xf0\x9f\x98\x80", json_object_new_int(2));
	assert_canon(a, "{\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1}");
	/* D7FF < D800 DC00 (U+10000) < D83D < DBFF DFFF (U+10FFFF) < E000 < FFFF, in any insertion order. */
	json_object_object_add(b, "\xef\xbf\xbf", json_object_new_int(5));
	json_object_object_add(b, "\xf4\x8f\xbf\xbf", json_object_new_int(3));
	json_object_object_add(b, "\xee\x80\x80", json_object_new_int(4));
	json_object_object_add(b, "\xf0\x90\x80\x80", json_object_new_int(1));
	json_object_object_add(b, "\xed\x9f\xbf", json_object_new_int(0));
	json_object_object_add(b, "\xf0\x9f\x98\x80", json_object_new_int(2));
	assert_canon(b, want);
	/* A prefix sorts first; upper case before lower; by code unit, not locale. */
	assert_canon_json("{\"ab\":1,\"a\":2,\"B\":3,\"\":4,\"b\":5,\"\\u00e9\":6,\"aa\":7}",
			  "{\"\":4,\"B\":3,\"a\":2,\"aa\":7,\"ab\":1,\"b\":5,\"\xc3\xa9\":6}");
}

static void test_nested(void **state)
{
	(void)state;
	assert_canon_json(" { \"z\" : [ 1 , { \"y\" : [ ] , \"x\" : { } } , [ [ null ] ] ] , \"a\" : { \"c\" : true , \"b\" : false } } ",
			  "{\"a\":{\"b\":false,\"c\":true},\"z\":[1,{\"x\":{},\"y\":[]},[[null]]]}");
	assert_canon_json("{}", "{}");
	assert_canon_json("[]", "[]");
	assert_canon_json("[{},[],{\"a\":[]}]", "[{},[],{\"a\":[]}]");
	/* What the attest step hashes into the report data. */
	assert_canon_json("{\"tee-pubkey\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"ECDH-ES+A256KW\","
			  "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"},"
			  "\"nonce\":\"a+b/c=\",\"additional-evidence\":\"\"}",
			  "{\"additional-evidence\":\"\",\"nonce\":\"a+b/c=\",\"tee-pubkey\":{\"alg\":\"ECDH-ES+A256KW\","
			  "\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
			  "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}}");
}

static void test_integers(void **state)
{
	(void)state;
	assert_canon(json_object_new_int(0), "0");
	assert_canon(json_object_new_int(-1), "-1");
	assert_canon(json_object_new_int(2147483647), "2147483647");
	assert_canon(json_object_new_int64(-2147483648LL), "-2147483648");
	assert_canon(json_object_new_int64(JCS_MAX_SAFE_INT), "9007199254740991");
	assert_canon(json_object_new_int64(-JCS_MAX_SAFE_INT), "-9007199254740991");
	assert_canon(json_object_new_uint64(JCS_MAX_SAFE_INT), "9007199254740991");
	assert_canon_json("[-0,1000000,-42]", "[0,1000000,-42]");
	/* Past 2^53 ECMAScript would print a rounded double: refused, not guessed. */
	assert_refused(json_object_new_int64(JCS_MAX_SAFE_INT + 1), -EINVAL);
	assert_refused(json_object_new_int64(-JCS_MAX_SAFE_INT - 1), -EINVAL);
	assert_refused(json_object_new_int64(INT64_MAX), -EINVAL);
	assert_refused(json_object_new_int64(INT64_MIN), -EINVAL);
	assert_refused(json_object_new_uint64(UINT64_MAX), -EINVAL);
	assert_refused(json_tokener_parse("[99999999999999999999]"), -EINVAL);
}

static void test_literals(void **state)
{
	(void)state;
	assert_canon(json_object_new_boolean(1), "true");
	assert_canon(json_object_new_boolean(0), "false");
	assert_canon(NULL, "null");     /* json-c's null is the NULL pointer */
	assert_canon_json("[true,false,null,{\"n\":null}]", "[true,false,null,{\"n\":null}]");
}

static void test_doubles_refused(void **state)
{
	(void)state;
	assert_refused(json_object_new_double(1.0), -EINVAL);
	assert_refused(json_object_new_double(0.5), -EINVAL);
	assert_refused(json_tokener_parse("1.0"), -EINVAL);
	assert_refused(json_tokener_parse("[1,2e3]"), -EINVAL);
	assert_refused(json_tokener_parse("{\"a\":{\"b\":[0,-0.0]}}"), -EINVAL);
}

static void test_bad_utf8_refused(void **state)
{
	static const char *const bad[] = {
		"\xff", "\x80", "a\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80",  /* overlong, surrogate */
		"\xed\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", /* > U+10FFFF */
		"\xe2\x82", "\xf0\x9f\x98", "\xc3", "\xe2\x28\xa1",                        /* truncated */
	};
	struct json_object *o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_refused(json_object_new_string(bad[i]), -EINVAL);
		o = json_object_new_object();
		json_object_object_add(o, bad[i], json_object_new_int(1));
		assert_refused(o, -EINVAL);
		o = json_object_new_array();
		json_object_array_add(o, json_object_new_string(bad[i]));
		assert_refused(o, -EINVAL);
	}
	/* The largest code points of each length are fine. */
	assert_canon(json_object_new_string("\x7f\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf"),
		     "\"\x7f\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
}

/* depth containers, each holding the next; the innermost holds 1. */
static struct json_object *nest(int depth, int objects)
{
	struct json_object *v = json_object_new_int(1), *c;
	int i;

	for (i = 0; i < depth; i++) {
		if (objects) {
			c = json_object_new_object();
			json_object_object_add(c, "k", v);
		} else {
			c = json_object_new_array();
			json_object_array_add(c, v);
		}
		v = c;
	}
	return v;
}

static void test_depth(void **state)
{
	int r;
	char *out;

	(void)state;
	out = canon_r(nest(JCS_MAX_DEPTH, 0), &r);
	assert_non_null(out);
	assert_int_equal(strlen(out), 2 * JCS_MAX_DEPTH + 1);
	free(out);
	out = canon_r(nest(JCS_MAX_DEPTH, 1), &r);
	assert_non_null(out);
	free(out);
	assert_refused(nest(JCS_MAX_DEPTH + 1, 0), -EINVAL);
	assert_refused(nest(JCS_MAX_DEPTH + 1, 1), -EINVAL);
	assert_refused(nest(1000, 0), -EINVAL);
}

/* A long string crosses the output buffer's growth steps. */
static void test_long(void **state)
{
	size_t n = 300000, i, o = 0;
	char *s = malloc(n), *want = malloc(2 * n + 16);
	struct json_object *v = json_object_new_object();

	(void)state;
	assert_non_null(s);
	assert_non_null(want);
	o += (size_t)sprintf(want, "{\"s\":\"");
	for (i = 0; i < n; i++) {
		s[i] = i % 3 ? (char)('a' + i % 26) : '\n';
		if (s[i] == '\n') {
			want[o++] = '\\';
			want[o++] = 'n';
		} else {
			want[o++] = s[i];
		}
	}
	strcpy(want + o, "\"}");
	json_object_object_add(v, "s", json_object_new_string_len(s, (int)n));
	assert_canon(v, want);
	free(want);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_rfc8785_sort),
		cmocka_unit_test(test_python_vectors),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_utf16_order),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_doubles_refused),
		cmocka_unit_test(test_bad_utf8_refused),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
