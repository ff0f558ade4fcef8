// SPDX-License-Identifier: Apache-2.0
/* Unit tests for lib/kcmdline.c, the strict sealroot.* parser, and the
 * cmdline step (init/cmdline.c) that feeds it /proc/cmdline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "kcmdline.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct cmdline_config defaults(void)
{
	struct cmdline_config c;

	cmdline_defaults(&c);
	return c;
}

static int parse(const char *line, struct cmdline_config *cfg, char *err)
{
	*cfg = defaults();
	err[0] = '\0';
	return cmdline_parse(line, cfg, err, 256);
}

static void test_minimal(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("console=ttyS0 sealroot.roothash=" H64 " ro", &c, err), 0);
	assert_string_equal(c.roothash, H64);
	assert_int_equal(c.grace_ms, 5000);
	/* Lazy by default (docs/init.md, "The full scan"). */
	assert_false(c.verity_scan);
}

static void test_kata_line_with_quotes(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	/* The quoted dm-mod.create value holds spaces and '=' and a fake key. */
	assert_int_equal(parse("root=/dev/dm-0 dm-mod.create=\"dm-verity,,,ro,0 8 verity 1 "
			       "/dev/vda1 /dev/vda2 4096 4096 1 0 sha256 sealroot.bogus=1 x\" "
			       "sealroot.roothash=" H64 " sealroot.grace_ms=250 "
			       "sealroot.verity_scan=full\n", &c, err), 0);
	assert_int_equal(c.grace_ms, 250);
	assert_true(c.verity_scan);
}

static void test_quoted_word(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("\"sealroot.roothash=" H64 "\"", &c, err), 0);
	assert_string_equal(c.roothash, H64);
	assert_int_equal(parse("sealroot.roothash=\"" H64 "\"", &c, err), 0);
	assert_string_equal(c.roothash, H64);
}

static void test_unknown_key(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	/* A typo must not turn a check off. */
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.verity_scna=full", &c, err), -EINVAL);
	assert_non_null(strstr(err, "unknown key \"sealroot.verity_scna\""));
	assert_int_equal(parse("sealroot.=1 sealroot.roothash=" H64, &c, err), -EINVAL);
	assert_non_null(strstr(err, "unknown key"));
}

static void test_other_namespaces_ignored(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealrootx.foo=1 xsealroot.roothash=zz sealroot_test.mode=crash "
			       "sealroot.roothash=" H64, &c, err), 0);
}

static void test_duplicate_key(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.roothash=" H64, &c, err), -EINVAL);
	assert_non_null(strstr(err, "duplicate key \"sealroot.roothash\""));
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=1 sealroot.grace_ms=1",
			       &c, err), -EINVAL);
}

static void test_missing_roothash(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("console=ttyS0 root=/dev/dm-0", &c, err), -EINVAL);
	assert_non_null(strstr(err, "missing required key \"sealroot.roothash\""));
	assert_int_equal(parse("", &c, err), -EINVAL);
}

/* sealroot.root=initramfs (the se bundle): no root hash, and never both. */
static void test_root_key(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("rdinit=/sbin/init sealroot.root=initramfs", &c, err), 0);
	assert_true(c.root_initramfs);
	assert_string_equal(c.roothash, "");
	assert_int_equal(parse("sealroot.root=verity sealroot.roothash=" H64, &c, err), 0);
	assert_false(c.root_initramfs);
	assert_string_equal(c.roothash, H64);
	/* verity is the default, and it needs its hash */
	assert_int_equal(parse("sealroot.root=verity", &c, err), -EINVAL);
	assert_non_null(strstr(err, "missing required key \"sealroot.roothash\""));
	assert_int_equal(parse("sealroot.root=initramfs sealroot.roothash=" H64, &c, err), -EINVAL);
	assert_non_null(strstr(err, "exclude each other"));
	assert_int_equal(parse("sealroot.root=disk sealroot.roothash=" H64, &c, err), -EINVAL);
	assert_non_null(strstr(err, "sealroot.root: want verity or initramfs, got \"disk\""));
	assert_int_equal(parse("sealroot.root= sealroot.roothash=" H64, &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.root=initramfs sealroot.root=initramfs", &c, err), -EINVAL);
	assert_non_null(strstr(err, "duplicate key \"sealroot.root\""));
}

static void test_bad_roothash(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64 "00", &c, err), -EINVAL);
	assert_non_null(strstr(err, "want 64 hex digits, got 66"));
	assert_int_equal(parse("sealroot.roothash=0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
			       &c, err), -EINVAL);
	assert_non_null(strstr(err, "position 11"));
	assert_int_equal(parse("sealroot.roothash=", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash", &c, err), -EINVAL);
	assert_non_null(strstr(err, "has no value"));
}

static void test_grace_bounds(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=60000", &c, err), 0);
	assert_int_equal(c.grace_ms, 60000);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=0", &c, err), 0);
	assert_int_equal(c.grace_ms, 0);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=60001", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=-1", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=0x10", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=+5", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.grace_ms=", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.verity_scan=yes", &c, err), -EINVAL);
}

