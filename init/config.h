/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config: what the measured initdata asks of the init beyond Kata's files:
 * the KBS (from aa.toml or cdh.toml, so a standard CoCo initdata works
 * unchanged), and sealroot.toml's [attestation], [network] and
 * [[resource]] tables (docs/attestation.md).
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

#include "initdata.h"

enum {
	CONF_URL_MAX = 256,
	CONF_RESOURCES_MAX = 32,
	CONF_IFNAME_MAX = 16,
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
};

/* Fills c from doc (which may hold no sealroot.toml: then nothing is asked). */
int config_parse(const struct initdata_doc *doc, struct attest_config *c,
		 char *err, size_t errlen);

#endif
