// SPDX-License-Identifier: Apache-2.0
/*
 * mount: see mount.h. The table is the whole policy; the code only walks it.
 */
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* linux include/uapi/linux/magic.h; older copies of it lack CONFIGFS_MAGIC. */
#ifndef CONFIGFS_MAGIC
#define CONFIGFS_MAGIC 0x62656570
#endif

#define NOSUID_NODEV_NOEXEC (MS_NOSUID | MS_NODEV | MS_NOEXEC)

const struct mount_entry early_mounts[] = {
	/* source     target               fstype      flags                         data                                   magic                mode */
	{ "proc",     "/proc",             "proc",     NOSUID_NODEV_NOEXEC,          NULL,                                  PROC_SUPER_MAGIC,    0 },
	{ "sysfs",    "/sys",              "sysfs",    NOSUID_NODEV_NOEXEC,          NULL,                                  SYSFS_MAGIC,         0 },
	/* devtmpfs reports the tmpfs magic. */
	{ "devtmpfs", "/dev",              "devtmpfs", MS_NOSUID | MS_NOEXEC,        "mode=0755",                           TMPFS_MAGIC,         0 },
	{ "devpts",   "/dev/pts",          "devpts",   MS_NOSUID | MS_NOEXEC,        "newinstance,ptmxmode=0666,mode=0620", DEVPTS_SUPER_MAGIC,  0755 },
	{ "shm",      "/dev/shm",          "tmpfs",    NOSUID_NODEV_NOEXEC,          "mode=1777",                           TMPFS_MAGIC,         01777 },
	{ "run",      "/run",              "tmpfs",    MS_NOSUID | MS_NODEV,         "mode=0755",                           TMPFS_MAGIC,         0 },
	{ "tmp",      "/tmp",              "tmpfs",    MS_NOSUID | MS_NODEV,         "mode=1777",                           TMPFS_MAGIC,         0 },
	{ "configfs", "/sys/kernel/config", "configfs", NOSUID_NODEV_NOEXEC,         NULL,                                  CONFIGFS_MAGIC,      0 },
	{ "cgroup2",  "/sys/fs/cgroup",    "cgroup2",  NOSUID_NODEV_NOEXEC,          "nsdelegate",                          CGROUP2_SUPER_MAGIC, 0 },
};
const size_t n_early_mounts = sizeof(early_mounts) / sizeof(early_mounts[0]);
_Static_assert(sizeof(early_mounts) / sizeof(early_mounts[0]) <= MOUNTS_MAX,
	       "b->mounted must hold every early mount");

/* True when target is a mount point of the entry's type already. */
static bool already_mounted(const struct mount_entry *m)
{
	struct statfs sf;
	struct stat st, parent;
	char up[PATH_MAX_SR];
	int n;

	if (statfs(m->target, &sf) < 0 || (unsigned long)sf.f_type != m->magic)
		return false;
	/* The same type as the parent (tmpfs on tmpfs) is not proof: compare
	 * device numbers with the parent directory. */
	n = snprintf(up, sizeof(up), "%s/..", m->target);
	if (n < 0 || (size_t)n >= sizeof(up))
		return false;
	if (stat(m->target, &st) < 0 || stat(up, &parent) < 0)
		return false;
	return st.st_dev != parent.st_dev;
}

static int console_to_stdio(struct boot *b)
{
	int fd, i;

	fd = open(b->path.console, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return boot_fail(b, -errno, "open %s", b->path.console);
	for (i = 0; i < 3; i++) {
		if (dup2(fd, i) < 0) {
			int r = -errno;
			close(fd);
			return boot_fail(b, r, "dup2 %s", b->path.console);
		}
	}
	if (fd > 2)
		close(fd);
	return 0;
}

void mounts_add(struct boot *b, const char *target)
{
	if (b->n_mounted < MOUNTS_MAX)
		b->mounted[b->n_mounted++] = target;
}

int step_mount(struct boot *b)
{
	size_t i;

	for (i = 0; i < n_early_mounts; i++) {
		const struct mount_entry *m = &early_mounts[i];

		if (m->mode && mkdir(m->target, m->mode) < 0 && errno != EEXIST)
			return boot_fail(b, -errno, "mkdir %s", m->target);
		if (already_mounted(m))
			continue;
		if (mount(m->source, m->target, m->fstype, m->flags, m->data) < 0) {
			if (errno == EBUSY && already_mounted(m))
				continue;
			return boot_fail(b, -errno, "mount %s on %s", m->fstype, m->target);
		}
		mounts_add(b, m->target);
	}
	/* The kernel opens the console on its own initial rootfs; reopen it
	 * from our /dev so fds 0-2 are the console whatever happened there. */
	return console_to_stdio(b);
}

void mounts_undo(struct boot *b)
{
	while (b->n_mounted > 0) {
		const char *t = b->mounted[--b->n_mounted];

		if (umount2(t, 0) == 0)
			continue;
		if (errno == EBUSY) {
			if (mount(NULL, t, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
				log_errno(-errno, "shutdown: remount %s read-only", t);
			else
				log_info("shutdown: %s busy, remounted read-only", t);
		} else {
			log_errno(-errno, "shutdown: umount %s", t);
		}
	}
}
