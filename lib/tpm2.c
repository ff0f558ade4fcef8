// SPDX-License-Identifier: Apache-2.0
/*
 * tpm2: see tpm2.h.
 * Why not tpm2-tss: Debian 12's tpm2-tss 3.2.1 source is not served by its
 * archive, so it cannot be built static for the init, and four fixed
 * commands do not justify a TSS. The marshalling follows TPM 2.0 Part 2
 * (structures) and Part 3 (commands) and is checked in tests against
 * swtpm, an independent TPM, with tpm2-tools reading back and verifying
 * (tpm2_checkquote).
 */
#include "tpm2.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "byteorder.h"

/* TPM 2.0 Part 2 constants. */
#define TPM_ST_NO_SESSIONS   0x8001
#define TPM_ST_SESSIONS      0x8002
#define TPM_CC_PCR_EXTEND    0x00000182
#define TPM_CC_PCR_READ      0x0000017E
#define TPM_CC_READ_PUBLIC   0x00000173
#define TPM_CC_QUOTE         0x00000158
#define TPM_ALG_RSA          0x0001
#define TPM_ALG_NULL         0x0010
/* TPMA_OBJECT (Part 2, 8.3): an AK is a restricted signing key. */
#define TPMA_OBJECT_RESTRICTED (1u << 16)
#define TPMA_OBJECT_DECRYPT    (1u << 17)
#define TPMA_OBJECT_SIGN       (1u << 18)
#define TPM_RS_PW            0x40000009
#define TPM_ALG_SHA256       0x000B
#define TPM_HEADER           10

size_t tpm_marshal_pcr_extend(uint8_t *buf, uint32_t pcr, const uint8_t *sha256)
{
	uint8_t *p = buf;

	p = put_be16(p, TPM_ST_SESSIONS);
	p = put_be32(p, 0);                 /* commandSize, filled below */
	p = put_be32(p, TPM_CC_PCR_EXTEND);
	p = put_be32(p, pcr);               /* @pcrHandle */
	/* Authorization area: one empty password session (PCRs 0-15 have an
	 * empty auth value). */
	p = put_be32(p, 9);                 /* authorizationSize */
	p = put_be32(p, TPM_RS_PW);         /* sessionHandle */
	p = put_be16(p, 0);                 /* nonce: empty */
	*p++ = 0;                        /* sessionAttributes */
	p = put_be16(p, 0);                 /* hmac (password): empty */
	/* TPML_DIGEST_VALUES with one SHA-256 digest. */
	p = put_be32(p, 1);
	p = put_be16(p, TPM_ALG_SHA256);
	memcpy(p, sha256, 32);
	p += 32;
	put_be32(buf + 2, (uint32_t)(p - buf));
	return (size_t)(p - buf);
}

static int transact_once(int fd, const uint8_t *cmd, uint8_t *resp, size_t resp_cap,
			 size_t *resp_len, uint32_t *rc_out, char *err, size_t errlen)
{
	size_t len = be32(cmd + 2);
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
	size = be32(resp + 2);
	rc = be32(resp + 6);
	if (size != (uint32_t)n) {
		snprintf(err, errlen, "TPM response size field %u, read %zd bytes", size, n);
		return -EIO;
	}
	*resp_len = (size_t)n;
	*rc_out = rc;
	if (rc != 0) {
		snprintf(err, errlen, "TPM response code 0x%03x", rc);
		return -EIO;
	}
	return 0;
}

/* Part 2, 6.6.3: warnings after which the same command may simply be sent again. */
#define TPM_RC_YIELDED 0x908
#define TPM_RC_TESTING 0x90A
#define TPM_RC_RETRY   0x922

