// SPDX-License-Identifier: Apache-2.0
/*
 * snp_certs: see snp_certs.h.
 * The GUIDs are virtee/sev's (src/firmware/host/types/snp.rs, impl
 * TryFrom<&Uuid> for CertType, at d487809188c3, the revision Trustee's
 * verifier builds with), read as uuid::Uuid::from_slice reads them: the 16
 * bytes in the order the string shows them.
 */
#include "snp_certs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "errf.h"

static const struct {
	const char *name;
	uint8_t guid[16];
} kinds[SNP_CERT_TYPES] = {
	[SNP_CERT_ARK] = { "ARK", { 0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52,
				    0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0, 0xae } },
	[SNP_CERT_VCEK] = { "VCEK", { 0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64,
				      0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd } },
	[SNP_CERT_VLEK] = { "VLEK", { 0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e,
				      0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8, 0xa1 } },
	[SNP_CERT_ASK] = { "ASK", { 0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4,
				    0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7, 0x82 } },
	[SNP_CERT_CRL] = { "CRL", { 0x92, 0xf8, 0x1b, 0xc3, 0x58, 0x11, 0x4d, 0x3d,
				    0x97, 0xff, 0xd1, 0x9f, 0x88, 0xdc, 0x67, 0xea } },
};

const char *snp_cert_type_name(enum snp_cert_type t)
{
	return (unsigned)t < SNP_CERT_TYPES ? kinds[t].name : "?";
}

/* One entry as read, with its kind (SNP_CERT_TYPES: a GUID we do not know). */
struct entry {
	enum snp_cert_type type;
	uint32_t off, len;
	char name[37];              /* the kind's name, or the GUID as a string */
};

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static void read_entry(const uint8_t *p, struct entry *e)
{
	size_t k;

	e->type = SNP_CERT_TYPES;
	for (k = 0; k < SNP_CERT_TYPES; k++)
		if (memcmp(p, kinds[k].guid, 16) == 0)
			e->type = (enum snp_cert_type)k;
	e->off = le32(p + 16);
	e->len = le32(p + 20);
	if (e->type != SNP_CERT_TYPES) {
		snprintf(e->name, sizeof(e->name), "%s", kinds[e->type].name);
		return;
	}
	snprintf(e->name, sizeof(e->name),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12],
		 p[13], p[14], p[15]);
}

int snp_certs_parse(const uint8_t *table, size_t len, struct snp_certs *out, char *err,
		    size_t errlen)
{
	struct entry e[SNP_CERTS_ENTRIES];
	size_t n, i, j, table_end;
	const uint8_t *p;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	if (len > SNP_CERTS_MAX)
		return errf(err, errlen, -EFBIG, "SNP certificate table is %zu bytes, at most %d",
			    len, SNP_CERTS_MAX);
	/* The entries, up to the all-zero one. */
	for (n = 0;; n++) {
		if ((n + 1) * SNP_CERT_ENTRY > len)
			return errf(err, errlen, -EINVAL,
				    "SNP certificate table has no all-zero last entry within its %zu bytes",
				    len);
		p = table + n * SNP_CERT_ENTRY;
		if (all_zero(p, SNP_CERT_ENTRY))
			break;
		if (n == SNP_CERTS_ENTRIES)
			return errf(err, errlen, -EINVAL,
				    "SNP certificate table has more than %d entries", SNP_CERTS_ENTRIES);
		if (all_zero(p, 16))
			return errf(err, errlen, -EINVAL,
				    "SNP certificate table entry %zu has a zero GUID but offset %u length %u",
				    n, le32(p + 16), le32(p + 20));
		read_entry(p, &e[n]);
	}
	table_end = (n + 1) * SNP_CERT_ENTRY;
	for (i = 0; i < n; i++) {
		if (e[i].len == 0)
			return errf(err, errlen, -EINVAL, "SNP certificate table entry %zu (%s) is empty",
				    i, e[i].name);
		if (e[i].off < table_end)
			return errf(err, errlen, -EINVAL,
				    "SNP certificate table entry %zu (%s) at offset %u lies in the table (%zu bytes)",
				    i, e[i].name, e[i].off, table_end);
		if ((uint64_t)e[i].off + e[i].len > len)
			return errf(err, errlen, -EINVAL,
				    "SNP certificate table entry %zu (%s) at %u+%u ends beyond its %zu bytes",
				    i, e[i].name, e[i].off, e[i].len, len);
		for (j = 0; j < i; j++) {
			if (e[i].type != SNP_CERT_TYPES && e[i].type == e[j].type)
				return errf(err, errlen, -EINVAL,
					    "SNP certificate table has two %s entries (%zu and %zu)",
					    e[i].name, j, i);
			if ((uint64_t)e[i].off < (uint64_t)e[j].off + e[j].len &&
			    (uint64_t)e[j].off < (uint64_t)e[i].off + e[i].len)
				return errf(err, errlen, -EINVAL,
					    "SNP certificate table entries %zu (%s) and %zu (%s) overlap",
					    j, e[j].name, i, e[i].name);
		}
	}
	/* Kept in virtee/sev's order, as get_ext_report() sorts them. */
	for (i = 0; i < SNP_CERT_TYPES; i++)
		for (j = 0; j < n; j++)
			if (e[j].type == i) {
				out->cert[out->n].type = e[j].type;
				out->cert[out->n].data = table + e[j].off;
				out->cert[out->n].len = e[j].len;
				out->n++;
			}
	out->unknown = 0;
	for (j = 0; j < n; j++)
		out->unknown += e[j].type == SNP_CERT_TYPES;
	return 0;
}
