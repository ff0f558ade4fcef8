// SPDX-License-Identifier: Apache-2.0
/*
 * main: sealroot's PID 1. The boot pipeline is the table below, run in
 * order by step.c; each step_<name> is in the file <name>.c.
 * Any failure is fatal (FATAL line, power off). Then the init supervises
 * the agent (supervise.c) and shuts down when it exits (shutdown.c).
 * Reads: nothing from argv or the environment, which the kernel fills from
 * the command line; every setting comes through cmdline.c.
 * Changes: the signal mask (everything but CPU faults blocked), the umask.
 * On failure: fatal(), which never returns.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "attest.h"
#include "boot.h"
#include "cmdline.h"
#include "expedite.h"
#include "extensions.h"
#include "initdata.h"
#include "kmod.h"
#include "mount.h"
#include "net.h"
#include "shutdown.h"
#include "step.h"
#include "storage.h"
#include "supervise.h"
#include "tee.h"
#include "verity.h"

#ifndef SEALROOT_VERSION
#define SEALROOT_VERSION "dev"
#endif

/*
 * expedite follows mount, which mounts the /sys it writes to; the agent's
 * child ends it before the exec. verity comes before kmod: nothing is
 * taken from the root filesystem, modules included, until it is proven to
 * be the measured one. tee and initdata come after kmod, which loads any
 * driver the image lists (TEE guest devices, disks); initdata binds its
 * digest to the TEE found; net, attest and storage take their settings
 * from the measured initdata; extensions mounts Kata's extension images
 * last, so the agent finds them; verity-scan waits for the root's full
 * scan, which verity started and which ran beside the steps in between.
 */
static const struct step steps[] = {
	{ "mount",      step_mount },
	{ "expedite",   step_expedite },
	{ "cmdline",    step_cmdline },
	{ "verity",     step_verity },
	{ "kmod",       step_kmod },
	{ "tee",        step_tee },
	{ "initdata",   step_initdata },
	{ "net",        step_net },
	{ "attest",     step_attest },
	{ "storage",    step_storage },
	{ "extensions", step_extensions },
	{ "verity-scan", step_verity_scan },
	{ "agent",      step_agent },
};

/* CPU faults stay unblocked so a crash is a crash, not a hang. */
static void block_signals(sigset_t *orig)
{
	sigset_t all;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGABRT);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSYS);
	sigprocmask(SIG_SETMASK, &all, orig);
}

#ifdef SEALROOT_TEST_BUILD
/*
 * Test build only: SEALROOT_STEPS=a,b picks steps from the table (in table
 * order), SEALROOT_AGENT, SEALROOT_CMDLINE, SEALROOT_CGROUP,
 * SEALROOT_RCU_EXPEDITED and SEALROOT_PROC replace paths, and poweroff
 * exits. The production build has none of this.
 */
static size_t test_select(struct boot *b, struct step *out)
{
	const char *sel = getenv("SEALROOT_STEPS");
	size_t i, n = 0;

	if (getenv("SEALROOT_AGENT"))
		b->path.agent = getenv("SEALROOT_AGENT");
	/* Never the host's cgroup tree or RCU setting from a test run. */
	b->path.cgroup = getenv("SEALROOT_CGROUP");
	b->path.rcu_expedited = getenv("SEALROOT_RCU_EXPEDITED");
	if (getenv("SEALROOT_PROC"))
		b->path.proc = getenv("SEALROOT_PROC");
	if (getenv("SEALROOT_CMDLINE"))
		b->path.proc_cmdline = getenv("SEALROOT_CMDLINE");
	if (getenv("SEALROOT_GRACE_MS"))
		b->cfg.grace_ms = (unsigned)atoi(getenv("SEALROOT_GRACE_MS"));
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t len = strlen(steps[i].name);
		const char *p = sel;

		while (p && *p) {
			if (strncmp(p, steps[i].name, len) == 0 &&
			    (p[len] == ',' || p[len] == '\0')) {
				out[n++] = steps[i];
				break;
			}
			p = strchr(p, ',');
			p = p ? p + 1 : NULL;
		}
		if (!sel)
			out[n++] = steps[i];
	}
	return n;
}
#endif

int main(void)
{
	struct boot b;
	const struct step *table = steps;
	size_t n = sizeof(steps) / sizeof(steps[0]);
	const char *failed;

	boot_init(&b);
#ifdef SEALROOT_TEST_BUILD
	struct step selected[sizeof(steps) / sizeof(steps[0])];
	n = test_select(&b, selected);
	table = selected;
#endif
	/* The kernel turns the host's dot-less key=value parameters into PID
	 * 1's environment, and the libraries read it: libcurl SSLKEYLOGFILE
	 * (a TLS key log the agent could then read), OpenSSL OPENSSL_CONF.
	 * None of it is ours; every setting comes from cmdline.c. */
	clearenv();
#ifndef SEALROOT_TEST_BUILD
	if (getpid() != 1) {
		fprintf(stderr, "sealroot-init: must run as PID 1\n");
		return 1;
	}
	/* Ctrl-Alt-Del from the host becomes SIGINT, not an instant reboot. */
	reboot(RB_DISABLE_CAD);
#endif
	block_signals(&b.child_mask);
	umask(022);
	log_info("sealroot-init " SEALROOT_VERSION " starting");

	if (steps_run(&b, table, n, &failed) < 0)
		fatal(&b, failed);
	supervise(&b);
	shutdown_run(&b);
	poweroff(EXIT_CLEAN);
}
