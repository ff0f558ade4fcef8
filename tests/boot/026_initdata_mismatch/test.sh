#!/bin/sh
# 026_initdata_mismatch: the KBS expects the digest of a different initdata
# document than the one the guest booted with and sends. It refuses the
# attestation; the init fails closed.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
attest_initdata "$CASE_WORK/initdata.img"
# What the KBS expects: the same document with one more comment line.
{ cat "$CASE_WORK/initdata.img.toml"; echo "# another document"; } >"$CASE_WORK/other.toml"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow "" "$CASE_WORK/other.toml"
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_fatal attest
expect_log "sealroot: FATAL attest: attest: the KBS refused (401"
expect_no_log "released"
no_secret_anywhere "$CASE_WORK/secret" "$BUNDLE/rootfs.img" "$INITDATA"
