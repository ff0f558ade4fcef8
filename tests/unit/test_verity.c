// SPDX-License-Identifier: Apache-2.0
/* Unit tests for lib/verity_table.c, the strict parser of the verity
 * table, and of the verity step (init/verity.c): the initramfs check, the
 * comparison of the active root hash with the measured one, and the scan's
 * edges (a join with no scan started, a node that is not a block device). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "verity.h"
#include "verity_table.h"

#define H "4c3bf85c1140cb06d65151a5179790b95fc4e52d29bb170f94312f077a4fc1ba"
#define S "b7d3c1e0a2f45b8e9c0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"

static int parse(const char *p, struct verity_table *t, char *err)
{
	err[0] = '\0';
	return verity_parse_table(p, t, err, 128);
}

static void test_kernel_form(void **state)
{
	struct verity_table t;
	char err[128];

	(void)state;
	/* What DM_TABLE_STATUS returns for Kata's dm-mod.create line. */
	assert_int_equal(parse("1 254:1 254:2 4096 4096 711 0 sha256 " H " " S, &t, err), 0);
	assert_int_equal(t.version, 1);
	assert_int_equal(t.data_block_size, 4096);
	assert_int_equal(t.hash_block_size, 4096);
	assert_int_equal(t.data_blocks, 711);
	assert_int_equal(t.hash_start, 0);
	assert_string_equal(t.algorithm, "sha256");
	assert_string_equal(t.root_hash, H);
	assert_string_equal(t.salt, S);
}

static void test_optional_args_and_no_salt(void **state)
{
	struct verity_table t;
	char err[128];

	(void)state;
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 1 sha256 " H " - 1 panic_on_corruption", &t, err), 0);
	assert_string_equal(t.salt, "-");
	assert_int_equal(t.hash_start, 1);
}

/* Optional arguments that weaken the check are refused (issue: verity
 * optional arguments passed unchecked): only a count of 0 or 1 with
 * restart_on_corruption or panic_on_corruption is taken. */
static void test_optional_args_strict(void **state)
{
	static const char *const bad[] = {
		"1 ignore_corruption", "1 check_at_most_once", "1 ignore_zero_blocks",
		"2 panic_on_corruption check_at_most_once", "2 restart_on_corruption panic_on_corruption",
		"1", "1 panic_on_corruption extra", "x", "0 panic_on_corruption",
		"4 use_fec_from_device /dev/vdc fec_roots 2",
	};
	struct verity_table t;
	char err[128], table[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(table, sizeof(table), "1 8:1 8:2 4096 4096 10 0 sha256 " H " " S " %s", bad[i]);
		assert_int_equal(parse(table, &t, err), -EINVAL);
		assert_non_null(strstr(err, "verity"));
	}
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 sha256 " H " " S " 1 check_at_most_once", &t, err), -EINVAL);
	assert_string_equal(err, "verity optional argument \"check_at_most_once\" refused: only "
			    "restart_on_corruption or panic_on_corruption");
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 sha256 " H " " S " 1 restart_on_corruption", &t, err), 0);
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 sha256 " H " " S " 0", &t, err), 0);
}

static void test_rejects(void **state)
{
	struct verity_table t;
	char err[128];

	(void)state;
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 sha256 " H, &t, err), -EINVAL);
	assert_string_equal(err, "verity table lacks the salt");
	assert_int_equal(parse("", &t, err), -EINVAL);
	assert_string_equal(err, "verity table lacks the version");
	assert_int_equal(parse("0 8:1 8:2 4096 4096 10 0 sha256 " H " " S, &t, err), -EINVAL);
	assert_non_null(strstr(err, "version"));
	assert_int_equal(parse("1 8:1 8:2 4095 4096 10 0 sha256 " H " " S, &t, err), -EINVAL);
	assert_non_null(strstr(err, "data block size"));
	assert_int_equal(parse("1 8:1 8:2 4096 4096 0 0 sha256 " H " " S, &t, err), -EINVAL);
	assert_int_equal(parse("1 8:1 8:2 4096 4096 99999999999999999999 0 sha256 " H " " S, &t, err), -EINVAL);
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 sha256 " H "Z " S, &t, err), -EINVAL);
	assert_string_equal(err, "bad root digest");
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 sha256 ABCD " S, &t, err), -EINVAL);
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 sha256 " H " xyz", &t, err), -EINVAL);
	assert_string_equal(err, "bad salt");
	assert_int_equal(parse("1 8:1 8:2 4096 4096 10 0 averyveryverylongalgorithm " H " " S, &t, err), -EINVAL);
}

/* sealroot.root=initramfs on a / that is a disk (the host's, here) fails,
 * naming the file system, before anything is remounted. */
