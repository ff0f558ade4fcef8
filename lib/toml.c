// SPDX-License-Identifier: Apache-2.0
/*
 * toml: see toml.h.
 * Written from the TOML 1.0.0 specification (https://toml.io/en/v1.0.0) and
 * its ABNF. Design notes:
 *  - One pass first checks the whole input is UTF-8 with no NUL and no bare
 *    CR, so the parser proper deals in ASCII, copies bytes >= 0x80 through,
 *    and may assume every CR is followed by LF. A leading UTF-8 BOM is
 *    skipped, as toml-test's TOML 1.0 suite expects.
 *  - The parser is a loop over lines with no unbounded recursion: arrays
 *    hold only strings (one level), keys and headers are walked in loops.
 *    The tree is at most about 3 * TOML_MAX_DEPTH deep (a header, its
 *    [[arrays]] and a dotted key), so toml_free() may recurse.
 *  - A table remembers how it came to be (enum origin); the redefinition
 *    rules of TOML 1.0 need nothing else.
 *  - Lookups are linear scans, bounded by TOML_MAX_ENTRIES per table; a
 *    hash kept with each key makes a step one compare.
 *  - Errors point into the input; line and column are counted once, when
 *    the (first and only) error is raised. Every error path frees what it
 *    owns; the tree under construction is freed by toml_parse().
 */
#include "toml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNSUPPORTED(what) "unsupported value: " what " are outside sealroot's TOML subset"

/* How a table came to be; TOML 1.0's rules on defining tables depend on it. */
enum origin {
	BY_HEADER,	/* [a], an element of [[a]], or the root */
	BY_IMPLICIT,	/* a parent in a header (a in [a.b]): [a] may still define it */
	BY_DOTTED,	/* a in a.b = 1: closed to [a], open to [a.b.c] and to a.x = 1 */
};

struct slot {
	char *key;	/* tables only; NUL-terminated, may hold NULs */
	size_t klen;
	uint32_t hash;	/* of the key, so find() compares little else */
	struct toml_node *val;
};

struct toml_node {
	enum toml_type type;
	enum origin origin;	/* tables */
	size_t n, cap;		/* tables, arrays, table arrays */
	struct slot *slot;
	char *str;		/* strings, NUL-terminated */
	size_t len;
	int64_t num;		/* integers, booleans */
};

struct buf {
	char *d;
	size_t len, cap;
};

struct parser {
	const char *src, *p, *end;
	struct toml_error *err;
	struct toml_node *root, *cur;	/* cur: the table of the current section */
	struct buf scratch;		/* the string or key being decoded */
};

struct part {
	char *s;		/* decoded; moved into the tree when a slot takes it */
	size_t len;
	const char *at;		/* start in the input, for errors */
};

struct key {
	struct part part[TOML_MAX_DEPTH];
	size_t n;
};

enum { NAME = 100 };	/* a key or header as shown in a message */

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	const char *s, *bol = ps->src;
	unsigned line = 1;
	va_list ap;

	for (s = ps->src; s < at; s++) {
		if (*s == '\n') {
			line++;
			bol = s + 1;
		}
	}
	ps->err->line = line;
	ps->err->column = (unsigned)(at - bol) + 1;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int oom(struct parser *ps)
{
	return fail(ps, ps->p, "out of memory");
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) ||
	       c == '_' || c == '-';
}

/* U+0000-U+001F but tab, and U+007F; callers deal with newlines first. */
static bool is_ctrl(char c)
{
	unsigned char u = (unsigned char)c;

	return (u < 0x20 && u != '\t') || u == 0x7f;
}

/* Digit value in base 16 and below, or 16 for a non-digit. */
static unsigned digit(char c)
{
	if (is_digit(c))
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 16;
}

/* LF or CRLF; check_text() made sure every CR is followed by LF. */
static bool at_nl(const struct parser *ps)
{
	return ps->p < ps->end && (*ps->p == '\n' || *ps->p == '\r');
}

static void skip_nl(struct parser *ps)
{
	ps->p += *ps->p == '\r' ? 2 : 1;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && is_ws(*ps->p))
		ps->p++;
}

static bool looking_at(const struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0;
}

/*
 * TOML documents are UTF-8 and may not hold NUL or a CR outside CRLF
 * anywhere (they are control characters in strings and comments, and not
 * whitespace). Errors point at the first byte of the bad sequence.
 */
