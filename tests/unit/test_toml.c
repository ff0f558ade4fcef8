// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/toml.c: every string form and escape, integers,
 * keys, tables and arrays of tables with TOML 1.0's redefinition rules,
 * arrays of strings, the limits, and rejections with their exact line,
 * column and reason. Every document is parsed from an exact-size heap copy
 * that is freed right after, so ASan and valgrind see any overread and any
 * pointer the tree keeps into the input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

static struct toml_error err;

static struct toml_node *parse_len(const char *s, size_t len)
{
	char *copy = malloc(len ? len : 1);
	struct toml_node *t;

	assert_non_null(copy);
	memcpy(copy, s, len);
	memset(&err, 0x55, sizeof(err));
	t = toml_parse(copy, len, &err);
	free(copy);
	return t;
}

static struct toml_node *accept_len(const char *s, size_t len, int src_line)
{
	struct toml_node *t = parse_len(s, len);

	if (!t) {
		print_error("line %d: rejected at %u:%u: %s\n", src_line, err.line, err.column,
			    err.msg);
		fail();
	}
	return t;
}

/* The document is rejected at line:col with a reason holding sub. */
static void reject_len(const char *s, size_t len, unsigned line, unsigned col, const char *sub,
		       int src_line)
{
	struct toml_node *t = parse_len(s, len);
	size_t n;

	if (t || err.line != line || err.column != col || !strstr(err.msg, sub)) {
		print_error("line %d: got %s %u:%u \"%s\", want %u:%u \"%s\"\n", src_line,
			    t ? "accepted" : "rejected", err.line, err.column, err.msg, line, col, sub);
		toml_free(t);
		fail();
	}
	n = strlen(err.msg);
	assert_true(n > 0 && err.msg[n - 1] != '.');
}

#define ACCEPT(s) accept_len(s, sizeof(s) - 1, __LINE__)
#define REJECT(s, line, col, sub) reject_len(s, sizeof(s) - 1, line, col, sub, __LINE__)

static void str_is(const struct toml_node *t, const char *key, const char *want, size_t wlen,
		   int src_line)
{
	const struct toml_node *n = toml_get(t, key);
	const char *s;
	size_t len;

	s = toml_string(n, &len);
	if (!s || len != wlen || memcmp(s, want, wlen) != 0 || s[len] != '\0') {
		print_error("line %d: key %s: got %zu bytes \"%.*s\"\n", src_line, key, len,
			    s ? (int)len : 0, s ? s : "");
		fail();
	}
}

#define STR_IS(t, key, want) str_is(t, key, want, sizeof(want) - 1, __LINE__)

/* doc defines a; its string value is want. */
static void string_case(const char *doc, size_t dlen, const char *want, size_t wlen, int src_line)
{
	struct toml_node *t = accept_len(doc, dlen, src_line);

	assert_int_equal(toml_count(t), 1);
	str_is(t, "a", want, wlen, src_line);
	toml_free(t);
}

#define STRING(doc, want) string_case(doc, sizeof(doc) - 1, want, sizeof(want) - 1, __LINE__)

static int64_t int_of(const struct toml_node *t, const char *key)
{
	int64_t v = 0;

	assert_true(toml_integer(toml_get(t, key), &v));
	return v;
}

/* "a = val" holds the integer want. */
static void int_case(const char *val, int64_t want)
{
	char doc[128];
	struct toml_node *t;

	snprintf(doc, sizeof(doc), "a = %s\n", val);
	t = parse_len(doc, strlen(doc));
	if (!t || int_of(t, "a") != want) {
		print_error("%s: got %lld (%s)\n", val, t ? (long long)int_of(t, "a") : 0LL,
			    t ? "accepted" : err.msg);
		toml_free(t);
		fail();
	}
	toml_free(t);
}

/* "a = val" is rejected at column col with a reason holding sub. */
static void bad_int(const char *val, unsigned col, const char *sub)
{
	char doc[128];

	snprintf(doc, sizeof(doc), "a = %s\n", val);
	reject_len(doc, strlen(doc), 1, col, sub, __LINE__);
}

static void key_is(const struct toml_node *t, size_t i, const char *want, size_t wlen)
{
	size_t len;
	const char *k = toml_key(t, i, &len);

	assert_non_null(k);
	assert_int_equal(len, wlen);
	assert_memory_equal(k, want, wlen);
}

#define KEY_IS(t, i, want) key_is(t, i, want, sizeof(want) - 1)

/* ---- strings ----------------------------------------------------------- */

static void test_basic_escapes(void **state)
{
	(void)state;
	STRING("a = \"\\b\\t\\n\\f\\r\\\"\\\\\"", "\b\t\n\f\r\"\\");
	STRING("a = \"x\ty\"", "x\ty");
	STRING("a = \"\"", "");
	STRING("a = \"caf\xc3\xa9 # not a comment\"", "caf\xc3\xa9 # not a comment");
}

