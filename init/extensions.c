// SPDX-License-Identifier: Apache-2.0
/*
 * extensions: see extensions.h. The contract is Kata's
 * (kata-containers docs/design/composable-vm-images.md and
 * src/agent/kata-extension-mount.sh, commit 7c6ba40c): serial
 * "extension-<name>", dm-verity target "extension-<name>" opened without a
 * superblock, erofs read-only at /run/kata-extensions/<name>/, and the
 * layout against the command line decides (lib/extension.c).
 */
#include "extensions.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <libcryptsetup.h>

#include "blockdev.h"
#include "extension.h"
#include "hex.h"
#include "verity.h"

#define SERIAL_PREFIX "extension-"

/* "<disk><n>", or "<disk>p<n>" when the disk's name ends in a digit. */
static void part_name(const char *disk, int n, char *out, size_t cap)
{
	size_t len = strlen(disk);
	bool digit = len && disk[len - 1] >= '0' && disk[len - 1] <= '9';

	snprintf(out, cap, "%.31s%s%d", disk, digit ? "p" : "", n);
}

/* 1 if disk has partition n (sysfs <disk>/<part>/partition), else 0. */
static int has_part(const char *sys_block, const char *disk, int n)
{
	char part[48], path[512];
	struct stat st;

	part_name(disk, n, part, sizeof(part));
	snprintf(path, sizeof(path), "%s/%s/%s/partition", sys_block, disk, part);
	return stat(path, &st) == 0;
}

/*
 * Whether the disk has a partition other than p1 and p2 (any number: MBR
 * logical partitions start at 5). 1, 0, or -errno.
 */
static int other_partitions(const char *sys_block, const char *disk)
{
	char dir[512], path[800], p1[48], p2[48];
	struct dirent *d;
	struct stat st;
	DIR *dh;
	int found = 0;

	part_name(disk, 1, p1, sizeof(p1));
	part_name(disk, 2, p2, sizeof(p2));
	snprintf(dir, sizeof(dir), "%s/%s", sys_block, disk);
	dh = opendir(dir);
	if (!dh)
		return -errno;
	while (!found && (d = readdir(dh))) {
		if (strncmp(d->d_name, disk, strlen(disk)) != 0 || !strcmp(d->d_name, p1) ||
		    !strcmp(d->d_name, p2))
			continue;
		snprintf(path, sizeof(path), "%s/%.255s/partition", dir, d->d_name);
		found = stat(path, &st) == 0;
	}
	closedir(dh);
	return found;
}

/* Whether anything holds the disk or one of its two partitions. */
static int in_use(const char *sys_block, const char *disk)
{
	char sub[64];
	int n, r;

	r = blockdev_has_entries(sys_block, disk, "holders", NULL);
	for (n = 1; r == 0 && n <= 2; n++) {
		if (!has_part(sys_block, disk, n))
			continue;
		part_name(disk, n, sub, sizeof(sub));
		snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "/holders");
		r = blockdev_has_entries(sys_block, disk, sub, NULL);
	}
	return r;
}

/* dm-verity over data with the tree on hash, no superblock, read-only. */
static int verity_open(struct boot *b, const struct extension *e, const char *data,
		       const char *hash, const char *dm_name)
{
	struct crypt_params_verity vp;
	struct crypt_device *cd = NULL;
	uint8_t root[EXT_ROOT_HASH_HEX / 2], salt[EXT_SALT_HEX_MAX / 2];
	size_t salt_len = strlen(e->salt) / 2;
	int r;

	if (hex_decode(e->root_hash, root, sizeof(root)) < 0 ||
	    hex_decode(e->salt, salt, salt_len) < 0)
		return boot_fail(b, 0, "extension %s: bad hex in verity_params", e->name);
	memset(&vp, 0, sizeof(vp));
	vp.hash_name = "sha256";
	vp.data_device = data;
	vp.hash_device = hash;
	vp.salt = (const char *)salt;
	vp.salt_size = (uint32_t)salt_len;
	vp.hash_type = 1;
	vp.data_block_size = e->data_block_size;
	vp.hash_block_size = e->hash_block_size;
	vp.data_size = e->data_blocks;
	vp.hash_area_offset = 0;
	vp.flags = CRYPT_VERITY_NO_HEADER;
	r = crypt_init_data_device(&cd, hash, data);
	if (r == 0)
		r = crypt_format(cd, CRYPT_VERITY, NULL, NULL, NULL, NULL, 0, &vp);
	if (r == 0)
		r = crypt_activate_by_volume_key(cd, dm_name, (const char *)root, sizeof(root),
						 CRYPT_ACTIVATE_READONLY);
	crypt_free(cd);
	if (r < 0)
		return boot_fail(b, r, "extension %s: dm-verity over %s and %s (root hash %s)",
				 e->name, data, hash, e->root_hash);
	return 0;
}

static int mount_ro(struct boot *b, const struct extension *e, const char *src)
{
	char dir[PATH_MAX_SR];

	if (mkdir(b->path.extensions_dir, 0755) < 0 && errno != EEXIST)
		return boot_fail(b, -errno, "mkdir %s", b->path.extensions_dir);
	snprintf(dir, sizeof(dir), "%s/%s", b->path.extensions_dir, e->name);
	if (mkdir(dir, 0755) < 0)
		return boot_fail(b, -errno, "mkdir %s", dir);
	/* The agent starts programs from it: exec stays; devices and setuid do not. */
	if (mount(src, dir, "erofs", MS_RDONLY | MS_NODEV | MS_NOSUID, NULL) < 0)
		return boot_fail(b, -errno, "extension %s: mount %s (erofs) on %s", e->name, src,
				 dir);
	return 0;
}

