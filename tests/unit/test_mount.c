// SPDX-License-Identifier: Apache-2.0
/* Unit tests for init/mount.c: the early mount table and its undo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define CALLS_WRAP_UMOUNT2
#include "calls.h"
#include "mount.h"

/* Behaviour knobs for the wrapped calls. */
static const char *fail_target;   /* mount() on this target fails */
static int fail_errno;
static const char *mounted_target; /* statfs/stat say this is mounted */

int __wrap_mount(const char *src, const char *target, const char *type,
		 unsigned long flags, const void *data)
{
	(void)src; (void)data;
	CALL("mount %s %s %lx", type ? type : "-", target, flags);
	if (fail_target && strcmp(target, fail_target) == 0) {
		errno = fail_errno;
		return -1;
	}
	return 0;
}

int __wrap_mkdir(const char *path, mode_t mode)
{
	CALL("mkdir %s %o", path, (unsigned)mode);
	errno = EEXIST;
	return -1;
}

int __wrap_statfs(const char *path, struct statfs *sf)
{
	size_t i;

	memset(sf, 0, sizeof(*sf));
	if (mounted_target && strcmp(path, mounted_target) == 0)
		for (i = 0; i < n_early_mounts; i++)
			if (strcmp(early_mounts[i].target, path) == 0)
				sf->f_type = (long)early_mounts[i].magic;
	return 0;
}

int __wrap_stat(const char *path, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	/* The mount point differs from its parent only when "mounted". */
	st->st_dev = (mounted_target && strcmp(path, mounted_target) == 0) ? 2 : 1;
	return 0;
}

int __wrap_dup2(int a, int b)
{
	(void)a;
	CALL("dup2 %d", b);
	return b;
}

static int setup(void **state)
{
	(void)state;
	calls_reset();
	fail_target = mounted_target = busy_target = NULL;
	return 0;
}

static void boot_for_test(struct boot *b)
{
	boot_init(b);
	b->path.console = "/dev/null";
}

static void test_table_shape(void **state)
{
	size_t i, j;

	(void)state;
	/* What the issue names, each exactly once. */
	static const char *const want[] = { "/proc", "/sys", "/dev", "/dev/pts",
		"/dev/shm", "/run", "/sys/kernel/config", "/sys/fs/cgroup" };
	for (j = 0; j < sizeof(want) / sizeof(want[0]); j++) {
		int found = 0;
		for (i = 0; i < n_early_mounts; i++)
			found += strcmp(early_mounts[i].target, want[j]) == 0;
		assert_int_equal(found, 1);
	}
	/* Every entry is nosuid; only /dev and tmpfs without noexec need exec. */
	for (i = 0; i < n_early_mounts; i++) {
		assert_true(early_mounts[i].flags & MS_NOSUID);
		assert_true(early_mounts[i].magic != 0);
		/* A parent is mounted before its children. */
		for (j = i + 1; j < n_early_mounts; j++) {
			size_t len = strlen(early_mounts[j].target);
			assert_false(strncmp(early_mounts[i].target, early_mounts[j].target, len) == 0 &&
				     early_mounts[i].target[len] == '/');
		}
	}
}

static void test_mounts_in_order_then_console(void **state)
{
	struct boot b;
	size_t i;
	char want[CALL_LEN];

	(void)state;
	boot_for_test(&b);
	assert_int_equal(step_mount(&b), 0);
	assert_int_equal(b.n_mounted, n_early_mounts);
	for (i = 0; i < n_early_mounts; i++) {
		snprintf(want, sizeof(want), "mount %s %s %lx", early_mounts[i].fstype,
			 early_mounts[i].target, early_mounts[i].flags);
		assert_true(call_index(want) >= 0);
		if (i > 0) {
			char prev[CALL_LEN];
			snprintf(prev, sizeof(prev), "mount %s %s %lx", early_mounts[i - 1].fstype,
				 early_mounts[i - 1].target, early_mounts[i - 1].flags);
			assert_true(call_index(prev) < call_index(want));
		}
		assert_string_equal(b.mounted[i], early_mounts[i].target);
	}
	/* The console goes onto 0, 1 and 2 after the mounts. */
	assert_string_equal(calls[n_calls - 3], "dup2 0");
	assert_string_equal(calls[n_calls - 1], "dup2 2");
}

static void test_already_mounted_is_skipped(void **state)
{
	struct boot b;

	(void)state;
	mounted_target = "/dev"; /* the kernel's DEVTMPFS_MOUNT did it */
	boot_for_test(&b);
	assert_int_equal(step_mount(&b), 0);
	assert_int_equal(call_index("mount devtmpfs /dev a"), -1);
	assert_true(call_index("mount proc /proc e") >= 0);
	assert_int_equal(b.n_mounted, n_early_mounts - 1);
}

static void test_failure_names_target(void **state)
{
	struct boot b;

	(void)state;
	fail_target = "/sys/fs/cgroup";
	fail_errno = ENODEV;
	boot_for_test(&b);
	assert_int_equal(step_mount(&b), -ENODEV);
	assert_string_equal(b.reason, "mount cgroup2 on /sys/fs/cgroup: No such device");
	/* What was mounted before stays recorded for the undo. */
	assert_int_equal(b.n_mounted, n_early_mounts - 1);
}

static void test_ebusy_not_mounted_is_error(void **state)
{
	struct boot b;

	(void)state;
	fail_target = "/run";
	fail_errno = EBUSY;
	boot_for_test(&b);
	assert_int_equal(step_mount(&b), -EBUSY);
	assert_non_null(strstr(b.reason, "/run"));
}

static void test_undo_reverse_with_busy(void **state)
{
	struct boot b;
	size_t i;
	char want[CALL_LEN];

	(void)state;
	boot_for_test(&b);
	assert_int_equal(step_mount(&b), 0);
	calls_reset();
	busy_target = "/run";
	mounts_undo(&b);
	assert_int_equal(b.n_mounted, 0);
	for (i = 0; i < n_early_mounts; i++) {
		snprintf(want, sizeof(want), "umount %s", early_mounts[n_early_mounts - 1 - i].target);
		assert_true(call_index(want) >= 0);
	}
	/* Reverse order: the last mounted goes first. */
	snprintf(want, sizeof(want), "umount %s", early_mounts[n_early_mounts - 1].target);
	assert_string_equal(calls[0], want);
	/* EBUSY: remounted read-only instead, right after the failed umount. */
	i = (size_t)call_index("umount /run");
	assert_string_equal(calls[i + 1], "mount - /run 21");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_table_shape, setup),
		cmocka_unit_test_setup(test_mounts_in_order_then_console, setup),
		cmocka_unit_test_setup(test_already_mounted_is_skipped, setup),
		cmocka_unit_test_setup(test_failure_names_target, setup),
		cmocka_unit_test_setup(test_ebusy_not_mounted_is_error, setup),
		cmocka_unit_test_setup(test_undo_reverse_with_busy, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
