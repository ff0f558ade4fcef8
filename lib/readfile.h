/* SPDX-License-Identifier: Apache-2.0 */
/*
 * readfile: a whole file into memory, with a cap: the firmware, kernel and
 * TOML files the host tools read, and the CCEL table the init sends.
 * Reads: the file at path. Changes: nothing.
 * On failure: -errno, -EFBIG when the file has more than cap bytes, or
 * -ENOMEM; *what names the operation that failed ("open" or "read"), and
 * nothing is returned.
 */
#ifndef SEALROOT_READFILE_H
#define SEALROOT_READFILE_H

#include <stddef.h>
#include <stdint.h>

/* *out is malloc'd, never NULL on success (even for an empty file), and
 * has a NUL byte after its *len bytes. */
int read_file(const char *path, size_t cap, uint8_t **out, size_t *len, const char **what);

#endif
