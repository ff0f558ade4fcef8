#!/bin/sh
# 013_initdata_length_overflow: the length field is checked against the cap
# and the disk size before anything is read. A huge value (which would wrap
# 16 + N), and a value under the cap but past the end of the disk, both
# fail closed with the numbers in the line.
. "$TOP/tests/lib/boot.sh"

initdata_raw "$TOP/tests/boot/initdata.toml" "$CASE_WORK/huge.img" f0ffffffffffffff
INITDATA=$CASE_WORK/huge.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "sealroot: FATAL initdata: /dev/vdb: length field 18446744073709551600 exceeds the 262144-byte cap"

# 0x1000 = 4096 bytes claimed on a 512-byte disk.
initdata_raw "$TOP/tests/boot/initdata.toml" "$CASE_WORK/long.img" 0010000000000000
INITDATA=$CASE_WORK/long.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "sealroot: FATAL initdata: /dev/vdb: length field 4096 runs past the end of the 512-byte device"
expect_no_log "initdata: wrote"