static void test_initdata_key(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64, &c, err), 0);
	assert_true(c.initdata_required); /* the default */
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata=optional", &c, err), 0);
	assert_false(c.initdata_required);
	assert_int_equal(parse("sealroot.initdata=required sealroot.roothash=" H64, &c, err), 0);
	assert_true(c.initdata_required);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata=off", &c, err), -EINVAL);
	assert_string_equal(err, "sealroot.initdata: want required or optional, got \"off\"");
	assert_true(c.initdata_required);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata=optional "
			       "sealroot.initdata=required", &c, err), -EINVAL);
	assert_string_equal(err, "duplicate key \"sealroot.initdata\"");
}

/* sealroot.initdata_digest=<alg>:<hex>: exactly the three names, lower-case
 * hex of exactly the algorithm's length; anything else is refused. */
#define H96 H64 "0123456789abcdef0123456789abcdef"
#define H128 H64 H64
static void test_initdata_digest_key(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64, &c, err), 0);
	assert_false(c.initdata_digest_set);
	assert_int_equal(parse("sealroot.root=initramfs sealroot.initdata_digest=sha384:" H96, &c,
			       err), 0);
	assert_true(c.initdata_digest_set);
	assert_int_equal(c.initdata_digest_alg, ALG_SHA384);
	assert_memory_equal(c.initdata_digest, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	assert_int_equal(c.initdata_digest[47], 0xef);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha256:" H64, &c,
			       err), 0);
	assert_int_equal(c.initdata_digest_alg, ALG_SHA256);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha512:" H128, &c,
			       err), 0);
	assert_int_equal(c.initdata_digest_alg, ALG_SHA512);
	assert_int_equal(c.initdata_digest[63], 0xef);

	/* Lengths belong to the algorithm. */
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha384:" H64, &c,
			       err), -EINVAL);
	assert_string_equal(err, "sealroot.initdata_digest: sha384 wants 96 hex digits, got 64");
	assert_false(c.initdata_digest_set);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha256:" H96, &c,
			       err), -EINVAL);
	assert_string_equal(err, "sealroot.initdata_digest: sha256 wants 64 hex digits, got 96");
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha512:", &c,
			       err), -EINVAL);
	/* Upper case, the spec's spelling, other names, no colon, nothing. */
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha256:"
			       "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
			       &c, err), -EINVAL);
	assert_string_equal(err, "sealroot.initdata_digest: not lower-case hex at position 11");
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha-256:" H64, &c,
			       err), -EINVAL);
	assert_non_null(strstr(err, "want sha256:, sha384: or sha512: and the hex digest, got "
				    "\"sha-256:"));
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=SHA256:" H64, &c,
			       err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha1:" H64, &c,
			       err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha2566:" H64, &c,
			       err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=" H64, &c, err),
			 -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=", &c, err),
			 -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest", &c, err),
			 -EINVAL);
	assert_non_null(strstr(err, "has no value"));
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha256:" H64
			       " x", &c, err), 0);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha256:" H64 "0",
			       &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.initdata_digest=sha256:" H64
			       " sealroot.initdata_digest=sha256:" H64, &c, err), -EINVAL);
	assert_string_equal(err, "duplicate key \"sealroot.initdata_digest\"");
}

