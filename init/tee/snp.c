// SPDX-License-Identifier: Apache-2.0
/*
 * snp: AMD SEV-SNP. Found by the CPU flag sev_snp or /dev/sev-guest.
 * Binds initdata through HOST_DATA, which the host sets at launch (QEMU's
 * sev-snp-guest host-data=) and the report carries: it must equal the
 * digest, cut or zero-padded to 32 bytes; with no initdata it must be
 * zero, or the host could show an owner's digest while no owner's
 * configuration is in force. The evidence is a fresh
 * attestation report over the report data with the host's certificates
 * (VCEK or VLEK, ASK, ARK) when it offers them (lib/evidence.c's serde
 * form; lib/snp_certs.c reads the table).
 * Reads: configfs-tsm (Linux >= 6.7) when its provider is sev_guest, else
 * /dev/sev-guest (>= 5.19). Changes: creates and removes one configfs-tsm
 * report entry. On failure: -errno with the reason in err.
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errf.h"
#include "snp_certs.h"

/* linux include/uapi/linux/sev-guest.h, restated: the build machine's
 * headers may predate it. */
struct snp_report_req {
	uint8_t user_data[64];
	uint32_t vmpl;
	uint8_t rsvd[28];
};
struct snp_guest_request_ioctl {
	uint8_t msg_version;
	uint64_t req_data;
	uint64_t resp_data;
	uint64_t exitinfo2;     /* bits 63:32 the VMM's error, 31:0 the firmware's */
};
struct snp_ext_report_req {
	struct snp_report_req data;
	uint64_t certs_address;
	uint32_t certs_len;
};
_Static_assert(sizeof(struct snp_report_req) == 96, "snp_report_req layout");
_Static_assert(sizeof(struct snp_guest_request_ioctl) == 32, "snp ioctl layout");
_Static_assert(sizeof(struct snp_ext_report_req) == 112, "snp_ext_report_req layout");
#define SNP_GET_REPORT _IOWR('S', 0x0, struct snp_guest_request_ioctl)
#define SNP_GET_EXT_REPORT _IOWR('S', 0x2, struct snp_guest_request_ioctl)
enum {
	SNP_RESP_SIZE = 4000,   /* struct snp_report_resp */
	SNP_RESP_REPORT = 0x20, /* status u32, report_size u32, 24 reserved */
	SNP_VMM_ERR_INVALID_LEN = 1, /* SNP_GUEST_VMM_ERR_INVALID_LEN */
};

/* configfs-tsm, with the auxblob when certs is not NULL: -ENOENT when there
 * is no such interface. */
static int tsm_snp_report(const struct paths *p, const uint8_t *user_data, uint8_t *report,
			  uint8_t *certs, size_t cap, size_t *certs_len, char *err,
			  size_t errlen)
{
	static uint8_t buf[8191];
	size_t len;
	int r;

	r = tsm_report_aux(p, "sealroot", "sev_guest", user_data, TEE_USER_DATA, buf,
			   sizeof(buf), &len, certs, cap, certs_len, "SNP report", err, errlen);
	if (r < 0)
		return r;
	if (len != SNP_REPORT_SIZE) {
		snprintf(err, errlen, "report from configfs-tsm is %zu bytes, want %d", len,
			 SNP_REPORT_SIZE);
		return -EINVAL;
	}
	memcpy(report, buf, SNP_REPORT_SIZE);
	return 0;
}

/*
 * /dev/sev-guest: SNP_GET_REPORT, or SNP_GET_EXT_REPORT with a buffer of
 * SNP_EXT_CERTS bytes for the certificates when certs is not NULL.
 */
static int ioctl_report(const struct paths *p, const uint8_t *user_data, uint8_t *report,
			uint8_t *certs, size_t *certs_len, char *err, size_t errlen)
{
	static uint8_t resp[SNP_RESP_SIZE];
	struct snp_ext_report_req req;
	struct snp_guest_request_ioctl io;
	const char *name = certs ? "SNP_GET_EXT_REPORT" : "SNP_GET_REPORT";
	uint32_t status, size;
	int fd, r;

	memset(&req, 0, sizeof(req));
	memcpy(req.data.user_data, user_data, TEE_USER_DATA);
	if (certs) {
		memset(certs, 0, SNP_EXT_CERTS);
		req.certs_address = (uint64_t)(uintptr_t)certs;
		req.certs_len = SNP_EXT_CERTS;
	}
	memset(resp, 0, sizeof(resp));
	memset(&io, 0, sizeof(io));
	io.msg_version = 1;
	io.req_data = (uint64_t)(uintptr_t)(certs ? (void *)&req : (void *)&req.data);
	io.resp_data = (uint64_t)(uintptr_t)resp;
	fd = open(p->sev_guest, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", p->sev_guest, strerror(errno));
		return r;
	}
	r = ioctl(fd, certs ? SNP_GET_EXT_REPORT : SNP_GET_REPORT, &io);
	if (r < 0) {
		r = -errno;
		close(fd);
		/*
		 * The host has more certificates than the driver takes: it
		 * answered with no report, so ask for one without them.
		 */
		if (certs && io.exitinfo2 >> 32 == SNP_VMM_ERR_INVALID_LEN) {
			log_info("SNP: the host offers %u bytes of certificates, more than %d; sending none",
				 req.certs_len, SNP_EXT_CERTS);
			return ioctl_report(p, user_data, report, NULL, NULL, err, errlen);
		}
		snprintf(err, errlen, "%s on %s: %s (exitinfo2 0x%llx)", name, p->sev_guest,
			 strerror(-r), (unsigned long long)io.exitinfo2);
		return r;
	}
	close(fd);
	memcpy(&status, resp, 4);
	memcpy(&size, resp + 4, 4);
	if (status != 0) {
		snprintf(err, errlen, "%s status 0x%x", name, status);
		return -EIO;
	}
	if (size != SNP_REPORT_SIZE) {
		snprintf(err, errlen, "%s report_size %u, want %d", name, size, SNP_REPORT_SIZE);
		return -EINVAL;
	}
	memcpy(report, resp + SNP_RESP_REPORT, SNP_REPORT_SIZE);
	if (certs)
		*certs_len = SNP_EXT_CERTS;
	return 0;
}

