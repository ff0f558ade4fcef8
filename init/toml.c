// SPDX-License-Identifier: Apache-2.0
/*
 * toml: see toml.h. Written from the TOML 1.0.0 specification.
 * One pass over the input after a UTF-8 and line-ending check; no
 * recursion while parsing (arrays hold strings only, so nothing nests).
 * Every node is attached to the tree as soon as it exists, so an error
 * anywhere frees everything with toml_free(root).
 */
#include "toml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How a table came to exist; TOML 1.0's rules on redefinition need it. */
enum {
	T_DEFINED = 1,  /* by its own [header] or [[header]] */
	T_IMPLICIT = 2, /* as a parent in some header's key */
	T_DOTTED = 4,   /* by a dotted key in a key/value pair */
};

struct toml_node {
	enum toml_type type;
	unsigned flags;
	/* TABLE (keys + vals), ARRAY and TABLE_ARRAY (vals). */
	size_t n, cap;
	char **keys;
	size_t *klens;
	struct toml_node **vals;
	/* Scalars. */
	char *s;
	size_t slen;
	int64_t i;
	bool b;
};

struct parser {
	const char *src, *p, *end;
	struct toml_error *err;
	bool failed;
};

/* A growable byte buffer for decoded strings and keys. */
struct buf {
	char *d;
	size_t n, cap;
};

enum { KEY_MAX = TOML_MAX_DEPTH };

struct key {
	size_t n;
	char *part[KEY_MAX];
	size_t len[KEY_MAX];
	const char *at[KEY_MAX];
};

/* ---- errors ------------------------------------------------------------------ */

static void fail(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records the first error only, with the line and column of at. */
static void fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	const char *q, *line = ps->src;
	unsigned n = 1;
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	if (at > ps->end)
		at = ps->end;
	for (q = ps->src; q < at; q++) {
		if (*q == '\n') {
			n++;
			line = q + 1;
		}
	}
	ps->err->line = n;
	ps->err->column = (unsigned)(at - line) + 1;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
}

/* ---- the tree ------------------------------------------------------------------ */

static struct toml_node *node_new(enum toml_type type, unsigned flags)
{
	struct toml_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->type = type;
		n->flags = flags;
	}
	return n;
}

void toml_free(struct toml_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys)
			free(n->keys[i]);
		toml_free(n->vals[i]);
	}
	free(n->keys);
	free(n->klens);
	free(n->vals);
	free(n->s);
	free(n);
}

static struct toml_node *find(const struct toml_node *t, const char *k, size_t len)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->klens[i] == len && memcmp(t->keys[i], k, len) == 0)
			return t->vals[i];
	return NULL;
}

static bool grow(struct parser *ps, struct toml_node *t, const char *at)
{
	size_t cap;

	if (t->n >= TOML_MAX_ENTRIES) {
		fail(ps, at, "more than %d entries in one table or array", TOML_MAX_ENTRIES);
		return false;
	}
	if (t->n < t->cap)
		return true;
	cap = t->cap ? 2 * t->cap : 8;
	if (t->type == TOML_TABLE) {
		char **k = realloc(t->keys, cap * sizeof(*k));
		size_t *l;

		if (!k)
			goto oom;
		t->keys = k;
		l = realloc(t->klens, cap * sizeof(*l));
		if (!l)
			goto oom;
		t->klens = l;
	}
	{
		struct toml_node **v = realloc(t->vals, cap * sizeof(*v));

		if (!v)
			goto oom;
		t->vals = v;
	}
	t->cap = cap;
	return true;
oom:
	fail(ps, at, "out of memory");
	return false;
}

