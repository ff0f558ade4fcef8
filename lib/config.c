// SPDX-License-Identifier: Apache-2.0
/*
 * config: see config.h. Tables are read through one small key list each,
 * so that any key not on the list is an error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

static int bad(char *err, size_t errlen, const char *fmt, const char *a)
{
	snprintf(err, errlen, fmt, a);
	return -EINVAL;
}

/* Every key of t must be in the NULL-terminated list. */
static int only_keys(const struct toml_node *t, const char *where,
		     const char *const *allowed, char *err, size_t errlen)
{
	size_t i, j, len;
	const char *k;

	for (i = 0; i < toml_count(t); i++) {
		k = toml_key(t, i, &len);
		for (j = 0; allowed[j]; j++)
			if (strlen(allowed[j]) == len && memcmp(allowed[j], k, len) == 0)
				break;
		if (!allowed[j]) {
			snprintf(err, errlen, "%s: unknown key \"%.64s\"", where,
				 memchr(k, '\0', len) ? "(with NUL)" : k);
			return -EINVAL;
		}
	}
	return 0;
}

/* A string value without NUL bytes, or NULL when absent; -EINVAL via *r. */
static const char *str(const struct toml_node *t, const char *key, const char *where,
		       size_t *len, int *r, char *err, size_t errlen)
{
	const struct toml_node *n = toml_get(t, key);
	const char *s;

	*r = 0;
	if (!n)
		return NULL;
	s = toml_string(n, len);
	if (!s || memchr(s, '\0', *len)) {
		snprintf(err, errlen, "%s: %s must be a string", where, key);
		*r = -EINVAL;
		return NULL;
	}
	return s;
}

