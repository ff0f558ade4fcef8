#!/bin/sh
# 013_initdata_length_overflow: the length field is checked against the cap
# and the disk size before anything is read. A huge value (which would wrap
# 16 + N), one byte over the 256 KiB cap on a disk that holds it, and a value
# under the cap but past the end of the disk, all fail closed with the
# numbers in the line, and nothing is written. Exactly the cap is not
# refused for its length: it is read, and fails only on what it holds.
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

# 0x40001 = 262,145 bytes, one over the cap, on a 1 MiB disk that holds all of
# them: the cap refuses it, not the device size.
initdata_raw "$TOP/tests/boot/initdata.toml" "$CASE_WORK/over.img" 0100040000000000
truncate -s 1M "$CASE_WORK/over.img"
INITDATA=$CASE_WORK/over.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "sealroot: FATAL initdata: /dev/vdb: length field 262145 exceeds the 262144-byte cap"
expect_no_log "initdata: wrote"

# 0x40000 = 262,144 bytes, exactly the cap: the length passes and all of it is
# read; what fails is the gzip member that does not fill it (the rest are
# the zeros after it), never the cap.
initdata_raw "$TOP/tests/boot/initdata.toml" "$CASE_WORK/cap.img" 0000040000000000
truncate -s 1M "$CASE_WORK/cap.img"
gz_len=$(gzip -9nc <"$TOP/tests/boot/initdata.toml" | wc -c)
INITDATA=$CASE_WORK/cap.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "sealroot: FATAL initdata: /dev/vdb: $((262144 - gz_len)) bytes after the end of the gzip stream"
expect_no_log "byte cap"
expect_no_log "runs past the end"
expect_no_log "initdata: wrote"
