#!/bin/sh
# 072_kata_tdx_shape: the tdx bundle (BUNDLE_tdx, default out/tdx) booted under the
# QEMU command line that Kata's Go runtime runs for
# configuration-qemu-tdx.toml with the bundle's section merged in
# (tests/lib/kata-shape.sh ks_go_tdx cites kata-containers 7c6ba40c for every
# argument): q35 with the bundle's firmware (TDVF) as -bios and its bzImage,
# the root image on virtio-blk-pci (/dev/vda1, /dev/vda2: a confidential
# guest disables NVDIMM), the initdata on virtio-blk-pci, the virtio-serial
# console hvc0, a virtio-scsi controller, no virtio-rng (confidential_guest)
# and Kata's own kernel parameters. The TEE object and
# confidential-guest-support are left out: TCG emulates no TEE, and the
# firmware boots as a plain guest. The init's pipeline must reach the test
# agent's PASS verdict with no FATAL line; the init detects no TEE.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kata-shape.sh"

b=${BUNDLE_tdx:-$TOP/out/tdx}
[ -f "$b/configuration-qemu-tdx.toml" ] || case_fail "no tdx bundle in $b (make image TEE=tdx)"
ks_load_bundle "$b" tdx || case_fail "cannot read $b/configuration-qemu-tdx.toml"
[ -f "$KS_FIRMWARE" ] || case_fail "the tdx bundle has no firmware"
KS_INITDATA=$INITDATA
KS_CONSOLE=$CASE_WORK/console.log
LOG=$KS_CONSOLE
RC=0
ks_run ks_go_tdx "$BOOT_TIMEOUT" || RC=$?
grep -q 'verity 1 /dev/vda1 /dev/vda2 ' "$LOG.cmd" || case_fail "dm-mod.create does not name virtio-blk"
expect_exited
expect_log "verity: / is dm-verity, root hash $(cat "$b/roothash")"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
