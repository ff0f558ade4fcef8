// SPDX-License-Identifier: Apache-2.0
/*
 * initdata_step: see initdata_step.h.
 * Kata's agent scans /dev/vd* and /dev/sd* for the magic; so does this,
 * once: the kernel finishes its asynchronous SCSI scans before it starts
 * PID 1, and virtio-blk probes synchronously. Two devices with the magic
 * are an error, not a choice: the host would be picking for us.
 */
#include "initdata_step.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "initdata.h"
#include "tee.h"

#define TDX_INITDATA_RTMR 2   /* guest-components: PCR 8-15 -> RTMR2 */
#define TPM_INITDATA_PCR  8

static int read_at(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		got += (size_t)r;
	}
	return 0;
}

static int dev_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	/* Regular files stand in for disks in the unit tests. */
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	return -ENODEV;
}

static int disk_filter(const struct dirent *d)
{
	return strncmp(d->d_name, "vd", 2) == 0 || strncmp(d->d_name, "sd", 2) == 0;
}

/*
 * Finds the one disk with the magic. Returns 1 with *fd open and *len set,
 * 0 when there is none, or a failure.
 */
static int find_device(struct boot *b, int *fd_out, uint64_t *len)
{
	struct dirent **list = NULL;
	char path[PATH_MAX_SR], err[INITDATA_ERR];
	uint8_t hdr[INITDATA_HEADER];
	uint64_t size, n;
	int i, count, fd, r = 0;

	*fd_out = -1;
	count = scandir(b->path.sys_block, &list, disk_filter, alphasort);
	if (count < 0)
		return boot_fail(b, -errno, "scan %s", b->path.sys_block);
	for (i = 0; i < count; i++) {
		if (r < 0)
			continue;
		fd = snprintf(path, sizeof(path), "%s/%s", b->path.dev, list[i]->d_name);
		if (fd < 0 || (size_t)fd >= sizeof(path))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			/* An absent medium cannot be the initdata device. */
			log_errno(-errno, "initdata: skip %s", path);
			continue;
		}
		if (dev_size(fd, &size) < 0 || size < INITDATA_HEADER ||
		    read_at(fd, hdr, sizeof(hdr), 0) < 0) {
			close(fd);
			continue;
		}
		r = initdata_header(hdr, size, &n, err, sizeof(err));
		if (r == 0) {
			close(fd);
			continue;
		}
		if (r < 0) {
			close(fd);
			boot_fail(b, 0, "%s: %s", path, err);
			continue;
		}
		if (*fd_out >= 0) {
			close(fd);
			r = boot_fail(b, 0, "two initdata devices, %s and %s; refusing to choose",
				      b->initdata.device, path);
			continue;
		}
		*fd_out = fd;
		*len = n;
		memcpy(b->initdata.device, path, sizeof(path));
		r = 0;
	}
	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
	if (r < 0) {
		if (*fd_out >= 0)
			close(*fd_out);
		*fd_out = -1;
		return r;
	}
	return *fd_out >= 0;
}

static int bind_snp(struct boot *b, const uint8_t *want)
{
	static uint8_t report[SNP_REPORT_SIZE];
	uint8_t user_data[TEE_USER_DATA] = { 0 };
	char err[INITDATA_ERR], have_hex[2 * SNP_HOST_DATA_SIZE + 1];
	char want_hex[2 * SNP_HOST_DATA_SIZE + 1];
	int r;

	r = snp_get_report(&b->path, user_data, report, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "SNP report: %s", err);
	if (memcmp(report + SNP_HOST_DATA_OFF, want, SNP_HOST_DATA_SIZE) != 0) {
		hex_encode(report + SNP_HOST_DATA_OFF, SNP_HOST_DATA_SIZE, have_hex);
		hex_encode(want, SNP_HOST_DATA_SIZE, want_hex);
		return boot_fail(b, 0, "SNP HOST_DATA %s does not match the initdata digest %s",
				 have_hex, want_hex);
	}
	log_info("initdata: bound: SNP HOST_DATA matches the digest");
	return 0;
}

static int bind_tdx(struct boot *b, const uint8_t *want)
{
	uint8_t have[TDX_MR_SIZE], zero[TDX_MR_SIZE] = { 0 };
	char err[INITDATA_ERR], have_hex[2 * TDX_MR_SIZE + 1], want_hex[2 * TDX_MR_SIZE + 1];
	int r;

	r = tdx_get_mrconfigid(&b->path, have, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "TDX MRCONFIGID: %s", err);
	if (memcmp(have, want, TDX_MR_SIZE) == 0) {
		log_info("initdata: bound: TDX MRCONFIGID matches the digest");
		return 0;
	}
	if (memcmp(have, zero, TDX_MR_SIZE) != 0) {
		hex_encode(have, TDX_MR_SIZE, have_hex);
		hex_encode(want, TDX_MR_SIZE, want_hex);
		return boot_fail(b, 0, "TDX MRCONFIGID %s does not match the initdata digest %s",
				 have_hex, want_hex);
	}
	/* The host set no MRCONFIGID (QEMU < 10.1): bind through RTMR2. */
	r = tdx_extend_rtmr(&b->path, TDX_INITDATA_RTMR, want, err, sizeof(err));
	if (r == -ENOENT)
		return boot_fail(b, 0, "TDX MRCONFIGID is not set and this kernel cannot extend "
				 "an RTMR (Linux >= 6.16); the digest would be unbound");
	if (r < 0)
		return boot_fail(b, 0, "%s", err);
	log_info("initdata: bound: MRCONFIGID unset, digest extended into RTMR%d", TDX_INITDATA_RTMR);
	return 0;
}

