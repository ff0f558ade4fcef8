#!/bin/sh
# 080_extension_ok: a coco-shaped extension made by make extension from
# stand-in components, attached as Kata attaches it (serial
# extension-coco, kata.extension.coco.verity_params=<root_hash,...> on the
# command line). The extensions step opens it as dm-verity target
# extension-coco without a superblock, scans it whole, and mounts it
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
# shellcheck disable=SC2046 # ext_disk prints a word list
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") $(ext_param coco "$params")" \
	$(ext_disk "$coco" extension-coco) $(ext_disk "$EXT_IMG" extension-gpu)
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
