// SPDX-License-Identifier: Apache-2.0
/*
 * tee: see tee.h. The table below is the whole list of TEEs; each row's
 * operations live in init/tee/<name>.c. Adding a TEE is one file there and
 * one row here.
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hex.h"

extern const struct tee_ops tee_tdx, tee_snp, tee_se, tee_tpm, tee_sample;

/* In order of precedence: the first found is the TEE; sample is always found. */
static const struct tee_ops *const tees[] = {
	&tee_tdx,
	&tee_snp,
	&tee_se,
	&tee_tpm,
	&tee_sample,
};
enum { N_TEES = sizeof(tees) / sizeof(tees[0]) };

bool tee_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool tee_cpu_flag(const struct tee_probe *p, const char *flag)
{
	size_t n = strlen(flag);
	const char *s;

	for (s = p->cpu_flags; (s = strstr(s, flag)) != NULL; s++)
		if ((s == p->cpu_flags || s[-1] == ' ' || s[-1] == ':') &&
		    (s[n] == '\0' || s[n] == ' '))
			return true;
	return false;
}

/*
 * The part after ':' of the first "flags" line of cpuinfo (the first CPU's;
 * x86 lists the TEE guest flags there). No file is no flags.
 */
static int read_cpu_flags(const char *cpuinfo, char *out, size_t cap)
{
	static char buf[65536];
	const char *line, *end, *colon;
	size_t n = 0;
	ssize_t r;
	int fd;

	out[0] = '\0';
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
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon)
			snprintf(out, cap, "%.*s", (int)(end - colon - 1), colon + 1);
		break;
	}
	return 0;
}

int tee_detect(const struct paths *p, const struct tee_ops **out, char *err, size_t errlen)
{
	static struct tee_probe probe;
	const struct tee_ops *found = NULL;
	size_t i;
	int r;

	probe.path = p;
	r = read_cpu_flags(p->cpuinfo, probe.cpu_flags, sizeof(probe.cpu_flags));
	if (r < 0) {
		snprintf(err, errlen, "read %s: %s", p->cpuinfo, strerror(-r));
		return r;
	}
	for (i = 0; i < N_TEES; i++) {
		if (!tees[i]->detect(&probe))
			continue;
		if (!found) {
			found = tees[i];
		} else if (found->exclusive && tees[i]->exclusive) {
			snprintf(err, errlen, "both %s and %s are advertised; refusing to pick one",
				 found->label, tees[i]->label);
			return -EINVAL;
		}
	}
	*out = found;
	return 0;
}

const struct tee_ops *tee_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < N_TEES; i++)
		if (strcmp(tees[i]->name, name) == 0)
			return tees[i];
	return NULL;
}

int step_tee(struct boot *b)
{
	char err[256];
	int r;

	r = tee_detect(&b->path, &b->tee, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "TEE detection: %s", err);
	log_info("tee: %s (%s)", b->tee->name, b->tee->label);
	return 0;
}

int tee_no_initdata_digest(enum initdata_alg alg, uint8_t *out)
{
	return initdata_digest(alg, TEE_NO_INITDATA_EVENT, strlen(TEE_NO_INITDATA_EVENT), out);
}

int tee_mismatch(char *err, size_t errlen, const char *field, const uint8_t *have,
		 const uint8_t *want, size_t n)
{
	char have_hex[2 * TEE_FIELD_MAX + 1], want_hex[2 * TEE_FIELD_MAX + 1];

	if (n > TEE_FIELD_MAX)
		n = TEE_FIELD_MAX;
	hex_encode(have, n, have_hex);
	hex_encode(want, n, want_hex);
	snprintf(err, errlen, "%s %s does not match the initdata digest %s", field, have_hex,
		 want_hex);
	return -EINVAL;
}

int tee_field_zero(char *err, size_t errlen, const char *field, const uint8_t *have, size_t n)
{
	char hex[2 * TEE_FIELD_MAX + 1];
	size_t i;

	if (n > TEE_FIELD_MAX)
		n = TEE_FIELD_MAX;
	for (i = 0; i < n && have[i] == 0; i++)
		;
	if (i == n)
		return 0;
	hex_encode(have, n, hex);
	snprintf(err, errlen, "%s %s is set, but no initdata is attached: without initdata "
		 "it must be zero", field, hex);
	return -EINVAL;
}

size_t tee_report_data(const struct tee_ops *t, const uint8_t *digest, size_t len, uint8_t *out)
{
	size_t n;

	if (t->rd_len == 0) {
		memcpy(out, digest, len);
		return len;
	}
	n = len < t->rd_len ? len : t->rd_len;
	memcpy(out, digest, n);
	memset(out + n, 0, t->rd_len - n);
	return t->rd_len;
}

int tee_evidence(const struct tee_ops *t, const struct paths *p, const char *nonce,
		 const uint8_t *rd, size_t rd_len, struct json_object **out, char *err,
		 size_t errlen)
{
	*out = NULL;
	if (t->rd_len && rd_len != t->rd_len) {
		snprintf(err, errlen, "%s report data of %zu bytes, want %zu", t->name, rd_len,
			 t->rd_len);
		return -EINVAL;
	}
	return t->evidence(p, nonce, rd, rd_len, out, err, errlen);
}