static int check_text(struct parser *ps)
{
	const unsigned char *s = (const unsigned char *)ps->src;
	const unsigned char *e = (const unsigned char *)ps->end;
	const char *at;
	unsigned c, n, i;
	uint32_t cp, min;

	while (s < e) {
		c = *s;
		at = (const char *)s;
		if (c < 0x80) {
			if (c == 0)
				return fail(ps, at, "NUL byte");
			if (c == '\r' && (s + 1 == e || s[1] != '\n'))
				return fail(ps, at, "carriage return not followed by line feed");
			s++;
			continue;
		}
		if (c < 0xc0 || c >= 0xf8)
			return fail(ps, at, "invalid UTF-8: unexpected byte 0x%02x", c);
		n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
		cp = c & (0x3fu >> n);
		for (i = 1; i <= n; i++) {
			if (s + i >= e || (s[i] & 0xc0) != 0x80)
				return fail(ps, at, "invalid UTF-8: incomplete sequence");
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (cp < min)
			return fail(ps, at, "invalid UTF-8: overlong encoding");
		if (cp >= 0xd800 && cp <= 0xdfff)
			return fail(ps, at, "invalid UTF-8: surrogate U+%04X", (unsigned)cp);
		if (cp > 0x10ffff)
			return fail(ps, at, "invalid UTF-8: beyond U+10FFFF");
		s += n + 1;
	}
	return 0;
}

/* Appends to the scratch buffer, keeping it NUL-terminated. */
static int put(struct parser *ps, const char *s, size_t n)
{
	struct buf *b = &ps->scratch;
	size_t cap;
	char *d;

	if (b->cap - b->len < n + 1) {
		cap = b->cap ? b->cap : 64;
		while (cap - b->len < n + 1)
			cap *= 2;
		d = realloc(b->d, cap);
		if (!d)
			return oom(ps);
		b->d = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->d + b->len, s, n);
	b->len += n;
	b->d[b->len] = '\0';
	return 0;
}

/* An exact-size copy of the scratch buffer. */
static char *take(struct parser *ps)
{
	char *s = malloc(ps->scratch.len + 1);

	if (!s) {
		oom(ps);
		return NULL;
	}
	if (ps->scratch.len)
		memcpy(s, ps->scratch.d, ps->scratch.len);
	s[ps->scratch.len] = '\0';
	return s;
}

static int put_utf8(struct parser *ps, uint32_t cp)
{
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, i;
	char u[4];

	for (i = n - 1; i > 0; i--, cp >>= 6)
		u[i] = (char)(0x80 | (cp & 0x3f));
	u[0] = (char)(lead[n] | cp);
	return put(ps, u, n);
}

/* At a backslash in a basic string: one escape, toml.io "String". */
static int escape(struct parser *ps)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *at = ps->p, *m;
	uint32_t cp = 0;
	unsigned i, n;
	char c;

	if (ps->end - at < 2)
		return fail(ps, ps->end, "unterminated string");
	c = at[1];
	ps->p += 2;
	m = c ? strchr(from, c) : NULL;
	if (m)
		return put(ps, &to[m - from], 1);
	if (c != 'u' && c != 'U') {
		if (c > ' ' && c < 0x7f)
			return fail(ps, at, "invalid escape \\%c", c);
		return fail(ps, at, "invalid escape");
	}
	n = c == 'u' ? 4 : 8;
	for (i = 0; i < n; i++, ps->p++) {
		if (ps->p >= ps->end || digit(*ps->p) > 15)
			return fail(ps, at, "invalid escape: \\%c needs %u hex digits", c, n);
		cp = cp << 4 | digit(*ps->p);
	}
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return fail(ps, at, "invalid escape: %.*s is not a Unicode scalar value",
			    (int)n + 2, at);
	return put_utf8(ps, cp);
}

/* Everything up to the next quote, backslash (basic strings) or control character. */
static void plain_run(struct parser *ps, char q)
{
	while (ps->p < ps->end && *ps->p != q && !is_ctrl(*ps->p) &&
	       !(q == '"' && *ps->p == '\\'))
		ps->p++;
}

