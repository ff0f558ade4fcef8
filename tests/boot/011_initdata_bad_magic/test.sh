#!/bin/sh
# 011_initdata_bad_magic: a disk whose first bytes are not "initdata" is not
# an initdata device, so the required initdata is missing: fail closed in
# the initdata step, agent never started, nothing written.
. "$TOP/tests/lib/boot.sh"

initdata_raw "$TOP/tests/boot/initdata.toml" "$CASE_WORK/bad.img"
printf 'initdatA' | dd of="$CASE_WORK/bad.img" conv=notrunc 2>/dev/null
INITDATA=$CASE_WORK/bad.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "sealroot: FATAL initdata: no initdata device on /dev/vd* or /dev/sd*"
expect_no_log "initdata: wrote"
