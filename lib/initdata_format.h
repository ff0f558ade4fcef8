/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initdata_format: Kata's initdata block and the document it carries.
 * The document format is Trustee's (confidential-containers/trustee
 * kbs/docs/initdata.md): version "0.1.0", an algorithm, a [data] table of
 * file names and their text; its digest is taken over the exact bytes.
 * Pure functions, shared by the init's initdata step and the host tool
 * tools/sealroot-initdata.
 * Reads: byte buffers only. Changes: nothing outside its out-parameters.
 * On failure: returns -EINVAL (or -EFBIG, -ENOMEM) and writes one reason
 * into err; nothing is guessed or repaired.
 */
#ifndef SEALROOT_INITDATA_FORMAT_H
#define SEALROOT_INITDATA_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toml.h"

#define INITDATA_MAGIC "initdata"
enum {
	INITDATA_HEADER = 16,               /* magic + u64 LE length */
	INITDATA_MAX_GZIP = 256 * 1024,     /* compressed cap */
	INITDATA_MAX_TOML = 1024 * 1024,    /* decompressed cap */
	INITDATA_ALIGN = 512,               /* the image is padded to this */
	INITDATA_DIGEST_MAX = 64,           /* sha512 */
	INITDATA_NAME_MAX = 255,            /* one file name */
	INITDATA_ERR = 256,
};

/* The digest algorithms initdata may name. */
enum initdata_alg { ALG_SHA256, ALG_SHA384, ALG_SHA512 };

/*
 * The block header: hdr holds the first INITDATA_HEADER bytes of a device
 * of dev_size bytes. Returns 1 and the compressed length in *len when the
 * magic is there and the length is sane (non-zero, within the cap and
 * within the device); 0 when the magic is absent (not an initdata device);
 * -EINVAL with err when the magic is there but the length is not.
 */
int initdata_header(const uint8_t *hdr, uint64_t dev_size, uint64_t *len,
		    char *err, size_t errlen);

/*
 * gunzip: exactly one complete gzip member filling all of gz, CRC and size
 * checked by zlib, at most INITDATA_MAX_TOML bytes out. *out is malloc'd and
 * NUL-terminated (the caller frees); *out_len excludes the terminator.
 */
int initdata_gunzip(const uint8_t *gz, size_t gz_len, char **out,
		    size_t *out_len, char *err, size_t errlen);

/* Exactly "sha256", "sha384" or "sha512", as Kata and Trustee parse it. */
int initdata_alg_parse(const char *name, enum initdata_alg *alg);
const char *initdata_alg_name(enum initdata_alg alg);
size_t initdata_alg_size(enum initdata_alg alg);

/* H(alg) over the exact bytes; out holds INITDATA_DIGEST_MAX. */
int initdata_digest(enum initdata_alg alg, const void *data, size_t len,
		    uint8_t *out);

/*
 * The digest as a TEE field of field_len bytes: truncated when longer,
 * zero-padded when shorter (adjust_digest in kata-containers
 * src/libs/kata-types/src/initdata.rs).
 */
void initdata_fit(const uint8_t *digest, size_t digest_len, uint8_t *field,
		  size_t field_len);

/*
 * A [data] key is written as one file in the initdata directory: it must be
 * a plain name (1..255 bytes, no '/', no NUL, not "." or "..") and must not
 * be "initdata.toml", which holds the whole document.
 */
bool initdata_name_ok(const char *name, size_t len);

/* The checked document. Pointers point into the tree. */
struct initdata_doc {
	struct toml_node *root;
	enum initdata_alg alg;
	const struct toml_node *data;   /* the [data] table, or NULL */
	struct toml_node *aa;           /* data."aa.toml", parsed, or NULL */
	struct toml_node *cdh;          /* data."cdh.toml", parsed, or NULL */
};

/*
 * Parses and checks toml (len bytes): version "0.1.0", a known algorithm,
 * only the keys version, algorithm and data at the top, every data value a
 * string under a valid name, and aa.toml and cdh.toml (when present) valid
 * TOML themselves. Errors name the line and column.
 */
int initdata_doc_parse(const char *toml, size_t len, struct initdata_doc *doc,
		       char *err, size_t errlen);
void initdata_doc_free(struct initdata_doc *doc);

#endif
