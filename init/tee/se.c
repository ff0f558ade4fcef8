// SPDX-License-Identifier: Apache-2.0
/*
 * se: IBM Secure Execution (s390x). Found by the Ultravisor device /dev/uv
 * (linux arch/s390/include/uapi/asm/uvdevice.h, Kconfig S390_UV_UAPI).
 * It has no field for the initdata digest, and Trustee's SE verifier does
 * not read init-data; what the SE image seals is the kernel command line
 * (the parmfile), so the initdata is bound there: sealroot.initdata_digest,
 * which the initdata step checks (sealed_cmdline_only: initdata without it
 * is fatal). The evidence is the Ultravisor's answer to the
 * attestation request control block (ARCB) the KBS's challenge carries:
 * the measurement (an HMAC over the boot image, the ARCB's nonce and our
 * user data, keyed by the measurement key that only the KBS can decrypt),
 * the additional data and the configuration UID.
 * Reads: /dev/uv. Changes: nothing. On failure: -errno with one reason.
 */
#include "tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kbs_reply.h"

/* asm/uvdevice.h, restated: x86_64 headers do not carry it. */
struct uvio_attest {
	uint64_t arcb_addr;
	uint64_t meas_addr;
	uint64_t add_data_addr;
	uint8_t user_data[256];
	uint8_t config_uid[16];
	uint32_t arcb_len;
	uint32_t meas_len;
	uint32_t add_data_len;
	uint16_t user_data_len;
	uint16_t reserved136;
};
struct uvio_ioctl_cb {
	uint32_t flags;
	uint16_t uv_rc;
	uint16_t uv_rrc;
	uint64_t argument_addr;
	uint32_t argument_len;
	uint8_t reserved14[0x40 - 0x14];
};
_Static_assert(offsetof(struct uvio_attest, user_data) == 0x18, "uvio_attest layout");
_Static_assert(offsetof(struct uvio_attest, config_uid) == 0x118, "uvio_attest layout");
_Static_assert(offsetof(struct uvio_attest, arcb_len) == 0x128, "uvio_attest layout");
_Static_assert(offsetof(struct uvio_attest, user_data_len) == 0x134, "uvio_attest layout");
_Static_assert(sizeof(struct uvio_attest) == 0x138, "uvio_attest size");
_Static_assert(offsetof(struct uvio_ioctl_cb, argument_addr) == 0x08, "uvio_ioctl_cb layout");
_Static_assert(sizeof(struct uvio_ioctl_cb) == 0x40, "uvio_ioctl_cb size");
#define UVIO_IOCTL_ATT _IOWR('u', 1, struct uvio_ioctl_cb)
enum { UVC_RC_EXECUTED = 0x0001 };

unsigned long se_ioctl_att_nr(void)
{
	return (unsigned long)UVIO_IOCTL_ATT;
}

int se_attest(const struct paths *p, const struct se_request *req, struct se_response *resp,
	      char *err, size_t errlen)
{
	struct uvio_attest att;
	struct uvio_ioctl_cb cb;
	int fd, r;

	if (req->arcb_len == 0 || req->arcb_len > SE_ARCB_MAX) {
		snprintf(err, errlen, "SE request blob of %zu bytes (1..%d)", req->arcb_len,
			 SE_ARCB_MAX);
		return -EINVAL;
	}
	if (req->meas_len == 0 || req->meas_len > SE_MEASUREMENT_MAX ||
	    req->add_len > SE_ADDITIONAL_MAX) {
		snprintf(err, errlen, "SE measurement size %zu (1..%d) or additional size %zu (0..%d)",
			 req->meas_len, SE_MEASUREMENT_MAX, req->add_len, SE_ADDITIONAL_MAX);
		return -EINVAL;
	}
	if (req->user_data_len > sizeof(att.user_data)) {
		snprintf(err, errlen, "SE user data of %zu bytes, at most 256", req->user_data_len);
		return -EINVAL;
	}
	memset(&att, 0, sizeof(att));
	memset(&cb, 0, sizeof(cb));
	att.arcb_addr = (uint64_t)(uintptr_t)req->arcb;
	att.arcb_len = (uint32_t)req->arcb_len;
	att.meas_addr = (uint64_t)(uintptr_t)resp->measurement;
	att.meas_len = (uint32_t)req->meas_len;
	att.add_data_addr = req->add_len ? (uint64_t)(uintptr_t)resp->additional : 0;
	att.add_data_len = (uint32_t)req->add_len;
	memcpy(att.user_data, req->user_data, req->user_data_len);
	att.user_data_len = (uint16_t)req->user_data_len;
	cb.argument_addr = (uint64_t)(uintptr_t)&att;
	cb.argument_len = sizeof(att);

	fd = open(p->uv, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "open %s: %s", p->uv, strerror(errno));
		return r;
	}
	r = ioctl(fd, UVIO_IOCTL_ATT, &cb);
	if (r < 0)
		r = -errno;
	close(fd);
	if (r < 0 || cb.uv_rc != UVC_RC_EXECUTED) {
		snprintf(err, errlen, "UVIO_IOCTL_ATT on %s: %s (uv rc 0x%04x rrc 0x%04x)", p->uv,
			 r < 0 ? strerror(-r) : "refused", cb.uv_rc, cb.uv_rrc);
		return r < 0 ? r : -EIO;
	}
	memcpy(resp->config_uid, att.config_uid, sizeof(resp->config_uid));
	resp->meas_len = req->meas_len;
	resp->add_len = req->add_len;
	return 0;
}

static int evidence(const struct paths *p, const char *nonce, const uint8_t *rd, size_t rd_len,
		    struct json_object **out, char *err, size_t errlen)
{
	struct se_challenge c;
	struct se_request req;
	struct se_response resp;
	struct se_evidence s;
	int r;

	r = kbs_parse_se_challenge(nonce, &c, err, errlen);
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
	s.measurement = resp.measurement;
	s.meas_len = resp.meas_len;
	s.additional = resp.additional;
	s.add_len = resp.add_len;
	s.user_data = rd;
	s.user_data_len = rd_len;
	s.cuid = resp.config_uid;
	s.encr_measurement_key = c.encr_measurement_key;
	s.encr_request_nonce = c.encr_request_nonce;
	s.image_hdr_tags = c.image_hdr_tags;
	r = evidence_se_json(&s, out, err, errlen);
out:
	free(resp.measurement);
	free(resp.additional);
	kbs_se_challenge_free(&c);
	return r;
}

static bool detect(const struct tee_probe *p)
{
	return tee_exists(p->path->uv);
}

const struct tee_ops tee_se = {
	.name = "se",
	.label = "IBM SE",
	.detect = detect,
	/* The parmfile is sealed in the image: the host cannot change it. */
	.sealed_cmdline_only = true,
	/* No no_initdata: nothing the host sets at launch could carry a
	 * digest, and sealroot.initdata_digest without a disk is fatal. */
	/* Trustee's Challenge for se selects sha512 (extra-params). */
	.rd_hash = "sha512",
	.rd_len = 64,
	.evidence = evidence,
};
