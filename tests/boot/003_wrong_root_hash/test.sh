#!/bin/sh
# 003_wrong_root_hash: the command line carries a root hash other than the
# image's. Two variants:
#  a) sealroot.roothash differs from the hash dm-verity was set up with: the
#     init's own check fails closed with a FATAL verity line.
#  b) dm-mod.create (and sealroot.roothash) carry the wrong hash: the kernel
#     cannot read a verified block, so the root never mounts and the VM stops
#     (panic=-1) without ever starting the init or the agent.
. "$TOP/tests/lib/boot.sh"

good=$(cat "$BUNDLE/roothash")
bad=$(printf 'not the root hash' | sha256sum | cut -d' ' -f1)
cmdline=$(sr_bundle_cmdline "$BUNDLE")

# a) only the init's key changes.
boot_run "$BUNDLE/rootfs.img" "$(printf '%s' "$cmdline" | sed "s/sealroot.roothash=$good/sealroot.roothash=$bad/")"
expect_fatal verity
expect_log "root hash mismatch: active $good, measured command line $bad"
cp "$LOG" "$CASE_WORK/a.log"

# b) every occurrence changes.
boot_run "$BUNDLE/rootfs.img" "$(printf '%s' "$cmdline" | sed "s/$good/$bad/g")"
expect_exited
expect_no_log "sealroot-init"
expect_no_log "sealroot-test: agent running"
expect_log "Kernel panic"