int tpm_transact(int fd, const uint8_t *cmd, uint8_t *resp, size_t resp_cap,
		 size_t *resp_len, char *err, size_t errlen)
{
	uint32_t rc = 0;
	int tries, r;

	for (tries = 0; tries < 10; tries++) {
		/* A try that got no response code must not inherit the last
		 * one's retry warning, or a malformed response after a warning
		 * would send the command again. */
		rc = 0;
		r = transact_once(fd, cmd, resp, resp_cap, resp_len, &rc, err, errlen);
		if (r == 0 || (rc != TPM_RC_RETRY && rc != TPM_RC_YIELDED && rc != TPM_RC_TESTING))
			return r;
		usleep(10000u << (tries < 5 ? tries : 5));
	}
	return r;
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

/* ---- reading a response ----------------------------------------------------- */

/* A cursor over a response; every read is bounds-checked. */
struct rd {
	const uint8_t *p, *end;
	int bad;
};

static uint16_t rd16(struct rd *r)
{
	if (r->bad || r->end - r->p < 2) {
		r->bad = 1;
		return 0;
	}
	r->p += 2;
	return be16(r->p - 2);
}

static uint32_t rd32(struct rd *r)
{
	if (r->bad || r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	r->p += 4;
	return be32(r->p - 4);
}

static const uint8_t *rdn(struct rd *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return r->p - n;
}

/* A pcrSelect of exactly three bytes (24 PCRs). */
static int rd8_3(struct rd *r, uint8_t out[3])
{
	const uint8_t *n = rdn(r, 1), *d;

	if (!n || *n != 3 || !(d = rdn(r, 3)))
		return -1;
	memcpy(out, d, 3);
	return 0;
}

/* One request on fd; the response parameters start after the header. */
static int call(int fd, uint8_t *cmd, size_t len, uint8_t *resp, size_t cap, struct rd *out,
		char *err, size_t errlen)
{
	size_t rlen;
	int r;

	put_be32(cmd + 2, (uint32_t)len);
	r = tpm_transact(fd, cmd, resp, cap, &rlen, err, errlen);
	if (r < 0)
		return r;
	out->p = resp + TPM_HEADER;
	out->end = resp + rlen;
	out->bad = 0;
	return 0;
}

int tpm_pcr_read_all(int fd, uint8_t pcrs[TPM_PCRS][32], char *err, size_t errlen)
{
	uint8_t cmd[64], resp[TPM_CMD_MAX], want[3] = { 0xff, 0xff, 0xff }, got[3];
	const uint8_t *sel, *d;
	uint32_t n, count;
	unsigned pcr, rounds;
	struct rd r;
	uint8_t *p;
	int e;

	/* A TPM returns at most eight digests a call: ask again for the rest. */
	for (rounds = 0; (want[0] | want[1] | want[2]) && rounds < TPM_PCRS; rounds++) {
		p = put_be16(cmd, TPM_ST_NO_SESSIONS);
		p = put_be32(p, 0);
		p = put_be32(p, TPM_CC_PCR_READ);
		p = put_be32(p, 1);                   /* TPML_PCR_SELECTION: one bank */
		p = put_be16(p, TPM_ALG_SHA256);
		*p++ = 3;
		memcpy(p, want, 3);
		p += 3;
		e = call(fd, cmd, (size_t)(p - cmd), resp, sizeof(resp), &r, err, errlen);
		if (e < 0)
			return e;
		rd32(&r);                          /* pcrUpdateCounter */
		if (rd32(&r) != 1 || rd16(&r) != TPM_ALG_SHA256 || rd8_3(&r, got) < 0)
			goto bad;
		count = rd32(&r);
		sel = got;
		for (n = 0, pcr = 0; pcr < TPM_PCRS; pcr++) {
			if (!(sel[pcr / 8] & (1u << (pcr % 8))))
				continue;
			if (!(want[pcr / 8] & (1u << (pcr % 8))) || n >= count)
				goto bad;
			if (rd16(&r) != 32 || !(d = rdn(&r, 32)))
				goto bad;
			memcpy(pcrs[pcr], d, 32);
			want[pcr / 8] &= (uint8_t)~(1u << (pcr % 8));
			n++;
		}
		if (r.bad || n != count || n == 0)
			goto bad;
	}
	if (want[0] | want[1] | want[2])
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "TPM2_PCR_Read: malformed response");
	return -EIO;
}

int tpm_quote(int fd, uint32_t ak, const uint8_t *qd, size_t qd_len, uint8_t *attest,
	      size_t *attest_len, uint8_t *sig, size_t *sig_len, char *err, size_t errlen)
{
	uint8_t cmd[160], resp[TPM_CMD_MAX];
	const uint8_t *a, *start, *d;
	uint16_t alen, alg, slen;
	struct rd r;
	uint8_t *p;
	int e;

	if (qd_len > TPM_QD_MAX) {
		snprintf(err, errlen, "TPM2_Quote: qualifying data of %zu bytes, at most %d", qd_len,
			 TPM_QD_MAX);
		return -EINVAL;
	}
	p = put_be16(cmd, TPM_ST_SESSIONS);
	p = put_be32(p, 0);
	p = put_be32(p, TPM_CC_QUOTE);
	p = put_be32(p, ak);                  /* @signHandle */
	p = put_be32(p, 9);                   /* one empty password session */
	p = put_be32(p, TPM_RS_PW);
	p = put_be16(p, 0);
	*p++ = 0;
	p = put_be16(p, 0);
	p = put_be16(p, (uint16_t)qd_len);    /* qualifyingData */
	memcpy(p, qd, qd_len);
	p += qd_len;
	p = put_be16(p, TPM_ALG_NULL);        /* inScheme: the AK's own */
	p = put_be32(p, 1);                   /* PCRselect: all 24, SHA-256 */
	p = put_be16(p, TPM_ALG_SHA256);
	*p++ = 3;
	*p++ = 0xff;
	*p++ = 0xff;
	*p++ = 0xff;
	e = call(fd, cmd, (size_t)(p - cmd), resp, sizeof(resp), &r, err, errlen);
	if (e < 0)
		return e;
	rd32(&r);                          /* parameterSize */
	alen = rd16(&r);
	a = rdn(&r, alen);
	if (!a || alen > TPM_ATTEST_MAX)
		goto bad;
	/* TPMT_SIGNATURE: sigAlg, then (RSASSA/RSAPSS/ECDSA) hash and the rest. */
	start = r.p;
	alg = rd16(&r);
	if (alg == TPM_ALG_NULL)
		goto bad;
	rd16(&r);                          /* hash */
	if (alg == 0x0018) {               /* ECDSA: r and s */
		slen = rd16(&r);
		rdn(&r, slen);
		slen = rd16(&r);
		d = rdn(&r, slen);
	} else {                           /* RSASSA, RSAPSS */
		slen = rd16(&r);
		d = rdn(&r, slen);
	}
	if (r.bad || !d || (size_t)(r.p - start) > TPM_SIG_MAX)
		goto bad;
	memcpy(attest, a, alen);
	*attest_len = alen;
	memcpy(sig, start, (size_t)(r.p - start));
	*sig_len = (size_t)(r.p - start);
	return 0;
bad:
	snprintf(err, errlen, "TPM2_Quote: malformed response");
	return -EIO;
}

int tpm_ak_spki(int fd, uint32_t ak, uint8_t **der, size_t *der_len, char *err, size_t errlen)
{
	uint8_t cmd[32], resp[TPM_CMD_MAX];
	const uint8_t *mod;
	uint16_t type, alg, scheme, bits, mlen;
	uint32_t exponent, attrs;
	unsigned char e[4];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *n = NULL, *eb = NULL;
	unsigned char *out = NULL;
	struct rd r;
	uint8_t *p;
	int len, rc;

	p = put_be16(cmd, TPM_ST_NO_SESSIONS);
	p = put_be32(p, 0);
	p = put_be32(p, TPM_CC_READ_PUBLIC);
	p = put_be32(p, ak);
	rc = call(fd, cmd, (size_t)(p - cmd), resp, sizeof(resp), &r, err, errlen);
	if (rc < 0)
		return rc;
	/* TPM2B_PUBLIC { size, TPMT_PUBLIC { type, nameAlg, attributes,
	 * authPolicy, TPMS_RSA_PARMS { symmetric, scheme, keyBits, exponent },
	 * unique } } (Part 2, 12.2.4 and 12.2.3.5). */
	rd16(&r);
	type = rd16(&r);
	rd16(&r);
	attrs = rd32(&r);
	rdn(&r, rd16(&r));
	if (type != TPM_ALG_RSA)
		goto bad;
	/* A restricted signing key, and no symmetric algorithm (a restricted
	 * decryption key has one): anything else at the AK handle is refused
	 * here, not left to the verifier. */
	if (!r.bad && (attrs & (TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN | TPMA_OBJECT_DECRYPT)) !=
			      (TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN)) {
		snprintf(err, errlen, "TPM2_ReadPublic: 0x%08x is not a restricted signing key (attributes 0x%08x)",
			 ak, attrs);
		return -EINVAL;
	}
	alg = rd16(&r);
	if (alg != TPM_ALG_NULL) {
		snprintf(err, errlen, "TPM2_ReadPublic: 0x%08x is a decryption key, not an attestation key", ak);
		return -EINVAL;
	}
	scheme = rd16(&r);
	if (scheme != TPM_ALG_NULL)
		rd16(&r);
	bits = rd16(&r);
	exponent = rd32(&r);
	mlen = rd16(&r);
	mod = rdn(&r, mlen);
	if (r.bad || !mod || mlen * 8 != bits || bits < 2048)
		goto bad;
	if (exponent == 0)
		exponent = 65537;          /* Part 2: 0 means the default */
	put_be32(e, exponent);
	n = BN_bin2bn(mod, mlen, NULL);
	/* The claimed keyBits are not enough: leading zero bytes make a
	 * smaller modulus. */
	if (n && BN_num_bits(n) != bits) {
		BN_free(n);
		goto bad;
	}
	eb = BN_bin2bn(e, 4, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (!n || !eb || !bld || !OSSL_PARAM_BLD_push_BN(bld, "n", n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, "e", eb) || !(params = OSSL_PARAM_BLD_to_param(bld)))
		goto ssl;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto ssl;
	len = i2d_PUBKEY(pkey, &out);
	if (len <= 0)
		goto ssl;
	*der = malloc((size_t)len);
	if (!*der)
		goto ssl;
	memcpy(*der, out, (size_t)len);
	*der_len = (size_t)len;
	rc = 0;
	goto out;
bad:
	snprintf(err, errlen, "TPM2_ReadPublic: 0x%08x is not an RSA key of 2048 bits or more", ak);
	return -EINVAL;
ssl:
	snprintf(err, errlen, "the AK's public key could not be converted");
	rc = -EIO;
out:
	OPENSSL_free(out);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(eb);
	return rc;
}
