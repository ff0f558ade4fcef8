#!/bin/sh
# 083_extension_no_hash: verity_params on the command line for a disk
# without a hash partition (an unmeasured image in place of the measured
# one): refused ("params but nothing to verify", as Kata's mount script).
# One FATAL extensions line, nothing mounted, no agent.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
params=$EXT_PARAMS
ext_build raw --unmeasured
# shellcheck disable=SC2046 # ext_disk prints a word list
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") $(ext_param coco "$params")" \
	$(ext_disk "$EXT_IMG" extension-coco)
expect_fatal extensions
expect_log "extension coco: the command line gives verity_params but /dev/vdc has no hash partition; nothing to verify"
expect_no_log "mounted read-only"
