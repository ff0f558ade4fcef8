// SPDX-License-Identifier: Apache-2.0
/*
 * verity: see verity.h. The kernel already refuses corrupted blocks; this
 * step is the second line of defence: it checks that the kernel verifies
 * against the hash we were measured with, and (scan) that no block is bad.
 *
 * The table itself is the ground truth, not libcryptsetup: Kata's
 * dm-mod.create line gives the device no "CRYPT-VERITY-" UUID, so
 * libcryptsetup cannot tell its type. One DM_TABLE_STATUS ioctl asks for
 * it (linux/dm-ioctl.h, the kernel's stable interface): libdevmapper's
 * first use (version checks, /proc reads, its code paged in through
 * dm-verity) cost about 40 ms of every boot under emulation for two
 * queries.
 */
#include "verity.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <sys/ioctl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file.h"

enum { SCAN_CHUNK = 1 << 20 };

/*
 * One device-mapper query of dev: its table (table true) or its status.
 * Expects exactly one target; copies its type and params out, and whether
 * the device is read-only into *read_only unless it is NULL.
 */
static int dm_query(struct boot *b, bool table, dev_t dev, bool *read_only,
		    char *ttype, size_t tsize, char *params, size_t psize)
{
	static union {
		struct dm_ioctl io;
		char buf[16384];
	} q;
	struct dm_target_spec *spec;
	const char *pp;
	int fd, r;

	memset(&q, 0, sizeof(q));
	q.io.version[0] = DM_VERSION_MAJOR;
	q.io.version[1] = 0;
	q.io.version[2] = 0;
	q.io.data_size = sizeof(q.buf);
	q.io.data_start = sizeof(struct dm_ioctl);
	/* The kernel's encoding of dev_t in this field (huge_decode_dev). */
	q.io.dev = (minor(dev) & 0xff) | ((uint64_t)major(dev) << 8) |
		   ((uint64_t)(minor(dev) & ~0xffu) << 12);
	q.io.flags = table ? DM_STATUS_TABLE_FLAG : 0;
	fd = open(b->path.dm_control, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return boot_fail(b, -errno, "open %s", b->path.dm_control);
	r = ioctl(fd, DM_TABLE_STATUS, &q.io);
	r = r < 0 ? -errno : 0;
	close(fd);
	if (r == -ENXIO)
		return boot_fail(b, -ENODEV, "device-mapper device %u:%u", major(dev), minor(dev));
	if (r < 0)
		return boot_fail(b, r, "device-mapper query of %u:%u", major(dev), minor(dev));
	if (q.io.flags & DM_BUFFER_FULL_FLAG)
		return boot_fail(b, 0, "device-mapper params too long");
	if (q.io.target_count != 1 || q.io.data_start < sizeof(struct dm_ioctl) ||
	    q.io.data_start + sizeof(*spec) >= sizeof(q.buf) ||
	    q.io.data_size > sizeof(q.buf))
		return boot_fail(b, 0, "%u:%u must have exactly one target", major(dev), minor(dev));
	spec = (struct dm_target_spec *)(q.buf + q.io.data_start);
	pp = (const char *)(spec + 1);
	if (!memchr(spec->target_type, '\0', sizeof(spec->target_type)) ||
	    !memchr(pp, '\0', sizeof(q.buf) - (size_t)(pp - q.buf)))
		return boot_fail(b, 0, "device-mapper reply of %u:%u is not terminated",
				 major(dev), minor(dev));
	if (read_only)
		*read_only = (q.io.flags & DM_READONLY_FLAG) != 0;
	snprintf(ttype, tsize, "%s", spec->target_type);
	if ((size_t)snprintf(params, psize, "%s", pp) >= psize)
		return boot_fail(b, 0, "device-mapper params too long");
	return 0;
}

/* /dev/<DEVNAME> of a block device, from its uevent. */
static int devnode(struct boot *b, dev_t dev, char *out, size_t size)
{
	char uevent[512], *p;
	char path[PATH_MAX_SR];
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/%u:%u/uevent", b->path.sys_dev_block,
		 major(dev), minor(dev));
	r = file_read_all(path, uevent, sizeof(uevent), &len);
	if (r < 0)
		return r;
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

/*
 * Opens node for a scan: it must be block device dev (unless dev is 0), since
 * a name in devtmpfs can be a plain file, not the device.
 */
static int scan_open(struct boot *b, const char *node, dev_t dev, int *fd_out)
{
	struct stat st;
	int fd;

	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return boot_fail(b, -errno, "open %s", node);
	if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || (dev && st.st_rdev != dev)) {
		close(fd);
		return boot_fail(b, 0, "%s is not block device %u:%u", node,
				 major(dev), minor(dev));
	}
	*fd_out = fd;
	return 0;
}

