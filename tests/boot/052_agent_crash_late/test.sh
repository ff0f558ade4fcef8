#!/bin/sh
# 052_agent_crash_late: the agent runs for two seconds, then dies of
# SIGSEGV. The same ordered shutdown as 051: secrets wiped first.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/fault.sh"

fault_boot crash-2s
expect_log "sealroot-test: crashing in 2 s"
expect_log "killed by signal 11"
expect_ordered_shutdown
