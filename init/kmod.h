/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kmod: loads the modules the image lists, then forbids loading any more.
 * Reads: /etc/sealroot/modules (one name per line, '#' comments),
 * /lib/modules/<release>/modules.builtin (a listed module built into the
 * kernel needs no load, and libkmod is used only for the others) and the
 * modules under /lib/modules/<release>/, all on the verity root.
 * Changes: inserts those modules, sets kernel.modules_disabled=1 and, where
 * the kernel has kexec (CONFIG_KEXEC_CORE), kernel.kexec_load_disabled=1.
 * On failure: a module that does not load, a missing list, or a failure to
 * set either switch fails the step.
 */
#ifndef SEALROOT_KMOD_H
#define SEALROOT_KMOD_H

#include "boot.h"

int step_kmod(struct boot *b);

#endif
