#!/bin/sh
# 082_extension_stripped: a measured extension (p2 holds its hash tree)
# announced with a bare key, as if the host had stripped its
# verity_params, in Kata's coco-dev shape: refused by the layout check
# (Kata's mount script refuses the same: src/agent/kata-extension-mount.sh,
# "hash device + NO params -> refuse", commit 7c6ba40c). One FATAL
# extensions line, nothing mounted, no agent.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/extension.sh"

ext_build coco
KS_EXTENSIONS="coco=$EXT_IMG" KS_EXT_PARAMS_coco=
ext_boot_kata
grep -q 'kata.extension.coco.verity_params$\|kata.extension.coco.verity_params ' "$LOG.cmd" ||
	case_fail "no bare key on the command line"
expect_fatal extensions
expect_log_re "extension coco: /dev/vd[a-z] has a dm-verity hash partition but the command line gives no verity_params; refusing to mount it unverified"
expect_no_log "mounted read-only"
