#!/bin/sh
# 081_extension_tampered: one byte flipped inside the measured extension's
# data (in the marker file's first block), in Kata's coco-dev shape
# (tests/lib/extension.sh ext_boot_kata). With sealroot.verity_scan=full
# the extensions step reads the whole verity target before mounting, so
# dm-verity refuses the block there: one FATAL extensions line, nothing
# mounted, the agent never starts. With the default (off) the extension is
# mounted, and the agent's read of the changed file fails with EIO: the
# changed bytes are never returned.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
off=$(ext_data_offset "$EXT_IMG" "$EXT_MARKER") || case_fail "no marker in the image"
flip_byte "$EXT_IMG" $((off + 100))
KS_EXTENSIONS="coco=$EXT_IMG" KS_EXT_PARAMS_coco=$EXT_PARAMS
EXT_EXTRA_PARAMS=sealroot.verity_scan=full ext_boot_kata
expect_fatal extensions
expect_log "sealroot: FATAL extensions: extension /dev/mapper/extension-coco corrupted near byte"
expect_no_log "mounted read-only on /run/kata-extensions/coco"

ext_boot_kata
expect_exited
expect_log "extensions: coco: verified"
expect_log "sealroot-test: extension coco: marker unreadable: I/O error"
expect_log "sealroot-test: VERDICT FAIL"
expect_no_log "marker size"
