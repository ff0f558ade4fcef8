#!/bin/sh
# 053_agent_ignores_sigterm: the agent leaves a child that ignores SIGTERM
# and exits. At shutdown the child survives SIGTERM; after the measured
# grace period (sealroot.grace_ms=1000) the init sends SIGKILL, reaps it,
# and completes the shutdown.
. "$TOP/tests/lib/boot.sh"
. "$TOP/tests/lib/kbs.sh"
. "$TOP/tests/lib/fault.sh"

fault_boot ignore-term sealroot.grace_ms=1000
expect_log "sealroot-test: child"
expect_log "ignores SIGTERM"
expect_log "agent: pid"
expect_log "shutdown: stopping all processes (grace 1000 ms)"
expect_log "shutdown: processes left after the grace period, sending SIGKILL"
expect_no_log "processes left after SIGKILL"
expect_ordered_shutdown