/* "basic" (with escapes) or 'literal' (none), on one line. */
static int line_string(struct parser *ps)
{
	char q = *ps->p++;
	const char *run;

	for (;;) {
		run = ps->p;
		plain_run(ps, q);
		if (put(ps, run, (size_t)(ps->p - run)))
			return -1;
		if (ps->p >= ps->end || at_nl(ps))
			return fail(ps, ps->p, "unterminated string");
		if (*ps->p == q) {
			ps->p++;
			return 0;
		}
		if (*ps->p != '\\')
			return fail(ps, ps->p, "control character in string");
		if (escape(ps))
			return -1;
	}
}

/*
 * At a run of quotes in a multi-line string. Up to 2 are content; 3 to 5
 * close the string, the first 0 to 2 being content ("""a"""" is a"); 6 or
 * more cannot be. Returns 1 to go on, 0 when closed, -1 on error.
 */
static int quote_run(struct parser *ps, char q)
{
	const char *s = ps->p;
	size_t n = 0;

	while (s + n < ps->end && s[n] == q)
		n++;
	if (n > 5)
		return fail(ps, s + 5, "too many quotes at the end of a multi-line string");
	if (put(ps, s, n < 3 ? n : n - 3))
		return -1;
	ps->p = s + n;
	return n < 3;
}

/*
 * A backslash in a multi-line basic string: if only whitespace follows it
 * on its line, it, the newline and all whitespace and newlines after go.
 */
static int ml_escape(struct parser *ps)
{
	const char *s = ps->p + 1;

	while (s < ps->end && is_ws(*s))
		s++;
	if (s < ps->end && (*s == '\n' || *s == '\r')) {
		while (s < ps->end && (is_ws(*s) || *s == '\n' || *s == '\r'))
			s++;
		ps->p = s;
		return 0;
	}
	if (s > ps->p + 1)
		return fail(ps, ps->p, "invalid escape: only a newline may follow \\ and whitespace");
	return escape(ps);
}

/* """basic""" or '''literal''', newlines kept as written (LF or CRLF). */
static int ml_string(struct parser *ps)
{
	const char *open = ps->p, *run;
	char q = *ps->p;
	int r;

	ps->p += 3;
	if (at_nl(ps))
		skip_nl(ps);	/* a newline right after the delimiter is trimmed */
	for (;;) {
		run = ps->p;
		plain_run(ps, q);
		if (put(ps, run, (size_t)(ps->p - run)))
			return -1;
		if (ps->p >= ps->end)
			return fail(ps, open, "unterminated multi-line string");
		if (at_nl(ps)) {
			run = ps->p;
			skip_nl(ps);
			r = put(ps, run, (size_t)(ps->p - run));
		} else if (*ps->p == q) {
			r = quote_run(ps, q);
			if (r == 0)
				return 0;
			r = r < 0 ? -1 : 0;
		} else if (*ps->p == '\\') {
			r = ml_escape(ps);
		} else {
			return fail(ps, ps->p, "control character in string");
		}
		if (r)
			return -1;
	}
}

/* Any string form at ps->p, decoded into the scratch buffer. */
static int string(struct parser *ps, bool key)
{
	const char *s = ps->p;

	ps->scratch.len = 0;
	if (ps->end - s >= 3 && s[1] == s[0] && s[2] == s[0]) {
		if (key)
			return fail(ps, s, "a multi-line string cannot be a key");
		return ml_string(ps);
	}
	return line_string(ps);
}

/*
 * Appends len bytes to out (NAME bytes) for a message: printable ASCII as
 * is, the rest as \xHH. A cut is marked "..."; a full out takes no more.
 */
