// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: config_parse() on an initdata document built from the
 * input, i.e. sealroot.toml ([attestation], [network], [[resource]],
 * [storage]) and the KBS of aa.toml and cdh.toml, as the host hands them in
 * the initdata block. The input is up to three texts separated by a line
 * "---": sealroot.toml, aa.toml, cdh.toml; each present text becomes one
 * [data] entry (a TOML basic string, escaped here), and the document goes
 * through initdata_doc_parse() first, as in the init, so the fuzzer need
 * not forge the initdata wrapper (fuzz_initdata covers that).
 * It checks what config.h promises on success, each value re-checked here
 * independently: URLs, ranges, interface, address and prefix, resource
 * names and paths, the storage device and mount point, a KBS for every
 * resource, a certificate for https; and that parsing again gives the same
 * result. On failure: -EINVAL with a NUL-terminated reason.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "initdata_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "sealroot.toml", "aa.toml", "cdh.toml" };

/* Appends s[0..n) as a TOML basic string; bytes >= 0x80 go as they are. */
static char *put_string(char *o, const uint8_t *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	*o++ = '"';
	for (i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(o, "\\u00", 4);
			o += 4;
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o++ = '\n';
	return o;
}

/* The next text up to a "\n---\n" separator (or the end). */
static const uint8_t *split(const uint8_t *p, const uint8_t *end, size_t *len, const uint8_t **next)
{
	const uint8_t *s = p;

	for (; end - s >= 5; s++)
		if (memcmp(s, "\n---\n", 5) == 0) {
			*len = (size_t)(s - p) + 1; /* keep the newline */
			*next = s + 5;
			return p;
		}
	*len = (size_t)(end - p);
	*next = NULL;
	return p;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

/* repo/type/tag: three non-empty parts of [A-Za-z0-9._-], none starting
 * with '.' (Trustee's ResourceDesc), so never "." or "..". */
static bool rtt_ok(const char *s)
{
	size_t parts = 0, i = 0, start;

	if (!memchr(s, '\0', CONF_URL_MAX))
		return false;
	for (;;) {
		start = i;
		while (s[i] && s[i] != '/') {
			if (!name_char(s[i]))
				return false;
			i++;
		}
		if (i == start || s[start] == '.')
			return false;
		parts++;
		if (!s[i])
			break;
		i++;
	}
	return parts == 3;
}

static bool url_ok(const char *u)
{
	size_t i, n;

	if (!memchr(u, '\0', CONF_URL_MAX))
		return false;
	n = strlen(u);
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f)
			return false;
	/* Trailing slashes are trimmed, and something follows the scheme. */
	return u[n - 1] != '/' && n > (u[4] == 's' ? 8u : 7u);
}

static bool mountpoint_ok(const char *m)
{
	const char *c, *slash;

	if (!memchr(m, '\0', CONF_PATH_MAX) || strncmp(m, "/run/", 5) != 0 ||
	    strncmp(m, "/run/sealroot", 13) == 0 || strncmp(m, "/run/confidential-containers", 28) == 0)
		return false;
	for (c = m + 1;; c = slash + 1) {
		slash = strchr(c, '/');
		if (!initdata_name_ok(c, slash ? (size_t)(slash - c) : strlen(c)))
			return false;
		if (!slash)
			return true;
	}
}

static void check(const struct attest_config *c, const struct initdata_doc *doc)
{
	size_t i, j;

	if (c->kbs_url[0] && !url_ok(c->kbs_url))
		abort();
	if (c->kbs_cert_len && !c->kbs_cert)
		abort();
	if (c->retries < 1 || c->retries > 20 || c->deadline_ms < 1000 || c->deadline_ms > 600000)
		abort();
	if (c->net) {
		size_t n = strnlen(c->ifname, sizeof(c->ifname));

		if (n == 0 || n == sizeof(c->ifname) || strchr(c->ifname, '/') || strchr(c->ifname, ' '))
			abort();
		if (c->prefix < 1 || c->prefix > 32)
			abort();
	} else if (c->addr || c->prefix || c->gw || c->ifname[0]) {
		abort();
	}
	if (c->n_res > CONF_RESOURCES_MAX)
		abort();
	for (i = 0; i < c->n_res; i++) {
		const char *p = c->res[i].path;

		if (!rtt_ok(c->res[i].repo_type_tag) || !memchr(p, '\0', sizeof(c->res[i].path)) ||
		    !initdata_name_ok(p, strlen(p)))
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(c->res[j].path, p) == 0)
				abort();
	}
	if ((c->n_res || c->storage.key[0]) && !c->kbs_url[0])
		abort(); /* a resource with no KBS to ask */
	if (strncmp(c->kbs_url, "https://", 8) == 0 && !c->kbs_cert_len)
		abort(); /* https with nothing to trust */
	if (c->storage.device[0] && (!memchr(c->storage.device, '\0', CONF_DEVICE_MAX) ||
				     !config_device_ok(c->storage.device)))
		abort();
	if (c->storage.key[0] && !rtt_ok(c->storage.key))
		abort();
	if (!mountpoint_ok(c->storage.mountpoint))
		abort();
	/* Plain http only with the owner's allow_http, and never for the storage key. */
	if (strncmp(c->kbs_url, "http://", 7) == 0 && (c->storage.key[0] || (c->n_res && !c->allow_http)))
		abort();
	/* A KBS-key disk is persistent: not under /run/kata-containers, which
	 * the agent's CreateSandbox empties. */
	if (c->storage.key[0] && (strcmp(c->storage.mountpoint, "/run/kata-containers") == 0 ||
				  strncmp(c->storage.mountpoint, "/run/kata-containers/", 21) == 0))
		abort();
	if (!c->storage.set && (c->storage.device[0] || c->storage.key[0] || !c->storage.integrity ||
				c->storage.exec || c->storage.suid || c->storage.dev ||
				strcmp(c->storage.mountpoint, STORAGE_MOUNTPOINT) != 0))
		abort();
	/* Nothing of sealroot.toml without a sealroot.toml. */
	if (!toml_get(doc->data, "sealroot.toml") &&
	    (c->net || c->n_res || c->storage.set || c->allow_sample || c->allow_http || c->rsa || c->retries != 5 ||
	     c->deadline_ms != 60000))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "version = \"0.1.0\"\nalgorithm = \"sha384\"\n\n[data]\n";
	static struct attest_config c1, c2;
	const uint8_t *p = data, *end = data + size, *next, *text;
	struct initdata_doc doc;
	char err[INITDATA_ERR], *doc_buf, *o;
	size_t i, len;
	int r, r2;

	/* Each byte becomes at most six; the names and quotes are small. */
	doc_buf = malloc(sizeof(head) + 6 * size + 3 * 64);
	if (!doc_buf)
		return 0;
	o = doc_buf;
	memcpy(o, head, sizeof(head) - 1);
	o += sizeof(head) - 1;
	for (i = 0; i < 3 && p; i++, p = next) {
		text = split(p, end, &len, &next);
		o += sprintf(o, "\"%s\" = ", names[i]);
		o = put_string(o, text, len);
	}
	if (initdata_doc_parse(doc_buf, (size_t)(o - doc_buf), &doc, err, sizeof(err)) != 0)
		goto out;

	memset(err, 'x', sizeof(err));
	r = config_parse(&doc, &c1, err, sizeof(err));
	if (r == 0) {
		check(&c1, &doc);
	} else if (r != -EINVAL || !memchr(err, '\0', sizeof(err)) || !err[0]) {
		abort();
	}
	r2 = config_parse(&doc, &c2, err, sizeof(err));
	if (r2 != r || (r == 0 && memcmp(&c1, &c2, sizeof(c1)) != 0))
		abort(); /* config_parse zeroes c first: the same document, the same bytes */
	initdata_doc_free(&doc);
out:
	free(doc_buf);
	return 0;
}
