// SPDX-License-Identifier: Apache-2.0
/*
 * storage: see storage.h and docs/storage.md.
 */
#include "storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libcryptsetup.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "blockdev.h"
#include "file.h"
#include "mount.h"
#include "spawn.h"

#define MKE2FS "/sbin/mke2fs"
enum {
	FRESH_PROBE = 1 << 20,       /* this much of an all-zero disk means never formatted */
	JOURNAL_BYTES = 1 << 20,     /* dm-integrity's (unused) journal: fixed, not by size */
};

/* ---- finding the disk ------------------------------------------------------------- */

/* Which disk under sys_block has a partition called part (for the error). */
static int partition_of(const char *sys_block, const char *part, char *disk, size_t cap)
{
	char path[512];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(sys_block);

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!blockdev_name_ok(e->d_name) || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s/partition", sys_block, e->d_name, part);
		if (stat(path, &st) == 0) {
			snprintf(disk, cap, "%.31s", e->d_name);
			closedir(d);
			return 1;
		}
	}
	closedir(d);
	return 0;
}

int storage_find(const char *sys_block, const char *spec, const char *initdata_dev, char *name,
		 size_t cap, uint64_t *bytes, char *err, size_t errlen)
{
	char buf[64], disk[64], dev[80];
	unsigned long long sectors;
	struct stat st;
	int r;

	if (strncmp(spec, "/dev/", 5) == 0) {
		snprintf(name, cap, "%s", spec + 5);
		snprintf(buf, sizeof(buf), "%s/%s", sys_block, name);
		if (stat(buf, &st) < 0) {
			if (partition_of(sys_block, name, disk, sizeof(disk))) {
				snprintf(err, errlen, "%s is a partition of /dev/%s, not a whole disk",
					 spec, disk);
				return -EINVAL;
			}
			snprintf(err, errlen, "%s: no such disk", spec);
			return -ENOENT;
		}
	} else {
		r = blockdev_by_serial(sys_block, spec, name, cap, err, errlen);
		if (r < 0)
			return r;
	}
	snprintf(dev, sizeof(dev), "/dev/%s", name);
	if (initdata_dev && strcmp(dev, initdata_dev) == 0) {
		snprintf(err, errlen, "%s is the initdata disk", dev);
		return -EINVAL;
	}
	if (blockdev_has_entries(sys_block, name, ".", name) > 0) {
		snprintf(err, errlen, "%s has partitions; give a whole, unused disk", dev);
		return -EBUSY;
	}
	if (blockdev_has_entries(sys_block, name, "holders", NULL) > 0) {
		snprintf(err, errlen, "%s is in use (it has holders)", dev);
		return -EBUSY;
	}
	if (blockdev_attr(sys_block, name, "ro", buf, sizeof(buf)) == 0 && strcmp(buf, "0") != 0) {
		snprintf(err, errlen, "%s is read-only", dev);
		return -EROFS;
	}
	r = blockdev_attr(sys_block, name, "size", buf, sizeof(buf));
	if (r < 0 || sscanf(buf, "%llu", &sectors) != 1) {
		snprintf(err, errlen, "%s: no size in %s/%s/size", dev, sys_block, name);
		return r < 0 ? r : -EINVAL;
	}
	*bytes = (uint64_t)sectors * 512;
	if (*bytes < STORAGE_MIN_BYTES) {
		snprintf(err, errlen, "%s is %llu bytes, too small for scratch (at least %d MiB)", dev,
			 (unsigned long long)*bytes, STORAGE_MIN_BYTES >> 20);
		return -ENOSPC;
	}
	return 0;
}

/* ---- keys ------------------------------------------------------------------------- */

int storage_derive(const uint8_t *ikm, size_t len, uint8_t xts[STORAGE_XTS_KEY],
		   uint8_t hmac[STORAGE_HMAC_KEY])
{
	static const char salt[] = "sealroot scratch disk v1";
	uint8_t out[STORAGE_XTS_KEY + STORAGE_HMAC_KEY];
	OSSL_PARAM params[5];
	EVP_KDF_CTX *ctx;
	EVP_KDF *kdf;
	int ok;

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!ctx)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, len);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
						      sizeof(salt) - 1);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						      (void *)"aes-xts-plain64 + hmac(sha256)", 30);
	params[4] = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, out, sizeof(out), params) == 1;
	EVP_KDF_CTX_free(ctx);
	if (ok) {
		memcpy(xts, out, STORAGE_XTS_KEY);
		memcpy(hmac, out + STORAGE_XTS_KEY, STORAGE_HMAC_KEY);
	}
	OPENSSL_cleanse(out, sizeof(out));
	return ok ? 0 : -EIO;
}