static void test_unicode_escapes(void **state)
{
	(void)state;
	STRING("a = \"\\u00e9\\u20AC\\U0001F600\"", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	STRING("a = \"\\u0041\\U00000042\\u007f\"", "AB\x7f");
	STRING("a = \"\\uD7FF\\uE000\\U0010FFFF\"", "\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf");
}

static void test_u0000(void **state)
{
	struct toml_node *t;
	size_t len;

	(void)state;
	STRING("a = \"x\\u0000y\"", "x\0y");
	STRING("a = \"\\U00000000\"", "\0");
	/* Keys may hold NUL too; toml_get() compares whole lengths. */
	t = ACCEPT("\"k\\u0000\" = 1\nk = 2\n");
	KEY_IS(t, 0, "k\0");
	assert_int_equal(int_of(t, "k"), 2);
	assert_non_null(toml_key(t, 1, &len));
	assert_int_equal(len, 1);
	toml_free(t);
}

static void test_invalid_escape_chars(void **state)
{
	(void)state;
	REJECT("a = \"\\q\"", 1, 6, "invalid escape \\q");
	REJECT("a = \"ok\\x41\"", 1, 8, "invalid escape \\x");
	REJECT("a = \"\\/\"", 1, 6, "invalid escape \\/");
	REJECT("a = \"\\e\"", 1, 6, "invalid escape \\e");	/* TOML 1.1 only */
	REJECT("a = \"\\ \"", 1, 6, "invalid escape");
	REJECT("a = \"\\\n\"", 1, 6, "invalid escape");
	REJECT("a = \"\\", 1, 7, "unterminated string");
	REJECT("a = \"\"\"x\\q\"\"\"", 1, 9, "invalid escape \\q");
}

static void test_unicode_escape_digits(void **state)
{
	(void)state;
	REJECT("a = \"\\u12\"", 1, 6, "\\u needs 4 hex digits");
	REJECT("a = \"\\u12G4\"", 1, 6, "\\u needs 4 hex digits");
	REJECT("a = \"\\U0001F60\"", 1, 6, "\\U needs 8 hex digits");
	REJECT("a = \"\\u\"", 1, 6, "\\u needs 4 hex digits");
	REJECT("a = \"\\U+0041\"", 1, 6, "\\U needs 8 hex digits");
}

static void test_unicode_escape_range(void **state)
{
	(void)state;
	REJECT("a = \"\\uD800\"", 1, 6, "\\uD800 is not a Unicode scalar value");
	REJECT("a = \"\\uDFFF\"", 1, 6, "not a Unicode scalar value");
	REJECT("a = \"\\U00110000\"", 1, 6, "\\U00110000 is not a Unicode scalar value");
	REJECT("a = \"\\UFFFFFFFF\"", 1, 6, "not a Unicode scalar value");
	REJECT("a = \"\"\"\\U0000D800\"\"\"", 1, 8, "not a Unicode scalar value");
}

static void test_literal_strings(void **state)
{
	(void)state;
	STRING("a = 'C:\\Users\\nodejs\\templates'", "C:\\Users\\nodejs\\templates");
	STRING("a = '<\\i\\c*\\s*>'", "<\\i\\c*\\s*>");
	STRING("a = 'say \"hi\"\tnow'", "say \"hi\"\tnow");
	STRING("a = ''", "");
	STRING("a = '\\u0000'", "\\u0000");
}

static void test_ml_basic(void **state)
{
	(void)state;
	/* The newline right after the delimiter is trimmed, once, LF or CRLF. */
	STRING("a = \"\"\"\nRoses\nViolets\"\"\"", "Roses\nViolets");
	STRING("a = \"\"\"\r\nRoses\r\nViolets\r\n\"\"\"", "Roses\r\nViolets\r\n");
	STRING("a = \"\"\"\n\nx\"\"\"", "\nx");
	STRING("a = \"\"\"x\"\"\"", "x");
	STRING("a = \"\"\"\"\"\"", "");
	STRING("a = \"\"\"\\t\\u00e9 \\\"\"\"\"\"", "\t\xc3\xa9 \"\"");
	STRING("a = \"\"\"tab\there\"\"\"", "tab\there");
}

static void test_ml_line_ending_backslash(void **state)
{
	(void)state;
	STRING("a = \"\"\"\nThe quick \\\n\n\n  brown \\\n  fox.\"\"\"", "The quick brown fox.");
	STRING("a = \"\"\"\\\n       The quick \\\r\n  \tbrown \\  \t\n\n  fox.\\\n  \"\"\"",
	       "The quick brown fox.");
	/* An escaped backslash at the end of a line is not a line ending backslash. */
	STRING("a = \"\"\"a\\\\\nb\"\"\"", "a\\\nb");
	REJECT("a = \"\"\"a\\ b\"\"\"", 1, 9, "only a newline may follow");
	REJECT("a = \"\"\"a\\ ", 1, 9, "only a newline may follow");
}

static void test_ml_quotes_before_delimiter(void **state)
{
	(void)state;
	STRING("a = \"\"\"a\"\"\"\"", "a\"");
	STRING("a = \"\"\"a\"\"\"\"\"", "a\"\"");
	STRING("a = \"\"\"\"a\"\"\"", "\"a");
	STRING("a = \"\"\"\"\"a\"\" b\"\"\"", "\"\"a\"\" b");
	STRING("a = '''a''''", "a'");
	STRING("a = '''a'''''", "a''");
	STRING("a = ''''That,' she said'''", "'That,' she said");
	REJECT("a = \"\"\"a\"\"\"\"\"\"", 1, 14, "too many quotes");
	REJECT("a = '''a''''''", 1, 14, "too many quotes");
	/* Three quotes always close the string: the rest must be a line end. */
	REJECT("a = \"\"\"a\"\"\"b\"\"\"", 1, 12, "expected newline after value");
}

static void test_ml_literal(void **state)
{
	(void)state;
	STRING("a = '''\nI [dw]on't need \\d{2} apples'''", "I [dw]on't need \\d{2} apples");
	STRING("a = '''\r\nline 1\r\n  line 2\\\n'''", "line 1\r\n  line 2\\\n");
	STRING("a = '''\n\n'''", "\n");
	STRING("a = '''\t'''", "\t");
}

static void test_unterminated_strings(void **state)
{
	(void)state;
	REJECT("a = \"abc", 1, 9, "unterminated string");
	REJECT("a = \"abc\nb = 1\n", 1, 9, "unterminated string");
	REJECT("x = 1\na = 'abc\r\n", 2, 9, "unterminated string");
	REJECT("a = \"abc'", 1, 10, "unterminated string");
	REJECT("a = \"\"\"abc\n\n", 1, 5, "unterminated multi-line string");
	REJECT("\n a = '''abc''", 2, 6, "unterminated multi-line string");
	REJECT("\"k = 1\n", 1, 7, "unterminated string");
}

static void test_control_chars_in_strings(void **state)
{
	(void)state;
	REJECT("a = \"x\x01\"", 1, 7, "control character in string");
	REJECT("a = \"x\x7f\"", 1, 7, "control character in string");
	REJECT("a = 'x\x1f'", 1, 7, "control character in string");
	REJECT("a = \"\"\"\nx\x0b\"\"\"", 2, 2, "control character in string");
	REJECT("a = '''x\x08'''", 1, 9, "control character in string");
	REJECT("a = \"x\fy\"", 1, 7, "control character in string");
}

/* ---- integers and booleans --------------------------------------------- */

static void test_decimal(void **state)
{
	(void)state;
	int_case("0", 0);
	int_case("+0", 0);
	int_case("-0", 0);
	int_case("42", 42);
	int_case("+99", 99);
	int_case("-17", -17);
	int_case("1_000", 1000);
	int_case("5_349_221", 5349221);
	int_case("1_2_3_4_5", 12345);
}

static void test_bases(void **state)
{
	(void)state;
	int_case("0xDEADBEEF", 0xdeadbeef);
	int_case("0xdeadbeef", 0xdeadbeef);
	int_case("0xdead_BEEF", 0xdeadbeef);
	int_case("0x00", 0);
	int_case("0o01234567", 01234567);
	int_case("0o755", 0755);
	int_case("0b11010110", 0xd6);
	int_case("0b0000_0001", 1);
}

static void test_int64_limits(void **state)
{
	(void)state;
	int_case("9223372036854775807", INT64_MAX);
	int_case("-9223372036854775808", INT64_MIN);
	int_case("9_223_372_036_854_775_807", INT64_MAX);
	int_case("0x7FFFFFFFFFFFFFFF", INT64_MAX);
	int_case("0o777777777777777777777", INT64_MAX);
	int_case("0b" "111111111111111111111111111111111111111111111111111111111111111",
		 INT64_MAX);
}

static void test_int64_overflow(void **state)
{
	(void)state;
	bad_int("0b" "1000000000000000000000000000000000000000000000000000000000000000", 5,
		"integer out of range");
	bad_int("9223372036854775808", 5, "integer out of range");
	bad_int("-9223372036854775809", 5, "integer out of range");
	bad_int("+9223372036854775808", 5, "integer out of range");
	bad_int("0x8000000000000000", 5, "integer out of range");
	bad_int("0o1000000000000000000000", 5, "integer out of range");
	bad_int("99999999999999999999999", 5, "integer out of range");
}

static void test_leading_zeros(void **state)
{
	(void)state;
	bad_int("01", 5, "leading zeros are not allowed");
	bad_int("+01", 6, "leading zeros are not allowed");
	bad_int("-0_1", 6, "leading zeros are not allowed");
	bad_int("00", 5, "leading zeros are not allowed");
	bad_int("0_0", 5, "leading zeros are not allowed");
}

static void test_bad_underscores(void **state)
{
	(void)state;
	bad_int("1__2", 6, "_ must sit between digits");
	bad_int("1_", 6, "_ must sit between digits");
	bad_int("1_000_", 10, "_ must sit between digits");
	bad_int("_1", 5, "invalid value");
	bad_int("0x_1", 7, "_ must sit between digits");
	bad_int("0xa__b", 8, "_ must sit between digits");
	bad_int("0b1_", 8, "_ must sit between digits");
}

static void test_bad_digits_and_prefixes(void **state)
{
	(void)state;
	bad_int("0x", 7, "no digits");
	bad_int("0xG", 7, "unexpected 'G'");
	bad_int("0o8", 7, "unexpected '8'");
	bad_int("0b102", 9, "unexpected '2'");
	bad_int("+0x1", 5, "no sign allowed with 0x");
	bad_int("-0b1", 5, "no sign allowed with 0b");
	bad_int("0X1", 6, "unexpected 'X'");
	bad_int("--1", 5, "invalid value");
	bad_int("+", 5, "invalid value");
	bad_int("12a", 7, "unexpected 'a'");
	bad_int("1-2", 6, "unexpected '-'");
}

static void test_booleans(void **state)
{
	struct toml_node *t;
	bool b = false;

	(void)state;
	t = ACCEPT("t = true\nf = false # no\n");
	assert_true(toml_boolean(toml_get(t, "t"), &b));
	assert_true(b);
	assert_true(toml_boolean(toml_get(t, "f"), &b));
	assert_false(b);
	assert_int_equal(toml_type(toml_get(t, "f")), TOML_BOOLEAN);
	toml_free(t);
	REJECT("a = True", 1, 5, "invalid value");
	REJECT("a = tru", 1, 5, "invalid value");
	REJECT("a = truex", 1, 9, "expected newline after value");
	REJECT("a = false2", 1, 10, "expected newline after value");
}

/* ---- keys -------------------------------------------------------------- */

static void test_bare_and_quoted_keys(void **state)
{
	struct toml_node *t;

	(void)state;
	t = ACCEPT("key = 1\nbare_key-09AZ = 2\n1234 = 3\n- = 4\n\"quoted key\" = 5\n"
		   "'literal \\key' = 6\n\"\\u00e9\" = 7\ntrue = 8\n");
	assert_int_equal(toml_count(t), 8);
	assert_int_equal(int_of(t, "bare_key-09AZ"), 2);
	assert_int_equal(int_of(t, "1234"), 3);
	assert_int_equal(int_of(t, "-"), 4);
	assert_int_equal(int_of(t, "quoted key"), 5);
	assert_int_equal(int_of(t, "literal \\key"), 6);
	assert_int_equal(int_of(t, "\xc3\xa9"), 7);
	assert_int_equal(int_of(t, "true"), 8);
	toml_free(t);
}

static void test_empty_quoted_key(void **state)
{
	struct toml_node *t;

	(void)state;
	t = ACCEPT("\"\" = 1\n");
	KEY_IS(t, 0, "");
	assert_int_equal(int_of(t, ""), 1);
	toml_free(t);
	t = ACCEPT("'' = 'x'\n");
	STR_IS(t, "", "x");
	toml_free(t);
	REJECT("\"\" = 1\n'' = 2\n", 2, 1, "duplicate key \"\"");
}

static void test_dotted_keys(void **state)
{
	const struct toml_node *a, *b;
	struct toml_node *t;

	(void)state;
	t = ACCEPT("a . b\t.\t\"c d\" = 1\na.b.e = 2\na.x = 3\nsite.\"google.com\" = true\n"
		   "3.14159 = 'pi'\n");
	a = toml_get(t, "a");
	assert_int_equal(toml_type(a), TOML_TABLE);
	assert_int_equal(toml_count(a), 2);
	b = toml_get(a, "b");
	assert_int_equal(int_of(b, "c d"), 1);
	assert_int_equal(int_of(b, "e"), 2);
	assert_int_equal(int_of(a, "x"), 3);
	assert_non_null(toml_get(toml_get(t, "site"), "google.com"));
	assert_null(toml_get(t, "site.google.com"));
	STR_IS(toml_get(t, "3"), "14159", "pi");
	toml_free(t);
}

static void test_bad_keys(void **state)
{
	(void)state;
	REJECT("a b = 1", 1, 3, "expected = after key");
	REJECT("= 1", 1, 1, "expected a key");
	REJECT("a. = 1", 1, 4, "expected a key");
	REJECT(".a = 1", 1, 1, "expected a key");
	REJECT("a..b = 1", 1, 3, "expected a key");
	REJECT("\xce\xbc = 1", 1, 1, "expected a key");
	REJECT("a\n= 1", 1, 2, "expected = after key");
	REJECT("a", 1, 2, "expected = after key");
	REJECT("a =", 1, 4, "expected a value");
	REJECT("a = # c\n", 1, 5, "expected a value");
	REJECT("a = = 1", 1, 5, "invalid value");
	REJECT("\"\"\"k\"\"\" = 1", 1, 1, "a multi-line string cannot be a key");
	REJECT("a\"b\" = 1", 1, 2, "expected = after key");
	REJECT("\xef\xbb\xbf\xef\xbb\xbf" "a = 1", 1, 4, "expected a key");
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	REJECT("name = \"a\"\nname = \"b\"\n", 2, 1, "duplicate key \"name\"");
	REJECT("\"name\" = 1\n'name' = 2\n", 2, 1, "duplicate key \"name\"");
	REJECT("\"\\u0061\" = 1\na = 2\n", 2, 1, "duplicate key \"a\"");
	REJECT("a.b = 1\n  a.b = 2\n", 2, 5, "duplicate key \"b\"");
	REJECT("[t]\nx = 1\n[u]\n[t.v]\nx = 1\n[t]\n", 6, 1, "table [t] defined twice");
	REJECT("\"a\\u0000b\" = 1\n\"a\\u0000b\" = 2\n", 2, 1, "duplicate key \"a\\x00b\"");
}

static void test_value_table_collisions(void **state)
{
	(void)state;
	/* A value may not replace a table, nor a table a value. */
	REJECT("a.b = 1\na = 2\n", 2, 1, "duplicate key \"a\"");
	REJECT("a = 1\na.b = 2\n", 2, 1, "key \"a\" already holds a value");
	REJECT("[a.b]\n[a]\nb = 1\n", 3, 1, "duplicate key \"b\"");
	REJECT("[[a.b]]\n[a]\nb = 1\n", 3, 1, "duplicate key \"b\"");
	REJECT("a = []\na.b = 1\n", 2, 1, "key \"a\" already holds a value");
}

/* ---- tables and arrays of tables --------------------------------------- */

static void test_tables(void **state)
{
	const struct toml_node *a, *b;
	struct toml_node *t;

	(void)state;
	t = ACCEPT("top = 0\n[ a . \"b c\" . 'd' ] # c\nx = 1\n  [a.e]\n  y = 2\n[f]\n");
	assert_int_equal(toml_count(t), 3);
	KEY_IS(t, 0, "top");
	KEY_IS(t, 1, "a");
	KEY_IS(t, 2, "f");
	a = toml_get(t, "a");
	KEY_IS(a, 0, "b c");
	KEY_IS(a, 1, "e");
	b = toml_get(toml_get(a, "b c"), "d");
	assert_int_equal(int_of(b, "x"), 1);
	assert_int_equal(int_of(toml_get(a, "e"), "y"), 2);
	assert_int_equal(toml_type(toml_get(t, "f")), TOML_TABLE);
	assert_int_equal(toml_count(toml_get(t, "f")), 0);
	toml_free(t);
}

static void test_implicit_then_explicit(void **state)
{
	const struct toml_node *a;
	struct toml_node *t;

	(void)state;
	/* [a.b] makes a implicitly; [a] may define it once afterwards. */
	t = ACCEPT("[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3\n");
	a = toml_get(t, "a");
	KEY_IS(a, 0, "b");
	KEY_IS(a, 1, "y");
	assert_int_equal(int_of(toml_get(a, "b"), "z"), 3);
	assert_int_equal(int_of(toml_get(toml_get(a, "b"), "c"), "x"), 1);
	toml_free(t);
	REJECT("[a.b]\n[a]\n[a]\n", 3, 1, "table [a] defined twice");
	REJECT("[a.b]\n[a.b]\n", 2, 1, "table [a.b] defined twice");
	REJECT("[ a ]\nx = 1\n[b]\n[\"a\"]\n", 4, 1, "table [a] defined twice");
	REJECT("[a]\nb = 1\n[a.b]\n", 3, 4, "key \"b\" already holds a value");
	REJECT("a = 1\n[a.b.c]\n", 2, 2, "key \"a\" already holds a value");
	REJECT("[\"x y\".z]\n[\"x y\".z]\n", 2, 1, "table [\"x y\".z] defined twice");
}

static void test_header_after_dotted(void **state)
{
	const struct toml_node *apple;
	struct toml_node *t;

	(void)state;
	/* toml.io: sub-tables of a dotted-key table may be headers. */
	t = ACCEPT("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n"
		   "[fruit.apple.texture]\nsmooth = true\n");
	apple = toml_get(toml_get(t, "fruit"), "apple");
	STR_IS(apple, "color", "red");
	assert_true(toml_boolean(toml_get(toml_get(apple, "texture"), "smooth"), NULL));
	toml_free(t);
	REJECT("x.y = 1\n[x]\n", 2, 1, "table [x] was already defined by dotted keys");
	REJECT("[fruit]\napple.color = \"red\"\n[fruit.apple]\n", 3, 1,
	       "table [fruit.apple] was already defined by dotted keys");
	REJECT("[fruit]\napple.taste.sweet = true\n[fruit.apple.taste]\n", 3, 1,
	       "defined by dotted keys");
	REJECT("[fruit]\napple.color = 1\n[[fruit.apple]]\n", 3, 1,
	       "array of tables [[fruit.apple]] is already a table");
}

static void test_dotted_into_header(void **state)
{
	(void)state;
	/* Dotted keys may not reopen tables that headers made, explicitly or not. */
	REJECT("[a.b.c]\nz = 1\n[a]\nb.c.t = 2\n", 4, 1,
	       "dotted key cannot add to table \"b\": a [header] made it");
	REJECT("[a.b]\n[a]\nb.x = 1\n", 3, 1, "dotted key cannot add to table \"b\"");
	REJECT("[a.b.c.d]\n[a]\n  b.c.d.k = 1\n", 3, 3, "dotted key cannot add to table \"b\"");
	REJECT("[[a.b]]\n[a]\nb.y = 2\n", 3, 1, "dotted key cannot add to array of tables \"b\"");
}

static void test_table_arrays(void **state)
{
	const struct toml_node *x, *e;
	struct toml_node *t;

	(void)state;
	t = ACCEPT("[[x]]\nn = 1\n[[ x ]] # second\nn = 2\n[x.y]\nm = 3\n[[x.z]]\n[[x.z]]\nk = 4\n"
		   "[[x]]\n[x.y]\nm = 5\n");
	x = toml_get(t, "x");
	assert_int_equal(toml_type(x), TOML_TABLE_ARRAY);
	assert_int_equal(toml_count(x), 3);
	assert_int_equal(int_of(toml_at(x, 0), "n"), 1);
	assert_null(toml_get(toml_at(x, 0), "y"));
	e = toml_at(x, 1);
	assert_int_equal(int_of(e, "n"), 2);
	assert_int_equal(int_of(toml_get(e, "y"), "m"), 3);
	assert_int_equal(toml_count(toml_get(e, "z")), 2);
	assert_int_equal(int_of(toml_at(toml_get(e, "z"), 1), "k"), 4);
	assert_int_equal(int_of(toml_get(toml_at(x, 2), "y"), "m"), 5);
	assert_null(toml_at(x, 3));
	assert_null(toml_key(x, 0, NULL));
	toml_free(t);
}

static void test_table_array_parents(void **state)
{
	const struct toml_node *x;
	struct toml_node *t;

	(void)state;
	/* A header's parents that are arrays of tables mean their last element. */
	t = ACCEPT("[[a]]\n[[a.b]]\nn = 1\n[[a]]\n[[a.b]]\nn = 2\n[[a.b]]\nn = 3\n[a.b.c]\nm = 4\n");
	x = toml_get(t, "a");
	assert_int_equal(toml_count(x), 2);
	assert_int_equal(toml_count(toml_get(toml_at(x, 0), "b")), 1);
	x = toml_get(toml_at(x, 1), "b");
	assert_int_equal(toml_count(x), 2);
	assert_int_equal(int_of(toml_at(x, 1), "n"), 3);
	assert_int_equal(int_of(toml_get(toml_at(x, 1), "c"), "m"), 4);
	toml_free(t);
	/* [[a.b]] makes a an implicit table that [a] may still define. */
	t = ACCEPT("[[a.b]]\nx = 1\n[a]\ny = 2\n");
	assert_int_equal(toml_count(toml_get(toml_get(t, "a"), "b")), 1);
	toml_free(t);
}

static void test_table_array_conflicts(void **state)
{
	(void)state;
	REJECT("[x]\n[[x]]\n", 2, 1, "array of tables [[x]] is already a table");
	REJECT("[x.y]\n[[x]]\n", 2, 1, "array of tables [[x]] is already a table");
	REJECT("x = 1\n[[x]]\n", 2, 3, "key \"x\" already holds a value");
	REJECT("x = []\n[[x]]\n", 2, 3, "key \"x\" already holds a value");
	REJECT("[[x]]\n[x]\n", 2, 1, "table [x] is already an array of tables");
	REJECT("[[x]]\n[x.y]\n[[x.y]]\n", 3, 1, "array of tables [[x.y]] is already a table");
	REJECT("[[x]\n", 1, 4, "expected ]] after the table name");
	REJECT("[[x] ]\n", 1, 4, "expected ]]");
	REJECT("[ [x]]\n", 1, 3, "expected a key");
	REJECT("[[]]\n", 1, 3, "expected a key");
}

static void test_bad_headers(void **state)
{
	(void)state;
	REJECT("[]\n", 1, 2, "expected a key");
	REJECT("[a", 1, 3, "expected ] after the table name");
	REJECT("[a b]\n", 1, 4, "expected ] after the table name");
	REJECT("[a.]\n", 1, 4, "expected a key");
	REJECT("[a]b\n", 1, 4, "expected newline after table header");
	REJECT("[a] x = 1\n", 1, 5, "expected newline after table header");
	REJECT("[a\n]\n", 1, 3, "expected ]");
	REJECT("['''a''']\n", 1, 2, "a multi-line string cannot be a key");
}

/* ---- arrays ------------------------------------------------------------ */

static void test_empty_arrays(void **state)
{
	struct toml_node *t;

	(void)state;
	t = ACCEPT("e = []\ne2 = [ # c\n\n]\ne3=[\n]\n");
	assert_int_equal(toml_type(toml_get(t, "e")), TOML_ARRAY);
	assert_int_equal(toml_count(toml_get(t, "e")), 0);
	assert_null(toml_at(toml_get(t, "e"), 0));
	assert_int_equal(toml_count(toml_get(t, "e2")), 0);
	assert_int_equal(toml_count(toml_get(t, "e3")), 0);
	toml_free(t);
}

static void test_string_arrays(void **state)
{
	const struct toml_node *a;
	struct toml_node *t;
	size_t len;

	(void)state;
	t = ACCEPT("a = [ \"x\", 'y', \"\"\"z\"\"\", '''w''' ]\n"
		   "m = [\n  \"one\", # first\n\n  # a comment line\n  'two',\r\n  \"\"\"th\nree\"\"\",\n]\n");
	a = toml_get(t, "a");
	assert_int_equal(toml_count(a), 4);
	assert_string_equal(toml_string(toml_at(a, 0), &len), "x");
	assert_string_equal(toml_string(toml_at(a, 1), NULL), "y");
	assert_string_equal(toml_string(toml_at(a, 2), NULL), "z");
	assert_string_equal(toml_string(toml_at(a, 3), NULL), "w");
	a = toml_get(t, "m");
	assert_int_equal(toml_count(a), 3);
	assert_string_equal(toml_string(toml_at(a, 0), NULL), "one");
	assert_string_equal(toml_string(toml_at(a, 1), NULL), "two");
	assert_string_equal(toml_string(toml_at(a, 2), NULL), "th\nree");
	assert_null(toml_key(a, 0, NULL));
	toml_free(t);
}

static void test_mixed_arrays(void **state)
{
	(void)state;
	REJECT("a = [1]\n", 1, 6, "arrays of non-strings are outside sealroot's TOML subset");
	REJECT("a = [\"x\", 1]\n", 1, 11, "arrays of non-strings");
	REJECT("a = [\n  'x',\n  true,\n]\n", 3, 3, "arrays of non-strings");
	REJECT("a = [[\"x\"]]\n", 1, 6, "arrays of non-strings");
	REJECT("a = [ { b = 1 } ]\n", 1, 7, "inline tables");
	REJECT("a = [\"x\", 1.5]\n", 1, 11, "floats");
}

static void test_bad_array_syntax(void **state)
{
	(void)state;
	REJECT("a = [\"x\",,]\n", 1, 10, "expected a value");
	REJECT("a = [,]\n", 1, 6, "expected a value");
	REJECT("a = [\"x\" \"y\"]\n", 1, 10, "expected , or ] in array");
	REJECT("a = [\"x\"\n", 1, 5, "unterminated array");
	REJECT("a = [\n", 1, 5, "unterminated array");
	REJECT("a = [x]\n", 1, 6, "invalid value");
	REJECT("a = [\"x\"] ]\n", 1, 11, "expected newline after value");
	REJECT("a = [ # \x01\n]\n", 1, 9, "control character in comment");
}

/* ---- unsupported values ------------------------------------------------ */

static void test_unsupported_floats(void **state)
{
	(void)state;
	REJECT("a = 1.5", 1, 5, "unsupported value: floats are outside sealroot's TOML subset");
	REJECT("a = -0.0", 1, 5, "floats");
	REJECT("a = 1e6", 1, 5, "floats");
	REJECT("a = 6.626E-34", 1, 5, "floats");
	REJECT("a = 1_000.000_1", 1, 5, "floats");
	REJECT("a = inf", 1, 5, "floats");
	REJECT("a = +inf", 1, 5, "floats");
	REJECT("a = -nan", 1, 5, "floats");
	REJECT("x = 1\n  a = nan # c\n", 2, 7, "floats");
}

static void test_unsupported_dates(void **state)
{
	(void)state;
	REJECT("a = 1979-05-27", 1, 5, "unsupported value: dates and times are outside");
	REJECT("a = 1979-05-27T07:32:00Z", 1, 5, "dates and times");
	REJECT("a = 1979-05-27 07:32:00-07:00", 1, 5, "dates and times");
	REJECT("a = 1979-05-27T00:32:00.999999", 1, 5, "dates and times");
	REJECT("a = 07:32:00", 1, 5, "dates and times");
}

static void test_unsupported_inline_tables(void **state)
{
	(void)state;
	REJECT("a = { b = 1 }", 1, 5, "unsupported value: inline tables are outside");
	REJECT("a = {}", 1, 5, "inline tables");
	REJECT("[t]\nx.y = {\n", 2, 7, "inline tables");
}

static void test_malformed_floats(void **state)
{
	(void)state;
	/* Malformed floats are plain errors. */
	REJECT("a = 1.", 1, 6, "unexpected '.'");
	REJECT("a = .5", 1, 5, "invalid value");
	REJECT("a = info", 1, 5, "invalid value");
	REJECT("a = 1.e5", 1, 6, "unexpected '.'");
	REJECT("a = 1.5.1", 1, 6, "unexpected '.'");
}

/* ---- comments, whitespace, newlines ------------------------------------ */

static void test_comments_and_whitespace(void **state)
{
	struct toml_node *t;

	(void)state;
	t = ACCEPT("# header\n\n\t \n  a\t=\t1\t# tab\tin comment \xc3\xa9\n#\n[t]#c\nb=2#\n#end");
	assert_int_equal(int_of(t, "a"), 1);
	assert_int_equal(int_of(toml_get(t, "t"), "b"), 2);
	toml_free(t);
}

static void test_control_chars_in_comments(void **state)
{
	(void)state;
	REJECT("# a\x01\n", 1, 4, "control character in comment");
	REJECT("a = 1 # \x7f\n", 1, 9, "control character in comment");
	REJECT("\n\n# \x1b[0m\n", 3, 3, "control character in comment");
	REJECT("[t] # \x00\n", 1, 7, "NUL byte");
}

static void test_newline_after_value(void **state)
{
	(void)state;
	REJECT("a = 1 b = 2\n", 1, 7, "expected newline after value");
	REJECT("a = \"x\" \"y\"\n", 1, 9, "expected newline after value");
	REJECT("a = 1,\n", 1, 6, "expected newline after value");
	REJECT("\x0c" "a = 1\n", 1, 1, "expected a key");
}

static void test_empty_documents(void **state)
{
	static const char *const docs[] = { "", "\n", "\r\n", " \t", "# only\n", "\xef\xbb\xbf",
					    "\xef\xbb\xbf# bom\n" };
	struct toml_node *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		t = accept_len(docs[i], strlen(docs[i]), __LINE__);
		assert_int_equal(toml_type(t), TOML_TABLE);
		assert_int_equal(toml_count(t), 0);
		toml_free(t);
	}
	t = toml_parse(NULL, 0, &err);
	assert_non_null(t);
	toml_free(t);
}

