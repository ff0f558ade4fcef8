#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# shunit2 tests for the kernel configuration: the built .config conforms to
# kernel-config/required and forbidden, and the checker itself catches a
# forbidden symbol and a missing required one.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CHECK=$TOP/kernel-config/check-config.sh

oneTimeSetUp() {
	W=$(mktemp -d)
	# The cached build (instant once built; builds it otherwise).
	KDIR=$("$TOP/kernel-config/build.sh" none 2>/dev/null | tail -n 1)
}

oneTimeTearDown() {
	rm -rf "$W"
}

test_built_config_conforms() {
	assertTrue "kernel built: $KDIR" "[ -f '$KDIR/config' ]"
	assertTrue "check-config passes" "$CHECK $KDIR/config 2>/dev/null"
}

test_release_build_has_none_of_the_forbidden() {
	for sym in CONFIG_DEVMEM CONFIG_KEXEC CONFIG_MAGIC_SYSRQ; do
		assertFalse "$sym set" "grep -q '^$sym=' $KDIR/config"
	done
}

test_checker_catches_forbidden() {
	cp "$KDIR/config" "$W/bad"
	echo CONFIG_MAGIC_SYSRQ=y >>"$W/bad"
	out=$("$CHECK" "$W/bad" 2>&1)
	assertNotEquals "fails" 0 $?
	assertContains "$out" "forbidden CONFIG_MAGIC_SYSRQ=y"
	# ...but a debug build may have it.
	assertTrue "debug allows it" "$CHECK $W/bad debug 2>/dev/null"
}

test_checker_catches_missing_required() {
	grep -v '^CONFIG_DM_VERITY=' "$KDIR/config" >"$W/bad2"
	out=$("$CHECK" "$W/bad2" 2>&1)
	assertNotEquals "fails" 0 $?
	assertContains "$out" "required CONFIG_DM_VERITY=y, have: absent"
	sed 's/^CONFIG_DM_CRYPT=m/CONFIG_DM_CRYPT=y/' "$KDIR/config" >"$W/bad3"
	out=$("$CHECK" "$W/bad3" 2>&1)
	assertNotEquals "a module built in is caught" 0 $?
	assertContains "$out" "required CONFIG_DM_CRYPT=m, have: CONFIG_DM_CRYPT=y"
}

test_modules_stay_modules() {
	for sym in CONFIG_DM_CRYPT CONFIG_DM_INTEGRITY CONFIG_OVERLAY_FS; do
		assertTrue "$sym=m" "grep -qx '$sym=m' $KDIR/config"
	done
	for sym in CONFIG_DM_INIT CONFIG_DM_VERITY CONFIG_CONFIGFS_FS CONFIG_EROFS_FS; do
		assertTrue "$sym=y" "grep -qx '$sym=y' $KDIR/config"
	done
}

test_missing_tee_symbol_warns_not_silent() {
	# The tdx fragment names symbols 6.1 lacks; the build must say so.
	# Only the configure part runs here (stopped before compiling).
	out=$(KERNEL_STOP_AFTER_CONFIG=1 "$TOP/kernel-config/build.sh" tdx 2>&1)
	assertContains "$out" "WARNING: CONFIG_TDX_GUEST_DRIVER does not exist in this kernel source"
	assertContains "$out" "needs 6.2"
	assertContains "$out" "CONFIG_TSM_REPORTS"
}

. shunit2
