/* SPDX-License-Identifier: Apache-2.0 */
/*
 * extensions: mounts Kata's guest extension images before the agent starts
 * (docs/kata.md, "Extension images"). For each kata.extension.<name> on the
 * measured command line (parsed by the cmdline step, lib/extension.c): the
 * one disk with the virtio serial "extension-<name>"; its layout (p1 erofs,
 * p2 the dm-verity hash tree when measured) against the command line's
 * verity_params decides: verify and mount, mount raw (unmeasured: logged
 * as such), or refuse. A verified extension is the dm-verity target
 * "extension-<name>", scanned whole like the root when
 * sealroot.verity_scan=full, and mounted read-only (nodev, nosuid) on
 * /run/kata-extensions/<name>. A disk with an extension serial that the
 * command line does not name is logged and left alone.
 * Reads: /sys/block, the extension disks. Changes: device-mapper targets,
 * directories and mounts under /run/kata-extensions.
 * On failure: the step fails (power off) with one reason.
 */
#ifndef SEALROOT_EXTENSIONS_H
#define SEALROOT_EXTENSIONS_H

#include "boot.h"

int step_extensions(struct boot *b);

#endif
