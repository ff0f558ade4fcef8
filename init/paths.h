/* SPDX-License-Identifier: Apache-2.0 */
/*
 * paths: every file and device the init opens, as fields, so that unit
 * tests can point them into a temporary directory instead of the real
 * /proc, /sys, /dev and /etc.
 * Reads and changes: nothing; paths_init() fills in the production paths.
 * On failure: none.
 */
#ifndef SEALROOT_PATHS_H
#define SEALROOT_PATHS_H

enum { PATH_MAX_SR = 256 };   /* the init's own path buffers */

struct paths {
	const char *proc;             /* /proc: the agent gets its own mount of it */
	const char *proc_cmdline;     /* /proc/cmdline */
	const char *sys_dev_block;    /* /sys/dev/block */
	const char *dev;              /* /dev */
	const char *dm_control;       /* /dev/mapper/control */
	const char *modules_list;     /* /etc/sealroot/modules */
	const char *modules_disabled; /* /proc/sys/kernel/modules_disabled */
	const char *kexec_disabled;   /* /proc/sys/kernel/kexec_load_disabled */
	const char *agent;            /* /usr/bin/kata-agent */
	const char *console;          /* /dev/console */
	const char *sys_block;        /* /sys/block: disks to scan for initdata */
	const char *initdata_dir;     /* /run/confidential-containers/initdata */
	const char *cpuinfo;          /* /proc/cpuinfo: TEE CPU flags */
	const char *tsm_report;       /* /sys/kernel/config/tsm/report */
	const char *sev_guest;        /* /dev/sev-guest */
	const char *tdx_guest;        /* /dev/tdx_guest */
	const char *tdx_measurements; /* /sys/devices/virtual/misc/tdx_guest/measurements */
	const char *ccel;             /* /sys/firmware/acpi/tables/data/CCEL (TDX event log) */
	const char *uv;               /* /dev/uv (s390x SE) */
	const char *tpm;              /* /dev/tpmrm0 */
	const char *secrets_dir;      /* /run/sealroot/secrets */
	const char *run;              /* /run */
	const char *cgroup;           /* /sys/fs/cgroup (cgroup2); NULL: no agent cgroup */
	const char *pid_max;          /* /proc/sys/kernel/pid_max */
	const char *threads_max;      /* /proc/sys/kernel/threads-max */
	const char *extensions_dir;   /* /run/kata-extensions */
	const char *rcu_expedited;    /* /sys/kernel/rcu_expedited; NULL: left alone */
};

/* The production paths. */
void paths_init(struct paths *p);

#endif
