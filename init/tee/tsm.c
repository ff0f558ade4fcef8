// SPDX-License-Identifier: Apache-2.0
/*
 * tsm: configfs-tsm reports, the one kernel interface (Linux >= 6.7, linux
 * Documentation/ABI/testing/configfs-tsm-report) through which a guest asks
 * its TEE for a report over data of its own; SNP and TDX use it here, Arm
 * CCA would too; SNP also reads the auxblob (the host's certificates). See
 * tsm_report() in tee.h.
 * Reads and changes: one entry under the configfs-tsm report directory,
 * made and removed again. On failure: -errno with one reason in err.
 */
#include "tee.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

int tsm_report(const struct paths *p, const char *label, const char *provider,
	       const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *len,
	       const char *what, char *err, size_t errlen)
{
	return tsm_report_aux(p, label, provider, in, in_len, out, cap, len, NULL, 0, NULL, what,
			      err, errlen);
}

int tsm_report_aux(const struct paths *p, const char *label, const char *provider,
		   const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *len,
		   uint8_t *aux, size_t aux_cap, size_t *aux_len, const char *what, char *err,
		   size_t errlen)
{
	char dir[PATH_MAX_SR], f[PATH_MAX_SR + 16], small[64];
	size_t n, an = 0, glen;
	char *buf, *abuf = NULL;
	int r;

	*len = 0;
	if (aux_len)
		*aux_len = 0;
	if (access(p->tsm_report, F_OK) < 0)
		return -ENOENT;
	buf = malloc(cap + 1); /* one byte more tells "too big" from "exactly full" */
	if (aux)
		abuf = malloc(aux_cap + 1);
	if (!buf || (aux && !abuf)) {
		snprintf(err, errlen, "%s buffer: out of memory", what);
		free(buf);
		free(abuf);
		return -ENOMEM;
	}
	snprintf(dir, sizeof(dir), "%s/%s-%ld", p->tsm_report, label, (long)getpid());
	if (mkdir(dir, 0700) < 0) {
		r = -errno;
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		free(buf);
		free(abuf);
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
	r = file_write_value(f, in, in_len, NULL);
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
	/* Read after outblob: the same report's. Absent is empty. */
	if (aux) {
		snprintf(f, sizeof(f), "%s/auxblob", dir);
		r = file_read_all(f, abuf, aux_cap + 1, &an);
		if (r == -ENOENT) {
			an = 0;
		} else if (r == -EFBIG) {
			snprintf(err, errlen, "%s auxblob from %s is larger than %zu bytes", what, f,
				 aux_cap);
			goto out;
		} else if (r < 0) {
			snprintf(err, errlen, "read %s: %s", f, strerror(-r));
			goto out;
		}
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
	if (aux) {
		memcpy(aux, abuf, an);
		*aux_len = an;
	}
out:
	rmdir(dir);
	free(buf);
	free(abuf);
	return r;
}