/* Reads fd to its end. 0, or -errno with *off where the read failed. */
static int scan_fd(int fd, unsigned long long *off)
{
	char *buf = malloc(SCAN_CHUNK);
	int r = 0;

	*off = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf, SCAN_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		*off += (unsigned long long)n;
	}
	free(buf);
	return r;
}

static int scan_result(struct boot *b, const char *what, const char *node, int r,
		       unsigned long long off)
{
	if (r == -ENOMEM)
		return boot_fail(b, r, "scan buffer");
	if (r < 0)
		return boot_fail(b, r, "%s %s corrupted near byte %llu (dm-verity refused the block)",
				 what, node, off);
	log_info("verity: scanned %llu bytes of %s, all blocks verified", off, node);
	return 0;
}

int verity_read_all(struct boot *b, const char *what, const char *node, dev_t dev)
{
	unsigned long long off;
	int fd, r;

	r = scan_open(b, node, dev, &fd);
	if (r < 0)
		return r;
	r = scan_fd(fd, &off);
	close(fd);
	return scan_result(b, what, node, r, off);
}

/*
 * The root's full scan runs in a thread of its own while the later steps
 * run; step_verity_scan joins it before the agent starts. The thread touches
 * only its fd and its result fields, which the join reads after
 * pthread_join; it logs nothing (the log and struct boot are the main
 * thread's).
 */
static struct root_scan {
	pthread_t thread;
	bool started;
	int fd;
	dev_t dev;
	double t0;
	char node[PATH_MAX_SR];
	int r;
	int sched_err;
	unsigned long long off;
} root_scan = { .fd = -1 };

static void *root_scan_main(void *arg)
{
	struct root_scan *s = arg;
	struct sched_param sp = { 0 };

	/* Idle priority: the boot path goes first and the scan takes the
	 * time it waits (for the disk, the network, the KBS). dm-verity still
	 * hashes what the scan reads in its own kernel workers. Should this
	 * fail, the scan only runs at normal priority. */
	s->sched_err = pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
	s->r = scan_fd(s->fd, &s->off);
	return NULL;
}

/* Starts reading every block of the root device; dm-verity fails a bad one
 * with EIO, which step_verity_scan turns into the FATAL line. */
static int scan_start(struct boot *b, dev_t dev)
{
	struct root_scan *s = &root_scan;
	int r;

	r = devnode(b, dev, s->node, sizeof(s->node));
	if (r < 0)
		return boot_fail(b, r, "device node of %u:%u", major(dev), minor(dev));
	r = scan_open(b, s->node, dev, &s->fd);
	if (r < 0)
		return r;
	s->dev = dev;
	s->r = 0;
	s->sched_err = 0;
	s->off = 0;
	s->t0 = log_uptime();
	r = pthread_create(&s->thread, NULL, root_scan_main, s);
	if (r != 0) {
		close(s->fd);
		s->fd = -1;
		return boot_fail(b, -r, "start the scan of %s", s->node);
	}
	s->started = true;
	log_info("verity: scanning every block of %s beside the next steps", s->node);
	return 0;
}

bool verity_root_hash_equal(const char *active, const char *measured)
{
	size_t n = strlen(measured);

	/* Every digit and the length: never a prefix, never case-folded. */
	return n > 0 && strlen(active) == n && memcmp(active, measured, n) == 0;
}

