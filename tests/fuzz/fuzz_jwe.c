// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: jwe_decrypt() on arbitrary bytes as a KBS resource
 * reply, with a fixed EC P-256 key, then with a fixed RSA-2048 key (the
 * test keys tests/unit/fixtures/jwe/ec.pem and rsa.pem, copied here; the
 * seeds in tests/fuzz/corpus/jwe/ are fixture vectors made for them, so
 * after gen.py makes new keys, copy both again). It checks what jwe.h
 * promises: on failure one of the documented errors, a NUL-terminated
 * reason and no plaintext; on success a buffer, which is freed, so
 * LeakSanitizer sees every path free what it took.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "jwe.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ec_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFieIMgG9XY2bA7yg\n"
	"1EraQtUR7wQOhCffUxoPx112FYShRANCAASdw/85uqIRX5hEF1FRuWbB35FjIrkp\n"
	"/MXJYqvJk/pmaD+5fT8Wyu5sBmLAyOpi3lcadLHIvziR7rQrtNx6cHb/\n"
	"-----END PRIVATE KEY-----\n";

static const char rsa_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDO9WG07pR2ml8u\n"
	"7Qq8zTf5rSbq+zTlYbqh5/kzxYSGBlJYnCm1xCT1ys4ugELB6lOpR3EMNH5E8LLw\n"
	"DoFqg8bZSo8gfw8WKOcaCGtmGul1ifwedkCl0H02SIQEMdZO4PxzsOJk5HjRzayA\n"
	"IorXmoe+ODeBgYSiPtK73kjH4FZ4tlGzA2RWtP8xV5KoA+VKHP78mGK/4LO55tLX\n"
	"tPMmm+lGbBzaX4qw7F/VZC9+iSQFVQ/sQUgMyD7IetyZ2wrfjonWbLxNb1OSAC13\n"
	"y/YGN/Ej4tjH73HdeqYO6AHlFYJI5nLJPBciEnCCaUZ+oy/TCcDU94gjhZ2FxHh8\n"
	"8ZqazYtNAgMBAAECggEAIUyl0s0RJz+HHCT4ytBsTBM6WqmzukquEwSg+ghds+Dg\n"
	"LrC7HKt5f5uI7ujP6k/v88ydGb0if1OJPwszyIsjxhed4uPUGMPZDL0ZEWiNcs49\n"
	"D5EFrYhXypGtaC1f/E4YC0IFPf2YRmME+T2q6wOgCWZrNpO73w0jrtBrvnlQAIOZ\n"
	"vfxUoljbe5VukmqREojGG07bkGAYF2/wErV0i39YHZQvaAZgxy6T8Ht2lR2siZFV\n"
	"STCaGg2GkB0ZOPxb2t0nu2WvC/7NOdkWLrHA/XM111r70bE7NMVwZsVAYZLF+d4N\n"
	"EANGADYmqy9fAOyHEhK/lsL2VIzAdfd96Zj8RXG4EwKBgQD3z4ByUxM9xZYpSEDZ\n"
	"lgnfaf5hiGOTYeb90T5kBddqctir4gbFdzLB9/bSiR0e3dVvGdCaZTsWmU+4isaG\n"
	"BMYx5bdtuluEydBsmy+xXdjwCtkuipr4MRxwNsUpDsSxzXdLVaiR8RK40t0BMczv\n"
	"8ZsPMgW8C+hyHcNt1j/HllfuFwKBgQDVzESt5mHI882xMKLlD0KIkN/tLJrLQ2IX\n"
	"FZEj/1xTsAXLuLu8ztLRTZMQbkGF5y3TTEpk4SqZucvIm7ycV28hVuCQ/isOVAUr\n"
	"lgSEvJjqLKVa5rH7U31G6xOoa5z8u3HVm2xeZ511RWYHhgFQQ+vy2minD5zSQj/+\n"
	"3MM7+ls0OwKBgGko6iYZsOmexolAOxzaudfQH/39pdvuSNrfB63keLSYhe/y29LC\n"
	"MYz0kA5p1yy5EJC0ELzkRn3hk14JrhNDRWP5SqzKz3l7NvJPrJ6E58F9qQpCEV9P\n"
	"X/USmPpCZR/axEv4zq8X8UzzVoviOUh9a8K4BIz3NK3wiXU73RbyauADAoGBALFQ\n"
	"HTGgnT69PL2UmbShaEu844pfcO3dL6/3eg1Bzv+1P8lKp6EaYuuli6+X0Y3NQks4\n"
	"vYZW3C7sUZ9J0i5TsV4UIGD/+xOCCVuxqoOvqp6kcmsmYzwObRrxAbevsF5G000V\n"
	"/tV417UX3luk/tfjzP73ts2+/A/BVDP6QY0vwI5bAoGAOQx9wlp9gVJVSsXkzqwD\n"
	"ZGf9euLuJjp5iiFnh3gZy64vhgG3HBSb75NIDn9C/Ul7YBAXJlQkPADpB3gCIdnf\n"
	"Ja2Up5I8QjTsaPj5Q9gINz37UwHhnk0MjkCO5JRzOKTF5B4HVS/SChnpGDt0GpwN\n"
	"sJJlRkvcXQV2S6zyWmeceIE=\n"
	"-----END PRIVATE KEY-----\n";

static EVP_PKEY *ec, *rsa;

static EVP_PKEY *load(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!k)
		abort();
	return k;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ec = load(ec_pem);
	rsa = load(rsa_pem);
	return 0;
}

static void one(EVP_PKEY *key, const uint8_t *data, size_t size)
{
	char err[JWE_ERR];
	uint8_t *pt = (uint8_t *)&pt;
	size_t n = 1;
	int r;

	memset(err, 'x', sizeof(err));
	r = jwe_decrypt(key, (const char *)data, size, &pt, &n, err, sizeof(err));
	if (!memchr(err, '\0', sizeof(err)))
		abort();
	if (r == 0) {
		if (!pt || err[0])
			abort();
		OPENSSL_secure_clear_free(pt, n);
		return;
	}
	if (pt || n || !err[0])
		abort();
	if (r != -EINVAL && r != -EBADMSG && r != -EFBIG && r != -ENOMEM && r != -EIO)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(ec, data, size);
	one(rsa, data, size);
	return 0;
}
