#!/bin/sh
# 012_initdata_truncated_gzip: the length field and the disk agree, but the
# gzip stream inside is cut short (its last 12 bytes, the end of the data
# and the CRC and size trailer, are missing). zlib reports it; the init
# fails closed before parsing anything.
. "$TOP/tests/lib/boot.sh"

toml=$TOP/tests/boot/initdata.toml
n=$(($(gzip -9nc <"$toml" | wc -c) - 12))
len=
for i in 1 2 3 4 5 6 7 8; do len=$len$(printf '%02x' $((n & 255))); n=$((n >> 8)); done
initdata_raw "$toml" "$CASE_WORK/cut.img" "$len"
# Zero what lies past the shortened length, as padding would be.
dd if=/dev/zero of="$CASE_WORK/cut.img" bs=1 seek=$((16 + $(gzip -9nc <"$toml" | wc -c) - 12)) \
	count=12 conv=notrunc 2>/dev/null
INITDATA=$CASE_WORK/cut.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "sealroot: FATAL initdata: /dev/vdb: gzip stream is truncated"
expect_no_log "initdata: wrote"