static void test_crlf(void **state)
{
	struct toml_node *t;

	(void)state;
	t = ACCEPT("a = 1\r\n[b]\r\nc = \"x\" # c\r\nd = '''\r\ny\r\n'''\r\n");
	assert_int_equal(int_of(t, "a"), 1);
	STR_IS(toml_get(t, "b"), "c", "x");
	STR_IS(toml_get(t, "b"), "d", "y\r\n");
	toml_free(t);
	REJECT("a = 1\r\nb = ?\r\n", 2, 5, "invalid value");
}

static void test_bare_cr(void **state)
{
	(void)state;
	REJECT("a = 1\rb = 2\n", 1, 6, "carriage return not followed by line feed");
	REJECT("a = 1\r", 1, 6, "carriage return");
	REJECT("a = \"x\ry\"\n", 1, 7, "carriage return");
	REJECT("a = '''x\r'''\n", 1, 9, "carriage return");
	REJECT("# c\r\n# d\r", 2, 4, "carriage return");
}

static void test_nul(void **state)
{
	(void)state;
	REJECT("a = 1\0", 1, 6, "NUL byte");
	REJECT("\0", 1, 1, "NUL byte");
	REJECT("a = 1\nb = \"x\0\"\n", 2, 7, "NUL byte");
	REJECT("# \0\n", 1, 3, "NUL byte");
}

