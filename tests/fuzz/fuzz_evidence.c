// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: the hardware evidence the init turns into Trustee's
 * JSON. The host (or its quote service) controls these bytes: the SNP
 * report comes from the PSP through the host, the TDX quote from the host's
 * quote generation service through configfs-tsm, the CCEL from firmware.
 * The first byte picks the path:
 *   even: the rest is an SNP ATTESTATION_REPORT: evidence_snp_json() on it
 *         as it is (any length), then on a 1184-byte buffer made from it
 *         (cut, or padded with zeros), so the decoder's checks are reached;
 *   odd:  the second byte picks the configfs-tsm variant (bit 0: a wrong
 *         provider, bit 1: generation 2, bit 2: a quote buffer of only 1024
 *         bytes), the rest is the outblob: tdx_get_quote() on a fake
 *         configfs-tsm in /dev/shm (mkdir and rmdir are defined here and
 *         populate and clear the entry, as configfs does), which runs the
 *         Quote v4/v5 checks; the same bytes as the CCEL file through
 *         tdx_read_ccel(); then evidence_tdx_json() on both.
 * Checks: a success is the documented JSON (field names and order, the
 * bytes as they were, null where the variant has no field, a round trip
 * through json-c's parser) and a refused report has no output and a reason;
 * a quote that passes has the header, body, signature length and report
 * data that evidence.h asks for; the configfs entry is removed on every
 * path; base64 decodes back to the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "evidence.h"
#include "tee.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- a fake configfs-tsm ------------------------------------------------- */

static char root[64], tsm_dir[96], ccel_path[96];
static struct paths P;
static const uint8_t *outblob;
static size_t outblob_len;
static const char *provider, *generation;
static int mkdirs, rmdirs;
static uint8_t inblob[2 * EVIDENCE_TDX_REPORT_DATA];
static ssize_t inblob_len;

static void put(const char *dir, const char *name, const void *b, size_t n)
{
	char f[192];
	int fd;

	snprintf(f, sizeof(f), "%s/%s", dir, name);
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (n && write(fd, b, n) != (ssize_t)n))
		abort();
	close(fd);
}

static bool in_tsm(const char *path)
{
	size_t n = strlen(tsm_dir);

	return tsm_dir[0] && strncmp(path, tsm_dir, n) == 0 && path[n] == '/';
}

int mkdir(const char *path, mode_t mode)
{
	int r = mkdirat(AT_FDCWD, path, mode);

	if (r == 0 && in_tsm(path)) {
		mkdirs++;
		put(path, "provider", provider, strlen(provider));
		put(path, "inblob", "", 0);
		put(path, "outblob", outblob, outblob_len);
		put(path, "generation", generation, strlen(generation));
	}
	return r;
}

/* configfs removes the attributes with the directory; /dev/shm does not. */
int rmdir(const char *path)
{
	static const char *const files[] = { "provider", "inblob", "outblob", "generation" };
	char f[192];
	size_t i;
	int fd;

	if (in_tsm(path)) {
		rmdirs++;
		snprintf(f, sizeof(f), "%s/inblob", path);
		fd = open(f, O_RDONLY | O_CLOEXEC);
		inblob_len = fd < 0 ? -1 : read(fd, inblob, sizeof(inblob));
		if (fd >= 0)
			close(fd);
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(f, sizeof(f), "%s/%s", path, files[i]);
			unlink(f);
		}
	}
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

static void cleanup(void)
{
	unlink(ccel_path);
	unlinkat(AT_FDCWD, tsm_dir, AT_REMOVEDIR);
	unlinkat(AT_FDCWD, root, AT_REMOVEDIR);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "/dev/shm/sr-fuzz-evidence-XXXXXX");
	if (!mkdtemp(root)) {
		snprintf(root, sizeof(root), "/tmp/sr-fuzz-evidence-XXXXXX");
		if (!mkdtemp(root))
			abort();
	}
	snprintf(tsm_dir, sizeof(tsm_dir), "%s/tsm", root);
	snprintf(ccel_path, sizeof(ccel_path), "%s/CCEL", root);
	if (mkdirat(AT_FDCWD, tsm_dir, 0700) < 0)
		abort();
	P.tsm_report = tsm_dir;
	atexit(cleanup);
	return 0;
}