static int uint_in(const struct toml_node *t, const char *key, const char *where,
		   int64_t lo, int64_t hi, unsigned *out, char *err, size_t errlen)
{
	const struct toml_node *n = toml_get(t, key);
	int64_t v;

	if (!n)
		return 0;
	if (!toml_integer(n, &v) || v < lo || v > hi) {
		snprintf(err, errlen, "%s: %s must be an integer from %lld to %lld", where, key,
			 (long long)lo, (long long)hi);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

static int url_ok(const char *u, size_t len)
{
	size_t i;

	if (len == 0 || len >= CONF_URL_MAX)
		return 0;
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f)
			return 0;
	return 1;
}

/* One KBS source (aa.toml or cdh.toml): url and cert. */
static int kbs_from(const struct toml_node *t, const char *where, const char *cert_key,
		    struct attest_config *c, char *err, size_t errlen)
{
	const char *url, *cert;
	size_t ulen = 0, clen = 0;
	int r;

	if (!t)
		return 0;
	url = str(t, "url", where, &ulen, &r, err, errlen);
	if (r < 0)
		return r;
	if (!url)
		return 0;
	cert = str(t, cert_key, where, &clen, &r, err, errlen);
	if (r < 0)
		return r;
	/* Trailing slashes go, as guest-components trims them
	 * (attestation-agent/kbs_protocol/src/builder.rs, trim_end_matches('/'),
	 * commit 8246e5e0): "https://kbs/" must not become "https://kbs//kbs/v0". */
	while (ulen > 0 && url[ulen - 1] == '/')
		ulen--;
	if (!url_ok(url, ulen) || ulen <= (url[4] == 's' ? 8u : 7u))
		return bad(err, errlen, "%s: url is not an http:// or https:// URL", where);
	if (c->kbs_url[0]) {
		/* Both name a KBS: they must agree, or which one is meant? */
		if (strlen(c->kbs_url) != ulen || memcmp(c->kbs_url, url, ulen) != 0)
			return bad(err, errlen, "aa.toml and cdh.toml name different KBS URLs%s", "");
		if (clen && c->kbs_cert_len &&
		    (clen != c->kbs_cert_len || memcmp(cert, c->kbs_cert, clen) != 0))
			return bad(err, errlen, "aa.toml and cdh.toml name different KBS certificates%s", "");
	} else {
		memcpy(c->kbs_url, url, ulen);
		c->kbs_url[ulen] = '\0';
	}
	if (clen && !c->kbs_cert_len) {
		c->kbs_cert = cert;
		c->kbs_cert_len = clen;
	}
	return 0;
}

/* "a.b.c.d" strictly: four decimal octets, no leading zeros. */
static int ipv4(const char *s, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	int parts = 0;

	while (parts < 4) {
		unsigned o = 0;
		const char *d = s;

		while (s < end && *s >= '0' && *s <= '9' && s - d < 3)
			o = o * 10 + (unsigned)(*s++ - '0');
		if (s == d || o > 255 || (s - d > 1 && *d == '0'))
			return -EINVAL;
		v = (v << 8) | o;
		if (++parts < 4) {
			if (s >= end || *s != '.')
				return -EINVAL;
			s++;
		}
	}
	if (s != end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int network(const struct toml_node *t, struct attest_config *c, char *err, size_t errlen)
{
	static const char *const keys[] = { "interface", "address", "gateway", NULL };
	const char *s, *slash;
	size_t len;
	unsigned prefix = 0;
	int r;

	if (!t)
		return 0;
	if (toml_type(t) != TOML_TABLE)
		return bad(err, errlen, "sealroot.toml: network must be a table%s", "");
	r = only_keys(t, "sealroot.toml [network]", keys, err, errlen);
	if (r < 0)
		return r;
	c->net = true;
	snprintf(c->ifname, sizeof(c->ifname), "eth0");
	s = str(t, "interface", "[network]", &len, &r, err, errlen);
	if (r < 0)
		return r;
	if (s) {
		if (len == 0 || len >= CONF_IFNAME_MAX || strchr(s, '/') || strchr(s, ' '))
			return bad(err, errlen, "[network]: interface \"%.32s\" is not an interface name", s);
		memcpy(c->ifname, s, len + 1);
	}
	s = str(t, "address", "[network]", &len, &r, err, errlen);
	if (r < 0)
		return r;
	if (!s)
		return bad(err, errlen, "[network]: address (a.b.c.d/prefix) is required%s", "");
	slash = strchr(s, '/');
	if (!slash || ipv4(s, slash, &c->addr) < 0 || slash[1] == '\0' || strlen(slash + 1) > 2 ||
	    (slash[1] == '0' && slash[2] != '\0'))
		return bad(err, errlen, "[network]: address \"%.40s\" is not a.b.c.d/prefix", s);
	for (slash++; *slash; slash++) {
		if (*slash < '0' || *slash > '9')
			return bad(err, errlen, "[network]: address \"%.40s\" is not a.b.c.d/prefix", s);
		prefix = prefix * 10 + (unsigned)(*slash - '0');
	}
	if (prefix < 1 || prefix > 32)
		return bad(err, errlen, "[network]: address \"%.40s\" has a prefix outside 1..32", s);
	c->prefix = prefix;
	s = str(t, "gateway", "[network]", &len, &r, err, errlen);
	if (r < 0)
		return r;
	if (s && ipv4(s, s + len, &c->gw) < 0)
		return bad(err, errlen, "[network]: gateway \"%.40s\" is not a.b.c.d", s);
	return 0;
}

/*
 * "kbs:///repo/type/tag": three parts, each as Trustee's ResourceDesc takes
 * it (trustee kbs/src/plugins/implementations/resource/backend.rs,
 * TryFrom<&str>, regex [a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*, commit 78962cd4):
 * a first character that is not '.', then [A-Za-z0-9._-]. So "." and ".."
 * never become path segments of the request either.
 */
static int resource_uri(const char *u, size_t len, char *out)
{
	size_t i, parts = 1, partlen = 0;

	if (len <= 7 || strncmp(u, "kbs:///", 7) != 0 || len - 7 >= CONF_URL_MAX)
		return -EINVAL;
	for (i = 7; i < len; i++) {
		char ch = u[i];

		if (ch == '/') {
			if (partlen == 0)
				return -EINVAL;
			parts++;
			partlen = 0;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return -EINVAL;
		if (partlen == 0 && ch == '.')
			return -EINVAL;
		partlen++;
	}
	if (parts != 3 || partlen == 0)
		return -EINVAL;
	memcpy(out, u + 7, len - 7);
	out[len - 7] = '\0';
	return 0;
}

static int resources(const struct toml_node *t, struct attest_config *c, char *err,
		     size_t errlen)
{
	static const char *const keys[] = { "uri", "path", NULL };
	const struct toml_node *e;
	const char *u, *p;
	size_t i, j, ulen, plen;
	int r;

	if (!t)
		return 0;
	if (toml_type(t) != TOML_TABLE_ARRAY)
		return bad(err, errlen, "sealroot.toml: resource must be [[resource]] tables%s", "");
	if (toml_count(t) > CONF_RESOURCES_MAX)
		return bad(err, errlen, "sealroot.toml: more than 32 [[resource]] tables%s", "");
	for (i = 0; i < toml_count(t); i++) {
		e = toml_at(t, i);
		r = only_keys(e, "sealroot.toml [[resource]]", keys, err, errlen);
		if (r < 0)
			return r;
		u = str(e, "uri", "[[resource]]", &ulen, &r, err, errlen);
		if (r < 0)
			return r;
		p = str(e, "path", "[[resource]]", &plen, &r, err, errlen);
		if (r < 0)
			return r;
		if (!u || !p)
			return bad(err, errlen, "[[resource]]: uri and path are both required%s", "");
		if (resource_uri(u, ulen, c->res[i].repo_type_tag) < 0)
			return bad(err, errlen, "[[resource]]: uri \"%.80s\" is not kbs:///repository/type/tag", u);
		if (!initdata_name_ok(p, plen))
			return bad(err, errlen, "[[resource]]: path \"%.80s\" is not a plain file name", p);
		memcpy(c->res[i].path, p, plen + 1);
		for (j = 0; j < i; j++)
			if (strcmp(c->res[j].path, p) == 0)
				return bad(err, errlen, "[[resource]]: path \"%.80s\" is used twice", p);
		c->n_res = i + 1;
	}
	return 0;
}

/* An absolute path of plain components, no "." or "..", no trailing '/'. */
static bool mountpoint_ok(const char *p, size_t len)
{
	size_t i, comp = 0;

	if (len < 2 || len >= CONF_PATH_MAX || p[0] != '/' || p[len - 1] == '/')
		return false;
	for (i = 1; i <= len; i++) {
		if (i == len || p[i] == '/') {
			if (!initdata_name_ok(p + i - comp, comp))
				return false;
			comp = 0;
			continue;
		}
		comp++;
	}
	/* Not over what the init itself relies on. */
	return strncmp(p, "/run/", 5) == 0 && strncmp(p, "/run/sealroot", 13) != 0 &&
	       strncmp(p, "/run/confidential-containers", 28) != 0;
}

/* /run/kata-containers or below: the agent's CONTAINER_BASE. */
static bool under_kata_base(const char *p)
{
	static const char base[] = "/run/kata-containers";

	return strncmp(p, base, sizeof(base) - 1) == 0 &&
	       (p[sizeof(base) - 1] == '\0' || p[sizeof(base) - 1] == '/');
}

static int storage(const struct toml_node *t, struct storage_config *st, char *err,
		   size_t errlen)
{
	static const char *const keys[] = { "device", "integrity", "key", "mountpoint", "exec",
					    "suid", "dev", NULL };
	static const char *const flags[] = { "integrity", "exec", "suid", "dev" };
	bool *dst[] = { &st->integrity, &st->exec, &st->suid, &st->dev };
	const char *s;
	size_t len, i;
	int r;

	snprintf(st->mountpoint, sizeof(st->mountpoint), "%s", STORAGE_MOUNTPOINT);
	if (!t)
		return 0;
	if (toml_type(t) != TOML_TABLE)
		return bad(err, errlen, "sealroot.toml: storage must be a table%s", "");
	r = only_keys(t, "sealroot.toml [storage]", keys, err, errlen);
	if (r < 0)
		return r;
	st->set = true;
	s = str(t, "device", "[storage]", &len, &r, err, errlen);
	if (r < 0)
		return r;
	if (s) {
		if (len >= sizeof(st->device) || !config_device_ok(s))
			return bad(err, errlen, "[storage]: device \"%.64s\" is neither /dev/<disk> "
				   "nor a disk serial", s);
		memcpy(st->device, s, len + 1);
	}
	s = str(t, "key", "[storage]", &len, &r, err, errlen);
	if (r < 0)
		return r;
	if (s && resource_uri(s, len, st->key) < 0)
		return bad(err, errlen, "[storage]: key \"%.80s\" is not kbs:///repository/type/tag", s);
	s = str(t, "mountpoint", "[storage]", &len, &r, err, errlen);
	if (r < 0)
		return r;
	if (s) {
		if (!mountpoint_ok(s, len))
			return bad(err, errlen, "[storage]: mountpoint \"%.80s\" is not a plain path "
				   "under /run (outside /run/sealroot and /run/confidential-containers)", s);
		memcpy(st->mountpoint, s, len + 1);
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (toml_get(t, flags[i]) && !toml_boolean(toml_get(t, flags[i]), dst[i])) {
			snprintf(err, errlen, "[storage]: %s must be true or false", flags[i]);
			return -EINVAL;
		}
	}
	return 0;
}

void config_defaults(struct attest_config *c)
{
	memset(c, 0, sizeof(*c));
	c->retries = 5;
	c->deadline_ms = 60000;
	/* XTS alone is malleable and replayable: integrity unless the owner says not. */
	c->storage.integrity = true;
	snprintf(c->storage.mountpoint, sizeof(c->storage.mountpoint), "%s", STORAGE_MOUNTPOINT);
}

int config_parse(const struct initdata_doc *doc, struct attest_config *c,
		 char *err, size_t errlen)
{
	static const char *const top[] = { "attestation", "network", "resource", "storage", NULL };
	static const char *const att[] = { "allow_sample", "allow_http", "key", "retries",
					   "deadline_ms", NULL };
	const struct toml_node *conf = NULL, *a, *n;
	struct toml_node *own = NULL;
	struct toml_error te;
	const char *s;
	size_t len;
	int r;

	config_defaults(c);
	r = kbs_from(toml_get(toml_get(doc->aa, "token_configs"), "kbs"), "aa.toml [token_configs.kbs]",
		     "cert", c, err, errlen);
	if (r == 0)
		r = kbs_from(toml_get(doc->cdh, "kbc"), "cdh.toml [kbc]", "kbs_cert", c, err, errlen);
	if (r < 0)
		return r;
	n = toml_get(doc->data, "sealroot.toml");
	if (!n)
		return 0;
	s = toml_string(n, &len);
	own = toml_parse(s, len, &te);
	if (!own) {
		snprintf(err, errlen, "sealroot.toml: line %u column %u: %s", te.line, te.column, te.msg);
		return -EINVAL;
	}
	conf = own;
	r = only_keys(conf, "sealroot.toml", top, err, errlen);
	a = toml_get(conf, "attestation");
	if (r == 0 && a) {
		bool b = false;

		if (toml_type(a) != TOML_TABLE)
			r = bad(err, errlen, "sealroot.toml: attestation must be a table%s", "");
		if (r == 0)
			r = only_keys(a, "sealroot.toml [attestation]", att, err, errlen);
		if (r == 0 && toml_get(a, "allow_sample")) {
			if (!toml_boolean(toml_get(a, "allow_sample"), &b))
				r = bad(err, errlen, "[attestation]: allow_sample must be true or false%s", "");
			else
				c->allow_sample = b;
		}
		if (r == 0 && toml_get(a, "allow_http")) {
			if (!toml_boolean(toml_get(a, "allow_http"), &b))
				r = bad(err, errlen, "[attestation]: allow_http must be true or false%s", "");
			else
				c->allow_http = b;
		}
		if (r == 0) {
			s = str(a, "key", "[attestation]", &len, &r, err, errlen);
			if (r == 0 && s && strcmp(s, "ec") != 0 && strcmp(s, "rsa") != 0)
				r = bad(err, errlen, "[attestation]: key \"%.16s\" is not ec or rsa", s);
			c->rsa = r == 0 && s && strcmp(s, "rsa") == 0;
		}
		if (r == 0)
			r = uint_in(a, "retries", "[attestation]", 1, 20, &c->retries, err, errlen);
		if (r == 0)
			r = uint_in(a, "deadline_ms", "[attestation]", 1000, 600000, &c->deadline_ms,
				    err, errlen);
	}
	if (r == 0)
		r = network(toml_get(conf, "network"), c, err, errlen);
	if (r == 0)
		r = resources(toml_get(conf, "resource"), c, err, errlen);
	if (r == 0)
		r = storage(toml_get(conf, "storage"), &c->storage, err, errlen);
	if (r == 0 && (c->n_res || c->storage.key[0]) && !c->kbs_url[0])
		r = bad(err, errlen, "sealroot.toml asks for resources but neither aa.toml nor "
			"cdh.toml names a KBS%s", "");
	if (r == 0 && c->kbs_url[0] && strncmp(c->kbs_url, "https://", 8) == 0 && !c->kbs_cert_len)
		r = bad(err, errlen, "the KBS URL is https:// but the initdata gives no certificate "
			"to trust (aa.toml cert or cdh.toml kbs_cert)%s", "");
	/*
	 * Plain HTTP: the JWE hides a secret from the network but does not say
	 * who sent it, so whoever answers on the path (the host) can run the
	 * whole protocol and encrypt values of its own choosing. Only the owner
	 * can accept that, and never for the scratch disk's key, which the host
	 * would then know.
	 */
	if (r == 0 && strncmp(c->kbs_url, "http://", 7) == 0 && c->storage.key[0])
		r = bad(err, errlen, "[storage]: the key would come from the KBS over plain http://, "
			"so the host could choose it; the KBS URL must be https://%s", "");
	if (r == 0 && strncmp(c->kbs_url, "http://", 7) == 0 && c->n_res && !c->allow_http)
		r = bad(err, errlen, "the KBS URL is plain http://, over which the host can choose "
			"every secret; use https:// with the KBS's certificate, or set [attestation] "
			"allow_http = true%s", "");
	/*
	 * Kata's agent empties /run/kata-containers at every CreateSandbox
	 * (kata-containers src/agent/src/rpc.rs, create_sandbox:
	 * remove_dir_all(CONTAINER_BASE), commit 7c6ba40c), and so every file
	 * of a disk mounted below it. An ephemeral disk is fresh each boot and
	 * CreateSandbox runs before any pull; a KBS-key disk is kept across
	 * boots, and would lose its contents at every start.
	 */
	if (r == 0 && c->storage.key[0] && under_kata_base(c->storage.mountpoint))
		r = bad(err, errlen, "[storage]: mountpoint %.60s is under /run/kata-containers, "
			"which the Kata agent empties at every sandbox start (rpc.rs create_sandbox), "
			"so a KBS-key disk would lose its files; use e.g. /run/scratch",
			c->storage.mountpoint);
	toml_free(own);
	return r;
}
