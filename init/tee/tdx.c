// SPDX-License-Identifier: Apache-2.0
/*
 * tdx: Intel TDX. Found by the CPU flag tdx_guest or /dev/tdx_guest.
 * Binds initdata through MRCONFIGID, which the host sets at launch (QEMU's
 * tdx-guest mrconfigid=, QEMU >= 10.1): it must equal the digest, cut or
 * zero-padded to 48 bytes, as Trustee's TDX verifier compares it
 * (deps/verifier/src/tdx/mod.rs, regularize_data to 48 bytes). A zero
 * MRCONFIGID with initdata is fatal; with no initdata it must be zero
 * (bind, no_initdata below). The evidence is a quote
 * from the host's quote service through configfs-tsm, with the CC event
 * log (the CCEL ACPI table) when the firmware provides one.
 * Reads: the measurements sysfs directory (Linux >= 6.16), else a TDREPORT
 * from /dev/tdx_guest (>= 6.2); configfs-tsm (>= 6.7); the CCEL table.
 * Changes: one configfs-tsm entry, made and removed. On failure: -errno with the reason in err.
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "errf.h"
#include "readfile.h"

/* linux include/uapi/linux/tdx-guest.h (6.2), restated: the build
 * machine's headers may predate it. */
struct tdx_report_req {
	uint8_t reportdata[64];
	uint8_t tdreport[1024];
};
_Static_assert(sizeof(struct tdx_report_req) == 64 + TDX_REPORT_SIZE, "tdx_report_req layout");
#define TDX_CMD_GET_REPORT0 _IOWR('T', 1, struct tdx_report_req)

int tdx_get_report(const struct paths *p, const uint8_t *user_data,
		   uint8_t *report, char *err, size_t errlen)
{
	static struct tdx_report_req req;
	int fd, r;

	memset(&req, 0, sizeof(req));
	memcpy(req.reportdata, user_data, TEE_USER_DATA);
	fd = open(p->tdx_guest, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", p->tdx_guest, strerror(errno));
		return r;
	}
	if (ioctl(fd, TDX_CMD_GET_REPORT0, &req) < 0) {
		r = -errno;
		snprintf(err, errlen, "TDX_CMD_GET_REPORT0 on %s: %s", p->tdx_guest, strerror(errno));
		close(fd);
		return r;
	}
	close(fd);
	memcpy(report, req.tdreport, TDX_REPORT_SIZE);
	return 0;
}

/* Reads exactly n bytes from path; -ENOENT passes through untouched. */
static int read_exact(const char *path, uint8_t *out, size_t n, char *err, size_t errlen)
{
	uint8_t extra;
	size_t got = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < n) {
		r = read(fd, out + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	r = got == n ? read(fd, &extra, 1) : 0;
	close(fd);
	if (got != n || r != 0) {
		snprintf(err, errlen, "%s is not %zu bytes", path, n);
		return -EINVAL;
	}
	return 0;
}

int tdx_get_mrconfigid(const struct paths *p, uint8_t *out, char *err, size_t errlen)
{
	static uint8_t report[TDX_REPORT_SIZE];
	uint8_t zero[TEE_USER_DATA] = { 0 };
	char f[PATH_MAX_SR];
	int r;

	snprintf(f, sizeof(f), "%s/mrconfigid", p->tdx_measurements);
	r = read_exact(f, out, TDX_MR_SIZE, err, errlen);
	if (r != -ENOENT) {
		if (r < 0 && r != -EINVAL)
			snprintf(err, errlen, "read %s: %s", f, strerror(-r));
		return r;
	}
	r = tdx_get_report(p, zero, report, err, errlen);
	if (r < 0)
		return r;
	memcpy(out, report + TDX_MRCONFIGID_OFF, TDX_MR_SIZE);
	return 0;
}

int tdx_get_quote(const struct paths *p, const uint8_t *report_data, uint8_t *quote, size_t cap,
		  size_t *len, char *err, size_t errlen)
{
	int r;

	r = tsm_report(p, "sealroot-tdx", "tdx_guest", report_data, EVIDENCE_TDX_REPORT_DATA, quote,
		       cap, len, "TDX quote", err, errlen);
	if (r == -ENOENT) {
		snprintf(err, errlen, "no configfs-tsm at %s: %s", p->tsm_report, strerror(ENOENT));
		return r;
	}
	if (r == 0)
		r = evidence_tdx_quote_check(quote, *len, report_data, err, errlen);
	if (r < 0)
		*len = 0;
	return r;
}

int tdx_read_ccel(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	const char *what;
	int r = read_file(path, EVIDENCE_CCEL_MAX, out, len, &what);

	if (r == -EFBIG)
		snprintf(err, errlen, "%s is larger than %d bytes", path, EVIDENCE_CCEL_MAX);
	else if (r == -ENOMEM)
		snprintf(err, errlen, "CCEL buffer: out of memory");
	else if (r < 0)
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(-r));
	return r;
}

