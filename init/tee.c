// SPDX-License-Identifier: Apache-2.0
/*
 * tee: see tee.h. Detection only; the device code is in tee_<kind>.c.
 * There is no hardware TEE on the build machine: the readers are tested
 * with recorded report layouts through fake device paths (tests/unit).
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

const char *tee_name(enum tee_kind t)
{
	switch (t) {
	case TEE_SNP: return "snp";
	case TEE_TDX: return "tdx";
	case TEE_SE: return "se";
	case TEE_TPM: return "tpm";
	case TEE_SAMPLE: break;
	}
	return "sample";
}

/* Whether flag is a whole word on the first "flags" line of cpuinfo. */
static int cpu_flag(const char *cpuinfo, const char *flag, bool *has)
{
	static char buf[65536];
	size_t n = 0, flen = strlen(flag);
	const char *line, *end, *p;
	ssize_t r;
	int fd;

	*has = false;
	fd = open(cpuinfo, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	/* The first CPU's block is enough; bound the read. */
	while (n < sizeof(buf) - 1) {
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	for (line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		p = memchr(line, ':', (size_t)(end - line));
		if (!p)
			return 0;
		for (p++; p < end; p++) {
			if ((p[-1] == ' ' || p[-1] == ':') && (size_t)(end - p) >= flen &&
			    memcmp(p, flag, flen) == 0 &&
			    (p + flen == end || p[flen] == ' ')) {
				*has = true;
				return 0;
			}
		}
		return 0;
	}
	return 0;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int tee_detect(const struct paths *p, enum tee_kind *out, char *err, size_t errlen)
{
	bool tdx, snp;
	int r;

	r = cpu_flag(p->cpuinfo, "tdx_guest", &tdx);
	if (r == 0)
		r = cpu_flag(p->cpuinfo, "sev_snp", &snp);
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", p->cpuinfo, strerror(-r));
		return r;
	}
	tdx = tdx || exists(p->tdx_guest);
	snp = snp || exists(p->sev_guest);
	if (tdx && snp) {
		snprintf(err, errlen, "both TDX and SNP are advertised; refusing to pick one");
		return -EINVAL;
	}
	if (tdx)
		*out = TEE_TDX;
	else if (snp)
		*out = TEE_SNP;
	else if (exists(p->uv))
		*out = TEE_SE;
	else if (exists(p->tpm))
		*out = TEE_TPM;
	else
		*out = TEE_SAMPLE;
	return 0;
}

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

int tsm_report(const struct paths *p, const char *label, const char *provider,
	       const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *len,
	       const char *what, char *err, size_t errlen)
{
	char dir[PATH_MAX_SR], f[PATH_MAX_SR + 16], small[64];
	size_t n, glen;
	char *buf;
	int r;

	*len = 0;
	if (access(p->tsm_report, F_OK) < 0)
		return -ENOENT;
	buf = malloc(cap + 1); /* one byte more tells "too big" from "exactly full" */
	if (!buf) {
		snprintf(err, errlen, "%s buffer: out of memory", what);
		return -ENOMEM;
	}
	snprintf(dir, sizeof(dir), "%s/%s-%ld", p->tsm_report, label, (long)getpid());
	if (mkdir(dir, 0700) < 0) {
		r = -errno;
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		free(buf);
		return r;
	}
	snprintf(f, sizeof(f), "%s/provider", dir);
	r = file_read_all(f, small, sizeof(small), &n);
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", f, strerror(-r));
		goto out;
	}
	if (strncmp(small, provider, strlen(provider)) != 0 || strcmp(small + strlen(provider), "\n") != 0) {
		snprintf(err, errlen, "configfs-tsm provider is \"%.32s\", not %s", small, provider);
		r = -ENODEV;
		goto out;
	}
	snprintf(f, sizeof(f), "%s/inblob", dir);
	r = write_file(f, in, in_len);
	if (r < 0) {
		snprintf(err, errlen, "write %s: %s", f, strerror(-r));
		goto out;
	}
	snprintf(f, sizeof(f), "%s/outblob", dir);
	r = file_read_all(f, buf, cap + 1, &n);
	if (r == -EFBIG) {
		snprintf(err, errlen, "%s from %s is larger than %zu bytes", what, f, cap);
		goto out;
	}
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", f, strerror(-r));
		goto out;
	}
	/* One write (inblob): another writer would have raised the count. */
	snprintf(f, sizeof(f), "%s/generation", dir);
	r = file_read_all(f, small, sizeof(small), &glen);
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", f, strerror(-r));
		goto out;
	}
	if (strcmp(small, "1\n") != 0 && strcmp(small, "1") != 0) {
		snprintf(err, errlen, "configfs-tsm generation is %.16s, want 1: another writer raced", small);
		r = -EBUSY;
		goto out;
	}
	memcpy(out, buf, n);
	*len = n;
out:
	rmdir(dir);
	free(buf);
	return r;
}
