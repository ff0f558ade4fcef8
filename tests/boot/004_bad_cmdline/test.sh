#!/bin/sh
# 004_bad_cmdline: the sealroot.* keys are parsed strictly. An unknown key
# (a typo must not turn a check off), a duplicate key and a missing root
# hash each fail closed in the cmdline step, before anything on the root is
# trusted, and the agent never runs.
. "$TOP/tests/lib/boot.sh"

cmdline=$(sr_bundle_cmdline "$BUNDLE")
good=$(cat "$BUNDLE/roothash")

boot_run "$BUNDLE/rootfs.img" "$cmdline sealroot.verity_scna=off"
expect_fatal cmdline
expect_log 'sealroot: FATAL cmdline: unknown key "sealroot.verity_scna"'

boot_run "$BUNDLE/rootfs.img" "$cmdline sealroot.roothash=$good"
expect_fatal cmdline
expect_log 'sealroot: FATAL cmdline: duplicate key "sealroot.roothash"'

boot_run "$BUNDLE/rootfs.img" "$(printf '%s' "$cmdline" | sed "s/ sealroot.roothash=$good//")"
expect_fatal cmdline
expect_log 'sealroot: FATAL cmdline: missing required key "sealroot.roothash"'
