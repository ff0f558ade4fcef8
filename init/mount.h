/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mount: the early mounts, as a table of data, and the record of every
 * mount the init made, for the shutdown.
 * Reads: the table. Changes: mounts them, records each in b->mounted, and
 * puts /dev/console on fds 0-2.
 * On failure: the step fails naming the mount point; an already-mounted
 * filesystem of the right type is not an error (steps are idempotent).
 */
#ifndef SEALROOT_MOUNT_H
#define SEALROOT_MOUNT_H

#include <stddef.h>

#include "boot.h"

struct mount_entry {
	const char *source;
	const char *target;
	const char *fstype;
	unsigned long flags;
	const char *data;
	unsigned long magic;   /* statfs f_type, to see it is already there */
	unsigned mode;         /* for mkdir of the target, 0 = must exist */
};

extern const struct mount_entry early_mounts[];
extern const size_t n_early_mounts;

int step_mount(struct boot *b);

/* Records a mount for mounts_undo(); target must outlive b. */
void mounts_add(struct boot *b, const char *target);

/*
 * Unmounts what was recorded, in reverse order. On EBUSY the
 * filesystem is remounted read-only instead. Never fails: shutdown goes on.
 */
void mounts_undo(struct boot *b);

#endif
