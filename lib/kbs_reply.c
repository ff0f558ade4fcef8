// SPDX-License-Identifier: Apache-2.0
/*
 * kbs_reply: see kbs_reply.h. Every reply is parsed by json-c in strict
 * mode, with a depth cap, and must be exactly one JSON object.
 */
#include "kbs_reply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"

enum {
	JSON_DEPTH = 16,        /* a reply */
	SE_JSON_DEPTH = 8,      /* the SE request inside the nonce */
};

/* The one JSON object that is all of s[0..len): 0, -EINVAL or -ENOMEM. */
static int json_object_strict(const char *s, size_t len, int depth, struct json_object **out)
{
	struct json_tokener *tok;
	struct json_object *o;

	*out = NULL;
	tok = json_tokener_new_ex(depth);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len || !json_object_is_type(o, json_type_object)) {
		json_tokener_free(tok);
		json_object_put(o);
		return -EINVAL;
	}
	json_tokener_free(tok);
	*out = o;
	return 0;
}

/* A reply body as a JSON object, or NULL with the reason in err. */
static struct json_object *parse_json(const char *body, size_t len, char *err, size_t errlen)
{
	struct json_object *o;
	int r;

	if (!body || len == 0 || memchr(body, '\0', len)) {
		snprintf(err, errlen, "empty or binary reply");
		return NULL;
	}
	r = json_object_strict(body, len, JSON_DEPTH, &o);
	if (r < 0)
		snprintf(err, errlen, r == -ENOMEM ? "out of memory" : "reply is not a JSON object");
	return o;
}

/* ---- Challenge, Attest and error replies ------------------------------------ */

/* extra-params' selected-hash-algorithm into hash; 0, or -EINVAL with err. */
static int selected_hash(struct json_object *o, char *hash, char *err, size_t errlen)
{
	static const char *const known[] = { "sha256", "sha384", "sha512" };
	struct json_object *x, *h;
	char low[KBS_HASH_NAME];
	const char *s;
	size_t i, n;

	hash[0] = '\0';
	/* Not an object (Trustee's ""), or no selection: the TEE's default. */
	if (!json_object_object_get_ex(o, "extra-params", &x) ||
	    !json_object_is_type(x, json_type_object) ||
	    !json_object_object_get_ex(x, "selected-hash-algorithm", &h))
		return 0;
	if (!json_object_is_type(h, json_type_string)) {
		snprintf(err, errlen, "challenge selected-hash-algorithm is not a string");
		return -EINVAL;
	}
	s = json_object_get_string(h);
	n = (size_t)json_object_get_string_len(h);
	for (i = 0; i < n && i < sizeof(low) - 1; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	low[i] = '\0';
	for (i = 0; n < sizeof(low) && i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(low, known[i]) == 0) {
			memcpy(hash, low, n + 1);
			return 0;
		}
	}
	snprintf(err, errlen, "challenge selects hash algorithm \"%.16s\", not sha256, sha384 "
		 "or sha512", s);
	return -EINVAL;
}

int kbs_parse_challenge(const char *body, size_t len, char **nonce, char *hash,
			char *err, size_t errlen)
{
	struct json_object *o = parse_json(body, len, err, errlen), *n;
	const char *s;
	int r = -EINVAL;

	*nonce = NULL;
	if (!o)
		return -EINVAL;
	if (hash && selected_hash(o, hash, err, errlen) < 0) {
		json_object_put(o);
		return -EINVAL;
	}
	if (!json_object_object_get_ex(o, "nonce", &n) || !json_object_is_type(n, json_type_string)) {
		snprintf(err, errlen, "challenge has no string nonce");
	} else if (json_object_get_string_len(n) < 1 || json_object_get_string_len(n) > KBS_NONCE_MAX) {
		snprintf(err, errlen, "challenge nonce of %d characters", json_object_get_string_len(n));
	} else {
		s = json_object_get_string(n);
		*nonce = strdup(s);
		r = *nonce ? 0 : -ENOMEM;
	}
	json_object_put(o);
	return r;
}

int kbs_parse_token(const char *body, size_t len, char *err, size_t errlen)
{
	struct json_object *o = parse_json(body, len, err, errlen), *t;
	int r = 0;

	if (!o)
		return -EINVAL;
	if (!json_object_object_get_ex(o, "token", &t) || !json_object_is_type(t, json_type_string) ||
	    json_object_get_string_len(t) == 0) {
		snprintf(err, errlen, "attest reply has no token");
		r = -EINVAL;
	}
	json_object_put(o);
	return r;
}

