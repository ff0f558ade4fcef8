#!/bin/sh
# 055_run_full: /run is capped at 1 MiB by the measured command line
# (sealroot.run_size=1) and the KBS releases two secrets of 600 KiB: the
# second write fails with ENOSPC. The attest step fails closed with one
# FATAL line, the FATAL path overwrites and removes what was written, the
# agent never runs, and no secret byte reaches the console.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"

head -c 460800 /dev/urandom | base64 -w0 >"$CASE_WORK/secret"    # 614400 bytes
head -c 460800 /dev/urandom | base64 -w0 >"$CASE_WORK/secret2"
ATTEST_TAIL='[[resource]]
uri = "kbs:///default/key/web2"
path = "web2.key"'
attest_initdata "$CASE_WORK/initdata.img"
KBS_RESOURCES_EXTRA=", \"default/key/web2\": {\"file\": \"$CASE_WORK/secret2\", \"policy\": \"allow\"}"
kbs_config "$CASE_WORK/kbs.json" "$CASE_WORK/secret" allow
kbs_start "$CASE_WORK/kbs.json"
boot_run_kbs "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") sealroot.run_size=1"
kbs_stop
expect_fatal attest
expect_log "cmdline: /run limited to 1 MiB"
expect_log "attest: resource default/key/web released: 614400 bytes"
expect_log "sealroot: FATAL attest: "
expect_log "web2.key: No space left on device"
for s in "$CASE_WORK/secret" "$CASE_WORK/secret2"; do
	no_secret_anywhere "$s" "$LOG" "$LOG.qemu" "$INITDATA"
done
