/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tee: the trusted execution environments sealroot runs in, one file each
 * under init/tee/, behind one table of operations (tee.c): how each is
 * detected, how it binds the initdata digest, where the report data goes,
 * and how it produces evidence. The tee step detects the one this guest
 * runs in, before the initdata step.
 * Reads: /proc/cpuinfo flags, /dev, sysfs and configfs-tsm (paths in
 * struct paths, so unit tests point them at recorded data). Changes: the
 * bind operations extend a TPM PCR or a TDX RTMR; step_tee sets b->tee.
 * On failure: -errno with one reason in err (the step: in b->reason).
 */
#ifndef SEALROOT_TEE_H
#define SEALROOT_TEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "boot.h"
#include "evidence.h"
#include "initdata_format.h"
#include "paths.h"
#include "tpm2.h"

enum { TEE_CPU_FLAGS_MAX = 8192 };

/* What detection looks at: the paths, and the first CPU's "flags" line. */
struct tee_probe {
	const struct paths *path;
	char cpu_flags[TEE_CPU_FLAGS_MAX];   /* "" without /proc/cpuinfo or a flags line */
};

struct tee_ops {
	const char *name;       /* the KBS protocol's name for it (kbs-types Tee) */
	const char *label;      /* how messages name it */
	/*
	 * TDX and SNP exclude each other: no machine is both, so both found
	 * means the host is lying about one, and detection refuses to pick.
	 */
	bool exclusive;
	/* No hardware behind the evidence: used only when the measured
	 * configuration allows it ([attestation] allow_sample). */
	bool sample;
	bool (*detect)(const struct tee_probe *p);
	/*
	 * Binds the initdata digest (len bytes of alg) to the TEE: checks it
	 * against the field the host set at launch, or extends it into a
	 * register. Logs how on success. NULL: the TEE has no place for it;
	 * then either sealed_cmdline_only, or unbound says why in the log.
	 */
	int (*bind)(const struct paths *p, enum initdata_alg alg, const uint8_t *digest,
		    size_t len, char *err, size_t errlen);
	/*
	 * The TEE binds initdata only through the measured, host-proof command
	 * line (sealroot.initdata_digest): initdata without that key is fatal
	 * (IBM SE, whose parmfile genprotimg seals into the image).
	 */
	bool sealed_cmdline_only;
	const char *unbound;
	/*
	 * No initdata is attached (sealroot.initdata=optional): makes the TEE
	 * say so too. Checks that the launch field the host could have set to
	 * an owner's digest is zero, or extends TEE_NO_INITDATA_EVENT into the
	 * register the digest would have gone to, so that no later process
	 * can make it look bound. Logs what it did. NULL: nothing to check.
	 */
	int (*no_initdata)(const struct paths *p, char *err, size_t errlen);
	/*
	 * Report data: rd_hash of the KBS runtime data, placed in rd_len bytes
	 * (zero-padded or cut), or as it is when rd_len is 0.
	 */
	const char *rd_hash;
	size_t rd_len;
	/* The primary_evidence over rd; nonce is the Challenge's (se reads its request there). */
	int (*evidence)(const struct paths *p, const char *nonce, const uint8_t *rd, size_t rd_len,
			struct json_object **out, char *err, size_t errlen);
};

/* The tee step: detects the TEE into b->tee. */
int step_tee(struct boot *b);

/*
 * Detects the TEE: the first of the table (tdx, snp, se, tpm, sample) whose
 * detect() finds it; two exclusive ones at once are -EINVAL.
 */
int tee_detect(const struct paths *p, const struct tee_ops **out, char *err, size_t errlen);

/*
 * The event a vTPM guest extends into PCR8, in place of an initdata digest,
 * when no initdata is attached: these ASCII bytes, no terminator. PCR8 then
 * holds SHA-256(0 || SHA-256(event)), never a value an owner's digest could
 * give. (TDX extends nothing: its binding is MRCONFIGID alone.)
 */
#define TEE_NO_INITDATA_EVENT "sealroot: no initdata"

