/* SPDX-License-Identifier: Apache-2.0 */
/*
 * unit: what the cmocka unit tests share: reading and writing whole files,
 * a scratch directory under /tmp for the fake /sys, /dev and configfs
 * trees, and a fake configfs-tsm report entry. Linked into every test (the
 * Makefile's UNIT_HELPERS).
 * Reads and changes: the files and directories named.
 * On failure: the calling test fails (cmocka); nothing is returned.
 */
#ifndef SEALROOT_UNIT_H
#define SEALROOT_UNIT_H

#include <stddef.h>
#include <stdint.h>

/* All of path, malloc'd, with a NUL byte after its *len bytes. */
char *unit_slurp(const char *path, size_t *len);

/* path created (0600) or truncated, holding exactly data. */
void unit_put(const char *path, const void *data, size_t len);

/* A new, empty directory /tmp/sr-<what>-XXXXXX; its path into dir. */
void unit_tmpdir(char *dir, size_t cap, const char *what);

/* dir and everything below it removed. */
void unit_rmtree(const char *dir);

/*
 * A configfs-tsm report entry as the kernel shows a fresh one in the
 * directory dir: the attributes provider, inblob (empty), outblob and
 * generation. Tests call it from their mkdir() wrapper.
 */
void unit_tsm_entry(const char *dir, const char *provider, const void *outblob, size_t out_len,
		    const char *generation);

/*
 * What configfs does at rmdir() of the entry: the attributes go with it.
 * The inblob written (at most cap bytes) is copied to in first; returns its
 * length. Tests call it from their rmdir() wrapper, then the real rmdir().
 */
size_t unit_tsm_remove(const char *dir, uint8_t *in, size_t cap);

#endif
