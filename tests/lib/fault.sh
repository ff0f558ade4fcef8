#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The fault-matrix boot cases (05x): the test agent misbehaves as the
# initdata's "test-agent" entry says, after a secret has been released.
# Sourced after tests/lib/boot.sh and tests/lib/kbs.sh.

# fault_boot ACTION [CMDLINE_EXTRA]: a secret from the test KBS, then the
# agent misbehaves; the console is $LOG.
fault_boot() {
	head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
	ATTEST_DATA="\"test-agent\" = \"$1\""
	attest_initdata "$CASE_WORK/initdata.img"
	kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow
	kbs_start "$CASE_WORK/kbs.json"
	boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")${2:+ $2}"
	kbs_stop
	no_secret_anywhere "$CASE_WORK/secret" "$LOG" "$LOG.qemu" "$INITDATA"
}

# expect_ordered_shutdown: the secret was released, then at shutdown it is
# wiped before any process is signalled, and the shutdown completes with
# the power-off: no FATAL line.
expect_ordered_shutdown() {
	expect_exited
	expect_log "attest: resource default/key/web released"
	expect_log "shutdown: wiped 1 secret file from /run/sealroot/secrets"
	expect_log "shutdown: complete"
	expect_log "sealroot: powering off"
	expect_no_log "FATAL"
	w=$(grep -n "shutdown: wiped 1 secret file" "$LOG" | head -n 1 | cut -d: -f1)
	s=$(grep -n "shutdown: stopping all processes" "$LOG" | head -n 1 | cut -d: -f1)
	[ -n "$w" ] && [ -n "$s" ] && [ "$w" -lt "$s" ] ||
		case_fail "the secrets were not wiped before the processes were stopped"
}