static void test_scratch_key(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64, &c, err), 0);
	assert_string_equal(c.scratch, "");
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.scratch=scratch0", &c, err), 0);
	assert_string_equal(c.scratch, "scratch0");
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.scratch=/dev/vdc", &c, err), 0);
	assert_string_equal(c.scratch, "/dev/vdc");
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.scratch=/dev/vdc1/../x", &c, err),
			 -EINVAL);
	assert_string_equal(err, "sealroot.scratch: want /dev/<disk> or a disk serial, got \"/dev/vdc1/../x\"");
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.scratch=", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.scratch=a sealroot.scratch=b", &c,
			       err), -EINVAL);
	assert_string_equal(err, "duplicate key \"sealroot.scratch\"");
}

static void test_run_size_key(void **state)
{
	struct cmdline_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse("sealroot.roothash=" H64, &c, err), 0);
	assert_int_equal(c.run_size_mib, 0);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.run_size=64", &c, err), 0);
	assert_int_equal(c.run_size_mib, 64);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.run_size=0", &c, err), -EINVAL);
	assert_string_equal(err, "sealroot.run_size: want 1..65536 (MiB), got \"0\"");
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.run_size=65537", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.run_size=1m", &c, err), -EINVAL);
	assert_int_equal(parse("sealroot.roothash=" H64 " sealroot.run_size=-1", &c, err), -EINVAL);
}

static void test_too_long(void **state)
{
	struct cmdline_config c;
	char err[256];
	char *line = malloc(CMDLINE_MAX + 1);

	(void)state;
	memset(line, 'a', CMDLINE_MAX);
	line[CMDLINE_MAX] = '\0';
	assert_int_equal(parse(line, &c, err), -EINVAL);
	assert_non_null(strstr(err, "longer than"));
	free(line);
}

static void test_step_reads_file(void **state)
{
	char path[] = "/tmp/sealroot-cmdline-XXXXXX";
	struct boot b;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ro sealroot.roothash=" H64 "\n", 86), 86);
	close(fd);
	boot_init(&b);
	b.path.proc_cmdline = path;
	assert_int_equal(step_cmdline(&b), 0);
	assert_string_equal(b.cfg.roothash, H64);

	/* A NUL byte in the file is refused, not silently truncated at. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "sealroot.roothash=" H64 "\0sealroot.bad=1", 98), 98);
	close(fd);
	boot_init(&b);
	b.path.proc_cmdline = path;
	assert_int_equal(step_cmdline(&b), -EINVAL);
	assert_non_null(strstr(b.reason, "NUL"));
	unlink(path);

	boot_init(&b);
	b.path.proc_cmdline = "/nonexistent/cmdline";
	assert_int_equal(step_cmdline(&b), -ENOENT);
	assert_string_equal(b.reason, "read /nonexistent/cmdline: No such file or directory");
}

static void test_step_refuses_oversized_file(void **state)
{
	char path[] = "/tmp/sealroot-cmdline-XXXXXX";
	char big[CMDLINE_MAX + 100];
	struct boot b;
	int fd;

	(void)state;
	memset(big, 'a', sizeof(big));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	close(fd);
	boot_init(&b);
	b.path.proc_cmdline = path;
	/* Never silently truncated to what fits. */
	assert_int_equal(step_cmdline(&b), -EFBIG);
	assert_non_null(strstr(b.reason, "File too large"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_scratch_key),
		cmocka_unit_test(test_run_size_key),
		cmocka_unit_test(test_kata_line_with_quotes),
		cmocka_unit_test(test_quoted_word),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_other_namespaces_ignored),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_missing_roothash),
		cmocka_unit_test(test_bad_roothash),
		cmocka_unit_test(test_root_key),
		cmocka_unit_test(test_grace_bounds),
		cmocka_unit_test(test_initdata_key),
		cmocka_unit_test(test_initdata_digest_key),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_step_reads_file),
		cmocka_unit_test(test_step_refuses_oversized_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
