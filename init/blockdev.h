/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blockdev: disks as sysfs shows them (/sys/block/<name>/...), for the
 * steps that pick a disk by what the measured configuration names: the
 * scratch disk (storage.c) and the extension images (extensions.c). A
 * disk is found by its virtio serial, never by the probe order, which the
 * host controls; two disks with one serial are an error, since the host
 * would be choosing.
 * Reads: sys_block (a struct paths member, so unit tests use a fake tree).
 * Changes: nothing. On failure: -errno, with one reason in err where given.
 */
#ifndef SEALROOT_BLOCKDEV_H
#define SEALROOT_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>

/* The first line of dir/name/attr into buf, trailing blanks cut; -errno. */
int blockdev_attr(const char *dir, const char *name, const char *attr, char *buf, size_t cap);

/* A directory entry that can be a disk: no leading '.', under 32 bytes. */
bool blockdev_name_ok(const char *n);

/* Whether dir/name/sub has an entry (starting with prefix, if not NULL)
 * other than . and ..: 1, 0, or -errno if unreadable. */
int blockdev_has_entries(const char *dir, const char *name, const char *sub, const char *prefix);

/*
 * The one disk whose serial (serial, else device/serial) is exactly
 * serial, into name: -ENOENT when none, -EEXIST when two.
 */
int blockdev_by_serial(const char *sys_block, const char *serial, char *name, size_t cap,
		       char *err, size_t errlen);

#endif