/* ---- the operations ------------------------------------------------------------ */

static bool detect(const struct tee_probe *p)
{
	return tee_cpu_flag(p, "tdx_guest") || tee_exists(p->path->tdx_guest);
}

/*
 * MRCONFIGID is the one place: a zero one is fatal rather than a fallback
 * to RTMR2. An RTMR extension leaves no entry in the CC event log, so
 * Trustee's TDX verifier (deps/verifier/src/tdx/mod.rs) would find neither
 * its init-data check (against MRCONFIGID) nor its replay of RTMR2 from
 * the CCEL satisfied; guest-components has no such fallback either.
 */
static int bind(const struct paths *p, enum initdata_alg alg, const uint8_t *digest, size_t len,
		char *err, size_t errlen)
{
	uint8_t want[TDX_MR_SIZE], have[TDX_MR_SIZE], zero[TDX_MR_SIZE] = { 0 };
	char e[256];
	int r;

	(void)alg;
	initdata_fit(digest, len, want, sizeof(want));
	r = tdx_get_mrconfigid(p, have, e, sizeof(e));
	if (r < 0)
		return errf(err, errlen, r, "TDX MRCONFIGID: %s", e);
	if (memcmp(have, zero, TDX_MR_SIZE) == 0)
		return errf(err, errlen, -EINVAL, "TDX MRCONFIGID is not set: the host must launch "
			    "the TD with the initdata digest as MRCONFIGID (QEMU >= 10.1: -object "
			    "tdx-guest,mrconfigid=<base64 of the digest, zero-padded to 48 bytes>; "
			    "Kata sets it from the cc_init_data annotation)");
	if (memcmp(have, want, TDX_MR_SIZE) != 0)
		return tee_mismatch(err, errlen, "TDX MRCONFIGID", have, want, TDX_MR_SIZE);
	log_info("initdata: bound: TDX MRCONFIGID matches the digest");
	return 0;
}

/*
 * No initdata: MRCONFIGID must be zero. Nothing is extended: the binding
 * is MRCONFIGID alone, which nothing in the guest can change, and an RTMR
 * event without a log entry would break the verifier's RTMR2 replay.
 */
static int no_initdata(const struct paths *p, char *err, size_t errlen)
{
	uint8_t have[TDX_MR_SIZE];
	char e[256];
	int r;

	r = tdx_get_mrconfigid(p, have, e, sizeof(e));
	if (r < 0)
		return errf(err, errlen, r, "TDX MRCONFIGID: %s", e);
	r = tee_field_zero(err, errlen, "TDX MRCONFIGID", have, TDX_MR_SIZE);
	if (r < 0)
		return r;
	log_info("initdata: none: TDX MRCONFIGID is zero");
	return 0;
}

static int evidence(const struct paths *p, const char *nonce, const uint8_t *rd, size_t rd_len,
		    struct json_object **out, char *err, size_t errlen)
{
	uint8_t *quote, *ccel = NULL;
	size_t qlen = 0, clen = 0;
	int r;

	(void)nonce;
	(void)rd_len;
	quote = malloc(EVIDENCE_TDX_QUOTE_MAX);
	if (!quote) {
		snprintf(err, errlen, "TDX quote: out of memory");
		return -ENOMEM;
	}
	r = tdx_get_quote(p, rd, quote, EVIDENCE_TDX_QUOTE_MAX, &qlen, err, errlen);
	if (r == -ENOENT) {
		/* /dev/tdx_guest gives a TDREPORT, which is MAC'd for this
		 * machine only: a KBS cannot verify it. */
		snprintf(err, errlen, "TDX evidence needs configfs-tsm (%s; Linux >= 6.7, "
			 "TSM_REPORTS) and a quote service on the host", p->tsm_report);
		goto out;
	}
	if (r < 0)
		goto out;
	r = tdx_read_ccel(p->ccel, &ccel, &clen, err, errlen);
	if (r == -ENOENT) {
		ccel = NULL;
		clen = 0;
	} else if (r < 0) {
		goto out;
	}
	r = evidence_tdx_json(quote, qlen, ccel, clen, out, err, errlen);
out:
	free(quote);
	free(ccel);
	return r;
}

const struct tee_ops tee_tdx = {
	.name = "tdx",
	.label = "TDX",
	.exclusive = true,
	.detect = detect,
	.bind = bind,
	.no_initdata = no_initdata,
	.rd_hash = "sha384",
	.rd_len = 64,
	.evidence = evidence,
};
