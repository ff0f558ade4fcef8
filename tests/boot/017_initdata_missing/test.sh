#!/bin/sh
# 017_initdata_missing: with no initdata disk the boot fails closed by
# default. When the measured command line says sealroot.initdata=optional,
# the same boot goes on to the agent, which finds no initdata directory.
. "$TOP/tests/lib/boot.sh"

INITDATA=
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log "sealroot: FATAL initdata: no initdata device on /dev/vd* or /dev/sd* (required unless the command line has sealroot.initdata=optional)"

boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") sealroot.initdata=optional"
expect_exited
expect_log "initdata: none attached (optional by the command line)"
expect_log "step initdata: ok"
expect_log "sealroot-test: initdata: none"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