static void name_cat(char *out, const char *s, size_t len)
{
	size_t o = strlen(out), i;
	unsigned char c;

	if (o + 8 > NAME)
		return;
	for (i = 0; i < len; i++) {
		if (o + 8 > NAME) {	/* o <= NAME - 4 here: "..." fits */
			memcpy(out + o, "...", 4);
			return;
		}
		c = (unsigned char)s[i];
		if (c >= ' ' && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, NAME - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

static const char *part_name(char *out, const struct part *pt)
{
	out[0] = '\0';
	name_cat(out, pt->s, pt->len);
	return out;
}

/* The first n components of k as a header would spell them. */
static const char *path_name(char *out, const struct key *k, size_t n)
{
	const struct part *pt;
	size_t i, j;
	bool bare;

	out[0] = '\0';
	for (i = 0; i < n && strlen(out) + 8 <= NAME; i++) {
		pt = &k->part[i];
		bare = pt->len > 0;
		for (j = 0; j < pt->len; j++)
			bare = bare && is_bare(pt->s[j]);
		if (i)
			name_cat(out, ".", 1);
		if (!bare && strlen(out) + 2 < NAME)
			strcat(out, "\"");
		name_cat(out, pt->s, pt->len);
		if (!bare && strlen(out) + 2 < NAME)
			strcat(out, "\"");
	}
	return out;
}

/* One key component: bare, "basic" or 'literal'. */
static int simple_key(struct parser *ps, struct part *pt)
{
	const char *s = ps->p;

	pt->at = s;
	if (s < ps->end && (*s == '"' || *s == '\'')) {
		if (string(ps, true))
			return -1;
	} else {
		while (ps->p < ps->end && is_bare(*ps->p))
			ps->p++;
		if (ps->p == s)
			return fail(ps, s, "expected a key");
		ps->scratch.len = 0;
		if (put(ps, s, (size_t)(ps->p - s)))
			return -1;
	}
	pt->len = ps->scratch.len;
	pt->s = take(ps);
	return pt->s ? 0 : -1;
}

/* A dotted key; whitespace around the dots and after the key is skipped. */
static int parse_key(struct parser *ps, struct key *k)
{
	for (;;) {
		if (k->n == TOML_MAX_DEPTH)
			return fail(ps, ps->p, "more than %d components in one key",
				    TOML_MAX_DEPTH);
		if (simple_key(ps, &k->part[k->n]))
			return -1;
		k->n++;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '.')
			return 0;
		ps->p++;
		skip_ws(ps);
	}
}

static void free_key(struct key *k)
{
	while (k->n)
		free(k->part[--k->n].s);
}

static struct toml_node *new_node(struct parser *ps, enum toml_type type, enum origin origin)
{
	struct toml_node *n = calloc(1, sizeof(*n));

	if (!n) {
		oom(ps);
		return NULL;
	}
	n->type = type;
	n->origin = origin;
	return n;
}

/* FNV-1a */
static uint32_t hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* A linear scan, bounded by TOML_MAX_ENTRIES; the hash keeps it cheap. */
static struct toml_node *find(const struct toml_node *t, const char *key, size_t len)
{
	uint32_t h = hash(key, len);
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->slot[i].hash == h && t->slot[i].klen == len &&
		    memcmp(t->slot[i].key, key, len) == 0)
			return t->slot[i].val;
	}
	return NULL;
}

/*
 * Appends val to a table (under pt's key, which it takes) or to an array
 * (pt NULL). val is the container's from here on, or freed on failure.
 */
static int append(struct parser *ps, struct toml_node *c, struct part *pt,
		  struct toml_node *val, const char *at)
{
	struct slot *s;
	size_t cap;

	if (c->n == TOML_MAX_ENTRIES) {
		toml_free(val);
		return fail(ps, at, "more than %d %s", TOML_MAX_ENTRIES,
			    c->type == TOML_TABLE ? "keys in one table" :
			    c->type == TOML_ARRAY ? "elements in one array" :
			    "tables in one array of tables");
	}
	if (c->n == c->cap) {
		cap = c->cap ? c->cap * 2 : 1;
		s = realloc(c->slot, cap * sizeof(*s));
		if (!s) {
			toml_free(val);
			return oom(ps);
		}
		c->slot = s;
		c->cap = cap;
	}
	s = &c->slot[c->n++];
	s->key = NULL;
	s->klen = 0;
	s->hash = 0;
	s->val = val;
	if (pt) {
		s->key = pt->s;
		s->klen = pt->len;
		s->hash = hash(pt->s, pt->len);
		pt->s = NULL;
	}
	return 0;
}

/* The node named by pt in table t; missing, a new table of that origin. */
static struct toml_node *child(struct parser *ps, struct toml_node *t, struct part *pt,
			       enum origin origin)
{
	struct toml_node *c = find(t, pt->s, pt->len);

	if (c)
		return c;
	c = new_node(ps, TOML_TABLE, origin);
	if (!c || append(ps, t, pt, c, pt->at))
		return NULL;
	return c;
}

