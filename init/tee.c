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
#include <string.h>
#include <unistd.h>

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
