#!/bin/sh
# 025_garbage_reply: the resource reply is not JSON; then it is 17 MiB of
# JSON-looking bytes. Both fail closed: the first as an unparsable JWE, the
# second at the 16 MiB body cap, before any parsing.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 32 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"
attest_initdata "$CASE_WORK/initdata.img"

kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow garbage
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_fatal attest
expect_log "sealroot: FATAL attest: resource default/key/web:"

kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow oversized
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
kbs_stop
expect_fatal attest
expect_log "sealroot: FATAL attest: resource default/key/web: reply body larger than 16777216 bytes"
no_secret_anywhere "$CASE_WORK/secret" "$BUNDLE/rootfs.img" "$INITDATA"