static void test_utf8_valid(void **state)
{
	(void)state;
	STRING("a = \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"",
	       "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
}

static void test_utf8_overlong(void **state)
{
	(void)state;
	REJECT("a = \"\xc0\xaf\"", 1, 6, "invalid UTF-8: overlong encoding");
	REJECT("a = \"\xc1\xbf\"", 1, 6, "overlong");
	REJECT("a = \"\xe0\x80\xaf\"", 1, 6, "overlong");
	REJECT("a = \"\xf0\x8f\xbf\xbf\"", 1, 6, "overlong");
}

static void test_utf8_out_of_range(void **state)
{
	(void)state;
	REJECT("a = \"\xed\xa0\x80\"", 1, 6, "invalid UTF-8: surrogate U+D800");
	REJECT("# \xed\xbf\xbf\n", 1, 3, "surrogate U+DFFF");
	REJECT("a = \"\xf4\x90\x80\x80\"", 1, 6, "invalid UTF-8: beyond U+10FFFF");
	REJECT("a = \"\xf5\x80\x80\x80\"", 1, 6, "beyond U+10FFFF");
}

static void test_utf8_truncated(void **state)
{
	(void)state;
	REJECT("a = 1\n# \xe2\x82", 2, 3, "invalid UTF-8: incomplete sequence");
	REJECT("a = \"\xe2\x82\"", 1, 6, "incomplete sequence");
	REJECT("a = '\xf0\x9f\x98'", 1, 6, "incomplete sequence");
	REJECT("k\xc3", 1, 2, "incomplete sequence");
}

static void test_utf8_stray_bytes(void **state)
{
	(void)state;
	REJECT("a = \"\x80\"", 1, 6, "invalid UTF-8: unexpected byte 0x80");
	REJECT("\xff", 1, 1, "unexpected byte 0xff");
	REJECT("\xfe\xff\0a", 1, 1, "invalid UTF-8");
}

/* ---- limits ------------------------------------------------------------ */

/* n lines of fmt (with one %d), as a heap string. */
static char *lines(const char *head, const char *fmt, int n, size_t *len)
{
	size_t cap = strlen(head) + (size_t)n * (strlen(fmt) + 12) + 1, o;
	char *s = malloc(cap);
	int i;

	assert_non_null(s);
	o = (size_t)snprintf(s, cap, "%s", head);
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, cap - o, fmt, i);
	*len = o;
	return s;
}

