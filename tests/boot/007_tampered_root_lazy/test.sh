#!/bin/sh
# 007_tampered_root_lazy: one byte flipped inside the agent binary, as in
# 002, but with the bundle's own line: verity is lazy by default (no full
# scan; docs/init.md, "The full scan"). dm-verity refuses the block when
# the agent's pages are read, so the changed byte is never used: the exec
# fails, or the agent dies of SIGBUS on the page fault, before its verdict.
# The kernel names the refused block; the init shuts down and powers off.
. "$TOP/tests/lib/boot.sh"

disk=$CASE_WORK/rootfs.img
tampered_root "$disk"

boot_run "$disk" "$(sr_bundle_cmdline "$BUNDLE")"
expect_log "verity scan off"
expect_no_log "verity: scanning"
expect_log "device-mapper: verity"
expect_no_log "VERDICT PASS"
# Either the exec itself fails (one FATAL agent line) or the agent starts
# and a page fault on the refused block kills it with SIGBUS (7).
if grep -q "sealroot: FATAL agent:" "$LOG"; then
	expect_log "exec /usr/bin/kata-agent"
else
	expect_log "killed by signal 7"
	expect_log "shutdown: complete"
fi
expect_log "powering off"