static int verity_check(struct boot *b);
static int verity_status(struct boot *b, dev_t dev);

/* sealroot.root=initramfs: / must be the initramfs the kernel unpacked
 * (rootfs: ramfs or tmpfs), never a disk the host attached. */
static int initramfs_check(struct boot *b)
{
	struct statfs sf;

	if (statfs("/", &sf) < 0)
		return boot_fail(b, -errno, "statfs /");
	if (sf.f_type != RAMFS_MAGIC && sf.f_type != TMPFS_MAGIC)
		return boot_fail(b, 0, "sealroot.root=initramfs, but / is not the initramfs (file system 0x%lx)",
				 (unsigned long)sf.f_type);
	/* Read-only, as the verity root is: nothing writes to /. */
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return boot_fail(b, -errno, "remount / read-only");
	log_info("verity: / is the initramfs, measured with the kernel (sealroot.root=initramfs), now read-only");
	return 0;
}

int step_verity(struct boot *b)
{
	int r;

	if (b->cfg.root_initramfs)
		return initramfs_check(b);
	r = verity_check(b);
	return r;
}

static int verity_check(struct boot *b)
{
	char ttype[32], params[1024], err[128];
	struct verity_table t;
	bool read_only = false;
	struct statvfs sv;
	struct stat st;
	int r;

	if (stat("/", &st) < 0)
		return boot_fail(b, -errno, "stat /");
	r = dm_query(b, true, st.st_dev, &read_only, ttype, sizeof(ttype),
		     params, sizeof(params));
	if (r < 0)
		return boot_fail(b, r, "/ (%u:%u) is not a device-mapper device",
				 major(st.st_dev), minor(st.st_dev));
	if (strcmp(ttype, "verity") != 0)
		return boot_fail(b, 0, "/ is a dm %s target, not verity", ttype);
	if (!read_only)
		return boot_fail(b, 0, "/ dm device is not read-only");
	r = verity_parse_table(params, &t, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "%s", err);
	if (strcmp(t.algorithm, "sha256") != 0)
		return boot_fail(b, 0, "verity uses %s, want sha256", t.algorithm);
	if (!verity_root_hash_equal(t.root_hash, b->cfg.roothash))
		return boot_fail(b, 0, "root hash mismatch: active %s, measured command line %s",
				 t.root_hash, b->cfg.roothash);
	if (statvfs("/", &sv) < 0)
		return boot_fail(b, -errno, "statvfs /");
	if (!(sv.f_flag & ST_RDONLY))
		return boot_fail(b, 0, "/ is mounted read-write");

	log_info("verity: / is dm-verity, root hash %s", t.root_hash);
	/* The status before the scan starts, so that what it finds is
	 * always the verity-scan step's to report. */
	r = verity_status(b, st.st_dev);
	if (r < 0 || !b->cfg.verity_scan)
		return r;
	return scan_start(b, st.st_dev);
}

/* The target's own verdict: "V" verified, "C" corrupted (a block some
 * reader was refused). */
static int verity_status(struct boot *b, dev_t dev)
{
	char ttype[32], params[1024];
	int r;

	r = dm_query(b, false, dev, NULL, ttype, sizeof(ttype),
		     params, sizeof(params));
	if (r < 0)
		return r;
	if (params[0] != 'V')
		return boot_fail(b, 0, "dm-verity status \"%.8s\": corruption seen", params);
	return 0;
}

int step_verity_scan(struct boot *b)
{
	struct root_scan *s = &root_scan;
	int r;

	if (!s->started)
		return 0;
	s->started = false;
	r = pthread_join(s->thread, NULL);
	if (r != 0)
		return boot_fail(b, -r, "join the scan of %s", s->node);
	close(s->fd);
	s->fd = -1;
	r = scan_result(b, "root", s->node, s->r, s->off);
	if (r < 0)
		return r;
	if (s->sched_err)
		log_errno(-s->sched_err, "verity: the scan ran at normal priority");
	log_info("verity: the scan ended %.3f s after it started", log_uptime() - s->t0);
	return verity_status(b, s->dev);
}
