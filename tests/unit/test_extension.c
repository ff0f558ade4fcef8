// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for lib/extension.c and its use by lib/kcmdline.c: Kata's
 * kata.extension.<name>.verity_params words, their value, and the layout
 * decision. The forms are Kata's (kata-containers commit 7c6ba40c):
 * - src/runtime/virtcontainers/qemu.go, kernelParameters(): one
 *   kata.extension.<name>.verity_params entry per extension, a bare key
 *   when VerityParams is empty (SerializeParams drops the "=");
 * - tools/osbuilder/image-builder/image_builder.sh,
 *   build_kernel_verity_params(): root_hash=..,salt=..,data_blocks=..,
 *   data_block_size=..,hash_block_size=.. from veritysetup's output;
 * - src/agent/kata-extension-mount.sh: the hash partition against the
 *   parameters decides verify, raw mount or refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "extension.h"
#include "kcmdline.h"

#define H64 "59c1892f86a396395ac73452dade294f13e39527bf3c72928a9c6ef9896feedb"
#define S64 "76806ce1d04a0884737c1a81fcccb2ed36e247f0fff7cc453d0a2ed7b8d894e0"
/* What Kata's build_kernel_verity_params prints, in its order. */
#define KATA_PARAMS "root_hash=" H64 ",salt=" S64 ",data_blocks=1940,data_block_size=4096,hash_block_size=4096"

static char err[256];

static void test_kata_form(void **state)
{
	struct extension e;

	(void)state;
	assert_int_equal(extension_parse("kata.extension.coco.verity_params", KATA_PARAMS, &e, err,
					 sizeof(err)), 0);
	assert_string_equal(e.name, "coco");
	assert_true(e.measured);
	assert_string_equal(e.root_hash, H64);
	assert_string_equal(e.salt, S64);
	assert_true(e.data_blocks == 1940);
	assert_int_equal(e.data_block_size, 4096);
	assert_int_equal(e.hash_block_size, 4096);
	/* Any order. */
	assert_int_equal(extension_parse("kata.extension.gpu.verity_params",
					 "hash_block_size=4096,data_blocks=1,salt=00,root_hash=" H64
					 ",data_block_size=512", &e, err, sizeof(err)), 0);
	assert_true(e.data_blocks == 1);
	assert_int_equal(e.data_block_size, 512);
	/* Unmeasured: a bare key, or an empty value. */
	assert_int_equal(extension_parse("kata.extension.raw.verity_params", NULL, &e, err,
					 sizeof(err)), 0);
	assert_false(e.measured);
	assert_string_equal(e.name, "raw");
	assert_int_equal(extension_parse("kata.extension.raw.verity_params", "", &e, err,
					 sizeof(err)), 0);
	assert_false(e.measured);
}

