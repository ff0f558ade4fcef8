/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config: what the measured initdata asks of the init beyond Kata's files:
 * the KBS (from aa.toml or cdh.toml, so a standard CoCo initdata works
 * unchanged), and sealroot.toml's [attestation], [network],
 * [[resource]] and [storage] tables (docs/attestation.md, docs/storage.md).
 * Reads: the parsed initdata document only; never the unmeasured host.
 * Changes: nothing outside struct attest_config.
 * On failure: -EINVAL with one reason; unknown keys and bad values are
 * errors, so a typo cannot switch a check off.
 */
#ifndef SEALROOT_CONFIG_H
#define SEALROOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "initdata_format.h"

enum {
	CONF_URL_MAX = 256,
	CONF_RESOURCES_MAX = 32,
	CONF_IFNAME_MAX = 16,
	CONF_DEVICE_MAX = 64,
	CONF_PATH_MAX = 128,
};

/* [storage]: the encrypted scratch disk (docs/storage.md). */
struct storage_config {
	bool set;                          /* the table is present */
	char device[CONF_DEVICE_MAX];      /* a virtio serial, or /dev/<disk>; "" = from cmdline */
	bool integrity;                    /* dm-integrity with hmac-sha256; on unless false */
	char key[CONF_URL_MAX];            /* repo/type/tag of a KBS key; "" = ephemeral */
	char mountpoint[CONF_PATH_MAX];    /* default /run/kata-containers/image */
	bool exec, suid, dev;              /* mount flags; all off by default */
};

struct conf_resource {
	char repo_type_tag[CONF_URL_MAX];  /* "default/key/web" */
	char path[INITDATA_NAME_MAX + 1];  /* a plain file name */
};

struct attest_config {
	/* The KBS: URL and, for https, the PEM certificate to trust. */
	char kbs_url[CONF_URL_MAX];
	const char *kbs_cert;     /* points into the initdata tree; NULL if none */
	size_t kbs_cert_len;
	/* [attestation] */
	bool allow_sample;        /* sample evidence only when this says so */
	bool allow_http;          /* plain http:// to the KBS only when this says so */
	bool rsa;                 /* RSA-OAEP-256 instead of ECDH-ES+A256KW */
	unsigned retries;         /* attempts per request, 1..20 */
	unsigned deadline_ms;     /* the whole attestation, 1000..600000 */
	/* [network] */
	bool net;
	char ifname[CONF_IFNAME_MAX];
	uint32_t addr, prefix, gw; /* host byte order; gw 0 = none */
	/* [[resource]] */
	struct conf_resource res[CONF_RESOURCES_MAX];
	size_t n_res;
	/* [storage] */
	struct storage_config storage;
};

/* The default mount point of the scratch disk: where Kata's guest pull writes. */
#define STORAGE_MOUNTPOINT "/run/kata-containers/image"

/*
 * A scratch device name as the command line or [storage] gives it: a
 * /dev/<name> path (letters and digits) or a serial of 1..20 printable
 * characters without '/' or spaces (virtio-blk serials are at most 20).
 */
static inline bool config_device_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (strncmp(s, "/dev/", 5) == 0) {
		if (n == 5 || n >= CONF_DEVICE_MAX)
			return false;
		for (i = 5; i < n; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
				return false;
		return true;
	}
	if (n == 0 || n > 20)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '/' || s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

/* The settings when no initdata says otherwise (and when there is none):
 * retries, deadline, the scratch disk's mountpoint and integrity;
 * everything else empty or off. */
void config_defaults(struct attest_config *c);

/* Fills c from doc (which may hold no sealroot.toml: then nothing is asked),
 * starting from config_defaults(). */
int config_parse(const struct initdata_doc *doc, struct attest_config *c,
		 char *err, size_t errlen);

#endif
