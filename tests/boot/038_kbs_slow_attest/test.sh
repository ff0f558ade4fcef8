#!/bin/sh
# 038_kbs_slow_attest: the KBS holds its /attest answer for 12 s (the
# test KBS's slow_attest fault), as a cold Trustee does while it fetches
# the VCEK from AMD's KDS or Intel's PCS collateral. With a 30 s measured
# deadline the init waits for it (only connecting is capped, at 10 s) and
# the secret arrives; no attempt is abandoned and retried.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
ATTEST_DEADLINE_MS=30000 attest_initdata "$CASE_WORK/initdata.img"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow slow_attest "$CASE_WORK/initdata.img.toml"
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_exited
expect_log "attest: the KBS accepted the evidence"
expect_log "sealroot-test: secret file web.key mode 0400 size $(wc -c <"$CASE_WORK/secret")"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "attempt 1/"
expect_no_log "FATAL"
