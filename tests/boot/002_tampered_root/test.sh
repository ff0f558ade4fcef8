#!/bin/sh
# 002_tampered_root: one byte of the root filesystem data is flipped (inside
# the agent binary, so the kernel can still start the init). dm-verity
# refuses the block; the init's full scan (sealroot.verity_scan=full;
# the default is lazy: 007) finds it before anything on the
# root is used, prints one FATAL verity line and powers off. The agent never
# runs.
. "$TOP/tests/lib/boot.sh"

disk=$CASE_WORK/rootfs.img
cp "$BUNDLE/rootfs.img" "$disk"
# The agent's verdict text is stored uncompressed in partition 1.
off=$(grep -obUaF "sealroot-test: VERDICT PASS" "$disk" | head -n 1 | cut -d: -f1)
[ -n "$off" ] || { echo "marker not found in the image"; exit 1; }
[ "$off" -ge 1048576 ] || { echo "marker outside partition 1"; exit 1; }
flip_byte "$disk" "$off"
cmp -s "$disk" "$BUNDLE/rootfs.img" && { echo "flip did not change the image"; exit 1; }

boot_run "$disk" "$(sr_bundle_cmdline "$BUNDLE") sealroot.verity_scan=full"
expect_fatal verity-scan
expect_log "dm-verity refused the block"
# The kernel's own verity line names the corrupted block.
expect_log "device-mapper: verity"
