#!/bin/sh
# 070_kata_coco_dev: the none bundle booted under the QEMU command line that
# Kata's Go runtime runs for configuration-qemu-coco-dev.toml with the
# bundle's [hypervisor.qemu] section merged in (tests/lib/kata-shape.sh
# ks_go_coco_dev cites kata-containers 7c6ba40c for every argument): q35, the
# root image on virtio-blk-pci, because the bundle's section sets
# disable_image_nvdimm = true over coco-dev's default false (docs/kata.md,
# row 6), named /dev/vda1 and /dev/vda2 in dm-mod.create, the initdata on
# virtio-blk-pci (qemu_arch_base.go buildInitdataDevice), the
# virtio-serial console hvc0, virtio-rng, a virtio-scsi controller and
# Kata's own kernel parameters before the bundle's kernel_params. The init's
# pipeline must reach the test agent's PASS verdict with no FATAL line, and
# every step of the agent contract (tests/agent/contract.c: what the
# kata-agent does at start, CreateSandbox and CreateContainer, with both
# cgroupsPath forms) must be ok (ks_expect_contract).
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kata-shape.sh"

ks_load_bundle "$BUNDLE" none || case_fail "cannot read $BUNDLE/configuration-qemu-none.toml"
KS_INITDATA=$INITDATA
KS_CONSOLE=$CASE_WORK/console.log
LOG=$KS_CONSOLE
RC=0
ks_run ks_go_coco_dev "$BOOT_TIMEOUT" || RC=$?
[ "$KS_DISABLE_NVDIMM" = true ] || case_fail "the bundle's configuration leaves disable_image_nvdimm unset"
grep -q 'nvdimm' "$LOG.cmd" && case_fail "an NVDIMM on the command line: $(cat "$LOG.cmd")"
grep -q '^virtio-blk-pci,.*drive=image-' "$LOG.cmd" ||
	case_fail "the root image is not on virtio-blk-pci: $(cat "$LOG.cmd")"
grep -q 'verity 1 /dev/vda1 /dev/vda2 ' "$LOG.cmd" ||
	case_fail "dm-mod.create does not name the virtio-blk partitions"
expect_exited
expect_log "verity: / is dm-verity, root hash $(cat "$BUNDLE/roothash")"
expect_log "sealroot-test: VERDICT PASS"
ks_expect_contract
expect_no_log "FATAL"
