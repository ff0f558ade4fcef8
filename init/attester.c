// SPDX-License-Identifier: Apache-2.0
/*
 * attester: see attester.h. Each TEE's body is what guest-components'
 * attester of that name sends and Trustee's verifier of that name reads.
 */
#include "attester.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "evidence.h"

/* ---- base64 ------------------------------------------------------------------- */

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t i, pad = 0, n;
	uint32_t acc = 0;
	int v;

	if (len % 4)
		return -EINVAL;
	if (len && in[len - 1] == '=')
		pad = (len >= 2 && in[len - 2] == '=') ? 2 : 1;
	n = len / 4 * 3 - pad;
	if (n > cap)
		return -EFBIG;
	for (i = 0; i < len - pad; i++) {
		v = b64val((unsigned char)in[i]);
		if (v < 0)
			return -EINVAL;
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			*out++ = (uint8_t)(acc >> 16);
			*out++ = (uint8_t)(acc >> 8);
			*out++ = (uint8_t)acc;
			acc = 0;
		}
	}
	if (pad == 1) {                     /* 3 characters: 18 bits, 16 used */
		if (acc & 0x3)
			return -EINVAL;
		*out++ = (uint8_t)(acc >> 10);
		*out++ = (uint8_t)(acc >> 2);
	} else if (pad == 2) {              /* 2 characters: 12 bits, 8 used */
		if (acc & 0xf)
			return -EINVAL;
		*out++ = (uint8_t)(acc >> 4);
	}
	*out_len = n;
	return 0;
}

