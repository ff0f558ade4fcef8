#!/bin/sh
# 024_wrong_nonce: the KBS rejects the evidence as if its report data did
# not carry this session's nonce (a replay). Attest is refused twice (the
# handshake is re-run once) and the init fails closed.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
attest_initdata "$CASE_WORK/initdata.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow wrong_nonce
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_fatal attest
expect_log "attest: re-running the handshake once after a 401"
expect_log "sealroot: FATAL attest: attest: the KBS refused (401"
expect_no_log "the KBS accepted the evidence"
no_secret_anywhere "$CASE_WORK/secret" "$BUNDLE/rootfs.img" "$INITDATA"