/* ---- device-mapper through libcryptsetup --------------------------------------- */

static char crypt_msg[256];

static void on_crypt_log(int level, const char *msg, void *usr)
{
	(void)usr;
	if (level != CRYPT_LOG_ERROR)
		return;
	snprintf(crypt_msg, sizeof(crypt_msg), "%s", msg);
	for (size_t n = strlen(crypt_msg); n > 0 && crypt_msg[n - 1] == '\n'; n--)
		crypt_msg[n - 1] = '\0';
}

/*
 * The dm-integrity superblock at the start of the disk, as the kernel lays
 * it out (Linux 6.12.118, Debian's linux-source-6.12, drivers/md/dm-integrity.c
 * struct superblock): all little-endian.
 */
enum {
	SB_OFF_VERSION = 8,
	SB_OFF_TAG_SIZE = 10,        /* __le16 integrity_tag_size */
	SB_OFF_FLAGS = 24,           /* __le32 flags */
	SB_OFF_LOG2_SECTORS = 28,    /* log2_sectors_per_block: 3 for 4096 bytes */
	SB_LEN = 64,
	SB_FLAG_FIXED_PADDING = 0x8,
	SB_FLAG_FIXED_HMAC = 0x10,
	/* What the format gives: libcryptsetup 2.6.1 asks for fix_padding
	 * and fix_hmac whenever the kernel has them; the kernel then writes
	 * version 5. Any other flag is a mode sealroot never formats:
	 * journal MAC, recalculating (tags rewritten over the data on the
	 * disk, unchecked), dirty bitmap (bitmap mode), inline, keyed discard. */
	SB_VERSION = 5,
	SB_FLAGS = SB_FLAG_FIXED_PADDING | SB_FLAG_FIXED_HMAC,
	INTEGRITY_TAG = 32,
	INTEGRITY_SECTOR = 4096,
};
#define INTEGRITY_ALG "hmac(sha256)"

int storage_integrity_check(const struct crypt_params_integrity *ip, const uint8_t *sb, size_t len,
			    char *err, size_t errlen)
{
	unsigned tag, flags, log2;

	if (!ip->integrity || strcmp(ip->integrity, INTEGRITY_ALG) != 0) {
		snprintf(err, errlen, "integrity algorithm %s, expected %s",
			 ip->integrity ? ip->integrity : "(none)", INTEGRITY_ALG);
		return -EINVAL;
	}
	if (ip->integrity_key_size != STORAGE_HMAC_KEY) {
		snprintf(err, errlen, "integrity key size %u, expected %d", ip->integrity_key_size,
			 STORAGE_HMAC_KEY);
		return -EINVAL;
	}
	if (ip->tag_size != INTEGRITY_TAG) {
		snprintf(err, errlen, "tag size %u, expected %d", ip->tag_size, INTEGRITY_TAG);
		return -EINVAL;
	}
	if (ip->sector_size != INTEGRITY_SECTOR) {
		snprintf(err, errlen, "sector size %u, expected %d", ip->sector_size,
			 INTEGRITY_SECTOR);
		return -EINVAL;
	}
	if (len < SB_LEN || memcmp(sb, "integrt", 8) != 0) {
		snprintf(err, errlen, "no dm-integrity superblock (magic \"integrt\")");
		return -EINVAL;
	}
	/* The same fields again as the disk has them: libcryptsetup read them
	 * from there, and the kernel checks them against the table. */
	tag = (unsigned)sb[SB_OFF_TAG_SIZE] | (unsigned)sb[SB_OFF_TAG_SIZE + 1] << 8;
	if (tag != INTEGRITY_TAG) {
		snprintf(err, errlen, "tag size %u, expected %d", tag, INTEGRITY_TAG);
		return -EINVAL;
	}
	log2 = sb[SB_OFF_LOG2_SECTORS];
	if (log2 >= 16 || 512u << log2 != INTEGRITY_SECTOR) {
		if (log2 < 16)
			snprintf(err, errlen, "sector size %u, expected %d", 512u << log2,
				 INTEGRITY_SECTOR);
		else
			snprintf(err, errlen, "log2 sectors per block %u, expected 3", log2);
		return -EINVAL;
	}
	if (sb[SB_OFF_VERSION] != SB_VERSION) {
		snprintf(err, errlen, "superblock version %u, expected %d", sb[SB_OFF_VERSION],
			 SB_VERSION);
		return -EINVAL;
	}
	flags = (unsigned)sb[SB_OFF_FLAGS] | (unsigned)sb[SB_OFF_FLAGS + 1] << 8 |
		(unsigned)sb[SB_OFF_FLAGS + 2] << 16 | (unsigned)sb[SB_OFF_FLAGS + 3] << 24;
	if (flags != SB_FLAGS) {
		snprintf(err, errlen, "flags 0x%x, expected 0x%x (fix_padding, fix_hmac)", flags,
			 SB_FLAGS);
		return -EINVAL;
	}
	return 0;
}

