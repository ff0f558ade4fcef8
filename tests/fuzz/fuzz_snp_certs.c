// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: the SEV-SNP certificate table the host hands the guest
 * with an extended report (configfs-tsm auxblob, SNP_GET_EXT_REPORT's
 * buffer). The input is the table: snp_certs_parse() (lib/snp_certs.c) on
 * it, then evidence_snp_json_certs() (lib/evidence.c) with a fixed valid
 * report and the same table.
 * Checks, re-derived from the bytes here rather than trusted: a table that
 * passes has an all-zero entry after at most 16 others, at most one
 * certificate of each kind, in the crate's order, each non-empty, at an
 * offset a table entry names, after the table and inside the input, no two
 * overlapping; a refusal is -EINVAL or -EFBIG with a reason and an empty
 * result. The evidence succeeds exactly when the table passes; its
 * cert_chain is null exactly when there is no VCEK or VLEK, else one entry
 * per certificate with its kind's name and its bytes; the JSON survives a
 * round trip through json-c's parser.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "evidence.h"
#include "snp_certs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* The entries before the all-zero one; -1 when there is none in the input. */
static long entries(const uint8_t *t, size_t len)
{
	size_t i;

	for (i = 0; (i + 1) * 24 <= len; i++)
		if (zero(t + i * 24, 24))
			return (long)i;
	return -1;
}

static void check_parse(const uint8_t *t, size_t len, const struct snp_certs *c, int r,
			const char *err)
{
	long n = entries(t, len);
	size_t i, j, k;

	if (r < 0) {
		if ((r != -EINVAL && r != -EFBIG) || !err[0] || !memchr(err, '\0', 256) ||
		    c->n || c->unknown || c->cert[0].data)
			abort();
		return;
	}
	if (r != 0 || len > SNP_CERTS_MAX)
		abort();
	if (len == 0) {
		if (c->n || c->unknown)
			abort();
		return;
	}
	if (n < 0 || n > SNP_CERTS_ENTRIES || c->n > SNP_CERT_TYPES ||
	    c->n + c->unknown != (size_t)n)
		abort();
	for (i = 0; i < c->n; i++) {
		const struct snp_cert *a = &c->cert[i];
		size_t off = (size_t)(a->data - t);
		int named = 0;

		if (a->len == 0 || a->data < t + (n + 1) * 24 || off + a->len > len ||
		    (i && a->type <= c->cert[i - 1].type) || a->type >= SNP_CERT_TYPES)
			abort();
		for (k = 0; k < (size_t)n; k++)
			named |= rd32(t + k * 24 + 16) == off && rd32(t + k * 24 + 20) == a->len;
		if (!named)
			abort();
		for (j = 0; j < i; j++) {
			const struct snp_cert *b = &c->cert[j];

			if (a->data < b->data + b->len && b->data < a->data + a->len)
				abort();
		}
	}
}

/* A v3 Milan report of zeros: the smallest one evidence_snp_json accepts. */
static uint8_t report[EVIDENCE_SNP_REPORT];

static void check_evidence(const uint8_t *t, size_t len, const struct snp_certs *c, int pr)
{
	struct json_object *ev = (struct json_object *)&ev, *chain, *back, *e, *d;
	char err[256];
	size_t i, k;
	int r, vek = 0;

	memset(err, 'x', sizeof(err));
	r = evidence_snp_json_certs(report, sizeof(report), t, len, &ev, err, sizeof(err));
	if (r != pr)
		abort();
	if (r < 0) {
		if (ev || !memchr(err, '\0', sizeof(err)))
			abort();
		return;
	}
	if (!json_object_object_get_ex(ev, "cert_chain", &chain))
		abort();
	for (i = 0; i < c->n; i++)
		vek |= c->cert[i].type == SNP_CERT_VCEK || c->cert[i].type == SNP_CERT_VLEK;
	if (!vek != !chain)
		abort();
	if (chain) {
		if (!json_object_is_type(chain, json_type_array) ||
		    json_object_array_length(chain) != c->n)
			abort();
		for (i = 0; i < c->n; i++) {
			e = json_object_array_get_idx(chain, i);
			if (json_object_object_length(e) != 2 ||
			    !json_object_object_get_ex(e, "data", &d) ||
			    strcmp(json_object_get_string(json_object_object_get(e, "cert_type")),
				   snp_cert_type_name(c->cert[i].type)) != 0 ||
			    json_object_array_length(d) != c->cert[i].len)
				abort();
			for (k = 0; k < c->cert[i].len; k++)
				if (json_object_get_int(json_object_array_get_idx(d, k)) !=
				    c->cert[i].data[k])
					abort();
		}
	}
	back = json_tokener_parse(json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
	if (!back || !json_object_equal(ev, back))
		abort();
	json_object_put(back);
	json_object_put(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snp_certs c;
	char err[256];
	int r;

	report[0] = 3;          /* version */
	report[0x188] = 0x19;   /* CPUID family: Milan */
	memset(err, 0, sizeof(err));
	r = snp_certs_parse(data, size, &c, err, sizeof(err));
	check_parse(data, size, &c, r, err);
	check_evidence(data, size, &c, r);
	return 0;
}
