/* SPDX-License-Identifier: Apache-2.0 */
/*
 * boot: the one state object every step reads and extends, and the one way
 * a step reports why it failed.
 * A step reads what earlier steps wrote and adds its own part. There are no
 * other globals: what a later step or the shutdown needs is a field here.
 * Reads: nothing. Changes: b only.
 * On failure: boot_fail() records the reason; it cannot fail itself.
 */
#ifndef SEALROOT_BOOT_H
#define SEALROOT_BOOT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "initdata_format.h"
#include "kcmdline.h"
#include "log.h"
#include "paths.h"

enum {
	REASON_MAX = 384,
	MOUNTS_MAX = 16,
};

struct tee_ops;

/* initdata.c: the measured document, for the attestation step. */
struct initdata_state {
	bool present;
	char device[PATH_MAX_SR];
	char *toml;                          /* exact bytes, NUL-terminated */
	size_t toml_len;
	struct initdata_doc doc;
	uint8_t digest[INITDATA_DIGEST_MAX];
	size_t digest_len;
	bool bound;                          /* a TEE field or register holds it */
};

struct boot {
	struct paths path;
	struct cmdline_config cfg;           /* cmdline.c */

	/* main.c: the signal mask PID 1 started with, which every child it
	 * starts gets back before exec. */
	sigset_t child_mask;

	/* What is mounted, in order, for the reverse undo at shutdown
	 * (mount.c's mounts_add(); the storage step adds its own). */
	const char *mounted[MOUNTS_MAX];
	size_t n_mounted;

	/* kmod.c */
	unsigned modules_loaded;

	/* tee.c: the TEE this guest runs in. */
	const struct tee_ops *tee;

	struct initdata_state initdata;

	/* initdata.c, from the measured initdata (lib/config.c): what net,
	 * attest and storage need. */
	struct attest_config attest;

	/* attest.c -> storage.c: the scratch disk's key from the KBS (secure heap). */
	uint8_t *storage_key;
	size_t storage_key_len;

	/* storage.c: what is set up, for the shutdown. */
	bool storage_mounted;
	bool storage_crypt, storage_integrity;

	/* expedite.c -> agent.c: step expedite turned RCU expediting on, so
	 * the agent's child turns it off again. */
	bool rcu_expedited;

	/* agent.c, supervise.c */
	pid_t agent_pid;
	bool agent_exited;

	/* The step that failed, and why: printed once as the FATAL line. */
	char reason[REASON_MAX];
};

/* Fill b with production paths and the command line's defaults. */
void boot_init(struct boot *b);

/*
 * Record why the current step failed and return r (r < 0, -errno; any
 * other r gives -EINVAL). The runner prints it once as
 * "sealroot: FATAL <step>: <reason>". With r != 0 the reason gets
 * ": <strerror>" appended.
 */
int boot_fail(struct boot *b, int r, const char *fmt, ...) SR_PRINTF(3, 4);

/*
 * OpenSSL for a step that uses it, before its first call: no configuration
 * file is read (every setting is in the code), which also spares OpenSSL
 * the search for one. A boot whose steps need no OpenSSL never initialises
 * it. Returns 0, or a failure recorded with boot_fail().
 */
int boot_openssl(struct boot *b);

#endif