static void test_initramfs_root_must_be_ramfs(void **state)
{
	struct statfs sf;
	struct boot b;

	(void)state;
	assert_int_equal(statfs("/", &sf), 0);
	if (sf.f_type == RAMFS_MAGIC || sf.f_type == TMPFS_MAGIC)
		skip();
	boot_init(&b);
	b.cfg.root_initramfs = true;
	assert_int_equal(step_verity(&b), -EINVAL);
	assert_non_null(strstr(b.reason, "sealroot.root=initramfs, but / is not the initramfs"));
}

/*
 * The root hash the kernel reports against sealroot.roothash: equal only
 * digit for digit over the whole length. The kernel prints the digest as
 * lower-case hex (linux 6.12, drivers/md/dm-verity-target.c, verity_status(),
 * STATUSTYPE_TABLE: DMEMIT("%02x", v->root_digest[x])), and lib/kcmdline.c
 * takes only lower case, so an upper-case digit is a different hash.
 */
static void test_root_hash_equal(void **state)
{
	char other[sizeof(H) + 2];

	(void)state;
	assert_true(verity_root_hash_equal(H, H));
	/* One nibble off at the first and at the last digit, both ways. */
	memcpy(other, H, sizeof(H));
	other[0] = '5'; /* H starts with '4' */
	assert_false(verity_root_hash_equal(other, H));
	assert_false(verity_root_hash_equal(H, other));
	memcpy(other, H, sizeof(H));
	other[63] = 'b'; /* H ends with 'a' */
	assert_false(verity_root_hash_equal(other, H));
	assert_false(verity_root_hash_equal(H, other));
	/* In the middle, too: a check of the two ends only does not do. */
	memcpy(other, H, sizeof(H));
	other[32] = other[32] == '0' ? '1' : '0';
	assert_false(verity_root_hash_equal(other, H));
	/* A different length: a prefix either way, or one more byte. */
	assert_false(verity_root_hash_equal("4c3bf85c1140cb06d65151a5179790b95fc4e52d29bb170f94312f077a4fc1",
					    H));
	assert_false(verity_root_hash_equal(H, "4c3bf85c1140cb06d65151a5179790b95fc4e52d29bb170f94312f077a4fc1"));
	assert_false(verity_root_hash_equal(H "00", H));
	assert_false(verity_root_hash_equal(H, H "00"));
	assert_false(verity_root_hash_equal("4c", H));
	/* Case: the same digest in upper case is not the measured hash. */
	assert_false(verity_root_hash_equal("4C3BF85C1140CB06D65151A5179790B95FC4E52D29BB170F94312F077A4FC1BA",
					    H));
	assert_false(verity_root_hash_equal("4c3bf85c1140cb06d65151a5179790b95fc4e52d29bb170f94312f077a4fc1bA",
					    H));
	/* Nothing matches an empty hash, not even another empty one. */
	assert_false(verity_root_hash_equal("", ""));
	assert_false(verity_root_hash_equal(H, ""));
	assert_false(verity_root_hash_equal("", H));
}

/* verity-scan with no scan started (sealroot.verity_scan=off, an initramfs
 * root, or a test build that skipped verity): nothing to wait for, no
 * failure recorded. */
static void test_scan_join_without_scan(void **state)
{
	struct boot b;

	(void)state;
	boot_init(&b);
	assert_int_equal(step_verity_scan(&b), 0);
	assert_string_equal(b.reason, "");
	/* And again: a join consumes nothing that is not there. */
	assert_int_equal(step_verity_scan(&b), 0);
}

/* A name that is not a block device (a plain file, a character device) is
 * refused before a byte is read, whatever its contents. */
static void test_read_all_refuses_non_block(void **state)
{
	char path[] = "/tmp/sealroot-verity-XXXXXX";
	struct boot b;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "data", 4), 4);
	close(fd);
	boot_init(&b);
	assert_true(verity_read_all(&b, "extension", path, 0) < 0);
	assert_non_null(strstr(b.reason, "is not block device"));
	unlink(path);
	boot_init(&b);
	assert_true(verity_read_all(&b, "extension", "/dev/null", 0) < 0);
	assert_non_null(strstr(b.reason, "/dev/null is not block device"));
	boot_init(&b);
	assert_true(verity_read_all(&b, "extension", "/nonexistent/sealroot", 0) < 0);
	assert_non_null(strstr(b.reason, "open /nonexistent/sealroot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_form),
		cmocka_unit_test(test_optional_args_and_no_salt),
		cmocka_unit_test(test_optional_args_strict),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_initramfs_root_must_be_ramfs),
		cmocka_unit_test(test_root_hash_equal),
		cmocka_unit_test(test_scan_join_without_scan),
		cmocka_unit_test(test_read_all_refuses_non_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
