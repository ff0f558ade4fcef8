/* SPDX-License-Identifier: Apache-2.0 */
/*
 * file: reads a small file (a /proc or /sys entry, a config list) whole.
 * Reads: path. Changes: nothing.
 * On failure: -errno from open/read, or -EFBIG when the file does not fit
 * in size - 1 bytes (it is never silently truncated).
 */
#ifndef SEALROOT_FILE_H
#define SEALROOT_FILE_H

#include <stddef.h>

/* Reads all of path into buf, NUL-terminated; *len gets the byte count. */
int file_read_all(const char *path, char *buf, size_t size, size_t *len);

#endif
