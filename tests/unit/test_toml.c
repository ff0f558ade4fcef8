// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for init/toml.c: every TOML 1.0 string and escape form the
 * subset takes, integers, keys and tables, the rules on redefinition, and
 * each rejection with its exact line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

static struct toml_error E;

static struct toml_node *parse(const char *s)
{
	return toml_parse(s, strlen(s), &E);
}

/* The string value of key k at the top of s, exactly. */
static void expect_str(const char *s, const char *k, const char *want, size_t want_len)
{
	struct toml_node *r = parse(s);
	const char *got;
	size_t len = 0;

	if (!r)
		fail_msg("parse failed at %u:%u: %s", E.line, E.column, E.msg);
	got = toml_string(toml_get(r, k), &len);
	assert_non_null(got);
	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, want_len);
	assert_int_equal(got[len], '\0');
	toml_free(r);
}
#define STR(s, k, w) expect_str(s, k, w, sizeof(w) - 1)

/* Rejected at line:column with msg in the reason. */
static void expect_err_n(const char *s, size_t n, unsigned line, unsigned col, const char *msg)
{
	struct toml_node *r = toml_parse(s, n, &E);

	if (r) {
		toml_free(r);
		fail_msg("accepted: %s", s);
	}
	if (E.line != line || E.column != col || !strstr(E.msg, msg))
		fail_msg("want %u:%u \"%s\", got %u:%u \"%s\"", line, col, msg, E.line, E.column, E.msg);
}
#define ERR(s, l, c, m) expect_err_n(s, strlen(s), l, c, m)

static int64_t int_of(const char *s)
{
	struct toml_node *r = parse(s);
	int64_t v = 0;

	if (!r)
		fail_msg("parse failed at %u:%u: %s", E.line, E.column, E.msg);
	assert_true(toml_integer(toml_get(r, "a"), &v));
	toml_free(r);
	return v;
}

/* ---- strings ----------------------------------------------------------------- */

