/* SPDX-License-Identifier: Apache-2.0 */
/*
 * boot: the one state object every step reads and extends.
 * A step reads what earlier steps wrote and adds its own part. There are no
 * other globals. Paths are fields so that unit tests can point them into a
 * temporary directory instead of the real /proc, /sys, /dev and /etc.
 */
#ifndef SEALROOT_BOOT_H
#define SEALROOT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "initdata.h"
#include "log.h"

enum {
	ROOTHASH_HEX_MAX = 128,  /* sha512 would be 128 hex digits */
	REASON_MAX = 384,
	MOUNTS_MAX = 16,
	PATH_MAX_SR = 256,
};

/* The measured kernel command line, parsed (cmdline.c). */
struct config {
	char roothash[ROOTHASH_HEX_MAX + 1]; /* lower-case hex, required unless root_initramfs */
	bool root_initramfs;                  /* sealroot.root=initramfs: / is the measured initrd */
	unsigned grace_ms;                    /* shutdown: SIGTERM to SIGKILL */
	bool verity_scan;                     /* read the whole root at boot */
	bool initdata_required;               /* no initdata device is fatal */
	char scratch[CONF_DEVICE_MAX];        /* sealroot.scratch: serial or /dev path */
	unsigned run_size_mib;                /* sealroot.run_size: cap /run (0 = tmpfs default) */
};

/* Where things are. Production values are in boot_init(). */
struct paths {
	const char *proc_cmdline;     /* /proc/cmdline */
	const char *sys_dev_block;    /* /sys/dev/block */
	const char *dev;              /* /dev */
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
};

/* initdata_step.c: the measured document, for the attestation step. */
struct initdata_state {
	bool present;
	char device[PATH_MAX_SR];
	char *toml;                          /* exact bytes, NUL-terminated */
	size_t toml_len;
	struct initdata_doc doc;
	uint8_t digest[INITDATA_DIGEST_MAX];
	size_t digest_len;
	int tee;                             /* enum tee_kind */
	bool bound;                          /* a TEE field or register holds it */
};

struct boot {
	struct paths path;
	struct config cfg;

	/* mount.c: what step_mount mounted, in order, for the reverse undo. */
	const char *mounted[MOUNTS_MAX];
	size_t n_mounted;

	/* kmod.c */
	unsigned modules_loaded;

	struct initdata_state initdata;

	/* config.c, from the initdata: what attestation and net need. */
	struct attest_config attest;

	/* kbs.c -> storage.c: the scratch disk's key from the KBS (secure heap). */
	uint8_t *storage_key;
	size_t storage_key_len;

	/* storage.c: what is set up, for the shutdown. */
	bool storage_mounted;
	bool storage_crypt, storage_integrity;

	/* agent.c, reap.c */
	pid_t agent_pid;
	bool agent_exited;

	/* The step that failed, and why: printed once as the FATAL line. */
	char reason[REASON_MAX];
};

/* Fill b with production paths and defaults. */
void boot_init(struct boot *b);

/*
 * Record why the current step failed and return r (r < 0, -errno).
 * The runner prints it once as "sealroot: FATAL <step>: <reason>".
 * With r != 0 the reason gets ": <strerror>" appended.
 */
int boot_fail(struct boot *b, int r, const char *fmt, ...) SR_PRINTF(3, 4);

#endif
