// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests for init/storage.c: finding the scratch disk in a fake
 * /sys/block (by virtio serial, by path), each refusal (no such disk, a
 * partition, a disk with partitions or holders, read-only, too small, the
 * initdata disk, a serial two disks share), the HKDF key derivation
 * against a known answer from Python's cryptography package, and the
 * dm-integrity parameter check (issue 16, finding 3): each field a host
 * could write into the unauthenticated superblock, and that libcryptsetup's
 * crypt_load really takes the tag and sector size from it.
 */
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
#include <sys/stat.h>
#include <unistd.h>

#include <libcryptsetup.h>

#include "storage.h"
#include "unit.h"

static char root[64], err[256], name[64];
static uint64_t bytes;

static void put(const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A disk: size in 512-byte sectors, its serial ("" for none), ro flag. */
static void disk(const char *dev, unsigned long long sectors, const char *serial, int ro)
{
	char rel[128], num[32];

	snprintf(rel, sizeof(rel), "%s/size", dev);
	snprintf(num, sizeof(num), "%llu\n", sectors);
	put(rel, num);
	snprintf(rel, sizeof(rel), "%s/ro", dev);
	put(rel, ro ? "1\n" : "0\n");
	snprintf(rel, sizeof(rel), "%s/holders/.keep", dev);
	put(rel, "");
	if (serial[0]) {
		snprintf(rel, sizeof(rel), "%s/serial", dev);
		snprintf(num, sizeof(num), "%s\n", serial);
		put(rel, num);
	}
}

static int setup(void **state)
{
	(void)state;
	unit_tmpdir(root, sizeof(root), "storage");
	/* vda: the root disk with two partitions; vdb: initdata; vdc: scratch. */
	disk("vda", 20480, "", 0);
	put("vda/vda1/partition", "1\n");
	put("vda/vda2/partition", "2\n");
	disk("vdb", 1, "", 1);
	disk("vdc", 131072, "scratch0", 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_rmtree(root);
	return 0;
}

static int find(const char *spec)
{
	err[0] = name[0] = '\0';
	bytes = 0;
	return storage_find(root, spec, "/dev/vdb", name, sizeof(name), &bytes, err, sizeof(err));
}

static void test_by_serial_and_path(void **state)
{
	(void)state;
	assert_int_equal(find("scratch0"), 0);
	assert_string_equal(name, "vdc");
	assert_int_equal(bytes, 64ULL << 20);
	assert_int_equal(find("/dev/vdc"), 0);
	assert_string_equal(name, "vdc");
	/* The serial as sd devices expose it, under device/. */
	disk("sda", 131072, "", 0);
	put("sda/device/serial", "SCSI-7   \n");
	assert_int_equal(find("SCSI-7"), 0);
	assert_string_equal(name, "sda");
}

static void test_refusals(void **state)
{
	(void)state;
	assert_int_equal(find("nothere"), -ENOENT);
	assert_string_equal(err, "no disk has the serial \"nothere\"");
	assert_int_equal(find("/dev/vdz"), -ENOENT);
	assert_string_equal(err, "/dev/vdz: no such disk");
	assert_int_equal(find("/dev/vda1"), -EINVAL);
	assert_string_equal(err, "/dev/vda1 is a partition of /dev/vda, not a whole disk");
	assert_int_equal(find("/dev/vda"), -EBUSY);
	assert_string_equal(err, "/dev/vda has partitions; give a whole, unused disk");
	assert_int_equal(find("/dev/vdb"), -EINVAL);
	assert_string_equal(err, "/dev/vdb is the initdata disk");

	put("vdc/holders/dm-3", "");
	assert_int_equal(find("scratch0"), -EBUSY);
	assert_string_equal(err, "/dev/vdc is in use (it has holders)");
	unlink(strcat(strcpy(err, root), "/vdc/holders/dm-3"));

	put("vdc/ro", "1\n");
	assert_int_equal(find("scratch0"), -EROFS);
	assert_string_equal(err, "/dev/vdc is read-only");
	put("vdc/ro", "0\n");

	put("vdc/size", "65535\n");
	assert_int_equal(find("scratch0"), -ENOSPC);
	assert_string_equal(err, "/dev/vdc is 33553920 bytes, too small for scratch (at least 32 MiB)");
	put("vdc/size", "65536\n");
	assert_int_equal(find("scratch0"), 0);

	put("vdc/size", "lots\n");
	assert_int_equal(find("scratch0"), -EINVAL);
	put("vdc/size", "65536\n");

	/* Two disks with one serial: the host could pick which; refused. */
	disk("vdd", 131072, "scratch0", 0);
	assert_int_equal(find("scratch0"), -EEXIST);
	assert_non_null(strstr(err, "two disks have the serial \"scratch0\""));
	/* A serial is matched whole, not as a prefix. */
	assert_int_equal(find("scratch"), -ENOENT);
}

static void test_derive_known_answer(void **state)
{
	/* HKDF-SHA256(ikm = 00..1f, salt = "sealroot scratch disk v1",
	 * info = "aes-xts-plain64 + hmac(sha256)"), 96 bytes, by Python's
	 * cryptography (hazmat HKDF). */
	static const char want[] =
		"737ece1d151482b23d65d9a06aa3ad5a828108b1936041525eb595fdffb5deb2"
		"c17fdd6d334160294811b8e0a1de9c2bf0f3239a9431bab6d8b436884a80caa8"
		"8121c529d8b5ec9f9a9a44b3c08bd9f3653a2534845b6d827e3f64ed725a1f53";
	uint8_t ikm[32], xts[STORAGE_XTS_KEY], hmac[STORAGE_HMAC_KEY], other[STORAGE_XTS_KEY];
	char hex[2 * 96 + 1];
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		ikm[i] = (uint8_t)i;
	assert_int_equal(storage_derive(ikm, sizeof(ikm), xts, hmac), 0);
	for (i = 0; i < STORAGE_XTS_KEY; i++)
		snprintf(hex + 2 * i, 3, "%02x", xts[i]);
	for (i = 0; i < STORAGE_HMAC_KEY; i++)
		snprintf(hex + 2 * (STORAGE_XTS_KEY + i), 3, "%02x", hmac[i]);
	assert_string_equal(hex, want);
	/* One bit of the KBS key changes everything. */
	ikm[31] ^= 1;
	assert_int_equal(storage_derive(ikm, sizeof(ikm), other, hmac), 0);
	assert_memory_not_equal(other, xts, sizeof(xts));
}

/*
 * A dm-integrity superblock as the storage step formats it, in the layout
 * of Linux 6.12.118's drivers/md/dm-integrity.c struct superblock: magic
 * "integrt", version 5, log2_interleave_sectors 15, integrity_tag_size 32,
 * journal_sections, provided_data_sectors, flags fix_padding|fix_hmac,
 * log2_sectors_per_block 3, then recalc_sector, padding and the salt.
 */
static void good_sb(uint8_t sb[4096])
{
	memset(sb, 0, 4096);
	memcpy(sb, "integrt", 8);
	sb[8] = 5;
	sb[9] = 15;
	sb[10] = 32;
	sb[12] = 16;            /* journal_sections */
	sb[17] = 0x10;          /* provided_data_sectors 0x1000 */
	sb[24] = 0x18;          /* flags */
	sb[28] = 3;
	memset(sb + 48, 0xa5, 16);  /* salt */
}

static const struct crypt_params_integrity good_ip = {
	.integrity = "hmac(sha256)",
	.integrity_key_size = 32,
	.tag_size = 32,
	.sector_size = 4096,
};

static int check(const struct crypt_params_integrity *ip, const uint8_t *sb)
{
	err[0] = '\0';
	return storage_integrity_check(ip, sb, 4096, err, sizeof(err));
}

static void test_integrity_params(void **state)
{
	static uint8_t sb[4096];
	struct crypt_params_integrity ip = good_ip;

	(void)state;
	good_sb(sb);
	assert_int_equal(check(&ip, sb), 0);

	/* What libcryptsetup loaded (it becomes the dm table). */
	ip.tag_size = 1;
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "tag size 1, expected 32");
	ip = good_ip;
	ip.sector_size = 512;
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "sector size 512, expected 4096");
	ip = good_ip;
	ip.integrity = "crc32c";
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "integrity algorithm crc32c, expected hmac(sha256)");
	ip.integrity = NULL;
	assert_int_equal(check(&ip, sb), -EINVAL);
	ip = good_ip;
	ip.integrity_key_size = 20;
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "integrity key size 20, expected 32");
	ip = good_ip;

	/* The superblock itself. */
	sb[10] = 1;
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "tag size 1, expected 32");
	sb[10] = 32;
	sb[11] = 1;                 /* 288: the high byte counts */
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "tag size 288, expected 32");
	sb[11] = 0;
	sb[28] = 0;
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "sector size 512, expected 4096");
	sb[28] = 200;
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "log2 sectors per block 200, expected 3");
	sb[28] = 3;
	sb[8] = 4;
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "superblock version 4, expected 5");
	sb[8] = 5;
	sb[24] = 0x18 | 0x2;        /* recalculating */
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "flags 0x1a, expected 0x18 (fix_padding, fix_hmac)");
	sb[24] = 0x18 | 0x4;        /* dirty bitmap */
	assert_int_equal(check(&ip, sb), -EINVAL);
	sb[24] = 0x18 | 0x1;        /* journal MAC */
	assert_int_equal(check(&ip, sb), -EINVAL);
	sb[24] = 0x08;              /* fix_hmac off: no salt in the tags */
	assert_int_equal(check(&ip, sb), -EINVAL);
	sb[24] = 0x18;
	sb[27] = 0x80;              /* a flag in the top byte */
	assert_int_equal(check(&ip, sb), -EINVAL);
	sb[27] = 0;
	sb[0] = 'X';
	assert_int_equal(check(&ip, sb), -EINVAL);
	assert_string_equal(err, "no dm-integrity superblock (magic \"integrt\")");
	sb[0] = 'i';
	assert_int_equal(storage_integrity_check(&ip, sb, 63, err, sizeof(err)), -EINVAL);
	/* Fields that only move where data and tags sit (DoS at most) pass. */
	sb[12] = 99;
	sb[9] = 10;
	assert_int_equal(check(&ip, sb), 0);
}

