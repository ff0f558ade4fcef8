// SPDX-License-Identifier: Apache-2.0
/*
 * attest: see attest.h. The client side follows guest-components'
 * attestation-agent/kbs_protocol/src/client/rcar_client.rs:
 * auth -> challenge -> attest (evidence over the JCS of the runtime data)
 * -> token, then GET each resource with the session cookie and decrypt its
 * JWE with the ephemeral key made for this boot.
 */
#include "attest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base64.h"
#include "file.h"
#include "hex.h"
#include "http.h"
#include "jcs.h"
#include "jwe.h"
#include "kbs_reply.h"
#include "storage.h"
#include "tee.h"

/* The only protocol version Trustee's KBS accepts. */
#define KBS_VERSION "0.4.0"

/* A 401 from the KBS: the handshake is run once more. */
#define E_UNAUTHORIZED (-EKEYREJECTED)

struct kbs {
	struct boot *b;
	struct http *http;
	EVP_PKEY *key;
	struct json_object *jwk;
	char cookie[KBS_COOKIE_MAX];
	double deadline;           /* on log_uptime()'s monotonic clock */
};

/* ---- the ephemeral key ---------------------------------------------------------- */

static int add_b64url(struct json_object *o, const char *k, const uint8_t *d, size_t n)
{
	char *s = b64url_encode(d, n);

	if (!s)
		return -ENOMEM;
	json_object_object_add(o, k, json_object_new_string(s));
	free(s);
	return 0;
}

/* A fresh key pair for this boot and its public JWK. */
static int make_key(struct kbs *k, bool rsa)
{
	struct json_object *j = json_object_new_object();
	uint8_t pub[65], buf[512];
	size_t n = 0;
	BIGNUM *bn = NULL;
	int r = -EIO, len;

	if (!j)
		return -ENOMEM;
	if (rsa) {
		k->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		json_object_object_add(j, "kty", json_object_new_string("RSA"));
		json_object_object_add(j, "alg", json_object_new_string("RSA-OAEP-256"));
		if (!k->key || !EVP_PKEY_get_bn_param(k->key, OSSL_PKEY_PARAM_RSA_N, &bn))
			goto out;
		len = BN_bn2bin(bn, buf);
		if (len <= 0 || add_b64url(j, "n", buf, (size_t)len) < 0)
			goto out;
		BN_free(bn);
		bn = NULL;
		if (!EVP_PKEY_get_bn_param(k->key, OSSL_PKEY_PARAM_RSA_E, &bn))
			goto out;
		len = BN_bn2bin(bn, buf);
		if (len <= 0 || add_b64url(j, "e", buf, (size_t)len) < 0)
			goto out;
	} else {
		k->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		if (!k->key || !EVP_PKEY_get_octet_string_param(k->key, OSSL_PKEY_PARAM_PUB_KEY,
								pub, sizeof(pub), &n) ||
		    n != 65 || pub[0] != 0x04)
			goto out;
		json_object_object_add(j, "kty", json_object_new_string("EC"));
		json_object_object_add(j, "crv", json_object_new_string("P-256"));
		json_object_object_add(j, "alg", json_object_new_string("ECDH-ES+A256KW"));
		if (add_b64url(j, "x", pub + 1, 32) < 0 || add_b64url(j, "y", pub + 33, 32) < 0)
			goto out;
	}
	k->jwk = j;
	j = NULL;
	r = 0;
out:
	BN_free(bn);
	json_object_put(j);
	return r;
}

/* ---- requests with retries ---------------------------------------------------------- */

