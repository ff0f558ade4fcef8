/* SPDX-License-Identifier: Apache-2.0 */
/* deps/smoke.c: the smoke test deps/build.sh links against a fresh prefix
 * (once through pkg-config, once through link-flags) and runs before the
 * prefix is used. One call into every library, statically linked against
 * musl, with some known answers on the way.
 * argv[1]: a scratch file for libcryptsetup. Prints "smoke ok: ..." and
 * exits 0, or names the first failed check on stderr and exits 1. */
#include <curl/curl.h>
#include <json-c/json.h>
#include <libcryptsetup.h>
#include <libdevmapper.h>
#include <libkmod.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <uuid/uuid.h>
#include <zlib.h>

static int backend_openssl;

static void on_crypt_log(int level, const char *msg, void *usrptr)
{
	(void)level; (void)usrptr;
	if (strstr(msg, "Crypto backend (OpenSSL "))
		backend_openssl = 1;
}

static void dm_quiet(int level, const char *file, int line, int dm_errno_or_class, const char *f, ...)
{
	(void)level; (void)file; (void)line; (void)dm_errno_or_class; (void)f;
}

static int host_has_dm(void)
{
	char line[128];
	int found = 0;
	FILE *f = fopen("/proc/misc", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, " device-mapper"))
			found = 1;
	if (f)
		fclose(f);
	return found;
}

#define CHECK(what, ok) do { if (!(ok)) { fprintf(stderr, "smoke: %s failed\n", what); return 1; } } while (0)

int main(int argc, char **argv)
{
	static const unsigned char abc_sha256[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
	unsigned char md[32], z[64], back[8];
	unsigned int mdlen = 0;
	uLongf zlen = sizeof(z), backlen = sizeof(back);
	struct crypt_device *cd = NULL;
	struct kmod_ctx *kctx;
	struct dm_task *dmt;
	json_object *j;
	const curl_version_info_data *cv;
	uuid_t u, u2;
	char us[37], dmv[64];
	int protocols = 0;

	CHECK("argv", argc == 2);
	CHECK("zlibVersion", strcmp(zlibVersion(), ZLIB_VERSION) == 0);
	CHECK("zlib round trip", compress(z, &zlen, (const unsigned char *)"sealroot", 8) == Z_OK &&
	      uncompress(back, &backlen, z, zlen) == Z_OK && backlen == 8 && !memcmp(back, "sealroot", 8));

	CHECK("OPENSSL_init_crypto", OPENSSL_init_crypto(0, NULL) == 1);
	CHECK("sha256(abc)", EVP_Digest("abc", 3, md, &mdlen, EVP_sha256(), NULL) == 1 &&
	      mdlen == 32 && !memcmp(md, abc_sha256, 32));

	j = json_tokener_parse("{\"a\":[1,2]}");
	CHECK("json_tokener_parse", j && json_object_array_length(json_object_object_get(j, "a")) == 2);
	json_object_put(j);

	uuid_generate(u);
	uuid_unparse(u, us);
	CHECK("uuid_generate", !uuid_is_null(u) && uuid_parse(us, u2) == 0 && !uuid_compare(u, u2));

	kctx = kmod_new(NULL, NULL);
	CHECK("kmod_new", kctx != NULL);
	kmod_unref(kctx);

	/* libdm asks the kernel's driver for its version first: on a host
	 * without device-mapper, NULL is the right answer. */
	dm_log_with_errno_init(dm_quiet);
	dmt = dm_task_create(DM_DEVICE_VERSION);
	CHECK("dm_task_create", dmt != NULL || !host_has_dm());
	if (dmt)
		dm_task_destroy(dmt);
	CHECK("dm_get_library_version", dm_get_library_version(dmv, sizeof(dmv)) && !strncmp(dmv, "1.02.", 5));

	CHECK("curl_global_init", curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
	cv = curl_version_info(CURLVERSION_NOW);
	CHECK("curl over OpenSSL", strstr(curl_version(), "OpenSSL/") && (cv->features & CURL_VERSION_SSL) &&
	      (cv->features & CURL_VERSION_LIBZ));
	for (const char *const *p = cv->protocols; *p; p++) {
		CHECK("curl: http and https only", !strcmp(*p, "http") || !strcmp(*p, "https"));
		protocols++;
	}
	CHECK("curl: http and https", protocols == 2);
	curl_global_cleanup();

	crypt_set_log_callback(NULL, on_crypt_log, NULL);
	crypt_set_debug_level(CRYPT_DEBUG_ALL);
	CHECK("crypt_init", crypt_init(&cd, argv[1]) == 0);
	/* Not LUKS: fails, after initialising the crypto backend. */
	CHECK("crypt_load on zeros", crypt_load(cd, CRYPT_LUKS, NULL) < 0);
	crypt_set_debug_level(CRYPT_DEBUG_NONE);
	crypt_free(cd);
	CHECK("libcryptsetup on OpenSSL", backend_openssl);

	printf("smoke ok: %s; zlib %s; libcryptsetup on OpenSSL\n", curl_version(), zlibVersion());
	return 0;
}
