#!/bin/sh
# 033_storage_too_small: an 8 MiB scratch disk (the minimum is 32 MiB) is
# refused before anything is written to it; so is the initdata disk named
# as scratch on the command line. One FATAL line each, no agent.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/storage.sh"

storage_initdata "$CASE_WORK/initdata.img" write
scratch_image "$CASE_WORK/scratch.img" 8M
# shellcheck disable=SC2046
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")" $(scratch_args "$CASE_WORK/scratch.img")
expect_fatal storage
expect_log "sealroot: FATAL storage: scratch disk scratch0: /dev/vdc is 8388608 bytes, too small for scratch (at least 32 MiB)"
[ "$(tr -d '\0' <"$CASE_WORK/scratch.img" | wc -c)" = 0 ] || case_fail "the small disk was written to"

# The initdata disk itself (vdb) as scratch, from the command line only.
cat >"$CASE_WORK/plain.toml" <<'TOML'
version = "0.1.0"
algorithm = "sha384"
[data]
"test-storage" = "write"
TOML
initdata_image "$CASE_WORK/plain.toml" "$CASE_WORK/plain.img"
INITDATA=$CASE_WORK/plain.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE") sealroot.scratch=/dev/vdb"
expect_fatal storage
expect_log "sealroot: FATAL storage: scratch disk /dev/vdb: /dev/vdb is the initdata disk"
