// SPDX-License-Identifier: Apache-2.0
/*
 * initdata_format: see initdata_format.h.
 * The block layout is Kata's (kata-containers src/agent/src/initdata.rs):
 * the 8 bytes "initdata", a little-endian u64 length N, N bytes of
 * gzip(TOML), zero padding to a multiple of 512. The padding is neither
 * measured nor read.
 */
#include "initdata_format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The low-level digests: EVP's first use sets up OpenSSL's providers, about
 * as long as the rest of the initdata step under TCG, and a boot without
 * attestation needs nothing else from OpenSSL. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <zlib.h>

#include "byteorder.h"

int initdata_header(const uint8_t *hdr, uint64_t dev_size, uint64_t *len,
		    char *err, size_t errlen)
{
	uint64_t n;

	if (memcmp(hdr, INITDATA_MAGIC, 8) != 0)
		return 0;
	n = le64(hdr + 8);
	if (n == 0) {
		snprintf(err, errlen, "length field is 0");
		return -EINVAL;
	}
	if (n > INITDATA_MAX_GZIP) {
		snprintf(err, errlen, "length field %llu exceeds the %d-byte cap",
			 (unsigned long long)n, INITDATA_MAX_GZIP);
		return -EINVAL;
	}
	/* Checked before any payload is read. */
	if (dev_size < INITDATA_HEADER || n > dev_size - INITDATA_HEADER) {
		snprintf(err, errlen, "length field %llu runs past the end of the %llu-byte device",
			 (unsigned long long)n, (unsigned long long)dev_size);
		return -EINVAL;
	}
	*len = n;
	return 1;
}

int initdata_gunzip(const uint8_t *gz, size_t gz_len, char **out,
		    size_t *out_len, char *err, size_t errlen)
{
	z_stream z;
	char *buf;
	int zr, r = -EINVAL;

	/* One byte beyond the cap tells "too big" from "exactly the cap". */
	buf = malloc(INITDATA_MAX_TOML + 2);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: gzip framing only, no zlib or raw deflate. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(err, errlen, "zlib init failed");
		free(buf);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)gz_len;
	z.next_out = (Bytef *)buf;
	z.avail_out = INITDATA_MAX_TOML + 1;
	zr = inflate(&z, Z_FINISH);
	if (zr == Z_STREAM_END) {
		if (z.avail_in != 0)
			snprintf(err, errlen, "%u bytes after the end of the gzip stream", z.avail_in);
		else if (z.total_out > INITDATA_MAX_TOML)
			snprintf(err, errlen, "decompressed size exceeds the %d-byte cap", INITDATA_MAX_TOML);
		else
			r = 0;
	} else if (zr == Z_BUF_ERROR && z.avail_out == 0) {
		snprintf(err, errlen, "decompressed size exceeds the %d-byte cap", INITDATA_MAX_TOML);
	} else if (zr == Z_BUF_ERROR) {
		snprintf(err, errlen, "gzip stream is truncated");
	} else {
		snprintf(err, errlen, "gzip stream is corrupt: %s", z.msg ? z.msg : "unknown error");
		r = zr == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
	}
	if (r == 0) {
		*out_len = z.total_out;
		buf[z.total_out] = '\0';
		*out = buf;
	} else {
		free(buf);
	}
	inflateEnd(&z);
	return r;
}

/*
 * Exactly the names the peers take, nothing else: Kata's agent and runtime
 * (kata-containers src/libs/kata-types/src/initdata.rs,
 * SUPPORTED_ALGORITHMS, commit 7c6ba40c) and Trustee (kbs-types
 * src/hash_algorithm.rs, serde rename_all = "lowercase", commit 900aa8fd;
 * parsed by trustee attestation-service/src/lib.rs parse_init_data). The
 * spec's "sha-384" spellings are refused by both, so a document using them
 * would pass here and fail there.
 */
static const struct {
	const char *name;
	size_t size;
} algs[] = {
	[ALG_SHA256] = { "sha256", 32 },
	[ALG_SHA384] = { "sha384", 48 },
	[ALG_SHA512] = { "sha512", 64 },
};

int initdata_alg_parse(const char *name, enum initdata_alg *alg)
{
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(name, algs[i].name) == 0) {
			*alg = (enum initdata_alg)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *initdata_alg_name(enum initdata_alg alg)
{
	return algs[alg].name;
}

size_t initdata_alg_size(enum initdata_alg alg)
{
	return algs[alg].size;
}

int initdata_digest(enum initdata_alg alg, const void *data, size_t len,
		    uint8_t *out)
{
	SHA256_CTX c256;
	SHA512_CTX c512;
	int ok;

	switch (alg) {
	case ALG_SHA256:
		ok = SHA256_Init(&c256) && SHA256_Update(&c256, data, len) &&
		     SHA256_Final(out, &c256);
		break;
	case ALG_SHA384:
		ok = SHA384_Init(&c512) && SHA384_Update(&c512, data, len) &&
		     SHA384_Final(out, &c512);
		break;
	default:
		ok = SHA512_Init(&c512) && SHA512_Update(&c512, data, len) &&
		     SHA512_Final(out, &c512);
		break;
	}
	return ok ? 0 : -EIO;
}

void initdata_fit(const uint8_t *digest, size_t digest_len, uint8_t *field,
		  size_t field_len)
{
	size_t n = digest_len < field_len ? digest_len : field_len;

	memcpy(field, digest, n);
	memset(field + n, 0, field_len - n);
}

bool initdata_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > INITDATA_NAME_MAX)
		return false;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return false;
	if ((len == 1 && name[0] == '.') || (len == 2 && memcmp(name, "..", 2) == 0))
		return false;
	return !(len == 13 && memcmp(name, "initdata.toml", 13) == 0);
}

