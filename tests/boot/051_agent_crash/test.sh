#!/bin/sh
# 051_agent_crash: the agent dies of SIGSEGV at once, after a secret was
# released. The init reports the signal and runs the ordered shutdown: the
# secret is overwritten and removed from /run first, then the processes are
# stopped, the file systems unmounted, the VM powered off.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/fault.sh"

fault_boot crash
expect_log "agent: pid"
expect_log "killed by signal 11"
expect_no_log "sealroot-test: VERDICT"
expect_ordered_shutdown