/* Adds key -> v to table t; takes v (freed on failure). key is copied. */
static bool table_add(struct parser *ps, struct toml_node *t, const char *k,
		      size_t len, struct toml_node *v, const char *at)
{
	char *copy;

	if (!v) {
		fail(ps, at, "out of memory");
		return false;
	}
	copy = malloc(len + 1);
	if (!copy || !grow(ps, t, at)) {
		if (!copy)
			fail(ps, at, "out of memory");
		free(copy);
		toml_free(v);
		return false;
	}
	memcpy(copy, k, len);
	copy[len] = '\0';
	t->keys[t->n] = copy;
	t->klens[t->n] = len;
	t->vals[t->n++] = v;
	return true;
}

static bool array_add(struct parser *ps, struct toml_node *a, struct toml_node *v,
		      const char *at)
{
	if (!v) {
		fail(ps, at, "out of memory");
		return false;
	}
	if (!grow(ps, a, at)) {
		toml_free(v);
		return false;
	}
	a->vals[a->n++] = v;
	return true;
}

/* ---- bytes -------------------------------------------------------------------- */

static bool buf_put(struct buf *b, const char *d, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *x;

		while (cap < b->n + n + 1)
			cap *= 2;
		x = realloc(b->d, cap);
		if (!x)
			return false;
		b->d = x;
		b->cap = cap;
	}
	memcpy(b->d + b->n, d, n);
	b->n += n;
	b->d[b->n] = '\0';
	return true;
}

/* UTF-8 of a Unicode scalar value (checked by the caller). */
static bool buf_utf8(struct buf *b, unsigned long c)
{
	char o[4];
	size_t n;

	if (c < 0x80) {
		o[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		o[0] = (char)(0xF0 | (c >> 18));
		o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	return buf_put(b, o, n);
}

/*
 * The whole input: valid UTF-8 (no overlong forms, surrogates or values
 * past U+10FFFF), no NUL, and CR only as part of CRLF.
 */
static bool check_bytes(struct parser *ps)
{
	const unsigned char *p = (const unsigned char *)ps->src;
	const unsigned char *end = (const unsigned char *)ps->end;

	while (p < end) {
		unsigned c = *p;
		size_t n, i;
		unsigned long v;

		if (c == 0) {
			fail(ps, (const char *)p, "NUL byte");
			return false;
		}
		if (c == '\r' && (p + 1 == end || p[1] != '\n')) {
			fail(ps, (const char *)p, "carriage return not followed by a line feed");
			return false;
		}
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			v = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			v = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			v = c & 0x07;
		} else {
			goto bad;
		}
		if ((size_t)(end - p) <= n)
			goto bad;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				goto bad;
			v = (v << 6) | (p[i] & 0x3F);
		}
		if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) ||
		    (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
			goto bad;
		p += n + 1;
	}
	return true;
bad:
	fail(ps, (const char *)p, "invalid UTF-8");
	return false;
}

/* ---- lexing ------------------------------------------------------------------- */

static bool at_end(const struct parser *ps)
{
	return ps->p >= ps->end;
}

static bool is_newline(const struct parser *ps)
{
	return !at_end(ps) && (*ps->p == '\n' || (*ps->p == '\r'));
}

static void skip_newline(struct parser *ps)
{
	ps->p += *ps->p == '\r' ? 2 : 1; /* CR is always followed by LF here */
}