/* A printable, bounded rendering of a host-chosen name for error lines. */
static void quote_name(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	if (i < len && o + 4 <= outlen)
		o += (size_t)snprintf(out + o, outlen - o, "...");
	out[o] = '\0';
}

static int parse_inner(const struct toml_node *data, const char *name,
		       struct toml_node **out, char *err, size_t errlen)
{
	const struct toml_node *n = toml_get(data, name);
	struct toml_error te;
	const char *s;
	size_t len;

	*out = NULL;
	if (!n)
		return 0;
	s = toml_string(n, &len);
	*out = toml_parse(s, len, &te);
	if (!*out) {
		snprintf(err, errlen, "data entry %s: line %u column %u: %s",
			 name, te.line, te.column, te.msg);
		return -EINVAL;
	}
	return 0;
}

int initdata_doc_parse(const char *toml, size_t len, struct initdata_doc *doc,
		       char *err, size_t errlen)
{
	const struct toml_node *v;
	struct toml_error te;
	const char *s, *key;
	size_t i, klen, slen;
	char q[80];

	memset(doc, 0, sizeof(*doc));
	doc->root = toml_parse(toml, len, &te);
	if (!doc->root) {
		snprintf(err, errlen, "TOML line %u column %u: %s", te.line, te.column, te.msg);
		return -EINVAL;
	}
	for (i = 0; i < toml_count(doc->root); i++) {
		key = toml_key(doc->root, i, &klen);
		if (!(klen == 7 && memcmp(key, "version", 7) == 0) &&
		    !(klen == 9 && memcmp(key, "algorithm", 9) == 0) &&
		    !(klen == 4 && memcmp(key, "data", 4) == 0)) {
			quote_name(key, klen, q, sizeof(q));
			snprintf(err, errlen, "unknown top-level key \"%s\"", q);
			goto fail;
		}
	}
	/* kata-containers src/libs/kata-types/src/initdata.rs: the only version there is. */
	v = toml_get(doc->root, "version");
	s = v ? toml_string(v, &slen) : NULL;
	if (!s) {
		snprintf(err, errlen, "version missing or not a string");
		goto fail;
	}
	if (strcmp(s, "0.1.0") != 0 || slen != 5) {
		quote_name(s, slen, q, sizeof(q));
		snprintf(err, errlen, "unsupported version \"%s\" (want 0.1.0)", q);
		goto fail;
	}
	v = toml_get(doc->root, "algorithm");
	s = v ? toml_string(v, &slen) : NULL;
	if (!s) {
		snprintf(err, errlen, "algorithm missing or not a string");
		goto fail;
	}
	if (slen != strlen(s) || initdata_alg_parse(s, &doc->alg) < 0) {
		quote_name(s, slen, q, sizeof(q));
		snprintf(err, errlen, "unknown algorithm \"%s\" (want sha256, sha384 or sha512)", q);
		goto fail;
	}
	/* Both peers deserialize data as a required map of strings
	 * (kata-types InitData.data, trustee Initdata.data): no [data] is
	 * an error there, so here too. */
	doc->data = toml_get(doc->root, "data");
	if (!doc->data) {
		snprintf(err, errlen, "data missing (a [data] table is required, even empty)");
		goto fail;
	}
	if (toml_type(doc->data) != TOML_TABLE) {
		snprintf(err, errlen, "data is not a table");
		goto fail;
	}
	for (i = 0; doc->data && i < toml_count(doc->data); i++) {
		key = toml_key(doc->data, i, &klen);
		quote_name(key, klen, q, sizeof(q));
		if (!initdata_name_ok(key, klen)) {
			snprintf(err, errlen, "data entry \"%s\" is not a plain file name", q);
			goto fail;
		}
		if (toml_type(toml_at(doc->data, i)) != TOML_STRING) {
			snprintf(err, errlen, "data entry \"%s\" is not a string", q);
			goto fail;
		}
	}
	if (doc->data) {
		if (parse_inner(doc->data, "aa.toml", &doc->aa, err, errlen) < 0 ||
		    parse_inner(doc->data, "cdh.toml", &doc->cdh, err, errlen) < 0)
			goto fail;
	}
	return 0;
fail:
	initdata_doc_free(doc);
	return -EINVAL;
}

void initdata_doc_free(struct initdata_doc *doc)
{
	toml_free(doc->cdh);
	toml_free(doc->aa);
	toml_free(doc->root);
	memset(doc, 0, sizeof(*doc));
}