/* ---- SNP ------------------------------------------------------------------ */

static const char *const snp_names[] = {
	"version", "guest_svn", "policy", "family_id", "image_id", "vmpl", "sig_algo",
	"current_tcb", "plat_info", "key_info", "report_data", "measurement", "host_data",
	"id_key_digest", "author_key_digest", "report_id", "report_id_ma", "reported_tcb",
	"cpuid_fam_id", "cpuid_mod_id", "cpuid_step", "chip_id", "committed_tcb", "current",
	"committed", "launch_tcb", "launch_mit_vector", "current_mit_vector", "signature",
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void same_bytes(struct json_object *a, const uint8_t *b, size_t n)
{
	size_t i;

	if (!json_object_is_type(a, json_type_array) || json_object_array_length(a) != n)
		abort();
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) != b[i])
			abort();
	}
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		abort(); /* every field is there, null or not */
	return v;
}

static void snp_one(const uint8_t *rep, size_t len)
{
	struct json_object *ev = (struct json_object *)&ev, *a, *back;
	struct json_object_iterator it, end;
	char err[256];
	uint32_t version;
	size_t i;
	bool turin;
	int r;

	memset(err, 'x', sizeof(err));
	r = evidence_snp_json(rep, len, &ev, err, sizeof(err));
	if (r < 0) {
		if (ev || r != -EINVAL || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		return;
	}
	if (r != 0 || !ev || len != EVIDENCE_SNP_REPORT)
		abort();
	version = le32(rep);
	if (version < 3 || version > 5 || le32(rep + 0x4C) != 0 || rep[0x1EB] || rep[0x1EF])
		abort(); /* the decoder refuses these */
	if (json_object_object_length(ev) != 2 || get(ev, "cert_chain") != NULL)
		abort();
	a = get(ev, "attestation_report");
	if (!json_object_is_type(a, json_type_object) ||
	    json_object_object_length(a) != (int)(sizeof(snp_names) / sizeof(snp_names[0])))
		abort();
	/* serde's declaration order. */
	it = json_object_iter_begin(a);
	end = json_object_iter_end(a);
	for (i = 0; !json_object_iter_equal(&it, &end); i++, json_object_iter_next(&it))
		if (strcmp(json_object_iter_peek_name(&it), snp_names[i]) != 0)
			abort();
	if (json_object_get_int64(get(a, "version")) != version)
		abort();
	same_bytes(get(a, "family_id"), rep + 0x10, 16);
	same_bytes(get(a, "report_data"), rep + 0x50, 64);
	same_bytes(get(a, "measurement"), rep + 0x90, 48);
	same_bytes(get(a, "host_data"), rep + 0xC0, 32);
	same_bytes(get(a, "chip_id"), rep + 0x1A0, 64);
	same_bytes(get(get(a, "signature"), "r"), rep + 0x2A0, 72);
	same_bytes(get(get(a, "signature"), "s"), rep + 0x2E8, 72);
	if ((version == 2) != (get(a, "cpuid_fam_id") == NULL) ||
	    (version < 5) != (get(a, "launch_mit_vector") == NULL))
		abort();
	/* Turin's TCB has an fmc byte; all four TCBs agree on the generation. */
	turin = get(get(a, "current_tcb"), "fmc") != NULL;
	if ((get(get(a, "reported_tcb"), "fmc") != NULL) != turin ||
	    (get(get(a, "committed_tcb"), "fmc") != NULL) != turin ||
	    (get(get(a, "launch_tcb"), "fmc") != NULL) != turin)
		abort();
	/* What goes on the wire parses back to the same tree. */
	back = json_tokener_parse(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
	if (!back || !json_object_equal(ev, back))
		abort();
	json_object_put(back);
	json_object_put(ev);
}

/* ---- TDX ------------------------------------------------------------------ */

static const uint8_t report_data[EVIDENCE_TDX_REPORT_DATA] = {
	'f', 'u', 'z', 'z', '-', 'r', 'e', 'p', 'o', 'r', 't', '-', 'd', 'a', 't', 'a',
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

/* The quote as evidence.h describes a good one; independent of evidence.c. */
static void quote_ok(const uint8_t *q, size_t len)
{
	size_t body = 48, body_len = 584, sig;

	if (len < 48 + 584 + 4 || (le16(q) != 4 && le16(q) != 5) || le16(q + 2) != 2 ||
	    le32(q + 4) != 0x81)
		abort();
	if (le16(q) == 5) {
		body_len = le32(q + 50);
		if (!(le16(q + 48) == 2 && body_len == 584) && !(le16(q + 48) == 3 && body_len == 648))
			abort();
		body += 6;
	}
	if (len < body + body_len + 4)
		abort();
	sig = le32(q + body + body_len);
	if (sig == 0 || sig > len - body - body_len - 4)
		abort();
	if (memcmp(q + body + 520, report_data, 64) != 0) /* REPORTDATA in either body */
		abort();
}

/* The JSON string member key, decoded from standard base64, is b[0..n). */
static void b64_is(struct json_object *ev, const char *key, const uint8_t *b, size_t n)
{
	struct json_object *s = get(ev, key);
	size_t slen = (size_t)json_object_get_string_len(s);
	uint8_t *dec;
	int d;

	if (!json_object_is_type(s, json_type_string) || slen != 4 * ((n + 2) / 3))
		abort();
	dec = malloc(slen / 4 * 3 + 1);
	if (!dec)
		abort();
	d = EVP_DecodeBlock(dec, (const unsigned char *)json_object_get_string(s), (int)slen);
	/* EVP_DecodeBlock keeps the padding's zero bytes: up to two more. */
	if (d < 0 || (size_t)d < n || (size_t)d > n + 2 || memcmp(dec, b, n) != 0)
		abort();
	free(dec);
}

static void tdx_one(uint8_t flags, const uint8_t *blob, size_t n)
{
	size_t cap = flags & 4 ? 1024 : EVIDENCE_TDX_QUOTE_MAX, len = 12345, clen = 1;
	uint8_t *quote = malloc(cap), *ccel = (uint8_t *)&ccel;
	struct json_object *ev = NULL;
	char err[256];
	int r;

	if (!quote)
		abort();
	provider = flags & 1 ? "sev_guest\n" : "tdx_guest\n";
	generation = flags & 2 ? "2\n" : "1\n";
	outblob = blob;
	outblob_len = n;
	mkdirs = rmdirs = 0;
	memset(err, 'x', sizeof(err));
	r = tdx_get_quote(&P, report_data, quote, cap, &len, err, sizeof(err));
	if (mkdirs != 1 || rmdirs != 1)
		abort(); /* the entry is made once and removed on every path */
	if (!(flags & 1) && (inblob_len != EVIDENCE_TDX_REPORT_DATA ||
			     memcmp(inblob, report_data, EVIDENCE_TDX_REPORT_DATA) != 0))
		abort(); /* inblob is the report data, exactly */
	if (r == 0) {
		if ((flags & 3) || len != n || len > cap || memcmp(quote, blob, n) != 0)
			abort();
		quote_ok(quote, len);
	} else {
		if (len != 0 || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		if (r != -EINVAL && r != -EFBIG && r != -ENODEV && r != -EBUSY)
			abort();
	}

	/* The same bytes as the CC event log. */
	put(root, "CCEL", blob, n);
	r = tdx_read_ccel(ccel_path, &ccel, &clen, err, sizeof(err));
	if (r != 0 || !ccel || clen != n || memcmp(ccel, blob, n) != 0)
		abort();
	r = evidence_tdx_json(blob, n, ccel, clen, &ev, err, sizeof(err));
	if (n == 0 || n > EVIDENCE_TDX_QUOTE_MAX) {
		if (r != (n ? -EFBIG : -EINVAL) || ev)
			abort();
	} else {
		if (r != 0 || !ev || json_object_object_length(ev) != 2)
			abort();
		b64_is(ev, "quote", blob, n);
		b64_is(ev, "cc_eventlog", ccel, clen);
		json_object_put(ev);
	}
	free(ccel);
	free(quote);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t fixed[EVIDENCE_SNP_REPORT];

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (size < 2)
			return 0;
		tdx_one(data[1], data + 2, size - 2);
		return 0;
	}
	data++;
	size--;
	snp_one(data, size);
	memset(fixed, 0, sizeof(fixed));
	memcpy(fixed, data, size < sizeof(fixed) ? size : sizeof(fixed));
	snp_one(fixed, sizeof(fixed));
	return 0;
}
