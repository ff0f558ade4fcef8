#!/bin/sh
# 073_kata_rs_coco_dev: the none bundle booted under the QEMU command line
# that runtime-rs runs for configuration-qemu-coco-dev-runtime-rs.toml with
# the bundle's section merged in (tests/lib/kata-shape.sh ks_rs_coco_dev
# cites kata-containers 7c6ba40c for every argument): q35 with
# memory-backend-ram, the root image on virtio-blk-pci (the bundle's
# vm_rootfs_driver, over the template's virtio-pmem, which runtime-rs would
# emit as -device nvdimm on QEMU: docs/kata.md, row 6), the
# initdata on virtio-scsi (scsi-hd on scsi0.0: block_device_driver), the
# virtio-serial console hvc0, virtio-rng and runtime-rs's own kernel
# parameters. The init must find the initdata on /dev/sda and the pipeline
# must reach the test agent's PASS verdict with no FATAL line, with every
# agent contract step ok (ks_expect_contract).
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kata-shape.sh"

ks_load_bundle "$BUNDLE" none || case_fail "cannot read $BUNDLE/configuration-qemu-none.toml"
KS_INITDATA=$INITDATA
KS_CONSOLE=$CASE_WORK/console.log
LOG=$KS_CONSOLE
RC=0
ks_run ks_rs_coco_dev "$BOOT_TIMEOUT" || RC=$?
[ "$KS_ROOTFS_DRIVER" = virtio-blk-pci ] || case_fail "the bundle's vm_rootfs_driver is '$KS_ROOTFS_DRIVER'"
grep -q '^scsi-hd,drive=image-initdata,bus=scsi0.0$' "$LOG.cmd" ||
	case_fail "the initdata disk is not on virtio-scsi: $(cat "$LOG.cmd")"
grep -q '^virtio-blk-pci,drive=image-rootfs,' "$LOG.cmd" ||
	case_fail "the root image is not on virtio-blk-pci"
grep -q 'nvdimm' "$LOG.cmd" && case_fail "an NVDIMM on the command line"
expect_exited
expect_log "verity: / is dm-verity, root hash $(cat "$BUNDLE/roothash")"
expect_log "/dev/sda"
expect_log "sealroot-test: VERDICT PASS"
ks_expect_contract
expect_no_log "FATAL"
