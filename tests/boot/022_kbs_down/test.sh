#!/bin/sh
# 022_kbs_down: nothing listens where the KBS should be. The init retries
# with backoff as many times as the measured sealroot.toml allows, then
# fails closed; with a short measured deadline and many retries, the
# deadline ends it instead. Either way: one FATAL line, agent never runs.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

# A port nothing listens on: bind one, note it, close it.
KBS_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

ATTEST_RETRIES=3 attest_initdata "$CASE_WORK/initdata.img"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal attest
expect_log "attest: auth: attempt 1/3 failed"
expect_log "attest: auth: attempt 2/3 failed"
expect_log "sealroot: FATAL attest: auth: gave up after 3 attempts"

ATTEST_RETRIES=20 ATTEST_DEADLINE_MS=3000 attest_initdata "$CASE_WORK/initdata2.img"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal attest
expect_log "sealroot: FATAL attest: auth: the 3000 ms deadline passed"
