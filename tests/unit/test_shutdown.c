// SPDX-License-Identifier: Apache-2.0
/* Unit tests for init/shutdown.c: the order of the shutdown stages, and the
 * wipe of the released secrets at shutdown and on the fatal path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CALLS_WRAP_UMOUNT2
#include "calls.h"
#include "mount.h"
#include "shutdown.h"
#include "unit.h"

/* Children still alive; each SIGTERM/SIGCONT/SIGKILL can end some of them. */
static int alive;
static int die_on_term;  /* how many exit on SIGTERM */
static int stopped;      /* how many are stopped, and exit on SIGTERM once continued */
static int term_pending; /* stopped with SIGTERM pending */
static int pending_exit; /* exited, not yet reaped */

int __wrap_kill(pid_t pid, int sig)
{
	CALL("kill %d %d", (int)pid, sig);
	if (pid == -1 && sig == SIGTERM) {
		pending_exit += die_on_term;
		alive -= die_on_term;
		term_pending = stopped;
	} else if (pid == -1 && sig == SIGCONT) {
		pending_exit += term_pending;
		alive -= term_pending;
		stopped = term_pending = 0;
	} else if (pid == -1 && sig == SIGKILL) {
		pending_exit += alive;
		alive = 0;
	}
	return 0;
}

pid_t __wrap_waitpid(pid_t pid, int *status, int options)
{
	(void)pid; (void)options;
	if (pending_exit > 0) {
		pending_exit--;
		*status = 0;
		CALL("reap");
		return 100 + pending_exit;
	}
	if (alive > 0)
		return 0;
	errno = ECHILD;
	return -1;
}

int __wrap_sigtimedwait(const sigset_t *set, siginfo_t *si, const struct timespec *ts)
{
	(void)set; (void)si;
	/* Time passes: sleep a little of it so the grace deadline arrives. */
	struct timespec d = { 0, 2000000 };
	if (ts->tv_sec == 0 && ts->tv_nsec < d.tv_nsec)
		d = *ts;
	nanosleep(&d, NULL);
	errno = EAGAIN;
	return -1;
}

int __wrap_mount(const char *src, const char *target, const char *type,
		 unsigned long flags, const void *data)
{
	(void)src; (void)type; (void)data;
	CALL("remount %s %lx", target, flags);
	return 0;
}

void __wrap_sync(void)
{
	CALL("sync");
}

int __real_unlinkat(int dfd, const char *name, int flags);
int __wrap_unlinkat(int dfd, const char *name, int flags)
{
	CALL("unlink %s", name);
	return __real_unlinkat(dfd, name, flags);
}

/*
 * fatal() ends in poweroff(), which in this (non-test) build of shutdown.c
 * calls reboot(RB_POWER_OFF): never the real one from a test, which may run
 * as root. This definition takes its place at link time; a child that gets
 * here exits 42 when asked to power off.
 */
int reboot(int howto)
{
	_exit(howto == (int)RB_POWER_OFF ? 42 : 43);
}

pid_t __real_waitpid(pid_t pid, int *status, int options);

/* storage.c is not linked: its teardown's place in the order is what counts. */
void storage_teardown(struct boot *b)
{
	(void)b;
	CALL("storage teardown");
}

static void boot_with_mounts(struct boot *b)
{
	boot_init(b);
	b->path.secrets_dir = "/nonexistent/sealroot-test/secrets";
	b->cfg.grace_ms = 30;
	b->mounted[b->n_mounted++] = "/proc";
	b->mounted[b->n_mounted++] = "/run";
	b->mounted[b->n_mounted++] = "/sys/fs/cgroup";
}

static int setup(void **state)
{
	(void)state;
	calls_reset();
	alive = die_on_term = stopped = term_pending = pending_exit = 0;
	busy_target = NULL;
	return 0;
}

