#!/bin/sh
# 014_initdata_bad_toml: a document that is not valid TOML (here a duplicate
# key, which a lenient parser would resolve by taking one of the two) fails
# closed, and the line names the line and column.
. "$TOP/tests/lib/boot.sh"

cat >"$CASE_WORK/dup.toml" <<'TOML'
version = "0.1.0"
algorithm = "sha384"
[data]
"policy.rego" = "allow"
"policy.rego" = "deny"
TOML
initdata_raw "$CASE_WORK/dup.toml" "$CASE_WORK/dup.img"
INITDATA=$CASE_WORK/dup.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log 'sealroot: FATAL initdata: /dev/vdb: TOML line 5 column 1: duplicate key'
expect_no_log "initdata: wrote"
