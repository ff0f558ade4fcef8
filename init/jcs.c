// SPDX-License-Identifier: Apache-2.0
/*
 * jcs: see jcs.h. Written from RFC 8785; the number rules are reduced to
 * integers within +-(2^53 - 1), the only numbers sealroot canonicalises.
 */
#include "jcs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *d;
	size_t n, cap;
	int err;
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t cap;
	char *d;

	if (o->err)
		return;
	if (o->n + n + 1 > o->cap) {
		cap = o->cap ? o->cap : 256;
		while (cap < o->n + n + 1)
			cap *= 2;
		d = realloc(o->d, cap);
		if (!d) {
			o->err = -ENOMEM;
			return;
		}
		o->d = d;
		o->cap = cap;
	}
	memcpy(o->d + o->n, s, n);
	o->n += n;
	o->d[o->n] = '\0';
}

/* Next code point of valid UTF-8 (no surrogates, no overlongs), or -1. */
static long next_cp(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	long cp;
	size_t n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 1, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 2, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 3, cp = s[0] & 0x07;
	else
		return -1;
	if ((size_t)(end - s) <= n)
		return -1;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return -1;
	*p = s + n + 1;
	return cp;
}

static void put_string(struct out *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *start;
	char esc[8];
	long cp;

	put(o, "\"", 1);
	while (p < end && !o->err) {
		start = p;
		cp = next_cp(&p, end);
		if (cp < 0) {
			o->err = -EINVAL;
			return;
		}
		switch (cp) {
		case '"': put(o, "\\\"", 2); break;
		case '\\': put(o, "\\\\", 2); break;
		case '\b': put(o, "\\b", 2); break;
		case '\t': put(o, "\\t", 2); break;
		case '\n': put(o, "\\n", 2); break;
		case '\f': put(o, "\\f", 2); break;
		case '\r': put(o, "\\r", 2); break;
		default:
			if (cp < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04lx", cp);
				put(o, esc, 6);
			} else {
				put(o, (const char *)start, (size_t)(p - start));
			}
		}
	}
	put(o, "\"", 1);
}

/* key as UTF-16 code units, for RFC 8785's member order. */
static size_t utf16(const char *k, uint16_t *u, size_t cap)
{
	const unsigned char *p = (const unsigned char *)k, *end = p + strlen(k);
	size_t n = 0;
	long cp;

	while (p < end && n + 2 <= cap) {
		cp = next_cp(&p, end);
		if (cp < 0)
			return (size_t)-1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[n++] = (uint16_t)(0xD800 + (cp >> 10));
			u[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
		} else {
			u[n++] = (uint16_t)cp;
		}
	}
	return p < end ? (size_t)-1 : n;
}

static int key_cmp(const void *a, const void *b)
{
	static uint16_t ua[1024], ub[1024];
	const char *ka = *(const char *const *)a, *kb = *(const char *const *)b;
	size_t na = utf16(ka, ua, 1024), nb = utf16(kb, ub, 1024), i;

	/* Invalid keys are refused before sorting; keep the order total anyway. */
	if (na == (size_t)-1 || nb == (size_t)-1)
		return strcmp(ka, kb);
	for (i = 0; i < na && i < nb; i++)
		if (ua[i] != ub[i])
			return ua[i] < ub[i] ? -1 : 1;
	return na < nb ? -1 : na > nb;
}

static void put_value(struct out *o, struct json_object *v, int depth)
{
	static uint16_t scratch[1024];
	char num[32];
	size_t i, n;

	if (o->err)
		return;
	if (depth > JCS_MAX_DEPTH) {
		o->err = -EINVAL;
		return;
	}
	switch (json_object_get_type(v)) {
	case json_type_null:
		put(o, "null", 4);
		break;
	case json_type_boolean:
		if (json_object_get_boolean(v))
			put(o, "true", 4);
		else
			put(o, "false", 5);
		break;
	case json_type_int: {
		int64_t x = json_object_get_int64(v);

		/* Beyond 2^53 ECMAScript would print a rounded double. */
		if (x > 9007199254740991LL || x < -9007199254740991LL ||
		    (x >= 0 && json_object_get_uint64(v) > 9007199254740991ULL)) {
			o->err = -EINVAL;
			return;
		}
		n = (size_t)snprintf(num, sizeof(num), "%" PRId64, x);
		put(o, num, n);
		break;
	}
	case json_type_double:
		o->err = -EINVAL;
		break;
	case json_type_string:
		put_string(o, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		put(o, "[", 1);
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i)
				put(o, ",", 1);
			put_value(o, json_object_array_get_idx(v, i), depth + 1);
		}
		put(o, "]", 1);
		break;
	case json_type_object: {
		const char **keys;
		struct json_object_iterator it = json_object_iter_begin(v);
		struct json_object_iterator end = json_object_iter_end(v);

		n = (size_t)json_object_object_length(v);
		keys = calloc(n ? n : 1, sizeof(*keys));
		if (!keys) {
			o->err = -ENOMEM;
			return;
		}
		for (i = 0; !json_object_iter_equal(&it, &end); json_object_iter_next(&it), i++) {
			keys[i] = json_object_iter_peek_name(&it);
			if (utf16(keys[i], scratch, 1024) == (size_t)-1)
				o->err = -EINVAL;
		}
		if (!o->err)
			qsort(keys, n, sizeof(*keys), key_cmp);
		put(o, "{", 1);
		for (i = 0; i < n && !o->err; i++) {
			if (i)
				put(o, ",", 1);
			put_string(o, keys[i], strlen(keys[i]));
			put(o, ":", 1);
			put_value(o, json_object_object_get(v, keys[i]), depth + 1);
		}
		put(o, "}", 1);
		free(keys);
		break;
	}
	}
}

int jcs_serialize(struct json_object *v, char **out, size_t *len)
{
	struct out o = { 0 };

	put_value(&o, v, 0);
	if (!o.err && !o.d)
		put(&o, "", 0);
	if (o.err) {
		free(o.d);
		return o.err;
	}
	*out = o.d;
	*len = o.n;
	return 0;
}