static void test_entries_cap(void **state)
{
	struct toml_node *t;
	size_t len;
	char *s;

	(void)state;
	s = lines("", "k%d = 1\n", TOML_MAX_ENTRIES, &len);
	t = accept_len(s, len, __LINE__);
	assert_int_equal(toml_count(t), TOML_MAX_ENTRIES);
	assert_int_equal(int_of(t, "k4095"), 1);
	toml_free(t);
	free(s);
	s = lines("[t]\n", "k%d = 1\n", TOML_MAX_ENTRIES + 1, &len);
	reject_len(s, len, TOML_MAX_ENTRIES + 2, 1, "more than 4096 keys in one table", __LINE__);
	free(s);
}

static void test_table_keys_cap(void **state)
{
	size_t len;
	char *s;

	(void)state;
	/* Tables made by headers and dotted keys count as keys too. */
	s = lines("", "[t.k%d]\n", TOML_MAX_ENTRIES + 1, &len);
	reject_len(s, len, TOML_MAX_ENTRIES + 1, 4, "more than 4096 keys", __LINE__);
	free(s);
	s = lines("", "t.k%d = 1\n", TOML_MAX_ENTRIES + 1, &len);
	reject_len(s, len, TOML_MAX_ENTRIES + 1, 3, "more than 4096 keys", __LINE__);
	free(s);
}

