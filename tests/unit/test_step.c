// SPDX-License-Identifier: Apache-2.0
/* Unit tests for init/step.c and init/boot.c: the step runner, boot_fail,
 * the FATAL line, and the state boot_init starts from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "calls.h"
#include "step.h"

static int ok_a(struct boot *b) { (void)b; CALL("a"); return 0; }
static int ok_b(struct boot *b) { (void)b; CALL("b"); return 0; }
static int bad_c(struct boot *b) { CALL("c"); return boot_fail(b, -EIO, "read %s", "/dev/vdz"); }
static int silent_d(struct boot *b) { (void)b; CALL("d"); return -EPERM; }
static int never_e(struct boot *b) { (void)b; CALL("e"); return 0; }

/* Without initdata (sealroot.initdata=optional and no disk), the storage
 * step still reads a complete configuration: boot_init gives it the same
 * defaults config_parse starts from, never an empty mountpoint (issue:
 * make_dirs("") on an unset configuration). */
static void test_boot_init_config_defaults(void **state)
{
	struct boot b;

	(void)state;
	memset(&b, 0x5a, sizeof(b));
	boot_init(&b);
	assert_string_equal(b.attest.storage.mountpoint, STORAGE_MOUNTPOINT);
	assert_int_equal(b.attest.retries, 5);
	assert_int_equal(b.attest.deadline_ms, 60000);
	assert_string_equal(b.attest.storage.device, "");
	assert_int_equal(b.attest.n_res, 0);
}

static int setup(void **state)
{
	(void)state;
	calls_reset();
	return 0;
}

static void test_all_ok_in_order(void **state)
{
	const struct step t[] = { { "a", ok_a }, { "b", ok_b } };
	const char *failed = "x";
	struct boot b;

	(void)state;
	boot_init(&b);
	assert_int_equal(steps_run(&b, t, 2, &failed), 0);
	assert_null(failed);
	assert_int_equal(n_calls, 2);
	assert_string_equal(calls[0], "a");
	assert_string_equal(calls[1], "b");
}

static void test_stops_at_first_failure(void **state)
{
	const struct step t[] = { { "a", ok_a }, { "c", bad_c }, { "e", never_e } };
	const char *failed;
	struct boot b;

	(void)state;
	boot_init(&b);
	assert_int_equal(steps_run(&b, t, 3, &failed), -EIO);
	assert_string_equal(failed, "c");
	assert_string_equal(b.reason, "read /dev/vdz: Input/output error");
	assert_int_equal(call_index("e"), -1);
}

static void test_generic_reason(void **state)
{
	const struct step t[] = { { "d", silent_d }, { "e", never_e } };
	const char *failed;
	struct boot b;

	(void)state;
	boot_init(&b);
	assert_int_equal(steps_run(&b, t, 2, &failed), -EPERM);
	assert_string_equal(failed, "d");
	assert_string_equal(b.reason, "step failed: Operation not permitted");
}

static void test_boot_fail_without_errno(void **state)
{
	struct boot b;

	(void)state;
	boot_init(&b);
	assert_int_equal(boot_fail(&b, 0, "root hash %s", "mismatch"), -EINVAL);
	assert_string_equal(b.reason, "root hash mismatch");
}

static void test_fatal_line_format(void **state)
{
	char buf[1024] = { 0 }, big[REASON_MAX * 2];
	int p[2], saved;
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	saved = dup(2);
	dup2(p[1], 2);
	fatal_line("verity", "root hash mismatch");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fatal_line("kmod", big);
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	/* Exactly one line each, starting with the fixed prefix. */
	assert_memory_equal(buf, "sealroot: FATAL verity: root hash mismatch\n", 43);
	assert_memory_equal(buf + 43, "sealroot: FATAL kmod: xxx", 25);
	assert_int_equal(buf[n - 1], '\n');
	assert_null(memchr(buf + 43, '\n', (size_t)n - 44));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_all_ok_in_order, setup),
		cmocka_unit_test_setup(test_stops_at_first_failure, setup),
		cmocka_unit_test_setup(test_generic_reason, setup),
		cmocka_unit_test_setup(test_boot_fail_without_errno, setup),
		cmocka_unit_test_setup(test_fatal_line_format, setup),
		cmocka_unit_test(test_boot_init_config_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