void kbs_error_name(const char *body, size_t len, char *out, size_t cap)
{
	char err[64];
	struct json_object *o = parse_json(body, len, err, sizeof(err)), *t;
	const char *s, *slash;
	size_t i, o_len = 0;

	out[0] = '\0';
	if (!o)
		return;
	if (json_object_object_get_ex(o, "type", &t) && json_object_is_type(t, json_type_string)) {
		s = json_object_get_string(t);
		slash = strrchr(s, '/');
		s = slash ? slash + 1 : s;
		for (i = 0; s[i] && o_len + 1 < cap && o_len < 48; i++)
			if ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= '0' && s[i] <= '9'))
				out[o_len++] = s[i];
		out[o_len] = '\0';
	}
	json_object_put(o);
}

/* ---- the SE request in the nonce -------------------------------------------- */

void kbs_se_challenge_free(struct se_challenge *c)
{
	free(c->arcb);
	free(c->encr_measurement_key);
	free(c->encr_request_nonce);
	free(c->image_hdr_tags);
	memset(c, 0, sizeof(*c));
}

/* A base64 string member, decoded to check it (at most cap bytes). */
static int se_b64(struct json_object *o, const char *key, size_t cap, uint8_t **bin, size_t *n,
		  char **text, char *err, size_t errlen)
{
	struct json_object *v;
	const char *s;
	size_t len;
	uint8_t *buf;
	int r;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "SE challenge has no string %s", key);
		return -EINVAL;
	}
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	buf = malloc(len / 4 * 3 + 1);
	if (!buf) {
		snprintf(err, errlen, "SE challenge: out of memory");
		return -ENOMEM;
	}
	r = b64_decode(s, len, buf, cap, n);
	if (r < 0 || *n == 0) {
		free(buf);
		snprintf(err, errlen, "SE challenge %s is %s", key,
			 r == -EFBIG ? "too large" : r < 0 ? "not base64" : "empty");
		return -EINVAL;
	}
	if (text) {
		*text = strdup(s);
		if (!*text) {
			free(buf);
			snprintf(err, errlen, "SE challenge: out of memory");
			return -ENOMEM;
		}
	}
	if (bin)
		*bin = buf;
	else
		free(buf);
	return 0;
}

static int se_size(struct json_object *o, const char *key, size_t lo, size_t hi, size_t *out,
		   char *err, size_t errlen)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int)) {
		snprintf(err, errlen, "SE challenge has no integer %s", key);
		return -EINVAL;
	}
	errno = 0;
	n = json_object_get_int64(v);
	if (errno || n < (int64_t)lo || n > (int64_t)hi) {
		snprintf(err, errlen, "SE challenge %s is out of range (%zu..%zu)", key, lo, hi);
		return -EINVAL;
	}
	*out = (size_t)n;
	return 0;
}

int kbs_parse_se_challenge(const char *nonce, struct se_challenge *c, char *err, size_t errlen)
{
	struct json_object *o;
	size_t n;
	int r;

	memset(c, 0, sizeof(*c));
	r = json_object_strict(nonce, strlen(nonce), SE_JSON_DEPTH, &o);
	if (r == -ENOMEM) {
		snprintf(err, errlen, "SE challenge: out of memory");
		return r;
	}
	if (r < 0) {
		snprintf(err, errlen, "SE challenge nonce is not a JSON request object");
		return r;
	}
	r = se_b64(o, "request_blob", SE_ARCB_MAX, &c->arcb, &c->arcb_len, NULL, err, errlen);
	if (r == 0)
		r = se_size(o, "measurement_size", 1, SE_MEASUREMENT_MAX, &c->meas_len, err, errlen);
	if (r == 0)
		r = se_size(o, "additional_size", 0, SE_ADDITIONAL_MAX, &c->add_len, err, errlen);
	if (r == 0)
		r = se_b64(o, "encr_measurement_key", 4096, NULL, &n, &c->encr_measurement_key, err,
			   errlen);
	if (r == 0)
		r = se_b64(o, "encr_request_nonce", 4096, NULL, &n, &c->encr_request_nonce, err,
			   errlen);
	if (r == 0)
		r = se_b64(o, "image_hdr_tags", 4096, NULL, &n, &c->image_hdr_tags, err, errlen);
	json_object_put(o);
	if (r < 0)
		kbs_se_challenge_free(c);
	return r;
}

/* ---- the session cookie ------------------------------------------------------ */

int kbs_parse_set_cookie(const char *line, size_t len, char *out)
{
	static const char hdr[] = "set-cookie:", name[] = "kbs-session-id=";
	const char *p = line, *end = line + len, *v;
	size_t n;

	if (len < sizeof(hdr) - 1 || strncasecmp(p, hdr, sizeof(hdr) - 1) != 0)
		return 0;
	p += sizeof(hdr) - 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < sizeof(name) - 1 || memcmp(p, name, sizeof(name) - 1) != 0)
		return 0;
	v = p + sizeof(name) - 1;
	for (p = v; p < end && *p != ';' && *p != '\r' && *p != '\n'; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return -EINVAL;
	}
	n = (size_t)(p - v);
	if (n == 0 || n >= KBS_COOKIE_MAX)
		return -EINVAL;
	memcpy(out, v, n);
	out[n] = '\0';
	return 1;
}
