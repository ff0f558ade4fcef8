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

# The spec text's spelling of a known algorithm: Kata's agent
# (kata-containers src/libs/kata-types/src/initdata.rs, SUPPORTED_ALGORITHMS,
# commit 7c6ba40c) and Trustee (kbs-types HashAlgorithm, serde lowercase,
# commit 900aa8fd) refuse "sha-384", so the init does too, with one FATAL
# line, rather than boot into a pod whose agent then exits.
printf 'version = "0.1.0"\nalgorithm = "sha-384"\n[data]\n"a" = "b"\n' >"$CASE_WORK/spelling.toml"
initdata_raw "$CASE_WORK/spelling.toml" "$CASE_WORK/spelling.img"
INITDATA=$CASE_WORK/spelling.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log 'sealroot: FATAL initdata: /dev/vdb: unknown algorithm "sha-384" (want sha256, sha384 or sha512)'
expect_no_log "initdata: wrote"

# No [data] at all: both peers require the map.
printf 'version = "0.1.0"\nalgorithm = "sha384"\n' >"$CASE_WORK/nodata.toml"
initdata_raw "$CASE_WORK/nodata.toml" "$CASE_WORK/nodata.img"
INITDATA=$CASE_WORK/nodata.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log 'sealroot: FATAL initdata: /dev/vdb: data missing (a [data] table is required, even empty)'
expect_no_log "initdata: wrote"