/*
 * The table that [a.b.c] or [[a.b.c]] puts c in: missing parents are made
 * (implicitly), any table may be walked through, and an array of tables
 * stands for its last element.
 */
static struct toml_node *header_parent(struct parser *ps, struct key *k)
{
	struct toml_node *t = ps->root;
	char name[NAME];
	size_t i;

	for (i = 0; i + 1 < k->n; i++) {
		t = child(ps, t, &k->part[i], BY_IMPLICIT);
		if (!t)
			return NULL;
		if (t->type == TOML_TABLE_ARRAY) {
			t = t->slot[t->n - 1].val;
		} else if (t->type != TOML_TABLE) {
			fail(ps, k->part[i].at, "key \"%s\" already holds a value",
			     part_name(name, &k->part[i]));
			return NULL;
		}
	}
	return t;
}

static int define_table(struct parser *ps, struct key *k, const char *open)
{
	struct part *last = &k->part[k->n - 1];
	struct toml_node *t = header_parent(ps, k), *c;
	char name[NAME];

	/* A new table starts implicit, like one an earlier header implied. */
	c = t ? child(ps, t, last, BY_IMPLICIT) : NULL;
	if (!c)
		return -1;
	if (c->type == TOML_TABLE && c->origin == BY_IMPLICIT) {
		c->origin = BY_HEADER;
		ps->cur = c;
		return 0;
	}
	path_name(name, k, k->n);
	if (c->type == TOML_TABLE && c->origin == BY_HEADER)
		return fail(ps, open, "table [%s] defined twice", name);
	if (c->type == TOML_TABLE)
		return fail(ps, open, "table [%s] was already defined by dotted keys", name);
	if (c->type == TOML_TABLE_ARRAY)
		return fail(ps, open, "table [%s] is already an array of tables", name);
	return fail(ps, last->at, "key \"%s\" already holds a value", part_name(name, last));
}

static int append_table(struct parser *ps, struct key *k, const char *open)
{
	struct part *last = &k->part[k->n - 1];
	struct toml_node *t = header_parent(ps, k), *c, *e;
	char name[NAME];

	if (!t)
		return -1;
	c = find(t, last->s, last->len);
	if (!c) {
		c = new_node(ps, TOML_TABLE_ARRAY, BY_HEADER);
		if (!c || append(ps, t, last, c, last->at))
			return -1;
	} else if (c->type == TOML_TABLE) {
		return fail(ps, open, "array of tables [[%s]] is already a table",
			    path_name(name, k, k->n));
	} else if (c->type != TOML_TABLE_ARRAY) {
		return fail(ps, last->at, "key \"%s\" already holds a value",
			    part_name(name, last));
	}
	e = new_node(ps, TOML_TABLE, BY_HEADER);
	if (!e || append(ps, c, NULL, e, open))
		return -1;
	ps->cur = e;
	return 0;
}

/* [a.b] or [[a.b]], whitespace allowed inside the brackets. */
static int header(struct parser *ps)
{
	const char *open = ps->p;
	bool aot = ps->end - open >= 2 && open[1] == '[';
	struct key k;
	int r = -1;

	k.n = 0;
	ps->p += aot ? 2 : 1;
	skip_ws(ps);
	if (parse_key(ps, &k))
		goto out;
	if (!looking_at(ps, aot ? "]]" : "]")) {
		fail(ps, ps->p, aot ? "expected ]] after the table name" :
				      "expected ] after the table name");
		goto out;
	}
	ps->p += aot ? 2 : 1;
	r = aot ? append_table(ps, &k, open) : define_table(ps, &k, open);
out:
	free_key(&k);
	return r;
}

