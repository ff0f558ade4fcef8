#!/bin/sh
# 083_extension_no_hash: verity_params on the command line for a disk
# without a hash partition (an unmeasured image in place of the measured
# one), in Kata's coco-dev shape: refused ("params but nothing to verify",
# as Kata's mount script). One FATAL extensions line, nothing mounted, no
# agent.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
params=$EXT_PARAMS
ext_build raw --unmeasured
KS_EXTENSIONS="coco=$EXT_IMG" KS_EXT_PARAMS_coco=$params
ext_boot_kata
expect_fatal extensions
expect_log_re "extension coco: the command line gives verity_params but /dev/vd[a-z] has no hash partition; nothing to verify"
expect_no_log "mounted read-only"