/*
 * Why the check exists: libcryptsetup (2.6.1 here; lib/setup.c
 * _crypt_load_integrity and lib/integrity/integrity.c INTEGRITY_read_sb)
 * loads the tag and sector size from the superblock and ignores the ones
 * it is given. A file with a tag-size-1 superblock loads as tag size 1.
 */
static void test_crypt_load_trusts_superblock(void **state)
{
	static uint8_t sb[4096];
	struct crypt_params_integrity want = good_ip, got;
	struct crypt_device *cd = NULL;
	char path[128];
	int fd;

	(void)state;
	good_sb(sb);
	sb[10] = 1;
	sb[28] = 0;
	snprintf(path, sizeof(path), "%s/disk.img", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, sb, sizeof(sb)), (ssize_t)sizeof(sb));
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	assert_int_equal(crypt_init(&cd, path), 0);
	assert_int_equal(crypt_load(cd, CRYPT_INTEGRITY, &want), 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(crypt_get_integrity_info(cd, &got), 0);
	assert_int_equal(got.tag_size, 1);
	assert_int_equal(got.sector_size, 512);
	assert_int_equal(storage_integrity_check(&got, sb, sizeof(sb), err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "tag size 1, expected 32");
	crypt_free(cd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_by_serial_and_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test(test_derive_known_answer),
		cmocka_unit_test(test_integrity_params),
		cmocka_unit_test_setup_teardown(test_crypt_load_trusts_superblock, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