static void test_table_array_cap(void **state)
{
	struct toml_node *t;
	size_t len;
	char *s;

	(void)state;
	s = lines("", "[[t]]\n", TOML_MAX_ENTRIES, &len);
	t = accept_len(s, len, __LINE__);
	assert_int_equal(toml_count(toml_get(t, "t")), TOML_MAX_ENTRIES);
	toml_free(t);
	free(s);
	s = lines("", "[[t]]\n", TOML_MAX_ENTRIES + 1, &len);
	reject_len(s, len, TOML_MAX_ENTRIES + 1, 1, "more than 4096 tables in one array of tables",
		   __LINE__);
	free(s);
}

static void test_array_cap(void **state)
{
	struct toml_node *t;
	size_t len;
	char *s;

	(void)state;
	s = lines("a = [\n", "'%d',\n", TOML_MAX_ENTRIES, &len);
	memcpy(s + len, "]\n", 3);
	t = accept_len(s, len + 2, __LINE__);
	assert_int_equal(toml_count(toml_get(t, "a")), TOML_MAX_ENTRIES);
	assert_string_equal(toml_string(toml_at(toml_get(t, "a"), 4095), NULL), "4095");
	toml_free(t);
	free(s);
	s = lines("a = [\n", "'%d',\n", TOML_MAX_ENTRIES + 1, &len);
	memcpy(s + len, "]\n", 3);
	reject_len(s, len + 2, TOML_MAX_ENTRIES + 2, 1, "more than 4096 elements in one array",
		   __LINE__);
	free(s);
}

