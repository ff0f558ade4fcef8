// SPDX-License-Identifier: Apache-2.0
/* cmdline: see cmdline.h; the parser is lib/kcmdline.c. */
#include "cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "file.h"
#include "hex.h"
#include "kcmdline.h"

int step_cmdline(struct boot *b)
{
	char line[CMDLINE_MAX + 1];
	char err[256];
	size_t len;
	int r;

	r = file_read_all(b->path.proc_cmdline, line, sizeof(line), &len);
	if (r < 0)
		return boot_fail(b, r, "read %s", b->path.proc_cmdline);
	if (memchr(line, '\0', len))
		return boot_fail(b, 0, "%s holds a NUL byte", b->path.proc_cmdline);
	r = cmdline_parse(line, &b->cfg, err, sizeof(err));
	if (r < 0)
		return boot_fail(b, 0, "%s", err);
	log_info("cmdline: %s %.16s..., grace %u ms, verity scan %s, initdata %s",
		 b->cfg.root_initramfs ? "root initramfs" : "roothash",
		 b->cfg.root_initramfs ? "" : b->cfg.roothash, b->cfg.grace_ms,
		 b->cfg.verity_scan ? "full" : "off",
		 b->cfg.initdata_required ? "required" : "optional");
	if (b->cfg.initdata_digest_set) {
		char hex[2 * INITDATA_DIGEST_MAX + 1];

		hex_encode(b->cfg.initdata_digest, initdata_alg_size(b->cfg.initdata_digest_alg), hex);
		log_info("cmdline: initdata must be %s %s", initdata_alg_name(b->cfg.initdata_digest_alg),
			 hex);
	}
	if (b->cfg.run_size_mib) {
		char opts[48];

		/* A cap on /run (tmpfs; half the RAM by default), where the
		 * initdata and the secrets go. */
		snprintf(opts, sizeof(opts), "mode=0755,size=%um", b->cfg.run_size_mib);
		if (mount(NULL, b->path.run, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, opts) < 0)
			return boot_fail(b, -errno, "remount %s with %s", b->path.run, opts);
		log_info("cmdline: %s limited to %u MiB", b->path.run, b->cfg.run_size_mib);
	}
	return 0;
}
