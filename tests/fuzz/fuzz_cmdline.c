// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer harness: cmdline_parse() (lib/kcmdline.c) on arbitrary bytes as /proc/cmdline
 * (the host writes the kernel command line; it is measured, but the init
 * still parses it before anything checks it). The input is copied and
 * NUL-terminated, as the cmdline step hands it over (an embedded NUL ends the
 * line). It checks what kcmdline.h promises: success only with exactly one
 * root: a 64-digit lower-case roothash, or sealroot.root=initramfs and no
 * roothash; every value in its range, every key not on
 * the line left at its default, the line itself untouched, the same result
 * twice; failure is -EINVAL with a NUL-terminated reason, also into a
 * short err buffer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool lower_hex64(const char *s)
{
	size_t i;

	if (strlen(s) != 64)
		return false;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void check_err(int r, const char *err, size_t errlen)
{
	if (r != -EINVAL || !memchr(err, '\0', errlen) || (errlen > 1 && !err[0]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmdline_config def, cfg, again;
	char *line, *copy, err[256], small[8];
	int r, r2;

	line = malloc(size + 1);
	copy = malloc(size + 1);
	if (!line || !copy)
		goto out;
	memcpy(line, data, size);
	line[size] = '\0';
	memcpy(copy, line, size + 1);
	cmdline_defaults(&def);

	cfg = def;
	memset(err, 'x', sizeof(err));
	r = cmdline_parse(line, &cfg, err, sizeof(err));
	if (memcmp(line, copy, size + 1) != 0)
		abort(); /* the caller's line is const */
	if (r == 0) {
		if (strlen(line) >= CMDLINE_MAX)
			abort();
		if (cfg.root_initramfs) {
			/* (The text "sealroot.roothash" may still be inside
			 * another key's quoted value, and the value may be
			 * quoted itself: sealroot.root="initramfs".) */
			if (cfg.roothash[0] || !strstr(line, "sealroot.root=") || !strstr(line, "initramfs"))
				abort();
		} else if (!lower_hex64(cfg.roothash) || !strstr(line, "sealroot.roothash")) {
			abort();
		}
		if (cfg.grace_ms > 60000)
			abort();
		if (!memchr(cfg.scratch, '\0', sizeof(cfg.scratch)) ||
		    (cfg.scratch[0] && !config_device_ok(cfg.scratch)))
			abort();
		/* A key that is not on the line leaves its default alone. */
		if (!strstr(line, "sealroot.grace_ms") && cfg.grace_ms != def.grace_ms)
			abort();
		if (!strstr(line, "sealroot.verity_scan") && cfg.verity_scan != def.verity_scan)
			abort();
		if (!strstr(line, "sealroot.initdata") &&
		    cfg.initdata_required != def.initdata_required)
			abort();
		if (!strstr(line, "sealroot.scratch") && cfg.scratch[0])
			abort();
	} else {
		check_err(r, err, sizeof(err));
	}

	/* Deterministic, and safe with an err buffer too short for the reason. */
	again = def;
	memset(small, 'x', sizeof(small));
	r2 = cmdline_parse(line, &again, small, sizeof(small));
	if (r2 != r)
		abort();
	if (r == 0 && (strcmp(cfg.roothash, again.roothash) != 0 || cfg.grace_ms != again.grace_ms ||
		       cfg.root_initramfs != again.root_initramfs ||
		       cfg.verity_scan != again.verity_scan ||
		       cfg.initdata_required != again.initdata_required ||
		       strcmp(cfg.scratch, again.scratch) != 0))
		abort();
	if (r2 < 0)
		check_err(r2, small, sizeof(small));
out:
	free(line);
	free(copy);
	return 0;
}
