#!/bin/sh
# 002_tampered_root: one byte of the root filesystem data is flipped (inside
# the agent binary, so the kernel can still start the init). dm-verity
# refuses the block; the init's full scan (sealroot.verity_scan=full;
# the default is lazy: 007) finds it before anything on the
# root is used, prints one FATAL verity line and powers off. The agent never
# runs.
. "$TOP/tests/lib/boot.sh"

disk=$CASE_WORK/rootfs.img
tampered_root "$disk"

boot_run "$disk" "$(sr_bundle_cmdline "$BUNDLE") sealroot.verity_scan=full"
expect_fatal verity-scan
expect_log "dm-verity refused the block"
# The kernel's own verity line names the corrupted block.
expect_log "device-mapper: verity"
