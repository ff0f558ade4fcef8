// SPDX-License-Identifier: Apache-2.0
/* Unit tests for init/expedite.c: RCU expediting turned on only when it is
 * off, remembered for the agent's child, and a missing switch not fatal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expedite.h"
#include "unit.h"

static char dir[256], path[300];

static int setup(void **state)
{
	(void)state;
	unit_tmpdir(dir, sizeof(dir), "expedite");
	snprintf(path, sizeof(path), "%s/rcu_expedited", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_rmtree(dir);
	return 0;
}

/* The switch file starts with the n bytes of want. */
static void assert_value(const char *want, size_t n)
{
	size_t len;
	char *v = unit_slurp(path, &len);

	assert_true(len >= n);
	assert_memory_equal(v, want, n);
	free(v);
}

/* Runs step expedite on a switch that reads initial; returns whether it
 * remembered turning expediting on, and leaves the file as it was made. */
static bool step_from(const char *initial)
{
	struct boot b;

	unit_put(path, initial, strlen(initial));
	boot_init(&b);
	b.path.rcu_expedited = path;
	assert_int_equal(step_expedite(&b), 0);
	assert_string_equal(b.reason, "");
	return b.rcu_expedited;
}

static void test_off_is_turned_on_and_remembered(void **state)
{
	(void)state;
	assert_true(step_from("0\n"));
	assert_value("1", 1);
	assert_int_equal(expedite_end(path), 0);
	assert_value("0", 1);
}

/* Any value but 0 is on (the kernel's rcu_gp_is_expedited): left as it is,
 * not rewritten as 1. */
static void test_on_is_left_alone(void **state)
{
	(void)state;
	assert_false(step_from("2\n"));
	assert_value("2\n", 2);
}

static void test_missing_switch_is_not_fatal(void **state)
{
	struct boot b;
	char missing[320];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/absent/rcu_expedited", dir);
	boot_init(&b);
	b.path.rcu_expedited = missing;
	assert_int_equal(step_expedite(&b), 0);
	assert_false(b.rcu_expedited);
	assert_string_equal(b.reason, "");
	/* The end, though, reports its failure: the agent step fails on it. */
	assert_int_equal(expedite_end(missing), -ENOENT);
}

static void test_no_path_does_nothing(void **state)
{
	struct boot b;

	(void)state;
	boot_init(&b);
	b.path.rcu_expedited = NULL;
	assert_int_equal(step_expedite(&b), 0);
	assert_false(b.rcu_expedited);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_off_is_turned_on_and_remembered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_on_is_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_switch_is_not_fatal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_path_does_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
