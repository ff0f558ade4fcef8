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

enum { WIPE_PASSES = 4 };

/* Zeros over bytes [0, size) of fd, whatever the short writes; 0 or -errno. */
/* Zeros in [from, to). */
static int zero_range(int fd, off_t from, off_t to)
{
	static const char zero[4096];
	ssize_t w;

	while (from < to) {
		w = pwrite(fd, zero, to - from < (off_t)sizeof(zero) ?
			   (size_t)(to - from) : sizeof(zero), from);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		from += w;
	}
	return 0;
}

/*
 * Zeros every byte the file holds, up to size: only its data ranges
 * (SEEK_DATA/SEEK_HOLE), since a hole holds nothing to wipe and a huge
 * sparse file must not hold up the shutdown. Where the file system cannot
 * tell, the whole length.
 */
static int zero_fill(int fd, off_t size)
{
	off_t off = 0, data, hole;
	int r;

	while (off < size) {
		data = lseek(fd, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			return 0;       /* no data after off */
		if (data < 0)
			return zero_range(fd, off, size);
		if (data >= size)
			return 0;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || hole > size)
			hole = size;
		r = zero_range(fd, data, hole);
		if (r < 0)
			return r;
		off = hole;
	}
	return 0;
}

/*
 * One entry of the secrets directory: a regular file is overwritten with
 * zeros over its whole length, and removed only if the name still points at
 * the file just overwritten (else the new one is wiped in turn). Nothing
 * else is written: no symlink is followed (O_NOFOLLOW), a FIFO or device is
 * never written to (and O_NONBLOCK: opening a FIFO with no reader must not
 * stall the shutdown); such an entry, holding no bytes, is only removed. A
 * file that cannot be overwritten is still removed (and that is logged).
 * Returns 1 if the entry was removed, 0 if it was gone, -errno if it stays.
 */
static int wipe_one(int dfd, const char *name)
{
	struct stat st, now;
	int tries, fd, r;

	for (tries = 0; tries < WIPE_PASSES; tries++) {
		fd = openat(dfd, name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
		if (fd >= 0) {
			if (fstat(fd, &st) < 0)
				r = -errno;
			else if (S_ISREG(st.st_mode))
				r = zero_fill(fd, st.st_size);
			close(fd);
		}
		/* What the name is now: it may have changed since the open. */
		if (fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT ? 0 : -errno;
		if (S_ISDIR(now.st_mode))
			return -EISDIR;
		if (fd >= 0 && r == 0 && (now.st_dev != st.st_dev || now.st_ino != st.st_ino))
			continue;
		/* Not a file at the open, a file now: open that one. */
		if (fd < 0 && S_ISREG(now.st_mode) && (r == -ELOOP || r == -ENXIO))
			continue;
		/* A symlink (ELOOP), a FIFO without a reader (ENXIO) or a device
		 * holds none of the secret: nothing to overwrite, only remove.
		 * A regular file that could not be overwritten goes too. */
		if (r < 0 && (fd >= 0 || S_ISREG(now.st_mode)))
			log_errno(r, "shutdown: overwrite secret %s", name);
		return unlinkat(dfd, name, 0) == 0 ? 1 : -errno;
	}
	return -EAGAIN;
}

/*
 * Overwrites every released secret with zeros and removes it, first thing
 * at shutdown and on the fatal path: whatever happens later (a process that
 * will not die, an unmount that fails), no secret outlives the workload,
 * not even through a descriptor a process kept open. /run is tmpfs, so the
 * zeros replace the pages that held the secret. Every name counts,
 * dot-files too (a resource path may start with a dot); the directory is
 * read again until a pass finds nothing, so entries added meanwhile go too.
 */
static void wipe_secrets(struct boot *b)
{
	struct dirent *e;
	unsigned n = 0, pass, found;
	int dfd, r;
	DIR *d;

	dfd = open(b->path.secrets_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	for (pass = 0; pass < WIPE_PASSES; pass++) {
		found = 0;
		rewinddir(d);
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			r = wipe_one(dfd, e->d_name);
			if (r > 0) {
				n++;
				found++;
			} else if (r < 0) {
				log_errno(r, "shutdown: remove secret %s", e->d_name);
			}
		}
		if (!found)
			break;
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