/* Adds v under key; v == NULL (allocation failed) is -ENOMEM. */
static int put(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* ---- sample --------------------------------------------------------------------- */

static int sample(const uint8_t *rd, size_t n, struct json_object **out, char *err, size_t errlen)
{
	struct json_object *ev = json_object_new_object();

	if (!ev || put(ev, "svn", json_object_new_string("1")) < 0 ||
	    put(ev, "report_data", evidence_b64_string(rd, n)) < 0) {
		json_object_put(ev);
		snprintf(err, errlen, "sample evidence: out of memory");
		return -ENOMEM;
	}
	*out = ev;
	return 0;
}

/* ---- SNP ------------------------------------------------------------------------ */

static int snp(const struct paths *p, const uint8_t *rd, struct json_object **out, char *err,
	       size_t errlen)
{
	uint8_t report[SNP_REPORT_SIZE];
	int r;

	r = snp_get_report(p, rd, report, err, errlen);
	if (r < 0)
		return r;
	return evidence_snp_json(report, sizeof(report), out, err, errlen);
}

/* ---- TDX ------------------------------------------------------------------------ */

static int tdx(const struct paths *p, const uint8_t *rd, struct json_object **out, char *err,
	       size_t errlen)
{
	uint8_t *quote, *ccel = NULL;
	size_t qlen = 0, clen = 0;
	int r;

	quote = malloc(EVIDENCE_TDX_QUOTE_MAX);
	if (!quote) {
		snprintf(err, errlen, "TDX quote: out of memory");
		return -ENOMEM;
	}
	r = tdx_get_quote(p, rd, quote, EVIDENCE_TDX_QUOTE_MAX, &qlen, err, errlen);
	if (r == -ENOENT) {
		/* /dev/tdx_guest gives a TDREPORT, which is MAC'd for this
		 * machine only: a KBS cannot verify it. */
		snprintf(err, errlen, "TDX evidence needs configfs-tsm (%s; Linux >= 6.7, "
			 "TSM_REPORTS) and a quote service on the host", p->tsm_report);
		goto out;
	}
	if (r < 0)
		goto out;
	r = tdx_read_ccel(p->ccel, &ccel, &clen, err, errlen);
	if (r == -ENOENT) {
		ccel = NULL;
		clen = 0;
	} else if (r < 0) {
		goto out;
	}
	r = evidence_tdx_json(quote, qlen, ccel, clen, out, err, errlen);
out:
	free(quote);
	free(ccel);
	return r;
}

/* ---- TPM ------------------------------------------------------------------------ */

static int tpm(const struct paths *p, const uint8_t *rd, size_t rd_len, struct json_object **out,
	       char *err, size_t errlen)
{
	static uint8_t attest[TPM_ATTEST_MAX], sig[TPM_SIG_MAX];
	uint8_t pcrs[TPM_PCRS][32], *der = NULL;
	size_t alen, slen, dlen;
	struct json_object *ev = NULL, *q = NULL, *list = NULL;
	char hex[65];
	int fd, r, i, j;

	fd = open(p->tpm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", p->tpm, strerror(errno));
		return r;
	}
	r = tpm_quote(fd, TPM_AK_HANDLE, rd, rd_len, attest, &alen, sig, &slen, err, errlen);
	if (r == 0)
		r = tpm_pcr_read_all(fd, pcrs, err, errlen);
	if (r == 0)
		r = tpm_ak_spki(fd, TPM_AK_HANDLE, &der, &dlen, err, errlen);
	close(fd);
	if (r < 0)
		return r;
	r = -ENOMEM;
	ev = json_object_new_object();
	q = json_object_new_object();
	list = json_object_new_array_ext(TPM_PCRS);
	if (!ev || !q || !list)
		goto fail;
	for (i = 0; i < TPM_PCRS; i++) {
		for (j = 0; j < 32; j++)
			snprintf(hex + 2 * j, 3, "%02x", pcrs[i][j]);
		if (json_object_array_add(list, json_object_new_string(hex)) != 0)
			goto fail;
	}
	if (put(q, "signature", evidence_b64_string(sig, slen)) < 0 ||
	    put(q, "message", evidence_b64_string(attest, alen)) < 0)
		goto fail;
	r = put(q, "pcrs", list);
	list = NULL;
	if (r < 0)
		goto fail;
	r = put(ev, "tpm_quote", q);
	q = NULL;
	if (r < 0 || (r = put(ev, "ak_public", evidence_b64_string(der, dlen))) < 0)
		goto fail;
	free(der);
	*out = ev;
	return 0;
fail:
	free(der);
	json_object_put(list);
	json_object_put(q);
	json_object_put(ev);
	snprintf(err, errlen, "TPM evidence: out of memory");
	return -ENOMEM;
}

/* ---- SE --------------------------------------------------------------------------- */

void attester_se_challenge_free(struct se_challenge *c)
{
	free(c->arcb);
	free(c->encr_measurement_key);
	free(c->encr_request_nonce);
	free(c->image_hdr_tags);
	memset(c, 0, sizeof(*c));
}

/* A base64 string member, decoded to check it (at most cap bytes). */
static int se_b64(struct json_object *o, const char *key, size_t cap, uint8_t **bin, size_t *n,
		  char **text, char *err, size_t errlen)
{
	struct json_object *v;
	const char *s;
	size_t len;
	uint8_t *buf;
	int r;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "SE challenge has no string %s", key);
		return -EINVAL;
	}
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	buf = malloc(len / 4 * 3 + 1);
	if (!buf) {
		snprintf(err, errlen, "SE challenge: out of memory");
		return -ENOMEM;
	}
	r = b64_decode(s, len, buf, cap, n);
	if (r < 0 || *n == 0) {
		free(buf);
		snprintf(err, errlen, "SE challenge %s is %s", key,
			 r == -EFBIG ? "too large" : r < 0 ? "not base64" : "empty");
		return -EINVAL;
	}
	if (text) {
		*text = strdup(s);
		if (!*text) {
			free(buf);
			snprintf(err, errlen, "SE challenge: out of memory");
			return -ENOMEM;
		}
	}
	if (bin)
		*bin = buf;
	else
		free(buf);
	return 0;
}

static int se_size(struct json_object *o, const char *key, size_t lo, size_t hi, size_t *out,
		   char *err, size_t errlen)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int)) {
		snprintf(err, errlen, "SE challenge has no integer %s", key);
		return -EINVAL;
	}
	errno = 0;
	n = json_object_get_int64(v);
	if (errno || n < (int64_t)lo || n > (int64_t)hi) {
		snprintf(err, errlen, "SE challenge %s is out of range (%zu..%zu)", key, lo, hi);
		return -EINVAL;
	}
	*out = (size_t)n;
	return 0;
}