/* The first 4 KiB of dev, past the page cache (which may hold an older view of the disk). */
static int read_sb(const char *dev, uint8_t *buf, size_t len)
{
	ssize_t n;
	int fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	do
		n = pread(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	n = n < 0 ? -errno : n;
	close(fd);
	if (n < 0)
		return (int)n;
	return n == (ssize_t)len ? 0 : -EIO;
}

static int integrity_open(struct boot *b, const char *dev, bool format, const uint8_t *hkey)
{
	static uint8_t sb[4096] __attribute__((aligned(4096)));
	struct crypt_params_integrity ip, got;
	struct crypt_device *cd = NULL;
	const char *what = format ? "format" : "open";
	char err[160];
	int r;

	memset(&ip, 0, sizeof(ip));
	ip.integrity = INTEGRITY_ALG;
	ip.integrity_key_size = STORAGE_HMAC_KEY;
	ip.tag_size = INTEGRITY_TAG;
	ip.sector_size = INTEGRITY_SECTOR;
	ip.journal_size = JOURNAL_BYTES;
	r = crypt_init(&cd, dev);
	if (r == 0)
		r = format ? crypt_format(cd, CRYPT_INTEGRITY, NULL, NULL, NULL, NULL, 0, &ip)
			   : crypt_load(cd, CRYPT_INTEGRITY, &ip);
	/*
	 * libcryptsetup 2.6.1's crypt_load takes the tag and sector size (and
	 * the recalculate flag) from the superblock, which is not
	 * authenticated, and ignores ip's ("FIXME: add checks for fields in
	 * integrity sb vs params", lib/setup.c _crypt_load_integrity). A host
	 * that writes tag size 1 would get 8-bit tags. So before anything is
	 * activated or written: what was loaded, and the superblock itself,
	 * must be exactly what we format (also checked right after a format).
	 */
	if (r == 0) {
		memset(&got, 0, sizeof(got));
		r = crypt_get_integrity_info(cd, &got);
		if (r == 0)
			r = read_sb(dev, sb, sizeof(sb));
		if (r == 0 && storage_integrity_check(&got, sb, sizeof(sb), err, sizeof(err)) < 0) {
			crypt_free(cd);
			return boot_fail(b, 0, "dm-integrity on %s (%s): the superblock has %s", dev,
					 what, err);
		}
	}
	if (r == 0)
		r = crypt_activate_by_volume_key(cd, STORAGE_DM_INTEGRITY, (const char *)hkey,
						 STORAGE_HMAC_KEY, CRYPT_ACTIVATE_NO_JOURNAL);
	crypt_free(cd);
	if (r < 0)
		return boot_fail(b, r, "dm-integrity on %s (%s)%s%s", dev, what,
				 crypt_msg[0] ? ": " : "", crypt_msg);
	b->storage_integrity = true;
	return 0;
}

static int crypt_open(struct boot *b, const char *dev, const uint8_t *xkey)
{
	struct crypt_params_plain pp;
	struct crypt_device *cd = NULL;
	int r;

	memset(&pp, 0, sizeof(pp));
	pp.sector_size = 4096;
	r = crypt_init(&cd, dev);
	if (r == 0)
		r = crypt_format(cd, CRYPT_PLAIN, "aes", "xts-plain64", NULL, (const char *)xkey,
				 STORAGE_XTS_KEY, &pp);
	if (r == 0)
		r = crypt_activate_by_volume_key(cd, STORAGE_DM_NAME, (const char *)xkey,
						 STORAGE_XTS_KEY, 0);
	crypt_free(cd);
	if (r < 0)
		return boot_fail(b, r, "dm-crypt on %s%s%s", dev, crypt_msg[0] ? ": " : "",
				 crypt_msg);
	b->storage_crypt = true;
	return 0;
}

void storage_teardown(struct boot *b)
{
	int r;

	/* The kernel zeroes a dm-crypt key when its table is destroyed. */
	if (b->storage_crypt) {
		r = crypt_deactivate(NULL, STORAGE_DM_NAME);
		if (r < 0)
			log_errno(r, "storage: remove %s", STORAGE_DM_NAME);
		b->storage_crypt = false;
	}
	if (b->storage_integrity) {
		r = crypt_deactivate(NULL, STORAGE_DM_INTEGRITY);
		if (r < 0)
			log_errno(r, "storage: remove %s", STORAGE_DM_INTEGRITY);
		b->storage_integrity = false;
	}
}

/* ---- the file system ---------------------------------------------------------------- */

/* Whether the first FRESH_PROBE bytes of dev are all zero (never formatted). */
static int all_zero(const char *dev, bool *zero)
{
	static uint8_t buf[65536];
	size_t done = 0, i;
	ssize_t n;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*zero = true;
	while (done < FRESH_PROBE && *zero) {
		n = pread(fd, buf, sizeof(buf), (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? -errno : -EIO;

			close(fd);
			return e;
		}
		for (i = 0; i < (size_t)n; i++)
			if (buf[i]) {
				*zero = false;
				break;
			}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

/* 0 when dev holds an ext4 superblock (magic 0xEF53 at 1024 + 56). */
static int has_ext4(const char *dev)
{
	uint8_t sb[2048];
	ssize_t n;
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = pread(fd, sb, sizeof(sb), 0);
	n = n < 0 ? -errno : n;
	close(fd);
	if (n < 0)
		return (int)n;
	if (n != (ssize_t)sizeof(sb) || sb[1024 + 56] != 0x53 || sb[1024 + 57] != 0xEF)
		return -EINVAL;
	return 0;
}

/*
 * With dm-integrity and no wipe, a sector never written reads as an I/O
 * error. mke2fs reads before it writes in a few places (signature probes,
 * the sectors it zaps at both ends, the block holding the superblock):
 * those ranges of the integrity device are written with zeros first (they
 * then decrypt to noise, which mke2fs overwrites), a fixed 2 MiB whatever
 * the disk size.
 */
static int zero_ends(const char *dev)
{
	static uint8_t zero[65536];
	uint64_t starts[2] = { 0, 0 }, off;
	off_t end;
	ssize_t n;
	int fd, i;

	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	end = lseek(fd, 0, SEEK_END);
	if (end < 2 * FRESH_PROBE) {
		close(fd);
		return end < 0 ? -errno : -ENOSPC;
	}
	starts[1] = (uint64_t)end - FRESH_PROBE;
	for (i = 0; i < 2; i++) {
		for (off = starts[i]; off < starts[i] + FRESH_PROBE; off += (uint64_t)n) {
			n = pwrite(fd, zero, sizeof(zero), (off_t)off);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n <= 0) {
				int e = n < 0 ? -errno : -EIO;

				close(fd);
				return e;
			}
		}
	}
	if (fsync(fd) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

/* Runs argv to its end with a clean environment; fails unless it exits 0. */
static int run(struct boot *b, char *const argv[])
{
	static char *const env[] = { "PATH=/sbin:/bin", NULL };
	const struct spawn sp = {
		.argv = argv,
		.envp = env,
		.mask = &b->child_mask,
		.null_stdio = true,
	};
	const char *what;
	int status, r;
	pid_t pid, w;

	r = spawn(&sp, &pid, &what);
	if (r < 0)
		return boot_fail(b, r, "%s %s", what, argv[0]);
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return boot_fail(b, -errno, "waitpid %s", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return boot_fail(b, 0, "%s failed (%s %d)", argv[0],
				 WIFEXITED(status) ? "exit" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

static int make_dirs(const char *path)
{
	char p[CONF_PATH_MAX];
	size_t i;

	snprintf(p, sizeof(p), "%s", path);
	for (i = 1; p[i]; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		p[i] = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- the step ----------------------------------------------------------------------- */

int step_storage(struct boot *b)
{
	const struct storage_config *st = &b->attest.storage;
	const char *spec = b->cfg.scratch[0] ? b->cfg.scratch : st->device;
	char name[64], dev[80], top[96], err[256], opts[48];
	uint8_t key[STORAGE_XTS_KEY + STORAGE_HMAC_KEY];
	bool kbs = st->key[0] != '\0', fresh = true;
	unsigned long flags = 0;
	uint64_t bytes = 0;
	int r;

	if (!spec[0]) {
		if (st->set)
			return boot_fail(b, 0, "[storage] names no device, and the command line has "
					 "no sealroot.scratch");
		log_info("storage: no scratch disk configured");
		return 0;
	}
	r = boot_openssl(b);
	if (r < 0)
		return r;
	if (b->cfg.scratch[0] && st->device[0] && strcmp(b->cfg.scratch, st->device) != 0)
		return boot_fail(b, 0, "sealroot.scratch=%s and [storage] device \"%s\" disagree",
				 b->cfg.scratch, st->device);
	r = storage_find(b->path.sys_block, spec, b->initdata.present ? b->initdata.device : "",
			 name, sizeof(name), &bytes, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "scratch disk %s: %s", spec, err);
	snprintf(dev, sizeof(dev), "%s/%s", b->path.dev, name);
	crypt_set_log_callback(NULL, on_crypt_log, NULL);
	crypt_msg[0] = '\0';

	/* The keys live on this stack page, locked, and are cleansed below. */
	mlock(key, sizeof(key));
	if (kbs) {
		if (!b->storage_key)
			return boot_fail(b, 0, "no key for the scratch disk came from the KBS");
		r = storage_derive(b->storage_key, b->storage_key_len, key, key + STORAGE_XTS_KEY);
		OPENSSL_secure_clear_free(b->storage_key, b->storage_key_len);
		b->storage_key = NULL;
		b->storage_key_len = 0;
		if (r < 0)
			return boot_fail(b, r, "deriving the scratch disk keys");
		r = all_zero(dev, &fresh);
		if (r < 0) {
			OPENSSL_cleanse(key, sizeof(key));
			return boot_fail(b, r, "read %s", dev);
		}
	} else if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		r = -errno;
		OPENSSL_cleanse(key, sizeof(key));
		return boot_fail(b, r, "getrandom");
	}

	snprintf(top, sizeof(top), "%s", dev);
	r = 0;
	if (st->integrity) {
		r = integrity_open(b, dev, !kbs || fresh, key + STORAGE_XTS_KEY);
		snprintf(top, sizeof(top), "/dev/mapper/%s", STORAGE_DM_INTEGRITY);
		if (r == 0 && (!kbs || fresh)) {
			r = zero_ends(top);
			if (r < 0)
				r = boot_fail(b, r, "writing the ends of %s", top);
		}
	}
	if (r == 0)
		r = crypt_open(b, top, key);
	OPENSSL_cleanse(key, sizeof(key));
	munlock(key, sizeof(key));
	if (r < 0)
		goto undo;
	snprintf(top, sizeof(top), "/dev/mapper/%s", STORAGE_DM_NAME);

	if (kbs && !fresh) {
		if (has_ext4(top) < 0) {
			r = boot_fail(b, 0, "the KBS key does not fit the scratch disk %s (it was "
				      "formatted with another key or integrity setting)", dev);
			goto undo;
		}
	} else {
		/* Nothing whose cost grows with the disk: no journal, no
		 * inode tables written (lazy_itable_init, and noinit_itable at
		 * mount), no backup superblocks (sparse_super2 with none),
		 * no reserved GDT blocks for online resizing. */
		char *argv[] = { MKE2FS, "-q", "-F", "-t", "ext4", "-b", "4096", "-m", "0",
				 "-O", "^has_journal,^resize_inode,sparse_super2",
				 "-E", "num_backup_sb=0,lazy_itable_init=1,nodiscard",
				 "-L", "sealroot-scratch", top, NULL };

		r = run(b, argv);
		if (r < 0)
			goto undo;
	}
	r = make_dirs(st->mountpoint);
	if (r < 0) {
		r = boot_fail(b, r, "mkdir %s", st->mountpoint);
		goto undo;
	}
	flags = (st->dev ? 0 : MS_NODEV) | (st->suid ? 0 : MS_NOSUID) |
		(st->exec ? 0 : MS_NOEXEC) | MS_NOATIME;
	/* noinit_itable: no background zeroing of inode tables, whose cost
	 * grows with the disk (docs/storage.md). */
	if (mount(top, st->mountpoint, "ext4", flags, "noinit_itable") < 0) {
		r = boot_fail(b, -errno, "mount %s on %s", top, st->mountpoint);
		goto undo;
	}
	mounts_add(b, st->mountpoint);
	b->storage_mounted = true;
	snprintf(opts, sizeof(opts), "%s%s%s", st->dev ? "dev" : "nodev",
		 st->suid ? ",suid" : ",nosuid", st->exec ? ",exec" : ",noexec");
	log_info("storage: %s (%llu MiB): %s key, aes-xts-plain64 4096-byte sectors%s, %s, "
		 "mounted on %s (%s)", dev, (unsigned long long)(bytes >> 20),
		 kbs ? "KBS" : "ephemeral", st->integrity ? ", dm-integrity hmac-sha256" : "",
		 kbs && !fresh ? "opened the existing ext4" : "new ext4", st->mountpoint, opts);
	return 0;
undo:
	storage_teardown(b);
	return r;
}
