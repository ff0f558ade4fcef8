// SPDX-License-Identifier: Apache-2.0
/*
 * shutdown: see shutdown.h.
 */
#include "shutdown.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "mount.h"
#include "step.h"
#include "storage.h"
#include "supervise.h"

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

/*
 * Overwrites every released secret with zeros and removes it, first thing
 * at shutdown: whatever happens later (a process that will not die, an
 * unmount that fails), no secret outlives the workload. /run is tmpfs, so
 * the zeros replace the pages that held the secret.
 */
static void wipe_secrets(struct boot *b)
{
	static const char zero[4096];
	struct dirent *e;
	struct stat st;
	unsigned n = 0;
	off_t off;
	int dfd, fd;
	DIR *d;

	dfd = open(b->path.secrets_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		fd = openat(dfd, e->d_name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			for (off = 0; off < st.st_size; off += (off_t)sizeof(zero))
				if (pwrite(fd, zero, st.st_size - off < (off_t)sizeof(zero) ?
					   (size_t)(st.st_size - off) : sizeof(zero), off) < 0)
					break;
			fsync(fd);
		}
		if (fd >= 0)
			close(fd);
		if (unlinkat(dfd, e->d_name, 0) == 0)
			n++;
		else
			log_errno(-errno, "shutdown: remove secret %s", e->d_name);
	}
	closedir(d);
	rmdir(b->path.secrets_dir);
	if (n)
		log_info("shutdown: wiped %u secret file%s from %s", n, n == 1 ? "" : "s",
			 b->path.secrets_dir);
}

void shutdown_run(struct boot *b)
{
	/* Secrets first, before anything that could stall. */
	wipe_secrets(b);
	log_info("shutdown: stopping all processes (grace %u ms)", b->cfg.grace_ms);
	kill(-1, SIGTERM);
	/* A stopped process keeps SIGTERM pending and would wait out the
	 * grace period for SIGKILL: let it run its handler and exit. */
	kill(-1, SIGCONT);
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
	wipe_secrets(b);
	sync();
	fatal_line(step, b->reason);
	poweroff(EXIT_FATAL);
}
