#!/bin/sh
# 085_extension_two_disks: two disks carry the serial extension-coco (the
# genuine one and a copy the host added), in the coco-dev shape: the host
# would be choosing which one the guest mounts, so the step refuses. One
# FATAL extensions line naming the serial, nothing mounted, no agent.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
cp "$EXT_IMG" "$CASE_WORK/copy.img"
KS_EXTENSIONS="coco=$EXT_IMG" KS_EXT_PARAMS_coco=$EXT_PARAMS
with_copy() {
	ks_go_coco_dev
	printf '%s\n' -device "virtio-blk-pci,disable-modern=false,drive=dup,config-wce=off,share-rw=on,serial=extension-coco" \
		-drive "id=dup,file=$CASE_WORK/copy.img,aio=threads,format=raw,if=none,readonly=on"
}
EXT_SHAPE=with_copy ext_boot_kata
expect_fatal extensions
expect_log "extension coco: two disks have the serial \"extension-coco\""
expect_no_log "mounted read-only"