static void test_order_all_exit_on_term(void **state)
{
	struct boot b;

	(void)state;
	alive = die_on_term = 2;
	boot_with_mounts(&b);
	shutdown_run(&b);
	/* SIGTERM and SIGCONT, both reaped, no SIGKILL, unmount in reverse,
	 * then sync. */
	assert_int_equal(n_calls, 9);
	assert_string_equal(calls[0], "kill -1 15");
	assert_string_equal(calls[1], "kill -1 18");
	assert_string_equal(calls[2], "reap");
	assert_string_equal(calls[3], "reap");
	assert_string_equal(calls[4], "umount /sys/fs/cgroup");
	assert_string_equal(calls[5], "umount /run");
	assert_string_equal(calls[6], "umount /proc");
	/* The scratch disk's dm devices go after its unmount, before sync. */
	assert_string_equal(calls[7], "storage teardown");
	assert_string_equal(calls[8], "sync");
	assert_int_equal(call_index("kill -1 9"), -1);
}

static void test_sigkill_after_grace(void **state)
{
	struct boot b;
	struct timespec t0, t1;
	long ms;

	(void)state;
	alive = 3;
	die_on_term = 1; /* two ignore SIGTERM */
	busy_target = "/run";
	boot_with_mounts(&b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	shutdown_run(&b);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;

	assert_string_equal(calls[0], "kill -1 15");
	assert_string_equal(calls[1], "kill -1 18");
	assert_string_equal(calls[2], "reap");
	/* The grace period ran out before SIGKILL (not a timing assert on
	 * speed: the stage must not skip the wait). */
	assert_true(ms >= 30);
	assert_string_equal(calls[3], "kill -1 9");
	assert_string_equal(calls[4], "reap");
	assert_string_equal(calls[5], "reap");
	assert_string_equal(calls[6], "umount /sys/fs/cgroup");
	assert_string_equal(calls[7], "umount /run");
	assert_string_equal(calls[8], "remount /run 21");
	assert_string_equal(calls[9], "umount /proc");
	assert_string_equal(calls[10], "storage teardown");
	assert_string_equal(calls[11], "sync");
	assert_int_equal(n_calls, 12);
	assert_int_equal(b.n_mounted, 0);
}

static void test_no_children_no_mounts(void **state)
{
	struct boot b;

	(void)state;
	boot_init(&b);
	b.path.secrets_dir = "/nonexistent/sealroot-test/secrets";
	shutdown_run(&b);
	assert_int_equal(n_calls, 4);
	assert_string_equal(calls[0], "kill -1 15");
	assert_string_equal(calls[1], "kill -1 18");
	assert_string_equal(calls[2], "storage teardown");
	assert_string_equal(calls[3], "sync");
}

/*
 * A stopped process keeps SIGTERM pending: only SIGCONT, right after
 * SIGTERM as s6-linux-init sends it, lets it act on it within the grace
 * period, instead of waiting for SIGKILL.
 */
static void test_stopped_process_is_continued(void **state)
{
	struct boot b;

	(void)state;
	alive = 2;
	die_on_term = 1;
	stopped = 1;
	boot_with_mounts(&b);
	b.cfg.grace_ms = 2000;
	shutdown_run(&b);
	assert_string_equal(calls[0], "kill -1 15");
	assert_string_equal(calls[1], "kill -1 18");
	assert_string_equal(calls[2], "reap");
	assert_string_equal(calls[3], "reap");
	assert_int_equal(call_index("kill -1 9"), -1);
	assert_int_equal(alive, 0);
}

/* Secrets are overwritten and removed before any process is signalled. */
static void test_secrets_wiped_first(void **state)
{
	char dir[64], path[128];
	struct boot b;
	int fd, i;

	(void)state;
	unit_tmpdir(dir, sizeof(dir), "secrets");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/s%d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0400);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "top secret", 10), 10);
		close(fd);
	}
	boot_init(&b);
	b.cfg.grace_ms = 30;
	b.path.secrets_dir = dir;
	shutdown_run(&b);
	assert_true(call_index("unlink s0") >= 0);
	assert_true(call_index("unlink s1") >= 0);
	assert_true(call_index("unlink s0") < call_index("kill -1 15"));
	assert_true(call_index("unlink s1") < call_index("kill -1 15"));
	assert_int_equal(access(dir, F_OK), -1); /* the directory is gone too */
}

/* The secrets the wipe tests plant, kept open as a process would. */
static const struct {
	const char *name;
	size_t len;
} planted[] = {
	{ "s0", 10 },
	{ ".env", 17 },     /* a resource path may start with a dot */
	{ "big", 10000 },   /* more than one 4096-byte block of zeros */
	{ "empty", 0 },
};
enum { N_PLANTED = sizeof(planted) / sizeof(planted[0]) };

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7) | 1; /* never a zero byte */
}

