/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmdline: the step that reads the measured kernel command line.
 * Reads: /proc/cmdline (b->path.proc_cmdline). Changes: b->cfg; with
 * sealroot.run_size, remounts /run with that size cap.
 * On failure: an unreadable line, a NUL byte in it, anything
 * cmdline_parse() refuses (lib/kcmdline.h) or a failed remount fails the
 * step. A typo must never turn a check off.
 */
#ifndef SEALROOT_CMDLINE_H
#define SEALROOT_CMDLINE_H

#include "boot.h"

int step_cmdline(struct boot *b);

#endif