/* Digits of base with single underscores between them, into *out <= lim. */
static int digits(struct parser *ps, const char *s, const char *e, unsigned base,
		  uint64_t lim, const char *num, uint64_t *out)
{
	const char *q;
	uint64_t v = 0;
	unsigned d;

	if (s == e)
		return fail(ps, s, "invalid integer: no digits");
	for (q = s; q < e; q++) {
		if (*q == '_') {
			if (q == s || q + 1 == e || digit(q[-1]) >= base || digit(q[1]) >= base)
				return fail(ps, q, "invalid integer: _ must sit between digits");
			continue;
		}
		d = digit(*q);
		if (d >= base) {
			if (*q > ' ' && *q < 0x7f)
				return fail(ps, q, "invalid integer: unexpected '%c'", *q);
			return fail(ps, q, "invalid integer");
		}
		if (v > (lim - d) / base)
			return fail(ps, num, "integer out of range");
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* 1*DIGIT with single underscores between digits; NULL if none. */
static const char *float_digits(const char *s, const char *e)
{
	if (s >= e || !is_digit(*s))
		return NULL;
	for (s++; s < e;) {
		if (is_digit(*s))
			s++;
		else if (*s == '_' && s + 1 < e && is_digit(s[1]))
			s += 2;
		else
			break;
	}
	return s;
}

/* Whether s..e spells a TOML float, which is then named as unsupported. */
static bool is_float(const char *s, const char *e)
{
	bool frac_or_exp = false;

	if (s < e && (*s == '+' || *s == '-'))
		s++;
	if (e - s == 3 && (memcmp(s, "inf", 3) == 0 || memcmp(s, "nan", 3) == 0))
		return true;
	if (s < e && *s == '0')
		s++;
	else if (!(s = float_digits(s, e)))
		return false;
	if (s < e && *s == '.') {
		if (!(s = float_digits(s + 1, e)))
			return false;
		frac_or_exp = true;
	}
	if (s < e && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < e && (*s == '+' || *s == '-'))
			s++;
		if (!(s = float_digits(s, e)))
			return false;
		frac_or_exp = true;
	}
	return frac_or_exp && s == e;
}

/* Integers (decimal, 0x, 0o, 0b); floats, dates and times are named and refused. */
static int number(struct parser *ps, int64_t *out)
{
	const char *s = ps->p, *e = s, *d = s;
	unsigned base = 10;
	uint64_t v = 0, lim = INT64_MAX;
	bool neg = false;

	while (e < ps->end && (is_bare(*e) || *e == '.' || *e == '+' || *e == ':'))
		e++;
	ps->p = e;
	if (e - s >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
	    is_digit(s[3]) && s[4] == '-')
		return fail(ps, s, UNSUPPORTED("dates and times"));
	if (e - s >= 3 && is_digit(s[0]) && is_digit(s[1]) && s[2] == ':')
		return fail(ps, s, UNSUPPORTED("dates and times"));
	if (is_float(s, e))
		return fail(ps, s, UNSUPPORTED("floats"));
	if (*d == '+' || *d == '-') {
		neg = *d++ == '-';
		if (neg)
			lim = (uint64_t)INT64_MAX + 1;
	}
	if (d == e || !is_digit(*d))
		return fail(ps, s, "invalid value");
	if (e - d >= 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'o' || d[1] == 'b')) {
		if (d != s)
			return fail(ps, s, "invalid integer: no sign allowed with 0%c", d[1]);
		base = d[1] == 'x' ? 16 : d[1] == 'o' ? 8 : 2;
		d += 2;
	} else if (e - d >= 2 && d[0] == '0' && (is_digit(d[1]) || d[1] == '_')) {
		return fail(ps, d, "invalid integer: leading zeros are not allowed");
	}
	if (digits(ps, d, e, base, lim, s, &v))
		return -1;
	if (!neg)
		*out = (int64_t)v;
	else
		*out = v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
	return 0;
}

static struct toml_node *string_node(struct parser *ps)
{
	struct toml_node *n;

	if (string(ps, false))
		return NULL;
	n = new_node(ps, TOML_STRING, BY_HEADER);
	if (!n)
		return NULL;
	n->len = ps->scratch.len;
	n->str = take(ps);
	if (!n->str) {
		free(n);
		return NULL;
	}
	return n;
}

/* A comment: control characters other than tab are not allowed in it. */
static int comment(struct parser *ps)
{
	for (ps->p++; ps->p < ps->end && !at_nl(ps); ps->p++) {
		if (is_ctrl(*ps->p))
			return fail(ps, ps->p, "control character in comment");
	}
	return 0;
}

/* Whitespace, comments and newlines, as between array elements. */
static int skip_blank(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '#' && comment(ps))
			return -1;
		if (!at_nl(ps))
			return 0;
		skip_nl(ps);
	}
}

static struct toml_node *value(struct parser *ps, bool in_array);