static void test_names(void **state)
{
	static const char *const good[] = { "coco", "a", "0", "gpu-1", "x_y", "abcdefghij" };
	/* Eleven characters would make the serial 21 bytes: more than virtio-blk holds. */
	static const char *const bad[] = { "", "Coco", "-a", "_a", "abcdefghijk", "a/b",
					   "a b", "é" };
	char key[64];
	struct extension e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(key, sizeof(key), "kata.extension.%s.verity_params", good[i]);
		if (extension_parse(key, NULL, &e, err, sizeof(err)) != 0 || strcmp(e.name, good[i]))
			fail_msg("%s: %s", good[i], err);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(key, sizeof(key), "kata.extension.%s.verity_params", bad[i]);
		if (extension_parse(key, NULL, &e, err, sizeof(err)) != -EINVAL ||
		    !strstr(err, "the extension name is not"))
			fail_msg("%s accepted (%s)", bad[i], err);
	}
	assert_int_equal(extension_parse("kata.extension.coco.root_hash", H64, &e, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "unknown key \"kata.extension.coco.root_hash\" (only "
			    "kata.extension.<name>.verity_params)");
	assert_int_equal(extension_parse("kata.extension.coco", NULL, &e, err, sizeof(err)), -EINVAL);
	/* A dot ends the name: "a.b.verity_params" is key "b.verity_params" of "a". */
	assert_int_equal(extension_parse("kata.extension.a.b.verity_params", NULL, &e, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown key"));
	assert_int_equal(extension_parse("kata.extension.coco.verity_params.x", NULL, &e, err,
					 sizeof(err)), -EINVAL);
}

static void test_bad_params(void **state)
{
	static const struct {
		const char *val, *err;
	} bad[] = {
		{ "root_hash=" H64 ",salt=" S64 ",data_blocks=1940,data_block_size=4096",
		  "verity_params: no hash_block_size" },
		{ KATA_PARAMS ",salt=00", "verity_params: salt given twice" },
		{ KATA_PARAMS ",fec_roots=2", "verity_params: unknown field \"fec_roots\"" },
		{ KATA_PARAMS ",", "verity_params: a trailing comma" },
		{ KATA_PARAMS ",x", "verity_params: \"x\" is not field=value" },
		{ "root_hash=" H64 "0,salt=00,data_blocks=1,data_block_size=4096,hash_block_size=4096",
		  "verity_params: root_hash \"" H64 "0\" is malformed" },
		{ "root_hash=59C1892F86A396395AC73452DADE294F13E39527BF3C72928A9C6EF9896FEEDB,salt=00,"
		  "data_blocks=1,data_block_size=4096,hash_block_size=4096",
		  "verity_params: root_hash \"59C1892F86A396395AC73452DADE294F13E39527BF3C72928A9C6EF9896FEEDB\" is malformed" },
		{ "root_hash=" H64 ",salt=0,data_blocks=1,data_block_size=4096,hash_block_size=4096",
		  "verity_params: salt \"0\" is malformed" },
		{ "root_hash=" H64 ",salt=-,data_blocks=1,data_block_size=4096,hash_block_size=4096",
		  "verity_params: salt \"-\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=0,data_block_size=4096,hash_block_size=4096",
		  "verity_params: data_blocks \"0\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=01,data_block_size=4096,hash_block_size=4096",
		  "verity_params: data_blocks \"01\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=1099511627777,data_block_size=4096,hash_block_size=4096",
		  "verity_params: data_blocks \"1099511627777\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=18446744073709551617,data_block_size=4096,hash_block_size=4096",
		  "verity_params: data_blocks \"18446744073709551617\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=1,data_block_size=3000,hash_block_size=4096",
		  "verity_params: data_block_size \"3000\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=1,data_block_size=4096,hash_block_size=8192",
		  "verity_params: hash_block_size \"8192\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=1,data_block_size=256,hash_block_size=4096",
		  "verity_params: data_block_size \"256\" is malformed" },
		{ "root_hash=" H64 ",salt=00,data_blocks=+1,data_block_size=4096,hash_block_size=4096",
		  "verity_params: data_blocks \"+1\" is malformed" },
	};
	struct extension e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		if (extension_parse("kata.extension.coco.verity_params", bad[i].val, &e, err,
				    sizeof(err)) != -EINVAL || strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, bad[i].err);
	}
}

/* Kata's mount-script table (kata-extension-mount.sh). */
static void test_action(void **state)
{
	(void)state;
	assert_int_equal(extension_action(true, true), EXT_VERIFY);
	assert_int_equal(extension_action(true, false), EXT_REFUSE_STRIPPED);
	assert_int_equal(extension_action(false, true), EXT_REFUSE_NO_HASH);
	assert_int_equal(extension_action(false, false), EXT_RAW);
}

static int parse(const char *line, struct cmdline_config *c)
{
	cmdline_defaults(c);
	err[0] = '\0';
	return cmdline_parse(line, c, err, sizeof(err));
}

/* The command-line step collects them, strictly, beside sealroot.*. */
static void test_cmdline(void **state)
{
	static struct cmdline_config c;

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64 " kata.extension.coco.verity_params=" KATA_PARAMS
			       " kata.extension.raw.verity_params console=hvc0", &c), 0);
	assert_int_equal(c.n_ext, 2);
	assert_string_equal(c.ext[0].name, "coco");
	assert_true(c.ext[0].measured);
	assert_string_equal(c.ext[1].name, "raw");
	assert_false(c.ext[1].measured);
	/* None: nothing. */
	assert_int_equal(parse("sealroot.roothash=" H64, &c), 0);
	assert_int_equal(c.n_ext, 0);
	/* A name twice is the host choosing between them. */
	assert_int_equal(parse("sealroot.roothash=" H64 " kata.extension.coco.verity_params="
			       KATA_PARAMS " kata.extension.coco.verity_params", &c), -EINVAL);
	assert_string_equal(err, "extension \"coco\" is named twice");
	assert_int_equal(parse("sealroot.roothash=" H64 " kata.extension.coco.verity_params=root_hash=1",
			       &c), -EINVAL);
	assert_string_equal(err, "kata.extension.coco.verity_params: verity_params: root_hash \"1\" "
			    "is malformed");
	assert_int_equal(parse("sealroot.roothash=" H64 " kata.extension.a.verity_params kata.extension.b.verity_params"
			       " kata.extension.c.verity_params kata.extension.d.verity_params"
			       " kata.extension.e.verity_params kata.extension.f.verity_params"
			       " kata.extension.g.verity_params kata.extension.h.verity_params"
			       " kata.extension.i.verity_params", &c), -EINVAL);
	assert_string_equal(err, "more than 8 extensions");
	/* Other kata.* keys are not ours. */
	assert_int_equal(parse("sealroot.roothash=" H64 " kata.other=1 agent.log=debug", &c), 0);
	assert_int_equal(c.n_ext, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kata_form),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_action),
		cmocka_unit_test(test_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
