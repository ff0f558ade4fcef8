/* SPDX-License-Identifier: Apache-2.0 */
/*
 * file: reads a small file (a /proc or /sys entry, a config list) whole,
 * writes one value to a kernel attribute (sysfs, configfs, /proc/sys,
 * cgroupfs), and writes the init's private files (initdata, secrets) onto
 * tmpfs.
 * Reads: path. Changes: only the attribute, directory and files asked for.
 * On failure: -errno from the system call, or -EFBIG when a file does not
 * fit in size - 1 bytes (it is never silently truncated); *what names the
 * operation that failed.
 */
#ifndef SEALROOT_FILE_H
#define SEALROOT_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Reads all of path into buf, NUL-terminated; *len gets the byte count. */
int file_read_all(const char *path, char *buf, size_t size, size_t *len);

/*
 * Writes data (len bytes) to path with one write(2), the way a kernel
 * attribute takes a value; a short write is -EIO. When what is not NULL,
 * *what is "open" or "write": the operation that failed.
 */
int file_write_value(const char *path, const void *data, size_t len, const char **what);

/*
 * path as a directory of ours with mode 0700, its parent made with
 * parent_mode when missing; opened O_DIRECTORY|O_NOFOLLOW into *dfd and
 * checked to be on tmpfs, so nothing written there reaches a disk.
 */
int file_private_dir(const char *path, mode_t parent_mode, int *dfd, const char **what);

/*
 * Creates name in dfd (mode 0400, O_EXCL|O_NOFOLLOW: never over or through
 * anything already there) and writes all of data; a partly written file is
 * removed again.
 */
int file_write_new(int dfd, const char *name, const void *data, size_t len, const char **what);

#endif