/* H(TEE_NO_INITDATA_EVENT) with alg into out (initdata_alg_size(alg) bytes). */
int tee_no_initdata_digest(enum initdata_alg alg, uint8_t *out);

/* The TEE of that KBS name, or NULL. */
const struct tee_ops *tee_by_name(const char *name);

/* Whether flag is a whole word of the probe's CPU flags; whether path exists. */
bool tee_cpu_flag(const struct tee_probe *p, const char *flag);
bool tee_exists(const char *path);

/* A launch field (n bytes, at most TEE_FIELD_MAX) that is not the digest
 * it must be: "<field> <hex> does not match the initdata digest <hex>";
 * returns -EINVAL. */
enum { TEE_FIELD_MAX = 64 };
int tee_mismatch(char *err, size_t errlen, const char *field, const uint8_t *have,
		 const uint8_t *want, size_t n);

/* A launch field (n bytes, at most TEE_FIELD_MAX) that must be zero because
 * no initdata is attached: 0 when it is, else "<field> <hex> is set, but no
 * initdata is attached ..." and -EINVAL. */
int tee_field_zero(char *err, size_t errlen, const char *field, const uint8_t *have, size_t n);

/* The report data for t from digest (len bytes) into out (64 bytes of room); its length. */
size_t tee_report_data(const struct tee_ops *t, const uint8_t *digest, size_t len, uint8_t *out);

/* t's evidence over rd, which must have the length t places it in; *out NULL on failure. */
int tee_evidence(const struct tee_ops *t, const struct paths *p, const char *nonce,
		 const uint8_t *rd, size_t rd_len, struct json_object **out, char *err,
		 size_t errlen);

/*
 * One configfs-tsm report (tee/tsm.c; linux
 * Documentation/ABI/testing/configfs-tsm-report, Linux >= 6.7): makes the
 * entry <tsm_report>/<label>-<pid>, checks its provider, writes inblob,
 * reads outblob (at most cap bytes; -EFBIG with "<what> from <path> is
 * larger than <cap> bytes" beyond that), checks that the generation is 1
 * (no other writer raced), and removes the entry again on every path.
 * Returns -ENOENT, with err untouched, when there is no configfs-tsm.
 */
int tsm_report(const struct paths *p, const char *label, const char *provider,
	       const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *len,
	       const char *what, char *err, size_t errlen);

/*
 * tsm_report(), and when aux is not NULL also the entry's auxblob, read
 * after outblob and before the generation check: at most aux_cap bytes
 * into aux (-EFBIG with "<what> auxblob from <path> is larger than <cap>
 * bytes" beyond that), *aux_len 0 when the file is absent or empty.
 */
int tsm_report_aux(const struct paths *p, const char *label, const char *provider,
		   const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *len,
		   uint8_t *aux, size_t aux_cap, size_t *aux_len, const char *what, char *err,
		   size_t errlen);

enum { TEE_USER_DATA = 64 };   /* report data in a request */

/* ---- SNP (tee/snp.c) ------------------------------------------------------ */
enum {
	SNP_REPORT_SIZE = 1184,     /* ATTESTATION_REPORT, SEV-SNP ABI 1.55 table 22 */
	SNP_REPORT_DATA_OFF = 0x50,
	SNP_MEASUREMENT_OFF = 0x90,
	SNP_HOST_DATA_OFF = 0xC0,
	SNP_HOST_DATA_SIZE = 32,
};

/*
 * A fresh attestation report over user_data (64 bytes): through configfs-tsm
 * when its provider is sev_guest, else through /dev/sev-guest. The report is
 * SNP_REPORT_SIZE bytes.
 */
int snp_get_report(const struct paths *p, const uint8_t *user_data,
		   uint8_t *report, char *err, size_t errlen);

/*
 * SNP_GET_EXT_REPORT's certificate buffer: linux SEV_FW_BLOB_MAX_SIZE, the
 * most the sev-guest driver takes (and a multiple of the page size, which it
 * requires).
 */
