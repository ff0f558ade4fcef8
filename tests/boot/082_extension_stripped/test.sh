#!/bin/sh
# 082_extension_stripped: a measured extension (p2 holds its hash tree)
# named on the command line with a bare key, as if the host had stripped
# its verity_params: refused by the layout check (Kata's mount script
# refuses the same: src/agent/kata-extension-mount.sh, "hash device + NO
# params -> refuse"). One FATAL extensions line, nothing mounted, no agent.
# The same with an empty value ("=").
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
for p in "kata.extension.coco.verity_params" "kata.extension.coco.verity_params="; do
	# shellcheck disable=SC2046 # ext_disk prints a word list
	boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") $p" $(ext_disk "$EXT_IMG" extension-coco)
	expect_fatal extensions
	expect_log "extension coco: /dev/vdc has a dm-verity hash partition but the command line gives no verity_params; refusing to mount it unverified"
	expect_no_log "mounted read-only"
done