static int bind_tpm(struct boot *b)
{
	char err[INITDATA_ERR];
	int r;

	/* The verifier expects PCR8 == SHA256(0^32 || digest). */
	if (b->initdata.doc.alg != ALG_SHA256)
		return boot_fail(b, 0, "a vTPM binds initdata in PCR%d on the SHA-256 bank; "
				 "the algorithm must be sha256, not %s", TPM_INITDATA_PCR,
				 initdata_alg_name(b->initdata.doc.alg));
	r = tpm_pcr_extend(b->path.tpm, TPM_INITDATA_PCR, b->initdata.digest, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "extend PCR%d: %s", TPM_INITDATA_PCR, err);
	log_info("initdata: bound: digest extended into PCR%d (sha256 bank)", TPM_INITDATA_PCR);
	return 0;
}

static int bind(struct boot *b)
{
	struct initdata_state *s = &b->initdata;
	uint8_t field[TDX_MR_SIZE];
	char err[INITDATA_ERR];
	enum tee_kind tee;
	int r;

	r = tee_detect(&b->path, &tee, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "TEE detection: %s", err);
	s->tee = tee;
	switch (tee) {
	case TEE_SNP:
		initdata_fit(s->digest, s->digest_len, field, SNP_HOST_DATA_SIZE);
		r = bind_snp(b, field);
		break;
	case TEE_TDX:
		initdata_fit(s->digest, s->digest_len, field, TDX_MR_SIZE);
		r = bind_tdx(b, field);
		break;
	case TEE_TPM:
		r = bind_tpm(b);
		break;
	case TEE_SE:
		/* reference/initdata.md: the SE verifier ignores init-data. */
		log_info("initdata: not bound: IBM SE has no field for it");
		return 0;
	case TEE_SAMPLE:
		log_info("initdata: not bound: no TEE (sample); attestation sends the document itself");
		return 0;
	}
	s->bound = r == 0;
	return r;
}

static int expose(struct boot *b)
{
	const struct toml_node *data = b->initdata.doc.data;
	const char *dir = b->path.initdata_dir, *name, *val, *what;
	size_t i, nlen, vlen;
	int dfd, r;

	r = file_private_dir(dir, 0755, &dfd, &what);
	if (r == -EXDEV)
		return boot_fail(b, 0, "%s is not on tmpfs", dir);
	if (r < 0)
		return boot_fail(b, r, "%s %s", what, dir);
	r = file_write_new(dfd, "initdata.toml", b->initdata.toml, b->initdata.toml_len, &what);
	if (r < 0)
		boot_fail(b, r, "%s %s/initdata.toml", what, dir);
	for (i = 0; r == 0 && data && i < toml_count(data); i++) {
		name = toml_key(data, i, &nlen);
		val = toml_string(toml_at(data, i), &vlen);
		/* initdata_doc_parse() checked every name; check again where
		 * it matters, right before the name becomes a path. */
		if (!initdata_name_ok(name, nlen) || !val) {
			r = boot_fail(b, 0, "data entry %zu is not a plain file name", i + 1);
			break;
		}
		r = file_write_new(dfd, name, val, vlen, &what);
		if (r < 0)
			boot_fail(b, r, "%s %s/%s", what, dir, name);
	}
	close(dfd);
	if (r < 0)
		return r;
	log_info("initdata: wrote %zu files to %s", 1 + (data ? toml_count(data) : 0), dir);
	return 0;
}

int step_initdata(struct boot *b)
{
	struct initdata_state *s = &b->initdata;
	char err[INITDATA_ERR], hex[2 * INITDATA_DIGEST_MAX + 1];
	uint8_t *gz;
	uint64_t len = 0;
	int fd, r;

	/* A step may run again (unit tests do); start from nothing. */
	initdata_doc_free(&s->doc);
	free(s->toml);
	memset(s, 0, sizeof(*s));
	r = find_device(b, &fd, &len);
	if (r < 0)
		return r;
	if (r == 0) {
		if (b->cfg.initdata_required)
			return boot_fail(b, 0, "no initdata device on %s/vd* or %s/sd* "
					 "(required unless the command line has sealroot.initdata=optional)",
					 b->path.dev, b->path.dev);
		log_info("initdata: none attached (optional by the command line)");
		return 0;
	}
	gz = malloc((size_t)len);
	if (!gz) {
		close(fd);
		return boot_fail(b, -ENOMEM, "initdata: %llu bytes", (unsigned long long)len);
	}
	r = read_at(fd, gz, (size_t)len, INITDATA_HEADER);
	close(fd);
	if (r < 0) {
		free(gz);
		return boot_fail(b, r, "read %s", s->device);
	}
	r = initdata_gunzip(gz, (size_t)len, &s->toml, &s->toml_len, err, sizeof(err));
	free(gz);
	if (r < 0)
		return boot_fail(b, 0, "%s: %s", s->device, err);
	r = initdata_doc_parse(s->toml, s->toml_len, &s->doc, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "%s: %s", s->device, err);
	r = config_parse(&s->doc, &b->attest, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "%s: %s", s->device, err);
	s->digest_len = initdata_alg_size(s->doc.alg);
	if (initdata_digest(s->doc.alg, s->toml, s->toml_len, s->digest) < 0)
		return boot_fail(b, -EIO, "%s digest", initdata_alg_name(s->doc.alg));
	s->present = true;
	hex_encode(s->digest, s->digest_len, hex);
	log_info("initdata: %s: %zu bytes (gzip %llu), %s %s", s->device, s->toml_len,
		 (unsigned long long)len, initdata_alg_name(s->doc.alg), hex);
	r = bind(b);
	if (r < 0)
		return r;
	return expose(b);
}