static void skip_ws(struct parser *ps)
{
	while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

/* TOML control characters: U+0000-U+001F and U+007F. */
static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

static bool starts(const struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0;
}

/* '#' to the end of the line (the newline is left). */
static bool skip_comment(struct parser *ps)
{
	if (at_end(ps) || *ps->p != '#')
		return true;
	for (ps->p++; !is_newline(ps) && !at_end(ps); ps->p++) {
		unsigned char c = (unsigned char)*ps->p;

		if (is_control(c) && c != '\t') {
			fail(ps, ps->p, "control character in a comment");
			return false;
		}
	}
	return true;
}

/* After a key/value or a header: blanks, a comment, then a newline or the end. */
static bool end_of_line(struct parser *ps, const char *what)
{
	skip_ws(ps);
	if (!skip_comment(ps))
		return false;
	if (at_end(ps))
		return true;
	if (is_newline(ps)) {
		skip_newline(ps);
		return true;
	}
	fail(ps, ps->p, "expected a newline after %s", what);
	return false;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash (ps->p is on the backslash). */
static bool escape(struct parser *ps, struct buf *b)
{
	const char *at = ps->p;
	unsigned long v = 0;
	char c, out;
	int i, n, d;

	ps->p++;
	if (at_end(ps)) {
		fail(ps, at, "unterminated string");
		return false;
	}
	c = *ps->p++;
	switch (c) {
	case 'b': out = '\b'; break;
	case 't': out = '\t'; break;
	case 'n': out = '\n'; break;
	case 'f': out = '\f'; break;
	case 'r': out = '\r'; break;
	case '"': out = '"'; break;
	case '\\': out = '\\'; break;
	case 'u':
	case 'U':
		n = c == 'u' ? 4 : 8;
		for (i = 0; i < n; i++) {
			d = at_end(ps) ? -1 : hex_digit(*ps->p);
			if (d < 0) {
				fail(ps, at, "\\%c needs %d hex digits", c, n);
				return false;
			}
			v = (v << 4) | (unsigned long)d;
			ps->p++;
		}
		if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
			fail(ps, at, "\\%c%0*lX is not a Unicode scalar value", c, n, v);
			return false;
		}
		if (!buf_utf8(b, v))
			goto oom;
		return true;
	default:
		if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7F)
			fail(ps, at, "invalid escape \\%c", c);
		else
			fail(ps, at, "invalid escape");
		return false;
	}
	if (!buf_put(b, &out, 1))
		goto oom;
	return true;
oom:
	fail(ps, at, "out of memory");
	return false;
}

/*
 * A string of any of the four kinds, ps->p on its first quote. The
 * decoded bytes go to b (which the caller frees).
 */
static bool string(struct parser *ps, struct buf *b, bool allow_multi)
{
	const char *start = ps->p;
	char q = *ps->p;
	bool basic = q == '"';
	bool multi = starts(ps, basic ? "\"\"\"" : "'''");
	size_t run;

	if (!buf_put(b, "", 0))
		goto oom;
	if (multi && !allow_multi) {
		fail(ps, start, "multi-line strings cannot be keys");
		return false;
	}
	ps->p += multi ? 3 : 1;
	/* A newline right after the opening delimiter is trimmed. */
	if (multi && is_newline(ps))
		skip_newline(ps);
	for (;;) {
		unsigned char c;

		if (at_end(ps)) {
			fail(ps, start, "unterminated string");
			return false;
		}
		c = (unsigned char)*ps->p;
		if (c == (unsigned char)q) {
			if (!multi) {
				ps->p++;
				return true;
			}
			for (run = 0; ps->p + run < ps->end && ps->p[run] == q; run++)
				;
			if (run >= 3) {
				/* Up to two quotes may close the content itself. */
				if (run > 5) {
					fail(ps, ps->p, "too many quotes at the end of a multi-line string");
					return false;
				}
				if (!buf_put(b, ps->p, run - 3))
					goto oom;
				ps->p += run;
				return true;
			}
			if (!buf_put(b, ps->p, run))
				goto oom;
			ps->p += run;
			continue;
		}
		if (c == '\\' && basic) {
			const char *look = ps->p + 1;

			if (multi) {
				/* Line-ending backslash: trims the newline and all
				 * whitespace and newlines after it. */
				while (look < ps->end && (*look == ' ' || *look == '\t'))
					look++;
				if (look < ps->end && (*look == '\n' || *look == '\r')) {
					ps->p = look;
					while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t' ||
							       is_newline(ps))) {
						if (is_newline(ps))
							skip_newline(ps);
						else
							ps->p++;
					}
					continue;
				}
			}
			if (!escape(ps, b))
				return false;
			continue;
		}
		if (c == '\n' || c == '\r') {
			if (!multi) {
				fail(ps, ps->p, "newline in a single-line string");
				return false;
			}
			run = c == '\r' ? 2 : 1;
			if (!buf_put(b, ps->p, run))
				goto oom;
			ps->p += run;
			continue;
		}
		if (is_control(c) && c != '\t') {
			fail(ps, ps->p, "control character in a string (escape it)");
			return false;
		}
		if (!buf_put(b, ps->p, 1))
			goto oom;
		ps->p++;
	}
