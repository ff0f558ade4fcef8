#!/bin/sh
# 085_extension_two_disks: two disks carry the serial extension-coco (the
# genuine one and a copy): the host would be choosing which one the guest
# mounts, so the step refuses both. One FATAL extensions line naming both
# disks, nothing mounted, no agent.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
cp "$EXT_IMG" "$CASE_WORK/copy.img"
# shellcheck disable=SC2046 # ext_disk prints a word list
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") $(ext_param coco "$EXT_PARAMS")" \
	$(ext_disk "$EXT_IMG" extension-coco) \
	$(printf '%s' "-drive if=none,id=dup,file=$CASE_WORK/copy.img,format=raw,readonly=on -device virtio-blk-device,drive=dup,serial=extension-coco")
expect_fatal extensions
expect_log "extension coco: two disks have the serial \"extension-coco\""
expect_no_log "mounted read-only"
