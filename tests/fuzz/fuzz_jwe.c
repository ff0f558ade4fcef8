// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: init/jwe.c on arbitrary reply bodies, with a fixed EC
 * key (the test key tests/unit/fixtures/jwe/ec.pem) and, on odd lengths,
 * the RSA test key, so both key-management paths and all the parsing in
 * front of them are reached. Seeds are jwcrypto's vectors.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "jwe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *load(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!k)
		abort();
	return k;
}

static const char ec_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgK984nzecjtWi6XVa\n"
	"knBwNTW7d/SqIj/WDBkPaSC/7jahRANCAASzr2uMpsaEVW9YSncMou/zj5M0BHhk\n"
	"QHm2wCJcI0La1D56kikYJTMzBIUr5r7F5xDQeHNgyl9xQBQ9RnbcP0g1\n"
	"-----END PRIVATE KEY-----\n"
;

static const char rsa_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCwGjwNhb0d781k\n"
	"8iUj81TNJ9TjVWefGMHazbCVFQjjxCizU6NZ9kzpqVmA6KmdErEGDfECBJIVgONW\n"
	"VY3NtaCTRKUUcdK1og5CLxsxl9ae9gr9EK3/dgQ4/mJB5P1waeQhJqJB6RY0O4/Y\n"
	"Yn2HZgcbUrljBvGT2Q4deafvzdmt3KrBEmrikEe2fniDyM7dzDaXz5gx1RXlN3JA\n"
	"3K+noqVdTWj4gB+z4qR0SxMRl14yDNc6pwH8NS4rWLRzYbqUwe/VnnOR9B/EAQKI\n"
	"UYm1IKHZ1g7w+pcmtZa3n8r5yhQ6buVZt0HnGIVGapxyfnJDO/ALdsR7Vja3pZ6g\n"
	"eJ2jLCR7AgMBAAECggEAENwMyx/2XCBc4gDgwhFbbrdqhUfkP3ISVSKuI4e7rdAA\n"
	"3tzvXanb8TQ6Z8IJQwrKvJFRypH/c7mUNOwZ7bYpemVEXLG3rOtSls7bDqNtHmjg\n"
	"jRvaB1ltdrtmqCJb3+BIwU0T6bV+tQoixQz2MaP4ouAHnvhyNme9wd/8zlOUjIrT\n"
	"8/7i2LZAYoxw4O2n6HyWgfza0gZdL9ttgPUAKlBl1bqCksmMiBnKKfvLR8gtwKFT\n"
	"kvJjjRxWe1EGpTXNQMTz+Xo9kQVhPKz5lP9Cd8vq1hdlDrWt1jp7ao67FFBOeSCN\n"
	"uHOpF1MnWfT8cL92rAoEWetWubLRF/7pHv4XhktIsQKBgQDqkoP69+8mhcOp9Xfk\n"
	"aKRFG/7BPqf1Uf9OEFyCevYj5xk2QBkHEV+Ja+zNljnzMTCZ/IEKnqI3f8vGTtcn\n"
	"xo/T9kRdfe/nthzeDJhxAqDTlsFP8CaOAUIRUQnouuHJAbiJG2CiPYDkv/AoomWG\n"
	"eZZptForDDuij4JnzNPi74PuEwKBgQDAMGYlS0UNFWLuUy/fo7eTwOePY70288i9\n"
	"UGZ0AY0foQfxmmisqX1Xgl2KMdmG4Nr6yzMLCdrKSuYp9hBsUf0XaFb7yqUE9JJ9\n"
	"KK+AuWtyg3Sw087i1nlzpo5BUv42dpfOdZTIUIpku8cu4iYjF/FtGb7vNciFwvpM\n"
	"qMesvuKc+QKBgDNnrFihYN1WTwy96Go7rFQg0HFU48XVFFftKfjGLY6spE/JODLe\n"
	"UctxxVFAbK6oxvfX6AeFwBLdhLCOsoPa9cYDn/PFF3/13tmidP2/D7OOxApanHhe\n"
	"OjZFRiCkY7qDEAer4j9rrwVyMpUVEZ6oopfDmEb6xU7YmEFbF8wRpR3VAoGADRu/\n"
	"+880eH3673JxE3nhLYy8voT5BOR/zpnLQyJP89ZR6mKzvQMab3uO0bwwsAhqJyzw\n"
	"4FHdwGp3ZGlKGXlGH/CX7jiWJM5hp3O89LSw5XCd5umrdMFYK1Ey5rW4bRKNrCFM\n"
	"8pS7u78rCMGYBFC/wMc+xKYQdT8lP1FLvTaP0lECgYA68ikXPdbazje3dAuKsBLG\n"
	"edtrgfc11R4gH3epuoRVR3mV9ihYj+TAnTDQmnzgdIpBCvSDzutI6UQHyAwJLjZI\n"
	"LfJd5xESU5FPshrDCXWJ52rxJXKDQvGLzaBzhvuOZvZJQLa+A8894TiPHixDDwWM\n"
	"O4uUpbD9zcq63/ZQ3y5k5w==\n"
	"-----END PRIVATE KEY-----\n"
;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static EVP_PKEY *ec, *rsa;
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	char err[256];

	if (!ec) {
		ec = load(ec_pem);
		rsa = load(rsa_pem);
	}
	if (jwe_decrypt(size & 1 ? rsa : ec, (const char *)data, size, &pt, &pt_len, err,
			sizeof(err)) == 0) {
		if (!pt)
			abort();
		OPENSSL_secure_clear_free(pt, pt_len ? pt_len : 1);
	} else if (pt || err[0] == '\0') {
		abort(); /* a failure returns no plaintext and says why */
	}
	return 0;
}