oom:
	fail(ps, start, "out of memory");
	return false;
}

/* ---- keys --------------------------------------------------------------------- */

static bool is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void key_free(struct key *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->part[i]);
	k->n = 0;
}

/* A simple or dotted key; blanks around the dots. On failure k is empty. */
static bool key(struct parser *ps, struct key *k)
{
	k->n = 0;
	for (;;) {
		struct buf b = { 0 };
		const char *at;

		skip_ws(ps);
		at = ps->p;
		if (k->n == KEY_MAX) {
			fail(ps, at, "more than %d parts in one key", KEY_MAX);
			goto err;
		}
		if (!at_end(ps) && (*ps->p == '"' || *ps->p == '\'')) {
			if (!string(ps, &b, false)) {
				free(b.d);
				goto err;
			}
		} else {
			while (!at_end(ps) && is_bare(*ps->p))
				ps->p++;
			if (ps->p == at) {
				if (at_end(ps) || is_newline(ps))
					fail(ps, at, "expected a key");
				else if ((unsigned char)*at >= 0x20 && (unsigned char)*at < 0x7F)
					fail(ps, at, "invalid character '%c' in a key", *at);
				else
					fail(ps, at, "invalid character in a key");
				goto err;
			}
			if (!buf_put(&b, at, (size_t)(ps->p - at))) {
				free(b.d);
				fail(ps, at, "out of memory");
				goto err;
			}
		}
		k->part[k->n] = b.d;
		k->len[k->n] = b.n;
		k->at[k->n++] = at;
		skip_ws(ps);
		if (at_end(ps) || *ps->p != '.')
			return true;
		ps->p++;
	}
err:
	key_free(k);
	return false;
}

/* ---- values ------------------------------------------------------------------- */

static bool is_digit_of(char c, int base)
{
	int d = hex_digit(c);

	return d >= 0 && d < base && (base == 16 || (c >= '0' && c <= '9'));
}

/* An integer token tok..end (no blanks); anything number-like we do not
 * support (floats, dates, times) is named as such. */
static struct toml_node *integer(struct parser *ps, const char *tok, const char *end)
{
	const char *p = tok, *digits;
	uint64_t v = 0, limit;
	bool neg = false;
	int base = 10;
	struct toml_node *n;

	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (end - p == 3 && (memcmp(p, "inf", 3) == 0 || memcmp(p, "nan", 3) == 0))
		goto unsupported_float;
	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b')) {
		if (p != tok) {
			fail(ps, tok, "a sign is not allowed on a hex, octal or binary integer");
			return NULL;
		}
		base = p[1] == 'x' ? 16 : p[1] == 'o' ? 8 : 2;
		p += 2;
	} else {
		const char *q;

		for (q = p; q < end; q++) {
			if (*q == '.' || *q == 'e' || *q == 'E')
				goto unsupported_float;
			if (*q == ':' || *q == '-' || *q == 'T' || *q == 'Z')
				goto unsupported_date;
		}
	}
	digits = p;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; p < end; p++) {
		if (*p == '_') {
			if (p == digits || p + 1 == end || !is_digit_of(p[-1], base) ||
			    !is_digit_of(p[1], base)) {
				fail(ps, p, "an underscore must sit between two digits");
				return NULL;
			}
			continue;
		}
		if (!is_digit_of(*p, base)) {
			fail(ps, p, "invalid digit in an integer");
			return NULL;
		}
		if (v > (limit - (uint64_t)hex_digit(*p)) / (uint64_t)base) {
			fail(ps, tok, "integer out of range");
			return NULL;
		}
		v = v * (uint64_t)base + (uint64_t)hex_digit(*p);
	}
	if (p == digits) {
		fail(ps, tok, "integer without digits");
		return NULL;
	}
	if (base == 10 && digits[0] == '0' && end - digits > 1) {
		fail(ps, tok, "leading zeros are not allowed");
		return NULL;
	}
	n = node_new(TOML_INTEGER, 0);
	if (!n) {
		fail(ps, tok, "out of memory");
		return NULL;
	}
	if (neg)
		n->i = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		n->i = (int64_t)v;
	return n;
