#!/bin/sh
# 023_tampered_jwe: the KBS flips one byte of the JWE ciphertext. AES-GCM's
# tag no longer verifies; the init uses no plaintext and fails closed.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
attest_initdata "$CASE_WORK/initdata.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow flip_ciphertext
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_fatal attest
expect_log "sealroot: FATAL attest: resource default/key/web:"
expect_no_log "released"
no_secret_anywhere "$CASE_WORK/secret" "$LOG"
