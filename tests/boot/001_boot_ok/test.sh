#!/bin/sh
# 001_boot_ok: the guest boots from the verity root, the init verifies it,
# and the test agent reports from inside: / is dm-verity and read-only, the
# image's modules are loaded and loading is locked, the agent is not PID 1.
# Then the agent exits and the VM powers off cleanly.
. "$TOP/tests/lib/boot.sh"

boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_exited
for step in mount cmdline verity kmod initdata agent; do
	expect_log "step $step: ok"
done
expect_log "verity: / is dm-verity, root hash $(cat "$BUNDLE/roothash")"
expect_log "all blocks verified"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "VERDICT FAIL"
expect_no_log "FATAL"
expect_log "exited with status 0"
expect_log "shutdown: complete"
expect_log "powering off"