unsupported_float:
	fail(ps, tok, "unsupported value: floats are outside sealroot's TOML subset");
	return NULL;
unsupported_date:
	fail(ps, tok, "unsupported value: dates and times are outside sealroot's TOML subset");
	return NULL;
}

static struct toml_node *string_value(struct parser *ps)
{
	struct buf b = { 0 };
	struct toml_node *n;
	const char *at = ps->p;

	if (!string(ps, &b, true)) {
		free(b.d);
		return NULL;
	}
	n = node_new(TOML_STRING, 0);
	if (!n) {
		free(b.d);
		fail(ps, at, "out of memory");
		return NULL;
	}
	n->s = b.d;
	n->slen = b.n;
	return n;
}

/* Blanks, newlines and comments between array elements. */
static bool array_space(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		if (!skip_comment(ps))
			return false;
		if (!is_newline(ps))
			return true;
		skip_newline(ps);
	}
}

static struct toml_node *array(struct parser *ps)
{
	const char *start = ps->p;
	struct toml_node *a = node_new(TOML_ARRAY, 0), *v;

	if (!a) {
		fail(ps, start, "out of memory");
		return NULL;
	}
	ps->p++;
	for (;;) {
		if (!array_space(ps))
			goto err;
		if (at_end(ps)) {
			fail(ps, start, "unterminated array");
			goto err;
		}
		if (*ps->p == ']') {
			ps->p++;
			return a;
		}
		if (*ps->p != '"' && *ps->p != '\'') {
			fail(ps, ps->p, "unsupported value: arrays of non-strings are outside "
			     "sealroot's TOML subset");
			goto err;
		}
		v = string_value(ps);
		if (!v || !array_add(ps, a, v, ps->p))
			goto err;
		if (!array_space(ps))
			goto err;
		if (at_end(ps)) {
			fail(ps, start, "unterminated array");
			goto err;
		}
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == ']')
			continue;
		fail(ps, ps->p, "expected ',' or ']' in an array");
		goto err;
	}
err:
	toml_free(a);
	return NULL;
}

static struct toml_node *value(struct parser *ps)
{
	const char *tok = ps->p, *end;
	struct toml_node *n;

	if (at_end(ps) || is_newline(ps) || *ps->p == '#') {
		fail(ps, ps->p, "expected a value");
		return NULL;
	}
	switch (*ps->p) {
	case '"':
	case '\'':
		return string_value(ps);
	case '[':
		return array(ps);
	case '{':
		fail(ps, tok, "unsupported value: inline tables are outside sealroot's TOML subset");
		return NULL;
	}
	if (starts(ps, "true") || starts(ps, "false")) {
		end = ps->p + (*ps->p == 't' ? 4 : 5);
		if (end == ps->end || !is_bare(*end)) {
			n = node_new(TOML_BOOLEAN, 0);
			if (!n) {
				fail(ps, tok, "out of memory");
				return NULL;
			}
			n->b = *ps->p == 't';
			ps->p = end;
			return n;
		}
	}
	if ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '+' || *ps->p == '-' ||
	    starts(ps, "inf") || starts(ps, "nan")) {
		for (end = ps->p; end < ps->end && (is_bare(*end) || *end == '+' ||
						    *end == '.' || *end == ':'); end++)
			;
		n = integer(ps, tok, end);
		if (n)
			ps->p = end;
		return n;
	}
	fail(ps, tok, "invalid value");
	return NULL;
}

