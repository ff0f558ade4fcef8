#!/bin/sh
# 006_linear_root: the host maps the root partition with a plain dm-linear
# target instead of verity (same device, same name, no hash checks). The
# root mounts and the init starts, so only the verity step's own check
# stands between this root and the agent: it must refuse with exactly its
# own reason, "/ is a dm linear target, not verity", and no later step
# (a parse error, say) may be what stops the boot.
. "$TOP/tests/lib/boot.sh"

cmdline=$(sr_bundle_cmdline "$BUNDLE")
blocks=$(printf '%s' "$cmdline" | sed -n 's/.*dm-mod.create="dm-verity,,,ro,0 \([0-9]*\) verity .*/\1/p')
[ -n "$blocks" ] || case_fail "no verity table on the bundle's command line"
linear=$(printf '%s' "$cmdline" | sed "s|dm-mod.create=\"[^\"]*\"|dm-mod.create=\"dm-verity,,,ro,0 $blocks linear /dev/vda1 0\"|")

boot_run "$BUNDLE/rootfs.img" "$linear"
expect_fatal verity
expect_log "sealroot: FATAL verity: / is a dm linear target, not verity"
expect_no_log "step verity: ok"
expect_no_log "sealroot-test: agent running"
