#!/bin/sh
# 084_extension_raw: an unmeasured extension (make extension UNMEASURED=1:
# p1 only) announced with a bare key, as Kata does for an extension whose
# verity_params are empty (qemu.go kernelParameters), in the coco-dev
# shape: mounted from p1, read-only, nodev, nosuid, and logged as
# UNMEASURED; the agent reads its marker.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build raw --unmeasured
[ -z "$EXT_PARAMS" ] || case_fail "an unmeasured extension has verity_params: $EXT_PARAMS"
KS_EXTENSIONS="raw=$EXT_IMG" KS_EXT_PARAMS_raw=
ext_boot_kata
expect_exited
expect_log_re "extensions: raw: UNMEASURED \(no hash partition, no verity_params\): /dev/vd[a-z]1 mounted read-only on /run/kata-extensions/raw"
expect_log_re "sealroot-test: extension raw: /dev/vd[a-z]1 erofs ro,nosuid,nodev"
expect_log "sealroot-test: extension raw: marker size $(wc -c <"$EXT_MARKER") sha256 $(sha256sum "$EXT_MARKER" | cut -d' ' -f1)"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
