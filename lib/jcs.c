// SPDX-License-Identifier: Apache-2.0
/*
 * jcs: see jcs.h. Written from RFC 8785. Numbers are reduced to the
 * integers that a double holds exactly, for which ECMAScript's
 * Number.prototype.toString (RFC 8785 3.2.2.3) is plain decimal.
 */
#include "jcs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *d;
	size_t n, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	size_t cap;
	char *d;

	if (n == 0)
		return 0;
	if (n > SIZE_MAX / 4 || b->n > SIZE_MAX / 4)
		return -ENOMEM;
	if (!b->d || b->n + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->n + n + 1)
			cap *= 2;
		d = realloc(b->d, cap);
		if (!d)
			return -ENOMEM;
		b->d = d;
		b->cap = cap;
	}
	memcpy(b->d + b->n, s, n);
	b->n += n;
	b->d[b->n] = '\0';
	return 0;
}

/*
 * One code point of well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) from s[0..n): its length, or 0.
 */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	*cp = c;
	return len;
}

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		k = utf8_next(p + i, n - i, &cp);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/* RFC 8785 3.2.2.2: the JSON.stringify escapes, nothing else. */
static int put_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	char esc[7];
	uint32_t cp;
	int r;

	if ((r = put(b, "\"", 1)) < 0)
		return r;
	while (i < n) {
		k = utf8_next(p + i, n - i, &cp);
		if (!k)
			return -EINVAL;
		if (cp >= 0x20 && cp != '"' && cp != '\\') {
			i += k;
			continue;
		}
		/* Flush the unescaped run before this character. */
		if ((r = put(b, s + run, i - run)) < 0)
			return r;
		esc[0] = '\\';
		switch (cp) {
		case '"': esc[1] = '"'; k = 2; break;
		case '\\': esc[1] = '\\'; k = 2; break;
		case '\b': esc[1] = 'b'; k = 2; break;
		case '\t': esc[1] = 't'; k = 2; break;
		case '\n': esc[1] = 'n'; k = 2; break;
		case '\f': esc[1] = 'f'; k = 2; break;
		case '\r': esc[1] = 'r'; k = 2; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[cp >> 4];
			esc[5] = hex[cp & 15];
			k = 6;
		}
		if ((r = put(b, esc, k)) < 0)
			return r;
		run = ++i;
	}
	if ((r = put(b, s + run, n - run)) < 0)
		return r;
	return put(b, "\"", 1);
}

/*
 * The first UTF-16 code unit of cp in the high half, the second (or 0) in
 * the low half: comparing these as numbers compares UTF-16 sequences, since
 * a BMP character never equals a high surrogate. This is where UTF-16 and
 * UTF-8 orders part: U+10000 and up (D800..DBFF) sort before U+E000..U+FFFF.
 */
static uint32_t utf16_key(uint32_t cp)
{
	if (cp < 0x10000)
		return cp << 16;
	cp -= 0x10000;
	return ((0xD800 + (cp >> 10)) << 16) | (0xDC00 + (cp & 0x3FF));
}

struct member {
	const char *name;
	size_t len;
	struct json_object *v;
};

/* RFC 8785 3.2.3; the names were checked to be valid UTF-8 before sorting. */
static int member_cmp(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	const unsigned char *pa = (const unsigned char *)a->name;
	const unsigned char *pb = (const unsigned char *)b->name;
	size_t i = 0, j = 0, ka, kb;
	uint32_t ca, cb, ua, ub;

	while (i < a->len && j < b->len) {
		ka = utf8_next(pa + i, a->len - i, &ca);
		kb = utf8_next(pb + j, b->len - j, &cb);
		if (!ka || !kb)         /* not reached: checked before */
			return 0;
		if (ca != cb) {
			ua = utf16_key(ca);
			ub = utf16_key(cb);
			return ua < ub ? -1 : 1;
		}
		i += ka;
		j += kb;
	}
	return (i < a->len) - (j < b->len);
}

static int put_value(struct buf *b, struct json_object *v, int depth);

static int put_object(struct buf *b, struct json_object *v, int depth)
{
	struct json_object_iterator it = json_object_iter_begin(v);
	struct json_object_iterator end = json_object_iter_end(v);
	struct member *m;
	size_t n = 0, i;
	int r = 0;

	m = calloc((size_t)json_object_object_length(v) + 1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it), n++) {
		m[n].name = json_object_iter_peek_name(&it);
		m[n].len = strlen(m[n].name);
		m[n].v = json_object_iter_peek_value(&it);
		if (!utf8_valid(m[n].name, m[n].len)) {
			free(m);
			return -EINVAL;
		}
	}
	qsort(m, n, sizeof(*m), member_cmp);
	r = put(b, "{", 1);
	for (i = 0; i < n && r == 0; i++) {
		if (i)
			r = put(b, ",", 1);
		if (r == 0)
			r = put_string(b, m[i].name, m[i].len);
		if (r == 0)
			r = put(b, ":", 1);
		if (r == 0)
			r = put_value(b, m[i].v, depth + 1);
	}
	free(m);
	return r ? r : put(b, "}", 1);
}

static int put_value(struct buf *b, struct json_object *v, int depth)
{
	enum json_type t = json_object_get_type(v);
	char num[24];
	size_t i, n;
	int64_t x;
	int r = 0;

	if ((t == json_type_object || t == json_type_array) && depth >= JCS_MAX_DEPTH)
		return -EINVAL;
	switch (t) {
	case json_type_null:
		return put(b, "null", 4);
	case json_type_boolean:
		return json_object_get_boolean(v) ? put(b, "true", 4) : put(b, "false", 5);
	case json_type_int:
		/* json-c keeps values above INT64_MAX as uint64; those saturate here. */
		x = json_object_get_int64(v);
		if (x > JCS_MAX_SAFE_INT || x < -JCS_MAX_SAFE_INT)
			return -EINVAL;
		n = (size_t)snprintf(num, sizeof(num), "%" PRId64, x);
		return put(b, num, n);
	case json_type_double:
		return -EINVAL;
	case json_type_string:
		return put_string(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
	case json_type_array:
		r = put(b, "[", 1);
		n = json_object_array_length(v);
		for (i = 0; i < n && r == 0; i++) {
			if (i)
				r = put(b, ",", 1);
			if (r == 0)
				r = put_value(b, json_object_array_get_idx(v, i), depth + 1);
		}
		return r ? r : put(b, "]", 1);
	case json_type_object:
		return put_object(b, v, depth);
	}
	return -EINVAL;
}

int jcs_serialize(struct json_object *v, char **out, size_t *len)
{
	struct buf b = { 0 };
	int r;

	*out = NULL;
	*len = 0;
	r = put_value(&b, v, 0);
	if (r < 0) {
		free(b.d);
		return r;
	}
	*out = b.d;
	*len = b.n;
	return 0;
}
