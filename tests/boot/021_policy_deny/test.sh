#!/bin/sh
# 021_policy_deny: the KBS's policy denies the resource with 401, as
# Trustee's kbs/src/error.rs error_response answers a PolicyDeny (trustee
# 78962cd4). On the 401 the init re-runs the whole handshake
# once, as guest-components' rcar_client does, is denied again, and fails
# closed: one FATAL line, no secret file, the agent never runs.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
attest_initdata "$CASE_WORK/initdata.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" deny
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_fatal attest
expect_log "attest: re-running the handshake once after a 401"
expect_log "sealroot: FATAL attest: resource default/key/web: the KBS refused (401"
expect_no_log "released"
no_secret_anywhere "$CASE_WORK/secret" "$LOG"