enum { SNP_EXT_CERTS = 16 * 1024 };

/*
 * snp_get_report(), with the host's certificate table (lib/snp_certs.h,
 * not yet parsed) into certs (cap bytes, at least SNP_EXT_CERTS): the
 * configfs-tsm auxblob, or SNP_GET_EXT_REPORT's buffer on /dev/sev-guest.
 * *certs_len 0: no auxblob, an empty one, or a host offering more than
 * SNP_EXT_CERTS bytes through the ioctl (the driver then gives no report,
 * so it comes from SNP_GET_REPORT, without certificates). Through the
 * ioctl, *certs_len is the whole buffer: the table, then zeros.
 */
int snp_get_report_certs(const struct paths *p, const uint8_t *user_data, uint8_t *report,
			 uint8_t *certs, size_t cap, size_t *certs_len, char *err, size_t errlen);

/* ---- TDX (tee/tdx.c) ------------------------------------------------------ */
enum {
	TDX_REPORT_SIZE = 1024,
	TDX_REPORT_DATA_OFF = 128,
	TDX_MRTD_OFF = 528,
	TDX_MRCONFIGID_OFF = 576,
	TDX_RTMR0_OFF = 720,
	TDX_MR_SIZE = 48,
};

/* MRCONFIGID: from the 6.16 measurements sysfs file, else from a TDREPORT. */
int tdx_get_mrconfigid(const struct paths *p, uint8_t *out, char *err, size_t errlen);

/* A TDREPORT over user_data (64 bytes) through /dev/tdx_guest. */
int tdx_get_report(const struct paths *p, const uint8_t *user_data,
		   uint8_t *report, char *err, size_t errlen);

/*
 * A TDX quote over report_data (EVIDENCE_TDX_REPORT_DATA bytes) through
 * configfs-tsm (Linux >= 6.7, a quote service on the host): provider
 * tdx_guest, inblob = report_data, outblob = the quote, generation 1. The
 * quote must fit in cap bytes and pass evidence_tdx_quote_check(). -ENOENT
 * when there is no configfs-tsm.
 */
int tdx_get_quote(const struct paths *p, const uint8_t *report_data, uint8_t *quote, size_t cap,
		  size_t *len, char *err, size_t errlen);

/*
 * The CC event log ACPI table data at path (normally
 * /sys/firmware/acpi/tables/data/CCEL), at most EVIDENCE_CCEL_MAX bytes,
 * into *out (malloc'd, free it; non-NULL even when *len is 0). -ENOENT
 * when absent.
 */
int tdx_read_ccel(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen);

/* ---- TPM (tee/tpm.c; the commands are lib/tpm2.c) -------------------------- */

/* Extends pcr on the SHA-256 bank of the TPM at path (/dev/tpmrm0). */
int tpm_pcr_extend(const char *path, uint32_t pcr, const uint8_t *sha256,
		   char *err, size_t errlen);

/* ---- IBM SE (tee/se.c) ----------------------------------------------------- */

struct se_request {
	const uint8_t *arcb;             /* the attestation request control block */
	size_t arcb_len;
	size_t meas_len, add_len;        /* what the ARCB asks the Ultravisor for */
	const uint8_t *user_data;        /* bound into the measurement */
	size_t user_data_len;            /* at most 256 */
};

struct se_response {
	uint8_t *measurement;            /* caller's buffers of meas_len, add_len bytes */
	uint8_t *additional;
	size_t meas_len, add_len;
	uint8_t config_uid[EVIDENCE_SE_CUID];
};

/*
 * One UVIO_IOCTL_ATT on /dev/uv: the Ultravisor's answer to the ARCB,
 * with user_data bound into the measurement. Sizes are checked against
 * the kernel's limits first. An Ultravisor rc other than 1 is -EIO.
 */
int se_attest(const struct paths *p, const struct se_request *req, struct se_response *resp,
	      char *err, size_t errlen);

/* The ioctl number, for the unit test against the kernel's _IOWR. */
unsigned long se_ioctl_att_nr(void);

#endif
