#!/bin/sh
# 032_storage_missing: the scratch disk the measured configuration names
# is not there. By serial from the initdata (no disk has it, although
# another disk does exist: the probe order is never used); by path from
# the command line; and a partition given instead of a whole disk. Each is
# one FATAL line, and the agent never runs.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/storage.sh"

storage_initdata "$CASE_WORK/initdata.img" write
scratch_image "$CASE_WORK/other.img" 64M
# shellcheck disable=SC2046
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" $(scratch_args "$CASE_WORK/other.img" other0)
expect_fatal storage
expect_log 'sealroot: FATAL storage: scratch disk scratch0: no disk has the serial "scratch0"'
[ "$(tr -d '\0' <"$CASE_WORK/other.img" | wc -c)" = 0 ] || case_fail "the other disk was written to"

STORAGE_DEVICE=/dev/vdz
storage_initdata "$CASE_WORK/initdata.img" write
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal storage
expect_log "sealroot: FATAL storage: scratch disk /dev/vdz: /dev/vdz: no such disk"

STORAGE_DEVICE=/dev/vda1
storage_initdata "$CASE_WORK/initdata.img" write
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal storage
expect_log "sealroot: FATAL storage: scratch disk /dev/vda1: /dev/vda1 is a partition of /dev/vda, not a whole disk"

# The command line and the initdata must agree.
STORAGE_DEVICE=
storage_initdata "$CASE_WORK/initdata.img" write
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") sealroot.scratch=/dev/vdc"
expect_fatal storage
expect_log 'sealroot: FATAL storage: sealroot.scratch=/dev/vdc and [storage] device "scratch0" disagree'
