#!/bin/sh
# 080_extension_ok: a coco-shaped extension made by make extension from
# stand-in components, in the Go runtime's coco-dev shape
# (tests/lib/kata-shape.sh ks_go_coco_dev, kata-containers 7c6ba40c): a
# read-only virtio-blk-pci disk with serial extension-coco right after the
# root image (qemu.go buildDevices), and
# kata.extension.coco.verity_params=<root_hash,...> after kernel_params
# (qemu.go kernelParameters). The extensions step opens it as dm-verity
# target extension-coco without a superblock, scans it whole (with
# sealroot.verity_scan=full on the line; default off), and mounts it
# read-only, nodev, nosuid on /run/kata-extensions/coco; the test agent
# reads the marker file from it and its SHA-256 is the file's. A second
# disk with the serial extension-gpu, which the command line does not
# name, is logged and left alone.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
coco=$EXT_IMG params=$EXT_PARAMS marker=$EXT_MARKER
ext_build gpu
root=$(printf '%s\n' "$params" | tr ',' '\n' | sed -n 's/^root_hash=//p')
KS_EXTENSIONS="coco=$coco"
KS_EXT_PARAMS_coco=$params
gpu=$EXT_IMG
# The same shape plus a disk with the serial extension-gpu that no word on
# the command line announces.
with_gpu() {
	ks_go_coco_dev
	printf '%s\n' -device "virtio-blk-pci,disable-modern=false,drive=extension-gpu,config-wce=off,share-rw=on,serial=extension-gpu" \
		-drive "id=extension-gpu,file=$gpu,aio=threads,format=raw,if=none,readonly=on"
}
EXT_SHAPE=with_gpu EXT_EXTRA_PARAMS=sealroot.verity_scan=full ext_boot_kata
grep -q 'kata.extension.gpu' "$LOG.cmd" && case_fail "gpu is announced on the command line"
expect_exited
expect_log "step extensions: ok"
expect_log "extensions: coco: verified, root hash $root: /dev/mapper/extension-coco mounted read-only on /run/kata-extensions/coco"
expect_log "verity: scanned"
expect_log "has the serial \"extension-gpu\" but the command line names no such extension; ignored"
expect_log "sealroot-test: extension coco: /dev/mapper/extension-coco erofs ro,nosuid,nodev"
expect_log "sealroot-test: extension coco: marker size $(wc -c <"$marker") sha256 $(sha256sum "$marker" | cut -d' ' -f1)"
expect_no_log "sealroot-test: extension gpu"
expect_log "sealroot-test: VERDICT PASS"
expect_no_log "FATAL"