static void test_depth_cap(void **state)
{
	char doc[256], *p;
	struct toml_node *t;
	const struct toml_node *n;
	int i;

	(void)state;
	/* 32 components: fine in a key and in a header. */
	p = doc;
	for (i = 0; i < TOML_MAX_DEPTH; i++)
		p += sprintf(p, "%s%c", i ? "." : "", 'a' + i % 26);
	strcpy(p, " = 1\n");
	t = accept_len(doc, strlen(doc), __LINE__);
	n = t;
	for (i = 0; i + 1 < TOML_MAX_DEPTH; i++)
		n = toml_at(n, 0);
	assert_int_equal(int_of(n, "f"), 1);
	toml_free(t);
	doc[0] = '[';
	p = doc + 1;
	for (i = 0; i < TOML_MAX_DEPTH; i++)
		p += sprintf(p, "%s%c", i ? "." : "", 'a' + i % 26);
	strcpy(p, "]\nx = 1\n");
	t = accept_len(doc, strlen(doc), __LINE__);
	toml_free(t);
	/* 33 components: the 33rd is the error. */
	strcpy(p, ".x]\n");
	reject_len(doc, strlen(doc), 1, 2 * TOML_MAX_DEPTH + 2, "more than 32 components in one key",
		   __LINE__);
	p = doc;
	for (i = 0; i <= TOML_MAX_DEPTH; i++)
		p += sprintf(p, "%sk", i ? " . " : "");
	strcpy(p, " = 1\n");
	reject_len(doc, strlen(doc), 1, 4 * TOML_MAX_DEPTH + 1, "more than 32 components", __LINE__);
}

static void test_input_cap(void **state)
{
	struct toml_node *t;
	char *s;

	(void)state;
	s = malloc(TOML_MAX_INPUT + 1);
	assert_non_null(s);
	/* A comment line, then a last line that fills the cap exactly. */
	memset(s, ' ', TOML_MAX_INPUT + 1);
	memcpy(s, "# big\na = 1", 11);
	t = accept_len(s, TOML_MAX_INPUT, __LINE__);
	assert_int_equal(int_of(t, "a"), 1);
	toml_free(t);
	reject_len(s, TOML_MAX_INPUT + 1, 2, TOML_MAX_INPUT - 6 + 1, "input larger than 1048576 bytes",
		   __LINE__);
	free(s);
}

static void test_long_names_in_messages(void **state)
{
	char doc[2048], *p;
	size_t n;
	int i;

	(void)state;
	/* Keys and headers in messages are cut short, with "..." to say so. */
	p = doc;
	for (i = 0; i < 2; i++) {
		p += sprintf(p, "[");
		for (n = 0; n < 20; n++)
			p += sprintf(p, "%s\"%s\\u0001 %zu\"", n ? "." : "",
				     "a-long-component-name", n);
		p += sprintf(p, "]\n");
	}
	reject_len(doc, strlen(doc), 2, 1, "...\"] defined twice", __LINE__);
	assert_true(strncmp(err.msg, "table [\"a-long-component-name\\x01 0\".\"", 38) == 0);
	memset(doc, 'k', 600);
	memcpy(doc + 600, " = 1\n", 5);
	memcpy(doc + 605, doc, 605);
	reject_len(doc, 1210, 2, 1, "duplicate key \"kkkkkkkk", __LINE__);
	assert_non_null(strstr(err.msg, "kkk...\""));
	assert_true(strlen(err.msg) < 120);
}

/* ---- the accessors ----------------------------------------------------- */

static void test_accessors(void **state)
{
	struct toml_node *t;
	size_t len = 9;

	(void)state;
	t = ACCEPT("s = 'x'\ni = -5\nb = false\na = ['q']\n[t]\n");
	assert_int_equal(toml_count(t), 5);
	KEY_IS(t, 0, "s");
	KEY_IS(t, 4, "t");
	assert_null(toml_key(t, 5, &len));
	assert_int_equal(len, 0);
	assert_null(toml_at(t, 5));
	assert_int_equal(toml_type(toml_at(t, 0)), TOML_STRING);
	assert_int_equal(toml_type(toml_at(t, 1)), TOML_INTEGER);
	assert_int_equal(toml_type(toml_at(t, 3)), TOML_ARRAY);
	assert_int_equal(toml_type(toml_at(t, 4)), TOML_TABLE);
	toml_free(t);
}

static void test_accessors_wrong_type(void **state)
{
	const struct toml_node *n;
	struct toml_node *t;
	int64_t v = 7;
	bool b = true;
	size_t len = 9;

	(void)state;
	t = ACCEPT("s = 'x'\ni = -5\nb = false\na = ['q']\n[t]\n");
	/* Wrong types give NULL / false and leave the output alone or zeroed. */
	n = toml_get(t, "i");
	assert_null(toml_string(n, &len));
	assert_int_equal(len, 0);
	assert_false(toml_boolean(n, &b));
	assert_true(b);
	assert_false(toml_integer(toml_get(t, "s"), &v));
	assert_int_equal(v, 7);
	assert_int_equal(toml_count(n), 0);
	assert_null(toml_at(n, 0));
	assert_null(toml_get(n, "x"));
	assert_null(toml_get(toml_get(t, "a"), "x"));
	assert_null(toml_key(toml_get(t, "a"), 0, NULL));
	assert_null(toml_get(t, "missing"));
	/* The key is a C string: it ends at its NUL. */
	assert_non_null(toml_get(t, "s\0x"));
	toml_free(t);
}

static void test_accessors_null(void **state)
{
	int64_t v = 7;
	bool b = true;

	(void)state;
	/* NULL is an empty table to every reader. */
	assert_int_equal(toml_type(NULL), TOML_TABLE);
	assert_null(toml_get(NULL, "x"));
	assert_int_equal(toml_count(NULL), 0);
	assert_null(toml_at(NULL, 0));
	assert_null(toml_key(NULL, 0, NULL));
	assert_null(toml_string(NULL, NULL));
	assert_false(toml_integer(NULL, &v));
	assert_false(toml_boolean(NULL, &b));
	toml_free(NULL);
}

