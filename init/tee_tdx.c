// SPDX-License-Identifier: Apache-2.0
/*
 * tee_tdx: TDX measurement registers (reference/evidence.md).
 * Reads: the measurements sysfs directory (Linux >= 6.16), else a TDREPORT
 * from /dev/tdx_guest (>= 6.2). Changes: extends an RTMR when asked.
 * On failure: -errno with the reason in err.
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* linux/tdx-guest.h (6.2), restated: Debian 12's headers predate it. */
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

int tdx_extend_rtmr(const struct paths *p, unsigned idx, const uint8_t *data,
		    char *err, size_t errlen)
{
	char f[PATH_MAX_SR];
	ssize_t w;
	int fd, r = 0;

	if (idx > 3) {
		snprintf(err, errlen, "no RTMR %u", idx);
		return -EINVAL;
	}
	snprintf(f, sizeof(f), "%s/rtmr%u:sha384", p->tdx_measurements, idx);
	fd = open(f, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", f, strerror(errno));
		return r;
	}
	/* The kernel takes exactly one 48-byte write per extend. */
	do
		w = write(fd, data, TDX_MR_SIZE);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		r = -errno;
	else if (w != TDX_MR_SIZE)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		snprintf(err, errlen, "extend %s: %s", f, strerror(-r));
	return r;
}
