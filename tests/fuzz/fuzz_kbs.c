// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: the KBS replies the init parses before any JWE
 * (lib/kbs_reply.c), i.e. the challenge, the token reply, Trustee's error
 * JSON and the Set-Cookie header, and the SE challenge (a JSON request
 * inside the nonce) with its strict base64 (lib/base64.c). The first byte
 * picks the parser; the rest is the reply.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "kbs_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], name[64], cookie[KBS_COOKIE_MAX], hash[KBS_HASH_NAME], *nonce = NULL, *s;
	const char *body = (const char *)data + 1;
	struct se_challenge c;
	uint8_t *bin;
	size_t n;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 6) {
	case 0:
		if (kbs_parse_challenge(body, size, &nonce, hash, err, sizeof(err)) == 0) {
			if (!nonce || strlen(nonce) == 0 || strlen(nonce) > 64 * 1024)
				abort();
			if (hash[0] && strcmp(hash, "sha256") && strcmp(hash, "sha384") &&
			    strcmp(hash, "sha512"))
				abort();
		} else if (nonce) {
			abort();
		}
		free(nonce);
		break;
	case 1:
		(void)kbs_parse_token(body, size, err, sizeof(err));
		break;
	case 2:
		kbs_error_name(body, size, name, sizeof(name));
		if (strlen(name) >= sizeof(name))
			abort();
		break;
	case 4:
		s = strndup(body, size);
		if (!s)
			return 0;
		if (kbs_parse_se_challenge(s, &c, err, sizeof(err)) == 0) {
			if (!c.arcb || c.arcb_len == 0 || c.meas_len == 0 ||
			    c.meas_len > SE_MEASUREMENT_MAX || c.add_len > SE_ADDITIONAL_MAX ||
			    !c.encr_measurement_key || !c.encr_request_nonce || !c.image_hdr_tags)
				abort();
			kbs_se_challenge_free(&c);
		}
		free(s);
		break;
	case 5:
		bin = malloc(size / 4 * 3 + 1);
		if (bin && b64_decode(body, size, bin, size / 4 * 3, &n) == 0 && n > size / 4 * 3)
			abort();
		free(bin);
		break;
	default:
		if (kbs_parse_set_cookie(body, size, cookie) == 1 &&
		    (strlen(cookie) == 0 || strlen(cookie) >= KBS_COOKIE_MAX))
			abort();
		break;
	}
	return 0;
}
