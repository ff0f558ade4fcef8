// SPDX-License-Identifier: Apache-2.0
/*
 * verity: see verity.h. The kernel already refuses corrupted blocks; this
 * step is the second line of defence: it checks that the kernel verifies
 * against the hash we were measured with, and (scan) that no block is bad.
 */
#include "verity.h"

#include <errno.h>
#include <fcntl.h>
#include <libcryptsetup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

enum { SCAN_CHUNK = 1 << 20 };

void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

static void crypt_log_fn(int level, const char *msg, void *usr)
{
	size_t n = strlen(msg);

	(void)usr;
	if (level != CRYPT_LOG_ERROR)
		return;
	while (n > 0 && msg[n - 1] == '\n')
		n--;
	log_info("libcryptsetup: %.*s", (int)n, msg);
}

/* Reads /sys/dev/block/<maj>:<min>/<rel> into buf, one line, no newline. */
static int sysfs_dev_read(struct boot *b, dev_t dev, const char *rel,
			  char *buf, size_t size)
{
	char path[PATH_MAX_SR];
	ssize_t n;
	int fd, r;

	snprintf(path, sizeof(path), "%s/%u:%u/%s", b->path.sys_dev_block,
		 major(dev), minor(dev), rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* /dev/<DEVNAME> of a block device, from its uevent. */
static int devnode(struct boot *b, dev_t dev, char *out, size_t size)
{
	char uevent[512], *p;
	char path[PATH_MAX_SR];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%u:%u/uevent", b->path.sys_dev_block,
		 major(dev), minor(dev));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, uevent, sizeof(uevent) - 1);
	close(fd);
	if (n < 0)
		return -EIO;
	uevent[n] = '\0';
	p = strstr(uevent, "DEVNAME=");
	if (!p)
		return -ENOENT;
	p += strlen("DEVNAME=");
	p[strcspn(p, "\n")] = '\0';
	if (strstr(p, "..") || *p == '\0')
		return -EINVAL;
	snprintf(out, size, "%s/%s", b->path.dev, p);
	return 0;
}

/* Reads every block of the root device; dm-verity fails a bad one with EIO. */
static int scan(struct boot *b, dev_t dev)
{
	char node[PATH_MAX_SR];
	struct stat st;
	unsigned long long off = 0;
	char *buf;
	int fd, r;

	r = devnode(b, dev, node, sizeof(node));
	if (r < 0)
		return boot_fail(b, r, "device node of %u:%u", major(dev), minor(dev));
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return boot_fail(b, -errno, "open %s", node);
	/* Trap seen in the lab: a name in devtmpfs that is not the device. */
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != dev) {
		close(fd);
		return boot_fail(b, 0, "%s is not block device %u:%u", node,
				 major(dev), minor(dev));
	}
	buf = malloc(SCAN_CHUNK);
	if (!buf) {
		close(fd);
		return boot_fail(b, -ENOMEM, "scan buffer");
	}
	for (;;) {
		ssize_t n = read(fd, buf, SCAN_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			free(buf);
			close(fd);
			return boot_fail(b, r, "root %s corrupted near byte %llu (dm-verity refused the block)",
					 node, off);
		}
		if (n == 0)
			break;
		off += (unsigned long long)n;
	}
	free(buf);
	close(fd);
	log_info("verity: scanned %llu bytes of %s, all blocks verified", off, node);
	return 0;
}

int step_verity(struct boot *b)
{
	struct crypt_params_verity vp;
	struct crypt_active_device cad;
	struct crypt_device *cd = NULL;
	char name[128], hash[ROOTHASH_HEX_MAX + 1];
	unsigned char key[ROOTHASH_HEX_MAX / 2];
	size_t key_size = sizeof(key);
	struct statvfs sv;
	struct stat st;
	const char *type;
	int r;

	crypt_set_log_callback(NULL, crypt_log_fn, NULL);

	if (stat("/", &st) < 0)
		return boot_fail(b, -errno, "stat /");
	r = sysfs_dev_read(b, st.st_dev, "dm/name", name, sizeof(name));
	if (r < 0)
		return boot_fail(b, r, "/ (%u:%u) is not a device-mapper device",
				 major(st.st_dev), minor(st.st_dev));

	r = crypt_init_by_name(&cd, name);
	if (r < 0)
		return boot_fail(b, r, "open dm device %s", name);
	type = crypt_get_type(cd);
	if (!type || strcmp(type, CRYPT_VERITY) != 0) {
		crypt_free(cd);
		return boot_fail(b, 0, "/ is dm device %s of type %s, not verity",
				 name, type ? type : "unknown");
	}
	r = crypt_get_verity_info(cd, &vp);
	if (r < 0) {
		crypt_free(cd);
		return boot_fail(b, r, "verity parameters of %s", name);
	}
	if (!vp.hash_name || strcmp(vp.hash_name, "sha256") != 0) {
		crypt_free(cd);
		return boot_fail(b, 0, "%s uses hash %s, want sha256", name,
				 vp.hash_name ? vp.hash_name : "unknown");
	}
	r = crypt_volume_key_get(cd, CRYPT_ANY_SLOT, (char *)key, &key_size, NULL, 0);
	if (r < 0) {
		crypt_free(cd);
		return boot_fail(b, r, "root hash of %s", name);
	}
	hex_encode(key, key_size, hash);
	if (strcmp(hash, b->cfg.roothash) != 0) {
		crypt_free(cd);
		return boot_fail(b, 0, "root hash mismatch: active %s, measured command line %s",
				 hash, b->cfg.roothash);
	}
	r = crypt_get_active_device(cd, name, &cad);
	crypt_free(cd);
	if (r < 0)
		return boot_fail(b, r, "status of %s", name);
	if (!(cad.flags & CRYPT_ACTIVATE_READONLY))
		return boot_fail(b, 0, "%s is not read-only", name);
	if (cad.flags & CRYPT_ACTIVATE_CORRUPTED)
		return boot_fail(b, 0, "%s reports corruption", name);
	if (statvfs("/", &sv) < 0)
		return boot_fail(b, -errno, "statvfs /");
	if (!(sv.f_flag & ST_RDONLY))
		return boot_fail(b, 0, "/ is mounted read-write");

	log_info("verity: / is %s, root hash %s", name, hash);
	if (b->cfg.verity_scan)
		return scan(b, st.st_dev);
	return 0;
}
