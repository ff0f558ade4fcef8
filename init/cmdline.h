/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmdline: the sealroot.* keys of the measured kernel command line.
 * Reads: /proc/cmdline (b->path.proc_cmdline). Changes: b->cfg.
 * On failure: an unknown sealroot.* key, a duplicate, a missing required key
 * or a malformed value fails the step. A typo must never turn a check off.
 */
#ifndef SEALROOT_CMDLINE_H
#define SEALROOT_CMDLINE_H

#include <stddef.h>

#include "boot.h"

enum { CMDLINE_MAX = 4096 };

/*
 * Parses a whole command line (kernel quoting rules) into cfg, which must
 * hold the defaults already. Keys outside the "sealroot." namespace are
 * ignored. Returns 0, or -EINVAL with a one-line reason in err.
 */
int cmdline_parse(const char *line, struct config *cfg, char *err, size_t errlen);

int step_cmdline(struct boot *b);

#endif
