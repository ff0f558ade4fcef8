/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kcmdline: the sealroot.* keys of a kernel command line. The host writes
 * the line; the launch measurement covers it, but it is parsed before
 * anything has checked that.
 * Reads: the line given. Changes: nothing outside *cfg.
 * On failure: -EINVAL with a one-line reason in err for an unknown
 * sealroot.* key, a duplicate, a missing required key or a malformed
 * value; *cfg may then be half set and must not be used.
 */
#ifndef SEALROOT_KCMDLINE_H
#define SEALROOT_KCMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "config.h"
#include "extension.h"
#include "initdata_format.h"
#include "verity_table.h"

enum { CMDLINE_MAX = 4096 };

/* The measured kernel command line, parsed. */
struct cmdline_config {
	char roothash[ROOTHASH_HEX_MAX + 1]; /* lower-case hex, required unless root_initramfs */
	bool root_initramfs;                  /* sealroot.root=initramfs: / is the measured initrd */
	unsigned grace_ms;                    /* SIGTERM to SIGKILL: shutdown, a forwarded stop */
	bool verity_scan;                     /* read the whole root at boot (default: no) */
	bool initdata_required;               /* no initdata device is fatal */
	char scratch[CONF_DEVICE_MAX];        /* sealroot.scratch: serial or /dev path */
	unsigned run_size_mib;                /* sealroot.run_size: cap /run (0 = tmpfs default) */
	/* sealroot.initdata_digest=<alg>:<hex>: the initdata the owner sealed
	 * into the measured line; the initdata step checks the TOML against it. */
	bool initdata_digest_set;
	enum initdata_alg initdata_digest_alg;
	uint8_t initdata_digest[INITDATA_DIGEST_MAX];   /* initdata_alg_size() bytes */
	/* kata.extension.<name>.verity_params: Kata's guest extension images,
	 * in command-line order (lib/extension.h). */
	struct extension ext[EXT_MAX];
	size_t n_ext;
};

/* The defaults of docs/init.md: grace 5000 ms, lazy verity (no full scan), initdata required. */
void cmdline_defaults(struct cmdline_config *cfg);

/*
 * Parses a whole command line (kernel quoting rules) into cfg, which must
 * hold the defaults already: the "sealroot." keys, and Kata's
 * "kata.extension." keys (lib/extension.h; a name twice is an error).
 * Keys outside both namespaces are ignored.
 */
int cmdline_parse(const char *line, struct cmdline_config *cfg, char *err, size_t errlen);

#endif