/* [ "a", 'b', """c""" ] over any number of lines; non-strings are refused. */
static struct toml_node *array(struct parser *ps)
{
	const char *open = ps->p, *at;
	struct toml_node *a = new_node(ps, TOML_ARRAY, BY_HEADER), *v;

	if (!a)
		return NULL;
	ps->p++;
	for (;;) {
		if (skip_blank(ps))
			break;
		at = ps->p;
		if (at < ps->end && *at == ']') {
			ps->p++;
			return a;
		}
		if (at >= ps->end) {
			fail(ps, open, "unterminated array");
			break;
		}
		v = value(ps, true);
		if (!v)
			break;
		if (v->type != TOML_STRING) {
			toml_free(v);
			fail(ps, at, UNSUPPORTED("arrays of non-strings"));
			break;
		}
		if (append(ps, a, NULL, v, at) || skip_blank(ps))
			break;
		if (ps->p >= ps->end) {
			fail(ps, open, "unterminated array");
			break;
		}
		if (*ps->p == ']') {
			ps->p++;
			return a;
		}
		if (*ps->p != ',') {
			fail(ps, ps->p, "expected , or ] in array");
			break;
		}
		ps->p++;
	}
	toml_free(a);
	return NULL;
}

/*
 * A value; in an array a nested array is refused up front, so this
 * recurses at most once.
 */
static struct toml_node *value(struct parser *ps, bool in_array)
{
	const char *s = ps->p;
	struct toml_node *n;
	int64_t num = 0;
	char c;

	if (s >= ps->end || *s == '#' || at_nl(ps)) {
		fail(ps, s, "expected a value");
		return NULL;
	}
	c = *s;
	if (c == '"' || c == '\'')
		return string_node(ps);
	if (c == '[' && in_array) {
		fail(ps, s, UNSUPPORTED("arrays of non-strings"));
		return NULL;
	}
	if (c == '[')
		return array(ps);
	if (c == '{') {
		fail(ps, s, UNSUPPORTED("inline tables"));
		return NULL;
	}
	if (looking_at(ps, "true") || looking_at(ps, "false")) {
		n = new_node(ps, TOML_BOOLEAN, BY_HEADER);
		if (n)
			n->num = c == 't';
		ps->p += c == 't' ? 4 : 5;
		return n;
	}
	if (is_digit(c) || c == '+' || c == '-' || looking_at(ps, "inf") ||
	    looking_at(ps, "nan")) {
		if (number(ps, &num))
			return NULL;
		n = new_node(ps, TOML_INTEGER, BY_HEADER);
		if (n)
			n->num = num;
		return n;
	}
	fail(ps, s, c == ',' ? "expected a value" : "invalid value");
	return NULL;
}

/*
 * The table that key = value goes in: dotted keys walk (or make) tables
 * that dotted keys made, and nothing else (TOML 1.0, "Table").
 */
static struct toml_node *dotted_parent(struct parser *ps, struct key *k)
{
	struct toml_node *t = ps->cur;
	char name[NAME];
	size_t i;

	for (i = 0; i + 1 < k->n; i++) {
		t = child(ps, t, &k->part[i], BY_DOTTED);
		if (!t)
			return NULL;
		if (t->type == TOML_TABLE && t->origin == BY_DOTTED)
			continue;
		part_name(name, &k->part[i]);
		if (t->type == TOML_TABLE) {
			fail(ps, k->part[i].at,
			     "dotted key cannot add to table \"%s\": a [header] made it", name);
			return NULL;
		}
		if (t->type == TOML_TABLE_ARRAY) {
			fail(ps, k->part[i].at,
			     "dotted key cannot add to array of tables \"%s\"", name);
			return NULL;
		}
		fail(ps, k->part[i].at, "key \"%s\" already holds a value", name);
		return NULL;
	}
	return t;
}

static int keyval(struct parser *ps)
{
	struct toml_node *t, *v;
	struct part *last;
	char name[NAME];
	struct key k;
	int r = -1;

	k.n = 0;
	if (parse_key(ps, &k))
		goto out;
	if (ps->p >= ps->end || *ps->p != '=') {
		fail(ps, ps->p, "expected = after key");
		goto out;
	}
	ps->p++;
	last = &k.part[k.n - 1];
	t = dotted_parent(ps, &k);
	if (!t)
		goto out;
	if (find(t, last->s, last->len)) {
		fail(ps, last->at, "duplicate key \"%s\"", part_name(name, last));
		goto out;
	}
	skip_ws(ps);
	v = value(ps, false);
	if (v)
		r = append(ps, t, last, v, last->at);
out:
	free_key(&k);
	return r;
}

