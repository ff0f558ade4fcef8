#!/bin/sh
# 037_attest_large_resource: a 1,000,000-byte secret, which Trustee serves
# (it puts no cap on a resource: kbs/src/plugins/implementations/resource,
# trustee 78962cd4). base64 and the JWE make the reply about 1.33 MB, over
# the 1 MiB cap the init once had; under the 16 MiB cap it arrives whole.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 1000000 /dev/urandom >"$CASE_WORK/secret"
attest_initdata "$CASE_WORK/initdata.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow "" "$CASE_WORK/initdata.img.toml"
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_exited
expect_log "attest: resource default/key/web released: 1000000 bytes"
expect_log "sealroot-test: secret file web.key mode 0400 size 1000000 sha256 $(sha256sum "$CASE_WORK/secret" | cut -d' ' -f1)"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
