// SPDX-License-Identifier: Apache-2.0
/*
 * shutdown: see shutdown.h.
 */
#include "shutdown.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "mount.h"
#include "reap.h"
#include "step.h"
#include "storage.h"

enum { KILL_WAIT_MS = 2000 };

/*
 * Reaps until no child is left or ms have passed. Returns true when none is
 * left. SIGCHLD is blocked, so sigtimedwait() sleeps until the next exit.
 */
static bool wait_children(struct boot *b, unsigned ms)
{
	struct timespec now, end, left;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		if (reap_all(b) == -ECHILD)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			return false;
		sigtimedwait(&chld, NULL, &left);
	}
}

void shutdown_run(struct boot *b)
{
	log_info("shutdown: stopping all processes (grace %u ms)", b->cfg.grace_ms);
	/* Later steps register secrets and dm-crypt devices here first. */
	kill(-1, SIGTERM);
	if (!wait_children(b, b->cfg.grace_ms)) {
		log_info("shutdown: processes left after the grace period, sending SIGKILL");
		kill(-1, SIGKILL);
		if (!wait_children(b, KILL_WAIT_MS))
			log_info("shutdown: processes left after SIGKILL");
	}
	mounts_undo(b);
	storage_teardown(b);
	sync();
	log_info("shutdown: complete");
}

void poweroff(int code)
{
#ifdef SEALROOT_TEST_BUILD
	log_info("poweroff (test build: exit %d)", code);
	_exit(code);
#else
	(void)code;
	log_info("powering off");
	reboot(RB_POWER_OFF);
	/* Only reached if the kernel refused: never return, never exec. */
	for (;;)
		pause();
#endif
}

void fatal(struct boot *b, const char *step)
{
	kill(-1, SIGKILL);
	sync();
	fatal_line(step, b->reason);
	poweroff(EXIT_FATAL);
}