/* ---- tables and key/value pairs ---------------------------------------------- */

static void quote_key(const struct key *k, size_t upto, char *out, size_t cap)
{
	size_t i, o = 0, j = 0;

	out[0] = '\0';
	for (i = 0; i < upto && o + 8 < cap; i++) {
		if (i)
			out[o++] = '.';
		for (j = 0; j < k->len[i] && o + 8 < cap; j++) {
			unsigned char c = (unsigned char)k->part[i][j];

			out[o++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
		}
	}
	if (i < upto || (upto && j < k->len[upto - 1]))
		o += (size_t)snprintf(out + o, cap - o, "...");
	out[o] = '\0';
}

/* [header] or [[header]]: returns the table that key/value pairs go to. */
static struct toml_node *header(struct parser *ps, struct toml_node *root)
{
	const char *start = ps->p;
	struct toml_node *t = root, *c, *elem;
	bool is_array = starts(ps, "[[");
	struct key k;
	char name[96];
	size_t i;

	ps->p += is_array ? 2 : 1;
	if (!key(ps, &k))
		return NULL;
	skip_ws(ps);
	if (!starts(ps, is_array ? "]]" : "]")) {
		fail(ps, ps->p, "expected '%s' to close the table header", is_array ? "]]" : "]");
		goto err;
	}
	ps->p += is_array ? 2 : 1;
	quote_key(&k, k.n, name, sizeof(name));
	for (i = 0; i + 1 < k.n; i++) {
		c = find(t, k.part[i], k.len[i]);
		if (!c) {
			c = node_new(TOML_TABLE, T_IMPLICIT);
			if (!table_add(ps, t, k.part[i], k.len[i], c, k.at[i]))
				goto err;
		} else if (c->type == TOML_TABLE_ARRAY) {
			c = c->vals[c->n - 1]; /* into its last element */
		} else if (c->type != TOML_TABLE) {
			fail(ps, k.at[i], "table [%s]: a part of its name is already a value", name);
			goto err;
		}
		t = c;
	}
	c = find(t, k.part[i], k.len[i]);
	if (is_array) {
		if (!c) {
			c = node_new(TOML_TABLE_ARRAY, T_DEFINED);
			if (!table_add(ps, t, k.part[i], k.len[i], c, k.at[i]))
				goto err;
		} else if (c->type != TOML_TABLE_ARRAY) {
			fail(ps, start, "[[%s]]: the name is already used by a table or value", name);
			goto err;
		}
		elem = node_new(TOML_TABLE, T_DEFINED);
		if (!array_add(ps, c, elem, start))
			goto err;
		key_free(&k);
		return elem;
	}
	if (!c) {
		c = node_new(TOML_TABLE, T_DEFINED);
		if (!table_add(ps, t, k.part[i], k.len[i], c, k.at[i]))
			goto err;
	} else if (c->type != TOML_TABLE || (c->flags & T_DEFINED)) {
		fail(ps, start, "table [%s] defined twice", name);
		goto err;
	} else if (c->flags & T_DOTTED) {
		fail(ps, start, "table [%s] was already defined by dotted keys", name);
		goto err;
	}
	c->flags |= T_DEFINED;
	key_free(&k);
	return c;
err:
	key_free(&k);
	return NULL;
}

static bool keyval(struct parser *ps, struct toml_node *t)
{
	struct toml_node *c, *v;
	struct key k;
	char name[96];
	size_t i;

	if (!key(ps, &k))
		return false;
	if (at_end(ps) || *ps->p != '=') {
		fail(ps, ps->p, "expected '=' after a key");
		goto err;
	}
	ps->p++;
	for (i = 0; i + 1 < k.n; i++) {
		c = find(t, k.part[i], k.len[i]);
		if (!c) {
			c = node_new(TOML_TABLE, T_DOTTED);
			if (!table_add(ps, t, k.part[i], k.len[i], c, k.at[i]))
				goto err;
		} else if (c->type != TOML_TABLE || !(c->flags & T_DOTTED)) {
			/* Dotted keys extend only tables that dotted keys made. */
			quote_key(&k, i + 1, name, sizeof(name));
			fail(ps, k.at[i], "key \"%s\" is already defined", name);
			goto err;
		}
		t = c;
	}
	if (find(t, k.part[i], k.len[i])) {
		quote_key(&k, k.n, name, sizeof(name));
		fail(ps, k.at[0], "duplicate key \"%s\"", name);
		goto err;
	}
	skip_ws(ps);
	v = value(ps);
	if (!v || !table_add(ps, t, k.part[i], k.len[i], v, k.at[i]))
		goto err;
	key_free(&k);
	return end_of_line(ps, "a value");
err:
	key_free(&k);
	return false;
}

struct toml_node *toml_parse(const char *src, size_t len, struct toml_error *err)
{
	struct parser ps = { src, src, src + len, err, false };
	struct toml_node *root, *cur;

	memset(err, 0, sizeof(*err));
	if (len > TOML_MAX_INPUT) {
		err->line = 1;
		err->column = 1;
		snprintf(err->msg, sizeof(err->msg), "document longer than %d bytes", TOML_MAX_INPUT);
		return NULL;
	}
	if (!check_bytes(&ps))
		return NULL;
	root = cur = node_new(TOML_TABLE, T_DEFINED);
	if (!root) {
		fail(&ps, src, "out of memory");
		return NULL;
	}
	while (!ps.failed) {
		skip_ws(&ps);
		if (at_end(&ps))
			return root;
		if (is_newline(&ps)) {
			skip_newline(&ps);
		} else if (*ps.p == '#') {
			skip_comment(&ps);
		} else if (*ps.p == '[') {
			cur = header(&ps, root);
			if (cur)
				end_of_line(&ps, "a table header");
		} else {
			keyval(&ps, cur);
		}
	}
	toml_free(root);
	return NULL;
}

/* ---- access -------------------------------------------------------------------- */

enum toml_type toml_type(const struct toml_node *n)
{
	return n->type;
}

size_t toml_count(const struct toml_node *n)
{
	if (!n || (n->type != TOML_TABLE && n->type != TOML_ARRAY &&
		   n->type != TOML_TABLE_ARRAY))
		return 0;
	return n->n;
}

const char *toml_key(const struct toml_node *t, size_t i, size_t *len)
{
	if (!t || t->type != TOML_TABLE || i >= t->n)
		return NULL;
	*len = t->klens[i];
	return t->keys[i];
}

const struct toml_node *toml_at(const struct toml_node *n, size_t i)
{
	if (i >= toml_count(n))
		return NULL;
	return n->vals[i];
}

const struct toml_node *toml_get(const struct toml_node *t, const char *k)
{
	if (!t || t->type != TOML_TABLE)
		return NULL;
	return find(t, k, strlen(k));
}

const char *toml_string(const struct toml_node *n, size_t *len)
{
	if (!n || n->type != TOML_STRING)
		return NULL;
	*len = n->slen;
	return n->s;
}

bool toml_integer(const struct toml_node *n, int64_t *out)
{
	if (!n || n->type != TOML_INTEGER)
		return false;
	*out = n->i;
	return true;
}

bool toml_boolean(const struct toml_node *n, bool *out)
{
	if (!n || n->type != TOML_BOOLEAN)
		return false;
	*out = n->b;
	return true;
}