/* Creates dir/name with len non-zero bytes; returns a read fd kept open. */
static int plant(const char *dir, const char *name, size_t len, uint8_t seed)
{
	char path[256];
	uint8_t *buf = malloc(len + 1);
	int fd;

	assert_non_null(buf);
	fill(buf, len, seed);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	/* 0400 as the attest step writes it; 0600 so a non-root test can too. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, geteuid() == 0 ? 0400 : 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	return fd;
}

/* Through fd, from offset 0: exactly len bytes, all zero. */
static void assert_zeros(int fd, size_t len, const char *name)
{
	uint8_t buf[16384];
	ssize_t n;
	size_t i;

	n = pread(fd, buf, sizeof(buf), 0);
	if (n != (ssize_t)len)
		fail_msg("%s: %zd bytes through the open fd, expected %zu", name, n, len);
	for (i = 0; i < len; i++)
		if (buf[i] != 0)
			fail_msg("%s: byte %zu is 0x%02x after the wipe, not zero", name, i, buf[i]);
}

/* path still holds exactly the len bytes plant() or fill() gave it. */
static void assert_kept(const char *path, size_t len, uint8_t seed)
{
	uint8_t want[64];
	size_t got_len;
	char *got = unit_slurp(path, &got_len);

	assert_true(len <= sizeof(want));
	fill(want, len, seed);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, want, len);
	free(got);
}

/*
 * The layout both wipe tests use: dir/secrets with the planted secrets
 * (fds kept open) and a symlink to a file outside it; dir/outside, a file
 * beside the secrets directory. Neither outside file may be written.
 */
struct wipe_fixture {
	char dir[64], secrets[96], outside[96], target[96];
	int fd[N_PLANTED];
};

static void wipe_fixture_make(struct wipe_fixture *f)
{
	uint8_t buf[32];
	char link[160];
	size_t i;

	unit_tmpdir(f->dir, sizeof(f->dir), "wipe");
	snprintf(f->secrets, sizeof(f->secrets), "%s/secrets", f->dir);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->dir);
	snprintf(f->target, sizeof(f->target), "%s/target", f->dir);
	assert_int_equal(mkdir(f->secrets, 0700), 0);
	for (i = 0; i < N_PLANTED; i++)
		f->fd[i] = plant(f->secrets, planted[i].name, planted[i].len, (uint8_t)(i + 1));
	fill(buf, sizeof(buf), 0x40);
	unit_put(f->outside, buf, sizeof(buf));
	fill(buf, sizeof(buf), 0x50);
	unit_put(f->target, buf, sizeof(buf));
	snprintf(link, sizeof(link), "%s/link", f->secrets);
	assert_int_equal(symlink(f->target, link), 0);
}

/* Every secret reads as zeros of its length through the kept fd; every
 * name and the directory are gone; the files outside keep their bytes. */
static void wipe_fixture_check(struct wipe_fixture *f)
{
	size_t i;

	for (i = 0; i < N_PLANTED; i++) {
		assert_zeros(f->fd[i], planted[i].len, planted[i].name);
		close(f->fd[i]);
	}
	assert_int_equal(access(f->secrets, F_OK), -1);
	assert_kept(f->outside, 32, 0x40);
	assert_kept(f->target, 32, 0x50);
	unit_rmtree(f->dir);
}

/* At shutdown: a process that kept a secret open reads zeros, not the secret. */
static void test_wipe_overwrites_open_secrets(void **state)
{
	struct wipe_fixture f;
	struct boot b;

	(void)state;
	wipe_fixture_make(&f);
	boot_init(&b);
	b.cfg.grace_ms = 30;
	b.path.secrets_dir = f.secrets;
	shutdown_run(&b);
	assert_true(call_index("unlink .env") >= 0);
	assert_true(call_index("unlink link") >= 0);
	wipe_fixture_check(&f);
}

/*
 * A sparse secret of 1 TiB with data at its start and in its middle: both
 * data ranges read as zeros afterwards, and the wipe writes no more than the
 * data (the file still takes next to no blocks), so a huge file cannot hold
 * up the shutdown.
 */
