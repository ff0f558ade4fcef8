// SPDX-License-Identifier: Apache-2.0
/*
 * tee_tpm: the one TPM 2.0 command sealroot needs, TPM2_PCR_Extend.
 * Reads/changes: the TPM at /dev/tpmrm0 (the kernel's resource manager: one
 * write is one command, one read is its whole response).
 * On failure: -errno, or the TPM's response code, with the reason in err.
 *
 * Why not tpm2-tss: the issue asked for it built static, but Debian's
 * tpm2-tss 3.2.1-3 source tarballs are not served (404, the .dsc is), and
 * one fixed 65-byte command does not justify a TSS. The marshalling below
 * follows TPM 2.0 Part 3 section 22.2 and is checked in tests against
 * swtpm, an independent TPM, read back with tpm2-tools.
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* TPM 2.0 Part 2 constants. */
#define TPM_ST_SESSIONS      0x8002
#define TPM_CC_PCR_EXTEND    0x00000182
#define TPM_RS_PW            0x40000009
#define TPM_ALG_SHA256       0x000B
#define TPM_HEADER           10

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t tpm_marshal_pcr_extend(uint8_t *buf, uint32_t pcr, const uint8_t *sha256)
{
	uint8_t *p = buf;

	p = put16(p, TPM_ST_SESSIONS);
	p = put32(p, 0);                 /* commandSize, filled below */
	p = put32(p, TPM_CC_PCR_EXTEND);
	p = put32(p, pcr);               /* @pcrHandle */
	/* Authorization area: one empty password session (PCRs 0-15 have an
	 * empty auth value). */
	p = put32(p, 9);                 /* authorizationSize */
	p = put32(p, TPM_RS_PW);         /* sessionHandle */
	p = put16(p, 0);                 /* nonce: empty */
	*p++ = 0;                        /* sessionAttributes */
	p = put16(p, 0);                 /* hmac (password): empty */
	/* TPML_DIGEST_VALUES with one SHA-256 digest. */
	p = put32(p, 1);
	p = put16(p, TPM_ALG_SHA256);
	memcpy(p, sha256, 32);
	p += 32;
	put32(buf + 2, (uint32_t)(p - buf));
	return (size_t)(p - buf);
}

int tpm_transact(int fd, const uint8_t *cmd, uint8_t *resp, size_t resp_cap,
		 size_t *resp_len, char *err, size_t errlen)
{
	size_t len = get32(cmd + 2);
	uint32_t size, rc;
	ssize_t n;

	if (len < TPM_HEADER || len > TPM_CMD_MAX) {
		snprintf(err, errlen, "TPM command size %zu out of range", len);
		return -EINVAL;
	}
	do
		n = write(fd, cmd, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		snprintf(err, errlen, "TPM write: %s", n < 0 ? strerror(errno) : "short write");
		return n < 0 ? -errno : -EIO;
	}
	do
		n = read(fd, resp, resp_cap);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(err, errlen, "TPM read: %s", strerror(errno));
		return -errno;
	}
	if (n < TPM_HEADER) {
		snprintf(err, errlen, "TPM response of %zd bytes is shorter than its header", n);
		return -EIO;
	}
	size = get32(resp + 2);
	rc = get32(resp + 6);
	if (size != (uint32_t)n) {
		snprintf(err, errlen, "TPM response size field %u, read %zd bytes", size, n);
		return -EIO;
	}
	*resp_len = (size_t)n;
	if (rc != 0) {
		snprintf(err, errlen, "TPM response code 0x%03x", rc);
		return -EIO;
	}
	return 0;
}

int tpm_pcr_extend_fd(int fd, uint32_t pcr, const uint8_t *sha256, char *err,
		      size_t errlen)
{
	uint8_t cmd[128], resp[TPM_CMD_MAX];
	size_t rlen;
	int r;

	tpm_marshal_pcr_extend(cmd, pcr, sha256);
	r = tpm_transact(fd, cmd, resp, sizeof(resp), &rlen, err, errlen);
	return r;
}

int tpm_pcr_extend(const char *path, uint32_t pcr, const uint8_t *sha256,
		   char *err, size_t errlen)
{
	int fd, r;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return r;
	}
	r = tpm_pcr_extend_fd(fd, pcr, sha256, err, errlen);
	close(fd);
	return r;
}