int snp_get_report(const struct paths *p, const uint8_t *user_data,
		   uint8_t *report, char *err, size_t errlen)
{
	int r;

	r = tsm_snp_report(p, user_data, report, NULL, 0, NULL, err, errlen);
	if (r != -ENOENT)
		return r;
	return ioctl_report(p, user_data, report, NULL, NULL, err, errlen);
}

int snp_get_report_certs(const struct paths *p, const uint8_t *user_data, uint8_t *report,
			 uint8_t *certs, size_t cap, size_t *certs_len, char *err, size_t errlen)
{
	int r;

	*certs_len = 0;
	if (cap < SNP_EXT_CERTS) {
		snprintf(err, errlen, "SNP certificate buffer of %zu bytes, want %d", cap,
			 SNP_EXT_CERTS);
		return -EINVAL;
	}
	r = tsm_snp_report(p, user_data, report, certs, cap, certs_len, err, errlen);
	if (r != -ENOENT)
		return r;
	return ioctl_report(p, user_data, report, certs, certs_len, err, errlen);
}

static bool detect(const struct tee_probe *p)
{
	return tee_cpu_flag(p, "sev_snp") || tee_exists(p->path->sev_guest);
}

static int bind(const struct paths *p, enum initdata_alg alg, const uint8_t *digest, size_t len,
		char *err, size_t errlen)
{
	static uint8_t report[SNP_REPORT_SIZE];
	uint8_t user_data[TEE_USER_DATA] = { 0 }, want[SNP_HOST_DATA_SIZE];
	char e[256];
	int r;

	(void)alg;
	initdata_fit(digest, len, want, sizeof(want));
	r = snp_get_report(p, user_data, report, e, sizeof(e));
	if (r < 0)
		return errf(err, errlen, r, "SNP report: %s", e);
	if (memcmp(report + SNP_HOST_DATA_OFF, want, SNP_HOST_DATA_SIZE) != 0)
		return tee_mismatch(err, errlen, "SNP HOST_DATA", report + SNP_HOST_DATA_OFF, want,
				    SNP_HOST_DATA_SIZE);
	log_info("initdata: bound: SNP HOST_DATA matches the digest");
	return 0;
}

static int no_initdata(const struct paths *p, char *err, size_t errlen)
{
	static uint8_t report[SNP_REPORT_SIZE];
	uint8_t user_data[TEE_USER_DATA] = { 0 };
	char e[256];
	int r;

	r = snp_get_report(p, user_data, report, e, sizeof(e));
	if (r < 0)
		return errf(err, errlen, r, "SNP report: %s", e);
	r = tee_field_zero(err, errlen, "SNP HOST_DATA", report + SNP_HOST_DATA_OFF,
			   SNP_HOST_DATA_SIZE);
	if (r == 0)
		log_info("initdata: none: SNP HOST_DATA is zero");
	return r;
}

static int evidence(const struct paths *p, const char *nonce, const uint8_t *rd, size_t rd_len,
		    struct json_object **out, char *err, size_t errlen)
{
	static uint8_t certs[SNP_CERTS_MAX];
	uint8_t report[SNP_REPORT_SIZE];
	size_t n;
	int r;

	(void)nonce;
	(void)rd_len;
	r = snp_get_report_certs(p, rd, report, certs, sizeof(certs), &n, err, errlen);
	if (r < 0)
		return r;
	return evidence_snp_json_certs(report, sizeof(report), certs, n, out, err, errlen);
}

const struct tee_ops tee_snp = {
	.name = "snp",
	.label = "SNP",
	.exclusive = true,
	.detect = detect,
	.bind = bind,
	.no_initdata = no_initdata,
	.rd_hash = "sha384",
	.rd_len = 64,
	.evidence = evidence,
};
