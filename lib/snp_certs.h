/* SPDX-License-Identifier: Apache-2.0 */
/*
 * snp_certs: the certificate table the host hands an SEV-SNP guest with an
 * extended report (configfs-tsm auxblob, or SNP_GET_EXT_REPORT's buffer):
 * entries of GUID (16 bytes, RFC 4122 order) + offset (u32) + length (u32),
 * little-endian, ended by an all-zero entry, offsets counted from the start
 * of the table (SEV-ES GHCB specification 2.03, 4.1.8.1 MSG_REPORT_REQ;
 * virtee/sev's CertTableEntry and parse_table read it so).
 * Reads: host bytes only, strictly: every entry and certificate inside the
 * buffer, no certificate over the table or another one, a terminator, at
 * most one of each known kind, caps on size and count. Changes: nothing
 * outside *out, whose certificates point into the table.
 * On failure: -EINVAL (-EFBIG) with one reason in err; *out is empty.
 */
#ifndef SEALROOT_SNP_CERTS_H
#define SEALROOT_SNP_CERTS_H

#include <stddef.h>
#include <stdint.h>

/* virtee/sev's CertType, in its sort order (Ord for CertType). */
enum snp_cert_type {
	SNP_CERT_ARK,
	SNP_CERT_VCEK,
	SNP_CERT_VLEK,
	SNP_CERT_ASK,
	SNP_CERT_CRL,
	SNP_CERT_TYPES,
};

enum {
	SNP_CERTS_MAX = 32 * 1024,  /* linux TSM_OUTBLOB_MAX, the largest auxblob */
	SNP_CERT_ENTRY = 24,        /* GUID, offset, length */
	SNP_CERTS_ENTRIES = 16,     /* entries before the terminator, at most */
};

struct snp_cert {
	enum snp_cert_type type;
	const uint8_t *data;        /* inside the table */
	size_t len;
};

struct snp_certs {
	struct snp_cert cert[SNP_CERT_TYPES];   /* the known kinds, in enum order */
	size_t n;
	size_t unknown;             /* entries of other GUIDs: checked, not kept */
};

/*
 * Parses len bytes of table into *out. An empty buffer, or one whose first
 * entry is the terminator, is a table without certificates (out->n 0).
 * Bytes after the terminator that no entry points at are not read.
 */
int snp_certs_parse(const uint8_t *table, size_t len, struct snp_certs *out, char *err,
		    size_t errlen);

/* serde's name of the kind in virtee/sev ("ARK", "VCEK", "VLEK", "ASK", "CRL"). */
const char *snp_cert_type_name(enum snp_cert_type t);

#endif
