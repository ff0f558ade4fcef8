// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: the KBS replies the init parses before any JWE, i.e.
 * the challenge, the token reply, Trustee's error JSON and the Set-Cookie
 * header. The first byte picks the parser; the rest is the reply.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "kbs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], name[64], cookie[HTTP_COOKIE_MAX], *nonce = NULL;
	const char *body = (const char *)data + 1;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 4) {
	case 0:
		if (kbs_parse_challenge(body, size, &nonce, err, sizeof(err)) == 0) {
			if (!nonce || strlen(nonce) == 0 || strlen(nonce) > 1024)
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
	default:
		if (http_parse_set_cookie(body, size, cookie) == 1 &&
		    (strlen(cookie) == 0 || strlen(cookie) >= HTTP_COOKIE_MAX))
			abort();
		break;
	}
	return 0;
}
