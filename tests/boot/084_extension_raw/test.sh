#!/bin/sh
# 084_extension_raw: an unmeasured extension (make extension UNMEASURED=1:
# p1 only) named with a bare key, as Kata does for an extension whose
# verity_params are empty (qemu.go kernelParameters): mounted from p1,
# read-only, nodev, nosuid, and logged as UNMEASURED; the agent reads its
# marker.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build raw --unmeasured
[ -z "$EXT_PARAMS" ] || case_fail "an unmeasured extension has verity_params: $EXT_PARAMS"
# shellcheck disable=SC2046 # ext_disk prints a word list
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") $(ext_param raw "")" \
	$(ext_disk "$EXT_IMG" extension-raw)
expect_exited
expect_log "extensions: raw: UNMEASURED (no hash partition, no verity_params): /dev/vdc1 mounted read-only on /run/kata-extensions/raw"
expect_log "sealroot-test: extension raw: /dev/vdc1 erofs ro,nosuid,nodev"
expect_log "sealroot-test: extension raw: marker size $(wc -c <"$EXT_MARKER") sha256 $(sha256sum "$EXT_MARKER" | cut -d' ' -f1)"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
