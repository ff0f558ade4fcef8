// SPDX-License-Identifier: Apache-2.0
/* boot: see boot.h and paths.h. */
#include "boot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

void paths_init(struct paths *p)
{
	p->proc = "/proc";
	p->dm_control = "/dev/mapper/control";
	p->proc_cmdline = "/proc/cmdline";
	p->sys_dev_block = "/sys/dev/block";
	p->dev = "/dev";
	p->modules_list = "/etc/sealroot/modules";
	p->modules_disabled = "/proc/sys/kernel/modules_disabled";
	p->kexec_disabled = "/proc/sys/kernel/kexec_load_disabled";
	p->agent = "/usr/bin/kata-agent";
	p->console = "/dev/console";
	p->sys_block = "/sys/block";
	p->initdata_dir = "/run/confidential-containers/initdata";
	p->cpuinfo = "/proc/cpuinfo";
	p->tsm_report = "/sys/kernel/config/tsm/report";
	p->sev_guest = "/dev/sev-guest";
	p->tdx_guest = "/dev/tdx_guest";
	p->tdx_measurements = "/sys/devices/virtual/misc/tdx_guest/measurements";
	p->ccel = "/sys/firmware/acpi/tables/data/CCEL";
	p->uv = "/dev/uv";
	p->tpm = "/dev/tpmrm0";
	p->secrets_dir = "/run/sealroot/secrets";
	p->run = "/run";
	p->cgroup = "/sys/fs/cgroup";
	p->pid_max = "/proc/sys/kernel/pid_max";
	p->threads_max = "/proc/sys/kernel/threads-max";
	p->extensions_dir = "/run/kata-extensions";
	p->rcu_expedited = "/sys/kernel/rcu_expedited";
}

void boot_init(struct boot *b)
{
	memset(b, 0, sizeof(*b));
	paths_init(&b->path);
	cmdline_defaults(&b->cfg);
	/* Also without initdata (sealroot.initdata=optional): the storage
	 * step then still has its mountpoint. */
	config_defaults(&b->attest);
	sigemptyset(&b->child_mask);
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

int boot_openssl(struct boot *b)
{
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		return boot_fail(b, -ENOMEM, "OpenSSL initialisation");
	return 0;
}
