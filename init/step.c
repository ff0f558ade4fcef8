// SPDX-License-Identifier: Apache-2.0
/*
 * step: see step.h. Also holds boot_init() and boot_fail(), the two helpers
 * every step shares.
 */
#include "step.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void boot_init(struct boot *b)
{
	memset(b, 0, sizeof(*b));
	b->path.proc_cmdline = "/proc/cmdline";
	b->path.sys_dev_block = "/sys/dev/block";
	b->path.dev = "/dev";
	b->path.modules_list = "/etc/sealroot/modules";
	b->path.modules_disabled = "/proc/sys/kernel/modules_disabled";
	b->path.kexec_disabled = "/proc/sys/kernel/kexec_load_disabled";
	b->path.agent = "/usr/bin/kata-agent";
	b->path.console = "/dev/console";
	b->path.sys_block = "/sys/block";
	b->path.initdata_dir = "/run/confidential-containers/initdata";
	b->path.cpuinfo = "/proc/cpuinfo";
	b->path.tsm_report = "/sys/kernel/config/tsm/report";
	b->path.sev_guest = "/dev/sev-guest";
	b->path.tdx_guest = "/dev/tdx_guest";
	b->path.tdx_measurements = "/sys/devices/virtual/misc/tdx_guest/measurements";
	b->path.ccel = "/sys/firmware/acpi/tables/data/CCEL";
	b->path.uv = "/dev/uv";
	b->path.tpm = "/dev/tpmrm0";
	b->path.secrets_dir = "/run/sealroot/secrets";
	b->path.run = "/run";
	b->path.cgroup = "/sys/fs/cgroup";
	b->cfg.grace_ms = 5000;
	b->cfg.verity_scan = true;
	b->cfg.initdata_required = true;
	b->agent_pid = -1;
}

int boot_fail(struct boot *b, int r, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
	va_end(ap);
	if (r != 0) {
		len = strlen(b->reason);
		snprintf(b->reason + len, sizeof(b->reason) - len, ": %s",
			 strerror(r < 0 ? -r : r));
	}
	return r < 0 ? r : -EINVAL;
}

int steps_run(struct boot *b, const struct step *steps, size_t n,
	      const char **failed)
{
	size_t i;
	int r;

	*failed = NULL;
	for (i = 0; i < n; i++) {
		double t0 = log_uptime();

		b->reason[0] = '\0';
		r = steps[i].run(b);
		if (r < 0) {
			*failed = steps[i].name;
			if (b->reason[0] == '\0')
				boot_fail(b, r, "step failed");
			return r;
		}
		log_info("step %s: ok (%.3f s)", steps[i].name,
			 log_uptime() - t0);
	}
	return 0;
}

void fatal_line(const char *step, const char *reason)
{
	char buf[REASON_MAX + 64];
	int n;

	n = snprintf(buf, sizeof(buf), "sealroot: FATAL %s: %s\n", step, reason);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	/* Best effort: nothing else can be done if the console is gone. */
	if (write(2, buf, (size_t)n) < 0)
		return;
}