static const char *json_text(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

/*
 * One request, retried on transport errors and 5xx within the deadline.
 * Returns 0 with a 2xx resp, E_UNAUTHORIZED for 401, or a failure.
 */
static int request(struct kbs *k, const char *what, const char *method, const char *path,
		   const char *body, struct http_resp *resp)
{
	const struct attest_config *c = &k->b->attest;
	char url[CONF_URL_MAX + 128], err[256], name[64];
	unsigned attempt, backoff_ms = 250;
	double left;
	int r = -EAGAIN;

	snprintf(url, sizeof(url), "%s%s", c->kbs_url, path);
	for (attempt = 1; attempt <= c->retries; attempt++) {
		left = k->deadline - log_uptime();
		if (left <= 0)
			return boot_fail(k->b, -ETIMEDOUT, "%s: the %u ms deadline passed", what,
					 c->deadline_ms);
		/*
		 * An answer may take all the time left: a cold Trustee fetches
		 * the VCEK from AMD's KDS or Intel's PCS collateral inside
		 * /attest, which can take longer than any fixed per-request
		 * cap. Connecting is bounded apart (HTTP_CONNECT_MS), so a
		 * dead address is retried.
		 */
		r = http_request(k->http, method, url, body, body ? strlen(body) : 0,
				 k->cookie[0] ? k->cookie : NULL, (long)(left * 1000) + 1, resp,
				 err, sizeof(err));
		if (r == 0 && resp->status >= 200 && resp->status < 300)
			return 0;
		if (r == 0 && resp->status == 401) {
			kbs_error_name(resp->body, resp->len, name, sizeof(name));
			log_info("attest: %s: 401 %s", what, name[0] ? name : "Unauthorized");
			boot_fail(k->b, 0, "%s: the KBS refused (401 %s)", what,
				  name[0] ? name : "Unauthorized");
			http_resp_free(resp);
			return E_UNAUTHORIZED;
		}
		if (r == 0 && resp->status < 500) {
			kbs_error_name(resp->body, resp->len, name, sizeof(name));
			r = boot_fail(k->b, 0, "%s: HTTP %ld %s", what, resp->status, name);
			http_resp_free(resp);
			return r;
		}
		if (r == 0) {
			snprintf(err, sizeof(err), "HTTP %ld", resp->status);
			http_resp_free(resp);
			r = -EAGAIN;
		}
		if (r != -EAGAIN)
			return boot_fail(k->b, 0, "%s: %s", what, err);
		if (attempt == c->retries)
			break;
		left = k->deadline - log_uptime();
		if (left * 1000 < backoff_ms)
			backoff_ms = left > 0 ? (unsigned)(left * 1000) : 0;
		log_info("attest: %s: attempt %u/%u failed (%s); retrying in %u ms", what, attempt,
			 c->retries, err, backoff_ms);
		usleep(backoff_ms * 1000);
		backoff_ms = backoff_ms < 4000 ? backoff_ms * 2 : 8000;
	}
	return boot_fail(k->b, -ETIMEDOUT, "%s: gave up after %u attempts: %s", what, attempt > c->retries ? c->retries : attempt, err);
}

/* ---- the handshake ------------------------------------------------------------------- */

int attest_report_data(const struct tee_ops *t, const char *hash, const char *nonce,
		       struct json_object *jwk, uint8_t *digest, size_t *dlen, uint8_t *rd,
		       const char **what)
{
	struct json_object *rdo = json_object_new_object();
	char *canon = NULL;
	size_t canon_len;
	unsigned int n = 0;
	EVP_MD *md = NULL;
	int r;

	*dlen = 0;
	*what = "runtime data";
	if (!rdo)
		return -ENOMEM;
	json_object_object_add(rdo, "additional-evidence", json_object_new_string(""));
	json_object_object_add(rdo, "nonce", json_object_new_string(nonce));
	json_object_object_add(rdo, "tee-pubkey", json_object_get(jwk));
	r = jcs_serialize(rdo, &canon, &canon_len);
	if (r < 0) {
		*what = "JCS of the runtime data";
		goto out;
	}
	md = EVP_MD_fetch(NULL, hash && hash[0] ? hash : t->rd_hash, NULL);
	if (!md || EVP_Digest(canon, canon_len, digest, &n, md, NULL) != 1) {
		*what = "report data digest";
		r = -EIO;
		goto out;
	}
	*dlen = n;
	r = (int)tee_report_data(t, digest, n, rd);
out:
	EVP_MD_free(md);
	free(canon);
	json_object_put(rdo);
	return r;
}

static int handshake(struct kbs *k)
{
	struct boot *b = k->b;
	struct json_object *req, *extra, *algs, *att = NULL, *rt = NULL, *ev = NULL;
	struct json_object *tee_ev, *id;
	const struct tee_ops *t = b->tee;
	struct http_resp resp;
	char err[256], *nonce = NULL, hex[2 * EVP_MAX_MD_SIZE + 1], hash[KBS_HASH_NAME];
	uint8_t digest[EVP_MAX_MD_SIZE], rd[64];
	const char *what;
	size_t rd_len, dlen = 0;
	int r;

	k->cookie[0] = '\0';
	req = json_object_new_object();
	extra = json_object_new_object();
	algs = json_object_new_array();
	if (!req || !extra || !algs) {
		json_object_put(req);
		json_object_put(extra);
		json_object_put(algs);
		return boot_fail(b, -ENOMEM, "auth request");
	}
	json_object_array_add(algs, json_object_new_string("sha256"));
	json_object_array_add(algs, json_object_new_string("sha384"));
	json_object_array_add(algs, json_object_new_string("sha512"));
	json_object_object_add(extra, "supported-hash-algorithms", algs);
	json_object_object_add(req, "version", json_object_new_string(KBS_VERSION));
	json_object_object_add(req, "tee", json_object_new_string(t->name));
	json_object_object_add(req, "extra-params", extra);
	r = request(k, "auth", "POST", "/kbs/v0/auth", json_text(req), &resp);
	json_object_put(req);
	if (r < 0)
		return r;
	if (!resp.cookie[0]) {
		http_resp_free(&resp);
		return boot_fail(b, 0, "auth: the KBS set no kbs-session-id cookie");
	}
	memcpy(k->cookie, resp.cookie, sizeof(k->cookie));
	r = kbs_parse_challenge(resp.body, resp.len, &nonce, hash, err, sizeof(err));
	http_resp_free(&resp);
	if (r < 0)
		return boot_fail(b, r, "auth: %s", err);

	/* Report data: the hash of the JCS of what binds this session to our key. */
	/* The KBS's selected hash, as guest-components follows it; else the
	 * one the TEE's verifier uses (tee.c). */
	r = attest_report_data(t, hash, nonce, k->jwk, digest, &dlen, rd, &what);
	if (r < 0) {
		r = boot_fail(b, r, "%s", what);
		goto out;
	}
	rd_len = (size_t)r;
	hex_encode(digest, dlen, hex);
	log_info("attest: %s evidence, report data %.16s... (%s of the JCS runtime data)", t->name,
		 hex, hash[0] ? hash : t->rd_hash);
	r = tee_evidence(t, &b->path, nonce, rd, rd_len, &ev, err, sizeof(err));
	if (r < 0) {
		r = boot_fail(b, r, "%s evidence: %s", t->name, err);
		goto out;
	}

	att = json_object_new_object();
	rt = json_object_new_object();
	tee_ev = json_object_new_object();
	if (!att || !rt || !tee_ev) {
		json_object_put(tee_ev);
		r = boot_fail(b, -ENOMEM, "attest request");
		goto out;
	}
	if (b->initdata.present) {
		id = json_object_new_object();
		json_object_object_add(id, "format", json_object_new_string("toml"));
		json_object_object_add(id, "body", json_object_new_string_len(b->initdata.toml,
									    (int)b->initdata.toml_len));
		json_object_object_add(att, "init-data", id);
	}
	json_object_object_add(rt, "nonce", json_object_new_string(nonce));
	json_object_object_add(rt, "tee-pubkey", json_object_get(k->jwk));
	json_object_object_add(att, "runtime-data", rt);
	rt = NULL;
	json_object_object_add(tee_ev, "primary_evidence", ev);
	ev = NULL;
	json_object_object_add(tee_ev, "additional_evidence", json_object_new_string(""));
	json_object_object_add(att, "tee-evidence", tee_ev);
	r = request(k, "attest", "POST", "/kbs/v0/attest", json_text(att), &resp);
	if (r < 0)
		goto out;
	r = kbs_parse_token(resp.body, resp.len, err, sizeof(err));
	http_resp_free(&resp);
	if (r < 0) {
		r = boot_fail(b, r, "attest: %s", err);
		goto out;
	}
	log_info("attest: the KBS accepted the evidence");
out:
	free(nonce);
	json_object_put(ev);
	json_object_put(rt);
	json_object_put(att);
	return r;
}

/* ---- secrets ---------------------------------------------------------------------------- */

/* GETs the resource repo/type/tag and decrypts it into *pt (secure heap). */
static int fetch(struct kbs *k, const char *what, const char *tag, uint8_t **pt, size_t *pt_len)
{
	char path[CONF_URL_MAX + 32], err[256];
	struct http_resp resp;
	int r;

	snprintf(path, sizeof(path), "/kbs/v0/resource/%s", tag);
	r = request(k, what, "GET", path, NULL, &resp);
	if (r < 0)
		return r;
	r = jwe_decrypt(k->key, resp.body, resp.len, pt, pt_len, err, sizeof(err));
	http_resp_free(&resp);
	if (r < 0)
		return boot_fail(k->b, r, "%s: %s", what, err);
	return 0;
}

static int fetch_all(struct kbs *k, int dfd)
{
	const struct attest_config *c = &k->b->attest;
	char what[CONF_URL_MAX + 32];
	const char *op;
	uint8_t *pt = NULL;
	size_t i, pt_len = 0;
	int r;

	for (i = 0; i < c->n_res; i++) {
		/* A file from an earlier round (before a 401) is replaced. */
		unlinkat(dfd, c->res[i].path, 0);
		snprintf(what, sizeof(what), "resource %s", c->res[i].repo_type_tag);
		r = fetch(k, what, c->res[i].repo_type_tag, &pt, &pt_len);
		if (r < 0)
			return r;
		r = file_write_new(dfd, c->res[i].path, pt, pt_len, &op);
		OPENSSL_secure_clear_free(pt, pt_len ? pt_len : 1);
		pt = NULL;
		if (r < 0)
			return boot_fail(k->b, r, "%s %s/%s", op, k->b->path.secrets_dir, c->res[i].path);
		log_info("attest: %s released: %zu bytes to %s/%s", what, pt_len,
			 k->b->path.secrets_dir, c->res[i].path);
	}
	if (c->storage.key[0]) {
		/* The scratch disk's key stays in (locked) memory for the storage step. */
		OPENSSL_secure_clear_free(k->b->storage_key, k->b->storage_key_len);
		k->b->storage_key = NULL;
		snprintf(what, sizeof(what), "scratch disk key %s", c->storage.key);
		r = fetch(k, what, c->storage.key, &pt, &pt_len);
		if (r < 0)
			return r;
		if (pt_len < STORAGE_KBS_KEY_MIN) {
			OPENSSL_secure_clear_free(pt, pt_len ? pt_len : 1);
			return boot_fail(k->b, 0, "%s: %zu bytes, at least %d", what, pt_len,
					 STORAGE_KBS_KEY_MIN);
		}
		k->b->storage_key = pt;
		k->b->storage_key_len = pt_len;
		log_info("attest: %s released: %zu bytes, kept in memory", what, pt_len);
	}
	return 0;
}

int step_attest(struct boot *b)
{
	const struct attest_config *c = &b->attest;
	struct kbs k;
	char err[256];
	int round, r, dfd = -1;

	if (c->n_res == 0 && !c->storage.key[0]) {
		log_info("attest: the initdata asks for no resources; nothing to attest for");
		return 0;
	}
	if (!b->tee)
		return boot_fail(b, 0, "no TEE detected (the tee step runs first)");
	/* Never a silent fallback: sample only when the measured config allows it. */
	if (b->tee->sample && !c->allow_sample)
		return boot_fail(b, 0, "no TEE found, and sealroot.toml does not allow "
				 "sample evidence ([attestation] allow_sample = true)");
	r = boot_openssl(b);
	if (r < 0)
		return r;
	memset(&k, 0, sizeof(k));
	k.b = b;
	k.deadline = log_uptime() + c->deadline_ms / 1000.0;
	/* Locked memory for the private key and the plaintexts (mlock'd,
	 * never swapped, cleansed on free). Without it OpenSSL falls back to
	 * the normal heap, which the guest also never swaps: say so. */
	if (CRYPTO_secure_malloc_initialized() == 0 &&
	    CRYPTO_secure_malloc_init(4 << 20, 32) != 1)
		log_info("attest: no locked secure heap; keys live in ordinary (unswapped) memory");
	r = make_key(&k, c->rsa);
	if (r < 0)
		return boot_fail(b, r, "ephemeral %s key", c->rsa ? "RSA-2048" : "EC P-256");
	r = http_open(&k.http, c->kbs_cert, c->kbs_cert_len, err, sizeof(err));
	if (r < 0) {
		r = boot_fail(b, r, "%s", err);
		goto out;
	}
	{
		const char *what;

		r = file_private_dir(b->path.secrets_dir, 0700, &dfd, &what);
		if (r == -EXDEV)
			r = boot_fail(b, 0, "%s is not on tmpfs", b->path.secrets_dir);
		else if (r < 0)
			r = boot_fail(b, r, "%s %s", what, b->path.secrets_dir);
		if (r < 0)
			goto out;
	}
	log_info("attest: KBS %s, %zu resource%s%s, %s key", c->kbs_url, c->n_res,
		 c->n_res == 1 ? "" : "s", c->storage.key[0] ? " and the scratch disk key" : "",
		 c->rsa ? "RSA-2048" : "EC P-256");
	for (round = 0; round < 2; round++) {
		r = handshake(&k);
		if (r == 0)
			r = fetch_all(&k, dfd);
		if (r != E_UNAUTHORIZED)
			break;
		if (round == 0)
			log_info("attest: re-running the handshake once after a 401");
	}
	if (r == E_UNAUTHORIZED)
		r = -EACCES; /* the reason is already recorded */
out:
	if (dfd >= 0)
		close(dfd);
	http_close(k.http);
	json_object_put(k.jwk);
	EVP_PKEY_free(k.key); /* frees the private key's memory cleansed */
	return r;
}
