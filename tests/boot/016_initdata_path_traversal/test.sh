#!/bin/sh
# 016_initdata_path_traversal: a [data] key "../etc/passwd" would become a
# path outside the initdata directory. The whole document is checked before
# anything is written, so the boot fails closed with nothing written at all
# (not even the harmless entry before it), and the agent never starts.
. "$TOP/tests/lib/boot.sh"

cat >"$CASE_WORK/evil.toml" <<'TOML'
version = "0.1.0"
algorithm = "sha384"
[data]
"harmless.txt" = "x"
"../etc/passwd" = "root::0:0:root:/root:/bin/sh"
TOML
initdata_raw "$CASE_WORK/evil.toml" "$CASE_WORK/evil.img"
INITDATA=$CASE_WORK/evil.img
boot_run "$BUNDLE/rootfs.img" "$(sr_bundle_cmdline "$BUNDLE")"
expect_fatal initdata
expect_log 'sealroot: FATAL initdata: /dev/vdb: data entry "../etc/passwd" is not a plain file name'
expect_no_log "initdata: wrote"
expect_no_log "initdata: not bound"
