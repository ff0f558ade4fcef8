// SPDX-License-Identifier: Apache-2.0
/* Unit tests for init/shutdown.c: the order of the shutdown stages. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_order_all_exit_on_term, setup),
		cmocka_unit_test_setup(test_secrets_wiped_first, setup),
		cmocka_unit_test_setup(test_sigkill_after_grace, setup),
		cmocka_unit_test_setup(test_no_children_no_mounts, setup),
		cmocka_unit_test_setup(test_stopped_process_is_continued, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