static int one(struct boot *b, const struct extension *e)
{
	const char *sys_block = b->path.sys_block;
	char serial[sizeof(SERIAL_PREFIX) + EXT_NAME_MAX], disk[64], err[160];
	char p1[48], p2[48], data[PATH_MAX_SR], hash[PATH_MAX_SR], dm_name[32], node[PATH_MAX_SR];
	bool hash_part;
	int r;

	snprintf(serial, sizeof(serial), SERIAL_PREFIX "%s", e->name);
	r = blockdev_by_serial(sys_block, serial, disk, sizeof(disk), err, sizeof(err));
	if (r < 0)
		return boot_fail(b, r, "extension %s: %s", e->name, err);
	r = other_partitions(sys_block, disk);
	if (r != 0)
		return boot_fail(b, r < 0 ? r : 0, "extension %s: /dev/%s has a partition other than "
				 "p1 and p2; an extension disk has p1 (erofs) and, when measured, p2 "
				 "(its hash tree)", e->name, disk);
	r = in_use(sys_block, disk);
	if (r != 0)
		return boot_fail(b, r < 0 ? r : 0, "extension %s: /dev/%s is in use", e->name, disk);
	part_name(disk, 1, p1, sizeof(p1));
	part_name(disk, 2, p2, sizeof(p2));
	hash_part = has_part(sys_block, disk, 2);
	switch (extension_action(hash_part, e->measured)) {
	case EXT_REFUSE_STRIPPED:
		return boot_fail(b, 0, "extension %s: /dev/%s has a dm-verity hash partition but the "
				 "command line gives no verity_params; refusing to mount it "
				 "unverified", e->name, disk);
	case EXT_REFUSE_NO_HASH:
		return boot_fail(b, 0, "extension %s: the command line gives verity_params but "
				 "/dev/%s has no hash partition; nothing to verify", e->name, disk);
	case EXT_RAW:
		if (has_part(sys_block, disk, 1))
			snprintf(data, sizeof(data), "%s/%s", b->path.dev, p1);
		else
			snprintf(data, sizeof(data), "%s/%s", b->path.dev, disk);
		r = mount_ro(b, e, data);
		if (r < 0)
			return r;
		log_info("extensions: %s: UNMEASURED (no hash partition, no verity_params): %s "
			 "mounted read-only on %s/%s", e->name, data, b->path.extensions_dir, e->name);
		return 0;
	case EXT_VERIFY:
		break;
	}
	if (!has_part(sys_block, disk, 1))
		return boot_fail(b, 0, "extension %s: /dev/%s has p2 but no p1", e->name, disk);
	snprintf(data, sizeof(data), "%s/%s", b->path.dev, p1);
	snprintf(hash, sizeof(hash), "%s/%s", b->path.dev, p2);
	snprintf(dm_name, sizeof(dm_name), SERIAL_PREFIX "%s", e->name);
	r = verity_open(b, e, data, hash, dm_name);
	if (r < 0)
		return r;
	snprintf(node, sizeof(node), "%s/mapper/%s", b->path.dev, dm_name);
	/* As the root: with the full scan, a bad block stops the boot now. */
	if (b->cfg.verity_scan) {
		r = verity_read_all(b, "extension", node, 0);
		if (r < 0)
			return r;
	}
	r = mount_ro(b, e, node);
	if (r < 0)
		return r;
	log_info("extensions: %s: verified, root hash %s: %s mounted read-only on %s/%s", e->name,
		 e->root_hash, node, b->path.extensions_dir, e->name);
	return 0;
}

/* Logs each disk with an extension serial that the command line does not name. */
static void log_unnamed(struct boot *b)
{
	const struct cmdline_config *c = &b->cfg;
	char s[128];
	struct dirent *d;
	DIR *dir = opendir(b->path.sys_block);
	size_t i;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!blockdev_name_ok(d->d_name) ||
		    (blockdev_attr(b->path.sys_block, d->d_name, "serial", s, sizeof(s)) < 0 &&
		     blockdev_attr(b->path.sys_block, d->d_name, "device/serial", s, sizeof(s)) < 0) ||
		    strncmp(s, SERIAL_PREFIX, strlen(SERIAL_PREFIX)) != 0)
			continue;
		for (i = 0; i < c->n_ext; i++)
			if (strcmp(s + strlen(SERIAL_PREFIX), c->ext[i].name) == 0)
				break;
		if (i == c->n_ext)
			log_info("extensions: /dev/%s has the serial \"%s\" but the command line names "
				 "no such extension; ignored", d->d_name, s);
	}
	closedir(dir);
}

int step_extensions(struct boot *b)
{
	size_t i;
	int r;

	log_unnamed(b);
	if (b->cfg.n_ext == 0) {
		log_info("extensions: none on the command line");
		return 0;
	}
	/* libcryptsetup uses OpenSSL. */
	r = boot_openssl(b);
	if (r < 0)
		return r;
	for (i = 0; i < b->cfg.n_ext; i++) {
		r = one(b, &b->cfg.ext[i]);
		if (r < 0)
			return r;
	}
	return 0;
}