int attester_parse_se_challenge(const char *nonce, struct se_challenge *c, char *err,
				size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t n, len = strlen(nonce);
	int r;

	memset(c, 0, sizeof(*c));
	tok = json_tokener_new_ex(8);
	if (!tok) {
		snprintf(err, errlen, "SE challenge: out of memory");
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, nonce, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len || !json_object_is_type(o, json_type_object)) {
		json_tokener_free(tok);
		json_object_put(o);
		snprintf(err, errlen, "SE challenge nonce is not a JSON request object");
		return -EINVAL;
	}
	json_tokener_free(tok);
	r = se_b64(o, "request_blob", SE_ARCB_MAX, &c->arcb, &c->arcb_len, NULL, err, errlen);
	if (r == 0)
		r = se_size(o, "measurement_size", 1, SE_MEASUREMENT_MAX, &c->meas_len, err, errlen);
	if (r == 0)
		r = se_size(o, "additional_size", 0, SE_ADDITIONAL_MAX, &c->add_len, err, errlen);
	if (r == 0)
		r = se_b64(o, "encr_measurement_key", 4096, NULL, &n, &c->encr_measurement_key, err,
			   errlen);
	if (r == 0)
		r = se_b64(o, "encr_request_nonce", 4096, NULL, &n, &c->encr_request_nonce, err,
			   errlen);
	if (r == 0)
		r = se_b64(o, "image_hdr_tags", 4096, NULL, &n, &c->image_hdr_tags, err, errlen);
	json_object_put(o);
	if (r < 0)
		attester_se_challenge_free(c);
	return r;
}

static int se(const struct paths *p, const char *nonce, const uint8_t *rd, size_t rd_len,
	      struct json_object **out, char *err, size_t errlen)
{
	struct se_challenge c;
	struct se_request req;
	struct se_response resp;
	struct json_object *ev = NULL;
	int r;

	r = attester_parse_se_challenge(nonce, &c, err, errlen);
	if (r < 0)
		return r;
	memset(&resp, 0, sizeof(resp));
	resp.measurement = malloc(c.meas_len);
	resp.additional = malloc(c.add_len ? c.add_len : 1);
	if (!resp.measurement || !resp.additional) {
		snprintf(err, errlen, "SE evidence: out of memory");
		r = -ENOMEM;
		goto out;
	}
	req.arcb = c.arcb;
	req.arcb_len = c.arcb_len;
	req.meas_len = c.meas_len;
	req.add_len = c.add_len;
	req.user_data = rd;
	req.user_data_len = rd_len;
	r = se_attest(p, &req, &resp, err, errlen);
	if (r < 0)
		goto out;
	r = -ENOMEM;
	ev = json_object_new_object();
	if (!ev || put(ev, "measurement", evidence_b64_string(resp.measurement, resp.meas_len)) < 0 ||
	    put(ev, "additional_data", evidence_b64_string(resp.additional, resp.add_len)) < 0 ||
	    put(ev, "user_data", evidence_b64_string(rd, rd_len)) < 0 ||
	    put(ev, "cuid", evidence_b64_string(resp.config_uid, SE_CUID)) < 0 ||
	    put(ev, "encr_measurement_key", json_object_new_string(c.encr_measurement_key)) < 0 ||
	    put(ev, "encr_request_nonce", json_object_new_string(c.encr_request_nonce)) < 0 ||
	    put(ev, "image_hdr_tags", json_object_new_string(c.image_hdr_tags)) < 0) {
		json_object_put(ev);
		snprintf(err, errlen, "SE evidence: out of memory");
		goto out;
	}
	*out = ev;
	r = 0;
out:
	free(resp.measurement);
	free(resp.additional);
	attester_se_challenge_free(&c);
	return r;
}

/* ---- dispatch ------------------------------------------------------------------- */

int attester_evidence(const struct paths *p, enum tee_kind tee, const char *nonce,
		      const uint8_t *rd, size_t rd_len, struct json_object **out, char *err,
		      size_t errlen)
{
	*out = NULL;
	if (tee != TEE_SAMPLE && rd_len != TEE_USER_DATA) {
		snprintf(err, errlen, "%s report data of %zu bytes, want %d", tee_name(tee), rd_len,
			 TEE_USER_DATA);
		return -EINVAL;
	}
	switch (tee) {
	case TEE_SAMPLE:
		return sample(rd, rd_len, out, err, errlen);
	case TEE_SNP:
		return snp(p, rd, out, err, errlen);
	case TEE_TDX:
		return tdx(p, rd, out, err, errlen);
	case TEE_TPM:
		return tpm(p, rd, rd_len, out, err, errlen);
	case TEE_SE:
		return se(p, nonce, rd, rd_len, out, err, errlen);
	}
	snprintf(err, errlen, "no attester for TEE %d", (int)tee);
	return -EINVAL;
}