static void test_basic_escapes(void **state)
{
	(void)state;
	STR("a = \"x\\by\\tz\\n\\f\\r\\\"\\\\\"\n", "a", "x\by\tz\n\f\r\"\\");
	STR("a = \"\\u00e9\\u20AC\"", "a", "\xc3\xa9\xe2\x82\xac");
	STR("a = \"\\U0001F600\\U0010FFFF\"", "a", "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
	STR("a = \"\\u0000\"", "a", "\0");
	STR("a = \"\"", "a", "");
	STR("a = \"tab\there \xc3\xa9\"", "a", "tab\there \xc3\xa9");
}

static void test_bad_escapes(void **state)
{
	(void)state;
	ERR("a = \"\\q\"", 1, 6, "invalid escape \\q");
	ERR("a = \"\\x41\"", 1, 6, "invalid escape \\x");
	ERR("a = \"\\ \"", 1, 6, "invalid escape \\ ");
	ERR("a = \"\\u12\"", 1, 6, "\\u needs 4 hex digits");
	ERR("a = \"\\UD800\"", 1, 6, "\\U needs 8 hex digits");
	ERR("a = \"\\uD800\"", 1, 6, "is not a Unicode scalar value");
	ERR("a = \"\\U00110000\"", 1, 6, "is not a Unicode scalar value");
	ERR("a = \"abc", 1, 5, "unterminated string");
	ERR("a = \"ab\ncd\"", 1, 8, "newline in a single-line string");
	ERR("a = \"a\x01\"", 1, 7, "control character in a string");
	ERR("a = \"a\x7f\"", 1, 7, "control character in a string");
}

static void test_literal(void **state)
{
	(void)state;
	STR("a = 'C:\\Users\\x'", "a", "C:\\Users\\x");
	STR("a = '<\\i\\c*\\s*>'", "a", "<\\i\\c*\\s*>");
	STR("a = ''", "a", "");
	ERR("a = 'ab\ncd'", 1, 8, "newline in a single-line string");
	ERR("a = 'a\x02'", 1, 7, "control character");
	ERR("a = 'abc", 1, 5, "unterminated string");
}

static void test_multiline_basic(void **state)
{
	(void)state;
	/* The first newline is trimmed; later ones are kept. */
	STR("a = \"\"\"\nRoses\nViolets\"\"\"", "a", "Roses\nViolets");
	STR("a = \"\"\"\r\nx\r\ny\"\"\"", "a", "x\r\ny");
	/* Line-ending backslash eats the newline and all blanks after. */
	STR("a = \"\"\"\nThe \\\n\n    quick \\   \n  fox\"\"\"", "a", "The quick fox");
	/* One or two quotes may end the content. */
	STR("a = \"\"\"x\"\"\"\"", "a", "x\"");
	STR("a = \"\"\"x\"\"\"\"\"", "a", "x\"\"");
	STR("a = \"\"\"Here are two quotation marks: \"\". Simple.\"\"\"", "a",
	    "Here are two quotation marks: \"\". Simple.");
	STR("a = \"\"\"\\u00e9\\t\"\"\"", "a", "\xc3\xa9\t");
	ERR("a = \"\"\"x\"\"\"\"\"\"", 1, 9, "too many quotes");
	ERR("a = \"\"\"abc", 1, 5, "unterminated string");
	ERR("a = \"\"\"a\x1f\"\"\"", 1, 9, "control character");
	ERR("a = \"\"\"a\\q\"\"\"", 1, 9, "invalid escape \\q");
}

static void test_multiline_literal(void **state)
{
	(void)state;
	STR("a = '''\nI [dw]on't need \\d{2} apples'''", "a", "I [dw]on't need \\d{2} apples");
	STR("a = '''\nline1\n  line2\\\n'''", "a", "line1\n  line2\\\n");
	STR("a = '''x''''", "a", "x'");
	STR("a = ''''That,' she said, 'is still pointless.''''", "a",
	    "'That,' she said, 'is still pointless.'");
	ERR("a = '''x''''''", 1, 9, "too many quotes");
	ERR("a = '''abc\n", 1, 5, "unterminated string");
}

/* ---- integers and booleans --------------------------------------------------- */

static void test_integers(void **state)
{
	(void)state;
	assert_int_equal(int_of("a = 42"), 42);
	assert_int_equal(int_of("a = +17"), 17);
	assert_int_equal(int_of("a = -17"), -17);
	assert_int_equal(int_of("a = 0"), 0);
	assert_int_equal(int_of("a = -0"), 0);
	assert_int_equal(int_of("a = 1_000_000"), 1000000);
	assert_int_equal(int_of("a = 0xDEADbeef"), 0xdeadbeef);
	assert_int_equal(int_of("a = 0xdead_beef"), 0xdeadbeef);
	assert_int_equal(int_of("a = 0o755"), 0755);
	assert_int_equal(int_of("a = 0b1101_0110"), 0xd6);
	assert_true(int_of("a = 9223372036854775807") == INT64_MAX);
	assert_true(int_of("a = -9223372036854775808") == INT64_MIN);
	assert_true(int_of("a = 0x7fffffffffffffff") == INT64_MAX);
}

static void test_bad_integers(void **state)
{
	(void)state;
	ERR("a = 9223372036854775808", 1, 5, "integer out of range");
	ERR("a = -9223372036854775809", 1, 5, "integer out of range");
	ERR("a = 0x8000000000000000", 1, 5, "integer out of range");
	ERR("a = 012", 1, 5, "leading zeros");
	ERR("a = 1__2", 1, 6, "underscore must sit between two digits");
	ERR("a = _1", 1, 5, "invalid value");
	ERR("a = 1_", 1, 6, "underscore must sit between two digits");
	ERR("a = 0x_1", 1, 7, "underscore must sit between two digits");
	ERR("a = +0x1", 1, 5, "a sign is not allowed");
	ERR("a = 0x", 1, 5, "integer without digits");
	ERR("a = 0b102", 1, 9, "invalid digit");
	ERR("a = 0o8", 1, 7, "invalid digit");
	ERR("a = 0XFF", 1, 6, "invalid digit");
	ERR("a = 12abc", 1, 7, "invalid digit");
}

static void test_booleans(void **state)
{
	struct toml_node *r;
	bool b = true;

	(void)state;
	r = parse("t = true\nf = false\n");
	assert_non_null(r);
	assert_true(toml_boolean(toml_get(r, "t"), &b) && b);
	assert_true(toml_boolean(toml_get(r, "f"), &b) && !b);
	/* Wrong-type accessors say no. */
	assert_false(toml_integer(toml_get(r, "t"), &(int64_t){ 0 }));
	assert_null(toml_string(toml_get(r, "t"), &(size_t){ 0 }));
	toml_free(r);
	ERR("a = True", 1, 5, "invalid value");
	ERR("a = truex", 1, 5, "invalid value");
}

static void test_unsupported(void **state)
{
	(void)state;
	ERR("a = 3.14", 1, 5, "floats are outside");
	ERR("a = 1e6", 1, 5, "floats are outside");
	ERR("a = -inf", 1, 5, "floats are outside");
	ERR("a = nan", 1, 5, "floats are outside");
	ERR("a = 1979-05-27", 1, 5, "dates and times are outside");
	ERR("a = 07:32:00", 1, 5, "dates and times are outside");
	ERR("a = 1979-05-27T07:32:00Z", 1, 5, "dates and times are outside");
	ERR("a = { x = 1 }", 1, 5, "inline tables are outside");
	ERR("a = [1, 2]", 1, 6, "arrays of non-strings are outside");
	ERR("a = [\"x\", 1]", 1, 11, "arrays of non-strings are outside");
	ERR("a = [[\"x\"]]", 1, 6, "arrays of non-strings are outside");
}

/* ---- arrays ---------------------------------------------------------------------- */

static void test_arrays(void **state)
{
	struct toml_node *r;
	const struct toml_node *a;
	size_t len;

	(void)state;
	r = parse("a = [\n  \"x\", # one\n  'y',\n  \"\"\"z\"\"\", # three\n]\ne = []\n");
	if (!r)
		fail_msg("%u:%u %s", E.line, E.column, E.msg);
	a = toml_get(r, "a");
	assert_int_equal(toml_type(a), TOML_ARRAY);
	assert_int_equal(toml_count(a), 3);
	assert_string_equal(toml_string(toml_at(a, 0), &len), "x");
	assert_string_equal(toml_string(toml_at(a, 1), &len), "y");
	assert_string_equal(toml_string(toml_at(a, 2), &len), "z");
	assert_null(toml_at(a, 3));
	assert_int_equal(toml_count(toml_get(r, "e")), 0);
	toml_free(r);
	ERR("a = [\"x\" \"y\"]", 1, 10, "expected ',' or ']'");
	ERR("a = [\"x\",,]", 1, 10, "arrays of non-strings");
	ERR("a = [\"x\"", 1, 5, "unterminated array");
	ERR("a = [\"x\"] x", 1, 11, "expected a newline after a value");
}

/* ---- keys and tables --------------------------------------------------------------- */

static void test_keys(void **state)
{
	struct toml_node *r;
	const struct toml_node *t;
	const char *k;
	size_t len;
	int64_t v;

	(void)state;
	r = parse("bare_key-1 = 1\n\"quoted key\" = 2\n'lit.key' = 3\n"
		  "a . b . \"c\" = 4\n\"\" = 5\n\"nul\\u0000x\" = 6\n1234 = 7\n");
	if (!r)
		fail_msg("%u:%u %s", E.line, E.column, E.msg);
	assert_int_equal(toml_count(r), 7);
	assert_true(toml_integer(toml_get(r, "quoted key"), &v) && v == 2);
	assert_true(toml_integer(toml_get(r, "lit.key"), &v) && v == 3);
	t = toml_get(toml_get(r, "a"), "b");
	assert_true(toml_integer(toml_get(t, "c"), &v) && v == 4);
	assert_true(toml_integer(toml_get(r, ""), &v) && v == 5);
	k = toml_key(r, 5, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(k, "nul\0x", 5);
	assert_true(toml_integer(toml_get(r, "1234"), &v) && v == 7);
	/* Document order. */
	assert_string_equal(toml_key(r, 0, &len), "bare_key-1");
	toml_free(r);
	ERR("a b = 1", 1, 3, "expected '=' after a key");
	ERR("= 1", 1, 1, "invalid character '=' in a key");
	ERR("a. = 1", 1, 4, "invalid character '=' in a key");
	ERR("a =", 1, 4, "expected a value");
	ERR("a = # c", 1, 5, "expected a value");
	ERR("'''k''' = 1", 1, 1, "multi-line strings cannot be keys");
	ERR("\xc3\xa9 = 1", 1, 1, "invalid character in a key");
}

static void test_tables(void **state)
{
	struct toml_node *r;
	const struct toml_node *t;
	size_t len;
	int64_t v;

	(void)state;
	r = parse("[a.b]\nx = 1\n[a]\ny = 2\n[ c . \"d e\" ] # comment\nz = 3\n"
		  "[f]\ng.h = 4\n[f.g.i]\nj = 5\n");
	if (!r)
		fail_msg("%u:%u %s", E.line, E.column, E.msg);
	t = toml_get(r, "a");
	assert_true(toml_integer(toml_get(toml_get(t, "b"), "x"), &v) && v == 1);
	assert_true(toml_integer(toml_get(t, "y"), &v) && v == 2);
	assert_true(toml_integer(toml_get(toml_get(toml_get(r, "c"), "d e"), "z"), &v) && v == 3);
	t = toml_get(toml_get(toml_get(r, "f"), "g"), "i");
	assert_true(toml_integer(toml_get(t, "j"), &v) && v == 5);
	assert_null(toml_key(t, 1, &len));
	toml_free(r);
}

static void test_table_arrays(void **state)
{
	struct toml_node *r;
	const struct toml_node *a;
	size_t len;
	int64_t v;

	(void)state;
	r = parse("[[resource]]\nuri = \"kbs:///a/b/c\"\npath = \"c.key\"\n"
		  "[[resource]]\nuri = \"kbs:///d/e/f\"\n[resource.opts]\nn = 1\n");
	if (!r)
		fail_msg("%u:%u %s", E.line, E.column, E.msg);
	a = toml_get(r, "resource");
	assert_int_equal(toml_type(a), TOML_TABLE_ARRAY);
	assert_int_equal(toml_count(a), 2);
	assert_string_equal(toml_string(toml_get(toml_at(a, 0), "path"), &len), "c.key");
	assert_null(toml_get(toml_at(a, 0), "opts"));
	/* [resource.opts] went into the last element. */
	assert_true(toml_integer(toml_get(toml_get(toml_at(a, 1), "opts"), "n"), &v) && v == 1);
	toml_free(r);
}

static void test_redefinition(void **state)
{
	(void)state;
	ERR("a = 1\na = 2\n", 2, 1, "duplicate key \"a\"");
	ERR("a.b = 1\na.b = 2\n", 2, 1, "duplicate key \"a.b\"");
	ERR("\"a\" = 1\na = 2\n", 2, 1, "duplicate key \"a\"");
	ERR("[a]\n[a]\n", 2, 1, "table [a] defined twice");
	ERR("[a]\nb = 1\n[a.b]\n", 3, 1, "table [a.b] defined twice");
	ERR("a.b = 1\n[a]\n", 2, 1, "was already defined by dotted keys");
	ERR("[a]\nb.c = 1\n[a.b]\n", 3, 1, "was already defined by dotted keys");
	ERR("[a.b.c]\nz = 1\n[a]\nb.c.t = 2\n", 4, 1, "key \"b\" is already defined");
	ERR("[a]\nb = 1\n[a.b.c]\n", 3, 4, "a part of its name is already a value");
	ERR("a = 1\na.b = 2\n", 2, 1, "key \"a\" is already defined");
	ERR("[[a]]\n[a]\n", 2, 1, "table [a] defined twice");
	ERR("[a]\n[[a]]\n", 2, 1, "[[a]]: the name is already used");
	ERR("a = []\n[[a]]\n", 2, 1, "[[a]]: the name is already used");
	ERR("[[a.b]]\n[a]\nb.y = 2\n", 3, 1, "key \"b\" is already defined");
}

/* ---- documents ------------------------------------------------------------------------ */

static void test_initdata_doc(void **state)
{
	static const char doc[] =
		"version = \"0.1.0\"\n"
		"algorithm = \"sha384\"\n"
		"[data]\n"
		"\"aa.toml\" = '''\n"
		"[token_configs]\n"
		"[token_configs.coco_as]\n"
		"url = \"http://127.0.0.1:8080\"\n"
		"\n"
		"[token_configs.kbs]\n"
		"url = \"http://127.0.0.1:8080\"\n"
		"cert = \"\"\"\n"
		"-----BEGIN CERTIFICATE-----\n"
		"MIIBfake\n"
		"-----END CERTIFICATE-----\n"
		"\"\"\"\n"
		"'''\n"
		"\"cdh.toml\" = '''\n"
		"socket = 'unix:///run/confidential-containers/cdh.sock'\n"
		"credentials = []\n"
		"[kbc]\n"
		"name = \"cc_kbc\"\n"
		"url = \"http://127.0.0.1:8080\"\n"
		"kbs_cert = \"\"\n"
		"'''\n";
	struct toml_node *r, *aa;
	const char *s;
	size_t len;

	(void)state;
	r = parse(doc);
	assert_non_null(r);
	s = toml_string(toml_get(toml_get(r, "data"), "aa.toml"), &len);
	assert_non_null(s);
	assert_memory_equal(s, "[token_configs]\n[token_configs.coco_as]\n", 40);
	aa = toml_parse(s, len, &E);
	assert_non_null(aa);
	s = toml_string(toml_get(toml_get(toml_get(aa, "token_configs"), "kbs"), "cert"), &len);
	assert_string_equal(s, "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n");
	toml_free(aa);
	toml_free(r);
}

static void test_comments_and_blank_lines(void **state)
{
	struct toml_node *r;

	(void)state;
	r = parse("# top\n\n   \t\n[t] # c\n# x \xc3\xa9\ta\r\nk = \"v\" #\n");
	assert_non_null(r);
	toml_free(r);
	r = parse("");
	assert_non_null(r);
	assert_int_equal(toml_count(r), 0);
	toml_free(r);
	ERR("# a\x01\n", 1, 4, "control character in a comment");
	ERR("# a\x7f\n", 1, 4, "control character in a comment");
	ERR("[t] x\n", 1, 5, "expected a newline after a table header");
	ERR("[t\n", 1, 3, "expected ']' to close the table header");
	ERR("[[t]\n", 1, 4, "expected ']]' to close the table header");
}

static void test_bytes(void **state)
{
	(void)state;
	expect_err_n("a = 1\nb = \"x\0\"", 13, 2, 7, "NUL byte");
	ERR("a = 1\rb = 2", 1, 6, "carriage return not followed by a line feed");
	ERR("a = \"\xc0\xaf\"", 1, 6, "invalid UTF-8");          /* overlong '/' */
	ERR("a = \"\xe0\x80\xaf\"", 1, 6, "invalid UTF-8");      /* overlong, 3 bytes */
	ERR("a = \"\xed\xa0\x80\"", 1, 6, "invalid UTF-8");      /* surrogate U+D800 */
	ERR("a = \"\xf4\x90\x80\x80\"", 1, 6, "invalid UTF-8");  /* > U+10FFFF */
	ERR("a = 1\nb = \"\xe2\x82\"", 2, 6, "invalid UTF-8");   /* truncated */
	ERR("a = \"\x80\"", 1, 6, "invalid UTF-8");              /* lone continuation */
	ERR("\xe2\x82", 1, 1, "invalid UTF-8");                  /* truncated at the end */
}

static void test_limits(void **state)
{
	char *big;
	size_t i, n;

	(void)state;
	/* TOML_MAX_ENTRIES keys parse; one more does not. */
	big = malloc(16 * (TOML_MAX_ENTRIES + 2));
	n = 0;
	for (i = 0; i < TOML_MAX_ENTRIES; i++)
		n += (size_t)sprintf(big + n, "k%zu = 1\n", i);
	{
		struct toml_node *r = toml_parse(big, n, &E);

		assert_non_null(r);
		assert_int_equal(toml_count(r), TOML_MAX_ENTRIES);
		toml_free(r);
	}
	n += (size_t)sprintf(big + n, "k%d = 1\n", TOML_MAX_ENTRIES);
	expect_err_n(big, n, TOML_MAX_ENTRIES + 1, 1, "more than 4096 entries");
	free(big);
	/* 32 key parts parse; 33 do not. */
	big = malloc(4 * 64);
	n = 0;
	for (i = 0; i < TOML_MAX_DEPTH; i++)
		n += (size_t)sprintf(big + n, "%sk", i ? "." : "");
	n += (size_t)sprintf(big + n, " = 1\n");
	{
		struct toml_node *r = toml_parse(big, n, &E);

		assert_non_null(r);
		toml_free(r);
	}
	memmove(big + 2, big, n + 1);
	memcpy(big, "k.", 2);
	expect_err_n(big, n + 2, 1, 2 * TOML_MAX_DEPTH + 1, "more than 32 parts in one key");
	free(big);
	/* The input cap. */
	big = calloc(1, TOML_MAX_INPUT + 1);
	memset(big, '#', TOML_MAX_INPUT + 1);
	expect_err_n(big, TOML_MAX_INPUT + 1, 1, 1, "document longer than 1048576 bytes");
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_escapes),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_multiline_basic),
		cmocka_unit_test(test_multiline_literal),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_bad_integers),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_arrays),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_table_arrays),
		cmocka_unit_test(test_redefinition),
		cmocka_unit_test(test_initdata_doc),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
