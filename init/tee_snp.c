// SPDX-License-Identifier: Apache-2.0
/*
 * tee_snp: SEV-SNP attestation reports (reference/evidence.md).
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

#include "file.h"

/* linux/sev-guest.h, restated so the build needs no particular headers. */
struct snp_report_req {
	uint8_t user_data[64];
	uint32_t vmpl;
	uint8_t rsvd[28];
};
struct snp_guest_request_ioctl {
	uint8_t msg_version;
	uint64_t req_data;
	uint64_t resp_data;
	uint64_t exitinfo2;
};
_Static_assert(sizeof(struct snp_report_req) == 96, "snp_report_req layout");
_Static_assert(sizeof(struct snp_guest_request_ioctl) == 32, "snp ioctl layout");
#define SNP_GET_REPORT _IOWR('S', 0x0, struct snp_guest_request_ioctl)
enum {
	SNP_RESP_SIZE = 4000,   /* struct snp_report_resp */
	SNP_RESP_REPORT = 0x20, /* status u32, report_size u32, 24 reserved */
};

static int write_file(const char *path, const void *data, size_t len)
{
	ssize_t w;
	int fd, r = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		w = write(fd, data, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		r = -errno;
	else if ((size_t)w != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* configfs-tsm: returns -ENOENT when there is no such interface. */
static int tsm_report(const struct paths *p, const uint8_t *user_data,
		      uint8_t *report, char *err, size_t errlen)
{
	static char buf[8192];
	char dir[PATH_MAX_SR], f[PATH_MAX_SR + 16];
	size_t len;
	int r;

	if (access(p->tsm_report, F_OK) < 0)
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s/sealroot-%ld", p->tsm_report, (long)getpid());
	if (mkdir(dir, 0700) < 0) {
		r = -errno;
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		return r;
	}
	snprintf(f, sizeof(f), "%s/provider", dir);
	r = file_read_all(f, buf, sizeof(buf), &len);
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", f, strerror(-r));
		goto out;
	}
	if (strcmp(buf, "sev_guest\n") != 0) {
		snprintf(err, errlen, "configfs-tsm provider is \"%.32s\", not sev_guest", buf);
		r = -ENODEV;
		goto out;
	}
	snprintf(f, sizeof(f), "%s/inblob", dir);
	r = write_file(f, user_data, TEE_USER_DATA);
	if (r < 0) {
		snprintf(err, errlen, "write %s: %s", f, strerror(-r));
		goto out;
	}
	snprintf(f, sizeof(f), "%s/outblob", dir);
	r = file_read_all(f, buf, sizeof(buf), &len);
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", f, strerror(-r));
		goto out;
	}
	if (len != SNP_REPORT_SIZE) {
		snprintf(err, errlen, "report from %s is %zu bytes, want %d", f, len, SNP_REPORT_SIZE);
		r = -EINVAL;
		goto out;
	}
	memcpy(report, buf, SNP_REPORT_SIZE);
	/* One write (inblob): another writer would have raised the count. */
	snprintf(f, sizeof(f), "%s/generation", dir);
	r = file_read_all(f, buf, sizeof(buf), &len);
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", f, strerror(-r));
		goto out;
	}
	if (strcmp(buf, "1\n") != 0 && strcmp(buf, "1") != 0) {
		snprintf(err, errlen, "configfs-tsm generation is %.16s, want 1: another writer raced", buf);
		r = -EBUSY;
	}
out:
	rmdir(dir);
	return r;
}

static int ioctl_report(const struct paths *p, const uint8_t *user_data,
			uint8_t *report, char *err, size_t errlen)
{
	static uint8_t resp[SNP_RESP_SIZE];
	struct snp_report_req req;
	struct snp_guest_request_ioctl io;
	uint32_t status, size;
	int fd, r;

	memset(&req, 0, sizeof(req));
	memcpy(req.user_data, user_data, TEE_USER_DATA);
	memset(resp, 0, sizeof(resp));
	memset(&io, 0, sizeof(io));
	io.msg_version = 1;
	io.req_data = (uint64_t)(uintptr_t)&req;
	io.resp_data = (uint64_t)(uintptr_t)resp;
	fd = open(p->sev_guest, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", p->sev_guest, strerror(errno));
		return r;
	}
	r = ioctl(fd, SNP_GET_REPORT, &io);
	if (r < 0) {
		r = -errno;
		snprintf(err, errlen, "SNP_GET_REPORT on %s: %s (exitinfo2 0x%llx)",
			 p->sev_guest, strerror(errno), (unsigned long long)io.exitinfo2);
		close(fd);
		return r;
	}
	close(fd);
	memcpy(&status, resp, 4);
	memcpy(&size, resp + 4, 4);
	if (status != 0) {
		snprintf(err, errlen, "SNP_GET_REPORT status 0x%x", status);
		return -EIO;
	}
	if (size != SNP_REPORT_SIZE) {
		snprintf(err, errlen, "SNP_GET_REPORT report_size %u, want %d", size, SNP_REPORT_SIZE);
		return -EINVAL;
	}
	memcpy(report, resp + SNP_RESP_REPORT, SNP_REPORT_SIZE);
	return 0;
}

int snp_get_report(const struct paths *p, const uint8_t *user_data,
		   uint8_t *report, char *err, size_t errlen)
{
	int r;

	r = tsm_report(p, user_data, report, err, errlen);
	if (r != -ENOENT)
		return r;
	return ioctl_report(p, user_data, report, err, errlen);
}