/* After a value or a header: whitespace, maybe a comment, then a newline or the end. */
static int end_line(struct parser *ps, const char *what)
{
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '#' && comment(ps))
		return -1;
	if (ps->p >= ps->end)
		return 0;
	if (!at_nl(ps))
		return fail(ps, ps->p, "expected newline after %s", what);
	skip_nl(ps);
	return 0;
}

static int parse(struct parser *ps)
{
	const char *what;
	int r;

	while (ps->p < ps->end) {
		skip_ws(ps);
		what = "value";
		r = 0;
		if (ps->p < ps->end && *ps->p == '[') {
			what = "table header";
			r = header(ps);
		} else if (ps->p < ps->end && *ps->p != '#' && !at_nl(ps)) {
			r = keyval(ps);
		}
		if (r || end_line(ps, what))
			return -1;
	}
	return 0;
}

struct toml_node *toml_parse(const char *src, size_t len, struct toml_error *err)
{
	struct toml_error spare;
	struct parser ps;
	int r;

	if (!err)
		err = &spare;
	memset(err, 0, sizeof(*err));
	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.src = ps.p = ps.end = src ? src : "";
	if (!src && len) {
		fail(&ps, ps.p, "no input");
		return NULL;
	}
	if (len > TOML_MAX_INPUT) {
		ps.end = src + TOML_MAX_INPUT;
		fail(&ps, ps.end, "input larger than %d bytes", TOML_MAX_INPUT);
		return NULL;
	}
	ps.end = ps.src + len;
	if (check_text(&ps))
		return NULL;
	if (looking_at(&ps, "\xef\xbb\xbf"))
		ps.p += 3;
	ps.root = ps.cur = new_node(&ps, TOML_TABLE, BY_HEADER);
	if (!ps.root)
		return NULL;
	r = parse(&ps);
	free(ps.scratch.d);
	if (r) {
		toml_free(ps.root);
		return NULL;
	}
	return ps.root;
}

/* Recursion is bounded: see the note at the top. */
void toml_free(struct toml_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++) {
		free(n->slot[i].key);
		toml_free(n->slot[i].val);
	}
	free(n->slot);
	free(n->str);
	free(n);
}

/* NULL reads as an empty table, as toml_count() and toml_get() treat it. */
enum toml_type toml_type(const struct toml_node *n)
{
	return n ? n->type : TOML_TABLE;
}

static bool container(const struct toml_node *n)
{
	return n && (n->type == TOML_TABLE || n->type == TOML_ARRAY ||
		     n->type == TOML_TABLE_ARRAY);
}

size_t toml_count(const struct toml_node *n)
{
	return container(n) ? n->n : 0;
}

const char *toml_key(const struct toml_node *table, size_t i, size_t *len)
{
	bool ok = table && table->type == TOML_TABLE && i < table->n;

	if (len)
		*len = ok ? table->slot[i].klen : 0;
	return ok ? table->slot[i].key : NULL;
}

const struct toml_node *toml_at(const struct toml_node *n, size_t i)
{
	return container(n) && i < n->n ? n->slot[i].val : NULL;
}

const struct toml_node *toml_get(const struct toml_node *table, const char *key)
{
	if (!table || table->type != TOML_TABLE || !key)
		return NULL;
	return find(table, key, strlen(key));
}

const char *toml_string(const struct toml_node *n, size_t *len)
{
	bool ok = n && n->type == TOML_STRING;

	if (len)
		*len = ok ? n->len : 0;
	return ok ? n->str : NULL;
}

bool toml_integer(const struct toml_node *n, int64_t *out)
{
	if (!n || n->type != TOML_INTEGER)
		return false;
	if (out)
		*out = n->num;
	return true;
}

bool toml_boolean(const struct toml_node *n, bool *out)
{
	if (!n || n->type != TOML_BOOLEAN)
		return false;
	if (out)
		*out = n->num != 0;
	return true;
}