static void test_input_length(void **state)
{
	struct toml_node *t;
	struct toml_error e;

	(void)state;
	/* The input need not be NUL-terminated: len decides. */
	t = toml_parse("a = 12345", 6, &e);
	assert_non_null(t);
	assert_int_equal(int_of(t, "a"), 12);
	toml_free(t);
	assert_null(toml_parse("a = ", 4, NULL));
}

/* ---- a real Kata / CoCo initdata document ------------------------------ */

#define AA_TOML "[token_configs]\n" \
	"[token_configs.coco_as]\n" \
	"url = \"http://127.0.0.1:8080\"\n" \
	"\n" \
	"[token_configs.kbs]\n" \
	"url = \"http://127.0.0.1:8080\"\n" \
	"cert = \"\"\"\n" \
	"-----BEGIN CERTIFICATE-----\n" \
	"MIIBfake\n" \
	"-----END CERTIFICATE-----\n" \
	"\"\"\"\n"

#define CDH_TOML "socket = 'unix:///run/confidential-containers/cdh.sock'\n" \
	"credentials = []\n" \
	"[kbc]\n" \
	"name = \"cc_kbc\"\n" \
	"url = \"http://127.0.0.1:8080\"\n" \
	"kbs_cert = \"\"\n"

static const char initdata[] =
	"version = \"0.1.0\"\n"
	"algorithm = \"sha384\"\n"
	"[data]\n"
	"\"aa.toml\" = '''\n" AA_TOML "'''\n"
	"\"cdh.toml\" = '''\n" CDH_TOML "'''\n"
	"\"policy.rego\" = \"\"\"\n"
	"package agent_policy\n"
	"default AllowRequestsFailingPolicy := true\n"
	"\"\"\"\n";

static void test_initdata(void **state)
{
	const struct toml_node *data;
	struct toml_node *t;

	(void)state;
	t = accept_len(initdata, sizeof(initdata) - 1, __LINE__);
	assert_int_equal(toml_count(t), 3);
	STR_IS(t, "version", "0.1.0");
	STR_IS(t, "algorithm", "sha384");
	data = toml_get(t, "data");
	assert_int_equal(toml_count(data), 3);
	KEY_IS(data, 0, "aa.toml");
	KEY_IS(data, 1, "cdh.toml");
	KEY_IS(data, 2, "policy.rego");
	STR_IS(data, "aa.toml", AA_TOML);
	STR_IS(data, "cdh.toml", CDH_TOML);
	STR_IS(data, "policy.rego",
	       "package agent_policy\ndefault AllowRequestsFailingPolicy := true\n");
	toml_free(t);
}

static void test_initdata_inner_documents(void **state)
{
	const struct toml_node *data, *kbs;
	struct toml_node *t, *aa, *cdh;
	const char *s;
	size_t len;

	(void)state;
	/* The inner documents are TOML too. */
	t = accept_len(initdata, sizeof(initdata) - 1, __LINE__);
	data = toml_get(t, "data");
	s = toml_string(toml_get(data, "aa.toml"), &len);
	aa = accept_len(s, len, __LINE__);
	kbs = toml_get(toml_get(aa, "token_configs"), "kbs");
	STR_IS(kbs, "url", "http://127.0.0.1:8080");
	STR_IS(kbs, "cert", "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n");
	STR_IS(toml_get(toml_get(aa, "token_configs"), "coco_as"), "url",
	       "http://127.0.0.1:8080");
	toml_free(aa);
	s = toml_string(toml_get(data, "cdh.toml"), &len);
	cdh = accept_len(s, len, __LINE__);
	STR_IS(cdh, "socket", "unix:///run/confidential-containers/cdh.sock");
	assert_int_equal(toml_type(toml_get(cdh, "credentials")), TOML_ARRAY);
	assert_int_equal(toml_count(toml_get(cdh, "credentials")), 0);
	STR_IS(toml_get(cdh, "kbc"), "name", "cc_kbc");
	STR_IS(toml_get(cdh, "kbc"), "kbs_cert", "");
	toml_free(cdh);
	toml_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_escapes),
		cmocka_unit_test(test_unicode_escapes),
		cmocka_unit_test(test_u0000),
		cmocka_unit_test(test_invalid_escape_chars),
		cmocka_unit_test(test_unicode_escape_digits),
		cmocka_unit_test(test_unicode_escape_range),
		cmocka_unit_test(test_literal_strings),
		cmocka_unit_test(test_ml_basic),
		cmocka_unit_test(test_ml_line_ending_backslash),
		cmocka_unit_test(test_ml_quotes_before_delimiter),
		cmocka_unit_test(test_ml_literal),
		cmocka_unit_test(test_unterminated_strings),
		cmocka_unit_test(test_control_chars_in_strings),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_bases),
		cmocka_unit_test(test_int64_limits),
		cmocka_unit_test(test_int64_overflow),
		cmocka_unit_test(test_leading_zeros),
		cmocka_unit_test(test_bad_underscores),
		cmocka_unit_test(test_bad_digits_and_prefixes),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_bare_and_quoted_keys),
		cmocka_unit_test(test_empty_quoted_key),
		cmocka_unit_test(test_dotted_keys),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_value_table_collisions),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_implicit_then_explicit),
		cmocka_unit_test(test_header_after_dotted),
		cmocka_unit_test(test_dotted_into_header),
		cmocka_unit_test(test_table_arrays),
		cmocka_unit_test(test_table_array_parents),
		cmocka_unit_test(test_table_array_conflicts),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_empty_arrays),
		cmocka_unit_test(test_string_arrays),
		cmocka_unit_test(test_mixed_arrays),
		cmocka_unit_test(test_bad_array_syntax),
		cmocka_unit_test(test_unsupported_floats),
		cmocka_unit_test(test_unsupported_dates),
		cmocka_unit_test(test_unsupported_inline_tables),
		cmocka_unit_test(test_malformed_floats),
		cmocka_unit_test(test_comments_and_whitespace),
		cmocka_unit_test(test_control_chars_in_comments),
		cmocka_unit_test(test_newline_after_value),
		cmocka_unit_test(test_empty_documents),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_bare_cr),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_utf8_overlong),
		cmocka_unit_test(test_utf8_out_of_range),
		cmocka_unit_test(test_utf8_truncated),
		cmocka_unit_test(test_utf8_stray_bytes),
		cmocka_unit_test(test_entries_cap),
		cmocka_unit_test(test_table_keys_cap),
		cmocka_unit_test(test_table_array_cap),
		cmocka_unit_test(test_array_cap),
		cmocka_unit_test(test_depth_cap),
		cmocka_unit_test(test_input_cap),
		cmocka_unit_test(test_long_names_in_messages),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_accessors_wrong_type),
		cmocka_unit_test(test_accessors_null),
		cmocka_unit_test(test_input_length),
		cmocka_unit_test(test_initdata),
		cmocka_unit_test(test_initdata_inner_documents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
