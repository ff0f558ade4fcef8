#!/bin/sh
# 050_agent_missing: an image built without /usr/bin/kata-agent (the same
# init, kernel and modules; its own root hash). Everything before the agent
# verifies, then the agent step fails closed with one FATAL line naming the
# path, and the VM powers off: the init never falls back to a shell.
. "$TOP/tests/lib/boot.sh"

kdir=$(cat "$TOP/build/kernel-none.dir")
"$TOP/rootfs/build.sh" --init "$TOP/build/x86_64/sealroot-init" --agent none \
	--mke2fs "$(cat "$TOP/build/deps.prefix")/bin/mke2fs" \
	--modules-dir "$kdir/modules" --modules-list "$TOP/rootfs/modules.list" \
	--out "$CASE_WORK/noagent.erofs" >"$CASE_WORK/build.log" 2>&1 ||
	{ cat "$CASE_WORK/build.log"; case_fail "rootfs/build.sh --agent none failed"; }
"$TOP/verity/build.sh" --data "$CASE_WORK/noagent.erofs" --out "$CASE_WORK/v" >>"$CASE_WORK/build.log" 2>&1 ||
	case_fail "verity/build.sh failed"
boot_run "$CASE_WORK/v/rootfs.img" "$(cat "$CASE_WORK/v/cmdline") panic=-1"
expect_fatal agent
expect_log "step initdata: ok"
expect_log "sealroot: FATAL agent: /usr/bin/kata-agent: No such file or directory"
expect_no_log "sealroot-test:"
