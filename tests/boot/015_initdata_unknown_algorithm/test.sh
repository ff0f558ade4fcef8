#!/bin/sh
# 015_initdata_unknown_algorithm: the digest algorithm comes from the
# document; one the init does not know (sha1) is fatal, never a fallback.
. "$TOP/tests/lib/boot.sh"

printf 'version = "0.1.0"\nalgorithm = "sha1"\n[data]\n"a" = "b"\n' >"$CASE_WORK/sha1.toml"
initdata_raw "$CASE_WORK/sha1.toml" "$CASE_WORK/sha1.img"
INITDATA=$CASE_WORK/sha1.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log 'sealroot: FATAL initdata: /dev/vdb: unknown algorithm "sha1" (want sha256, sha384 or sha512)'
expect_no_log "initdata: wrote"