static void test_wipe_sparse_secret(void **state)
{
	static const off_t tib = (off_t)1 << 40, mid = (off_t)1 << 39;
	uint8_t buf[8192], got[8192];
	char dir[64], secrets[96], path[128];
	struct stat st;
	struct boot b;
	int fd;

	(void)state;
	unit_tmpdir(dir, sizeof(dir), "sparse");
	snprintf(secrets, sizeof(secrets), "%s/secrets", dir);
	assert_int_equal(mkdir(secrets, 0700), 0);
	snprintf(path, sizeof(path), "%s/big", secrets);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0400);
	assert_true(fd >= 0);
	fill(buf, sizeof(buf), 0x33);
	assert_int_equal(pwrite(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	assert_int_equal(pwrite(fd, buf, sizeof(buf), mid), (ssize_t)sizeof(buf));
	assert_int_equal(ftruncate(fd, tib), 0);
	boot_init(&b);
	b.cfg.grace_ms = 30;
	b.path.secrets_dir = secrets;
	shutdown_run(&b);
	assert_int_equal(access(path, F_OK), -1);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(pread(fd, got, sizeof(got), 0), (ssize_t)sizeof(got));
	assert_memory_equal(got, buf, sizeof(got));
	assert_int_equal(pread(fd, got, sizeof(got), mid), (ssize_t)sizeof(got));
	assert_memory_equal(got, buf, sizeof(got));
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(st.st_size == tib);
	assert_true(st.st_blocks < 1024); /* 512-byte blocks: under 512 KiB written */
	close(fd);
	unit_rmtree(dir);
}

/* On the fatal path too: the child runs fatal(), which must wipe before it
 * powers off (the reboot() above: exit 42). */
static void test_fatal_overwrites_open_secrets(void **state)
{
	struct wipe_fixture f;
	struct boot b;
	char log[128];
	size_t len;
	char *out;
	pid_t pid;
	int status, fd;

	(void)state;
	wipe_fixture_make(&f);
	snprintf(log, sizeof(log), "%s/stderr", f.dir);
	boot_init(&b);
	b.path.secrets_dir = f.secrets;
	snprintf(b.reason, sizeof(b.reason), "test reason");
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(2);
		fatal(&b, "attest");
	}
	assert_int_equal(__real_waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 42);
	out = unit_slurp(log, &len);
	assert_non_null(strstr(out, "sealroot: FATAL attest: test reason\n"));
	free(out);
	unlink(log);
	wipe_fixture_check(&f);
}

/*
 * A FIFO among the secrets, with no reader: opening it for writing would
 * block for ever and the secrets after it would never be wiped. The child
 * has 20 s (a hang guard, not a timing assert: the wipe takes milliseconds).
 */
static void test_wipe_fifo_does_not_stall(void **state)
{
	char dir[64], path[128];
	struct boot b;
	pid_t pid;
	int status, fd;

	(void)state;
	unit_tmpdir(dir, sizeof(dir), "fifo");
	snprintf(path, sizeof(path), "%s/a-fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	fd = plant(dir, "secret", 10, 9);
	boot_init(&b);
	b.cfg.grace_ms = 0;
	b.path.secrets_dir = dir;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(20);
		shutdown_run(&b);
		_exit(0);
	}
	assert_int_equal(__real_waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("the wipe stalled on a FIFO (signal %d)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_zeros(fd, 10, "secret");
	close(fd);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access(dir, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_order_all_exit_on_term, setup),
		cmocka_unit_test_setup(test_secrets_wiped_first, setup),
		cmocka_unit_test_setup(test_wipe_overwrites_open_secrets, setup),
		cmocka_unit_test_setup(test_wipe_sparse_secret, setup),
		cmocka_unit_test_setup(test_fatal_overwrites_open_secrets, setup),
		cmocka_unit_test_setup(test_wipe_fifo_does_not_stall, setup),
		cmocka_unit_test_setup(test_sigkill_after_grace, setup),
		cmocka_unit_test_setup(test_no_children_no_mounts, setup),
		cmocka_unit_test_setup(test_stopped_process_is_continued, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
